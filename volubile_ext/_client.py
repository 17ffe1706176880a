"""``Volubile`` and ``AsyncVolubile``: the clients people import.

Both compose the generated client (``volubile_api``): each operation's request (method, path,
body placement) is built by the generated module of that operation, and sent through an httpx
client owned by a generated ``volubile_api.Client``. On top of that this module adds what the
generated code does not do: authentication that refreshes itself, a client-side rate limiter,
retries that never send a campaign creation twice, an overall deadline per call, typed errors
and lenient response parsing.

Everything but the waiting and the sending is shared by the two classes (:class:`_BaseClient`),
so the sync and async clients cannot drift apart in behaviour.
"""

from __future__ import annotations

import functools
import logging
import os
import time
import uuid
import warnings
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Mapping,
    Sequence,
)
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, cast
from urllib.parse import urlsplit

import attrs
import httpx

if TYPE_CHECKING:
    from volubile_api import Client as GeneratedClient
    from volubile_api.models import AuthTokenRequest, CreateCampaignRequest, Scope
    from volubile_api.models import CampaignStatusUpdate as WireCampaignStatus

from ._auth import (
    SECRET_HEADERS,
    AccessToken,
    ApiKeyAuth,
    BearerTokenAuth,
    MintedTokenAuth,
    clean_credential,
)
from ._bulk import (
    INTERRUPT_SENT_ATTRIBUTE,
    BulkCreateReport,
    BulkRun,
    Chunk,
    JournalBackend,
    ProgressCallback,
    Resolution,
    plan_chunks,
    read_resolutions,
    single_chunk,
)
from ._campaign_input import CampaignRequest, build_campaign_request
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    CampaignWarning,
    ClientValidationError,
    FieldError,
    RateLimitError,
    VolubileError,
    error_from_response,
    parse_retry_after,
)
from ._limiter import AsyncRateLimiter, RateLimiter
from ._models import Campaign, CampaignStatus, ResponseInfo, parse_campaign, parse_token
from ._planning import bulk_creation_warnings, creation_warnings
from ._ratelimit import RateLimitInfo, RateLimitWaitTooLong, SlidingWindowLimiter
from ._recipients import RecipientImport
from ._retry import RetryPolicy, TransportFailure, classify_transport_error
from ._version import __version__

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "AsyncVolubile", "Volubile"]

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


# The three private classes below are plain slotted classes, not attrs ones: attrs compiles the
# methods of each class it makes when the module is imported (about 0.5 ms apiece), and sets
# frozen fields one object.__setattr__ at a time on every request.


class _GeneratedLayer:
    """What this module uses of the generated client (``volubile_api``)."""

    __slots__ = (
        "client",
        "create_kwargs",
        "get_kwargs",
        "known_scopes",
        "status_kwargs",
        "token_kwargs",
        "token_request",
        "wire_status",
    )

    def __init__(
        self,
        *,
        client: type[GeneratedClient],
        create_kwargs: Callable[..., dict[str, Any]],
        get_kwargs: Callable[..., dict[str, Any]],
        status_kwargs: Callable[..., dict[str, Any]],
        token_kwargs: Callable[..., dict[str, Any]],
        token_request: type[AuthTokenRequest],
        wire_status: type[WireCampaignStatus],
        known_scopes: dict[str, Scope],
    ) -> None:
        self.client = client
        self.create_kwargs = create_kwargs
        self.get_kwargs = get_kwargs
        self.status_kwargs = status_kwargs
        self.token_kwargs = token_kwargs
        self.token_request = token_request
        self.wire_status = wire_status
        self.known_scopes = known_scopes


@functools.cache
def _generated() -> _GeneratedLayer:
    # Imported with the first client (or scope check), not with volubile_ext: a program that
    # only reads CSV files, plans campaigns or prints the CLI's help never needs it, and it is
    # about a third of what `import volubile_ext` would cost on top of httpx (scripts/bench.py).
    from volubile_api import Client
    from volubile_api.api.authentication import issue_token
    from volubile_api.api.campaigns import create, get, update_status
    from volubile_api.models import AuthTokenRequest, CampaignStatusUpdate, Scope

    return _GeneratedLayer(
        client=Client,
        create_kwargs=create._get_kwargs,
        get_kwargs=get._get_kwargs,
        status_kwargs=update_status._get_kwargs,
        token_kwargs=issue_token._get_kwargs,
        token_request=AuthTokenRequest,
        wire_status=CampaignStatusUpdate,
        known_scopes={scope.value: scope for scope in Scope},
    )


class _PreparedBody:
    """A request body already validated and serialised by volubile_ext.

    The generated request builders take a generated model and call its ``to_dict()``; handing
    them this instead lets the generated code decide method, path and body placement while the
    body is built once, by the validated fast path (building thousands of generated recipient
    objects only to flatten them again costs milliseconds per campaign).
    """

    __slots__ = ("_document",)

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document

    def to_dict(self) -> dict[str, Any]:
        return self._document


