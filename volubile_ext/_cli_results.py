"""``volubile campaigns results NAME``: a campaign's results as CSV or JSON, and a summary.

Wired into the ``campaigns`` commands by :mod:`volubile_ext._cli` (``add_results_command``);
the work is ``client.campaigns.results`` (``campaigns/_results.py``). Loaded with the command
line only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import ClientValidationError, FieldError
from .campaigns._campaign_input import RetrySettings
from .campaigns._results import CampaignResults, results_query

if TYPE_CHECKING:
    from ._cli import _Output

__all__ = ["add_results_command"]

# A problem the library names by its argument, in the command's words.
_FLAGS = {
    "campaign": "NAME",
    "journal": "--journal",
    "chunks": "--chunks",
    "recipients": "--recipients",
    "retry": "--campaign-file (or --campaign-id, --journal, --no-retry)",
}


def add_results_command(campaign_commands: Any, command: Callable[..., Any]) -> None:
    """Add ``results`` to the ``campaigns`` commands (``command`` is _cli's factory)."""
    results = command(
        campaign_commands,
        "results",
        "who was reached, who was not, who is still pending, and what the agent extracted: "
        "the campaign's recipients joined with its calls, as CSV (for Excel) or JSON",
        _results,
    )
    results.add_argument(
        "name",
        metavar="NAME",
        help="the campaign's name (its chunks 'NAME (k/n)' are read too)",
    )
    results.add_argument(
        "--recipients",
        metavar="CSV",
        type=Path,
        required=True,
        help="the CSV of recipients the campaign was created with (as for campaigns create)",
    )
    results.add_argument(
        "--journal",
        metavar="PATH",
        type=Path,
        help="the journal of the create: how many chunks, and the retry rules (it does not "
        "record the recipients: give --recipients too)",
    )
    rules = results.add_mutually_exclusive_group()
    rules.add_argument(
        "--campaign-file",
        metavar="FILE",
        type=Path,
        help="the campaign file given to campaigns create: its retry rules decide who is "
        "still pending",
    )
    rules.add_argument(
        "--campaign-id",
        metavar="ID",
        help="read the retry rules from this campaign (one GET)",
    )
    rules.add_argument(
        "--no-retry",
        action="store_true",
        help="the campaign has no retries: one call each is final",
    )
    results.add_argument(
        "--chunks",
        type=int,
        metavar="N",
        help="how many campaigns create_many made (default: from --journal, else one per "
        "1,000 recipients)",
    )
    results.add_argument("--csv", metavar="PATH", type=Path, help="write the rows as CSV here")
    results.add_argument(
        "--json-file", metavar="PATH", type=Path, help="write the rows as a JSON document here"
    )
    results.add_argument(
        "--region",
        default="FR",
        help="the country of numbers written without a country code (default FR)",
    )
    results.add_argument(
        "--phone-column", metavar="NAME", help="the CSV column that holds the numbers"
    )
    results.add_argument("--encoding", metavar="NAME", help="the CSV's text encoding")


def _results(args: argparse.Namespace, out: _Output) -> int:
    from . import _cli

    outputs = [path for path in (args.csv, args.json_file) if path is not None]
    if len(outputs) == 2 and args.csv.resolve() == args.json_file.resolve():
        raise _cli.UsageError("--csv and --json-file name the same file: give two paths")
    for path in outputs:
        if path.is_dir():
            raise _cli.UsageError(f"{path} is a directory: give a file path to write")
    options: dict[str, Any] = {}
    if args.no_retry:
        options["retry"] = None
    elif args.campaign_file is not None:
        options["retry"] = _retry_of_file(args.campaign_file, args.name)
    elif args.campaign_id is None and args.journal is None:
        raise _cli.UsageError(
            "the retry rules decide who is still pending: give --campaign-file (the file of "
            "campaigns create), --campaign-id ID, --journal PATH or --no-retry"
        )
    imported = _cli._import_recipients(args, out)
    arguments: dict[str, Any] = {
        "recipients": imported,
        "journal": args.journal,
        "chunks": args.chunks,
    }
    try:
        # Every argument checked before the key is asked for or anything is sent (the rules of
        # --campaign-id stand in for the check: they are read below).
        results_query(args.name, **arguments, retry=options.get("retry"))
    except ClientValidationError as invalid:
        raise _cli.UsageError(_in_flags(invalid)) from None
    with _cli._client(args, out) as client:
        if args.campaign_id is not None:
            options["retry"] = client.campaigns.get(args.campaign_id).retry
        progress = _cli._ProgressBar(out.stderr, "Reading calls") if out.stderr.isatty() else None
        try:
            results = client.campaigns.results(
                args.name, **arguments, on_progress=progress, **options
            )
        finally:
            if progress is not None:
                progress.close()
    written = _write(results, args)
    _summary(results, out, written)
    return _cli.EXIT_OK


def _in_flags(invalid: ClientValidationError) -> str:
    problem = invalid.errors[0] if invalid.errors else FieldError("", str(invalid))
    root = problem.field.split(".", 1)[0].split("[", 1)[0]
    return f"{_FLAGS.get(root, root or 'the input')}: {problem.message}"


def _retry_of_file(path: Path, name: str) -> RetrySettings | None:
    from . import _cli

    fields = _cli.read_campaign_file(path)
    file_name = fields.get("name")
    if isinstance(file_name, str) and file_name != name:
        raise _cli.UsageError(
            f"--campaign-file {path} is the campaign {file_name!r}, not {name!r}: give its file"
        )
    retry = fields.get("retry")
    if retry is None:
        return None
    try:
        return RetrySettings.parse(retry)
    except ClientValidationError as invalid:
        raise _cli.UsageError(
            f"--campaign-file {path}: {invalid.errors[0] if invalid.errors else invalid}"
        ) from None


def _write(results: CampaignResults, args: argparse.Namespace) -> dict[str, int]:
    from . import _cli

    written: dict[str, int] = {}
    for flag, path, write in (
        ("--csv", args.csv, results.write_csv),
        ("--json-file", args.json_file, results.write_json),
    ):
        if path is None:
            continue
        try:
            written[str(path)] = write(path)
        except OSError as error:
            raise _cli.UsageError(
                f"cannot write {flag} {path}: {error.strerror or error} (nothing was written "
                "there; run again with another path)"
            ) from None
    return written


def _summary(results: CampaignResults, out: _Output, written: dict[str, int]) -> None:
    totals = results.totals
    names = " and ".join(repr(name) for name in results.campaign_names)
    out.say(f"Results for {names}: {totals.recipients:,} recipients, {totals.calls:,} calls")
    rows = [
        ("reached", totals.reached),
        ("not reached (final)", totals.not_reached),
        ("pending (more calls to come)", totals.pending),
    ]
    if totals.unlisted_numbers:
        rows.append(("numbers called, not recipients", totals.unlisted_numbers))
    if totals.duplicate_recipients:
        rows.append(("recipients listed twice (kept once)", totals.duplicate_recipients))
    width = max(len(label) for label, _ in rows)
    for label, count in rows:
        out.say(f"  {label:<{width}}  {count:>9,}")
    # One line per status: the numbers whose latest call ended so, and the calls that did.
    statuses = sorted(totals.by_last_status.keys() | totals.calls_by_status.keys())
    width = max(len("last status"), *(len(status) for status in statuses))
    out.say(f"  {'last status':<{width}}  {'numbers':>9}  {'calls':>9}")
    for status in statuses:
        numbers = totals.by_last_status.get(status, 0)
        calls = totals.calls_by_status.get(status, 0)
        out.say(f"  {status:<{width}}  {numbers:>9,}  {calls:>9,}")
    for path, count in written.items():
        out.say(f"Wrote {path} ({count:,} rows)")
    out.document({**results.summary(), "written": written})
