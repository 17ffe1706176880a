"""Recipients: who a campaign calls, their numbers in E.164, and importing them from a CSV.

:func:`load_recipients` reads a spreadsheet export (or any iterable of mappings), normalises the
numbers with :func:`normalize_phone`, and accounts for every row: a row becomes a recipient, a
rejected row (with its row number, raw value and the reason), or a duplicate folded into the
first row with the same number. Nothing is dropped without being reported.
"""

from __future__ import annotations

import array
import codecs
import collections
import gc
import itertools
import json
import math
import operator
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import IO, Any, Final, cast

import attrs

from .._errors import (
    CappedList,
    ClientValidationError,
    FieldError,
    ProblemList,
    VolubileError,
    _shown,
    shown_text,
)
from .._wire import encode_json, json_separators, refuses_lone_surrogates
from .._wire import spec as _spec

__all__ = [
    "DuplicateRow",
    "Recipient",
    "RecipientImport",
    "RecipientSourceError",
    "RejectedRow",
    "load_recipients",
    "normalize_phone",
]

# E.164, as openapi.yaml's pattern states it (its x-volubile-fix note says why): "+", a country
# code that does not start with 0, 7 to 15 digits in all. Seven digits is the shortest real
# international number (small Pacific states). ASCII digits only ([0-9]): \d would also accept
# Arabic-Indic digits, which no telephone network dials.
_E164 = re.compile(_spec.CreateCampaignRecipientRequest.phone.pattern)
is_e164 = _E164.fullmatch  # bound once: called for every row of an import
# What people put between digits: spaces (no-break ones too, as spreadsheets write them), dots,
# hyphens, slashes, parentheses.
_SEPARATORS = re.compile(r"[\s.\-/()\u00a0\u202f]+")
# "+33 (0)6 12 34 56 78": the "(0)" is the national trunk prefix, never dialled from abroad.
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_PHONE_EXTRA = "install the phone extra (pip install 'volubile[phone]')"
E164_HINT = "E.164 format, e.g. +33612345678"


# --------------------------------------------------------------------------------------------
# Context values


def _path(parent: str, key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return f"{parent}.{key}"
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{parent}["{escaped}"]'


# JSON numbers that every reader takes: a 64-bit integer. Larger ones (a 5,000-digit one cannot
# even be written as text by Python) are refused: send them as text.
_MIN_INT: Final = -(2**63)
_MAX_INT: Final = 2**63 - 1
# Deeper contexts are refused: no prompt needs them, and a list that contains itself would
# otherwise recurse without end.
MAX_CONTEXT_DEPTH: Final = 32
SURROGATE_REASON = (
    "holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text and cannot be sent"
)
_INT_REASON = "is too large for a JSON number (64-bit at most): send it as text"


def _fits(value: Any) -> bool:
    """Whether a scalar context value can be sent as it is (the common case, cheaply)."""
    kind = type(value)
    if kind is str:
        return value.isascii() or _SURROGATE.search(value) is None
    if kind is int:
        return _MIN_INT <= value <= _MAX_INT  # type: ignore[no-any-return]
    return kind is bool or (kind is float and math.isfinite(value))


def _freeze_value(
    value: Any, path: str, problems: CappedList[tuple[str, str, Any]], depth: int = 1
) -> Any:
    """A read-only copy of a nested context value; problems are appended, not raised."""
    # Subclasses (enums with a str or int mixin...) become the plain values JSON would write:
    # str() of a `class Color(str, Enum)` member is "Color.RED", str.__str__ is its value.
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        text = str.__str__(value)
        if has_surrogate(text):
            problems.append((path, SURROGATE_REASON, value))
        return text
    if isinstance(value, int):
        number = int(value)
        if not _MIN_INT <= number <= _MAX_INT:
            problems.append((path, _INT_REASON, number))
        return number
    if isinstance(value, float):
        if not math.isfinite(value):
            problems.append((path, "must be a finite number: JSON has no NaN or infinity", value))
        return float(value)
    if isinstance(value, (Mapping, list, tuple)) and depth > MAX_CONTEXT_DEPTH:
        problems.append(
            (path, f"is nested too deeply (more than {MAX_CONTEXT_DEPTH} levels)", value)
        )
        return None
    if isinstance(value, Mapping):
        frozen: dict[str, Any] = {}
        for key, item in value.items():
            if not _key_fits(key, path, problems):
                continue
            frozen[key] = _freeze_value(item, _path(path, key), problems, depth + 1)
        return MappingProxyType(frozen)
    if isinstance(value, (list, tuple)):
        return tuple(
            _freeze_value(item, f"{path}[{i}]", problems, depth + 1) for i, item in enumerate(value)
        )
    if value is None:
        problems.append((path, "must not be null: leave the key out instead", value))
        return None
    problems.append(
        (
            path,
            "must be text, a number, a boolean, or a mapping or list of those, "
            f"not {type(value).__name__}",
            value,
        )
    )
    return None


def _key_fits(key: object, path: str, problems: CappedList[tuple[str, str, Any]]) -> bool:
    if not isinstance(key, str):
        problems.append((path, f"keys must be text, not {type(key).__name__}", key))
        return False
    if has_surrogate(key):
        problems.append((path, f"a key {SURROGATE_REASON}", key))
        return False
    return True


class ContextProblems(Exception):
    """Internal: the problems found in a context, as (path, message, rejected value).

    ``problems`` keeps the first ones and counts the others (``len`` counts them all).
    """

    def __init__(self, problems: CappedList[tuple[str, str, Any]]) -> None:
        super().__init__(problems)
        self.problems = problems

    def field_errors(self, prefix: str = "") -> ProblemList:
        """The problems as field errors, their paths after ``prefix`` (``recipients[3].``)."""
        errors = ProblemList(
            FieldError(f"{prefix}{path}", message, value) for path, message, value in self.problems
        )
        errors.dropped += self.problems.dropped
        return errors


def freeze_context(context: object) -> tuple[dict[str, Any], bool]:
    """Check a context; return a copy whose nested values are read-only, and whether any are.

    The copy is a plain dict meant to be held privately (a :class:`Recipient` shows it through
    a read-only view). Raises :class:`ContextProblems` listing every problem, with paths
    starting at ``context``. Flat contexts of text, numbers and booleans, the usual case, take
    the short loop.
    """
    if context is None:
        return {}, False
    problems: CappedList[tuple[str, str, Any]] = CappedList()
    if not isinstance(context, Mapping):
        problems.append(
            (
                "context",
                f"must be a mapping of placeholder names to values, not {type(context).__name__}",
                context,
            )
        )
        raise ContextProblems(problems)
    frozen: dict[str, Any] = {}
    nested = False
    for key, value in context.items():
        if (type(key) is not str or not key.isascii()) and not _key_fits(key, "context", problems):
            continue
        if _fits(value):
            frozen[key] = value
        else:
            item = frozen[key] = _freeze_value(value, _path("context", key), problems)
            nested = nested or isinstance(item, (MappingProxyType, tuple))
    if problems:
        raise ContextProblems(problems)
    return frozen, nested


def flat_context_copy(context: dict[Any, Any]) -> dict[str, Any] | None:
    """A copy of a context of text keys and scalar values, or None when it needs the full check.

    The fast path of :func:`freeze_context` for the usual context (``{"firstName": "Ana"}``).
    """
    search = _SURROGATE.search
    for key, value in context.items():
        kind = type(value)
        # _fits, inlined: this runs for every value of a 1,000-recipient campaign.
        if type(key) is not str or not (
            (kind is str and (value.isascii() or not search(value)))
            or (kind is int and _MIN_INT <= value <= _MAX_INT)
            or kind is bool
            or (kind is float and math.isfinite(value))
        ):
            return None
        if not key.isascii() and search(key):
            return None
    return context.copy()


def _thaw(value: Any) -> Any:
    if isinstance(value, (MappingProxyType, dict)):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, (MappingProxyType, dict)):
        return frozenset((key, _hashable(item)) for key, item in value.items())
    if isinstance(value, tuple):
        return tuple(_hashable(item) for item in value)
    return value


def phone_problem(phone: object) -> str | None:
    """Why ``phone`` cannot be sent as a recipient's number, or None when it can."""
    if not isinstance(phone, str):
        return f"must be text in {E164_HINT}, not {type(phone).__name__}"
    if is_e164(phone):
        return None
    if not phone.strip():
        return "is empty"
    return (
        f"must be in {E164_HINT}; "
        "convert national numbers with normalize_phone() or load_recipients()"
    )


# --------------------------------------------------------------------------------------------
# Recipient


