"""Authentication as ``httpx.Auth`` classes, usable with the client or with plain httpx.

- :class:`ApiKeyAuth`: ``X-Api-Key`` on every request.
- :class:`BearerTokenAuth`: a bearer token minted elsewhere, sent as is.
- :class:`MintedTokenAuth`: bearer tokens minted from an API key through ``POST /v1/auth/token``,
  reused while fresh, refreshed ahead of expiry, minted again once (and the request replayed once)
  when the server answers 401. Any number of threads, or of asyncio tasks, that need a token at
  the same moment cause exactly one mint.

Secrets never appear in ``repr()``, in exception messages or in log records.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import TYPE_CHECKING

import attrs
import httpx

if TYPE_CHECKING:
    # Loaded by the async paths only: importing asyncio costs a sync-only program ~10 ms.
    import asyncio

    from ._token import AccessToken

__all__ = [
    "ApiKeyAuth",
    "BearerTokenAuth",
    "MintedTokenAuth",
    "clean_credential",
    "refresh_margin",
]

API_KEY_HEADER = "X-Api-Key"
# Headers whose values are secrets: redacted wherever requests are shown or logged.
SECRET_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})


def clean_credential(value: object, name: str) -> str:
    """``value`` as a credential that can travel in an HTTP header: surrounding whitespace
    (and a leading byte-order mark) removed, since a key read with ``open(f).read()`` ends
    with a newline; then a legal header value that httpx can send: visible ASCII characters,
    with spaces or tabs only between them.

    Raises ``ValueError`` naming ``name`` and the position of the first bad character, never
    the value: an API key or a token must not reach an error message, a log line or an
    exception chain. A control character that got as far as httpx would: h11 quotes the whole
    header value in its error, which httpcore logs at DEBUG.
    """
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a non-empty string, not {type(value).__name__}")
    # A byte-order mark is what Windows editors put at the start of a UTF-8 file.
    cleaned = value.strip().removeprefix("\ufeff").strip()
    if not cleaned:
        raise ValueError(f"{name} must be a non-empty string: it is empty or only whitespace")
    for position, character in enumerate(cleaned, 1):
        if "!" <= character <= "~" or character in " \t":
            continue
        if character.isspace():
            kind = "a line break" if character in "\r\n\x0b\x0c\x85\u2028\u2029" else "a space"
        elif character.isprintable():
            kind = "a character outside ASCII"
        else:
            kind = "a control character"
        # Only the position and the length: enough to find the mistake, useless to an attacker.
        raise ValueError(
            f"{name} contains {kind} at position {position} of {len(cleaned)} (the value is "
            "not shown); an API key or token is visible ASCII characters only"
        )
    return cleaned


def _masked(secret: str) -> str:
    # Enough to tell two keys apart in a debugger, not enough to use one.
    return f"'…{secret[-4:]}'" if len(secret) >= 12 else "'…'"


def refresh_margin(lifetime: float) -> float:
    """How long before expiry a token is replaced: 10% of its lifetime, at most 60 s."""
    return min(0.1 * lifetime, 60.0)


class HeaderAuth(httpx.Auth):
    """An auth whose whole flow is one header set to a fixed value: no I/O, no replay.

    The client's rate-limited flow sets that header itself (``set_header``) instead of running
    this flow inside its own.
    """

    _header: tuple[str, str]  # (name, value): the value is a secret, never shown

    def set_header(self, request: httpx.Request) -> None:
        """Set this auth's header on ``request``: its whole flow."""
        name, value = self._header
        request.headers[name] = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.set_header(request)
        yield request

    # httpx's default sync/async flows wrap auth_flow in a second generator (and end it with a
    # StopIteration) on every request; this flow needs no body and no I/O, so one is enough.
    sync_auth_flow = auth_flow

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        self.set_header(request)
        yield request


class ApiKeyAuth(HeaderAuth):
    """Send the API key in ``X-Api-Key`` on every request."""

    def __init__(self, api_key: str) -> None:
        # Checked here, before any request: see clean_credential.
        self._api_key = clean_credential(api_key, "api_key")
        self._header = (API_KEY_HEADER, self._api_key)

    def __repr__(self) -> str:
        return f"ApiKeyAuth(api_key={_masked(self._api_key)})"


class BearerTokenAuth(HeaderAuth):
    """Send a bearer token obtained elsewhere as ``Authorization: Bearer <token>``.

    It is never refreshed: when the server answers 401 the client raises
    ``AuthenticationError`` saying the token may have expired.
    """

    def __init__(self, token: str) -> None:
        token = clean_credential(token, "bearer_token")
        self._header = ("Authorization", f"Bearer {token}")
        self._token = token

    def __repr__(self) -> str:
        return f"BearerTokenAuth(token={_masked(self._token)})"


