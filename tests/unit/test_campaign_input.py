"""The campaign rule set: every rule, with its exact field path, through both entry points.

``build_campaign_request`` reads Python values (forgiving forms); ``check_campaign_payload``
reads a JSON body as a server receives it. Both must refuse the same things at the same paths.
"""

from __future__ import annotations

import copy
import datetime as dt
import doctest
import json
import math
import pickle
import uuid
import zoneinfo
from typing import Any

import attrs
import pytest

from tests.client_harness import AGENT_ID, PHONE, WEEKDAYS
from volubile_api.models import CreateCampaignRequest
from volubile_ext import (
    ClientValidationError,
    Day,
    Recipient,
    RetrySettings,
    TimeSlot,
    load_recipients,
)
from volubile_ext._wire import campaign_request_model
from volubile_ext.campaigns import _campaign_input, _recipients
from volubile_ext.campaigns._campaign_input import (
    CampaignRequest,
    build_campaign_request,
    check_campaign_payload,
    count_recipients,
    recipient_phones,
)
from volubile_ext.campaigns._planning import creation_warnings

AGENT = uuid.UUID(AGENT_ID)

VALID: dict[str, Any] = {
    "name": "Renewals",
    "agent_id": AGENT,
    "start_date": dt.date(2026, 12, 1),
    "time_slots": ["10:00-13:00"],
    "batch_size": 200,
    "days": "weekdays",
}
WIRE: dict[str, Any] = {
    "name": "Renewals",
    "agentId": str(AGENT),
    "startDate": "2026-12-01",
    "timeSlots": [{"startTime": "10:00", "endTime": "13:00"}],
    "batchSize": 200,
    "days": WEEKDAYS,
}
DELETE: Any = object()


def build_problems(**changes: Any) -> list[tuple[str, str]]:
    """(field, message) of every problem build_campaign_request finds in VALID + changes."""
    arguments = {**VALID, **changes}
    with pytest.raises(ClientValidationError) as caught:
        build_campaign_request(**arguments)
    return [(error.field, error.message) for error in caught.value.errors]


def wire_problems(**changes: Any) -> list[tuple[str, str]]:
    """(field, message) of every problem check_campaign_payload finds in WIRE + changes."""
    body = {**WIRE, **changes}
    body = {key: value for key, value in body.items() if value is not DELETE}
    return [(error.field, error.message) for error in check_campaign_payload(body)]


def only(problems: list[tuple[str, str]], field: str, fragment: str) -> None:
    """Exactly one problem, at ``field``, whose message contains ``fragment``."""
    assert len(problems) == 1, problems
    assert problems[0][0] == field, problems
    assert fragment in problems[0][1], problems


# --- valid input -----------------------------------------------------------------------------


def test_the_valid_baselines_pass_both_entry_points() -> None:
    request = build_campaign_request(**VALID)
    assert isinstance(request, CampaignRequest)
    assert check_campaign_payload(WIRE) == []
    assert request.to_json() == WIRE


def test_to_json_is_the_exact_wire_body_in_the_schema_order() -> None:
    request = build_campaign_request(
        name="  Renewals  ",
        agent_id=str(AGENT).upper(),
        start_date="2026-12-01",
        time_slots=["9:00 - 15:00", ("16:00", dt.time(18, 30))],
        batch_size=200,
        days=["mon", "Wednesday", Day.FRIDAY],
        retry={"max": 2, "delay": 4, "retry_on": ["NO_ANSWER", "VOICE_BOX"]},
        recipients=[
            {"phone": PHONE, "context": {"firstName": "Ana", "age": 41, "vip": True}},
            Recipient("+33698765432"),
            "+33611223344",
        ],
        timezone="Europe/Paris",
    )
    body = request.to_json()
    assert list(body) == [
        "name",
        "agentId",
        "startDate",
        "timeSlots",
        "batchSize",
        "retry",
        "days",
        "recipients",
        "timezone",
    ]
    assert body == {
        "name": "Renewals",
        "agentId": str(AGENT),
        "startDate": "2026-12-01",
        "timeSlots": [
            {"startTime": "09:00", "endTime": "15:00"},
            {"startTime": "16:00", "endTime": "18:30"},
        ],
        "batchSize": 200,
        "retry": {"max": 2, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]},
        "days": ["MONDAY", "WEDNESDAY", "FRIDAY"],
        "recipients": [
            {"phone": PHONE, "context": {"firstName": "Ana", "age": 41, "vip": True}},
            {"phone": "+33698765432"},
            {"phone": "+33611223344"},
        ],
        "timezone": "Europe/Paris",
    }
    # Plain JSON types only, and what a server would accept.
    assert json.loads(json.dumps(body)) == body
    assert check_campaign_payload(body) == []


