"""create_many: chunking, the journal, resuming after failures, never a chunk created twice."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client_harness import (
    API_KEY,
    CAMPAIGN_ID,
    CREATE_ARGS,
    TEN_PEOPLE,
    FakeApi,
    Harness,
    create_many,
    wait_for,
)
from tests.scripted_server import Drop, Received, Reply, ScriptedServer
from volubile_api.models import CreateCampaignRequest
from volubile_ext import (
    APIConnectionError,
    AsyncVolubile,
    BadRequestError,
    Campaign,
    CampaignMayExistError,
    CampaignWarning,
    ClientValidationError,
    JournalMismatchError,
    Recipient,
    load_recipients,
)
from volubile_ext.campaigns import _bulk
from volubile_ext.campaigns._campaign_input import build_campaign_request


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


def posts(server: ScriptedServer) -> list[Received]:
    return [r for r in server.received if r.method == "POST" and r.path == "/v1/campaigns"]


def test_chunks_are_named_and_hold_their_ranges(harness: Harness, server: ScriptedServer) -> None:
    report = create_many(harness, recipients=TEN_PEOPLE[:5])
    assert report.ok
    assert [(c.index, c.first, c.last) for c in report.created] == [(0, 0, 1), (1, 2, 3), (2, 4, 4)]
    sent = posts(server)
    assert [r.json()["name"] for r in sent] == [
        "Renewals (1/3)",
        "Renewals (2/3)",
        "Renewals (3/3)",
    ]
    assert [p["phone"] for r in sent for p in r.json()["recipients"]] == [
        p.phone for p in TEN_PEOPLE[:5]
    ]
    assert "3 of 3 campaigns created for 5 recipients" in str(report)


def test_every_chunk_is_validated_before_anything_is_sent(
    harness: Harness, server: ScriptedServer
) -> None:
    people = [*TEN_PEOPLE[:6], {"phone": "06 12 34 56 78"}, *TEN_PEOPLE[6:]]
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
    create_many(harness, journal=journal, recipients=TEN_PEOPLE[:4])
    lines = journal.read_text().splitlines()
    # Cut the journal after chunk 1's outcome and tear the next intent in half.
    kept = [line for line in lines if json.loads(line).get("chunk") in (None, 0)]
    journal.write_text("\n".join(kept) + "\n" + lines[len(kept)][:20])
    resumed = create_many(harness, journal=journal, recipients=TEN_PEOPLE[:4])
    assert resumed.ok
    assert [c.from_journal for c in resumed.created] == [True, False]
    assert "ignored a torn last line (4)" in str(resumed)
    # The torn line poisons none of the runs after the resume (issue 9, item 5).
    after = create_many(harness, journal=journal, recipients=TEN_PEOPLE[:4])
    assert after.ok
    assert [chunk.from_journal for chunk in after.created] == [True, True]
    assert len(posts(server)) == 3
    text = journal.read_text()
    assert '{"type":"torn","line":4}' in text.splitlines()[4]  # acknowledged on a line of its own


def test_a_journal_for_other_input_is_refused(
    harness: Harness, server: ScriptedServer, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    create_many(harness, journal=journal)
    sent = len(posts(server))
    with pytest.raises(JournalMismatchError, match="other recipients or parameters"):
        create_many(harness, journal=journal, recipients=TEN_PEOPLE[:9])
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
        harness,
        recipients=TEN_PEOPLE[:6],
        on_progress=lambda done, total: seen.append((done, total)),
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


def test_plain_recipients_are_sent_as_the_same_recipients_checked_one_by_one(
    harness: Harness, server: ScriptedServer
) -> None:
    # The fast path (a list of plain {"phone", "context"} dicts, checked once and cut into
    # chunks) sends the bodies the chunk-by-chunk rules make of the same people.
    plain = [{"phone": p.phone, "context": {"row": str(i)}} for i, p in enumerate(TEN_PEOPLE)]
    assert create_many(harness, recipients=plain).ok
    assert create_many(harness, recipients=[Recipient(**item) for item in plain]).ok
    received = posts(server)
    sent = [request.body for request in received]
    assert len(sent) == 10
    assert sent[:5] == sent[5:]
    assert [json.loads(body)["recipients"] for body in sent[:5]] == [
        plain[index : index + 2] for index in range(0, 10, 2)
    ]
    # The plain chunks go out as the bytes encoded when they were checked, the Recipients by
    # httpx's json=: the same headers too, in the same order.
    assert [list(request.headers.items()) for request in received[:5]] == [
        list(request.headers.items()) for request in received[5:]
    ]


def wire_people(count: int) -> list[dict[str, Any]]:
    return [
        {"phone": f"+3361{index:07d}", "context": {"prénom": f"Zoë {index}", "ville": "Sète"}}
        for index in range(count)
    ]


def json_sent(**arguments: Any) -> bytes:
    """What raw httpx's json= sends for the generated model of the same campaign."""
    request = build_campaign_request(**{**CREATE_ARGS, **arguments})
    document = CreateCampaignRequest.from_dict(request.to_json()).to_dict()
    return httpx.Request("POST", "http://127.0.0.1/", json=document).content