@attrs.frozen(init=False, eq=False, repr=False)
class Recipient:
    """Someone to call: a phone number in E.164 and the context the agent's prompt may use.

    ``context`` maps prompt placeholders (``{{ firstName }}``) to values: text, numbers,
    booleans, or mappings and lists of those. It is copied, and read-only (nested mappings and
    lists too, the latter as tuples).

    >>> Recipient("+33612345678", {"firstName": "Ana"}).to_api()
    {'phone': '+33612345678', 'context': {'firstName': 'Ana'}}

    The number must already be in E.164; :func:`normalize_phone` converts other forms.
    Raises :class:`ClientValidationError` listing every problem, with paths such as ``phone``
    or ``context.address.city``.
    """

    phone: str
    # A private plain dict shown through a read-only view: building a view per recipient would
    # cost an object per row in imports of 100,000 rows. Not set for a CSV row (see _layout).
    _context: dict[str, Any]
    # What _context holds, derived from it (so attrs.evolve must not pass it): False for a dict
    # of plain values, True for a dict holding mappings or lists (tuples), or, for a recipient
    # read from a CSV row, the header's names of the row's context cells, in order.
    #
    # perf: "load_recipients peak memory, 100k rows" (scripts/bench.py). A CSV row's recipient
    # holds its cells (_cells, a tuple of text) and the names (one tuple shared by every row of
    # the file) instead of a dict of its own: 56 bytes a row instead of 184. Its context dict is
    # made when asked for: reading _context, which is not set, falls back to __getattr__ (so
    # attrs.evolve and attrs.asdict see a dict too).
    _layout: bool | tuple[str, ...] = attrs.field(init=False)
    _cells: tuple[str, ...] = attrs.field(init=False)

    def __init__(self, phone: str, context: Mapping[str, Any] | None = None) -> None:
        errors: list[FieldError] = ProblemList()
        problem = phone_problem(phone)
        if problem is not None:
            errors.append(FieldError("phone", problem, phone))
        try:
            frozen, nested = freeze_context(context)
        except ContextProblems as found:
            errors.extend(found.field_errors())
            frozen, nested = {}, False
        if errors:
            raise ClientValidationError(errors, subject="recipient")
        _init(self, phone, frozen, nested)

    def __getattr__(self, name: str) -> Any:
        # Only reached for an attribute that is not set: the context of a CSV row's recipient,
        # the cells of any other.
        if name == "_context":
            layout = self._layout
            if type(layout) is tuple:
                return dict(zip(layout, self._cells, strict=True))
        elif name == "_cells":
            return ()
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def context(self) -> Mapping[str, Any]:
        """The placeholder values, read-only."""
        return MappingProxyType(self._context)

    def to_api(self) -> dict[str, Any]:
        """The API's JSON form: ``{"phone": ..., "context": {...}}``, context left out if empty.

        The result is a new, plain structure: changing it does not change the recipient.
        """
        return recipient_json(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Recipient):
            return NotImplemented
        return self.phone == other.phone and self._context == other._context

    def __hash__(self) -> int:
        context = self._context
        return hash(
            (
                self.phone,
                _hashable(context) if self._layout is True else frozenset(context.items()),
            )
        )

    def __repr__(self) -> str:
        context = self._context
        if not context:
            return f"Recipient({self.phone!r})"
        return f"Recipient({self.phone!r}, {_thaw(context)!r})"

    def __reduce__(self) -> tuple[type[Recipient], tuple[str, dict[str, Any]]]:
        # The read-only nested values cannot be pickled; rebuild from plain values instead.
        return (Recipient, (self.phone, _thaw(self._context)))


_new = object.__new__
# The class is frozen and slotted: its slot descriptors set the fields, as attrs itself does, at
# half the cost of object.__setattr__ (it shows when importing 100,000 rows).
_set_phone = Recipient.__dict__["phone"].__set__
_set_context = Recipient.__dict__["_context"].__set__
_set_layout = Recipient.__dict__["_layout"].__set__
_set_cells = Recipient.__dict__["_cells"].__set__


def _init(recipient: Recipient, phone: str, context: dict[str, Any], nested: bool) -> None:
    _set_phone(recipient, phone)
    _set_context(recipient, context)
    _set_layout(recipient, nested)


def trusted_recipient(phone: str, context: dict[str, Any], nested: bool) -> Recipient:
    """A recipient from values already checked (and ``context`` from :func:`freeze_context`).

    Skips the second check of every field that ``Recipient(...)`` would make: imports and
    campaign bodies build thousands of these.
    """
    recipient = _new(Recipient)
    # perf: "campaigns.create with 1,000 recipients" (scripts/bench.py): _init, inlined.
    _set_phone(recipient, phone)
    _set_context(recipient, context)
    _set_layout(recipient, nested)
    return recipient


def recipient_json(recipient: Recipient) -> dict[str, Any]:
    """The API's JSON form of a recipient, as new plain dicts and lists."""
    layout = recipient._layout
    if layout is False:
        context = recipient._context
        if not context:
            return {"phone": recipient.phone}
        return {"phone": recipient.phone, "context": dict(context)}
    if layout is True:
        return {"phone": recipient.phone, "context": _thaw(recipient._context)}
    if not layout:
        return {"phone": recipient.phone}
    # A CSV row. Not strict: the names and the cells come from one row, of the header's width
    # (and the check would cost a third of this function).
    return {"phone": recipient.phone, "context": dict(zip(layout, recipient._cells, strict=False))}


def wire_recipients_json(recipients: Iterable[Recipient]) -> list[dict[str, Any]]:
    """The JSON form of ``recipients`` for a body that is only serialised, never kept.

    The same document as :func:`recipient_json` of each, but a flat context (the usual one) is
    the recipient's own dict, not a copy: nothing writes to a body on its way to the wire.
    """
    # perf: "campaigns.create with 1,000 recipients" and "create_many, 20,000 recipients"
    # (scripts/bench.py): a dict literal per recipient, no call and no copy (half of what
    # recipient_json costs a 1,000-recipient create).
    return [
        {"phone": recipient.phone, "context": recipient._context}
        if recipient._layout is False and recipient._context
        else recipient_json(recipient)
        for recipient in recipients
    ]


# perf: "campaigns.create with 1,000 recipients" and "create_many, 20,000 recipients"
# (scripts/bench.py). A campaign body's recipients are nearly always dicts {"phone",
# "context"} of E.164 numbers and flat text contexts: checked list by list, each step a loop
# of the interpreter's own (map, countOf, join) rather than a few Python calls per recipient,
# and kept as PlainRecipients: a create only sends them, so no Recipient is made unless one is
# read (CampaignRequest.recipients). Anything else, and any list with a problem, goes through
# the per-recipient rules, which alone word the errors.
_PHONE_OF = operator.itemgetter("phone")
_CONTEXT_OF = operator.itemgetter("context")
_PHONE_OF_RECIPIENT = operator.attrgetter("phone")
# The E.164 pattern over many numbers joined by newlines (which no number may hold: the count
# of newlines is checked too), matched in one call instead of one call per number.
_E164_CORE = _E164.pattern.removeprefix("^").removesuffix("$")
_E164_LINES = re.compile(f"(?:{_E164_CORE})(?:\n(?:{_E164_CORE}))*")


def _all_e164(phones: list[str]) -> bool:
    """Whether every one of ``phones`` (text, each) is an E.164 number, as is_e164 says."""
    joined = "\n".join(phones)
    return joined.count("\n") == len(phones) - 1 and _E164_LINES.fullmatch(joined) is not None


def _all_exactly(kind: type, items: list[Any] | tuple[Any, ...]) -> bool:
    """Whether every one of ``items`` is exactly a ``kind`` (no subclass).

    Counted by identity in C, with no set built: the cheapest whole-list test of a type.
    """
    return operator.countOf(map(type, items), kind) == len(items)


def _plain_text(texts: Iterable[object]) -> bool:
    """Whether every one of ``texts`` is text (a str subclass too) without a lone surrogate."""
    try:
        joined = "".join(texts)  # type: ignore[arg-type]
    except TypeError:
        return False
    return joined.isascii() or _SURROGATE.search(joined) is None


def _plain_parts(
    items: list[Any] | tuple[Any, ...], *, encoding: bool = False
) -> tuple[list[str], list[dict[str, str]], bool] | None:
    """The numbers and contexts of ``items`` when every one is a plain ``{"phone", "context"}``
    dict, and whether they can be encoded as the body's recipients; else None.

    Plain: exactly those two keys, an E.164 number, a dict of text keys to text values (the
    form of a CSV row or a JSON body). ``encoding``: for :func:`check_plain_chunks`, which
    encodes them when every context is not empty and its keys are exactly ``str`` (the third
    item, True): a lone surrogate is then refused by the encoding itself (UnicodeEncodeError).
    """
    if (
        not items
        or not _all_exactly(dict, items)
        or operator.countOf(map(len, items), 2) != len(items)
    ):
        return None
    try:
        phones = list(map(_PHONE_OF, items))
        contexts = list(map(_CONTEXT_OF, items))
    except KeyError:
        return None
    if not _all_exactly(str, phones) or not _all_exactly(dict, contexts):
        return None
    if not _all_e164(phones):
        return None
    values = list(itertools.chain.from_iterable(map(dict.values, contexts)))
    if not values:
        return phones, contexts, False  # no context holds anything: none is sent
    # The keys need not be exactly str: the per-recipient rules keep a key of a str subclass
    # as it is (a value of one becomes plain text, so the values' type is exact).
    keys = list(itertools.chain.from_iterable(contexts))
    if not _all_exactly(str, values):
        return None
    wire_form = encoding and all(contexts) and _all_exactly(str, keys)
    # perf: "sync `campaigns.create`, 1,000 recipients" (scripts/bench.py): text about to be
    # encoded is not searched for lone surrogates twice.
    if wire_form and refuses_lone_surrogates():
        return phones, contexts, True
    if not (_plain_text(keys) and _plain_text(values)):
        return None
    return phones, contexts, wire_form


