"""Issue 12 end to end: a campaign created with the client on the sandbox, played on the
simulated clock, its calls posted to the library's own WSGI webhook receiver over loopback,
and ``client.campaigns.results`` read from the API.

Each situation (retries, with a qualifier among ``retryOn``; a pause; public holidays; a
daylight-saving change) is checked midway and at the end against two independent counts: the
sandbox's own store of calls (``sandbox.calls()``, counted here by the rules README states) and
the simulation's progress (``sandbox.progress``); the receiver must have been handed exactly the
calls that had ended, which are the calls the results report. The README's worked example runs
in tests/package/test_readme.py; this file runs the same flow under harder conditions.
"""

from __future__ import annotations

import codecs
import collections
import csv
import datetime as dt
import io
import threading
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import attrs
import httpx
import pytest

from volubile_ext import (
    Call,
    CampaignWarning,
    Recipient,
    Volubile,
    plan_campaign,
    sign_webhook,
    webhook_wsgi_app,
)
from volubile_ext.testing import Sandbox, SandboxClock, StoredCall

pytestmark = pytest.mark.sandbox(rate_limit=None)

SECRET = "whsec-worked-example-not-a-secret"
REACHED = {"COMPLETED", "TRANSFERRED", "FAILOVER"}
SUNDAY_NOON = "2031-03-02T12:00:00+00:00"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Receiver:
    """``webhook_wsgi_app`` on a real loopback server: ``calls`` are what its handler was
    handed; ``posts`` every request as it arrived (headers, raw body, the status answered)."""

    def __init__(self, secrets: str | None = SECRET) -> None:
        self.calls: list[Call] = []
        self.posts: list[tuple[dict[str, str], bytes, str]] = []
        app = webhook_wsgi_app(self.calls.append, secrets=secrets)

        def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            headers = {
                key[5:].replace("_", "-").lower(): value
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
            answered: list[str] = []

            def start(status: str, *args: Any) -> Any:
                answered.append(status)
                return start_response(status, *args)

            environ["wsgi.input"] = io.BytesIO(body)
            result = app(environ, start)
            self.posts.append((headers, body, answered[0]))
            return result

        self.server = make_server("127.0.0.1", 0, recording, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[Volubile]:
    with Volubile(api_key=sandbox.api_key, base_url=sandbox.url) as made:
        yield made


def people(count: int) -> list[Recipient]:
    return [
        Recipient(f"+3361200{index:04d}", {"firstName": f"Ana{index}", "contract": f"C-{index}"})
        for index in range(count)
    ]


@attrs.frozen
class Expected:
    attempts: int
    last_status: str
    reached: bool
    final: bool
    call_ids: frozenset[str]


def start_time(call: StoredCall) -> str:
    return str(call.document["startTime"])


def main_qualifier(document: Mapping[str, Any]) -> str | None:
    classifiers = document.get("classifiers") or []
    primary = [item["value"] for item in classifiers if item.get("type") == "PRIMARY"]
    return primary[0] if primary else (classifiers[0]["value"] if classifiers else None)


def counted_from_the_store(
    sandbox: Sandbox, name: str, phones: list[str], retry: dict[str, Any] | None
) -> dict[str, Expected]:
    """The independent count: the sandbox's own store, by the rules README states."""
    mine: dict[str, list[StoredCall]] = collections.defaultdict(list)
    for call in sandbox.calls():
        if call.campaign == name:
            mine[call.phone].append(call)

    def retried(document: Mapping[str, Any], attempts: int) -> bool:
        return (
            retry is not None
            and attempts <= retry["max"]
            and (
                document["status"] in retry["retry_on"]
                or main_qualifier(document) in retry["retry_on"]
            )
        )

    expected = {}
    for phone in phones:
        calls = sorted(mine.pop(phone, []), key=start_time)
        # The sandbox calls again only after a call the rules retry.
        for attempt, call in enumerate(calls[:-1], start=1):
            assert retried(call.document, attempt), (phone, attempt, call.document)
        last = calls[-1].document if calls else None
        retrying = last is not None and retried(last, len(calls))
        expected[phone] = Expected(
            attempts=len(calls),
            last_status=last["status"] if last else "NOT_CALLED",
            reached=any(call.status in REACHED for call in calls),
            final=last is not None and last["status"] != "IN_PROGRESS" and not retrying,
            call_ids=frozenset(call.id for call in calls),
        )
    assert not mine, f"calls for numbers that are no recipient: {sorted(mine)}"
    return expected


@attrs.frozen
class Flow:
    """The three parts together: the client, the sandbox, the webhook receiver."""

    client: Volubile
    sandbox: Sandbox
    receiver: Receiver


@pytest.fixture
def flow(client: Volubile, sandbox: Sandbox, receiver: Receiver) -> Flow:
    return Flow(client, sandbox, receiver)


def check(
    flow: Flow, campaign_id: str, recipients: list[Recipient], retry: dict[str, Any] | None
) -> dict[str, int]:
    """Results, store, simulation and receiver agree; returns the results' states counted."""
    client, sandbox, receiver = flow.client, flow.sandbox, flow.receiver
    stored = sandbox.campaign(campaign_id)
    phones = [person.phone for person in recipients]
    results = client.campaigns.results(stored.name, recipients=recipients, retry=retry, page_size=7)
    expected = counted_from_the_store(sandbox, stored.name, phones, retry)
    rows = {row.phone: row for row in results}
    assert list(rows) == phones  # one row per recipient, in their order, nothing unlisted
    for phone, row in rows.items():
        want = expected[phone]
        got = Expected(
            row.attempts, str(row.last_status), row.reached, row.final, frozenset(row.call_ids)
        )
        assert got == want, phone
    progress = sandbox.progress(campaign_id)
    assert results.totals.recipients == progress.recipients == len(recipients)
    assert sum(row.final for row in rows.values()) == progress.final
    assert results.totals.calls == progress.calls
    # The receiver was handed each call that has ended, once, and nothing else.
    ended = {
        call.id: call.status
        for call in sandbox.calls()
        if call.campaign == stored.name and call.status != "IN_PROGRESS"
    }
    handed = {str(call.id): str(call.status) for call in receiver.calls}
    assert len(receiver.calls) == len(handed)
    assert handed == ended
    reported = {call_id for row in rows.values() for call_id in row.call_ids}
    assert set(handed) <= reported
    return dict(collections.Counter(row.state for row in rows.values()))


def create(client: Volubile, name: str, recipients: list[Recipient], **fields: Any) -> str:
    arguments: dict[str, Any] = {
        "name": name,
        "agent_id": Sandbox.OUTBOUND_AGENT_ID,
        "start_date": "2031-03-03",
        "days": "weekdays",
        "time_slots": ["09:00-15:00"],
        "batch_size": 4,
        "timezone": "Europe/Paris",
        "recipients": recipients,
        **fields,
    }
    return str(client.campaigns.create(**arguments).id)


def start(
    sandbox: Sandbox, receiver: Receiver, at: str = SUNDAY_NOON, **simulation: Any
) -> SandboxClock:
    clock = sandbox.start_clock(at)
    sandbox.simulation(**{"seed": 5, **simulation})
    sandbox.webhook(receiver.url, secret=SECRET)
    return clock


# --- the situations ---------------------------------------------------------------------------


def test_retries_with_a_status_or_a_qualifier_in_retry_on(
    flow: Flow, client: Volubile, sandbox: Sandbox, receiver: Receiver, tmp_path: Path
) -> None:
    # A secondary classifier's value is no main qualifier: only the PRIMARY one's retries.
    def classify(phone: str, context: dict[str, Any]) -> dict[str, str]:
        number = int(phone[-2:])
        return {
            "Outcome": "Call back" if number % 3 == 0 else "Interested",
            "Follow-up": "Call back" if number % 3 == 1 else "None",
        }

    clock = start(
        sandbox,
        receiver,
        outcomes={"COMPLETED": 0.4, "NO_ANSWER": 0.4, "VOICE_BOX": 0.2},
        classify=classify,
    )
    retry: dict[str, Any] = {"max": 2, "delay": 4, "retry_on": ["NO_ANSWER", "Call back"]}
    recipients = people(16)
    campaign_id = create(client, "Retries", recipients, retry=retry)
    clock.advance(days=1, hours=1)  # Monday 13:00 UTC: a first batch, some retries due
    midway = check(flow, campaign_id, recipients, retry)
    assert midway.get("retry_pending", 0) > 0
    assert midway.get("not_called", 0) > 0
    clock.run_until_done()
    final = check(flow, campaign_id, recipients, retry)
    assert set(final) <= {"reached", "not_reached"}
    # The results file says the same as the store, row by row.
    expected = counted_from_the_store(sandbox, "Retries", [p.phone for p in recipients], retry)
    path = tmp_path / "results.csv"
    results = client.campaigns.results("Retries", recipients=recipients, retry=retry)
    assert results.write_csv(path) == len(recipients)
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    with path.open(encoding="utf-8-sig", newline="") as file:
        written = list(csv.DictReader(file))
    assert [row["phone"] for row in written] == list(expected)
    for row in written:
        want = expected[row["phone"]]
        assert (int(row["attempts"]), row["last_status"]) == (want.attempts, want.last_status)
        assert row["state"] == ("reached" if want.reached else "not_reached")
        assert frozenset(row["call_ids"].split()) == want.call_ids
    attempts = collections.Counter(call.phone for call in sandbox.calls())
    assert max(attempts.values()) == 1 + retry["max"]  # someone used every retry
    # Someone answered, with "Call back" as a secondary classifier only, and was not called again.
    secondary = [
        call
        for call in sandbox.calls()
        if [item["value"] for item in call.document["classifiers"]] == ["Interested", "Call back"]
    ]
    assert secondary
    assert secondary
    last_call = {call.phone: call.id for call in sorted(sandbox.calls(), key=start_time)}
    assert all(last_call[call.phone] == call.id for call in secondary)


def test_a_pause_holds_the_results_pending(
    flow: Flow, client: Volubile, sandbox: Sandbox, receiver: Receiver
) -> None:
    clock = start(sandbox, receiver, outcomes={"COMPLETED": 0.6, "NO_ANSWER": 0.4})
    retry: dict[str, Any] = {"max": 1, "delay": 2, "retry_on": ["NO_ANSWER"]}
    recipients = people(12)
    campaign_id = create(client, "Paused", recipients, retry=retry)
    clock.advance_to("2031-03-03T11:30:00+01:00")  # Monday, inside the morning window
    client.campaigns.pause(campaign_id)
    clock.advance(days=4)
    paused = check(flow, campaign_id, recipients, retry)
    assert paused.get("not_called", 0) >= len(recipients) - 4  # nobody new while paused
    assert "in_progress" not in paused  # the calls under way at the pause ended
    client.campaigns.resume(campaign_id)
    clock.run_until_done()
    final = check(flow, campaign_id, recipients, retry)
    assert sum(final.values()) == len(recipients)
    assert set(final) <= {"reached", "not_reached"}


def test_public_holidays_skipped_as_planned(
    flow: Flow, client: Volubile, sandbox: Sandbox, receiver: Receiver
) -> None:
    # Thursdays 1 May, 8 May and 22 May (Ascension) 2031 are public holidays.
    clock = start(
        sandbox,
        receiver,
        at="2031-04-27T12:00:00+00:00",
        exclude_public_holidays=True,
        outcomes={"COMPLETED": 0.5, "VOICE_BOX": 0.5},
    )
    retry: dict[str, Any] = {"max": 1, "delay": 1, "retry_on": ["VOICE_BOX"]}
    recipients = people(6)
    fields: dict[str, Any] = {
        "start_date": "2031-04-28",
        "days": ["THURSDAY"],
        "batch_size": 2,
        "retry": retry,
    }
    # create warns of the holidays the plan calls on (the API knows none): the simulation pauses.
    with pytest.warns(CampaignWarning, match="public holiday") as warned:
        campaign_id = create(client, "Holidays", recipients, **fields)
    assert len(warned) == 2  # 1 and 8 May; Ascension is after the last planned call
    clock.run_until_done()
    check(flow, campaign_id, recipients, retry)
    plan = plan_campaign(
        name="Holidays",
        agent_id=Sandbox.OUTBOUND_AGENT_ID,
        time_slots=["09:00-15:00"],
        timezone="Europe/Paris",
        recipients=recipients,
        exclude_public_holidays=True,
        **fields,
    )
    first_calls = {call.phone: call for call in sorted(sandbox.calls(), key=start_time)[::-1]}
    first_days = {
        dt.datetime.fromisoformat(start_time(call)).astimezone(PARIS).date()
        for call in first_calls.values()
    }
    assert first_days == {day.date for day in plan.days if day.calls}


@pytest.mark.parametrize(
    ("at", "start_date"),
    [("2031-03-27T12:00:00+00:00", "2031-03-28"), ("2031-10-23T12:00:00+00:00", "2031-10-24")],
    ids=["summer time", "winter time"],
)
def test_a_daylight_saving_change_midway(flow: Flow, at: str, start_date: str) -> None:
    client, sandbox, receiver = flow.client, flow.sandbox, flow.receiver
    clock = start(sandbox, receiver, at=at, outcomes={"COMPLETED": 0.5, "NO_ANSWER": 0.5})
    retry: dict[str, Any] = {"max": 2, "delay": 3, "retry_on": ["NO_ANSWER"]}
    recipients = people(8)
    fields: dict[str, Any] = {
        "start_date": start_date,
        "days": ["MONDAY", "FRIDAY"],
        "batch_size": 4,
    }
    campaign_id = create(client, "DST", recipients, retry=retry, **fields)
    clock.advance(days=2)  # the Sunday of the change, between the two calling days
    midway = check(flow, campaign_id, recipients, retry)
    assert midway.get("not_called") == 4
    clock.run_until_done()
    check(flow, campaign_id, recipients, retry)


# --- the receiver refuses what the sender did not sign --------------------------------------


@pytest.mark.parametrize(
    ("secret", "reason"),
    [("whsec-another-secret", "mismatch"), (None, "missing")],
    ids=["another secret", "unsigned"],
)
def test_the_receiver_refuses_a_sender_without_the_secret(
    client: Volubile, sandbox: Sandbox, receiver: Receiver, secret: str | None, reason: str
) -> None:
    clock = sandbox.start_clock(SUNDAY_NOON)
    hook = sandbox.webhook(receiver.url, secret=secret)
    create(client, "Refused", people(2), batch_size=2)
    clock.run_until_done()
    assert receiver.calls == []
    assert [status for _, _, status in receiver.posts] == ["401 Unauthorized"] * 2
    # A 4xx is given up at once: the sender would send the same bytes again.
    assert [(d.state, len(d.attempts)) for d in hook.deliveries] == [("failed", 1)] * 2
    assert all(d.attempts[0].status_code == 401 for d in hook.deliveries)
    headers, body, _ = receiver.posts[0]
    assert ("x-webhook-signature" in headers) == (secret is not None)
    response = httpx.post(receiver.url, content=body, headers=headers)
    assert f"({reason})" in response.text


def test_the_senders_bodies_replayed_with_another_signature_or_cut_short_are_refused(
    client: Volubile, sandbox: Sandbox, receiver: Receiver
) -> None:
    clock = start(sandbox, receiver, outcomes={"COMPLETED": 1})
    create(client, "Replayed", people(2), batch_size=2)
    clock.run_until_done()
    (first_headers, first, _), (second_headers, _, _) = receiver.posts
    assert first_headers["x-webhook-signature"] == sign_webhook(first, SECRET)
    handed = list(receiver.calls)
    attacks = [
        (first, second_headers["x-webhook-signature"]),  # a body with another's signature
        (first[:-1], first_headers["x-webhook-signature"]),  # cut short, its signature
        (first, first_headers["x-webhook-signature"][:-2]),  # its signature cut short
        (first, ""),
    ]
    for body, signature in attacks:
        headers = {"X-Webhook-Signature": signature} if signature else {}
        assert httpx.post(receiver.url, content=body, headers=headers).status_code == 401
    # Cut short and signed again (a sender's bug, not an attacker): no call either.
    cut = first[: len(first) // 2]
    signed = {"X-Webhook-Signature": sign_webhook(cut, SECRET)}
    assert httpx.post(receiver.url, content=cut, headers=signed).status_code == 400
    assert receiver.calls == handed


def test_the_readme_worked_example_is_one_of_the_examples_test_readme_runs() -> None:
    from tests.package.test_readme import PYTHON

    worked = [
        code.body
        for code, _ in PYTHON
        if "clock.advance(days=7)" in code.body and "campaigns.results(" in code.body
    ]
    assert len(worked) == 1
    for part in ("load_recipients(", "plan_campaign(", "webhook_wsgi_app(", "write_csv("):
        assert part in worked[0]
