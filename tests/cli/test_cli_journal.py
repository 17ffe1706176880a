"""The command line's journal: every create honours it, resolves uncertain campaigns one by one,
locks it, survives Ctrl-C and refuses files that are not journals.

Runs against a sandbox in the test process: in-process through ``main`` for most cases, as
separate console-script processes where a real SIGINT or a second process is the point.
"""

from __future__ import annotations

import errno
import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.cli_harness import (
    CLI,
    CLI_SANDBOX,
    SECRET_KEY,
    people_csv,
    start_console,
)
from tests.cli_harness import campaign_file as _campaign_file
from tests.client_harness import wait_for
from volubile_ext.campaigns import _bulk
from volubile_ext.testing import Delay, DropConnection, Sandbox

# Creates against an API (not --sandbox) ask for confirmation: these tests answer up front.
YES = ("--yes",)
pytestmark = CLI_SANDBOX


def _console(*argv: str | Path) -> subprocess.Popen[str]:
    return start_console(*argv, VOLUBILE_API_KEY=SECRET_KEY)


def _interrupt_once_posted(sandbox: Sandbox, process: subprocess.Popen[str]) -> str:
    """Ctrl-C the command once its create reached the sandbox; its stderr (exit 130 checked)."""
    try:
        wait_for(lambda: sandbox.count("POST", "/v1/campaigns") == 1, "the POST")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, err
    return err


# --- item 1: every create honours the journal ------------------------------------------------


