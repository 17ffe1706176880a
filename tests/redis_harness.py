"""A real ``redis-server`` on a free loopback port, for the tests of the Redis limiter and journal.

The tests start it themselves (``.ci/run`` installs the Debian package). Without the binary they
are skipped with a message that says how to run them; the rest of the suite does not need it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.shared_limit import REDIS_SERVER, RedisServer, free_port

__all__ = ["REDIS_SERVER", "RedisServer", "free_port", "needs_redis"]

SKIP_REASON = (
    "needs a real Redis server: install it (as root: apt-get install -y redis-server; "
    "redis-py comes with the dev extra) and run pytest again, or run bash .ci/run, which does both"
)
# .ci/run sets it: there a missing redis-server is a failure, not a skip.
REQUIRED = os.environ.get("VOLUBILE_REQUIRE_REDIS") == "1"
needs_redis = pytest.mark.skipif(REDIS_SERVER is None and not REQUIRED, reason=SKIP_REASON)


def _missing() -> None:
    if REQUIRED:
        pytest.fail("VOLUBILE_REQUIRE_REDIS=1 but redis-server is not on PATH: " + SKIP_REASON)
    pytest.skip(SKIP_REASON)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One Redis for the session; tests keep apart by using keys of their own."""
    if REDIS_SERVER is None:
        _missing()
    # Persistent as a journal's Redis should be (appendonly, fsync at every write).
    server = RedisServer(tmp_path_factory.mktemp("redis"), appendonly=True).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of the test's own, which it may stop (Redis lost) and start again."""
    if REDIS_SERVER is None:
        _missing()
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_key(request: pytest.FixtureRequest) -> str:
    """A key no other test uses."""
    return (
        f"test-{request.node.name}-{time.monotonic_ns()}"[:150].replace("[", "-").replace("]", "")
    )