class PlainRecipients:
    """Checked plain recipients as a campaign body holds them: numbers and flat contexts.

    The E.164 numbers (a list), and the contexts (text keys to text values, never changed once
    made, possibly empty) kept in one of two forms: a copy of each context, or, for recipients
    that were already in the body's form (see :func:`check_plain`), the JSON of the body's
    recipients, encoded when they were checked (``wire_bytes``), from which the contexts are
    read when first asked for. No object per recipient but those: the body's ``{"phone",
    "context"}`` dicts are made when a body is built from the copies, the :class:`Recipient`
    objects only when they are read. Made by :func:`check_plain` and :func:`check_plain_chunks`.
    """

    __slots__ = ("_contexts", "phones", "wire_bytes")

    def __init__(
        self,
        phones: list[str],
        contexts: list[dict[str, str]] | None,
        wire_bytes: bytes | None = None,
    ) -> None:
        self.phones = phones
        #: The body's recipients as the bytes of a JSON array, exactly as httpx's ``json=``
        #: would encode :meth:`wire_json` (``_wire.encode_json``), or None.
        self.wire_bytes = wire_bytes
        self._contexts = contexts
        assert contexts is not None or wire_bytes is not None

    @property
    def contexts(self) -> list[dict[str, str]]:
        """Each recipient's context (shared, never changed: read them only)."""
        contexts = self._contexts
        if contexts is None:
            # Read once from the JSON (two threads at once may both read it: equal lists).
            assert self.wire_bytes is not None
            contexts = self._contexts = list(map(_CONTEXT_OF, json.loads(self.wire_bytes)))
        return contexts

    def __len__(self) -> int:
        return len(self.phones)

    def part(self, start: int, stop: int) -> PlainRecipients:
        """Recipients ``start`` to ``stop`` (excluded), sharing their contexts."""
        if self.wire_bytes is not None and start <= 0 and stop >= len(self.phones):
            return self
        return PlainRecipients(self.phones[start:stop], self.contexts[start:stop])

    @classmethod
    def joined(cls, parts: Iterable[PlainRecipients]) -> PlainRecipients:
        """The recipients of ``parts``, one after the other, sharing their contexts."""
        parts = list(parts)
        phones: list[str] = []
        for part in parts:
            phones += part.phones
        encoded = [part.wire_bytes for part in parts]
        if parts and all(item is not None for item in encoded):
            # Arrays that are never empty: their items, joined by commas, in one array.
            return cls(phones, None, b"[" + b",".join(item[1:-1] for item in encoded) + b"]")  # type: ignore[index]
        contexts: list[dict[str, str]] = []
        for part in parts:
            contexts += part.contexts
        return cls(phones, contexts)

    def wire_json(self) -> list[dict[str, Any]]:
        """The body's recipients, sharing the contexts: for a body that is only serialised.

        What :func:`recipient_json` gives of each recipient (no ``context`` when empty).
        """
        if self.wire_bytes is not None:
            return json.loads(self.wire_bytes)  # type: ignore[no-any-return]
        pairs = zip(self.phones, self.contexts, strict=False)  # one length: see __init__
        if all(self.contexts):
            return [{"phone": phone, "context": context} for phone, context in pairs]
        return [
            {"phone": phone, "context": context} if context else {"phone": phone}
            for phone, context in pairs
        ]

    def to_json(self) -> list[dict[str, Any]]:
        """The body's recipients as new dicts (copies of the contexts), the caller's to keep."""
        if self.wire_bytes is not None:
            return json.loads(self.wire_bytes)  # type: ignore[no-any-return]
        return [
            {"phone": phone, "context": dict(context)} if context else {"phone": phone}
            for phone, context in zip(self.phones, self.contexts, strict=False)
        ]

    def recipients(self) -> tuple[Recipient, ...]:
        """The :class:`Recipient` of each, holding the context kept here (read-only to both)."""
        return tuple(_made(self.phones, self.contexts, len(self.phones)))


def check_plain(
    items: list[Any] | tuple[Any, ...], *, encode: bool = False
) -> PlainRecipients | None:
    """``items`` as :class:`PlainRecipients` when every one is a plain ``{"phone", "context"}``
    dict (see :func:`_plain_parts`), their contexts copied; else None: the caller then checks
    them one by one.

    ``encode``: recipients already in the body's form (``phone`` first, a context that is not
    empty, text keys of type ``str``) are kept as the JSON the body sends instead
    (``wire_bytes``), encoded now from the caller's own dicts: a snapshot that nothing done to
    those dicts later changes, and that every attempt sends as it is.
    """
    cut = check_plain_chunks(items, len(items) or 1, encode=encode)
    return None if cut is None else cut[0]


def check_plain_chunks(
    items: list[Any] | tuple[Any, ...], chunk_size: int, *, encode: bool = True
) -> list[PlainRecipients] | None:
    """:func:`check_plain` of ``items``, cut into parts of ``chunk_size``, each encoded on its
    own (``encode``) for a campaign of its own (create_many)."""
    parts = _plain_parts(items, encoding=encode)
    if parts is None:
        return None
    phones, contexts, wire_form = parts
    cuts = range(0, len(items), chunk_size)
    # perf: "sync `campaigns.create`, 1,000 recipients" and "`create_many`, 20,000
    # recipients" (scripts/bench.py): the recipients' JSON, encoded once here, is what each
    # body sends (no copy of the contexts, no {"phone", "context"} dicts made per request,
    # no second serialisation on a retry).
    if wire_form:
        try:
            encoded = [_wire_form_json(items[first : first + chunk_size]) for first in cuts]
        except UnicodeEncodeError:
            return None  # a lone surrogate: the per-recipient rules say where
        if all(item is not None for item in encoded):
            return [
                PlainRecipients(phones[first : first + chunk_size], None, item)
                for first, item in zip(cuts, encoded, strict=True)
            ]
    # A context of text needs no deeper copy.
    copies = list(map(dict.copy, contexts))
    return [
        PlainRecipients(phones[first : first + chunk_size], copies[first : first + chunk_size])
        for first in cuts
    ]


def _wire_form_json(items: list[Any] | tuple[Any, ...]) -> bytes | None:
    """The JSON that a body sends for plain ``items`` (non-empty flat contexts with text keys),
    or None when their dicts are not in the body's form (``context`` first) or no encoding of
    httpx is known.

    Each item is then exactly ``{"phone":"…","context":{"…``: told by counting those marks in
    the JSON itself, where they cannot appear inside a text (its quotes are escaped), nor
    inside a context (flat, of text values), nor between the items but as the array writes
    them.
    """
    encoded = encode_json(items)
    if encoded is None:
        return None
    separators = json_separators()
    if separators is None:
        return None
    between, after_key = separators
    phone = b'{"phone"' + after_key + b'"'
    if not (
        encoded.startswith(b"[" + phone)
        and encoded.count(b"}" + between + phone) == len(items) - 1
        and encoded.count(b'"' + between + b'"context"' + after_key + b'{"') == len(items)
    ):
        return None
    return encoded


def _made(phones: Iterable[str], contexts: Iterable[dict[str, Any]], count: int) -> list[Recipient]:
    """``count`` recipients of checked numbers and flat contexts, made by whole-list steps."""
    recipients = list(map(_new, itertools.repeat(Recipient, count)))
    collections.deque(map(_set_phone, recipients, phones), maxlen=0)
    collections.deque(map(_set_context, recipients, contexts), maxlen=0)
    collections.deque(map(_set_layout, recipients, itertools.repeat(False)), maxlen=0)
    return recipients


# --------------------------------------------------------------------------------------------
# Phone numbers


