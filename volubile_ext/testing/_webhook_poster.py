"""The sandbox's webhook: each call a simulated campaign finishes, posted to a test's receiver.

As the API does (reference notes, section 2.18), the body is the call exactly as ``GET
/v1/calls/{id}`` answers it, and with a secret the request carries ``X-Webhook-Signature``,
made by :func:`volubile_ext.webhooks.sign_webhook`, the one signing function of the library.

Where the reference is silent (it documents no retry policy): a post is due when the call
ends, in simulated time, and is sent when the clock passes that instant, in time order with the
calls. A 2xx answer delivers it. A 5xx, 408 or 429 answer, a refused connection or a timeout is
tried again after each of ``retry_delays`` of simulated time in turn, then given up; any other
answer (a 4xx: the receiver refused these bytes, and would refuse them again; a redirect,
which is not followed) gives up at once. Posts are made by the thread that moves the clock,
never by a thread that serves the API, so a slow receiver delays the test, not the API.
"""

from __future__ import annotations

import datetime as _dt
import heapq
import ipaddress
import itertools
import math
import threading
from collections.abc import Sequence
from typing import Final, Literal

import attrs
import httpx

from .._version import __version__
from ..webhooks._signature import WEBHOOK_SIGNATURE_HEADER, sign_webhook
from ._api import Reply
from ._call_store import StoredCall

__all__ = ["DEFAULT_RETRY_DELAYS", "Webhook", "WebhookAttempt", "WebhookDelivery"]

#: Simulated seconds between the attempts of a failing post: 1 min, 5 min, 30 min, 2 h.
DEFAULT_RETRY_DELAYS: Final[tuple[float, ...]] = (60.0, 300.0, 1800.0, 7200.0)
_MAX_ATTEMPTS: Final = 20
_RETRIED_STATUSES: Final = frozenset({408, 429})

DeliveryState = Literal["pending", "delivered", "failed"]


@attrs.frozen
class WebhookAttempt:
    """One post of a call: when (simulated time, UTC), and the receiver's HTTP status or, when
    there was no answer, what went wrong (``"timeout"``, ``"connection failed"``, ...)."""

    at: _dt.datetime
    status_code: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@attrs.frozen
class WebhookDelivery:
    """A call's deliveries so far: ``attempts`` in order, and the ``state`` they led to
    (``"pending"`` while an attempt is due, ``"delivered"`` after a 2xx, ``"failed"`` when
    given up); ``next_attempt`` when one is due."""

    call_id: str
    call_status: str
    attempts: tuple[WebhookAttempt, ...]
    state: DeliveryState
    next_attempt: _dt.datetime | None


@attrs.define
class _Delivery:
    call_id: str
    call_status: str
    body: bytes
    attempts: list[WebhookAttempt] = attrs.field(factory=list)
    state: DeliveryState = "pending"
    due: float | None = None

    def snapshot(self) -> WebhookDelivery:
        return WebhookDelivery(
            self.call_id,
            self.call_status,
            tuple(self.attempts),
            self.state,
            _moment(self.due) if self.due is not None else None,
        )


