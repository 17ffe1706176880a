"""Campaign results: who was reached, who was not, who is still pending, and what was extracted.

:func:`join_results` joins a campaign's recipients with the calls the API reports for it, by
E.164 number, and :class:`CampaignResults` writes the answer as CSV (for Excel) or JSON. The
join is a pure function of its inputs, so the sync and async ``client.campaigns.results`` are
thin over it: they only page the calls (:func:`results_query` says which names to ask for).

The rules (README "Campaign results" shows them too):

- **Reached**: a call whose status is in :data:`REACHED_STATUSES` (COMPLETED, TRANSFERRED,
  FAILOVER: someone answered and the call had a conversation, the sandbox's
  ``ANSWERED_STATUSES``). A recipient is reached when any of its calls was.
- **Last status**: the status of the recipient's latest call (by start time, else creation
  time, else the order the API listed them).
- **Pending** (not final): no call yet; or the latest call is still IN_PROGRESS; or the latest
  call's status, or its main qualifier (the PRIMARY classifier's value, else the first
  classifier's), is in ``retry.retryOn`` and the recipient has had at most ``retry.max``
  attempts (a first call and up to ``max`` retries). Everyone else is final.
- **Data**: ``extracted_data`` and ``classification_data`` of the latest *reached* call (a
  retry that did not get through does not erase what an earlier call learnt).
- Calls are counted once per call id (a call listed twice while paging is not two attempts);
  calls for numbers that are not among the recipients are reported as rows of their own
  (``listed=False``), never dropped; a recipient listed twice is kept once and reported in
  ``duplicate_recipients``.

Memory: the join keeps a few values per number (counts, the latest status and time, the call
ids, the data of the latest reached call), never the calls; rows are made as they are written.
"""

from __future__ import annotations

import datetime as _dt
import enum
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Generic, Protocol, TypeVar

import attrs

from .._errors import ClientValidationError, FieldError, ProblemList
from .._sentinel import NOT_GIVEN, _NotGiven
from .._spreadsheet import spreadsheet_safe
from .._wire import spec as _spec
from ._campaign_input import MAX_RECIPIENTS, RecipientsInput, RetrySettings, _rule_recipients
from ._fields import INVALID, check_value
from ._recipients import Recipient, RecipientImport

if TYPE_CHECKING:
    from .._models import Campaign
    from ._bulk import BulkCreateReport

__all__ = [
    "IN_PROGRESS",
    "NOT_GIVEN",
    "REACHED_STATUSES",
    "CampaignResults",
    "RecipientResult",
    "ResultTotals",
    "join_results",
]

#: Call statuses that mean the person was reached: the call was answered and had a
#: conversation (the agent's, a transfer to a human, or the failover workflow's).
REACHED_STATUSES: Final = frozenset({"COMPLETED", "TRANSFERRED", "FAILOVER"})
_CALL_STATUSES: Final = frozenset(_spec.CallResponse.status.enum)
_CAMPAIGN_FILTER: Final = _spec.operations.listCalls.parameters.campaign
#: A call still going on: its recipient is pending whatever the retry rules say.
IN_PROGRESS: Final = "IN_PROGRESS"
#: The ``last_status`` of a recipient with no call yet (in totals and exports).
NOT_CALLED: Final = "NOT_CALLED"

# The states of a recipient, one word each (the ``state`` column).
STATE_REACHED: Final = "reached"
STATE_NOT_REACHED: Final = "not_reached"
STATE_RETRY_PENDING: Final = "retry_pending"
STATE_IN_PROGRESS: Final = "in_progress"
STATE_NOT_CALLED: Final = "not_called"

# A CSV gets one column per extracted or classified field; a call whose data invents keys
# without end (a misbehaving agent, or a hostile payload) must not make a file of a million
# columns: past this many, the remaining fields go into one JSON column each side.
MAX_DATA_COLUMNS: Final = 200
# Nested extracted data becomes "customer.firstname" columns down to this depth; deeper
# values are written as JSON text in the column of their parent.
_MAX_FLATTEN_DEPTH: Final = 4
# A chunk of create_many: "<name> (k/n)".
_CHUNK_NAME = re.compile(r"^(?P<base>.*) \((?P<k>[1-9][0-9]*)/(?P<n>[1-9][0-9]*)\)$", re.DOTALL)


class CallLike(Protocol):
    """What the join reads of a call: the typed ``Call`` of ``client.calls`` fits."""

    @property
    def id(self) -> Any: ...
    @property
    def phone(self) -> Any: ...
    @property
    def status(self) -> Any: ...
    @property
    def start_time(self) -> Any: ...
    @property
    def created(self) -> Any: ...
    @property
    def extracted_data(self) -> Any: ...
    @property
    def classification_data(self) -> Any: ...
    @property
    def classifiers(self) -> Any: ...