def test_optional_fields_are_left_out_when_not_given() -> None:
    assert list(build_campaign_request(**VALID).to_json()) == [
        "name",
        "agentId",
        "startDate",
        "timeSlots",
        "batchSize",
        "days",
    ]


def test_the_body_is_what_the_generated_model_reads_and_writes() -> None:
    body = build_campaign_request(
        **VALID,
        retry=RetrySettings(max=1, delay=2, retry_on=["NO_ANSWER"]),
        recipients=[{"phone": PHONE, "context": {"firstName": "Ana"}}],
        timezone="Europe/Paris",
    ).to_json()
    assert CreateCampaignRequest.from_dict(body).to_dict() == body


def test_request_values_are_normalised() -> None:
    request = build_campaign_request(
        **{**VALID, "agent_id": f"{{{AGENT}}}", "days": "mon, tue", "time_slots": "11:00-15:00"},
        timezone=zoneinfo.ZoneInfo("Europe/Paris"),
    )
    assert request.agent_id == AGENT
    assert request.start_date == dt.date(2026, 12, 1)
    assert request.days == (Day.MONDAY, Day.TUESDAY)
    assert request.time_slots == (TimeSlot.parse("11:00-15:00"),)
    assert [str(w) for w in request.effective_windows] == ["11:00-13:00", "14:00-15:00"]
    assert request.timezone == "Europe/Paris"
    assert request.retry is None
    assert request.recipients is None


def test_to_json_returns_a_new_structure_each_time() -> None:
    request = build_campaign_request(
        **VALID, recipients=[{"phone": PHONE, "context": {"address": {"city": "Lyon"}}}]
    )
    body = request.to_json()
    body["recipients"][0]["context"]["address"]["city"] = "Paris"
    body["days"].append("SUNDAY")
    assert request.to_json()["recipients"][0]["context"]["address"]["city"] == "Lyon"
    assert request.to_json()["days"] == WEEKDAYS


def test_recipient_inputs_are_copied_not_shared() -> None:
    context = {"firstName": "Ana", "tags": ["a"]}
    request = build_campaign_request(**VALID, recipients=[{"phone": PHONE, "context": context}])
    context["firstName"] = "Bob"
    context["tags"].append("b")
    assert request.to_json()["recipients"] == [
        {"phone": PHONE, "context": {"firstName": "Ana", "tags": ["a"]}}
    ]


def test_a_recipient_import_stands_for_its_recipients(tmp_path: Any) -> None:
    path = tmp_path / "people.csv"
    path.write_text("phone;firstName\n+33612345678;Ana\nnot a number;Bob\n", encoding="utf-8")
    imported = load_recipients(path)
    request = build_campaign_request(**VALID, recipients=imported)
    assert request.recipients == imported.recipients


def test_a_generator_of_recipients_is_read_once() -> None:
    request = build_campaign_request(**VALID, recipients=(f"+3361234567{i}" for i in range(3)))
    assert request.recipients is not None
    assert len(request.recipients) == 3


def _plain(count: int) -> list[dict[str, Any]]:
    return [
        {"phone": f"+3361234{index:04d}", "context": {"firstName": f"Ana{index}", "n": "1"}}
        for index in range(count)
    ]


def test_a_list_of_plain_recipients_is_checked_list_by_list(monkeypatch: Any) -> None:
    # perf: issue 14's create rows. A list of {"phone", "context"} dicts with E.164 numbers
    # and text contexts is checked by whole-list steps: no per-recipient call of the rules.
    calls: list[object] = []
    for name in ("flat_context_copy", "trusted_recipient", "_recipient_from_mapping"):
        original = getattr(_campaign_input, name)

        def counting(*args: Any, _original: Any = original) -> Any:
            calls.append(args)
            return _original(*args)

        monkeypatch.setattr(_campaign_input, name, counting)
    people = _plain(1000)
    request = build_campaign_request(**VALID, recipients=people)
    assert calls == []
    assert request.to_json()["recipients"] == people
    assert request.recipients == tuple(Recipient(p["phone"], p["context"]) for p in people)
    people[0]["context"]["firstName"] = "Bob"  # copied, not shared
    assert request.to_json()["recipients"][0]["context"]["firstName"] == "Ana0"


