"""The sandbox: a local Volubile API on a real loopback socket, with fault injection and a log."""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import ipaddress
import logging
import socket
import socketserver
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from os import PathLike
from types import TracebackType
from typing import Any, Literal, Self, Unpack, cast

import attrs

from .._version import __version__
from ._api import SCOPES, ApiKeys, Reply, Request, SandboxAPI, error_reply, generate_api_key
from ._call_store import INBOUND_AGENT_ID, OUTBOUND_AGENT_ID, StoredAgent, StoredCall
from ._calls import DIRECTIONS, make_call
from ._clock import SandboxClock, read_moment
from ._faults import (
    Delay,
    DropConnection,
    ErrorStatus,
    Fault,
    FaultQueue,
    Injection,
    NonJSONBody,
    PathMatcher,
    UnknownValues,
)
from ._http import (
    MAX_HEAD_BYTES,
    MAX_REQUEST_LINE,
    BodyError,
    DeadlineSocket,
    HeadReader,
    body_framing,
    head_problem,
    read_chunked,
    request_line_problem,
)
from ._log import RequestLog, RequestRecord, redact_headers, redact_query
from ._ratelimit import FixedWindowLimiter
from ._simulation import CampaignProgress, Simulation, SimulationOptions
from ._store import CampaignStore, StoredCampaign
from ._tokens import TokenSigner
from ._webhook_poster import DEFAULT_RETRY_DELAYS, Webhook

__all__ = ["Sandbox"]

_logger = logging.getLogger("volubile_ext.testing")

# After an error, how long and how much the sandbox reads and discards before closing.
_LINGER_SECONDS = 2.0
_LINGER_BYTES = 16 * 1024 * 1024
# How often the serving loop checks for shutdown: stop() waits up to this long.
_POLL_INTERVAL = 0.05
# How long stop() waits for handler threads to finish the request they are processing.
_DRAIN_TIMEOUT = 5.0


