"""The runtime shared by ``Volubile`` and ``AsyncVolubile``: one call, many attempts.

An :class:`_Operation` is one call of an API operation as the send loop sees it: what to send,
its rules, its state across attempts (deadline, retries) and the auth flow of its requests.
:class:`_BaseClient` holds every decision
(attempt timeouts, rate-limiter places, retry, error and result mapping); the sync and async
send loops (:class:`SyncAPIClient`, :class:`AsyncAPIClient`) only sleep and send, so the two
clients cannot drift apart in behaviour.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Sequence,
)
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast
from urllib.parse import urlsplit

import attrs
import httpx

if TYPE_CHECKING:
    from ._wire import AuthenticatedClient, CampaignStatusUpdate, ErrorResponse, Scope

from ._auth import (
    SECRET_HEADERS,
    ApiKeyAuth,
    BearerTokenAuth,
    HeaderAuth,
    MintedTokenAuth,
    clean_credential,
)
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientValidationError,
    FieldError,
    RateLimitError,
    VolubileError,
    error_from_response,
    parse_retry_after,
)
from ._limiter import AsyncRateLimiter, RateLimiter
from ._ratelimit import RateLimitInfo, RateLimitWaitTooLong, SlidingWindowLimiter, figures_in
from ._retry import RetryPolicy, TransportFailure, classify_transport_error
from ._version import __version__
from ._wire import (
    Exchange,
    RequestOptions,
    Response,
    campaign_request_model,
    create_campaign,
    get_campaign,
    issue_token,
    known_scopes,
    set_campaign_status,
    status_update,
)

# perf: "`from volubile_ext import Volubile`" (scripts/bench.py): the campaign input rules load
# with the first create, the campaign values (``_models``, with the generated campaign models
# they derive from) with the first response that needs them, and ``uuid`` with the first id
# checked, not with the client.
if TYPE_CHECKING:
    import uuid

    from ._models import Campaign, CampaignStatus, ResponseInfo
    from ._token import AccessToken
    from ._wire import AuthTokenResponse, CampaignResponse
    from .campaigns._campaign_input import CampaignRequest

logger = logging.getLogger("volubile")

DEFAULT_BASE_URL = "https://api.eu.volubile.ai"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_DEADLINE = 120.0
DEFAULT_RATE_LIMIT = (100, 15.0)
API_KEY_ENV = "VOLUBILE_API_KEY"
BASE_URL_ENV = "VOLUBILE_BASE_URL"
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

CAMPAIGN_MAY_EXIST = (
    "The campaign may have been created: the request may have reached the server before the "
    "failure, so it was not sent again (a second campaign would call the same people twice). "
    "Check the account's campaigns in the Volubile app before creating it again"
)
STATIC_TOKEN_REFUSED = (
    "The bearer token was refused; it may have expired. Mint a new one, or give the client "
    "api_key= and scopes= so that it mints and refreshes tokens itself"
)


T = TypeVar("T")


class _Operation(httpx.Auth, Generic[T]):
    """One call of an API operation, across its attempts: the one object the send loop keeps.

    What to send (a generated endpoint and its bound arguments, an :data:`Exchange`), the
    operation's rules (retry, what an error says), the call's state (started, deadline,
    retries, whether a request may have left) and, as an ``httpx.Auth``, the flow every request
    of the call goes through: ``auth`` (the credentials) wrapped so that each request takes its
    own place in the client's rate limiter.

    The place is taken just before a request leaves, once the wrapped flow has done its own
    work, and held until its response is back (or it failed). So the call's request and a replay
    after a 401 each count once, from when they may reach the server; and minting a token (a
    call of its own, with its own place, made inside the flow) never waits for a place behind
    the request that needs the token.
    """

    # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): one object per call (it was
    # an operation, an exchange of two closures, a call state and an auth flow), and the rules
    # most operations share are class defaults, set on the instance only where they differ.
    creates_campaign = False
    # What an error says when the operation (never resent: idempotent=False) may have been
    # applied: the campaign, or the call, may exist (CAMPAIGN_MAY_EXIST for a campaign).
    may_exist: str | None = None
    # The response body is a stream (a recording), read by the caller: the request keeps its
    # rate-limiter place until that stream is closed.
    streams = False
    # Set when a request leaves (_attempt_options, or the flow after the wait for a limiter
    # place): an interrupt after that may leave the operation applied.
    may_have_been_sent = False
    # The call's state, set by the client when it sends the operation (_BaseClient._begin).
    retries = 0
    started = 0.0
    deadline_at: float | None = None
    client: _BaseClient

    def __init__(
        self,
        name: str,
        exchange: Exchange[T],
        *,
        idempotent: bool,
        auth: httpx.Auth,
        creates_campaign: bool = False,
        may_exist: str | None = None,
        streams: bool = False,
    ) -> None:
        self.name = name
        self.endpoint, self.args, self.kwargs = exchange
        self.idempotent = idempotent
        self.auth = auth
        if creates_campaign:
            self.creates_campaign = True
            may_exist = may_exist or CAMPAIGN_MAY_EXIST
        if may_exist is not None:
            self.may_exist = may_exist
        if streams:
            self.streams = True

    def __repr__(self) -> str:
        return f"_Operation({self.name!r}, retries={self.retries})"

    def remaining(self, now: float) -> float | None:
        """Seconds left before the call's deadline (None: no deadline)."""
        return None if self.deadline_at is None else self.deadline_at - now

    @property
    def requires_request_body(self) -> bool:  # type: ignore[override]
        return self.auth.requires_request_body

    @property
    def requires_response_body(self) -> bool:  # type: ignore[override]
        return self.auth.requires_response_body

    def _reserve(self, limiter: RateLimiter, replay: bool) -> tuple[float, Any]:
        """Seconds to wait for a rate-limit place, and the place to release once the request
        ends; raises when the wait outlives the deadline. While the wait is more than 0, sleep
        and ask the limiter again (_BaseClient._slot_wait): the first figure is an estimate
        while requests ahead run."""
        deadline_at = self.deadline_at
        try:
            return limiter.reserve_slot(
                max_wait=None if deadline_at is None else deadline_at - time.monotonic()
            )
        except RateLimitWaitTooLong as too_long:
            raise self.client._rate_limit_timeout(self, too_long, replay) from None

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        client = self.client
        # The flow is used only with a limiter (typing.cast would be a call per request).
        limiter: RateLimiter = client.limiter  # type: ignore[assignment]
        flow = _wrapped_flow(self.auth, request)
        try:
            request, replay = (next(flow) if flow is not None else request), False
            while True:
                wait, slot = self._reserve(limiter, replay)
                try:
                    if wait > 0:
                        while wait > 0:
                            time.sleep(wait)
                            wait = client._slot_wait(self, slot, replay=replay)
                        client._retimed(request, self)
                    self.may_have_been_sent = True
                    response = yield request
                    if self.streams:
                        # Released when the body has been read or the response closed.
                        response.stream = _ReleasingStream(response.stream, client, slot)
                        slot = _HANDED_OVER
                finally:
                    if slot is not _HANDED_OVER:
                        # The server counted the request somewhere between its start and now:
                        # it keeps its place in the limiter's window until now (see
                        # _ratelimit). A place that never started (the call gave up or was
                        # cancelled while waiting) is withdrawn.
                        limiter.finished(slot)
                if flow is None:
                    return
                try:
                    request, replay = flow.send(response), True
                except StopIteration:
                    return
        finally:
            if flow is not None:
                flow.close()

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        client = self.client
        limiter: RateLimiter = client.limiter  # type: ignore[assignment]
        # perf: "async `campaigns.get` vs raw httpx" (scripts/bench.py): a limiter whose places
        # cost no I/O (the in-process one) is asked directly, without a coroutine per request.
        local = client._async_limiter is None
        flow = _wrapped_async_flow(self.auth, request)
        try:
            request, replay = (await flow.__anext__() if flow is not None else request), False
            while True:
                if local:
                    wait, slot = self._reserve(limiter, replay)
                else:
                    wait, slot = await client._reserve_slot_async(self, replay=replay)
                try:
                    if wait > 0:
                        # perf: "async `campaigns.get` vs raw httpx" (scripts/bench.py): imported
                        # only to wait, not on every request (sync-only programs never load it).
                        import asyncio

                        while wait > 0:
                            await asyncio.sleep(wait)
                            wait = await client._slot_wait_async(self, slot, replay=replay)
                        client._retimed(request, self)
                    self.may_have_been_sent = True
                    response = yield request
                    if self.streams:
                        response.stream = _AsyncReleasingStream(response.stream, client, slot)
                        slot = _HANDED_OVER
                finally:
                    if slot is _HANDED_OVER:
                        pass  # the stream releases it when the body is read or closed
                    elif local:
                        limiter.finished(slot)
                    else:
                        await client._finished_async(slot)
                if flow is None:
                    return
                try:
                    request, replay = await flow.asend(response), True
                except StopAsyncIteration:
                    return
        finally:
            if flow is not None:
                await flow.aclose()


# perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): an API key or a static bearer
# token is one header, set here; running its flow inside the operation's cost a second generator
# (and a StopIteration) per request. Any other auth (minted tokens: a mint, a replay after a
# 401) runs its own flow, wrapped.
def _wrapped_flow(
    auth: httpx.Auth, request: httpx.Request
) -> Generator[httpx.Request, httpx.Response, None] | None:
    if isinstance(auth, HeaderAuth):
        auth.set_header(request)
        return None
    return auth.sync_auth_flow(request)


def _wrapped_async_flow(
    auth: httpx.Auth, request: httpx.Request
) -> AsyncGenerator[httpx.Request, httpx.Response] | None:
    if isinstance(auth, HeaderAuth):
        auth.set_header(request)
        return None
    return auth.async_auth_flow(request)


_HANDED_OVER: Any = object()


class _ReleasingStream(httpx.SyncByteStream):
    """A streamed response body that gives its request's rate-limiter place back when closed.

    A recording may take a while to download; the request stays in flight, for the limiter as
    for the server, until its last byte (or its close): the place is held that long, and given
    back exactly once.
    """

    def __init__(self, stream: Any, client: _BaseClient, slot: Any) -> None:
        self._stream = stream
        self._client = client
        self._slot = slot

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            slot, self._slot = self._slot, _HANDED_OVER
            if slot is not _HANDED_OVER:
                self._client._finished(slot)


