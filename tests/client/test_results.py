"""``client.campaigns.results`` over loopback against the sandbox, sync and async.

Calls are added with ``sandbox.add_call``; each test checks the join against what was added and
counts the requests the sandbox received (pages of calls, the campaign read for its rules).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.client_harness import SCHEDULE_ARGS, Harness
from volubile_ext import ClientValidationError, Recipient, load_recipients
from volubile_ext.testing import Sandbox

pytestmark = pytest.mark.sandbox(rate_limit=None)

NAME = "Renewals"
RETRY = {"max": 2, "delay": 4, "retry_on": ["NO_ANSWER", "VOICE_BOX"]}
ANA, BOB, CHLOE, DAN = "+33612345601", "+33612345602", "+33612345603", "+33612345604"
PEOPLE = [
    Recipient(ANA, {"firstName": "Ana"}),
    Recipient(BOB, {"firstName": "Bob"}),
    Recipient(CHLOE, {"firstName": "Chloé"}),
]
KINDS = ["sync", "async"]


@pytest.fixture(params=KINDS)
def client(
    request: pytest.FixtureRequest, sandbox: Sandbox, harnesses: Callable[..., Harness]
) -> Harness:
    return harnesses(str(request.param), api_key=sandbox.api_key, base_url=sandbox.url)


def at(hour: int) -> str:
    return f"2030-03-04T{hour:02d}:00:00+00:00"


def test_the_join_over_the_sandbox(client: Harness, sandbox: Sandbox) -> None:
    answered = sandbox.add_call(
        phone=ANA,
        campaign=NAME,
        status="COMPLETED",
        start_time=at(10),
        extractors=[{"name": "renew", "value": ["yes"]}],
        classifiers=[{"name": "Sentiment", "value": "Positive", "type": "PRIMARY"}],
    )
    sandbox.add_call(phone=BOB, campaign=NAME, status="NO_ANSWER", start_time=at(10))
    sandbox.add_call(phone=BOB, campaign=NAME, status="VOICE_BOX", start_time=at(14))
    sandbox.add_call(phone=DAN, campaign=NAME, status="FAILED", start_time=at(11))
    sandbox.add_call(phone=CHLOE, campaign="Other", status="COMPLETED")
    seen: list[tuple[int, int]] = []
    results = client.call(
        "campaigns.results",
        NAME,
        recipients=PEOPLE,
        retry=RETRY,
        on_progress=lambda read, expected: seen.append((read, expected)),
    )
    rows = {row.phone: row for row in results}
    assert rows[ANA].reached
    assert rows[ANA].call_ids == (answered.document["id"],)
    assert rows[ANA].extracted_data == {"renew": "yes"}
    assert rows[ANA].classification_data == {"Sentiment": "Positive"}
    assert (rows[BOB].state, rows[BOB].attempts, rows[BOB].last_status) == (
        "retry_pending",
        2,
        "VOICE_BOX",
    )
    assert rows[CHLOE].state == "not_called"  # her call belongs to another campaign
    assert rows[DAN].listed is False
    assert results.totals.calls == 4
    # "Renewals" and "Renewals (1/1)", one page each (the second one empty).
    assert sandbox.count("GET", "/v1/calls") == 2
    assert seen == [(4, 4), (4, 4)]


def test_chunks_are_read_page_by_page(client: Harness, sandbox: Sandbox) -> None:
    people = [f"+336{10000000 + index}" for index in range(1_500)]
    for index, phone in enumerate(people[:230]):
        chunk = "(1/2)" if index < 120 else "(2/2)"
        sandbox.add_call(phone=phone, campaign=f"{NAME} {chunk}", status="COMPLETED")
    results = client.call("campaigns.results", NAME, recipients=people, retry=None, page_size=50)
    assert results.campaign_names == (NAME, f"{NAME} (1/2)", f"{NAME} (2/2)")
    assert results.totals.reached == 230
    assert results.totals.pending == 1_500 - 230
    # One page for the bare name (empty), ceil(120/50) and ceil(110/50) for the chunks.
    assert sandbox.count("GET", "/v1/calls") == 1 + math.ceil(120 / 50) + math.ceil(110 / 50)


def test_rules_from_a_campaign_and_from_create_many(client: Harness, sandbox: Sandbox) -> None:
    arguments = dict(SCHEDULE_ARGS, name=NAME, retry=RETRY)
    report = client.call("campaigns.create_many", recipients=PEOPLE, chunk_size=2, **arguments)
    assert report.ok
    sandbox.add_call(phone=ANA, campaign=f"{NAME} (1/2)", status="NO_ANSWER")
    sandbox.add_call(phone=CHLOE, campaign=f"{NAME} (2/2)", status="COMPLETED")
    before = sandbox.count("GET", "/v1/calls")
    results = client.call("campaigns.results", report, recipients=PEOPLE)
    assert results.retry is not None
    assert results.retry.max == 2
    rows = {row.phone: row.state for row in results}
    assert rows == {ANA: "retry_pending", BOB: "not_called", CHLOE: "reached"}
    assert sandbox.count("GET", "/v1/calls") - before == 2
    campaign = report.created[0].campaign
    one = client.call("campaigns.results", campaign, recipients=PEOPLE[:2])
    assert one.campaign_names == (f"{NAME} (1/2)",)
    assert {row.phone: row.state for row in one} == {ANA: "retry_pending", BOB: "not_called"}


def test_a_journal_gives_the_chunks_and_the_rules(
    client: Harness, sandbox: Sandbox, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    arguments = dict(SCHEDULE_ARGS, name=NAME, retry=RETRY)
    report = client.call(
        "campaigns.create_many", recipients=PEOPLE, chunk_size=2, journal=journal, **arguments
    )
    assert report.ok
    sandbox.add_call(phone=BOB, campaign=f"{NAME} (1/2)", status="VOICE_BOX")
    reads = sandbox.count("GET", "/v1/campaigns/" + str(report.campaign_ids[0]))
    results = client.call("campaigns.results", NAME, recipients=PEOPLE, journal=journal)
    assert results.campaign_names == (NAME, f"{NAME} (1/2)", f"{NAME} (2/2)")
    assert results.retry is not None
    assert results.retry.retry_on == ("NO_ANSWER", "VOICE_BOX")
    # The journal kept the campaign: its rules are read from it, not asked for.
    assert sandbox.count("GET", "/v1/campaigns/" + str(report.campaign_ids[0])) == reads
    assert {row.phone: row.state for row in results}[BOB] == "retry_pending"


def test_rules_read_from_the_api_when_the_journal_has_only_ids(
    client: Harness, sandbox: Sandbox, tmp_path: Path
) -> None:
    arguments = dict(SCHEDULE_ARGS, name=NAME, retry=RETRY)
    campaign = client.call("campaigns.create", recipients=PEOPLE, **arguments)
    journal = tmp_path / "run.jsonl"
    lines = [
        {"type": "run", "version": 1, "fingerprint": "f", "chunks": 1},
        {"type": "created", "chunk": 0, "campaign_id": str(campaign.id)},
    ]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    results = client.call("campaigns.results", NAME, recipients=PEOPLE, journal=journal)
    assert results.retry is not None
    assert results.retry.max == 2
    assert sandbox.count("GET", f"/v1/campaigns/{campaign.id}") == 1


def test_bad_arguments_send_nothing(client: Harness, sandbox: Sandbox) -> None:
    with pytest.raises(ClientValidationError) as refused:
        client.call("campaigns.results", NAME, recipients=["0612"], page_size=500)
    fields = [error.field for error in refused.value.errors]
    assert fields == ["page_size", "recipients[0].phone", "retry"]
    assert sandbox.count() == 0


def test_export_from_a_csv_import(client: Harness, sandbox: Sandbox, tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text(f"phone;firstName\n{ANA};Ana\n{BOB};Bob\n", encoding="utf-8")
    sandbox.add_call(
        phone=ANA,
        campaign=NAME,
        status="COMPLETED",
        extractors=[
            {"name": "customer", "value": [{"name": "city", "value": ["Lyon"]}]},
        ],
    )
    results = client.call("campaigns.results", NAME, recipients=load_recipients(source), retry=None)
    stream = io.StringIO()
    assert results.write_csv(stream) == 2
    rows: list[dict[str, Any]] = list(
        csv.DictReader(io.StringIO(stream.getvalue().lstrip("\ufeff")))
    )
    assert rows[0]["extracted.customer.city"] == "Lyon"
    assert rows[0]["context.firstName"] == "Ana"
    assert rows[1]["state"] == "not_called"


def test_results_agree_with_a_count_from_the_sandboxs_store(
    client: Harness, sandbox: Sandbox
) -> None:
    import random

    chooser = random.Random(12)
    people = [f"+336{30000000 + index}" for index in range(60)]
    statuses = ["COMPLETED", "NO_ANSWER", "VOICE_BOX", "FAILED", "TRANSFERRED", "IN_PROGRESS"]
    for phone in people[:50]:
        for attempt in range(chooser.randint(1, 4)):
            sandbox.add_call(
                phone=phone,
                campaign=chooser.choice([NAME, f"{NAME} (1/1)", "Unrelated"]),
                status=chooser.choice(statuses),
                start_time=at(9 + attempt),
            )
    results = client.call("campaigns.results", NAME, recipients=people, retry=RETRY, page_size=7)
    # The independent count: straight from the store, by the rules README states.
    mine = [c for c in sandbox.calls() if c.campaign in (NAME, f"{NAME} (1/1)")]
    for row in results:
        calls = sorted(
            (c.document for c in mine if c.document["phone"] == row.phone),
            key=lambda doc: doc["startTime"],
        )
        assert row.attempts == len(calls)
        assert row.reached == any(doc["status"] in ("COMPLETED", "TRANSFERRED") for doc in calls)
        last = calls[-1]["status"] if calls else "NOT_CALLED"
        assert row.last_status == last
        retrying = last in RETRY["retry_on"] and len(calls) <= RETRY["max"]
        assert row.final == (bool(calls) and last != "IN_PROGRESS" and not retrying)
        assert set(row.call_ids) == {doc["id"] for doc in calls}
    assert results.totals.calls == len(mine)