class _Text(str):
    """A str subclass: not the plain form, read by the per-recipient rules."""


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"phone": "0612345678"}, ("recipients[7].phone", "must be in E.164")),
        ({"phone": 33612345678}, ("recipients[7].phone", "must be text")),
        # The numbers are matched joined by newlines: one holding a newline is still refused.
        ({"phone": "+33612345678\n"}, ("recipients[7].phone", "must be in E.164")),
        ({"phone": "+33612345678\n+33612345679"}, ("recipients[7].phone", "must be in E.164")),
        ({"phone": "\n+33612345678"}, ("recipients[7].phone", "must be in E.164")),
        ({"context": {"firstName": _Text("Ana")}}, None),
        ({"context": {"firstName": "\ud800"}}, ("recipients[7].context.firstName", "")),
        ({"context": {"\ud800": "Ana"}}, ("recipients[7].context", "a key holds")),
        ({"context": {"firstName": None}}, ("recipients[7].context.firstName", "must not")),
        ({"context": {"age": 2**70}}, ("recipients[7].context.age", "is too large")),
        ({"context": {"age": 42, "vip": True}}, None),
        ({"context": {}}, None),
        ({"context": ["Ana"]}, ("recipients[7].context", "must be a mapping")),
        ({"extra": 1}, ("recipients[7].extra", "")),
    ],
)
def test_a_list_with_one_recipient_off_the_plain_form_is_read_as_before(
    change: dict[str, Any], problem: tuple[str, str] | None
) -> None:
    people = _plain(10)
    people[7] = {**people[7], **change}
    one_by_one = (person for person in people)  # a generator takes the per-recipient rules
    if problem is None:
        request = build_campaign_request(**VALID, recipients=people)
        assert request == build_campaign_request(**VALID, recipients=one_by_one)
        return
    found = build_problems(recipients=people)
    assert found == build_problems(recipients=one_by_one)
    assert any(field == problem[0] and problem[1] in message for field, message in found), found


def _one_by_one(people: list[dict[str, Any]]) -> CampaignRequest:
    """The request the per-recipient rules make of ``people`` (a generator skips the plain path)."""
    return build_campaign_request(**VALID, recipients=(person for person in people))


def test_a_request_of_plain_recipients_makes_no_recipient_until_one_is_read(
    monkeypatch: Any,
) -> None:
    # perf: issue 14's create rows. The request keeps the numbers and a copy of each context;
    # the body, its warnings and its count are made from them, the Recipients only when read.
    made: list[int] = []
    original = _recipients._made

    def counting(phones: Any, contexts: Any, count: int) -> Any:
        made.append(count)
        return original(phones, contexts, count)

    monkeypatch.setattr(_recipients, "_made", counting)
    people = _plain(1000)
    request = build_campaign_request(**VALID, recipients=people)
    body = json.dumps(campaign_request_model(request).to_dict())
    assert creation_warnings(request) == creation_warnings(_one_by_one(people))
    assert count_recipients(request) == 1000
    assert recipient_phones(request, 3) == [person["phone"] for person in people[:3]]
    assert made == []
    assert json.loads(body)["recipients"] == people
    first = request.recipients
    assert made == [1000]
    assert first == _one_by_one(people).recipients
    assert request.recipients is first  # made once, then kept


