"""A bulk run's journal kept in Redis, so that a run stopped on one machine resumes on another.

The records are those of the file journal (``_bulk``), one JSON document per element of a Redis
list, appended atomically (no torn record): the header, then an *intent* before each request
leaves and an *outcome* after. The run holds a lock, a key with the run's token and a lease,
renewed by a background thread while the run lasts:

- a second runner, on any machine, is refused at once (:class:`JournalLockedError`, nothing
  sent);
- a runner killed (SIGKILL, a lost machine) leaves the lock to lapse within ``lease`` seconds,
  then the run can be resumed anywhere: a chunk with an intent and no outcome is *uncertain*,
  as with the file;
- every write is fenced by the token, in one Lua script: a runner that lost its lock (paused
  past its lease while another took over) cannot add a record; it stops with
  :class:`JournalWriteError` before sending anything more.

Redis must keep what it acknowledged for "never lost" to survive a crash of Redis itself, as
``fsync`` does for the file: run it with ``appendonly yes`` and ``appendfsync always`` (a
WARNING says so when the server reports that persistence is off). Redis unreachable, or lost
during the run, is a :class:`JournalWriteError`, before the first request when the journal
cannot be opened; a record that cannot be written stops the run naming what exists.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._redis import (
    DEFAULT_REDIS_TIMEOUT,
    check_url,
    describe,
    hash_tagged,
    import_redis,
    masked_url,
    sync_client,
)
from .campaigns._bulk import (
    MAX_JOURNAL_BYTES,
    MAX_JOURNAL_LINE,
    JournalLockedError,
    JournalRecords,
    JournalUnreadableError,
    JournalWriteError,
    _now,
    logger,
)

if TYPE_CHECKING:
    import redis
    import redis.commands.core

__all__ = ["RedisJournal"]

DEFAULT_LEASE = 15.0
_PAGE = 500

# KEYS: 1 the records (a list), 2 the lock. ARGV: 1 the run's token, 2 the record.
_FENCED_APPEND = r"""
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
return redis.call('RPUSH', KEYS[1], ARGV[2])
"""
# KEYS: 1 the lock. ARGV: 1 the token, 2 the lease in ms. 1 renewed, 0 no longer ours.
_RENEW = r"""
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""
_RELEASE = r"""
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisJournal:
    """Where ``create_many`` (or ``create``) keeps its journal instead of a file: in Redis.

    ``journal=RedisJournal("redis://cache.internal:6379/0", key="renewals-2026-12")`` in one
    process; the same call with the same key, on this machine or another, resumes the run. The
    guarantees are the file journal's: never a campaign created twice, never one lost, a second
    runner refused at once. A runner that dies holds the lock ``lease`` seconds at most.
    ``timeout`` bounds the connection and each answer from Redis. As with the file (whose
    records are fsynced), each record is written before the run goes on, also in
    ``AsyncVolubile``: one blocking round trip per record, a few per campaign created.
    """

    def __init__(
        self,
        url: str,
        *,
        key: str,
        lease: float = DEFAULT_LEASE,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
    ) -> None:
        self.url = check_url(url)
        prefix = hash_tagged("journal", key, "RedisJournal")
        if not 0 < lease < math.inf:
            raise ValueError(f"lease must be a number of seconds > 0, not {lease!r}")
        if not 0 < timeout < math.inf:
            raise ValueError(f"timeout must be a number of seconds > 0, not {timeout!r}")
        import_redis()
        self.key = key
        self.lease = float(lease)
        self.timeout = float(timeout)
        self.records_key = f"{prefix}:records"
        self.lock_key = f"{prefix}:lock"

    def __repr__(self) -> str:
        return f"RedisJournal({masked_url(self.url)!r}, key={self.key!r})"

    def __str__(self) -> str:
        return f"the Redis journal {self.key!r} at {masked_url(self.url)}"

    def open(self, chunk_fingerprints: Sequence[str]) -> JournalRecords:
        """Lock and read the journal for a run (``BulkRun`` calls it)."""
        return _OpenRedisJournal(self, chunk_fingerprints)


class _OpenRedisJournal(JournalRecords):
    """One run's hold on a :class:`RedisJournal`: the lock, its renewal, the records."""

    path: str

    def __init__(self, spec: RedisJournal, chunk_fingerprints: Sequence[str]) -> None:
        super().__init__(chunk_fingerprints)
        self.path = str(spec)
        self._spec = spec
        self._token = uuid.uuid4().hex
        self._errors: type[BaseException] = import_redis().exceptions.RedisError
        self._redis: redis.Redis = sync_client(spec.url, spec.timeout)
        self._append_script = self._redis.register_script(_FENCED_APPEND)
        self._renew_script = self._redis.register_script(_RENEW)
        self._stop = threading.Event()
        self._lost_lock = False
        self._renewal: threading.Thread | None = None
        self._locked = False
        try:
            self._lock()
            self._warn_if_not_durable()
            if self._load() == 0:
                self._start()
        except BaseException:
            self.close()
            raise

    # -- opening ------------------------------------------------------------------------------

    def _lock(self) -> None:
        try:
            taken = self._redis.set(
                self._spec.lock_key, self._token, nx=True, px=_ms(self._spec.lease)
            )
        except self._errors as error:
            raise JournalWriteError(
                f"cannot reach Redis to lock {self.path}: {describe(error)}; nothing was sent",
                path=self.path,
            ) from None
        if not taken:
            raise JournalLockedError(
                f"{self.path} is in use by another run (on this machine or another; a run that "
                f"stopped without closing it holds it for {self._spec.lease:g} s at most): two "
                "runs on one journal could create the same campaigns twice. Nothing was sent; "
                "run again once the other run has finished",
                path=self.path,
            )
        self._locked = True
        self._renewal = threading.Thread(
            target=self._renew, name="volubile-journal-lock", daemon=True
        )
        self._renewal.start()

    def _warn_if_not_durable(self) -> None:
        try:
            answer: Mapping[Any, Any] = self._redis.config_get("appendonly")
        except self._errors:
            return  # CONFIG is often disabled on managed servers: nothing to say
        if answer.get("appendonly") == "no" or answer.get(b"appendonly") == b"no":
            logger.warning(
                "%s: the Redis server keeps no append-only file: the journal survives a crash "
                "of this process, not of Redis (set appendonly yes, appendfsync always)",
                self.path,
            )

    def _load(self) -> int:
        """Read every record; the number of records (0 for a new journal)."""
        try:
            count = int(self._redis.llen(self._spec.records_key))
        except self._errors as error:
            raise self._unreachable(error, "read") from None
        if count > MAX_JOURNAL_BYTES // 16:
            raise self._unreadable(count, "more records than any run writes: not a journal")
        read = 0
        header_seen = False
        for first in range(0, count, _PAGE):
            try:
                page = self._redis.lrange(self._spec.records_key, first, first + _PAGE - 1)
            except self._errors as error:
                raise self._unreachable(error, "read") from None
            for offset, element in enumerate(page):
                number = first + offset + 1
                raw = element if isinstance(element, bytes) else str(element).encode()
                read += len(raw)
                if len(raw) > MAX_JOURNAL_LINE:
                    raise self._unreadable(
                        number, f"longer than {MAX_JOURNAL_LINE // 1024} KiB: not a journal record"
                    )
                if read > MAX_JOURNAL_BYTES:
                    raise self._unreadable(
                        number, f"more than {MAX_JOURNAL_BYTES >> 20} MiB: not a journal"
                    )
                value, problem = self._parse(raw)
                if problem is not None:
                    # Elements are appended whole: unlike a file's, none is ever torn.
                    raise self._unreadable(number, f"{problem}: not a journal record")
                if not header_seen:
                    self._check_header(number, value)
                    header_seen = True
                else:
                    self._apply(number, value)
        return count

    def _start(self) -> None:
        try:
            self._append(self._header() | {"at": _now()})
        except JournalWriteError as failure:
            raise JournalWriteError(f"{failure}; nothing was sent", path=self.path) from None

    def _unreadable(self, line: int, what: str) -> JournalUnreadableError:
        return JournalUnreadableError(
            f"{self.path} record {line}: {what}; refusing to guess what was created. Nothing "
            "was sent. Give the journal of this run, or a new key for a new run",
            path=self.path,
            line=line,
        )

    def _unreachable(self, error: BaseException, what: str) -> JournalWriteError:
        return JournalWriteError(
            f"cannot {what} {self.path}: {describe(error)}; nothing was sent", path=self.path
        )

    # -- writing ------------------------------------------------------------------------------

    def _append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        if self._lost_lock:
            raise JournalWriteError(
                f"{self.path}: this run lost its lock (it was not renewed within "
                f"{self._spec.lease:g} s), another run may have taken over",
                path=self.path,
            )
        try:
            answer = self._append_script(
                keys=[self._spec.records_key, self._spec.lock_key], args=[self._token, line]
            )
        except self._errors as error:
            # Whether Redis applied it is unknown: an intent that did land says "uncertain",
            # one that did not says nothing was sent; either way the run stops here.
            raise JournalWriteError(
                f"cannot write to {self.path}: {describe(error)}", path=self.path
            ) from None
        if int(answer) < 0:
            self._lost_lock = True
            raise JournalWriteError(
                f"{self.path}: this run no longer holds the journal's lock (it lapsed, and "
                "another run may have taken over); nothing more is recorded or sent",
                path=self.path,
            )

    def _renew(self) -> None:
        interval = self._spec.lease / 3
        while not self._stop.wait(interval):
            try:
                renewed = self._renew_script(
                    keys=[self._spec.lock_key], args=[self._token, _ms(self._spec.lease)]
                )
            except self._errors:
                continue  # Redis away for a moment: the next renewal, or the next write, says
            if not int(renewed):
                self._lost_lock = True
                return

    def close(self) -> None:
        self._stop.set()
        if self._renewal is not None:
            self._renewal.join(self._spec.timeout + 1)
        if self._locked:
            self._locked = False
            with contextlib.suppress(self._errors):  # else the lease ends it
                self._redis.register_script(_RELEASE)(
                    keys=[self._spec.lock_key], args=[self._token]
                )
        self._redis.close()


def _ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))
