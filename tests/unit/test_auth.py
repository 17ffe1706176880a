"""The auth classes on their own, with plain httpx and a mock transport (fine-grained cases)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import httpx
import pytest

from tests.client_harness import API_KEY
from volubile_ext import AccessToken, ApiKeyAuth, BearerTokenAuth, MintedTokenAuth
from volubile_ext._auth import refresh_margin


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def minting(clock: Clock, lifetime: float = 900) -> tuple[MintedTokenAuth, list[str]]:
    minted: list[str] = []

    def mint() -> AccessToken:
        token = f"jwt-{len(minted) + 1}-abcdefghijkl"
        minted.append(token)
        return AccessToken(token, lifetime, expires_at=clock() + lifetime)

    async def amint() -> AccessToken:
        await asyncio.sleep(0.05)  # other tasks pile up while the mint is in flight
        return mint()

    return MintedTokenAuth(mint, amint, clock=clock), minted


def recorder(
    status: Callable[[httpx.Request], int] = lambda r: 200,
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status(request))

    return httpx.MockTransport(handler), seen


def test_api_key_auth_with_plain_httpx() -> None:
    transport, seen = recorder()
    with httpx.Client(transport=transport, auth=ApiKeyAuth(API_KEY)) as client:
        client.get("https://api.eu.volubile.ai/v1/campaigns/x")
    assert seen[0].headers["X-Api-Key"] == API_KEY
    assert API_KEY not in repr(ApiKeyAuth(API_KEY))


def test_bearer_token_auth_sends_the_token_as_is() -> None:
    transport, seen = recorder(lambda r: 401)
    with httpx.Client(transport=transport, auth=BearerTokenAuth("jwt-static-abcdefgh")) as client:
        response = client.get("https://api.eu.volubile.ai/v1/campaigns/x")
    assert response.status_code == 401
    assert len(seen) == 1  # never refreshed, never replayed
    assert seen[0].headers["Authorization"] == "Bearer jwt-static-abcdefgh"


@pytest.mark.parametrize("bad", ["", None, 42])
def test_empty_credentials_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        ApiKeyAuth(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty"):
        BearerTokenAuth(bad)  # type: ignore[arg-type]


def test_refresh_margin_is_ten_percent_capped_at_a_minute() -> None:
    assert refresh_margin(900) == 60
    assert refresh_margin(300) == 30
    assert refresh_margin(10) == 1


def test_minted_token_is_reused_then_refreshed_inside_the_margin() -> None:
    clock = Clock()
    auth, minted = minting(clock, lifetime=900)
    transport, seen = recorder()
    with httpx.Client(transport=transport, auth=auth) as client:
        client.get("https://x/1")
        clock.now += 839  # 61 s before expiry
        client.get("https://x/2")
        clock.now += 2  # 59 s before expiry: inside the 60 s margin
        client.get("https://x/3")
    assert minted == ["jwt-1-abcdefghijkl", "jwt-2-abcdefghijkl"]
    assert [r.headers["Authorization"] for r in seen] == [
        "Bearer jwt-1-abcdefghijkl",
        "Bearer jwt-1-abcdefghijkl",
        "Bearer jwt-2-abcdefghijkl",
    ]


def test_a_token_without_lifetime_is_kept_until_refused() -> None:
    clock = Clock()
    auth = MintedTokenAuth(lambda: AccessToken("jwt-forever-abcdefgh"), _never, clock=clock)
    clock.now += 10**9
    assert auth.get_token().token == "jwt-forever-abcdefgh"
    assert auth.mints == 1
    assert auth.get_token() is auth.current_token
    assert auth.mints == 1


async def _never() -> AccessToken:  # pragma: no cover - not awaited in sync tests
    raise AssertionError


def test_401_replays_once_with_a_new_token_then_gives_the_401_back() -> None:
    clock = Clock()
    auth, minted = minting(clock)
    transport, seen = recorder(lambda r: 401)
    with httpx.Client(transport=transport, auth=auth) as client:
        response = client.get("https://x/")
    assert response.status_code == 401
    assert len(seen) == 2
    assert len(minted) == 2
    assert seen[1].headers["Authorization"] == f"Bearer {minted[1]}"


def test_concurrent_401s_on_the_same_token_cause_one_new_mint() -> None:
    clock = Clock()
    auth, minted = minting(clock)
    refused = auth.get_token()
    auth._forget(refused)
    auth._forget(refused)  # a second caller refused with the same token
    auth.get_token()
    auth._forget(refused)  # a late caller must not drop the new token
    assert auth.get_token().token == minted[1]
    assert len(minted) == 2


def test_thread_single_flight() -> None:
    clock = Clock()
    minted: list[str] = []
    gate = threading.Event()

    def slow_mint() -> AccessToken:
        gate.wait(0.2)
        minted.append("t")
        return AccessToken("jwt-slow-abcdefghijkl", 900, expires_at=clock() + 900)

    auth = MintedTokenAuth(slow_mint, _never, clock=clock)
    barrier = threading.Barrier(50)
    tokens: list[str] = []

    def worker() -> None:
        barrier.wait()
        tokens.append(auth.get_token().token)

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert minted == ["t"]
    assert len(tokens) == 50


def test_task_single_flight_and_a_cancelled_waiter_does_not_cancel_the_mint() -> None:
    clock = Clock()
    auth, minted = minting(clock)

    async def main() -> list[str]:
        first = asyncio.ensure_future(auth.aget_token())
        await asyncio.sleep(0)
        first.cancel()
        results = await asyncio.gather(*(auth.aget_token() for _ in range(50)))
        return [token.token for token in results]

    tokens = asyncio.run(main())
    assert minted == ["jwt-1-abcdefghijkl"]
    assert set(tokens) == {"jwt-1-abcdefghijkl"}


def test_a_failed_mint_reaches_every_waiter_and_the_next_call_tries_again() -> None:
    clock = Clock()
    attempts: list[int] = []

    async def failing() -> AccessToken:
        attempts.append(1)
        await asyncio.sleep(0.01)
        if len(attempts) == 1:
            raise RuntimeError("token endpoint down")
        return AccessToken("jwt-second-abcdefgh", 900, expires_at=clock() + 900)

    auth = MintedTokenAuth(lambda: AccessToken("unused"), failing, clock=clock)

    async def main() -> str:
        results = await asyncio.gather(
            *(auth.aget_token() for _ in range(5)), return_exceptions=True
        )
        assert all(isinstance(result, RuntimeError) for result in results)
        return (await auth.aget_token()).token

    assert asyncio.run(main()) == "jwt-second-abcdefgh"
    assert len(attempts) == 2


def test_access_token_repr_hides_the_token() -> None:
    token = AccessToken("eyJhbGciOiJIUzI1NiJ9.payload.signature", 900)
    assert "payload" not in repr(token)
    assert "signature" not in str(token)
    assert "…ture" in repr(token)