class _PhoneProblem(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _phonenumbers() -> Any:
    """The ``phonenumbers`` module, or None when the ``phone`` extra is not installed."""
    try:
        import phonenumbers
    except ImportError:
        return None
    return phonenumbers


def _normalize(text: str, region: str | None, phonenumbers: Any) -> str:
    """E.164 form of ``text``; raises :class:`_PhoneProblem` with a reason (without the value)."""
    if is_e164(text):
        return text
    stripped = text.strip()
    if not stripped:
        raise _PhoneProblem("empty")
    if phonenumbers is not None:
        return _normalize_with_library(stripped, region, phonenumbers)
    compact = _SEPARATORS.sub("", _TRUNK_ZERO.sub("", stripped))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        if is_e164(compact):
            return compact
        digits = compact[1:]
        if not digits.isascii() or not digits.isdigit():
            raise _PhoneProblem("not a phone number: only digits may follow the '+'")
        if digits.startswith("0"):
            raise _PhoneProblem("no country code after the '+' (it cannot start with 0)")
        if len(digits) < 7:
            raise _PhoneProblem(f"too short for an international number ({len(digits)} digits)")
        raise _PhoneProblem(f"too long: E.164 numbers have at most 15 digits ({len(digits)})")
    if compact.isascii() and compact.isdigit():
        raise _PhoneProblem(
            f"national format: {_PHONE_EXTRA} to convert it, or write it in {E164_HINT}"
        )
    raise _PhoneProblem("not a phone number")


def _normalize_with_library(text: str, region: str | None, phonenumbers: Any) -> str:
    # "+33 (0)6..." is common in signatures; the library reads the "(0)" as a digit.
    text = _TRUNK_ZERO.sub("", text)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        reasons = {
            phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
                "unknown country code"
                if text.startswith(("+", "00")) or region
                else "national format, but no region was given to read it"
            ),
            phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
            phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
            phonenumbers.NumberParseException.TOO_LONG: "too long",
        }
        raise _PhoneProblem(reasons.get(exc.error_type, "not a phone number")) from None
    if number.extension:
        raise _PhoneProblem("has an extension, which the API cannot dial")
    possible = phonenumbers.is_possible_number_with_reason(number)
    result = phonenumbers.ValidationResult
    if possible != result.IS_POSSIBLE:
        country = phonenumbers.region_code_for_number(number) or f"+{number.country_code}"
        reasons = {
            result.INVALID_COUNTRY_CODE: "unknown country code",
            result.TOO_SHORT: f"too short for a {country} number",
            result.TOO_LONG: f"too long for a {country} number",
        }
        raise _PhoneProblem(reasons.get(possible, f"wrong length for a {country} number"))
    if not phonenumbers.is_valid_number(number):
        country = phonenumbers.region_code_for_number(number) or f"+{number.country_code}"
        raise _PhoneProblem(f"not a valid {country} number: no such number range")
    formatted: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return formatted


def check_region(region: str | None) -> str | None:
    if region is None:
        return None
    if not isinstance(region, str) or len(region) != 2 or not region.isalpha():
        raise ValueError(
            f"region must be a two-letter country code such as 'FR', or None, not {region!r}"
        )
    region = region.upper()
    phonenumbers = _phonenumbers()
    # Only the extra reads national numbers, and it knows the countries: a code it does not
    # know would reject every row as "unknown country code" and leave the mistake unsaid.
    if phonenumbers is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            f"region {region!r} is not a country code that phone numbers use (e.g. 'FR', "
            "'BE', 'CH')"
        )
    return region


def normalize_phone(text: str, region: str | None = "FR") -> str:
    """Return ``text`` as an E.164 number (``+33612345678``), or raise ``ValueError`` saying why.

    Text already in E.164 is returned as is, without further checks. Otherwise:

    - with the ``phone`` extra installed (``pip install 'volubile[phone]'``, which brings
      Google's ``phonenumbers``): national formats of ``region`` (``"06 12 34 56 78"``),
      international ones (``"+33 (0)6 12 34 56 78"``, ``"0033 6 12 34 56 78"``) are read, and
      numbers that cannot exist (wrong length, unassigned range, extension) are refused;
    - without it: international forms (``+`` or ``00``, with spaces, dots, hyphens or
      parentheses) are read; a national number raises ``ValueError`` saying the extra is needed.

    ``region`` is the two-letter country code for national numbers (``None``: refuse them).
    """
    if not isinstance(text, str):
        raise TypeError(f"a phone number must be text, not {type(text).__name__}")
    if is_e164(text):
        return text
    region = check_region(region)
    try:
        return _normalize(text, region, _phonenumbers())
    except _PhoneProblem as problem:
        raise ValueError(f"cannot read phone number {text!r}: {problem.reason}") from None


# --------------------------------------------------------------------------------------------
# Import


@attrs.frozen
class RejectedRow:
    """A row that gave no recipient.

    ``row`` is the line of the CSV where the row starts (the header is line 1, as a spreadsheet
    numbers its rows) or, for an iterable of mappings, the position of the item counting from
    1. ``value`` is the raw phone text (None when there was none).
    """

    row: int
    value: str | None
    reason: str

    def __str__(self) -> str:
        # The value is the file's text: shortened, and escaped so that it cannot act on a
        # terminal (an ANSI sequence in a cell) or split the line.
        shown = "" if self.value is None else f" ({shown_text(self.value)})"
        return f"row {self.row}{shown}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """The row as plain JSON values."""
        return {"row": self.row, "value": self.value, "reason": self.reason}


@attrs.frozen
class DuplicateRow:
    """A row whose number was already taken by an earlier row: the earlier row is kept."""

    row: int
    value: str
    phone: str
    kept_row: int

    def __str__(self) -> str:
        return (
            f"row {self.row} ({shown_text(self.value)}): same number {self.phone} as row "
            f"{self.kept_row}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The row as plain JSON values."""
        return {
            "row": self.row,
            "value": self.value,
            "phone": self.phone,
            "kept_row": self.kept_row,
        }


def _count_of(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@attrs.frozen
class RecipientImport:
    """What :func:`load_recipients` made of a source: every row is in exactly one of the three.

    ``recipients`` in source order, the first row of each number kept; ``rejected`` rows with
    their reasons; ``duplicates`` folded into an earlier row; ``encoding``, the text encoding a
    CSV was read in (detected or given; None for a text file object or mappings).
    """

    recipients: tuple[Recipient, ...]
    rejected: tuple[RejectedRow, ...]
    duplicates: tuple[DuplicateRow, ...]
    # The encoding the CSV was read in ("utf-8", or "cp1252" when detected); None for a text
    # file object or mappings.
    encoding: str | None = None

    @property
    def rows(self) -> int:
        """How many data rows were read (blank lines aside)."""
        return len(self.recipients) + len(self.rejected) + len(self.duplicates)

    @property
    def ok(self) -> bool:
        """True when every row became a recipient."""
        return not self.rejected and not self.duplicates

    def to_dict(self) -> dict[str, Any]:
        """A summary as plain JSON values: counts, and every rejected and folded row."""
        return {
            "rows": self.rows,
            "recipients": len(self.recipients),
            "rejected": [row.to_dict() for row in self.rejected],
            "duplicates": [row.to_dict() for row in self.duplicates],
        }

    def __str__(self) -> str:
        lines = [
            f"{_count_of(self.rows, 'row')}: {_count_of(len(self.recipients), 'recipient')}, "
            f"{len(self.rejected)} rejected, {_count_of(len(self.duplicates), 'duplicate')}"
        ]
        lines.extend(f"  rejected {row}" for row in self.rejected)
        lines.extend(f"  duplicate {row}" for row in self.duplicates)
        return "\n".join(lines)


_DELIMITERS = ("\t", ";", ",")  # preference on a tie: tab, then semicolon, then comma
_QUOTED = re.compile(r'"[^"]*"')


def _sniff_delimiter(header_line: str) -> str:
    # Count candidates in the header, ignoring quoted parts: csv.Sniffer guesses from the data
    # rows too and is thrown off by phone numbers written with spaces or commas in names.
    bare = _QUOTED.sub("", header_line)
    counts = {candidate: bare.count(candidate) for candidate in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


# --------------------------------------------------------------------------------------------
# Errors of the source itself

OptionSpelling = Callable[..., str]


def python_option(name: str, value: str | None = None) -> str:
    """How a message names an argument of :func:`load_recipients`: ``encoding='cp1252'``."""
    return f"{name}=" if value is None else f"{name}={value!r}"


def cli_option(name: str, value: str | None = None) -> str:
    """How the command line's messages name the same option: ``--encoding cp1252``."""
    flag = "--" + name.replace("_", "-")
    return flag if value is None else f"{flag} {value}"


class RecipientSourceError(VolubileError, ValueError):
    """The CSV cannot be read as a list of recipients; nothing was imported.

    Raised by :func:`load_recipients` for a problem of the source as a whole: no header, no
    phone column or several candidates, a column named twice, text that is not in the
    encoding, a line or a value too long to be a CSV of recipients (a binary file, say).
    ``source`` names the file, ``line`` is the line of the problem when there is one (the
    header is line 1). The message says what to change. Also a ``ValueError``.
    """

    def __init__(
        self,
        message: str | Callable[[OptionSpelling], str],
        *,
        source: str = "",
        line: int | None = None,
    ) -> None:
        # The message names load_recipients' arguments; the command line asks for its flags.
        self._message = message
        self.source = source
        self.line = line
        super().__init__(self.describe())

    def describe(self, spell_option: OptionSpelling = python_option) -> str:
        """The message, naming options with ``spell_option`` (see :func:`cli_option`)."""
        message = self._message
        return message if isinstance(message, str) else message(spell_option)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self),), {"source": self.source, "line": self.line})


# --------------------------------------------------------------------------------------------
# Reading text: bounded lines, the encoding detected

# Text is read this many characters (or bytes) at a time, never a whole line at once: a file
# without line breaks (/dev/zero, a 50 MB one-line export) costs one bounded buffer.
_BLOCK = 1 << 16
# No line of a CSV of recipients comes near this; beyond it the file is not one.
MAX_LINE_LENGTH: Final = 1 << 20
# Blocks of recent lines kept for messages about a row spread over several lines (a quote left
# open): more than a CSV field may hold (csv.field_size_limit, 128 KiB by default).
_KEPT_BLOCKS = 8
# Line breaks that str.splitlines() knows and the csv module does not: with one of these the
# text is split as csv reads it, on \r, \n and \r\n only.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CSV_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
_SURROGATE = re.compile("[\ud800-\udfff]")

