"""Query strings for the sandbox's list operations, read strictly: each problem is a FieldError.

A query string is client input like a body, so it is read with the same care: a parameter
named twice (which of the two did the client mean? two parsers disagree), a malformed percent
escape, bytes that are not UTF-8, control characters, a number of 5,000 digits, an unknown
parameter name (most often a client's typo, ``agent_id`` for ``agentId``: silently ignored, it
would widen the result without a word) are all refused with 400 and the parameter's name.
The limits and patterns come from openapi.yaml through ``volubile_api._spec``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any, Final

import attrs

from .._errors import FieldError
from .._wire import spec as _spec
from ..campaigns._recipients import is_e164, phone_problem

__all__ = [
    "AGENT_PAGE",
    "CALL_PAGE",
    "CALL_SORT_PROPERTIES",
    "CallFilters",
    "Paging",
    "QueryError",
    "parse_agent_query",
    "parse_call_query",
    "parse_query",
    "spec_names",
]

#: How many parameters a query string may hold (the API's longest list takes eight).
MAX_PARAMETERS: Final = 32
# The largest value a format: int32 parameter can hold.
_INT32_MAX: Final = 2**31 - 1
_DIGITS = re.compile(r"[0-9]+")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SHOWN = 100


class QueryError(Exception):
    """The query string is refused: ``errors`` says which parameter and why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"


def _decode(raw: str, what: str) -> str:
    if _BAD_ESCAPE.search(raw):
        raise QueryError([FieldError(what, "malformed percent escape", _shown(raw))])
    text = raw.replace("+", " ")
    try:
        decoded = _percent_decode(text)
    except UnicodeDecodeError:
        raise QueryError(
            [FieldError(what, "not UTF-8 once percent-decoded", _shown(raw))]
        ) from None
    if _CONTROL.search(decoded):
        raise QueryError([FieldError(what, "control characters are not allowed", _shown(raw))])
    return decoded


def _percent_decode(text: str) -> str:
    # urllib's unquote replaces bytes that are not UTF-8 with U+FFFD; here they are refused.
    out = bytearray()
    index = 0
    encoded = text.encode("utf-8")
    while index < len(encoded):
        byte = encoded[index]
        if byte == 0x25:  # "%", followed by two hex digits (checked by the caller)
            out.append(int(encoded[index + 1 : index + 3], 16))
            index += 3
        else:
            out.append(byte)
            index += 1
    return out.decode("utf-8")


def parse_query(query: str, allowed: tuple[str, ...]) -> dict[str, str]:
    """The parameters of ``query``, decoded; raises :class:`QueryError` for a parameter named
    twice or not in ``allowed``, a malformed escape, non-UTF-8 bytes, control characters, or
    more than :data:`MAX_PARAMETERS` parameters. Empty pieces (``a=1&&b=2``) are skipped."""
    pieces = [piece for piece in query.split("&") if piece]
    if len(pieces) > MAX_PARAMETERS:
        raise QueryError(
            [FieldError("", f"at most {MAX_PARAMETERS} query parameters, got {len(pieces)}")]
        )
    found: dict[str, str] = {}
    errors: list[FieldError] = []
    for piece in pieces:
        raw_name, _, raw_value = piece.partition("=")
        try:
            name = _decode(raw_name, "(parameter name)")
            value = _decode(raw_value, name)
        except QueryError as refused:
            errors.extend(refused.errors)
            continue
        if name not in allowed:
            errors.append(
                FieldError(_shown(name), f"unknown query parameter (expected {', '.join(allowed)})")
            )
        elif name in found:
            errors.append(FieldError(name, "given more than once: give it once", _shown(value)))
        else:
            found[name] = value
    if errors:
        raise QueryError(errors)
    return found


def _whole_number(
    name: str, text: str, minimum: int, maximum: int, errors: list[FieldError]
) -> int | None:
    # ASCII digits only: int() would take "+5", " 5", "1_0" and "٥"; and a text of thousands
    # of digits is compared by its length before int() (which would raise on it) is called.
    significant = text.lstrip("0") or "0"
    if (
        not _DIGITS.fullmatch(text)
        or len(significant) > len(str(maximum))
        or not minimum <= int(significant) <= maximum
    ):
        errors.append(
            FieldError(name, f"must be a whole number from {minimum} to {maximum}", _shown(text))
        )
        return None
    return int(significant)


@attrs.frozen
class Paging:
    """A page request: ``page`` from 1, ``size`` items per page."""

    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@attrs.frozen
class _PageSpec:
    """The page and size parameters of one list operation, as openapi.yaml states them."""

    first_page: int
    default_page: int
    min_size: int
    max_size: int
    default_size: int

    @classmethod
    def of(cls, parameters: Any) -> _PageSpec:
        return cls(
            first_page=parameters.page.minimum,
            default_page=parameters.page.default,
            min_size=parameters.size.minimum,
            max_size=parameters.size.maximum,
            default_size=parameters.size.default,
        )

    def read(self, found: Mapping[str, str], errors: list[FieldError]) -> Paging | None:
        page: int | None = self.default_page
        size: int | None = self.default_size
        if "page" in found:
            page = _whole_number("page", found["page"], self.first_page, _INT32_MAX, errors)
        if "size" in found:
            size = _whole_number("size", found["size"], self.min_size, self.max_size, errors)
        if page is None or size is None:
            return None
        return Paging(page, size)