class _AsyncReleasingStream(httpx.AsyncByteStream):
    """:class:`_ReleasingStream` for AsyncVolubile."""

    def __init__(self, stream: Any, client: _BaseClient, slot: Any) -> None:
        self._stream = stream
        self._client = client
        self._slot = slot

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            slot, self._slot = self._slot, _HANDED_OVER
            if slot is not _HANDED_OVER:
                await self._client._finished_async(slot)


class _CampaignValues:
    """The campaign values and the generated model they are read from, imported by the first
    response that needs them (see the TYPE_CHECKING imports above)."""

    __slots__ = ("campaign", "campaign_status", "parse_campaign", "response_info")

    def __init__(self) -> None:
        from ._models import Campaign, CampaignStatus, ResponseInfo, parse_campaign

        self.response_info: type[ResponseInfo] = ResponseInfo
        self.campaign_status: type[CampaignStatus] = CampaignStatus
        self.campaign: type[Campaign] = Campaign
        self.parse_campaign: Callable[[Any, ResponseInfo], Campaign] = parse_campaign


# perf: "`from volubile_ext import Volubile`" (scripts/bench.py), without costing the
# "`campaigns.get` vs raw httpx" row: a cached call (about 0.1 µs) on each response rather than
# import statements (about 2 µs each).
@functools.cache
def _campaign_values() -> _CampaignValues:
    return _CampaignValues()


def _uuid_of(value: uuid.UUID | str, noun: str) -> uuid.UUID:
    """``value`` as a UUID (text in any case, surrounding space ignored), or a
    ClientValidationError about the ``noun`` ("campaign id", "call id"...)."""
    import uuid  # perf: see the TYPE_CHECKING imports above

    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise ClientValidationError(
            [
                FieldError(
                    "id", f"must be a{'n' if noun[0] in 'aeiou' else ''} {noun} (a UUID)", value
                )
            ],
            subject=noun,
        ) from None


def _campaign_id(value: uuid.UUID | str) -> str:
    """The campaign id's canonical text (lower-case, hyphenated: what ``str(UUID)`` writes), or
    the ClientValidationError of :func:`_uuid_of`."""
    # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): the id a caller holds is
    # usually the text the API gave, already canonical: one pattern checks it, where parsing
    # it into a UUID to write it out again cost about 130 bytecodes a request.
    if type(value) is str and _canonical_uuid_text()(value) is not None:
        return value
    return str(_uuid_of(value, "campaign id"))


@functools.cache
def _canonical_uuid_text() -> Callable[[str], re.Match[str] | None]:
    # Compiled by the first id checked, not when the module loads.
    return re.compile(
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII
    ).fullmatch


def _status_value(status: CampaignStatus | str) -> CampaignStatusUpdate:
    known = _campaign_values().campaign_status
    text = status.value if isinstance(status, known) else str(status).strip().upper()
    try:
        return status_update(text)
    except ValueError:
        allowed = ", ".join(member.value for member in known)
        raise ClientValidationError(
            [FieldError("status", f"must be one of {allowed}", status)], subject="status"
        ) from None


