"""The rate limit shared through Redis: one bound for every participant, against a real Redis.

Several ``RedisRateLimiter`` objects on one key stand for several processes (each has its own
connections and its own participant id); the multi-process acceptance test is in
``test_redis_processes.py``. Waits are read as values, never timed.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cli_harness import SECRET_KEY
from tests.client_harness import create_campaign
from tests.redis_harness import RedisServer, free_port
from volubile_ext import (
    AsyncVolubile,
    RateLimitError,
    RedisRateLimiter,
    RedisUnavailableError,
    Volubile,
)
from volubile_ext._ratelimit import RateLimitWaitTooLong
from volubile_ext.testing import ErrorStatus, Sandbox


@pytest.fixture
def limiters() -> Iterator[list[RedisRateLimiter]]:
    """The limiters a test made (with :func:`make`), closed after it."""
    made: list[RedisRateLimiter] = []
    yield made
    for limiter in made:
        limiter.close()


def make(made: list[RedisRateLimiter], url: str, key: str, **kwargs: Any) -> RedisRateLimiter:
    limiter = RedisRateLimiter(url, key=key, **kwargs)
    made.append(limiter)
    return limiter


@pytest.fixture
def sandbox_20() -> Iterator[Sandbox]:
    with Sandbox(api_keys=[SECRET_KEY], rate_limit=(20, 2.0)) as sb:
        yield sb


def test_a_second_participant_waits_for_the_first_ones_window(
    limiters: list[RedisRateLimiter], redis_server: RedisServer, redis_key: str
) -> None:
    first = make(limiters, redis_server.url, redis_key, rate_limit=(3, 30.0))
    second = make(limiters, redis_server.url, redis_key, rate_limit=(3, 30.0))
    places = [first.reserve_slot() for _ in range(3)]
    assert [wait for wait, _ in places] == [0.0, 0.0, 0.0]
    for _, place in places:
        first.finished(place)
    wait, place = second.reserve_slot()
    # The fourth request of the account waits for the window of the first three, whoever sent
    # them: a whole period after the first one ended.
    assert 29.0 < wait <= 30.0 + second.margin + 0.01
    second.finished(place)


def test_a_place_is_held_until_its_request_ends(
    limiters: list[RedisRateLimiter], redis_server: RedisServer, redis_key: str
) -> None:
    first = make(limiters, redis_server.url, redis_key, rate_limit=(1, 30.0))
    second = make(limiters, redis_server.url, redis_key, rate_limit=(1, 30.0))
    _, running = first.reserve_slot()
    _wait, waiting = second.reserve_slot()
    time.sleep(0.3)
    # Still running: it may reach the server only now, so the estimate moves with the clock.
    assert second.wait(waiting) >= 30.0
    first.finished(running)
    assert second.wait(waiting) < 30.0 + second.margin
    second.finished(waiting)


def test_a_retry_after_pauses_every_participant(
    limiters: list[RedisRateLimiter], redis_server: RedisServer, redis_key: str
) -> None:
    first = make(limiters, redis_server.url, redis_key, rate_limit=(100, 15.0))
    second = make(limiters, redis_server.url, redis_key, rate_limit=(100, 15.0))
    first.pause_for(20.0)
    with pytest.raises(RateLimitWaitTooLong) as too_long:
        second.reserve_slot(max_wait=5.0)
    assert too_long.value.paused
    assert 19.0 < too_long.value.wait <= 20.0


def test_a_wait_past_the_deadline_takes_no_place(
    limiters: list[RedisRateLimiter], redis_server: RedisServer, redis_key: str
) -> None:
    first = make(limiters, redis_server.url, redis_key, rate_limit=(1, 30.0))
    second = make(limiters, redis_server.url, redis_key, rate_limit=(1, 30.0))
    _, place = first.reserve_slot()
    first.finished(place)
    with pytest.raises(RateLimitWaitTooLong):
        second.reserve_slot(max_wait=1.0)
    # Nothing was taken: a third participant's wait is the same, not a window later.
    third = make(limiters, redis_server.url, redis_key, rate_limit=(1, 30.0))
    wait, _ = third.reserve_slot()
    assert wait <= 30.0 + third.margin


_HOLDER = """
import sys, time
from volubile_ext import RedisRateLimiter
limiter = RedisRateLimiter(sys.argv[1], key=sys.argv[2], rate_limit=(2, 30.0), lease=1.0)
places = [limiter.reserve_slot() for _ in range(3)]   # two running, one waiting
print("holding", flush=True)
time.sleep(60)
"""


def test_a_killed_holder_leaks_its_places_for_one_lease_at_most(
    limiters: list[RedisRateLimiter], redis_server: RedisServer, redis_key: str
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, redis_server.url, redis_key],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        other = make(limiters, redis_server.url, redis_key, rate_limit=(2, 30.0), lease=1.0)
        time.sleep(2.5)  # longer than the lease, which the living holder renews meanwhile
        wait, place = other.reserve_slot()
        assert wait >= 30.0  # its two requests are still running, as far as anyone knows
        other.finished(place)
        holder.kill()
        holder.wait(10)
        time.sleep(1.5)  # past the lease
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()
    wait, place = other.reserve_slot()
    # The dead holder's running places ended with its lease, its waiting one was withdrawn:
    # a window from then, not a window from whenever somebody would have noticed.
    assert wait < 30.0 - 0.4
    other.finished(place)


def test_unreachable_at_start_is_a_clear_error_without_the_password() -> None:
    url = f"redis://:hunter2-secret@127.0.0.1:{free_port()}/0"
    with pytest.raises(RedisUnavailableError) as caught:
        RedisRateLimiter(url, key="acct-1", timeout=0.5)
    message = str(caught.value)
    assert "cannot use Redis at redis://***@127.0.0.1:" in message
    assert "hunter2" not in message
    assert "rate_limiter=" in message
    assert caught.value.request_sent is False


def test_a_participant_with_another_limit_is_refused(
    limiters: list[RedisRateLimiter], redis_server: RedisServer, redis_key: str
) -> None:
    make(limiters, redis_server.url, redis_key, rate_limit=(100, 15.0))
    with pytest.raises(ValueError, match=r"in use with rate_limit=\(100, 15\), not \(50, 15\)"):
        RedisRateLimiter(redis_server.url, key=redis_key, rate_limit=(50, 15.0))


@pytest.mark.parametrize(
    ("key", "problem"),
    [("", "needs key="), ("a{b}", "without braces"), ("x" * 201, "at most 200")],
)
def test_bad_keys_are_refused_before_connecting(key: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", key=key)


def test_the_password_stays_out_of_errors_and_repr(own_redis: RedisServer, redis_key: str) -> None:
    import redis

    with redis.Redis.from_url(own_redis.url) as server:
        server.config_set("requirepass", "pw-secret")
    wrong = own_redis.url.replace("//", "//:pw-wrong@")
    with pytest.raises(RedisUnavailableError, match="AuthenticationError") as caught:
        RedisRateLimiter(wrong, key=redis_key)
    assert "pw-wrong" not in str(caught.value)
    limiter = RedisRateLimiter(own_redis.url.replace("//", "//:pw-secret@"), key=redis_key)
    assert "pw-secret" not in repr(limiter)
    assert "redis://***@127.0.0.1" in repr(limiter)
    limiter.close()


def test_rate_limit_and_rate_limiter_together_are_refused(
    limiters: list[RedisRateLimiter], redis_server: RedisServer, redis_key: str
) -> None:
    limiter = make(limiters, redis_server.url, redis_key)
    with pytest.raises(ValueError, match="not both"):
        Volubile(SECRET_KEY, rate_limit=(10, 1.0), rate_limiter=limiter)
    with pytest.raises(TypeError, match="rate_limiter must be"):
        Volubile(SECRET_KEY, rate_limiter=object())  # type: ignore[arg-type]


def test_sync_and_async_clients_share_the_bound(
    limiters: list[RedisRateLimiter],
    redis_server: RedisServer,
    redis_key: str,
    sandbox_20: Sandbox,
) -> None:
    campaign = create_campaign(sandbox_20.url, SECRET_KEY, "Shared", timezone="Europe/Paris")
    sandbox_20.reset_rate_limit()
    sandbox_20.reset_log()
    sync_limiter = make(limiters, redis_server.url, redis_key, rate_limit=(20, 2.0))
    async_limiter = make(limiters, redis_server.url, redis_key, rate_limit=(20, 2.0))

    def sync_worker() -> None:
        with Volubile(SECRET_KEY, base_url=sandbox_20.url, rate_limiter=sync_limiter) as client:
            for _ in range(15):
                client.campaigns.get(campaign.id)

    async def async_worker() -> None:
        async with AsyncVolubile(
            SECRET_KEY, base_url=sandbox_20.url, rate_limiter=async_limiter
        ) as client:

            async def task() -> None:
                for _ in range(5):
                    await client.campaigns.get(campaign.id)

            await asyncio.gather(*(task() for _ in range(3)))
        await async_limiter.aclose()

    thread = threading.Thread(target=sync_worker)
    thread.start()
    asyncio.run(async_worker())
    thread.join(60)
    statuses = [record.status for record in sandbox_20.requests]
    # 30 requests over two windows of 20: without the shared bound, each client would send its
    # own 15 and 20 at once, and the account would draw 429s.
    assert statuses.count(200) == 30
    assert statuses.count(429) == 0


@pytest.mark.parametrize("twin", ["sync", "async"])
def test_a_429_from_the_server_pauses_the_other_participants(
    limiters: list[RedisRateLimiter],
    redis_server: RedisServer,
    redis_key: str,
    sandbox_20: Sandbox,
    twin: str,
) -> None:
    campaign = create_campaign(sandbox_20.url, SECRET_KEY, "Paused", timezone="Europe/Paris")
    first = make(limiters, redis_server.url, redis_key, rate_limit=(20, 2.0))
    second = make(limiters, redis_server.url, redis_key, rate_limit=(20, 2.0))
    sandbox_20.inject(ErrorStatus(429, retry_after=30), method="GET")
    options: dict[str, Any] = {"base_url": sandbox_20.url, "rate_limiter": first, "deadline": 2.0}

    # The retry would wait 30 s, past the deadline: the call gives up, the pause stays, also
    # when the program ends right after (as the async one does here).
    def get() -> None:
        if twin == "sync":
            with Volubile(SECRET_KEY, **options) as client:
                client.campaigns.get(campaign.id)
            return

        async def run() -> None:
            try:
                async with AsyncVolubile(SECRET_KEY, **options) as client:
                    await client.campaigns.get(campaign.id)
            finally:
                await first.aclose()

        asyncio.run(run())

    with pytest.raises(RateLimitError):
        get()
    with pytest.raises(RateLimitWaitTooLong) as too_long:
        second.reserve_slot(max_wait=5.0)
    assert too_long.value.paused
    assert too_long.value.wait > 25.0


def test_redis_lost_mid_run_falls_back_to_a_share_and_warns_once(
    own_redis: RedisServer, redis_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    first = RedisRateLimiter(own_redis.url, key=redis_key, rate_limit=(10, 30.0), timeout=0.5)
    second = RedisRateLimiter(own_redis.url, key=redis_key, rate_limit=(10, 30.0), timeout=0.5)
    for limiter in (first, second, first):  # each report counts the participants seen lately
        _, place = limiter.reserve_slot()
        limiter.finished(place)
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="volubile"):
        waits = [first.reserve_slot()[0] for _ in range(6)]
    assert first.fell_back
    warnings = [r for r in caplog.records if "lost Redis" in r.getMessage()]
    assert len(warnings) == 1
    assert "5 requests per 30 s (1/2 of the account's 10" in warnings[0].getMessage()
    # One window of pause first (the shared window may be full), then 5 places a window: the
    # sixth waits for the first one's window. Never a burst.
    assert all(29.0 < wait <= 30.1 for wait in waits[:5])
    assert waits[5] >= waits[0] + 30.0
    first.close()
    second.close()


def test_redis_lost_with_fail_closed_refuses_to_send_and_recovers(
    own_redis: RedisServer, redis_key: str, sandbox_20: Sandbox
) -> None:
    campaign = create_campaign(sandbox_20.url, SECRET_KEY, "Closed", timezone="Europe/Paris")
    limiter = RedisRateLimiter(
        own_redis.url, key=redis_key, rate_limit=(20, 2.0), fail_closed=True, timeout=0.5
    )
    with Volubile(SECRET_KEY, base_url=sandbox_20.url, rate_limiter=limiter) as client:
        client.campaigns.get(campaign.id)
        own_redis.stop()
        sandbox_20.reset_log()
        with pytest.raises(RedisUnavailableError, match="fail_closed=True the request was not"):
            client.campaigns.get(campaign.id)
        assert sandbox_20.requests == []  # nothing was sent
        own_redis.start()
        client.campaigns.get(campaign.id)
    assert not limiter.fell_back
    assert [record.status for record in sandbox_20.requests] == [200]
    limiter.close()


def test_a_client_keeps_working_when_redis_goes_away(
    own_redis: RedisServer, redis_key: str, sandbox_20: Sandbox
) -> None:
    campaign = create_campaign(sandbox_20.url, SECRET_KEY, "Fallback", timezone="Europe/Paris")
    limiter = RedisRateLimiter(own_redis.url, key=redis_key, rate_limit=(20, 2.0), timeout=0.5)

    async def run() -> None:
        async with AsyncVolubile(SECRET_KEY, base_url=sandbox_20.url, rate_limiter=limiter) as c:
            await c.campaigns.get(campaign.id)
            own_redis.stop()
            await c.campaigns.get(campaign.id)
        await limiter.aclose()

    asyncio.run(run())
    assert limiter.fell_back
    assert [record.status for record in sandbox_20.requests][-2:] == [200, 200]


def test_importing_the_package_does_not_load_redis() -> None:
    code = "import sys, volubile_ext; print('redis' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_an_error_answer_from_redis_is_raised_not_sent_around(
    limiters: list[RedisRateLimiter],
    redis_server: RedisServer,
    redis_key: str,
    sandbox_20: Sandbox,
) -> None:
    import redis

    limiter = make(limiters, redis_server.url, redis_key, rate_limit=(20, 2.0))
    with redis.Redis.from_url(redis_server.url) as server:
        server.set(limiter._keys[0], "not a sorted set")  # something else wrote there
    sandbox_20.reset_log()
    with (
        Volubile(SECRET_KEY, base_url=sandbox_20.url, rate_limiter=limiter) as client,
        pytest.raises(RedisUnavailableError, match="refused the shared rate limiter's script"),
    ):
        client.campaigns.get("497f6eca-6276-4993-bfeb-53cbbbba6f08")
    assert not limiter.fell_back  # Redis is there: no silent fallback around a misconfiguration
    assert sandbox_20.requests == []
