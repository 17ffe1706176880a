"""What a client needs of a rate limiter, so that the one in this process and a shared one fit.

A client asks its limiter for a *place* before each request leaves, sleeps the wait it is given
and asks again until the wait is 0, sends, and reports the end of the request (answered, failed
or never sent) so that the place counts until then. A 429's ``Retry-After`` pauses every
participant. :class:`~volubile_ext._ratelimit.SlidingWindowLimiter` (the default, one process)
and :class:`~volubile_ext._redis_limiter.RedisRateLimiter` (every process that names the same
Redis key) both keep this protocol.

A limiter whose places cost I/O (a Redis round trip) also offers the ``*_async`` twins, which
:class:`AsyncVolubile` awaits; for a limiter without them (the in-process one, whose calls never
block) it calls the plain methods.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["AsyncRateLimiter", "RateLimiter"]


@runtime_checkable
class RateLimiter(Protocol):
    """Places handed out as waits (seconds), held until the request ends.

    ``max_wait`` bounds a wait: a longer one grants (or keeps) nothing and raises
    :class:`~volubile_ext._ratelimit.RateLimitWaitTooLong`. The place objects are the limiter's
    own; the client only hands them back.
    """

    max_requests: int
    period: float

    def reserve_slot(self, *, max_wait: float | None = None) -> tuple[float, Any]: ...

    def wait(self, slot: Any, *, max_wait: float | None = None) -> float: ...

    def finished(self, slot: Any) -> None: ...

    def pause_for(self, seconds: float) -> None: ...


@runtime_checkable
class AsyncRateLimiter(RateLimiter, Protocol):
    """A :class:`RateLimiter` whose places cost I/O, with awaitable twins for event loops."""

    async def reserve_slot_async(self, *, max_wait: float | None = None) -> tuple[float, Any]: ...

    async def wait_async(self, slot: Any, *, max_wait: float | None = None) -> float: ...

    async def finished_async(self, slot: Any) -> None: ...
