"""Shared fixtures. Network traffic in tests goes to loopback only.

``sandbox`` is a running :class:`~volubile_ext.testing.Sandbox`, stopped after the test; a test
file (``pytestmark``), class or test that wants other options marks itself
``@pytest.mark.sandbox(rate_limit=None, ...)`` with the keyword arguments of ``Sandbox``.
``server`` is a ``ScriptedServer`` answering with ``api`` (a ``FakeApi``; a file overrides the
``api`` fixture to script another); ``harness`` is a client on it of each kind in turn (the test
runs on both twins), ``sync_harness`` the sync one; ``harnesses(kind, **options)`` makes more,
closed after the test; ``quick_backoff`` shortens the exponential backoff.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.client_harness import API_KEY, FakeApi, Harness
from tests.scripted_server import Action, ScriptedServer
from volubile_ext import _retry
from volubile_ext.testing import Sandbox

# The command line's fixtures (cli, keyed, no_tty), for every CLI test file; a real Redis server
# (redis_server, own_redis, redis_key) for the shared limiter and journal.
pytest_plugins = ["tests.cli_harness", "tests.redis_harness"]


@pytest.fixture
def anyio_backend() -> str:
    # Async tests run on asyncio, the loop our users run.
    return "asyncio"


@pytest.fixture
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A running sandbox made with the closest ``@pytest.mark.sandbox(...)``'s arguments."""
    marker = request.node.get_closest_marker("sandbox")
    with Sandbox(**(marker.kwargs if marker else {})) as running:
        yield running


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """An httpx client on the sandbox that sends its API key."""
    with httpx.Client(
        base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}, timeout=5
    ) as client:
        yield client


@pytest.fixture
def api() -> Action:
    return FakeApi()


@pytest.fixture
def server(api: Action) -> Iterator[ScriptedServer]:
    with ScriptedServer(default=api) as running:
        yield running


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # Exponential backoff is not what these tests measure (Retry-After waits are, and stay
    # real); short waits keep the many retried cases fast.
    monkeypatch.setattr(_retry.RetryPolicy, "backoff", lambda self, n: 0.01)


def _client_on(server: ScriptedServer, kind: str) -> Iterator[Harness]:
    made = Harness(kind, api_key=API_KEY, base_url=server.url, rate_limit=None)
    yield made
    made.close()


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest, server: ScriptedServer) -> Iterator[Harness]:
    yield from _client_on(server, str(request.param))


@pytest.fixture
def sync_harness(server: ScriptedServer) -> Iterator[Harness]:
    yield from _client_on(server, "sync")


@pytest.fixture
def harnesses() -> Iterator[Callable[..., Harness]]:
    """``harnesses(kind, **client_options)`` makes a Harness; each is closed after the test."""
    made: list[Harness] = []

    def build(kind: str, **options: Any) -> Harness:
        made.append(Harness(kind, **options))
        return made[-1]

    yield build
    for harness in made:
        harness.close()