def test_a_create_sends_the_bytes_and_headers_of_httpx_json(
    harness: Harness, server: ScriptedServer
) -> None:
    listed = wire_people(1000)
    expected = json_sent(recipients=copy.deepcopy(listed))
    harness.call("campaigns.create", **{**CREATE_ARGS, "recipients": listed})
    people = [Recipient(item["phone"], item["context"]) for item in listed]
    harness.call("campaigns.create", **{**CREATE_ARGS, "recipients": people})  # by json=
    encoded, by_json = posts(server)
    assert encoded.body == by_json.body == expected
    assert list(encoded.headers.items()) == list(by_json.headers.items())
    assert encoded.headers["content-type"] == "application/json"
    assert encoded.headers["content-length"] == str(len(expected))


def test_a_create_retried_sends_the_bytes_checked_whatever_the_caller_changed_meanwhile(
    harness: Harness, server: ScriptedServer
) -> None:
    listed = wire_people(3)
    expected = json_sent(recipients=copy.deepcopy(listed))

    def change_then_refuse(request: Received) -> Reply:
        listed[0]["context"]["prénom"] = "Bob"
        listed[1]["phone"] = "+33699999999"
        listed.append({"phone": "+33688888888", "context": {"prénom": "Eve"}})
        return Reply(429, json={"message": "slow down"}, headers={"Retry-After": "0"})

    server.then(change_then_refuse)
    campaign = harness.call("campaigns.create", **{**CREATE_ARGS, "recipients": listed})
    first, second = posts(server)
    assert first.body == second.body == expected
    assert campaign.response.retries_taken == 1


def test_a_number_repeated_across_chunks_is_warned_about_once(
    harness: Harness, server: ScriptedServer
) -> None:
    people = [*TEN_PEOPLE[:4], Recipient(TEN_PEOPLE[0].phone, {"again": True})]
    with pytest.warns(
        CampaignWarning, match="1 recipient repeats an earlier phone number"
    ) as caught:
        report = create_many(harness, recipients=people)
    assert report.ok
    assert len([w for w in caught if "repeats" in str(w.message)]) == 1


def applied_then_dropped(api: CountingApi) -> Callable[[Received], Reply | Drop]:
    """The campaign is created, then the connection drops: the client cannot know."""

    def action(request: Received) -> Drop:
        api(request)
        return Drop()

    return action


def single(harness: Harness, **kwargs: Any) -> Campaign:
    campaign: Campaign = harness.call("campaigns.create", **{**CREATE_ARGS, **kwargs})
    return campaign


def records(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]


# --- every create honours a journal (issue 9, item 1) ---------------------------------------


def test_a_single_create_with_a_journal_is_sent_once_then_read_back(
    harness: Harness, server: ScriptedServer, tmp_path: Path
) -> None:
    journal = tmp_path / "one.jsonl"

    first = single(harness, journal=journal)
    again = single(harness, journal=journal)

    assert len(posts(server)) == 1
    assert first.response is not None
    assert again.response is None  # read from the journal: nothing was sent
    assert again.id == first.id
    assert again.name == first.name == "Renewals"
    assert again.time_slots == first.time_slots
    assert [r["type"] for r in records(journal)] == ["run", "intent", "created"]