def test_a_request_of_plain_recipients_is_the_request_the_per_recipient_rules_make() -> None:
    people = _plain(20)
    people[3] = {"context": {"z": "1", "a": "2"}, "phone": people[3]["phone"]}  # keys reversed
    people[5] = {"phone": people[5]["phone"], "context": {}}
    people[8] = {"phone": people[8]["phone"], "context": {_Text("key"): "value"}}
    request, slow = build_campaign_request(**VALID, recipients=people), _one_by_one(people)
    assert request.to_json() == slow.to_json()
    assert json.dumps(request.wire_json()) == json.dumps(slow.wire_json())
    assert json.dumps(campaign_request_model(request).to_dict()) == json.dumps(
        campaign_request_model(slow).to_dict()
    )
    assert request.to_json()["recipients"][5] == {"phone": people[5]["phone"]}
    # Read, equal, hashed and shown alike, whichever is read first; evolve and pickle keep them.
    fresh = build_campaign_request(**VALID, recipients=people)
    assert repr(fresh) == repr(slow)
    assert fresh == slow
    assert hash(build_campaign_request(**VALID, recipients=people)) == hash(slow)
    assert attrs.evolve(build_campaign_request(**VALID, recipients=people), name="B") == (
        attrs.evolve(slow, name="B")
    )
    assert pickle.loads(pickle.dumps(build_campaign_request(**VALID, recipients=people))) == slow
    assert copy.copy(build_campaign_request(**VALID, recipients=people)) == slow
    assert attrs.asdict(build_campaign_request(**VALID, recipients=people)) == attrs.asdict(slow)


def test_the_callers_list_changed_after_the_build_changes_nothing() -> None:
    people = _plain(3)
    request = build_campaign_request(**VALID, recipients=people)
    before = json.dumps(campaign_request_model(request).to_dict())
    people[0]["context"]["firstName"] = "Bob"
    people[1]["phone"] = "+33699999999"
    people[2]["context"]["extra"] = "x"
    people.append({"phone": "+33688888888", "context": {}})
    assert json.dumps(campaign_request_model(request).to_dict()) == before
    assert request.to_json()["recipients"] == json.loads(before)["recipients"]
    assert [recipient.phone for recipient in request.recipients or ()] == [
        "+33612340000",
        "+33612340001",
        "+33612340002",
    ]
    # to_json is the caller's to change; the request and its body are not.
    request.to_json()["recipients"][0]["context"]["firstName"] = "Eve"
    assert json.dumps(campaign_request_model(request).to_dict()) == before


def test_from_json_reads_a_body_back_to_the_same_request() -> None:
    request = build_campaign_request(
        **VALID,
        retry={"max": 3, "delay": 1, "retryOn": ["FAILED"]},
        recipients=[{"phone": PHONE, "context": {"n": 1.5, "items": [1, {"k": "v"}]}}],
        timezone="UTC",
    )
    assert CampaignRequest.from_json(request.to_json()) == request
    with pytest.raises(ClientValidationError, match="batchSize"):
        CampaignRequest.from_json({**WIRE, "batchSize": 0})


# --- every rule, both entry points -------------------------------------------------------------

