"""The sandbox's request log: what each request was, what it was answered, whether it took effect.

Secrets never enter the log: credentials headers and secret-looking query parameters are
redacted when the record is made, so a test that prints ``sb.requests`` on failure leaks
nothing into CI output.
"""

from __future__ import annotations

import collections
import json
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import attrs

from ._faults import Fault, PathMatcher, matches_path

__all__ = [
    "REDACTED",
    "RequestLog",
    "RequestRecord",
    "parse_body",
    "redact_headers",
    "redact_query",
]

#: What replaces a secret in the log.
REDACTED = "[redacted]"

_SECRET_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})
_SECRET_QUERY_WORDS = ("key", "token", "secret", "password", "auth")


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers with lower-case names (repeated ones joined by ``", "``), secrets redacted.

    ``Authorization`` keeps its scheme (``Bearer [redacted]``), which a test may need to tell
    a bearer-token request from an API-key one.
    """
    merged: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = raw_name.lower()
        value = raw_value
        if name in _SECRET_HEADERS:
            scheme, _, credentials = raw_value.strip().partition(" ")
            keeps_scheme = name.endswith("authorization") and credentials
            value = f"{scheme} {REDACTED}" if keeps_scheme else REDACTED
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


def redact_query(query: str) -> str:
    """The query string with the values of secret-looking parameters redacted.

    The API takes no credentials in the URL, but a misbehaving client might put them there, and
    the log must not keep them either way.
    """
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [
            (name, REDACTED if any(word in name.lower() for word in _SECRET_QUERY_WORDS) else value)
            for name, value in pairs
        ]
    )


def parse_body(raw: bytes) -> Any:
    """The body as JSON when it parses, otherwise the raw bytes (``b""`` when there is none).

    Never raises: a body nested too deeply for Python's parser is shown as its bytes too.
    """
    if not raw:
        return raw
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return raw


@attrs.frozen(repr=False)
class RequestRecord:
    """One request the sandbox received.

    - ``time``: arrival, by the sandbox clock (seconds since the epoch).
    - ``method``, ``path`` (no query string), ``query`` (secret-looking values redacted).
    - ``headers``: lower-case names; ``x-api-key`` and ``authorization`` values redacted.
    - ``raw_body``: the body's bytes, or ``None`` when the log did not keep them: for a request
      refused before its body was read (unknown route, credentials, rate limit, scope), and
      for older records once the log's bodies outgrow ``request_log_bytes``.
      ``body_size``: how many body bytes were received, kept or not.
    - ``status``: the status the client was sent; ``None`` when the connection was closed
      without a response (a :class:`DropConnection`, or a :class:`Delay` with ``apply=False``).
    - ``api_status``: the status the API's own processing produced, which a fault may have
      replaced or suppressed; ``None`` when the request was not processed.
    - ``fault``: the injected fault that hit this request, if any.
    - ``campaign_id``: the campaign the request created or addressed, when there is one.

    :attr:`body` parses ``raw_body`` when asked, not when the request arrives.
    """

    time: float
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    raw_body: bytes | None
    status: int | None
    api_status: int | None
    fault: Fault | None = None
    campaign_id: str | None = None
    body_size: int = attrs.field(
        default=attrs.Factory(lambda self: len(self.raw_body or b""), takes_self=True)
    )

    def __repr__(self) -> str:
        # Headers and body stay out: a create's body can hold a thousand recipients.
        fault = f", fault={self.fault!r}" if self.fault is not None else ""
        campaign = f", campaign_id={self.campaign_id!r}" if self.campaign_id else ""
        return (
            f"RequestRecord({self.method} {self.path}, status={self.status}, "
            f"api_status={self.api_status}, applied={self.applied}{fault}{campaign})"
        )

    @property
    def body(self) -> Any:
        """The body as parsed JSON, or its bytes when it is not JSON (``b""`` when there was
        none); ``None`` when the log did not keep it (see ``raw_body``). Parsed at each access:
        keep the result rather than asking again for a large body."""
        return None if self.raw_body is None else parse_body(self.raw_body)

    @property
    def processed(self) -> bool:
        """Whether the request reached the API (authentication, rate limit, operation)."""
        return self.api_status is not None

    @property
    def applied(self) -> bool:
        """Whether the operation took effect: processed and answered 2xx by the API.

        A create with ``applied`` true created a campaign, whatever the client received. A
        request refused by authentication, the rate limit or validation is not applied.
        """
        return self.api_status is not None and 200 <= self.api_status < 300


# What a record costs beyond its body and headers (the object, its fields, the deque slot).
_RECORD_OVERHEAD = 600


class _Entry:
    """A place in the log: its record can lose its body to the byte bound, never its place."""

    __slots__ = ("in_log", "record", "size")

    def __init__(self, record: RequestRecord) -> None:
        self.record = record
        self.size = _weight(record)
        self.in_log = True


def _weight(record: RequestRecord) -> int:
    headers = sum(len(name) + len(value) for name, value in record.headers.items())
    return (
        _RECORD_OVERHEAD
        + len(record.raw_body or b"")
        + headers
        + len(record.path)
        + len(record.query)
    )


class RequestLog:
    """A thread-safe list of :class:`RequestRecord`, bounded in records and in bytes.

    Beyond ``limit`` records the oldest go first. Beyond ``max_bytes`` (bodies, headers and
    a fixed cost per record) the oldest bodies are dropped first, keeping their records, so
    that counts and outcomes stay exact; only when no body is left to drop do the oldest
    records go.
    """

    def __init__(self, limit: int | None, max_bytes: int | None = None) -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"the request log must keep at least 1 record, got {limit}")
        if max_bytes is not None and max_bytes < 1:
            raise ValueError(f"the request log must keep at least 1 byte, got {max_bytes}")
        self._lock = threading.Lock()
        self._limit = limit
        self._max_bytes = max_bytes
        self._entries: collections.deque[_Entry] = collections.deque()
        # The entries whose record still holds a body, oldest first: the next to lose it.
        self._bodies: collections.deque[_Entry] = collections.deque()
        self._bytes = 0

    @property
    def size_in_bytes(self) -> int:
        """What the log holds, as counted against ``max_bytes``."""
        return self._bytes

    def append(self, record: RequestRecord) -> None:
        entry = _Entry(record)
        with self._lock:
            self._entries.append(entry)
            self._bytes += entry.size
            if record.raw_body:
                self._bodies.append(entry)
            if self._limit is not None and len(self._entries) > self._limit:
                self._drop_oldest()
            while self._max_bytes is not None and self._bytes > self._max_bytes:
                if not self._drop_oldest_body():
                    if len(self._entries) == 1:
                        break  # the newest record is kept whatever it weighs without a body
                    self._drop_oldest()

    def _drop_oldest(self) -> None:
        entry = self._entries.popleft()
        entry.in_log = False
        self._bytes -= entry.size

    def _drop_oldest_body(self) -> bool:
        while self._bodies:
            entry = self._bodies.popleft()
            if not entry.in_log:
                continue
            entry.record = attrs.evolve(entry.record, raw_body=None)
            size = _weight(entry.record)
            self._bytes -= entry.size - size
            entry.size = size
            return True
        return False

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return [entry.record for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bodies.clear()
            self._bytes = 0

    def count(
        self,
        method: str | None = None,
        path: PathMatcher | None = None,
        *,
        applied: bool | None = None,
    ) -> int:
        wanted_method = method.upper() if method is not None else None
        return sum(
            1
            for record in self.snapshot()
            if (wanted_method is None or record.method == wanted_method)
            and matches_path(path, record.path)
            and (applied is None or record.applied == applied)
        )
