"""Client-side rate limiting: never send more requests than the API allows.

The API allows 100 requests per 15 seconds per account, counted in fixed windows that the server
opens when a request *arrives*. The client cannot see arrivals: a request arrives some time after
it started (after a pool wait, a new connection's set-up, a busy event loop) and before its
response ends. So the limiter keeps this rule, which holds whatever the latencies:

    a request starts at least ``period`` seconds after every request ``max_requests`` places
    before it (in the order places were granted) has *ended*.

Then any ``max_requests + 1`` requests include two, k places apart with k >= ``max_requests``,
of which the later arrived after its start, hence at least ``period`` after the earlier one
ended, hence after the earlier one arrived: no window of ``period`` seconds, sliding or fixed,
anchored anywhere, holds more than ``max_requests`` arrivals.

The end of a request still running is unknown, so a place granted behind it gets an *estimate*:
the earliest start the rule allows given what is known now (a running request ends no sooner
than now). The caller sleeps until then and asks again (:meth:`SlidingWindowLimiter.wait`) until
nothing is left to wait. An estimate never comes too early and is exact once the requests it
depends on have ended, so a burst keeps the bound and loses no time: its (N+1)-th request goes
``period`` after the first one ended, as the server's window allows.

The limiter hands out waits instead of blocking: one object serves threads and asyncio tasks
alike (its lock is held only for the arithmetic, never during a wait).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import httpx

__all__ = ["RateLimitInfo", "RateLimitWaitTooLong", "SlidingWindowLimiter", "Slot"]

# A place's states. WAITING: granted, not started; ``at`` is its estimated start. RUNNING: its
# request is on its way; ``at`` is its start. DONE: ``at`` is its end. WITHDRAWN: never sent,
# removed from the window.
_WAITING, _RUNNING, _DONE, _WITHDRAWN = range(4)
_STATE_NAMES = ("waiting", "running", "done", "withdrawn")


_CLOCK_RESOLUTION = time.get_clock_info("monotonic").resolution


@attrs.frozen
class RateLimitInfo:
    """The rate-limit figures the server last reported (``X-RateLimit-*`` headers).

    ``limit`` and ``remaining`` are ``None`` until a response carried them.
    """

    limit: int | None = None
    remaining: int | None = None


def figures_in(headers: httpx.Headers) -> tuple[int | None, int | None] | None:
    """The ``X-RateLimit-Limit`` and ``-Remaining`` figures of ``headers``; None when it carries
    neither. A figure that is not a whole number, or a header given twice, reads as None (as
    httpx joins a repeated header: "100, 100")."""
    # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): one pass over the raw
    # headers, where two headers.get() scan them all twice (and twice
    # more for each header that is absent).
    limit = remaining = None
    for raw_name, value in headers.raw:
        name = raw_name.lower()
        if name == b"x-ratelimit-limit":
            limit = value if limit is None else _REPEATED
        elif name == b"x-ratelimit-remaining":
            remaining = value if remaining is None else _REPEATED
    if limit is None and remaining is None:
        return None
    encoding = headers.encoding
    return _header_int(limit, encoding), _header_int(remaining, encoding)


_REPEATED = b"repeated"  # a header given more than once: no number


def _header_int(value: bytes | None, encoding: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value.decode(encoding).strip())
    except ValueError:
        return None


class RateLimitWaitTooLong(Exception):
    """Internal: the wait for a place would exceed the caller's deadline. Nothing is held."""

    def __init__(self, wait: float, *, paused: bool = False) -> None:
        super().__init__(f"the rate limiter would wait {wait:.2f} s")
        self.wait = wait
        #: Whether the wait comes (at least in part) from a server's ``Retry-After`` pause.
        self.paused = paused


class Slot:
    """One request's place in the window, from when it is granted until its request has ended."""

    __slots__ = ("at", "state")

    def __init__(self, at: float, state: int) -> None:
        self.at = at
        self.state = state

    def __repr__(self) -> str:
        return f"Slot({_STATE_NAMES[self.state]}, at={self.at!r})"


