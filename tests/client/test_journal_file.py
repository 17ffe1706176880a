"""The journal file: one run at a time, torn lines and full disks survived, strict bounded reading.

``create_many`` (and ``create``) with ``journal=`` against a scripted server on loopback; the
server counts what it received, which is what matters: nothing sent twice, nothing lost.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import filelock
import pytest

from tests.client_harness import (
    API_KEY,
    SCHEDULE_ARGS,
    TEN_PEOPLE,
    FakeApi,
    Harness,
    create_many,
    wait_for,
)
from tests.scripted_server import Received, Reply, ScriptedServer
from volubile_ext import (
    JournalLockedError,
    JournalUnreadableError,
    JournalWriteError,
)
from volubile_ext.campaigns import _bulk


@pytest.fixture
def harness(sync_harness: Harness) -> Harness:
    # The journal file is the same for both twins: the sync client writes it here.
    return sync_harness


def posts(server: ScriptedServer) -> int:
    return server.count("POST", "/v1/campaigns")


# --- one run at a time (item 4) --------------------------------------------------------------

_OTHER_PROCESS = textwrap.dedent(
    """
    import json, sys
    from volubile_ext import Volubile
    arguments = json.loads(sys.argv[1])
    with Volubile(api_key=arguments.pop("api_key"), base_url=arguments.pop("base_url"),
                  rate_limit=None) as client:
        report = client.campaigns.create_many(**arguments)
    print(report.ok)
    """
)


def test_a_second_process_on_the_same_journal_fails_at_once_and_sends_nothing(
    server: ScriptedServer, harness: Harness, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    api = FakeApi()

    def slow(request: Received) -> Reply:
        reply = api(request)
        return Reply(reply.status, json=reply.json, headers=reply.headers, delay=60)

    server.then(slow)  # the other process's first create hangs, its journal locked
    arguments = {
        **SCHEDULE_ARGS,
        "name": "Renewals",
        "recipients": [person.phone for person in TEN_PEOPLE],
        "chunk_size": 2,
        "journal": str(journal),
        "api_key": API_KEY,
        "base_url": server.url,
    }
    other = subprocess.Popen(
        [sys.executable, "-c", _OTHER_PROCESS, json.dumps(arguments)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: posts(server) == 1, "the other process's first create")

        with pytest.raises(JournalLockedError, match="in use by another run") as caught:
            create_many(
                harness, journal=journal, recipients=[person.phone for person in TEN_PEOPLE]
            )

        assert caught.value.path == journal
        assert "Nothing was sent" in str(caught.value)
        assert posts(server) == 1
    finally:
        other.kill()  # dies holding the lock: the system releases it
        other.communicate(timeout=30)

    resumed = create_many(
        harness, journal=journal, recipients=[person.phone for person in TEN_PEOPLE]
    )

    assert [chunk.number for chunk in resumed.uncertain] == [1]  # sent, no outcome recorded
    assert [chunk.number for chunk in resumed.created] == [2, 3, 4, 5]
    assert posts(server) == 5


def test_a_journal_locked_in_this_process_is_refused_before_reading_or_sending(
    server: ScriptedServer, harness: Harness, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    with filelock.FileLock(f"{journal}.lock"), pytest.raises(JournalLockedError):
        create_many(harness, journal=journal)
    assert posts(server) == 0
    assert not journal.exists()
    assert create_many(harness, journal=journal).ok  # released: the next run goes ahead


# --- torn lines and failed writes (item 5) ---------------------------------------------------


@pytest.mark.parametrize("kept", [10, -12])
def test_a_journal_torn_while_its_header_was_written_starts_again(
    server: ScriptedServer, harness: Harness, tmp_path: Path, kept: int
) -> None:
    journal = tmp_path / "run.jsonl"
    create_many(harness, journal=journal)
    header = journal.read_bytes().splitlines()[0]
    journal.write_bytes(header[:kept])  # cut in the fingerprint, or in the timestamp
    other = tmp_path / "other.jsonl"
    someone_elses = b'{"type":"run","version":1,"fingerprint":"' + b"0" * 20
    other.write_bytes(someone_elses)
    sent = posts(server)

    report = create_many(harness, journal=journal)

    assert report.ok
    assert not any(chunk.from_journal for chunk in report.created)
    assert "held only a torn header: started it again" in str(report)
    assert posts(server) == sent + 5
    with pytest.raises(JournalUnreadableError):
        create_many(harness, journal=other)  # not our own header: never truncated
    assert other.read_bytes() == someone_elses


@pytest.mark.parametrize("failing", ["created", "intent"])
def test_a_full_disk_raises_a_journal_error_naming_every_campaign_created(
    server: ScriptedServer,
    harness: Harness,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    journal = tmp_path / "run.jsonl"
    real_write = os.write
    # Chunk 2's outcome record (or chunk 3's intent) meets a full disk halfway.
    target = b'"type":"created","chunk":1' if failing == "created" else b'"type":"intent","chunk":2'

    def write(fd: int, data: Any) -> int:
        if target in bytes(data):
            real_write(fd, bytes(data)[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(_bulk.os, "write", write)
    with pytest.raises(JournalWriteError) as caught:
        create_many(harness, journal=journal)
    monkeypatch.setattr(_bulk.os, "write", real_write)

    failure = caught.value
    assert isinstance(failure.__cause__, OSError)
    assert failure.path == journal
    assert posts(server) == 2  # the run stopped: chunk 3 was never sent
    assert [chunk.number for chunk in failure.created] == [1, 2]
    ids = [chunk.campaign_id for chunk in failure.created]
    message = str(failure)
    assert f"cannot write to the journal {journal}: No space left on device" in message
    assert f"chunk 1 'Renewals (1/5)' -> {ids[0]}" in message
    assert f"chunk 2 'Renewals (2/5)' -> {ids[1]}" in message
    assert ("NOT recorded in the journal" in message) == (failing == "created")
    assert failure.report is not None
    assert failure.report.campaign_ids == tuple(ids)

    resumed = create_many(harness, journal=journal)
    after = create_many(harness, journal=journal)

    # A half-written outcome leaves chunk 2 uncertain (its campaign exists); a half-written
    # intent means chunk 3 was never sent, so it is sent now.
    expected_uncertain = [2] if failing == "created" else []
    assert [chunk.number for chunk in resumed.uncertain] == expected_uncertain
    assert posts(server) == 5
    assert [chunk.number for chunk in after.uncertain] == expected_uncertain
    assert len(after.created) == 5 - len(expected_uncertain)
    assert posts(server) == 5


def test_a_journal_that_cannot_be_started_says_nothing_was_sent(
    server: ScriptedServer, harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "run.jsonl"

    def full(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_bulk.os, "write", full)
    with pytest.raises(JournalWriteError) as caught:
        create_many(harness, journal=journal)

    assert str(caught.value) == (
        f"cannot write to the journal {journal}: No space left on device; nothing was sent"
    )
    assert caught.value.report is None  # the run never started
    assert caught.value.created == ()
    assert posts(server) == 0


# --- files that are not journals (item 6) ----------------------------------------------------

_HEADER_OF = "header"  # stands for the header line this call would write


@pytest.mark.parametrize(
    "case",
    [
        ([b"\x89PNG\r\n", b"\x1a\n\x00\x00\x00\rIHDR\xff\xfe\n"], 1, "not UTF-8 text"),
        ([b"[1, 2, 3]\n"], 1, "no header record"),
        ([_HEADER_OF, b"[1, 2, 3]\n"], 2, "a JSON list, not a journal record"),
        ([_HEADER_OF, b"[" * 100_000 + b"\n", b'{"type":"torn","line":9}\n'], 2, "nested"),
        ([_HEADER_OF, b"x" * (2 << 20) + b"\n"], 2, "longer than 1024 KiB"),
        (
            [
                _HEADER_OF,
                b'{"type":"intent","chunk":' + b"9" * 5000 + b"}\n",
                b'{"type":"intent","chunk":1}\n',
            ],
            2,
            "JSON",
        ),
        ([_HEADER_OF, b'{"type":"intent","chunk":7}\n'], 2, "without a chunk number 0..4"),
        ([_HEADER_OF, b'{"type":"delete","chunk":1}\n'], 2, "unknown record type 'delete'"),
        ([_HEADER_OF, b"garbage\n", b'{"type":"intent","chunk":1}\n'], 2, "not JSON"),
        ([b'{"type":"run","version":99}\n'], 1, "journal version 99"),
    ],
    ids=[
        "binary",
        "json-list-first",
        "json-list",
        "deep-nesting",
        "huge-line",
        "huge-integer",
        "chunk-out-of-range",
        "unknown-type",
        "garbage-inside",
        "future-version",
    ],
)
def test_unusable_journal_files_raise_a_typed_error_naming_file_and_line(
    server: ScriptedServer,
    harness: Harness,
    tmp_path: Path,
    case: tuple[list[bytes | str], int, str],
) -> None:
    lines, line, message = case
    journal = tmp_path / "run.jsonl"
    create_many(harness, journal=journal)  # a real journal, for its header line
    header = journal.read_bytes().splitlines(keepends=True)[0]
    content = b"".join(header if part == _HEADER_OF else part for part in lines)  # type: ignore[misc]
    journal.write_bytes(content)
    sent = posts(server)

    with pytest.raises(JournalUnreadableError) as caught:
        create_many(harness, journal=journal)

    assert caught.value.path == journal
    assert caught.value.line == line
    assert f"{journal} line {line}: " in str(caught.value)
    assert message in str(caught.value)
    assert "Nothing was sent" in str(caught.value)
    assert len(str(caught.value)) < 500
    assert posts(server) == sent
    assert journal.read_bytes() == content


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_journal_path_that_is_not_a_file_is_refused(
    server: ScriptedServer, harness: Harness, tmp_path: Path, kind: str
) -> None:
    if kind == "directory":
        journal = tmp_path / "runs"
        journal.mkdir()
    else:
        journal = tmp_path / "pipe"
        os.mkfifo(journal)  # reading it would block, writes would vanish: not a journal

    with pytest.raises(JournalUnreadableError, match=r"is a directory|is not a regular file"):
        create_many(harness, journal=journal)
    assert posts(server) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [journal.name]  # no lock made


def test_interrupted_runs_release_the_lock(
    server: ScriptedServer, harness: Harness, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"

    def interrupt(done: int, total: int) -> None:
        if done == 2:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        create_many(harness, journal=journal, on_progress=interrupt)

    assert create_many(harness, journal=journal).ok  # the lock went with the interrupted run
    assert posts(server) == 5
