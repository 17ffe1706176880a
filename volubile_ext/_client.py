"""``Volubile`` and ``AsyncVolubile``: the clients people import (construction, wiring, close).

Both compose the generated client (``volubile_api``, through ``_wire``): it owns the httpx
client. What they add over it lives in ``_base_client`` (authentication that refreshes itself, a
client-side rate limiter, retries that never send a campaign creation twice, an overall deadline
per call, typed errors, lenient response parsing) and in the resources (``resources/``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Self

import httpx

from ._base_client import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_RATE_LIMIT,
    DEFAULT_TIMEOUT,
    AsyncAPIClient,
    SyncAPIClient,
)
from ._limiter import RateLimiter
from ._wire import generated_client
from .resources.campaigns import AsyncCampaigns, Campaigns
from .resources.tokens import AsyncAuth, Auth

# perf: "`from volubile_ext import Volubile`" (scripts/bench.py). client.agents and
# client.calls are built on first use (as openai-python's resources are): their module, the
# typed Agent/Call values and the generated agent and call models load then, not with the
# client, which a program that only creates and reads campaigns never needs.
if TYPE_CHECKING:
    from ._token import AccessToken
    from .resources.agents import Agents, AsyncAgents
    from .resources.calls import AsyncCalls, Calls

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "AsyncVolubile",
    "Volubile",
]


class Volubile(SyncAPIClient):
    """The Volubile API client.

    Credentials, in order: ``api_key=`` or ``bearer_token=``, else the ``VOLUBILE_API_KEY``
    environment variable. With ``scopes=`` (and an API key), the client mints short-lived bearer
    tokens and sends the key only to ``POST /v1/auth/token``.

    ``timeout`` bounds each attempt (connect, read, write, pool, as in httpx); ``deadline``
    bounds a whole call, retries and waits included. ``max_retries`` counts retries after the
    first attempt; campaign creation is retried only when the request provably was not applied.
    ``rate_limit=(requests, seconds)`` caps the requests started in any such window (None: off).
    ``rate_limiter=`` replaces that limiter of this client alone by one shared with other
    processes and machines of the account, such as :class:`RedisRateLimiter`.

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        bearer_token: str | None = None,
        scopes: Sequence[str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        rate_limit: tuple[int, float] | None = DEFAULT_RATE_LIMIT,
        rate_limiter: RateLimiter | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        retry_after_ceiling: float = 60.0,
        allow_insecure_http: bool = False,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            bearer_token=bearer_token,
            scopes=scopes,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            rate_limiter=rate_limiter,
            deadline=deadline,
            retry_after_ceiling=retry_after_ceiling,
            allow_insecure_http=allow_insecure_http,
        )
        self._owns_http = http_client is None
        if http_client is None:
            self._http = httpx.Client(**self._httpx_settings())
        else:
            self._adopt(http_client)
            self._http = http_client
        self._generated = generated_client(self.base_url, self._http, None)
        self.campaigns = Campaigns(self)
        self.auth = Auth(self)

    @functools.cached_property
    def agents(self) -> Agents:
        """``client.agents``: read and update the account's agents."""
        from .resources.agents import Agents

        return Agents(self)

    @functools.cached_property
    def calls(self) -> Calls:
        """``client.calls``: list, read and place calls, their transcripts and recordings."""
        from .resources.calls import Calls

        return Calls(self)

    def close(self) -> None:
        """Close the connections (not those of an ``http_client`` you passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _mint_sync(self) -> AccessToken:
        assert self._scopes is not None
        return self.auth.issue_token([scope.value for scope in self._scopes])


class AsyncVolubile(AsyncAPIClient):
    """The asynchronous twin of :class:`Volubile`: same arguments, same methods, as coroutines.

    Use it as an async context manager, or await :meth:`close`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        bearer_token: str | None = None,
        scopes: Sequence[str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        rate_limit: tuple[int, float] | None = DEFAULT_RATE_LIMIT,
        rate_limiter: RateLimiter | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        retry_after_ceiling: float = 60.0,
        allow_insecure_http: bool = False,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            bearer_token=bearer_token,
            scopes=scopes,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            rate_limiter=rate_limiter,
            deadline=deadline,
            retry_after_ceiling=retry_after_ceiling,
            allow_insecure_http=allow_insecure_http,
        )
        self._owns_http = http_client is None
        if http_client is None:
            self._http = httpx.AsyncClient(**self._httpx_settings())
        else:
            self._adopt(http_client)
            self._http = http_client
        self._generated = generated_client(self.base_url, None, self._http)
        self.campaigns = AsyncCampaigns(self)
        self.auth = AsyncAuth(self)

    @functools.cached_property
    def agents(self) -> AsyncAgents:
        """``client.agents``: read and update the account's agents."""
        from .resources.agents import AsyncAgents

        return AsyncAgents(self)

    @functools.cached_property
    def calls(self) -> AsyncCalls:
        """``client.calls``: list, read and place calls, their transcripts and recordings."""
        from .resources.calls import AsyncCalls

        return AsyncCalls(self)

    async def close(self) -> None:
        """Close the connections (not those of an ``http_client`` you passed in)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def _mint_async(self) -> AccessToken:
        assert self._scopes is not None
        return await self.auth.issue_token([scope.value for scope in self._scopes])
