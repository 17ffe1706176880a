"""Recipients: who a campaign calls, their numbers in E.164, and importing them from a CSV.

:func:`load_recipients` reads a spreadsheet export (or any iterable of mappings), normalises the
numbers with :func:`normalize_phone`, and accounts for every row: a row becomes a recipient, a
rejected row (with its row number, raw value and the reason), or a duplicate folded into the
first row with the same number. Nothing is dropped without being reported.
"""

from __future__ import annotations

import codecs
import io
import itertools
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import IO, Any, cast

import attrs

from volubile_api import _spec

from ._errors import ClientValidationError, FieldError

__all__ = [
    "DuplicateRow",
    "Recipient",
    "RecipientImport",
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


def _freeze_value(value: Any, path: str, problems: list[tuple[str, str, Any]]) -> Any:
    """A read-only copy of a nested context value; problems are appended, not raised."""
    # Subclasses (enums with a str or int mixin...) become the plain values JSON would write:
    # str() of a `class Color(str, Enum)` member is "Color.RED", str.__str__ is its value.
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            problems.append((path, "must be a finite number: JSON has no NaN or infinity", value))
        return float(value)
    if isinstance(value, Mapping):
        frozen: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append((path, f"keys must be text, not {type(key).__name__}", key))
                continue
            frozen[key] = _freeze_value(item, _path(path, key), problems)
        return MappingProxyType(frozen)
    if isinstance(value, (list, tuple)):
        return tuple(_freeze_value(item, f"{path}[{i}]", problems) for i, item in enumerate(value))
    if value is None:
        problems.append((path, "must not be null: leave the key out instead", value))
        return None
    problems.append(
        (
            path,
            "must be text, a number, a boolean, or a mapping or list of those, "
            f"not {type(value).__name__}",
            repr(value),
        )
    )
    return None


class ContextProblems(Exception):
    """Internal: the problems found in a context, as (path, message, rejected value)."""

    def __init__(self, problems: list[tuple[str, str, Any]]) -> None:
        super().__init__(problems)
        self.problems = problems


def freeze_context(context: object) -> tuple[dict[str, Any], bool]:
    """Check a context; return a copy whose nested values are read-only, and whether any are.

    The copy is a plain dict meant to be held privately (a :class:`Recipient` shows it through
    a read-only view). Raises :class:`ContextProblems` listing every problem, with paths
    starting at ``context``. Flat contexts of text, numbers and booleans, the usual case, take
    the short loop.
    """
    if context is None:
        return {}, False
    if not isinstance(context, Mapping):
        raise ContextProblems(
            [
                (
                    "context",
                    "must be a mapping of placeholder names to values, "
                    f"not {type(context).__name__}",
                    repr(context),
                )
            ]
        )
    frozen: dict[str, Any] = {}
    nested = False
    problems: list[tuple[str, str, Any]] = []
    for key, value in context.items():
        if not isinstance(key, str):
            problems.append(("context", f"keys must be text, not {type(key).__name__}", repr(key)))
            continue
        kind = type(value)
        if kind is str or kind is int or kind is bool or (kind is float and math.isfinite(value)):
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
    for key, value in context.items():
        kind = type(value)
        if type(key) is not str or not (
            kind is str or kind is int or kind is bool or (kind is float and math.isfinite(value))
        ):
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
    # cost an object per row in imports of 100,000 rows.
    _context: dict[str, Any]
    # Derived from the context (it holds mappings or lists), so attrs.evolve must not pass it.
    _nested: bool = attrs.field(init=False)

    def __init__(self, phone: str, context: Mapping[str, Any] | None = None) -> None:
        errors: list[FieldError] = []
        problem = phone_problem(phone)
        if problem is not None:
            errors.append(FieldError("phone", problem, phone))
        try:
            frozen, nested = freeze_context(context)
        except ContextProblems as found:
            errors.extend(
                FieldError(path, message, value) for path, message, value in found.problems
            )
            frozen, nested = {}, False
        if errors:
            raise ClientValidationError(errors, subject="recipient")
        _init(self, phone, frozen, nested)

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
            (self.phone, _hashable(context) if self._nested else frozenset(context.items()))
        )

    def __repr__(self) -> str:
        if not self._context:
            return f"Recipient({self.phone!r})"
        return f"Recipient({self.phone!r}, {_thaw(self._context)!r})"

    def __reduce__(self) -> tuple[type[Recipient], tuple[str, dict[str, Any]]]:
        # The read-only nested values cannot be pickled; rebuild from plain values instead.
        return (Recipient, (self.phone, _thaw(self._context)))