def _text(value: Any) -> str:
    """A status (an open enum member or the server's string) as its text."""
    if isinstance(value, enum.Enum):
        value = value.value
    return "" if value is None else str(value)


def _main_qualifier(call: CallLike) -> str | None:
    """The call's main qualifier: the PRIMARY classifier's value, else the first one's."""
    classifiers = getattr(call, "classifiers", None)
    if not classifiers or isinstance(classifiers, str | bytes):
        return None
    first: str | None = None
    for classifier in classifiers:
        if isinstance(classifier, Mapping):
            value, kind = classifier.get("value"), classifier.get("type")
        else:
            value, kind = getattr(classifier, "value", None), getattr(classifier, "type_", None)
        if value is None:
            continue
        if first is None:
            first = _text(value)
        if _text(kind) == "PRIMARY":
            return _text(value)
    return first


def _mapping(value: Any) -> Mapping[str, Any]:
    # The call's own dict (the typed Call's is a plain dict it does not change): kept, not
    # copied.
    return value if isinstance(value, Mapping) else {}


class _NumberState:
    """What the join keeps of one number's calls (never the calls themselves).

    perf: "results peak memory" (scripts/bench.py): a slotted object, the call ids as one
    space-separated text, and the latest reached call's own data dicts (not copies).
    """

    __slots__ = (
        "attempts",
        "call_ids",
        "classified",
        "extracted",
        "last_moment",
        "last_qualifier",
        "last_status",
        "reached_moment",
    )

    def __init__(self) -> None:
        self.attempts = 0
        self.call_ids = ""
        self.last_status = ""
        self.last_moment: _dt.datetime | None = None
        self.last_qualifier: str | None = None
        self.reached_moment: _dt.datetime | None = None
        # Set (to a dict, empty or not) once a call reached the number.
        self.extracted: Mapping[str, Any] | None = None
        self.classified: Mapping[str, Any] | None = None

    @property
    def reached(self) -> bool:
        return self.extracted is not None


def _has_id(ids: str, call_id: str) -> bool:
    """Whether ``call_id`` is one of the space-separated ``ids``."""
    start = ids.find(call_id)
    while start != -1:
        end = start + len(call_id)
        if (start == 0 or ids[start - 1] == " ") and (end == len(ids) or ids[end] == " "):
            return True
        start = ids.find(call_id, start + 1)
    return False


