"""The exception hierarchy, and the one function that turns a response into an exception.

Everything the library raises on purpose is a :class:`VolubileError`:

- :class:`ClientValidationError` (also a ``ValueError``): the input is wrong; nothing was sent.
- :class:`APIConnectionError`, and its :class:`APITimeoutError`: no usable answer came back.
- :class:`APIResponseValidationError`: a success status with a body that is not what the API
  promises (not JSON, say).
- :class:`APIStatusError`: the server answered with an error status; one subclass per status
  family (:class:`BadRequestError` 400, :class:`AuthenticationError` 401,
  :class:`PermissionDeniedError` 403, :class:`NotFoundError` 404, :class:`ConflictError` 409,
  :class:`UnprocessableEntityError` 422, :class:`RateLimitError` 429,
  :class:`InternalServerError` 5xx).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sized
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import attrs
import httpx

from ._wire import Unset, error_document

if TYPE_CHECKING:
    from ._wire import ValidationError

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AgentNotUsableError",
    "AuthenticationError",
    "BadRequestError",
    "CampaignWarning",
    "ClientValidationError",
    "ConflictError",
    "FieldError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "VolubileError",
    "error_from_response",
]

# Rejected values are echoed in messages; a 1,000-recipient list must not become a 100 kB message.
_MAX_SHOWN_VALUE = 80
# A field path or a message holds caller text too (a context key, a column name): bounded alike.
_MAX_SHOWN_FIELD = 160
_MAX_SHOWN_MESSAGE = 400
# How many problems a ClientValidationError keeps and lists; the others are counted. A million
# wrong time slots would otherwise take a gigabyte of memory and a 150 MB message.
MAX_LISTED_PROBLEMS: Final = 50
# Beyond this many bits (about 60 digits) an integer is described rather than written out:
# converting a 5,000-digit one to text raises ValueError, a million-digit one takes seconds.
_MAX_SHOWN_INT_BITS = 200
_LOG10_2 = math.log10(2)


# perf: "`from volubile_ext import Volubile`" (scripts/bench.py): compiled by the first message
# that shows a value (functools.cache), not when the module loads.
@functools.cache
def _non_printable() -> re.Pattern[str]:
    return re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class _Full(Exception):
    """Internal: the shown text has reached its length."""


class _BoundedText:
    """Text built piece by piece that stops, raising :class:`_Full`, once it is long enough.

    Rendering a value never walks more of it than fits, so a list of a million items, a list
    that contains itself or a dict with tuple keys costs as much as a short one.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        room = self.limit + 1 - self.size
        if len(text) >= room:
            self.parts.append(text[:room])
            self.size += room
            raise _Full
        self.parts.append(text)
        self.size += len(text)

    def text(self) -> str:
        text = "".join(self.parts)
        return text[: self.limit - 1] + "…" if len(text) > self.limit else text


