"""Drive ``Volubile`` and ``AsyncVolubile`` through one interface, so every client test runs twice;
and the sample data every test file shares.

``Harness("sync" | "async", **client_kwargs)`` builds the client; ``harness.call("campaigns.get",
id)`` runs the method, awaiting it on a persistent event loop for the async client (the
connection pool belongs to one loop). A fake Volubile API answers on a loopback socket.

The samples are written once here: a campaign as ``campaigns.create`` arguments
(``CREATE_ARGS``), as the API's JSON body (``campaign_body()``, for tests that speak HTTP
themselves) and as the API's answer (``campaign_document()``); the ids and the made-up key.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from tests.scripted_server import Received, Reply
from volubile_ext import AsyncVolubile, BulkCreateReport, Campaign, Recipient, Volubile

AGENT_ID = "7c0a8d4e-2f51-4c3b-9f0e-5b2d1a6c3e90"
CAMPAIGN_ID = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
API_KEY = "test-key-not-a-real-secret-4242"  # made up
PHONE = "+33612345678"
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
# Context values of every kind our openapi.yaml allows (ARCHITECTURE.md, vendor spec defect 2).
MIXED_RECIPIENTS: list[dict[str, Any]] = [
    {"phone": PHONE, "context": {"firstName": "Ana", "visits": 3, "vip": True}},
    {"phone": "+33623456789", "context": {"order": {"number": "5HZ99FRT", "total": 12.5}}},
    {"phone": "+33781234567"},
]
CREATE_ARGS: dict[str, Any] = {
    "name": "Renewals",
    "agent_id": AGENT_ID,
    "start_date": "2026-12-01",
    "time_slots": ["10:00-12:00"],
    "batch_size": 200,
    "days": "weekdays",
    "recipients": [{"phone": "+33612345678", "context": {"firstName": "Ana"}}],
    "timezone": "Europe/Paris",
}

# The schedule of CREATE_ARGS without its recipients, and ten people for create_many to chunk.
SCHEDULE_ARGS: dict[str, Any] = {k: v for k, v in CREATE_ARGS.items() if k != "recipients"}
TEN_PEOPLE = [Recipient(f"+336123456{index:02d}", {"row": index}) for index in range(10)]


# The body of ``POST /v1/campaigns`` with the required fields only, for tests that send the API's
# JSON themselves (the sandbox's, the conformance suites'); it starts in 2031, never in the past.
CAMPAIGN_BODY: dict[str, Any] = {
    "name": "Renewals",
    "agentId": AGENT_ID,
    "startDate": "2031-03-03",
    "timeSlots": [{"startTime": "10:00", "endTime": "12:00"}],
    "batchSize": 10,
    "days": ["MONDAY"],
}
# The same with every field the API takes: two time slots, retry, a time zone, recipients.
FULL_CAMPAIGN_BODY: dict[str, Any] = {
    "name": "Renewals",
    "agentId": AGENT_ID,
    "startDate": "2031-03-03",
    "timeSlots": [
        {"startTime": "09:00", "endTime": "13:00"},
        {"startTime": "14:00", "endTime": "18:30"},
    ],
    "batchSize": 200,
    "retry": {"max": 2, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]},
    "days": ["MONDAY", "WEDNESDAY", "FRIDAY"],
    "recipients": MIXED_RECIPIENTS,
    "timezone": "Europe/Paris",
}
# A value of campaign_body's changes: leave the field out.
OMIT: Any = object()


REFERENCE_CALL_ID = "7f1c6a3e-3c0b-4a51-9a5e-2b8f2f0e7d11"
REFERENCE_CALL_AGENT_ID = "0b6f3c56-5a0e-4d36-9d55-1c1b0f0b7a21"
# The reference's example of a call (notes §2.11), newest version: the typed values' and the
# webhooks' tests read it.
REFERENCE_CALL: dict[str, Any] = {
    "id": REFERENCE_CALL_ID,
    "agentId": REFERENCE_CALL_AGENT_ID,
    "phone": "+33612345678",
    "type": "OUTBOUND",
    "duration": 360,
    "startTime": "2024-07-30T14:35:00Z",
    "endTime": "2024-07-30T14:41:00Z",
    "anonymous": False,
    "status": "COMPLETED",
    "extractors": [
        {
            "name": "customer",
            "value": [
                {"name": "firstname", "value": ["John"]},
                {"name": "lastname", "value": ["Doe"]},
                {"name": "address", "value": ["123 Main St"]},
            ],
        },
        {"name": "example", "value": ["example1"]},
    ],
    "extractedData": {
        "customer": {"firstname": "John", "lastname": "Doe", "address": "123 Main St"},
        "example": "example1",
    },
    "classifiers": [
        {"name": "Customer's request", "value": "Refund", "type": "PRIMARY"},
        {"name": "Sentiment", "value": "Positive", "type": "SECONDARY"},
    ],
    "classificationData": {"Customer's request": "Refund", "Sentiment": "Positive"},
    "context": {
        "firstName": "John",
        "orderNumber": "5HZ99FRT",
        "system": {"phone": "+33612345678"},
    },
    "recorded": True,
    "summary": "Discussed project requirements and next steps.",
    "created": "2024-07-30T14:45:00Z",
}


def campaign_body(base: dict[str, Any] = CAMPAIGN_BODY, /, **changes: Any) -> dict[str, Any]:
    """A fresh copy of ``base`` (``CAMPAIGN_BODY`` or ``FULL_CAMPAIGN_BODY``) with ``changes``,
    named as on the wire (``batchSize=0``); a field changed to ``OMIT`` is left out."""
    body = copy.deepcopy({**base, **changes})
    return {name: value for name, value in body.items() if value is not OMIT}


# A small valid schedule as campaigns.create arguments, for campaigns a test needs to exist.
EXISTING_ARGS: dict[str, Any] = {
    "agent_id": AGENT_ID,
    "start_date": "2027-06-07",
    "days": "weekdays",
    "time_slots": ["10:00-12:00"],
    "batch_size": 10,
    "timezone": "Europe/Paris",
}


def create_campaign(base_url: str, api_key: str, name: str, **fields: Any) -> Campaign:
    """A campaign created at ``base_url`` through the library, not through the code under test
    (and outside any rate limit); ``fields`` add to (or replace) ``EXISTING_ARGS``."""
    with Volubile(api_key=api_key, base_url=base_url, rate_limit=None) as client:
        return client.campaigns.create(name=name, **(EXISTING_ARGS | fields))


def create_many(harness: Harness, **kwargs: Any) -> BulkCreateReport:
    """``campaigns.create_many`` of TEN_PEOPLE in chunks of 2 (five campaigns); ``kwargs``
    override or add arguments (``journal=``)."""
    arguments = {
        **SCHEDULE_ARGS,
        "name": "Renewals",
        "recipients": TEN_PEOPLE,
        "chunk_size": 2,
        **kwargs,
    }
    report: BulkCreateReport = harness.call("campaigns.create_many", **arguments)
    return report


def campaign_document(**overrides: Any) -> dict[str, Any]:
    document = {
        "id": CAMPAIGN_ID,
        "name": "Renewals",
        "agentId": AGENT_ID,
        "startDate": "2026-12-01",
        "timeSlots": [{"startTime": "10:00", "endTime": "12:00"}],
        "batchSize": 200,
        "retry": {"max": 1, "delay": 4, "retryOn": ["NO_ANSWER"]},
        "days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
        "status": "ACTIVE",
        "timezone": "Europe/Paris",
    }
    document.update(overrides)
    return document


class FakeApi:
    """A callable scripted-server action that answers like the Volubile API."""

    def __init__(self, *, token_lifetime: int = 900) -> None:
        self.token_lifetime = token_lifetime
        self._serial = itertools.count(1)
        self.minted: list[str] = []

    def __call__(self, request: Received) -> Reply:
        headers = {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"}
        if request.path == "/v1/auth/token":
            token = f"eyJhbGciOiJIUzI1NiJ9.fake-token-{next(self._serial)}.sig"
            self.minted.append(token)
            return Reply(
                200,
                json={"token": token, "expiresIn": self.token_lifetime, "tokenType": "Bearer"},
                headers=headers,
            )
        if request.path == "/v1/campaigns" and request.method == "POST":
            body = request.json()
            return Reply(
                201,
                json=campaign_document(id=str(uuid.uuid4()), name=body["name"]),
                headers=headers,
            )
        if request.path.endswith("/status"):
            return Reply(
                200, json=campaign_document(status=json.loads(request.body)), headers=headers
            )
        return Reply(200, json=campaign_document(), headers=headers)


class Harness:
    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        factory: Callable[..., Volubile | AsyncVolubile] = (
            AsyncVolubile if kind == "async" else Volubile
        )
        self.client = factory(**kwargs)

    def call(self, path: str, *args: Any, **kwargs: Any) -> Any:
        target: Any = self.client
        for part in path.split("."):
            target = getattr(target, part)
        result = target(*args, **kwargs)
        if self.loop is not None:
            return self.loop.run_until_complete(result)
        return result

    def run(self, coroutine: Any) -> Any:
        assert self.loop is not None
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        if self.loop is not None:
            assert isinstance(self.client, AsyncVolubile)
            self.loop.run_until_complete(self.client.close())
            self.loop.close()
        else:
            assert isinstance(self.client, Volubile)
            self.client.close()


def wait_for(condition: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    """Poll ``condition`` until it is true (a wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def in_threads(target: Callable[[], object], count: int) -> None:
    """Run ``target`` in ``count`` threads started together; return once every one has ended."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def iterate(harness: Harness, iterable: Any) -> list[Any]:
    """Every item of a sync iterable or, for the async harness, of an async one (a pager, its
    ``pages()``), in order."""
    if harness.kind != "async":
        return list(iterable)

    async def gather() -> list[Any]:
        return [item async for item in iterable]

    return harness.run(gather())


def on_model_read(monkeypatch: Any, model: type, seen: Callable[[Any], object]) -> None:
    """Calls ``seen(document)`` each time the generated ``model``'s real ``from_dict`` reads a
    document, then reads it (undone by ``monkeypatch`` after the test)."""
    original = model.__dict__["from_dict"].__func__

    def read(cls: type, src: Any) -> Any:
        seen(src)
        return original(cls, src)

    monkeypatch.setattr(model, "from_dict", classmethod(read))
