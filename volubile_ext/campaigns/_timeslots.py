"""Time slots: when in the day a campaign may call, and what the API really does with them.

The API calls only inside 10:00-13:00 and 14:00-20:00 (the French hours for unsolicited calls,
see :data:`ALLOWED_WINDOWS`). A slot that overlaps them partly is clipped, so ``11:00-15:00``
calls from 11:00 to 13:00 and from 14:00 to 15:00: :func:`clip_time_slots` computes exactly
that, before anything is sent.

Times are wall-clock times in the campaign's time zone, as ``HH:MM``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

import attrs

from .._wire import ApiTimeSlot

__all__ = ["ALLOWED_WINDOWS", "TimeSlot", "clip_time_slots"]


# "9:00-12:30", "09:00 - 12:30", "09:00–12:30" (an en dash, as word processors write it).
# Seconds are tolerated only as ":00" because API responses may carry them; the API takes HH:MM.
# perf: "`from volubile_ext import Volubile`" (scripts/bench.py): the patterns are compiled
# by their first use (functools.cache), not when the module loads; a client that only reads
# campaigns needs the wire clock alone.
@functools.cache
def _slot_text() -> re.Pattern[str]:
    return re.compile(
        r"\s*(\d{1,2}):(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2}):(\d{1,2})(?::(\d{2}))?\s*"
    )


@functools.cache
def _clock_text() -> re.Pattern[str]:
    return re.compile(r"\s*(\d{1,2}):(\d{1,2})(?::(\d{2}))?\s*")


_EXPECTED = "expected 'HH:MM-HH:MM', e.g. '10:00-13:00'"


class SlotProblem(Exception):
    """Internal: why a value is not a time slot; ``is_type`` when its type is what is wrong."""

    def __init__(self, reason: str, *, is_type: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.is_type = is_type


def _clock(hours: str, minutes: str, seconds: str | None, text: str) -> _dt.time:
    hour, minute = int(hours), int(minutes)
    if len(minutes) != 2:
        raise SlotProblem(f"minutes must have two digits in {text.strip()!r}")
    if hour >= 24:
        raise SlotProblem(f"hour {hour} is out of range: hours go from 00 to 23")
    if minute >= 60:
        raise SlotProblem(f"minute {minute} is out of range: minutes go from 00 to 59")
    if seconds is not None and int(seconds) != 0:
        raise SlotProblem("seconds are not supported: the API takes HH:MM")
    return _dt.time(hour, minute)


def read_clock(value: object) -> _dt.time:
    """Read one time of day, ``"HH:MM"`` text or a ``datetime.time`` (forgiving forms)."""
    if isinstance(value, _dt.time):
        if value.tzinfo is not None:
            raise SlotProblem(
                "times must be naive wall-clock times: the campaign's timezone applies to them"
            )
        if value.second or value.microsecond:
            raise SlotProblem("seconds are not supported: the API takes HH:MM")
        return value
    if isinstance(value, str):
        match = _clock_text().fullmatch(value)
        if match is None:
            raise SlotProblem(f"{value!r} is not a time: expected 'HH:MM', e.g. '10:00'")
        return _clock(match[1], match[2], match[3], value)
    raise SlotProblem(
        f"a time must be 'HH:MM' text or a datetime.time, not {type(value).__name__}",
        is_type=True,
    )


@functools.cache
def _wire_clock() -> re.Pattern[str]:
    return re.compile(r"(\d{2}):(\d{2})")


def read_wire_clock(value: str) -> _dt.time:
    """Read a time exactly as the API's JSON writes it, ``HH:MM`` with two-digit hours."""
    match = _wire_clock().fullmatch(value)
    if match is None:
        raise SlotProblem("must be HH:MM with two-digit hours and minutes, e.g. '09:30'")
    return _clock(match[1], match[2], None, value)


def make_slot(start: _dt.time, end: _dt.time) -> TimeSlot:
    """The slot from ``start`` to ``end``, or a :class:`SlotProblem` if it would be empty."""
    if end <= start:
        overnight = end.hour < 12 <= start.hour  # "22:00-02:00"
        raise SlotProblem(
            f"end {end:%H:%M} is not after start {start:%H:%M}"
            + (": a slot cannot cross midnight" if overnight else "")
        )
    return TimeSlot(start, end)


