"""``volubile sandbox`` as a user runs it (the installed console script, a separate process): a
database path it cannot use is one line and exit 2, and a persistent sandbox keeps its key."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

CONSOLE_SCRIPT = Path(sys.executable).with_name("volubile")
GENERATED_KEY = re.compile(r"API key of this sandbox: (vsb_[A-Za-z0-9_-]+)")
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOLUBILE_")}
    env.update(extra)
    return env


def _run_sandbox(db: Path, **env: str) -> tuple[str, str, str]:
    """Start ``volubile sandbox --db DB``, read its first lines, check its key, stop it with
    Ctrl-C; returns (url, stdout head, stderr)."""
    process = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "sandbox", "--db", str(db)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(**env),
    )
    try:
        assert process.stdout is not None
        head = "".join(process.stdout.readline() for _ in range(3))
        found = LISTENING.search(head)
        assert found, head
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    return found.group(1), head, err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_a_restarted_persistent_sandbox_prints_and_accepts_the_same_key(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    _, first, _ = _run_sandbox(db)
    _, second, _ = _run_sandbox(db)
    first_key = GENERATED_KEY.search(first)
    second_key = GENERATED_KEY.search(second)
    assert first_key, first
    assert second_key, second
    assert first_key.group(1) == second_key.group(1)

    # The key is the one the restarted sandbox accepts (read back by the library, same file).
    from volubile_ext.testing import Sandbox

    with Sandbox(db_path=db) as sandbox:
        assert sandbox.api_key == first_key.group(1)
        minted = httpx.post(
            f"{sandbox.url}/v1/auth/token",
            headers={"X-Api-Key": first_key.group(1)},
            json={"scope": ["campaigns:read"]},
        )
        assert minted.status_code == 200


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_a_key_in_the_environment_still_wins_over_the_kept_one(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    _, first, _ = _run_sandbox(db)
    kept = GENERATED_KEY.search(first)
    assert kept, first
    _, head, err = _run_sandbox(db, VOLUBILE_API_KEY="vsb_chosen-by-the-user")
    assert "the one in $VOLUBILE_API_KEY" in head
    assert kept.group(1) not in head + err
    assert "vsb_chosen-by-the-user" not in head + err


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
        env=_environment(),
        timeout=30,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr == (f"volubile: error: cannot start the sandbox: --db {db}: {reason}\n")
