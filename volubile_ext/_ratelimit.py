"""Client-side rate limiting: never start more requests than the API allows.

The API allows 100 requests per 15 seconds per account, counted in fixed windows. A client that
starts at most N requests in *any* sliding window of T seconds can never exceed N in one of the
server's fixed windows either, whatever their alignment, so the limiter keeps a sliding window.

The server counts a request when it arrives, which is some time after the client started it.
Start times alone are therefore not enough: if the first request of a window took longer to
arrive than the (N+1)-th (a new connection against a reused one, say), both may land in the same
server window and the server answers 429. So a request holds its place in the window until it
*ends* (:meth:`SlidingWindowLimiter.finished`): the (N+1)-th request starts at least T seconds
after every request N places before it has ended, hence arrives at least T seconds after they
arrived, whatever the latencies. Waits grow by one round trip per window at most.

The limiter hands out start times instead of blocking: :meth:`SlidingWindowLimiter.reserve`
returns how long the caller must wait before starting its request, and records the start. One
object therefore serves threads and asyncio tasks alike (the lock is held only for the arithmetic,
never during a wait), and callers are served in the order they asked.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable

import attrs

__all__ = ["RateLimitInfo", "RateLimitWaitTooLong", "SlidingWindowLimiter", "Slot"]


@attrs.frozen
class RateLimitInfo:
    """The rate-limit figures the server last reported (``X-RateLimit-*`` headers).

    ``limit`` and ``remaining`` are ``None`` until a response carried them.
    """

    limit: int | None = None
    remaining: int | None = None


class RateLimitWaitTooLong(Exception):
    """Internal: the wait for a start slot would exceed the caller's deadline. Nothing reserved."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"the rate limiter would wait {wait:.2f} s")
        self.wait = wait


class Slot:
    """A place in the window: when its request started, then when it ended (see ``finished``)."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at

    def __repr__(self) -> str:
        return f"Slot(at={self.at!r})"


class SlidingWindowLimiter:
    """At most ``max_requests`` starts in any window of ``period`` seconds.

    Stronger still when callers report the end of their requests (:meth:`reserve_slot`, then
    :meth:`finished`): a start comes at least ``period`` seconds after the end of every request
    ``max_requests`` places before it, so that arrivals at the server keep the bound too.

    Thread-safe; shared by every thread or task of one client. ``clock`` is a monotonic clock in
    seconds (injectable for tests).
    """

    def __init__(
        self,
        max_requests: int,
        period: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(max_requests, bool) or not isinstance(max_requests, int) or max_requests < 1:
            raise ValueError(
                f"rate_limit needs a whole number of requests >= 1, not {max_requests!r}"
            )
        if not period > 0:
            raise ValueError(f"rate_limit needs a period in seconds > 0, not {period!r}")
        self.max_requests = max_requests
        self.period = float(period)
        self._clock = clock
        self._lock = threading.Lock()
        # Slots granted, in the order they were granted: each holds its start (which may lie in
        # the future: reserved, not yet due), then the end of its request once finished.
        self._starts: deque[Slot] = deque()
        self._paused_until = 0.0

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter(max_requests={self.max_requests}, period={self.period})"

    def reserve(self, *, max_wait: float | None = None) -> float:
        """Reserve the next start slot and return how many seconds to wait before using it.

        With ``max_wait``, a slot further away than that is not reserved and
        :class:`RateLimitWaitTooLong` is raised instead, so a caller with a deadline gives up
        without taking a slot from anybody. The slot is held as if its request ended at once;
        :meth:`reserve_slot` and :meth:`finished` hold it until the request really ends.
        """
        return self.reserve_slot(max_wait=max_wait)[0]

    def reserve_slot(self, *, max_wait: float | None = None) -> tuple[float, Slot]:
        """:meth:`reserve`, also returning the slot to hand to :meth:`finished` afterwards."""
        with self._lock:
            now = self._clock()
            horizon = now - self.period
            starts = self._starts
            while starts and starts[0].at <= horizon:
                starts.popleft()
            start = max(now, self._paused_until)
            behind = len(starts) - self.max_requests
            if behind >= 0:
                # The slot frees a period after every request max_requests places back (or
                # more) has ended; the slots left of those are in the deque only until pruned.
                latest = max(slot.at for slot in itertools.islice(starts, 0, behind + 1))
                start = max(start, latest + self.period)
            wait = start - now
            if max_wait is not None and wait > max_wait:
                raise RateLimitWaitTooLong(wait)
            slot = Slot(start)
            starts.append(slot)
            return wait, slot

    def finished(self, slot: Slot) -> None:
        """The request that used ``slot`` has ended (answered, or failed): it counts till now."""
        with self._lock:
            now = self._clock()
            slot.at = max(slot.at, now)

    def pause_for(self, seconds: float) -> None:
        """Start nothing for ``seconds`` (the server answered 429 with ``Retry-After``)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def started_in_last_window(self) -> int:
        """How many slots fall in the window ending now (for diagnostics and tests)."""
        with self._lock:
            now = self._clock()
            return sum(1 for slot in self._starts if now - self.period < slot.at <= now)