def test_a_single_campaign_created_twice_with_a_journal_is_created_once(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    argv = (
        *("campaigns", "create", _campaign_file(tmp_path), "--recipients", people_csv(tmp_path, 3)),
        *("--journal", journal, "--base-url", sandbox.url, *YES),
    )

    first = cli(*argv)

    assert first.code == 0, first.err
    assert "Campaign created:" in first.out
    [stored] = sandbox.campaigns()
    assert [json.loads(line)["type"] for line in journal.read_text().splitlines()] == [
        "run",
        "intent",
        "created",
    ]

    again = cli(*argv)

    assert again.code == 0, again.err
    assert f"Campaign already created by an earlier run (journal {journal})" in again.out
    assert f"id          {stored.id}" in again.out
    assert "Nothing was sent." in again.out
    assert sandbox.count("POST", "/v1/campaigns") == 1

    as_json = cli(*argv, "--json")

    assert json.loads(as_json.out)["from_journal"] is True
    assert json.loads(as_json.out)["campaign"]["id"] == stored.id
    assert sandbox.count("POST", "/v1/campaigns") == 1


@pytest.mark.parametrize("journaled", [True, False])
def test_a_create_that_may_exist_does_not_advise_trying_again(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path, journaled: bool
) -> None:
    sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/campaigns")
    journal = ("--journal", tmp_path / "run.jsonl") if journaled else ()
    argv = ("campaigns", "create", _campaign_file(tmp_path), *journal, "--base-url", sandbox.url)

    result = cli(*argv, *YES)

    assert result.code == 1
    assert "The campaign may have been created" in result.err
    assert "try again" not in result.err
    assert ("--absent 1 (not there)" in result.err) == journaled
    assert ("without --journal, a second run creates a second campaign" in result.err) != journaled
    if journaled:
        assert cli(*argv, *YES).code == 1
    assert sandbox.count("POST", "/v1/campaigns") == 1


# --- item 2: Ctrl-C while the create is in flight --------------------------------------------


def test_ctrl_c_while_the_create_is_in_flight_says_it_may_exist_and_the_journal_knows(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    campaign_file = _campaign_file(tmp_path)
    # The sandbox creates the campaign at once and holds the response back.
    sandbox.inject(Delay(60, apply=True), method="POST", path="/v1/campaigns")
    argv = ("campaigns", "create", campaign_file, "--journal", journal, "--base-url", sandbox.url)
    err = _interrupt_once_posted(sandbox, _console(*argv, *YES))

    assert "Traceback" not in err
    assert "volubile: interrupted" in err
    assert "Interrupted while creating the campaign 'Renouvellements'" in err
    assert "The campaign may have been created" in err
    assert "Check the account's campaigns in the Volubile app" in err
    assert "--absent 1 (not there) or --created 1[=ID] (there)" in err
    [stored] = sandbox.campaigns()
    outcome = json.loads(journal.read_text().splitlines()[-1])
    assert outcome["type"] == "failed"
    assert outcome["applied"] == "unknown"
    assert "interrupted (KeyboardInterrupt)" in outcome["error"]

    resumed = cli(*argv, *YES)

    assert resumed.code == 1
    assert "may have been created by an earlier run" in resumed.err
    assert "'Renouvellements'" in resumed.err
    assert "--absent 1" in resumed.err
    assert "--created 1" in resumed.err
    assert sandbox.count("POST", "/v1/campaigns") == 1  # not sent again

    found = cli(*argv, "--created", f"1={stored.id}", *YES)

    assert found.code == 0, found.err
    assert f"id          {stored.id}" in found.out
    assert sandbox.count("POST", "/v1/campaigns") == 1
    assert len(sandbox.campaigns()) == 1


def test_ctrl_c_without_a_journal_still_says_the_campaign_may_exist(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.inject(Delay(60, apply=True), method="POST", path="/v1/campaigns")
    argv = ("campaigns", "create", _campaign_file(tmp_path), "--base-url", sandbox.url, *YES)
    err = _interrupt_once_posted(sandbox, _console(*argv))

    assert "Traceback" not in err
    assert "The campaign may have been created" in err
    assert "--absent" not in err  # nothing to resume without a journal


# --- item 3: uncertain campaigns resolved one by one -----------------------------------------


def test_bulk_create_with_uncertain_chunks_exits_1_and_resends_only_those_marked_absent(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    people = people_csv(tmp_path, 2200)
    journal = tmp_path / "run.jsonl"
    # Campaign 1 is created but its response never arrives; campaign 2's request is dropped
    # unprocessed. The client cannot tell them apart: both are uncertain.
    sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/campaigns")
    sandbox.inject(DropConnection(apply=False), method="POST", path="/v1/campaigns")
    argv = (
        *("campaigns", "create", _campaign_file(tmp_path), "--recipients", people),
        *("--journal", journal, "--base-url", sandbox.url, *YES),
    )

    first = cli(*argv)

    assert first.code == 1
    assert "1 of 3 campaigns created" in first.out
    # Named so that a person can find them in the app: name, range, first numbers.
    assert (
        "UNCERTAIN chunk 1 'Renouvellements (1/3)': recipients 1-1000 (first numbers "
        "+33610000000, +33610000001, +33610000002, …)" in first.out
    )
    assert "UNCERTAIN chunk 2 'Renouvellements (2/3)': recipients 1001-2000" in first.out
    assert "--absent K" in first.out
    assert "--created K" in first.out
    assert len(sandbox.campaigns()) == 2  # campaign 1 does exist: the sandbox applied it

    resumed = cli(*argv)

    assert resumed.code == 1
    assert "UNCERTAIN chunk 1" in resumed.out
    assert "UNCERTAIN chunk 2" in resumed.out
    assert sandbox.count("POST", "/v1/campaigns") == 3  # not sent again without being told

    existing = next(c.id for c in sandbox.campaigns() if c.name == "Renouvellements (1/3)")
    told = cli(*argv, "--created", f"1={existing}", "--absent", "2", "--json")

    assert told.code == 0, told.err
    bulk = json.loads(told.out)["bulk"]
    assert bulk["ok"] is True
    assert [(c["chunk"], c["marked_by_caller"]) for c in bulk["created"]] == [
        (1, True),
        (2, False),
        (3, False),
    ]
    assert bulk["created"][0]["campaign_id"] == str(existing)
    assert sandbox.count("POST", "/v1/campaigns") == 4  # only campaign 2, as asked
    assert sorted(c.name for c in sandbox.campaigns()) == [
        f"Renouvellements ({k}/3)" for k in (1, 2, 3)
    ]
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [(r["chunk"], r["as"]) for r in records if r["type"] == "resolved"] == [
        (0, "created"),
        (1, "absent"),
    ]

    again = cli(*argv, "--created", f"1={existing}", "--absent", "2")

    assert again.code == 0, again.err
    assert "3 of 3 campaigns created" in again.out
    assert "the resolution 'absent' was not needed" in again.out
    assert sandbox.count("POST", "/v1/campaigns") == 4  # a stale --absent resends nothing


def test_resend_uncertain_sends_every_uncertain_chunk_again(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    people = people_csv(tmp_path, 1200)
    sandbox.inject(DropConnection(apply=False), method="POST", path="/v1/campaigns")
    argv = (
        *("campaigns", "create", _campaign_file(tmp_path), "--recipients", people),
        *("--journal", tmp_path / "run.jsonl", "--base-url", sandbox.url, *YES),
    )
    assert cli(*argv).code == 1

    told = cli(*argv, "--resend-uncertain")

    assert told.code == 0, told.err
    assert "2 of 2 campaigns created" in told.out
    assert len(sandbox.campaigns()) == 2


@pytest.mark.parametrize(
    "case",
    [
        (["--absent", "1"], "--absent needs --journal"),
        (["--created", "1", "--journal", "j.jsonl"], None),
        (["--absent", "2", "--journal", "j.jsonl"], "K must be a campaign number 1 (there is"),
        (["--absent", "x", "--journal", "j.jsonl"], "K must be a campaign number"),
        (["--created", "1=nope", "--journal", "j.jsonl"], "'nope' is not a campaign id"),
        (["--absent", "1", "--created", "1", "--journal", "j.jsonl"], "more than once"),
    ],
)
def test_resolution_flags_are_checked_before_anything_is_sent(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path, case: tuple[list[str], str | None]
) -> None:
    given, message = case
    flags = [str(tmp_path / flag) if flag == "j.jsonl" else flag for flag in given]
    result = cli(
        "campaigns", "create", _campaign_file(tmp_path), *flags, "--base-url", sandbox.url, *YES
    )

    if message is None:
        # Marked created: taken at its word (that can never call anyone twice), nothing sent.
        assert result.code == 0, result.err
        assert "Campaign already created by an earlier run" in result.out
        assert sandbox.count("POST", "/v1/campaigns") == 0
        return
    assert result.code == 2
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert sandbox.count("POST", "/v1/campaigns") == 0


# --- item 4: one run at a time on a journal ---------------------------------------------------


def test_a_second_process_on_a_journal_in_use_fails_at_once_and_sends_nothing(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    sandbox.inject(Delay(60, apply=True), method="POST", path="/v1/campaigns")
    argv = (
        *(
            "campaigns",
            "create",
            _campaign_file(tmp_path),
            "--recipients",
            people_csv(tmp_path, 1500),
        ),
        *("--journal", journal, "--base-url", sandbox.url, *YES),
    )
    first = _console(*argv)
    wait_for(lambda: sandbox.count("POST", "/v1/campaigns") == 1, "the first run's POST")

    second = cli(*argv)

    _interrupt_once_posted(sandbox, first)
    assert second.code == 2
    assert f"--journal {journal} is in use by another run" in second.err
    assert "Nothing was sent" in second.err
    assert len(second.err.strip().splitlines()) == 1
    assert sandbox.count("POST", "/v1/campaigns") == 1


# --- item 14: --journal that is not a journal ------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        (None, "is a directory"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "line 1: not UTF-8 text"),
        (b"[1, 2, 3]\n", "line 1: no header record: not a volubile journal"),
        (b"phone\n+33612345678\n", "line 1: not JSON"),
    ],
    ids=["directory", "binary", "json-list", "csv"],
)
def test_a_journal_that_is_not_one_exits_2_in_one_line(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path, case: tuple[bytes | None, str]
) -> None:
    content, message = case
    journal = tmp_path / "run.jsonl"
    if content is None:
        journal.mkdir()
    else:
        journal.write_bytes(content)

    result = cli(
        "campaigns",
        "create",
        _campaign_file(tmp_path),
        "--journal",
        journal,
        "--base-url",
        sandbox.url,
        *YES,
    )

    assert result.code == 2
    assert result.err.startswith(f"volubile: error: --journal {journal}")
    assert message in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert sandbox.count("POST", "/v1/campaigns") == 0
    if content is not None:
        assert journal.read_bytes() == content  # never rewritten


@pytest.mark.parametrize("as_json", [False, True])
def test_the_journal_of_another_list_exits_2_in_one_line_naming_the_flag(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path, as_json: bool
) -> None:
    journal = tmp_path / "run.jsonl"
    campaign = _campaign_file(tmp_path)
    first = cli(
        *("campaigns", "create", campaign, "--recipients", people_csv(tmp_path, 3)),
        *("--journal", journal, "--base-url", sandbox.url, *YES),
    )
    assert first.code == 0, first.err
    written = journal.read_bytes()

    other = cli(
        *(("--json",) if as_json else ()),
        *("campaigns", "create", campaign, "--recipients", people_csv(tmp_path, 4)),
        *("--journal", journal, "--base-url", sandbox.url, *YES),
    )

    assert other.code == 2
    assert [line for line in other.err.splitlines() if line.strip()] == [
        f"volubile: error: --journal {journal} was written for other recipients or parameters "
        "(its fingerprint does not match this command): give a new --journal path for a new "
        "list, or the original file and CSV to resume; nothing was sent"
    ]
    assert sandbox.count("POST", "/v1/campaigns") == 1
    assert journal.read_bytes() == written
    if as_json:
        document = json.loads(other.out)
        assert document["error"]["type"] == "journal_mismatch"
        assert document["error"]["message"] == other.err.strip().removeprefix("volubile: error: ")
        assert document["exit_code"] == 2


def test_a_journal_that_cannot_be_started_exits_2_in_one_line(
    cli: CLI,
    sandbox: Sandbox,
    keyed: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    journal = tmp_path / "run.jsonl"

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_bulk.os, "write", full)
    result = cli(
        *("campaigns", "create", _campaign_file(tmp_path), "--recipients", people_csv(tmp_path, 3)),
        *("--journal", journal, "--base-url", sandbox.url, *YES),
    )

    assert result.code == 2
    assert result.err.splitlines() == [
        f"volubile: error: --journal cannot write to the journal {journal}: No space left on "
        "device; nothing was sent"
    ]
    assert sandbox.count("POST", "/v1/campaigns") == 0


# --- item 7: the plan of many campaigns ------------------------------------------------------


def test_the_plan_above_1000_recipients_is_per_campaign_in_parallel_and_short(
    cli: CLI, tmp_path: Path
) -> None:
    campaign_file = _campaign_file(tmp_path)
    text = campaign_file.read_text().replace("batch_size = 200", "batch_size = 4")
    campaign_file.write_text(text)

    result = cli(
        "campaigns",
        "create",
        campaign_file,
        "--recipients",
        people_csv(tmp_path, 1500),
        "--dry-run",
    )

    assert result.code == 0, result.err
    assert (
        "Plan for 'Renouvellements': 1500 recipients in 2 campaigns of at most 1000, calling in "
        "parallel, 4 calls a day each from Mon 2027-06-07 (Europe/Paris)" in result.out
    )
    # 1000 recipients at 4 a day: 250 weekdays from Mon 2027-06-07, the last on Fri 2028-05-19.
    assert "Renouvellements (1/2)        1000           250  Fri 2028-05-19" in result.out
    assert "Renouvellements (2/2)         500           125  " in result.out
    assert "Last first-attempt calls: Fri 2028-05-19." in result.out
    # Both campaigns call on 14 July 2027, only the first on 1 May 2028.
    assert "Wed 2027-07-14 is a French public holiday (Fête nationale) with 8 calls" in result.out
    assert "Mon 2028-05-01 is a French public holiday (Fête du Travail) with 4 calls" in result.out
    assert len(result.out.splitlines()) < 30

    as_json = cli(
        "campaigns",
        "create",
        campaign_file,
        "--recipients",
        tmp_path / "people.csv",
        "--dry-run",
        "--json",
    )

    plan = json.loads(as_json.out)["plan"]
    assert [c["recipient_count"] for c in plan["campaigns"]] == [1000, 500]
    assert plan["last_first_attempt_date"] == "2028-05-19"