class SlidingWindowLimiter:
    """At most ``max_requests`` requests per ``period`` seconds, as the server counts them.

    For each request: :meth:`reserve_slot` grants a place and the seconds to wait; while that
    is more than 0, sleep that long and call :meth:`wait`; send; then call :meth:`finished`
    (also when the request failed, or was never sent: a place that never started is withdrawn).

    ``margin`` (seconds) is added to every wait a window imposes. By default it is the clock's
    resolution (a coarse clock reads an end up to one tick early: Windows' monotonic clock
    ticks every 15.6 ms) plus a ten-thousandth of the period (clocks of two machines may run
    apart by that much over a window): 1.5 ms for the API's 15 s on Linux.

    Thread-safe; shared by every thread or task of one client. ``clock`` is a monotonic clock in
    seconds (injectable for tests).
    """

    def __init__(
        self,
        max_requests: int,
        period: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float | None = None,
    ) -> None:
        if isinstance(max_requests, bool) or not isinstance(max_requests, int) or max_requests < 1:
            raise ValueError(
                f"rate_limit needs a whole number of requests >= 1, not {max_requests!r}"
            )
        if isinstance(period, bool) or not isinstance(period, (int, float)):
            raise ValueError(f"rate_limit needs a period in seconds, not {period!r}")
        if not 0 < period < math.inf:
            raise ValueError(f"rate_limit needs a period in seconds > 0, not {period!r}")
        if margin is None:
            margin = _CLOCK_RESOLUTION + period * 1e-4
        elif not 0 <= margin < math.inf:
            raise ValueError(f"the limiter's margin must be 0 or more seconds, not {margin!r}")
        self.max_requests = max_requests
        self.period = float(period)
        self.margin = float(margin)
        # A place that ended this long ago constrains no start from now on (_prune).
        self._span = self.period + self.margin
        self._clock = clock
        self._lock = threading.Lock()
        # Places in the order they were granted. Only DONE places a whole window old are pruned
        # (from the left): a request still running may yet arrive at the server.
        self._slots: deque[Slot] = deque()
        self._paused_until = -math.inf

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter(max_requests={self.max_requests}, period={self.period})"

    def reserve(self, *, max_wait: float | None = None) -> float:
        """Reserve a start and return how many seconds to wait before it.

        The place is held as if its request ended the moment it started: for callers that know
        only starts. With ``max_wait``, a start further away than that is not reserved and
        :class:`RateLimitWaitTooLong` is raised instead.
        """
        wait, slot = self.reserve_slot(max_wait=max_wait)
        with self._lock:
            slot.state = _DONE
        return wait

    def reserve_slot(self, *, max_wait: float | None = None) -> tuple[float, Slot]:
        """Grant the next place: the seconds to wait before starting (0: start now), and the place.

        The wait is an estimate when requests ahead are still running: once it is over, ask
        :meth:`wait` again. With ``max_wait``, a wait longer than that grants nothing and
        raises :class:`RateLimitWaitTooLong`, so that a caller with a deadline gives up without
        taking a place from anybody.
        """
        with self._lock:
            now = self._clock()
            # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): _prune's loop, here.
            slots = self._slots
            horizon = now - self._span
            while slots and slots[0].state == _DONE and slots[0].at <= horizon:
                slots.popleft()
            if len(slots) < self.max_requests and self._paused_until <= now:
                # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): the usual case,
                # fewer places held than the limit and no pause, decided here; the rule below
                # (_earliest_start) would allow the start now too.
                slot = Slot(now, _RUNNING)
                slots.append(slot)
                return 0.0, slot
            start, paused = self._earliest_start(len(slots), now)
            wait = start - now
            if wait <= 0:
                slot = Slot(now, _RUNNING)
                wait = 0.0
            elif max_wait is not None and wait > max_wait:
                raise RateLimitWaitTooLong(wait, paused=paused)
            else:
                slot = Slot(start, _WAITING)
            slots.append(slot)
            return wait, slot

    def wait(self, slot: Slot, *, max_wait: float | None = None) -> float:
        """Seconds ``slot`` must still wait, from what is known now; 0 means: start now.

        With ``max_wait``, a wait longer than that withdraws the place and raises
        :class:`RateLimitWaitTooLong`.
        """
        with self._lock:
            if slot.state != _WAITING:
                return 0.0
            now = self._clock()
            self._prune(now)
            start, paused = self._earliest_start(self._slots.index(slot), now)
            wait = start - now
            if wait <= 0:
                slot.at, slot.state = now, _RUNNING
                return 0.0
            if max_wait is not None and wait > max_wait:
                self._withdraw(slot)
                raise RateLimitWaitTooLong(wait, paused=paused)
            slot.at = start
            return wait

    def finished(self, slot: Slot) -> None:
        """The request that used ``slot`` has ended (answered, or failed): it counts till now.

        A place whose request never started (its caller gave up while waiting) is withdrawn.
        Calling it again does nothing.
        """
        with self._lock:
            if slot.state == _RUNNING:
                slot.at, slot.state = max(slot.at, self._clock()), _DONE
            elif slot.state == _WAITING:
                self._withdraw(slot)

    def pause_for(self, seconds: float) -> None:
        """Start nothing for ``seconds`` (the server answered 429 with ``Retry-After``).

        Anything but a positive, finite number of seconds is ignored.
        """
        if not 0 < seconds < math.inf:
            return
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    # -- under the lock ---------------------------------------------------------------------

    def _earliest_start(self, index: int, now: float) -> tuple[float, bool]:
        """The earliest start the rule allows the place at ``index``; whether a pause decides."""
        paused = self._paused_until > now
        start = max(now, self._paused_until)
        behind = index - self.max_requests
        if behind < 0:
            return start, paused
        # Every place max_requests or more places back must have ended a period ago. A place
        # not DONE ends no sooner than now, nor before its (estimated) start.
        latest = -math.inf
        for position, slot in enumerate(self._slots):
            if position > behind:
                break
            end = slot.at if slot.state == _DONE else max(slot.at, now)
            latest = max(latest, end)
        window_start = latest + self.period + self.margin
        if window_start > start:
            return window_start, False
        return start, paused

    def _prune(self, now: float) -> None:
        # A place that ended a period (and the margin) ago constrains no start from now on;
        # distances between the places that remain do not change.
        horizon = now - self._span
        slots = self._slots
        while slots and slots[0].state == _DONE and slots[0].at <= horizon:
            slots.popleft()

    def _withdraw(self, slot: Slot) -> None:
        # Never sent: the places behind it move up one, which only relaxes their waits.
        self._slots.remove(slot)
        slot.state = _WITHDRAWN