# What Excel writes for "CSV" (not "CSV UTF-8") on Western European Windows.
WINDOWS_CODE_PAGE: Final = "cp1252"
# Byte-order marks that name the encoding of a file opening with them, UTF-32's first.
_UNICODE_MARKS: Final = (
    ("utf-32", (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)),
    ("utf-16", (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)),
)


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which no UTF-8 body can carry."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def _split_lines(text: str) -> list[str]:
    """``text`` cut into lines as the csv module reads them, each with its line break."""
    # perf: "load_recipients, E.164 rows" (scripts/bench.py): one `in` per character, each a
    # memchr over the block, instead of a regex character class stepping through it (a
    # hundred times slower: a third of a microsecond per row).
    if not any(map(text.__contains__, _OTHER_BREAKS)):
        return text.splitlines(keepends=True)
    pieces = _CSV_BREAK.split(text)
    if pieces and not pieces[-1]:
        pieces.pop()
    return pieces


def encoding_label(codec: str) -> str:
    return {
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8",
        "cp1252": "Windows-1252 (cp1252)",
        "utf-16": "UTF-16",
        "utf-32": "UTF-32",
    }.get(codec, codec)


class _Decoder:
    """Bytes to text in the given encoding or, when none is given, in the one detected.

    Detection reads UTF-8 (with or without a byte-order mark) until a byte is not UTF-8; when
    every byte before it was ASCII, the file is in the Windows code page Excel writes, and the
    rest is read as cp1252 (ASCII reads the same in both). A file that had UTF-8 letters before
    a wrong byte is damaged UTF-8, not a Windows file: that is an error, not a guess. A UTF-16
    or UTF-32 byte-order mark at the start decides before any of that.
    """

    def __init__(self, encoding: str | None) -> None:
        self.detect = encoding is None
        self.encoding = "utf-8" if encoding is None else encoding
        self._decoder = codecs.getincrementaldecoder(
            "utf-8-sig" if encoding in (None, "utf-8") else self.encoding
        )()
        self._ascii = True  # no byte so far was outside ASCII
        self._first = True  # no data decoded yet: a UTF-16 or UTF-32 mark may open it
        self.fell_back = False  # detection chose the Windows code page

    def decode(self, data: bytes, final: bool) -> str:
        if self._first and data:
            self._first = False
            if self.detect:
                self._read_unicode_mark(data)
        try:
            text: str = self._decoder.decode(data, final)
        except UnicodeDecodeError as error:
            # With only ASCII before, the decoder holds no pending bytes: the error is in data.
            if not (self.detect and self._ascii and data[: error.start].isascii()):
                raise
            self.detect = False
            self.fell_back = True
            self.encoding = WINDOWS_CODE_PAGE
            self._decoder = codecs.getincrementaldecoder(WINDOWS_CODE_PAGE)()
            text = self._decoder.decode(data, final)
        if self._ascii and not data.isascii():
            self._ascii = False
        return text

    def _read_unicode_mark(self, data: bytes) -> None:
        # Excel's "Unicode Text" is UTF-16 with a byte-order mark. No UTF-8 or Windows-1252
        # CSV opens with these bytes (they read as "ÿþ"), so the mark decides; the codec
        # reads it and the byte order from it. UTF-32's little-endian mark starts as UTF-16's.
        for codec, marks in _UNICODE_MARKS:
            if data.startswith(marks):
                self.detect = False
                self.encoding = codec
                self._decoder = codecs.getincrementaldecoder(codec)()
                return

    def valid_prefix(self, error: UnicodeDecodeError) -> str:
        """The text before a decoding error, to count the lines before it."""
        return error.object[: error.start].decode(self.encoding, errors="replace")


class _LineSource:
    """The lines of a CSV, read block by block: bounded, counted, the recent ones kept."""

    def __init__(
        self, read: Callable[[int], Any], name: str, decoder: _Decoder | None = None
    ) -> None:
        self._read = read
        self.name = name
        self.decoder = decoder
        self.count = 0  # lines handed out so far
        self._recent: collections.deque[tuple[int, list[str]]] = collections.deque(
            maxlen=_KEPT_BLOCKS
        )
        self._stream = self._blocks()

    @property
    def encoding(self) -> str | None:
        return None if self.decoder is None else self.decoder.encoding

    def lines(self) -> Iterator[str]:
        """The lines one by one: the same stream as :meth:`blocks`, taken a line at a time."""
        # chain runs in C: the Python code below runs once per block, not once per line.
        return itertools.chain.from_iterable(self._stream)

    def blocks(self) -> Iterator[list[str]]:
        """The blocks of lines not handed out yet (``count`` counts the lines of each).

        Taken after :meth:`lines`, once every line of the blocks it began is handed out.
        """
        return self._stream

    def line(self, number: int) -> str | None:
        """Line ``number`` of the source, when it is among the recent ones."""
        for first, lines in self._recent:
            if first <= number < first + len(lines):
                return lines[number - first]
        return None

    def _blocks(self) -> Iterator[list[str]]:
        carry = ""  # the start of a line whose end is not read yet
        while True:
            text, final = self._next_text(carry)
            if carry:
                text = carry + text
            lines = _split_lines(text)
            carry = ""
            # A last line without its break continues in the next block; one ending in "\r"
            # may too, as the first half of "\r\n".
            if lines and not final and not lines[-1].endswith("\n"):
                carry = lines.pop()
                if len(carry) > MAX_LINE_LENGTH:
                    raise self._too_long(self.count + len(lines) + 1)
            if lines:
                self._recent.append((self.count + 1, lines))
                self.count += len(lines)
                yield lines
            if final:
                return

    def _next_text(self, carry: str) -> tuple[str, bool]:
        try:
            data = self._read(_BLOCK)
        except UnicodeDecodeError as error:  # a text file object opened in the wrong encoding
            raise RecipientSourceError(
                f"{self.name} is not text in the encoding it was opened with (after line "
                f"{self.count}: {error.reason}): open it in binary mode ('rb') to have its "
                "encoding detected, or with the right encoding",
                source=self.name,
            ) from None
        if data is None:
            raise RecipientSourceError(
                f"{self.name} gave no data (None): a non-blocking file object cannot be read",
                source=self.name,
            )
        final = not data
        if self.decoder is None:
            if not isinstance(data, str):
                raise TypeError(f"{self.name}: read() returned {type(data).__name__}, not text")
            if has_surrogate(data):
                line = self._line_at(carry, data[: _SURROGATE.search(data).start()])  # type: ignore[union-attr]
                raise RecipientSourceError(
                    f"{self.name}, line {line}: holds undecodable bytes (lone surrogates): open "
                    "the file in binary mode ('rb') to have its encoding detected",
                    source=self.name,
                    line=line,
                )
            return data, final
        try:
            return self.decoder.decode(data, final), final
        except UnicodeDecodeError as error:
            line = self._line_at(carry, self.decoder.valid_prefix(error))
            raise self._decode_error(error, line) from None

    def _line_at(self, carry: str, before: str) -> int:
        """The number of the line where the text after ``carry + before`` lies."""
        pieces = _split_lines(carry + before)
        complete = len(pieces) - (1 if pieces and not pieces[-1].endswith(("\n", "\r")) else 0)
        return self.count + complete + 1

    def _too_long(self, line: int) -> RecipientSourceError:
        return RecipientSourceError(
            f"{self.name}, line {line}: longer than {MAX_LINE_LENGTH:,} characters, which no "
            "CSV of recipients comes near: is it a CSV at all?",
            source=self.name,
            line=line,
        )

    def _decode_error(self, error: UnicodeDecodeError, line: int) -> RecipientSourceError:
        assert self.decoder is not None
        codec = codecs.lookup(self.decoder.encoding).name
        if self.decoder.detect or codec in ("utf-8", "utf-8-sig"):
            shown = "UTF-8"
        else:
            shown = encoding_label(codec)
        name = self.name
        if self.decoder.fell_back:
            what = f"neither UTF-8 nor {encoding_label(codec)} text"
        else:
            what = f"not {shown} text"

        def message(option: OptionSpelling) -> str:
            return (
                f"{name} is {what} (line {line}: {error.reason}): save it as 'CSV UTF-8', or "
                f"pass {option('encoding')} (e.g. {option('encoding', 'cp1252')} for an older "
                "Excel export)"
            )

        return RecipientSourceError(message, source=name, line=line)


# --------------------------------------------------------------------------------------------
# The phone column

# Header names that hold phone numbers in the exports people have, compared without case,
# accents, spaces or punctuation ("Téléphone", "N° de tél.", "phone_number").
_PHONE_COLUMN_NAMES: Final = (
    "phone",
    "phone number",
    "phone no",
    "telephone",
    "telephone number",
    "tel",
    "tel number",
    "tel no",
    "mobile",
    "mobile phone",
    "mobile number",
    "phone mobile",
    "cell",
    "cell phone",
    "cellphone number",
    "gsm",
    "msisdn",
    "portable",
    "tel portable",
    "telephone portable",
    "numero portable",
    "telephone mobile",
    "tel mobile",
    "numero",
    "numero de telephone",
    "numero telephone",
    "numero de tel",
    "num tel",
    "n tel",
    "n de telephone",
    "no tel",
    "telefono",
    "telefon",
    "handy",
)


