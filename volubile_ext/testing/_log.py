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
    """The body as JSON when it parses, otherwise the raw bytes (``b""`` when there is none)."""
    if not raw:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


@attrs.frozen(repr=False)
class RequestRecord:
    """One request the sandbox received.

    - ``time``: arrival, by the sandbox clock (seconds since the epoch).
    - ``method``, ``path`` (no query string), ``query`` (secret-looking values redacted).
    - ``headers``: lower-case names; ``x-api-key`` and ``authorization`` values redacted.
    - ``body``: the parsed JSON, or the raw bytes when it is not JSON; ``raw_body``: the bytes.
    - ``status``: the status the client was sent; ``None`` when the connection was closed
      without a response (a :class:`DropConnection`, or a :class:`Delay` with ``apply=False``).
    - ``api_status``: the status the API's own processing produced, which a fault may have
      replaced or suppressed; ``None`` when the request was not processed.
    - ``fault``: the injected fault that hit this request, if any.
    - ``campaign_id``: the campaign the request created or addressed, when there is one.
    """

    time: float
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: Any
    raw_body: bytes
    status: int | None
    api_status: int | None
    fault: Fault | None = None
    campaign_id: str | None = None

    def __repr__(self) -> str:
        # Headers and body stay out: a create's body can hold a thousand recipients.
        fault = f", fault={self.fault!r}" if self.fault is not None else ""
        campaign = f", campaign_id={self.campaign_id!r}" if self.campaign_id else ""
        return (
            f"RequestRecord({self.method} {self.path}, status={self.status}, "
            f"api_status={self.api_status}, applied={self.applied}{fault}{campaign})"
        )

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


class RequestLog:
    """A thread-safe, bounded list of :class:`RequestRecord` (oldest dropped beyond ``limit``)."""

    def __init__(self, limit: int | None) -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"the request log must keep at least 1 record, got {limit}")
        self._lock = threading.Lock()
        self._records: collections.deque[RequestRecord] = collections.deque(maxlen=limit)

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

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
