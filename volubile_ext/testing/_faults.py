"""Faults a :class:`~volubile_ext.testing.Sandbox` can inject, and the queue that hands them out.

Every fault says, through its ``apply`` attribute, whether the sandbox processes the request
(runs authentication, the rate limit and the operation, so a create really creates) before the
fault shapes what the client receives. That is the fact a client's at-most-once logic depends
on, so each test states it explicitly instead of relying on a default it has to remember.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from http import HTTPStatus
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

__all__ = [
    "FAULT_KINDS",
    "Delay",
    "DropConnection",
    "ErrorStatus",
    "Fault",
    "Injection",
    "NonJSONBody",
    "PathMatcher",
    "UnknownValues",
    "matches_path",
]

#: How a fault or a log query selects paths: a ``str`` must equal the request path exactly
#: (query string excluded); a compiled pattern must match the whole path (``re.fullmatch``).
PathMatcher: TypeAlias = str | re.Pattern[str]


def matches_path(matcher: PathMatcher | None, path: str) -> bool:
    """Whether ``path`` is selected by ``matcher`` (``None`` selects every path)."""
    if matcher is None:
        return True
    if isinstance(matcher, str):
        return matcher == path
    return matcher.fullmatch(path) is not None


class Fault:
    """Base class of the injectable faults (the sandbox plays the ones in ``FAULT_KINDS``).

    ``apply`` is ``True`` when the sandbox processes the request before the fault decides what
    the client receives, ``False`` when the request never reaches the API (nothing is created,
    changed or counted by the rate limiter).
    """

    __slots__ = ()

    apply: bool


def _error_status(_instance: Any, _attribute: Any, value: int) -> None:
    if not 400 <= value <= 599:
        raise ValueError(f"ErrorStatus needs a 4xx or 5xx status, got {value}")


def _positive_seconds(_instance: Any, _attribute: Any, value: float) -> None:
    if not value > 0:
        raise ValueError(f"Delay needs a positive number of seconds, got {value!r}")


def _status_with_body(_instance: Any, _attribute: Any, value: int) -> None:
    # 1xx, 204 and 304 responses cannot carry a body: sending one would corrupt the connection.
    if not 200 <= value <= 599 or value in (204, 304):
        raise ValueError(f"NonJSONBody needs a status that carries a body, got {value}")


def _header_value(_instance: Any, _attribute: Any, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError("a header value cannot contain a line break")


@attrs.frozen
class ErrorStatus(Fault):
    """Answer with ``status`` and an ``ErrorResponse`` body, as a failing server or proxy would.

    ``retry_after`` becomes the ``Retry-After`` header: an ``int`` is sent as delay-seconds, a
    ``str`` verbatim (an HTTP date, or a malformed value to test a client's parsing); ``None``
    sends no header, even with 429. ``message`` defaults to the status's reason phrase.

    With ``apply=False`` (the default) the request is not processed: a 503 from a proxy in front
    of the API. With ``apply=True`` it is processed first and its real response replaced: a
    server that created the campaign and then failed to answer properly.
    """

    status: int = attrs.field(validator=_error_status)
    retry_after: int | str | None = attrs.field(default=None)
    message: str | None = None
    apply: bool = False

    @retry_after.validator
    def _check_retry_after(self, _attribute: Any, value: int | str | None) -> None:
        if isinstance(value, str):
            _header_value(self, _attribute, value)

    def reason(self) -> str:
        """The message sent in the body: ``message``, or the status's reason phrase."""
        if self.message is not None:
            return self.message
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return f"Error {self.status}"


@attrs.frozen
class Delay(Fault):
    """Hold the response for ``seconds`` (make it longer than the client's read timeout).

    With ``apply=True`` (the default) the request is processed at once and only its response
    is held back: when the client gives up, the campaign already exists, the case an
    at-most-once client must report as uncertain. With ``apply=False`` the sandbox waits, then
    closes the connection without processing anything and without answering.

    Stopping the sandbox cuts every pending delay short; the held response is then not sent.
    """

    seconds: float = attrs.field(validator=_positive_seconds)
    apply: bool = True


@attrs.frozen
class DropConnection(Fault):
    """Close the connection without sending any response.

    ``apply=False`` (the default): the request body is read, nothing is processed: the request
    was provably not applied, although the client cannot know it. ``apply=True``: the request
    is processed (a create creates), then the connection is closed: the response is lost.
    """

    apply: bool = False


_DEFAULT_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@attrs.frozen
class NonJSONBody(Fault):
    """Answer with a body that is not JSON: by default a proxy's HTML 502 page.

    ``status``, ``body`` (``str`` is sent as UTF-8) and ``content_type`` say what is sent. With
    ``apply=False`` (the default) the request is not processed, as when a gateway answers for
    an unreachable API; ``apply=True`` processes it first, e.g. for a ``200`` whose body is
    ``text/plain``: the operation happened but its answer cannot be parsed.
    """

    status: int = attrs.field(default=502, validator=_status_with_body)
    body: str | bytes = _DEFAULT_HTML
    content_type: str = attrs.field(default="text/html", validator=_header_value)
    apply: bool = False

    def encoded_body(self) -> bytes:
        """The body as sent on the wire."""
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


_DEFAULT_EXTRA_FIELDS: Mapping[str, Any] = MappingProxyType(
    {"archivedAt": "2031-01-01T00:00:00Z", "priority": {"level": "HIGH", "rank": 1}}
)


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class UnknownValues(Fault):
    """Process the request, then add values the client's schema does not know to its answer.

    In a JSON object response: a string ``status`` field (a campaign's, or a call's) is replaced
    by ``status`` ("ARCHIVED", in neither enum), ``extra_day`` is appended
    to a ``days`` list, and ``extra_fields`` are added at the top level. ``None`` leaves the
    corresponding part alone. Responses that are not JSON objects pass unchanged. The request
    is always processed (``apply`` is ``True``).
    """

    status: str | None = "ARCHIVED"
    extra_day: str | None = "HOLIDAY"
    extra_fields: Mapping[str, Any] = attrs.field(
        default=_DEFAULT_EXTRA_FIELDS, converter=_frozen_mapping
    )
    apply: bool = attrs.field(default=True, init=False)

    def rewrite(self, document: Any) -> Any:
        """Return a copy of the JSON ``document`` with the unknown values added."""
        if not isinstance(document, dict):
            return document
        changed = dict(document)
        if self.status is not None and isinstance(changed.get("status"), str):
            changed["status"] = self.status
        if self.extra_day is not None and isinstance(changed.get("days"), list):
            changed["days"] = [*changed["days"], self.extra_day]
        changed.update(self.extra_fields)
        return changed


#: The faults the sandbox knows how to play.
FAULT_KINDS: tuple[type[Fault], ...] = (
    ErrorStatus,
    Delay,
    DropConnection,
    NonJSONBody,
    UnknownValues,
)


class Injection:
    """One call to :meth:`Sandbox.inject <volubile_ext.testing.Sandbox.inject>`: a fault and
    which requests it applies to.

    ``used`` counts the requests it has hit so far; ``remaining`` is how many more it will hit
    (``None``: no limit, until :meth:`Sandbox.clear_faults` is called).
    """

    __slots__ = ("_lock", "_used", "fault", "method", "path", "times")

    def __init__(
        self, fault: Fault, *, method: str | None, path: PathMatcher | None, times: int | None
    ) -> None:
        if not isinstance(fault, FAULT_KINDS):
            kinds = ", ".join(kind.__name__ for kind in FAULT_KINDS)
            raise TypeError(f"not a fault the sandbox can play: {fault!r} (use one of {kinds})")
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None for no limit), got {times}")
        self.fault = fault
        self.method = method.upper() if method is not None else None
        self.path = path
        self.times = times
        self._used = 0
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        with self._lock:
            return self._used

    @property
    def remaining(self) -> int | None:
        with self._lock:
            return None if self.times is None else self.times - self._used

    def matches(self, method: str, path: str) -> bool:
        """Whether this injection selects a request (ignoring how many uses are left)."""
        return (self.method is None or self.method == method.upper()) and matches_path(
            self.path, path
        )

    def _consume(self) -> bool:
        # Checked and counted under one lock: two concurrent requests never share the last use.
        with self._lock:
            if self.times is not None and self._used >= self.times:
                return False
            self._used += 1
            return True

    def __repr__(self) -> str:
        path = self.path if isinstance(self.path, str) or self.path is None else self.path.pattern
        return (
            f"Injection({self.fault!r}, method={self.method!r}, path={path!r}, "
            f"times={self.times!r}, used={self.used})"
        )


class FaultQueue:
    """The pending injections, handed out first come, first served; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._injections: list[Injection] = []

    def add(self, injection: Injection) -> None:
        with self._lock:
            self._injections.append(injection)

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the oldest injection that selects this request, if any."""
        with self._lock:
            for injection in self._injections:
                if injection.matches(method, path) and injection._consume():
                    if injection.remaining == 0:
                        self._injections.remove(injection)
                    return injection.fault
            return None

    def pending(self) -> tuple[Injection, ...]:
        with self._lock:
            return tuple(self._injections)

    def clear(self) -> None:
        with self._lock:
            self._injections.clear()