class _Operation:
    """One API operation as the retry loop sees it."""

    __slots__ = (
        "auth",
        "creates_campaign",
        "idempotent",
        "json",
        "may_have_been_sent",
        "method",
        "name",
        "url",
    )

    def __init__(
        self,
        name: str,
        method: str,
        url: str | httpx.URL,
        json: Any,
        *,
        idempotent: bool,
        auth: httpx.Auth,
        creates_campaign: bool = False,
    ) -> None:
        self.name = name
        self.method = method
        self.url = url
        self.json = json
        self.idempotent = idempotent
        self.auth = auth
        self.creates_campaign = creates_campaign
        # Set when a request leaves (_build_request, or _LimitedAuth after the wait for a
        # limiter place): an interrupt after that may leave the operation applied.
        self.may_have_been_sent = False

    def __repr__(self) -> str:
        return f"_Operation({self.name!r}, {self.method} {self.url})"


class _Call:
    """The state of one call across its attempts."""

    __slots__ = ("deadline_at", "retries", "started")

    def __init__(self, started: float, deadline_at: float | None, retries: int = 0) -> None:
        self.started = started
        self.deadline_at = deadline_at
        self.retries = retries

    def __repr__(self) -> str:
        return f"_Call(started={self.started!r}, retries={self.retries})"

    def remaining(self, now: float) -> float | None:
        return None if self.deadline_at is None else self.deadline_at - now


class _LimitedAuth(httpx.Auth):
    """``op.auth`` whose every request takes its own place in the client's rate limiter.

    The place is taken just before a request leaves, once the wrapped flow has done its own
    work, and held until its response is back (or it failed). So the call's request and a replay
    after a 401 each count once, from when they may reach the server; and minting a token (a
    call of its own, with its own place, made inside the flow) never waits for a place behind
    the request that needs the token.
    """

    __slots__ = ("_call", "_client", "_op")

    def __init__(self, client: _BaseClient, op: _Operation, call: _Call) -> None:
        self._client = client
        self._op = op
        self._call = call

    @property
    def requires_request_body(self) -> bool:  # type: ignore[override]
        return self._op.auth.requires_request_body

    @property
    def requires_response_body(self) -> bool:  # type: ignore[override]
        return self._op.auth.requires_response_body

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        client, op, call = self._client, self._op, self._call
        flow = op.auth.sync_auth_flow(request)
        try:
            request, replay = next(flow), False
            while True:
                wait, slot = client._reserve_slot(op, call, replay=replay)
                try:
                    if wait > 0:
                        while wait > 0:
                            time.sleep(wait)
                            wait = client._slot_wait(op, call, slot, replay=replay)
                        client._retimed(request, call)
                    op.may_have_been_sent = True
                    response = yield request
                finally:
                    client._finished(slot)
                try:
                    request, replay = flow.send(response), True
                except StopIteration:
                    return
        finally:
            flow.close()

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        import asyncio

        client, op, call = self._client, self._op, self._call
        flow = op.auth.async_auth_flow(request)
        try:
            request, replay = await flow.__anext__(), False
            while True:
                wait, slot = await client._reserve_slot_async(op, call, replay=replay)
                try:
                    if wait > 0:
                        while wait > 0:
                            await asyncio.sleep(wait)
                            wait = await client._slot_wait_async(op, call, slot, replay=replay)
                        client._retimed(request, call)
                    op.may_have_been_sent = True
                    response = yield request
                finally:
                    await client._finished_async(slot)
                try:
                    request, replay = await flow.asend(response), True
                except StopAsyncIteration:
                    return
        finally:
            await flow.aclose()


def _operation_kwargs(kwargs: dict[str, Any]) -> tuple[str, str, Any]:
    # httpx sets Content-Type: application/json itself for a JSON body; the generated per-call
    # headers dict would only cost a header merge on every request.
    return kwargs["method"].upper(), kwargs["url"], kwargs.get("json")


