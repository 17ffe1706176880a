"""What the Redis-backed parts share: the optional import, connections, errors, key names.

redis-py comes with the ``redis`` extra (``pip install 'volubile[redis]'``) and is imported
only when a Redis limiter or journal is made: ``import volubile_ext`` never loads it.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import TYPE_CHECKING, Any

from ._errors import APIConnectionError, VolubileError

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = ["RedisUnavailableError", "hash_tagged", "lost_errors", "masked_url", "sync_client"]

#: Seconds to connect to Redis, and to wait for one of its answers: a Redis that does not answer
#: within that is treated as lost (the limiter falls back, a journal write fails).
DEFAULT_REDIS_TIMEOUT = 2.0
_MAX_KEY = 200


class RedisUnavailableError(APIConnectionError):
    """Redis could not be reached, or refused what a shared limiter or journal asked of it.

    Raised when a :class:`RedisRateLimiter` or :class:`RedisJournal` is made and Redis does not
    answer (nothing was sent), and by a limiter made with ``fail_closed=True`` when Redis is lost
    during a run: then the request that needed a place was not sent (``request_sent`` is False).
    The message names the server without its password.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, request_sent=False)


def import_redis() -> Any:
    try:
        import redis
    except ImportError:
        raise VolubileError(
            "sharing the rate limit or a journal through Redis needs redis-py: "
            "pip install 'volubile[redis]'"
        ) from None
    return redis


def masked_url(url: str) -> str:
    """``url`` without its password (and user name), for messages, reprs and logs."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparsable Redis URL>"
    if ":" in host:
        host = f"[{host}]"
    credentials = "***@" if parts.username or parts.password else ""
    netloc = f"{credentials}{host}{port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def check_url(url: object) -> str:
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"a Redis URL is text such as 'redis://localhost:6379/0', not {url!r}")
    scheme = urllib.parse.urlsplit(url.strip()).scheme
    if scheme not in {"redis", "rediss", "unix"}:
        raise ValueError(
            f"a Redis URL starts with redis://, rediss:// or unix://, not {masked_url(url)!r}"
        )
    return url.strip()


def hash_tagged(prefix: str, key: object, what: str) -> str:
    """The common prefix of a limiter's or journal's Redis keys, in one cluster hash slot."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"{what} needs key= (a name shared by every participant), not {key!r}")
    if len(key) > _MAX_KEY or re.search(r"[{}\x00-\x1f\x7f]", key):
        raise ValueError(
            f"{what}'s key must be at most {_MAX_KEY} characters, without braces or control "
            f"characters: {key[:60]!r}"
        )
    return f"volubile:{prefix}:{{{key}}}"


def sync_client(url: str, timeout: float) -> redis.Redis:
    import_redis()
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def async_client(url: str, timeout: float) -> redis.asyncio.Redis:
    import_redis()
    import redis.asyncio

    client: redis.asyncio.Redis = redis.asyncio.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    return client


def lost_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean Redis is gone (down, unreachable, too slow, failing over)."""
    redis = import_redis()
    exceptions = redis.exceptions
    return (
        exceptions.ConnectionError,
        exceptions.TimeoutError,
        exceptions.ReadOnlyError,
        OSError,
    )


def describe(error: BaseException) -> str:
    """A redis-py error in one bounded line (its messages name host and port, never a password)."""
    text = " ".join(str(error).split())[:300]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
