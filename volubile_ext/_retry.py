"""When a failed request may be sent again, and how long to wait first.

The rule that matters most: a request that may have changed something on the server is never
sent again unless sending it twice is harmless. Creating a campaign is not harmless (a duplicate
campaign calls the same people twice, and the API offers no idempotency key), so:

- every request is retried when it provably was not applied: the connection failed before the
  request was written (refused, DNS, connect or pool timeout), or the server answered 429;
- idempotent requests (GET, status update, token issue) are also retried when the outcome is
  unknown or the server failed: read timeouts, dropped connections, 500, 502, 503, 504;
- campaign creation is not: it fails at once, and the error says the campaign may exist.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs
import httpx

__all__ = [
    "RETRYABLE_SERVER_STATUSES",
    "RetryPolicy",
    "TransportFailure",
    "classify_transport_error",
]

# 501 (not implemented) and 505 are answers, not accidents: retrying them changes nothing.
RETRYABLE_SERVER_STATUSES = frozenset({500, 502, 503, 504})


class TransportFailure:
    """What a transport error tells us about the request.

    ``sent`` is False only when the request provably never left (nothing was written to a
    connection), so the server cannot have applied it. ``timeout`` marks timeouts.
    """

    # A plain slotted class: an attrs one costs about 0.5 ms more at import.
    __slots__ = ("description", "sent", "timeout")

    def __init__(self, sent: bool, timeout: bool, description: str) -> None:
        self.sent = sent
        self.timeout = timeout
        self.description = description

    def __repr__(self) -> str:
        return (
            f"TransportFailure(sent={self.sent!r}, timeout={self.timeout!r}, "
            f"description={self.description!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TransportFailure):
            return NotImplemented
        return (self.sent, self.timeout, self.description) == (
            other.sent,
            other.timeout,
            other.description,
        )

    def __hash__(self) -> int:
        return hash((self.sent, self.timeout, self.description))


def classify_transport_error(error: httpx.TransportError) -> TransportFailure:
    """Classify an httpx transport error by whether the request may have reached the server."""
    # Connect and pool failures happen before a single byte of the request is written.
    if isinstance(error, httpx.ConnectTimeout):
        return TransportFailure(False, True, "timed out while connecting")
    if isinstance(error, httpx.PoolTimeout):
        return TransportFailure(False, True, "timed out waiting for a free connection")
    if isinstance(error, httpx.ConnectError):
        return TransportFailure(False, False, "could not connect")
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.LocalProtocolError)):
        return TransportFailure(False, False, "the request could not be sent")
    if isinstance(error, httpx.ReadTimeout):
        return TransportFailure(True, True, "timed out waiting for the response")
    if isinstance(error, httpx.WriteTimeout):
        return TransportFailure(True, True, "timed out while sending the request")
    if isinstance(error, httpx.TimeoutException):
        return TransportFailure(True, True, "timed out")
    # ReadError, WriteError, RemoteProtocolError ("server disconnected"), proxy errors: the
    # connection broke once the request was (at least partly) on its way.
    return TransportFailure(True, False, "the connection was closed before a complete response")


@attrs.frozen
class RetryPolicy:
    """How many times to retry, and how long to wait.

    ``max_retries`` counts retries after the first attempt. Waits grow exponentially from
    ``base_delay`` to at most ``max_delay`` seconds, with jitter (half the delay, plus a random
    part of the other half) so that many clients do not retry in lockstep. A ``Retry-After``
    from the server is honoured as given (one that gives no usable wait is ignored: backoff
    applies); when it asks for more than ``retry_after_ceiling`` seconds, the client gives up at
    once instead of sleeping that long, and holds its other calls back for the ceiling at most.
    ``retry_after_ceiling=math.inf`` honours any wait up to a year.
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    retry_after_ceiling: float = 60.0
    jitter_source: Callable[[], float] = attrs.field(default=random.random, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise ValueError(f"max_retries must be a whole number, not {self.max_retries!r}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {self.max_retries}")
        ceiling = self.retry_after_ceiling
        if isinstance(ceiling, bool) or not isinstance(ceiling, (int, float)) or not ceiling >= 0:
            raise ValueError(f"retry_after_ceiling must be 0 or more seconds, not {ceiling!r}")

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry number ``retry_number`` (0 for the first retry)."""
        delay = min(self.max_delay, self.base_delay * 2.0**retry_number)
        return delay / 2 + self.jitter_source() * delay / 2

    def may_retry(
        self, *, idempotent: bool, retries_taken: int, sent: bool, status: int | None = None
    ) -> bool:
        """Whether this failure may be retried under the at-most-once rule."""
        if retries_taken >= self.max_retries:
            return False
        if status == 429:
            return True  # the server refused the request: it was not applied
        if status is not None:
            return idempotent and status in RETRYABLE_SERVER_STATUSES
        return idempotent or not sent
