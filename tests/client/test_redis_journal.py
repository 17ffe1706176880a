"""A bulk run's journal in Redis: the same records, the same lock, resumable from elsewhere.

Each test talks to a real Redis and a real sandbox; "another machine" is another RedisJournal
object (or another process) on the same key.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
import redis

from tests.cli_harness import CLI_SANDBOX, SECRET_KEY
from tests.redis_harness import RedisServer, free_port
from volubile_ext import (
    JournalLockedError,
    JournalMismatchError,
    JournalUnreadableError,
    JournalWriteError,
    Recipient,
    RedisJournal,
    Volubile,
)
from volubile_ext.testing import Delay, DropConnection, Sandbox

SCHEDULE: dict[str, Any] = {
    "name": "Renewals",
    "agent_id": "7c0a8d4e-2f51-4c3b-9f0e-5b2d1a6c3e90",
    "start_date": "2031-03-03",
    "days": "weekdays",
    "time_slots": ["10:00-12:00"],
    "batch_size": 10,
    "timezone": "Europe/Paris",
}
PEOPLE = [Recipient(f"+3361234{index:04d}") for index in range(12)]


# The shared sandbox fixture (tests/conftest.py), accepting SECRET_KEY, with no rate limit.
pytestmark = CLI_SANDBOX


def create_many(base_url: str, journal: Any, **kwargs: Any) -> Any:
    arguments = {**SCHEDULE, "recipients": PEOPLE[:6], "chunk_size": 2, **kwargs}
    with Volubile(SECRET_KEY, base_url=base_url, rate_limit=None) as client:
        return client.campaigns.create_many(journal=journal, **arguments)


def names(sandbox: Sandbox) -> list[str]:
    return sorted(campaign.name for campaign in sandbox.campaigns())


def test_a_run_resumes_from_the_journal_on_another_machine(
    redis_server: RedisServer, redis_key: str, sandbox: Sandbox
) -> None:
    def lose_the_second_response(done: int, total: int) -> None:
        if done == 1:  # chunk 2 is created, but its response never arrives
            sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/campaigns")

    first = create_many(
        sandbox.url,
        RedisJournal(redis_server.url, key=redis_key),
        on_progress=lose_the_second_response,
    )
    assert [c.number for c in first.created] == [1, 3]
    assert [c.number for c in first.uncertain] == [2]
    sent = sandbox.count("POST", "/v1/campaigns")

    # Elsewhere, the same call: nothing is sent again, the uncertain chunk is reported.
    second = create_many(sandbox.url, RedisJournal(redis_server.url, key=redis_key))
    assert [c.number for c in second.created] == [1, 3]
    assert all(c.from_journal for c in second.created)
    assert [c.number for c in second.uncertain] == [2]
    assert sandbox.count("POST", "/v1/campaigns") == sent

    # Found in the account: recorded as created, never sent twice.
    (found,) = [c for c in sandbox.campaigns() if c.name == "Renewals (2/3)"]
    third = create_many(
        sandbox.url,
        RedisJournal(redis_server.url, key=redis_key),
        resolve_uncertain={2: str(found.id)},
    )
    assert third.ok
    assert names(sandbox) == ["Renewals (1/3)", "Renewals (2/3)", "Renewals (3/3)"]
    assert sandbox.count("POST", "/v1/campaigns") == sent


def test_the_records_are_the_file_journals(
    redis_server: RedisServer, redis_key: str, sandbox: Sandbox, tmp_path: Any
) -> None:
    journal = RedisJournal(redis_server.url, key=redis_key)
    create_many(sandbox.url, journal, recipients=PEOPLE[:4])
    create_many(sandbox.url, tmp_path / "run.jsonl", recipients=PEOPLE[4:8], name="Other")
    with redis.Redis.from_url(redis_server.url) as server:
        stored = server.lrange(journal.records_key, 0, -1)
    in_redis = [_shape(line) for line in stored]
    in_file = [_shape(line) for line in (tmp_path / "run.jsonl").read_bytes().splitlines()]
    assert in_redis == in_file
    assert [record["type"] for record in in_redis] == [
        "run",
        "intent",
        "created",
        "intent",
        "created",
    ]


def _shape(line: bytes) -> dict[str, Any]:
    import json

    record: dict[str, Any] = json.loads(line)
    return {k: type(v).__name__ for k, v in record.items()} | {"type": record["type"]}


def test_a_second_runner_is_refused_at_once(
    redis_server: RedisServer, redis_key: str, sandbox: Sandbox
) -> None:
    holder = RedisJournal(redis_server.url, key=redis_key).open(["another run"] * 3)
    try:
        with pytest.raises(JournalLockedError, match="on this machine or another"):
            create_many(sandbox.url, RedisJournal(redis_server.url, key=redis_key))
    finally:
        holder.close()
    assert sandbox.requests == []
    # Released by close(): the next runner takes it at once.
    RedisJournal(redis_server.url, key=redis_key).open(["another run"] * 3).close()


def test_a_redis_without_persistence_is_reported(
    own_redis: RedisServer, redis_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    # own_redis runs without an append-only file: acknowledged records die with Redis.
    RedisJournal(own_redis.url, key=redis_key).open(["a run"]).close()
    assert "keeps no append-only file" in caplog.text


def test_a_run_that_lost_its_lock_stops_before_sending_more(
    redis_server: RedisServer, redis_key: str, sandbox: Sandbox
) -> None:
    journal = RedisJournal(redis_server.url, key=redis_key)

    def taken_over(done: int, total: int) -> None:
        if done == 1:  # the lease lapsed and another runner took the lock
            with redis.Redis.from_url(redis_server.url) as server:
                server.set(journal.lock_key, "another-runner")

    with pytest.raises(JournalWriteError, match="no longer holds the journal's lock") as caught:
        create_many(sandbox.url, journal, on_progress=taken_over)
    assert [c.number for c in caught.value.created] == [1]
    assert names(sandbox) == ["Renewals (1/3)"]


_RUNNER = """
import os, sys
from volubile_ext import Recipient, RedisJournal, Volubile
people = [Recipient(f"+3361234{index:04d}") for index in range(12)]
with Volubile(base_url=sys.argv[1], rate_limit=None) as client:
    client.campaigns.create_many(
        name="Renewals", agent_id="7c0a8d4e-2f51-4c3b-9f0e-5b2d1a6c3e90",
        start_date="2031-03-03", days="weekdays", time_slots=["10:00-12:00"], batch_size=10,
        timezone="Europe/Paris", recipients=people, chunk_size=2,
        journal=RedisJournal(sys.argv[2], key=sys.argv[3], lease=1.0),
    )