# (build changes, wire changes, field, message fragment): the same rule seen from both sides.
RULES: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    ("name missing", {"name": None}, {"name": DELETE}, "name", "is required"),
    ("name blank", {"name": "   "}, {"name": "  "}, "name", "must not be empty"),
    ("name not text", {"name": 5}, {"name": 5}, "name", "must be text"),
    ("agent missing", {"agent_id": None}, {"agentId": DELETE}, "agentId", "is required"),
    ("agent not uuid", {"agent_id": "agent-7"}, {"agentId": "agent-7"}, "agentId", "UUID"),
    ("agent wrong type", {"agent_id": 7}, {"agentId": 7}, "agentId", "must be a UUID"),
    ("date missing", {"start_date": None}, {"startDate": DELETE}, "startDate", "is required"),
    (
        "date not real",
        {"start_date": "2025-02-29"},
        {"startDate": "2025-02-29"},
        "startDate",
        "is not a real date",
    ),
    (
        "date format",
        {"start_date": "01/12/2026"},
        {"startDate": "01/12/2026"},
        "startDate",
        "must be a date as YYYY-MM-DD",
    ),
    ("date type", {"start_date": 20261201}, {"startDate": 20261201}, "startDate", "YYYY-MM-DD"),
    ("slots missing", {"time_slots": None}, {"timeSlots": DELETE}, "timeSlots", "is required"),
    ("no slot", {"time_slots": []}, {"timeSlots": []}, "timeSlots", "at least one time slot"),
    (
        "three slots",
        {"time_slots": ["10:00-11:00", "11:30-12:00", "15:00-16:00"]},
        {
            "timeSlots": [
                {"startTime": "10:00", "endTime": "11:00"},
                {"startTime": "11:30", "endTime": "12:00"},
                {"startTime": "15:00", "endTime": "16:00"},
            ]
        },
        "timeSlots",
        "at most 2 time slots are allowed, got 3",
    ),
    (
        "end before start",
        {"time_slots": ["10:00-11:00", "12:00-11:00"]},
        {
            "timeSlots": [
                {"startTime": "10:00", "endTime": "11:00"},
                {"startTime": "12:00", "endTime": "11:00"},
            ]
        },
        "timeSlots[1]",
        "end 11:00 is not after start 12:00",
    ),
    (
        "slot outside the calling hours",
        {"time_slots": ["07:00-09:00"]},
        {"timeSlots": [{"startTime": "07:00", "endTime": "09:00"}]},
        "timeSlots[0]",
        "lies entirely outside the calling hours (10:00-13:00 and 14:00-20:00)",
    ),
    (
        "slot in the lunch break",
        {"time_slots": ["10:00-12:00", "13:00-14:00"]},
        {
            "timeSlots": [
                {"startTime": "10:00", "endTime": "12:00"},
                {"startTime": "13:00", "endTime": "14:00"},
            ]
        },
        "timeSlots[1]",
        "lies entirely outside",
    ),
    ("days missing", {"days": None}, {"days": DELETE}, "days", "is required"),
    ("no day", {"days": []}, {"days": []}, "days", "at least one day"),
    (
        "day twice",
        {"days": ["MONDAY", "TUESDAY", "MONDAY"]},
        {"days": ["MONDAY", "TUESDAY", "MONDAY"]},
        "days[2]",
        "MONDAY is listed twice",
    ),
    ("unknown day", {"days": ["MONDAY", "FUNDAY"]}, {"days": ["MONDAY", "FUNDAY"]}, "days[1]", ""),
    ("batch missing", {"batch_size": None}, {"batchSize": DELETE}, "batchSize", "is required"),
    ("batch zero", {"batch_size": 0}, {"batchSize": 0}, "batchSize", "between 1 and 1000"),
    ("batch too big", {"batch_size": 1001}, {"batchSize": 1001}, "batchSize", "between 1 and 1000"),
    ("batch bool", {"batch_size": True}, {"batchSize": True}, "batchSize", "whole number"),
    ("batch float", {"batch_size": 10.0}, {"batchSize": 10.0}, "batchSize", "whole number"),
    ("batch text", {"batch_size": "10"}, {"batchSize": "10"}, "batchSize", "whole number"),
    (
        "retry max too big",
        {"retry": {"max": 4, "delay": 1, "retry_on": ["NO_ANSWER"]}},
        {"retry": {"max": 4, "delay": 1, "retryOn": ["NO_ANSWER"]}},
        "retry.max",
        "between 0 and 3",
    ),
    (
        "retry max negative",
        {"retry": {"max": -1}},
        {"retry": {"max": -1}},
        "retry.max",
        "between 0 and 3",
    ),
    (
        "retry max missing",
        {"retry": {"delay": 2, "retry_on": ["NO_ANSWER"]}},
        {"retry": {"delay": 2, "retryOn": ["NO_ANSWER"]}},
        "retry.max",
        "is required",
    ),
    (
        "retry max not a number",
        {"retry": {"max": "2", "delay": 2, "retry_on": ["NO_ANSWER"]}},
        {"retry": {"max": "2", "delay": 2, "retryOn": ["NO_ANSWER"]}},
        "retry.max",
        "whole number",
    ),
    (
        "retry delay missing",
        {"retry": {"max": 2, "retry_on": ["NO_ANSWER"]}},
        {"retry": {"max": 2, "retryOn": ["NO_ANSWER"]}},
        "retry.delay",
        "is required when retry.max is above 0",
    ),
    (
        "retry delay zero",
        {"retry": {"max": 2, "delay": 0, "retry_on": ["NO_ANSWER"]}},
        {"retry": {"max": 2, "delay": 0, "retryOn": ["NO_ANSWER"]}},
        "retry.delay",
        "at least 1",
    ),
    (
        "retry on empty",
        {"retry": {"max": 1, "delay": 2, "retry_on": []}},
        {"retry": {"max": 1, "delay": 2, "retryOn": []}},
        "retry.retryOn",
        "at least one call status",
    ),
    (
        "retry on missing",
        {"retry": {"max": 1, "delay": 2}},
        {"retry": {"max": 1, "delay": 2}},
        "retry.retryOn",
        "at least one call status",
    ),
    (
        "retry on blank item",
        {"retry": {"max": 1, "delay": 2, "retry_on": ["NO_ANSWER", " "]}},
        {"retry": {"max": 1, "delay": 2, "retryOn": ["NO_ANSWER", " "]}},
        "retry.retryOn[1]",
        "call status or qualifier",
    ),
    (
        "retry unknown field",
        {"retry": {"max": 0, "tries": 3}},
        {"retry": {"max": 0, "tries": 3}},
        "retry.tries",
        "unknown field",
    ),
    ("retry not an object", {"retry": 3}, {"retry": 3}, "retry", "must be"),
    ("no recipient", {"recipients": []}, {"recipients": []}, "recipients", "at least 1 recipient"),
    (
        "too many recipients",
        {"recipients": [f"+336{i:08d}" for i in range(1001)]},
        {"recipients": [{"phone": f"+336{i:08d}"} for i in range(1001)]},
        "recipients",
        "at most 1000 recipients, got 1001",
    ),
    (
        "national phone",
        {"recipients": [{"phone": PHONE}, {"phone": "06 12 34 56 78"}]},
        {"recipients": [{"phone": PHONE}, {"phone": "06 12 34 56 78"}]},
        "recipients[1].phone",
        "must be in E.164 format, e.g. +33612345678",
    ),
    (
        "phone missing",
        {"recipients": [{"context": {"firstName": "Ana"}}]},
        {"recipients": [{"context": {"firstName": "Ana"}}]},
        "recipients[0].phone",
        "is required",
    ),
    (
        "phone not text",
        {"recipients": [{"phone": 33612345678}]},
        {"recipients": [{"phone": 33612345678}]},
        "recipients[0].phone",
        "must be text",
    ),
    (
        "context null value",
        {"recipients": [{"phone": PHONE, "context": {"firstName": None}}]},
        {"recipients": [{"phone": PHONE, "context": {"firstName": None}}]},
        "recipients[0].context.firstName",
        "must not be null",
    ),
    (
        "context nested bad value",
        {"recipients": [{"phone": PHONE, "context": {"address": {"city": [None]}}}]},
        {"recipients": [{"phone": PHONE, "context": {"address": {"city": [None]}}}]},
        "recipients[0].context.address.city[0]",
        "must not be null",
    ),
    (
        "context odd key",
        {"recipients": [{"phone": PHONE, "context": {"first name": math.inf}}]},
        {"recipients": [{"phone": PHONE, "context": {"first name": math.inf}}]},
        'recipients[0].context["first name"]',
        "finite number",
    ),
    (
        "context not a mapping",
        {"recipients": [{"phone": PHONE, "context": ["Ana"]}]},
        {"recipients": [{"phone": PHONE, "context": ["Ana"]}]},
        "recipients[0].context",
        "must be a mapping",
    ),
    (
        "recipient unknown field",
        {"recipients": [{"phone": PHONE, "firstName": "Ana"}]},
        {"recipients": [{"phone": PHONE, "firstName": "Ana"}]},
        "recipients[0].firstName",
        "unknown field (expected phone, context)",
    ),
    ("recipient of a wrong type", {"recipients": [5]}, {"recipients": [5]}, "recipients[0]", ""),
    (
        "timezone unknown",
        {"timezone": "Mars/Olympus_Mons"},
        {"timezone": "Mars/Olympus_Mons"},
        "timezone",
        "is not an IANA time zone name, e.g. Europe/Paris",
    ),
    (
        "timezone miscased",
        {"timezone": "europe/paris"},
        {"timezone": "europe/paris"},
        "timezone",
        "did you mean Europe/Paris?",
    ),
    ("timezone type", {"timezone": 1}, {"timezone": 1}, "timezone", "IANA time zone name"),
]


