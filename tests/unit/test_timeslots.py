"""TimeSlot parsing and conversions, and clip_time_slots, with property-based checks."""

from __future__ import annotations

import datetime as dt
import doctest
import itertools
import pickle
from random import Random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volubile_api.models import TimeSlot as ApiTimeSlot
from volubile_ext import ALLOWED_WINDOWS, TimeSlot, clip_time_slots
from volubile_ext.campaigns import _timeslots


def slot(text: str) -> TimeSlot:
    return TimeSlot.parse(text)


def texts(slots: tuple[TimeSlot, ...]) -> list[str]:
    return [str(s) for s in slots]


# --- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "10:00-13:30",
        "10:00 - 13:30",
        "  10:00-13:30  ",
        "10:00 -13:30",
        "10:00–13:30",  # en dash, as word processors write it
        ("10:00", "13:30"),
        ["10:00", "13:30"],
        (dt.time(10, 0), dt.time(13, 30)),
        ("10:00", dt.time(13, 30)),
        {"startTime": "10:00", "endTime": "13:30"},
        {"start_time": "10:00", "end_time": "13:30"},
        TimeSlot(dt.time(10, 0), dt.time(13, 30)),
        ApiTimeSlot(start_time="10:00", end_time="13:30"),
    ],
)
def test_parse_accepts_every_documented_form(value: object) -> None:
    parsed = TimeSlot.parse(value)
    assert parsed.start == dt.time(10, 0)
    assert parsed.end == dt.time(13, 30)


def test_parse_normalises_one_digit_hours_and_zero_seconds() -> None:
    assert str(slot("9:05-9:30")) == "09:05-09:30"
    assert str(slot("09:00:00-12:00:00")) == "09:00-12:00"


def test_parse_returns_the_same_slot_object_when_given_one() -> None:
    original = slot("10:00-11:00")
    assert TimeSlot.parse(original) is original


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("24:00-25:00", "hour 24 is out of range: hours go from 00 to 23"),
        ("10:00-24:00", "hour 24 is out of range"),
        ("10:60-11:00", "minute 60 is out of range: minutes go from 00 to 59"),
        ("10:00-10:75", "minute 75 is out of range"),
        ("12:00-11:00", "end 11:00 is not after start 12:00"),
        ("12:00-12:00", "end 12:00 is not after start 12:00"),
        ("22:00-02:00", "a slot cannot cross midnight"),
        ("10h-12h", "expected 'HH:MM-HH:MM', e.g. '10:00-13:00'"),
        ("10:00", "expected 'HH:MM-HH:MM'"),
        ("10:00-12:00-14:00", "expected 'HH:MM-HH:MM'"),
        ("", "expected 'HH:MM-HH:MM'"),
        ("10:5-11:00", "minutes must have two digits"),
        ("10:00:30-11:00", "seconds are not supported: the API takes HH:MM"),
        (("10:00", "25:00"), "hour 25 is out of range"),
        (("10:00", "noon"), "'noon' is not a time"),
        ((dt.time(10, 0, 30), dt.time(11, 0)), "seconds are not supported"),
        ((dt.time(10, 0, tzinfo=dt.UTC), dt.time(11, 0)), "naive wall-clock times"),
    ],
)
def test_parse_refuses_malformed_slots_with_a_value_error_naming_the_slot(
    value: object, reason: str
) -> None:
    with pytest.raises(ValueError, match="invalid time slot") as caught:
        TimeSlot.parse(value)
    message = str(caught.value)
    assert reason in message
    assert repr(value) in message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (5, "not int"),
        (None, "not NoneType"),
        (("10:00",), "a (start, end) pair has two items, not 1"),
        (("10:00", "11:00", "12:00"), "two items, not 3"),
        ({"startTime": "10:00"}, "needs 'startTime' and 'endTime'"),
        ((10, 11), "a time must be 'HH:MM' text or a datetime.time, not int"),
    ],
)
def test_parse_refuses_values_of_the_wrong_type_with_a_type_error(
    value: object, reason: str
) -> None:
    with pytest.raises(TypeError, match="invalid time slot") as caught:
        TimeSlot.parse(value)
    assert reason in str(caught.value)


def test_constructor_refuses_a_slot_that_does_not_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end is not after start"):
        TimeSlot(dt.time(12, 0), dt.time(11, 0))


def test_constructor_refuses_seconds_and_non_times() -> None:
    with pytest.raises(ValueError, match=r"TimeSlot\.start: seconds are not supported"):
        TimeSlot(dt.time(10, 0, 1), dt.time(11, 0))
    with pytest.raises(TypeError, match=r"TimeSlot\.end must be a datetime\.time"):
        TimeSlot(dt.time(10, 0), "11:00")  # type: ignore[arg-type]


# --- conversions --------------------------------------------------------------------------------


def test_str_repr_and_api_forms() -> None:
    value = slot("9:00-12:30")
    assert str(value) == "09:00-12:30"
    assert repr(value) == "TimeSlot.parse('09:00-12:30')"
    assert eval(repr(value), {"TimeSlot": TimeSlot}) == value
    assert value.to_api() == {"startTime": "09:00", "endTime": "12:30"}
    assert TimeSlot.from_api({"startTime": "09:00", "endTime": "12:30"}) == value
    assert value.duration == dt.timedelta(hours=3, minutes=30)


def test_generated_model_round_trip() -> None:
    value = slot("14:00-18:00")
    model = value.to_model()
    assert isinstance(model, ApiTimeSlot)
    assert (model.start_time, model.end_time) == ("14:00", "18:00")
    assert TimeSlot.from_model(model) == value