def read_slot(value: object) -> TimeSlot:
    """Read any accepted form of a slot; raise :class:`SlotProblem` saying what is wrong."""
    if isinstance(value, TimeSlot):
        return value
    if isinstance(value, str):
        match = _slot_text().fullmatch(value)
        if match is None:
            raise SlotProblem(_EXPECTED)
        start = _clock(match[1], match[2], match[3], value)
        end = _clock(match[4], match[5], match[6], value)
        return make_slot(start, end)
    if isinstance(value, Mapping):
        start_raw = value.get("startTime", value.get("start_time"))
        end_raw = value.get("endTime", value.get("end_time"))
        if start_raw is None or end_raw is None:
            raise SlotProblem("a slot mapping needs 'startTime' and 'endTime'", is_type=True)
        return make_slot(read_clock(start_raw), read_clock(end_raw))
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise SlotProblem(f"a (start, end) pair has two items, not {len(value)}", is_type=True)
        return make_slot(read_clock(value[0]), read_clock(value[1]))
    if isinstance(value, ApiTimeSlot):
        return make_slot(read_clock(value.start_time), read_clock(value.end_time))
    raise SlotProblem(
        "a time slot must be 'HH:MM-HH:MM' text, a (start, end) pair, a TimeSlot or a "
        f"{{'startTime', 'endTime'}} mapping, not {type(value).__name__}",
        is_type=True,
    )


def _raise_for(value: object, problem: SlotProblem) -> NoReturn:
    message = f"invalid time slot {value!r}: {problem.reason}"
    if problem.is_type:
        raise TypeError(message) from None
    raise ValueError(message) from None


def _check_time(instance: TimeSlot, attribute: attrs.Attribute[_dt.time], value: object) -> None:
    if not isinstance(value, _dt.time):
        raise TypeError(f"TimeSlot.{attribute.name} must be a datetime.time, not {value!r}")
    try:
        read_clock(value)
    except SlotProblem as problem:
        raise ValueError(f"TimeSlot.{attribute.name}: {problem.reason}") from None


@attrs.frozen(order=True, repr=False)
class TimeSlot:
    """A calling slot within one day, from ``start`` to ``end`` (wall-clock times, minutes only).

    Build one with :meth:`parse`, which takes every form the library accepts; the constructor
    takes two ``datetime.time`` values and refuses a slot whose end is not after its start.
    Slots sort by start, then end.

    >>> TimeSlot.parse("09:00 - 12:30")
    TimeSlot.parse('09:00-12:30')
    >>> str(TimeSlot.parse(("14:00", "18:00")))
    '14:00-18:00'
    """

    start: _dt.time = attrs.field(validator=_check_time)
    end: _dt.time = attrs.field(validator=_check_time)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(
                f"invalid time slot {self.start:%H:%M}-{self.end:%H:%M}: end is not after start"
            )

    @classmethod
    def parse(cls, value: object) -> TimeSlot:
        """Read a slot from any accepted form.

        Accepts ``"HH:MM-HH:MM"`` text (spaces around the dash are fine, one-digit hours too),
        a ``(start, end)`` pair of ``"HH:MM"`` text or ``datetime.time``, a ``TimeSlot``, a
        mapping ``{"startTime": ..., "endTime": ...}`` (snake_case keys too) or the generated
        ``volubile_api.models.TimeSlot``.

        Raises ``ValueError`` for a malformed slot (bad format, hour 24 or more, minutes 60 or
        more, end not after start) and ``TypeError`` for a value of another type; the message
        names the slot.
        """
        try:
            return read_slot(value)
        except SlotProblem as problem:
            _raise_for(value, problem)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> TimeSlot:
        """Read the API's ``{"startTime": "HH:MM", "endTime": "HH:MM"}``."""
        return cls.parse(data)

    @classmethod
    def from_model(cls, model: ApiTimeSlot) -> TimeSlot:
        """Read the generated ``volubile_api.models.TimeSlot``."""
        return cls.parse({"startTime": model.start_time, "endTime": model.end_time})

    def to_api(self) -> dict[str, str]:
        """The API's JSON form: ``{"startTime": "HH:MM", "endTime": "HH:MM"}``."""
        return {"startTime": _hh_mm(self.start), "endTime": _hh_mm(self.end)}

    def to_model(self) -> ApiTimeSlot:
        """The generated ``volubile_api.models.TimeSlot``."""
        return ApiTimeSlot(start_time=_hh_mm(self.start), end_time=_hh_mm(self.end))

    @property
    def duration(self) -> _dt.timedelta:
        """How long the slot lasts on the wall clock."""
        return _dt.timedelta(minutes=_minutes(self.end) - _minutes(self.start))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def __repr__(self) -> str:
        return f"TimeSlot.parse({str(self)!r})"


