"""Simulated campaigns: the calls each campaign places as the sandbox's clock moves.

The rules are the client's own (``volubile_ext.campaigns``): a stored create request is read
back with :meth:`CampaignRequest.from_json`, its windows are its time slots clipped to the
allowed hours (``clip_time_slots``), placed on each calling day in the campaign's time zone
exactly as the planner places them (``_planning._aware``: daylight-saving days included), and
public holidays are the planner's (``french_public_holidays``). So a simulated campaign calls
on the days ``plan_campaign`` shows, ``batch_size`` first attempts on each.

The model, where the API's documentation is silent:

- A campaign calls from the first moment inside one of its windows that is on or after both its
  creation and its start date, on a calling day.
- First attempts are paced evenly: one every (the day's calling time ÷ ``batchSize``), so that
  ``batchSize`` of them fit in a day; at most ``batchSize`` first attempts per local calendar
  day; recipients are called in the order of the request. Retries are not counted in
  ``batchSize`` (the planner's model: "retries come on top").
- A call that ends with a status, or a main qualifier (its PRIMARY classifier's value, the rule
  ``campaigns.results`` counts by), listed in
  ``retry.retryOn`` is tried again when attempts remain (``1 + retry.max`` in all), at the first
  calling moment at least ``retry.delay`` hours after it ended. Any other ending is final.
- PAUSED: no new call; calls in progress end normally and a retry that falls due waits for the
  campaign to be resumed. CANCELLED: calls in progress end normally (a cancel stops the dialer;
  it does not hang up on people), nobody is called again.
- The API has no status for a campaign that has called everyone (its ``CampaignStatus`` is
  ACTIVE, PAUSED or CANCELLED), so such a campaign stays ACTIVE; :meth:`Simulation.progress`
  says it is finished.
"""

from __future__ import annotations

import bisect
import collections
import datetime as _dt
import heapq
import itertools
import math
import random
import threading
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypedDict, Unpack

import attrs

from ..campaigns._campaign_input import CampaignRequest
from ..campaigns._holidays import french_public_holidays
from ..campaigns._planning import _aware
from ..campaigns._recipients import is_e164, recipient_json
from ._call_store import StoredAgent
from ._calls import ANSWERED_STATUSES, make_call
from ._store import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from ._api import SandboxAPI
    from ._webhook_poster import Webhook

__all__ = ["DEFAULT_OUTCOMES", "CampaignProgress", "Simulation", "SimulationOptions"]

#: The outcomes of a call when a test sets none: six in ten answered.
DEFAULT_OUTCOMES: Final[Mapping[str, float]] = {
    "COMPLETED": 0.6,
    "NO_ANSWER": 0.25,
    "VOICE_BOX": 0.15,
}
# How long calls last, in seconds, by outcome (drawn uniformly in the range).
_DURATIONS: Final[Mapping[str, tuple[int, int]]] = {
    "COMPLETED": (45, 300),
    "TRANSFERRED": (60, 420),
    "FAILOVER": (20, 120),
    "NO_ANSWER": (25, 40),
    "VOICE_BOX": (15, 35),
}
_OTHER_DURATION: Final = (0, 10)
# How many days ahead a campaign looks for its next calling moment (the planner's horizon).
_HORIZON_DAYS: Final = 3660
_HOLIDAY_YEARS: Final = range(1583, 4100)

#: What ``extract`` and ``classify`` receive: the phone and the recipient's context.
DataFunction = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


@attrs.frozen
class CampaignProgress:
    """Where a simulated campaign stands (see :meth:`Simulation.progress`).

    ``recipients``: how many the campaign has; ``final``: how many have a final outcome (a
    status not in ``retryOn``, or no retry left); ``waiting``: how many are still to be called
    (a first attempt or a retry); ``in_progress``: calls under way; ``calls``: calls placed so
    far; ``finished``: nothing more will happen (everyone final, or the campaign cancelled and
    its last calls ended).
    """

    campaign_id: str
    status: str
    recipients: int
    final: int
    waiting: int
    in_progress: int
    calls: int
    finished: bool


