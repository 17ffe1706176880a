"""The ``volubile`` command line: check, plan and create campaigns, and steer them, from a shell.

Commands (``volubile COMMAND --help`` tells more)::

    volubile campaigns create FILE [--recipients CSV] [--dry-run] [--yes] [--journal PATH]
                                   [--region FR] [--phone-column phone]
                                   [--absent K] [--created K[=ID]] [--resend-uncertain]
                                   [--exclude-public-holidays]
    volubile campaigns get|pause|resume ID
    volubile campaigns results NAME --recipients CSV [--csv OUT] [--json-file OUT]
                                    [--journal PATH | --campaign-file FILE | --campaign-id ID]
    volubile campaigns cancel ID [--yes]
    volubile token --scope SCOPE [SCOPE ...]
    volubile slots clip SLOT [SLOT ...]
    volubile sandbox [--port N] [--db PATH]

Options before or after the command: ``--json`` (exactly one JSON document on stdout, failures
included, for programs) with every command; ``--sandbox`` (run against a local sandbox started
for this command alone) and ``--base-url URL`` with those that call the API. ``create`` and
``cancel`` ask for confirmation on a terminal unless ``--yes`` (``--sandbox`` never asks).

The API key comes from ``VOLUBILE_API_KEY`` or, in a terminal, from a prompt that does not echo
it; there is deliberately no option for it (command lines end up in shell history and in
``ps``). Exit codes: 0 success, 1 the API (or the network) failed, 2 the command or its input
is wrong or a confirmation was declined (nothing was sent), 130 interrupted; every message on
stderr says what to fix, in one line naming the command's flags.

This module is loaded by the console script only: ``import volubile_ext`` does not import it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import getpass
import json
import math
import os
import re
import sys
import tomllib
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import attrs

from ._auth import clean_credential
from ._cli_results import add_results_command
from ._client import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, Volubile
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CampaignWarning,
    ClientValidationError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    VolubileError,
)
from ._models import Campaign
from ._version import __version__
from .campaigns._bulk import (
    MAX_CHUNK,
    BulkCreateReport,
    CampaignMayExistError,
    JournalLockedError,
    JournalMismatchError,
    JournalUnreadableError,
    JournalWriteError,
    Resolution,
)
from .campaigns._campaign_input import MAX_TIME_SLOTS
from .campaigns._fields import FIELDS as REQUEST_FIELDS
from .campaigns._fields import PYTHON_NAMES
from .campaigns._planning import BulkPlan, CampaignPlan
from .campaigns._prepare import PreparedCreate, prepare_create
from .campaigns._recipients import (
    _PHONE_EXTRA,
    RecipientImport,
    RecipientSourceError,
    check_encoding,
    check_region,
    cli_option,
    encoding_label,
    load_recipients,
)
from .campaigns._timeslots import ALLOWED_WINDOWS, TimeSlot, clip_time_slots

if TYPE_CHECKING:
    from .testing import Sandbox

__all__ = ["main"]

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool whose reader went away

# The keyword arguments of campaigns.create, as a campaign file names them: the Python names of
# the create request's fields, in the spec's order (a field the spec adds is one too).
CAMPAIGN_FIELDS = tuple(PYTHON_NAMES[field] for field in REQUEST_FIELDS)
# The API's camelCase names, which a campaign file may use by mistake: "write it agent_id".
_CAMEL_CASE = {field: python for field, python in PYTHON_NAMES.items() if python != field}
_WINDOWS_TEXT = " and ".join(str(window) for window in ALLOWED_WINDOWS)


_Handler = Callable[[argparse.Namespace, "_Output"], int]


class UsageError(Exception):
    """The command line, a file or the environment is wrong: exit 2 with this message.

    ``kind`` is the ``error.type`` of the ``--json`` document.
    """

    def __init__(self, message: str, *, kind: str = "usage_error") -> None:
        super().__init__(message)
        self.kind = kind


class _ArgumentError(Exception):
    """argparse refused the command line (raised instead of argparse's own exit)."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser
        self.message = message


class _ArgumentParser(argparse.ArgumentParser):
    # argparse prints its error and exits on its own; raising instead lets main() answer a bad
    # command line like every other usage error, with a JSON document under --json.
    def error(self, message: str) -> Any:
        raise _ArgumentError(self, message)


# Lone surrogates come from undecodable bytes in argv or file names (surrogateescape): a
# stream with strict errors would fail to print them, so they are shown as escapes instead.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(text: str) -> str:
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


class _Output:
    """Where each kind of output goes.

    Results go to stdout: human text, or with ``--json`` exactly one JSON document and nothing
    else, so that a program can parse stdout whole, whatever happened. Notes, progress and
    errors go to stderr. A command records its result with :meth:`document` and a failure
    with :meth:`fail`; :func:`main` writes the one document (see :meth:`finish`).
    """

    def __init__(self, json_mode: bool, stdout: IO[str], stderr: IO[str]) -> None:
        self.json_mode = json_mode
        self.stdout = stdout
        self.stderr = stderr
        self._document: Mapping[str, Any] = {}
        self._error: dict[str, Any] | None = None
        self._errors_noted: list[str] = []
        self._written = False

    def say(self, text: str = "") -> None:
        """Human result text (stdout; left out in JSON mode, where the document says it all)."""
        if not self.json_mode:
            print(_printable(text), file=self.stdout, flush=True)

    def note(self, text: str) -> None:
        if text.startswith("volubile"):
            self._errors_noted.append(text)
        print(_printable(text), file=self.stderr, flush=True)

    def document(self, value: Mapping[str, Any]) -> None:
        """The command's result document, written by :meth:`finish` once the command ends.

        Kept by reference: a command may record it early and fill it in as it goes, so that a
        failure half-way still shows what was done.
        """
        self._document = value

    def publish(self, value: Mapping[str, Any]) -> None:
        """Write the result document now: for a command that keeps running (the sandbox)."""
        self.document(value)
        if self.json_mode and not self._written:
            self._write(self._document)

    def fail(
        self,
        code: int,
        kind: str,
        message: str,
        *,
        errors: Sequence[FieldError] = (),
        **details: Any,
    ) -> int:
        """Record why the command failed (the ``error`` of the document); returns ``code``."""
        self._error = {
            "type": kind,
            "message": message,
            "errors": [error.to_dict() for error in errors],
            **details,
        }
        return code

    def finish(self, code: int) -> None:
        """Write the one JSON document (with ``--json``): the result, and on failure the error.

        A failed command's document holds what the command found before failing plus
        ``error`` (``type``, ``message``, ``errors``, and details such as ``status_code``) and
        ``exit_code``; a successful one holds neither.
        """
        if not self.json_mode or self._written:
            return
        document = dict(self._document)
        if code != EXIT_OK:
            error = self._error or {
                "type": "error",
                "message": "\n".join(self._errors_noted) or f"exit code {code}",
                "errors": [],
            }
            document.update(error=error, exit_code=code)
        self._write(document)

    def _write(self, document: Mapping[str, Any]) -> None:
        self._written = True
        text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
        print(_printable(text), file=self.stdout, flush=True)


# --------------------------------------------------------------------------------------------
# Command line


def _add_common_options(
    parser: argparse.ArgumentParser, *, in_subcommand: bool, api: bool = True
) -> None:
    # The same options on the top-level parser and on every subcommand, so they can come
    # before or after the command. Subcommands must not write defaults: argparse would let a
    # subcommand's default overwrite a value given before the command. A command that does not
    # talk to the API (slots clip, sandbox) is given --json alone: its help lists only what it
    # accepts.
    def default(value: Any) -> Any:
        return argparse.SUPPRESS if in_subcommand else value

    group = parser.add_argument_group("common options")
    if api:
        group.add_argument(
            "--sandbox",
            action="store_true",
            default=default(False),
            help="run against a local sandbox started for this command (no account needed; "
            "it starts empty and is gone when the command ends)",
        )
    group.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print exactly one JSON document on stdout instead of text, failures included",
    )
    if api:
        group.add_argument(
            "--base-url",
            metavar="URL",
            default=default(None),
            help=f"the API's address (default: ${BASE_URL_ENV}, else {DEFAULT_BASE_URL})",
        )


