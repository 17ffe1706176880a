"""Campaign planning: which days a campaign will call, how many people each day, and when.

:func:`plan_campaign` takes the arguments of ``campaigns.create``, checks them with the same
rules, and answers the question people ask before pressing the button: when will my contacts
be called? Nothing is sent; the plan is computed locally.

Model: from ``start_date``, every calling day (a day of ``days``) places ``batch_size``
first-attempt calls, until every recipient has had one, inside the day's effective windows
(the slots clipped to 10:00-13:00 and 14:00-20:00) in the campaign's time zone. Retries come on
top, later. Closed dates and, on request, public holidays are left out of the calendar: the API
knows nothing of them, so the plan assumes the campaign is paused on those days.
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Unpack

import attrs

from .._errors import ClientValidationError, FieldError, ProblemList
from .._wire import CreateCampaignRequestFields
from ._campaign_input import (
    MAX_RECIPIENTS,
    CampaignRequest,
    DateInput,
    DaysInput,
    RecipientsInput,
    RetryInput,
    RetrySettings,
    TimeSlotsInput,
    TimezoneInput,
    campaign_values,
    count_recipients,
    recipient_phones,
    retry_warnings,
    run_rules,
)
from ._days import Day
from ._holidays import french_public_holidays
from ._timeslots import TimeSlot

if TYPE_CHECKING:
    import zoneinfo

__all__ = [
    "BulkPlan",
    "CallingWindow",
    "CampaignPlan",
    "PlannedDay",
    "SkippedDay",
    "plan_campaign",
    "plan_many",
]

DEFAULT_TIMEZONE = "Europe/Paris"
# A plan that needs more calendar days than this is a typo in batch_size or in the count.
_HORIZON = _dt.timedelta(days=3660)
# More people than France has phones: a count beyond it is a typo too. It bounds the work of
# plan_many, which plans one campaign per thousand recipients.
MAX_PLANNED_RECIPIENTS: Final = 100_000_000
_HOLIDAY_YEARS = range(1583, 4100)
_UTC = _dt.UTC


def _aware(day: _dt.date, clock: _dt.time, zone: zoneinfo.ZoneInfo) -> _dt.datetime:
    """``clock`` on ``day`` in ``zone``, as a real instant.

    A wall time that does not exist (skipped when clocks go forward) is moved forward by the
    gap, as a clock on the wall would show it; an ambiguous one (repeated when clocks go back)
    is the first occurrence.
    """
    naive = _dt.datetime.combine(day, clock, tzinfo=zone)
    return naive.astimezone(_UTC).astimezone(zone)


def _offset(moment: _dt.datetime) -> str:
    offset = moment.utcoffset() or _dt.timedelta(0)
    sign = "-" if offset < _dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@attrs.frozen
class CallingWindow:
    """A span of one day in which calls are placed, as timezone-aware datetimes."""

    start: _dt.datetime
    end: _dt.datetime

    @property
    def duration(self) -> _dt.timedelta:
        """Elapsed time, measured in UTC (correct on the days clocks change)."""
        return self.end.astimezone(_UTC) - self.start.astimezone(_UTC)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def to_dict(self) -> dict[str, str]:
        """``{"start", "end"}`` as ISO 8601 with their offsets, for JSON."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@attrs.frozen
class PlannedDay:
    """A calling day: its first-attempt calls, its windows, and what is left after it.

    ``holiday`` names the French public holiday the day is, if it is one (calls planned then
    are also in the plan's warnings).
    """

    date: _dt.date
    calls: int
    windows: tuple[CallingWindow, ...]
    remaining: int
    holiday: str | None = None

    @property
    def day(self) -> Day:
        return Day.of(self.date)

    def to_dict(self) -> dict[str, Any]:
        """The day as plain JSON values."""
        return {
            "date": self.date.isoformat(),
            "calls": self.calls,
            "remaining": self.remaining,
            "windows": [window.to_dict() for window in self.windows],
            "holiday": self.holiday,
        }


@attrs.frozen
class SkippedDay:
    """A calling day left out of the calendar: a closed date, or an excluded public holiday."""

    date: _dt.date
    reason: str

    def to_dict(self) -> dict[str, str]:
        """The skipped day as plain JSON values."""
        return {"date": self.date.isoformat(), "reason": self.reason}


