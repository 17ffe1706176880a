"""The values the client returns: immutable, typed, derived from the generated response models.

:class:`Campaign` is the generated ``CampaignResponse`` (``volubile_api``, through ``_wire``),
frozen: every field the spec declares is a typed attribute, so a field added to openapi.yaml is
one after regeneration, with no edit here. This module names a field only where it adds
behaviour: the fields read as library types (``TimeSlot``, ``Day``, ``RetrySettings``,
``CampaignStatus``), ``None`` when missing rather than ``UNSET``. The generated model is
lenient (our templates): unknown enum values stay plain strings, unknown fields are kept
(``extra``). A document it still refuses (an id that is not a UUID, a date that is not one) is
read field by field here instead, never failing on content; ``raw`` is the JSON as received.

A value the client returns is made lazily (:class:`LazyValue`): it holds the decoded document
and is read in full, by the generated model and the conversions here, when one of its fields is
first read. A page of a hundred calls costs its JSON decoding, not a hundred model parses.
"""

from __future__ import annotations

import copy
import datetime
import enum
import operator
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Self

import attrs
import httpx

from ._ratelimit import RateLimitInfo
from ._wire import (
    RESPONSE_PARSE_ERRORS,
    ApiTimeSlot,
    CampaignResponse,
    Retry,
    Unset,
    derived_fields_last,
)
from .campaigns._days import Day
from .campaigns._retry_settings import RetrySettings
from .campaigns._retry_settings import _trusted_retry as trusted_retry
from .campaigns._timeslots import TimeSlot

__all__ = [
    "Campaign",
    "CampaignStatus",
    "LazyValue",
    "ReadOnlyState",
    "ResponseInfo",
    "parse_campaign",
]


class CampaignStatus(enum.StrEnum):
    """A campaign's status. Values the server adds later arrive as plain strings."""

    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    CANCELLED = "CANCELLED"


_CAMPAIGN_STATUSES = {member.value: member for member in CampaignStatus}
_DAYS = {member.value: member for member in Day}


@attrs.frozen(repr=False)
class ResponseInfo:
    """What the HTTP exchange behind a result looked like.

    ``retries_taken`` counts the attempts after the first; ``elapsed`` is the whole call in
    seconds, retries and waits included; ``http_response`` is the final raw response.
    """

    status_code: int
    headers: httpx.Headers
    rate_limit: RateLimitInfo
    retries_taken: int
    elapsed: float
    http_response: httpx.Response = attrs.field(eq=False)

    def __repr__(self) -> str:
        return (
            f"ResponseInfo(status_code={self.status_code}, retries_taken={self.retries_taken}, "
            f"rate_limit={self.rate_limit!r})"
        )


# -- pickling and copying ----------------------------------------------------------------------


class ReadOnlyState:
    """Mixin of the frozen values whose fields hold read-only mappings (``extra``, and ``raw``
    once read): ``pickle``, ``copy.copy`` and ``copy.deepcopy`` of such a value work.

    ``pickle`` cannot write a ``MappingProxyType``: each such field travels as a plain dict and
    is read-only again in the value restored. A pickled value leaves its ``response`` behind
    (None when restored): the HTTP exchange belongs to the process that made it, and its request
    carries the credentials. Copies keep it (the same object). A lazy value is read in full
    first: its fields are what is copied.
    """

    __slots__ = ()

    def _fields(self) -> list[str]:
        cls: Any = type(self)  # an attrs class: the mixin is only used by them
        return [field.name for field in attrs.fields(cls)]

    def __reduce__(self) -> tuple[Any, ...]:
        state: dict[str, Any] = {}
        read_only_names: list[str] = []
        for name in self._fields():
            value = getattr(self, name)
            if name == "response":
                value = None
            elif type(value) is MappingProxyType:
                value = dict(value)
                read_only_names.append(name)
            state[name] = value
        return (_restored, (type(self), state, tuple(read_only_names)))

    def __copy__(self) -> Self:
        copied: Self = object.__new__(type(self))
        for name in self._fields():
            object.__setattr__(copied, name, getattr(self, name))
        return copied

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        copied: Self = object.__new__(type(self))
        memo[id(self)] = copied
        for name in self._fields():
            value = getattr(self, name)
            if type(value) is MappingProxyType:
                value = MappingProxyType(copy.deepcopy(dict(value), memo))
            elif name != "response":
                value = copy.deepcopy(value, memo)
            object.__setattr__(copied, name, value)
        return copied


def _restored(cls: type, state: dict[str, Any], read_only_names: tuple[str, ...]) -> Any:
    """A value of ``cls`` from what :meth:`ReadOnlyState.__reduce__` gave."""
    value: Any = object.__new__(cls)
    for name, item in state.items():
        object.__setattr__(value, name, MappingProxyType(item) if name in read_only_names else item)
    return value


# -- values read when first used ---------------------------------------------------------------

# perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`" and "sync
# `campaigns.get` vs raw httpx" (scripts/bench.py). Reading a page of 100 calls into generated
# models and then into our values costs about twice the request itself; most programs read a
# few fields of a few calls, or none (the pager's figures, a campaign's id they already know).
# Serialised by one lock: a fill is short (tens of µs, under the GIL anyway), and two threads
# reading one value at once must not read it twice.
_FILL_LOCK = threading.RLock()


class _Layout:
    """What filling a lazy value of one class writes: every attrs field but ``response`` (which
    it was made with), the last one written (``marker``) saying it is done."""

    __slots__ = ("copied", "marker", "names", "values_of")

    def __init__(self, cls: type) -> None:
        self.names = frozenset(field.name for field in attrs.fields(cls))
        self.copied = tuple(field.name for field in attrs.fields(cls) if field.name != "response")
        self.marker = self.copied[-1]
        # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`": the copied
        # fields of the eager value in one C call (a value read in full copies twenty).
        self.values_of = operator.attrgetter(*self.copied)


_LAYOUTS: dict[type, _Layout] = {}


class LazyValue(ReadOnlyState):
    """Mixin of the values read from a JSON document: made holding the document only, read in
    full when a field is first read.

    :meth:`_lazy` makes a value with its ``_raw`` and ``response`` fields set and every other
    slot empty (:meth:`_lazy_many`, a page's items, leaves ``response`` empty too: it reads as
    None). Reading an empty slot raises AttributeError, which reaches ``__getattr__``: the
    value is then read in full, once, by the class's :meth:`_read_in_full` (the generated
    model's ``from_dict`` and this library's conversions: what an eager read does), and its
    slots filled from that result. Everything that reads fields (``==``, ``hash``, ``repr``,
    ``to_dict()``, ``attrs.evolve``, copying and pickling) therefore sees the same value as
    one read eagerly; a value made by the class's own ``__init__`` is never lazy.

    Subclasses are attrs classes with ``_raw`` and ``response`` fields. Until it is filled, a
    lazy value's ``_raw`` is the decoded dict itself (``raw`` shows it read-only); filled, the
    eager read's read-only copy.
    """

    __slots__ = ()

    _raw: Mapping[str, Any] | None
    response: ResponseInfo | None

    @classmethod
    def _lazy(cls, raw: Mapping[str, Any], response: ResponseInfo | None) -> Self:
        """A value of the JSON object ``raw``, to be read when first used. ``raw`` is kept as it
        is until then: the caller does not change it afterwards."""
        value = object.__new__(cls)
        object.__setattr__(value, "_raw", raw)
        object.__setattr__(value, "response", response)
        return value

    @classmethod
    def _lazy_many(cls, documents: Iterable[Any], other: Callable[[Any], Self]) -> list[Self]:
        """:meth:`_lazy` of each JSON object of a page (``response`` None: the page has it);
        anything else (not an object) read at once by ``other``."""
        # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`": a hundred
        # values per page, made in one loop with its names bound (not a call of _lazy() each).
        # Their ``response`` slot is left empty: __getattr__ reads it as None.
        new, set_ = object.__new__, object.__setattr__
        values: list[Self] = []
        append = values.append
        for document in documents:
            if type(document) is dict:
                value = new(cls)
                set_(value, "_raw", document)
                append(value)
            else:
                append(other(document))
        return values

    @classmethod
    def _read_in_full(cls, document: Mapping[str, Any], response: ResponseInfo | None) -> Self:
        """The value of ``document`` with every field read (the class's lenient parser)."""
        raise NotImplementedError

    if not TYPE_CHECKING:
        # Not seen by type checkers: a class __getattr__ would make every misspelt name of a
        # value type-check.
        def __getattr__(self, name: str) -> Any:
            # Called only when the usual lookup failed: for a field, its slot is still empty.
            cls = type(self)
            layout = _LAYOUTS.get(cls)
            if layout is None:
                layout = _LAYOUTS[cls] = _Layout(cls)
            if name not in layout.names:
                raise AttributeError(
                    f"{cls.__name__!r} object has no attribute {name!r}", name=name, obj=self
                )
            if name == "response":  # made by _lazy_many: a page's item has none of its own
                object.__setattr__(self, "response", None)
                return None
            with _FILL_LOCK:
                try:
                    object.__getattribute__(self, layout.marker)
                except AttributeError:
                    self._fill(layout)
            return object.__getattribute__(self, name)

    def _fill(self, layout: _Layout) -> None:
        full = self._read_in_full(self._raw or {}, self.response)
        set_ = object.__setattr__
        for name, value in zip(layout.copied, layout.values_of(full), strict=True):
            set_(self, name, value)


@attrs.frozen(repr=False, field_transformer=derived_fields_last)
class Campaign(LazyValue, CampaignResponse):
    """A campaign as the server described it.

    ``status`` is a :class:`CampaignStatus` when known, otherwise the server's string; the same
    goes for ``days`` (:class:`Day` or string). Fields the server did not send are ``None``
    (or empty). Every other field of the spec's ``CampaignResponse`` is an attribute as the
    generated model reads it (``UNSET`` when not sent). ``extra`` holds fields the spec does not
    declare, ``raw`` the JSON document as received, and ``response`` the HTTP details (status,
    headers, rate limit).
    """

    # The fields this library reads as its own types; the others come from CampaignResponse.
    id: uuid.UUID | str | None = None  # type: ignore[assignment]
    name: str | None = None  # type: ignore[assignment]
    agent_id: uuid.UUID | str | None = None  # type: ignore[assignment]
    start_date: datetime.date | None = None  # type: ignore[assignment]
    time_slots: tuple[TimeSlot, ...] = ()  # type: ignore[assignment]
    batch_size: int | None = None  # type: ignore[assignment]
    retry: RetrySettings | None = None  # type: ignore[assignment]
    days: tuple[Day | str, ...] = ()  # type: ignore[assignment]
    status: CampaignStatus | str | None = None  # type: ignore[assignment]
    timezone: str | None = None  # type: ignore[assignment]
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    _raw: Mapping[str, Any] | None = attrs.field(default=None, alias="raw", repr=False, eq=False)
    response: ResponseInfo | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def raw(self) -> Mapping[str, Any]:
        """The JSON document as received (read again from the response when not kept)."""
        if self._raw is not None:
            return read_only(self._raw)
        if self.response is None:
            return MappingProxyType({})
        return _raw_document(self.response.http_response.json())

    @classmethod
    def _read_in_full(cls, document: Mapping[str, Any], response: ResponseInfo | None) -> Self:
        campaign: Self = parse_campaign(document, response)  # type: ignore[assignment]
        return campaign

    @property
    def is_known_status(self) -> bool:
        """False when the server sent a status this library does not know."""
        return isinstance(self.status, CampaignStatus)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{field.name}={getattr(self, field.name)!r}"
            for field in _SHOWN_FIELDS
            if not isinstance(getattr(self, field.name), Unset)
        )
        return f"Campaign({shown})"


# The attributes Campaign takes as the generated model reads them: whatever the spec declares
# beyond the fields named above, known without naming them.
_DERIVED = tuple(
    field.name
    for field in attrs.fields(CampaignResponse)
    if field.init and field.name not in Campaign.__annotations__
)
_SHOWN_FIELDS = tuple(
    field
    for field in attrs.fields(Campaign)
    if field.repr and field.name != "additional_properties"
)
# The JSON names of the fields read above, for a document the generated model refused.
_NAMED_KEYS = frozenset(
    {"id", "name", "agentId", "startDate", "timeSlots", "batchSize", "retry", "days"}
    | {"status", "timezone"}
)


def read_only(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """``document`` as ``raw`` shows it: read-only (a lazy value keeps the decoded dict itself
    until it is read in full)."""
    return MappingProxyType(document) if type(document) is dict else document


def _raw_document(document: Any) -> Mapping[str, Any]:
    return MappingProxyType(dict(document)) if isinstance(document, Mapping) else {"": document}


def _uuid_or_text(value: Any) -> uuid.UUID | str | None:
    if value is None or isinstance(value, Unset):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return str(value)


def _date_or_none(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py). Responses repeat the slots a
# client sent; a TimeSlot is immutable, so each distinct (start, end) text is read once and
# shared. Fed by the server, hence bounded (emptied when full: a miss only costs a parse).
_MEMO_SIZE = 512
_slots: dict[tuple[str, str], TimeSlot] = {}


def _time_slot(item: Any) -> TimeSlot:
    start: object
    end: object
    if isinstance(item, ApiTimeSlot):
        start, end = item.start_time, item.end_time
    elif isinstance(item, Mapping):
        start, end = item.get("startTime"), item.get("endTime")
    else:
        return TimeSlot.parse(item)
    if not (type(start) is str and type(end) is str):
        return TimeSlot.parse(item)
    slot = _slots.get((start, end))
    if slot is None:
        slot = TimeSlot.parse(item)
        if len(_slots) >= _MEMO_SIZE:
            _slots.clear()
        _slots[start, end] = slot
    return slot


def _time_slots(value: Any) -> tuple[TimeSlot, ...]:
    if not isinstance(value, list):
        return ()
    slots = []
    for item in value:
        try:
            slots.append(_time_slot(item))
        except (TypeError, ValueError, KeyError, AttributeError):
            continue  # unparseable slots stay visible in Campaign.raw
    return tuple(slots)


def _retry(value: Any) -> RetrySettings | None:
    max_: object
    delay: object
    retry_on: object
    if type(value) is Retry:
        # perf: "sync `campaigns.get` vs raw httpx": the generated model's usual types, as they
        # are (see campaign_from_model).
        max_, delay, retry_on = value.max_, value.delay, value.retry_on
        if type(max_) is int and type(delay) is int and type(retry_on) is list:
            return trusted_retry(max_, delay, tuple(map(str, retry_on)))
    elif isinstance(value, Retry):
        max_, delay, retry_on = value.max_, value.delay, value.retry_on
    elif isinstance(value, Mapping):
        max_, delay, retry_on = value.get("max"), value.get("delay"), value.get("retryOn")
    else:
        return None
    # What the server reports is shown as it is, not judged by the rules for sending.
    return trusted_retry(
        _int_or_none(max_) or 0,
        _int_or_none(delay),
        tuple([str(item) for item in retry_on]) if isinstance(retry_on, list) else (),
    )


def _days(value: Any) -> tuple[Day | str, ...]:
    if not isinstance(value, list):
        return ()
    # A DayOfWeek member is a str equal to its value: it finds its Day directly.
    return tuple([_DAYS.get(day, day) for day in value if isinstance(day, str)])


def _status(value: Any) -> CampaignStatus | str | None:
    if not isinstance(value, str):
        return None
    # The generated model's CampaignStatus is a StrEnum: its members are found by their text
    # (and one this library does not know becomes that text), with no Enum.value lookup.
    member = _CAMPAIGN_STATUSES.get(value)
    return member if member is not None else str(value)


def campaign_from_model(
    model: CampaignResponse,
    response: ResponseInfo | None = None,
    *,
    raw: Mapping[str, Any] | None = None,
) -> Campaign:
    """The :class:`Campaign` of a generated ``CampaignResponse``, with its HTTP details."""
    # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): a field in the type the
    # generated model reads it as is taken as it is, after a check of its exact type; anything
    # else (UNSET, or a value of another type) goes through the lenient helpers.
    id_, name, agent_id = model.id, model.name, model.agent_id
    start_date, batch_size, timezone = model.start_date, model.batch_size, model.timezone
    return Campaign(
        id=id_ if type(id_) is uuid.UUID else _uuid_or_text(id_),
        name=name if type(name) is str else _str_or_none(name),
        agent_id=agent_id if type(agent_id) is uuid.UUID else _uuid_or_text(agent_id),
        start_date=start_date if type(start_date) is datetime.date else _date_or_none(start_date),
        time_slots=_time_slots(model.time_slots),
        batch_size=batch_size if type(batch_size) is int else _int_or_none(batch_size),
        retry=_retry(model.retry),
        days=_days(model.days),
        status=_status(model.status),
        timezone=timezone if type(timezone) is str else _str_or_none(timezone),
        extra=MappingProxyType(model.additional_properties),
        raw=raw,
        response=response,
        **{field: getattr(model, field) for field in _DERIVED},
    )


def parse_campaign(document: Any, response: ResponseInfo | None = None) -> Campaign:
    """Build a :class:`Campaign` from a CampaignResponse JSON document, never failing on content.

    A document that is not a JSON object gives a campaign with every field ``None`` and the
    document in ``raw``; the caller decides whether that is an error.
    """
    if not isinstance(document, Mapping):
        return Campaign(raw={"": document}, response=response)
    raw = _raw_document(document)
    try:
        return campaign_from_model(CampaignResponse.from_dict(document), response, raw=raw)
    except RESPONSE_PARSE_ERRORS:
        pass
    # The generated model refused a value: the fields named here are read one by one, the
    # others by the model on their own (or, when it refuses them too, kept in extra).
    others = {key: value for key, value in document.items() if key not in _NAMED_KEYS}
    try:
        rest = CampaignResponse.from_dict(others)
    except RESPONSE_PARSE_ERRORS:
        rest = CampaignResponse()
        rest.additional_properties = others
    return Campaign(
        id=_uuid_or_text(document.get("id")),
        name=_str_or_none(document.get("name")),
        agent_id=_uuid_or_text(document.get("agentId")),
        start_date=_date_or_none(document.get("startDate")),
        time_slots=_time_slots(document.get("timeSlots")),
        batch_size=_int_or_none(document.get("batchSize")),
        retry=_retry(document.get("retry")),
        days=_days(document.get("days")),
        status=_status(document.get("status")),
        timezone=_str_or_none(document.get("timezone")),
        extra=MappingProxyType(rest.additional_properties),
        raw=raw,
        response=response,
        **{name: getattr(rest, name) for name in _DERIVED},
    )
