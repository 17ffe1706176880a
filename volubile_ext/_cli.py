"""The ``volubile`` command line: check, plan and create campaigns, and steer them, from a shell.

Commands (``volubile COMMAND --help`` tells more)::

    volubile campaigns create FILE [--recipients CSV] [--dry-run] [--journal PATH]
                                   [--region FR] [--phone-column phone] [--resend-uncertain]
    volubile campaigns get|pause|resume|cancel ID
    volubile token --scope SCOPE [SCOPE ...]
    volubile slots clip SLOT [SLOT ...]
    volubile sandbox [--port N] [--db PATH]

Options that work with every command, before or after it: ``--sandbox`` (run against a local
sandbox started for this command alone), ``--json`` (one JSON document on stdout, for
programs), ``--base-url URL``.

The API key comes from ``VOLUBILE_API_KEY`` or, in a terminal, from a prompt that does not echo
it; there is deliberately no option for it (command lines end up in shell history and in
``ps``). Exit codes: 0 success, 1 the API (or the network) failed, 2 the command or its input
is wrong; every message on stderr says what to fix.

This module is loaded by the console script only: ``import volubile_ext`` does not import it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import getpass
import json
import os
import sys
import tomllib
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._bulk import MAX_CHUNK, BulkCreateReport, JournalMismatchError
from ._campaign_input import build_campaign_request
from ._client import API_KEY_ENV, BASE_URL_ENV, Volubile
from ._errors import (
    APIConnectionError,
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
from ._planning import CampaignPlan, plan_campaign
from ._recipients import RecipientImport, load_recipients
from ._timeslots import ALLOWED_WINDOWS, TimeSlot, clip_time_slots
from ._version import __version__

if TYPE_CHECKING:
    from .testing import Sandbox

__all__ = ["main"]

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool whose reader went away

# The keyword arguments of campaigns.create, as a campaign file names them.
CAMPAIGN_FIELDS = (
    "name",
    "agent_id",
    "start_date",
    "time_slots",
    "batch_size",
    "days",
    "retry",
    "recipients",
    "timezone",
)
_CAMEL_CASE = {
    "agentId": "agent_id",
    "startDate": "start_date",
    "timeSlots": "time_slots",
    "batchSize": "batch_size",
}
_WINDOWS_TEXT = " and ".join(str(window) for window in ALLOWED_WINDOWS)


_Handler = Callable[[argparse.Namespace, "_Output"], int]


class UsageError(Exception):
    """The command line, a file or the environment is wrong: exit 2 with this message."""


class _Output:
    """Where each kind of output goes.

    Results go to stdout: human text, or with ``--json`` a single JSON document and nothing
    else, so that a program can parse stdout whole. Notes, progress and errors go to stderr.
    """

    def __init__(self, json_mode: bool, stdout: IO[str], stderr: IO[str]) -> None:
        self.json_mode = json_mode
        self.stdout = stdout
        self.stderr = stderr

    def say(self, text: str = "") -> None:
        """Human result text (stdout; left out in JSON mode, where the document says it all)."""
        if not self.json_mode:
            print(text, file=self.stdout, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.stderr, flush=True)

    def document(self, value: Any) -> None:
        if self.json_mode:
            json.dump(value, self.stdout, indent=2, ensure_ascii=False, default=str)
            print(file=self.stdout, flush=True)


# --------------------------------------------------------------------------------------------
# Command line


def _add_common_options(parser: argparse.ArgumentParser, *, in_subcommand: bool) -> None:
    # The same options on the top-level parser and on every subcommand, so they can come
    # before or after the command. Subcommands must not write defaults: argparse would let a
    # subcommand's default overwrite a value given before the command.
    def default(value: Any) -> Any:
        return argparse.SUPPRESS if in_subcommand else value

    group = parser.add_argument_group("common options")
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
        help="print one JSON document on stdout instead of text",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        default=default(None),
        help=f"the API's address (default: ${BASE_URL_ENV}, else https://api.eu.volubile.ai)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="volubile",
        description="Create and steer Volubile calling campaigns. The API key is read from "
        f"${API_KEY_ENV}, or asked for (hidden) when run in a terminal.",
        epilog="Exit codes: 0 success, 1 API or network error, 2 usage or validation error.",
    )
    parser.add_argument("--version", action="version", version=f"volubile {__version__}")
    _add_common_options(parser, in_subcommand=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(
        group: Any, name: str, help_text: str, handler: _Handler
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=help_text)
        _add_common_options(sub, in_subcommand=True)
        sub.set_defaults(handler=handler)
        return sub

    campaigns = commands.add_parser("campaigns", help="create, read, pause, resume, cancel")
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
        help="a CSV of recipients (comma, semicolon or tab separated; UTF-8, with or without "
        "BOM): a phone column, the other columns become each recipient's context",
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
        help="above 1,000 recipients: record each campaign before and after it is sent, so "
        "that running the same command again resumes without creating anything twice",
    )
    create.add_argument(
        "--resend-uncertain",
        action="store_true",
        help="with --journal: also send again the campaigns the journal marks uncertain (check "
        "the account first: they may exist)",
    )
    create.add_argument(
        "--region",
        default="FR",
        help="the country of numbers written without a country code (default FR)",
    )
    create.add_argument(
        "--phone-column",
        default="phone",
        metavar="NAME",
        help="the CSV column that holds the numbers (default: phone)",
    )
    for action, help_text in (
        ("get", "show a campaign"),
        ("pause", "pause a campaign (status PAUSED)"),
        ("resume", "resume a paused campaign (status ACTIVE)"),
        ("cancel", "cancel a campaign for good (status CANCELLED)"),
    ):
        sub = command(campaign_commands, action, help_text, _campaign_action)
        sub.add_argument("id", metavar="ID", help="the campaign's id (a UUID)")

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

    slots = commands.add_parser("slots", help="time-slot tools")
    _add_common_options(slots, in_subcommand=True)
    slot_commands = slots.add_subparsers(dest="action", metavar="ACTION", required=True)
    clip = command(
        slot_commands,
        "clip",
        f"show when calls really happen: slots clipped to the allowed hours ({_WINDOWS_TEXT})",
        _clip,
    )
    clip.add_argument("slots", metavar="SLOT", nargs="+", help='a slot such as "09:00-15:00"')

    sandbox = command(
        commands,
        "sandbox",
        "run a local Volubile API in the foreground until Ctrl-C (for development and tests)",
        _sandbox,
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
        help="an SQLite file that keeps campaigns across restarts (default: in memory)",
    )
    return parser


# --------------------------------------------------------------------------------------------
# Entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    args = _parser().parse_args(argv)
    out = _Output(args.json, sys.stdout, sys.stderr)
    try:
        if args.sandbox and args.base_url:
            raise UsageError("give --sandbox or --base-url, not both")
        code: int = args.handler(args, out)
        return code
    except UsageError as problem:
        out.note(f"volubile: error: {problem}")
        return EXIT_USAGE
    except ClientValidationError as invalid:
        _report_invalid(out, invalid, "nothing was sent")
        return EXIT_USAGE
    except JournalMismatchError as mismatch:
        out.note(
            f"volubile: error: {mismatch}\n"
            "Give a new --journal path for a new list, or the original file and CSV to resume."
        )
        return EXIT_USAGE
    except VolubileError as failure:
        out.note(f"volubile: error: {failure}")
        hint = _hint(failure, args)
        if hint:
            out.note(hint)
        return EXIT_API_ERROR
    except KeyboardInterrupt:
        out.note("volubile: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Whoever read stdout went away (`volubile ... | head`): stop quietly, as Unix tools
        # do. Output still buffered would fail again at exit, so stdout now leads nowhere.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _report_invalid(out: _Output, invalid: ClientValidationError, consequence: str) -> None:
    problems = invalid.errors or [FieldError("", str(invalid))]
    out.note(f"Validation failed ({len(problems)} problem(s)); {consequence}:")
    for problem in problems:
        out.note(f"  {problem}")


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
    if isinstance(failure, APIConnectionError):
        return (
            "Check the address (--base-url or $VOLUBILE_BASE_URL) and the network, then try again."
        )
    if isinstance(failure, APIStatusError) and failure.status_code >= 500:
        return "The server failed; try again later."
    return ""


@contextlib.contextmanager
def _client(args: argparse.Namespace, out: _Output) -> Iterator[Volubile]:
    """A client for this command: on a fresh sandbox with ``--sandbox``, else on the API."""
    if args.sandbox:
        from .testing import Sandbox

        with Sandbox() as sandbox:
            out.note(f"Using a local sandbox at {sandbox.url} (nothing is sent to Volubile).")
            with Volubile(api_key=sandbox.api_key, base_url=sandbox.url) as client:
                yield client
        return
    key = _api_key()
    try:
        client = Volubile(api_key=key, base_url=args.base_url)
    except ValueError as refused:
        raise UsageError(str(refused)) from None
    with client:
        yield client


def _api_key() -> str:
    key = os.environ.get(API_KEY_ENV, "").strip()
    if key:
        return key
    if sys.stdin is not None and sys.stdin.isatty():
        # getpass reads from the terminal with echo off: the key is never shown.
        key = getpass.getpass("Volubile API key (input hidden): ").strip()
        if key:
            return key
    raise UsageError(
        f"no API key: set {API_KEY_ENV} (or run in a terminal to be asked for it); "
        "--sandbox runs against a local sandbox without one"
    )


# --------------------------------------------------------------------------------------------
# campaigns create


def read_campaign_file(path: Path) -> dict[str, Any]:
    """The campaign file's fields, by ``campaigns.create`` argument name.

    ``.toml`` and ``.json`` files are read; the top level must be a table / object whose keys
    are among :data:`CAMPAIGN_FIELDS`. Values are left to the client's validation, which
    reports every problem at once. Raises :class:`UsageError` for an unreadable file.
    """
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise UsageError(f"{path}: a campaign file must be .toml or .json")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text: save it as UTF-8") from None
    try:
        document: Any = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path} is not valid {suffix[1:].upper()}: {error}") from None
    if not isinstance(document, dict):
        raise UsageError(f"{path}: the top level must be an object with the campaign's fields")
    unknown = [key for key in document if key not in CAMPAIGN_FIELDS]
    if unknown:
        described = []
        for key in unknown:
            hint = _CAMEL_CASE.get(key)
            described.append(f"{key!r} (write it {hint})" if hint else repr(key))
        raise UsageError(
            f"{path}: unknown field(s) {', '.join(described)}; the fields are "
            f"{', '.join(CAMPAIGN_FIELDS)}"
        )
    return document


def _import_recipients(args: argparse.Namespace, out: _Output) -> RecipientImport:
    try:
        imported = load_recipients(
            args.recipients, phone_column=args.phone_column, region=args.region
        )
    except FileNotFoundError:
        raise UsageError(f"cannot read {args.recipients}: no such file") from None
    except OSError as error:
        raise UsageError(f"cannot read {args.recipients}: {error.strerror or error}") from None
    except ValueError as unusable:
        raise UsageError(str(unusable)) from None
    # Every row is accounted for on screen: a rejected or folded row is never silently lost.
    out.say(f"Recipients from {args.recipients}: {imported}")
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
        fields["recipients"] = imported.recipients
    if args.resend_uncertain and args.journal is None:
        raise UsageError("--resend-uncertain needs --journal: the journal says what is uncertain")
    recipients = fields.get("recipients")

    campaign_fields: dict[str, Any] = {
        key: fields.get(key) for key in CAMPAIGN_FIELDS if key != "recipients"
    }
    plan: CampaignPlan | None = None
    try:
        if recipients is not None:
            # plan_campaign applies the create rules to everything, recipients included (every
            # problem at once), and lifts the 1,000 limit that bulk creation handles.
            plan = plan_campaign(**campaign_fields, recipients=recipients)
        # Normalised campaign-wide fields (slots as TimeSlot...), for display and sending.
        shape = build_campaign_request(**campaign_fields)
    except ClientValidationError as invalid:
        _report_invalid(out, invalid, f"fix {args.file}" + (" or the CSV" if imported else ""))
        out.document({"valid": False, "errors": [_field_error_json(e) for e in invalid.errors]})
        return EXIT_USAGE

    count = len(_as_sequence(recipients)) if recipients is not None else 0
    out.say(f"Validation: OK ({_count_text(count)}).")
    slot_rows = [(slot, clip_time_slots([slot])) for slot in shape.time_slots]
    out.say("Time slots (calls only happen within " + _WINDOWS_TEXT + "):")
    for slot, windows in slot_rows:
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
        "recipients": _import_json(args.recipients, imported) if imported else None,
        "time_slots": [
            {"slot": str(slot), "windows": [str(w) for w in windows]} for slot, windows in slot_rows
        ],
        "windows": [str(window) for window in shape.effective_windows],
        "plan": _plan_json(plan) if plan is not None else None,
        "dry_run": bool(args.dry_run),
        "campaign": None,
        "bulk": None,
    }
    if args.dry_run:
        out.say("Dry run: nothing was sent.")
        out.document(document)
        return EXIT_OK

    with _client(args, out) as client, warnings.catch_warnings():
        if plan is not None:
            # The plan above already listed these warnings; the library would repeat them.
            warnings.simplefilter("ignore", CampaignWarning)
        if count > MAX_CHUNK:
            report = _create_many(args, out, client, campaign_fields, recipients)
            document["bulk"] = _report_json(report)
            out.say(str(report))
            if report.uncertain:
                out.say(
                    "  From the command line: run it again with the same --journal and "
                    "--resend-uncertain, once you have checked those campaigns do not exist."
                )
            out.document(document)
            return EXIT_OK if report.ok else EXIT_API_ERROR
        campaign = client.campaigns.create(**campaign_fields, recipients=recipients)
        out.say(_campaign_text(campaign, "Campaign created"))
        document["campaign"] = _campaign_json(campaign)
        out.document(document)
        return EXIT_OK


def _as_sequence(recipients: Any) -> Sequence[Any]:
    # Validation passed, so this is a list (from a file) or the import's tuple.
    return recipients if isinstance(recipients, Sequence) else list(recipients)


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
    campaign_fields: dict[str, Any],
    recipients: Any,
) -> BulkCreateReport:
    if args.journal is None:
        out.note(
            "Tip: --journal PATH records each campaign as it is sent, so that an interrupted "
            "run can be resumed without creating anything twice."
        )
    progress = _ProgressBar(out.stderr)
    try:
        return client.campaigns.create_many(
            **campaign_fields,
            recipients=recipients,
            journal=args.journal,
            resend_uncertain=args.resend_uncertain,
            on_progress=progress,
        )
    finally:
        progress.close()


class _ProgressBar:
    """``on_progress`` for create_many: a bar redrawn in place on a terminal, lines otherwise."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
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
            self.stream.write(f"\rCreating campaigns [{bar}] {done}/{total}")
            self.drawn = True
        else:
            # A log file gets one line per step rather than carriage returns.
            self.stream.write(f"Creating campaigns: {done}/{total}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


# --------------------------------------------------------------------------------------------
# campaigns get / pause / resume / cancel


def _campaign_action(args: argparse.Namespace, out: _Output) -> int:
    with _client(args, out) as client:
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
    if len(slots) > 2:
        out.note("Note: a campaign takes at most 2 time slots.")
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
    if args.sandbox or args.base_url:
        raise UsageError("`volubile sandbox` runs a sandbox itself: drop --sandbox / --base-url")
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
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot start the sandbox: {error}") from None
    storage = f"campaigns kept in {args.db}" if args.db else "campaigns in memory"
    out.document({"url": sandbox.url, "api_key": None if env_key else sandbox.api_key})
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
    # The server's own document: unknown fields and values included, nothing reinterpreted.
    return {str(key): _plain(value) for key, value in campaign.raw.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _field_error_json(error: FieldError) -> dict[str, Any]:
    document: dict[str, Any] = {"field": error.field, "message": error.message}
    if error.has_rejected_value:
        document["rejected_value"] = error.rejected_value
    return document


def _import_json(source: Path | None, imported: RecipientImport) -> dict[str, Any]:
    return {
        "source": str(source),
        "rows": imported.rows,
        "recipients": len(imported.recipients),
        "rejected": [
            {"row": row.row, "value": row.value, "reason": row.reason} for row in imported.rejected
        ],
        "duplicates": [
            {"row": row.row, "value": row.value, "phone": row.phone, "kept_row": row.kept_row}
            for row in imported.duplicates
        ],
    }


def _plan_json(plan: CampaignPlan) -> dict[str, Any]:
    return {
        "name": plan.name,
        "timezone": plan.timezone,
        "start_date": plan.start_date.isoformat(),
        "batch_size": plan.batch_size,
        "recipient_count": plan.recipient_count,
        "windows": [str(window) for window in plan.windows],
        "days": [
            {
                "date": day.date.isoformat(),
                "calls": day.calls,
                "remaining": day.remaining,
                "windows": [
                    {"start": window.start.isoformat(), "end": window.end.isoformat()}
                    for window in day.windows
                ],
                "holiday": day.holiday,
            }
            for day in plan.days
        ],
        "skipped": [
            {"date": skip.date.isoformat(), "reason": skip.reason} for skip in plan.skipped
        ],
        "last_first_attempt_date": (
            plan.last_first_attempt_date.isoformat() if plan.last_first_attempt_date else None
        ),
        "warnings": list(plan.warnings),
    }


def _report_json(report: BulkCreateReport) -> dict[str, Any]:
    def span(chunk: Any) -> dict[str, int]:
        # 1-based positions in the recipient list, as the text report shows them.
        return {"chunk": chunk.index + 1, "first": chunk.first + 1, "last": chunk.last + 1}

    return {
        "ok": report.ok,
        "total_chunks": report.total_chunks,
        "total_recipients": report.total_recipients,
        "created": [
            {
                **span(chunk),
                "campaign_id": chunk.campaign_id,
                "from_journal": chunk.from_journal,
            }
            for chunk in report.created
        ],
        "failed": [{**span(chunk), "error": chunk.error} for chunk in report.failed],
        "uncertain": [{**span(chunk), "reason": chunk.reason} for chunk in report.uncertain],
        "not_attempted": [index + 1 for index in report.not_attempted],
        "journal": str(report.journal) if report.journal is not None else None,
    }


if __name__ == "__main__":
    raise SystemExit(main())
