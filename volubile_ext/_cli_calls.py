"""``volubile agents …`` and ``volubile calls …``: read agents and calls, a call's transcript and
recording, and place one call (issue 11). Wired into the parser of :mod:`volubile_ext._cli`,
whose output, errors, confirmation and client these commands share.

Output: a table (or a block of fields) for people; with ``--json`` one JSON document, a list's
items streamed as they arrive (``{"calls": [...], "count": N, ...}``), its keys snake_case
except those of the account's own data (context, extracted and classification data); with
``--csv`` (``calls list``) one row per call and one column per extracted field. Text from the
server is shown with its control characters escaped: a transcript or a summary is what a
caller said, and must not drive the terminal it is printed on.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as _dt
import json
import re
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._cli import (
    EXIT_OK,
    MAX_CAMPAIGN_FILE_NESTING,
    UsageError,
    _add_common_options,
    _add_yes_option,
    _client,
    _FileProblem,
    _json_constant,
    _json_integer,
    _json_object,
    _Output,
    _snake_case,
    _unreadable_value,
)
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    ClientValidationError,
    NotFoundError,
    PermissionDeniedError,
    VolubileError,
)
from ._spreadsheet import spreadsheet_safe
from ._wire import Unset
from ._wire import spec as _spec
from .campaigns._campaign_input import CALL_STATUSES  # --status takes these (from the spec)

if TYPE_CHECKING:
    from ._calls_models import Agent, Call
    from ._client import Volubile
    from .testing import Sandbox

__all__ = ["add_agents_and_calls_commands"]

# The largest page the API serves: the fewest requests for a whole list.
MAX_PAGE_SIZE = int(_spec.operations.listCalls.parameters.size.maximum)
# A --context value is typed on a command line: a few KiB. The bound keeps a pasted file from
# becoming a request body, and json.loads from a hostile depth.
MAX_CONTEXT_BYTES = 64 * 1024

Command = Callable[..., argparse.ArgumentParser]


# --------------------------------------------------------------------------------------------
# The command line


def add_agents_and_calls_commands(commands: Any, command: Command) -> None:
    """Add ``agents`` and ``calls`` to the ``volubile`` parser (``command`` makes one)."""
    agents = commands.add_parser("agents", help="list and show the account's agents")
    _add_common_options(agents, in_subcommand=True)
    agent_commands = agents.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = _reading(command(agent_commands, "list", "list the account's agents", _agents_list))
    _add_limit(listing, "agents")
    shown = _reading(command(agent_commands, "get", "show an agent", _agents_get))
    shown.add_argument("id", metavar="ID", type=_uuid("an agent id"), help="the agent's id")

    calls = commands.add_parser(
        "calls", help="list and show calls, their transcripts and recordings; place a call"
    )
    _add_common_options(calls, in_subcommand=True)
    call_commands = calls.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = _reading(
        command(
            call_commands,
            "list",
            "list calls, newest first, every page of them (a table; --json, --csv for programs)",
            _calls_list,
        )
    )
    listing.add_argument("--campaign", metavar="NAME", help="only the calls of this campaign")
    listing.add_argument(
        "--from",
        dest="from_",
        metavar="DATE",
        type=_date("--from"),
        help="only calls started on DATE (YYYY-MM-DD, UTC) or later; needs --to",
    )
    listing.add_argument(
        "--to",
        metavar="DATE",
        type=_date("--to"),
        help="only calls started on DATE (YYYY-MM-DD, UTC) or earlier; needs --from",
    )
    listing.add_argument(
        "--status",
        metavar="S",
        action="append",
        type=_statuses,
        help="only calls ending in status S (repeatable, or S,S): one of "
        f"{', '.join(CALL_STATUSES)}. The API has no such filter: it is applied here, to "
        "every page the other filters select, so every one of those pages is read",
    )
    listing.add_argument(
        "--agent", metavar="ID", type=_uuid("an agent id"), help="only the calls of this agent"
    )
    listing.add_argument(
        "--phone", metavar="P", help="only the calls with this number (E.164, e.g. +33612345678)"
    )
    listing.add_argument(
        "--sort",
        metavar="PROP,DIR",
        help="the order, as the API takes it: a call field and ASC or DESC, e.g. "
        "startTime,ASC (default: the API's, newest first)",
    )
    _add_limit(listing, "calls")
    listing.add_argument(
        "--csv",
        action="store_true",
        help="print CSV instead of a table: one row per call, the call's fields then one column "
        "per extracted field, classification and context key (extracted.NAME, "
        "classification.NAME, context.KEY, sorted); written once every page is read",
    )
    for action, help_text, handler in (
        ("get", "show a call: its status, times, extracted data, context", _calls_get),
        ("transcript", "print a call's transcript, as a conversation", _calls_transcript),
    ):
        sub = _reading(command(call_commands, action, help_text, handler))
        sub.add_argument("id", metavar="ID", type=_uuid("a call id"), help="the call's id")
    recording = _reading(
        command(
            call_commands,
            "recording",
            "download a call's audio recording to a file (streamed, never held in memory)",
            _calls_recording,
        )
    )
    recording.add_argument("id", metavar="ID", type=_uuid("a call id"), help="the call's id")
    recording.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="where to write the audio; '-' writes it to stdout (not a terminal, and not with "
        "--json). An existing file is kept unless --force",
    )
    recording.add_argument(
        "--force",
        action="store_true",
        help="replace FILE if it exists (only once the whole recording has arrived)",
    )
    create = command(
        call_commands,
        "create",
        "place one outbound call now (it rings the phone: asks first on a terminal, and is "
        "never sent twice)",
        _calls_create,
    )
    create.set_defaults(failure_hint=_create_hint)
    create.add_argument(
        "--agent",
        metavar="ID",
        required=True,
        type=_uuid("an agent id"),
        help="the OUTBOUND agent that calls",
    )
    create.add_argument(
        "--phone", metavar="P", required=True, help="the number to call, in E.164 (+33612345678)"
    )
    create.add_argument(
        "--context",
        metavar="K=V|JSON",
        action="append",
        default=[],
        help="a value for the agent's prompt, KEY=VALUE (text), or a JSON object of them "
        '(\'{"firstName": "Ana", "visits": 3}\'); repeatable, each key once',
    )
    _add_yes_option(create, "call")


def _reading(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
    # Reading commands: their failures are explained in terms of agents and calls, and a
    # --sandbox for them holds sample calls to read (a fresh sandbox has none).
    sub.set_defaults(failure_hint=_reading_hint, seed_sandbox=seed_sample_calls)
    return sub


def _add_limit(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--limit",
        metavar="N",
        type=_positive,
        help=f"stop after N {what} (default: all of them; pages are read only as needed)",
    )


def _positive(text: str) -> int:
    value = text.strip()
    if not value.isdecimal() or len(value) > 9 or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number of at least 1")
    return int(value)


def _uuid(what: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        try:
            return str(uuid.UUID(text.strip()))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{_shown(text[:60])!r} is not {what} (a UUID such as "
                "5e1f0c1a-0b0d-4c39-9a52-0a7c1d2e3f01)"
            ) from None

    return parse


def _date(flag: str) -> Callable[[str], _dt.date]:
    def parse(text: str) -> _dt.date:
        try:
            return _dt.date.fromisoformat(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{_shown(text[:40])!r} is not a date: write it YYYY-MM-DD"
            ) from None

    parse.__name__ = flag  # argparse names the type in some messages
    return parse


def _statuses(text: str) -> list[str]:
    found = []
    for part in text.split(","):
        status = part.strip().upper()
        if status not in CALL_STATUSES:
            raise argparse.ArgumentTypeError(
                f"{_shown(part.strip()[:40])!r} is not a call status: one of "
                f"{', '.join(CALL_STATUSES)}"
            )
        found.append(status)
    return found


# The library's parameters, as the command line calls them (its errors name the former).
_FLAGS = {
    "agent_id": "--agent",
    "phone": "--phone",
    "campaign": "--campaign",
    "from_": "--from",
    "from": "--from",
    "to": "--to",
    "sort": "--sort",
    "context": "--context",
    "recipient": "--phone",
    "call_id": "ID",
    "destination": "-o",
    "id": "ID",
}


@contextlib.contextmanager
def _in_cli_terms() -> Iterator[None]:
    """The library's refusal of an argument, as one line naming the command's flag."""
    try:
        yield
    except ClientValidationError as invalid:
        problems = invalid.errors
        if not problems:
            raise UsageError(str(invalid).splitlines()[0]) from None
        first = problems[0]
        path = re.split(r"[.\[]", first.field, maxsplit=1)[0] if first.field else ""
        flag = _FLAGS.get(path, path)
        if path == "recipient" and ".context" in first.field:
            flag = "--context"
        # The library's advice names its functions; a command line has no use for it.
        message = first.message.split("; convert national numbers with", 1)[0]
        for name, replacement in _FLAGS.items():
            message = re.sub(rf"\b{re.escape(name)}=", f"{replacement} ", message)
        rejected = (
            f" {_shown(str(first.rejected_value)[:200])!r}"
            if first.rejected_value is not None and flag.startswith("-")
            else ""
        )
        more = invalid.error_count - 1
        also = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        raise UsageError(
            f"{flag}{rejected}: {message}{also}; nothing was sent", kind="validation_error"
        ) from None


# --------------------------------------------------------------------------------------------
# Hints on failures


def _reading_hint(failure: VolubileError, args: argparse.Namespace) -> str | None:
    what = "agent" if args.command == "agents" else "call"
    if isinstance(failure, NotFoundError):
        if args.action == "recording":
            return (
                "No recording for this id: the call does not exist, or was not recorded (its "
                "agent does not record, or nobody answered); `volubile calls get ID` shows it."
            )
        if args.sandbox:
            return f"A --sandbox holds only its sample {what}s: `volubile {what}s list --sandbox`."
        return f"No {what} has this id on this account: `volubile {what}s list` shows them."
    if isinstance(failure, PermissionDeniedError):
        return f"The key lacks the scope this needs ({what}s:read)."
    return None


def _create_hint(failure: VolubileError, args: argparse.Namespace) -> str | None:
    if isinstance(failure, PermissionDeniedError):
        return "The key lacks the scope this needs (calls:write to place a call)."
    if isinstance(failure, NotFoundError):
        return f"No agent {args.agent} on this account: `volubile agents list` shows them."
    if _may_have_called(failure):
        # "Try again" would be the wrong advice: a second run may ring the phone twice.
        return (
            f"The call may have been placed: look for it (`volubile calls list --phone "
            f"{args.phone} --from {_today()} --to {_today()}`) before running the command again."
        )
    return None


def _may_have_called(failure: VolubileError) -> bool:
    if isinstance(failure, APIConnectionError):
        return failure.request_sent
    if isinstance(failure, APIStatusError):
        return failure.status_code >= 500
    return isinstance(failure, APIResponseValidationError)


def _today() -> str:
    return _dt.datetime.now(_dt.UTC).date().isoformat()


# --------------------------------------------------------------------------------------------
# agents list / get


def _agents_list(args: argparse.Namespace, out: _Output) -> int:
    table = _Table(out, AGENT_COLUMNS)
    document: dict[str, Any] = {"count": 0, "total_elements": None, "truncated": False}
    out.document(document)
    write = out.stream("agents")
    with _client(args, out) as client, _in_cli_terms():
        pager = client.agents.list(page_size=_page_size(args.limit, filtered=False))
        for agent, total in _limited(pager.pages(), args.limit, document):
            document["total_elements"] = total
            write(_agent_document(agent))
            table.row(_agent_row(agent))
    _say_count(out, document, "agent")
    return EXIT_OK


def _agents_get(args: argparse.Namespace, out: _Output) -> int:
    with _client(args, out) as client, _in_cli_terms():
        agent = client.agents.get(args.id)
    out.say(_agent_text(agent))
    out.document(_agent_document(agent))
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# calls list


def _calls_list(args: argparse.Namespace, out: _Output) -> int:
    if args.csv and out.json_mode:
        raise UsageError("give --csv or --json, not both")
    if (args.from_ is None) != (args.to is None):
        given, missing = ("--from", "--to") if args.from_ is not None else ("--to", "--from")
        raise UsageError(f"{given} needs {missing}: the API filters on both dates or neither")
    if args.from_ is not None and args.from_ > args.to:
        raise UsageError(f"--from {args.from_} is after --to {args.to}: swap them")
    statuses = frozenset(status for given in args.status or () for status in given)
    document: dict[str, Any] = {
        "count": 0,
        "total_elements": None,
        "truncated": False,
        "status_filter": sorted(statuses) or None,
    }
    out.document(document)
    rows: list[dict[str, str]] = []
    write = (lambda item: None) if args.csv else out.stream("calls")
    table = None if args.csv else _Table(out, CALL_COLUMNS)
    with _client(args, out) as client, _in_cli_terms(), _csv_at_the_end(args, out, rows):
        pager = client.calls.list(
            agent_id=args.agent,
            phone=args.phone,
            campaign=args.campaign,
            from_=args.from_,
            to=args.to,
            sort=args.sort,
            page_size=_page_size(args.limit, filtered=bool(statuses)),
        )
        for call, total in _limited(pager.pages(), args.limit, document, statuses):
            document["total_elements"] = total
            if args.csv:
                rows.append(_csv_row(call))
            else:
                write(_call_document(call))
                assert table is not None
                table.row(_call_row(call))
    where = f" with status {' or '.join(sorted(statuses))}" if statuses else ""
    _say_count(out, document, "call", where)
    return EXIT_OK


@contextlib.contextmanager
def _csv_at_the_end(
    args: argparse.Namespace, out: _Output, rows: list[dict[str, str]]
) -> Iterator[None]:
    """With ``--csv``, write the rows once the listing ends: all of them, or, when a page
    fails half-way, the calls read until then (the error follows on stderr, and the exit code
    says the list is incomplete), as ``--json`` keeps them in its document."""
    try:
        yield
    finally:
        # No call at all: the header alone on success (a program reads an empty table),
        # nothing on a failure.
        if args.csv and (rows or sys.exc_info()[0] is None):
            _write_csv(out.stdout, rows)


def _page_size(limit: int | None, *, filtered: bool) -> int:
    # A limit below a page asks for no more than it shows, unless the items are filtered here.
    if limit is None or filtered:
        return MAX_PAGE_SIZE
    return min(limit, MAX_PAGE_SIZE)


def _limited(
    pages: Iterable[Any],
    limit: int | None,
    document: dict[str, Any],
    statuses: frozenset[str] = frozenset(),
) -> Iterator[tuple[Any, int | None]]:
    """Each item (of the status asked for) with the server's total, until ``limit``.

    Pages are fetched as the items are consumed: once ``limit`` is reached, no further page is
    asked for. ``document`` counts what was given and says whether the limit cut the list.
    """
    for page in pages:
        for item in page.items:
            if statuses and _text(item.status) not in statuses:
                continue
            if limit is not None and document["count"] >= limit:
                document["truncated"] = True
                return
            document["count"] += 1
            yield item, page.total_elements
        if limit is not None and document["count"] >= limit:
            # More may follow: on a later page, or beyond this page's end.
            last_page = (
                page.total_pages is not None
                and page.page is not None
                and page.page >= page.total_pages
            )
            document["truncated"] = not last_page
            return


def _say_count(out: _Output, document: Mapping[str, Any], what: str, where: str = "") -> None:
    count, total = document["count"], document["total_elements"]
    if count == 0:
        out.note(f"No {what}s{where}.")
        return
    counted = f"{count} {what}{'s' if count > 1 else ''}{where}"
    if document["truncated"]:
        out.note(f"{counted}: the first ones (--limit); there are more.")
    elif total is not None and total != count:
        out.note(f"{counted}, of {total} the API listed.")
    else:
        out.note(f"{counted}.")


# --------------------------------------------------------------------------------------------
# calls get / transcript / recording


def _calls_get(args: argparse.Namespace, out: _Output) -> int:
    with _client(args, out) as client, _in_cli_terms():
        call = client.calls.get(args.id)
    out.say(_call_text(call, "Call"))
    out.document(_call_document(call))
    return EXIT_OK


def _calls_transcript(args: argparse.Namespace, out: _Output) -> int:
    with _client(args, out) as client, _in_cli_terms():
        transcript = client.calls.transcript(args.id)
    entries = list(transcript)
    if entries:
        # Entry by entry, each on one line: a message cannot forge another speaker's line.
        out.say("\n".join(_shown(str(entry)) for entry in entries))
    else:
        out.note("The transcript is empty.")
    out.document(
        {
            "call_id": args.id,
            "entries": [
                {
                    "action": _plain(entry.action),
                    "time": _iso(entry.time),
                    "actor": _plain(entry.actor),
                    "message": _plain(entry.message),
                }
                for entry in entries
            ],
        }
    )
    return EXIT_OK


def _calls_recording(args: argparse.Namespace, out: _Output) -> int:
    if args.output == "-":
        if out.json_mode:
            raise UsageError("-o - writes the audio to stdout, where --json writes its document")
        if out.stdout.isatty():
            raise UsageError(
                "-o - would write audio to the terminal: redirect stdout (> call.wav) or give "
                "-o FILE"
            )
        with _client(args, out) as client, _in_cli_terms():
            out.stdout.flush()
            recording = client.calls.recording(args.id, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        out.note(_recording_text(recording, "stdout"))
        return EXIT_OK
    target = Path(args.output)
    _check_target(target, force=args.force)
    with _client(args, out) as client, _in_cli_terms():
        # The library writes a temporary file beside the target and renames it at the end: a
        # failed download leaves no partial file, and a replaced file stays whole until then.
        recording = client.calls.recording(args.id, target)
    out.say(_recording_text(recording, str(target)))
    out.document(
        {
            "call_id": args.id,
            "path": str(target),
            "content_type": recording.content_type,
            "bytes_written": recording.bytes_written,
        }
    )
    return EXIT_OK


def _recording_text(recording: Any, where: str) -> str:
    kind = recording.content_type or "of unknown type"
    return f"Recording ({kind}, {recording.bytes_written:,} bytes) written to {where}."


def _check_target(target: Path, *, force: bool) -> None:
    """Refuse, before anything is sent, to replace a file unasked (the library checks the
    folder). A file that appears during the download is replaced: the window is the
    download's length, and the user named this path."""
    if target.exists() and not target.is_dir() and not force:
        raise UsageError(f"-o {target} exists: give --force to replace it, or another name")


