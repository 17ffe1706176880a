"""Client-side rate limiting: never start more requests than the API allows.

The API allows 100 requests per 15 seconds per account, counted in fixed windows. A client that
starts at most N requests in *any* sliding window of T seconds can never exceed N in one of the
server's fixed windows either, whatever their alignment, so the limiter keeps a sliding window.

The limiter hands out start times instead of blocking: :meth:`SlidingWindowLimiter.reserve`
returns how long the caller must wait before starting its request, and records the start. One
object therefore serves threads and asyncio tasks alike (the lock is held only for the arithmetic,
never during a wait), and callers are served in the order they asked.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import attrs

__all__ = ["RateLimitInfo", "RateLimitWaitTooLong", "SlidingWindowLimiter"]


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


class SlidingWindowLimiter:
    """At most ``max_requests`` starts in any window of ``period`` seconds.

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
        # Start times granted, oldest first; some may lie in the future (reserved, not yet due).
        self._starts: deque[float] = deque()
        self._paused_until = 0.0

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter(max_requests={self.max_requests}, period={self.period})"

    def reserve(self, *, max_wait: float | None = None) -> float:
        """Reserve the next start slot and return how many seconds to wait before using it.

        With ``max_wait``, a slot further away than that is not reserved and
        :class:`RateLimitWaitTooLong` is raised instead, so a caller with a deadline gives up
        without taking a slot from anybody.
        """
        with self._lock:
            now = self._clock()
            horizon = now - self.period
            while self._starts and self._starts[0] <= horizon:
                self._starts.popleft()
            start = max(now, self._paused_until)
            if len(self._starts) >= self.max_requests:
                # The slot frees when the start max_requests places back leaves the window.
                start = max(start, self._starts[-self.max_requests] + self.period)
            wait = start - now
            if max_wait is not None and wait > max_wait:
                raise RateLimitWaitTooLong(wait)
            self._starts.append(start)
            return wait

    def pause_for(self, seconds: float) -> None:
        """Start nothing for ``seconds`` (the server answered 429 with ``Retry-After``)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def started_in_last_window(self) -> int:
        """How many starts fall in the window ending now (for diagnostics and tests)."""
        with self._lock:
            now = self._clock()
            return sum(1 for start in self._starts if now - self.period < start <= now)
