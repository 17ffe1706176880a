"""``volubile sandbox`` as a user runs it (the installed console script, a separate process): a
database path it cannot use is one line and exit 2, and a persistent sandbox keeps its key."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.cli_harness import CONSOLE_SCRIPT, clean_environment, start_console

GENERATED_KEY = re.compile(r"API key of this sandbox: (vsb_[A-Za-z0-9_-]+)")
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


def _run_sandbox(db: Path, key: str | None = None) -> str:
    """Run ``volubile sandbox --db DB`` (with ``key`` in ``VOLUBILE_API_KEY``), check that the
    key it serves authenticates, stop it with Ctrl-C; returns what it printed."""
    process = start_console("sandbox", "--db", db, **({"VOLUBILE_API_KEY": key} if key else {}))
    try:
        assert process.stdout is not None
        head = "".join(process.stdout.readline() for _ in range(3))
        listening = LISTENING.search(head)
        assert listening, head
        generated = GENERATED_KEY.search(head)
        served = key or (generated.group(1) if generated else "")
        minted = httpx.post(
            f"{listening.group(1)}/v1/auth/token",
            headers={"X-Api-Key": served},
            json={"scope": ["campaigns:read"]},
        )
        assert minted.status_code == 200
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    return head + err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_a_restarted_persistent_sandbox_prints_and_accepts_the_same_key(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    first_key = GENERATED_KEY.search(_run_sandbox(db))
    second_key = GENERATED_KEY.search(_run_sandbox(db))
    assert first_key, "no key printed"
    assert second_key, "no key printed"
    assert first_key.group(1) == second_key.group(1)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_a_key_in_the_environment_still_wins_over_the_kept_one(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    kept = GENERATED_KEY.search(_run_sandbox(db))
    assert kept, "no key printed"
    printed = _run_sandbox(db, key="vsb_chosen-by-the-user")
    assert "the one in $VOLUBILE_API_KEY" in printed
    assert kept.group(1) not in printed
    assert "vsb_chosen-by-the-user" not in printed


@pytest.mark.parametrize(
    ("db", "reason"),
    [
        ("missing/dir/x.sqlite", "the folder missing/dir does not exist: create it first"),
        (".", "it is a folder: give the path of a database file inside it"),
        ("notes.txt/x.sqlite", "notes.txt is not a folder"),
    ],
)
def test_a_database_path_it_cannot_use_is_one_line_and_exit_2(
    tmp_path: Path, db: str, reason: str
) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    completed = subprocess.run(
        [str(CONSOLE_SCRIPT), "sandbox", "--db", db],
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_environment(),
        timeout=30,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr == (f"volubile: error: cannot start the sandbox: --db {db}: {reason}\n")