def _scopes(scopes: Iterable[str] | str) -> tuple[Scope, ...]:
    items = [scopes] if isinstance(scopes, str) else list(scopes)
    known = known_scopes()
    problems = []
    found: list[Scope] = []
    for index, scope in enumerate(items):
        member = known.get(scope) if isinstance(scope, str) else None
        if member is None:
            allowed = ", ".join(known)
            problems.append(FieldError(f"scope[{index}]", f"must be one of {allowed}", scope))
        elif member not in found:
            found.append(member)
    if not items:
        problems.append(FieldError("scope", "must name at least one scope", []))
    if problems:
        raise ClientValidationError(problems, subject="token request")
    return tuple(found)


def _request_of(error: httpx.TransportError) -> httpx.Request | None:
    try:
        return error.request
    except RuntimeError:  # raised before httpx had a request to attach
        return None


def _check_base_url(base_url: str, allow_insecure_http: bool) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL}")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS and not allow_insecure_http:
        raise ValueError(
            f"refusing plain http:// to {parts.hostname}: credentials would travel in clear text. "
            "Use https://, or pass allow_insecure_http=True if you really mean it"
        )
    return base_url.rstrip("/")


def _longest(timeout: httpx.Timeout) -> float | None:
    values = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    if any(value is None for value in values):
        return None
    return max(cast(tuple[float, ...], values))


