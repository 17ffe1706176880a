"""One rate limit for every process and machine of an account, kept in Redis.

:class:`RedisRateLimiter` keeps the rule of :mod:`volubile_ext._ratelimit` (a request starts at
least ``period`` seconds after every request ``max_requests`` places before it has *ended*), so
no window of the server, fixed or sliding, anchored anywhere, sees more than ``max_requests``
arrivals, whatever process sent them. The places live in Redis and every decision is one Lua
script, run atomically by the server against the server's own clock: no read-modify-write from
Python, no clock skew between machines.

A place is held until its request ends, as in one process. A participant renews a *lease* while
it holds places (a background thread, every quarter of the lease); when a participant dies (a
crash, SIGKILL, a lost machine), the next script run by anybody finds its lease over: its waiting
places are withdrawn and its running ones count as ended when the lease ran out. So a dead holder
blocks the others for at most one lease (``period / 4`` by default, at least 0.5 s, at most 5 s)
more than a live one would.

Faults:

- Redis unreachable when the limiter is made: :class:`RedisUnavailableError`, nothing sent.
- Redis lost during a run (connection refused or dropped, no answer within ``timeout``, a
  read-only replica after a fail-over): by default this limiter logs one WARNING and goes on with
  a local :class:`SlidingWindowLimiter` allowing its share of the budget, ``max_requests`` divided
  by the most participants Redis ever reported at once (at least 1 request), after a pause of one
  window (the shared window may be full already). It stays local for the rest of its life: going
  back to Redis while others may still be local could overrun the account. With
  ``fail_closed=True`` every request that needs a place raises :class:`RedisUnavailableError`
  instead (nothing sent), and the next one tries Redis again. Never an unbounded burst.
- Redis answers with an error (a key of another type, a missing permission): that error, as a
  :class:`RedisUnavailableError` naming it; no fallback, since Redis is there but misconfigured.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from ._ratelimit import RateLimitWaitTooLong, SlidingWindowLimiter, Slot
from ._redis import (
    DEFAULT_REDIS_TIMEOUT,
    RedisUnavailableError,
    async_client,
    check_url,
    describe,
    hash_tagged,
    import_redis,
    lost_errors,
    masked_url,
    sync_client,
)

if TYPE_CHECKING:
    import asyncio

    import redis
    import redis.asyncio
    import redis.commands.core

__all__ = ["RedisRateLimiter"]

logger = logging.getLogger("volubile")

_CLOCK_RESOLUTION = time.get_clock_info("monotonic").resolution

# KEYS: 1 places in grant order (zset id -> sequence), 2 each place (hash id -> "S|at|owner",
# S = W waiting, R running, D done), 3 participants' leases (hash owner -> lease end), 4 meta
# (hash: seq, paused_until, limit, period), 5 participants seen (zset owner -> last seen).
# ARGV: 1 op, 2 owner, 3 max_requests, 4 period, 5 margin, 6 lease, 7 place id, 8 number
# (max_wait, or the pause in seconds; "" for none).
# Returns {status, wait, paused (0/1), participants}; times are strings (Redis would truncate a
# Lua number to an integer).
_SCRIPT = r"""
local slots_key, slot_key, owners_key, meta_key, members_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local op, owner = ARGV[1], ARGV[2]
local max_requests = tonumber(ARGV[3])
local period = tonumber(ARGV[4])
local margin = tonumber(ARGV[5])
local lease = tonumber(ARGV[6])
local id = ARGV[7]
local number = tonumber(ARGV[8])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function fmt(x) return string.format('%.6f', x) end

local function keep_alive(paused_until)
  local ttl = math.ceil((2 * (period + margin + lease) + math.max(0, paused_until - now)) * 1000)
  ttl = ttl + 60000
  for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ttl) end
end

if op == 'hello' then
  redis.call('HSETNX', meta_key, 'limit', ARGV[3])
  redis.call('HSETNX', meta_key, 'period', ARGV[4])
  local stored = redis.call('HMGET', meta_key, 'limit', 'period')
  keep_alive(0)
  if tonumber(stored[1]) ~= max_requests or tonumber(stored[2]) ~= period then
    return {'mismatch', stored[1], stored[2], 0}
  end
  return {'ok', '0', 0, 0}
end