def _add_yes_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help=f"{what} without asking for confirmation (for scripts; a terminal is asked "
        "otherwise, and without a terminal the command refuses; --sandbox never asks)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="volubile",
        description="Create and steer Volubile calling campaigns. The API key is read from "
        f"${API_KEY_ENV}, or asked for (hidden) when run in a terminal.",
        epilog="Exit codes: 0 success; 1 the API or the network failed (a create may then have "
        "gone through: the message says how to check); 2 the command, a file or the input is "
        "wrong, or a confirmation was declined: nothing was sent; 130 interrupted (Ctrl-C).",
    )
    parser.add_argument("--version", action="version", version=f"volubile {__version__}")
    _add_common_options(parser, in_subcommand=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(
        group: Any, name: str, help_text: str, handler: _Handler, *, api: bool = True
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=help_text)
        _add_common_options(sub, in_subcommand=True, api=api)
        sub.set_defaults(handler=handler, uses_api=api)
        return sub

    campaigns = commands.add_parser(
        "campaigns", help="create, read, pause, resume, cancel, results"
    )
    _add_common_options(campaigns, in_subcommand=True)
    campaign_commands = campaigns.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = command(
        campaign_commands,
        "create",
        "check a campaign file (and a recipients CSV), print the calling windows and the plan, "
        "then create the campaign (several of them above 1,000 recipients)",
        _create,
    )
    create.add_argument(
        "file",
        metavar="FILE",
        type=Path,
        help="the campaign as a .toml or .json file, with the arguments of campaigns.create "
        f"as keys: {', '.join(CAMPAIGN_FIELDS)}",
    )
    create.add_argument(
        "--recipients",
        metavar="CSV",
        type=Path,
        help="a CSV of recipients (comma, semicolon or tab separated; UTF-8 with or without "
        "BOM, or Windows-1252 as Excel writes it): a phone column (phone, téléphone, tel, "
        "mobile, portable, numéro...), the other columns become each recipient's context",
    )
    create.add_argument(
        "--exclude-public-holidays",
        action="store_true",
        help="plan without French public holidays (pause the campaign on those days yourself: "
        "the API does not know them)",
    )
    create.add_argument(
        "--dry-run",
        action="store_true",
        help="check and plan only: send nothing (no API key needed)",
    )
    create.add_argument(
        "--journal",
        metavar="PATH",
        type=Path,
        help="record each campaign on disk before and after it is sent (the file is locked "
        "meanwhile), so that running the same command again creates nothing twice: it skips "
        "what was created and resumes after a crash",
    )
    create.add_argument(
        "--absent",
        metavar="K",
        action="append",
        default=[],
        help="with --journal: uncertain campaign K (as in 'NAME (K/N)'; 1 for a single "
        "campaign) is not in the account: send it again. Repeatable, or K,K,...",
    )
    create.add_argument(
        "--created",
        metavar="K[=ID]",
        action="append",
        default=[],
        help="with --journal: uncertain campaign K is in the account (with its id if you have "
        "it): record it, do not send it. Repeatable",
    )
    create.add_argument(
        "--resend-uncertain",
        action="store_true",
        help="with --journal: send again every campaign the journal marks uncertain (check "
        "the account first: they may exist; --absent does it one by one)",
    )
    create.add_argument(
        "--region",
        default="FR",
        help="the country of numbers written without a country code (default FR)",
    )
    create.add_argument(
        "--phone-column",
        metavar="NAME",
        help="the CSV column that holds the numbers (default: a column named phone, or the one "
        "with a usual name for it: téléphone, tel, mobile, portable, numéro...)",
    )
    create.add_argument(
        "--encoding",
        metavar="NAME",
        help="the CSV's text encoding, e.g. cp1252 (default: detected, UTF-8 with or without "
        "BOM, UTF-16 with its BOM, else Windows-1252)",
    )
    _add_yes_option(create, "create")
    add_results_command(campaign_commands, command)
    for action, help_text in (
        ("get", "show a campaign"),
        ("pause", "pause a campaign (status PAUSED)"),
        ("resume", "resume a paused campaign (status ACTIVE)"),
        ("cancel", "cancel a campaign for good (status CANCELLED)"),
    ):
        sub = command(campaign_commands, action, help_text, _campaign_action)
        sub.add_argument("id", metavar="ID", help="the campaign's id (a UUID)")
        if action == "cancel":
            _add_yes_option(sub, "cancel")

    token = command(
        commands,
        "token",
        "mint a short-lived bearer token (printed alone on stdout, for another program)",
        _token,
    )
    token.add_argument(
        "--scope",
        dest="scopes",
        action="extend",
        nargs="+",
        required=True,
        metavar="SCOPE",
        help="a scope to grant, e.g. campaigns:read campaigns:write (repeatable)",
    )

    slots = commands.add_parser("slots", help="time-slot tools (no API call)")
    _add_common_options(slots, in_subcommand=True, api=False)
    slot_commands = slots.add_subparsers(dest="action", metavar="ACTION", required=True)
    clip = command(
        slot_commands,
        "clip",
        f"show when calls really happen: slots clipped to the allowed hours ({_WINDOWS_TEXT})",
        _clip,
        api=False,
    )
    clip.add_argument("slots", metavar="SLOT", nargs="+", help='a slot such as "09:00-15:00"')

    sandbox = command(
        commands,
        "sandbox",
        "run a local Volubile API in the foreground until Ctrl-C (for development and tests)",
        _sandbox,
        api=False,
    )
    sandbox.add_argument(
        "--port",
        type=int,
        default=0,
        help="the port to listen on, on 127.0.0.1 (default: a free one, printed at start)",
    )
    sandbox.add_argument(
        "--db",
        metavar="PATH",
        type=Path,
        help=(
            "an SQLite file that keeps campaigns, agents and calls across restarts "
            "(default: in memory)"
        ),
    )
    return parser


# --------------------------------------------------------------------------------------------
# Entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    out = _Output(_json_requested(arguments), sys.stdout, sys.stderr)
    try:
        try:
            code = _run(arguments, out)
        except BaseException as unexpected:
            if not isinstance(unexpected, SystemExit | BrokenPipeError):
                # A bug, not bad input: the traceback goes to stderr, the document still says.
                out.fail(EXIT_API_ERROR, "internal_error", f"{type(unexpected).__name__}")
                out.finish(EXIT_API_ERROR)
            raise
        out.finish(code)
    except BrokenPipeError:
        # Whoever read stdout went away (`volubile ... | head`): stop quietly, as Unix tools
        # do. Output still buffered would fail again at exit, so stdout now leads nowhere.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


def _json_requested(arguments: Sequence[str]) -> bool:
    # Known before parsing, so that a command line argparse refuses still gets its document.
    options = arguments[: arguments.index("--")] if "--" in arguments else arguments
    return "--json" in options


def _run(arguments: Sequence[str], out: _Output) -> int:
    try:
        args = _parser().parse_args(arguments)
    except _ArgumentError as refused:
        refused.parser.print_usage(out.stderr)
        out.note(f"{refused.parser.prog}: error: {refused.message}")
        return out.fail(EXIT_USAGE, "usage_error", refused.message)
    out.json_mode = args.json
    try:
        if not args.uses_api:
            given = [
                flag
                for flag, value in (("--sandbox", args.sandbox), ("--base-url", args.base_url))
                if value
            ]
            if given:
                raise UsageError(
                    f"`volubile {_command_name(args)}` does not call the API: drop "
                    + " and ".join(given)
                )
        if args.sandbox and args.base_url:
            raise UsageError("give --sandbox or --base-url, not both")
        code: int = args.handler(args, out)
        return code
    except _Declined as declined:
        out.note(f"volubile: {declined}")
        return out.fail(EXIT_USAGE, declined.kind, str(declined))
    except UsageError as problem:
        out.note(f"volubile: error: {problem}")
        return out.fail(EXIT_USAGE, problem.kind, str(problem))
    except ClientValidationError as invalid:
        _report_invalid(out, invalid, "nothing was sent")
        return out.fail(EXIT_USAGE, "validation_error", str(invalid), errors=invalid.errors)
    except VolubileError as failure:
        out.note(f"volubile: error: {failure}")
        hint = _hint(failure, args)
        if hint:
            out.note(hint)
        return out.fail(
            EXIT_API_ERROR,
            _error_type(failure),
            str(failure),
            errors=getattr(failure, "errors", ()),
            hint=hint or None,
            **_error_details(failure),
        )
    except KeyboardInterrupt as interrupt:
        out.note("volubile: interrupted")
        # What the interrupt may have left behind (a campaign created, a journal to resume).
        notes = list(getattr(interrupt, "__notes__", ()))
        for note in notes:
            out.note(note)
        return out.fail(EXIT_INTERRUPTED, "interrupted", "interrupted", notes=notes)


def _command_name(args: argparse.Namespace) -> str:
    action = getattr(args, "action", None)
    return f"{args.command} {action}" if action else str(args.command)


_CAPITALS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _snake_case(name: str) -> str:
    """``"retryOn"`` -> ``"retry_on"``, ``"APIConnectionError"`` -> ``"api_connection_error"``."""
    return _CAPITALS.sub("_", name).lower()


def _error_type(failure: VolubileError) -> str:
    # The exception's class, as a JSON name: a program can branch on it as on the class.
    return _snake_case(type(failure).__name__)


def _error_details(failure: VolubileError) -> dict[str, Any]:
    details: dict[str, Any] = {}
    status_code = getattr(failure, "status_code", None)
    if status_code is not None:
        details["status_code"] = status_code
    if isinstance(failure, RateLimitError):
        details["retry_after"] = failure.retry_after
    if isinstance(failure, APIConnectionError):
        details["request_sent"] = failure.request_sent
    return details


def _report_invalid(out: _Output, invalid: ClientValidationError, consequence: str) -> None:
    problems = invalid.errors or [FieldError("", str(invalid))]
    # The error keeps the first problems only (a million wrong items would be a million lines).
    count = max(invalid.error_count, len(problems))
    out.note(f"Validation failed ({count:,} problem(s)); {consequence}:")
    for problem in problems:
        out.note(f"  {problem}")
    if count > len(problems):
        out.note(f"  … and {count - len(problems):,} more")


def _hint(failure: VolubileError, args: argparse.Namespace) -> str:
    """What the user can do about an API failure (the message already says what happened)."""
    if isinstance(failure, AuthenticationError):
        return f"Check the API key in ${API_KEY_ENV}: it is missing, mistyped or disabled."
    if isinstance(failure, PermissionDeniedError):
        return (
            "The key lacks the scope this needs (campaigns:read to read a campaign, "
            "campaigns:write to create one or change its status)."
        )
    if isinstance(failure, NotFoundError):
        if args.sandbox:
            return "A --sandbox starts empty: it knows only the campaigns created in the command."
        return "No campaign has this id on this account: check the id."
    if isinstance(failure, RateLimitError):
        wait = f"{failure.retry_after:g} s" if failure.retry_after is not None else "a moment"
        return f"The API's rate limit was reached: wait {wait} and run the command again."
    if isinstance(failure, BadRequestError):
        return "The API refused the request: fix the fields listed above."
    if _create_may_exist(failure, args):
        # "Try again" would be the wrong advice: a second run may create a second campaign.
        if args.journal is not None:
            return (
                "Check the account for the campaign before running the command again: the "
                "journal does not send it again until you add --absent 1 (not there) or "
                "--created 1[=ID] (there)."
            )
        return (
            "Check the account's campaigns before running the command again: without "
            "--journal, a second run creates a second campaign if this one exists."
        )
    if isinstance(failure, APIConnectionError):
        return (
            "Check the address (--base-url or $VOLUBILE_BASE_URL) and the network, then try again."
        )
    if isinstance(failure, APIStatusError) and failure.status_code >= 500:
        return "The server failed; try again later."
    return ""


def _create_may_exist(failure: VolubileError, args: argparse.Namespace) -> bool:
    """Whether a failed ``campaigns create`` may have created the campaign all the same."""
    if getattr(args, "handler", None) is not _create:
        return False
    if isinstance(failure, APIConnectionError):
        return failure.request_sent
    if isinstance(failure, APIStatusError):
        return failure.status_code >= 500
    return isinstance(failure, APIResponseValidationError)


@contextlib.contextmanager
def _client(
    args: argparse.Namespace, out: _Output, *, confirm: Callable[[Volubile], str] | None = None
) -> Iterator[Volubile]:
    """A client for this command: on a fresh sandbox with ``--sandbox``, else on the API.

    ``confirm`` makes an irreversible command ask first: it gives the question to ask about the
    client (the address it will reach). Every server but the ``--sandbox`` one counts as real,
    a ``--base-url`` on loopback included: the user chose that server, and it may be a tunnel
    to a real one. The question goes to stderr and the answer comes from stdin, so stdout
    stays the command's result (a JSON document with ``--json``).
    """
    if args.sandbox:
        from .testing import Sandbox

        with Sandbox() as sandbox:
            out.note(f"Using a local sandbox at {sandbox.url} (nothing is sent to Volubile).")
            with Volubile(api_key=sandbox.api_key, base_url=sandbox.url) as client:
                yield client
        return
    if confirm is not None and not args.yes and not _interactive():
        # Refused before the key is even asked for: nothing can be confirmed here.
        raise UsageError(
            f"`volubile {_command_name(args)}` asks for confirmation before it acts on a real "
            "API, and stdin is not a terminal: pass --yes (-y) to go ahead without asking"
        )
    key = _api_key()
    try:
        client = Volubile(api_key=key, base_url=args.base_url)
    except ValueError as refused:
        raise UsageError(_refused_address(args, refused)) from None
    with client:
        if confirm is not None and not args.yes:
            _ask(out, confirm(client))
        yield client


def _refused_address(args: argparse.Namespace, refused: ValueError) -> str:
    """The library's refusal of a base URL, told in the command's terms (its flag, no kwargs)."""
    reason = str(refused)
    if "clear text" in reason:
        explained = (
            "plain http:// is for this machine only (localhost): elsewhere the API key would "
            "travel in clear text; use https://"
        )
    elif "base_url" in reason or "URL" in reason:
        explained = f"not an http(s) URL such as {DEFAULT_BASE_URL}"
    else:
        return reason
    source = "--base-url" if args.base_url else f"${BASE_URL_ENV}"
    address = args.base_url or os.environ.get(BASE_URL_ENV, "")
    return f"{source} {address!r}: {explained}"


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(out: _Output, question: str) -> None:
    """Ask ``question`` on the terminal; raises :class:`_Declined` unless the answer is yes."""
    out.stderr.write(_printable(f"{question} [y/N] "))
    out.stderr.flush()
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        out.stderr.write("\n")  # end of input (Ctrl-D): the next message starts a line
    if answer.strip().lower() not in ("y", "yes"):
        raise _Declined()


class _Declined(UsageError):
    """The user answered no to a confirmation: nothing was sent."""

    def __init__(self) -> None:
        super().__init__("not confirmed: nothing was sent", kind="declined")


def _api_key() -> str:
    key = os.environ.get(API_KEY_ENV, "").strip()
    if key:
        return _checked_key(key, f"${API_KEY_ENV}")
    if _interactive():
        # getpass reads from the terminal with echo off: the key is never shown.
        key = getpass.getpass("Volubile API key (input hidden): ").strip()
        if key:
            return _checked_key(key, "the API key typed at the prompt")
    raise UsageError(
        f"no API key: set {API_KEY_ENV} (or run in a terminal to be asked for it); "
        "--sandbox runs against a local sandbox without one"
    )


def _checked_key(key: str, source: str) -> str:
    """The key as the client will send it; a refusal names where the key came from."""
    try:
        return clean_credential(key, source)
    except ValueError as refused:
        raise UsageError(str(refused)) from None


# --------------------------------------------------------------------------------------------
# campaigns create


# A campaign file is typed by a person: a few KiB, or a few MiB with recipients in it. The
# bounds keep a wrong file (/dev/zero, a huge export, a hostile document) from exhausting memory
# or the interpreter's stack before anything can be said about it.
MAX_CAMPAIGN_FILE_BYTES = 16 * 1024 * 1024
MAX_CAMPAIGN_FILE_NESTING = 32
# Python refuses to convert longer digit strings (sys.get_int_max_str_digits) anyway; no field
# of a campaign takes a number anywhere near that long.
MAX_INTEGER_DIGITS = 100


def read_campaign_file(path: Path) -> dict[str, Any]:
    """The campaign file's fields, by ``campaigns.create`` argument name.

    ``.toml`` and ``.json`` files are read; the top level must be a table / object whose keys
    are among :data:`CAMPAIGN_FIELDS`. Values are left to the client's validation, which
    reports every problem at once. Raises :class:`UsageError` for a file that cannot be read as
    a campaign: missing or unreadable, a directory, over :data:`MAX_CAMPAIGN_FILE_BYTES`, not
    UTF-8, not valid TOML / JSON, or holding what no campaign holds (nesting deeper than
    :data:`MAX_CAMPAIGN_FILE_NESTING`, integers longer than :data:`MAX_INTEGER_DIGITS`
    digits, NaN or infinity, a lone surrogate, a key given twice).
    """
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise UsageError(f"{path}: a campaign file must be .toml or .json")
    raw = _read_bounded(path, MAX_CAMPAIGN_FILE_BYTES, "put the recipients in a CSV (--recipients)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{path} is not UTF-8 text (byte {error.start}): save it as UTF-8"
        ) from None
    kind = suffix[1:].upper()
    try:
        document: Any = (
            tomllib.loads(text)
            if suffix == ".toml"
            else json.loads(
                text,
                object_pairs_hook=_json_object,
                parse_int=_json_integer,
                parse_constant=_json_constant,
            )
        )
    except _FileProblem as problem:
        raise UsageError(f"{path}: {problem}") from None
    except RecursionError:
        raise UsageError(
            f"{path}: nested too deeply (a campaign needs a few levels, at most "
            f"{MAX_CAMPAIGN_FILE_NESTING})"
        ) from None
    except ValueError as error:
        # TOMLDecodeError and JSONDecodeError are ValueErrors; so is the interpreter's refusal
        # to convert a very long integer, which tomllib lets through.
        if not isinstance(error, tomllib.TOMLDecodeError | json.JSONDecodeError):
            raise UsageError(
                f"{path}: an integer is too long to read (no campaign field takes more than "
                f"{MAX_INTEGER_DIGITS} digits)"
            ) from None
        raise UsageError(f"{path} is not valid {kind}: {error}") from None
    if not isinstance(document, dict):
        raise UsageError(f"{path}: the top level must be an object with the campaign's fields")
    unusable = _unreadable_value(document)
    if unusable:
        raise UsageError(f"{path}: {unusable}")
    unknown = [key for key in document if key not in CAMPAIGN_FIELDS]
    if unknown:
        described = []
        for key in unknown[:5]:
            hint = _CAMEL_CASE.get(key)
            described.append(f"{key!r} (write it {hint})" if hint else _shown_key(key))
        if len(unknown) > 5:
            described.append(f"and {len(unknown) - 5} more")
        raise UsageError(
            f"{path}: unknown field(s) {', '.join(described)}; the fields are "
            f"{', '.join(CAMPAIGN_FIELDS)}"
        )
    return document


def _read_bounded(path: Path, limit: int, advice: str) -> bytes:
    """At most ``limit`` bytes of ``path``; :class:`UsageError` for a file that is not one."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise UsageError(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"cannot read {path}: it is a directory, not a file") from None
    except PermissionError:
        raise UsageError(f"cannot read {path}: permission denied") from None
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    if len(raw) > limit:
        raise UsageError(f"{path} is larger than {limit // (1024 * 1024)} MiB: {advice}")
    return raw


class _FileProblem(Exception):
    """Raised by the JSON hooks: a value no campaign file holds."""


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            # json.loads would keep the last one silently: which one was meant is unknown.
            raise _FileProblem(f"the key {_shown_key(key)} is given twice in one object")
        document[key] = value
    return document


def _json_integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise _FileProblem(
            f"an integer of {digits} digits (no campaign field takes more than "
            f"{MAX_INTEGER_DIGITS})"
        )
    return int(text)


def _json_constant(text: str) -> Any:
    raise _FileProblem(f"{text} is not a JSON value (write a number or a string)")


def _shown_key(key: str) -> str:
    shown = repr(key) if len(key) <= 40 else repr(key[:40]) + "..."
    return _printable(shown)


def _unreadable_value(document: dict[str, Any]) -> str | None:
    """What makes a parsed document unusable, with where it is; None when all is well.

    Walked iteratively, so the depth check itself cannot overflow the stack.
    """
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        # Where, bounded: keys may be long, paths deep; the end tells the most.
        at = f" at {where if len(where) <= 120 else '...' + where[-117:]}" if where else ""
        if depth > MAX_CAMPAIGN_FILE_NESTING:
            return (
                f"nested too deeply{at} (a campaign needs a few levels, at most "
                f"{MAX_CAMPAIGN_FILE_NESTING})"
            )
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return (
                    f"a lone surrogate{at} ({_printable(_SURROGATE.findall(value)[0])}) is not "
                    "a character: fix the \\u escape (a pair such as \\ud83d\\ude00, or the "
                    "character itself)"
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                return f"{value}{at} is not a number any campaign field takes"
        elif isinstance(value, int) and not isinstance(value, bool):
            # TOML integers: JSON ones were bounded while parsing.
            if value and len(str(abs(value))) > MAX_INTEGER_DIGITS:
                return (
                    f"an integer{at} longer than {MAX_INTEGER_DIGITS} digits (no campaign field "
                    "takes one)"
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    return f"a key{at} holds a lone surrogate, which is not a character"
                name = key if len(key) <= 40 else key[:40] + "..."
                stack.append((item, f"{where}.{name}" if where else name, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{index}]", depth + 1) for index, item in enumerate(value))
    return None


def _recipients_json(args: argparse.Namespace, imported: RecipientImport) -> dict[str, Any]:
    # The import renders itself; the CLI adds where it came from.
    return {"source": str(args.recipients), **imported.to_dict()}


def _import_recipients(args: argparse.Namespace, out: _Output) -> RecipientImport:
    # The options are checked first, so that a message about them names the flag.
    try:
        region = check_region(args.region)
    except ValueError:
        raise UsageError(
            "--region must be a two-letter country code that phone numbers use, such as FR, "
            f"not {args.region!r}"
        ) from None
    try:
        encoding = check_encoding(args.encoding)
    except ValueError as unknown:
        raise UsageError(f"--encoding: {unknown}") from None
    if args.phone_column is not None and not args.phone_column.strip():
        raise UsageError("--phone-column must name a column, not be empty")
    try:
        imported = load_recipients(
            args.recipients, phone_column=args.phone_column, region=region, encoding=encoding
        )
    except FileNotFoundError:
        raise UsageError(f"cannot read {args.recipients}: no such file") from None
    except RecipientSourceError as unusable:
        raise UsageError(unusable.describe(cli_option)) from None
    except OSError as error:
        raise UsageError(f"cannot read {args.recipients}: {error.strerror or error}") from None
    # Every row is accounted for on screen: a rejected or folded row is never silently lost.
    read_as = (
        f" (read as {encoding_label(imported.encoding)})"
        if imported.encoding not in (None, "utf-8", "utf-8-sig")
        else ""
    )
    out.say(f"Recipients from {args.recipients}{read_as}: {imported}")
    if imported.rejected:
        out.say(
            f"  {len(imported.rejected)} rejected row(s) are left out: correct them in the CSV "
            "and run again to include them."
        )
    if imported.duplicates:
        out.say(
            f"  {len(imported.duplicates)} duplicate row(s) folded: each number is called once."
        )
    if not imported.recipients:
        # The rows and why each was rejected are the answer: --json keeps them too.
        out.document({"valid": False, "recipients": _recipients_json(args, imported)})
        raise UsageError(f"{args.recipients}: no usable recipient, nothing to create")
    return imported


def _create(args: argparse.Namespace, out: _Output) -> int:
    fields = read_campaign_file(args.file)
    imported: RecipientImport | None = None
    if args.recipients is not None:
        if "recipients" in fields:
            raise UsageError(
                f"{args.file} lists recipients and --recipients gives a CSV: use one of them"
            )
        imported = _import_recipients(args, out)
        _refuse_rows_needing_the_phone_extra(imported, args, out)
        fields["recipients"] = imported.recipients
    campaign_fields: dict[str, Any] = {key: fields.get(key) for key in CAMPAIGN_FIELDS}
    try:
        # One step checks everything (recipients included, every problem at once), decides
        # whether the recipients make one campaign or several, and plans them.
        prepared = prepare_create(
            **campaign_fields, plan=True, exclude_public_holidays=args.exclude_public_holidays
        )
    except ClientValidationError as invalid:
        _report_invalid(out, invalid, f"fix {args.file}" + (" or the CSV" if imported else ""))
        out.document(
            {
                "valid": False,
                "recipients": _recipients_json(args, imported) if imported else None,
            }
        )
        return out.fail(EXIT_USAGE, "validation_error", str(invalid), errors=invalid.errors)
    if prepared.plan is not None:
        prepared = attrs.evolve(prepared, plan=_in_cli_words(prepared.plan))
    plan = prepared.plan
    resolutions = _resolutions(args, len(prepared.chunks))

    count = prepared.recipient_count
    out.say(f"Validation: OK ({_count_text(count)}).")
    out.say("Time slots (calls only happen within " + _WINDOWS_TEXT + "):")
    for slot, windows in prepared.time_slots:
        clipped = ", ".join(str(window) for window in windows)
        marker = "" if windows == (slot,) else "  (clipped)"
        out.say(f"  {slot} -> {clipped}{marker}")
    out.say()
    if plan is not None:
        out.say(str(plan))
    else:
        out.say("No recipients: no plan. The campaign is created without anyone to call.")
    out.say()

    document: dict[str, Any] = {
        "valid": True,
        "recipients": _recipients_json(args, imported) if imported else None,
        **prepared.to_dict(),  # time_slots, windows, plan
        "dry_run": bool(args.dry_run),
        "campaign": None,
        "bulk": None,
    }
    # Recorded now and filled in below: a failure half-way still shows what was done.
    out.document(document)
    if args.dry_run:
        out.say("Dry run: nothing was sent.")
        return EXIT_OK

    question = _create_question(campaign_fields, count)
    with _client(args, out, confirm=question) as client:
        if plan is None:
            # No plan above listed them: say them as the library would.
            for text in prepared.warnings:
                warnings.warn(text, CampaignWarning, stacklevel=1)
        with _journal_errors(args, len(prepared.chunks)):
            if prepared.bulk:
                report = _create_many(args, out, client, prepared, resolutions=resolutions)
                document["bulk"] = report.to_dict()
                out.say(report.render(_CLI_RESOLVE_HINT))
                if report.ok:
                    return EXIT_OK
                return out.fail(EXIT_API_ERROR, "bulk_incomplete", str(report).splitlines()[0])
            try:
                campaign = client.campaigns.create_prepared(
                    prepared,
                    journal=args.journal,
                    resolve_uncertain=resolutions,
                    resend_uncertain=args.resend_uncertain,
                )
                assert isinstance(campaign, Campaign)  # one campaign prepared, one created
            except CampaignMayExistError as uncertain:
                message = (
                    f"the journal {args.journal} records that the campaign may have been created "
                    f"by an earlier run ({uncertain.chunk.reason}); nothing was sent."
                )
                hint = (
                    f"Look for it in the Volubile app ({uncertain.chunk.describe()}), then run "
                    "the same command again with --absent 1 if it is not there (it is created), "
                    "or --created 1 (--created 1=ID) if it is."
                )
                out.note(f"volubile: error: {message}")
                out.note(hint)
                document["uncertain"] = uncertain.chunk.to_dict()
                return out.fail(EXIT_API_ERROR, "campaign_may_exist", message, hint=hint)
        if campaign.response is None:
            # Read from the journal: nothing was sent.
            title = f"Campaign already created by an earlier run (journal {args.journal})"
            out.say(_campaign_text(campaign, title))
            out.say("Nothing was sent.")
        else:
            out.say(_campaign_text(campaign, "Campaign created"))
        document["campaign"] = _campaign_json(campaign)
        document["from_journal"] = campaign.response is None
        return EXIT_OK


def _refuse_rows_needing_the_phone_extra(
    imported: RecipientImport, args: argparse.Namespace, out: _Output
) -> None:
    """Stop when rows were refused only because the ``phone`` extra is not installed.

    Creating the campaign with the few numbers already in E.164 would silently call a fraction
    of the list: the user almost certainly wants the extra installed instead.
    """
    needing = [row.row for row in imported.rejected if _PHONE_EXTRA in row.reason]
    if not needing:
        return
    shown = ", ".join(str(row) for row in needing[:20])
    if len(needing) > 20:
        shown += f" and {len(needing) - 20} more"
    out.say(
        f"  {len(needing)} of {imported.rows} rows are national numbers (rows {shown}): reading "
        "them needs the phone extra."
    )
    out.document({"valid": False, "recipients": _recipients_json(args, imported)})
    raise UsageError(
        f"{len(needing)} of {imported.rows} rows of {args.recipients} need the phone extra: "
        f"install it (pip install 'volubile[phone]') or write those numbers in E.164 "
        "(+33612345678), then run again; nothing was sent",
        kind="phone_extra_missing",
    )


def _create_question(campaign_fields: Mapping[str, Any], count: int) -> Callable[[Volubile], str]:
    def question(client: Volubile) -> str:
        name = campaign_fields.get("name")
        people = _count_text(count)
        if count > MAX_CHUNK:
            campaigns = -(-count // MAX_CHUNK)
            first, last = f"{name} (1/{campaigns})", f"{name} ({campaigns}/{campaigns})"
            return (
                f"Create {campaigns} campaigns, {first!r} to {last!r}, for {count} recipients "
                f"on {client.base_url}?"
            )
        return f"Create the campaign {name!r} with {people} on {client.base_url}?"

    return question


_CLI_RESOLVE_HINT = (
    "Check the account's campaigns for the uncertain chunks (by name and first numbers), then "
    "run the same command again with --absent K for a campaign that is not there (it is sent "
    "again), --created K (or --created K=ID) for one that is; --resend-uncertain sends every "
    "uncertain chunk again."
)


def _resolutions(args: argparse.Namespace, campaigns: int) -> dict[int, Resolution]:
    """--absent / --created, checked: campaign number K -> "absent", "created" or an id."""
    if (args.absent or args.created or args.resend_uncertain) and args.journal is None:
        flag = "--absent" if args.absent else "--created" if args.created else "--resend-uncertain"
        raise UsageError(f"{flag} needs --journal: the journal says what is uncertain")
    found: dict[int, Resolution] = {}

    def number(text: str, flag: str) -> int:
        value = text.strip()
        if not value.isdecimal() or not 1 <= int(value) <= campaigns:
            which = "1 (there is one campaign)" if campaigns == 1 else f"1..{campaigns}"
            raise UsageError(f"{flag} {text[:40]!r}: K must be a campaign number {which}")
        if int(value) in found:
            raise UsageError(f"campaign {int(value)} is given more than once (--absent/--created)")
        return int(value)

    for given in args.absent:
        for part in given.split(","):
            found[number(part, "--absent")] = "absent"
    for given in args.created:
        key, _, campaign_id = given.partition("=")
        position = number(key, "--created")
        if not campaign_id.strip():
            found[position] = "created"
            continue
        try:
            found[position] = uuid.UUID(campaign_id.strip())
        except ValueError:
            raise UsageError(
                f"--created {given[:60]!r}: {campaign_id[:40]!r} is not a campaign id (a UUID); "
                "give --created K alone if you do not have it"
            ) from None
    return found


@contextlib.contextmanager
def _journal_errors(args: argparse.Namespace, campaigns: int) -> Iterator[None]:
    """Journal problems as the command line reports them; an interrupt says how to resume."""
    k = "1" if campaigns == 1 else "K"
    try:
        yield
    except (JournalUnreadableError, JournalLockedError) as unusable:
        raise UsageError(f"--journal {unusable}") from None
    except JournalWriteError as failure:
        if failure.report is not None:
            raise  # the run had started: campaigns may exist, the API error's exit 1
        raise UsageError(f"--journal {failure}") from None
    except JournalMismatchError:
        # The library's message speaks of arguments and calls; this one of the command's flags.
        raise UsageError(
            f"--journal {args.journal} was written for other recipients or parameters (its "
            "fingerprint does not match this command): give a new --journal path for a new "
            "list, or the original file and CSV to resume; nothing was sent",
            kind="journal_mismatch",
        ) from None
    except KeyboardInterrupt as interrupt:
        if args.journal is not None:
            interrupt.add_note(
                "To resume, run the same command again: what was created is skipped. A "
                "campaign the journal marks uncertain is not sent again until you check the "
                f"account and add --absent {k} (not there) or --created {k}[=ID] (there)."
            )
        raise


# The planners' warnings name their Python arguments; here, the command's own flags.
PlanT = TypeVar("PlanT", bound=CampaignPlan | BulkPlan)
_PLANNER_ARGUMENTS = {
    "exclude_public_holidays=True": "--exclude-public-holidays",
    "(campaigns.pause, then campaigns.resume)": (
        "(volubile campaigns pause ID, then volubile campaigns resume ID)"
    ),
}


def _in_cli_words(plan: PlanT) -> PlanT:
    """``plan`` with its warnings naming the command's flags instead of Python arguments."""

    def reworded(warning: str) -> str:
        for argument, flag in _PLANNER_ARGUMENTS.items():
            warning = warning.replace(argument, flag)
        return warning

    return attrs.evolve(plan, warnings=tuple(reworded(warning) for warning in plan.warnings))


def _count_text(count: int) -> str:
    if count == 0:
        return "no recipients"
    if count > MAX_CHUNK:
        campaigns = -(-count // MAX_CHUNK)
        return f"{count} recipients, created as {campaigns} campaigns of at most {MAX_CHUNK}"
    return f"{count} recipient{'s' if count > 1 else ''}"


def _create_many(
    args: argparse.Namespace,
    out: _Output,
    client: Volubile,
    prepared: PreparedCreate,
    *,
    resolutions: dict[int, Resolution],
) -> BulkCreateReport:
    if args.journal is None:
        out.note(
            "Tip: --journal PATH records each campaign as it is sent, so that an interrupted "
            "run can be resumed without creating anything twice."
        )
    progress = _ProgressBar(out.stderr)
    try:
        report = client.campaigns.create_prepared(
            prepared,
            journal=args.journal,
            resolve_uncertain=resolutions,
            resend_uncertain=args.resend_uncertain,
            on_progress=progress,
        )
        assert isinstance(report, BulkCreateReport)  # several campaigns prepared, one report
        return report
    finally:
        progress.close()


class _ProgressBar:
    """``on_progress`` for create_many (and results): a bar redrawn in place on a terminal,
    lines otherwise."""

    WIDTH = 30

    def __init__(self, stream: IO[str], label: str = "Creating campaigns") -> None:
        self.stream = stream
        self.label = label
        self.interactive = stream.isatty()
        self.drawn = False
        self.last: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        if (done, total) == self.last:
            return
        self.last = (done, total)
        if self.interactive:
            filled = self.WIDTH * done // total if total else self.WIDTH
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
            self.drawn = True
        else:
            # A log file gets one line per step rather than carriage returns.
            self.stream.write(f"{self.label}: {done}/{total}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


# --------------------------------------------------------------------------------------------
# campaigns get / pause / resume / cancel


def _campaign_action(args: argparse.Namespace, out: _Output) -> int:
    confirm = _cancel_question(args, out) if args.action == "cancel" else None
    with _client(args, out, confirm=confirm) as client:
        campaigns = client.campaigns
        action: Callable[[str], Campaign] = {
            "get": campaigns.get,
            "pause": campaigns.pause,
            "resume": campaigns.resume,
            "cancel": campaigns.cancel,
        }[args.action]
        campaign = action(args.id)
    title = "Campaign" if args.action == "get" else f"Campaign now {_status_text(campaign)}"
    out.say(_campaign_text(campaign, title))
    out.document(_campaign_json(campaign))
    return EXIT_OK


def _cancel_question(args: argparse.Namespace, out: _Output) -> Callable[[Volubile], str]:
    def question(client: Volubile) -> str:
        # The person confirming sees which campaign this is, not only its id.
        campaign = client.campaigns.get(args.id)
        out.note(_campaign_text(campaign, "Campaign"))
        return (
            f"Cancel the campaign {campaign.name!r} on {client.base_url} for good (it cannot "
            "be resumed)?"
        )

    return question


# --------------------------------------------------------------------------------------------
# token


def _token(args: argparse.Namespace, out: _Output) -> int:
    with _client(args, out) as client:
        token = client.auth.issue_token(args.scopes)
    lifetime = f"valid {token.expires_in:g} s" if token.expires_in is not None else "no lifetime"
    if out.json_mode:
        out.document(
            {
                "token": token.token,
                "token_type": token.token_type,
                "expires_in": token.expires_in,
                "scopes": list(token.scopes),
            }
        )
    else:
        # The token alone on stdout, so that TOKEN=$(volubile token ...) captures just it.
        print(token.token, file=out.stdout, flush=True)
        out.note(f"{token.token_type} token for {', '.join(token.scopes)}, {lifetime}.")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# slots clip


def _clip(args: argparse.Namespace, out: _Output) -> int:
    slots: list[TimeSlot] = []
    problems: list[str] = []
    for text in args.slots:
        try:
            slots.append(TimeSlot.parse(text))
        except (TypeError, ValueError) as problem:
            problems.append(f"  {text!r}: {problem}")
    if problems:
        raise UsageError(
            "cannot read these slots (write them HH:MM-HH:MM):\n" + "\n".join(problems)
        )
    rows = [(slot, clip_time_slots([slot])) for slot in slots]
    windows = clip_time_slots(slots)
    width = max(len(str(slot)) for slot in slots)
    for slot, pieces in rows:
        shown = ", ".join(str(piece) for piece in pieces) or "never calls (outside the hours)"
        out.say(f"{slot!s:<{width}}  ->  {shown}")
    per_day = sum((window.duration for window in windows), _dt.timedelta())
    hours, minutes = divmod(int(per_day.total_seconds()) // 60, 60)
    if windows:
        listed = ", ".join(str(window) for window in windows)
        out.say(f"Calling windows: {listed} ({hours}h{minutes:02d} a day)")
    else:
        out.say(f"No calling window: calls only happen within {_WINDOWS_TEXT}.")
    if len(slots) > MAX_TIME_SLOTS:
        out.note(f"Note: a campaign takes at most {MAX_TIME_SLOTS} time slots.")
    out.document(
        {
            "slots": [
                {"slot": str(slot), "windows": [str(piece) for piece in pieces]}
                for slot, pieces in rows
            ],
            "windows": [str(window) for window in windows],
            "minutes_per_day": int(per_day.total_seconds()) // 60,
        }
    )
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# sandbox


def _sandbox(args: argparse.Namespace, out: _Output) -> int:
    import sqlite3

    from .testing import Sandbox
    from .testing._store import SandboxDatabaseError

    # A key already in the environment is the sandbox's key, so a shell set up for the sandbox
    # keeps working across restarts (campaigns too, with --db) and nothing needs printing.
    # Without one, a sandbox with --db keeps the key it generated in the database: a restart
    # prints the same key, and the shell that exported it keeps working.
    env_key = os.environ.get(API_KEY_ENV, "").strip() or None
    try:
        sandbox: Sandbox = Sandbox(
            port=args.port, db_path=args.db, api_keys=[env_key] if env_key else None
        )
        sandbox.start()
    except SandboxDatabaseError as error:
        raise UsageError(f"cannot start the sandbox: --db {error.path}: {error.reason}") from None
    except (OSError, ValueError, sqlite3.Error) as error:
        raise UsageError(f"cannot start the sandbox: {error}") from None
    storage = f"campaigns kept in {args.db}" if args.db else "campaigns in memory"
    out.publish({"url": sandbox.url, "api_key": None if env_key else sandbox.api_key})
    out.say(f"Volubile sandbox listening on {sandbox.url} ({storage}). Ctrl-C stops it.")
    if env_key:
        out.say(f"API key: the one in ${API_KEY_ENV}.")
        out.say(f"In another shell:  export {BASE_URL_ENV}={sandbox.url}")
    else:
        # A key made up for this local sandbox, valid nowhere else: showing it is the point.
        out.say(f"API key of this sandbox: {sandbox.api_key}")
        out.say(
            f"In another shell:  export {BASE_URL_ENV}={sandbox.url} "
            f"{API_KEY_ENV}={sandbox.api_key}"
        )
    sandbox.serve_forever()
    out.note("Sandbox stopped.")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# Rendering


def _status_text(campaign: Campaign) -> str:
    status = campaign.status
    return "unknown" if status is None else str(status)


def _campaign_text(campaign: Campaign, title: str) -> str:
    retry = campaign.retry
    if retry is None or retry.max == 0:
        retry_text = "none"
    else:
        retry_text = (
            f"up to {retry.max}, at least {retry.delay} h apart, on {', '.join(retry.retry_on)}"
        )
    rows = [
        ("id", str(campaign.id)),
        ("status", _status_text(campaign)),
        ("name", campaign.name),
        ("agent", campaign.agent_id),
        ("start date", campaign.start_date),
        ("days", ", ".join(str(day) for day in campaign.days)),
        ("time slots", ", ".join(str(slot) for slot in campaign.time_slots)),
        ("batch size", f"{campaign.batch_size} calls a day" if campaign.batch_size else None),
        ("retry", retry_text),
        ("timezone", campaign.timezone),
    ]
    rows.extend(
        (key, json.dumps(value, ensure_ascii=False)) for key, value in campaign.extra.items()
    )
    lines = [f"{title}:"]
    lines.extend(f"  {key:<11} {'-' if value is None else value}" for key, value in rows)
    return "\n".join(lines)


def _campaign_json(campaign: Campaign) -> dict[str, Any]:
    # The server's own document, unknown fields and values included, with its keys in the
    # snake_case of every other key the command prints (agentId -> agent_id). A recipient's
    # context is the user's own data: its keys are kept as written.
    return {_snake_case(str(key)): _plain(value) for key, value in campaign.raw.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            _snake_case(str(key)): item if key == "context" else _plain(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


if __name__ == "__main__":
    raise SystemExit(main())
