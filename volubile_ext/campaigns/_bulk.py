"""Journaled creation: never a campaign created twice or lost, in one campaign or in many.

A campaign takes at most 1,000 recipients, so ``create_many`` splits the recipients into chunks
and creates one campaign per chunk, named ``"<name> (k/n)"``. Every chunk is validated before
the first is sent. ``campaigns.create`` with a journal is the same run with a single chunk: the
campaign itself, under its own name.

With a journal (a JSON-lines file, append-only, flushed and fsynced at each record, locked for
the run) the run follows the at-most-once rule (ARCHITECTURE.md, "At most once"):

1. before a chunk is sent, an *intent* record (chunk index and fingerprint) is written;
2. after, an *outcome* record: the campaign id, or the error and whether the request provably
   was not applied (an interrupt while the request may be in flight is such an error).

Running the same call again with the same journal skips the chunks created, sends again the
chunks that provably were not applied, and reports as *uncertain* a chunk with an intent but no
outcome, or with an error after which the campaign may exist. An uncertain chunk is sent again
only when the caller says it does not exist: ``resolve_uncertain={k: "absent"}`` for chunk k
(``"created"`` or its campaign id when it does exist), or ``resend_uncertain=True`` for all of
them; each resolution is recorded in the journal. A journal written for other recipients or
parameters is refused, and so is a file that is not a journal.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import functools
import hashlib
import json
import logging
import os
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol

import attrs

from .._errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ClientValidationError,
    FieldError,
    PermissionDeniedError,
    RateLimitError,
    VolubileError,
    _shown,
)
from .._models import Campaign, parse_campaign
from ._campaign_input import (
    MAX_RECIPIENTS,
    CampaignRequest,
    build_campaign_request,
    check_name,
    count_recipients,
    recipient_phones,
    request_with_plain,
)
from ._recipients import PlainRecipients, check_plain_chunks

__all__ = [
    "BulkCreateReport",
    "CampaignMayExistError",
    "ChunkCreated",
    "ChunkFailed",
    "ChunkUncertain",
    "JournalError",
    "JournalLockedError",
    "JournalMismatchError",
    "JournalUnreadableError",
    "JournalWriteError",
]

logger = logging.getLogger("volubile")

MAX_CHUNK = MAX_RECIPIENTS  # one chunk is one campaign
JOURNAL_VERSION = 1
# Records are a few hundred bytes (a created one carries the campaign without its recipients):
# a longer line, or a file larger than thousands of chunks could write, is not a journal, and
# reading it whole could exhaust memory.
MAX_JOURNAL_LINE = 1 << 20
MAX_JOURNAL_BYTES = 64 << 20
# The campaign document is kept in the journal (for a single create to return it again) only
# when it is of a reasonable size.
_MAX_KEPT_DOCUMENT = 64 << 10
# How many phone numbers of an uncertain chunk are shown to find it in the app.
_SHOWN_PHONES = 3

ProgressCallback = Callable[[int, int], None]
Resolution = Literal["absent", "created"] | uuid.UUID | str
"""How the caller resolves an uncertain chunk: ``"absent"`` (send it again), ``"created"``, or
the id of the campaign found in the account (recorded as created)."""


# --------------------------------------------------------------------------------------------
# Errors


class JournalError(VolubileError):
    """A journal cannot be used as asked. ``path`` names the journal: its file, or a
    description of a journal kept elsewhere (``RedisJournal``: server and key)."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = path


class JournalMismatchError(JournalError, ValueError):
    """The journal was written for other recipients or parameters; nothing was sent."""


class JournalUnreadableError(JournalError, ValueError):
    """The file is not a journal this library can read (``line`` says where); nothing was sent."""

    def __init__(self, message: str, *, path: Path | str, line: int | None = None) -> None:
        super().__init__(message, path=path)
        self.line = line


class JournalLockedError(JournalError):
    """Another run (another process, or another call in this one) is using the journal.

    Raised before anything is sent; run again once the other run has finished.
    """


