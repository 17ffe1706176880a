"""The ``volubile`` command line, against real sandboxes over loopback sockets.

Most tests call ``main(argv)`` in-process (fast, and stdout/stderr are captured exactly); the
README's main-job command and ``volubile sandbox`` run the installed console script as a
separate process, as a user would.
"""

from __future__ import annotations

import csv
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli_harness import (
    CAMPAIGN_TOML,
    CLI,
    CLI_SANDBOX,
    CONSOLE_SCRIPT,
    EXAMPLE_CAMPAIGN,
    EXAMPLE_CREATE,
    EXAMPLE_RECIPIENTS,
    ROOT,
    SECRET_KEY,
    UUID,
    FakeStdin,
    campaign_file,
    clean_environment,
    people_csv,
    start_console,
)
from tests.client_harness import create_campaign
from volubile_ext import Volubile
from volubile_ext.testing import DropConnection, ErrorStatus, Sandbox, UnknownValues

pytestmark = CLI_SANDBOX

# --- campaigns create ---------------------------------------------------------------------


def test_main_job_on_the_examples_creates_one_campaign_with_the_clean_recipients(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli(
        *EXAMPLE_CREATE,
        "--base-url",
        sandbox.url,
        "--yes",
    )

    assert result.code == 0, result.err
    # The bad row and the folded duplicate are shown, with their rows and why.
    assert "rejected row 8 ('06 12 34 56'): too short for a FR number" in result.out
    assert "duplicate row 11 ('+33 6 12 34 56 78'): same number +33612345678 as row 2" in result.out
    assert "Validation: OK (10 recipients)" in result.out
    assert "09:00-15:00 -> 10:00-13:00, 14:00-15:00  (clipped)" in result.out
    assert "Mon 2027-06-07      4     6" in result.out  # the plan's table
    assert "Last first-attempt calls: Wed 2027-06-09" in result.out
    created = re.search(r"Campaign created:\n  id +(\S+)\n  status +ACTIVE", result.out)
    assert created is not None, result.out

    [stored] = sandbox.campaigns()
    assert stored.id == created.group(1)
    assert sandbox.count("POST", "/v1/campaigns") == 1
    assert stored.request["timeSlots"] == [{"startTime": "09:00", "endTime": "15:00"}]
    assert stored.request["timezone"] == "Europe/Paris"
    assert stored.request["retry"] == {"max": 2, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]}
    phones = [recipient["phone"] for recipient in stored.recipients]
    assert len(phones) == 10 == len(set(phones))
    assert phones[0] == "+33612345678"
    assert "+33612345678" in phones
    assert all(p.startswith("+33") for p in phones)
    assert stored.recipients[1]["context"] == {
        "firstName": "Léa",
        "lastName": "Bernard",
        "orderNumber": "CMD-2027-0002",
    }


