"""Bulk creation: many recipients, several campaigns, never a chunk created twice or lost.

A campaign takes at most 1,000 recipients, so ``create_many`` splits the recipients into chunks
and creates one campaign per chunk, named ``"<name> (k/n)"``. Every chunk is validated before
the first is sent. With a journal (a JSON-lines file, append-only, flushed and fsynced at each
record) the run follows the at-most-once rule of DESIGN.md:

1. before a chunk is sent, an *intent* record (chunk index and fingerprint) is written;
2. after, an *outcome* record: the campaign id, or the error and whether the request provably
   was not applied.

Running the same call again with the same journal skips the chunks created, sends again the
chunks that provably were not applied, and reports as *uncertain* a chunk with an intent but no
outcome, or with an error after which the campaign may exist: those are sent again only when
the caller says so (``resend_uncertain=True``), after checking the account. A journal written
for other recipients or parameters is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

import attrs

from ._campaign_input import MAX_RECIPIENTS, CampaignRequest, build_campaign_request
from ._errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ClientValidationError,
    FieldError,
    PermissionDeniedError,
    RateLimitError,
    VolubileError,
)
from ._models import Campaign

__all__ = [
    "BulkCreateReport",
    "ChunkCreated",
    "ChunkFailed",
    "ChunkUncertain",
    "JournalMismatchError",
]

MAX_CHUNK = MAX_RECIPIENTS  # one chunk is one campaign
JOURNAL_VERSION = 1

ProgressCallback = Callable[[int, int], None]


class JournalMismatchError(VolubileError, ValueError):
    """The journal was written for other recipients or parameters; nothing was sent."""


@attrs.frozen
class ChunkCreated:
    """A chunk whose campaign exists: recipients ``first``..``last`` (0-based, inclusive).

    ``campaign`` is ``None`` when the campaign was created by an earlier run (read from the
    journal, which keeps only its id).
    """

    index: int
    first: int
    last: int
    campaign_id: str
    campaign: Campaign | None = attrs.field(default=None, eq=False, repr=False)
    from_journal: bool = False


@attrs.frozen
class ChunkFailed:
    """A chunk whose creation failed and provably was not applied: safe to run again."""

    index: int
    first: int
    last: int
    error: str
    exception: BaseException | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class ChunkUncertain:
    """A chunk that may or may not have been created: check the account before resending."""

    index: int
    first: int
    last: int
    reason: str
    exception: BaseException | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class BulkCreateReport:
    """What a ``create_many`` run did, chunk by chunk. Every recipient is in exactly one list.

    ``not_attempted`` lists chunks left alone because an earlier error (authentication,
    permission, an unreachable server) would have failed them too.
    """

    total_chunks: int
    total_recipients: int
    created: tuple[ChunkCreated, ...]
    failed: tuple[ChunkFailed, ...]
    uncertain: tuple[ChunkUncertain, ...]
    not_attempted: tuple[int, ...] = ()
    journal: Path | None = None

    @property
    def ok(self) -> bool:
        """True when every chunk's campaign exists."""
        return len(self.created) == self.total_chunks

    @property
    def campaign_ids(self) -> tuple[str, ...]:
        return tuple(chunk.campaign_id for chunk in self.created)

    def __str__(self) -> str:
        lines = [
            f"{len(self.created)} of {self.total_chunks} campaigns created "
            f"for {self.total_recipients} recipients"
        ]
        for chunk in self.created:
            origin = " (earlier run)" if chunk.from_journal else ""
            lines.append(
                f"  created   chunk {chunk.index + 1}: recipients {chunk.first + 1}-"
                f"{chunk.last + 1} -> campaign {chunk.campaign_id}{origin}"
            )
        for failed in self.failed:
            lines.append(
                f"  failed    chunk {failed.index + 1}: recipients {failed.first + 1}-"
                f"{failed.last + 1}: {failed.error} (not applied: safe to run again)"
            )
        for uncertain in self.uncertain:
            lines.append(
                f"  UNCERTAIN chunk {uncertain.index + 1}: recipients {uncertain.first + 1}-"
                f"{uncertain.last + 1}: {uncertain.reason}"
            )
        if self.uncertain:
            lines.append(
                "  Check the account's campaigns for the uncertain chunks; run again with "
                "resend_uncertain=True only for chunks that do not exist."
            )
        if self.not_attempted:
            listed = ", ".join(str(index + 1) for index in self.not_attempted)
            lines.append(f"  not attempted: chunks {listed} (run again once the error is fixed)")
        return "\n".join(lines)