@attrs.frozen
class RecipientResult:
    """One row of the results: a recipient (or a number called that is not one).

    ``state`` is one word: ``reached``, ``not_reached`` (final), ``retry_pending`` (the retry
    rules will call again), ``in_progress`` (a call is going on) or ``not_called``. ``final``
    is False for the last three. ``last_status`` is the latest call's status (``NOT_CALLED``
    without calls). ``extracted_data`` / ``classification_data`` come from the latest reached
    call (empty when none was). ``listed`` is False for a number that is not among the
    recipients but was called under the campaign's name (its ``context`` is then empty).
    """

    phone: str
    listed: bool
    context: Mapping[str, Any]
    attempts: int
    last_status: str
    reached: bool
    final: bool
    state: str
    last_call_at: _dt.datetime | None
    call_ids: tuple[str, ...]
    extracted_data: Mapping[str, Any]
    classification_data: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The row as plain JSON values (times in ISO 8601)."""
        return {
            "phone": self.phone,
            "listed": self.listed,
            "state": self.state,
            "reached": self.reached,
            "final": self.final,
            "attempts": self.attempts,
            "last_status": self.last_status,
            "last_call_at": self.last_call_at.isoformat() if self.last_call_at else None,
            "call_ids": list(self.call_ids),
            "context": _jsonable(self.context),
            # The calls' own JSON values: written as they are (json.dumps bounds their depth).
            "extracted_data": dict(self.extracted_data),
            "classification_data": dict(self.classification_data),
        }


def _json_default(value: Any) -> Any:
    # A recipient's read-only context view; anything else JSON has no form for, as text.
    return dict(value) if isinstance(value, Mapping) else str(value)


def _jsonable(value: Any) -> Any:
    # Recipient contexts are read-only views with tuples for lists: plain JSON values out.
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


@attrs.frozen
class ResultTotals:
    """The counts of a result. Every recipient is in exactly one of reached, not_reached and
    pending; ``by_last_status`` counts recipients (and unlisted numbers) by their latest call's
    status, ``calls_by_status`` counts calls."""

    recipients: int
    reached: int
    not_reached: int
    pending: int
    unlisted_numbers: int
    calls: int
    by_last_status: Mapping[str, int]
    calls_by_status: Mapping[str, int]
    duplicate_recipients: int
    repeated_calls: int

    def to_dict(self) -> dict[str, Any]:
        """The totals as plain JSON values."""
        return {
            "recipients": self.recipients,
            "reached": self.reached,
            "not_reached": self.not_reached,
            "pending": self.pending,
            "unlisted_numbers": self.unlisted_numbers,
            "calls": self.calls,
            "by_last_status": dict(self.by_last_status),
            "calls_by_status": dict(self.calls_by_status),
            "duplicate_recipients": self.duplicate_recipients,
            "repeated_calls": self.repeated_calls,
        }


class CampaignResults:
    """The results of a campaign: iterate for one :class:`RecipientResult` per recipient (in
    the recipients' order), then per number called that is not a recipient.

    ``totals`` counts them; :meth:`write_csv` and :meth:`write_json` export them, row by row.
    ``campaign_names`` are the names whose calls were read; ``retry`` the rules that decided
    who is pending; ``duplicate_recipients`` the numbers given more than once (kept once).
    """

    def __init__(
        self,
        *,
        recipients: Sequence[Recipient],
        states: dict[str, _NumberState | None],
        unlisted: Sequence[str],
        retry: RetrySettings | None,
        campaign_names: Sequence[str],
        duplicate_recipients: Sequence[str],
        calls: int,
        calls_by_status: Mapping[str, int],
        repeated_calls: int,
    ) -> None:
        self._recipients = recipients
        self._states = states
        self._unlisted = unlisted
        self.retry = retry
        self.campaign_names = tuple(campaign_names)
        self.duplicate_recipients = tuple(duplicate_recipients)
        self._calls = calls
        self._calls_by_status = dict(sorted(calls_by_status.items()))
        self._repeated_calls = repeated_calls
        self._retry_on = frozenset(retry.retry_on) if retry is not None and retry.max else None
        self._max_attempts = 1 + (retry.max if retry is not None else 0)
        self._totals: ResultTotals | None = None

    # -- rows ---------------------------------------------------------------------------------

    def _state_of(self, state: _NumberState | None) -> tuple[str, bool]:
        """(state word, final) for a number's calls, by the rules of the module's docstring."""
        if state is None or state.attempts == 0:
            return STATE_NOT_CALLED, False
        if state.last_status == IN_PROGRESS:
            return STATE_IN_PROGRESS, False
        retry_on = self._retry_on
        if (
            retry_on is not None
            and state.attempts < self._max_attempts
            and (state.last_status in retry_on or state.last_qualifier in retry_on)
        ):
            return STATE_RETRY_PENDING, False
        return (STATE_REACHED if state.reached else STATE_NOT_REACHED), True

    def _row(self, phone: str, context: Mapping[str, Any], state: _NumberState | None) -> Any:
        word, final = self._state_of(state)
        if state is None:
            return RecipientResult(
                phone, True, context, 0, NOT_CALLED, False, False, word, None, (), {}, {}
            )
        return RecipientResult(
            phone,
            context is not _UNLISTED,
            {} if context is _UNLISTED else context,
            state.attempts,
            state.last_status or NOT_CALLED,
            state.reached,
            final,
            STATE_REACHED if final and state.reached else word,
            state.last_moment,
            tuple(state.call_ids.split(" ")),
            state.extracted or {},
            state.classified or {},
        )

    def __iter__(self) -> Iterator[RecipientResult]:
        states = self._states
        for recipient in self._recipients:
            yield self._row(recipient.phone, recipient.context, states.get(recipient.phone))
        yield from self.unlisted()

    def unlisted(self) -> Iterator[RecipientResult]:
        """The rows of numbers called under the campaign's names that are not recipients, in
        the order their first call was listed."""
        states = self._states
        for phone in self._unlisted:
            yield self._row(phone, _UNLISTED, states[phone])

    def __len__(self) -> int:
        """How many rows: the recipients and the unlisted numbers."""
        return len(self._recipients) + len(self._unlisted)

    def __repr__(self) -> str:
        totals = self.totals
        return (
            f"<CampaignResults {', '.join(map(repr, self.campaign_names[:1]))}: "
            f"{totals.recipients} recipients, {totals.reached} reached, "
            f"{totals.not_reached} not reached, {totals.pending} pending>"
        )

    # -- totals -------------------------------------------------------------------------------

    @property
    def totals(self) -> ResultTotals:
        """The counts (computed once, without building rows)."""
        if self._totals is None:
            counts = {STATE_REACHED: 0, STATE_NOT_REACHED: 0, "pending": 0}
            by_status: dict[str, int] = {}
            states = self._states
            for recipient in self._recipients:
                state = states.get(recipient.phone)
                word, final = self._state_of(state)
                if final:
                    counts[word] += 1
                else:
                    counts["pending"] += 1
                status = state.last_status if state is not None and state.attempts else NOT_CALLED
                by_status[status] = by_status.get(status, 0) + 1
            unlisted = self._unlisted
            for phone in unlisted:
                status = states[phone].last_status  # type: ignore[union-attr]
                by_status[status] = by_status.get(status, 0) + 1
            self._totals = ResultTotals(
                recipients=len(self._recipients),
                reached=counts[STATE_REACHED],
                not_reached=counts[STATE_NOT_REACHED],
                pending=counts["pending"],
                unlisted_numbers=len(unlisted),
                calls=self._calls,
                by_last_status=dict(sorted(by_status.items())),
                calls_by_status=self._calls_by_status,
                duplicate_recipients=len(self.duplicate_recipients),
                repeated_calls=self._repeated_calls,
            )
        return self._totals

    def summary(self) -> dict[str, Any]:
        """What the JSON export writes before the rows: names, rules, totals."""
        return {
            "campaign_names": list(self.campaign_names),
            "retry": self.retry.to_api() if self.retry is not None else None,
            "reached_statuses": sorted(REACHED_STATUSES),
            "totals": self.totals.to_dict(),
            "duplicate_recipients": list(self.duplicate_recipients),
        }

    # -- export -------------------------------------------------------------------------------

    def columns(self) -> list[str]:
        """The CSV's header, in a stable order: the fixed columns, then ``context.<key>`` in
        the recipients' order of first appearance, then ``extracted.<key>`` and
        ``classified.<key>`` sorted (nested extracted values as ``extracted.a.b``)."""
        return [name for name, _ in self._layout()]

    def _layout(self) -> list[tuple[str, Any]]:
        context_keys: dict[str, None] = {}
        for recipient in self._recipients:
            # A CSV import's recipients share the header's names: the set is met at once.
            for key in recipient.context:
                if key not in context_keys:
                    context_keys[key] = None
        extracted: set[str] = set()
        classified: set[str] = set()
        for state in self._states.values():
            if state is None:
                continue
            if state.extracted:
                extracted.update(_flat_keys(state.extracted))
            if state.classified:
                classified.update(state.classified)
        layout: list[tuple[str, Any]] = [(name, None) for name in _FIXED_COLUMNS]
        layout += [(f"context.{key}", ("context", key)) for key in context_keys]
        for prefix, keys, nested in (
            ("extracted", extracted, True),
            ("classified", classified, False),
        ):
            ordered = sorted(keys)
            kept, rest = ordered[:MAX_DATA_COLUMNS], ordered[MAX_DATA_COLUMNS:]
            layout += [(f"{prefix}.{key}", (prefix, key)) for key in kept]
            if rest:
                layout.append((f"{prefix} (more)", (prefix, frozenset(kept), nested)))
        return layout

    def write_csv(self, destination: str | os.PathLike[str] | IO[str]) -> int:
        """Write the rows as CSV: UTF-8 with a byte-order mark (Excel then reads it as UTF-8),
        one column per context, extracted and classified field (:meth:`columns`), cells that
        a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a carriage
        return) prefixed with ``'``. Returns the number of rows written (header aside).

        A path is written through a temporary file renamed at the end, so a failure leaves no
        half-written file under that name; a text stream (opened with ``newline=""``) gets
        the byte-order mark only if nothing was written to it yet.
        """
        import csv  # only an export needs it (import volubile_ext stays light)

        layout = self._layout()
        with _destination(destination, bom=True) as stream:
            writer = csv.writer(stream)
            writer.writerow([spreadsheet_safe(name) for name, _ in layout])
            count = 0
            for row in self:
                writer.writerow(_csv_cells(row, layout))
                count += 1
        return count

    def write_json(self, destination: str | os.PathLike[str] | IO[str]) -> int:
        """Write one JSON document: :meth:`summary` and ``rows`` (each
        :meth:`RecipientResult.to_dict`), row by row. Returns the number of rows written."""
        head = json.dumps(self.summary(), ensure_ascii=False, indent=2)
        with _destination(destination, bom=False) as stream:
            stream.write(head[:-2] + ',\n  "rows": [')
            count = 0
            for row in self:
                stream.write(",\n    " if count else "\n    ")
                stream.write(json.dumps(row.to_dict(), ensure_ascii=False, default=_json_default))
                count += 1
            stream.write("\n  ]\n}\n" if count else "]\n}\n")
        return count


_UNLISTED: Final[Mapping[str, Any]] = {}


_FIXED_COLUMNS: Final = (
    "phone",
    "listed",
    "state",
    "reached",
    "final",
    "attempts",
    "last_status",
    "last_call_at",
    "call_ids",
)


def _flat_keys(data: Mapping[str, Any], prefix: str = "", depth: int = 1) -> Iterator[str]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and depth < _MAX_FLATTEN_DEPTH:
            yield from _flat_keys(value, f"{name}.", depth + 1)
        else:
            yield name


def _flat_value(data: Mapping[str, Any], dotted: str) -> Any:
    # Keys may hold dots themselves ("Customer's request" does not, "v1.2" might): the exact
    # key wins, else the path is walked.
    if dotted in data:
        return data[dotted]
    head, dot, rest = dotted.partition(".")
    while dot:
        value = data.get(head)
        if isinstance(value, Mapping):
            found = _flat_value(value, rest)
            if found is not _MISSING:
                return found
        more, dot, rest = rest.partition(".")
        head = f"{head}.{more}"
    return _MISSING


_MISSING: Final = object()


def _cell(value: Any) -> str:
    if value is None or value is _MISSING:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        text = repr(value) if not (isinstance(value, float) and math.isnan(value)) else ""
    elif isinstance(value, _dt.datetime):
        text = value.isoformat()
    else:
        text = json.dumps(value, ensure_ascii=False, default=_json_default)
    return spreadsheet_safe(text)


def _csv_cells(row: RecipientResult, layout: list[tuple[str, Any]]) -> list[str]:
    cells = [
        _cell(row.phone),
        _cell(row.listed),
        row.state,
        _cell(row.reached),
        _cell(row.final),
        str(row.attempts),
        _cell(row.last_status),
        _cell(row.last_call_at),
        " ".join(row.call_ids),
    ]
    for _, where in layout[len(_FIXED_COLUMNS) :]:
        source = where[0]
        data = (
            row.context
            if source == "context"
            else row.extracted_data
            if source == "extracted"
            else row.classification_data
        )
        if len(where) == 3:  # the overflow column: the fields past MAX_DATA_COLUMNS, as JSON
            kept, nested = where[1], where[2]
            names = _flat_keys(data) if nested else iter(data)
            rest = {name: _flat_value(data, name) for name in names if name not in kept}
            cells.append(_cell(rest) if rest else "")
        elif source == "extracted":
            cells.append(_cell(_flat_value(data, where[1])))
        else:
            cells.append(_cell(data.get(where[1], _MISSING)))
    return cells


class _destination:
    """A text stream to write an export to: a path (through a temporary file, renamed when
    complete) or a caller's stream (left open)."""

    def __init__(self, destination: str | os.PathLike[str] | IO[str], *, bom: bool) -> None:
        self._given = destination
        self._bom = bom
        self._path: Path | None = None
        self._temporary: Path | None = None
        self._stream: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        destination = self._given
        if isinstance(destination, str | os.PathLike):
            self._path = Path(destination)
            self._temporary = self._path.with_name(f".{self._path.name}.part")
            encoding = "utf-8-sig" if self._bom else "utf-8"
            self._stream = self._temporary.open("w", encoding=encoding, newline="")
            return self._stream
        if not hasattr(destination, "write"):
            raise TypeError("destination must be a path or a writable text stream")
        if self._bom and _at_start(destination):
            destination.write("\ufeff")
        return destination

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        if self._stream is None:
            return
        self._stream.close()
        assert self._temporary is not None
        assert self._path is not None
        if exc_type is None:
            os.replace(self._temporary, self._path)
        else:
            self._temporary.unlink(missing_ok=True)