def test_readme_main_job_command_runs_as_a_console_script(tmp_path: Path) -> None:
    assert CONSOLE_SCRIPT.exists(), (
        f"{CONSOLE_SCRIPT} is missing: pyproject.toml declares it under [project.scripts]; "
        "reinstall the package (pip install -e '.[dev]')"
    )
    completed = subprocess.run(
        [
            str(CONSOLE_SCRIPT),
            "campaigns",
            "create",
            "examples/campaign.toml",
            "--recipients",
            "examples/recipients.csv",
            "--sandbox",
        ],
        cwd=ROOT,
        env=clean_environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Plan for 'Suivi des commandes - printemps 2027'" in completed.stdout
    assert re.search(r"Campaign created:\n  id +" + UUID.pattern, completed.stdout)
    assert "Using a local sandbox at http://127.0.0.1:" in completed.stderr


def test_json_output_is_one_document_with_import_windows_plan_and_campaign(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli(
        "--json",
        *EXAMPLE_CREATE,
        "--base-url",
        sandbox.url,
        "-y",
    )

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["valid"] is True
    assert document["recipients"]["rows"] == 12
    assert document["recipients"]["rejected"] == [
        {"row": 8, "value": "06 12 34 56", "reason": "too short for a FR number"}
    ]
    assert document["recipients"]["duplicates"] == [
        {"row": 11, "value": "+33 6 12 34 56 78", "phone": "+33612345678", "kept_row": 2}
    ]
    assert document["time_slots"] == [
        {"slot": "09:00-15:00", "windows": ["10:00-13:00", "14:00-15:00"]}
    ]
    assert [day["calls"] for day in document["plan"]["days"]] == [4, 4, 2]
    assert document["plan"]["days"][0]["windows"][0] == {
        "start": "2027-06-07T10:00:00+02:00",
        "end": "2027-06-07T13:00:00+02:00",
    }
    [stored] = sandbox.campaigns()
    assert document["campaign"]["id"] == stored.id
    assert document["campaign"]["status"] == "ACTIVE"


def test_dry_run_sends_nothing_and_needs_no_key(cli: CLI, sandbox: Sandbox) -> None:
    result = cli(
        *EXAMPLE_CREATE,
        "--dry-run",
        "--base-url",
        sandbox.url,
    )

    assert result.code == 0, result.err
    assert "Plan for" in result.out
    assert result.out.rstrip().endswith("Dry run: nothing was sent.")
    assert sandbox.requests == []


def test_campaign_file_in_json_with_its_own_recipients(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    path = campaign_file(
        tmp_path,
        json.dumps(
            {
                "name": "JSON",
                "agent_id": Sandbox.OUTBOUND_AGENT_ID,
                "start_date": "2027-06-07",
                "days": ["monday", "TUESDAY"],
                "time_slots": ["10:00-12:00", "14:00-16:00"],
                "batch_size": 1,
                "recipients": ["+33612345678", {"phone": "+33623456789", "context": {"n": 1}}],
            }
        ),
        "c.json",
    )

    result = cli("campaigns", "create", path, "--base-url", sandbox.url, "--yes")

    assert result.code == 0, result.err
    assert "10:00-12:00 -> 10:00-12:00\n" in result.out  # inside the hours: no clipping
    assert "14:00-16:00 -> 14:00-16:00\n" in result.out
    [stored] = sandbox.campaigns()
    assert stored.request["days"] == ["MONDAY", "TUESDAY"]
    assert stored.recipients == [
        {"phone": "+33612345678"},
        {"phone": "+33623456789", "context": {"n": 1}},
    ]


def test_every_validation_problem_is_listed_and_nothing_is_sent(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    path = campaign_file(
        tmp_path,
        """
        name = ""
        agent_id = "not-a-uuid"
        start_date = 2027-06-07
        days = []
        time_slots = ["07:00-09:00"]
        batch_size = 5000
        timezone = "europe/paris"
        [retry]
        max = 5
        """,
    )

    result = cli("campaigns", "create", path, "--base-url", sandbox.url, "--yes")

    assert result.code == 2
    assert result.out == ""
    for field in ("name", "agentId", "days", "timeSlots[0]", "batchSize", "timezone", "retry.max"):
        assert re.search(rf"^  {re.escape(field)}: ", result.err, re.MULTILINE), (field, result.err)
    assert "did you mean Europe/Paris?" in result.err
    assert f"fix {path}" in result.err
    assert sandbox.requests == []


def test_validation_problems_in_json_mode_are_a_document_too(cli: CLI, tmp_path: Path) -> None:
    path = campaign_file(tmp_path, CAMPAIGN_TOML.replace("batch_size = 200", "batch_size = 0"))

    result = cli("--json", "campaigns", "create", path, "--dry-run")

    assert result.code == 2
    document = json.loads(result.out)
    assert document["valid"] is False
    assert document["exit_code"] == 2
    assert document["error"]["type"] == "validation_error"
    [error] = document["error"]["errors"]
    assert (error["field"], error["rejected_value"]) == ("batchSize", 0)
    assert "between 1 and 1000" in error["message"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\nagentId = "y"\n', "unknown field(s) 'agentId' (write it agent_id)"),
        ("name = ", "is not valid TOML"),
        ("[[x]]\n", "unknown field(s) 'x'"),
    ],
)
def test_unreadable_campaign_files_are_usage_errors(
    cli: CLI, tmp_path: Path, text: str, message: str
) -> None:
    result = cli("campaigns", "create", campaign_file(tmp_path, text), "--dry-run")

    assert result.code == 2
    assert message in result.err


def test_campaign_file_must_exist_and_be_toml_or_json(cli: CLI, tmp_path: Path) -> None:
    missing = cli("campaigns", "create", tmp_path / "nope.toml", "--dry-run")
    other = cli("campaigns", "create", campaign_file(tmp_path, "", "c.yaml"), "--dry-run")
    array = cli("campaigns", "create", campaign_file(tmp_path, "[1]", "c.json"), "--dry-run")

    assert (missing.code, other.code, array.code) == (2, 2, 2)
    assert "cannot read" in missing.err
    assert "nope.toml" in missing.err
    assert "must be .toml or .json" in other.err
    assert "top level must be an object" in array.err


def test_recipients_in_the_file_and_a_csv_is_ambiguous(cli: CLI, tmp_path: Path) -> None:
    path = campaign_file(
        tmp_path, CAMPAIGN_TOML.replace("[retry]", 'recipients = ["+33612345678"]\n[retry]')
    )

    result = cli("campaigns", "create", path, "--recipients", EXAMPLE_RECIPIENTS, "--dry-run")

    assert result.code == 2
    assert "use one of them" in result.err


def test_csv_problems_are_usage_errors(cli: CLI, tmp_path: Path) -> None:
    no_column = tmp_path / "no_column.csv"
    no_column.write_text("contact;name\n0612345678;A\n", encoding="utf-8")
    nobody = tmp_path / "nobody.csv"
    nobody.write_text("phone\nabc\n", encoding="utf-8")
    path = campaign_file(tmp_path)

    wrong_column = cli("campaigns", "create", path, "--recipients", no_column, "--dry-run")
    renamed = cli(
        "campaigns",
        "create",
        path,
        "--recipients",
        no_column,
        "--phone-column",
        "contact",
        "--dry-run",
    )
    empty = cli("campaigns", "create", path, "--recipients", nobody, "--dry-run")
    missing = cli("campaigns", "create", path, "--recipients", tmp_path / "x.csv", "--dry-run")

    assert wrong_column.code == 2
    assert "has no phone column" in wrong_column.err
    assert "'contact', 'name'" in wrong_column.err
    assert "pass --phone-column to name the column" in wrong_column.err
    assert "phone_column=" not in wrong_column.err
    assert renamed.code == 0, renamed.err
    assert empty.code == 2
    assert "rejected row 2 ('abc')" in empty.out  # shown before giving up
    assert "no usable recipient" in empty.err
    assert missing.code == 2
    assert "no such file" in missing.err


def test_region_reads_national_numbers_of_another_country(cli: CLI, tmp_path: Path) -> None:
    belgian = tmp_path / "be.csv"
    belgian.write_text("phone\n0470 12 34 56\n", encoding="utf-8")

    result = cli(
        "--json",
        "campaigns",
        "create",
        campaign_file(tmp_path),
        "--recipients",
        belgian,
        "--region",
        "BE",
        "--dry-run",
    )

    assert result.code == 0, result.err
    assert json.loads(result.out)["recipients"]["recipients"] == 1


def test_no_recipients_creates_an_empty_campaign_without_a_plan(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    result = cli("campaigns", "create", campaign_file(tmp_path), "--base-url", sandbox.url, "--yes")

    assert result.code == 0, result.err
    assert "Validation: OK (no recipients)." in result.out
    assert "No recipients: no plan." in result.out
    [stored] = sandbox.campaigns()
    assert stored.recipients == []


def test_a_create_that_may_have_been_applied_exits_1_and_says_so(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/campaigns")

    result = cli("campaigns", "create", campaign_file(tmp_path), "--base-url", sandbox.url, "--yes")

    assert result.code == 1
    assert "may have been created" in result.err
    assert sandbox.count("POST", "/v1/campaigns") == 1  # not sent again
    assert len(sandbox.campaigns()) == 1


def test_api_refusal_exits_1_with_what_to_fix(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    sandbox.inject(ErrorStatus(403), method="POST", path="/v1/campaigns")

    result = cli("campaigns", "create", campaign_file(tmp_path), "--base-url", sandbox.url, "--yes")

    assert result.code == 1
    assert "403" in result.err
    assert "campaigns:write" in result.err


def test_bulk_create_above_1000_recipients_with_progress_and_journal_resume(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    with people.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["phone", "firstName"])
        for number in range(2500):
            writer.writerow([f"+336{10000000 + number}", f"P{number}"])
    journal = tmp_path / "run.jsonl"
    path = campaign_file(tmp_path)
    argv = (
        *("campaigns", "create", path, "--recipients", people),
        *("--base-url", sandbox.url, "--yes"),
    )

    first = cli(*argv, "--journal", journal)

    assert first.code == 0, first.err
    assert "Validation: OK (2500 recipients, created as 3 campaigns of at most 1000)" in first.out
    assert "3 of 3 campaigns created for 2500 recipients" in first.out
    # Not a terminal: one progress line per step, on stderr.
    assert "Creating campaigns: 0/3\n" in first.err
    assert "Creating campaigns: 3/3\n" in first.err
    stored = sandbox.campaigns()
    assert [campaign.name for campaign in stored] == [
        "Renouvellements (1/3)",
        "Renouvellements (2/3)",
        "Renouvellements (3/3)",
    ]
    assert [len(campaign.recipients) for campaign in stored] == [1000, 1000, 500]

    again = cli(*argv, "--journal", journal, "--json")

    assert again.code == 0, again.err
    bulk = json.loads(again.out)["bulk"]
    assert bulk["ok"] is True
    assert [chunk["from_journal"] for chunk in bulk["created"]] == [True, True, True]
    assert [chunk["campaign_id"] for chunk in bulk["created"]] == [c.id for c in stored]
    assert len(sandbox.campaigns()) == 3  # nothing created twice


def test_bulk_create_with_an_uncertain_chunk_exits_1_and_resumes_only_when_told(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    people = people_csv(tmp_path, 1200)
    journal = tmp_path / "run.jsonl"
    # The first campaign is created, but its response never arrives.
    sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/campaigns")
    argv = (
        *("campaigns", "create", campaign_file(tmp_path), "--recipients", people),
        *("--journal", journal, "--base-url", sandbox.url, "--yes"),
    )

    first = cli(*argv)

    assert first.code == 1
    assert "1 of 2 campaigns created" in first.out
    assert "UNCERTAIN chunk 1 'Renouvellements (1/2)': recipients 1-1000" in first.out
    assert "--resend-uncertain" in first.out
    assert len(sandbox.campaigns()) == 2  # chunk 1 does exist: the sandbox applied it

    resumed = cli(*argv)

    assert resumed.code == 1
    assert "UNCERTAIN chunk 1" in resumed.out
    assert len(sandbox.campaigns()) == 2  # not sent again without being told

    told = cli(*argv, "--resend-uncertain")

    assert told.code == 0, told.err
    assert "2 of 2 campaigns created" in told.out
    assert len(sandbox.campaigns()) == 3  # sent again, as asked


def test_resend_uncertain_needs_a_journal(cli: CLI, tmp_path: Path) -> None:
    result = cli("campaigns", "create", campaign_file(tmp_path), "--resend-uncertain")

    assert result.code == 2
    assert "--resend-uncertain needs --journal" in result.err


# --- campaigns get / pause / resume / cancel ------------------------------------------------


def _created(sandbox: Sandbox) -> str:
    return str(create_campaign(sandbox.url, sandbox.api_key, "Steer me").id)


def test_get_pause_resume_cancel(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    campaign_id = _created(sandbox)
    base = ("--base-url", sandbox.url)

    shown = cli("campaigns", "get", campaign_id, *base)
    paused = cli("campaigns", "pause", campaign_id, *base)
    resumed = cli("campaigns", "resume", campaign_id, *base)
    cancelled = cli("--json", "campaigns", "cancel", campaign_id, *base, "--yes")
    revived = cli("campaigns", "resume", campaign_id, *base)

    assert shown.code == 0
    assert f"  id          {campaign_id}\n" in shown.out
    assert "  name        Steer me\n" in shown.out
    assert "  time slots  10:00-12:00\n" in shown.out
    assert paused.code == 0
    assert paused.out.startswith("Campaign now PAUSED:")
    assert resumed.code == 0
    assert resumed.out.startswith("Campaign now ACTIVE:")
    assert cancelled.code == 0
    assert json.loads(cancelled.out)["status"] == "CANCELLED"
    assert revived.code == 1
    assert "400" in revived.err
    assert sandbox.campaign(campaign_id).status == "CANCELLED"


def test_get_shows_values_this_version_does_not_know(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    campaign_id = _created(sandbox)
    sandbox.inject(UnknownValues(), method="GET")

    result = cli("campaigns", "get", campaign_id, "--base-url", sandbox.url)

    assert result.code == 0, result.err
    assert "  status      ARCHIVED\n" in result.out
    assert "HOLIDAY" in result.out


def test_unknown_and_malformed_ids(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    unknown = cli(
        "campaigns", "get", "497f6eca-6276-4993-bfeb-53cbbbba6f08", "--base-url", sandbox.url
    )
    malformed = cli("campaigns", "pause", "42", "--base-url", sandbox.url)

    assert unknown.code == 1
    assert "404" in unknown.err
    assert "check the id" in unknown.err
    assert malformed.code == 2
    assert "must be a campaign id" in malformed.err
    assert sandbox.count("POST") == 0


def test_sandbox_option_starts_empty(cli: CLI) -> None:
    result = cli("campaigns", "get", "497f6eca-6276-4993-bfeb-53cbbbba6f08", "--sandbox")

    assert result.code == 1
    assert "A --sandbox starts empty" in result.err


def test_unreachable_api_exits_1(cli: CLI, keyed: None) -> None:
    with Sandbox() as gone:
        url = gone.url
    result = cli("campaigns", "get", "497f6eca-6276-4993-bfeb-53cbbbba6f08", "--base-url", url)

    assert result.code == 1
    assert "Check the address" in result.err


# --- credentials -----------------------------------------------------------------------------


def test_no_key_and_no_terminal_is_a_usage_error(cli: CLI, sandbox: Sandbox) -> None:
    result = cli(
        "campaigns", "get", "497f6eca-6276-4993-bfeb-53cbbbba6f08", "--base-url", sandbox.url
    )

    assert result.code == 2
    assert "VOLUBILE_API_KEY" in result.err
    assert sandbox.requests == []


def test_key_is_asked_for_without_echo_in_a_terminal(
    cli: CLI, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return SECRET_KEY

    monkeypatch.setattr(sys, "stdin", FakeStdin(tty=True))
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    campaign_id = _created(sandbox)

    result = cli("campaigns", "get", campaign_id, "--base-url", sandbox.url)

    assert result.code == 0, result.err
    assert prompts == ["Volubile API key (input hidden): "]


def test_a_wrong_key_exits_1_without_showing_it(
    cli: CLI, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOLUBILE_API_KEY", "vk_wrong_key_value_0123456789")

    result = cli(
        "campaigns", "get", "497f6eca-6276-4993-bfeb-53cbbbba6f08", "--base-url", sandbox.url
    )

    assert result.code == 1
    assert "401" in result.err
    assert "VOLUBILE_API_KEY" in result.err
    assert "vk_wrong_key_value" not in result.err + result.out


def test_there_is_no_option_for_the_key(cli: CLI) -> None:
    result = cli("--api-key", "x", "campaigns", "get", "497f6eca-6276-4993-bfeb-53cbbbba6f08")

    assert result.code == 2
    assert "volubile: error: " in result.err


def test_plain_http_to_a_remote_host_is_refused(cli: CLI, keyed: None) -> None:
    result = cli(
        "campaigns",
        "get",
        "497f6eca-6276-4993-bfeb-53cbbbba6f08",
        "--base-url",
        "http://example.com",
    )

    assert result.code == 2
    assert "clear text" in result.err


def test_sandbox_and_base_url_together_is_a_usage_error(cli: CLI) -> None:
    result = cli(
        "campaigns",
        "get",
        "497f6eca-6276-4993-bfeb-53cbbbba6f08",
        "--sandbox",
        "--base-url",
        "http://127.0.0.1:1",
    )

    assert result.code == 2
    assert "not both" in result.err


# --- token -----------------------------------------------------------------------------------


def test_token_prints_only_the_token_which_the_api_accepts(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    campaign_id = _created(sandbox)

    result = cli("token", "--scope", "campaigns:read", "--base-url", sandbox.url)

    assert result.code == 0, result.err
    token = result.out.strip()
    assert result.out == token + "\n"
    assert token.count(".") == 2  # a JWT
    assert "Bearer token for campaigns:read, valid 900 s." in result.err
    response = httpx.get(
        f"{sandbox.url}/v1/campaigns/{campaign_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200


def test_token_json_and_several_scopes(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    result = cli(
        "token",
        "--scope",
        "campaigns:read",
        "campaigns:write",
        "--scope",
        "calls:read",
        "--json",
        "--base-url",
        sandbox.url,
    )

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["scopes"] == ["campaigns:read", "campaigns:write", "calls:read"]
    assert document["expires_in"] == 900
    assert document["token_type"] == "Bearer"


def test_token_with_an_unknown_scope_is_refused_before_sending(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli("token", "--scope", "campaigns:delete", "--base-url", sandbox.url)

    assert result.code == 2
    assert "scope[0]" in result.err
    assert sandbox.requests == []


# --- slots clip ------------------------------------------------------------------------------


def test_slots_clip(cli: CLI) -> None:
    result = cli("slots", "clip", "09:00-15:00", "18:00-21:00")

    assert result.code == 0
    assert result.out == (
        "09:00-15:00  ->  10:00-13:00, 14:00-15:00\n"
        "18:00-21:00  ->  18:00-20:00\n"
        "Calling windows: 10:00-13:00, 14:00-15:00, 18:00-20:00 (6h00 a day)\n"
    )


def test_slots_clip_outside_the_hours_and_too_many(cli: CLI) -> None:
    result = cli("--json", "slots", "clip", "07:00-09:00", "13:00-14:00", "21:00-22:00")

    assert result.code == 0
    assert json.loads(result.out) == {
        "slots": [
            {"slot": "07:00-09:00", "windows": []},
            {"slot": "13:00-14:00", "windows": []},
            {"slot": "21:00-22:00", "windows": []},
        ],
        "windows": [],
        "minutes_per_day": 0,
    }
    assert "at most 2 time slots" in result.err


def test_slots_clip_rejects_malformed_slots(cli: CLI) -> None:
    result = cli("slots", "clip", "25:00-26:00", "10:00-11:00", "noon")

    assert result.code == 2
    assert "'25:00-26:00'" in result.err
    assert "'noon'" in result.err
    assert "'10:00-11:00'" not in result.err
    assert result.out == ""


def test_usage_errors_exit_2(cli: CLI) -> None:
    for argv in (["campaigns"], ["campaigns", "get"], ["token"], ["frobnicate"]):
        result = cli(*argv)
        assert result.code == 2, argv
        assert result.out == ""
        assert "usage: volubile" in result.err


def test_importing_the_library_does_not_load_the_cli() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, volubile_ext; print('volubile_ext._cli' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == "False"


# --- volubile sandbox --------------------------------------------------------------------


def _start_sandbox_command(db: Path, port: int = 0) -> tuple[subprocess.Popen[str], str]:
    process = start_console("sandbox", "--port", port, "--db", db, VOLUBILE_API_KEY=SECRET_KEY)
    assert process.stdout is not None
    first = process.stdout.readline()
    found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first)
    assert found, first + process.stderr.read() if process.stderr else first
    rest = [process.stdout.readline(), process.stdout.readline()]
    assert "the one in $VOLUBILE_API_KEY" in rest[0]
    return process, found.group(1)


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return err


def test_sandbox_command_serves_until_ctrl_c_and_keeps_campaigns_in_its_db(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    process, url = _start_sandbox_command(db)
    try:
        created = create_campaign(url, SECRET_KEY, "Kept")
    finally:
        err = _stop(process)
    assert "Sandbox stopped." in err
    assert SECRET_KEY not in err

    process, url = _start_sandbox_command(db)
    try:
        with Volubile(api_key=SECRET_KEY, base_url=url) as client:
            assert client.campaigns.get(created.id).name == "Kept"
    finally:
        _stop(process)


def test_sandbox_command_without_a_key_makes_one_up_and_shows_it(cli: CLI, tmp_path: Path) -> None:
    process = start_console("--json", "sandbox")
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            lines.append(process.stdout.readline())
            try:
                document = json.loads("".join(lines))
                break
            except json.JSONDecodeError:
                continue
        else:
            raise AssertionError("".join(lines))
        response = httpx.post(
            document["url"] + "/v1/auth/token",
            headers={"X-Api-Key": document["api_key"]},
            json={"scope": ["campaigns:read"]},
        )
        assert response.status_code == 200
    finally:
        _stop(process)


def test_sandbox_command_refuses_a_taken_port(cli: CLI, sandbox: Sandbox) -> None:
    result = cli("sandbox", "--port", str(sandbox.port))

    assert result.code == 2
    assert "cannot start the sandbox" in result.err


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    # `volubile ... | head`: the read end is closed before the command writes anything.
    process = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "campaigns", "create", str(EXAMPLE_CAMPAIGN), "--dry-run"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=30)

    assert process.returncode == 141
    assert err == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "slots", "clip", "09:00-15:00"],
        ["slots", "--json", "clip", "09:00-15:00"],
        ["slots", "clip", "--json", "09:00-15:00"],
        ["slots", "clip", "09:00-15:00", "--json"],
    ],
)
def test_common_options_go_before_or_after_the_command(cli: CLI, argv: list[str]) -> None:
    result = cli(*argv)

    assert result.code == 0
    assert json.loads(result.out)["windows"] == ["10:00-13:00", "14:00-15:00"]


HOLIDAY_TOML = (
    CAMPAIGN_TOML.replace("start_date = 2027-06-07", "start_date = 2027-07-13")
    .replace("batch_size = 200", "batch_size = 2")
    .replace(
        "[retry]",
        "recipients = ["
        + ", ".join(f'{{phone = "+3361234567{digit}"}}' for digit in range(5))
        + "]\n\n[retry]",
    )
)


def test_the_plan_names_the_commands_flags_for_public_holidays(cli: CLI, tmp_path: Path) -> None:
    # 5 people at 2 a day from Tue 13 July 2027: Wed 14 July (Fête nationale) has 2 calls.
    path = campaign_file(tmp_path, HOLIDAY_TOML)

    planned = cli("campaigns", "create", path, "--dry-run")
    assert planned.code == 0, planned.err
    assert "Fête nationale) with 2 calls planned" in planned.out
    assert "(--exclude-public-holidays shows the effect)" in planned.out
    assert "exclude_public_holidays=True" not in planned.out

    skipped = cli("--json", "campaigns", "create", path, "--dry-run", "--exclude-public-holidays")
    assert skipped.code == 0, skipped.err
    plan = json.loads(skipped.out)["plan"]
    assert plan["last_first_attempt_date"] == "2027-07-16"
    (warning,) = plan["warnings"]
    assert "(volubile campaigns pause ID, then volubile campaigns resume ID)" in warning
    assert "campaigns.pause" not in warning