@attrs.frozen
class Chunk:
    index: int
    first: int
    last: int
    request: CampaignRequest
    fingerprint: str


def _fingerprint(document: Any) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    chunks: list[Chunk] = []
    problems: list[FieldError] = []
    seen_fields: set[str] = set()
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
        chunks.append(
            Chunk(index, first, first + len(part) - 1, request, _fingerprint(request.to_json()))
        )
    if problems:
        raise ClientValidationError(problems)
    return chunks


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


class Journal:
    """An append-only JSON-lines record of a bulk run; each record is on disk before we go on."""

    def __init__(self, path: Path, run_fingerprint: str, total_chunks: int) -> None:
        self.path = path
        self.run_fingerprint = run_fingerprint
        self.created: dict[int, str] = {}
        self.not_applied: dict[int, str] = {}
        self.uncertain: dict[int, str] = {}
        self.notes: list[str] = []
        self._file: TextIO | None = None
        if path.exists() and path.stat().st_size > 0:
            self._load(total_chunks)
        else:
            self._append(
                {
                    "type": "run",
                    "version": JOURNAL_VERSION,
                    "fingerprint": run_fingerprint,
                    "chunks": total_chunks,
                    "at": _now(),
                }
            )

    def _records(self) -> Iterator[dict[str, Any]]:
        with self.path.open(encoding="utf-8") as stream:
            lines = stream.read().split("\n")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                if number == len(lines):
                    # A crash while writing the last line. An intent is flushed before its
                    # request is sent, so a torn intent means the request never left.
                    self.notes.append(f"ignored a torn last line ({number}) in {self.path}")
                    continue
                raise JournalMismatchError(
                    f"{self.path} line {number} is not a journal record; refusing to guess "
                    "what was created"
                ) from None
            yield record

    def _load(self, total_chunks: int) -> None:
        records = self._records()
        header = next(records, None)
        if not header or header.get("type") != "run":
            raise JournalMismatchError(f"{self.path} is not a volubile bulk-creation journal")
        if (
            header.get("fingerprint") != self.run_fingerprint
            or header.get("chunks") != total_chunks
        ):
            raise JournalMismatchError(
                f"{self.path} was written for other recipients or parameters (its fingerprint "
                "does not match this call). Nothing was sent. Use a new journal path for a new "
                "run, or call again with exactly the same arguments to resume"
            )
        intents: set[int] = set()
        for record in records:
            chunk = record.get("chunk")
            if not isinstance(chunk, int):
                continue
            kind = record.get("type")
            if kind == "intent":
                intents.add(chunk)
                self.uncertain[chunk] = (
                    "a request was sent (or about to be) but no outcome was recorded: the "
                    "previous run stopped while creating it"
                )
                self.not_applied.pop(chunk, None)
            elif kind == "created":
                self.created[chunk] = str(record.get("campaign_id"))
                self.uncertain.pop(chunk, None)
                self.not_applied.pop(chunk, None)
            elif kind == "failed":
                self.uncertain.pop(chunk, None)
                if record.get("applied") == "no":
                    self.not_applied[chunk] = str(record.get("error"))
                else:
                    self.uncertain[chunk] = (
                        f"failed after it may have been applied: {record.get('error')}"
                    )
            elif kind == "resend":
                self.uncertain.pop(chunk, None)

    def _append(self, record: Mapping[str, Any]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def intent(self, chunk: Chunk, *, resend: bool = False) -> None:
        if resend:
            self._append({"type": "resend", "chunk": chunk.index, "at": _now()})
        self._append(
            {"type": "intent", "chunk": chunk.index, "fingerprint": chunk.fingerprint, "at": _now()}
        )

    def outcome_created(self, chunk: Chunk, campaign_id: str) -> None:
        self._append(
            {"type": "created", "chunk": chunk.index, "campaign_id": campaign_id, "at": _now()}
        )

    def outcome_failed(self, chunk: Chunk, error: str, *, applied: bool | None) -> None:
        self._append(
            {
                "type": "failed",
                "chunk": chunk.index,
                "error": error,
                "applied": "no" if applied is False else "unknown",
                "at": _now(),
            }
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


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


class BulkRun:
    """The bookkeeping of one ``create_many`` call, shared by the sync and async clients.

    The caller loops over :meth:`pending`, creates each chunk's campaign, and reports back with
    :meth:`succeeded` or :meth:`failed`; :meth:`report` gives the result.
    """

    def __init__(
        self,
        chunks: list[Chunk],
        *,
        total_recipients: int,
        journal: str | os.PathLike[str] | None,
        resend_uncertain: bool,
        on_progress: ProgressCallback | None,
    ) -> None:
        self.chunks = chunks
        self.total_recipients = total_recipients
        self.resend_uncertain = resend_uncertain
        self.on_progress = on_progress
        self.created: dict[int, ChunkCreated] = {}
        self.failed: dict[int, ChunkFailed] = {}
        self.uncertain: dict[int, ChunkUncertain] = {}
        self.stopped = False
        self.journal: Journal | None = None
        if journal is not None:
            run_fingerprint = _fingerprint([chunk.fingerprint for chunk in chunks])
            self.journal = Journal(Path(journal), run_fingerprint, len(chunks))
            for chunk in chunks:
                if chunk.index in self.journal.created:
                    self.created[chunk.index] = ChunkCreated(
                        chunk.index,
                        chunk.first,
                        chunk.last,
                        self.journal.created[chunk.index],
                        from_journal=True,
                    )
                elif chunk.index in self.journal.uncertain and not resend_uncertain:
                    self.uncertain[chunk.index] = ChunkUncertain(
                        chunk.index, chunk.first, chunk.last, self.journal.uncertain[chunk.index]
                    )

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
            if self.journal is not None:
                self.journal.intent(chunk, resend=chunk.index in self.journal.uncertain)
            yield chunk

    def succeeded(self, chunk: Chunk, campaign: Campaign) -> None:
        campaign_id = str(campaign.id)
        if self.journal is not None:
            self.journal.outcome_created(chunk, campaign_id)
        self.created[chunk.index] = ChunkCreated(
            chunk.index, chunk.first, chunk.last, campaign_id, campaign
        )
        self._progress()

    def failed_with(self, chunk: Chunk, error: VolubileError) -> None:
        not_applied = provably_not_applied(error)
        if self.journal is not None:
            self.journal.outcome_failed(chunk, str(error), applied=False if not_applied else None)
        if not_applied:
            self.failed[chunk.index] = ChunkFailed(
                chunk.index, chunk.first, chunk.last, str(error), error
            )
        else:
            self.uncertain[chunk.index] = ChunkUncertain(
                chunk.index,
                chunk.first,
                chunk.last,
                f"failed after it may have been applied: {error}",
                error,
            )
        self.stopped = stops_the_run(error)
        self._progress()

    def _progress(self) -> None:
        if self.on_progress is not None:
            done = len(self.created) + len(self.failed) + len(self.uncertain)
            self.on_progress(done, len(self.chunks))

    def report(self) -> BulkCreateReport:
        if self.journal is not None:
            self.journal.close()
        accounted = self.created.keys() | self.failed.keys() | self.uncertain.keys()
        return BulkCreateReport(
            total_chunks=len(self.chunks),
            total_recipients=self.total_recipients,
            created=tuple(self.created[i] for i in sorted(self.created)),
            failed=tuple(self.failed[i] for i in sorted(self.failed)),
            uncertain=tuple(self.uncertain[i] for i in sorted(self.uncertain)),
            not_attempted=tuple(c.index for c in self.chunks if c.index not in accounted),
            journal=self.journal.path if self.journal is not None else None,
        )