class _BaseClient:
    """Configuration and every decision shared by :class:`Volubile` and :class:`AsyncVolubile`."""

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
    ) -> None:
        # Credentials are checked first, before anything can be sent or logged: surrounding
        # whitespace removed (a key read from a file ends with a newline), control characters
        # refused with an error that never shows the value (clean_credential).
        if api_key is not None and bearer_token is not None:
            raise ValueError("pass api_key or bearer_token, not both")
        if api_key is not None:
            api_key = clean_credential(api_key, "api_key")
        elif bearer_token is not None:
            bearer_token = clean_credential(bearer_token, "bearer_token")
        else:
            from_env = os.environ.get(API_KEY_ENV, "")
            # Set but blank (`export VOLUBILE_API_KEY=`) counts as not set.
            if from_env.strip():
                api_key = clean_credential(from_env, f"the {API_KEY_ENV} environment variable")
        if api_key is None and bearer_token is None:
            raise VolubileError(
                f"No credentials: pass api_key=... (or bearer_token=...), or set the {API_KEY_ENV} "
                "environment variable"
            )
        if scopes is not None and api_key is None:
            raise ValueError("scopes= mints tokens from an API key: pass api_key= as well")
        if deadline is not None and not deadline > 0:
            raise ValueError(f"deadline must be a number of seconds > 0, or None; not {deadline!r}")
        self.base_url = _check_base_url(
            base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL, allow_insecure_http
        )
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        # While more than this is left before the deadline, no attempt's timeout needs clipping
        # and the configured one is used as is (None: some timeout is unbounded, always clip).
        self._longest_timeout = _longest(self.timeout)
        # Whether the httpx client's own timeout is self.timeout (set when we build it): an
        # attempt that needs no clipping then leaves the timeout to httpx (_attempt_options).
        self._http_has_timeout = False
        self.deadline = deadline
        # Whether _begin decides a call's first attempt alone (set with _http_has_timeout).
        self._plain_first_attempt = False
        self.retry_policy = RetryPolicy(
            max_retries=max_retries, retry_after_ceiling=retry_after_ceiling
        )
        self.limiter: RateLimiter | None
        if rate_limiter is not None:
            if rate_limit is not DEFAULT_RATE_LIMIT:
                raise ValueError(
                    "pass rate_limit=(requests, seconds) or rate_limiter=, not both: a shared "
                    "limiter takes its limit as its own argument"
                )
            if not isinstance(rate_limiter, RateLimiter):
                raise TypeError(
                    "rate_limiter must be a rate limiter such as RedisRateLimiter (with "
                    f"reserve_slot, wait, finished and pause_for), not {type(rate_limiter)!r}"
                )
            self.limiter = rate_limiter
        else:
            self.limiter = SlidingWindowLimiter(*rate_limit) if rate_limit is not None else None
        # Checked once: AsyncVolubile awaits the places of a limiter whose places cost I/O.
        self._async_limiter = self.limiter if isinstance(self.limiter, AsyncRateLimiter) else None
        self._rate_limit: RateLimitInfo = RateLimitInfo()
        self._static_bearer = bearer_token is not None
        self._api_key_auth = ApiKeyAuth(api_key) if api_key is not None else None
        self._scopes = _scopes(scopes) if scopes is not None else None
        self._auth: httpx.Auth
        if bearer_token is not None:
            self._auth = BearerTokenAuth(bearer_token)
        elif self._scopes is not None:
            # No before_replay: a replay after a 401 takes its own place in the limiter like
            # every request the flow sends (_Operation.sync_auth_flow).
            self._auth = MintedTokenAuth(self._mint_sync, self._mint_async)
        else:
            self._auth = cast(ApiKeyAuth, self._api_key_auth)
        self._generated: AuthenticatedClient

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self._auth!r})"

    @property
    def rate_limit(self) -> RateLimitInfo:
        """The ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` figures last seen."""
        return self._rate_limit

    @property
    def auth_handler(self) -> httpx.Auth:
        """The ``httpx.Auth`` this client uses (reusable with plain httpx)."""
        return self._auth

    def _httpx_settings(self) -> dict[str, Any]:
        """What the client's own httpx client is built with (``http_client=`` replaces it)."""
        # Auth rides along so that the httpx client authenticates on its own too.
        self._http_has_timeout = True
        # A first attempt then needs no clipped timeout when there is no deadline, or one longer
        # than the longest timeout.
        self._plain_first_attempt = self.deadline is None or (
            self._longest_timeout is not None and self.deadline > self._longest_timeout
        )
        return {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "headers": {
                "User-Agent": f"volubile-python/{__version__}",
                "Accept": "application/json",
            },
            "auth": self._auth,
        }

    def _adopt(self, http: httpx.Client | httpx.AsyncClient) -> None:
        # The generated operations send paths relative to the httpx client's base URL.
        if not str(http.base_url):
            http.base_url = self.base_url
        elif str(http.base_url).rstrip("/") != self.base_url:
            raise ValueError(
                f"http_client has base_url {str(http.base_url)!r}, but the client's is "
                f"{self.base_url!r}: leave it unset on the http_client, or make them the same"
            )

    # Token minting is wired by the concrete classes, which know how to send.
    def _mint_sync(self) -> AccessToken:
        raise NotImplementedError("the async client mints tokens asynchronously")

    async def _mint_async(self) -> AccessToken:
        raise NotImplementedError("the sync client mints tokens synchronously")

    # -- building operations ------------------------------------------------------------------

    def _create_op(self, request: CampaignRequest) -> _Operation[CampaignResponse | ErrorResponse]:
        return _Operation(
            "campaigns.create",
            create_campaign(self._generated, campaign_request_model(request)),
            idempotent=False,
            auth=self._auth,
            creates_campaign=True,
        )

    def _get_op(self, campaign_id: uuid.UUID | str) -> _Operation[CampaignResponse | ErrorResponse]:
        return _Operation(
            "campaigns.get",
            get_campaign(self._generated, _campaign_id(campaign_id)),
            idempotent=True,
            auth=self._auth,
        )

    def _status_op(
        self, campaign_id: uuid.UUID | str, status: CampaignStatus | str
    ) -> _Operation[CampaignResponse | ErrorResponse]:
        exchange = set_campaign_status(
            self._generated, _campaign_id(campaign_id), _status_value(status)
        )
        # Setting a status twice leaves the campaign as setting it once: safe to retry.
        return _Operation("campaigns.set_status", exchange, idempotent=True, auth=self._auth)

    def _token_op(self, scopes: tuple[Scope, ...]) -> _Operation[AuthTokenResponse | ErrorResponse]:
        if self._api_key_auth is None:
            auth: httpx.Auth = self._auth  # the server answers 403: only API keys mint tokens
        else:
            auth = self._api_key_auth
        return _Operation(
            "auth.issue_token", issue_token(self._generated, scopes), idempotent=True, auth=auth
        )

    # -- one call, many attempts: the decisions -----------------------------------------------

    def _begin(self, op: _Operation[Any]) -> RequestOptions:
        """Start the call of ``op`` (its clock, its deadline): the options of its first attempt."""
        now = time.monotonic()
        op.client = self
        op.started = now
        if self.deadline is not None:
            op.deadline_at = now + self.deadline
        op.retries = 0
        if self._plain_first_attempt and self.limiter is not None:
            # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): the usual first
            # attempt (a limiter, a deadline longer than any timeout, the httpx client we built)
            # decided without the general case's calls.
            return {"auth": op}
        return self._attempt_options(op)

    def _slot_wait(self, op: _Operation[Any], slot: Any, *, replay: bool) -> float:
        """Seconds the place must still wait (0: send now); raises past the deadline."""
        assert self.limiter is not None
        try:
            return self.limiter.wait(slot, max_wait=op.remaining(time.monotonic()))
        except RateLimitWaitTooLong as too_long:
            raise self._rate_limit_timeout(op, too_long, replay) from None

    async def _reserve_slot_async(self, op: _Operation[Any], *, replay: bool) -> tuple[float, Any]:
        """:meth:`_Operation._reserve` of a limiter whose places cost I/O, awaited."""
        limiter = self._async_limiter
        assert limiter is not None
        try:
            return await limiter.reserve_slot_async(max_wait=op.remaining(time.monotonic()))
        except RateLimitWaitTooLong as too_long:
            raise self._rate_limit_timeout(op, too_long, replay) from None

    async def _slot_wait_async(self, op: _Operation[Any], slot: Any, *, replay: bool) -> float:
        limiter = self._async_limiter
        if limiter is None:
            return self._slot_wait(op, slot, replay=replay)
        try:
            return await limiter.wait_async(slot, max_wait=op.remaining(time.monotonic()))
        except RateLimitWaitTooLong as too_long:
            raise self._rate_limit_timeout(op, too_long, replay) from None

    async def _finished_async(self, slot: Any) -> None:
        limiter = self._async_limiter
        if limiter is None:
            self._finished(slot)
        else:
            await limiter.finished_async(slot)

    def _rate_limit_timeout(
        self, op: _Operation[Any], too_long: RateLimitWaitTooLong, replay: bool
    ) -> APITimeoutError:
        cause = (
            "the server's Retry-After pause" if too_long.paused else "the client-side rate limit"
        )
        what = "the request's replay after a 401" if replay else "the request"
        return APITimeoutError(
            f"{op.name}: {cause} would delay {what} by {too_long.wait:.1f} s, past the call's "
            f"deadline of {self.deadline} s; it was not sent",
            request_sent=False,
        )

    def _finished(self, slot: Any) -> None:
        # The server counted the request somewhere between its start and now: it keeps its
        # place in the limiter's window until now (see _ratelimit). A place that never started
        # (the call gave up or was cancelled while waiting) is withdrawn.
        assert self.limiter is not None
        self.limiter.finished(slot)

    def _retimed(self, request: httpx.Request, op: _Operation[Any]) -> None:
        # The request was built before its wait for a place: cut its timeout to what is left.
        if op.deadline_at is not None:
            request.extensions["timeout"] = self._attempt_timeout(op).as_dict()

    def _unclipped(self, op: _Operation[Any]) -> bool:
        """Whether the configured timeout stands for an attempt starting now: no deadline, or
        more than the longest timeout left before it."""
        deadline_at = op.deadline_at
        if deadline_at is None:
            return True
        longest = self._longest_timeout
        return longest is not None and deadline_at - time.monotonic() >= longest

    def _attempt_timeout(self, op: _Operation[Any]) -> httpx.Timeout:
        if self._unclipped(op):
            # The usual case, far from the deadline: clipping would change nothing, and a new
            # httpx.Timeout per attempt is measurable on every request.
            return self.timeout
        remaining = cast(float, op.remaining(time.monotonic()))
        bound = max(remaining, 0.001)

        def clip(value: float | None) -> float:
            return bound if value is None else min(value, bound)

        return httpx.Timeout(
            connect=clip(self.timeout.connect),
            read=clip(self.timeout.read),
            write=clip(self.timeout.write),
            pool=clip(self.timeout.pool),
        )

    def _attempt_options(self, op: _Operation[Any]) -> RequestOptions:
        """What httpx needs for this attempt: the auth flow, the timeout left by the deadline."""
        auth: httpx.Auth = op
        if self.limiter is None:
            # Nothing stands between this request and the wire. With a limiter, the operation's
            # flow marks it when the request leaves, after its wait for a place: an interrupt
            # during that wait leaves nothing that may exist.
            op.may_have_been_sent = True
            auth = op.auth
        if self._http_has_timeout and self._unclipped(op):
            # perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): the httpx client we
            # built has this timeout already; passing it makes httpx copy it on every request.
            return {"auth": auth}
        return {"auth": auth, "timeout": self._attempt_timeout(op)}

    def _wait_or_give_up(self, op: _Operation[Any], delay: float, error: VolubileError) -> float:
        remaining = op.remaining(time.monotonic())
        if remaining is not None and delay >= remaining:
            raise error
        op.retries += 1
        return delay

    def _after_transport_error(self, op: _Operation[Any], error: httpx.TransportError) -> float:
        """The wait before the next attempt, or raise the final error."""
        request = _request_of(error)
        failure = classify_transport_error(error)
        final = self._connection_error(op, request, failure)
        if not self.retry_policy.may_retry(
            idempotent=op.idempotent, retries_taken=op.retries, sent=failure.sent
        ):
            if op.may_exist is not None and failure.sent:
                logger.warning("%s failed after the request may have reached the server", op.name)
            raise final from error
        delay = self.retry_policy.backoff(op.retries)
        logger.info(
            "%s %s: %s; retrying in %.2f s (retry %d of %d)",
            request.method if request is not None else "",
            request.url.path if request is not None else "",
            failure.description,
            delay,
            op.retries + 1,
            self.retry_policy.max_retries,
        )
        try:
            return self._wait_or_give_up(op, delay, final)
        except VolubileError as give_up:
            raise give_up from error

    def _connection_error(
        self,
        op: _Operation[Any],
        request: httpx.Request | None,
        failure: TransportFailure,
    ) -> APIConnectionError:
        attempts = op.retries + 1
        plural = "s" if attempts > 1 else ""
        where = f"{request.method} {request.url.path}, " if request is not None else ""
        text = f"{op.name}: {failure.description} ({where}{attempts} attempt{plural})"
        if not failure.sent:
            text += "; the request was not sent"
        elif op.may_exist is not None:
            text += f". {op.may_exist}"
        cls = APITimeoutError if failure.timeout else APIConnectionError
        return cls(text, request=request, request_sent=failure.sent)

    def _after_response(self, op: _Operation[Any], response: httpx.Response) -> float | None:
        """None when the response is a success; else the wait before retrying, or raise."""
        found = figures_in(response.headers)
        if found is not None:
            self._rate_limit = RateLimitInfo(*found)
        status = response.status_code
        if logger.isEnabledFor(logging.DEBUG):
            # The request as sent: auth headers are set by the auth flow, after building.
            logger.debug(
                "%s %s -> %d request headers=%s",
                response.request.method,
                response.request.url,
                status,
                _redacted(response.request.headers),
            )
        if 200 <= status < 300:
            return None
        error = self._status_error(op, response)
        # None also for a Retry-After that gives no usable wait (garbage, 0, negative, a past
        # date, more than a year): then the normal backoff applies.
        retry_after = error.retry_after if isinstance(error, RateLimitError) else None
        ceiling = self.retry_policy.retry_after_ceiling
        if retry_after is not None and self.limiter is not None:
            # Every caller of this client waits as the server asked, but never past the
            # ceiling: a longer wait fails this call at once, and must not hold every later call
            # (or, with deadline=None, hang it) for hours.
            self.limiter.pause_for(min(retry_after, ceiling))
        if retry_after is not None and retry_after > ceiling:
            raise error
        if not self.retry_policy.may_retry(
            idempotent=op.idempotent, retries_taken=op.retries, sent=True, status=status
        ):
            raise error
        delay = retry_after if retry_after is not None else self.retry_policy.backoff(op.retries)
        logger.info(
            "%s %s -> %d; retrying in %.2f s (retry %d of %d)",
            response.request.method,
            response.request.url.path,
            status,
            delay,
            op.retries + 1,
            self.retry_policy.max_retries,
        )
        return self._wait_or_give_up(op, delay, error)

    def _status_error(self, op: _Operation[Any], response: httpx.Response) -> APIStatusError:
        status = response.status_code
        note = None
        if status == 401 and self._static_bearer:
            note = STATIC_TOKEN_REFUSED
        elif status == 429:
            wait = parse_retry_after(response.headers.get("retry-after"))
            ceiling = self.retry_policy.retry_after_ceiling
            if wait is not None and wait > ceiling:
                note = (
                    f"The server asks to wait {wait:.0f} s, more than the client's "
                    f"retry_after_ceiling of {ceiling:g} s; try again later"
                )
        elif op.may_exist is not None and status >= 500:
            note = op.may_exist
        return error_from_response(response, note=note)

    def _info(self, op: _Operation[Any], response: httpx.Response) -> ResponseInfo:
        return _campaign_values().response_info(
            status_code=response.status_code,
            headers=response.headers,
            rate_limit=self._rate_limit,
            retries_taken=op.retries,
            elapsed=time.monotonic() - op.started,
            http_response=response,
        )

    def _json(self, op: _Operation[Any], response: httpx.Response) -> Any:
        try:
            # perf: "sync `calls.list`, one page of 100 calls vs raw httpx `.json()`"
            # (scripts/bench.py): decoded here, not kept on the httpx response by json_body().
            # An httpx response is freed by the cycle collector (its stream refers back to it):
            # a page's document hanging on it outlived the page, into the collector's oldest
            # generation, whose full passes cost more than the decoding.
            return response.json()
        except ValueError:
            text = (
                f"{op.name}: the server answered {response.status_code} but the body is not JSON "
                f"(content type {response.headers.get('content-type', 'none')!r})"
            )
            if op.creates_campaign:
                text += "; the campaign was most likely created, but its id is unknown"
            raise APIResponseValidationError(text, response=response) from None

    def _campaign(
        self, op: _Operation[Any], reply: Response[CampaignResponse | ErrorResponse]
    ) -> Campaign:
        values = _campaign_values()
        info = self._info(op, reply.http_response)
        # Not JSON is an error; a JSON object is read when the campaign is first used (by the
        # generated model, or field by field when it refuses a value); other JSON at once.
        document = self._json(op, reply.http_response)
        if type(document) is dict:
            return values.campaign._lazy(document, info)
        return values.parse_campaign(document, info)

    def _token(
        self,
        op: _Operation[Any],
        reply: Response[AuthTokenResponse | ErrorResponse],
        scopes: tuple[Scope, ...],
    ) -> AccessToken:
        from ._token import parse_token
        from ._wire import AuthTokenResponse

        response = reply.http_response
        parsed = reply.parsed
        document = parsed if isinstance(parsed, AuthTokenResponse) else self._json(op, response)
        token = parse_token(
            document,
            scopes=tuple(scope.value for scope in scopes),
            received_at=time.monotonic(),
        )
        if token is None:
            raise APIResponseValidationError(
                f"{op.name}: the server answered {response.status_code} without a token",
                response=response,
            )
        try:
            cleaned = clean_credential(token.token, "the token")
        except ValueError as exc:
            # Sent on, it would fail inside httpx, whose error and DEBUG log quote it in full.
            raise APIResponseValidationError(
                f"{op.name}: the server answered a token that cannot be sent in a header: {exc}",
                response=response,
            ) from None
        return token if cleaned == token.token else attrs.evolve(token, token=cleaned)