def _hh_mm(value: _dt.time) -> str:
    """``value.strftime("%H:%M")``, the API's clock text, without strftime's cost.

    perf: "sync `campaigns.create`, 1 recipient" (scripts/bench.py): every create writes its
    slots; strftime is about ten times slower than formatting the two numbers.
    """
    return f"{value.hour:02d}:{value.minute:02d}"


def _minutes(value: _dt.time) -> int:
    return value.hour * 60 + value.minute


def _from_minutes(start: int, end: int) -> TimeSlot:
    return TimeSlot(_dt.time(start // 60, start % 60), _dt.time(end // 60, end % 60))


ALLOWED_WINDOWS: tuple[TimeSlot, ...] = (
    TimeSlot(_dt.time(10, 0), _dt.time(13, 0)),
    TimeSlot(_dt.time(14, 0), _dt.time(20, 0)),
)
"""The only hours when the API places calls: 10:00-13:00 and 14:00-20:00."""

_ALLOWED_MINUTES = tuple((_minutes(w.start), _minutes(w.end)) for w in ALLOWED_WINDOWS)


def clip_slot(slot: TimeSlot) -> list[tuple[int, int]]:
    """The pieces of ``slot`` inside the allowed windows, as minutes since midnight."""
    start, end = _minutes(slot.start), _minutes(slot.end)
    pieces = []
    for low, high in _ALLOWED_MINUTES:
        piece_start, piece_end = max(start, low), min(end, high)
        if piece_start < piece_end:
            pieces.append((piece_start, piece_end))
    return pieces


def is_single_pair(value: object) -> bool:
    """Whether ``value`` is one slot written as a pair, ``("10:00", "13:00")``, not two slots.

    Two single times cannot be two slots, so reading them as one (start, end) pair is safe.
    """
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return False
    try:
        read_clock(value[0])
        read_clock(value[1])
    except SlotProblem:
        return False
    return True


def clip_time_slots(slots: Iterable[object] | str | TimeSlot) -> tuple[TimeSlot, ...]:
    """The effective calling windows of ``slots``: what the API will actually use.

    Each slot is intersected with :data:`ALLOWED_WINDOWS`; the pieces are merged where they
    touch or overlap, sorted, and empty pieces dropped. The result may be empty: slots entirely
    outside the allowed hours (``07:00-09:00``) never call.

    ``slots`` is any number of slots in any form :meth:`TimeSlot.parse` accepts; a single slot
    (text, a ``TimeSlot`` or a ``(start, end)`` pair of times) is taken as one slot. A malformed
    slot raises ``ValueError`` (or ``TypeError`` for a wrong type) naming it.

    >>> [str(s) for s in clip_time_slots(["11:00-15:00"])]
    ['11:00-13:00', '14:00-15:00']
    """
    if isinstance(slots, (str, TimeSlot, Mapping)) or is_single_pair(slots):
        slots = [slots]
    pieces: list[tuple[int, int]] = []
    for value in slots:
        pieces.extend(clip_slot(TimeSlot.parse(value)))
    pieces.sort()
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(_from_minutes(start, end) for start, end in merged)