"""


def test_sigkill_of_the_runner_loses_nothing_and_creates_nothing_twice(
    redis_server: RedisServer, redis_key: str, sandbox: Sandbox
) -> None:
    # Every response is held a moment, so that the kill lands while a request is in flight.
    sandbox.inject(Delay(0.4, apply=True), method="POST", path="/v1/campaigns", times=None)
    runner = subprocess.Popen(
        [sys.executable, "-c", _RUNNER, sandbox.url, redis_server.url, redis_key],
        env={**os.environ, "VOLUBILE_API_KEY": SECRET_KEY},
    )
    try:
        deadline = time.monotonic() + 60
        while len(sandbox.campaigns()) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        runner.kill()
        runner.wait(10)
    finally:
        if runner.poll() is None:
            runner.kill()
    sandbox.clear_faults()
    before = names(sandbox)
    assert 3 <= len(before) < 6

    # Another runner at once is refused: the dead one's lock lives out its lease.
    with pytest.raises(JournalLockedError):
        create_many(sandbox.url, RedisJournal(redis_server.url, key=redis_key), recipients=PEOPLE)
    time.sleep(1.2)
    resumed = create_many(
        sandbox.url, RedisJournal(redis_server.url, key=redis_key), recipients=PEOPLE
    )
    # Every campaign that existed is in the journal, as created or as uncertain (its intent
    # was recorded before its request left): none is lost, and the uncertain one is not resent.
    known = {c.number for c in resumed.created if c.from_journal} | {
        c.number for c in resumed.uncertain
    }
    assert {int(name.split("(")[1].split("/")[0]) for name in before} <= known
    resolutions = {}
    for chunk in resumed.uncertain:
        found = [c for c in sandbox.campaigns() if c.name == chunk.campaign_name]
        resolutions[chunk.number] = str(found[0].id) if found else "absent"
    final = create_many(
        sandbox.url,
        RedisJournal(redis_server.url, key=redis_key),
        recipients=PEOPLE,
        resolve_uncertain=resolutions,
    )
    assert final.ok
    assert names(sandbox) == [f"Renewals ({k}/6)" for k in range(1, 7)]  # each exactly once


def test_a_journal_of_another_run_or_not_a_journal_is_refused(
    redis_server: RedisServer, redis_key: str, sandbox: Sandbox
) -> None:
    create_many(sandbox.url, RedisJournal(redis_server.url, key=redis_key))
    with pytest.raises(JournalMismatchError, match="other recipients or parameters"):
        create_many(
            sandbox.url, RedisJournal(redis_server.url, key=redis_key), recipients=PEOPLE[:4]
        )
    other = RedisJournal(redis_server.url, key=redis_key + "-garbage")
    with redis.Redis.from_url(redis_server.url) as server:
        server.rpush(other.records_key, b"\xff not json")
    with pytest.raises(JournalUnreadableError, match="record 1: not UTF-8"):
        create_many(sandbox.url, other)
    assert len(sandbox.campaigns()) == 3


def test_redis_unreachable_is_a_clear_error_and_nothing_is_sent(sandbox: Sandbox) -> None:
    journal = RedisJournal(f"redis://:s3cret@127.0.0.1:{free_port()}/0", key="run", timeout=0.5)
    with pytest.raises(JournalWriteError, match="cannot reach Redis to lock") as caught:
        create_many(sandbox.url, journal)
    assert "s3cret" not in str(caught.value)
    assert "nothing was sent" in str(caught.value)
    assert sandbox.requests == []


def test_redis_lost_mid_run_stops_it_naming_what_exists(
    own_redis: RedisServer, redis_key: str, sandbox: Sandbox
) -> None:
    def lose_redis(done: int, total: int) -> None:
        if done == 1:
            own_redis.stop()

    journal = RedisJournal(own_redis.url, key=redis_key, timeout=0.5)
    with pytest.raises(JournalWriteError, match="cannot write to the Redis journal") as caught:
        create_many(sandbox.url, journal, on_progress=lose_redis)
    # Chunk 2's intent could not be recorded: it was not sent. Chunk 1 exists and is named.
    assert [c.number for c in caught.value.created] == [1]
    assert "Renewals (1/3)" in str(caught.value)
    assert names(sandbox) == ["Renewals (1/3)"]