class Sandbox:
    """A local Volubile API for development and tests: every operation of openapi.yaml, over a
    real HTTP/1.1 server on loopback, in a background thread.

    Use it as a context manager (or call :meth:`start` and :meth:`stop`), then point a client
    at :attr:`url` with :attr:`api_key`::

        with Sandbox() as sb:
            response = httpx.post(f"{sb.url}/v1/auth/token",
                                  headers={"X-Api-Key": sb.api_key},
                                  json={"scope": ["campaigns:read"]})

    It behaves as the API does: API keys (``X-Api-Key``) and bearer tokens (``Authorization:
    Bearer``, minted by ``POST /v1/auth/token``, HS256 JWTs with ``sub``, ``scope``, ``iat``,
    ``exp``); scopes per operation (403); bearer tokens refused at the token endpoint (403);
    the client's own create-campaign rules (400 with field paths); status transitions (ACTIVE ↔
    PAUSED, anything → CANCELLED, never back from CANCELLED: 400); the rate limit with its
    headers on every response; errors as ``ErrorResponse`` JSON.

    Agents and calls: two agents are seeded, :attr:`OUTBOUND_AGENT_ID` (active, recordable) and
    :attr:`INBOUND_AGENT_ID`; :meth:`add_agent` adds more. :meth:`add_call` adds a call in any
    state, with a transcript and a recording; ``POST /v1/calls`` records an outbound call
    ``IN_PROGRESS`` (the agent must exist: 404, be OUTBOUND, active and not archived: 400).
    ``GET /v1/calls`` pages (``page`` from 1, ``size`` up to 100, ``totalElements``,
    ``totalPages``), filters (``agentId``, ``phone`` in E.164, ``campaign`` name, ``from`` and
    ``to`` dates, both or neither, in order, compared with the call's start date in UTC) and
    sorts (``<property>,ASC|DESC`` over the call's scalar fields; newest first by default).
    ``GET /v1/agents`` pages the same way and answers ``content``, ``page_count`` and
    ``total_items``. ``PATCH /v1/agents/{id}`` changes the fields sent, no others.

    Simulated time: :meth:`start_clock` puts the sandbox on a :class:`SandboxClock` that a test
    moves; as it moves, every ACTIVE campaign places the calls it would (:meth:`simulation`
    sets their outcomes and data, :meth:`progress` tells where a campaign stands) and
    :meth:`webhook` posts each finished call, signed, to a receiver on loopback. Without
    :meth:`start_clock` nothing is called and every time is the real one (``clock=``).

    Decisions where the API's documentation is silent:

    - A malformed campaign id answers 404 (it names no campaign; the spec declares no 400 for
      ``GET /v1/campaigns/{id}``).
    - The rate limit counts authenticated requests only (it is per account, and an
      unauthenticated request has none); every response still carries the headers. With
      ``rate_limit=None`` there is no limit and no rate-limit headers.
    - A token request with an empty ``scope`` list is accepted (the schema sets no minimum):
      the token can call nothing that needs a scope.
    - Tokens stay valid until they expire even if the key that minted them is disabled, as
      stateless JWTs do; :meth:`expire_tokens` ends them all at once. They do not survive a
      restart: the signing secret lives in memory only.
    - A body sent with a ``Content-Type`` other than JSON gets 415, as from any Spring service.
    - A request with both ``X-Api-Key`` and ``Authorization`` is judged by its API key.
    - Unknown fields in a create request are refused (400), because the client's rule set,
      which the sandbox shares, refuses them; so are unknown fields of an agent update or a
      call, and unknown, repeated or malformed query parameters of a list (a typo such as
      ``agent_id`` would otherwise widen the list without a word).
    - A page past the last one answers 200 with no items (as Spring does); ``POST /v1/calls``
      answers 201 with the new call's ``CallResponse`` (the API documents no body); a call's
      context may not set ``system`` (Volubile's reserved variables): 400.
    - A campaign's ``agentId`` is not checked against the agents (the client checks it when
      asked to; existing tests create campaigns with made-up agents).

    Parameters:

    - ``host``, ``port``: where to listen; port 0 (the default) picks a free port.
    - ``api_keys``: the account's keys; by default one is generated. :attr:`api_key` is the
      first. All keys belong to one account (one rate-limit window, one set of campaigns).
    - ``rate_limit``: ``(requests, seconds)`` per fixed window, or ``None`` for no limit.
    - ``token_lifetime``: seconds a minted token is valid (``expiresIn``).
    - ``db_path``: an SQLite file that keeps campaigns, agents, calls, and the API key the
      sandbox generated, across restarts; in memory by default. Its folder must exist.
      ``ValueError`` when the file cannot be used (no such folder, a folder, no permission,
      not a sandbox database).
    - ``clock``: returns the time in seconds since the epoch (``time.time`` by default); a test
      that controls it can expire tokens and end rate-limit windows without sleeping. Tokens
      and rate-limit windows always follow it; the API's timestamps follow the simulated
      clock instead once :meth:`start_clock` has started one.
    - ``request_log_size``: how many records :attr:`requests` keeps (the oldest go first);
      ``None`` keeps all, which a long-running sandbox should not do.
    - ``request_log_bytes``: how much the log may hold (bodies and headers); beyond it the
      oldest records lose their bodies first (``raw_body`` becomes ``None``), so counts stay
      exact. ``None``: no bound. The log never keeps the body of a request refused before
      its body was read (unknown route, credentials, rate limit, scope).
    - ``request_timeout``: seconds a client has, once it has begun a request, to send all of it
      (request line, headers, body); a slower one gets 408 and the connection closes. An idle
      keep-alive connection is closed after 120 s.

    As a server it is strict about framing, since it may be reachable by more than a test:
    a request line of at most 8 KiB, a header section of at most 64 KiB, a body of at most
    8 MiB; a repeated ``Content-Length``, one that is not ASCII digits, ``Content-Length`` with
    ``Transfer-Encoding``, folded or malformed header lines are answered 400 and the
    connection is closed (they are how requests are smuggled); JSON nested deeper than 64
    levels, with repeated keys or lone surrogates is refused with 400. Beyond 1,024 open
    connections (a thread each), a new one is answered 503 with ``Retry-After``.

    Every method is thread-safe. Secrets (keys, tokens) appear in no repr, exception message,
    log line or request-log record.
    """

    #: The seeded OUTBOUND agent: active, recordable (its answered calls have a recording).
    OUTBOUND_AGENT_ID = OUTBOUND_AGENT_ID
    #: The seeded INBOUND agent.
    INBOUND_AGENT_ID = INBOUND_AGENT_ID

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Iterable[str] | None = None,
        rate_limit: tuple[int, float] | None = (100, 15.0),
        token_lifetime: int = 900,
        db_path: str | PathLike[str] | None = None,
        clock: Callable[[], float] | None = None,
        request_log_size: int | None = 10_000,
        request_log_bytes: int | None = 32 * 1024 * 1024,
        request_timeout: float = 30.0,
    ) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {port}")
        if isinstance(request_timeout, bool) or not isinstance(request_timeout, int | float):
            raise TypeError("request_timeout must be a number of seconds")
        if not 0 < request_timeout < float("inf"):
            raise ValueError(f"request_timeout must be a number of seconds > 0: {request_timeout}")
        if isinstance(token_lifetime, bool) or not isinstance(token_lifetime, int):
            raise TypeError("token_lifetime must be a whole number of seconds")
        if token_lifetime < 1:
            raise ValueError(f"token_lifetime must be at least 1 second, got {token_lifetime}")
        if isinstance(api_keys, str):
            # list("vsb_...") would make one key per character.
            raise TypeError("api_keys takes a list of keys, not a single string")
        given = None if api_keys is None else list(api_keys)
        if given is not None and not given:
            raise ValueError("api_keys must name at least one key (or be None to generate one)")
        # Opened (and checked) first: a persistent sandbox keeps the key it generated, so a
        # restart on the same file serves the same key; keys given explicitly always win.
        store = CampaignStore(db_path)
        keys = [store.generated_api_key(generate_api_key)] if given is None else given
        self._host = host
        self._requested_port = port
        self._request_timeout = float(request_timeout)
        self._api_key = keys[0]
        self._clock: Callable[[], float] = clock if clock is not None else time.time
        self._faults = FaultQueue()
        self._log = RequestLog(request_log_size, request_log_bytes)
        limiter = None
        if rate_limit is not None:
            limit, seconds = rate_limit
            limiter = FixedWindowLimiter(limit, seconds, self._clock)
        self._api = SandboxAPI(
            keys=ApiKeys(keys),
            signer=TokenSigner(self._clock),
            limiter=limiter,
            store=store,
            token_lifetime=token_lifetime,
            clock=self._api_time,
        )
        self._simulation = Simulation(self._api)
        self._simulated: SandboxClock | None = None
        self._lifecycle = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a background thread; returns the sandbox. After :meth:`stop`, a
        new ``start()`` serves again (on a new port when ``port`` was 0)."""
        with self._lifecycle:
            if self._server is not None:
                raise RuntimeError("the sandbox is already running")
            self._api.store.open()
            try:
                server = _Server((self._host, self._requested_port), self)
            except BaseException:
                self._api.store.close()
                raise
            self._stopping.clear()
            self._server = server
            self._url = _url(self._host, server.server_address[1])
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": _POLL_INTERVAL},
                name=f"volubile-sandbox-{server.server_address[1]}",
                daemon=True,
            )
            self._thread.start()
            _logger.info("Volubile sandbox listening on %s", self._url)
            return self

    def stop(self) -> None:
        """Stop serving: close every connection, cut pending delays short, wait for requests in
        progress, release the database file. Does nothing when not running."""
        with self._lifecycle:
            server, thread = self._server, self._thread
            if server is None or thread is None:
                return
            self._stopping.set()
            server.shutdown()
            server.server_close()
            # Keep-alive connections outlive the listening socket: without this, a client's
            # pooled connection would still be answered by a "stopped" sandbox.
            server.close_connections(_DRAIN_TIMEOUT)
            thread.join()
            self._server = self._thread = None
            if self._simulation.poster is not None:
                self._simulation.poster.close()
            self._api.store.close()
            _logger.info("Volubile sandbox on %s stopped", self._url)

    def serve_forever(self) -> None:
        """Serve in the foreground (for a command line) until :meth:`stop` or Ctrl-C.

        Starts the sandbox unless it is already running, so a caller can :meth:`start` it
        first to print :attr:`url` and :attr:`api_key`. Ctrl-C stops it cleanly and returns.
        """
        if not self.running:
            self.start()
        try:
            # A bounded wait, so that Ctrl-C is seen promptly on every platform.
            while not self._stopping.wait(0.2):
                pass
        except KeyboardInterrupt:
            _logger.info("interrupted")
        finally:
            self.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._url is None:
            raise RuntimeError("the sandbox has not been started: call start() or use `with`")
        return self._url

    @property
    def port(self) -> int:
        """The port listened on (the one picked when ``port`` was 0)."""
        server = self._server
        if server is None:
            raise RuntimeError("the sandbox is not running")
        return int(server.server_address[1])

    def __repr__(self) -> str:
        state = f"running at {self._url}" if self.running else "stopped"
        return f"<Sandbox {state}, {len(self._api.keys)} API key(s)>"

    # --- credentials -----------------------------------------------------------------------

    @property
    def api_key(self) -> str:
        """The account's first API key: the generated one unless ``api_keys`` was given (with
        ``db_path``, generated once and kept in the file)."""
        return self._api_key

    def add_api_key(self, key: str | None = None) -> str:
        """Add a key to the account (or enable a disabled one); returns it. Without ``key``,
        a new random one is generated."""
        key = generate_api_key() if key is None else key
        self._api.keys.add(key)
        return key

    def disable_api_key(self, key: str) -> None:
        """Disable a key: requests with it get 401 (tokens it minted stay valid until they
        expire). ``KeyError`` if the sandbox does not know it; :meth:`add_api_key` re-enables."""
        self._api.keys.disable(key)

    def issue_token(self, scopes: Iterable[str], *, lifetime: int | None = None) -> str:
        """Mint a bearer token directly, as ``POST /v1/auth/token`` would (without a request,
        so nothing is logged or counted). ``lifetime`` defaults to ``token_lifetime``; 0 or
        less gives a token that has already expired, to test a client's refresh."""
        granted = list(scopes)
        unknown = sorted(set(granted) - set(SCOPES))
        if unknown:
            raise ValueError(f"unsupported scopes: {', '.join(unknown)}")
        return self._api.signer.mint(
            self._api.account, granted, self._api.token_lifetime if lifetime is None else lifetime
        )

    def expire_tokens(self) -> None:
        """Make every token minted so far expire now (requests with them get 401 "expired");
        tokens minted afterwards are valid."""
        self._api.signer.expire_all()

    def reset_rate_limit(self) -> None:
        """End the current rate-limit window: the next request opens a fresh one."""
        if self._api.limiter is not None:
            self._api.limiter.reset()

    # --- faults ----------------------------------------------------------------------------

    def inject(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        path: PathMatcher | None = None,
        times: int | None = 1,
    ) -> Injection:
        """Make the next ``times`` matching requests meet ``fault`` (``None``: all of them,
        until :meth:`clear_faults`).

        ``method`` (case-insensitive) and ``path`` select requests; ``None`` selects all. A
        ``str`` path must equal the request path exactly (query string excluded); for several
        paths pass a compiled pattern, matched against the whole path, e.g.
        ``re.compile(r"/v1/campaigns/[^/]+/status")``.

        Injections are used in the order they were made: a request meets the oldest one that
        selects it and has uses left, and at most one fault. The returned :class:`Injection`
        tells how many times it was used. Each fault's ``apply`` says whether the request is
        processed; the request log records which fault hit and whether the request applied.
        """
        injection = Injection(fault, method=method, path=path, times=times)
        self._faults.add(injection)
        return injection

    @property
    def pending_faults(self) -> tuple[Injection, ...]:
        """The injections with uses left, oldest first."""
        return self._faults.pending()

    def clear_faults(self) -> None:
        """Withdraw every pending injection."""
        self._faults.clear()

    # --- inspection ------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log, oldest first (secrets redacted)."""
        return self._log.snapshot()

    def count(
        self,
        method: str | None = None,
        path: PathMatcher | None = None,
        *,
        applied: bool | None = None,
    ) -> int:
        """How many logged requests match: ``method`` and ``path`` as in :meth:`inject`;
        ``applied=True`` counts only requests that took effect, ``False`` only the others."""
        return self._log.count(method, path, applied=applied)

    def reset_log(self) -> None:
        """Empty the request log."""
        self._log.clear()

    def campaigns(self) -> list[StoredCampaign]:
        """Every stored campaign, oldest first, with its recipients (fresh copies)."""
        return self._api.store.all()

    def campaign(self, campaign_id: str | uuid.UUID) -> StoredCampaign:
        """One stored campaign (the id as text in any case, or a UUID); ``KeyError`` when
        there is none with this id."""
        found = self._api.store.get(str(campaign_id).lower())
        if found is None:
            raise KeyError(f"no campaign {campaign_id} in this sandbox")
        return found

    def add_agent(
        self,
        name: str,
        *,
        type: str = "OUTBOUND",
        active: bool = True,
        recordable: bool = True,
        archived: bool = False,
        phone_numbers: Sequence[str] = (),
        agent_id: str | uuid.UUID | None = None,
    ) -> StoredAgent:
        """Add an agent to the account (``GET /v1/agents`` lists it after the seeded ones);
        ``agent_id`` defaults to a new UUID. ``ValueError`` for a type other than INBOUND or
        OUTBOUND, or an id already taken."""
        if type not in DIRECTIONS:
            raise ValueError(f"type must be one of {', '.join(DIRECTIONS)}: {type!r}")
        if not isinstance(name, str) or not name:
            raise ValueError("name must be a non-empty string")
        identifier = str(uuid.UUID(str(agent_id))) if agent_id is not None else str(uuid.uuid4())
        document = {
            "id": identifier,
            "telephonyConfiguration": {"sipConnection": {}, "phoneNumbers": list(phone_numbers)},
            "name": name,
            "type": type,
            "active": bool(active),
            "recordable": bool(recordable),
            "archived": bool(archived),
            "configuration": {"extractors": [], "classifiers": []},
        }
        return self._api.calls.add_agent(document)

    def agents(self) -> list[StoredAgent]:
        """Every agent, seeded ones first, in the order they were added (fresh copies)."""
        return self._api.calls.agents()[0]

    def agent(self, agent_id: str | uuid.UUID) -> StoredAgent:
        """One agent; ``KeyError`` when there is none with this id."""
        found = self._api.calls.agent(str(agent_id).lower())
        if found is None:
            raise KeyError(f"no agent {agent_id} in this sandbox")
        return found

    def add_call(
        self,
        *,
        phone: str = "+33612345678",
        status: str = "COMPLETED",
        agent_id: str | uuid.UUID = OUTBOUND_AGENT_ID,
        campaign: str | None = None,
        start_time: _dt.datetime | str | None = None,
        duration: int | None = None,
        context: Mapping[str, Any] | None = None,
        extractors: Sequence[Mapping[str, Any]] = (),
        classifiers: Sequence[Mapping[str, Any]] = (),
        summary: str | None = None,
        anonymous: bool = False,
        recorded: bool | None = None,
        transcript: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
        recording: bytes | None = None,
        recording_type: str = "audio/wav",
        call_type: str | None = None,
        call_id: str | uuid.UUID | None = None,
    ) -> StoredCall:
        """Add a call, as if ``agent_id``'s agent had made (or taken) it; returns it.

        - ``status``: any text; the API's are ``CallStatus`` values (a made-up one tests a
          client's tolerance). ``campaign``: the campaign name ``GET /v1/calls?campaign=``
          matches (``None``: a call made alone).
        - ``start_time``: an aware datetime or ISO 8601 text (default: ``duration`` seconds
          ago); ``duration`` in seconds (default 60, 0 for ``IN_PROGRESS``). The from/to
          filters compare the start's date in UTC.
        - ``context``: the recipient's context (the sandbox adds ``system``); ``extractors``
          (``{"name", "value": [str | extractor]}``) and ``classifiers`` (``{"name", "value",
          "type"}``) give ``extractedData`` and ``classificationData``, flattened.
        - ``transcript``: a list of ``{action, time, actor, message}`` entries (answered as a
          JSON array), or one entry (answered as that bare object, as the reference's example
          shows); by default a conversation that fits ``status``.
        - ``recording``: the audio's bytes, served as ``recording_type``; by default a call
          that was answered by a recordable agent has a short generated WAV tone, others none
          (404). ``recorded=False`` removes it, ``True`` forces one.
        - ``call_type``: INBOUND or OUTBOUND (default: the agent's type).

        ``KeyError`` for an unknown agent; ``ValueError``/``TypeError`` for a phone not in
        E.164, a naive ``start_time``, a negative duration, a malformed transcript.
        """
        agent = self.agent(agent_id)
        call, day = make_call(
            agent,
            phone=phone,
            status=status,
            now=_dt.datetime.fromtimestamp(self._api_time(), _dt.UTC),
            call_id=str(call_id) if call_id is not None else None,
            call_type=call_type,
            start_time=start_time,
            duration=duration,
            campaign=campaign,
            context=context,
            extractors=extractors,
            classifiers=classifiers,
            summary=summary,
            anonymous=anonymous,
            recorded=recorded,
            transcript=transcript,
            recording=recording,
            recording_type=recording_type,
        )
        return self._api.calls.add_call(call, day=day)

    def calls(self) -> list[StoredCall]:
        """Every call, oldest first: those a test added and those ``POST /v1/calls`` made."""
        return self._api.calls.calls()[0]

    def call(self, call_id: str | uuid.UUID) -> StoredCall:
        """One call; ``KeyError`` when there is none with this id."""
        found = self._api.calls.call(str(call_id).lower())
        if found is None:
            raise KeyError(f"no call {call_id} in this sandbox")
        return found

    # --- simulated time -----------------------------------------------------------------

    def start_clock(self, at: _dt.datetime | str | None = None) -> SandboxClock:
        """Put the sandbox on simulated time, from ``at`` (an aware datetime or ISO 8601 text
        with an offset; by default the sandbox's current time); returns :attr:`clock`.

        From then on the API's own timestamps (campaigns created and updated, calls, error
        responses) are the clock's, and moving it (``clock.advance(days=3)``,
        ``clock.advance_to(...)``, ``clock.run_until_done()``) plays what every campaign does
        meanwhile, as :meth:`simulation` describes. Token lifetimes and rate-limit windows keep
        the real clock (``clock=``). Without it the sandbox places no call by itself.
        ``RuntimeError`` when the clock has started already (it only moves forward).
        """
        if self._simulated is not None:
            raise RuntimeError("the sandbox's clock has started already: move it with advance()")
        start = self._clock() if at is None else read_moment(at, "at")
        self._simulated = SandboxClock(start, self._simulation)
        return self._simulated

    @property
    def clock(self) -> SandboxClock:
        """The simulated clock (:meth:`start_clock` starts it); ``RuntimeError`` before."""
        if self._simulated is None:
            raise RuntimeError(
                "the sandbox has no simulated clock: call sandbox.start_clock() first"
            )
        return self._simulated

    def simulation(self, **settings: Unpack[SimulationOptions]) -> Simulation:
        """Set how simulated campaigns call (each setting left out takes its default).

        As the clock moves, every ACTIVE campaign places the calls it would: on its days,
        inside its time slots clipped to 10:00-13:00 and 14:00-20:00 in its time zone
        (daylight-saving changes included), at most ``batchSize`` first attempts a day, paced
        evenly over the day's windows, retries per ``retry`` (``max``, ``delay`` in hours,
        ``retryOn`` statuses or main qualifiers); nothing while PAUSED, nothing new once
        CANCELLED (calls in progress end either way). Calls carry the campaign's name, so
        ``GET /v1/calls?campaign=NAME`` lists them; each is ``IN_PROGRESS`` until it ends.

        - ``seed``: the generator outcomes and durations are drawn from (the same seed and
          the same test give the same calls).
        - ``outcomes``: call statuses and their weights, e.g. ``{"COMPLETED": 0.6,
          "NO_ANSWER": 0.3, "VOICE_BOX": 0.1}`` (by default 0.6 COMPLETED, 0.25 NO_ANSWER,
          0.15 VOICE_BOX).
        - ``outcomes_by_phone``: fixed outcomes for some numbers: a status, or one status
          per attempt (the last one repeats), e.g. ``{"+33612345678": ["NO_ANSWER",
          "COMPLETED"]}``.
        - ``extract(phone, context)`` returns an answered call's ``extractedData`` (names to
          text, lists or nested mappings); by default the context's plain values.
          ``classify(phone, context)`` returns its ``classificationData`` (names to values);
          by default a random value of each classifier of the campaign's agent. Answered
          calls (COMPLETED, TRANSFERRED, FAILOVER) of a recordable agent have a recording.
        - ``exclude_public_holidays``, ``closed_dates``: days on which campaigns do not call
          (the API knows neither; this plays the pause a user would make), as in
          ``plan_campaign``.

        Returns the :class:`Simulation`. ``ValueError``/``TypeError`` for a setting that is
        wrong, before anything changes.
        """
        return self._simulation.configure(**settings)

    def progress(self, campaign_id: str | uuid.UUID) -> CampaignProgress:
        """Where a simulated campaign stands: recipients final, waiting, calls in progress,
        and whether it is finished (the API has no status for that: the campaign stays
        ACTIVE). ``KeyError`` when there is no such campaign."""
        return self._simulation.progress(str(campaign_id))

    def webhook(
        self,
        url: str,
        *,
        secret: str | bytes | None = None,
        retry_delays: Sequence[float | _dt.timedelta] = DEFAULT_RETRY_DELAYS,
        timeout: float = 5.0,
    ) -> Webhook:
        """Post each call a simulated campaign finishes to ``url`` (loopback only), as the
        API posts to a customer's webhook: the body of ``GET /v1/calls/{id}``, signed in
        ``X-Webhook-Signature`` with ``secret`` by ``volubile_ext.webhooks.sign_webhook``
        (unsigned without one). Replaces an earlier webhook; returns the new one, whose
        ``deliveries`` log every attempt.

        Posts happen when the clock passes the call's end, in time order with the calls. A
        5xx, 408 or 429 answer, a refused connection or a timeout (``timeout`` seconds, real
        time) is tried again after each of ``retry_delays`` (simulated time: by default 1
        min, 5 min, 30 min, 2 h), then given up; another non-2xx answer is given up at once.
        """
        hook = Webhook(url, secret=secret, retry_delays=retry_delays, timeout=timeout)
        previous, self._simulation.poster = self._simulation.poster, hook
        if previous is not None:
            previous.close()
        return hook

    def _api_time(self) -> float:
        """The API's notion of now: the simulated clock's once started, else the real one."""
        simulated = self._simulated
        return simulated.time() if simulated is not None else self._clock()

    # --- serving (called by the request handler threads) -----------------------------------

    def _exchange(
        self, request: Request, query: str, raw_headers: Iterable[tuple[str, str]]
    ) -> Reply | None:
        """Play one request: fault, processing, log. ``None`` means: close without answering."""
        arrival = self._clock()
        fault = self._faults.take(request.method, request.path)
        api_reply = self._process(request) if fault is None or fault.apply else None
        reply = self._shape(fault, api_reply)
        self._log.append(
            RequestRecord(
                time=arrival,
                method=request.method,
                path=request.path,
                query=redact_query(query),
                headers=redact_headers(raw_headers),
                # A body the API refused to look at (no credentials, over the rate limit) is
                # not kept: an attacker's 8 MB bodies must not pile up in the log.
                raw_body=request.body if api_reply is None or api_reply.body_read else None,
                body_size=len(request.body),
                status=reply.status if reply is not None else None,
                api_status=api_reply.status if api_reply is not None else None,
                fault=fault,
                campaign_id=api_reply.campaign_id if api_reply is not None else None,
            )
        )
        # Logged before the delay, so a test that has seen its client time out already finds
        # the request in the log.
        if isinstance(fault, Delay) and self._stopping.wait(fault.seconds):
            return None
        return reply

    def _process(self, request: Request) -> Reply:
        try:
            return self._api.handle(request)
        except Exception:
            # A bug in the sandbox must show as a 500, as a server's would, not as a hung client.
            _logger.exception("sandbox error on %s %s", request.method, request.path)
            return error_reply(500, "Internal sandbox error", now=self._api_time()).with_headers(
                self._api.rate_headers()
            )

    def _shape(self, fault: Fault | None, api_reply: Reply | None) -> Reply | None:
        """What the client receives, given the fault and the API's own reply (if processed)."""
        rate = (
            {k: v for k, v in api_reply.headers.items() if k.startswith("X-RateLimit-")}
            if api_reply is not None
            else self._api.rate_headers()
        )
        match fault:
            case None | Delay() if api_reply is not None:
                return api_reply
            case Delay() | DropConnection():
                return None
            case ErrorStatus():
                headers = dict(rate)
                if fault.status == 429 and "X-RateLimit-Remaining" in headers:
                    headers["X-RateLimit-Remaining"] = "0"
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                return error_reply(
                    fault.status, fault.reason(), now=self._api_time(), headers=headers
                )
            case NonJSONBody():
                return Reply(
                    fault.status,
                    headers=rate,
                    raw_body=fault.encoded_body(),
                    content_type=fault.content_type,
                )
            case UnknownValues() if api_reply is not None:
                return attrs.evolve(api_reply, document=fault.rewrite(api_reply.document))
        raise AssertionError(f"unplayable fault {fault!r} (processed: {api_reply is not None})")