def _column_key(name: str) -> str:
    """A header name without case, accents, spaces or punctuation, to compare names."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalnum())


_PHONE_COLUMN_KEYS: Final = frozenset(_column_key(name) for name in _PHONE_COLUMN_NAMES)
_PHONE_COLUMN_HINT = "phone, téléphone, tel, mobile, portable, numéro, phone_number…"


def _find_column(header: list[str], phone_column: str | None, name: str, line: int) -> int:
    keys = [_column_key(cell) for cell in header]
    if phone_column is not None:
        if phone_column in header:
            return header.index(phone_column)
        wanted = _column_key(phone_column)
        matches = [index for index, key in enumerate(keys) if key and key == wanted]
        absent = f"has no {phone_column!r} column"
        several, choose = f"several columns match {phone_column!r}", "with the exact name of one"
    else:
        # No name given: a "phone" column, else the one column with a usual name for it.
        exact = [index for index, key in enumerate(keys) if key == "phone"]
        matches = exact or [index for index, key in enumerate(keys) if key in _PHONE_COLUMN_KEYS]
        absent = "has no phone column"
        several, choose = "several columns may hold the numbers", "to name the one to call"
    if len(matches) == 1:
        return matches[0]
    found = ", ".join(repr(header[index]) for index in matches)
    shown = ", ".join(repr(cell) for cell in header if cell) or "none"
    looked = f"; looked for {_PHONE_COLUMN_HINT}" if phone_column is None else ""

    def message(option: OptionSpelling) -> str:
        if matches:
            return f"{name}: {several} ({found}): pass {option('phone_column')} {choose}"
        return (
            f"{name} {absent} (columns: {shown}{looked}); pass {option('phone_column')} to name "
            "the column that holds the numbers"
        )

    raise RecipientSourceError(message, source=name, line=line)


# --------------------------------------------------------------------------------------------
# Reading rows


# The size from which CPython's sets grow their table twofold, not fourfold (setobject.c).
_SET_GROWS_TWOFOLD: Final = 50_000


class _Collector:
    """Sorts rows into recipients, rejections and duplicates as they stream by."""

    def __init__(self, region: str | None) -> None:
        self.region = region
        self.recipients: list[Recipient] = []
        self.rejected: list[RejectedRow] = []
        self.duplicates: list[DuplicateRow] = []
        # perf: "load_recipients: CPU per row at 1,000,000 rows vs at 10,000" (scripts/bench.py).
        # The duplicate check: the numbers kept, in a set. A set's slot holds the number's
        # hash, so a probe of a table of 1M numbers (tens of MB, probed at random) reads one
        # place in memory; a dict of text keys keeps no hash in its slots and reads the entry,
        # then the key's text. A CSV adds a whole block of numbers at once (see _CsvRows).
        self.seen: set[str] = set()
        # The row of each recipient, by runs of recipients that come from consecutive rows
        # (a block of a CSV is one run): the index of each run's first recipient, and its row.
        # No int object per row. The number-to-recipient map a duplicate needs is built when
        # the first duplicate comes, and extended from then on only up to the duplicates.
        self._run_starts = array.array("q")
        self._run_rows = array.array("q")
        self._index_of: dict[str, int] = {}
        self._indexed = 0  # recipients whose number is in _index_of
        self._library: Any = False  # not looked up yet: only non-E.164 rows need it

    def phone(self, raw: str) -> str:
        if self._library is False:
            self._library = _phonenumbers()
        return _normalize(raw, self.region, self._library)

    def looks_like_phone(self, raw: str) -> bool:
        try:
            self.phone(raw)
        except _PhoneProblem:
            return False
        return True

    def add(self, row: int, raw: str, context: dict[str, Any], nested: bool) -> None:
        if is_e164(raw):
            phone = raw
        else:
            try:
                phone = self.phone(raw)
            except _PhoneProblem as problem:
                self.rejected.append(RejectedRow(row, raw, problem.reason))
                return
        if phone in self.seen:
            self.duplicates.append(DuplicateRow(row, raw, phone, self.kept_row(phone)))
            return
        self.seen.add(phone)
        self.next_row(row)
        self.recipients.append(trusted_recipient(phone, context, nested))

    def next_row(self, row: int) -> None:
        """Note that the next recipient kept comes from ``row`` (and any after it from the rows
        after it, until noted otherwise)."""
        index = len(self.recipients)
        starts, rows = self._run_starts, self._run_rows
        if not starts or rows[-1] + (index - starts[-1]) != row:
            starts.append(index)
            rows.append(row)

    def see_all(self, phones: list[str]) -> bool:
        """Note ``phones`` as kept when all are new and none comes twice, and say whether so;
        when not, the numbers kept stay as they were."""
        seen = self.seen
        before = len(seen)
        # perf: "load_recipients: CPU per row at 1,000,000 rows vs at 10,000" (scripts/bench.py):
        # one pass over the large table, in C (a test before it would probe it twice). Below
        # _SET_GROWS_TWOFOLD numbers, a set added to item by item grows its table fourfold,
        # merged from a set only as far as both need: the small set of a block is built to
        # keep small imports small. Above it both ways grow it twofold, and building that
        # small set would cost more than the merge.
        if before < _SET_GROWS_TWOFOLD:
            seen |= set(phones)
        else:
            seen.update(phones)
        if len(seen) - before == len(phones):
            return True
        # A number kept already, or twice among these: take back those no recipient has.
        self._index_recipients()
        seen.difference_update(itertools.filterfalse(self._index_of.__contains__, phones))
        return False

    def _index_recipients(self) -> None:
        """Extend the number-to-recipient map to the recipients kept since it was last."""
        start = self._indexed
        phones = map(_PHONE_OF_RECIPIENT, self.recipients[start:])
        self._index_of.update(zip(phones, itertools.count(start)))
        self._indexed = len(self.recipients)

    def kept_row(self, phone: str) -> int:
        """The row of the recipient kept with number ``phone`` (one is)."""
        from bisect import bisect_right  # only a duplicate needs it

        index = self._index_of.get(phone)
        if index is None:
            self._index_recipients()
            index = self._index_of[phone]
        run = bisect_right(self._run_starts, index) - 1
        return self._run_rows[run] + (index - self._run_starts[run])

    def result(self, encoding: str | None = None) -> RecipientImport:
        return RecipientImport(
            tuple(self.recipients), tuple(self.rejected), tuple(self.duplicates), encoding
        )


def _cell_picker(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A function giving the cells at ``indexes`` of a row, as a tuple."""
    if len(indexes) > 1:
        return operator.itemgetter(*indexes)  # a tuple, made in C

    def pick(cells: list[str]) -> tuple[str, ...]:
        return tuple(cells[index] for index in indexes)

    return pick


# perf: "load_recipients, E.164 rows" (scripts/bench.py). Fewer rows than this are checked
# and kept one by one: the whole-rows steps cost a few microseconds however few the rows.
_WHOLE_ROWS_MIN: Final = 32