_new = object.__new__
# The class is frozen and slotted: its slot descriptors set the fields, as attrs itself does, at
# half the cost of object.__setattr__ (it shows when importing 100,000 rows).
_set_phone = Recipient.__dict__["phone"].__set__
_set_context = Recipient.__dict__["_context"].__set__
_set_nested = Recipient.__dict__["_nested"].__set__


def _init(recipient: Recipient, phone: str, context: dict[str, Any], nested: bool) -> None:
    _set_phone(recipient, phone)
    _set_context(recipient, context)
    _set_nested(recipient, nested)


def trusted_recipient(phone: str, context: dict[str, Any], nested: bool) -> Recipient:
    """A recipient from values already checked (and ``context`` from :func:`freeze_context`).

    Skips the second check of every field that ``Recipient(...)`` would make: imports and
    campaign bodies build thousands of these.
    """
    recipient = _new(Recipient)
    _init(recipient, phone, context, nested)
    return recipient


def recipient_json(recipient: Recipient) -> dict[str, Any]:
    """The API's JSON form of a recipient, as new plain dicts and lists."""
    context = recipient._context
    if not context:
        return {"phone": recipient.phone}
    return {
        "phone": recipient.phone,
        "context": _thaw(context) if recipient._nested else dict(context),
    }


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


def _check_region(region: str | None) -> str | None:
    if region is None:
        return None
    if not isinstance(region, str) or len(region) != 2 or not region.isalpha():
        raise ValueError(
            f"region must be a two-letter country code such as 'FR', or None, not {region!r}"
        )
    return region.upper()


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
    region = _check_region(region)
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
        shown = "" if self.value is None else f" ({self.value!r})"
        return f"row {self.row}{shown}: {self.reason}"


@attrs.frozen
class DuplicateRow:
    """A row whose number was already taken by an earlier row: the earlier row is kept."""

    row: int
    value: str
    phone: str
    kept_row: int

    def __str__(self) -> str:
        return f"row {self.row} ({self.value!r}): same number {self.phone} as row {self.kept_row}"