def _moment(seconds: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(seconds, _dt.UTC)


def _loopback_url(url: object) -> httpx.URL:
    if not isinstance(url, str):
        raise TypeError("url must be text, e.g. 'http://127.0.0.1:8000/hooks'")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"not a URL: {url[:100]!r} ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"the webhook URL must be http:// or https:// with a host: {url[:100]!r}")
    host = parsed.host
    loopback = host == "localhost"
    if not loopback:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
    if not loopback:
        raise ValueError(
            f"the sandbox posts webhooks to loopback only (127.0.0.1, ::1 or localhost), "
            f"not {host[:100]!r}"
        )
    return parsed


def _delays(values: Sequence[float | _dt.timedelta]) -> tuple[float, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError("retry_delays must be a list of seconds (or timedeltas)")
    delays = []
    for value in values:
        seconds = value.total_seconds() if isinstance(value, _dt.timedelta) else value
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError(f"a retry delay is a number of seconds or a timedelta, not {value!r}")
        if not 0 < seconds < math.inf:
            raise ValueError(f"a retry delay must be above 0 seconds: {value!r}")
        delays.append(float(seconds))
    if len(delays) + 1 > _MAX_ATTEMPTS:
        raise ValueError(f"at most {_MAX_ATTEMPTS - 1} retry delays (attempts are bounded)")
    return tuple(delays)


class Webhook:
    """The receiver a test configured with :meth:`Sandbox.webhook`, and its delivery log.

    :attr:`deliveries` lists each finished call's attempts; :meth:`attempts` counts one call's.
    The secret appears in no repr or message.
    """

    def __init__(
        self,
        url: str,
        *,
        secret: str | bytes | None = None,
        retry_delays: Sequence[float | _dt.timedelta] = DEFAULT_RETRY_DELAYS,
        timeout: float = 5.0,
    ) -> None:
        self._url = _loopback_url(url)
        if secret is not None and not isinstance(secret, str | bytes):
            raise TypeError("secret must be text or bytes")
        if secret is not None and not secret.strip():
            raise ValueError("secret must not be empty (leave it out for unsigned posts)")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise TypeError("timeout must be a number of seconds")
        if not 0 < timeout < math.inf:
            raise ValueError(f"timeout must be a number of seconds > 0: {timeout!r}")
        self._secret = secret
        self._delays = _delays(retry_delays)
        self._timeout = float(timeout)
        self._lock = threading.Lock()
        self._deliveries: dict[str, _Delivery] = {}
        self._due: list[tuple[float, int, str]] = []
        self._order = itertools.count()
        self._client: httpx.Client | None = None

    @property
    def url(self) -> str:
        return str(self._url)

    @property
    def signed(self) -> bool:
        """Whether posts carry ``X-Webhook-Signature`` (a secret was given)."""
        return self._secret is not None

    def __repr__(self) -> str:
        return f"<Webhook {self.url} {'signed' if self.signed else 'unsigned'}>"

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        """Every call posted or due, in the order the calls finished (fresh snapshots)."""
        with self._lock:
            return [delivery.snapshot() for delivery in self._deliveries.values()]

    def attempts(self, call_id: str) -> int:
        """How many times the call was posted (0 when it was not, or is unknown)."""
        with self._lock:
            delivery = self._deliveries.get(str(call_id).lower())
            return len(delivery.attempts) if delivery is not None else 0

    # --- what the simulation calls ---------------------------------------------------------

    def enqueue(self, call: StoredCall, now: float) -> None:
        """Post ``call`` (finished at ``now``) when the clock reaches ``now``."""
        # The bytes GET /v1/calls/{id} answers.
        body = Reply(200, dict(call.document)).body()
        with self._lock:
            self._deliveries[call.id] = _Delivery(call.id, str(call.status), body, due=now)
            heapq.heappush(self._due, (now, next(self._order), call.id))

    def next_due(self) -> float | None:
        with self._lock:
            return self._due[0][0] if self._due else None

    def deliver_due(self, now: float) -> None:
        """Post every delivery due at or before ``now``, oldest first."""
        while True:
            with self._lock:
                if not self._due or self._due[0][0] > now:
                    return
                _, _, call_id = heapq.heappop(self._due)
                delivery = self._deliveries[call_id]
            attempt, retry = self._post(delivery.body, now)
            with self._lock:
                delivery.attempts.append(attempt)
                if attempt.ok:
                    delivery.state, delivery.due = "delivered", None
                elif retry and len(delivery.attempts) <= len(self._delays):
                    delivery.due = now + self._delays[len(delivery.attempts) - 1]
                    heapq.heappush(self._due, (delivery.due, next(self._order), call_id))
                else:
                    delivery.state, delivery.due = "failed", None

    def close(self) -> None:
        """Close the connections kept to the receiver."""
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _post(self, body: bytes, now: float) -> tuple[WebhookAttempt, bool]:
        """One post: the attempt as recorded, and whether a failure is worth trying again."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"VolubileSandbox/{__version__}",
        }
        if self._secret is not None:
            headers[WEBHOOK_SIGNATURE_HEADER] = sign_webhook(body, self._secret)
        if self._client is None:
            # No proxy from the environment: the receiver is on loopback, and a proxy would
            # see the calls' data.
            self._client = httpx.Client(
                timeout=self._timeout, follow_redirects=False, trust_env=False
            )
        at = _moment(now)
        try:
            response = self._client.post(self._url, content=body, headers=headers)
            response.read()
        except httpx.TimeoutException:
            return WebhookAttempt(at, None, "timeout"), True
        except httpx.ConnectError:
            return WebhookAttempt(at, None, "connection failed"), True
        except httpx.TransportError as exc:
            return WebhookAttempt(at, None, f"{type(exc).__name__}: {str(exc)[:200]}"), True
        status = response.status_code
        return WebhookAttempt(at, status), status >= 500 or status in _RETRIED_STATUSES