def _campaign_id(value: uuid.UUID | str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise ClientValidationError(
            [FieldError("id", "must be a campaign id (a UUID)", value)], subject="campaign id"
        ) from None


def _status_value(status: CampaignStatus | str) -> WireCampaignStatus:
    text = status.value if isinstance(status, CampaignStatus) else str(status).strip().upper()
    try:
        return _generated().wire_status(text)
    except ValueError:
        allowed = ", ".join(member.value for member in CampaignStatus)
        raise ClientValidationError(
            [FieldError("status", f"must be one of {allowed}", status)], subject="status"
        ) from None


def _scopes(scopes: Iterable[str] | str) -> tuple[Scope, ...]:
    items = [scopes] if isinstance(scopes, str) else list(scopes)
    known_scopes = _generated().known_scopes
    problems = []
    found: list[Scope] = []
    for index, scope in enumerate(items):
        known = known_scopes.get(scope) if isinstance(scope, str) else None
        if known is None:
            allowed = ", ".join(known_scopes)
            problems.append(FieldError(f"scope[{index}]", f"must be one of {allowed}", scope))
        elif known not in found:
            found.append(known)
    if not items:
        problems.append(FieldError("scope", "must name at least one scope", []))
    if problems:
        raise ClientValidationError(problems, subject="token request")
    return tuple(found)


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


def _rate_limit_info(headers: httpx.Headers, previous: RateLimitInfo) -> RateLimitInfo:
    limit = headers.get("x-ratelimit-limit")
    remaining = headers.get("x-ratelimit-remaining")
    if limit is None and remaining is None:
        return previous
    return RateLimitInfo(limit=_header_int(limit), remaining=_header_int(remaining))


def _longest(timeout: httpx.Timeout) -> float | None:
    values = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    if any(value is None for value in values):
        return None
    return max(cast(tuple[float, ...], values))


def _header_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


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
        self.deadline = deadline
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
        self._rate_limit = RateLimitInfo()
        self._static_bearer = bearer_token is not None
        self._api_key_auth = ApiKeyAuth(api_key) if api_key is not None else None
        self._scopes = _scopes(scopes) if scopes is not None else None
        self._auth: httpx.Auth
        if bearer_token is not None:
            self._auth = BearerTokenAuth(bearer_token)
        elif self._scopes is not None:
            # No before_replay: a replay after a 401 takes its own place in the limiter like
            # every request the flow sends (_LimitedAuth).
            self._auth = MintedTokenAuth(self._mint_sync, self._mint_async)
        else:
            self._auth = cast(ApiKeyAuth, self._api_key_auth)
        self._api = _generated()
        # Parsed once: every creation goes to the same URL.
        self._create_url = httpx.URL(
            self.base_url
            + _operation_kwargs(
                self._api.create_kwargs(body=cast("CreateCampaignRequest", _PreparedBody({})))
            )[1]
        )

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

    def _generated_client(self) -> GeneratedClient:
        # The generated client owns the httpx client; auth rides along in httpx_args so that
        # the httpx client authenticates on its own too.
        return self._api.client(
            base_url=self.base_url,
            timeout=self.timeout,
            headers={"User-Agent": f"volubile-python/{__version__}", "Accept": "application/json"},
            httpx_args={"auth": self._auth},
        )

    # Token minting is wired by the concrete classes, which know how to send.
    def _mint_sync(self) -> AccessToken:
        raise NotImplementedError("the async client mints tokens asynchronously")

    async def _mint_async(self) -> AccessToken:
        raise NotImplementedError("the sync client mints tokens synchronously")

    # -- building operations ------------------------------------------------------------------

    def _create_op(self, request: CampaignRequest) -> _Operation:
        return _Operation(
            name="campaigns.create",
            method="POST",
            url=self._create_url,
            json=request.to_json(),
            idempotent=False,
            auth=self._auth,
            creates_campaign=True,
        )

    def _get_op(self, campaign_id: uuid.UUID | str) -> _Operation:
        method, path, _ = _operation_kwargs(self._api.get_kwargs(_campaign_id(campaign_id)))
        return _Operation(
            "campaigns.get", method, self.base_url + path, None, idempotent=True, auth=self._auth
        )

    def _status_op(self, campaign_id: uuid.UUID | str, status: CampaignStatus | str) -> _Operation:
        kwargs = self._api.status_kwargs(_campaign_id(campaign_id), body=_status_value(status))
        method, path, body = _operation_kwargs(kwargs)
        # Setting a status twice leaves the campaign as setting it once: safe to retry.
        return _Operation(
            "campaigns.set_status",
            method,
            self.base_url + path,
            body,
            idempotent=True,
            auth=self._auth,
        )

    def _token_op(self, scopes: tuple[Scope, ...]) -> _Operation:
        if self._api_key_auth is None:
            auth: httpx.Auth = self._auth  # the server answers 403: only API keys mint tokens
        else:
            auth = self._api_key_auth
        kwargs = self._api.token_kwargs(body=self._api.token_request(scope=list(scopes)))
        method, path, body = _operation_kwargs(kwargs)
        return _Operation(
            "auth.issue_token", method, self.base_url + path, body, idempotent=True, auth=auth
        )

    # -- one call, many attempts: the decisions -----------------------------------------------

    def _start(self) -> _Call:
        now = time.monotonic()
        return _Call(started=now, deadline_at=now + self.deadline if self.deadline else None)

    def _limited(self, op: _Operation, call: _Call) -> httpx.Auth:
        """``op.auth``, with every request it sends taking a place in the limiter (if any)."""
        return op.auth if self.limiter is None else _LimitedAuth(self, op, call)

    def _reserve_slot(self, op: _Operation, call: _Call, *, replay: bool) -> tuple[float, Any]:
        """Seconds to wait for a rate-limit place, and the place to release once the request ends.

        Raises when the wait outlives the deadline. While the wait is more than 0, sleep and ask
        :meth:`_slot_wait` again: the first figure is an estimate while requests ahead run.
        """
        assert self.limiter is not None
        try:
            return self.limiter.reserve_slot(max_wait=call.remaining(time.monotonic()))
        except RateLimitWaitTooLong as too_long:
            raise self._rate_limit_timeout(op, too_long, replay) from None

    def _slot_wait(self, op: _Operation, call: _Call, slot: Any, *, replay: bool) -> float:
        """Seconds the place must still wait (0: send now); raises past the deadline."""
        assert self.limiter is not None
        try:
            return self.limiter.wait(slot, max_wait=call.remaining(time.monotonic()))
        except RateLimitWaitTooLong as too_long:
            raise self._rate_limit_timeout(op, too_long, replay) from None

    async def _reserve_slot_async(
        self, op: _Operation, call: _Call, *, replay: bool
    ) -> tuple[float, Any]:
        """:meth:`_reserve_slot` for AsyncVolubile: awaited when the limiter's places cost I/O."""
        limiter = self._async_limiter
        if limiter is None:
            return self._reserve_slot(op, call, replay=replay)
        try:
            return await limiter.reserve_slot_async(max_wait=call.remaining(time.monotonic()))
        except RateLimitWaitTooLong as too_long:
            raise self._rate_limit_timeout(op, too_long, replay) from None

    async def _slot_wait_async(
        self, op: _Operation, call: _Call, slot: Any, *, replay: bool
    ) -> float:
        limiter = self._async_limiter
        if limiter is None:
            return self._slot_wait(op, call, slot, replay=replay)
        try:
            return await limiter.wait_async(slot, max_wait=call.remaining(time.monotonic()))
        except RateLimitWaitTooLong as too_long:
            raise self._rate_limit_timeout(op, too_long, replay) from None

    async def _finished_async(self, slot: Any) -> None:
        limiter = self._async_limiter
        if limiter is None:
            self._finished(slot)
        else:
            await limiter.finished_async(slot)

    def _rate_limit_timeout(
        self, op: _Operation, too_long: RateLimitWaitTooLong, replay: bool
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

    def _retimed(self, request: httpx.Request, call: _Call) -> None:
        # The request was built before its wait for a place: cut its timeout to what is left.
        if call.deadline_at is not None:
            request.extensions["timeout"] = self._attempt_timeout(call).as_dict()

    def _attempt_timeout(self, call: _Call) -> httpx.Timeout:
        remaining = call.remaining(time.monotonic())
        if remaining is None:
            return self.timeout
        longest = self._longest_timeout
        if longest is not None and remaining >= longest:
            # The usual case, far from the deadline: clipping would change nothing, and a new
            # httpx.Timeout per attempt is measurable on every request.
            return self.timeout
        bound = max(remaining, 0.001)

        def clip(value: float | None) -> float:
            return bound if value is None else min(value, bound)

        return httpx.Timeout(
            connect=clip(self.timeout.connect),
            read=clip(self.timeout.read),
            write=clip(self.timeout.write),
            pool=clip(self.timeout.pool),
        )

    def _build_request(
        self, http: httpx.Client | httpx.AsyncClient, op: _Operation, call: _Call
    ) -> httpx.Request:
        timeout = self._attempt_timeout(call)
        if self.limiter is None:
            # Nothing stands between this request and the wire. With a limiter, _LimitedAuth
            # marks it when the request leaves, after its wait for a place: an interrupt during
            # that wait leaves nothing that may exist.
            op.may_have_been_sent = True
        if http.cookies:
            # Only httpx knows how to merge a cookie jar (the API sets none, but a client
            # passed in as http_client may carry some).
            if op.json is None:
                return http.build_request(op.method, op.url, timeout=timeout)
            return http.build_request(op.method, op.url, json=op.json, timeout=timeout)
        # The request build_request makes, header for header and byte for byte (pinned by a
        # test), without re-merging URL, query, cookies and a copy of the client's headers on
        # every call: about 10 µs a request, a tenth of the client's whole overhead.
        extensions = {"timeout": timeout.as_dict()}
        if op.json is None:
            return httpx.Request(op.method, op.url, headers=http.headers, extensions=extensions)
        return httpx.Request(
            op.method, op.url, headers=http.headers, json=op.json, extensions=extensions
        )

    def _wait_or_give_up(self, call: _Call, delay: float, error: VolubileError) -> float:
        remaining = call.remaining(time.monotonic())
        if remaining is not None and delay >= remaining:
            raise error
        call.retries += 1
        return delay

    def _after_transport_error(
        self, op: _Operation, call: _Call, request: httpx.Request, error: httpx.TransportError
    ) -> float:
        """The wait before the next attempt, or raise the final error."""
        failure = classify_transport_error(error)
        final = self._connection_error(op, call, request, failure)
        if not self.retry_policy.may_retry(
            idempotent=op.idempotent, retries_taken=call.retries, sent=failure.sent
        ):
            if op.creates_campaign and failure.sent:
                logger.warning("%s failed after the request may have reached the server", op.name)
            raise final from error
        delay = self.retry_policy.backoff(call.retries)
        logger.info(
            "%s %s: %s; retrying in %.2f s (retry %d of %d)",
            op.method,
            request.url.path,
            failure.description,
            delay,
            call.retries + 1,
            self.retry_policy.max_retries,
        )
        try:
            return self._wait_or_give_up(call, delay, final)
        except VolubileError as give_up:
            raise give_up from error

    def _connection_error(
        self, op: _Operation, call: _Call, request: httpx.Request, failure: TransportFailure
    ) -> APIConnectionError:
        attempts = call.retries + 1
        plural = "s" if attempts > 1 else ""
        text = (
            f"{op.name}: {failure.description} "
            f"({op.method} {request.url.path}, {attempts} attempt{plural})"
        )
        if not failure.sent:
            text += "; the request was not sent"
        elif op.creates_campaign:
            text += f". {CAMPAIGN_MAY_EXIST}"
        cls = APITimeoutError if failure.timeout else APIConnectionError
        return cls(text, request=request, request_sent=failure.sent)

    def _after_response(
        self, op: _Operation, call: _Call, response: httpx.Response
    ) -> float | None:
        """None when the response is a success; else the wait before retrying, or raise."""
        self._rate_limit = _rate_limit_info(response.headers, self._rate_limit)
        status = response.status_code
        if logger.isEnabledFor(logging.DEBUG):
            # The request as sent: auth headers are set by the auth flow, after building.
            logger.debug(
                "%s %s -> %d request headers=%s",
                op.method,
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
            idempotent=op.idempotent, retries_taken=call.retries, sent=True, status=status
        ):
            raise error
        delay = retry_after if retry_after is not None else self.retry_policy.backoff(call.retries)
        logger.info(
            "%s %s -> %d; retrying in %.2f s (retry %d of %d)",
            op.method,
            response.request.url.path,
            status,
            delay,
            call.retries + 1,
            self.retry_policy.max_retries,
        )
        return self._wait_or_give_up(call, delay, error)

    def _status_error(self, op: _Operation, response: httpx.Response) -> APIStatusError:
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
        elif op.creates_campaign and status >= 500:
            note = CAMPAIGN_MAY_EXIST
        return error_from_response(response, note=note)

    def _info(self, call: _Call, response: httpx.Response) -> ResponseInfo:
        return ResponseInfo(
            status_code=response.status_code,
            headers=response.headers,
            rate_limit=self._rate_limit,
            retries_taken=call.retries,
            elapsed=time.monotonic() - call.started,
            http_response=response,
        )

    def _json(self, op: _Operation, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            text = (
                f"{op.name}: the server answered {response.status_code} but the body is not JSON "
                f"(content type {response.headers.get('content-type', 'none')!r})"
            )
            if op.creates_campaign:
                text += "; the campaign was most likely created, but its id is unknown"
            raise APIResponseValidationError(text, response=response) from None

    def _campaign(self, op: _Operation, call: _Call, response: httpx.Response) -> Campaign:
        return parse_campaign(self._json(op, response), self._info(call, response))

    def _token(
        self, op: _Operation, response: httpx.Response, scopes: tuple[Scope, ...]
    ) -> AccessToken:
        token = parse_token(
            self._json(op, response),
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


class Volubile(_BaseClient):
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
        self._generated = self._generated_client()
        self._owns_http = http_client is None
        if http_client is not None:
            self._generated.set_httpx_client(http_client)
        self._http = self._generated.get_httpx_client()
        self.campaigns = Campaigns(self)
        self.auth = Auth(self)

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

    def _send(self, op: _Operation) -> tuple[httpx.Response, _Call]:
        call = self._start()
        auth = self._limited(op, call)
        while True:
            request = self._build_request(self._http, op, call)
            try:
                response = self._http.send(request, auth=auth)
            except httpx.TransportError as error:
                delay = self._after_transport_error(op, call, request, error)
            else:
                maybe_delay = self._after_response(op, call, response)
                if maybe_delay is None:
                    return response, call
                delay = maybe_delay
            time.sleep(delay)

    def _mint_sync(self) -> AccessToken:
        assert self._scopes is not None
        return self.auth.issue_token([scope.value for scope in self._scopes])


class AsyncVolubile(_BaseClient):
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
        self._generated = self._generated_client()
        self._owns_http = http_client is None
        if http_client is not None:
            self._generated.set_async_httpx_client(http_client)
        self._http = self._generated.get_async_httpx_client()
        self.campaigns = AsyncCampaigns(self)
        self.auth = AsyncAuth(self)

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

    async def _send(self, op: _Operation) -> tuple[httpx.Response, _Call]:
        import asyncio  # not at module level: sync-only programs need not load asyncio

        call = self._start()
        auth = self._limited(op, call)
        while True:
            request = self._build_request(self._http, op, call)
            try:
                response = await self._http.send(request, auth=auth)
            except httpx.TransportError as error:
                delay = self._after_transport_error(op, call, request, error)
            else:
                maybe_delay = self._after_response(op, call, response)
                if maybe_delay is None:
                    return response, call
                delay = maybe_delay
            await asyncio.sleep(delay)

    async def _mint_async(self) -> AccessToken:
        assert self._scopes is not None
        return await self.auth.issue_token([scope.value for scope in self._scopes])


def _bulk_plan(
    *, name: str, recipients: Iterable[Any], chunk_size: int, **parameters: Any
) -> tuple[list[Any], int]:
    # A RecipientImport (from load_recipients) stands for its recipients.
    people = list(recipients.recipients if isinstance(recipients, RecipientImport) else recipients)
    return plan_chunks(name=name, recipients=people, chunk_size=chunk_size, **parameters), len(
        people
    )


def _warn_before_creating(request: CampaignRequest, stacklevel: int = 3) -> None:
    # The rules of plan_campaign: weekend days, public holidays, a past start date, repeated
    # numbers. Warnings, not errors: the campaign is valid, but probably not what was meant.
    for text in creation_warnings(request):
        warnings.warn(text, CampaignWarning, stacklevel=stacklevel)


def _warn_before_creating_many(chunks: Sequence[Chunk]) -> None:
    # The campaigns call in parallel: the largest one's calendar stands for all (they share
    # it), and a number repeated across two chunks is reported too.
    for text in bulk_creation_warnings([chunk.request for chunk in chunks]):
        warnings.warn(text, CampaignWarning, stacklevel=3)


def _interrupted_create(stop: BaseException, op: _Operation, request: CampaignRequest) -> None:
    # Ctrl-C or a task's cancellation, like any ambiguous failure, must not hide that the
    # campaign may exist. The exception keeps its type (a KeyboardInterrupt must stay one), and
    # carries the news as a note, shown with it.
    setattr(stop, INTERRUPT_SENT_ATTRIBUTE, op.may_have_been_sent)
    if op.may_have_been_sent:
        stop.add_note(
            f"Interrupted while creating the campaign {request.name!r}. {CAMPAIGN_MAY_EXIST}."
        )


def _journaled_run(
    chunks: list[Chunk],
    count: int,
    *,
    journal: str | os.PathLike[str] | JournalBackend | None,
    resolve_uncertain: Mapping[int, Resolution] | Resolution | None,
    resend_uncertain: bool,
    on_progress: ProgressCallback | None = None,
) -> BulkRun:
    """The run of a create (one chunk) or a create_many, resolutions checked before anything."""
    return BulkRun(
        chunks,
        total_recipients=count,
        journal=journal,
        resend_uncertain=resend_uncertain,
        on_progress=on_progress,
        resolutions=read_resolutions(resolve_uncertain, len(chunks)),
    )


def _create_chunks(run: BulkRun, create: Callable[[CampaignRequest], Campaign]) -> None:
    for chunk in run.pending():
        try:
            campaign = create(chunk.request)
        except VolubileError as error:
            run.failed_with(chunk, error)
        except BaseException as stop:
            run.interrupted(chunk, stop)
            raise
        else:
            run.succeeded(chunk, campaign)


async def _acreate_chunks(
    run: BulkRun, create: Callable[[CampaignRequest], Awaitable[Campaign]]
) -> None:
    for chunk in run.pending():
        try:
            campaign = await create(chunk.request)
        except VolubileError as error:
            run.failed_with(chunk, error)
        except BaseException as stop:
            run.interrupted(chunk, stop)
            raise
        else:
            run.succeeded(chunk, campaign)


class Campaigns:
    """``client.campaigns``: create a campaign, read it, change its status."""

    def __init__(self, client: Volubile) -> None:
        self._client = client

    def create(
        self,
        *,
        name: str,
        agent_id: uuid.UUID | str,
        start_date: Any,
        time_slots: Any,
        batch_size: int,
        days: Any,
        retry: Any = None,
        recipients: Any = None,
        timezone: str | None = None,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Resolution | None = None,
        resend_uncertain: bool = False,
    ) -> Campaign:
        """Create a campaign. Everything is checked before anything is sent.

        Accepts forgiving inputs: ``start_date`` as a ``date`` or ISO text; ``agent_id`` as a
        UUID or text; ``days`` as names in any case, ``"weekdays"``, or :class:`Day` values;
        ``time_slots`` as ``"HH:MM-HH:MM"`` text, ``(start, end)`` pairs or :class:`TimeSlot`;
        ``retry`` as :class:`RetrySettings` or a dict (``max``, ``delay`` in hours,
        ``retry_on``); ``recipients`` as :class:`Recipient` values, dicts with ``phone`` and
        ``context``, or E.164 strings.

        Raises ``ClientValidationError`` (listing every problem) before sending anything. The
        request is sent again only when it provably did not reach the server; otherwise the
        error says the campaign may have been created. An interrupt (Ctrl-C) while the request
        may be on its way keeps its type and carries a note saying the same.

        With ``journal=path`` the create is recorded on disk before and after it is sent (the
        file is locked meanwhile), so that running the same call again never creates it twice:
        once created, the call returns the campaign recorded in the journal without sending
        anything (its ``response`` is ``None``); after a failure that provably was not applied
        it is sent again; when an earlier attempt may have created it, the call raises
        :class:`CampaignMayExistError` until you check the account and say what you found:
        ``resolve_uncertain="absent"`` (it is created now), ``"created"`` or its campaign id.
        """
        request = build_campaign_request(
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            days=days,
            retry=retry,
            recipients=recipients,
            timezone=timezone,
        )
        _warn_before_creating(request)
        if journal is None and resolve_uncertain is None:
            return self.create_from_request(request)
        with _journaled_run(
            [single_chunk(request)],
            len(request.recipients or ()),
            journal=journal,
            resolve_uncertain=resolve_uncertain,
            resend_uncertain=resend_uncertain,
        ) as run:
            _create_chunks(run, self.create_from_request)
            return run.single_result()

    def create_from_request(self, request: CampaignRequest) -> Campaign:
        """Create a campaign from an already validated request (used by bulk creation)."""
        op = self._client._create_op(request)
        try:
            response, call = self._client._send(op)
            return self._client._campaign(op, call, response)
        except BaseException as stop:
            if not isinstance(stop, Exception):
                _interrupted_create(stop, op, request)
            raise

    def create_many(
        self,
        *,
        name: str,
        agent_id: uuid.UUID | str,
        start_date: Any,
        time_slots: Any,
        batch_size: int,
        days: Any,
        recipients: Iterable[Any],
        retry: Any = None,
        timezone: str | None = None,
        chunk_size: int = 1000,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Mapping[int, Resolution] | None = None,
        resend_uncertain: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> BulkCreateReport:
        """Create as many campaigns as it takes for ``recipients``, ``chunk_size`` per campaign.

        Campaigns are named ``"<name> (k/n)"`` and created one after another through the rate
        limiter. Every chunk is validated before the first is sent. With ``journal=path``, each
        chunk is recorded before and after it is sent (the file is locked for the run: a second
        run on it raises :class:`JournalLockedError`), and calling again with the same
        arguments resumes: created chunks are skipped, chunks that provably failed are sent
        again, and chunks that may exist are reported as uncertain, with their names and first
        numbers to look for in the account. Say what you found, chunk by chunk (k as in the
        name): ``resolve_uncertain={2: "absent", 5: "created", 7: "<campaign id>"}`` sends
        again only the absent ones; ``resend_uncertain=True`` sends every uncertain chunk
        again. ``on_progress(done, total)`` is called as chunks finish. Returns a
        :class:`BulkCreateReport`; errors on single chunks are in the report. A journal that
        cannot be written raises :class:`JournalWriteError`, which names every campaign created.
        ``journal=RedisJournal(url, key=...)`` keeps the same records in Redis instead, so that
        a run stopped on one machine can be resumed on another.
        """
        chunks, count = _bulk_plan(
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            days=days,
            recipients=recipients,
            retry=retry,
            timezone=timezone,
            chunk_size=chunk_size,
        )
        _warn_before_creating_many(chunks)
        with _journaled_run(
            chunks,
            count,
            journal=journal,
            resolve_uncertain=resolve_uncertain,
            resend_uncertain=resend_uncertain,
            on_progress=on_progress,
        ) as run:
            _create_chunks(run, self.create_from_request)
            return run.report()

    def get(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Read a campaign by id (``campaigns:read``). Raises NotFoundError when unknown."""
        op = self._client._get_op(campaign_id)
        response, call = self._client._send(op)
        return self._client._campaign(op, call, response)

    def set_status(self, campaign_id: uuid.UUID | str, status: CampaignStatus | str) -> Campaign:
        """Set a campaign's status: ``ACTIVE``, ``PAUSED`` or ``CANCELLED``.

        A cancelled campaign cannot be reactivated (the server answers 400).
        """
        op = self._client._status_op(campaign_id, status)
        response, call = self._client._send(op)
        return self._client._campaign(op, call, response)

    def pause(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Pause a campaign (status ``PAUSED``)."""
        return self.set_status(campaign_id, CampaignStatus.PAUSED)

    def resume(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Resume a paused campaign (status ``ACTIVE``)."""
        return self.set_status(campaign_id, CampaignStatus.ACTIVE)

    def cancel(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Cancel a campaign for good (status ``CANCELLED``)."""
        return self.set_status(campaign_id, CampaignStatus.CANCELLED)


class AsyncCampaigns:
    """``client.campaigns`` of :class:`AsyncVolubile`: :class:`Campaigns`, awaited."""

    def __init__(self, client: AsyncVolubile) -> None:
        self._client = client

    async def create(
        self,
        *,
        name: str,
        agent_id: uuid.UUID | str,
        start_date: Any,
        time_slots: Any,
        batch_size: int,
        days: Any,
        retry: Any = None,
        recipients: Any = None,
        timezone: str | None = None,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Resolution | None = None,
        resend_uncertain: bool = False,
    ) -> Campaign:
        """Create a campaign; see :meth:`Campaigns.create`."""
        request = build_campaign_request(
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            days=days,
            retry=retry,
            recipients=recipients,
            timezone=timezone,
        )
        _warn_before_creating(request)
        if journal is None and resolve_uncertain is None:
            return await self.create_from_request(request)
        with _journaled_run(
            [single_chunk(request)],
            len(request.recipients or ()),
            journal=journal,
            resolve_uncertain=resolve_uncertain,
            resend_uncertain=resend_uncertain,
        ) as run:
            await _acreate_chunks(run, self.create_from_request)
            return run.single_result()

    async def create_from_request(self, request: CampaignRequest) -> Campaign:
        """Create a campaign from an already validated request (used by bulk creation)."""
        op = self._client._create_op(request)
        try:
            response, call = await self._client._send(op)
            return self._client._campaign(op, call, response)
        except BaseException as stop:
            if not isinstance(stop, Exception):  # asyncio.CancelledError, KeyboardInterrupt
                _interrupted_create(stop, op, request)
            raise

    async def create_many(
        self,
        *,
        name: str,
        agent_id: uuid.UUID | str,
        start_date: Any,
        time_slots: Any,
        batch_size: int,
        days: Any,
        recipients: Iterable[Any],
        retry: Any = None,
        timezone: str | None = None,
        chunk_size: int = 1000,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Mapping[int, Resolution] | None = None,
        resend_uncertain: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> BulkCreateReport:
        """Create one campaign per chunk of recipients; see :meth:`Campaigns.create_many`."""
        chunks, count = _bulk_plan(
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            days=days,
            recipients=recipients,
            retry=retry,
            timezone=timezone,
            chunk_size=chunk_size,
        )
        _warn_before_creating_many(chunks)
        with _journaled_run(
            chunks,
            count,
            journal=journal,
            resolve_uncertain=resolve_uncertain,
            resend_uncertain=resend_uncertain,
            on_progress=on_progress,
        ) as run:
            await _acreate_chunks(run, self.create_from_request)
            return run.report()

    async def get(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Read a campaign by id; see :meth:`Campaigns.get`."""
        op = self._client._get_op(campaign_id)
        response, call = await self._client._send(op)
        return self._client._campaign(op, call, response)

    async def set_status(
        self, campaign_id: uuid.UUID | str, status: CampaignStatus | str
    ) -> Campaign:
        """Set a campaign's status; see :meth:`Campaigns.set_status`."""
        op = self._client._status_op(campaign_id, status)
        response, call = await self._client._send(op)
        return self._client._campaign(op, call, response)

    async def pause(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Pause a campaign (status ``PAUSED``)."""
        return await self.set_status(campaign_id, CampaignStatus.PAUSED)

    async def resume(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Resume a paused campaign (status ``ACTIVE``)."""
        return await self.set_status(campaign_id, CampaignStatus.ACTIVE)

    async def cancel(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Cancel a campaign for good (status ``CANCELLED``)."""
        return await self.set_status(campaign_id, CampaignStatus.CANCELLED)


class Auth:
    """``client.auth``: mint short-lived bearer tokens from the API key."""

    def __init__(self, client: Volubile) -> None:
        self._client = client

    def issue_token(self, scopes: Iterable[str] | str) -> AccessToken:
        """Mint a bearer token with ``scopes`` (e.g. ``["campaigns:read"]``).

        Only an API key can mint: a client built with ``bearer_token=`` gets
        ``PermissionDeniedError`` from the server.
        """
        chosen = _scopes(scopes)
        op = self._client._token_op(chosen)
        response, _ = self._client._send(op)
        return self._client._token(op, response, chosen)


class AsyncAuth:
    """``client.auth`` of :class:`AsyncVolubile`."""

    def __init__(self, client: AsyncVolubile) -> None:
        self._client = client

    async def issue_token(self, scopes: Iterable[str] | str) -> AccessToken:
        """Mint a bearer token with ``scopes``; see :meth:`Auth.issue_token`."""
        chosen = _scopes(scopes)
        op = self._client._token_op(chosen)
        response, _ = await self._client._send(op)
        return self._client._token(op, response, chosen)
