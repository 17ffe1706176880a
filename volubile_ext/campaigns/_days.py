"""Days of the week on which a campaign calls, and the forgiving ways people write them."""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Mapping

from .._wire import DayOfWeek

__all__ = ["Day", "parse_days"]


class Day(enum.StrEnum):
    """A day of the week, valued as the API spells it (``"MONDAY"``), in calendar order.

    ``Day.MONDAY.weekday`` is 0, like ``datetime.date.weekday()``.
    """

    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"

    @property
    def weekday(self) -> int:
        """0 for Monday to 6 for Sunday, as ``datetime.date.weekday()`` counts."""
        return _WEEKDAY[self]

    @property
    def is_weekend(self) -> bool:
        return self in (Day.SATURDAY, Day.SUNDAY)

    @classmethod
    def of(cls, day: _dt.date) -> Day:
        """The day of the week of a date."""
        return _DAYS[day.weekday()]

    @classmethod
    def from_model(cls, model: DayOfWeek) -> Day:
        """Convert the generated ``volubile_api.models.DayOfWeek``."""
        return cls(model.value)

    def to_model(self) -> DayOfWeek:
        """The generated ``volubile_api.models.DayOfWeek``."""
        return DayOfWeek(self.value)


_DAYS: tuple[Day, ...] = tuple(Day)
_WEEKDAY = {day: index for index, day in enumerate(_DAYS)}

# Every spelling maps to the days it stands for; names are compared in upper case, with spaces,
# hyphens and underscores ignored, so "Every day", "every-day" and "EVERYDAY" are the same.
_GROUPS: dict[str, tuple[Day, ...]] = {
    "WEEKDAYS": _DAYS[:5],
    "WEEKDAY": _DAYS[:5],
    "WORKDAYS": _DAYS[:5],
    "WEEKEND": _DAYS[5:],
    "WEEKENDS": _DAYS[5:],
    "ALL": _DAYS,
    "EVERYDAY": _DAYS,
    "DAILY": _DAYS,
}
_NAMES: dict[str, tuple[Day, ...]] = {
    **{day.value: (day,) for day in _DAYS},
    **{day.value[:3]: (day,) for day in _DAYS},
    "TUES": (Day.TUESDAY,),
    "THUR": (Day.THURSDAY,),
    "THURS": (Day.THURSDAY,),
    **_GROUPS,
}
_HINT = "use day names ('monday', 'mon'), 'weekdays', 'weekend' or 'all'"


class DayProblem(Exception):
    """Internal: why a value is not a day; ``is_type`` when its type is what is wrong."""

    def __init__(self, reason: str, *, is_type: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.is_type = is_type


def _key(text: str) -> str:
    return text.upper().replace(" ", "").replace("-", "").replace("_", "")


def _read_day_item(value: object) -> tuple[Day, ...]:
    """The days one item stands for: one day, or several for a group such as "weekdays"."""
    if isinstance(value, Day):
        return (value,)
    if isinstance(value, str):
        # A str-valued enum such as the generated DayOfWeek is also read by its value here.
        days = _NAMES.get(_key(value))
        if days is None:
            raise DayProblem(f"{value!r} is not a day: {_HINT}")
        return days
    raise DayProblem(
        f"a day must be a name such as 'monday' or a Day, not {type(value).__name__}", is_type=True
    )


def _split(value: str) -> list[str]:
    # "mon, wed, fri" is one string but several days; "every day" is one group.
    return [part for part in (piece.strip() for piece in value.split(",")) if part]


Outcome = tuple[int | None, object, tuple[Day, ...] | DayProblem]


def read_days(value: object) -> list[Outcome]:
    """Read ``value`` item by item, without stopping at the first problem.

    Each outcome is (index in the caller's list, or None when ``value`` is a single string or
    day; the item as given; the days it stands for, or the problem).
    """
    if isinstance(value, str):
        parts = _split(value)
        if not parts:
            return [(None, value, DayProblem(f"no day given: {_HINT}"))]
        outcomes: list[Outcome] = []
        for part in parts:
            try:
                outcomes.append((None, part, _read_day_item(part)))
            except DayProblem as problem:
                outcomes.append((None, part, problem))
        return outcomes
    if isinstance(value, Day):
        return [(None, value, (value,))]
    if not isinstance(value, Iterable) or isinstance(value, (bytes, Mapping)):
        wrong_type = DayProblem(
            f"days must be a name, 'weekdays', or a list of days, not {type(value).__name__}",
            is_type=True,
        )
        return [(None, value, wrong_type)]
    outcomes = []
    for index, item in enumerate(value):
        try:
            outcomes.append((index, item, _read_day_item(item)))
        except DayProblem as problem:
            outcomes.append((index, item, problem))
    return outcomes


def parse_days(value: str | Day | Iterable[str | Day]) -> tuple[Day, ...]:
    """Read the days a campaign calls on, in the order given.

    Accepts day names in any case (``"Monday"``, ``"MONDAY"``), short names (``"mon"``,
    ``"tue"``), the groups ``"weekdays"`` (Monday to Friday), ``"weekend"`` and ``"all"`` (or
    ``"every day"``), :class:`Day` values, or an iterable of any of these; a string may list
    several, separated by commas (``"mon, wed, fri"``).

    Raises ``ValueError`` for an unknown name, for no day at all, and for a day given twice
    (``["weekdays", "monday"]``): the API refuses duplicates.

    >>> parse_days("weekdays")
    (<Day.MONDAY: 'MONDAY'>, <Day.TUESDAY: 'TUESDAY'>, <Day.WEDNESDAY: 'WEDNESDAY'>, \
<Day.THURSDAY: 'THURSDAY'>, <Day.FRIDAY: 'FRIDAY'>)
    """
    days: list[Day] = []
    for _, _, outcome in read_days(value):
        if isinstance(outcome, DayProblem):
            if outcome.is_type:
                raise TypeError(outcome.reason)
            raise ValueError(outcome.reason)
        for day in outcome:
            if day in days:
                raise ValueError(f"{day.value} is given twice: each day may appear once")
            days.append(day)
    if not days:
        raise ValueError(f"no day given: {_HINT}")
    return tuple(days)