class JournalWriteError(JournalError):
    """The journal could not be written (disk full, say): the run stopped there.

    ``created`` lists every campaign that exists for this run, those of earlier runs included,
    the one whose outcome could not be recorded too; ``report`` is the run as it stood, None
    when the journal could not even be started (or locked): then nothing was sent. The cause
    (an ``OSError``) is chained.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str,
        created: Sequence[ChunkCreated] = (),
        report: BulkCreateReport | None = None,
    ) -> None:
        super().__init__(message, path=path)
        self.created: tuple[ChunkCreated, ...] = tuple(created)
        self.report = report


class CampaignMayExistError(JournalError):
    """``campaigns.create`` with a journal: an earlier run may have created this campaign.

    The journal records a create that was sent (or about to be) without a known outcome.
    Nothing was sent. Check the account for the campaign (``chunk`` names it), then call again
    with ``resolve_uncertain="absent"`` to create it, or ``"created"`` / its id to record it.
    """

    def __init__(self, message: str, *, path: Path | str, chunk: ChunkUncertain) -> None:
        super().__init__(message, path=path)
        self.chunk = chunk


# --------------------------------------------------------------------------------------------
# The report


@attrs.frozen
class ChunkCreated:
    """A chunk whose campaign exists: recipients ``first``..``last`` (0-based, inclusive).

    ``campaign`` is ``None`` when the campaign was created by an earlier run (read from the
    journal, which keeps only its id). ``campaign_id`` is ``None`` only when the caller marked
    an uncertain chunk as created without giving its id (``marked_by_caller``).
    """

    index: int
    first: int
    last: int
    campaign_id: str | None
    campaign: Campaign | None = attrs.field(default=None, eq=False, repr=False)
    from_journal: bool = False
    campaign_name: str = ""
    marked_by_caller: bool = False

    @property
    def number(self) -> int:
        """The chunk's number k, as in its campaign's name ``"<name> (k/n)"``."""
        return self.index + 1


@attrs.frozen
class ChunkFailed:
    """A chunk whose creation failed and provably was not applied: safe to run again."""

    index: int
    first: int
    last: int
    error: str
    exception: BaseException | None = attrs.field(default=None, eq=False, repr=False)
    campaign_name: str = ""

    @property
    def number(self) -> int:
        """The chunk's number k, as in its campaign's name ``"<name> (k/n)"``."""
        return self.index + 1


@attrs.frozen
class ChunkUncertain:
    """A chunk that may or may not have been created: check the account before resending.

    ``campaign_name`` and ``first_phones`` (its first recipients' numbers) are what to look for
    in the Volubile app.
    """

    index: int
    first: int
    last: int
    reason: str
    exception: BaseException | None = attrs.field(default=None, eq=False, repr=False)
    campaign_name: str = ""
    first_phones: tuple[str, ...] = ()

    @property
    def number(self) -> int:
        """The chunk's number k, as in its campaign's name ``"<name> (k/n)"``."""
        return self.index + 1

    def to_dict(self) -> dict[str, Any]:
        """The chunk as plain JSON values; positions 1-based, as the text report shows them."""
        return {
            "chunk": self.number,
            "first": self.first + 1,
            "last": self.last + 1,
            "campaign_name": self.campaign_name,
            "first_phones": list(self.first_phones),
            "reason": self.reason,
        }

    def describe(self) -> str:
        """How to find this chunk in the app: name, recipient range and first numbers."""
        if not self.first_phones:
            return f"{self.campaign_name!r}: no recipients"
        phones = ", ".join(self.first_phones)
        more = ", …" if self.last - self.first + 1 > len(self.first_phones) else ""
        return (
            f"{self.campaign_name!r}: recipients {self.first + 1}-{self.last + 1} "
            f"(first numbers {phones}{more})"
        )


LIBRARY_RESOLVE_HINT = (
    "Check the account's campaigns for the uncertain chunks (by name and first numbers), then "
    "call again with the same journal and resolve_uncertain={k: 'absent'} for a chunk that does "
    "not exist (it is sent again), {k: 'created'} or {k: '<campaign id>'} for one that does; "
    "resend_uncertain=True sends every uncertain chunk again."
)


@attrs.frozen
class BulkCreateReport:
    """What a ``create_many`` run did, chunk by chunk. Every recipient is in exactly one list.

    ``not_attempted`` lists chunks left alone because an earlier error (authentication,
    permission, an unreachable server) would have failed them too. ``notes`` tells what the
    run read in the journal or did with the resolutions it was given.
    """

    total_chunks: int
    total_recipients: int
    created: tuple[ChunkCreated, ...]
    failed: tuple[ChunkFailed, ...]
    uncertain: tuple[ChunkUncertain, ...]
    not_attempted: tuple[int, ...] = ()
    journal: Path | str | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every chunk's campaign exists."""
        return len(self.created) == self.total_chunks

    @property
    def campaign_ids(self) -> tuple[str, ...]:
        """The ids of the campaigns created (a chunk marked created without an id has none)."""
        return tuple(chunk.campaign_id for chunk in self.created if chunk.campaign_id)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON values (chunks and positions 1-based, as ``str()`` shows)."""

        def span(chunk: ChunkCreated | ChunkFailed) -> dict[str, int]:
            return {"chunk": chunk.number, "first": chunk.first + 1, "last": chunk.last + 1}

        return {
            "ok": self.ok,
            "total_chunks": self.total_chunks,
            "total_recipients": self.total_recipients,
            "created": [
                {
                    **span(chunk),
                    "campaign_name": chunk.campaign_name,
                    "campaign_id": chunk.campaign_id,
                    "from_journal": chunk.from_journal,
                    "marked_by_caller": chunk.marked_by_caller,
                }
                for chunk in self.created
            ],
            "failed": [{**span(chunk), "error": chunk.error} for chunk in self.failed],
            "uncertain": [chunk.to_dict() for chunk in self.uncertain],
            "not_attempted": [index + 1 for index in self.not_attempted],
            "journal": str(self.journal) if self.journal is not None else None,
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        return self.render(LIBRARY_RESOLVE_HINT)

    def render(self, resolve_hint: str) -> str:
        """The report as text; ``resolve_hint`` says how to resolve uncertain chunks."""
        lines = [
            f"{len(self.created)} of {self.total_chunks} campaigns created "
            f"for {self.total_recipients} recipients"
        ]
        lines.extend(f"  note: {note}" for note in self.notes)
        for chunk in self.created:
            if chunk.marked_by_caller:
                origin = " (marked created by you)"
            elif chunk.from_journal:
                origin = " (earlier run)"
            else:
                origin = ""
            lines.append(
                f"  created   chunk {chunk.number}: recipients {chunk.first + 1}-"
                f"{chunk.last + 1} -> campaign {chunk.campaign_id or '(id not given)'}{origin}"
            )
        for failed in self.failed:
            lines.append(
                f"  failed    chunk {failed.number}: recipients {failed.first + 1}-"
                f"{failed.last + 1}: {failed.error} (not applied: safe to run again)"
            )
        for uncertain in self.uncertain:
            lines.append(
                f"  UNCERTAIN chunk {uncertain.number} {uncertain.describe()}: {uncertain.reason}"
            )
        if self.uncertain:
            lines.append(f"  {resolve_hint}")
        if self.not_attempted:
            listed = ", ".join(str(index + 1) for index in self.not_attempted)
            lines.append(f"  not attempted: chunks {listed} (run again once the error is fixed)")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Chunks


@attrs.frozen
class Chunk:
    index: int
    first: int
    last: int
    request: CampaignRequest

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def name(self) -> str:
        return self.request.name

    @property
    def first_phones(self) -> tuple[str, ...]:
        return tuple(recipient_phones(self.request, _SHOWN_PHONES))


def _fingerprint(document: Any) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chunk_fingerprints(chunks: Sequence[Chunk]) -> list[str]:
    """What a journal records of each chunk: a digest of its exact request body.

    A canonical JSON text and its SHA-256 per chunk, which costs about as much as the body's
    own serialisation: only a journaled run computes them, once per chunk, of the body that
    is sent (``wire_json``: the same document as ``to_json``, not a copy).
    """
    return [_fingerprint(chunk.request.wire_json()) for chunk in chunks]


def single_chunk(request: CampaignRequest) -> Chunk:
    """The one chunk of a single ``campaigns.create``: the campaign itself, under its name."""
    count = count_recipients(request)
    return Chunk(0, 0, max(count - 1, 0), request)


def plan_chunks(
    *,
    name: str,
    recipients: Iterable[Any],
    chunk_size: int,
    **parameters: Any,
) -> list[Chunk]:
    """Split and validate every chunk; raise one ClientValidationError for all problems.

    Field paths of recipients are those of the whole input (``recipients[2517].phone``), not of
    the chunk.
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int):
        raise ClientValidationError(
            [FieldError("chunk_size", f"must be a whole number 1..{MAX_CHUNK}", chunk_size)]
        )
    if not 1 <= chunk_size <= MAX_CHUNK:
        raise ClientValidationError(
            [FieldError("chunk_size", f"must be between 1 and {MAX_CHUNK}", chunk_size)]
        )
    if isinstance(recipients, str | bytes | Mapping):
        raise ClientValidationError(
            [
                FieldError(
                    "recipients", "must be an iterable of recipients", type(recipients).__name__
                )
            ]
        )
    everyone = list(recipients)
    if not everyone:
        raise ClientValidationError([FieldError("recipients", "must not be empty", [])])
    count = -(-len(everyone) // chunk_size)
    cut = _cut_checked(name, everyone, chunk_size, count, parameters)
    if cut is not None:
        return cut
    chunks: list[Chunk] = []
    problems: list[FieldError] = []
    # The name is checked before " (k/n)" is added to it: "" would become "(1/3)", valid.
    check_name(name, problems)
    seen_fields: set[str] = {problem.field for problem in problems}
    for index in range(count):
        first = index * chunk_size
        part = everyone[first : first + chunk_size]
        try:
            request = build_campaign_request(
                name=f"{name} ({index + 1}/{count})" if isinstance(name, str) else name,
                recipients=part,
                **parameters,
            )
        except ClientValidationError as invalid:
            for problem in invalid.errors:
                field = problem.field
                if field.startswith("recipients["):
                    position, rest = field[len("recipients[") :].split("]", 1)
                    field = f"recipients[{first + int(position)}]{rest}"
                elif field in seen_fields:
                    continue  # a campaign-wide problem is reported once, not once per chunk
                seen_fields.add(field)
                problems.append(attrs.evolve(problem, field=field))
            continue
        chunks.append(Chunk(index, first, first + len(part) - 1, request))
    if problems:
        raise ClientValidationError(problems)
    return chunks


# How many recipients _cut_checked checks at a time (a whole number of chunks).
_CHECKED_BLOCK = 1000


def _cut_checked(
    name: object, everyone: list[Any], chunk_size: int, count: int, parameters: dict[str, Any]
) -> list[Chunk] | None:
    """The chunks of a valid create_many whose recipients are all plain, or None.

    perf: "create_many, 20,000 recipients, no limit" (scripts/bench.py). Each recipient is
    checked once (into PlainRecipients), and the campaign's other fields once, with the first
    chunk's name: each chunk is then its recipients under its own name, nothing checked again.
    Anything else (a recipient off the plain form, any problem) returns None: the
    chunk-by-chunk rules of plan_chunks check it and word the errors, as they always have.
    """
    if check_name(name, []) is None:
        return None
    assert isinstance(name, str)
    parts: list[PlainRecipients] = []
    # A block of whole chunks at a time, about a thousand recipients: the check's lists of
    # numbers, contexts and values stay in the CPU's caches (a block of 20,000 took about a
    # sixth longer per recipient).
    block = chunk_size * max(1, _CHECKED_BLOCK // chunk_size)
    for start in range(0, len(everyone), block):
        # Each chunk's recipients encoded as the JSON its body sends, when they are in the
        # body's form (check_plain_chunks): sent as they are, never rebuilt.
        cut = check_plain_chunks(everyone[start : start + block], chunk_size)
        if cut is None:
            return None
        parts += cut
    try:
        base = build_campaign_request(name=f"{name} (1/{count})", **parameters)
    except ClientValidationError:
        return None
    chunks: list[Chunk] = []
    first = 0
    for index, part in enumerate(parts):
        # What the name rule makes of this chunk's name: the base name is valid, and the
        # suffix only adds text after it, so the rule only strips it.
        chunk_name = f"{name} ({index + 1}/{count})".strip()
        request = request_with_plain(base, chunk_name, part)
        chunks.append(Chunk(index, first, first + len(part) - 1, request))
        first += len(part)
    return chunks


def read_resolutions(
    resolve_uncertain: Mapping[int, Resolution] | Resolution | None,
    total_chunks: int,
    *,
    field: str = "resolve_uncertain",
) -> dict[int, tuple[str, str | None]]:
    """Check the caller's resolutions: chunk index -> ("absent" | "created", campaign id).

    Keys are chunk numbers k (1-based, as in ``"<name> (k/n)"``). Raises ClientValidationError
    listing every problem, before anything is read or sent.
    """
    if resolve_uncertain is None:
        return {}
    if total_chunks == 1 and not isinstance(resolve_uncertain, Mapping):
        resolve_uncertain = {1: resolve_uncertain}  # a single create resolves its one campaign
    if not isinstance(resolve_uncertain, Mapping):
        raise ClientValidationError(
            [
                FieldError(
                    field,
                    "must map chunk numbers to 'absent', 'created' or a campaign id",
                    type(resolve_uncertain).__name__,
                )
            ],
            subject="resolution",
        )
    problems: list[FieldError] = []
    found: dict[int, tuple[str, str | None]] = {}
    for number, value in resolve_uncertain.items():
        if isinstance(number, bool) or not isinstance(number, int):
            problems.append(
                FieldError(field, "keys must be chunk numbers (1, 2, …)", type(number).__name__)
            )
            continue
        # Shown bounded: 10**5000 is an int too, and str() of it raises.
        shown = _shown(number)
        where = f"{field}[{shown}]" if total_chunks > 1 else field
        if not 1 <= number <= total_chunks:
            problems.append(
                FieldError(where, f"there is no chunk {shown}: chunks are 1..{total_chunks}")
            )
            continue
        if isinstance(value, uuid.UUID):
            found[number - 1] = ("created", str(value))
            continue
        text = value.strip() if isinstance(value, str) else None
        if text is not None and text.lower() in ("absent", "created"):
            found[number - 1] = (text.lower(), None)
            continue
        try:
            found[number - 1] = ("created", str(uuid.UUID(text or "")))
        except ValueError:
            problems.append(
                FieldError(
                    where,
                    "must be 'absent' (send it again), 'created', or the campaign's id (a UUID)",
                    value if isinstance(value, str | int) else type(value).__name__,
                )
            )
    if problems:
        raise ClientValidationError(problems, subject="resolution")
    return found


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


# --------------------------------------------------------------------------------------------
# The journal file


@attrs.define
class _ChunkState:
    """What the journal says of one chunk."""

    state: Literal["pending", "created", "not_applied", "uncertain"] = "pending"
    campaign_id: str | None = None
    document: dict[str, Any] | None = None
    reason: str = ""
    marked_by_caller: bool = False


_RECORD_TYPES = frozenset({"intent", "created", "failed", "resend", "resolved", "torn"})


class JournalRecords:
    """The records of a run and what they say of each chunk, whatever keeps them.

    A backend (the file :class:`Journal`, or ``RedisJournal``) reads its records through
    :meth:`_check_header` and :meth:`_apply`, and writes each one with :meth:`_append`, durably,
    before the run goes on. ``path`` names the journal in messages and errors.
    """

    path: Path | str

    def __init__(self, chunk_fingerprints: Sequence[str]) -> None:
        # The run's fingerprint covers every chunk's, in order: the same recipients split the
        # same way under the same parameters.
        self.run_fingerprint = _fingerprint(list(chunk_fingerprints))
        self.chunk_fingerprints = tuple(chunk_fingerprints)
        self.total_chunks = len(chunk_fingerprints)
        self.chunks: dict[int, _ChunkState] = {}
        self.notes: list[str] = []

    def _append(self, record: Mapping[str, Any]) -> None:
        """Write one record durably, or raise :class:`JournalWriteError`."""
        raise NotImplementedError

    def _unreadable(self, line: int, what: str) -> JournalUnreadableError:
        raise NotImplementedError

    def close(self) -> None:
        """Release the lock (and whatever the backend holds)."""
        raise NotImplementedError

    def _header(self) -> dict[str, Any]:
        return {
            "type": "run",
            "version": JOURNAL_VERSION,
            "fingerprint": self.run_fingerprint,
            "chunks": self.total_chunks,
        }

    def _parse(self, raw: bytes) -> tuple[Any, str | None]:
        """The JSON value of a line, or the reason it is not one."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None, "not UTF-8 text (is this a binary file?)"
        try:
            return json.loads(text), None
        except RecursionError:
            return None, "JSON nested too deeply"
        except ValueError as error:
            return None, f"not JSON ({error})"

    def _check_header(self, number: int, header: Any) -> None:
        if not isinstance(header, dict) or header.get("type") != "run":
            raise self._unreadable(number, "no header record: not a volubile journal")
        version = header.get("version")
        if version != JOURNAL_VERSION:
            raise self._unreadable(
                number,
                f"journal version {version!r}, this library reads version {JOURNAL_VERSION}",
            )
        if (
            header.get("fingerprint") != self.run_fingerprint
            or header.get("chunks") != self.total_chunks
        ):
            raise JournalMismatchError(
                f"{self.path} was written for other recipients or parameters (its fingerprint "
                "does not match this call). Nothing was sent. Use a new journal path for a new "
                "run, or call again with exactly the same arguments to resume",
                path=self.path,
            )

    def _apply(self, number: int, record: Any) -> None:
        if not isinstance(record, dict):
            raise self._unreadable(number, f"a JSON {type(record).__name__}, not a journal record")
        kind = record.get("type")
        if kind not in _RECORD_TYPES:
            raise self._unreadable(number, f"unknown record type {str(kind)[:40]!r}")
        index = record.get("chunk")
        if (
            isinstance(index, bool)
            or not isinstance(index, int)
            or not 0 <= index < self.total_chunks
        ):
            raise self._unreadable(
                number, f"{kind} record without a chunk number 0..{self.total_chunks - 1}"
            )
        chunk = self.chunks.setdefault(index, _ChunkState())
        if kind == "intent":
            chunk.state = "uncertain"
            chunk.reason = (
                "a request was sent (or about to be) but no outcome was recorded: the "
                "previous run stopped while creating it"
            )
        elif kind == "created":
            campaign_id = record.get("campaign_id")
            document = record.get("campaign")
            chunk.state = "created"
            chunk.campaign_id = str(campaign_id) if campaign_id is not None else None
            chunk.document = document if isinstance(document, dict) else None
        elif kind == "failed":
            error = str(record.get("error"))[:2000]
            if record.get("applied") == "no":
                chunk.state = "not_applied"
                chunk.reason = error
            else:
                chunk.state = "uncertain"
                chunk.reason = f"failed after it may have been applied: {error}"
        elif kind == "resend":
            chunk.state = "pending"  # resent by resend_uncertain=True; an intent follows
        elif kind == "resolved":
            if record.get("as") == "created":
                campaign_id = record.get("campaign_id")
                chunk.state = "created"
                chunk.campaign_id = str(campaign_id) if campaign_id is not None else None
                chunk.document = None
                chunk.marked_by_caller = True
            else:
                chunk.state = "pending"

    def intent(self, chunk: Chunk, *, resend: bool = False) -> None:
        if resend:
            self._append({"type": "resend", "chunk": chunk.index, "at": _now()})
        self._append(
            {
                "type": "intent",
                "chunk": chunk.index,
                "fingerprint": self.chunk_fingerprints[chunk.index],
                "at": _now(),
            }
        )

    def outcome_created(self, chunk: Chunk, campaign_id: str, document: Any = None) -> None:
        record: dict[str, Any] = {
            "type": "created",
            "chunk": chunk.index,
            "campaign_id": campaign_id,
            "at": _now(),
        }
        if isinstance(document, Mapping):
            kept = dict(document)
            if len(json.dumps(kept, default=str)) <= _MAX_KEPT_DOCUMENT:
                record["campaign"] = kept
        self._append(record)

    def outcome_failed(self, chunk: Chunk, error: str, *, applied: bool | None) -> None:
        self._append(
            {
                "type": "failed",
                "chunk": chunk.index,
                "error": error[:2000],
                "applied": "no" if applied is False else "unknown",
                "at": _now(),
            }
        )

    def resolved(self, chunk: Chunk, resolution: str, campaign_id: str | None) -> None:
        self._append(
            {
                "type": "resolved",
                "chunk": chunk.index,
                "as": resolution,
                "campaign_id": campaign_id,
                "at": _now(),
            }
        )


class JournalBackend(Protocol):
    """Where a journaled run keeps its records instead of a file: pass it as ``journal=``."""

    def open(self, chunk_fingerprints: Sequence[str]) -> JournalRecords:
        """Lock the journal for a run of chunks with these fingerprints, in order (else
        :class:`JournalLockedError`, nothing sent) and read it: a new one gets the run's header,
        an existing one must carry the same."""
        ...


class Journal(JournalRecords):
    """An append-only JSON-lines record of a run, locked for the run, each record on disk
    (fsynced) before the run goes on.

    Reading is bounded and strict: a line that is not a record is an error naming the file and
    the line, except a torn last line (a crash while writing it), which is acknowledged by a
    ``torn`` record on the next append so that later runs accept it too.
    """

    path: Path

    def __init__(self, path: Path, chunk_fingerprints: Sequence[str]) -> None:
        super().__init__(chunk_fingerprints)
        self.path = path
        self._fd: int | None = None
        self._needs_newline = False
        self._unacknowledged_torn: list[int] = []
        self._existing_size()  # a directory or a device is refused before anything is made
        self._lock = self._acquire_lock()
        try:
            size = self._existing_size()
            if size > 0 and self._only_a_torn_header(size):
                # A crash while this very journal was being started: nothing was sent, and
                # the bytes are the start of our own header, so starting again loses nothing.
                self.notes.append(f"{path} held only a torn header: started it again")
                os.truncate(self.path, 0)
                size = 0
            if size > 0:
                self._load()
            else:
                self._start()
        except BaseException:
            self.close()
            raise

    # -- opening ------------------------------------------------------------------------------

    def _acquire_lock(self) -> Any:
        import filelock  # only runs with a journal need it

        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = filelock.FileLock(lock_path, blocking=False, thread_local=False)
            lock.acquire()
        except filelock.Timeout:
            raise JournalLockedError(
                f"{self.path} is in use by another run (its lock {lock_path.name} is held): "
                "two runs on one journal could create the same campaigns twice. Nothing was "
                "sent; run again once the other run has finished",
                path=self.path,
            ) from None
        except OSError as error:
            raise JournalWriteError(
                f"cannot lock the journal {self.path}: {error.strerror or error}; nothing was sent",
                path=self.path,
            ) from error
        return lock

    def _start(self) -> None:
        try:
            self._append(self._header() | {"at": _now()})
        except JournalWriteError as failure:
            raise JournalWriteError(
                f"{failure}; nothing was sent", path=self.path
            ) from failure.__cause__

    def _existing_size(self) -> int:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return 0
        except OSError as error:
            raise JournalUnreadableError(
                f"cannot read the journal {self.path}: {error.strerror or error}; nothing was sent",
                path=self.path,
            ) from None
        if stat.S_ISDIR(info.st_mode):
            raise JournalUnreadableError(
                f"{self.path} is a directory: give the path of a journal file (it is created "
                "if it does not exist); nothing was sent",
                path=self.path,
            )
        if not stat.S_ISREG(info.st_mode):
            raise JournalUnreadableError(
                f"{self.path} is not a regular file: a journal must be a file; nothing was sent",
                path=self.path,
            )
        return info.st_size

    def _only_a_torn_header(self, size: int) -> bool:
        if size > 1024:
            return False
        with self.path.open("rb") as stream:
            raw = stream.read(1024)
        if b"\n" in raw:
            return False
        # The header as _append writes it, up to its timestamp's value.
        start = json.dumps(self._header(), separators=(",", ":"))[:-1] + ',"at":"'
        expected = start.encode("utf-8")
        return expected.startswith(raw) or raw.startswith(expected)

    # -- reading ------------------------------------------------------------------------------

    def _unreadable(self, line: int, what: str) -> JournalUnreadableError:
        return JournalUnreadableError(
            f"{self.path} line {line}: {what}; refusing to guess what was created. Nothing was "
            "sent. Give the journal of this run, or a new path for a new run",
            path=self.path,
            line=line,
        )

    def _lines(self) -> Iterator[tuple[int, bytes, bool]]:
        """(number, line, complete) for each line, within the size bounds."""
        read = 0
        with self.path.open("rb") as stream:
            number = 0
            while True:
                raw = stream.readline(MAX_JOURNAL_LINE + 1)
                if not raw:
                    return
                number += 1
                read += len(raw)
                complete = raw.endswith(b"\n")
                if len(raw) > MAX_JOURNAL_LINE and not complete:
                    raise self._unreadable(
                        number, f"longer than {MAX_JOURNAL_LINE // 1024} KiB: not a journal record"
                    )
                if read > MAX_JOURNAL_BYTES:
                    raise self._unreadable(
                        number, f"the file exceeds {MAX_JOURNAL_BYTES >> 20} MiB: not a journal"
                    )
                yield number, raw, complete

    def _load(self) -> None:
        header_seen = False
        unparsed: dict[int, str] = {}
        acknowledged: set[int] = set()
        last_line = 0
        ends_with_newline = True
        for number, raw, complete in self._lines():
            last_line = number
            ends_with_newline = complete
            if not raw.strip():
                continue
            value, problem = self._parse(raw)
            if not header_seen:
                if problem is not None:
                    raise self._unreadable(number, f"{problem}: not a volubile journal")
                self._check_header(number, value)
                header_seen = True
                continue
            if problem is not None:
                # Perhaps a torn line: allowed only as the last line, or when a later record
                # acknowledges it.
                unparsed[number] = problem
                continue
            if isinstance(value, dict) and value.get("type") == "torn":
                line = value.get("line")
                if isinstance(line, int) and not isinstance(line, bool):
                    acknowledged.add(line)
                    continue
            self._apply(number, value)
        if not header_seen:
            raise self._unreadable(max(last_line, 1), "no header record: not a volubile journal")
        for number, problem in sorted(unparsed.items()):
            if number in acknowledged:
                continue
            if number == last_line:
                # A crash while writing the last line. An intent is on disk before its request
                # is sent, so a torn intent means the request never left; a torn outcome leaves
                # the chunk's intent without outcome: uncertain.
                self.notes.append(f"ignored a torn last line ({number}) of {self.path}")
                self._unacknowledged_torn.append(number)
                continue
            raise self._unreadable(number, f"{problem}: not a journal record")
        self._needs_newline = not ends_with_newline

    # -- writing ------------------------------------------------------------------------------

    def _append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
        data = line.encode("utf-8")
        try:
            if self._fd is None:
                new = not self.path.exists()
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                if new:
                    _sync_directory(self.path.parent)
            prefix = b"\n" if self._needs_newline else b""
            for torn in self._unacknowledged_torn:
                # Later runs must not mistake the torn line for a damaged journal.
                prefix += b'{"type":"torn","line":%d}\n' % torn
            self._write_all(prefix + data)
            os.fsync(self._fd)
        except OSError as error:
            # What reached the disk is unknown (a part of the line, perhaps): the next run
            # starts on a fresh line and treats a torn last line as such.
            raise JournalWriteError(
                f"cannot write to the journal {self.path}: {error.strerror or error}",
                path=self.path,
            ) from error
        self._needs_newline = False
        self._unacknowledged_torn = []

    def _write_all(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            if written <= 0:
                raise OSError(errno.EIO, "the journal accepted no data")
            view = view[written:]

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)
        self._lock.release()


def _sync_directory(directory: Path) -> None:
    # A new file's name is on disk once its directory is synced: without it, a power cut could
    # lose the whole journal of a campaign already sent. (Windows cannot open a directory, and
    # makes the name durable with the file.)
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems refuse it: best effort
            os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------
# One run


def provably_not_applied(error: BaseException) -> bool:
    """Whether a failed create provably left nothing behind on the server."""
    if isinstance(error, APIStatusError):
        return error.status_code < 500  # a refusal (4xx) is not applied
    if isinstance(error, APIConnectionError):
        return not error.request_sent
    return False


def stops_the_run(error: BaseException) -> bool:
    """Errors every later chunk would meet too: stop instead of failing them all."""
    if isinstance(error, AuthenticationError | PermissionDeniedError | RateLimitError):
        return True
    return isinstance(error, APIConnectionError) and not error.request_sent


# Set on an interrupt (KeyboardInterrupt, asyncio.CancelledError) by the create path: whether the
# request may have left when it came. Absent means it may have.
INTERRUPT_SENT_ATTRIBUTE = "_volubile_create_may_have_been_sent"


class BulkRun:
    """The bookkeeping of one journaled run, shared by the sync and async clients.

    Use it as a context manager (the journal's lock is held until it exits). The caller loops
    over :meth:`pending`, creates each chunk's campaign, and reports back with
    :meth:`succeeded`, :meth:`failed_with` or, for an interrupt, :meth:`interrupted`;
    :meth:`report` gives the result.
    """

    def __init__(
        self,
        chunks: list[Chunk],
        *,
        total_recipients: int,
        journal: str | os.PathLike[str] | JournalBackend | None,
        resend_uncertain: bool,
        on_progress: ProgressCallback | None,
        resolutions: Mapping[int, tuple[str, str | None]] | None = None,
    ) -> None:
        self.chunks = chunks
        self.total_recipients = total_recipients
        self.resend_uncertain = resend_uncertain
        self.on_progress = on_progress
        self.created: dict[int, ChunkCreated] = {}
        self.failed: dict[int, ChunkFailed] = {}
        self.uncertain: dict[int, ChunkUncertain] = {}
        self.notes: list[str] = []
        self.stopped = False
        self.journal: JournalRecords | None = None
        self._resend: set[int] = set()
        if resolutions and journal is None:
            raise ClientValidationError(
                [
                    FieldError(
                        "resolve_uncertain", "needs journal=: the journal says what is uncertain"
                    )
                ],
                subject="resolution",
            )
        if journal is not None:
            # perf: "create_many, 20,000 recipients, no limit" (scripts/bench.py): the
            # fingerprints serialise every body a second time, so only a journal computes them.
            fingerprints = chunk_fingerprints(chunks)
            self.journal = (
                Journal(Path(journal), fingerprints)
                if isinstance(journal, str | os.PathLike)
                else journal.open(fingerprints)
            )
            try:
                self._resume(self.journal, resolutions or {})
            except BaseException:
                self.journal.close()
                raise

    def __enter__(self) -> BulkRun:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    def _resume(
        self, journal: JournalRecords, resolutions: Mapping[int, tuple[str, str | None]]
    ) -> None:
        self.notes.extend(journal.notes)
        for chunk in self.chunks:
            state = journal.chunks.get(chunk.index, _ChunkState())
            resolution = resolutions.get(chunk.index)
            # "created" is taken at the caller's word whatever the journal says of an unsent
            # chunk (trusting it can never call anyone twice); "absent" only resolves an
            # uncertain chunk: a stale one, for a chunk created since, must not resend it.
            applies = resolution is not None and (
                state.state == "uncertain"
                or (resolution[0] == "created" and state.state != "created")
            )
            if resolution is not None and not applies:
                self._note(
                    f"chunk {chunk.number}: the resolution {resolution[1] or resolution[0]!r} "
                    f"was not needed (the journal records it {_STATE_TEXT[state.state]}): ignored"
                )
            if state.state == "created":
                self.created[chunk.index] = self._created(
                    chunk, state.campaign_id, from_journal=True, marked=state.marked_by_caller
                )
            elif applies and resolution is not None:
                kind, campaign_id = resolution
                self._record(functools.partial(journal.resolved, chunk, kind, campaign_id))
                if kind == "created":
                    self.created[chunk.index] = self._created(
                        chunk, campaign_id, from_journal=True, marked=True
                    )
                else:
                    self._note(f"chunk {chunk.number} {chunk.name!r} marked absent: sent again")
            elif state.state == "uncertain" and self.resend_uncertain:
                self._resend.add(chunk.index)
            elif state.state == "uncertain":
                self.uncertain[chunk.index] = self._uncertain(chunk, state.reason)

    def _note(self, text: str) -> None:
        # In the report; logged as well, for a single create, which returns only the campaign.
        self.notes.append(text)
        logger.warning("%s", text)

    def _created(
        self,
        chunk: Chunk,
        campaign_id: str | None,
        *,
        campaign: Campaign | None = None,
        from_journal: bool = False,
        marked: bool = False,
    ) -> ChunkCreated:
        return ChunkCreated(
            chunk.index,
            chunk.first,
            chunk.last,
            campaign_id,
            campaign,
            from_journal=from_journal,
            campaign_name=chunk.name,
            marked_by_caller=marked,
        )

    def _uncertain(
        self, chunk: Chunk, reason: str, error: BaseException | None = None
    ) -> ChunkUncertain:
        return ChunkUncertain(
            chunk.index,
            chunk.first,
            chunk.last,
            reason,
            error,
            campaign_name=chunk.name,
            first_phones=chunk.first_phones,
        )

    def _record(self, write: Callable[[], None], *, pending: ChunkCreated | None = None) -> None:
        """Write to the journal; on failure stop the run with every created campaign named."""
        try:
            write()
        except JournalWriteError as failure:
            created = dict(self.created)
            if pending is not None:
                created[pending.index] = pending
            listed = [
                f"chunk {chunk.number} {chunk.campaign_name!r} -> "
                f"{chunk.campaign_id or '(id not given)'}"
                + (" (created now, NOT recorded in the journal)" if chunk is pending else "")
                for chunk in (created[index] for index in sorted(created))
            ]
            existing = (
                "Campaigns that exist for this run: " + "; ".join(listed)
                if listed
                else "No campaign of this run exists yet"
            )
            self.created = created
            self.stopped = True
            raise JournalWriteError(
                f"{failure}. The run stopped. {existing}. Free some space (or fix the cause), "
                "then run again with the same journal: recorded chunks are skipped",
                path=failure.path or Path(),
                created=[created[index] for index in sorted(created)],
                report=self.report(),
            ) from failure.__cause__

    def pending(self) -> Iterator[Chunk]:
        """The chunks to send now, in order; stops early after an error that stops the run."""
        done = len(self.created) + len(self.uncertain)
        if self.on_progress is not None:
            self.on_progress(done, len(self.chunks))
        for chunk in self.chunks:
            if self.stopped:
                return
            if chunk.index in self.created or chunk.index in self.uncertain:
                continue
            journal = self.journal
            if journal is not None:
                resend = chunk.index in self._resend
                self._record(functools.partial(journal.intent, chunk, resend=resend))
            yield chunk

    def succeeded(self, chunk: Chunk, campaign: Campaign) -> None:
        campaign_id = str(campaign.id)
        done = self._created(chunk, campaign_id, campaign=campaign)
        journal = self.journal
        if journal is not None:
            self._record(
                lambda: journal.outcome_created(chunk, campaign_id, campaign.raw), pending=done
            )
        self.created[chunk.index] = done
        self._progress()

    def failed_with(self, chunk: Chunk, error: VolubileError) -> None:
        not_applied = provably_not_applied(error)
        journal = self.journal
        if not_applied:
            self.failed[chunk.index] = ChunkFailed(
                chunk.index, chunk.first, chunk.last, str(error), error, campaign_name=chunk.name
            )
        else:
            self.uncertain[chunk.index] = self._uncertain(
                chunk, f"failed after it may have been applied: {error}", error
            )
        if journal is not None:
            self._record(
                lambda: journal.outcome_failed(
                    chunk, str(error), applied=False if not_applied else None
                )
            )
        self.stopped = stops_the_run(error)
        self._progress()

    def interrupted(self, chunk: Chunk, stop: BaseException) -> None:
        """An interrupt (Ctrl-C, task cancellation) or a crash while ``chunk`` was being created.

        Records the chunk as uncertain when its request may have left, adds to the exception a
        note that says so and what exists, and lets the caller re-raise it.
        """
        may_have_been_sent = getattr(stop, INTERRUPT_SENT_ATTRIBUTE, True)
        what = type(stop).__name__
        journal = self.journal
        if journal is not None:
            # Best effort: the process is going down; an intent without outcome says the same.
            with contextlib.suppress(JournalWriteError):
                journal.outcome_failed(
                    chunk,
                    f"interrupted ({what}) while the request may have been in flight"
                    if may_have_been_sent
                    else f"interrupted ({what}) before the request was sent",
                    applied=False if not may_have_been_sent else None,
                )
        if may_have_been_sent:
            self.uncertain[chunk.index] = self._uncertain(chunk, f"interrupted ({what})", stop)
        else:
            self.failed[chunk.index] = ChunkFailed(
                chunk.index, chunk.first, chunk.last, f"interrupted ({what})", stop, chunk.name
            )
        if len(self.chunks) > 1 or self.journal is not None:
            stop.add_note(self._interrupt_note(chunk, may_have_been_sent))

    def _interrupt_note(self, chunk: Chunk, may_have_been_sent: bool) -> str:
        if len(self.chunks) > 1:
            state = (
                f"Chunk {chunk.number} {chunk.name!r} (recipients {chunk.first + 1}-"
                f"{chunk.last + 1}) "
                + ("may have been created." if may_have_been_sent else "was not sent.")
            )
        else:
            state = "" if may_have_been_sent else f"The campaign {chunk.name!r} was not sent."
        if self.journal is not None:
            state += f" The journal {self.journal.path} records " + (
                "it as uncertain: running the same call again resumes, and does not send it "
                "until you say whether it exists."
                if may_have_been_sent
                else "it: running the same call again resumes."
            )
            state = state.strip()
        if len(self.chunks) > 1:
            created = ", ".join(
                f"{c.number} -> {c.campaign_id}"
                for c in (self.created[i] for i in sorted(self.created))
            )
            state += f" Created before the interrupt: {created or 'none'}."
        return state

    def _progress(self) -> None:
        if self.on_progress is not None:
            done = len(self.created) + len(self.failed) + len(self.uncertain)
            self.on_progress(done, len(self.chunks))

    def report(self) -> BulkCreateReport:
        accounted = self.created.keys() | self.failed.keys() | self.uncertain.keys()
        path = self.journal.path if self.journal is not None else None
        self.close()
        return BulkCreateReport(
            total_chunks=len(self.chunks),
            total_recipients=self.total_recipients,
            created=tuple(self.created[i] for i in sorted(self.created)),
            failed=tuple(self.failed[i] for i in sorted(self.failed)),
            uncertain=tuple(self.uncertain[i] for i in sorted(self.uncertain)),
            not_attempted=tuple(c.index for c in self.chunks if c.index not in accounted),
            journal=path,
            notes=tuple(self.notes),
        )

    # -- a single create ----------------------------------------------------------------------

    def single_result(self) -> Campaign:
        """The outcome of a journaled single create: the campaign, or the error to raise."""
        (chunk,) = self.chunks
        failed = self.failed.get(chunk.index) or self.uncertain.get(chunk.index)
        if failed is not None and failed.exception is not None:
            if chunk.index in self.uncertain and self.journal is not None:
                failed.exception.add_note(
                    f"The journal {self.journal.path} records it as uncertain: the same call "
                    "does not send it again until you check the account and pass "
                    "resolve_uncertain='absent' (not there) or 'created' / its id (there)."
                )
            raise failed.exception  # this run's own error, which says what happened
        if chunk.index in self.created:
            created = self.created[chunk.index]
            if created.campaign is not None:
                return created.campaign
            state = self.journal.chunks.get(0) if self.journal is not None else None
            document = dict(state.document) if state is not None and state.document else None
            if document is None:
                # The campaign as it was sent, with the id the caller gave (or none).
                document = chunk.request.to_json()
                document.pop("recipients", None)
                document["id"] = created.campaign_id
            return parse_campaign(document)
        uncertain = self.uncertain[chunk.index]
        path = self.journal.path if self.journal is not None else Path()
        raise CampaignMayExistError(
            f"the journal {path} records that the campaign {chunk.name!r} may have been created "
            f"by an earlier run ({uncertain.reason}); nothing was sent. Look for it in the "
            f"Volubile app ({uncertain.describe()}), then call again with "
            "resolve_uncertain='absent' if it does not exist (it is created), or "
            "resolve_uncertain='created' (or its campaign id) if it does",
            path=path,
            chunk=uncertain,
        )


_STATE_TEXT = {
    "pending": "not sent yet",
    "created": "created",
    "not_applied": "not applied",
    "uncertain": "uncertain",
}
