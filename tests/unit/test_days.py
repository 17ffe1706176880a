"""Day and parse_days: every spelling people use, and the problems they make."""

from __future__ import annotations

import datetime as dt
import doctest
import re

import pytest

from volubile_api.models import DayOfWeek
from volubile_ext import Day, parse_days
from volubile_ext.campaigns import _days

MON, TUE, WED, THU, FRI, SAT, SUN = Day


def test_days_are_in_calendar_order_with_the_api_values() -> None:
    assert [day.value for day in Day] == [
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
    ]
    assert [day.weekday for day in Day] == list(range(7))
    assert [day for day in Day if day.is_weekend] == [SAT, SUN]


def test_day_of_a_date_matches_the_calendar() -> None:
    assert Day.of(dt.date(2024, 7, 14)) is SUN
    assert Day.of(dt.date(2024, 7, 15)) is MON


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("monday", (MON,)),
        ("Monday", (MON,)),
        ("MONDAY", (MON,)),
        ("mon", (MON,)),
        ("Tue", (TUE,)),
        ("tues", (TUE,)),
        ("thu", (THU,)),
        ("thurs", (THU,)),
        (" sun ", (SUN,)),
        ("weekdays", (MON, TUE, WED, THU, FRI)),
        ("Weekdays", (MON, TUE, WED, THU, FRI)),
        ("weekend", (SAT, SUN)),
        ("all", (MON, TUE, WED, THU, FRI, SAT, SUN)),
        ("every day", (MON, TUE, WED, THU, FRI, SAT, SUN)),
        ("every-day", (MON, TUE, WED, THU, FRI, SAT, SUN)),
        ("everyday", (MON, TUE, WED, THU, FRI, SAT, SUN)),
        ("mon, wed, fri", (MON, WED, FRI)),
        (["friday", "mon"], (FRI, MON)),
        (("weekdays", "saturday"), (MON, TUE, WED, THU, FRI, SAT)),
        ([Day.TUESDAY, "thursday"], (TUE, THU)),
        (Day.SUNDAY, (SUN,)),
        (iter(["mon", "tue"]), (MON, TUE)),
        ([DayOfWeek.WEDNESDAY], (WED,)),
    ],
)
def test_parse_days_accepts_the_usual_spellings(value: object, expected: tuple[Day, ...]) -> None:
    assert parse_days(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("funday", "'funday' is not a day: use day names ('monday', 'mon'), 'weekdays'"),
        (["monday", "lundi"], "'lundi' is not a day"),
        ("", "no day given"),
        (" , ", "no day given"),
        ([], "no day given"),
        (["monday", "MONDAY"], "MONDAY is given twice"),
        (["weekdays", "friday"], "FRIDAY is given twice"),
    ],
)
def test_parse_days_refuses_unknown_missing_and_repeated_days(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_days(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [5, None, {"monday": True}, [1]])
def test_parse_days_refuses_other_types_with_a_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="not"):
        parse_days(value)  # type: ignore[arg-type]


def test_conversion_to_and_from_the_generated_enum_covers_every_day() -> None:
    assert {day.value for day in Day} == {member.value for member in DayOfWeek}
    for day in Day:
        model = day.to_model()
        assert isinstance(model, DayOfWeek)
        assert model.value == day.value
        assert Day.from_model(model) is day


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(_days).failed == 0