def _outcome_table(outcomes: Mapping[str, float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if not isinstance(outcomes, Mapping) or not outcomes:
        raise ValueError("outcomes must map call statuses to weights, e.g. {'COMPLETED': 1}")
    names: list[str] = []
    weights: list[float] = []
    for status, weight in outcomes.items():
        if not isinstance(status, str) or not status or status == "IN_PROGRESS":
            raise ValueError(
                f"an outcome is a call status that ends a call, not {status!r}"
                if status == "IN_PROGRESS"
                else f"an outcome is a non-empty status text, not {status!r}"
            )
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise TypeError(f"the weight of {status} must be a number")
        if not 0 <= weight < math.inf:
            raise ValueError(f"the weight of {status} must be 0 or more: {weight!r}")
        names.append(status)
        weights.append(float(weight))
    total = sum(weights)
    if total <= 0:
        raise ValueError("outcomes: at least one weight must be above 0")
    return tuple(names), tuple(itertools.accumulate(weight / total for weight in weights))


def _phone_outcomes(
    fixed: Mapping[str, str | Sequence[str]] | None,
) -> dict[str, tuple[str, ...]]:
    if fixed is None:
        return {}
    if not isinstance(fixed, Mapping):
        raise TypeError("outcomes_by_phone must map E.164 numbers to a status or statuses")
    table: dict[str, tuple[str, ...]] = {}
    for phone, given in fixed.items():
        if not isinstance(phone, str) or not is_e164(phone):
            raise ValueError(f"outcomes_by_phone: {phone!r} is not an E.164 number")
        statuses = (given,) if isinstance(given, str) else tuple(given)
        if not statuses or not all(
            isinstance(status, str) and status and status != "IN_PROGRESS" for status in statuses
        ):
            raise ValueError(
                f"outcomes_by_phone[{phone!r}]: a status, or a list of one per attempt, each a "
                "status that ends a call"
            )
        table[phone] = statuses
    return table


def _dates(values: Iterable[_dt.date | str]) -> frozenset[_dt.date]:
    dates: set[_dt.date] = set()
    for value in values:
        if isinstance(value, str):
            try:
                dates.add(_dt.date.fromisoformat(value.strip()))
            except ValueError:
                raise ValueError(
                    f"closed_dates: {value[:40]!r} is not a date (YYYY-MM-DD)"
                ) from None
        elif isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            dates.add(value)
        else:
            raise TypeError(f"closed_dates holds dates or YYYY-MM-DD text, not {value!r}")
    return frozenset(dates)


class SimulationOptions(TypedDict, total=False):
    """The settings of :meth:`Sandbox.simulation <volubile_ext.testing.Sandbox.simulation>`."""

    seed: int
    outcomes: Mapping[str, float] | None
    outcomes_by_phone: Mapping[str, str | Sequence[str]] | None
    extract: DataFunction | None
    classify: DataFunction | None
    exclude_public_holidays: bool
    closed_dates: Iterable[_dt.date | str]


@attrs.frozen
class _Settings:
    seed: int
    names: tuple[str, ...]
    cumulative: tuple[float, ...]
    by_phone: Mapping[str, tuple[str, ...]]
    extract: DataFunction | None
    classify: DataFunction | None
    exclude_public_holidays: bool
    closed_dates: frozenset[_dt.date]


def _checked_settings(options: SimulationOptions) -> _Settings:
    unknown = sorted(set(options) - set(SimulationOptions.__annotations__))
    if unknown:
        known = ", ".join(SimulationOptions.__annotations__)
        raise TypeError(f"unknown simulation settings {', '.join(unknown)} (known: {known})")
    seed = options.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int")
    extract, classify = options.get("extract"), options.get("classify")
    for name, function in (("extract", extract), ("classify", classify)):
        if function is not None and not callable(function):
            raise TypeError(f"{name} must be a function (phone, context) -> mapping")
    outcomes = options.get("outcomes")
    names, cumulative = _outcome_table(DEFAULT_OUTCOMES if outcomes is None else outcomes)
    closed = options.get("closed_dates", ())
    return _Settings(
        seed=seed,
        names=names,
        cumulative=cumulative,
        by_phone=_phone_outcomes(options.get("outcomes_by_phone")),
        extract=extract,
        classify=classify,
        exclude_public_holidays=bool(options.get("exclude_public_holidays", False)),
        closed_dates=_dates([closed] if isinstance(closed, str) else closed),
    )


@attrs.define
class _Attempt:
    index: int
    number: int  # 1 for the first attempt
    call_id: str
    start: float
    duration: int
    status: str


def _extractors(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``extractedData`` as a test gives it ({name: text, list or mapping}) in the API's
    ``extractors`` form, which ``make_call`` flattens back."""
    found: list[dict[str, Any]] = []
    for name, value in data.items():
        if isinstance(value, Mapping):
            found.append({"name": str(name), "value": _extractors(value)})
        elif isinstance(value, list | tuple):
            found.append({"name": str(name), "value": [str(item) for item in value]})
        else:
            found.append({"name": str(name), "value": [str(value)]})
    return found


class _Run:
    """One campaign's simulation state."""

    def __init__(
        self,
        campaign_id: str,
        request: CampaignRequest,
        created: float,
        agent: StoredAgent,
    ) -> None:
        self.id = campaign_id
        self.name = request.name
        self.agent = agent
        self.zone = zoneinfo.ZoneInfo(request.timezone or DEFAULT_TIMEZONE)
        self.weekdays = frozenset(day.weekday for day in request.days)
        self.start_date = request.start_date
        self.windows = request.effective_windows
        self.batch = request.batch_size
        calling = sum(window.duration.total_seconds() for window in self.windows)
        self.spacing = calling / self.batch
        retry = request.retry
        self.max_attempts = 1 + (retry.max if retry is not None else 0)
        self.retry_delay = float((retry.delay or 0) * 3600) if retry is not None else 0.0
        retried = retry.retry_on if retry is not None and retry.max else ()
        self.retry_on = frozenset(retried)
        self.recipients: list[tuple[str, dict[str, Any]]] = [
            (recipient.phone, dict(recipient_json(recipient).get("context") or {}))
            for recipient in request.recipients or ()
        ]
        self.created = created
        self.first_queue: collections.deque[int] = collections.deque(range(len(self.recipients)))
        self.retries: list[tuple[float, int]] = []
        self.in_flight: list[tuple[float, int, _Attempt]] = []
        self.attempts = [0] * len(self.recipients)
        self.final = 0
        self.calls = 0
        self.first_per_day: dict[_dt.date, int] = {}
        self.last_first: float | None = None
        self.cancelled = False
        self._spans: dict[_dt.date, tuple[tuple[float, float], ...]] = {}
        self._next: tuple[int, str, float | None] | None = None
        self.version = 0

    # --- calendar --------------------------------------------------------------------------

    def forget_calendar(self) -> None:
        self._spans.clear()
        self._next = None

    def spans(self, day: _dt.date, settings: _Settings) -> tuple[tuple[float, float], ...]:
        """The day's calling windows as instants (none on a day the campaign does not call)."""
        found = self._spans.get(day)
        if found is None:
            found = ()
            if (
                day >= self.start_date
                and day.weekday() in self.weekdays
                and day not in settings.closed_dates
                and not (settings.exclude_public_holidays and _is_holiday(day))
            ):
                found = tuple(
                    (
                        _aware(day, window.start, self.zone).timestamp(),
                        _aware(day, window.end, self.zone).timestamp(),
                    )
                    for window in self.windows
                )
            self._spans[day] = found
        return found

    def local_date(self, moment: float) -> _dt.date:
        return _dt.datetime.fromtimestamp(moment, self.zone).date()

    def calling_moment(self, moment: float, settings: _Settings) -> float | None:
        """The first instant at or after ``moment`` inside a window of a calling day."""
        day = self.local_date(moment)
        for _ in range(_HORIZON_DAYS):
            for start, end in self.spans(day, settings):
                if moment < end:
                    return max(moment, start)
            day += _dt.timedelta(days=1)
        return None

    def next_first(self, now: float, settings: _Settings) -> float | None:
        moment = max(now, self.created)
        if self.last_first is not None:
            moment = max(moment, self.last_first + self.spacing)
        while True:
            found = self.calling_moment(moment, settings)
            if found is None:
                return None
            day = self.local_date(found)
            if self.first_per_day.get(day, 0) < self.batch:
                return found
            # This day's first attempts are all placed: from the next day's midnight.
            moment = _aware(day + _dt.timedelta(days=1), _dt.time(0), self.zone).timestamp()

    def next_retry(self, now: float, settings: _Settings) -> float | None:
        if not self.retries:
            return None
        return self.calling_moment(max(now, self.retries[0][0]), settings)

    def next_event(self, now: float, status: str, settings: _Settings, epoch: int) -> float | None:
        """When this campaign next does something, if nothing changes meanwhile."""
        key = (self.version + epoch * 1_000_003, status)
        if self._next is not None and self._next[:2] == key:
            return self._next[2]
        candidates: list[float | None] = []
        if self.in_flight:
            candidates.append(self.in_flight[0][0])
        if status == "ACTIVE":
            if self.first_queue:
                candidates.append(self.next_first(now, settings))
            candidates.append(self.next_retry(now, settings))
        due = min((moment for moment in candidates if moment is not None), default=None)
        self._next = (key[0], key[1], due)
        return due

    # --- what is left ----------------------------------------------------------------------

    @property
    def waiting(self) -> int:
        return len(self.first_queue) + len(self.retries)

    def progress(self, status: str) -> CampaignProgress:
        waiting = 0 if self.cancelled else self.waiting
        return CampaignProgress(
            campaign_id=self.id,
            status=status,
            recipients=len(self.recipients),
            final=self.final,
            waiting=waiting,
            in_progress=len(self.in_flight),
            calls=self.calls,
            finished=waiting == 0 and not self.in_flight,
        )

    def cancel(self) -> None:
        """The campaign was cancelled: nobody is called again (calls under way still end)."""
        self.cancelled = True
        self.first_queue.clear()
        self.retries.clear()
        self.version += 1


def _is_holiday(day: _dt.date) -> bool:
    return day.year in _HOLIDAY_YEARS and day in french_public_holidays(day.year)


def _moment(seconds: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(seconds, _dt.UTC)


class Simulation:
    """What the sandbox's campaigns do as its simulated clock moves (see the module's rules).

    Get it from :meth:`Sandbox.simulation`, which sets how calls end; the clock
    (:meth:`Sandbox.start_clock`) plays it. Outcomes are drawn from one seeded generator in the
    order calls are placed, so the same test gives the same calls every time. Its state (who
    was called, who waits for a retry) lives in memory: a sandbox restarted on a ``db_path``
    file starts its campaigns afresh when its clock moves.
    """

    def __init__(self, api: SandboxAPI) -> None:
        self._api = api
        # Held while campaigns are played or read (a test may ask for progress from another
        # thread while the clock moves); never while a webhook is posted.
        self._lock = threading.RLock()
        self._runs: dict[str, _Run] = {}
        self._statuses: tuple[int, list[tuple[str, str]]] | None = None
        self._epoch = 0
        self._sequence = itertools.count()
        #: Posts each finished call when the sandbox has a webhook (``Sandbox.webhook``).
        self.poster: Webhook | None = None
        self._settings = _checked_settings({})
        self._random = random.Random(self._settings.seed)

    def configure(self, **options: Unpack[SimulationOptions]) -> Simulation:
        """Set how calls end from now on (see :meth:`Sandbox.simulation`); returns ``self``.
        Every setting left out takes its default; nothing changes when one is wrong."""
        settings = _checked_settings(options)
        with self._lock:
            self._settings = settings
            self._random = random.Random(settings.seed)
            self._epoch += 1
            for run in self._runs.values():
                run.forget_calendar()
        return self

    # --- what the clock asks ---------------------------------------------------------------

    def next_event(self, now: float) -> float | None:
        """The instant of the next call starting or ending, or webhook post, if any."""
        with self._lock:
            settings, epoch = self._settings, self._epoch
            due = [run.next_event(now, status, settings, epoch) for run, status in self._refresh()]
        poster = self.poster
        if poster is not None:
            due.append(poster.next_due())
        return min((moment for moment in due if moment is not None), default=None)

    def play(self, now: float) -> None:
        """Play everything due at ``now``: calls ending, calls starting, webhook posts."""
        with self._lock:
            for run, status in self._refresh():
                self._play_run(run, status, now)
        # Outside the lock: a receiver may ask the sandbox (progress, settings) while it is
        # being posted to.
        poster = self.poster
        if poster is not None:
            poster.deliver_due(now)

    def unfinished(self) -> dict[str, int]:
        """Each ACTIVE campaign with recipients still to call, and how many."""
        with self._lock:
            return {
                run.id: run.waiting
                for run, status in self._refresh()
                if status == "ACTIVE" and run.waiting
            }

    def busy(self) -> bool:
        """Whether anything is left to happen without an API request: an ACTIVE campaign with
        recipients to call, a call in progress, a webhook post due."""
        if self.unfinished():
            return True
        with self._lock:
            if any(run.in_flight for run in self._runs.values()):
                return True
        poster = self.poster
        return poster is not None and poster.next_due() is not None

    def progress(self, campaign_id: str) -> CampaignProgress:
        """Where a campaign stands; ``KeyError`` when the sandbox has no such campaign."""
        wanted = str(campaign_id).lower()
        with self._lock:
            for run, status in self._refresh():
                if run.id == wanted:
                    return run.progress(status)
        raise KeyError(f"no campaign {campaign_id} in this sandbox")

    # --- playing ---------------------------------------------------------------------------

    def _refresh(self) -> list[tuple[_Run, str]]:
        """Every campaign's run and its status now (campaigns created since are loaded)."""
        store = self._api.store
        changes = store.changes
        if self._statuses is None or self._statuses[0] != changes:
            self._statuses = (changes, store.statuses())
        found = []
        for campaign_id, status in self._statuses[1]:
            run = self._runs.get(campaign_id)
            if run is None:
                run = self._load(campaign_id)
                self._runs[campaign_id] = run
            if status == "CANCELLED" and not run.cancelled:
                run.cancel()
            found.append((run, status))
        return found

    def _load(self, campaign_id: str) -> _Run:
        campaign = self._api.store.get(campaign_id)
        assert campaign is not None  # campaigns are never deleted
        # Stored only after the same rules passed, so it reads back.
        request = CampaignRequest.from_json(campaign.request)
        agent = self._api.calls.agent(str(request.agent_id))
        if agent is None:
            # The sandbox does not check a campaign's agent (tests use made-up ones): its calls
            # are those of a plain recordable OUTBOUND agent with that id.
            agent = StoredAgent(
                {
                    "id": str(request.agent_id),
                    "type": "OUTBOUND",
                    "active": True,
                    "recordable": True,
                    "configuration": {"extractors": [], "classifiers": []},
                }
            )
        return _Run(campaign.id, request, campaign.created_at, agent)

    def _play_run(self, run: _Run, status: str, now: float) -> None:
        settings = self._settings
        before = run.calls, run.final, len(run.in_flight)
        while run.in_flight and run.in_flight[0][0] <= now:
            # Removed once finished: when a test's extract() raises, the call stays in
            # progress, and the next move tries again.
            self._finish(run, run.in_flight[0][2], now)
            heapq.heappop(run.in_flight)
        if status == "ACTIVE" and not run.cancelled:
            while run.retries and (due := run.next_retry(now, settings)) is not None and due <= now:
                self._place(run, heapq.heappop(run.retries)[1], now, first=False)
            due = run.next_first(now, settings) if run.first_queue else None
            if due is not None and due <= now:
                self._place(run, run.first_queue.popleft(), now, first=True)
        if (run.calls, run.final, len(run.in_flight)) != before:
            run.version += 1

    def _draw(self, phone: str, attempt: int) -> tuple[str, int]:
        fixed = self._settings.by_phone.get(phone)
        if fixed is not None:
            status = fixed[min(attempt, len(fixed)) - 1]
        else:
            names, cumulative = self._settings.names, self._settings.cumulative
            index = bisect.bisect_right(cumulative, self._random.random())
            status = names[min(index, len(names) - 1)]
        low, high = _DURATIONS.get(status, _OTHER_DURATION)
        return status, self._random.randint(low, high)

    def _place(self, run: _Run, index: int, now: float, *, first: bool) -> None:
        run.attempts[index] += 1
        phone, context = run.recipients[index]
        status, duration = self._draw(phone, run.attempts[index])
        started = _moment(now)
        call, day = make_call(
            run.agent,
            phone=phone,
            status="IN_PROGRESS",
            now=started,
            start_time=started,
            campaign=run.name,
            context=context,
            recorded=False,
        )
        self._api.calls.add_call(call, day=day)
        attempt = _Attempt(index, run.attempts[index], call.id, now, duration, status)
        heapq.heappush(run.in_flight, (now + duration, next(self._sequence), attempt))
        run.calls += 1
        if first:
            today = run.local_date(now)
            run.first_per_day[today] = run.first_per_day.get(today, 0) + 1
            run.last_first = now

    def _answers(
        self, run: _Run, phone: str, context: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The extractors and classifiers of an answered call."""
        settings = self._settings
        if settings.extract is not None:
            extracted = settings.extract(phone, dict(context))
            if not isinstance(extracted, Mapping):
                raise TypeError("extract must return a mapping of names to extracted values")
        else:
            # The agent confirmed what it was told: the context's plain values.
            extracted = {
                key: value
                for key, value in context.items()
                if isinstance(value, str | int | float) and not isinstance(value, bool)
            }
        if settings.classify is not None:
            classified = settings.classify(phone, dict(context))
            if not isinstance(classified, Mapping):
                raise TypeError("classify must return a mapping of classifier names to values")
        else:
            configuration = run.agent.document.get("configuration") or {}
            classified = {
                str(item["name"]): self._random.choice(item["values"])
                for item in configuration.get("classifiers") or ()
                if item.get("name") and item.get("values")
            }
        classifiers = [
            {"name": str(name), "value": str(value), "type": "SECONDARY" if rank else "PRIMARY"}
            for rank, (name, value) in enumerate(classified.items())
        ]
        return _extractors(extracted), classifiers

    def _finish(self, run: _Run, attempt: _Attempt, now: float) -> None:
        phone, context = run.recipients[attempt.index]
        extractors: list[dict[str, Any]] = []
        classifiers: list[dict[str, Any]] = []
        if attempt.status in ANSWERED_STATUSES:
            extractors, classifiers = self._answers(run, phone, context)
        call, _ = make_call(
            run.agent,
            phone=phone,
            status=attempt.status,
            now=_moment(now),
            call_id=attempt.call_id,
            start_time=_moment(attempt.start),
            duration=attempt.duration,
            campaign=run.name,
            context=context,
            extractors=extractors,
            classifiers=classifiers,
        )
        self._api.calls.replace_call(call)
        # The main qualifier only (the first classifier is the PRIMARY one, see _answers): a
        # secondary classifier's value does not make the campaign call again.
        qualifier = classifiers[0]["value"] if classifiers else None
        again = attempt.status in run.retry_on or qualifier in run.retry_on
        if not again or attempt.number >= run.max_attempts:
            run.final += 1
        elif not run.cancelled:
            heapq.heappush(run.retries, (now + run.retry_delay, attempt.index))
        if self.poster is not None:
            self.poster.enqueue(call, now)
