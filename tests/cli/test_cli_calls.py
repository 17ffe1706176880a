"""``volubile agents …`` and ``volubile calls …`` over a real sandbox on loopback (issue 11).

Each test runs the command in-process against the shared ``sandbox`` fixture (no rate limit,
the CLI's key), and counts what the sandbox received: pages fetched only as needed, nothing
sent for bad input, a call placed once and never again.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.cli_harness import (
    CAMPAIGN_TOML,
    CLI,
    CLI_SANDBOX,
    CONSOLE_SCRIPT,
    SECRET_KEY,
    AnsweringTerminal,
    Run,
    campaign_file,
    clean_environment,
)
from tests.client_harness import AGENT_ID
from volubile_ext._cli_calls import SAMPLE_CALL_IDS
from volubile_ext._spreadsheet import spreadsheet_safe
from volubile_ext.testing import Delay, DropConnection, ErrorStatus, Sandbox

pytestmark = CLI_SANDBOX

OUTBOUND = Sandbox.OUTBOUND_AGENT_ID
INBOUND = Sandbox.INBOUND_AGENT_ID
UNKNOWN_CALL = "0b7a7f0e-1c2d-4e5f-8a9b-0c1d2e3f4aff"


def _at(sandbox: Sandbox, *argv: str) -> tuple[str, ...]:
    return (*argv, "--base-url", sandbox.url)


def _queries(sandbox: Sandbox, path: str) -> list[dict[str, list[str]]]:
    return [parse_qs(record.query) for record in sandbox.requests if record.path == path]


def _refused(result: Run, sandbox: Sandbox, text: str) -> None:
    """Exit 2, one line on stderr that says ``text``, no traceback, nothing sent."""
    assert result.code == 2, result.err
    last = result.err.strip().splitlines()[-1]
    assert text in last, result.err
    assert "Traceback" not in result.err
    assert sandbox.requests == []


# --- agents -----------------------------------------------------------------------------


def test_agents_list_prints_a_table_of_every_agent_in_one_request(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    sandbox.add_agent("Renewals, second line", archived=True)

    result = cli(*_at(sandbox, "agents", "list"))

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "TYPE", "ACTIVE", "RECORDS", "NAME"]
    assert len(lines) == 4
    assert lines[1].startswith(f"{OUTBOUND}  OUTBOUND  yes     yes      ")
    assert lines[3].endswith("Renewals, second line (archived)")
    assert "3 agents." in result.err
    assert _queries(sandbox, "/v1/agents") == [{"page": ["1"], "size": ["100"]}]


def test_agents_list_json_is_one_document_with_every_agent(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli("--json", *_at(sandbox, "agents", "list"))

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert [agent["id"] for agent in document["agents"]] == [OUTBOUND, INBOUND]
    assert document["agents"][0]["telephony_configuration"]["phone_numbers"] is not None
    assert (document["count"], document["total_elements"], document["truncated"]) == (2, 2, False)


def test_agents_get_shows_the_agent_and_its_configuration(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli(*_at(sandbox, "agents", "get", OUTBOUND))

    assert result.code == 0, result.err
    assert result.out.startswith(f"Agent:\n  id          {OUTBOUND}\n")
    assert "  type        OUTBOUND\n" in result.out
    assert "  extractors  customer.firstname, customer.lastname\n" in result.out
    assert sandbox.count("GET", f"/v1/agents/{OUTBOUND}") == 1


def test_an_unknown_agent_is_exit_1_with_a_hint_about_agents(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli(*_at(sandbox, "agents", "get", UNKNOWN_CALL))

    assert result.code == 1
    assert "No agent has this id on this account: `volubile agents list` shows them." in (
        result.err
    )
    assert "campaign" not in result.err.lower()


# --- calls list -------------------------------------------------------------------------


def test_calls_list_reads_every_page_and_prints_one_row_per_call(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    for index in range(250):
        sandbox.add_call(phone=f"+336123{index:05d}", duration=75)

    result = cli(*_at(sandbox, "calls", "list"))

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "STARTED", "(UTC)", "DURATION", "PHONE", "STATUS"]
    assert len(lines) == 251
    assert re.fullmatch(
        r"[0-9a-f-]{36}  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d      1:15  \+336123\d{5}      COMPLETED",
        lines[1],
    )
    assert result.err.strip().endswith("250 calls.")
    pages = _queries(sandbox, "/v1/calls")
    assert [query["page"] for query in pages] == [["1"], ["2"], ["3"]]
    assert all(query["size"] == ["100"] for query in pages)


def test_the_filters_reach_the_api_under_its_names(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    sandbox.add_call(phone="+33612345678", campaign="Renewals", start_time="2027-06-07T09:00:00Z")

    result = cli(
        *_at(sandbox, "calls", "list"),
        *("--campaign", "Renewals", "--agent", OUTBOUND, "--phone", "+33612345678"),
        *("--from", "2027-06-01", "--to", "2027-06-30", "--sort", "startTime,ASC"),
    )

    assert result.code == 0, result.err
    [query] = _queries(sandbox, "/v1/calls")
    assert query == {
        "agentId": [OUTBOUND],
        "phone": ["+33612345678"],
        "campaign": ["Renewals"],
        "from": ["2027-06-01"],
        "to": ["2027-06-30"],
        "sort": ["startTime,ASC"],
        "page": ["1"],
        "size": ["100"],
    }
    assert result.err.strip().endswith("1 call.")


def test_limit_asks_for_no_more_than_it_shows(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    for index in range(30):
        sandbox.add_call(phone=f"+336123{index:05d}")

    result = cli("--json", *_at(sandbox, "calls", "list", "--limit", "5"))

    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert (document["count"], document["truncated"], document["total_elements"]) == (5, True, 30)
    assert len(document["calls"]) == 5
    assert _queries(sandbox, "/v1/calls") == [{"page": ["1"], "size": ["5"]}]


def test_status_is_filtered_here_and_never_sent(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    for index in range(120):
        sandbox.add_call(
            phone=f"+336123{index:05d}", status="COMPLETED" if index % 4 else "NO_ANSWER"
        )
    sandbox.add_call(phone="+33699999999", status="SOMETHING_NEW")

    result = cli(*_at(sandbox, "calls", "list", "--status", "no_answer,voice_box"))

    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 1 + 30
    assert all(line.endswith("NO_ANSWER") for line in result.out.splitlines()[1:])
    assert "30 calls with status NO_ANSWER or VOICE_BOX, of 121 the API listed." in result.err
    pages = _queries(sandbox, "/v1/calls")
    assert len(pages) == 2
    assert all("status" not in query for query in pages)


def test_an_unknown_status_in_the_list_is_shown_as_sent(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    sandbox.add_call(status="SOMETHING_NEW")

    result = cli(*_at(sandbox, "calls", "list"))

    assert result.code == 0, result.err
    assert result.out.splitlines()[1].endswith("SOMETHING_NEW")


def test_an_empty_list_says_so(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    result = cli(*_at(sandbox, "calls", "list", "--campaign", "Nobody"))

    assert result.code == 0, result.err
    assert result.out == ""
    assert "No calls." in result.err


def _150_calls_whose_second_page_fails(sandbox: Sandbox) -> None:
    """The first page of 100 goes through (a tiny delay, processed); every later one is
    refused, with a status a client never retries."""
    for index in range(150):
        sandbox.add_call(phone=f"+336123{index:05d}")
    sandbox.inject(Delay(0.001), method="GET", path="/v1/calls")
    sandbox.inject(ErrorStatus(403), method="GET", path="/v1/calls", times=None)


def test_a_failure_on_a_later_page_keeps_the_json_one_document_with_what_was_read(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    _150_calls_whose_second_page_fails(sandbox)

    result = cli("--json", *_at(sandbox, "calls", "list"))

    document = json.loads(result.out)
    assert result.code == 1
    assert len(document["calls"]) == 100
    assert document["count"] == 100
    assert document["error"]["type"] == "permission_denied_error"
    assert document["exit_code"] == 1
    assert "calls:read" in document["error"]["hint"]
    assert sandbox.count("GET", "/v1/calls") == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--from", "2027-06-01"), "--from needs --to: the API filters on both dates or neither"),
        (("--to", "2027-06-01"), "--to needs --from"),
        (("--from", "2027-06-30", "--to", "2027-06-01"), "--from 2027-06-30 is after --to"),
        (("--from", "2027-13-01", "--to", "2027-12-31"), "argument --from: '2027-13-01' is not a"),
        (("--status", "ANSWERED"), "argument --status: 'ANSWERED' is not a call status: one of"),
        (("--limit", "0"), "argument --limit: '0' is not a whole number of at least 1"),
        (("--agent", "bob"), "argument --agent: 'bob' is not an agent id (a UUID"),
        (
            ("--phone", "06 12 34 56 78"),
            "--phone '06 12 34 56 78': must be in E.164 format, e.g. +33612345678; nothing was",
        ),
        (("--sort", "startTime"), "--sort 'startTime': "),
        (("--csv", "--json"), "give --csv or --json, not both"),
    ],
)
def test_bad_list_options_are_one_line_naming_the_flag_and_nothing_is_sent(
    cli: CLI, sandbox: Sandbox, keyed: None, argv: tuple[str, ...], message: str
) -> None:
    result = cli(*_at(sandbox, "calls", "list", *argv))

    _refused(result, sandbox, message)


# --- calls list --csv -------------------------------------------------------------------


def test_csv_has_one_column_per_extracted_field_in_a_stable_order(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    sandbox.add_call(
        phone="+33612345678",
        start_time="2027-06-07T09:00:00Z",
        context={"firstName": "Ana", "customerId": "C1"},
        extractors=[
            {"name": "renewal", "value": ["yes"]},
            {"name": "customer", "value": [{"name": "city", "value": ["Lyon"]}]},
        ],
        classifiers=[{"name": "interest", "value": "high", "type": "PRIMARY"}],
    )
    sandbox.add_call(
        phone="+33698765432",
        start_time="2027-06-07T10:00:00Z",
        status="NO_ANSWER",
        extractors=[{"name": "callback", "value": ["tomorrow", "9h"]}],
    )

    result = cli(*_at(sandbox, "calls", "list", "--csv", "--sort", "startTime,ASC"))

    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == [
        *("id", "agent_id", "phone", "type", "status", "start_time", "end_time", "duration"),
        *("recorded", "anonymous", "summary", "created"),
        *("extracted.callback", "extracted.customer.city", "extracted.renewal"),
        "classification.interest",
        *("context.customerId", "context.firstName"),
    ]
    first, second = (dict(zip(rows[0], row, strict=True)) for row in rows[1:])
    assert first["phone"] == "+33612345678"  # a number: no quote added
    assert first["start_time"] == "2027-06-07T09:00:00Z"
    assert (first["extracted.customer.city"], first["extracted.renewal"]) == ("Lyon", "yes")
    assert first["classification.interest"] == "high"
    assert (first["context.firstName"], first["extracted.callback"]) == ("Ana", "")
    assert second["extracted.callback"] == '["tomorrow", "9h"]'
    assert (second["status"], second["recorded"]) == ("NO_ANSWER", "false")
    assert len(rows) == 3


def test_csv_cells_a_spreadsheet_would_run_are_quoted(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    sandbox.add_call(
        summary='=HYPERLINK("http://evil.example","click")',
        extractors=[{"name": "@name", "value": ["+cmd|' /C calc'!A0"]}],
    )

    result = cli(*_at(sandbox, "calls", "list", "--csv"))

    rows = list(csv.reader(io.StringIO(result.out)))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["summary"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["extracted.@name"] == "'+cmd|' /C calc'!A0"


def test_csv_keeps_the_calls_read_before_a_page_failed(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    _150_calls_whose_second_page_fails(sandbox)

    result = cli(*_at(sandbox, "calls", "list", "--csv"))

    assert result.code == 1
    assert len(list(csv.reader(io.StringIO(result.out)))) == 1 + 100
    assert "volubile: error: 403" in result.err


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("+33612345678", "+33612345678"),
        ("-12.5", "-12.5"),
        ("Ana", "Ana"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe


# --- calls get / transcript -------------------------------------------------------------


def test_calls_get_shows_the_call_its_data_and_context(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    call = sandbox.add_call(
        phone="+33612345678",
        start_time="2027-06-07T09:00:00Z",
        duration=3725,
        context={"firstName": "Ana"},
        extractors=[{"name": "renewal", "value": ["yes"]}],
        classifiers=[{"name": "interest", "value": "high", "type": "PRIMARY"}],
    )
    call_id = call.document["id"]

    result = cli(*_at(sandbox, "calls", "get", call_id))

    assert result.code == 0, result.err
    assert result.out == (
        f"Call:\n  id          {call_id}\n  status      COMPLETED\n  phone       +33612345678\n"
        f"  agent       {OUTBOUND}\n  type        OUTBOUND\n"
        "  started     2027-06-07 09:00:00 UTC\n  ended       2027-06-07 10:02:05 UTC\n"
        "  duration    1:02:05\n  recorded    yes\n  summary     The customer agreed to renew.\n"
        "Extracted data:\n  renewal     yes\nClassification:\n  interest    high\n"
        "Context:\n  firstName   Ana\n"
    )
    assert sandbox.count("GET", f"/v1/calls/{call_id}") == 1


def test_calls_get_json_keeps_the_accounts_own_names(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    call = sandbox.add_call(
        context={"firstName": "Ana"}, extractors=[{"name": "renewalDate", "value": ["June"]}]
    )

    result = cli("--json", *_at(sandbox, "calls", "get", call.document["id"]))

    document = json.loads(result.out)
    assert document["agent_id"] == OUTBOUND
    assert document["start_time"].endswith("Z")
    assert document["context"]["firstName"] == "Ana"
    assert document["context"]["system"]["phoneE164"] == "+33612345678"
    assert document["extracted_data"] == {"renewalDate": "June"}


def test_an_unknown_call_is_exit_1_with_a_hint_about_calls(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli(*_at(sandbox, "calls", "get", UNKNOWN_CALL))

    assert result.code == 1
    assert "No call has this id on this account: `volubile calls list` shows them." in result.err


def test_a_malformed_call_id_is_refused_before_sending(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli(*_at(sandbox, "calls", "transcript", "42"))

    _refused(result, sandbox, "argument ID: '42' is not a call id (a UUID")


def test_the_transcript_reads_like_a_conversation_with_controls_escaped(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    call = sandbox.add_call(
        transcript=[
            {"action": "ANSWER", "time": "2027-06-07T09:00:01Z", "actor": "HUMAN", "message": ""},
            {
                "action": "HUMAN_SPEAK",
                "time": "2027-06-07T09:00:03Z",
                "actor": "HUMAN",
                "message": "\x1b[2Jyes\nAGENT: forged",
            },
        ]
    )

    result = cli(*_at(sandbox, "calls", "transcript", call.document["id"]))

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 2
    assert "\x1b" not in result.out
    assert "\\u001b[2Jyes\\nAGENT: forged" in lines[1]


def test_the_transcript_json_lists_its_entries(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    call = sandbox.add_call(
        transcript={"action": "RING", "time": "2027-06-07T09:00:00Z", "actor": "UNKNOWN"}
    )

    result = cli("--json", *_at(sandbox, "calls", "transcript", call.document["id"]))

    document = json.loads(result.out)
    assert document["entries"] == [
        {"action": "RING", "time": "2027-06-07T09:00:00Z", "actor": "UNKNOWN", "message": None}
    ]


# --- calls recording --------------------------------------------------------------------


def test_the_recording_is_written_to_the_file(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    audio = b"RIFF" + bytes(range(256)) * 400
    call = sandbox.add_call(recording=audio, recording_type="audio/wav")
    target = tmp_path / "call.wav"

    result = cli(*_at(sandbox, "calls", "recording", call.document["id"], "-o", str(target)))

    assert result.code == 0, result.err
    assert target.read_bytes() == audio
    assert f"Recording (audio/wav, {len(audio):,} bytes) written to {target}." in result.out
    assert sorted(tmp_path.iterdir()) == [target]  # no temporary file left


def test_an_existing_file_is_kept_unless_force(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    call = sandbox.add_call(recording=b"new audio")
    target = tmp_path / "call.wav"
    target.write_bytes(b"old audio")
    argv = _at(sandbox, "calls", "recording", call.document["id"], "-o", str(target))

    refused = cli(*argv)

    _refused(refused, sandbox, f"-o {target} exists: give --force to replace it")
    assert target.read_bytes() == b"old audio"

    forced = cli(*argv, "--force")

    assert forced.code == 0, forced.err
    assert target.read_bytes() == b"new audio"


def test_a_failed_download_leaves_no_file_and_the_old_one_intact(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    call = sandbox.add_call(status="NO_ANSWER", recorded=False)
    target = tmp_path / "call.wav"
    target.write_bytes(b"old audio")

    result = cli(
        *_at(sandbox, "calls", "recording", call.document["id"], "-o", str(target), "--force")
    )

    assert result.code == 1
    assert "No recording for this id: the call does not exist, or was not recorded" in result.err
    assert target.read_bytes() == b"old audio"
    assert sorted(tmp_path.iterdir()) == [target]


def test_a_missing_folder_is_refused_before_sending(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    target = tmp_path / "nowhere" / "call.wav"

    result = cli(*_at(sandbox, "calls", "recording", UNKNOWN_CALL, "-o", str(target)))

    _refused(result, sandbox, f"-o '{target}': folder '{target.parent}' does not exist")


def test_the_recording_to_stdout(sandbox: Sandbox) -> None:
    audio = bytes(range(256)) * 64  # not text: stdout must be written as bytes
    call = sandbox.add_call(recording=audio)

    completed = subprocess.run(
        [str(CONSOLE_SCRIPT), *_at(sandbox, "calls", "recording", call.document["id"], "-o", "-")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=clean_environment(VOLUBILE_API_KEY=SECRET_KEY),
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == audio
    assert b"written to stdout" in completed.stderr


def test_the_recording_to_stdout_is_refused_with_json(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli("--json", *_at(sandbox, "calls", "recording", UNKNOWN_CALL, "-o", "-"))

    assert result.code == 2
    assert json.loads(result.out)["error"]["type"] == "usage_error"
    assert sandbox.requests == []


# --- calls create -----------------------------------------------------------------------


def test_create_places_one_call_with_its_context(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    result = cli(
        *_at(sandbox, "calls", "create", "--agent", OUTBOUND, "--phone", "+33612345678"),
        *("--context", "firstName=Ana", "--context", '{"visits": 3, "vip": true}', "--yes"),
    )

    assert result.code == 0, result.err
    assert result.out.startswith("Call placed:\n")
    assert "  status      IN_PROGRESS\n" in result.out
    [posted] = [record for record in sandbox.requests if record.method == "POST"]
    assert posted.body == {
        "agentId": OUTBOUND,
        "recipient": {
            "phone": "+33612345678",
            "context": {"firstName": "Ana", "visits": 3, "vip": True},
        },
    }
    [stored] = sandbox.calls()
    assert f"Follow it with: volubile calls get {stored.document['id']}" in result.err


def test_create_asks_on_a_terminal_naming_the_agent(
    cli: CLI, sandbox: Sandbox, keyed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", AnsweringTerminal("n\n"))

    result = cli(*_at(sandbox, "calls", "create", "--agent", OUTBOUND, "--phone", "+33612345678"))

    assert result.code == 2
    assert (
        f"Call +33612345678 now with the agent 'Renewals (outbound)' on {sandbox.url}? [y/N] "
        in result.err
    )
    assert "not confirmed: nothing was sent" in result.err
    assert sandbox.count("POST") == 0
    assert sandbox.calls() == []


def test_create_confirmed_on_a_terminal_calls_once(
    cli: CLI, sandbox: Sandbox, keyed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", AnsweringTerminal("y\n"))

    result = cli(*_at(sandbox, "calls", "create", "--agent", OUTBOUND, "--phone", "+33612345678"))

    assert result.code == 0, result.err
    assert sandbox.count("POST", "/v1/calls") == 1


def test_create_without_a_terminal_and_without_yes_refuses(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli(*_at(sandbox, "calls", "create", "--agent", OUTBOUND, "--phone", "+33612345678"))

    _refused(result, sandbox, "stdin is not a terminal: pass --yes (-y)")


def test_a_call_that_may_have_been_placed_is_never_sent_again(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/calls")

    result = cli(
        *_at(sandbox, "calls", "create", "--agent", OUTBOUND, "--phone", "+33612345678", "--yes")
    )

    assert result.code == 1
    assert sandbox.count("POST", "/v1/calls") == 1
    assert len(sandbox.calls()) == 1
    assert "The call may have been placed: look for it (`volubile calls list --phone " in (
        result.err
    )


@pytest.mark.parametrize(
    ("context", "message"),
    [
        (("firstName",), "--context 'firstName': write KEY=VALUE, or a JSON object"),
        (("a=1", "a=2"), "--context: the key 'a' is given twice"),
        (('{"a": 1, "a": 2}',), "--context: the key 'a' is given twice in one object"),
        (("{nope",), "--context is not valid JSON"),
        (("[1]",), "--context '[1]': write KEY=VALUE, or a JSON object"),
        (('{"a": NaN}',), "--context: NaN is not a JSON value"),
        (('{"a": ' * 40 + "1" + "}" * 40,), "--context: nested too deeply at a.a.a"),
        (("k=" + "x" * 70_000,), "--context is longer than 64 KiB"),
        (("system=x",), "--context: the key 'system' is Volubile's own"),
    ],
)
def test_a_bad_context_is_refused_before_sending(
    cli: CLI, sandbox: Sandbox, keyed: None, context: tuple[str, ...], message: str
) -> None:
    contexts = [part for value in context for part in ("--context", value)]

    result = cli(
        *_at(sandbox, "calls", "create", "--agent", OUTBOUND, "--phone", "+33612345678"),
        *contexts,
        "--yes",
    )

    _refused(result, sandbox, message)


def test_a_bad_phone_names_the_flag(cli: CLI, sandbox: Sandbox, keyed: None) -> None:
    result = cli(*_at(sandbox, "calls", "create", "--agent", OUTBOUND, "--phone", "0612", "--yes"))

    _refused(result, sandbox, "--phone '0612': ")


def test_an_inbound_agent_is_refused_before_asking(
    cli: CLI, sandbox: Sandbox, keyed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", AnsweringTerminal("y\n"))

    result = cli(*_at(sandbox, "calls", "create", "--agent", INBOUND, "--phone", "+33612345678"))

    assert result.code == 2
    assert result.err.strip().splitlines()[-1] == (
        f"volubile: error: --agent {INBOUND} is an INBOUND agent: a call needs an OUTBOUND one "
        "(`volubile agents list` shows them); nothing was sent"
    )
    assert "[y/N]" not in result.err
    assert sandbox.count("POST") == 0


def test_an_inbound_agent_with_yes_is_refused_by_the_api(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    result = cli(
        *_at(sandbox, "calls", "create", "--agent", INBOUND, "--phone", "+33612345678", "--yes")
    )

    assert result.code == 1
    assert "it is an INBOUND agent" in result.err
    assert sandbox.calls() == []


# --- --sandbox --------------------------------------------------------------------------


def test_the_sandbox_option_holds_sample_calls_to_read(cli: CLI) -> None:
    listed = cli("calls", "list", "--sandbox")
    shown = cli("calls", "transcript", SAMPLE_CALL_IDS[0], "--sandbox")

    assert listed.code == 0, listed.err
    assert [line.split()[0] for line in listed.out.splitlines()[1:]] == [
        SAMPLE_CALL_IDS[2],
        SAMPLE_CALL_IDS[1],
        SAMPLE_CALL_IDS[0],
    ]
    assert shown.code == 0, shown.err
    assert "Yes, please." in shown.out


def test_create_on_the_sandbox_needs_no_confirmation(cli: CLI) -> None:
    result = cli("calls", "create", "--agent", OUTBOUND, "--phone", "+33612345678", "--sandbox")

    assert result.code == 0, result.err
    assert "Call placed:" in result.out


# --- campaigns create: the agent check --------------------------------------------------


def test_campaigns_create_checks_the_agent_first_by_default(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    unknown_agent = CAMPAIGN_TOML.replace(OUTBOUND, AGENT_ID)
    result = cli(
        *_at(sandbox, "campaigns", "create", campaign_file(tmp_path, unknown_agent), "--yes")
    )

    assert result.code == 2
    assert (
        result.err.strip()
        .splitlines()[-1]
        .endswith(
            f"agent_id {AGENT_ID}: there is no agent with this id in the account (`volubile agents "
            "list` shows them); nothing was sent (--no-check-agent skips the check)"
        )
    )
    assert sandbox.count("GET", f"/v1/agents/{AGENT_ID}") == 1
    assert sandbox.count("POST", "/v1/campaigns") == 0


def test_no_check_agent_creates_without_reading_the_agent(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path
) -> None:
    result = cli(
        *_at(sandbox, "campaigns", "create", campaign_file(tmp_path), "--yes", "--no-check-agent")
    )

    assert result.code == 0, result.err
    assert sandbox.count("GET") == 0
    assert sandbox.count("POST", "/v1/campaigns") == 1


def test_the_streamed_json_is_the_document_json_dumps_writes(
    cli: CLI, sandbox: Sandbox, keyed: None
) -> None:
    for index in range(3):
        sandbox.add_call(phone=f"+336123{index:05d}")

    result = cli("--json", *_at(sandbox, "calls", "list"))

    document = json.loads(result.out)
    assert result.out == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