@pytest.mark.parametrize(
    ("build_changes", "field", "fragment"),
    [pytest.param(b, f, m, id=name) for name, b, _, f, m in RULES],
)
def test_build_reports_each_rule_at_its_field_path(
    build_changes: dict[str, Any], field: str, fragment: str
) -> None:
    only(build_problems(**build_changes), field, fragment)


@pytest.mark.parametrize(
    ("wire_changes", "field", "fragment"),
    [pytest.param(w, f, m, id=name) for name, _, w, f, m in RULES],
)
def test_payload_check_reports_each_rule_at_the_same_path(
    wire_changes: dict[str, Any], field: str, fragment: str
) -> None:
    only(wire_problems(**wire_changes), field, fragment)


def test_rejected_values_are_kept_for_the_message() -> None:
    with pytest.raises(ClientValidationError) as caught:
        build_campaign_request(**{**VALID, "batch_size": 5000})
    (error,) = caught.value.errors
    assert error.rejected_value == 5000
    assert str(caught.value) == (
        "invalid campaign: 1 problem\n"
        "  - batchSize: must be between 1 and 1000 calls per day (rejected: 5000)"
    )


def test_every_problem_is_reported_at_once() -> None:
    problems = build_problems(
        name="",
        agent_id="x",
        start_date="2026-13-01",
        time_slots=["07:00-08:00", "25:00-26:00", "10:00-11:00"],
        batch_size=0,
        days=["MONDAY", "MONDAY"],
        retry={"max": 9, "delay": 0, "retry_on": []},
        recipients=["0612345678", {"phone": PHONE, "context": {"x": math.nan}}],
        timezone="Nowhere/Land",
    )
    assert [field for field, _ in problems] == [
        "name",
        "agentId",
        "startDate",
        "timeSlots",
        "timeSlots[0]",
        "timeSlots[1]",
        "batchSize",
        "retry.max",
        "retry.delay",
        "retry.retryOn",
        "days[1]",
        "recipients[0].phone",
        "recipients[1].context.x",
        "timezone",
    ]


