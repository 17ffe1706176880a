"""The create body goes through the generated model: ``_wire.campaign_request_model``.

Its recipients take a fast path (``# perf:`` in ``_wire``): these tests prove the bytes it
writes are those of the generated ``CreateCampaignRequest`` built the slow way, from the same
body, for every shape of request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from volubile_api.models import CreateCampaignRequest
from volubile_ext import RetrySettings, load_recipients
from volubile_ext._wire import campaign_request_model
from volubile_ext.campaigns._campaign_input import CampaignRequest, build_campaign_request

BASE: dict[str, Any] = {
    "name": "Renewals",
    "agent_id": "3f1c2a9e-8d4b-4c6a-9e2f-1a2b3c4d5e6f",
    "start_date": "2026-12-01",
    "time_slots": ["9:00-15:00", "16:00-18:30"],
    "batch_size": 200,
    "days": "weekdays",
}
RECIPIENTS = [
    {"phone": "+33612345678", "context": {"firstName": "Ana", "age": 41, "vip": True}},
    {"phone": "+33698765432", "context": {"order": {"id": "5HZ", "lines": [1, 2]}}},
    "+33611223344",
]


def generated_bytes(request: CampaignRequest) -> bytes:
    """The body as the generated model writes it, every recipient a generated model."""
    model = CreateCampaignRequest.from_dict(request.to_json())
    return json.dumps(model.to_dict()).encode()


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"recipients": RECIPIENTS},
        {"recipients": RECIPIENTS, "timezone": "Europe/Paris"},
        {"recipients": RECIPIENTS, "retry": RetrySettings(max=2, delay=4, retry_on=["NO_ANSWER"])},
        {"timezone": "Europe/Paris", "retry": {"max": 0}},
        {
            "recipients": [{"phone": f"+3361{index:07d}"} for index in range(1000)],
            "timezone": "America/Cayenne",
            "retry": {"max": 1, "delay": 2, "retry_on": "VOICE_BOX"},
        },
        {
            "recipients": [
                {"phone": f"+3361{index:07d}", "context": {"firstName": f"Ana{index}"}}
                for index in range(1000)
            ],
        },
        {
            # Plain recipients whose keys come context first, and an empty context (left out).
            "recipients": [
                {"context": {"firstName": "Ana", "city": "Sète"}, "phone": "+33612345678"},
                {"phone": "+33698765432", "context": {}},
            ],
        },
    ],
    ids=[
        "minimal",
        "recipients",
        "recipients+timezone",
        "recipients+retry",
        "no-recipients",
        "1000",
        "1000-plain",
        "plain-reordered-and-empty",
    ],
)
def test_the_fast_body_is_the_generated_models_body(extra: dict[str, Any]) -> None:
    request = build_campaign_request(**BASE, **extra)
    model = campaign_request_model(request)
    assert isinstance(model, CreateCampaignRequest)
    assert json.dumps(model.to_dict()).encode() == generated_bytes(request)


def test_the_model_carries_the_checked_values() -> None:
    request = build_campaign_request(**BASE, recipients=RECIPIENTS, timezone="Europe/Paris")
    model = campaign_request_model(request)
    assert model.name == "Renewals"
    assert str(model.agent_id) == BASE["agent_id"]
    assert model.batch_size == 200
    assert [slot.start_time for slot in model.time_slots] == ["09:00", "16:00"]
    assert model.timezone == "Europe/Paris"
    assert len(model.to_dict()["recipients"]) == 3


def test_the_wire_body_is_to_json_s_document_and_leaves_the_request_as_it_was(
    tmp_path: Path,
) -> None:
    # wire_json shares the recipients' flat contexts instead of copying them (perf): the same
    # document for every kind of recipient, and to_json still gives copies.
    path = tmp_path / "people.csv"
    path.write_text("phone,firstName\n+33611111111,Zoe\n+33622222222,\n", encoding="utf-8")
    for recipients in (
        RECIPIENTS,
        [{"phone": "+33612345678", "context": {"firstName": "Ana"}}, "+33698765432"],
        load_recipients(path),
    ):
        request = build_campaign_request(**BASE, recipients=recipients)
        assert request.wire_json() == request.to_json()
        assert json.dumps(request.wire_json()) == json.dumps(request.to_json())
    request = build_campaign_request(**BASE, recipients=RECIPIENTS[:1])
    request.to_json()["recipients"][0]["context"]["firstName"] = "Bob"
    assert request.recipients is not None
    assert request.recipients[0].context["firstName"] == "Ana"