def _iso(date: _dt.date | None) -> str | None:
    return date.isoformat() if date is not None else None


@attrs.frozen
class CampaignPlan:
    """When a campaign will call: see :func:`plan_campaign`. ``str(plan)`` is a readable table."""

    name: str
    timezone: str
    start_date: _dt.date
    batch_size: int
    recipient_count: int
    windows: tuple[TimeSlot, ...]
    days: tuple[PlannedDay, ...]
    skipped: tuple[SkippedDay, ...]
    warnings: tuple[str, ...]
    retry: RetrySettings | None = None

    @property
    def last_first_attempt_date(self) -> _dt.date | None:
        """The day of the last first-attempt call (retries may follow), None with no calls."""
        return self.days[-1].date if self.days else None

    @property
    def total_calls(self) -> int:
        """First-attempt calls over the whole plan: one per recipient."""
        return sum(day.calls for day in self.days)

    def __str__(self) -> str:
        return _render(self)

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain JSON values (dates in ISO 8601), as ``volubile ... --json`` prints."""
        return {
            "name": self.name,
            "timezone": self.timezone,
            "start_date": self.start_date.isoformat(),
            "batch_size": self.batch_size,
            "recipient_count": self.recipient_count,
            "windows": [str(window) for window in self.windows],
            "days": [day.to_dict() for day in self.days],
            "skipped": [skip.to_dict() for skip in self.skipped],
            "last_first_attempt_date": _iso(self.last_first_attempt_date),
            "warnings": list(self.warnings),
        }


def _read_dates(values: object, errors: list[FieldError]) -> set[_dt.date]:
    dates: set[_dt.date] = set()
    if values is None:
        return dates  # None is "no closed dates", as it is for every optional argument
    if isinstance(values, (str, _dt.date)):
        values = [values]
    if not isinstance(values, Iterable) or isinstance(values, (bytes, Mapping)):
        errors.append(
            FieldError(
                "closed_dates",
                "must be a list of dates (date objects or YYYY-MM-DD text), "
                f"not {type(values).__name__}",
                values,
            )
        )
        return dates
    for index, value in enumerate(values):
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            dates.add(value)
            continue
        if isinstance(value, str):
            try:
                dates.add(_dt.date.fromisoformat(value.strip()))
                continue
            except ValueError:
                pass
        errors.append(
            FieldError(f"closed_dates[{index}]", "must be a date or YYYY-MM-DD text", value)
        )
    return dates


def _count(recipients: object, recipient_count: object, errors: list[FieldError]) -> int | None:
    if recipients is not None and recipient_count is not None:
        errors.append(FieldError("recipient_count", "give recipients or recipient_count, not both"))
        return None
    if recipients is None and recipient_count is None:
        errors.append(
            FieldError(
                "recipient_count",
                "is required: give recipients=, or recipient_count= to plan without the list",
            )
        )
        return None
    if recipient_count is None:
        return None  # counted once the recipients are checked
    if not isinstance(recipient_count, int) or isinstance(recipient_count, bool):
        errors.append(
            FieldError(
                "recipient_count",
                f"must be a whole number, not {type(recipient_count).__name__}",
                recipient_count,
            )
        )
        return None
    if recipient_count < 1:
        errors.append(FieldError("recipient_count", "must be at least 1", recipient_count))
        return None
    if recipient_count > MAX_PLANNED_RECIPIENTS:
        errors.append(
            FieldError(
                "recipient_count",
                f"must be at most {MAX_PLANNED_RECIPIENTS:,}: no list of recipients comes near it",
                recipient_count,
            )
        )
        return None
    return recipient_count


def plan_campaign(
    *,
    name: str,
    agent_id: uuid.UUID | str,
    start_date: DateInput,
    time_slots: TimeSlotsInput,
    batch_size: int,
    days: DaysInput,
    retry: RetryInput | None = None,
    recipients: RecipientsInput | None = None,
    timezone: TimezoneInput | None = None,
    recipient_count: int | None = None,
    exclude_public_holidays: bool = False,
    closed_dates: Iterable[_dt.date | str] | None = (),
    **fields: Unpack[CreateCampaignRequestFields],
) -> CampaignPlan:
    """Plan a campaign: its calling days, calls per day, windows, end date and warnings.

    Takes the arguments of ``campaigns.create`` (checked with the same rules, see
    ``build_campaign_request``) and the recipients, or only their number as
    ``recipient_count``. More than 1,000 recipients (one campaign's limit) are planned as one
    sequence of calls, with a warning.

    From ``start_date``, each day of ``days`` gets ``batch_size`` first-attempt calls until
    every recipient has had one. Each planned day carries its effective windows as aware
    datetimes in ``timezone`` (Europe/Paris when not given), correct across daylight-saving
    changes. ``closed_dates`` and, with ``exclude_public_holidays``, French public holidays are
    skipped: the API does not know them, so this assumes you pause the campaign on those days.

    Warnings, never errors, flag what French rules on unsolicited calls forbid: weekend days
    among ``days``, and calls planned on a public holiday.

    Raises :class:`ClientValidationError` listing every problem of the arguments.
    """
    values = campaign_values(locals(), fields)
    request, count, closed = _checked(values, recipient_count, closed_dates)
    return plan_request(
        request, count, exclude_public_holidays=exclude_public_holidays, closed=closed
    )


def plan_request(
    request: CampaignRequest,
    count: int,
    *,
    exclude_public_holidays: bool = False,
    closed: set[_dt.date] | None = None,
) -> CampaignPlan:
    """The plan of an already checked request, for ``count`` recipients (see plan_campaign)."""
    plan = _plan(
        request, count, exclude_public_holidays=exclude_public_holidays, closed=closed or set()
    )
    misspelt = _retry_warnings(request)
    return attrs.evolve(plan, warnings=plan.warnings + misspelt) if misspelt else plan


def _checked(
    values: dict[str, Any],
    recipient_count: object,
    closed_dates: Iterable[_dt.date | str] | None,
) -> tuple[CampaignRequest, int, set[_dt.date]]:
    """The arguments of plan_campaign, checked: the request, the recipient count, closed dates."""
    errors: list[FieldError] = ProblemList()
    count = _count(values["recipients"], recipient_count, errors)
    request, rule_errors = run_rules(values, strict=False, recipient_limit=None)
    closed = _read_dates(closed_dates, errors)
    errors = rule_errors + errors
    if errors or request is None:
        raise ClientValidationError(errors)
    if count is None:
        count = count_recipients(request)
    return request, count, closed


def _retry_warnings(request: CampaignRequest) -> tuple[str, ...]:
    return retry_warnings(request.retry.retry_on) if request.retry is not None else ()


def creation_warnings(request: CampaignRequest) -> tuple[str, ...]:
    """The warnings ``plan_campaign`` gives for this request: what ``campaigns.create`` reports.

    The calendar part depends only on the schedule, the number of recipients and today's date,
    and campaigns are often created with the same schedule, so it is remembered.
    """
    return (
        _calendar_of(request)
        + tuple(_repeated_phone_warnings(recipient_phones(request)))
        + _retry_warnings(request)
    )


def bulk_creation_warnings(requests: Sequence[CampaignRequest]) -> tuple[str, ...]:
    """The warnings ``create_many`` gives for its campaigns (one request per chunk).

    The campaigns share one schedule and call in parallel, each from the start date: calls on
    weekends and public holidays are counted over all of them, and a number repeated across
    two chunks is reported as well as one repeated inside a chunk.
    """
    sizes: dict[int, int] = {}
    for request in requests:
        size = count_recipients(request)
        sizes[size] = sizes.get(size, 0) + 1
    everyone = list(itertools.chain.from_iterable(map(recipient_phones, requests)))
    return (
        _calendar_of(requests[0], tuple(sorted(sizes.items())))
        + tuple(_repeated_phone_warnings(everyone))
        + _retry_warnings(requests[0])
    )


def _calendar_of(
    request: CampaignRequest, sizes: tuple[tuple[int, int], ...] | None = None
) -> tuple[str, ...]:
    count = count_recipients(request)
    return _calendar_warnings(
        request.start_date,
        request.days,
        request.time_slots,
        request.batch_size,
        request.timezone,
        sizes or ((count, 1),),
        _dt.date.today(),  # part of the key: "in the past" changes daily
    )


_NO_AGENT = uuid.UUID(int=0)


@functools.lru_cache(maxsize=256)
def _calendar_warnings(  # noqa: PLR0917 - positional keeps the cache key cheap
    start_date: _dt.date,
    days: tuple[Day, ...],
    time_slots: tuple[TimeSlot, ...],
    batch_size: int,
    timezone: str | None,
    sizes: tuple[tuple[int, int], ...],
    today: _dt.date,
) -> tuple[str, ...]:
    # Only the schedule matters to the calendar: no name, agent or recipients. ``sizes``:
    # (recipients, how many campaigns of that size call in parallel).
    schedule = CampaignRequest(
        name="",
        agent_id=_NO_AGENT,
        start_date=start_date,
        time_slots=time_slots,
        batch_size=batch_size,
        days=days,
        timezone=timezone,
    )
    try:
        plans = [
            (_plan(schedule, size, exclude_public_holidays=False, closed=set()), copies)
            for size, copies in sizes
        ]
    except ClientValidationError as too_long:
        # A valid campaign that calls for longer than the planner looks ahead: say so, but a
        # warning must never refuse what the API accepts.
        return tuple(error.message for error in too_long.errors)
    return _parallel_warnings(schedule, plans)


def _parallel_warnings(
    schedule: CampaignRequest, plans: Sequence[tuple[CampaignPlan, int]]
) -> tuple[str, ...]:
    """The calendar warnings of campaigns calling in parallel, given as (plan, copies).

    Those of the largest campaign, with the calls on each day counted over all of them.
    """
    if len(plans) == 1 and plans[0][1] == 1:
        return plans[0][0].warnings
    import zoneinfo  # as in _plan

    calls: dict[_dt.date, int] = {}
    first_seen: dict[_dt.date, PlannedDay] = {}
    for plan, copies in plans:
        for day in plan.days:
            calls[day.date] = calls.get(day.date, 0) + day.calls * copies
            first_seen.setdefault(day.date, day)
    merged = [attrs.evolve(first_seen[date], calls=calls[date]) for date in sorted(first_seen)]
    largest = max((plan for plan, _ in plans), key=lambda plan: plan.recipient_count)
    zone = zoneinfo.ZoneInfo(schedule.timezone or DEFAULT_TIMEZONE)
    found = _warnings(schedule, largest.recipient_count, merged, list(largest.skipped), zone)
    return tuple(found)


def _plan(
    request: CampaignRequest, count: int, *, exclude_public_holidays: bool, closed: set[_dt.date]
) -> CampaignPlan:
    zone_name = request.timezone or DEFAULT_TIMEZONE
    import zoneinfo  # here, not at the top: it weighs on `import volubile_ext`

    zone = zoneinfo.ZoneInfo(zone_name)
    windows = request.effective_windows
    calling_days = frozenset(day.weekday for day in request.days)
    holidays_by_year: dict[int, dict[_dt.date, str]] = {}

    def holiday(day: _dt.date) -> str | None:
        year = day.year
        if year not in holidays_by_year:
            holidays_by_year[year] = french_public_holidays(year) if year in _HOLIDAY_YEARS else {}
        return holidays_by_year[year].get(day)

    planned: list[PlannedDay] = []
    skipped: list[SkippedDay] = []
    remaining = count
    day = request.start_date
    last = (
        request.start_date + _HORIZON
        if _dt.date.max - request.start_date > _HORIZON
        else _dt.date.max
    )
    while True:
        if day.weekday() in calling_days:
            name = holiday(day)
            if day in closed:
                skipped.append(SkippedDay(day, "closed date" + (f" ({name})" if name else "")))
            elif name is not None and exclude_public_holidays:
                skipped.append(SkippedDay(day, f"public holiday ({name})"))
            else:
                calls = min(request.batch_size, remaining)
                remaining -= calls
                spans = tuple(
                    CallingWindow(_aware(day, window.start, zone), _aware(day, window.end, zone))
                    for window in windows
                )
                planned.append(PlannedDay(day, calls, spans, remaining, name))
        if remaining == 0:
            break
        if day >= last:
            raise ClientValidationError(
                [
                    FieldError(
                        "batchSize",
                        f"{count} recipients at {request.batch_size} calls a day need more than "
                        f"{_HORIZON.days // 366} years of calling days: raise batchSize or plan "
                        "fewer recipients",
                        request.batch_size,
                    )
                ]
            )
        day += _dt.timedelta(days=1)

    return CampaignPlan(
        name=request.name,
        timezone=zone_name,
        start_date=request.start_date,
        batch_size=request.batch_size,
        recipient_count=count,
        windows=windows,
        days=tuple(planned),
        skipped=tuple(skipped),
        warnings=tuple(_warnings(request, count, planned, skipped, zone)),
        retry=request.retry,
    )


def _day_text(day: _dt.date) -> str:
    return f"{Day.of(day).value[:3].title()} {day.isoformat()}"


def _warnings(
    request: CampaignRequest,
    count: int,
    planned: list[PlannedDay],
    skipped: list[SkippedDay],
    zone: zoneinfo.ZoneInfo,
) -> list[str]:
    found: list[str] = []
    if request.timezone is None:
        found.append(
            f"no timezone given: planned in {DEFAULT_TIMEZONE}; pass timezone= to "
            "campaigns.create as well, so that the API calls at these hours"
        )
    today = _dt.datetime.now(zone).date()
    if request.start_date < today:
        found.append(f"start date {request.start_date.isoformat()} is in the past")
    weekend = [day for day in request.days if day.is_weekend]
    if weekend:
        on_weekend = sum(day.calls for day in planned if day.day.is_weekend)
        names = " and ".join(day.value for day in weekend)
        found.append(
            f"{names} {'is a calling day' if len(weekend) == 1 else 'are calling days'}: French "
            f"rules forbid unsolicited calls at weekends ({on_weekend} first-attempt calls "
            "planned then; retries may fall then too)"
        )
    for day in planned:
        if day.holiday is not None:
            found.append(
                f"{_day_text(day.date)} is a French public holiday ({day.holiday}) with "
                f"{day.calls} calls planned: unsolicited calls are forbidden on public holidays; "
                "pause the campaign that day (exclude_public_holidays=True shows the effect)"
            )
    if skipped:
        one = len(skipped) == 1
        found.append(
            f"{len(skipped)} skipped day{'' if one else 's'}: the API does not know "
            f"{'it' if one else 'them'}, so pause the campaign on {'it' if one else 'each'} "
            "(campaigns.pause, then campaigns.resume) or it will call anyway"
        )
    if count > MAX_RECIPIENTS:
        campaigns = -(-count // MAX_RECIPIENTS)
        found.append(
            f"{count} recipients exceed the {MAX_RECIPIENTS} one campaign holds: they need "
            f"{campaigns} campaigns; this plan is one sequence of calls, whereas campaigns "
            "starting on the same day call in parallel"
        )
    found.extend(_repeated_phone_warnings(recipient_phones(request)))
    return found


def _repeated_phone_warnings(phones: list[str]) -> list[str]:
    # perf: "campaigns.create with 1,000 recipients" (scripts/bench.py): a C-level set of
    # the numbers, read from the request's plain recipients when it holds them (no Recipient).
    repeats = len(phones) - len(set(phones))
    if not repeats:
        return []
    return [
        f"{repeats} recipient{' repeats' if repeats == 1 else 's repeat'} an earlier "
        "phone number: those people will be called more than once (load_recipients "
        "folds duplicates)"
    ]


def _count_of(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _render(plan: CampaignPlan) -> str:
    windows = ", ".join(str(window) for window in plan.windows)
    per_day = sum((window.duration for window in plan.windows), _dt.timedelta())
    hours, minutes = divmod(int(per_day.total_seconds()) // 60, 60)
    lines = [
        f"Plan for {plan.name!r}: {_count_of(plan.recipient_count, 'recipient')}, "
        f"{_count_of(plan.batch_size, 'call')} a day from {_day_text(plan.start_date)} "
        f"({plan.timezone})",
        f"Calling windows: {windows} ({hours}h{minutes:02d} a day)",
        "",
    ]
    rows: list[tuple[_dt.date, str, str, str, str]] = []
    for day in plan.days:
        offsets = {_offset(window.start) for window in day.windows}
        offsets |= {_offset(window.end) for window in day.windows}
        spans = ", ".join(str(window) for window in day.windows)
        if len(offsets) == 1:
            spans += f" ({offsets.pop()})"
        else:
            spans = ", ".join(
                f"{window} ({_offset(window.start)} to {_offset(window.end)})"
                for window in day.windows
            )
        notes = []
        if day.day.is_weekend:
            notes.append("weekend")
        if day.holiday:
            notes.append(f"public holiday: {day.holiday}")
        if notes:
            spans += "  ! " + "; ".join(notes)
        rows.append((day.date, _day_text(day.date), str(day.calls), str(day.remaining), spans))
    rows.extend(
        (skip.date, _day_text(skip.date), "-", "-", f"skipped: {skip.reason}")
        for skip in plan.skipped
    )
    rows.sort(key=lambda row: row[0])
    header = ("Date", "Calls", "Left", "Windows")
    width_date = max([len(header[0])] + [len(row[1]) for row in rows])
    width_calls = max([len(header[1])] + [len(row[2]) for row in rows])
    width_left = max([len(header[2])] + [len(row[3]) for row in rows])
    lines.append(
        f"{header[0]:<{width_date}}  {header[1]:>{width_calls}}  {header[2]:>{width_left}}  "
        f"{header[3]}"
    )
    lines.extend(
        f"{text:<{width_date}}  {calls:>{width_calls}}  {left:>{width_left}}  {spans}".rstrip()
        for _, text, calls, left, spans in rows
    )
    lines.extend(_closing_lines(plan.last_first_attempt_date, plan.retry, plan.warnings))
    return "\n".join(lines)


@attrs.frozen
class BulkPlan:
    """When the campaigns of a ``create_many`` call: see :func:`plan_many`.

    ``campaigns`` holds one :class:`CampaignPlan` per chunk, named ``"<name> (k/n)"`` as
    ``create_many`` names them; they call in parallel, each from the start date. ``str(plan)``
    is a short summary, one line per group of chunks of the same size.
    """

    name: str
    chunk_size: int
    recipient_count: int
    campaigns: tuple[CampaignPlan, ...]
    warnings: tuple[str, ...]

    @property
    def last_first_attempt_date(self) -> _dt.date | None:
        """The last day any campaign places a first-attempt call (retries may follow)."""
        dates = [plan.last_first_attempt_date for plan in self.campaigns]
        known = [date for date in dates if date is not None]
        return max(known) if known else None

    def __str__(self) -> str:
        return _render_many(self)

    def to_dict(self) -> dict[str, Any]:
        """A summary per campaign as plain JSON values (each one's days are a single plan's)."""
        return {
            "name": self.name,
            "recipient_count": self.recipient_count,
            "chunk_size": self.chunk_size,
            "campaigns": [
                {
                    "name": campaign.name,
                    "recipient_count": campaign.recipient_count,
                    "calling_days": len(campaign.days),
                    "first_date": campaign.days[0].date.isoformat() if campaign.days else None,
                    "last_first_attempt_date": _iso(campaign.last_first_attempt_date),
                }
                for campaign in self.campaigns
            ],
            "last_first_attempt_date": _iso(self.last_first_attempt_date),
            "warnings": list(self.warnings),
        }


def plan_many(
    *,
    name: str,
    agent_id: uuid.UUID | str,
    start_date: DateInput,
    time_slots: TimeSlotsInput,
    batch_size: int,
    days: DaysInput,
    retry: RetryInput | None = None,
    recipients: RecipientsInput | None = None,
    timezone: TimezoneInput | None = None,
    recipient_count: int | None = None,
    chunk_size: int = MAX_RECIPIENTS,
    exclude_public_holidays: bool = False,
    closed_dates: Iterable[_dt.date | str] | None = (),
    **fields: Unpack[CreateCampaignRequestFields],
) -> BulkPlan:
    """Plan the campaigns ``create_many`` would create: one per ``chunk_size`` recipients.

    Takes the arguments of :func:`plan_campaign` and ``chunk_size`` (1..1000, as in
    ``create_many``). Each campaign calls its own recipients, ``batch_size`` a day, from the
    start date: they call in parallel, so the last day is that of the largest campaign, not of
    all recipients laid end to end. Raises :class:`ClientValidationError` listing every problem.
    """
    values = campaign_values(locals(), fields)
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, int)
        or not 1 <= chunk_size <= MAX_RECIPIENTS
    ):
        raise ClientValidationError(
            [FieldError("chunk_size", f"must be a whole number 1..{MAX_RECIPIENTS}", chunk_size)]
        )
    request, count, closed = _checked(values, recipient_count, closed_dates)
    return plan_request_many(
        request,
        count,
        chunk_size,
        exclude_public_holidays=exclude_public_holidays,
        closed=closed,
    )


def plan_request_many(
    request: CampaignRequest,
    count: int,
    chunk_size: int,
    *,
    exclude_public_holidays: bool = False,
    closed: set[_dt.date] | None = None,
) -> BulkPlan:
    """The plan of an already checked request split into campaigns (see plan_many).

    ``request`` holds every recipient (or none, with their ``count``), under the base name.
    """
    closed = closed or set()
    total = -(-count // chunk_size)
    # The chunks share everything but their size: one plan per distinct size (two at most).
    by_size: dict[int, CampaignPlan] = {}
    campaigns = []
    for index in range(total):
        size = min(chunk_size, count - index * chunk_size)
        if size not in by_size:
            # Without recipients: numbers repeated across chunks are counted once, for all.
            by_size[size] = _plan(
                attrs.evolve(request, recipients=None),
                size,
                exclude_public_holidays=exclude_public_holidays,
                closed=closed,
            )
        chunk_name = f"{request.name} ({index + 1}/{total})" if total > 1 else request.name
        campaigns.append(attrs.evolve(by_size[size], name=chunk_name, recipient_count=size))
    copies: dict[int, int] = {}
    for campaign in campaigns:
        copies[campaign.recipient_count] = copies.get(campaign.recipient_count, 0) + 1
    schedule = attrs.evolve(request, recipients=None)
    warnings = (
        _parallel_warnings(schedule, [(by_size[size], number) for size, number in copies.items()])
        + tuple(_repeated_phone_warnings(recipient_phones(request)))
        + _retry_warnings(request)
    )
    return BulkPlan(
        name=request.name,
        chunk_size=chunk_size,
        recipient_count=count,
        campaigns=tuple(campaigns),
        warnings=warnings,
    )


def _render_many(plan: BulkPlan) -> str:
    first = plan.campaigns[0]
    windows = ", ".join(str(window) for window in first.windows)
    per_day = sum((window.duration for window in first.windows), _dt.timedelta())
    hours, minutes = divmod(int(per_day.total_seconds()) // 60, 60)
    total = len(plan.campaigns)
    lines = [
        f"Plan for {plan.name!r}: {_count_of(plan.recipient_count, 'recipient')} in "
        f"{_count_of(total, 'campaign')} of at most {plan.chunk_size}, calling in parallel, "
        f"{_count_of(first.batch_size, 'call')} a day each from {_day_text(first.start_date)} "
        f"({first.timezone})",
        f"Calling windows: {windows} ({hours}h{minutes:02d} a day)",
        "",
    ]
    # Consecutive campaigns of one size have the same calendar: one row for them all.
    groups: list[list[CampaignPlan]] = []
    for campaign in plan.campaigns:
        if groups and groups[-1][0].recipient_count == campaign.recipient_count:
            groups[-1].append(campaign)
        else:
            groups.append([campaign])
    rows = []
    for group in groups:
        head = group[0]
        label = head.name if len(group) == 1 else f"{head.name} to {group[-1].name}"
        each = "" if len(group) == 1 else " each"
        last = head.last_first_attempt_date
        rows.append(
            (
                label,
                f"{head.recipient_count}{each}",
                f"{len(head.days)}{each}",
                _day_text(last) if last else "-",
            )
        )
    header = ("Campaigns", "Recipients", "Calling days", "Last first-attempt calls")
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(4)]
    for row in (header, *rows):
        lines.append(
            f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}"
        )
    lines.extend(_closing_lines(plan.last_first_attempt_date, first.retry, plan.warnings))
    return "\n".join(lines)


def _closing_lines(
    last: _dt.date | None, retry: RetrySettings | None, warnings: Sequence[str]
) -> list[str]:
    """The end of a plan's text: its last first-attempt day, retries, warnings."""
    closing = f"Last first-attempt calls: {_day_text(last)}." if last else "No calls planned."
    if retry is not None and retry.max > 0:
        closing += f" Retries (up to {retry.max}, at least {retry.delay} h apart) may follow."
    lines = ["", closing]
    if warnings:
        lines.extend(["", "Warnings:", *(f"- {warning}" for warning in warnings)])
    return lines
