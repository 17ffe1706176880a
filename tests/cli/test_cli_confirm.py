"""Before it acts on a real API, the command line shows what it will do and asks.

The prompt is driven through a real pseudo-terminal (the console script runs in a separate
process whose stdin, stdout and stderr are a pty); the refusal without a terminal through a
pipe. The sandbox the command talks to runs in this process, on loopback, and counts what it
received.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from tests.cli_harness import (
    CLI,
    CLI_SANDBOX,
    CONSOLE_SCRIPT,
    EXAMPLE_CREATE,
    EXAMPLE_RECIPIENTS,
    ROOT,
    SECRET_KEY,
    AnsweringTerminal,
    campaign_file,
    clean_environment,
    people_csv,
)
from tests.client_harness import create_campaign
from volubile_ext.testing import Sandbox

pytestmark = CLI_SANDBOX

PROMPT_END = b"[y/N] "


@attrs.define
class Terminal:
    """The console script on a pseudo-terminal: what it wrote, and a way to answer it."""

    process: subprocess.Popen[bytes]
    master: int
    seen: bytearray = attrs.field(factory=bytearray)

    def read_until(self, marker: bytes, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {marker!r} in {bytes(self.seen)!r}")
            if not self._read_some(deadline):
                raise AssertionError(f"ended before {marker!r}: {bytes(self.seen)!r}")
        return self.text

    def answer(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def finish(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self._read_some(deadline):
            pass
        return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))

    @property
    def text(self) -> str:
        return self.seen.decode("utf-8", "replace").replace("\r\n", "\n")

    def _read_some(self, deadline: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the other side closed
            return False
        self.seen.extend(chunk)
        return bool(chunk)


def _on_a_terminal(*argv: str | Path) -> Terminal:
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(CONSOLE_SCRIPT), *map(str, argv)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=clean_environment(VOLUBILE_API_KEY=SECRET_KEY),
        close_fds=True,
    )
    os.close(slave)
    return Terminal(process, master)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        if terminal.process.poll() is None:
            terminal.process.kill()
            terminal.process.wait()
        os.close(terminal.master)


def _create_argv(sandbox: Sandbox) -> tuple[str | Path, ...]:
    return (
        *EXAMPLE_CREATE,
        "--base-url",
        sandbox.url,
    )


def test_create_on_a_terminal_shows_the_plan_and_creates_only_once_confirmed(
    sandbox: Sandbox, terminals: list[Terminal]
) -> None:
    terminal = _on_a_terminal(*_create_argv(sandbox))
    terminals.append(terminal)

    shown = terminal.read_until(PROMPT_END)

    assert "Plan for 'Suivi des commandes - printemps 2027'" in shown
    assert (
        "Create the campaign 'Suivi des commandes - printemps 2027' with 10 recipients on "
        f"{sandbox.url}? [y/N] "
    ) in shown
    assert sandbox.count("POST", "/v1/campaigns") == 0  # nothing sent while it waits

    terminal.answer("y")

    assert terminal.finish() == 0, terminal.text
    assert "Campaign created:" in terminal.text
    assert sandbox.count("POST", "/v1/campaigns") == 1
    [stored] = sandbox.campaigns()
    assert len(stored.recipients) == 10


@pytest.mark.parametrize("answer", ["n", "", "nope"])
def test_create_not_confirmed_sends_nothing_and_exits_2(
    sandbox: Sandbox, terminals: list[Terminal], answer: str
) -> None:
    terminal = _on_a_terminal(*_create_argv(sandbox))
    terminals.append(terminal)
    terminal.read_until(PROMPT_END)

    terminal.answer(answer)

    assert terminal.finish() == 2, terminal.text
    assert "volubile: not confirmed: nothing was sent" in terminal.text
    assert sandbox.campaigns() == []
    assert sandbox.count("POST") == 0


def test_cancel_on_a_terminal_shows_the_campaign_and_asks(
    sandbox: Sandbox, terminals: list[Terminal]
) -> None:
    campaign = create_campaign(
        sandbox.url, sandbox.api_key, "Black Friday", timezone="Europe/Paris"
    )
    terminal = _on_a_terminal("campaigns", "cancel", str(campaign.id), "--base-url", sandbox.url)
    terminals.append(terminal)

    shown = terminal.read_until(PROMPT_END)

    assert "  name        Black Friday" in shown
    assert f"Cancel the campaign 'Black Friday' on {sandbox.url} for good" in shown
    assert sandbox.campaign(str(campaign.id)).status == "ACTIVE"

    terminal.answer("yes")

    assert terminal.finish() == 0, terminal.text
    assert "Campaign now CANCELLED:" in terminal.text
    assert sandbox.campaign(str(campaign.id)).status == "CANCELLED"


def _through_a_pipe(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *map(str, argv)],
        input="y\n",  # a "y" on a pipe is not a person's answer: it must not be taken as one
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_environment(VOLUBILE_API_KEY=SECRET_KEY),
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "argv",
    [
        EXAMPLE_CREATE,
        ("campaigns", "cancel", "497f6eca-6276-4993-bfeb-53cbbbba6f08"),
    ],
    ids=["create", "cancel"],
)
def test_without_a_terminal_and_without_yes_the_command_refuses(
    sandbox: Sandbox, argv: tuple[str | Path, ...]
) -> None:
    completed = _through_a_pipe(*argv, "--base-url", sandbox.url)

    assert completed.returncode == 2, completed.stderr
    last = completed.stderr.splitlines()[-1]
    assert last.startswith("volubile: error: ")
    assert "stdin is not a terminal: pass --yes (-y)" in last
    assert "Traceback" not in completed.stderr
    assert sandbox.requests == []


def test_yes_creates_without_asking_and_json_stays_one_document(sandbox: Sandbox) -> None:
    completed = _through_a_pipe("--json", *_create_argv(sandbox), "--yes")

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["campaign"]["status"] == "ACTIVE"
    assert "[y/N]" not in completed.stderr
    assert sandbox.count("POST", "/v1/campaigns") == 1


def test_the_sandbox_needs_no_confirmation(cli: CLI, tmp_path: Path) -> None:
    # --sandbox runs against a sandbox started for the command: nobody can be called.
    result = cli("campaigns", "create", campaign_file(tmp_path), "--sandbox")

    assert result.code == 0, result.err
    assert "Campaign created:" in result.out


# --- the phone extra --------------------------------------------------------------------


def test_rows_that_need_the_phone_extra_stop_the_create_and_say_how_to_install_it(
    cli: CLI, sandbox: Sandbox, keyed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the extra, phonenumbers cannot be imported.
    monkeypatch.setitem(sys.modules, "phonenumbers", None)

    result = cli(*_create_argv(sandbox), "--yes")

    assert result.code == 2
    assert "10 of 12 rows are national numbers (rows 2, 3, 4, 5, 6, 8, 9, 10, 12, 13)" in result.out
    assert result.err.splitlines()[-1] == (
        f"volubile: error: 10 of 12 rows of {EXAMPLE_RECIPIENTS} need the phone extra: install "
        "it (pip install 'volubile[phone]') or write those numbers in E.164 (+33612345678), "
        "then run again; nothing was sent"
    )
    assert sandbox.requests == []


def test_the_phone_extra_refusal_in_json_lists_the_rows(
    cli: CLI, sandbox: Sandbox, keyed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "phonenumbers", None)

    result = cli("--json", *_create_argv(sandbox), "--yes")

    assert result.code == 2
    document = json.loads(result.out)
    assert document["error"]["type"] == "phone_extra_missing"
    assert "pip install 'volubile[phone]'" in document["error"]["message"]
    assert len(document["recipients"]["rejected"]) == 10
    assert sandbox.requests == []


def test_with_the_phone_extra_the_same_rows_are_read(cli: CLI, sandbox: Sandbox) -> None:
    result = cli(*_create_argv(sandbox), "--dry-run")

    assert result.code == 0, result.err
    assert "phone extra" not in result.out + result.err


def test_a_bulk_create_names_the_campaigns_it_will_create_in_the_question(
    cli: CLI, sandbox: Sandbox, keyed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = people_csv(tmp_path, 2500)
    monkeypatch.setattr(sys, "stdin", AnsweringTerminal("n\n"))

    result = cli(
        *("campaigns", "create", campaign_file(tmp_path), "--recipients", people),
        *("--base-url", sandbox.url),
    )

    assert result.code == 2
    assert (
        "Create 3 campaigns, 'Renouvellements (1/3)' to 'Renouvellements (3/3)', for 2500 "
        f"recipients on {sandbox.url}? [y/N] "
    ) in result.err
    assert sandbox.requests == []