def _escaped(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes, on one line.

    A message must print on any terminal: a lone surrogate cannot be encoded, and a line break
    inside a value would split the line of its problem.
    """
    if text.isprintable():
        return text
    return _non_printable().sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def _int_text(value: int) -> str:
    if value.bit_length() <= _MAX_SHOWN_INT_BITS:
        return int.__repr__(value)
    digits = int(value.bit_length() * _LOG10_2) + 1
    sign = "-" if value < 0 else ""
    return f"{sign}<integer of about {digits:,} digits>"


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _render(value: Any, out: _BoundedText, path: set[int]) -> None:
    """Write ``value`` as JSON would, bounded, into ``out``."""
    if value is None:
        out.add("null")
    elif isinstance(value, bool):
        out.add("true" if value else "false")
    elif isinstance(value, int):
        out.add(_int_text(value))
    elif isinstance(value, float):
        out.add(_float_text(value))
    elif isinstance(value, str):
        # Only the part that can be shown is escaped: a 100 MB string costs nothing more.
        out.add(_escaped(json.dumps(value[: out.limit + 1], ensure_ascii=False)))
    elif isinstance(value, (Mapping, list, tuple, set, frozenset)):
        if id(value) in path:
            out.add("{...}" if isinstance(value, Mapping) else "[...]")
            return
        path.add(id(value))
        opening, closing = ("{", "}") if isinstance(value, Mapping) else ("[", "]")
        out.add(opening)
        if isinstance(value, Mapping):
            for index, (key, item) in enumerate(value.items()):
                out.add(", " if index else "")
                _render(key if isinstance(key, str) else _shown(key), out, path)
                out.add(": ")
                _render(item, out, path)
        else:
            for index, item in enumerate(value):
                out.add(", " if index else "")
                _render(item, out, path)
        out.add(closing)
        path.discard(id(value))
    else:
        try:
            text = str(value)
        except Exception:  # a broken __str__ must not break the message about it
            text = f"<{type(value).__name__} object>"
        _render(text, out, path)


def _shown(value: Any, limit: int = _MAX_SHOWN_VALUE) -> str:
    """A short, printable, one-line text for ``value``: text as is, anything else as JSON.

    Never fails and never takes more than ``limit`` characters (an ellipsis marks a cut),
    whatever the value: huge, self-containing, with keys JSON cannot have, NaN, surrogates.
    """
    if isinstance(value, str):
        text = _escaped(value[: limit + 1])
        return text[: limit - 1] + "…" if len(text) > limit else text
    out = _BoundedText(limit)
    with contextlib.suppress(_Full):
        _render(value, out, set())
    return out.text()


def shown_text(value: Any) -> str:
    """:func:`_shown` for a value inside a sentence: text quoted as ``repr`` would quote it."""
    return f"'{_shown(value)}'" if isinstance(value, str) else _shown(value)


_NOT_GIVEN: Any = object()
_T = TypeVar("_T")


@attrs.frozen
class FieldError:
    """One problem with one field: where (the API's field path), what, and the value refused.

    ``field`` uses the API's names and indexes, e.g. ``recipients[17].phone`` or
    ``retry.retryOn``, so a problem found by the client and one found by the server read alike.
    """

    field: str
    message: str
    rejected_value: Any = _NOT_GIVEN

    @property
    def has_rejected_value(self) -> bool:
        return self.rejected_value is not _NOT_GIVEN

    def to_dict(self) -> dict[str, Any]:
        """``{"field", "message"}`` and ``"rejected_value"`` when there is one, for JSON."""
        document: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.has_rejected_value:
            document["rejected_value"] = self.rejected_value
        return document

    def __str__(self) -> str:
        message = _shown(self.message, _MAX_SHOWN_MESSAGE)
        text = f"{_shown(self.field, _MAX_SHOWN_FIELD)}: {message}" if self.field else message
        if self.has_rejected_value:
            text += f" (rejected: {_shown(self.rejected_value)})"
        return text


class VolubileError(Exception):
    """Base class of every error this library raises on purpose."""


class CampaignWarning(UserWarning):
    """A campaign that will be created as asked, but probably not as meant.

    Emitted by ``campaigns.create`` (and ``create_many``) with the rules of ``plan_campaign``:
    weekend calling days or French public holidays (unsolicited calls are forbidden then), a
    start date in the past, no time zone. Turn them into errors with
    ``warnings.simplefilter("error", CampaignWarning)``.
    """


class ClientValidationError(VolubileError, ValueError):
    """The input is invalid; raised before any request is sent.

    ``errors`` lists the problems found, not only the first, each with its field path: the
    first 50 of them (``MAX_LISTED_PROBLEMS``), so that a million wrong items cost no more than
    fifty; ``error_count`` says how many were found in all, and the message ends with how many
    more there are. Each problem's text is bounded too, rejected values shortened.
    """

    def __init__(self, errors: Iterable[FieldError], *, subject: str = "campaign") -> None:
        kept = tuple(itertools.islice(errors, MAX_LISTED_PROBLEMS))
        # A ProblemList counts what it did not keep; any other iterable is counted here.
        found = len(errors) if isinstance(errors, Sized) else len(kept)
        self.errors: tuple[FieldError, ...] = kept
        self.error_count: int = max(found, len(kept))
        count = self.error_count
        head = f"invalid {subject}: {count:,} problem{'s' if count != 1 else ''}"
        lines = "".join(f"\n  - {error}" for error in kept)
        if count > len(kept):
            more = count - len(kept)
            lines += f"\n  … and {more:,} more problem{'s' if more != 1 else ''}"
        super().__init__(head + lines)


class CappedList(list[_T]):
    """A list that keeps its first ``MAX_LISTED_PROBLEMS`` items and only counts the others.

    ``len()`` counts every item added, kept or not (``dropped`` is how many were not kept), so
    code that checks whether it added any (``len(errors) != before``) still can; iterating
    gives the kept ones. Extending with another CappedList carries its count over.
    """

    __slots__ = ("dropped",)

    def __init__(self, items: Iterable[_T] = ()) -> None:
        super().__init__()
        self.dropped = 0
        self.extend(items)

    def append(self, item: _T) -> None:
        if list.__len__(self) < MAX_LISTED_PROBLEMS:
            list.append(self, item)
        else:
            self.dropped += 1

    def extend(self, items: Iterable[_T]) -> None:
        for item in items:
            self.append(item)
        if isinstance(items, CappedList):
            self.dropped += items.dropped

    def __iadd__(self, items: Iterable[_T]) -> Self:  # type: ignore[override]
        self.extend(items)
        return self

    def __add__(self, items: list[_T]) -> CappedList[_T]:  # type: ignore[override]
        combined = type(self)(self)
        combined.extend(items)
        return combined

    def __len__(self) -> int:
        return list.__len__(self) + self.dropped


class ProblemList(CappedList[FieldError]):
    """Problems as the rules find them: the first ``MAX_LISTED_PROBLEMS`` kept, others counted.

    What :class:`ClientValidationError` is made from: a million wrong items cost fifty.
    """

    __slots__ = ()


class APIConnectionError(VolubileError):
    """No usable response: the connection failed, was dropped, or the request could not be sent.

    ``request_sent`` tells whether the request may have reached the server (``False`` means it
    provably did not: the connection was refused or failed before anything was written).
    """

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, request_sent: bool = True
    ) -> None:
        super().__init__(message)
        self.request = request
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """The request, or the whole call with its retries, took longer than allowed."""


class APIResponseValidationError(VolubileError):
    """The server answered with a success status, but the body is not what the API promises.

    ``response`` is the raw ``httpx.Response``. For a campaign creation this means the campaign
    was most likely created: the message says so.
    """

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code


class APIStatusError(VolubileError):
    """The server answered with an error status (anything but 2xx).

    ``message`` is the server's own message when it sent one; ``errors`` the field errors of an
    ``ErrorResponse`` body; ``response`` the raw ``httpx.Response``; ``body`` the decoded JSON,
    or ``None`` when the body was not JSON.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any = None,
        errors: Iterable[FieldError] = (),
        note: str | None = None,
    ) -> None:
        self.status_code = response.status_code
        self.message = message
        self.errors: tuple[FieldError, ...] = tuple(errors)
        self.response = response
        self.body = body
        self.note = note
        super().__init__(self._render())

    def _render(self) -> str:
        reason = _reason_phrase(self.status_code)
        head = f"{self.status_code} {reason}".rstrip()
        details = "; ".join(str(error) for error in self.errors)
        text = (
            f"{head}: {details}" if details else f"{head}: {self.message}" if self.message else head
        )
        if (
            details
            and self.message
            and self.message not in details
            and not _is_generic(self.message)
        ):
            text += f" ({self.message})"
        if self.note:
            text += f". {self.note}"
        return text


class BadRequestError(APIStatusError):
    """400: the server refused the request's content."""


class AuthenticationError(APIStatusError):
    """401: the API key or token is missing, wrong, disabled or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but lack the scope for this operation."""


class NotFoundError(APIStatusError):
    """404: no such resource (for campaigns: no campaign with this id in this account)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but semantically refused."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's wait in seconds, when it said."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any = None,
        errors: Iterable[FieldError] = (),
        note: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, response=response, body=body, errors=errors, note=note)


class InternalServerError(APIStatusError):
    """5xx: the server failed. For a campaign creation, the campaign may exist all the same."""


_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_REASONS = {
    499: "Client Closed Request",
    520: "Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
}


def _reason_phrase(status: int) -> str:
    return _REASONS.get(status) or httpx.codes.get_reason_phrase(status)


def _is_generic(message: str) -> bool:
    lowered = message.lower()
    return lowered in {"validation failed", "bad request", "invalid request"} or lowered.startswith(
        "validation failed"
    )


def _decode_json(response: httpx.Response) -> Any:
    # The vendor declares errors as `*/*`: try JSON whatever the content type says.
    content = response.content
    if not content or content.lstrip()[:1] not in (b"{", b"["):
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _field_error(item: ValidationError) -> FieldError:
    field = item.field
    message = item.message or item.additional_properties.get("defaultMessage") or "invalid"
    rejected = _NOT_GIVEN if isinstance(item.rejected_value, Unset) else item.rejected_value
    path = "" if field is None or isinstance(field, Unset) else str(field)
    return FieldError(path, str(message), rejected)


def _text_excerpt(response: httpx.Response) -> str:
    # A plain-text or HTML body still says something useful; keep it short and on one line.
    try:
        text = response.text
    except Exception:  # undecodable bytes: say nothing rather than fail while failing
        return ""
    if "<html" in text[:200].lower():
        return ""
    text = " ".join(text.split())
    return text[:200] + ("…" if len(text) > 200 else "")


# A Retry-After longer than this is not an instruction but a broken header (an epoch timestamp
# where seconds were meant, a number that overflows): it is ignored, like garbage.
MAX_RETRY_AFTER = 366 * 86_400.0


# RFC 9110 delay-seconds are ASCII digits; a decimal fraction is tolerated. float() alone would
# also take "1e308", "inf", "1_000" and non-ASCII digits.
# perf: "`from volubile_ext import Volubile`": compiled by the first Retry-After header read.
@functools.cache
def _delay_seconds() -> re.Pattern[str]:
    return re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,20})?")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP date), or None.

    None also when the value gives no usable wait, so that the caller backs off as it would
    without the header: garbage, a negative number, zero, an HTTP date already past, or more
    than a year (``MAX_RETRY_AFTER``).
    """
    if value is None:
        return None
    value = value.strip()
    if _delay_seconds().fullmatch(value):
        seconds = float(value)
    else:
        seconds = _seconds_until_http_date(value, now)
    if not 0 < seconds <= MAX_RETRY_AFTER:  # NaN fails too
        return None
    return seconds


def _seconds_until_http_date(value: str, now: float | None) -> float:
    from email.utils import parsedate_to_datetime

    if len(value) > 64:  # an HTTP date is 29 characters; a huge value is garbage
        return math.nan
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return math.nan
    if when.tzinfo is None:
        # "-0000" parses to a naive datetime; HTTP dates are always GMT.
        when = when.replace(tzinfo=datetime.UTC)
    import time

    current = time.time() if now is None else now
    return when.timestamp() - current


def error_from_response(response: httpx.Response, *, note: str | None = None) -> APIStatusError:
    """Map any error response to the right typed exception.

    Works for every status, documented or not (499 and 520 included), and every body:
    an ``ErrorResponse`` JSON under any content type, other JSON, plain text, HTML, or nothing.
    ``note`` is appended to the message (for instance, that a campaign may have been created).
    """
    status = response.status_code
    body = _decode_json(response)
    message = ""
    errors: list[FieldError] = []
    document = error_document(body)
    if document is not None:
        # The spec's ErrorResponse; other servers (a proxy, a framework's default) say "error"
        # or "title".
        extra = document.additional_properties
        raw_message = document.message or extra.get("error") or extra.get("title") or ""
        message = raw_message if isinstance(raw_message, str) else _shown(raw_message)
        errors = [_field_error(item) for item in document.errors or ()]
    if not message and not errors:
        message = _text_excerpt(response) if body is None else ""
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    if cls is RateLimitError:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimitError(
            message, response=response, body=body, errors=errors, note=note, retry_after=retry_after
        )
    return cls(message, response=response, body=body, errors=errors, note=note)


class AgentNotUsableError(ClientValidationError):
    """The agent named for a campaign cannot run it: there is no agent with that id, or it is
    not OUTBOUND. Raised by ``campaigns.create(..., check_agent=True)`` (and ``create_many``,
    ``create_prepared``) after its one ``GET /v1/agents/{id}``, before anything is created.

    ``agent_id`` is the id given; ``agent`` the :class:`~volubile_ext.Agent` read (None when
    there is none); ``reason`` says what is wrong.
    """

    def __init__(self, agent_id: Any, agent: Any, reason: str) -> None:
        self.agent_id = agent_id
        self.agent = agent
        self.reason = reason
        super().__init__([FieldError("agentId", reason, str(agent_id))], subject="agent")
