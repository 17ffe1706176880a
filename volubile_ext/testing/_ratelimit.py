"""The API's rate limit: a fixed window of ``limit`` requests per ``seconds``, per account."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

import attrs

__all__ = ["FixedWindowLimiter", "RateDecision"]


@attrs.frozen
class RateDecision:
    """The limiter's answer for one request, and what the response headers must say."""

    allowed: bool
    limit: int
    remaining: int
    #: Whole seconds until the window ends (at least 1); only meaningful when not allowed.
    retry_after: int = 0

    def headers(self) -> dict[str, str]:
        """``X-RateLimit-*`` headers (every response), plus ``Retry-After`` on a refusal."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class FixedWindowLimiter:
    """Counts requests in fixed windows; thread-safe.

    A window opens with the first request counted after the previous one closed, and lasts
    ``seconds``. Anchoring it on traffic rather than on multiples of ``seconds`` since the epoch
    means a test that starts sending has the whole window before it, instead of a boundary
    falling at a random point of its run.
    """

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float]) -> None:
        if limit < 1:
            raise ValueError(f"the rate limit must allow at least 1 request, got {limit}")
        if not seconds > 0:
            raise ValueError(f"the rate-limit window must be positive, got {seconds!r} seconds")
        self.limit = limit
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._window_start: float | None = None
        self._count = 0

    def acquire(self) -> RateDecision:
        """Count one request if the window has room; a refused request is not counted."""
        with self._lock:
            now = self._clock()
            if self._window_start is None or now >= self._window_start + self.seconds:
                self._window_start, self._count = now, 0
            if self._count >= self.limit:
                wait = self._window_start + self.seconds - now
                # Retry-After is whole seconds; rounding down would invite a retry that is
                # refused again, and 0 would invite a busy loop.
                return RateDecision(False, self.limit, 0, max(1, math.ceil(wait)))
            self._count += 1
            return RateDecision(True, self.limit, self.limit - self._count)

    def peek(self) -> RateDecision:
        """The current state, counting nothing (for responses to requests that are not counted)."""
        with self._lock:
            now = self._clock()
            if self._window_start is None or now >= self._window_start + self.seconds:
                return RateDecision(True, self.limit, self.limit)
            return RateDecision(True, self.limit, self.limit - self._count)

    def reset(self) -> None:
        """Forget the current window: the next request opens a fresh one."""
        with self._lock:
            self._window_start, self._count = None, 0