class _CsvRows:
    """One CSV being read: the header, and every row after it into the collector."""

    def __init__(
        self,
        source: _LineSource,
        collector: _Collector,
        phone_column: str | None,
        delimiter: str | None,
    ) -> None:
        self.source = source
        self.collector = collector
        self.phone_column = phone_column
        self.delimiter = delimiter or ","
        self.sniff = delimiter is None
        self.header: list[str] = []
        self.phone_index = 0

    def read(self) -> None:
        import csv  # here, not at the top: only imports need it

        name = self.source.name
        lines = self.source.lines()
        first = next(lines, None)
        skipped = 0
        while first is not None and not first.strip():
            skipped += 1
            first = next(lines, None)
        if first is None:
            column = "phone" if self.phone_column is None else repr(self.phone_column)
            raise RecipientSourceError(
                f"{name} is empty: expected a header line with a {column} column", source=name
            )
        first = first.removeprefix("\ufeff")  # a BOM in a file object opened as plain UTF-8
        if self.sniff:
            self.delimiter = _sniff_delimiter(first)
        # Strict: a quote that closes a value and is not followed by the delimiter, or a quote
        # still open at the end, is an error rather than rows silently read as one value. The
        # blank lines skipped above go in again so that line numbers stay the file's.
        reader = csv.reader(
            itertools.chain(itertools.repeat("\n", skipped), (first,), lines),
            delimiter=self.delimiter,
            strict=True,
        )
        self.reader = reader
        header = self._header(reader)
        seen: set[str] = set()
        for cell in header:
            if cell and cell in seen:
                raise RecipientSourceError(
                    f"{name}: column {cell!r} appears twice in the header",
                    source=name,
                    line=reader.line_num,
                )
            seen.add(cell)
        self.header = header
        self.phone_index = _find_column(header, self.phone_column, name, reader.line_num)
        self.phone_key = header[self.phone_index]
        # Columns without a name (a trailing delimiter on every line) carry no placeholder name.
        self.unnamed = "" in seen
        # The context's columns, in order: every column but the phone's and those without a
        # name. Their names are one tuple, shared by the recipients of every row (see Recipient).
        phone_index = self.phone_index
        self.kept = [index for index, cell in enumerate(header) if index != phone_index and cell]
        self.columns = tuple(header[index] for index in self.kept)
        self.pick_cells = _cell_picker(self.kept)
        self._rows(lines, reader.line_num)

    def _header(self, reader: Any) -> list[str]:
        import csv

        try:
            cells: list[str] = next(reader)
            while not cells:
                cells = next(reader)
        except csv.Error as error:
            raise self._csv_error(error, 1, reader.line_num) from None
        return [cell.strip() for cell in cells]

    def _rows(self, lines: Iterator[str], consumed: int) -> None:
        """Every row after the header, which ends on line ``consumed``, block by block.

        perf: "load_recipients, E.164 rows" (scripts/bench.py). A block of lines (what one read
        of the source gave) is parsed on its own, in one call of the csv module; when it gives
        as many rows as it has lines, no value spans lines and row i lies on the block's line i,
        and its rows go through whole-rows steps (see _commit_rows). A block that gives fewer
        rows (a quoted value with a line break) or a csv error is read again from its first
        line row by row, by one reader over it and the blocks after it as far as the rows
        need (_read_rows), until a row ends where a block ends.
        """
        source = self.source
        # What is left of the block the header ends in, then the blocks after it.
        rest = list(itertools.islice(lines, source.count - consumed))
        blocks = itertools.chain((rest,), source.blocks())
        for block in blocks:
            if not block:
                continue
            rows = self._one_row_a_line(block)
            if rows is None:
                consumed = self._read_rows(block, blocks, consumed)
            else:
                self._commit_rows(rows, consumed + 1)
                consumed += len(block)

    def _one_row_a_line(self, block: list[str]) -> list[list[str]] | None:
        """The rows of ``block``, when it holds one row a line; else None."""
        import csv

        try:
            rows = list(csv.reader(block, delimiter=self.delimiter, strict=True))
        except csv.Error:
            return None  # read again row by row, which reports it where it lies
        return rows if len(rows) == len(block) else None

    def _commit_rows(self, rows: list[list[str]], first: int) -> None:
        """Rows of one line each, row i on line ``first + i``, into the collector.

        The usual rows (the header's width, a new E.164 number) all at once, by steps that run
        in C over all of them; when some are not, each half on its own, and below
        _WHOLE_ROWS_MIN rows each row on its own: the rows and their order stay the same.
        """
        count = len(rows)
        if count >= _WHOLE_ROWS_MIN and self._keep_all(rows, first):
            return
        if count >= 2 * _WHOLE_ROWS_MIN:
            half = count // 2
            self._commit_rows(rows[:half], first)
            self._commit_rows(rows[half:], first + half)
            return
        row = self._row
        for offset, cells in enumerate(rows):
            row(cells, first + offset, first + offset)

    def _keep_all(self, rows: list[list[str]], first: int) -> bool:
        """Keep every row when all are usual ones (see _row), and say whether they were."""
        count = len(rows)
        if operator.countOf(map(len, rows), len(self.header)) != count:
            return False
        phones = list(map(operator.itemgetter(self.phone_index), rows))
        if not _all_e164(phones) or not self.collector.see_all(phones):
            return False
        kept = self.kept
        cells: Iterable[tuple[str, ...]]
        if len(kept) > 1:
            cells = map(self.pick_cells, rows)
        elif kept:
            cells = zip(map(operator.itemgetter(kept[0]), rows))  # 1-tuples, made in C
        else:
            cells = itertools.repeat((), count)
        made = list(map(_new, itertools.repeat(Recipient, count)))
        collections.deque(map(_set_phone, made, phones), maxlen=0)
        collections.deque(map(_set_layout, made, itertools.repeat(self.columns)), maxlen=0)
        collections.deque(map(_set_cells, made, cells), maxlen=0)
        self.collector.next_row(first)
        self.collector.recipients += made
        return True

    def _row(self, cells: list[str], row: int, end: int) -> None:
        """One row, on lines ``row`` to ``end``: kept when usual, else through _take.

        Usual: on one line, the header's width, and a number in E.164 that no earlier row has.
        Its recipient holds the row's own cells, no dict (see Recipient._layout).
        """
        if len(cells) != len(self.header) or end != row:
            self._take(cells, row, end)
            return
        raw = cells[self.phone_index]
        collector = self.collector
        if not is_e164(raw) or raw in collector.seen:
            self._take(cells, row, end)
            return
        collector.seen.add(raw)
        collector.next_row(row)
        recipient = _new(Recipient)
        _set_phone(recipient, raw)
        _set_layout(recipient, self.columns)
        _set_cells(recipient, self.pick_cells(cells))
        collector.recipients.append(recipient)

    def _read_rows(self, block: list[str], blocks: Iterator[list[str]], consumed: int) -> int:
        """Rows read one by one from ``block``'s first line (line ``consumed + 1``) on, over the
        blocks that follow as their values need, until a row ends where a block ends; returns
        the number of the last line read."""
        import csv

        fed = len(block)  # lines handed to the reader

        def feed() -> Iterator[list[str]]:
            nonlocal fed
            yield block
            for more in blocks:
                fed += len(more)
                yield more

        reader = csv.reader(
            itertools.chain.from_iterable(feed()), delimiter=self.delimiter, strict=True
        )
        take = self._row
        previous_end = 0  # the reader's last line, counted from the block
        while True:
            try:
                for cells in reader:
                    row = consumed + previous_end + 1
                    previous_end = reader.line_num
                    take(cells, row, consumed + previous_end)
                    if previous_end == fed:
                        return consumed + fed
                return consumed + previous_end
            except csv.Error as error:
                row = consumed + previous_end + 1
                previous_end = reader.line_num
                self._bad_quotes(error, row, consumed + previous_end)
                if previous_end == fed:
                    return consumed + fed

    def _take(self, cells: list[str], row: int, end: int) -> None:
        """A row off the shortest path: misaligned, on several lines, empty, national..."""
        if not cells:
            return  # a blank line is not a row
        if end != row and self._swallowed(row, end):
            return
        width = len(self.header)
        fields = cells
        if len(fields) != width:
            fitted = self._fit(fields, row)
            if fitted is None:
                return
            fields = fitted
        context = dict(zip(self.header, fields, strict=True))
        raw = context.pop(self.phone_key)
        if self.unnamed:
            context.pop("", None)
        self._finish(row, raw, context)

    def _finish(self, row: int, raw: str, context: dict[str, Any]) -> None:
        """A row whose number is not a new E.164 one: empty, to normalise, or a duplicate."""
        if not raw.strip():
            if any(value.strip() for value in context.values()):
                self.collector.rejected.append(RejectedRow(row, raw, "phone is empty"))
            else:
                self.collector.rejected.append(RejectedRow(row, None, "empty row"))
            return
        self.collector.add(row, raw, context, False)

    def _fit(self, fields: list[str], row: int) -> list[str] | None:
        """A row with more or fewer cells than the header, fitted to it; None when rejected."""
        width = len(self.header)
        count = len(fields)
        if count < width:
            # Spreadsheets and hand edits leave out trailing empty cells.
            return fields + [""] * (width - count)
        if not any(cell.strip() for cell in fields[width:]):
            return fields[:width]  # trailing delimiters only
        self.collector.rejected.append(
            RejectedRow(
                row,
                fields[self.phone_index],
                f"{count} fields but the header has {width}: a value that contains the "
                f"delimiter {self.delimiter!r} must be quoted",
            )
        )
        return None

    # --- quotes that swallow rows -----------------------------------------------------------

    def _alone(self, number: int) -> list[str] | None:
        """Line ``number`` read as a row on its own (None when it is no longer at hand)."""
        import csv

        text = self.source.line(number)
        if text is None:
            return None
        return next(csv.reader([text], delimiter=self.delimiter), [])

    def _phone_of(self, cells: list[str] | None) -> str | None:
        if cells is None or self.phone_index >= len(cells):
            return None
        return cells[self.phone_index]

    def _swallowed(self, row: int, end: int) -> bool:
        """Whether a row spread over lines row..end holds rows of its own; if so, reject them.

        A value may hold line breaks when it is quoted; but when a later line of it, read on its
        own, has a phone number in the phone column, a quote opened by mistake has taken in the
        rows that follow, and closed by chance where another value was quoted.
        """
        for number in range(row + 1, end + 1):
            phone = self._phone_of(self._alone(number))
            if phone and self.collector.looks_like_phone(phone):
                self._reject_lines(
                    row,
                    end,
                    f"a quote opened in this row is closed only on line {end}, taking in the "
                    f"rows of lines {row + 1}-{end}",
                )
                return True
        return False

    def _bad_quotes(self, error: Exception, row: int, end: int) -> None:
        """A csv error at line ``end`` in the row that starts on line ``row``."""
        import csv

        text = str(error)
        if text.startswith("field larger than field limit"):
            raise self._csv_error(error, row, end) from None
        if row == end:
            # A quote inside one line ('"Ana" Martin'): read as before, the quote kept as text.
            line = self.source.line(row)
            if line is not None:
                cells = next(csv.reader([line], delimiter=self.delimiter), [])
                self._take(cells, row, end)
                return
            self.collector.rejected.append(RejectedRow(row, None, f"unreadable CSV: {text}"))
            return
        if text.startswith("unexpected end of data"):
            reason = "a quote opened in this row is never closed, taking in every later line"
        else:
            reason = (
                f"a quote opened in this row is closed only on line {end}, where it meets "
                f"another quote, taking in the rows of lines {row + 1}-{end}"
            )
        self._reject_lines(row, end, reason)

    def _reject_lines(self, row: int, end: int, reason: str) -> None:
        rejected = self.collector.rejected
        fix = (
            "fix the quotes (a value with the delimiter, a quote or a line break must be "
            "quoted, its quotes doubled)"
        )
        rejected.append(RejectedRow(row, self._phone_of(self._alone(row)), f"{reason}: {fix}"))
        for number in range(row + 1, end + 1):
            cells = self._alone(number)
            if cells is not None and not any(cell.strip() for cell in cells):
                continue  # a blank line is not a row
            rejected.append(
                RejectedRow(
                    number,
                    self._phone_of(cells),
                    f"inside the quoted value that row {row} opens and does not close: "
                    "this row was not read",
                )
            )

    def _csv_error(self, error: Exception, row: int, end: int) -> RecipientSourceError:
        import csv

        name = self.source.name
        text = str(error)
        if text.startswith("field larger than field limit"):
            where = f"line {end}" if end == row else f"line {end} (in the row of line {row})"
            hint = "is a quote left open?" if end != row else "this is not a CSV of recipients"
            return RecipientSourceError(
                f"{name}, {where}: a value is longer than {csv.field_size_limit():,} "
                f"characters: {hint}",
                source=name,
                line=end,
            )
        return RecipientSourceError(
            f"{name}, line {end}: cannot read the header: {text}", source=name, line=end
        )