@given(st.integers(0, 24 * 60 - 1), st.integers(0, 24 * 60 - 1))
def test_api_forms_write_each_clock_as_strftime_does(first: int, second: int) -> None:
    # The wire text is formatted without strftime (a create's fixed cost): the same text for
    # every clock of the day, midnight and one-digit hours padded.
    start, end = (dt.time(minute // 60, minute % 60) for minute in sorted((first, second)))
    if start == end:
        return
    value = TimeSlot.parse((start, end))
    expected = {"startTime": start.strftime("%H:%M"), "endTime": end.strftime("%H:%M")}
    assert value.to_api() == expected
    model = value.to_model()
    assert {"startTime": model.start_time, "endTime": model.end_time} == expected


def test_slots_are_immutable_hashable_ordered_and_picklable() -> None:
    a, b = slot("10:00-11:00"), slot("10:00-12:00")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.start = dt.time(9, 0)  # type: ignore[misc]
    assert {a, slot("10:00-11:00")} == {a}
    assert sorted([slot("14:00-15:00"), b, a]) == [a, b, slot("14:00-15:00")]
    assert pickle.loads(pickle.dumps(a)) == a


def test_allowed_windows_are_the_french_calling_hours() -> None:
    assert texts(ALLOWED_WINDOWS) == ["10:00-13:00", "14:00-20:00"]


# --- clipping -----------------------------------------------------------------------------------


def test_the_spec_example_gives_two_windows() -> None:
    assert texts(clip_time_slots(["11:00-15:00"])) == ["11:00-13:00", "14:00-15:00"]


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        (["08:00-21:00"], ["10:00-13:00", "14:00-20:00"]),
        (["10:30-12:30"], ["10:30-12:30"]),
        (["07:00-09:00"], []),
        (["13:00-14:00"], []),
        (["20:00-23:00"], []),
        (["09:00-10:30", "19:30-21:00"], ["10:00-10:30", "19:30-20:00"]),
        # Overlapping and touching slots merge; the order of the input does not matter.
        (["15:00-17:00", "14:30-15:30"], ["14:30-17:00"]),
        (["10:00-11:00", "11:00-12:00"], ["10:00-12:00"]),
        (["12:00-15:00", "10:00-11:00"], ["10:00-11:00", "12:00-13:00", "14:00-15:00"]),
        ([], []),
    ],
)
def test_clipping_examples(slots: list[str], expected: list[str]) -> None:
    assert texts(clip_time_slots(slots)) == expected


def test_clipping_takes_any_slot_form_and_a_single_slot() -> None:
    assert texts(clip_time_slots("11:00-15:00")) == ["11:00-13:00", "14:00-15:00"]
    assert texts(clip_time_slots(slot("11:00-12:00"))) == ["11:00-12:00"]
    assert texts(clip_time_slots(("11:00", "12:00"))) == ["11:00-12:00"]
    assert texts(clip_time_slots({"startTime": "11:00", "endTime": "12:00"})) == ["11:00-12:00"]
    mixed = [("09:00", dt.time(10, 30)), {"startTime": "16:00", "endTime": "17:00"}]
    assert texts(clip_time_slots(mixed)) == ["10:00-10:30", "16:00-17:00"]


@pytest.mark.parametrize("bad", ["25:00-26:00", "10:70-11:00", "12:00-11:00", "noon-1pm"])
def test_clipping_refuses_a_malformed_slot_naming_it(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid time slot") as caught:
        clip_time_slots(["10:00-11:00", bad])
    assert repr(bad) in str(caught.value)


# --- properties ---------------------------------------------------------------------------------


@st.composite
def slots(draw: st.DrawFn) -> TimeSlot:
    start = draw(st.integers(min_value=0, max_value=24 * 60 - 2))
    end = draw(st.integers(min_value=start + 1, max_value=24 * 60 - 1))
    return TimeSlot(dt.time(start // 60, start % 60), dt.time(end // 60, end % 60))


def _minute_set(values: tuple[TimeSlot, ...] | list[TimeSlot]) -> set[int]:
    covered: set[int] = set()
    for value in values:
        start = value.start.hour * 60 + value.start.minute
        end = value.end.hour * 60 + value.end.minute
        covered.update(range(start, end))
    return covered


@given(st.lists(slots(), max_size=6))
def test_property_result_is_inside_the_allowed_windows_and_the_input(
    given_slots: list[TimeSlot],
) -> None:
    result = clip_time_slots(given_slots)
    covered = _minute_set(result)
    assert covered <= _minute_set(list(ALLOWED_WINDOWS))
    assert covered <= _minute_set(given_slots)
    # ...and it is all of their intersection: nothing callable is lost.
    assert covered == _minute_set(given_slots) & _minute_set(list(ALLOWED_WINDOWS))


@given(st.lists(slots(), max_size=6))
def test_property_result_is_sorted_and_disjoint_with_gaps(given_slots: list[TimeSlot]) -> None:
    result = clip_time_slots(given_slots)
    for earlier, later in itertools.pairwise(result):
        # Strictly apart: touching pieces would have been merged.
        assert earlier.end < later.start


@given(st.lists(slots(), max_size=6))
def test_property_clipping_twice_changes_nothing(given_slots: list[TimeSlot]) -> None:
    once = clip_time_slots(given_slots)
    assert clip_time_slots(once) == once


@given(st.lists(slots(), max_size=6), st.randoms(use_true_random=False))
def test_property_order_of_the_input_does_not_matter(
    given_slots: list[TimeSlot], random: Random
) -> None:
    shuffled = list(given_slots)
    random.shuffle(shuffled)
    assert clip_time_slots(shuffled) == clip_time_slots(given_slots)


@given(slots())
def test_property_text_form_round_trips(value: TimeSlot) -> None:
    assert TimeSlot.parse(str(value)) == value
    assert TimeSlot.from_api(value.to_api()) == value


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(_timeslots).failed == 0