AGENT_PAGE: Final = _PageSpec.of(_spec.operations.listAgents.parameters)
CALL_PAGE: Final = _PageSpec.of(_spec.operations.listCalls.parameters)


def spec_names(namespace: type, *, types: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The JSON names of the properties (or parameters) of a class of the spec table, in the
    spec's order; with ``types``, only those of these JSON types."""
    members: list[Any] = [value for value in vars(namespace).values() if isinstance(value, type)]
    return tuple(
        member.name for member in members if types is None or getattr(member, "type", None) in types
    )


_CALL_PARAMETERS = _spec.operations.listCalls.parameters
_CALL_NAMES: Final = spec_names(_CALL_PARAMETERS)
_AGENT_NAMES: Final = spec_names(_spec.operations.listAgents.parameters)
_SORT = re.compile(_CALL_PARAMETERS.sort.pattern)
#: The properties a call list can be sorted by: the scalar fields of CallResponse.
CALL_SORT_PROPERTIES: Final = spec_names(_spec.CallResponse, types=("string", "integer", "boolean"))
#: Newest first, as a dashboard lists calls (the API's default order is not documented).
DEFAULT_CALL_SORT: Final = ("created", "DESC")


@attrs.frozen
class CallFilters:
    """What ``GET /v1/calls`` asked for, checked."""

    paging: Paging
    agent_id: str | None = None
    phone: str | None = None
    campaign: str | None = None
    date_from: _dt.date | None = None
    date_to: _dt.date | None = None
    sort: tuple[str, str] = DEFAULT_CALL_SORT


def parse_agent_query(query: str) -> Paging:
    """The paging of ``GET /v1/agents``; raises :class:`QueryError`."""
    found = parse_query(query, _AGENT_NAMES)
    errors: list[FieldError] = []
    paging = AGENT_PAGE.read(found, errors)
    if errors or paging is None:
        raise QueryError(errors)
    return paging


def _date(name: str, text: str, errors: list[FieldError]) -> _dt.date | None:
    try:
        if _DATE.fullmatch(text):
            return _dt.date.fromisoformat(text)
    except ValueError:
        pass
    errors.append(FieldError(name, "must be a date in the form YYYY-MM-DD", _shown(text)))
    return None


def parse_call_query(query: str) -> CallFilters:
    """The filters, paging and sort of ``GET /v1/calls``; raises :class:`QueryError` with
    every problem found."""
    found = parse_query(query, _CALL_NAMES)
    errors: list[FieldError] = []
    paging = CALL_PAGE.read(found, errors)
    agent_id = found.get("agentId")
    if agent_id is not None and not _UUID.fullmatch(agent_id):
        errors.append(FieldError("agentId", "must be a UUID", _shown(agent_id)))
    phone = found.get("phone")
    if phone is not None and not is_e164(phone):
        errors.append(FieldError("phone", phone_problem(phone) or "must be E.164", _shown(phone)))
    campaign = found.get("campaign")
    low, high = _CALL_PARAMETERS.campaign.minLength, _CALL_PARAMETERS.campaign.maxLength
    if campaign is not None and not low <= len(campaign) <= high:
        errors.append(
            FieldError("campaign", f"must be {low} to {high} characters long", _shown(campaign))
        )
    date_from = _date("from", found["from"], errors) if "from" in found else None
    date_to = _date("to", found["to"], errors) if "to" in found else None
    if ("from" in found) != ("to" in found):
        given, missing = ("from", "to") if "from" in found else ("to", "from")
        errors.append(FieldError(missing, f"is required when '{given}' is given (give both)"))
    elif date_from is not None and date_to is not None and date_from > date_to:
        errors.append(
            FieldError("from", f"must not be after 'to' ({date_to.isoformat()})", found["from"])
        )
    sort = DEFAULT_CALL_SORT
    if "sort" in found:
        text = found["sort"]
        prop, _, direction = text.partition(",")
        if not _SORT.fullmatch(text):
            errors.append(
                FieldError("sort", "must be <property>,ASC or <property>,DESC", _shown(text))
            )
        elif prop not in CALL_SORT_PROPERTIES:
            errors.append(
                FieldError(
                    "sort",
                    f"cannot sort by {prop}; sortable: {', '.join(CALL_SORT_PROPERTIES)}",
                    _shown(text),
                )
            )
        else:
            sort = (prop, direction)
    if errors or paging is None:
        raise QueryError(errors)
    return CallFilters(
        paging=paging,
        agent_id=agent_id.lower() if agent_id is not None else None,
        phone=phone,
        campaign=campaign,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
    )