-- This participant is alive; count who else was seen lately (for a fallback's share).
redis.call('HSET', owners_key, owner, fmt(now + lease))
redis.call('ZADD', members_key, fmt(now), owner)
redis.call('ZREMRANGEBYSCORE', members_key, '-inf', '(' .. fmt(now - 10 * period - lease))
local participants = redis.call('ZCARD', members_key)
local paused_until = tonumber(redis.call('HGET', meta_key, 'paused_until') or '0')

if op == 'heartbeat' then
  keep_alive(paused_until)
  return {'ok', '0', 0, participants}
end

if op == 'pause' then
  if number and number > 0 then
    paused_until = math.max(paused_until, now + number)
    redis.call('HSET', meta_key, 'paused_until', fmt(paused_until))
  end
  keep_alive(paused_until)
  return {'ok', '0', 0, participants}
end

-- The places, in grant order.
local ids = redis.call('ZRANGE', slots_key, 0, -1)
local places = {}
local batch = 500
for first = 1, #ids, batch do
  local last = math.min(first + batch - 1, #ids)
  local raw = redis.call('HMGET', slot_key, unpack(ids, first, last))
  for i = first, last do
    local value = raw[i - first + 1]
    if value then
      local state, at, who = string.match(value, '^(%a)|([^|]+)|(.*)$')
      places[#places + 1] = {id = ids[i], state = state, at = tonumber(at), owner = who}
    else
      redis.call('ZREM', slots_key, ids[i])
    end
  end
end

local function save(p)
  redis.call('HSET', slot_key, p.id, p.state .. '|' .. fmt(p.at) .. '|' .. p.owner)
end
local function drop(p)
  redis.call('ZREM', slots_key, p.id)
  redis.call('HDEL', slot_key, p.id)
end

-- Participants whose lease ran out are gone: their waiting places are withdrawn, their running
-- ones ended (at the latest) when the lease did.
local leases = {}
local function lease_of(who)
  local l = leases[who]
  if l == nil then
    l = tonumber(redis.call('HGET', owners_key, who) or '-1')
    leases[who] = l
  end
  return l
end
local kept = {}
for _, p in ipairs(places) do
  local keep = true
  if p.state ~= 'D' then
    local l = lease_of(p.owner)
    if l < now then
      if p.state == 'W' then
        drop(p)
        keep = false
      else
        p.state, p.at = 'D', math.max(p.at, l)
        save(p)
      end
    end
  end
  if keep then kept[#kept + 1] = p end
end

-- A place that ended a period (and the margin) ago constrains no start any more.
local horizon = now - period - margin
local live = {}
local pruning = true
for _, p in ipairs(kept) do
  if pruning and p.state == 'D' and p.at <= horizon then
    drop(p)
  else
    pruning = false
    live[#live + 1] = p
  end
end
for who, l in pairs(leases) do
  if l >= 0 and l < horizon - lease then redis.call('HDEL', owners_key, who) end
end

-- The earliest start the rule allows the place at 0-based position index.
local function earliest(index)
  local paused = paused_until > now
  local start = math.max(now, paused_until)
  local behind = index - max_requests
  if behind < 0 then return start, paused end
  local latest = -math.huge
  for pos = 1, behind + 1 do
    local p = live[pos]
    local e = p.at
    if p.state ~= 'D' then e = math.max(p.at, now) end
    if e > latest then latest = e end
  end
  local window_start = latest + period + margin
  if window_start > start then return window_start, false end
  return start, paused
end

local function find(slot_id)
  for i, p in ipairs(live) do
    if p.id == slot_id then return i, p end
  end
  return nil, nil
end

local status, wait, was_paused = 'ok', 0, false
if op == 'reserve' then
  local start, paused = earliest(#live)
  wait = start - now
  if wait <= 0 then
    wait = 0
    local seq = redis.call('HINCRBY', meta_key, 'seq', 1)
    redis.call('ZADD', slots_key, seq, id)
    save({id = id, state = 'R', at = now, owner = owner})
  elseif number and wait > number then
    status, was_paused = 'too_long', paused
  else
    local seq = redis.call('HINCRBY', meta_key, 'seq', 1)
    redis.call('ZADD', slots_key, seq, id)
    save({id = id, state = 'W', at = start, owner = owner})
  end
elseif op == 'wait' then
  local index, p = find(id)
  if p == nil then
    status = 'lost'
  elseif p.state == 'W' then
    local start, paused = earliest(index - 1)
    wait = start - now
    if wait <= 0 then
      wait = 0
      p.state, p.at = 'R', now
      save(p)
    elseif number and wait > number then
      drop(p)
      status, was_paused = 'too_long', paused
    else
      p.at = start
      save(p)
    end
  end
elseif op == 'finished' then
  local index, p = find(id)
  if p ~= nil and p.state == 'R' then
    p.state, p.at = 'D', math.max(p.at, now)
    save(p)
  elseif p ~= nil and p.state == 'W' then
    drop(p)
  end
else
  return redis.error_reply('unknown operation ' .. tostring(op))
end
keep_alive(paused_until)
return {status, fmt(wait), was_paused and 1 or 0, participants}
"""


# The asyncio client of one event loop, and the script registered on it.
_AsyncScript = tuple[
    "asyncio.AbstractEventLoop", "redis.commands.core.AsyncScript", "redis.asyncio.Redis"
]


class _Place:
    """One request's place: in Redis (``id``), or in the local fallback limiter (``local``)."""

    __slots__ = ("done", "id", "local")

    def __init__(self, place_id: str | None, local: Slot | None = None) -> None:
        self.id = place_id
        self.local = local
        self.done = False

    def __repr__(self) -> str:
        where = f"local {self.local!r}" if self.local is not None else f"redis {self.id}"
        return f"_Place({where}{', done' if self.done else ''})"


class RedisRateLimiter:
    """The account's rate limit shared through Redis by every client that names the same ``key``.

    Pass it to ``Volubile(..., rate_limiter=...)`` or ``AsyncVolubile(..., rate_limiter=...)``
    in every process, on every machine, that uses the account::

        limiter = RedisRateLimiter("redis://cache.internal:6379/0", key="acct-42")
        client = Volubile(api_key, rate_limiter=limiter)

    ``rate_limit`` is the account's ``(requests, seconds)``: every participant on one key must
    give the same (a different one is refused when the limiter is made). Places are held until
    the request ends, a 429's ``Retry-After`` pauses every participant, and a participant that
    dies while holding places blocks nobody for more than ``lease`` seconds. One limiter may
    serve several clients of a process, sync and async alike (the async ones use redis-py's
    asyncio client).

    Making it checks that Redis answers (:class:`RedisUnavailableError` if not: nothing is sent
    anywhere). If Redis is lost later, it falls back to a local limit at its share of the budget
    and logs a warning once, or, with ``fail_closed=True``, refuses to send (see the module's
    notes). ``timeout`` bounds the connection and each answer from Redis. ``margin`` is added to
    each wait the window imposes (as in the local limiter).
    """

    def __init__(
        self,
        url: str,
        *,
        key: str,
        rate_limit: tuple[int, float] = (100, 15.0),
        fail_closed: bool = False,
        lease: float | None = None,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
        margin: float | None = None,
    ) -> None:
        self._url = check_url(url)
        prefix = hash_tagged("ratelimit", key, "RedisRateLimiter")
        # The same checks, and the same default margin, as the in-process limiter.
        template = SlidingWindowLimiter(*rate_limit, margin=margin)
        self.max_requests = template.max_requests
        self.period = template.period
        self.margin = template.margin
        if lease is None:
            lease = min(max(self.period / 4, 0.5), 5.0)
        elif not 0 < lease < math.inf:
            raise ValueError(f"lease must be a number of seconds > 0, not {lease!r}")
        if not 0 < timeout < math.inf:
            raise ValueError(f"timeout must be a number of seconds > 0, not {timeout!r}")
        self.key = key
        self.lease = float(lease)
        self.fail_closed = fail_closed
        self._timeout = float(timeout)
        self._keys = [f"{prefix}:{part}" for part in ("slots", "slot", "owners", "meta", "seen")]
        self._owner = uuid.uuid4().hex
        self._lost = lost_errors()
        self._redis_errors: type[BaseException] = import_redis().exceptions.RedisError
        self._lock = threading.Lock()
        self._local: SlidingWindowLimiter | None = None
        self._warned = False
        self._participants_seen = 1
        # Places handed out and not finished; the lease is renewed while there is one.
        self._outstanding = 0
        self._wake = threading.Condition(self._lock)
        self._closed = threading.Event()
        self._heartbeat: threading.Thread | None = None
        self._async: _AsyncScript | None = None
        self._redis = sync_client(self._url, self._timeout)
        self._script = self._redis.register_script(_SCRIPT)
        try:
            self._hello()
        except BaseException:
            self._redis.close()
            raise

    def __repr__(self) -> str:
        return (
            f"RedisRateLimiter({masked_url(self._url)!r}, key={self.key!r}, "
            f"rate_limit=({self.max_requests}, {self.period}))"
        )

    @property
    def fell_back(self) -> bool:
        """Whether Redis was lost and this limiter now keeps a local share of the limit."""
        return self._local is not None

    async def aclose(self) -> None:
        """:meth:`close`, also closing the asyncio connections of the running event loop."""
        current, self._async = self._async, None
        if current is not None and current[0] is _running_loop():
            await current[2].aclose()
        self.close()

    def close(self) -> None:
        """Stop renewing the lease and close the connections (places still held then expire).

        An async program awaits :meth:`aclose` instead, which closes the asyncio ones too.
        """
        with self._lock:
            self._closed.set()
            self._wake.notify_all()
            heartbeat = self._heartbeat
        if heartbeat is not None and heartbeat is not threading.current_thread():
            heartbeat.join(self._timeout + 1)  # not mid-call on the connection closed next
        self._redis.close()

    # -- the protocol, sync -------------------------------------------------------------------

    def reserve_slot(self, *, max_wait: float | None = None) -> tuple[float, _Place]:
        """Grant the next place: the seconds to wait (0: start now), and the place to hand back."""
        local = self._local
        if local is not None:
            return self._local_reserve(local, max_wait)
        place_id = uuid.uuid4().hex
        try:
            reply = self._script(keys=self._keys, args=self._args("reserve", place_id, max_wait))
        except self._lost as error:
            return self._local_reserve(self._fall_back(error), max_wait)
        except self._redis_errors as error:
            raise self._refused(error) from None
        return self._reserved(reply, place_id)

    def wait(self, slot: _Place, *, max_wait: float | None = None) -> float:
        """Seconds ``slot`` must still wait (0: start now); a longer wait than ``max_wait``
        withdraws it and raises ``RateLimitWaitTooLong``."""
        if slot.local is not None or self._local is not None:
            return self._local_wait(slot, max_wait)
        try:
            reply = self._script(keys=self._keys, args=self._args("wait", slot.id, max_wait))
        except self._lost as error:
            self._fall_back(error)
            return self._local_wait(slot, max_wait)
        except self._redis_errors as error:
            self._release(slot)
            raise self._refused(error) from None
        if reply[0] == b"lost":
            # Withdrawn while this process looked dead (its lease lapsed): take a new place.
            self._release(slot)
            wait, again = self.reserve_slot(max_wait=max_wait)
            slot.id, slot.local, slot.done = again.id, again.local, False
            return wait
        return self._waited(reply, slot)

    def _finished_here(self, slot: _Place) -> bool:
        """Release ``slot`` on this side; True when Redis need not hear of it (already done,
        a place of the local fallback, or no longer talking to Redis)."""
        if slot.done:
            return True
        self._release(slot)
        if slot.local is not None:
            assert self._local is not None
            self._local.finished(slot.local)
            return True
        return self._local is not None

    def finished(self, slot: _Place) -> None:
        """The request that used ``slot`` has ended (or was never sent). Never raises: a place
        Redis cannot hear about ends with the lease."""
        if self._finished_here(slot):
            return
        try:
            self._script(keys=self._keys, args=self._args("finished", slot.id, None))
        except self._lost as error:
            self._lose(error, raising=False)
        except self._redis_errors as error:
            logger.warning("the shared rate limiter could not release a place: %s", describe(error))

    def pause_for(self, seconds: float) -> None:
        """Every participant starts nothing for ``seconds`` (a 429's ``Retry-After``).

        Published at once, also from async code (the client calls it there too): a 429 is rare,
        the round trip is bounded by ``timeout``, and a pause left to a task could be lost
        when the program stops right after. Anything but a positive, finite number is ignored.
        """
        if not 0 < seconds < math.inf:
            return
        local = self._local
        if local is not None:
            local.pause_for(seconds)
            return
        try:
            self._script(keys=self._keys, args=self._args("pause", None, seconds))
        except self._lost as error:
            fallback = self._lose(error, raising=False)
            if fallback is not None:
                fallback.pause_for(seconds)
        except self._redis_errors as error:
            logger.warning("the shared rate limiter could not publish a pause: %s", describe(error))

    # -- the protocol, async ------------------------------------------------------------------

    async def reserve_slot_async(self, *, max_wait: float | None = None) -> tuple[float, _Place]:
        """:meth:`reserve_slot`, through redis-py's asyncio client."""
        local = self._local
        if local is not None:
            return self._local_reserve(local, max_wait)
        place_id = uuid.uuid4().hex
        try:
            reply = await self._async_script()(
                keys=self._keys, args=self._args("reserve", place_id, max_wait)
            )
        except self._lost as error:
            return self._local_reserve(self._fall_back(error), max_wait)
        except self._redis_errors as error:
            raise self._refused(error) from None
        return self._reserved(reply, place_id)

    async def wait_async(self, slot: _Place, *, max_wait: float | None = None) -> float:
        """:meth:`wait`, through redis-py's asyncio client."""
        if slot.local is not None or self._local is not None:
            return self._local_wait(slot, max_wait)
        try:
            reply = await self._async_script()(
                keys=self._keys, args=self._args("wait", slot.id, max_wait)
            )
        except self._lost as error:
            self._fall_back(error)
            return self._local_wait(slot, max_wait)
        except self._redis_errors as error:
            self._release(slot)
            raise self._refused(error) from None
        if reply[0] == b"lost":
            self._release(slot)
            wait, again = await self.reserve_slot_async(max_wait=max_wait)
            slot.id, slot.local, slot.done = again.id, again.local, False
            return wait
        return self._waited(reply, slot)

    async def finished_async(self, slot: _Place) -> None:
        """:meth:`finished`, through redis-py's asyncio client."""
        if self._finished_here(slot):
            return
        try:
            await self._async_script()(keys=self._keys, args=self._args("finished", slot.id, None))
        except self._lost as error:
            self._lose(error, raising=False)
        except self._redis_errors as error:
            logger.warning("the shared rate limiter could not release a place: %s", describe(error))

    async def pause_for_async(self, seconds: float) -> None:
        """:meth:`pause_for`, awaited."""
        if not 0 < seconds < math.inf:
            return
        local = self._local
        if local is not None:
            local.pause_for(seconds)
            return
        try:
            await self._async_script()(keys=self._keys, args=self._args("pause", None, seconds))
        except self._lost as error:
            fallback = self._lose(error, raising=False)
            if fallback is not None:
                fallback.pause_for(seconds)
        except self._redis_errors as error:
            logger.warning("the shared rate limiter could not publish a pause: %s", describe(error))

    # -- shared by the twins --------------------------------------------------------------------

    def _args(self, op: str, place_id: str | None, number: float | None) -> list[str]:
        return [
            op,
            self._owner,
            str(self.max_requests),
            repr(self.period),
            repr(self.margin),
            repr(self.lease),
            place_id or "",
            "" if number is None else repr(max(number, 0.0)),
        ]

    def _hello(self) -> None:
        where = masked_url(self._url)
        try:
            reply = self._script(keys=self._keys, args=self._args("hello", None, None))
        except self._redis_errors as error:
            raise RedisUnavailableError(
                f"the shared rate limiter cannot use Redis at {where}: {describe(error)}. Start "
                "Redis (or fix the URL), or leave rate_limiter= out to limit this process alone"
            ) from None
        if reply[0] == b"mismatch":
            stored = f"({reply[1].decode()}, {float(reply[2].decode()):g})"
            raise ValueError(
                f"the rate-limit key {self.key!r} at {where} is in use with rate_limit={stored}, "
                f"not ({self.max_requests}, {self.period:g}): every participant of one account "
                "must give the same limit"
            )

    def _reserved(self, reply: list[Any], place_id: str) -> tuple[float, _Place]:
        status, wait = reply[0], float(reply[1])
        self._seen(reply)
        if status == b"too_long":
            raise RateLimitWaitTooLong(wait, paused=bool(int(reply[2])))
        with self._lock:
            self._outstanding += 1
            self._start_heartbeat()
        return wait, _Place(place_id)

    def _waited(self, reply: list[Any], slot: _Place) -> float:
        self._seen(reply)
        if reply[0] == b"too_long":
            self._release(slot)
            raise RateLimitWaitTooLong(float(reply[1]), paused=bool(int(reply[2])))
        return float(reply[1])

    def _seen(self, reply: list[Any]) -> None:
        participants = int(reply[3])
        self._participants_seen = max(self._participants_seen, participants)

    def _release(self, slot: _Place) -> None:
        with self._lock:
            if not slot.done:
                slot.done = True
                self._outstanding -= 1

    def _local_reserve(
        self, local: SlidingWindowLimiter, max_wait: float | None
    ) -> tuple[float, _Place]:
        wait, slot = local.reserve_slot(max_wait=max_wait)
        with self._lock:
            self._outstanding += 1
        return wait, _Place(None, slot)

    def _local_wait(self, slot: _Place, max_wait: float | None) -> float:
        local = self._local
        assert local is not None
        try:
            if slot.local is None:
                # Granted by Redis before it was lost: take a place in the local window instead.
                wait, slot.local = local.reserve_slot(max_wait=max_wait)
                return wait
            return local.wait(slot.local, max_wait=max_wait)
        except RateLimitWaitTooLong:
            self._release(slot)
            raise

    def _fall_back(self, error: BaseException) -> SlidingWindowLimiter:
        """Redis is gone and a place is needed: the local share, or (fail_closed) raise."""
        local = self._lose(error)
        assert local is not None
        return local

    def _lose(self, error: BaseException, *, raising: bool = True) -> SlidingWindowLimiter | None:
        """Redis is gone: fail closed (raise, or None), or switch to the local share (once)."""
        where = masked_url(self._url)
        if self.fail_closed:
            if not self._warned:
                self._warned = True
                logger.warning(
                    "the shared rate limiter lost Redis at %s (%s): requests are refused until "
                    "it is back (fail_closed=True)",
                    where,
                    describe(error),
                )
            if raising:
                raise RedisUnavailableError(
                    f"the shared rate limiter lost Redis at {where} ({describe(error)}); with "
                    "fail_closed=True the request was not sent. Retry once Redis is back"
                ) from None
            return None
        with self._lock:
            if self._local is None:
                share = max(1, self.max_requests // self._participants_seen)
                local = SlidingWindowLimiter(share, self.period, margin=self.margin)
                # The shared window may be full already: start the local one a window later.
                local.pause_for(self.period + self.margin)
                self._local = local
                logger.warning(
                    "the shared rate limiter lost Redis at %s (%s): this process now limits "
                    "itself to %d requests per %g s (1/%d of the account's %d, for the %d "
                    "participants seen), starting one window from now, until it is restarted",
                    where,
                    describe(error),
                    share,
                    self.period,
                    self._participants_seen,
                    self.max_requests,
                    self._participants_seen,
                )
            return self._local

    def _refused(self, error: BaseException) -> RedisUnavailableError:
        return RedisUnavailableError(
            f"Redis at {masked_url(self._url)} refused the shared rate limiter's script "
            f"({describe(error)}); the request was not sent"
        )

    def _async_script(self) -> redis.commands.core.AsyncScript:
        import asyncio

        loop = asyncio.get_running_loop()
        current = self._async
        if current is None or current[0] is not loop:
            # redis-py's asyncio connections belong to one event loop.
            client = async_client(self._url, self._timeout)
            current = (loop, client.register_script(_SCRIPT), client)
            self._async = current
        return current[1]

    # -- the lease ----------------------------------------------------------------------------

    def _start_heartbeat(self) -> None:
        # Under self._lock.
        self._wake.notify_all()
        if self._heartbeat is None or not self._heartbeat.is_alive():
            self._heartbeat = threading.Thread(
                target=self._renew_lease, name="volubile-redis-lease", daemon=True
            )
            self._heartbeat.start()

    def _renew_lease(self) -> None:
        # A thread, not a task: a busy event loop must not let the lease lapse.
        interval = self.lease / 4
        while True:
            with self._lock:
                while self._outstanding <= 0 and not self._closed.is_set():
                    self._wake.wait()
                if self._closed.is_set() or self._local is not None:
                    return
            try:
                self._seen(self._script(keys=self._keys, args=self._args("heartbeat", None, None)))
            except Exception as error:  # in a thread: the next call reports a lost Redis
                logger.debug("the shared rate limiter's lease renewal failed: %s", describe(error))
            if self._closed.wait(interval):
                return


def _running_loop() -> asyncio.AbstractEventLoop | None:
    if "asyncio" not in sys.modules:  # a program that never imported asyncio has no loop
        return None
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