# --- forms only one side accepts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"name": DELETE, "agentId": DELETE}, "name", "is required"),
        ({"startDate": "2026-12-01T10:00:00"}, "startDate", "YYYY-MM-DD"),
        ({"agentId": "{" + str(AGENT) + "}"}, "agentId", "must be a UUID"),
        ({"timeSlots": "10:00-13:00"}, "timeSlots", "must be an array"),
        ({"timeSlots": ["10:00-13:00"]}, "timeSlots[0]", "must be an object"),
        (
            {"timeSlots": [{"startTime": "9:00", "endTime": "13:00"}]},
            "timeSlots[0].startTime",
            "two-digit hours",
        ),
        (
            {"timeSlots": [{"startTime": "10:00", "endTime": "24:00"}]},
            "timeSlots[0].endTime",
            "hour 24 is out of range",
        ),
        (
            {"timeSlots": [{"startTime": "10:00", "endTime": "10:60"}]},
            "timeSlots[0].endTime",
            "minute 60 is out of range",
        ),
        ({"timeSlots": [{"startTime": "10:00"}]}, "timeSlots[0].endTime", "is required"),
        (
            {"timeSlots": [{"startTime": "10:00", "endTime": 13}]},
            "timeSlots[0].endTime",
            "must be a string, not number",
        ),
        (
            {"timeSlots": [{"startTime": "10:00", "endTime": "13:00", "tz": "UTC"}]},
            "timeSlots[0].tz",
            "unknown field",
        ),
        ({"days": "weekdays"}, "days", "must be an array of day names, not string"),
        ({"days": ["monday"]}, "days[0]", "must be one of MONDAY, TUESDAY"),
        ({"retry": {"max": 1, "delay": 1, "retry_on": ["NO_ANSWER"]}}, "retry.retry_on", "retryOn"),
        ({"recipients": [PHONE]}, "recipients[0]", "must be an object with a phone, not string"),
        ({"recipients": {"phone": PHONE}}, "recipients", "must be an array, not object"),
        ({"agent_id": str(AGENT)}, "agent_id", "unknown field: did you mean agentId?"),
        ({"priority": "high"}, "priority", "unknown field (expected name, agentId"),
        ({"name": None}, "name", "is required"),
    ],
)
def test_payload_check_reads_json_strictly(
    changes: dict[str, Any], field: str, fragment: str
) -> None:
    problems = wire_problems(**changes)
    assert problems[0][0] == field, problems
    assert fragment in problems[0][1], problems


def test_payload_check_takes_null_optional_fields_as_absent() -> None:
    assert wire_problems(retry=None, recipients=None, timezone=None) == []


def test_payload_check_refuses_a_body_that_is_not_an_object() -> None:
    problems = [(e.field, e.message) for e in check_campaign_payload([WIRE])]  # type: ignore[arg-type]
    assert problems == [("", "the body must be a JSON object, not array")]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"start_date": "2026-12-01"}, dt.date(2026, 12, 1)),
        ({"start_date": " 2026-12-01 "}, dt.date(2026, 12, 1)),
    ],
)
def test_build_takes_iso_text_for_dates(changes: dict[str, Any], expected: dt.date) -> None:
    assert build_campaign_request(**{**VALID, **changes}).start_date == expected