def _read_mappings(
    items: Iterable[Mapping[str, Any]], collector: _Collector, phone_column: str
) -> None:
    for row, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            collector.rejected.append(
                RejectedRow(row, None, f"not a mapping but {type(item).__name__}")
            )
            continue
        raw = item.get(phone_column)
        if raw is None:
            collector.rejected.append(RejectedRow(row, None, f"no {phone_column!r} field"))
            continue
        if not isinstance(raw, str):
            collector.rejected.append(
                RejectedRow(
                    row,
                    _shown(raw),
                    f"phone must be text, not {type(raw).__name__} "
                    "(a number loses its leading '+' or '0')",
                )
            )
            continue
        if not raw.strip():
            collector.rejected.append(RejectedRow(row, raw, "phone is empty"))
            continue
        # A None value is an absent one (as databases and data frames write missing cells).
        context = {k: v for k, v in item.items() if k != phone_column and v is not None}
        try:
            frozen, nested = freeze_context(context)
        except ContextProblems as found:
            reasons = "; ".join(
                f"{_shown(path, 160)}: {message}" for path, message, _ in found.problems[:10]
            )
            if len(found.problems) > 10:
                reasons += f"; and {len(found.problems) - 10:,} more"
            collector.rejected.append(RejectedRow(row, raw, reasons))
            continue
        collector.add(row, raw, frozen, nested)


def check_encoding(encoding: object) -> str | None:
    """The codec name of ``encoding`` (None: detect it); ValueError when Python has no such
    text encoding, TypeError when it is not text."""
    if encoding is None:
        return None
    if not isinstance(encoding, str):
        raise TypeError(
            f"encoding must be the name of a text encoding, not {type(encoding).__name__}"
        )
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise ValueError(
            f"unknown encoding {_shown(encoding)!r}: give a name such as 'utf-8' or 'cp1252', "
            "or none to have it detected"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{encoding!r} is not a text encoding (it encodes bytes to bytes)")
    return info.name


def _check_phone_column(phone_column: object) -> str | None:
    if phone_column is None:
        return None
    if not isinstance(phone_column, str):
        raise TypeError(
            f"phone_column must be the name of a column (text), not {type(phone_column).__name__}"
        )
    if not phone_column.strip():
        raise ValueError("phone_column must name a column, not be empty")
    return phone_column


def _check_delimiter(delimiter: object) -> str | None:
    if delimiter is None:
        return None
    if not isinstance(delimiter, str):
        raise TypeError(f"delimiter must be one character, not {type(delimiter).__name__}")
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise ValueError(
            f"delimiter must be one character other than a quote or a line break, not {delimiter!r}"
        )
    return delimiter


class _CyclicCollectorPause:
    """The cyclic garbage collector paused for a block, then restored as it was.

    perf: "load_recipients, E.164 rows" (scripts/bench.py). An import makes an object per row
    that the collector tracks (the Recipient), and every pass over the older generations walks
    all of those made so far: at 1M rows that was a third of the import's time, and the part
    that grew faster than the rows. The block makes no reference cycles (recipients hold text,
    tuples and dicts of values), so those passes cannot find anything to free in it; objects
    are still freed by reference counting. Imports in several threads share one pause: the
    last to end restores the collector, and only if it was enabled when the first began.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blocks = 0  # blocks running with the collector paused
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._blocks == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._blocks += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._blocks -= 1
            if self._blocks == 0 and self._was_enabled:
                gc.enable()


_cyclic_gc_paused = _CyclicCollectorPause()


def load_recipients(
    source: str | os.PathLike[str] | IO[str] | IO[bytes] | Iterable[Mapping[str, Any]],
    phone_column: str | None = None,
    region: str | None = "FR",
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> RecipientImport:
    """Read recipients from a CSV file or an iterable of mappings, accounting for every row.

    ``source`` is a path to a CSV file, a file object (text or binary), or an iterable of
    mappings (one per recipient). In a CSV, the first line names the columns; the delimiter
    (comma, semicolon as French spreadsheets write, or tab) is detected from it unless
    ``delimiter`` is given. The encoding is detected unless ``encoding`` is given: UTF-8 with
    or without a byte-order mark, else Windows-1252 (cp1252), what Excel writes for "CSV" on a
    Western European Windows; a file opening with a UTF-16 or UTF-32 byte-order mark (Excel's
    "Unicode Text") is read in that encoding. A text file object is read as it was opened.

    The phone column is ``phone_column`` when given (matched ignoring case, accents and
    punctuation when no column has the exact name); otherwise a ``phone`` column, or else the
    one column with a usual name for it (Téléphone, tel, mobile, portable, numéro,
    phone_number…). Its numbers are normalised with :func:`normalize_phone` for ``region``;
    every other column becomes a context value, as text (an empty cell gives ``""``; columns
    without a name are ignored). From mappings, the ``phone_column`` key (``"phone"`` when not
    given) holds the number and the other keys become the context as they are (``None`` values
    left out).

    Returns a :class:`RecipientImport`: the recipients, the rejected rows with their row number,
    raw value and reason (empty phone, empty row, not a number, national format without the
    ``phone`` extra, a misaligned CSV row, a quote left open that took in the rows after it,
    an invalid context value...), and the duplicates (same normalised number as an earlier row,
    which is kept). Every line is accounted for. The source is read as a stream, in bounded
    blocks: only the result is held in memory. A file object is read, never closed. While a CSV
    is read, Python's cyclic garbage collector is paused (the recipients it builds hold no
    reference cycles for it to find); it is restored as it was when the import ends.

    Raises :class:`RecipientSourceError` (a ``ValueError``) when the source itself is
    unusable: no header, no phone column or several candidates, a column named twice, text
    not in the encoding, a line over ``MAX_LINE_LENGTH`` characters or a value over
    ``csv.field_size_limit()``. ``ValueError`` or ``TypeError`` for a wrong argument.
    """
    region = check_region(region)
    phone_column = _check_phone_column(phone_column)
    codec = check_encoding(encoding)
    delimiter = _check_delimiter(delimiter)
    collector = _Collector(region)
    if isinstance(source, (str, os.PathLike)):
        name = repr(os.fspath(source))
        with open(source, "rb") as stream, _cyclic_gc_paused:
            lines = _LineSource(stream.read, name, _Decoder(codec))
            _CsvRows(lines, collector, phone_column, delimiter).read()
            return collector.result(lines.encoding)
    if hasattr(source, "read"):
        handle = cast("IO[Any]", source)
        name = repr(getattr(handle, "name", "the CSV file"))
        text_mode = isinstance(handle.read(0), str)
        lines = _LineSource(handle.read, name, None if text_mode else _Decoder(codec))
        # The file object is the caller's: it is read, never closed nor wrapped.
        with _cyclic_gc_paused:
            _CsvRows(lines, collector, phone_column, delimiter).read()
            return collector.result(lines.encoding)
    if isinstance(source, Iterable) and not isinstance(source, (bytes, Mapping)):
        # Not paused: the mappings are the caller's, and so is the code that yields them.
        _read_mappings(source, collector, phone_column or "phone")
        return collector.result()
    raise TypeError(
        "source must be a CSV path, a file object or an iterable of mappings, "
        f"not {type(source).__name__}"
    )
