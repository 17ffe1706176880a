"""Shared fixtures. Network traffic in tests goes to loopback only."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The command line's fixtures (cli, sandbox, keyed, no_tty), for every CLI test file; a real
# Redis server (redis_server, own_redis, redis_key) for the shared limiter and journal.
pytest_plugins = ["tests.cli_harness", "tests.redis_harness"]


@pytest.fixture
def anyio_backend() -> str:
    # Async tests run on asyncio, the loop our users run.
    return "asyncio"