def test_a_single_create_refused_is_sent_again_on_the_next_run(
    harness: Harness, server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "one.jsonl"
    server.then(Reply(400, json={"message": "Agent is not an OUTBOUND agent"}))
    with pytest.raises(BadRequestError):
        single(harness, journal=journal)

    created = single(harness, journal=journal)

    assert created.response is not None
    assert api.created == ["Renewals"]
    assert len(posts(server)) == 2


def test_a_single_create_that_may_exist_is_not_sent_again_until_resolved(
    harness: Harness, server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "one.jsonl"
    server.then(Drop())  # dropped unprocessed, but the client cannot know it
    with pytest.raises(APIConnectionError, match="may have been created") as dropped:
        single(harness, journal=journal)
    assert f"The journal {journal} records it as uncertain" in dropped.value.__notes__[0]

    with pytest.raises(CampaignMayExistError) as caught:
        single(harness, journal=journal)
    assert len(posts(server)) == 1
    assert caught.value.path == journal
    assert caught.value.chunk.campaign_name == "Renewals"
    assert caught.value.chunk.first_phones == ("+33612345678",)
    assert "resolve_uncertain='absent'" in str(caught.value)

    created = single(harness, journal=journal, resolve_uncertain="absent")

    assert created.response is not None
    assert api.created == ["Renewals"]
    assert single(harness, journal=journal).id == created.id
    assert len(posts(server)) == 2
    assert [r["as"] for r in records(journal) if r["type"] == "resolved"] == ["absent"]


def test_a_single_create_marked_created_with_its_id_sends_nothing(
    harness: Harness, server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "one.jsonl"
    server.then(applied_then_dropped(api))
    with pytest.raises(APIConnectionError):
        single(harness, journal=journal)

    found = single(harness, journal=journal, resolve_uncertain=CAMPAIGN_ID)

    assert str(found.id) == CAMPAIGN_ID
    assert found.name == "Renewals"
    assert found.response is None
    assert single(harness, journal=journal).id == found.id
    assert len(posts(server)) == 1


def test_resolutions_are_checked_before_anything_is_sent(
    harness: Harness, server: ScriptedServer, tmp_path: Path
) -> None:
    with pytest.raises(ClientValidationError, match="needs journal="):
        create_many(harness, resolve_uncertain={1: "absent"})
    with pytest.raises(ClientValidationError) as caught:
        create_many(
            harness,
            journal=tmp_path / "run.jsonl",
            resolve_uncertain={0: "absent", 6: "created", 2: "gone", True: "absent"},
        )
    assert [e.field for e in caught.value.errors] == [
        "resolve_uncertain[0]",
        "resolve_uncertain[6]",
        "resolve_uncertain[2]",
        "resolve_uncertain",
    ]
    with pytest.raises(ClientValidationError, match="resolve_uncertain"):
        single(harness, journal=tmp_path / "one.jsonl", resolve_uncertain="maybe")
    # A chunk number too long to print (int-to-str limit) is shown bounded, not a ValueError.
    for call in (create_many, single):
        with pytest.raises(ClientValidationError) as caught:
            call(harness, journal=tmp_path / "huge.jsonl", resolve_uncertain={10**5000: "absent"})
        assert "there is no chunk <integer of about 5,001 digits>" in str(caught.value)
    assert server.count() == 0
    assert not (tmp_path / "run.jsonl").exists()


# --- uncertain chunks resolved one by one (item 3) ------------------------------------------


def test_uncertain_chunks_are_resolved_one_by_one_and_only_absent_ones_are_sent(
    harness: Harness, server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    # Chunk 2 is created and its answer lost; chunk 4 is lost before it is processed.
    server.then(api, applied_then_dropped(api), api, Drop())
    first = create_many(harness, journal=journal)
    assert [c.number for c in first.uncertain] == [2, 4]
    chunk_2 = first.uncertain[0]
    assert chunk_2.campaign_name == "Renewals (2/5)"
    assert chunk_2.first_phones == (TEN_PEOPLE[2].phone, TEN_PEOPLE[3].phone)
    assert (
        f"UNCERTAIN chunk 2 'Renewals (2/5)': recipients 3-4 (first numbers {TEN_PEOPLE[2].phone}, "
        f"{TEN_PEOPLE[3].phone})" in str(first)
    )
    assert "resolve_uncertain={k: 'absent'}" in str(first)

    resolved = create_many(
        harness, journal=journal, resolve_uncertain={2: CAMPAIGN_ID, 4: "absent"}
    )

    assert resolved.ok
    assert sorted(api.created) == [f"Renewals ({k}/5)" for k in range(1, 6)]
    assert len(posts(server)) == 6  # only chunk 4 was sent again
    marked = resolved.created[1]
    assert (marked.number, marked.campaign_id, marked.marked_by_caller) == (2, CAMPAIGN_ID, True)
    assert "marked created by you" in str(resolved)
    assert [
        (r["chunk"], r["as"], r["campaign_id"]) for r in records(journal) if r["type"] == "resolved"
    ] == [
        (1, "created", CAMPAIGN_ID),
        (3, "absent", None),
    ]

    # The same resolutions again (from shell history, say) send nothing.
    again = create_many(harness, journal=journal, resolve_uncertain={2: CAMPAIGN_ID, 4: "absent"})
    assert again.ok
    assert len(posts(server)) == 6
    assert "chunk 4: the resolution 'absent' was not needed" in str(again)


def test_an_uncertain_chunk_marked_created_without_its_id_is_reported_so(
    harness: Harness, server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    server.then(applied_then_dropped(api))
    create_many(harness, journal=journal, recipients=TEN_PEOPLE[:4])

    report = create_many(
        harness, journal=journal, recipients=TEN_PEOPLE[:4], resolve_uncertain={1: "created"}
    )

    assert report.ok
    assert report.created[0].campaign_id is None
    assert len(report.campaign_ids) == 1
    assert "chunk 1: recipients 1-2 -> campaign (id not given) (marked created by you)" in str(
        report
    )
    assert len(posts(server)) == 2


# --- interrupts while a create may be in flight (item 2) ------------------------------------


def held(api: CountingApi) -> Callable[[Received], Reply]:
    """The campaign is created at once; its answer is held back for a minute."""

    def action(request: Received) -> Reply:
        reply = api(request)
        return Reply(reply.status, json=reply.json, headers=reply.headers, delay=60)

    return action


def interrupt_main_thread_when(condition: Callable[[], object], what: str) -> threading.Thread:
    """A real SIGINT, delivered to the main thread (as Ctrl-C is) once ``condition`` holds."""
    main = threading.main_thread().ident
    assert main is not None

    def watch() -> None:
        wait_for(condition, what)
        signal.pthread_kill(main, signal.SIGINT)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_ctrl_c_while_a_chunk_is_in_flight_records_it_uncertain_and_says_what_exists(
    sync_harness: Harness, server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    server.then(api, held(api))
    interrupt_main_thread_when(lambda: len(posts(server)) == 2, "chunk 2's POST")

    with pytest.raises(KeyboardInterrupt) as caught:
        create_many(sync_harness, journal=journal)

    notes = "\n".join(caught.value.__notes__)
    assert (
        "Interrupted while creating the campaign 'Renewals (2/5)'. The campaign may have been "
        "created" in notes
    )
    assert "Chunk 2 'Renewals (2/5)' (recipients 3-4) may have been created." in notes
    assert f"The journal {journal} records it as uncertain" in notes
    assert re.search(r"Created before the interrupt: 1 -> [0-9a-f-]{36}\.", notes)
    last = records(journal)[-1]
    assert (last["type"], last["chunk"], last["applied"]) == ("failed", 1, "unknown")

    resumed = create_many(sync_harness, journal=journal)

    assert [c.number for c in resumed.uncertain] == [2]
    assert "interrupted (KeyboardInterrupt)" in resumed.uncertain[0].reason
    assert [c.number for c in resumed.created] == [1, 3, 4, 5]
    assert len(posts(server)) == 5
    assert sorted(api.created) == [f"Renewals ({k}/5)" for k in range(1, 6)]


def test_ctrl_c_while_waiting_for_the_rate_limit_leaves_nothing_uncertain(
    server: ScriptedServer, api: CountingApi, sync_harness: Harness, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    limited = Harness("sync", api_key=API_KEY, base_url=server.url, rate_limit=(1, 60.0))
    # Chunk 2's intent is on disk and its request waits a minute for a rate-limit slot. The
    # interrupt comes once the main thread is asleep in that wait: on a loaded machine the
    # intent can be on disk a while before the wait starts.
    main = threading.main_thread().ident
    interrupt_main_thread_when(
        lambda: (
            journal.exists()
            and '"type":"intent","chunk":1' in journal.read_text()
            and sys._current_frames()[main].f_code.co_name == "sync_auth_flow"
        ),
        "chunk 2's wait for a rate-limit slot",
    )
    try:
        with pytest.raises(KeyboardInterrupt) as caught:
            create_many(limited, journal=journal)
    finally:
        limited.close()

    notes = "\n".join(caught.value.__notes__)
    assert "Chunk 2 'Renewals (2/5)' (recipients 3-4) was not sent." in notes
    assert "may have been created" not in notes
    last = records(journal)[-1]
    assert (last["type"], last["chunk"], last["applied"]) == ("failed", 1, "no")
    assert len(posts(server)) == 1

    resumed = create_many(sync_harness, journal=journal)

    assert resumed.ok
    assert len(posts(server)) == 5


def test_ctrl_c_in_a_run_without_a_journal_still_lists_what_was_created(
    sync_harness: Harness, server: ScriptedServer, api: CountingApi
) -> None:
    server.then(api, api, held(api))
    interrupt_main_thread_when(lambda: len(posts(server)) == 3, "chunk 3's POST")

    with pytest.raises(KeyboardInterrupt) as caught:
        create_many(sync_harness)

    notes = "\n".join(caught.value.__notes__)
    assert "Chunk 3 'Renewals (3/5)' (recipients 5-6) may have been created." in notes
    assert re.search(
        r"Created before the interrupt: 1 -> [0-9a-f-]{36}, 2 -> [0-9a-f-]{36}\.", notes
    )


def test_cancelling_a_task_while_its_create_is_in_flight_says_the_campaign_may_exist(
    server: ScriptedServer, api: CountingApi, tmp_path: Path
) -> None:
    journal = tmp_path / "one.jsonl"
    harness = Harness("async", api_key=API_KEY, base_url=server.url, rate_limit=None)
    server.then(held(api))

    async def cancel_once_sent() -> BaseException:
        assert isinstance(harness.client, AsyncVolubile)
        task = asyncio.ensure_future(
            harness.client.campaigns.create(**CREATE_ARGS, journal=journal)
        )
        while not posts(server):
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError) as caught:
            await task
        return caught.value

    try:
        cancelled = harness.run(cancel_once_sent())
        notes = "\n".join(getattr(cancelled, "__notes__", ()))
        assert (
            "Interrupted while creating the campaign 'Renewals'. The campaign may have been "
            "created" in notes
        )
        with pytest.raises(CampaignMayExistError, match="interrupted \\(CancelledError\\)"):
            single(harness, journal=journal)
    finally:
        harness.close()
    assert len(posts(server)) == 1


# --- the warning planner: chunks call in parallel (item 7) ----------------------------------


def test_create_many_of_20000_recipients_at_5_a_day_is_not_refused(
    harness: Harness, server: ScriptedServer
) -> None:
    people = [f"+3361{number:07d}" for number in range(20_000)]

    with pytest.warns(CampaignWarning) as caught:
        report = create_many(harness, recipients=people, batch_size=5, chunk_size=1000)

    assert report.ok
    assert len(posts(server)) == 20
    texts = [str(warning.message) for warning in caught]
    # Each campaign calls 1,000 people at 5 a day: 200 weekdays from 2026-12-01, to 14 July
    # 2027, all 20 of them on each day; nothing about years, nor about more than 1,000.
    assert any(
        "Wed 2027-07-14 is a French public holiday (Fête nationale) with 100 calls planned" in t
        for t in texts
    )
    assert not any("years" in text or "exceed" in text for text in texts)


def test_a_campaign_longer_than_the_planner_looks_ahead_is_created_with_a_warning(
    harness: Harness, server: ScriptedServer
) -> None:
    people = [f"+3361{number:07d}" for number in range(600)]  # 600 Mondays: over 11 years

    with pytest.warns(CampaignWarning, match="need more than 10 years"):
        single(harness, recipients=people, batch_size=1, days=["MONDAY"])

    assert len(posts(server)) == 1


def test_create_many_warnings_point_at_the_callers_line(sync_harness: Harness) -> None:
    people = [*TEN_PEOPLE[:4], Recipient(TEN_PEOPLE[0].phone, {"again": True})]
    with pytest.warns(CampaignWarning, match="repeats") as caught:
        create_many(sync_harness, recipients=people)
    assert {Path(warning.filename).name for warning in caught} == {"client_harness.py"}


# --- the journal's fingerprints (issue 14) ---------------------------------------------------


@pytest.fixture
def fingerprinted(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every document the bulk module fingerprints, in order (the digests are unchanged)."""
    seen: list[object] = []
    digest = _bulk._fingerprint

    def counting(document: object) -> str:
        seen.append(document)
        return digest(document)

    monkeypatch.setattr(_bulk, "_fingerprint", counting)
    return seen


def test_no_fingerprint_is_computed_without_a_journal(
    harness: Harness, server: ScriptedServer, fingerprinted: list[object]
) -> None:
    report = create_many(harness)
    single(harness)

    assert report.ok
    assert len(posts(server)) == 6
    assert fingerprinted == []


def test_a_journaled_run_fingerprints_each_body_once_and_its_chunks_once(
    harness: Harness, server: ScriptedServer, tmp_path: Path, fingerprinted: list[object]
) -> None:
    journal = tmp_path / "run.jsonl"
    create_many(harness, journal=journal)

    bodies = [received.json() for received in posts(server)]
    *per_chunk, whole_run = fingerprinted
    assert per_chunk == bodies  # each chunk's exact body, once
    written = records(journal)
    assert [r["fingerprint"] for r in written if r["type"] == "intent"] == [
        _bulk._fingerprint(body) for body in bodies
    ]
    assert written[0]["fingerprint"] == _bulk._fingerprint(
        [_bulk._fingerprint(body) for body in bodies]
    )
    assert whole_run == [_bulk._fingerprint(body) for body in bodies]