def _at_start(stream: IO[str]) -> bool:
    # A stream that cannot tell (a pipe, a socket) is taken as new: the mark is what makes
    # Excel read UTF-8.
    try:
        return bool(stream.tell() == 0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return True


# --------------------------------------------------------------------------------------------
# The join


def read_recipients(recipients: RecipientsInput) -> tuple[list[Recipient], list[str]]:
    """The recipients to report on, each number once, and the numbers given again.

    Accepts what ``campaigns.create`` accepts (Recipient objects, ``{"phone", "context"}``
    mappings, E.164 numbers, a :class:`RecipientImport`). Raises ClientValidationError listing
    every problem, before anything is sent.
    """
    errors: list[FieldError] = ProblemList()
    if isinstance(recipients, RecipientImport):
        given: Sequence[Recipient] | None = recipients.recipients
    else:
        given = _rule_recipients(recipients, False, errors, None)
    if given is None:
        raise ClientValidationError(errors, subject="results")
    kept: list[Recipient] = []
    seen: set[str] = set()
    again: list[str] = []
    for recipient in given:
        if recipient.phone in seen:
            again.append(recipient.phone)
            continue
        seen.add(recipient.phone)
        kept.append(recipient)
    return kept, again


class ResultsJoin:
    """The join, fed one call (or one page of calls) at a time; :meth:`result` ends it."""

    def __init__(
        self,
        recipients: Sequence[Recipient],
        *,
        retry: RetrySettings | None,
        campaign_names: Sequence[str] = (),
        duplicate_recipients: Sequence[str] = (),
    ) -> None:
        self._recipients = recipients
        self._states: dict[str, _NumberState | None] = dict.fromkeys(
            (recipient.phone for recipient in recipients), None
        )
        self._retry = retry
        self._names = campaign_names
        self._duplicates = duplicate_recipients
        self._unlisted: list[str] = []
        # The main qualifier is read only when retryOn names something other than a status.
        self._qualifiers = retry is not None and bool(set(retry.retry_on) - _CALL_STATUSES)
        self._calls = 0
        self._repeated = 0
        self._by_status: dict[str, int] = {}

    def add(self, call: CallLike) -> None:
        """Count one call: its number's attempts, latest status, reached data."""
        states = self._states
        phone = call.phone
        if type(phone) is not str:
            phone = "" if phone is None else str(phone)
        state = states.get(phone)
        if state is None:
            if phone not in states:
                self._unlisted.append(phone)
            state = states[phone] = _NumberState()
        call_id = call.id
        if type(call_id) is not str:
            call_id = "" if call_id is None else str(call_id)
        if " " in call_id:
            call_id = call_id.replace(" ", "%20")  # the ids are kept space-separated
        if state.attempts:
            if call_id and _has_id(state.call_ids, call_id):
                self._repeated += 1  # listed twice (a page shifted while paging): one attempt
                return
            state.call_ids = f"{state.call_ids} {call_id}"
        else:
            state.call_ids = call_id
        state.attempts += 1
        status = call.status
        if type(status) is not str:
            status = _text(status)
        self._calls += 1
        by_status = self._by_status
        by_status[status] = by_status.get(status, 0) + 1
        moment = call.start_time or call.created
        # A call without a time is taken as listed: later than the calls before it (the API's
        # order), unless those have a time.
        last = state.last_moment
        if state.attempts == 1 or (
            last is None if moment is None else (last is None or moment >= last)
        ):
            state.last_status = status
            state.last_moment = moment
            if self._qualifiers:
                state.last_qualifier = _main_qualifier(call)
        if status in REACHED_STATUSES:
            reached = state.reached_moment
            if state.extracted is None or (
                reached is None if moment is None else (reached is None or moment >= reached)
            ):
                state.reached_moment = moment
                state.extracted = _mapping(call.extracted_data)
                state.classified = _mapping(call.classification_data)

    def add_all(self, calls: Iterable[CallLike]) -> None:
        add = self.add
        for call in calls:
            add(call)

    def result(self) -> CampaignResults:
        return CampaignResults(
            recipients=self._recipients,
            states=self._states,
            unlisted=self._unlisted,
            retry=self._retry,
            campaign_names=self._names,
            duplicate_recipients=self._duplicates,
            calls=self._calls,
            calls_by_status=self._by_status,
            repeated_calls=self._repeated,
        )


def join_results(
    recipients: RecipientsInput,
    calls: Iterable[CallLike],
    *,
    retry: RetrySettings | Mapping[str, Any] | None,
    campaign_names: Sequence[str] = (),
) -> CampaignResults:
    """Join ``recipients`` with ``calls`` by E.164 number (the rules: module docstring).

    ``retry`` is the campaign's retry rules (``None`` for a campaign without retries); it
    decides who is still pending. ``calls`` is read once, as a stream.
    """
    kept, again = read_recipients(recipients)
    join = ResultsJoin(
        kept,
        retry=check_retry(retry),
        campaign_names=campaign_names,
        duplicate_recipients=again,
    )
    join.add_all(calls)
    return join.result()


def check_retry(retry: RetrySettings | Mapping[str, Any] | None) -> RetrySettings | None:
    return None if retry is None else RetrySettings.parse(retry)


# --------------------------------------------------------------------------------------------
# Which campaigns, which rules


def chunk_names(name: str, chunks: int) -> list[str]:
    """The names create_many gives ``chunks`` campaigns: ``"<name> (k/n)"``."""
    return [f"{name} ({number}/{chunks})" for number in range(1, chunks + 1)]


@attrs.frozen
class ResultsQuery:
    """What ``campaigns.results`` asks the API for, decided before anything is sent.

    ``names``: the campaign names to list calls for; ``retry``: the rules, or ``None`` with
    ``fetch_retry_from`` a campaign id to read them from (one GET) when nothing gave them.
    """

    names: tuple[str, ...]
    recipients: tuple[Recipient, ...]
    duplicates: tuple[str, ...]
    retry: RetrySettings | None
    retry_known: bool
    fetch_retry_from: str | None = None

    def join(self, retry: RetrySettings | None) -> ResultsJoin:
        return ResultsJoin(
            self.recipients,
            retry=retry,
            campaign_names=self.names,
            duplicate_recipients=self.duplicates,
        )


#: The order calls are listed in: oldest first, so that a call made while the results are
#: being read lands on a later page instead of shifting the pages already read.
CALL_ORDER: Final = "created,ASC"
ResultsProgress = Callable[[int, int], None]
"""``on_progress(calls_read, calls_expected)``: called after each page; ``calls_expected`` is
the sum of the totals the API announced for the names read so far (it may grow)."""


_Lists = TypeVar("_Lists")


class ResultsRun(Generic[_Lists]):
    """One ``campaigns.results`` call, all but the awaiting, shared by the twins.

    Made with the arguments (checked: ClientValidationError before anything is sent) and the
    client's ``calls.list``; the twin reads the rules by id when :attr:`fetch_retry_from` says
    so (:meth:`use_retry`), pages each of :attr:`lists`, hands every page to :meth:`page`, and
    returns :meth:`result`.
    """

    def __init__(
        self,
        list_calls: Callable[..., _Lists],
        campaign: str | Campaign | BulkCreateReport,
        *,
        recipients: RecipientsInput | None,
        journal: str | os.PathLike[str] | None,
        retry: RetrySettings | Mapping[str, Any] | _NotGiven | None,
        chunks: int | None,
        page_size: int,
        on_progress: ResultsProgress | None,
    ) -> None:
        self._query = query = results_query(
            campaign,
            recipients=recipients,
            journal=journal,
            retry=retry,
            chunks=chunks,
            page_size=page_size,
        )
        # Each list checks its filters now (a name too long for the filter, say): before the
        # first request.
        self.lists = [
            (name, list_calls(campaign=name, page_size=page_size, sort=CALL_ORDER))
            for name in query.names
        ]
        self.fetch_retry_from = None if query.retry_known else query.fetch_retry_from
        self._join = query.join(query.retry)
        self._on_progress = on_progress
        self._read = 0
        self._expected = 0
        self._started: set[str] = set()

    def use_retry(self, retry: RetrySettings | None) -> None:
        """The rules read from the campaign (before the first page)."""
        self._join = self._query.join(retry)

    def page(self, name: str, page: Any) -> None:
        """One page of calls listed under ``name`` (a ``Page``: ``items``, ``total_elements``)."""
        items = page.items
        self._join.add_all(items)
        self._read += len(items)
        if name not in self._started:
            self._started.add(name)
            self._expected += page.total_elements or 0
        if self._on_progress is not None:
            self._on_progress(self._read, max(self._expected, self._read))

    def result(self) -> CampaignResults:
        return self._join.result()


def results_query(
    campaign: str | Campaign | BulkCreateReport,
    *,
    recipients: RecipientsInput | None,
    journal: str | os.PathLike[str] | None = None,
    retry: RetrySettings | Mapping[str, Any] | _NotGiven | None = NOT_GIVEN,
    chunks: int | None = None,
    page_size: int = 100,
) -> ResultsQuery:
    """Check the arguments of ``campaigns.results`` and decide the names and the rules.

    Raises ClientValidationError (every problem listed) before anything is sent.
    """
    from .._models import Campaign
    from ._bulk import BulkCreateReport

    problems: list[FieldError] = ProblemList()
    names: list[str] = []
    found_retry: RetrySettings | None = None
    retry_known = False
    fetch_from: str | None = None
    if isinstance(campaign, BulkCreateReport):
        names = [chunk.campaign_name for chunk in campaign.created]
        names += [chunk.campaign_name for chunk in campaign.uncertain]
        for created in campaign.created:
            if created.campaign is not None:
                found_retry, retry_known = created.campaign.retry, True
                break
        else:
            fetch_from = next((c.campaign_id for c in campaign.created if c.campaign_id), None)
        if not names:
            problems.append(FieldError("campaign", "the report has no campaign created"))
    elif isinstance(campaign, Campaign):
        if not campaign.name:
            problems.append(FieldError("campaign", "the campaign has no name to list calls by"))
        else:
            names = [campaign.name]
        found_retry, retry_known = campaign.retry, True
    elif isinstance(campaign, str) and campaign.strip():
        names = [campaign]
    else:
        problems.append(
            FieldError(
                "campaign",
                "must be the campaign's name, a Campaign, or create_many's report",
                campaign if isinstance(campaign, str) else type(campaign).__name__,
            )
        )
    # The spec's bounds for the list's page size, checked as calls.list checks them.
    check_value(_spec.operations.listCalls.parameters.size, page_size, "page_size", False, problems)
    if chunks is not None and (
        isinstance(chunks, bool) or not isinstance(chunks, int) or chunks < 1
    ):
        problems.append(FieldError("chunks", "must be a whole number of campaigns, 1 or more"))
        chunks = None
    journal_state: _JournalSummary | None = None
    if journal is not None:
        try:
            journal_state = read_journal(Path(journal))
        except _JournalProblem as problem:
            problems.append(FieldError("journal", str(problem)))
    given_recipients: tuple[Recipient, ...] = ()
    duplicates: tuple[str, ...] = ()
    if recipients is None:
        problems.append(
            FieldError(
                "recipients",
                "is required: the recipients the campaign was created with (a list, or "
                "load_recipients' result); a journal records the campaigns, not the recipients",
            )
        )
    else:
        try:
            kept, again = read_recipients(recipients)
            given_recipients, duplicates = tuple(kept), tuple(again)
        except ClientValidationError as invalid:
            problems.extend(invalid.errors)
    if journal_state is not None and isinstance(campaign, str):
        names = _names_from_journal(campaign, journal_state, problems)
        if journal_state.retry_known:
            found_retry, retry_known = journal_state.retry, True
        else:
            fetch_from = journal_state.first_id
    elif isinstance(campaign, str) and names:
        count = chunks or max(1, -(-len(given_recipients) // MAX_RECIPIENTS))
        names = [campaign, *chunk_names(campaign, count)]
    if not isinstance(retry, _NotGiven):
        try:
            found_retry, retry_known, fetch_from = check_retry(retry), True, None
        except ClientValidationError as invalid:
            problems.extend(invalid.errors)
    elif not retry_known and fetch_from is None:
        problems.append(
            FieldError(
                "retry",
                "is required to tell who is still pending: pass the campaign's retry rules "
                "(retry=None for a campaign without retries), a Campaign, or journal=",
            )
        )
    names = list(dict.fromkeys(names))
    for name in names:
        # What the list's filter takes (its length): a chunk's name is longer than the name.
        if check_value(_CAMPAIGN_FILTER, name, "campaign", False, problems) is INVALID:
            break
    if problems:
        raise ClientValidationError(problems, subject="results")
    return ResultsQuery(
        names=tuple(names),
        recipients=given_recipients,
        duplicates=duplicates,
        retry=found_retry,
        retry_known=retry_known,
        fetch_retry_from=fetch_from,
    )


def _names_from_journal(
    name: str, journal: _JournalSummary, problems: list[FieldError]
) -> list[str]:
    recorded = [n for n in journal.names if n]
    for other in recorded:
        match = _CHUNK_NAME.match(other)
        if other != name and (match is None or match["base"] != name):
            problems.append(
                FieldError(
                    "journal",
                    f"records the campaign {other!r}, not one of {name!r}: give the journal of "
                    "this campaign",
                )
            )
            return []
    return [name, *chunk_names(name, journal.chunks)]


# --------------------------------------------------------------------------------------------
# Reading a journal (read only: its lock is for writers)


class _JournalProblem(Exception):
    pass


@attrs.frozen
class _JournalSummary:
    chunks: int
    names: tuple[str, ...]
    retry: RetrySettings | None
    retry_known: bool  # a created record kept its campaign: its retry rules (or none) are known
    first_id: str | None


def read_journal(path: Path) -> _JournalSummary:
    """What a create/create_many journal says of the campaigns: how many chunks, the created
    ones' names and ids, and their retry rules when a record kept the campaign."""
    from ._bulk import Journal, JournalError, JournalRecords

    class _Reader(Journal):
        # The file Journal's bounded, strict reading without its lock or header check: the
        # header gives the run's chunk count instead of the fingerprints a writer knows.
        def __init__(self, path: Path) -> None:
            JournalRecords.__init__(self, ())
            self.path = path
            self._existing_size()
            self._load()

        def _check_header(self, number: int, header: Any) -> None:
            chunks = header.get("chunks") if isinstance(header, dict) else None
            if not isinstance(chunks, int) or isinstance(chunks, bool) or chunks < 1:
                raise self._unreadable(number, "no header record: not a volubile journal")
            self.total_chunks = chunks
            self.run_fingerprint = header.get("fingerprint")
            super()._check_header(number, header)

    if not path.exists():
        raise _JournalProblem(f"{path}: no such file")
    try:
        reader = _Reader(path)
    except JournalError as unreadable:
        raise _JournalProblem(str(unreadable).split("; refusing")[0]) from None
    except OSError as error:
        raise _JournalProblem(f"cannot read {path}: {error.strerror or error}") from None
    names: list[str] = []
    retry: RetrySettings | None = None
    retry_known = False
    first_id: str | None = None
    for index in sorted(reader.chunks):
        state = reader.chunks[index]
        if state.state != "created":
            continue
        first_id = first_id or state.campaign_id
        document = state.document
        if document is None:
            continue
        if isinstance(document.get("name"), str):
            names.append(document["name"])
        if not retry_known:
            rules = document.get("retry")
            try:
                retry = RetrySettings.parse(rules) if isinstance(rules, Mapping) else None
            except ClientValidationError:
                continue  # rules this library cannot read: ask the API instead
            retry_known = True
    if not reader.chunks:
        raise _JournalProblem(f"{path} records no campaign sent: nothing to report on")
    return _JournalSummary(reader.total_chunks, tuple(names), retry, retry_known, first_id)
