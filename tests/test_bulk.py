"""create_many: chunking, the journal, resuming after failures, never a chunk created twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.client_harness import API_KEY, CREATE_ARGS, FakeApi, Harness
from tests.scripted_server import Drop, Received, Reply, ScriptedServer
from volubile_ext import (
    BulkCreateReport,
    CampaignWarning,
    ClientValidationError,
    JournalMismatchError,
    Recipient,
    _bulk,
    load_recipients,
)

PARAMS = {key: value for key, value in CREATE_ARGS.items() if key != "recipients"}
PEOPLE = [Recipient(f"+336123456{index:02d}", {"row": index}) for index in range(10)]


class CountingApi(FakeApi):
    """The fake API, remembering which campaign names it created (a create is applied here)."""

    def __init__(self) -> None:
        super().__init__()
        self.created: list[str] = []

    def __call__(self, request: Received) -> Reply:
        if request.method == "POST" and request.path == "/v1/campaigns":
            self.created.append(request.json()["name"])
        return super().__call__(request)


@pytest.fixture
def api() -> CountingApi:
    return CountingApi()


@pytest.fixture
def server(api: CountingApi) -> Iterator[ScriptedServer]:
    with ScriptedServer(default=api) as running:
        yield running


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest, server: ScriptedServer) -> Iterator[Harness]:
    made = Harness(str(request.param), api_key=API_KEY, base_url=server.url, rate_limit=None)
    yield made
    made.close()


def create_many(harness: Harness, **kwargs: Any) -> BulkCreateReport:
    arguments = {**PARAMS, "name": "Renewals", "recipients": PEOPLE, "chunk_size": 2, **kwargs}
    report: BulkCreateReport = harness.call("campaigns.create_many", **arguments)
    return report


def posts(server: ScriptedServer) -> list[Received]:
    return [r for r in server.received if r.method == "POST" and r.path == "/v1/campaigns"]


def test_chunks_are_named_and_hold_their_ranges(harness: Harness, server: ScriptedServer) -> None:
    report = create_many(harness, recipients=PEOPLE[:5])
    assert report.ok
    assert [(c.index, c.first, c.last) for c in report.created] == [(0, 0, 1), (1, 2, 3), (2, 4, 4)]
    sent = posts(server)
    assert [r.json()["name"] for r in sent] == [
        "Renewals (1/3)",
        "Renewals (2/3)",
        "Renewals (3/3)",
    ]
    assert [p["phone"] for r in sent for p in r.json()["recipients"]] == [
        p.phone for p in PEOPLE[:5]
    ]
    assert "3 of 3 campaigns created for 5 recipients" in str(report)


def test_every_chunk_is_validated_before_anything_is_sent(
    harness: Harness, server: ScriptedServer
) -> None:
    people = [*PEOPLE[:6], {"phone": "06 12 34 56 78"}, *PEOPLE[6:]]
    with pytest.raises(ClientValidationError) as caught:
        create_many(harness, recipients=people, batch_size=0)
    fields = [error.field for error in caught.value.errors]
    assert "recipients[6].phone" in fields
    assert fields.count("batchSize") == 1  # a campaign-wide problem is reported once
    assert server.count() == 0


def test_chunk_size_is_checked(harness: Harness, server: ScriptedServer) -> None:
    with pytest.raises(ClientValidationError, match="chunk_size"):
        create_many(harness, chunk_size=1001)
    assert server.count() == 0


def test_resume_after_a_failure_in_chunk_3_of_5_never_creates_twice(
    harness: Harness, server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    # Chunk 3 is sent, and the connection drops before the answer: the campaign may exist.
    server.then(api, api, Drop())
    first = create_many(harness, journal=journal)
    assert [c.index for c in first.created] == [0, 1, 3, 4]
    assert [c.index for c in first.uncertain] == [2]
    assert "may have been created" in first.uncertain[0].reason
    assert not first.ok
    assert len(posts(server)) == 5

    # Same call again: created chunks are skipped, the uncertain one is reported, not resent.
    second = create_many(harness, journal=journal)
    assert len(posts(server)) == 5
    assert [c.index for c in second.uncertain] == [2]
    assert all(c.from_journal for c in second.created)
    assert [c.campaign_id for c in second.created] == [c.campaign_id for c in first.created]

    # Only when the caller says so is the uncertain chunk sent again, once.
    third = create_many(harness, journal=journal, resend_uncertain=True)
    assert third.ok
    assert len(posts(server)) == 6
    assert sorted(api.created) == [f"Renewals ({k}/5)" for k in range(1, 6)]
    assert len(set(api.created)) == 5

    # And after that, nothing more is ever sent.
    assert create_many(harness, journal=journal).ok
    assert len(posts(server)) == 6


def test_a_chunk_refused_by_the_server_is_sent_again_on_resume(
    harness: Harness, server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    server.then(api, api, Reply(400, json={"message": "Agent is not an OUTBOUND agent"}))
    first = create_many(harness, journal=journal)
    assert [c.index for c in first.failed] == [2]
    assert "not applied" in str(first)
    second = create_many(harness, journal=journal)
    assert second.ok
    assert len(posts(server)) == 6
    assert sorted(api.created) == [f"Renewals ({k}/5)" for k in range(1, 6)]


def test_crash_between_sending_and_recording_leaves_the_chunk_uncertain(
    harness: Harness,
    server: ScriptedServer,
    api: CountingApi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    journal = tmp_path / "run.jsonl"
    real = _bulk.Journal.outcome_created

    def crash_on_chunk_2(self: _bulk.Journal, chunk: Any, campaign_id: str, *rest: Any) -> None:
        if chunk.index == 1:
            raise KeyboardInterrupt  # the process dies after the server created chunk 2
        real(self, chunk, campaign_id, *rest)

    monkeypatch.setattr(_bulk.Journal, "outcome_created", crash_on_chunk_2)
    with pytest.raises(KeyboardInterrupt):
        create_many(harness, journal=journal)
    monkeypatch.setattr(_bulk.Journal, "outcome_created", real)
    assert api.created == ["Renewals (1/5)", "Renewals (2/5)"]

    resumed = create_many(harness, journal=journal)
    assert [c.index for c in resumed.uncertain] == [1]
    assert "no outcome was recorded" in resumed.uncertain[0].reason
    assert [c.index for c in resumed.created] == [0, 2, 3, 4]
    assert api.created.count("Renewals (2/5)") == 1


def test_torn_last_line_of_an_intent_means_not_sent(
    harness: Harness, server: ScriptedServer, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    create_many(harness, journal=journal, recipients=PEOPLE[:4])
    lines = journal.read_text().splitlines()
    # Cut the journal after chunk 1's outcome and tear the next intent in half.
    kept = [line for line in lines if json.loads(line).get("chunk") in (None, 0)]
    journal.write_text("\n".join(kept) + "\n" + lines[len(kept)][:20])
    resumed = create_many(harness, journal=journal, recipients=PEOPLE[:4])
    assert resumed.ok
    assert [c.from_journal for c in resumed.created] == [True, False]


def test_a_journal_for_other_input_is_refused(
    harness: Harness, server: ScriptedServer, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    create_many(harness, journal=journal)
    sent = len(posts(server))
    with pytest.raises(JournalMismatchError, match="other recipients or parameters"):
        create_many(harness, journal=journal, recipients=PEOPLE[:9])
    with pytest.raises(JournalMismatchError):
        create_many(harness, journal=journal, batch_size=100)
    assert len(posts(server)) == sent


def test_an_authentication_error_stops_the_run(
    harness: Harness, server: ScriptedServer, tmp_path: Path
) -> None:
    server.then(Reply(401, json={"message": "API key disabled"}))
    report = create_many(harness, journal=tmp_path / "run.jsonl")
    assert [c.index for c in report.failed] == [0]
    assert report.not_attempted == (1, 2, 3, 4)
    assert len(posts(server)) == 1
    assert "not attempted: chunks 2, 3, 4, 5" in str(report)


def test_progress_is_reported(harness: Harness) -> None:
    seen: list[tuple[int, int]] = []
    create_many(
        harness, recipients=PEOPLE[:6], on_progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_a_recipient_import_is_accepted_as_is(
    harness: Harness, server: ScriptedServer, tmp_path: Path
) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("phone;firstName\n+33612345678;Ana\n+33698765432;Léa\n", encoding="utf-8")
    report = create_many(harness, recipients=load_recipients(csv_file))
    assert report.ok
    (sent,) = posts(server)
    assert sent.json()["recipients"][1] == {
        "phone": "+33698765432",
        "context": {"firstName": "Léa"},
    }


def test_a_number_repeated_across_chunks_is_warned_about_once(
    harness: Harness, server: ScriptedServer
) -> None:
    people = [*PEOPLE[:4], Recipient(PEOPLE[0].phone, {"again": True})]
    with pytest.warns(
        CampaignWarning, match="1 recipient repeats an earlier phone number"
    ) as caught:
        report = create_many(harness, recipients=people)
    assert report.ok
    assert len([w for w in caught if "repeats" in str(w.message)]) == 1
