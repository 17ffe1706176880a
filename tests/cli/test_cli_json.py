"""``--json``: stdout holds exactly one JSON document on every path, failures included, with
snake_case keys throughout; and each command's ``--help`` lists only the options it accepts.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli_harness import (
    CAMPAIGN_TOML,
    CLI,
    CLI_SANDBOX,
    CONSOLE_SCRIPT,
    EXAMPLE_CAMPAIGN,
    EXAMPLE_RECIPIENTS,
    SECRET_KEY,
    Run,
    campaign_file,
    people_csv,
)
from tests.client_harness import AGENT_ID, CAMPAIGN_ID, create_campaign
from volubile_ext import Volubile
from volubile_ext._cli import _campaign_json, main
from volubile_ext._models import parse_campaign
from volubile_ext.testing import DropConnection, ErrorStatus, Sandbox

pytestmark = CLI_SANDBOX

UNKNOWN_ID = CAMPAIGN_ID  # the sandbox has no campaign of that id
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _created(sandbox: Sandbox) -> str:
    campaign = create_campaign(
        sandbox.url,
        sandbox.api_key,
        "JSON",
        timezone="Europe/Paris",
        retry={"max": 1, "delay": 2, "retry_on": ["NO_ANSWER"]},
        recipients=[{"phone": "+33612345678", "context": {"firstName": "Ana"}}],
    )
    return str(campaign.id)


def _keys(value: Any, where: str = "") -> list[tuple[str, str]]:
    """Every key of a document with where it is, leaving out recipients' own context data."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((where, key))
            if key != "context":
                found.extend(_keys(item, f"{where}.{key}"))
    elif isinstance(value, list):
        for item in value:
            found.extend(_keys(item, where))
    return found


def _one_document(result: Run) -> dict[str, Any]:
    # json.loads refuses anything after the document: stdout holds exactly one.
    document = json.loads(result.out)
    assert isinstance(document, dict)
    bad = [(where, key) for where, key in _keys(document) if not SNAKE_CASE.match(key)]
    assert bad == [], bad
    if result.code == 0:
        assert "error" not in document
        assert "exit_code" not in document
    else:
        assert document["exit_code"] == result.code
        error = document["error"]
        assert set(error) >= {"type", "message", "errors"}
        assert SNAKE_CASE.match(error["type"])
        assert error["message"]
    return document


Setup = Callable[[Sandbox, Path], list[str]]

