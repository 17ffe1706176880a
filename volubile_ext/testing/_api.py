"""The sandbox's API logic, independent of HTTP: a request in, a reply out.

Order of the checks, as in the API (a Spring service with a security filter in front):
route (404, 405) → credentials (401) → rate limit (429) → API-key-only and scope (403) →
query string and body (415, 400) → the operation (400, 404). A request refused by the rate
limiter is not processed any further. Each operation's scope is openapi.yaml's
(``x-volubile-scope``, read from ``volubile_api._spec``).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import unquote

import attrs

from .._errors import FieldError
from .._strict_json import loads_strict
from .._strict_json import quoted as _shown
from .._wire import spec as _spec
from ..campaigns._campaign_input import check_campaign_payload
from ..campaigns._recipients import ContextProblems, freeze_context, is_e164, phone_problem
from ._call_store import CallStore, StoredAgent, StoredCall, tone_wav
from ._calls import make_call
from ._query import QueryError, parse_agent_query, parse_call_query, spec_names
from ._ratelimit import FixedWindowLimiter
from ._store import CampaignStore
from ._tokens import TokenError, TokenSigner

__all__ = [
    "CAMPAIGN_STATUSES",
    "MAX_JSON_DEPTH",
    "SCOPES",
    "ApiKeys",
    "Reply",
    "Request",
    "SandboxAPI",
    "error_reply",
    "generate_api_key",
]

#: The scopes POST /v1/auth/token accepts (openapi.yaml, AuthTokenRequest.scope).
SCOPES: tuple[str, ...] = _spec.AuthTokenRequest.scope.items.enum
#: The campaign statuses POST /v1/campaigns/{id}/status accepts (openapi.yaml, its body).
CAMPAIGN_STATUSES: tuple[str, ...] = _spec.operations.updateStatus.requestBody.enum

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CAMPAIGN_PATH = re.compile(r"/v1/campaigns/([^/]+)")
_STATUS_PATH = re.compile(r"/v1/campaigns/([^/]+)/status")
_AGENT_PATH = re.compile(r"/v1/agents/([^/]+)")
_CALL_PATH = re.compile(r"/v1/calls/([^/]+)")
_CALL_PART_PATH = re.compile(r"/v1/calls/([^/]+)/(transcript|recording)")
_OPERATIONS = _spec.operations
_AGENT_CHANGES = _spec.UpdateAgentRequest
_API_KEY_PREFIX = "vsb_"
#: How deeply a request body may nest arrays and objects (a campaign needs 4 levels).
MAX_JSON_DEPTH = 64


def generate_api_key() -> str:
    """A fresh random API key (``vsb_`` and 32 URL-safe characters)."""
    return _API_KEY_PREFIX + secrets.token_urlsafe(24)


@attrs.frozen
class Request:
    """An HTTP request as the API sees it: ``headers`` has lower-case names.

    Headers and body stay out of the repr: they hold the caller's credentials.
    """

    method: str
    path: str
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)
    #: The query string as received (still percent-encoded), without the ``?``.
    query: str = attrs.field(default="", repr=False)


@attrs.frozen
class Reply:
    """What to answer: a JSON ``document``, or ``raw_body`` bytes sent verbatim.

    The body stays out of the repr: a token response holds a credential.
    """

    status: int
    document: Any = attrs.field(default=None, repr=False)
    headers: Mapping[str, str] = attrs.field(factory=dict)
    raw_body: bytes | None = attrs.field(default=None, repr=False)
    content_type: str = "application/json"
    #: The campaign the request created or addressed, for the request log.
    campaign_id: str | None = None
    #: False when the request was refused before its body was looked at (route, credentials,
    #: rate limit, scope): the request log then keeps no copy of the body.
    body_read: bool = True

    def body(self) -> bytes:
        if self.raw_body is not None:
            return self.raw_body
        if self.document is None:
            return b""
        text = json.dumps(self.document, ensure_ascii=False, separators=(",", ":"))
        try:
            return text.encode()
        except UnicodeEncodeError:
            # A lone surrogate got into a document (an echoed value): escaped, still JSON.
            return json.dumps(self.document, separators=(",", ":")).encode()

    def with_headers(self, headers: Mapping[str, str]) -> Reply:
        """A copy with ``headers`` added (replacing same-named ones)."""
        return attrs.evolve(self, headers={**self.headers, **headers})


def format_timestamp(now: float) -> str:
    """``yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`` in UTC, the ErrorResponse timestamp format."""
    moment = datetime.fromtimestamp(now, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def error_reply(
    status: int,
    message: str,
    *,
    now: float,
    errors: Iterable[FieldError] = (),
    headers: Mapping[str, str] | None = None,
    campaign_id: str | None = None,
) -> Reply:
    """An ``ErrorResponse``: ``{timestamp, status, message, errors: [{field, rejectedValue,
    message}]}``; ``rejectedValue`` is ``null`` when no value was rejected (a missing field)."""
    document = {
        "timestamp": format_timestamp(now),
        "status": status,
        "message": message,
        "errors": [
            {
                "field": error.field,
                "rejectedValue": error.rejected_value if error.has_rejected_value else None,
                "message": error.message,
            }
            for error in errors
        ],
    }
    return Reply(status, document, dict(headers or {}), campaign_id=campaign_id)


def _key_digest(key: str) -> str:
    # Keys are held as digests: a lookup by digest takes no time that depends on how much of a
    # wrong key matched, and a memory dump of the sandbox shows no usable key.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _check_key_format(key: str) -> None:
    if not isinstance(key, str) or not key or not key.isascii() or not key.isprintable():
        # The key itself is never quoted: it may be a real one pasted by mistake.
        raise ValueError("an API key must be a non-empty string of printable ASCII characters")
    if any(character.isspace() for character in key):
        raise ValueError("an API key must not contain whitespace")


class ApiKeys:
    """The account's API keys and whether each is enabled; thread-safe."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._lock = threading.Lock()
        self._enabled: dict[str, bool] = {}
        for key in keys:
            self.add(key)

    def add(self, key: str) -> None:
        """Add ``key``, or enable it again if it was disabled."""
        _check_key_format(key)
        with self._lock:
            self._enabled[_key_digest(key)] = True

    def disable(self, key: str) -> None:
        with self._lock:
            digest = _key_digest(key)
            if digest not in self._enabled:
                raise KeyError("no such API key in this sandbox")
            self._enabled[digest] = False

    def status(self, key: str) -> Literal["enabled", "disabled", "unknown"]:
        with self._lock:
            enabled = self._enabled.get(_key_digest(key))
        if enabled is None:
            return "unknown"
        return "enabled" if enabled else "disabled"

    def __len__(self) -> int:
        with self._lock:
            return len(self._enabled)