def _count_of(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@attrs.frozen
class RecipientImport:
    """What :func:`load_recipients` made of a source: every row is in exactly one of the three.

    ``recipients`` in source order, the first row of each number kept; ``rejected`` rows with
    their reasons; ``duplicates`` folded into an earlier row.
    """

    recipients: tuple[Recipient, ...]
    rejected: tuple[RejectedRow, ...]
    duplicates: tuple[DuplicateRow, ...]

    @property
    def rows(self) -> int:
        """How many data rows were read (blank lines aside)."""
        return len(self.recipients) + len(self.rejected) + len(self.duplicates)

    @property
    def ok(self) -> bool:
        """True when every row became a recipient."""
        return not self.rejected and not self.duplicates

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


class _Collector:
    """Sorts rows into recipients, rejections and duplicates as they stream by."""

    def __init__(self, region: str | None) -> None:
        self.region = region
        self.recipients: list[Recipient] = []
        self.rejected: list[RejectedRow] = []
        self.duplicates: list[DuplicateRow] = []
        self.first_row: dict[str, int] = {}
        self._library: Any = False  # not looked up yet: only non-E.164 rows need it

    def phone(self, raw: str) -> str:
        if self._library is False:
            self._library = _phonenumbers()
        return _normalize(raw, self.region, self._library)

    def add(self, row: int, raw: str, context: dict[str, Any], nested: bool) -> None:
        if is_e164(raw):
            phone = raw
        else:
            try:
                phone = self.phone(raw)
            except _PhoneProblem as problem:
                self.rejected.append(RejectedRow(row, raw, problem.reason))
                return
        kept = self.first_row.setdefault(phone, row)
        if kept != row:
            self.duplicates.append(DuplicateRow(row, raw, phone, kept))
            return
        self.recipients.append(trusted_recipient(phone, context, nested))

    def result(self) -> RecipientImport:
        return RecipientImport(tuple(self.recipients), tuple(self.rejected), tuple(self.duplicates))


def _find_column(header: list[str], phone_column: str, source_name: str) -> int:
    if phone_column in header:
        return header.index(phone_column)
    wanted = phone_column.strip().casefold()
    matches = [i for i, name in enumerate(header) if name.casefold() == wanted]
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(repr(name) for name in header if name) or "none"
    raise ValueError(
        f"{source_name} has no {phone_column!r} column (columns: {shown}); "
        "pass phone_column= to name the column that holds the numbers"
    )


def _read_csv(
    lines: Iterator[str], collector: _Collector, phone_column: str, delimiter: str | None, name: str
) -> None:
    first = next(lines, None)
    while first is not None and not first.strip():
        first = next(lines, None)
    if first is None:
        raise ValueError(f"{name} is empty: expected a header line with a {phone_column!r} column")
    first = first.removeprefix("\ufeff")  # a BOM in a file object opened as plain UTF-8
    if delimiter is None:
        delimiter = _sniff_delimiter(first)

    import csv  # here, not at the top: only imports need it

    reader = csv.reader(itertools.chain((first,), lines), delimiter=delimiter)
    header = [cell.strip() for cell in next(reader)]
    seen: set[str] = set()
    for cell in header:
        if cell and cell in seen:
            raise ValueError(f"{name}: column {cell!r} appears twice in the header")
        seen.add(cell)
    phone_index = _find_column(header, phone_column, name)
    phone_key = header[phone_index]
    width = len(header)
    # Columns without a name (a trailing delimiter on every line) carry no placeholder name.
    unnamed = "" in seen

    # The loop below runs once per row of files with 100,000 rows: everything it touches is
    # bound to a local name, and well-formed rows with E.164 numbers take the shortest path.
    e164 = is_e164
    first_row = collector.first_row
    keep = collector.recipients.append
    new, set_phone, set_context, set_nested = _new, _set_phone, _set_context, _set_nested
    previous_end = reader.line_num
    for cells in reader:
        row = previous_end + 1
        previous_end = reader.line_num
        fields = cells
        if len(fields) != width:
            if not fields:
                continue  # a blank line is not a row
            fitted = _fit_row(
                fields,
                row,
                width=width,
                phone_index=phone_index,
                delimiter=delimiter,
                collector=collector,
            )
            if fitted is None:
                continue
            fields = fitted
        context = dict(zip(header, fields, strict=True))
        raw = context.pop(phone_key)
        if unnamed:
            context.pop("", None)
        if e164(raw):
            phone = raw
        else:
            if not raw.strip():
                if any(value.strip() for value in context.values()):
                    collector.rejected.append(RejectedRow(row, raw, "phone is empty"))
                else:
                    collector.rejected.append(RejectedRow(row, None, "empty row"))
                continue
            try:
                phone = collector.phone(raw)
            except _PhoneProblem as problem:
                collector.rejected.append(RejectedRow(row, raw, problem.reason))
                continue
        kept = first_row.setdefault(phone, row)
        if kept != row:
            collector.duplicates.append(DuplicateRow(row, raw, phone, kept))
            continue
        recipient = new(Recipient)
        set_phone(recipient, phone)
        set_context(recipient, context)
        set_nested(recipient, False)
        keep(recipient)


def _fit_row(
    fields: list[str],
    row: int,
    *,
    width: int,
    phone_index: int,
    delimiter: str,
    collector: _Collector,
) -> list[str] | None:
    """A row with more or fewer cells than the header, fitted to it; None when it is rejected."""
    count = len(fields)
    if count < width:
        # Spreadsheets and hand edits leave out trailing empty cells.
        return fields + [""] * (width - count)
    if not any(cell.strip() for cell in fields[width:]):
        return fields[:width]  # trailing delimiters only
    collector.rejected.append(
        RejectedRow(
            row,
            fields[phone_index],
            f"{count} fields but the header has {width}: a value that contains the "
            f"delimiter {delimiter!r} must be quoted",
        )
    )
    return None


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
                    repr(raw),
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
            reasons = "; ".join(f"{path}: {message}" for path, message, _ in found.problems)
            collector.rejected.append(RejectedRow(row, raw, reasons))
            continue
        collector.add(row, raw, frozen, nested)


def _text_lines(stream: IO[Any], encoding: str) -> Iterator[str]:
    """The lines of a file object opened in text or binary mode."""
    if isinstance(stream.read(0), str):
        yield from stream
        return
    # newline="" lets the csv module see quoted line breaks as they are.
    wrapper = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        yield from wrapper
    finally:
        wrapper.detach()  # leave the caller's file open: it is theirs to close


def _bad_line(path: str, encoding: str) -> int | None:
    """The line of ``path`` where decoding fails, by reading it again (on the error path only).

    Files are decoded in large blocks, so the decoding error itself cannot tell the line.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return number
    return None


def _decode_error(
    name: str, encoding: str, error: UnicodeDecodeError, line: int | None = None
) -> ValueError:
    codec = codecs.lookup(encoding).name
    shown = "UTF-8" if codec in ("utf-8", "utf-8-sig") else codec
    where = f"line {line}: " if line is not None else ""
    return ValueError(
        f"{name} is not {shown} text ({where}{error.reason}): save it as 'CSV UTF-8', or pass "
        "encoding= (e.g. encoding='cp1252' for an older Excel export)"
    )


def load_recipients(
    source: str | os.PathLike[str] | IO[str] | IO[bytes] | Iterable[Mapping[str, Any]],
    phone_column: str = "phone",
    region: str | None = "FR",
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8-sig",
) -> RecipientImport:
    """Read recipients from a CSV file or an iterable of mappings, accounting for every row.

    ``source`` is a path to a CSV file, a file object (text or binary), or an iterable of
    mappings (one per recipient). In a CSV, the first line names the columns; the delimiter
    (comma, semicolon as French spreadsheets write, or tab) is detected from it unless
    ``delimiter`` is given; UTF-8 with or without a byte-order mark is read by default.

    The ``phone_column`` column (matched case-insensitively when no column has the exact name)
    is normalised with :func:`normalize_phone` for ``region``; every other column becomes a
    context value, as text (an empty cell gives ``""``; columns without a name are ignored).
    From mappings, the other keys become the context as they are (``None`` values left out).

    Returns a :class:`RecipientImport`: the recipients, the rejected rows with their row number,
    raw value and reason (empty phone, empty row, not a number, national format without the
    ``phone`` extra, a misaligned CSV row, an invalid context value...), and the duplicates (same
    normalised number as an earlier row, which is kept). The source is read as a stream: only
    the result is held in memory.

    Raises ``ValueError`` when the source itself is unusable: no header, no phone column, a
    column named twice, text that is not in ``encoding``.
    """
    region = _check_region(region)
    collector = _Collector(region)
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            with open(name, encoding=encoding, newline="") as stream:
                _read_csv(iter(stream), collector, phone_column, delimiter, repr(name))
        except UnicodeDecodeError as error:
            line = _bad_line(name, encoding)
            raise _decode_error(repr(name), encoding, error, line) from None
    elif hasattr(source, "read"):
        name = repr(getattr(source, "name", "the CSV file"))
        lines = _text_lines(cast("IO[Any]", source), encoding)
        try:
            _read_csv(lines, collector, phone_column, delimiter, name)
        except UnicodeDecodeError as error:
            raise _decode_error(name, encoding, error) from None
        finally:
            if hasattr(lines, "close"):
                lines.close()
    elif isinstance(source, Iterable) and not isinstance(source, (bytes, Mapping)):
        _read_mappings(source, collector, phone_column)
    else:
        raise TypeError(
            "source must be a CSV path, a file object or an iterable of mappings, "
            f"not {type(source).__name__}"
        )
    return collector.result()