# Each command, run with --json, and what its document must say. Every failure is here too:
# usage, validation, API statuses, the network, a declined confirmation.
CASES: dict[str, tuple[Setup, int, Callable[[dict[str, Any]], object]]] = {
    "create": (
        lambda sb, tmp: [
            *("campaigns", "create", str(EXAMPLE_CAMPAIGN), "--recipients"),
            *(str(EXAMPLE_RECIPIENTS), "--base-url", sb.url, "--yes"),
        ],
        0,
        lambda doc: doc["campaign"]["time_slots"] == [{"start_time": "09:00", "end_time": "15:00"}],
    ),
    "create --dry-run": (
        lambda sb, tmp: ["campaigns", "create", str(EXAMPLE_CAMPAIGN), "--dry-run"],
        0,
        lambda doc: doc["dry_run"] is True and doc["campaign"] is None,
    ),
    "create, invalid fields": (
        lambda sb, tmp: [
            "campaigns",
            "create",
            str(campaign_file(tmp, 'name = ""\nbatch_size = 0\n')),
            "--dry-run",
        ],
        2,
        lambda doc: (
            doc["error"]["type"] == "validation_error"
            and {"field": "name", "message": "must not be empty", "rejected_value": ""}
            in doc["error"]["errors"]
        ),
    ),
    "create, missing file": (
        lambda sb, tmp: ["campaigns", "create", str(tmp / "nope.toml"), "--dry-run"],
        2,
        lambda doc: (
            doc["error"]["type"] == "usage_error" and "no such file" in doc["error"]["message"]
        ),
    ),
    "create, refused by the API": (
        lambda sb, tmp: (
            sb.inject(ErrorStatus(403), method="POST"),
            ["campaigns", "create", str(campaign_file(tmp)), "--base-url", sb.url, "--yes"],
        )[1],
        1,
        lambda doc: (
            doc["error"]["type"] == "permission_denied_error"
            and doc["error"]["status_code"] == 403
            and "campaigns:write" in doc["error"]["hint"]
            and doc["valid"] is True  # what was done before the failure is still there
            and doc["campaign"] is None
        ),
    ),
    "create, may have gone through": (
        lambda sb, tmp: (
            sb.inject(DropConnection(apply=True), method="POST"),
            ["campaigns", "create", str(campaign_file(tmp)), "--base-url", sb.url, "--yes"],
        )[1],
        1,
        lambda doc: (
            doc["error"]["request_sent"] is True
            and "may have been created" in doc["error"]["message"]
        ),
    ),
    "create, not confirmed (no terminal)": (
        lambda sb, tmp: ["campaigns", "create", str(campaign_file(tmp)), "--base-url", sb.url],
        2,
        lambda doc: "--yes" in doc["error"]["message"],
    ),
    "get": (
        lambda sb, tmp: ["campaigns", "get", _created(sb), "--base-url", sb.url],
        0,
        lambda doc: (
            doc["agent_id"] == AGENT_ID
            and doc["batch_size"] == 10
            and doc["retry"] == {"max": 1, "delay": 2, "retry_on": ["NO_ANSWER"]}
        ),
    ),
    "get, unknown id": (
        lambda sb, tmp: ["campaigns", "get", UNKNOWN_ID, "--base-url", sb.url],
        1,
        lambda doc: (
            doc["error"]["type"] == "not_found_error" and doc["error"]["status_code"] == 404
        ),
    ),
    "get, malformed id": (
        lambda sb, tmp: ["campaigns", "get", "42", "--base-url", sb.url],
        2,
        lambda doc: doc["error"]["errors"][0]["field"] == "id",
    ),
    "pause": (
        lambda sb, tmp: ["campaigns", "pause", _created(sb), "--base-url", sb.url],
        0,
        lambda doc: doc["status"] == "PAUSED",
    ),
    "resume, a cancelled campaign": (
        lambda sb, tmp: [
            "campaigns",
            "resume",
            _cancelled(sb),
            "--base-url",
            sb.url,
        ],
        1,
        lambda doc: doc["error"]["type"] == "bad_request_error",
    ),
    "cancel --yes": (
        lambda sb, tmp: ["campaigns", "cancel", _created(sb), "--base-url", sb.url, "--yes"],
        0,
        lambda doc: doc["status"] == "CANCELLED",
    ),
    "token": (
        lambda sb, tmp: ["token", "--scope", "campaigns:read", "--base-url", sb.url],
        0,
        lambda doc: doc["token_type"] == "Bearer",
    ),
    "token, unknown scope": (
        lambda sb, tmp: ["token", "--scope", "campaigns:delete", "--base-url", sb.url],
        2,
        lambda doc: doc["error"]["errors"][0]["field"] == "scope[0]",
    ),
    "token, server down": (
        lambda sb, tmp: (
            sb.inject(ErrorStatus(500), method="POST", times=5),
            ["token", "--scope", "campaigns:read", "--base-url", sb.url],
        )[1],
        1,
        lambda doc: doc["error"]["type"] == "internal_server_error",
    ),
    "slots clip": (
        lambda sb, tmp: ["slots", "clip", "09:00-15:00"],
        0,
        lambda doc: doc["minutes_per_day"] == 240,
    ),
    "slots clip, malformed": (
        lambda sb, tmp: ["slots", "clip", "noon"],
        2,
        lambda doc: "'noon'" in doc["error"]["message"],
    ),
    "slots clip --sandbox": (
        lambda sb, tmp: ["--sandbox", "slots", "clip", "09:00-15:00"],
        2,
        lambda doc: "drop --sandbox" in doc["error"]["message"],
    ),
    "sandbox, port taken": (
        lambda sb, tmp: ["sandbox", "--port", str(sb.port)],
        2,
        lambda doc: "cannot start the sandbox" in doc["error"]["message"],
    ),
    "no key": (
        lambda sb, tmp: ["campaigns", "get", UNKNOWN_ID, "--base-url", sb.url, "--no-key"],
        2,
        lambda doc: "VOLUBILE_API_KEY" in doc["error"]["message"],
    ),
    "argparse: no command": (
        lambda sb, tmp: ["campaigns"],
        2,
        lambda doc: (
            doc["error"]["type"] == "usage_error" and "required: ACTION" in doc["error"]["message"]
        ),
    ),
    "argparse: bad value": (
        lambda sb, tmp: ["sandbox", "--port", "abc"],
        2,
        lambda doc: "invalid int value" in doc["error"]["message"],
    ),
}