def test_build_refuses_a_datetime_as_start_date() -> None:
    only(
        build_problems(start_date=dt.datetime(2026, 12, 1, 9, 0)),
        "startDate",
        "must be a date, not a datetime",
    )


def test_build_reports_a_single_slot_given_alone_at_time_slots() -> None:
    only(build_problems(time_slots="07:00-08:00"), "timeSlots", "lies entirely outside")
    only(build_problems(time_slots=42), "timeSlots", "a time slot must be")
    request = build_campaign_request(**{**VALID, "time_slots": ("10:00", "12:00")})
    assert request.time_slots == (TimeSlot.parse("10:00-12:00"),)


def test_build_reports_a_day_group_that_repeats_a_day_at_days() -> None:
    only(build_problems(days="weekdays, monday"), "days", "MONDAY is listed twice")


def test_build_reports_plain_phone_strings_at_their_phone_path() -> None:
    only(
        build_problems(recipients=[PHONE, PHONE, "+33 6 12"]),
        "recipients[2].phone",
        "must be in E.164 format",
    )


@pytest.mark.parametrize("value", ["+33612345678", {"phone": PHONE}, Recipient(PHONE)])
def test_build_refuses_one_recipient_given_alone(value: object) -> None:
    only(build_problems(recipients=value), "recipients", "must be a list of recipients")


def test_build_refuses_retry_given_twice_as_snake_and_camel() -> None:
    only(
        build_problems(retry={"max": 1, "delay": 1, "retry_on": ["A"], "retryOn": ["B"]}),
        "retry.retryOn",
        "is given twice",
    )


# --- RetrySettings ------------------------------------------------------------------------------


def test_retry_settings_construction_and_wire_form() -> None:
    settings = RetrySettings(max=2, delay=4, retry_on=["NO_ANSWER", "VOICE_BOX"])
    assert settings.retry_on == ("NO_ANSWER", "VOICE_BOX")
    assert settings.to_api() == {"max": 2, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]}
    assert RetrySettings(max=0).to_api() == {"max": 0}
    assert RetrySettings(max=1, delay=1, retry_on="NO_ANSWER").retry_on == ("NO_ANSWER",)


def test_retry_settings_parse_takes_snake_and_camel_case() -> None:
    expected = RetrySettings(max=2, delay=4, retry_on=["NO_ANSWER"])
    assert RetrySettings.parse({"max": 2, "delay": 4, "retry_on": ["NO_ANSWER"]}) == expected
    assert RetrySettings.parse({"max": 2, "delay": 4, "retryOn": ["NO_ANSWER"]}) == expected
    assert RetrySettings.parse(expected) is expected
    assert RetrySettings.from_api(expected.to_api()) == expected


def test_retry_settings_refuse_invalid_values_listing_every_problem() -> None:
    with pytest.raises(ClientValidationError) as caught:
        RetrySettings(max=5, delay=0, retry_on=[])
    assert [e.field for e in caught.value.errors] == ["retry.max", "retry.delay", "retry.retryOn"]
    assert str(caught.value).startswith("invalid retry settings: 3 problems")
    with pytest.raises(ClientValidationError, match=r"retry\.delay"):
        RetrySettings.parse({"max": 1, "retry_on": ["NO_ANSWER"]})
    with pytest.raises(ClientValidationError, match="retry: is required"):
        RetrySettings.parse(None)  # type: ignore[arg-type]


def test_retry_settings_are_immutable_and_evolve_is_checked() -> None:
    settings = RetrySettings(max=1, delay=1, retry_on=["NO_ANSWER"])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        settings.max = 3  # type: ignore[misc]
    assert attrs.evolve(settings, max=3).max == 3
    with pytest.raises(ClientValidationError, match=r"retry\.max"):
        attrs.evolve(settings, max=4)


def test_retry_with_no_retries_needs_neither_delay_nor_statuses() -> None:
    request = build_campaign_request(**VALID, retry={"max": 0})
    assert request.to_json()["retry"] == {"max": 0}
    assert wire_problems(retry={"max": 0}) == []


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(_campaign_input).failed == 0
