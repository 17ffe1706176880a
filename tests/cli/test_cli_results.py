"""``volubile campaigns results NAME``: the CSV and JSON written, the summary, bad input.

Against the shared sandbox with calls added by ``add_call``; each test counts the pages of calls
the sandbox served. Bad input exits 2 with one line naming the command's flags.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pytest

from tests.cli_harness import CAMPAIGN_TOML, CLI, CLI_SANDBOX, Run, campaign_file
from volubile_ext.testing import Sandbox

pytestmark = CLI_SANDBOX

NAME = "Renouvellements"
ANA, BOB, CHLOE, DAN = "+33612345601", "+33612345602", "+33612345603", "+33612345604"


def contacts(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(
        f'phone;firstName\n{ANA};Ana\n{BOB};=HYPERLINK("x")\n{CHLOE};Chloé\n', encoding="utf-8"
    )
    return path


def add_calls(sandbox: Sandbox) -> None:
    sandbox.add_call(
        phone=ANA,
        campaign=NAME,
        status="COMPLETED",
        extractors=[{"name": "renew", "value": ["yes"]}],
        start_time="2030-03-04T10:00:00+00:00",
    )
    for hour in (10, 14, 18):
        sandbox.add_call(
            phone=BOB,
            campaign=f"{NAME} (1/1)",
            status="NO_ANSWER",
            start_time=f"2030-03-04T{hour}:00:00+00:00",
        )
    sandbox.add_call(phone=DAN, campaign=NAME, status="VOICE_BOX")
    sandbox.add_call(phone=CHLOE, campaign="Another campaign", status="COMPLETED")


def results(cli: CLI, sandbox: Sandbox, tmp_path: Path, *options: str | Path) -> Run:
    """``volubile campaigns results NAME --recipients contacts.csv OPTIONS`` on the sandbox."""
    return cli(
        "campaigns",
        "results",
        NAME,
        "--recipients",
        contacts(tmp_path),
        *options,
        "--base-url",
        sandbox.url,
    )


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_results_csv_and_summary(cli: CLI, keyed: None, sandbox: Sandbox, tmp_path: Path) -> None:
    add_calls(sandbox)
    out_csv = tmp_path / "out.csv"
    out_json = tmp_path / "out.json"
    result = results(
        cli,
        sandbox,
        tmp_path,
        "--campaign-file",
        campaign_file(tmp_path),
        "--csv",
        out_csv,
        "--json-file",
        out_json,
    )
    assert result.code == 0, result.err
    summary = {
        label: int(count)
        for label, count in re.findall(r"^  ([a-z][a-z ,()]+?) +([0-9]+)$", result.out, re.M)
    }
    assert summary == {
        "reached": 1,
        "not reached (final)": 1,
        "pending (more calls to come)": 1,
        "numbers called, not recipients": 1,
    }
    statuses = re.findall(r"^  ([A-Z_]+) +([0-9]+) +([0-9]+)$", result.out, re.M)
    assert statuses == [
        ("COMPLETED", "1", "1"),
        ("NOT_CALLED", "1", "0"),
        ("NO_ANSWER", "1", "3"),
        ("VOICE_BOX", "1", "1"),
    ]
    assert f"Wrote {out_csv} (4 rows)" in result.out
    # The two names it was created under (create or create_many of one chunk): one page each.
    assert sandbox.count("GET", "/v1/calls") == 2
    data = out_csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_phone = {row["phone"].lstrip("'"): row for row in rows}
    assert by_phone[ANA]["state"] == "reached"
    assert by_phone[ANA]["extracted.renew"] == "yes"
    assert (by_phone[BOB]["state"], by_phone[BOB]["attempts"]) == ("not_reached", "3")
    assert by_phone[BOB]["context.firstName"] == '\'=HYPERLINK("x")'
    # Chloé's call was for another campaign: she is not called in this one.
    assert by_phone[CHLOE]["state"] == "not_called"
    assert (by_phone[DAN]["listed"], by_phone[DAN]["state"]) == ("no", "retry_pending")
    document = json.loads(out_json.read_text(encoding="utf-8"))
    assert document["totals"]["reached"] == 1
    assert len(document["rows"]) == 4


def test_json_mode_prints_one_document(
    cli: CLI, keyed: None, sandbox: Sandbox, tmp_path: Path
) -> None:
    add_calls(sandbox)
    result = results(cli, sandbox, tmp_path, "--no-retry", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["retry"] is None
    assert document["totals"]["by_last_status"] == {
        "COMPLETED": 1,
        "NOT_CALLED": 1,
        "NO_ANSWER": 1,
        "VOICE_BOX": 1,
    }
    assert document["campaign_names"] == [NAME, f"{NAME} (1/1)"]


def test_rules_read_from_the_campaign_by_id(
    cli: CLI, keyed: None, sandbox: Sandbox, tmp_path: Path
) -> None:
    created = cli(
        "campaigns",
        "create",
        campaign_file(tmp_path),
        "--recipients",
        contacts(tmp_path),
        "--base-url",
        sandbox.url,
        "--yes",
        "--json",
    )
    assert created.code == 0, created.err
    campaign_id = json.loads(created.out)["campaign"]["id"]
    add_calls(sandbox)
    result = results(cli, sandbox, tmp_path, "--campaign-id", campaign_id, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["retry"]["max"] == 2
    assert sandbox.count("GET", f"/v1/campaigns/{campaign_id}") == 1


def test_no_bar_without_a_terminal_and_a_bar_on_one(
    cli: CLI, keyed: None, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(150):
        sandbox.add_call(phone=f"+336200{index:05d}", campaign=NAME, status="NO_ANSWER")
    quiet = results(cli, sandbox, tmp_path, "--no-retry")
    assert quiet.code == 0, quiet.err
    assert "Reading calls" not in quiet.err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    shown = results(cli, sandbox, tmp_path, "--no-retry")
    assert shown.code == 0, shown.err
    assert "\rReading calls [" in shown.err
    assert "150/150" in shown.err


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), "--campaign-file (the file of campaigns create), --campaign-id ID, --journal PATH"),
        (("--no-retry", "--chunks", "0"), "--chunks: must be a whole number"),
        (("--no-retry", "--journal", "missing.jsonl"), "--journal: "),
        (("--no-retry", "--csv", "."), "is a directory"),
    ],
)
def test_bad_input_is_one_line_naming_the_flags(
    cli: CLI,
    keyed: None,
    *,
    sandbox: Sandbox,
    tmp_path: Path,
    options: tuple[str, ...],
    expected: str,
) -> None:
    result = results(cli, sandbox, tmp_path, *options)
    assert result.code == 2
    assert expected in one_line_error(result.err)
    assert sandbox.count("GET", "/v1/calls") == 0


def test_missing_recipients_flag(cli: CLI, tmp_path: Path) -> None:
    result = cli("campaigns", "results", NAME, "--no-retry")
    assert result.code == 2
    assert "--recipients" in result.err
    assert "Traceback" not in result.err


def test_campaign_file_of_another_campaign_is_refused(
    cli: CLI, keyed: None, sandbox: Sandbox, tmp_path: Path
) -> None:
    other = campaign_file(tmp_path, CAMPAIGN_TOML.replace(NAME, "Other"), "other.toml")
    result = results(cli, sandbox, tmp_path, "--campaign-file", other)
    assert result.code == 2
    assert "--campaign-file" in one_line_error(result.err)
    assert sandbox.count("GET", "/v1/calls") == 0


def test_a_name_too_long_is_one_line_naming_name(cli: CLI, tmp_path: Path) -> None:
    result = cli(
        "campaigns", "results", "x" * 300, "--recipients", contacts(tmp_path), "--no-retry"
    )
    assert result.code == 2
    assert one_line_error(result.err).startswith("volubile: error: NAME: must be at most 255")