# --------------------------------------------------------------------------------------------
# calls create


def _calls_create(args: argparse.Namespace, out: _Output) -> int:
    context = _read_context(args.context)

    def question(client: Volubile) -> str:
        # The person confirming sees which agent calls, not only its id.
        agent = client.agents.get(args.agent)
        if not agent.is_outbound:
            raise UsageError(
                f"--agent {args.agent} is an {_shown(_text(agent.type_)) or 'untyped'} agent: "
                "a call needs an OUTBOUND one (`volubile agents list` shows them); nothing was sent"
            )
        return (
            f"Call {args.phone} now with the agent {_shown(_text(agent.name))!r} on "
            f"{client.base_url}?"
        )

    with _client(args, out, confirm=question) as client, _in_cli_terms():
        call = client.calls.create(agent_id=args.agent, phone=args.phone, context=context)
    out.say(_call_text(call, "Call placed"))
    if _given(call.id) is not None:
        out.note(f"Follow it with: volubile calls get {call.id}")
    out.document(_call_document(call))
    return EXIT_OK


def _read_context(given: Sequence[str]) -> dict[str, Any] | None:
    """``--context`` values merged: ``KEY=VALUE`` (a string) or a JSON object; each key once."""
    context: dict[str, Any] = {}
    for text in given:
        if len(text.encode("utf-8", "surrogatepass")) > MAX_CONTEXT_BYTES:
            raise UsageError(f"--context is longer than {MAX_CONTEXT_BYTES // 1024} KiB")
        if text.lstrip().startswith("{"):
            values = _context_json(text)
        else:
            key, equals, value = text.partition("=")
            if not equals or not key.strip():
                raise UsageError(
                    f"--context {_shown(text[:60])!r}: write KEY=VALUE, or a JSON object"
                )
            values = {key.strip(): value}
        for key, value in values.items():
            if key == "system":
                raise UsageError(
                    "--context: the key 'system' is Volubile's own (the variables it sets for "
                    "each call: the phone, the call's id); give another name"
                )
            if key in context:
                raise UsageError(f"--context: the key {_shown(key[:40])!r} is given twice")
            context[key] = value
    return context or None


