"""Campaign results, the join and its exports, over constructed call values (no I/O but files).

The rules of ``volubile_ext/campaigns/_results.py``: reached statuses, retries remaining →
pending, retryOn by status and by main qualifier, the latest call's status and the latest
reached call's data, calls listed twice, numbers that are not recipients, recipients given
twice, chunk names, the journal; then CSV (BOM, columns, formula cells) and JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from volubile_ext import ClientValidationError, Recipient, RetrySettings, load_recipients
from volubile_ext.campaigns._results import (
    REACHED_STATUSES,
    CampaignResults,
    join_results,
    neutralize_cell,
    results_query,
)
from volubile_ext.testing._calls import ANSWERED_STATUSES

ANA, BOB, CHLOE, DAN = "+33612345601", "+33612345602", "+33612345603", "+33612345604"
T0 = dt.datetime(2031, 3, 3, 10, 0, tzinfo=dt.UTC)
RETRY = RetrySettings(max=2, delay=4, retry_on=["NO_ANSWER", "VOICE_BOX"])
PEOPLE = [
    Recipient(ANA, {"firstName": "Ana"}),
    Recipient(BOB, {"firstName": "Bob"}),
    Recipient(CHLOE, {"firstName": "Chloé"}),
]


@attrs.frozen
class FakeCall:
    """A call as the join reads it (the typed Call has these attributes)."""

    id: str
    phone: str
    status: str
    start_time: dt.datetime | None
    created: dt.datetime | None = None
    extracted_data: dict[str, Any] = attrs.field(factory=dict)
    classification_data: dict[str, Any] = attrs.field(factory=dict)
    classifiers: list[dict[str, Any]] = attrs.field(factory=list)


_ids = iter(range(1, 10**6))


def call(phone: str, status: str, hours: float = 0, **fields: Any) -> FakeCall:
    fields.setdefault("id", f"00000000-0000-4000-8000-{next(_ids):012d}")
    fields.setdefault("start_time", T0 + dt.timedelta(hours=hours))
    return FakeCall(phone=phone, status=status, **fields)


def rows_by_phone(results: CampaignResults) -> dict[str, Any]:
    return {row.phone: row for row in results}


def test_reached_statuses_are_the_sandboxs_answered_statuses() -> None:
    # One table: what the sandbox gives a conversation is what the results count as reached.
    assert REACHED_STATUSES == ANSWERED_STATUSES


def test_every_recipient_is_in_exactly_one_outcome() -> None:
    calls = [
        call(ANA, "COMPLETED", extracted_data={"renew": "yes"}),
        call(BOB, "NO_ANSWER"),
        call(BOB, "NO_ANSWER", 5),
        call(BOB, "FAILED", 10),
    ]
    results = join_results(PEOPLE, calls, retry=RETRY)
    rows = rows_by_phone(results)
    assert rows[ANA].state == "reached"
    assert rows[ANA].reached
    assert rows[ANA].final
    assert rows[ANA].extracted_data == {"renew": "yes"}
    # FAILED is not in retryOn: final after three attempts, its last status FAILED.
    assert (rows[BOB].state, rows[BOB].final, rows[BOB].attempts) == ("not_reached", True, 3)
    assert rows[BOB].last_status == "FAILED"
    assert (rows[CHLOE].state, rows[CHLOE].final, rows[CHLOE].last_status) == (
        "not_called",
        False,
        "NOT_CALLED",
    )
    totals = results.totals
    assert (totals.reached, totals.not_reached, totals.pending) == (1, 1, 1)
    assert totals.recipients == 3
    assert totals.calls == 4
    assert totals.by_last_status == {"COMPLETED": 1, "FAILED": 1, "NOT_CALLED": 1}
    assert totals.calls_by_status == {"COMPLETED": 1, "FAILED": 1, "NO_ANSWER": 2}


@pytest.mark.parametrize(
    ("statuses", "state"),
    [
        (["NO_ANSWER"], "retry_pending"),  # 1 attempt of 3
        (["NO_ANSWER", "VOICE_BOX"], "retry_pending"),  # 2 of 3
        (["NO_ANSWER", "VOICE_BOX", "NO_ANSWER"], "not_reached"),  # max 2 retries: done
        (["REJECTED"], "not_reached"),  # not in retryOn: no retry
        (["NO_ANSWER", "IN_PROGRESS"], "in_progress"),
        (["NO_ANSWER", "COMPLETED"], "reached"),
    ],
)
def test_pending_while_retries_remain(statuses: list[str], state: str) -> None:
    calls = [call(ANA, status, hours * 5) for hours, status in enumerate(statuses)]
    (row,) = join_results([ANA], calls, retry=RETRY)
    assert row.state == state
    assert row.final is (state in ("reached", "not_reached"))
    assert row.attempts == len(statuses)


def test_without_retries_one_attempt_is_final() -> None:
    (row,) = join_results([ANA], [call(ANA, "NO_ANSWER")], retry=None)
    assert (row.state, row.final) == ("not_reached", True)
    (row,) = join_results([ANA], [call(ANA, "NO_ANSWER")], retry={"max": 0})
    assert (row.state, row.final) == ("not_reached", True)


def test_retry_on_a_qualifier_matches_the_main_classifier() -> None:
    # A qualifier of the account in retryOn: the PRIMARY classifier's value, else the first.
    retry = {"max": 1, "delay": 2, "retry_on": ["CALL_BACK"]}
    primary = [
        {"name": "Topic", "value": "Billing", "type": "SECONDARY"},
        {"name": "Outcome", "value": "CALL_BACK", "type": "PRIMARY"},
    ]
    rows = rows_by_phone(
        join_results(
            [ANA, BOB],
            [
                call(ANA, "COMPLETED", classifiers=primary),
                call(BOB, "COMPLETED", classifiers=[{"name": "Outcome", "value": "CALL_BACK"}]),
                call(BOB, "COMPLETED", 5, classifiers=[{"name": "Outcome", "value": "CALL_BACK"}]),
            ],
            retry=retry,
        )
    )
    assert rows[ANA].state == "retry_pending"
    assert rows[ANA].reached
    assert not rows[ANA].final
    assert rows[BOB].state == "reached"
    assert rows[BOB].final


def test_the_latest_call_decides_the_status_the_latest_reached_one_the_data() -> None:
    calls = [
        # Listed newest first, as the API's default sort does.
        call(ANA, "NO_ANSWER", 10),
        call(ANA, "COMPLETED", 5, extracted_data={"renew": "no"}),
        call(ANA, "COMPLETED", 1, extracted_data={"renew": "yes"}),
    ]
    (row,) = join_results([ANA], calls, retry={"max": 3, "delay": 1, "retry_on": ["NO_ANSWER"]})
    assert row.last_status == "NO_ANSWER"
    assert row.last_call_at == T0 + dt.timedelta(hours=10)
    # A retry that did not get through does not erase what the earlier call learnt.
    assert row.reached
    assert row.extracted_data == {"renew": "no"}
    # NO_ANSWER is in retryOn and 3 attempts <= 1 + max: still pending.
    assert row.state == "retry_pending"
    assert row.call_ids == tuple(c.id for c in calls)


def test_a_call_listed_twice_is_one_attempt() -> None:
    first = call(ANA, "NO_ANSWER")
    results = join_results([ANA], [first, first, call(ANA, "NO_ANSWER", 5)], retry=RETRY)
    (row,) = results
    assert row.attempts == 2
    assert len(row.call_ids) == 2
    assert results.totals.repeated_calls == 1
    assert results.totals.calls == 2


def test_numbers_that_are_not_recipients_are_reported_not_dropped() -> None:
    results = join_results(
        [ANA],
        [call(DAN, "COMPLETED"), call(ANA, "COMPLETED"), call(DAN, "NO_ANSWER", 3)],
        retry=None,
    )
    rows = list(results)
    assert [row.phone for row in rows] == [ANA, DAN]  # recipients first, then the others
    assert rows[1].listed is False
    assert rows[1].attempts == 2
    assert rows[1].context == {}
    assert rows[0].listed is True
    assert results.totals.unlisted_numbers == 1
    assert results.totals.recipients == 1
    assert results.totals.by_last_status == {"COMPLETED": 1, "NO_ANSWER": 1}
    assert len(results) == 2


def test_recipients_given_twice_are_kept_once_and_reported() -> None:
    results = join_results([ANA, Recipient(ANA, {"x": 1}), BOB], [], retry=None)
    assert [row.phone for row in results] == [ANA, BOB]
    assert results.duplicate_recipients == (ANA,)
    assert results.totals.duplicate_recipients == 1


def test_bad_recipients_are_refused_with_every_problem() -> None:
    with pytest.raises(ClientValidationError) as refused:
        join_results(["0612345678", {"phone": "+33612345678", "bogus": 1}], [], retry=None)
    fields = [error.field for error in refused.value.errors]
    assert fields == ["recipients[0].phone", "recipients[1].bogus"]


def test_a_recipient_import_is_read_as_its_recipients(tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text(f"phone,firstName\n{ANA},Ana\n{ANA},Ana again\nnot a number,X\n")
    imported = load_recipients(source)
    results = join_results(imported, [call(ANA, "COMPLETED")], retry=None)
    (row,) = results
    assert row.context == {"firstName": "Ana"}
    assert row.reached


def test_calls_without_times_count_in_listed_order() -> None:
    calls = [
        call(ANA, "NO_ANSWER", start_time=None),
        FakeCall(id="b", phone=ANA, status="VOICE_BOX", start_time=None),
    ]
    (row,) = join_results([ANA], calls, retry=None)
    assert row.last_status == "VOICE_BOX"


# --------------------------------------------------------------------------------------------
# Which names, which rules


def test_query_names_the_campaign_and_its_chunks() -> None:
    query = results_query("Renewals", recipients=[ANA], retry=None)
    # create() names it "Renewals", create_many "Renewals (1/1)": both are asked for.
    assert query.names == ("Renewals", "Renewals (1/1)")
    many = [f"+336{index:08d}" for index in range(2_500)]
    query = results_query("Renewals", recipients=many, retry=None)
    assert query.names == ("Renewals", "Renewals (1/3)", "Renewals (2/3)", "Renewals (3/3)")
    query = results_query("Renewals", recipients=many, retry=None, chunks=5)
    assert query.names[-1] == "Renewals (5/5)"


def test_query_needs_the_retry_rules_and_the_recipients() -> None:
    with pytest.raises(ClientValidationError) as refused:
        results_query("Renewals", recipients=None)
    assert [error.field for error in refused.value.errors] == ["recipients", "retry"]
    with pytest.raises(ClientValidationError) as refused:
        results_query("", recipients=[ANA], retry={"max": 9}, chunks=0)
    fields = [error.field for error in refused.value.errors]
    assert fields[:2] == ["campaign", "chunks"]


def test_query_reads_names_and_rules_from_a_journal(tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    retry = {"max": 1, "delay": 3, "retryOn": ["NO_ANSWER"]}
    lines = [
        {"type": "run", "version": 1, "fingerprint": "f", "chunks": 2, "at": "x"},
        {"type": "intent", "chunk": 0, "fingerprint": "a", "at": "x"},
        {
            "type": "created",
            "chunk": 0,
            "campaign_id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
            "campaign": {"name": "Renewals (1/2)", "retry": retry},
            "at": "x",
        },
        {"type": "intent", "chunk": 1, "fingerprint": "b", "at": "x"},
    ]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    query = results_query("Renewals", recipients=[ANA], journal=journal)
    assert query.names == ("Renewals", "Renewals (1/2)", "Renewals (2/2)")
    assert query.retry == RetrySettings(max=1, delay=3, retry_on=["NO_ANSWER"])
    with pytest.raises(ClientValidationError, match="records the campaign 'Renewals \\(1/2\\)'"):
        results_query("Other", recipients=[ANA], journal=journal)
    (tmp_path / "bad.jsonl").write_text("hello\n")
    with pytest.raises(ClientValidationError, match="not a volubile journal"):
        results_query("Renewals", recipients=[ANA], journal=tmp_path / "bad.jsonl")


def test_a_journal_without_the_campaign_documents_reads_the_rules_from_the_api(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "run.jsonl"
    lines = [
        {"type": "run", "version": 1, "fingerprint": "f", "chunks": 1},
        {"type": "created", "chunk": 0, "campaign_id": "497f6eca-6276-4993-bfeb-53cbbbba6f08"},
    ]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    query = results_query("Renewals", recipients=[ANA], journal=journal)
    assert query.fetch_retry_from == "497f6eca-6276-4993-bfeb-53cbbbba6f08"
    assert not query.retry_known


# --------------------------------------------------------------------------------------------
# Export


def exported(results: CampaignResults) -> tuple[bytes, list[list[str]]]:
    stream = io.BytesIO()
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    results.write_csv(text)
    text.flush()
    data = stream.getvalue()
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_a_bom_and_a_column_per_field() -> None:
    calls = [
        call(
            ANA,
            "COMPLETED",
            extracted_data={"customer": {"firstname": "Ana", "lastname": "M"}, "renew": "yes"},
            classification_data={"Sentiment": "Positive"},
        ),
        call(BOB, "VOICE_BOX"),
    ]
    data, rows = exported(join_results(PEOPLE, calls, retry=RETRY))
    assert data.startswith(b"\xef\xbb\xbf")
    header = rows[0]
    assert header == [
        "phone",
        "listed",
        "state",
        "reached",
        "final",
        "attempts",
        "last_status",
        "last_call_at",
        "call_ids",
        "context.firstName",
        "extracted.customer.firstname",
        "extracted.customer.lastname",
        "extracted.renew",
        "classified.Sentiment",
    ]
    ana = dict(zip(header, rows[1], strict=True))
    assert ana["phone"] == "'" + ANA  # a leading + is a formula to a spreadsheet
    assert (ana["state"], ana["reached"], ana["final"], ana["attempts"]) == (
        "reached",
        "yes",
        "yes",
        "1",
    )
    assert ana["extracted.customer.firstname"] == "Ana"
    assert ana["classified.Sentiment"] == "Positive"
    bob = dict(zip(header, rows[2], strict=True))
    assert (bob["state"], bob["last_status"], bob["extracted.renew"]) == (
        "retry_pending",
        "VOICE_BOX",
        "",
    )
    assert rows[3][header.index("context.firstName")] == "Chloé"
    assert len(rows) == 4


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_neutralised(start: str) -> None:
    payload = f'{start}HYPERLINK("http://evil","x")'
    assert neutralize_cell(payload) == "'" + payload
    people = [Recipient(ANA, {"note": payload})]
    calls = [call(ANA, "COMPLETED", extracted_data={"answer": payload, payload: "key"})]
    _, rows = exported(join_results(people, calls, retry=None))
    for cell in rows[0] + rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_csv_columns_are_bounded() -> None:
    data = {f"field{index:04d}": index for index in range(250)}
    _, rows = exported(
        join_results([ANA], [call(ANA, "COMPLETED", extracted_data=data)], retry=None)
    )
    header = rows[0]
    extracted = [name for name in header if name.startswith("extracted.")]
    assert len(extracted) == 200
    assert header[-1] == "extracted (more)"
    rest = json.loads(rows[1][-1])
    assert sorted(rest) == [f"field{index:04d}" for index in range(200, 250)]


def test_csv_to_a_path_replaces_it_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    results = join_results([ANA], [call(ANA, "COMPLETED")], retry=None)
    assert results.write_csv(target) == 1
    assert target.read_bytes().startswith(b"\xef\xbb\xbfphone,")
    assert list(tmp_path.iterdir()) == [target]


def test_json_export_holds_the_totals_and_every_row(tmp_path: Path) -> None:
    results = join_results(
        PEOPLE,
        [call(ANA, "COMPLETED", extracted_data={"renew": "yes"}), call(DAN, "FAILED")],
        retry=RETRY,
        campaign_names=["Renewals"],
    )
    target = tmp_path / "out.json"
    assert results.write_json(target) == 4
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["campaign_names"] == ["Renewals"]
    assert document["retry"] == {"max": 2, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]}
    assert document["totals"]["pending"] == 2
    assert document["totals"]["unlisted_numbers"] == 1
    assert [row["phone"] for row in document["rows"]] == [ANA, BOB, CHLOE, DAN]
    assert document["rows"][0]["extracted_data"] == {"renew": "yes"}
    assert document["rows"][0]["context"] == {"firstName": "Ana"}
    assert document["rows"][3]["listed"] is False
    empty = io.StringIO()
    assert join_results([ANA], [], retry=None).write_json(empty) == 1
    assert json.loads(empty.getvalue())["rows"][0]["state"] == "not_called"


def test_a_name_too_long_for_the_calls_filter_is_refused() -> None:
    # 250 characters fit the filter's 255, the chunk name "<name> (1/1)" does not.
    with pytest.raises(ClientValidationError) as refused:
        results_query("x" * 250, recipients=[ANA], retry=None)
    (problem,) = refused.value.errors
    assert problem.field == "campaign"
    assert "at most 255" in problem.message