def _cancelled(sandbox: Sandbox) -> str:
    campaign_id = _created(sandbox)
    with Volubile(api_key=SECRET_KEY, base_url=sandbox.url) as client:
        client.campaigns.cancel(campaign_id)
    return campaign_id


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_every_command_prints_exactly_one_json_document(
    cli: CLI,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    setup, code, check = CASES[case]
    argv = setup(sandbox, tmp_path)
    if "--no-key" in argv:
        argv.remove("--no-key")
    else:
        monkeypatch.setenv("VOLUBILE_API_KEY", SECRET_KEY)

    result = cli("--json", *argv)

    assert result.code == code, result.err
    document = _one_document(result)
    assert check(document), document
    if code != 0:
        assert result.err  # the person reading the terminal still gets the message


@pytest.mark.parametrize("failure", ["no usable row", "invalid campaign file"])
def test_a_failed_create_still_lists_every_rejected_row(
    cli: CLI, tmp_path: Path, failure: str
) -> None:
    # A quote opened on line 2 and never closed: every row after it is rejected, by number.
    csv = tmp_path / "people.csv"
    csv.write_text('phone,name\n+33612345678,"Ana\n+33698765432,Léa\n', encoding="utf-8")
    text = CAMPAIGN_TOML
    if failure == "invalid campaign file":
        csv.write_text("phone\n+33612345678\n06 12\n", encoding="utf-8")
        text = CAMPAIGN_TOML.replace("batch_size = 200", "batch_size = 0")
    campaign = campaign_file(tmp_path, text)

    result = cli("--json", "campaigns", "create", campaign, "--recipients", csv, "--dry-run")

    assert result.code == 2
    document = _one_document(result)
    assert document["valid"] is False
    rejected = [(row["row"], row["value"]) for row in document["recipients"]["rejected"]]
    if failure == "no usable row":
        assert rejected == [(2, "+33612345678"), (3, "+33698765432")]
        assert document["recipients"]["recipients"] == 0
    else:
        assert rejected == [(3, "06 12")]
        assert document["recipients"]["recipients"] == 1
        assert document["error"]["type"] == "validation_error"


def test_campaign_keys_are_snake_case_but_context_keys_are_the_users(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    campaign_id = _created(sandbox)
    sandbox_document = sandbox.campaign(campaign_id)

    result = cli("--json", "campaigns", "get", campaign_id, "--base-url", sandbox.url)

    document = _one_document(result)
    assert document["start_date"] == "2027-06-07"
    assert document["time_slots"] == [{"start_time": "10:00", "end_time": "12:00"}]
    assert "agentId" not in document
    assert sandbox_document.status == document["status"]


def test_fields_this_version_does_not_know_are_snake_case_too_and_context_is_kept() -> None:
    # A server that starts returning recipients (or any new field): same convention.
    campaign = parse_campaign(
        {
            "id": UNKNOWN_ID,
            "callWindowsUtc": [{"startsAt": "x"}],
            "recipients": [{"phone": "+33612345678", "context": {"firstName": "Ana"}}],
        }
    )

    document = _campaign_json(campaign)

    assert document == {
        "id": UNKNOWN_ID,
        "call_windows_utc": [{"starts_at": "x"}],
        "recipients": [{"phone": "+33612345678", "context": {"firstName": "Ana"}}],
    }


def test_an_unexpected_failure_still_writes_the_document(
    cli: CLI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A bug (not bad input) keeps its traceback, but a program reading stdout is told too.
    def broken(*_: object, **__: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr("volubile_ext._cli.clip_time_slots", broken)

    with pytest.raises(RuntimeError):
        main(["--json", "slots", "clip", "09:00-15:00"])

    document = json.loads(capsys.readouterr().out)
    assert document["error"]["type"] == "internal_error"
    assert document["exit_code"] == 1


def test_json_document_with_a_bulk_create_that_did_not_finish(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    people = people_csv(tmp_path, 1200)
    sandbox.inject(ErrorStatus(400), method="POST", path="/v1/campaigns")

    result = cli(
        *("--json", "campaigns", "create", campaign_file(tmp_path), "--recipients", people),
        *("--base-url", sandbox.url, "--yes"),
    )

    assert result.code == 1
    document = _one_document(result)
    assert document["error"]["type"] == "bulk_incomplete"
    assert document["bulk"]["ok"] is False


# --- each command's help lists what it accepts ---------------------------------------------


def _help(*argv: str) -> str:
    completed = subprocess.run(
        [str(CONSOLE_SCRIPT), *argv, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return completed.stdout


@pytest.mark.parametrize("argv", [("sandbox",), ("slots", "clip"), ("slots",)])
def test_commands_that_do_not_call_the_api_do_not_offer_its_options(argv: tuple[str]) -> None:
    shown = _help(*argv)

    assert "--json" in shown
    assert "--sandbox" not in shown
    assert "--base-url" not in shown


def test_api_commands_offer_their_options_and_the_irreversible_ones_yes() -> None:
    create = _help("campaigns", "create")
    cancel = _help("campaigns", "cancel")
    pause = _help("campaigns", "pause")

    for shown in (create, cancel, pause):
        assert "--sandbox" in shown
        assert "--base-url" in shown
    assert "-y, --yes" in create
    assert "-y, --yes" in cancel
    assert "--yes" not in pause


@pytest.mark.parametrize(
    "argv",
    [
        ["--sandbox", "sandbox"],
        ["--base-url", "http://127.0.0.1:1", "sandbox"],
        ["--base-url", "http://127.0.0.1:1", "slots", "clip", "10:00-11:00"],
    ],
)
def test_api_options_before_a_command_that_does_not_take_them_are_refused(
    cli: CLI, argv: list[str]
) -> None:
    result = cli(*argv)

    assert result.code == 2
    assert "does not call the API: drop --" in result.err