def _url(host: str, port: int) -> str:
    # A wildcard address is not one a client can connect to: point at loopback instead.
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(shown).version == 6:
            shown = f"[{shown}]"
    return f"http://{shown}:{port}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections when tests open dozens at once, and a dropped
    # SYN costs the client a one-second retransmission.
    request_queue_size = 128
    # One thread per connection: beyond this many open at once, a new connection is answered
    # 503 and closed, so that a client opening thousands cannot exhaust the process.
    max_connections = 1024

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._connections: set[socket.socket] = set()
        self._closing = False
        self._idle = threading.Condition()
        host = address[0]
        with contextlib.suppress(ValueError):
            if ipaddress.ip_address(host).version == 6:
                self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (socket.getfqdn), which can stall for
        # seconds on a machine with a slow resolver; nothing here needs the name.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints a traceback to stderr for any exception a handler lets escape.
        # A client that resets or abandons its connection is no error of the sandbox's; a real
        # bug is logged through `logging`, where the application decides what to show.
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            _logger.debug("connection from %s ended: %r", client_address, error)
        else:
            _logger.error("sandbox error serving %s", client_address, exc_info=True)

    def track(self, connection: socket.socket) -> Literal["tracked", "closing", "full"]:
        """Register a client connection, unless the server is closing or already holds
        :attr:`max_connections` (each one is a thread)."""
        with self._idle:
            if self._closing:
                return "closing"
            if len(self._connections) >= self.max_connections:
                return "full"
            self._connections.add(connection)
            return "tracked"

    def untrack(self, connection: socket.socket) -> None:
        with self._idle:
            self._connections.discard(connection)
            self._idle.notify_all()

    def close_connections(self, timeout: float) -> None:
        """Shut every client connection down, then wait (up to ``timeout``) for their threads."""
        with self._idle:
            self._closing = True
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._idle.wait_for(lambda: not self._connections, timeout)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without TCP_NODELAY, a keep-alive response stalls about 40 ms: Nagle's algorithm holds
    # the segment until the client's delayed ACK. Each response is also written in one send.
    disable_nagle_algorithm = True
    server_version = f"VolubileSandbox/{__version__}"
    # An idle keep-alive connection is closed after this long, as servers do, so that a client
    # that never closes its pool does not hold a thread forever. Also the bound on each write.
    timeout = 120

    _tracked = False
    _linger = False
    _head: HeadReader | None = None

    def _server(self) -> _Server:
        return cast(_Server, self.server)

    def setup(self) -> None:
        super().setup()
        # Reads go through a raw reader that enforces the request deadline on every recv.
        self.rfile.close()
        self._reader = DeadlineSocket(self.connection, idle=float(self.timeout))
        self._buffered = io.BufferedReader(self._reader)
        self.rfile = self._buffered
        self._admission = self._server().track(self.connection)
        self._tracked = self._admission == "tracked"

    def handle(self) -> None:
        if self._tracked:
            super().handle()
        elif self._admission == "full":
            # Answered before its request is read: the lingering close lets the client see it.
            # Nothing was processed, so a client may safely send it again.
            self.command = self.path = self.requestline = ""
            self.close_connection = self._linger = True
            busy = self._protocol_error(503, "Too many connections to the sandbox: retry shortly")
            self._send(busy.with_headers({"Retry-After": "1"}))

    def finish(self) -> None:
        try:
            super().finish()
            if self._linger:
                self._drain()
        except OSError:
            pass  # the client or stop() already closed the socket
        finally:
            if self._tracked:
                self._server().untrack(self.connection)

    def _drain(self) -> None:
        """Close after an error the way servers must (RFC 9112 section 9.6): stop sending, then
        read and discard what the client is still sending, for a bounded time. Closing with
        unread bytes makes the kernel send a reset, which can destroy the error response
        before the client has read it."""
        self.connection.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + _LINGER_SECONDS
        drained = 0
        while drained < _LINGER_BYTES:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.connection.settimeout(remaining)
            chunk = self.connection.recv(65536)
            if not chunk:
                return
            drained += len(chunk)

    def version_string(self) -> str:
        return self.server_version

    def __getattr__(self, name: str) -> Any:
        # http.server dispatches a request to do_<METHOD> and answers 501 when there is none.
        # Every method goes to the API instead, whose router answers 405 (with Allow) for a
        # method a path does not support, as the API does, TRACE and made-up ones included.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def handle_one_request(self) -> None:
        # http.server's own version, with bounds: a request line of MAX_REQUEST_LINE bytes,
        # a header section of MAX_HEAD_BYTES, and once a request has begun, request_timeout
        # seconds to send all of it (a client that trickles bytes is cut off, with a 408).
        self.close_connection = True
        # What an error answer reads when the request line is not known yet.
        self.command = self.path = self.requestline = ""
        self.request_version = self.default_request_version
        reader = self._reader
        reader.deadline = None
        try:
            if not self._buffered.peek(1):
                return  # the client closed its idle connection
        except OSError:
            return  # idle for too long, or reset: nothing to answer
        reader.deadline = time.monotonic() + self._server().sandbox._request_timeout
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = self.request_version = self.command = ""
                self.send_error(414, f"Request line longer than {MAX_REQUEST_LINE} bytes")
                return
            if not self.raw_requestline.endswith(b"\n"):
                return  # the connection ended inside the request line
            if not self.parse_request():
                return  # answered already
            self._serve()
        except TimeoutError:
            self.send_error(408, "Request timeout: the request was not sent in time")
        except OSError:
            self.close_connection = True  # reset by the client: nobody to answer
        finally:
            reader.deadline = None

    def parse_request(self) -> bool:
        problem = request_line_problem(self.raw_requestline)
        if problem is not None:
            self.requestline = self.request_version = self.command = ""
            self.send_error(400, problem)
            return False
        body_reader = self.rfile
        self._head = HeadReader(body_reader, MAX_HEAD_BYTES - len(self.raw_requestline))
        self.rfile = cast(io.BufferedReader, self._head)
        try:
            if not super().parse_request():
                return False
        finally:
            self.rfile = body_reader
        if self._head is not None:  # not checked yet by handle_expect_100
            return self._check_head()
        return True

    def handle_expect_100(self) -> bool:
        # Judge the head before inviting the body: a client that waits for 100 Continue must
        # not be asked to send 9 MB only to be refused.
        return self._check_head() and super().handle_expect_100()

    def _check_head(self) -> bool:
        """Refuse a malformed or ambiguous header section, or a body that cannot be read."""
        head, self._head = self._head, None
        assert head is not None
        problem = head_problem(
            self.headers, bare_line_feed=head.bare_line_feed, version=self.request_version
        )
        try:
            if problem is not None:
                raise BodyError(400, problem)
            self._framing = body_framing(self.headers, self.request_version)
        except BodyError as error:
            self.send_error(error.status or 400, error.message)
            return False
        return True

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        try:
            body = self._read_body()
        except BodyError as error:
            self.close_connection = True  # the rest of the body is unread: the stream is lost
            if error.status is not None:
                self.send_error(error.status, error.message)
            return
        # Read whole: the request deadline no longer applies (a Delay fault may hold the reply).
        self._reader.deadline = None
        headers = self.headers.items()
        request = Request(self.command, path, _merge_headers(headers), body, query)
        reply = self._server().sandbox._exchange(request, query, headers)
        if reply is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(reply)

    def _read_body(self) -> bytes:
        framing = self._framing
        if framing.chunked:
            return read_chunked(self.rfile)
        assert framing.length is not None
        body = self.rfile.read(framing.length)
        if len(body) < framing.length:
            raise BodyError(None)
        return body

    def _protocol_error(self, status: int, message: str) -> Reply:
        sandbox = self._server().sandbox
        return error_reply(status, message, now=sandbox._api_time()).with_headers(
            sandbox._api.rate_headers()
        )

    def _send(self, reply: Reply) -> None:
        body = reply.body()
        try:
            phrase = HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = ""
        lines = [
            f"{self.protocol_version} {reply.status} {phrase}".rstrip(),
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {reply.content_type}",
            f"Content-Length: {len(body)}",
        ]
        lines.extend(f"{name}: {value}" for name, value in reply.headers.items())
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # One write, one send: headers and body leave in the same segment(s).
        payload = head if self.command == "HEAD" else head + body
        # Logged before the write: once the client has its answer, the line must be there.
        path = (getattr(self, "path", None) or "").partition("?")[0]
        _logger.debug("%s %s -> %s", self.command, path, reply.status)
        try:
            # A client that does not read its response holds the thread this long at most.
            self.connection.settimeout(self.timeout)
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True  # the client went away; nothing left to tell it

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own errors (malformed request line, header too long, unknown method)
        # are answered in the API's ErrorResponse format too, and end the connection: after
        # a protocol error the position in the byte stream cannot be trusted.
        self.close_connection = True
        self._linger = True
        try:
            text = message or HTTPStatus(code).phrase
        except ValueError:
            text = f"Error {code}"
        self._send(self._protocol_error(code, text))

    def log_message(self, format: str, *args: Any) -> None:
        # http.server logs the request line, query string included, to stderr; the sandbox
        # logs through `logging`, and only what _send chooses to (no query, which could hold a
        # secret a misbehaving client put there).
        pass


def _merge_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers for the API (lower-case names, repeated ones joined): secrets intact, since the
    API must read them. Only the request log gets a redacted copy."""
    merged: dict[str, str] = {}
    for raw_name, value in headers:
        name = raw_name.lower()
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged
