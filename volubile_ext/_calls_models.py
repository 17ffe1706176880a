"""Agents, calls, transcripts, recordings and pages: the values ``client.agents`` and
``client.calls`` return.

Each value is the generated response model (``volubile_api``, through ``_wire``) frozen, as
:class:`~volubile_ext.Campaign` is: every field the spec declares is an attribute under the
generated Python name, so a field added to openapi.yaml is one after regeneration with no edit
here. The fields named below are the ones read as library types (``None`` rather than ``UNSET``
when missing, tuples of typed values for the extractors and classifiers, plain dicts for the
flattened forms and the context); the others are the generated model's values as it reads them.
Enums are open: a value the server adds later stays a plain string. Fields the spec does not
declare are kept in ``extra``, the JSON document as received in ``raw``.

Times are timezone-aware ``datetime``: the generated models read a date-time without an offset
as UTC (the spec says "UTC time") and leave one that is not a date-time UNSET here ``None``, its
text still in ``raw`` (``scripts/templates/property_templates/datetime_property.py.jinja``). A
document whose other values the generated model refuses (an id that is not a UUID, a context
that is not an object) is still read: the refused fields alone are read leniently, never
failing a page of a hundred calls for one odd value.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Generic, Self, TypeVar, cast, overload

import attrs

from ._models import (
    LazyValue,
    ReadOnlyState,
    ResponseInfo,
    _int_or_none,
    _raw_document,
    _str_or_none,
    _uuid_or_text,
    read_only,
)
from ._wire import (
    RESPONSE_PARSE_ERRORS,
    AgentResponse,
    CallResponse,
    CallStatus,
    ClassifierResult,
    ClassifierType,
    Direction,
    ExtractorResult,
    TranscriptAction,
    TranscriptActor,
    TranscriptResponse,
    Unset,
    derived_fields_last,
    spec,
)

__all__ = [
    "Agent",
    "Call",
    "CallStatus",
    "Classifier",
    "ClassifierType",
    "Direction",
    "Extractor",
    "Page",
    "Recording",
    "Transcript",
    "TranscriptAction",
    "TranscriptActor",
    "TranscriptEntry",
    "call_from_model",
    "parse_agent",
    "parse_call",
    "parse_transcript",
]

# The generated enums are the library's (one list of values, the spec's): documented here, as
# the generator writes no docstring for an enum. Values not listed arrive as plain strings.
_ENUM_DOCS = {
    CallStatus: "A call's status",
    Direction: "Which way an agent's (or a call's) calls go",
    ClassifierType: "A classifier's rank",
    TranscriptAction: "What a transcript entry records",
    TranscriptActor: "Who acted in a transcript entry",
}
for _enum, _what in _ENUM_DOCS.items():
    _enum.__doc__ = (
        f"{_what}: {', '.join(_enum)} (the spec's values). Values the server adds later "
        "arrive as plain strings."
    )

T = TypeVar("T")
_Convert = Callable[[Any], Any]


# -- reading one document leniently ------------------------------------------------------------


def _json_names(table: type) -> dict[str, str]:
    """Python attribute name -> JSON name, for a schema of the spec table."""
    return {
        item.python_name: item.name
        for item in vars(table).values()
        if hasattr(item, "python_name") and hasattr(item, "name")
    }


def _read_model(model_cls: Any, document: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The generated model of ``document``, and the fields it refused (JSON name: value).

    The usual document is read in one ``from_dict``. When that fails, each field is tried on
    its own: those refused are left out of the model (and returned), the rest read as usual.
    """
    try:
        return model_cls.from_dict(document), {}
    except RESPONSE_PARSE_ERRORS:
        pass
    refused: dict[str, Any] = {}
    for key, value in document.items():
        try:
            model_cls.from_dict({key: value})
        except RESPONSE_PARSE_ERRORS:
            refused[key] = value
    rest = {key: value for key, value in document.items() if key not in refused}
    try:
        return model_cls.from_dict(rest), refused
    except RESPONSE_PARSE_ERRORS:  # fields fine alone but not together: keep them as extra
        model = model_cls()
        model.additional_properties = rest
        return model, refused


class _NoFastType:
    """The ``clean`` type of a field that has none: no value is of this type."""


_NO_FAST_TYPE = _NoFastType


class _Reader:
    """How one derived class is built from its generated model: converters for the named fields.

    ``converters`` read a named field from the generated model's value (or, for a field the
    model refused, from the JSON value): both forms. ``raw_fields`` are read from the JSON
    document directly (plain JSON is what they give: the context, the flattened forms).
    """

    def __init__(
        self,
        value_cls: type,
        model_cls: type,
        table: type,
        converters: Mapping[str, _Convert],
        *,
        raw_fields: Mapping[str, _Convert] = MappingProxyType({}),
        clean: Mapping[str, type] = MappingProxyType({}),
    ) -> None:
        names = _json_names(table)
        self.value_cls = value_cls
        self.model_cls = model_cls
        self.converters = {name: (names[name], convert) for name, convert in converters.items()}
        # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`"
        # (scripts/bench.py). A named field whose generated value is exactly of its ``clean``
        # type is what its converter would return unchanged (a UUID, a known enum member, an
        # aware datetime: the generated models make every date-time aware), so from_model takes
        # it as it is, with one `type(x) is T` test instead of a converter call.
        self.fast = tuple(
            (name, clean.get(name, _NO_FAST_TYPE), convert)
            for name, (_, convert) in self.converters.items()
        )
        self.raw_fields = {name: (names[name], convert) for name, convert in raw_fields.items()}
        own = set(converters) | set(raw_fields)
        # Whatever the spec declares beyond the named fields, known without naming it.
        self.derived = tuple(
            field.name for field in attrs.fields(model_cls) if field.init and field.name not in own
        )

    def values(self, document: Mapping[str, Any]) -> dict[str, Any]:
        model, refused = _read_model(self.model_cls, document)
        return self._values(model, document, refused)

    def _values(
        self, model: Any, document: Mapping[str, Any], refused: Mapping[str, Any]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if refused:
            for name, (key, convert) in self.converters.items():
                values[name] = convert(refused[key] if key in refused else getattr(model, name))
        else:
            for name, clean, convert in self.fast:
                value = getattr(model, name)
                values[name] = value if type(value) is clean else convert(value)
        for name, (key, convert) in self.raw_fields.items():
            values[name] = convert(document.get(key))
        for name in self.derived:
            values[name] = getattr(model, name)
        values["extra"] = MappingProxyType(model.additional_properties)
        return values

    def from_model(
        self, model: Any, document: Mapping[str, Any], response: ResponseInfo | None = None
    ) -> Any:
        """The value of a generated model already read from ``document``."""
        return self.value_cls(
            **self._values(model, document, {}), raw=_raw_document(document), response=response
        )

    def read(self, document: Any, response: ResponseInfo | None = None) -> Any:
        if not isinstance(document, Mapping):
            return self.value_cls(raw={"": document}, response=response)
        return self.value_cls(
            **self.values(document), raw=_raw_document(document), response=response
        )


def _open_enum(enum_cls: type[enum.StrEnum]) -> _Convert:
    members = {member.value: member for member in enum_cls}

    def convert(value: Any) -> Any:
        if not isinstance(value, str):
            return None
        return members.get(str(value), str(value))

    return convert


def _bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _aware(value: Any) -> datetime.datetime | None:
    if not isinstance(value, datetime.datetime):
        return None  # UNSET, or a value the generated model could not read (kept in raw)
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


def _plain_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _shown_repr(value: Any, fields: Sequence[attrs.Attribute[Any]]) -> str:
    shown = ", ".join(
        f"{field.name}={getattr(value, field.name)!r}"
        for field in fields
        if _shown(getattr(value, field.name))
    )
    return f"{type(value).__name__}({shown})"


def _shown(value: object) -> bool:
    # Not shown: what was not sent, and nested generated models (an agent's configuration),
    # which would drown the rest; they are attributes all the same.
    if value is None or isinstance(value, Unset) or value in ((), {}):
        return False
    return not hasattr(value, "additional_properties")


def _shown_fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    return tuple(
        field for field in attrs.fields(cls) if field.repr and field.name != "additional_properties"
    )


class _Document:
    """``raw``, ``extra`` and ``response``: what every value read from a document keeps."""

    __slots__ = ()
    _raw: Mapping[str, Any] | None
    response: ResponseInfo | None

    @property
    def raw(self) -> Mapping[str, Any]:
        """The JSON document as received."""
        return read_only(self._raw) if self._raw is not None else MappingProxyType({})


# -- extractors and classifiers ----------------------------------------------------------------


@attrs.frozen(repr=False, field_transformer=derived_fields_last)
class Extractor(ReadOnlyState, ExtractorResult):
    """One extractor's result: ``name`` and ``value``, a tuple of strings or nested extractors."""

    name: str | None = None  # type: ignore[assignment]
    value: tuple[Extractor | str, ...] = ()  # type: ignore[assignment]
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def flattened(self) -> Any:
        """The value in the flattened form of ``Call.extracted_data``: a nested extractor list
        becomes an object; one string stays a string; several a list."""
        if self.value and all(isinstance(item, Extractor) for item in self.value):
            return _flatten_extractors(item for item in self.value if isinstance(item, Extractor))
        texts = [item for item in self.value if isinstance(item, str)]
        return texts[0] if len(texts) == 1 else texts

    def __repr__(self) -> str:
        return f"Extractor(name={self.name!r}, value={self.value!r})"


def _extractor(item: Any) -> Extractor | None:
    if type(item) is ExtractorResult:
        value = item.value
        if type(value) is list and all(type(entry) is str for entry in value):
            # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`": the
            # usual result (a name and a list of strings) built at once, without the walk
            # through nested extractors below.
            name = item.name
            return Extractor(
                name=name if type(name) is str else None,
                value=tuple(cast("list[str]", value)),
                extra=MappingProxyType(item.additional_properties),
            )
    if isinstance(item, Mapping):
        item, _ = _read_model(ExtractorResult, item)
    if not isinstance(item, ExtractorResult):
        return None
    if isinstance(item, Extractor):
        return item
    value = item.value
    if isinstance(value, str):
        value = [value]  # one string sent bare: it means a list of one
    return Extractor(
        name=_str_or_none(item.name),
        value=tuple(
            converted
            for converted in (
                entry if isinstance(entry, str) else _extractor(entry)
                for entry in (value if isinstance(value, list) else ())
            )
            if converted is not None
        ),
        extra=MappingProxyType(item.additional_properties),
    )


def _extractors(value: Any) -> tuple[Extractor, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in map(_extractor, value) if item is not None)


def _flatten_extractors(extractors: Iterator[Extractor] | Sequence[Extractor]) -> dict[str, Any]:
    return {item.name: item.flattened() for item in extractors if item.name is not None}


_CLASSIFIER_TYPE = _open_enum(ClassifierType)


@attrs.frozen(repr=False, field_transformer=derived_fields_last)
class Classifier(ReadOnlyState, ClassifierResult):
    """One classifier's result: the category (``name``), the class found (``value``) and its
    ``type_`` (:class:`ClassifierType`, PRIMARY or SECONDARY, or the server's string)."""

    name: str | None = None  # type: ignore[assignment]
    value: str | None = None  # type: ignore[assignment]
    type_: ClassifierType | str | None = None  # type: ignore[assignment]
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def __repr__(self) -> str:
        return f"Classifier(name={self.name!r}, value={self.value!r}, type_={self.type_!r})"


def _classifier(item: Any) -> Classifier | None:
    if type(item) is ClassifierResult:
        name, value, type_ = item.name, item.value, item.type_
        if type(name) is str and type(value) is str and type(type_) is ClassifierType:
            # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`": the
            # usual result, every value read cleanly by the generated model, taken as it is.
            return Classifier(
                name=name,
                value=value,
                type_=type_,
                extra=MappingProxyType(item.additional_properties),
            )
    if isinstance(item, Mapping):
        item, _ = _read_model(ClassifierResult, item)
    if not isinstance(item, ClassifierResult):
        return None
    if isinstance(item, Classifier):
        return item
    return Classifier(
        name=_str_or_none(item.name),
        value=_str_or_none(item.value),
        type_=_CLASSIFIER_TYPE(item.type_),
        extra=MappingProxyType(item.additional_properties),
    )


def _classifiers(value: Any) -> tuple[Classifier, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in map(_classifier, value) if item is not None)


# -- agents ------------------------------------------------------------------------------------


@attrs.frozen(repr=False, field_transformer=derived_fields_last)
class Agent(_Document, LazyValue, AgentResponse):
    """An agent as the server described it.

    ``type_`` is a :class:`Direction` (INBOUND, OUTBOUND) when known, else the server's string;
    ``is_outbound`` says whether campaigns and calls can use it. ``configuration`` (its
    extractor and classifier definitions) and ``telephony_configuration`` are the generated
    models, ``UNSET`` when not sent.
    """

    id: uuid.UUID | str | None = None  # type: ignore[assignment]
    name: str | None = None  # type: ignore[assignment]
    type_: Direction | str | None = None  # type: ignore[assignment]
    active: bool | None = None  # type: ignore[assignment]
    recordable: bool | None = None  # type: ignore[assignment]
    archived: bool | None = None  # type: ignore[assignment]
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    _raw: Mapping[str, Any] | None = attrs.field(default=None, alias="raw", repr=False, eq=False)
    response: ResponseInfo | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Agent:
        """The agent of one ``AgentResponse`` JSON document, never failing on content."""
        return parse_agent(document)

    @classmethod
    def _read_in_full(cls, document: Mapping[str, Any], response: ResponseInfo | None) -> Self:
        agent: Self = _AGENT_READER.read(document, response)
        return agent

    @property
    def is_outbound(self) -> bool:
        """True when the agent places calls (``type`` OUTBOUND): campaigns need one."""
        return self.type_ == Direction.OUTBOUND

    def __repr__(self) -> str:
        return _shown_repr(self, _AGENT_SHOWN)


_AGENT_READER = _Reader(
    Agent,
    AgentResponse,
    spec.AgentResponse,
    {
        "id": _uuid_or_text,
        "name": _str_or_none,
        "type_": _open_enum(Direction),
        "active": _bool_or_none,
        "recordable": _bool_or_none,
        "archived": _bool_or_none,
    },
    clean={
        "id": uuid.UUID,
        "name": str,
        "type_": Direction,
        "active": bool,
        "recordable": bool,
        "archived": bool,
    },
)
_AGENT_SHOWN = _shown_fields(Agent)


def parse_agent(document: Any, response: ResponseInfo | None = None) -> Agent:
    """Build an :class:`Agent` from an ``AgentResponse`` JSON document, never failing on content
    (a document that is not an object gives an agent whose fields are all ``None``)."""
    agent: Agent = _AGENT_READER.read(document, response)
    return agent


# -- calls -------------------------------------------------------------------------------------


@attrs.frozen(repr=False, field_transformer=derived_fields_last)
class Call(_Document, LazyValue, CallResponse):
    """A call as the server described it.

    ``status`` is a :class:`CallStatus` when known, else the server's string (the list grew
    before: ``is_known_status`` tells). ``start_time``, ``end_time`` and ``created`` are aware
    datetimes (UTC), ``duration`` whole seconds. ``extractors`` and ``classifiers`` are typed
    results; ``extracted_data`` and ``classification_data`` their flattened forms, as the server
    sent them or, from servers that send only the lists, flattened here (see
    :meth:`Extractor.flattened`). ``context`` is the context the call was made with, as JSON.
    """

    id: uuid.UUID | str | None = None  # type: ignore[assignment]
    agent_id: uuid.UUID | str | None = None  # type: ignore[assignment]
    phone: str | None = None  # type: ignore[assignment]
    type_: Direction | str | None = None  # type: ignore[assignment]
    status: CallStatus | str | None = None  # type: ignore[assignment]
    duration: int | None = None  # type: ignore[assignment]
    start_time: datetime.datetime | None = None  # type: ignore[assignment]
    end_time: datetime.datetime | None = None  # type: ignore[assignment]
    created: datetime.datetime | None = None  # type: ignore[assignment]
    anonymous: bool | None = None  # type: ignore[assignment]
    recorded: bool | None = None  # type: ignore[assignment]
    summary: str | None = None  # type: ignore[assignment]
    extractors: tuple[Extractor, ...] = ()  # type: ignore[assignment]
    classifiers: tuple[Classifier, ...] = ()  # type: ignore[assignment]
    extracted_data: dict[str, Any] = attrs.field(factory=dict, repr=False)  # type: ignore[assignment]
    classification_data: dict[str, Any] = attrs.field(factory=dict, repr=False)  # type: ignore[assignment]
    context: dict[str, Any] = attrs.field(factory=dict, repr=False)  # type: ignore[assignment]
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    _raw: Mapping[str, Any] | None = attrs.field(default=None, alias="raw", repr=False, eq=False)
    response: ResponseInfo | None = attrs.field(default=None, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Servers older than the flattened forms send only the lists: flattened here, once.
        if not self.extracted_data and self.extractors:
            object.__setattr__(self, "extracted_data", _flatten_extractors(self.extractors))
        if not self.classification_data and self.classifiers:
            flat = {item.name: item.value for item in self.classifiers if item.name is not None}
            object.__setattr__(self, "classification_data", flat)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Call:
        """The call of one ``CallResponse`` JSON document, never failing on content.

        The webhooks module normalises its payload variants (``extractorData``, flat
        ``"system.phone"`` keys) before calling this.
        """
        return parse_call(document)

    @classmethod
    def _read_in_full(cls, document: Mapping[str, Any], response: ResponseInfo | None) -> Self:
        call: Self = _CALL_READER.read(document, response)
        return call

    @property
    def is_known_status(self) -> bool:
        """False when the server sent a status this library does not know."""
        return isinstance(self.status, CallStatus)

    def __repr__(self) -> str:
        return _shown_repr(self, _CALL_SHOWN)


_CALL_READER = _Reader(
    Call,
    CallResponse,
    spec.CallResponse,
    {
        "id": _uuid_or_text,
        "agent_id": _uuid_or_text,
        "phone": _str_or_none,
        "type_": _open_enum(Direction),
        "status": _open_enum(CallStatus),
        "duration": _int_or_none,
        "start_time": _aware,
        "end_time": _aware,
        "created": _aware,
        "anonymous": _bool_or_none,
        "recorded": _bool_or_none,
        "summary": _str_or_none,
        "extractors": _extractors,
        "classifiers": _classifiers,
    },
    raw_fields={
        "extracted_data": _plain_dict,
        "classification_data": _plain_dict,
        "context": _plain_dict,
    },
    clean={
        "id": uuid.UUID,
        "agent_id": uuid.UUID,
        "phone": str,
        "type_": Direction,
        "status": CallStatus,
        "duration": int,
        "start_time": datetime.datetime,
        "end_time": datetime.datetime,
        "created": datetime.datetime,
        "anonymous": bool,
        "recorded": bool,
        "summary": str,
    },
)
_CALL_SHOWN = _shown_fields(Call)


def call_from_model(
    model: CallResponse, document: Mapping[str, Any], response: ResponseInfo | None = None
) -> Call:
    """The :class:`Call` of a generated ``CallResponse`` read from ``document``."""
    call: Call = _CALL_READER.from_model(model, document, response)
    return call


def parse_call(document: Any, response: ResponseInfo | None = None) -> Call:
    """Build a :class:`Call` from a ``CallResponse`` JSON document, never failing on content
    (a document that is not an object gives a call whose fields are all ``None``)."""
    call: Call = _CALL_READER.read(document, response)
    return call


# -- transcripts -------------------------------------------------------------------------------


_ACTOR_NAMES: dict[str, str] = {
    TranscriptActor.AGENT: "Agent",
    TranscriptActor.HUMAN: "Human",
    TranscriptActor.ANSWERING_MACHINE: "Answering machine",
    TranscriptActor.UNKNOWN: "Unknown",
}


@attrs.frozen(repr=False, field_transformer=derived_fields_last)
class TranscriptEntry(_Document, ReadOnlyState, TranscriptResponse):
    """One step of a call: ``action`` (RING, ANSWER, AGENT_SPEAK, HUMAN_SPEAK, HANG_UP...), its
    aware ``time``, the ``actor`` and, for speech, the ``message``. Enums are open."""

    action: TranscriptAction | str | None = None  # type: ignore[assignment]
    time: datetime.datetime | None = None  # type: ignore[assignment]
    actor: TranscriptActor | str | None = None  # type: ignore[assignment]
    message: str | None = None  # type: ignore[assignment]
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    _raw: Mapping[str, Any] | None = attrs.field(default=None, alias="raw", repr=False, eq=False)
    response: ResponseInfo | None = attrs.field(default=None, repr=False, eq=False)

    def __str__(self) -> str:
        """One line: ``14:35:05  Agent: Hello...`` for speech, ``14:35:00  (ring)`` otherwise."""
        when = self.time.strftime("%H:%M:%S") if self.time is not None else "--:--:--"
        if self.message:
            actor = str(self.actor or TranscriptActor.UNKNOWN)
            who = _ACTOR_NAMES.get(actor, actor)
            return f"{when}  {who}: {self.message}"
        action = str(self.action or "event").lower().replace("_", " ")
        return f"{when}  ({action})"

    def __repr__(self) -> str:
        return _shown_repr(self, _ENTRY_SHOWN)


_ENTRY_READER = _Reader(
    TranscriptEntry,
    TranscriptResponse,
    spec.TranscriptResponse,
    {
        "action": _open_enum(TranscriptAction),
        "time": _aware,
        "actor": _open_enum(TranscriptActor),
        "message": _str_or_none,
    },
)
_ENTRY_SHOWN = _shown_fields(TranscriptEntry)


@attrs.frozen(repr=False)
class Transcript(Sequence[TranscriptEntry]):
    """A call's transcript: a sequence of :class:`TranscriptEntry`, in the server's order.

    The server may send one entry or a list of them: both read as a sequence. ``str()`` reads
    like a conversation, one line per entry. ``raw`` is the JSON as received, ``response`` the
    HTTP details.
    """

    entries: tuple[TranscriptEntry, ...] = ()
    raw: Any = attrs.field(default=None, repr=False, eq=False)
    response: ResponseInfo | None = attrs.field(default=None, repr=False, eq=False)

    @overload
    def __getitem__(self, index: int) -> TranscriptEntry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[TranscriptEntry]: ...
    def __getitem__(self, index: int | slice) -> TranscriptEntry | Sequence[TranscriptEntry]:
        return self.entries[index]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[TranscriptEntry]:
        return iter(self.entries)

    def __str__(self) -> str:
        return "\n".join(str(entry) for entry in self.entries)

    def __repr__(self) -> str:
        return f"Transcript({len(self.entries)} entries)"


def parse_transcript(document: Any, response: ResponseInfo | None = None) -> Transcript:
    """Build a :class:`Transcript` from the JSON the server sent: one entry object or a list of
    them. Items that are not objects are left out (they stay in ``raw``)."""
    items = document if isinstance(document, list) else [document]
    entries = tuple(_ENTRY_READER.read(item) for item in items if isinstance(item, Mapping))
    return Transcript(entries=entries, raw=document, response=response)


# -- recordings and pages ----------------------------------------------------------------------


@attrs.frozen
class Recording:
    """A call's recording, written out: its media type as the server named it
    (``audio/wav``...; None when it named none), the bytes written, and where to (the path,
    or the stream you passed)."""

    content_type: str | None
    bytes_written: int
    destination: Path | IO[bytes]
    response: ResponseInfo | None = attrs.field(default=None, repr=False, eq=False)


@attrs.frozen
class Page(Generic[T]):
    """One page of a list, with the figures the server sent (None when it sent none).

    ``page`` counts from 1. For agents, whose pages report ``page_count`` and ``total_items``,
    those fill ``total_pages`` and ``total_elements``, and ``page`` and ``size`` are the ones
    asked for.
    """

    items: list[T]
    page: int | None = None
    size: int | None = None
    total_elements: int | None = None
    total_pages: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    response: ResponseInfo | None = attrs.field(default=None, repr=False, eq=False)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