def _redacted(headers: httpx.Headers) -> dict[str, str]:
    return {
        name: ("[redacted]" if name.lower() in SECRET_HEADERS else value)
        for name, value in headers.items()
    }


class SyncAPIClient(_BaseClient):
    """The sync send loop: attempts, and sleeps between them."""

    _http: httpx.Client

    def _send(self, op: _Operation[T]) -> Response[T]:
        options = self._begin(op)
        while True:
            try:
                reply = op.endpoint.sync(*op.args, _request_options=options, **op.kwargs)
            except httpx.TransportError as error:
                delay = self._after_transport_error(op, error)
            else:
                if op.streams and not reply.http_response.is_success:
                    reply.http_response.read()  # an error's body (JSON), for the error raised
                maybe_delay = self._after_response(op, reply.http_response)
                if maybe_delay is None:
                    return reply
                delay = maybe_delay
            time.sleep(delay)
            options = self._attempt_options(op)


class AsyncAPIClient(_BaseClient):
    """The async send loop: :class:`SyncAPIClient`'s, awaited."""

    _http: httpx.AsyncClient

    async def _send(self, op: _Operation[T]) -> Response[T]:
        options = self._begin(op)
        while True:
            try:
                reply = await op.endpoint.asyncio(*op.args, _request_options=options, **op.kwargs)
            except httpx.TransportError as error:
                delay = self._after_transport_error(op, error)
            else:
                if op.streams and not reply.http_response.is_success:
                    await reply.http_response.aread()
                maybe_delay = self._after_response(op, reply.http_response)
                if maybe_delay is None:
                    return reply
                delay = maybe_delay
            # Not at module level (sync-only programs need not load asyncio), nor on every call:
            # only before a retry. perf: "async `campaigns.get` vs raw httpx".
            import asyncio

            await asyncio.sleep(delay)
            options = self._attempt_options(op)