@attrs.frozen
class _Principal:
    """Who is calling: with an API key (every scope), or with a bearer token (its scopes)."""

    kind: Literal["api_key", "bearer"]
    scopes: frozenset[str]


_ALL_SCOPES = frozenset(SCOPES)
_Operation = Callable[[Request, str | None], Reply]


@attrs.frozen
class _Route:
    operation: _Operation
    scope: str | None  # None: the token endpoint, which takes an API key and no scope
    campaign_id: str | None = None  # the id in the path (a campaign's, an agent's, a call's)


class SandboxAPI:
    """Authentication, rate limiting, validation and every operation of openapi.yaml."""

    def __init__(
        self,
        *,
        keys: ApiKeys,
        signer: TokenSigner,
        limiter: FixedWindowLimiter | None,
        store: CampaignStore,
        token_lifetime: int,
        clock: Callable[[], float],
    ) -> None:
        self.keys = keys
        self.signer = signer
        self.limiter = limiter
        self.store = store
        self.token_lifetime = token_lifetime
        self.calls = CallStore(store)
        self._clock = clock
        # One sandbox is one customer account: its tokens' subject.
        self.account = str(uuid.uuid4())

    def rate_headers(self) -> dict[str, str]:
        """The rate-limit headers for a response to a request that is not counted."""
        return self.limiter.peek().headers() if self.limiter is not None else {}

    def handle(self, request: Request) -> Reply:
        """Process one request: every outcome, error or not, is a :class:`Reply`."""
        now = self._clock()
        route = self._route(request.method, request.path, now)
        if isinstance(route, Reply):
            return _unread(route.with_headers(self.rate_headers()))
        principal = self._authenticate(request.headers, now)
        if isinstance(principal, Reply):
            return _unread(principal.with_headers(self.rate_headers()))
        rate: dict[str, str] = {}
        if self.limiter is not None:
            decision = self.limiter.acquire()
            rate = decision.headers()
            if not decision.allowed:
                return _unread(
                    error_reply(
                        429,
                        f"Rate limit exceeded: {decision.limit} requests per "
                        f"{self.limiter.seconds:g} seconds; retry after {decision.retry_after} s",
                        now=now,
                        headers=rate,
                    )
                )
        if route.scope is None and principal.kind == "bearer":
            return _unread(
                error_reply(
                    403,
                    "Bearer tokens cannot be used to mint another token: use an API key",
                    now=now,
                ).with_headers(rate)
            )
        if route.scope is not None and route.scope not in principal.scopes:
            return _unread(
                error_reply(
                    403, f"Insufficient scope: this operation requires {route.scope}", now=now
                ).with_headers(rate)
            )
        try:
            reply = route.operation(request, route.campaign_id)
        except _Refused as refused:
            reply = refused.reply
        return reply.with_headers(rate)

    # --- routing and authentication -------------------------------------------------------

    def _route(self, method: str, path: str, now: float) -> _Route | Reply:
        # HEAD is answered as GET without a body (the HTTP layer drops the body).
        lookup = "GET" if method == "HEAD" else method
        allowed: dict[str, _Route]
        if path == "/v1/auth/token":
            allowed = {"POST": _Route(self._issue_token, None)}
        elif path == "/v1/campaigns":
            allowed = {"POST": _Route(self._create_campaign, _OPERATIONS.create.scope)}
        elif match := _STATUS_PATH.fullmatch(path):
            scope = _OPERATIONS.updateStatus.scope
            allowed = {"POST": _Route(self._update_status, scope, match[1])}
        elif match := _CAMPAIGN_PATH.fullmatch(path):
            allowed = {"GET": _Route(self._get_campaign, _OPERATIONS.get.scope, match[1])}
        elif path == "/v1/agents":
            allowed = {"GET": _Route(self._list_agents, _OPERATIONS.listAgents.scope)}
        elif match := _AGENT_PATH.fullmatch(path):
            allowed = {
                "GET": _Route(self._get_agent, _OPERATIONS.getAgent.scope, match[1]),
                "PATCH": _Route(self._update_agent, _OPERATIONS.updateAgent.scope, match[1]),
            }
        elif path == "/v1/calls":
            allowed = {
                "GET": _Route(self._list_calls, _OPERATIONS.listCalls.scope),
                "POST": _Route(self._create_call, _OPERATIONS.createCall.scope),
            }
        elif match := _CALL_PART_PATH.fullmatch(path):
            if match[2] == "transcript":
                route = _Route(self._get_transcript, _OPERATIONS.getTranscript.scope, match[1])
            else:
                route = _Route(self._get_recording, _OPERATIONS.getRecording.scope, match[1])
            allowed = {"GET": route}
        elif match := _CALL_PATH.fullmatch(path):
            allowed = {"GET": _Route(self._get_call, _OPERATIONS.getCall.scope, match[1])}
        else:
            return error_reply(404, f"No endpoint {method} {path}", now=now)
        if lookup not in allowed:
            return error_reply(
                405,
                f"Method {method} is not supported for {path}",
                now=now,
                headers={
                    "Allow": ", ".join(sorted({*allowed, *(["HEAD"] if "GET" in allowed else [])}))
                },
            )
        return allowed[lookup]

    def _authenticate(self, headers: Mapping[str, str], now: float) -> _Principal | Reply:
        # When both are sent the API key decides: the documentation is silent, and the key is
        # the credential that grants every scope. Messages never quote a key or a token.
        key = headers.get("x-api-key")
        if key is not None:
            state = self.keys.status(key.strip())
            if state == "enabled":
                return _Principal("api_key", _ALL_SCOPES)
            message = "API key is disabled" if state == "disabled" else "Invalid API key"
            return error_reply(401, message, now=now)
        authorization = headers.get("authorization")
        if authorization is None:
            return error_reply(
                401,
                "Missing credentials: send an X-Api-Key header or Authorization: Bearer <token>",
                now=now,
            )
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return error_reply(
                401, "Unsupported Authorization header: expected 'Bearer <token>'", now=now
            )
        try:
            claims = self.signer.verify(token.strip())
        except TokenError as exc:
            return error_reply(401, str(exc), now=now)
        if claims.subject != self.account:
            return error_reply(401, "Invalid bearer token: unknown account", now=now)
        return _Principal("bearer", claims.scopes)

    # --- bodies ----------------------------------------------------------------------------

    def _json_body(self, request: Request, now: float) -> Any:
        """The parsed JSON body; raises :class:`_Refused` (415 or 400) when there is none."""
        if not request.body.strip():
            raise _Refused(error_reply(400, "Required request body is missing", now=now))
        content_type = request.headers.get("content-type", "")
        media_type = content_type.partition(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            message = (
                f"Content-Type '{content_type or '(none)'}' is not supported: send application/json"
            )
            raise _Refused(error_reply(415, message, now=now))
        try:
            return loads_strict(request.body.decode("utf-8"), max_depth=MAX_JSON_DEPTH)
        except UnicodeDecodeError:
            message = "Malformed JSON request body: not UTF-8"
        except json.JSONDecodeError as exc:
            message = (
                f"Malformed JSON request body: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            )
        except ValueError as exc:
            message = f"Malformed JSON request body: {exc}"
        raise _Refused(error_reply(400, message, now=now))

    def _json_object(self, request: Request, now: float) -> dict[str, Any]:
        body = self._json_body(request, now)
        if not isinstance(body, dict):
            raise _Refused(error_reply(400, "Request body must be a JSON object", now=now))
        return body

    # --- operations ------------------------------------------------------------------------

    def _issue_token(self, request: Request, _campaign_id: str | None) -> Reply:
        now = self._clock()
        body = self._json_object(request, now)
        errors = _scope_errors(body.get("scope", _MISSING))
        if errors:
            return error_reply(400, "Invalid payload or unsupported scope", now=now, errors=errors)
        token = self.signer.mint(self.account, body["scope"], self.token_lifetime)
        document = {"token": token, "expiresIn": self.token_lifetime, "tokenType": "Bearer"}
        # A credential must not be kept by caches on the way (RFC 6749, section 5.1).
        return Reply(200, document, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def _create_campaign(self, request: Request, _campaign_id: str | None) -> Reply:
        now = self._clock()
        body = self._json_object(request, now)
        # The client's own rule set, so that the sandbox refuses exactly what the client would.
        errors = check_campaign_payload(body)
        if errors:
            return error_reply(400, "Validation failed", now=now, errors=errors)
        campaign = self.store.create(body, now=now)
        return Reply(201, campaign.to_response(), campaign_id=campaign.id)

    def _get_campaign(self, request: Request, campaign_id: str | None) -> Reply:
        now = self._clock()
        campaign = self.store.get(self._campaign_id(campaign_id, now))
        if campaign is None:
            return _not_found(campaign_id, now)
        return Reply(200, campaign.to_response(), campaign_id=campaign.id)

    def _update_status(self, request: Request, campaign_id: str | None) -> Reply:
        now = self._clock()
        body = self._json_body(request, now)
        if body not in CAMPAIGN_STATUSES:
            return error_reply(
                400,
                "Invalid campaign status",
                now=now,
                errors=[
                    FieldError(
                        "status",
                        "must be one of " + ", ".join(CAMPAIGN_STATUSES) + " (a bare JSON string)",
                        body,
                    )
                ],
            )
        wanted = self._campaign_id(campaign_id, now)
        with self.store.locked():
            # Read, check and write under one lock: two concurrent updates see each other.
            campaign = self.store.get(wanted)
            if campaign is None:
                return _not_found(campaign_id, now)
            if campaign.status == "CANCELLED" and body != "CANCELLED":
                return error_reply(
                    400,
                    f"Campaign {campaign.id} is CANCELLED: it cannot be set to {body}",
                    now=now,
                    errors=[
                        FieldError("status", "a cancelled campaign cannot be reactivated", body)
                    ],
                    campaign_id=campaign.id,
                )
            if campaign.status != body:
                campaign = self.store.set_status(campaign.id, body, now=now)
        return Reply(200, campaign.to_response(), campaign_id=campaign.id)

    def _campaign_id(self, raw_id: str | None, now: float) -> str:
        """The canonical (lower-case) campaign id from the path; raises :class:`_Refused` 404."""
        # A malformed id is answered 404, not 400: it names no campaign, and openapi.yaml
        # declares no 400 for GET /v1/campaigns/{id}, so a conformant server cannot send one.
        campaign_id = unquote(raw_id or "")
        if not _UUID.fullmatch(campaign_id):
            raise _Refused(_not_found(raw_id, now))
        return campaign_id.lower()

    # --- agents and calls --------------------------------------------------------------

    def _list_agents(self, request: Request, _id: str | None) -> Reply:
        now = self._clock()
        paging = _query(parse_agent_query, request, now)
        agents, total = self.calls.agents(paging)
        document = {
            "content": [dict(agent.document) for agent in agents],
            "page_count": -(-total // paging.size),
            "total_items": total,
        }
        return Reply(200, document)

    def _agent(self, raw_id: str | None, now: float) -> StoredAgent:
        agent = self.calls.agent(_path_id(raw_id) or "")
        if agent is None:
            raise _Refused(error_reply(404, f"Agent {_shown_id(raw_id)} not found", now=now))
        return agent

    def _get_agent(self, request: Request, agent_id: str | None) -> Reply:
        return Reply(200, dict(self._agent(agent_id, self._clock()).document))

    def _update_agent(self, request: Request, agent_id: str | None) -> Reply:
        now = self._clock()
        body = self._json_object(request, now)
        errors = _agent_change_errors(body)
        if errors:
            return error_reply(400, "Validation failed", now=now, errors=errors)
        agent = self.calls.update_agent(self._agent(agent_id, now).id, body)
        if agent is None:  # gone between the two reads: no operation deletes one, but be exact
            return error_reply(404, f"Agent {_shown_id(agent_id)} not found", now=now)
        return Reply(200, dict(agent.document))

    def _list_calls(self, request: Request, _id: str | None) -> Reply:
        now = self._clock()
        filters = _query(parse_call_query, request, now)
        calls, total = self.calls.calls(filters)
        size = filters.paging.size
        document = {
            "content": [dict(call.document) for call in calls],
            "size": size,
            "page": filters.paging.page,
            "totalElements": total,
            "totalPages": -(-total // size),
        }
        return Reply(200, document)

    def _call(self, raw_id: str | None, now: float) -> StoredCall:
        call = self.calls.call(_path_id(raw_id) or "")
        if call is None:
            raise _Refused(error_reply(404, f"Call {_shown_id(raw_id)} not found", now=now))
        return call

    def _get_call(self, request: Request, call_id: str | None) -> Reply:
        return Reply(200, dict(self._call(call_id, self._clock()).document))

    def _get_transcript(self, request: Request, call_id: str | None) -> Reply:
        return Reply(200, self._call(call_id, self._clock()).transcript)

    def _get_recording(self, request: Request, call_id: str | None) -> Reply:
        now = self._clock()
        call = self._call(call_id, now)
        if not call.document.get("recorded"):
            return error_reply(404, f"Call {call.id} was not recorded", now=now)
        audio = call.recording if call.recording is not None else tone_wav()
        return Reply(200, raw_body=audio, content_type=call.recording_type)

    def _create_call(self, request: Request, _id: str | None) -> Reply:
        now = self._clock()
        body = self._json_object(request, now)
        errors, phone, context = _create_call_errors(body)
        if errors:
            return error_reply(400, "Validation failed", now=now, errors=errors)
        agent = self._agent(str(body["agentId"]), now)
        problem = _outbound_problem(agent)
        if problem is not None:
            return error_reply(
                400,
                f"Agent {agent.id} cannot place calls: {problem}",
                now=now,
                errors=[FieldError("agentId", problem, body["agentId"])],
            )
        call, day = make_call(
            agent,
            phone=phone,
            status="IN_PROGRESS",
            now=datetime.fromtimestamp(now, UTC),
            context=context,
            recorded=False,
        )
        self.calls.add_call(call, day=day)
        return Reply(201, dict(call.document))


def _query(parse: Callable[[str], Any], request: Request, now: float) -> Any:
    try:
        return parse(request.query)
    except QueryError as refused:
        raise _Refused(
            error_reply(400, "Invalid query parameters", now=now, errors=refused.errors)
        ) from None


def _path_id(raw_id: str | None) -> str | None:
    """The canonical (lower-case) UUID in a path segment, or ``None`` when it is not one (a
    malformed id names nothing: 404, as for campaigns)."""
    text = unquote(raw_id or "")
    return text.lower() if _UUID.fullmatch(text) else None


def _field_name(key: str) -> str:
    """A client's field name for an error's ``field``: as sent when short and printable."""
    return key if len(key) <= 100 and key.isprintable() else _shown(key)


def _shown_id(raw_id: str | None) -> str:
    return _shown(unquote(raw_id or ""))


def _agent_change_errors(body: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    known = spec_names(_AGENT_CHANGES)
    for key, value in body.items():
        if key not in known:
            errors.append(
                FieldError(_field_name(key), f"unknown field (expected {', '.join(known)})", value)
            )
        elif value is None:
            errors.append(FieldError(key, "must not be null (leave it out to keep it)", None))
        elif key == "name":
            low, high = _AGENT_CHANGES.name.minLength, _AGENT_CHANGES.name.maxLength
            if not isinstance(value, str) or not low <= len(value) <= high:
                errors.append(FieldError(key, f"must be text of {low} to {high} characters", value))
        elif not isinstance(value, bool):
            errors.append(FieldError(key, "must be true or false", value))
    return errors


def _create_call_errors(
    body: Mapping[str, Any],
) -> tuple[list[FieldError], str, dict[str, Any]]:
    """The problems of a create-call body, and its phone and context when it has none."""
    errors: list[FieldError] = []
    for key in body:
        if key not in ("agentId", "recipient"):
            errors.append(
                FieldError(
                    _field_name(key), "unknown field (expected agentId, recipient)", body[key]
                )
            )
    agent_id = body.get("agentId")
    if agent_id is None:
        errors.append(FieldError("agentId", "must not be null", None))
    elif not isinstance(agent_id, str) or not _UUID.fullmatch(agent_id):
        errors.append(FieldError("agentId", "must be a UUID", agent_id))
    recipient = body.get("recipient")
    phone, context = "", {}
    if recipient is None:
        errors.append(FieldError("recipient", "must not be null", None))
    elif not isinstance(recipient, dict):
        errors.append(FieldError("recipient", "must be an object {phone, context}", recipient))
    else:
        for key in recipient:
            if key not in ("phone", "context"):
                errors.append(
                    FieldError(
                        f"recipient.{_field_name(key)}",
                        "unknown field (expected phone, context)",
                        recipient[key],
                    )
                )
        raw_phone = recipient.get("phone")
        if raw_phone is None:
            errors.append(FieldError("recipient.phone", "must not be null", None))
        elif not isinstance(raw_phone, str) or not is_e164(raw_phone):
            message = phone_problem(raw_phone) or "must be in E.164 format, e.g. +33612345678"
            errors.append(FieldError("recipient.phone", message, raw_phone))
        else:
            phone = raw_phone
        raw_context = recipient.get("context")
        try:
            # The client's own rules for a context (the frozen copy it returns is not JSON).
            freeze_context(raw_context)
        except ContextProblems as found:
            errors.extend(found.field_errors("recipient."))
        else:
            context = dict(raw_context) if isinstance(raw_context, dict) else {}
        if "system" in context:
            errors.append(
                FieldError(
                    "recipient.context.system",
                    "is reserved: Volubile sets the system variables itself",
                    context["system"],
                )
            )
    return errors, phone, context


def _outbound_problem(agent: StoredAgent) -> str | None:
    """Why ``agent`` cannot place a call (``None``: it can)."""
    if agent.type != "OUTBOUND":
        return f"it is an {agent.type} agent; calls and campaigns need an OUTBOUND agent"
    if agent.document.get("archived"):
        return "it is archived"
    if not agent.document.get("active"):
        return "it is not active (PATCH /v1/agents/{id} with active: true)"
    return None


_MISSING: Any = object()


def _unread(reply: Reply) -> Reply:
    return attrs.evolve(reply, body_read=False)


class _Refused(Exception):
    """Raised by an operation's helpers to answer with ``reply`` at once."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def _not_found(campaign_id: str | None, now: float) -> Reply:
    return error_reply(404, f"Campaign {unquote(campaign_id or '')} not found", now=now)


def _scope_errors(scope: Any) -> Sequence[FieldError]:
    if scope is _MISSING or scope is None:
        return [FieldError("scope", "must not be null", None)]
    if not isinstance(scope, list):
        return [FieldError("scope", "must be an array of scopes", scope)]
    supported = ", ".join(SCOPES)
    return [
        FieldError(f"scope[{index}]", f"unsupported scope; supported: {supported}", item)
        for index, item in enumerate(scope)
        if item not in SCOPES
    ]
