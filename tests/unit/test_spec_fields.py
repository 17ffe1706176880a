"""The spec's own rule for a request field volubile_ext has no rule for (campaigns/_fields.py).

A field the spec adds is checked with what the spec table states for it. These tests run the
generic check on the table's real entries (whatever their type, format, enum, bounds, items or
referenced schema), so every branch a future field may take is exercised today.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from volubile_api import _spec
from volubile_ext import FieldError
from volubile_ext.campaigns._fields import (
    FIELDS,
    INVALID,
    JSON_NAMES,
    PYTHON_NAMES,
    check_value,
    did_you_mean,
)

REQUEST = _spec.CreateCampaignRequest


def check(entry: Any, value: object, *, strict: bool = True) -> tuple[Any, list[str]]:
    errors: list[FieldError] = []
    result = check_value(entry, value, "field", strict, errors)
    return result, [str(error) for error in errors]


def test_names_come_from_the_spec() -> None:
    assert REQUEST.properties == FIELDS
    assert PYTHON_NAMES["agentId"] == "agent_id"
    assert JSON_NAMES["batch_size"] == "batchSize"


@pytest.mark.parametrize(
    ("entry", "value", "strict", "expected"),
    [
        (REQUEST.name, "Renewals", True, "Renewals"),
        (REQUEST.batchSize, 10, True, 10),
        (REQUEST.startDate, "2031-03-03", True, "2031-03-03"),
        (REQUEST.startDate, dt.date(2031, 3, 3), False, "2031-03-03"),
        (REQUEST.agentId, uuid.UUID(int=1), False, "00000000-0000-0000-0000-000000000001"),
        (REQUEST.days, ("MONDAY", "FRIDAY"), False, ["MONDAY", "FRIDAY"]),
        (
            REQUEST.retry,
            {"max": 1, "retryOn": ["NO_ANSWER"]},
            True,
            {"max": 1, "retryOn": ["NO_ANSWER"]},
        ),
        (
            REQUEST.recipients,
            [{"context": {"n": 1, "o": {"k": "v"}}, "phone": "+33612345678"}],
            True,
            [{"phone": "+33612345678", "context": {"n": 1, "o": {"k": "v"}}}],  # schema order
        ),
    ],
)
def test_what_the_spec_accepts_is_returned_as_json(
    entry: Any, value: object, strict: bool, expected: object
) -> None:
    assert check(entry, value, strict=strict) == (expected, [])


@pytest.mark.parametrize(
    ("entry", "value", "strict", "problem"),
    [
        (REQUEST.name, "", True, "field: must be at least 1 character(s) long"),
        (REQUEST.name, 3, True, "field: must be text, not number (rejected: 3)"),
        (REQUEST.batchSize, True, True, "field: must be a whole number, not boolean"),
        (REQUEST.batchSize, 1.5, True, "field: must be a whole number, not number"),
        (REQUEST.batchSize, 1001, True, "field: must be between 1 and 1000 (rejected: 1001)"),
        (REQUEST.startDate, "2031-02-30", True, "field: must be a date as YYYY-MM-DD"),
        (REQUEST.startDate, dt.date(2031, 3, 3), True, "field: must be text, not date"),
        (REQUEST.agentId, "nope", True, "field: must be a UUID (rejected: nope)"),
        (REQUEST.days, ["MONDAY", "MONDAY"], True, "field[1]: is listed twice"),
        (REQUEST.days, ["FUNDAY"], True, "field[0]: must be one of MONDAY, TUESDAY"),
        (REQUEST.days, [], True, "field: must hold at least 1 item(s)"),
        (REQUEST.days, ("MONDAY",), True, "field: must be a list, not array"),
        (REQUEST.timeSlots, [{}] * 3, True, "field: must hold at most 2 item(s), got 3"),
        (REQUEST.retry, {"retryOn": []}, True, "field.max: is required"),
        (
            REQUEST.retry,
            {"max": 1, "dealy": 2},
            True,
            "field.dealy: unknown field: did you mean delay?",
        ),
        (REQUEST.retry, None, True, "field: must not be null"),
        (REQUEST.recipients, [{"phone": "0612"}], True, "field[0].phone: must match the pattern"),
        (
            REQUEST.recipients,
            [{"phone": "+33612345678", "context": {"x": [1]}}],
            True,
            "field[0].context.x: must be one of: string, number, boolean, object",
        ),
    ],
)
def test_what_the_spec_refuses_is_reported_with_its_path(
    entry: Any, value: object, strict: bool, problem: str
) -> None:
    result, problems = check(entry, value, strict=strict)
    assert result is INVALID
    assert problems[0].startswith(problem), problems


def test_a_misspelt_name_gets_the_nearest_field() -> None:
    assert did_you_mean("priorty", ["priority", "name"]) == "priority"
    assert did_you_mean("agentId", ["agent_id", "name"]) == "agent_id"
    assert did_you_mean("zzz", ["priority", "name"]) is None