def _context_json(text: str) -> dict[str, Any]:
    try:
        document = json.loads(
            text,
            object_pairs_hook=_json_object,
            parse_int=_json_integer,
            parse_constant=_json_constant,
        )
    except _FileProblem as problem:
        raise UsageError(f"--context: {problem}") from None
    except RecursionError:
        raise UsageError(f"--context: nested deeper than {MAX_CAMPAIGN_FILE_NESTING}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"--context is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise UsageError("--context: the JSON must be an object of keys and values")
    unusable = _unreadable_value(document)
    if unusable:
        # The campaign file's rules, told for a context.
        raise UsageError(f"--context: {unusable.replace('campaign', 'call context')}")
    return document


# --------------------------------------------------------------------------------------------
# Rendering: values


# C0 and C1 control characters (ESC starts terminal sequences), and the bidirectional
# overrides that make text read in another order than it is stored.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(text: str) -> str:
    """Text from the server (or a user) made safe to print on a terminal: controls escaped."""
    return _CONTROL.sub(lambda found: json.dumps(found.group())[1:-1], text)


def _given(value: Any) -> Any:
    """``value``, or None when the server did not send it."""
    return None if isinstance(value, Unset) else value


def _text(value: Any) -> str:
    value = _given(value)
    if value is None:
        return ""
    return (
        str(value.value) if hasattr(value, "value") and not isinstance(value, str) else str(value)
    )


def _plain(value: Any) -> Any:
    """A typed value as plain JSON: enums as their values, UNSET as None."""
    value = _given(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return _text(value)


def _iso(value: Any) -> str | None:
    """An aware datetime as the API writes it (``2024-07-30T14:35:00Z``)."""
    given = _given(value)
    if isinstance(given, _dt.datetime):
        if given.tzinfo is not None:
            return given.astimezone(_dt.UTC).replace(tzinfo=None).isoformat() + "Z"
        return given.isoformat()
    return None if given is None else str(given)


def _utc(value: Any) -> str:
    """For people: ``2024-07-30 14:35:00`` (UTC), or ``-``."""
    shown = _iso(value)
    return "-" if shown is None else shown.replace("T", " ").removesuffix("Z")


def _duration(value: Any) -> str:
    seconds = _given(value)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        return "-"
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _yes_no(value: Any) -> str:
    value = _given(value)
    return "-" if value is None else ("yes" if value else "no")


# --------------------------------------------------------------------------------------------
# Rendering: tables and blocks


class _Table:
    """Rows printed as they come, under a header printed with the first row.

    Every column has a fixed width (ids, times and statuses have bounded lengths) except the
    last, so a list of any length is printed without being held.
    """

    def __init__(self, out: _Output, columns: Sequence[tuple[str, int]]) -> None:
        self.out = out
        self.columns = columns
        self.started = False

    def row(self, cells: Sequence[str]) -> None:
        if not self.started:
            self.started = True
            self._line([title for title, _ in self.columns])
        self._line(cells)

    def _line(self, cells: Sequence[str]) -> None:
        parts = [
            f"{cell:>{-width}}" if width < 0 else f"{cell:<{width}}"
            for cell, (_, width) in zip(cells[:-1], self.columns, strict=False)
        ]
        self.out.say("  ".join([*parts, cells[-1]]).rstrip())


# (title, width): a negative width aligns right.
AGENT_COLUMNS = (("ID", 36), ("TYPE", 8), ("ACTIVE", 6), ("RECORDS", 7), ("NAME", 0))
CALL_COLUMNS = (
    ("ID", 36),
    ("STARTED (UTC)", 19),
    ("DURATION", -8),
    ("PHONE", 16),
    ("STATUS", 0),
)


def _agent_row(agent: Agent) -> list[str]:
    archived = " (archived)" if _given(agent.archived) else ""
    return [
        _text(agent.id),
        _shown(_text(agent.type_)),
        _yes_no(agent.active),
        _yes_no(agent.recordable),
        _shown(_text(agent.name)) + archived,
    ]


def _call_row(call: Call) -> list[str]:
    return [
        _text(call.id),
        _utc(call.start_time),
        _duration(call.duration),
        _shown(_text(call.phone)),
        _shown(_text(call.status)) or "-",
    ]


def _block(title: str, rows: Iterable[tuple[str, Any]]) -> list[str]:
    listed = [(key, "-" if value in (None, "") else str(value)) for key, value in rows]
    width = max([11, *(len(key) for key, _ in listed)])
    return [f"{title}:", *(f"  {key:<{width}} {value}" for key, value in listed)]


def _agent_text(agent: Agent) -> str:
    telephony = _given(agent.telephony_configuration)
    numbers = _given(getattr(telephony, "phone_numbers", None)) if telephony else None
    configuration = _given(agent.configuration)
    extractors = _given(getattr(configuration, "extractors", None)) if configuration else None
    classifiers = _given(getattr(configuration, "classifiers", None)) if configuration else None
    rows: list[tuple[str, Any]] = [
        ("id", _text(agent.id)),
        ("name", _shown(_text(agent.name))),
        ("type", _shown(_text(agent.type_))),
        ("active", _yes_no(agent.active)),
        ("records", _yes_no(agent.recordable)),
        ("archived", _yes_no(agent.archived)),
        ("numbers", ", ".join(_shown(str(number)) for number in numbers or ())),
        ("extractors", ", ".join(_names(extractors))),
        ("classifiers", ", ".join(_names(classifiers))),
    ]
    return "\n".join(_block("Agent", rows))


def _names(definitions: Any) -> list[str]:
    """Extractor or classifier names, nested extractors as ``parent.child``."""
    found: list[str] = []
    for definition in definitions or ():
        name = _shown(_text(getattr(definition, "name", None)))
        children = _given(getattr(definition, "extractors", None))
        if children:
            found.extend(f"{name}.{child}" for child in _names(children))
        else:
            found.append(name)
    return found


def _call_text(call: Call, title: str) -> str:
    rows: list[tuple[str, Any]] = [
        ("id", _text(call.id)),
        ("status", _shown(_text(call.status))),
        ("phone", _shown(_text(call.phone))),
        ("agent", _text(call.agent_id)),
        ("type", _shown(_text(call.type_))),
        ("started", _utc(call.start_time) + " UTC" if _given(call.start_time) else None),
        ("ended", _utc(call.end_time) + " UTC" if _given(call.end_time) else None),
        ("duration", _duration(call.duration)),
        ("recorded", _yes_no(call.recorded)),
        ("summary", _shown(_text(call.summary))),
    ]
    lines = _block(title, rows)
    for heading, values in (
        ("Extracted data", _flat(_given(call.extracted_data) or {})),
        ("Classification", _flat(_given(call.classification_data) or {})),
        ("Context", _flat(_own_context(call))),
    ):
        if values:
            lines += _block(heading, ((_shown(k), _shown(v)) for k, v in values.items()))
    return "\n".join(lines)


def _own_context(call: Call) -> dict[str, Any]:
    # The recipient's own values; ``system`` is what Volubile adds (the call's id, the phone).
    context = _given(call.context) or {}
    return {key: value for key, value in dict(context).items() if key != "system"}


def _flat(values: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested objects as dotted names; lists and other values as JSON text, strings as is."""
    flat: dict[str, str] = {}
    for key, given in values.items():
        name = f"{prefix}{key}"
        value = _given(given)
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{name}."))
        elif isinstance(value, str):
            flat[name] = value
        elif value is None:
            flat[name] = ""
        else:
            flat[name] = json.dumps(value, ensure_ascii=False, default=str)
    return flat


# --------------------------------------------------------------------------------------------
# Rendering: JSON


def _agent_document(agent: Agent) -> dict[str, Any]:
    return _snake_document(agent.raw, keep=())


def _call_document(call: Call) -> dict[str, Any]:
    # The server's own document (unknown fields included) with snake_case keys, as for a
    # campaign; the account's own names (context keys, extractor and classifier names) are
    # data, and kept as written.
    return _snake_document(call.raw, keep=("context", "extractedData", "classificationData"))


def _snake_document(document: Mapping[str, Any], keep: Sequence[str]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {_snake_case(str(key)): plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value

    return {
        _snake_case(str(key)): value if key in keep else plain(value)
        for key, value in document.items()
    }


# --------------------------------------------------------------------------------------------
# Rendering: CSV

CSV_FIELDS = (
    "id",
    "agent_id",
    "phone",
    "type",
    "status",
    "start_time",
    "end_time",
    "duration",
    "recorded",
    "anonymous",
    "summary",
    "created",
)


def _csv_row(call: Call) -> dict[str, str]:
    row = {
        "id": _text(call.id),
        "agent_id": _text(call.agent_id),
        "phone": _text(call.phone),
        "type": _text(call.type_),
        "status": _text(call.status),
        "start_time": _iso(call.start_time) or "",
        "end_time": _iso(call.end_time) or "",
        "duration": _text(call.duration),
        "recorded": _csv_bool(call.recorded),
        "anonymous": _csv_bool(call.anonymous),
        "summary": _text(call.summary),
        "created": _iso(call.created) or "",
    }
    for prefix, values in (
        ("extracted.", _given(call.extracted_data) or {}),
        ("classification.", _given(call.classification_data) or {}),
        ("context.", _own_context(call)),
    ):
        row.update(_flat(values, prefix))
    return row


def _csv_bool(value: Any) -> str:
    value = _given(value)
    return "" if value is None else ("true" if value else "false")


def _write_csv(stream: IO[str], rows: Sequence[Mapping[str, str]]) -> None:
    """The calls as CSV: the call's fields, then every other column found, sorted by group.

    The columns are the same for the same calls whatever order they came in: the fixed ones
    first, then ``extracted.*``, ``classification.*`` and ``context.*`` each sorted by name.
    """
    extra = {name for row in rows for name in row} - set(CSV_FIELDS)
    groups = ("extracted.", "classification.", "context.")
    columns = [
        *CSV_FIELDS,
        *sorted(extra, key=lambda name: (groups.index(name.split(".", 1)[0] + "."), name)),
    ]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([spreadsheet_safe(column) for column in columns])
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(column, "")) for column in columns])
    stream.flush()


# --------------------------------------------------------------------------------------------
# --sandbox: sample calls


SAMPLE_CAMPAIGN = "Renewals"
#: The sample calls of a ``--sandbox`` for the reading commands, by id (fixed, so that the
#: README's ``volubile calls get ID --sandbox`` finds one).
SAMPLE_CALL_IDS = (
    "0b7a7f0e-1c2d-4e5f-8a9b-0c1d2e3f4a01",
    "0b7a7f0e-1c2d-4e5f-8a9b-0c1d2e3f4a02",
    "0b7a7f0e-1c2d-4e5f-8a9b-0c1d2e3f4a03",
)


def seed_sample_calls(sandbox: Sandbox) -> None:
    """Three calls of the seeded OUTBOUND agent, made for campaign ``Renewals``."""
    start = _dt.datetime(2027, 6, 7, 8, 15, tzinfo=_dt.UTC)
    sandbox.add_call(
        call_id=SAMPLE_CALL_IDS[0],
        phone="+33612345678",
        status="COMPLETED",
        campaign=SAMPLE_CAMPAIGN,
        start_time=start,
        duration=94,
        context={"firstName": "Ana"},
        extractors=[
            {
                "name": "customer",
                "value": [
                    {"name": "firstname", "value": ["Ana"]},
                    {"name": "lastname", "value": ["Martin"]},
                ],
            }
        ],
        classifiers=[{"name": "Outcome", "value": "Interested", "type": "PRIMARY"}],
    )
    sandbox.add_call(
        call_id=SAMPLE_CALL_IDS[1],
        phone="+33698765432",
        status="NO_ANSWER",
        campaign=SAMPLE_CAMPAIGN,
        start_time=start + _dt.timedelta(minutes=3),
        duration=31,
        context={"firstName": "Louis"},
    )
    sandbox.add_call(
        call_id=SAMPLE_CALL_IDS[2],
        phone="+33655501234",
        status="VOICE_BOX",
        campaign=SAMPLE_CAMPAIGN,
        start_time=start + _dt.timedelta(minutes=5),
        duration=12,
        context={"firstName": "Chloé"},
    )
