"""The acceptance test of the shared limit: four processes, two of them async, one account.

They share a sandbox whose limit is scaled down to 20 requests per 2 s, each with its own
``RedisRateLimiter`` on one key of a real Redis. The sandbox must count no 429 and receive every
request, also when one process is SIGKILLed mid-run (its places, running or waiting, are
released when its lease runs out, or the others would wait forever). How close the span of the
arrivals comes to the shortest span the windows allow (the issue's 1.10x) is a timing figure:
scripts/bench.py's ``redis`` section measures it, not this test.
"""

from __future__ import annotations

import pytest

from scripts.shared_limit import run_shared_limit
from tests.redis_harness import RedisServer, needs_redis

pytestmark = [needs_redis, pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.mark.parametrize("kill", [False, True], ids=["all-run", "one-killed"])
def test_four_processes_share_one_limit(
    redis_server: RedisServer, redis_key: str, kill: bool
) -> None:
    run = run_shared_limit(
        redis_server.url,
        key=redis_key,
        processes=4,
        async_processes=2,
        requests_each=50,
        rate=(20, 2.0),
        kill_after=60 if kill else None,
    )
    assert run.too_many == 0
    # Enough requests for several windows, whoever was killed: the bound is what binds.
    assert run.arrivals >= 130 if kill else run.arrivals == 200