def _usable(token: AccessToken) -> AccessToken:
    """A minted token, checked before it is cached or sent (``mint`` may be anyone's)."""
    cleaned = clean_credential(token.token, "the minted token")
    return token if cleaned == token.token else attrs.evolve(token, token=cleaned)


class MintedTokenAuth(httpx.Auth):
    """Bearer tokens minted on demand, cached, refreshed ahead of expiry, single flight.

    ``mint`` and ``amint`` obtain a new :class:`AccessToken` (the client passes functions that
    call ``POST /v1/auth/token`` with the API key). They raise the typed error of the token
    endpoint's response when minting fails; that error reaches the caller unchanged. A token
    they return is checked before it is cached or sent: surrounding whitespace is removed, and
    a control or non-ASCII character raises ``ValueError`` (which never quotes the token).

    On a 401 the token that was refused is dropped (only if it is still the cached one, so that
    concurrent 401s cause one mint, not one each), a new one is minted, and the request is
    replayed once. A second 401 is returned to the client, which raises ``AuthenticationError``.

    ``before_replay``, when given, is called before that replay and returns how many seconds to
    wait first and a function to call once the replay has ended: the client uses it so that a
    replay takes its own place in the rate limiter, like any other request sent.
    """

    def __init__(
        self,
        mint: Callable[[], AccessToken],
        amint: Callable[[], Awaitable[AccessToken]],
        *,
        clock: Callable[[], float] = time.monotonic,
        before_replay: Callable[[], tuple[float, Callable[[], None]]] | None = None,
    ) -> None:
        self._mint = mint
        self._amint = amint
        self._clock = clock
        self._before_replay = before_replay
        self._token: AccessToken | None = None
        self._lock = threading.Lock()  # guards _token and _inflight; also serialises sync mints
        self._inflight: asyncio.Future[AccessToken] | None = None
        self.mints = 0  # how many tokens were minted (for diagnostics and tests)

    def __repr__(self) -> str:
        state = "fresh token" if self._fresh() else "no fresh token"
        return f"MintedTokenAuth({state}, mints={self.mints})"

    @property
    def current_token(self) -> AccessToken | None:
        """The cached token, fresh or not (``None`` before the first mint)."""
        return self._token

    def _fresh(self) -> AccessToken | None:
        token = self._token
        if token is not None and token.is_fresh(self._clock()):
            return token
        return None

    def _forget(self, refused: AccessToken) -> None:
        with self._lock:
            if self._token is refused:
                self._token = None

    # -- sync ---------------------------------------------------------------------------------

    def get_token(self) -> AccessToken:
        """A fresh token, minting one if needed; concurrent callers share one mint."""
        token = self._fresh()
        if token is not None:
            return token
        with self._lock:
            # Whoever held the lock before us may have minted already.
            token = self._fresh()
            if token is None:
                token = _usable(self._mint())
                self.mints += 1
                self._token = token
            return token

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.get_token()
        request.headers["Authorization"] = f"Bearer {token.token}"
        response = yield request
        if response.status_code == 401:
            self._forget(token)
            request.headers["Authorization"] = f"Bearer {self.get_token().token}"
            if self._before_replay is None:
                yield request
                return
            wait, replay_ended = self._before_replay()
            if wait > 0:
                time.sleep(wait)
            try:
                yield request
            finally:
                replay_ended()

    # -- async --------------------------------------------------------------------------------

    async def aget_token(self) -> AccessToken:
        """A fresh token, minting one if needed; concurrent tasks share one mint."""
        token = self._fresh()
        if token is not None:
            return token
        import asyncio

        loop = asyncio.get_running_loop()
        with self._lock:
            token = self._fresh()
            if token is not None:
                return token
            inflight = self._inflight
            if inflight is None or inflight.get_loop() is not loop:
                inflight = loop.create_task(self._amint_and_store())
                self._inflight = inflight
        # shield: one waiter being cancelled must not cancel the mint the others wait for.
        return await asyncio.shield(inflight)

    async def _amint_and_store(self) -> AccessToken:
        try:
            token = _usable(await self._amint())
            with self._lock:
                self.mints += 1
                self._token = token
            return token
        finally:
            with self._lock:
                self._inflight = None

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.aget_token()
        request.headers["Authorization"] = f"Bearer {token.token}"
        response = yield request
        if response.status_code == 401:
            self._forget(token)
            request.headers["Authorization"] = f"Bearer {(await self.aget_token()).token}"
            if self._before_replay is None:
                yield request
                return
            wait, replay_ended = self._before_replay()
            if wait > 0:
                import asyncio

                await asyncio.sleep(wait)
            try:
                yield request
            finally:
                replay_ended()
