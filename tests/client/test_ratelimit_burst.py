"""Bursts against the sandbox's own rate limit, over real loopback sockets: zero 429s.

The sandbox counts a request when it arrives, in fixed windows anchored on the first arrival,
as the API does. A client limited to the same figures must never be refused, however many
threads or tasks start at once, and whatever happens between a request's start and its arrival
(a new connection's set-up, a busy event loop, a slow first wave). What counts is what the
server answered: its request log.

The limit is scaled down (20 per second) so that a three-window burst takes about 2 s; the
default limit's figures (200 requests at 100 per 15 s) are in scripts/bench.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from typing import Any

import httpx
import pytest

from tests.client_harness import create_campaign, in_threads
from volubile_ext import APITimeoutError, AsyncVolubile, Campaign, Volubile
from volubile_ext.testing import Delay, Sandbox

LIMIT = (20, 1.0)
BURST = 50  # three windows: 20, 20, 10
pytestmark = pytest.mark.sandbox(rate_limit=LIMIT)


@pytest.fixture
def campaign_id(sandbox: Sandbox) -> str:
    """One campaign to read, created outside the window under test."""
    campaign = create_campaign(sandbox.url, sandbox.api_key, "Burst")
    # The sandbox limits as LIMIT says (pytestmark): under a looser limit no burst would be refused.
    answer = httpx.get(
        f"{sandbox.url}/v1/campaigns/{campaign.id}", headers={"X-Api-Key": sandbox.api_key}
    )
    assert answer.headers["X-RateLimit-Limit"] == str(LIMIT[0])
    sandbox.reset_rate_limit()
    sandbox.reset_log()
    return str(campaign.id)


class SlowFirstWave:
    """Delays the first ``count`` requests before they leave, as a slow connection set-up would.

    The requests still go over real sockets to the sandbox; only their arrival comes later
    than their start. A limiter that reckons from starts lets the next window's requests
    arrive less than a window after these.
    """

    def __init__(self, count: int, delay: float) -> None:
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self.count = count
        self.delay = delay

    def due(self) -> float:
        with self._lock:
            return self.delay if next(self._counter) < self.count else 0.0


class SlowSyncTransport(httpx.HTTPTransport):
    def __init__(self, wave: SlowFirstWave) -> None:
        super().__init__()
        self._wave = wave

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self._wave.due())
        return super().handle_request(request)


class SlowAsyncTransport(httpx.AsyncHTTPTransport):
    def __init__(self, wave: SlowFirstWave) -> None:
        super().__init__()
        self._wave = wave

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self._wave.due())
        return await super().handle_async_request(request)


def burst_with_threads(client: Volubile, campaign_id: str, count: int) -> list[Campaign]:
    barrier = threading.Barrier(count)
    results: list[Campaign] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one() -> None:
        barrier.wait()
        try:
            campaign = client.campaigns.get(campaign_id)
        except BaseException as error:
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(campaign)

    in_threads(one, count)
    assert errors == []
    return results


async def burst_with_tasks(client: AsyncVolubile, campaign_id: str, count: int) -> list[Campaign]:
    return list(await asyncio.gather(*(client.campaigns.get(campaign_id) for _ in range(count))))


def run_burst(
    kind: str,
    sandbox: Sandbox,
    campaign_id: str,
    wave: SlowFirstWave | None = None,
    **extra: Any,
) -> list[Campaign]:
    # No retries: a 429 must show as a failure here, not be absorbed by a retry.
    options: dict[str, Any] = {
        "api_key": sandbox.api_key,
        "base_url": sandbox.url,
        "rate_limit": LIMIT,
        "deadline": None,
        "max_retries": 0,
        **extra,
    }
    if kind == "sync":
        with contextlib.ExitStack() as stack:
            if wave is not None:
                options["http_client"] = stack.enter_context(
                    httpx.Client(transport=SlowSyncTransport(wave))
                )
            client = stack.enter_context(Volubile(**options))
            return burst_with_threads(client, campaign_id, BURST)

    async def main() -> list[Campaign]:
        async with contextlib.AsyncExitStack() as stack:
            if wave is not None:
                options["http_client"] = await stack.enter_async_context(
                    httpx.AsyncClient(transport=SlowAsyncTransport(wave))
                )
            client = await stack.enter_async_context(AsyncVolubile(**options))
            return await burst_with_tasks(client, campaign_id, BURST)

    return asyncio.run(main())


def assert_within_the_servers_bound(sandbox: Sandbox, requests: int = BURST) -> None:
    records = sandbox.requests
    assert [r.status for r in records if r.status != 200] == []  # no 429, nothing else either
    assert len(records) == requests


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_burst_draws_no_429(kind: str, sandbox: Sandbox, campaign_id: str) -> None:
    campaigns = run_burst(kind, sandbox, campaign_id)

    assert len(campaigns) == BURST
    assert_within_the_servers_bound(sandbox)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_burst_whose_first_wave_arrives_late_draws_no_429(
    kind: str, sandbox: Sandbox, campaign_id: str
) -> None:
    # The first window's requests reach the server 0.3 s after they started; the next window
    # must open a period after they *ended*, not after they started.
    campaigns = run_burst(kind, sandbox, campaign_id, SlowFirstWave(LIMIT[0], 0.3))

    assert len(campaigns) == BURST
    assert_within_the_servers_bound(sandbox)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_burst_that_mints_its_token_draws_no_429(
    kind: str, sandbox: Sandbox, campaign_id: str
) -> None:
    # Every caller needs the token minted in the middle of the burst: the mint takes a place of
    # its own, and no request holds a place while it waits for the token.
    campaigns = run_burst(kind, sandbox, campaign_id, scopes=["campaigns:read"])

    assert len(campaigns) == BURST
    assert sandbox.count("POST", "/v1/auth/token") == 1
    assert_within_the_servers_bound(sandbox, BURST + 1)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_wait_that_outgrows_the_deadline_gives_up_sending_nothing(
    kind: str, sandbox: Sandbox, campaign_id: str
) -> None:
    # One request per second, and the first one's answer takes 2.5 s: the second call's place
    # comes a second after that answer, past its 1.5 s deadline. It learns so while waiting.
    sandbox.inject(Delay(2.5), method="GET")
    options: dict[str, Any] = {
        "api_key": sandbox.api_key,
        "base_url": sandbox.url,
        "rate_limit": (1, 1.0),
        "deadline": 1.5,
        "max_retries": 0,
    }
    caught: list[BaseException] = []

    def caught_first(get: Any) -> None:
        with contextlib.suppress(APITimeoutError):  # its answer comes too late for it
            get(campaign_id)

    async def both_async() -> None:
        async with AsyncVolubile(**options) as client:
            first = asyncio.create_task(client.campaigns.get(campaign_id))
            await asyncio.sleep(0.2)
            try:
                await client.campaigns.get(campaign_id)
            except APITimeoutError as error:
                caught.append(error)
            with contextlib.suppress(APITimeoutError):  # its answer comes too late for it
                await first

    if kind == "async":
        asyncio.run(both_async())
    else:
        with Volubile(**options) as client:
            first = threading.Thread(target=lambda: caught_first(client.campaigns.get))
            first.start()
            time.sleep(0.2)
            try:
                client.campaigns.get(campaign_id)
            except APITimeoutError as error:
                caught.append(error)
            first.join()

    (error,) = caught
    assert error.request_sent is False
    assert "rate limit would delay the request" in str(error)
    assert sandbox.count("GET") == 1  # only the first call's request reached the server
