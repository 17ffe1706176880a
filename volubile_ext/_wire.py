"""The wire: the one module of ``volubile_ext`` that imports the generated ``volubile_api``.

Everything else reaches the generated package through here (a test walks every module's
imports to keep it so): the spec table (``spec``), the response models the results derive from,
the generated enums, and the operations, called through their public ``sync_detailed`` /
``asyncio_detailed`` with their real types. What the runtime needs per attempt (the auth flow
that takes a rate-limit place, a timeout clipped to the deadline) reaches httpx through the
keyword-only ``_request_options`` that every generated operation takes (our endpoint template,
``scripts/templates/endpoint_module.py.jinja``).

The operation modules are imported with the first call that needs them, not with
``volubile_ext``: a program that only reads CSV files, plans campaigns or prints the CLI's help
never loads them. The models a campaign derives from (``Campaign`` from ``CampaignResponse``),
the spec table, the token response (``AccessToken``) and the models of agents and calls are
imported when a module first reads them from here.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import httpx

from volubile_api.types import (
    RESPONSE_PARSE_ERRORS,
    UNSET,
    RequestOptions,
    Response,
    Unset,
    encode_json,
    encoded_json_of,
    json_body,
)

# perf: "`from volubile_ext import Volubile`" (scripts/bench.py). The spec table, the token
# response, the campaign response models and the models of agents, calls and transcripts are
# imported when a module first reads them from here (PEP 562, below), not with the client: a
# program that only reads campaigns with an API key never needs most of them, and the campaign
# models load with the first campaign read (``_models``, which derives ``Campaign`` from them).
_LAZY: dict[str, tuple[str, str | None]] = {
    "spec": ("volubile_api._spec", None),
    "CampaignResponse": ("volubile_api.models.campaign_response", "CampaignResponse"),
    "DayOfWeek": ("volubile_api.models.day_of_week", "DayOfWeek"),
    "Retry": ("volubile_api.models.retry", "Retry"),
    "ApiTimeSlot": ("volubile_api.models.time_slot", "TimeSlot"),
    "CreateCampaignRequestFields": ("volubile_api._spec", "CreateCampaignRequestFields"),
    "UpdateAgentRequestFields": ("volubile_api._spec", "UpdateAgentRequestFields"),
    "AgentResponse": ("volubile_api.models.agent_response", "AgentResponse"),
    "AuthTokenResponse": ("volubile_api.models.auth_token_response", "AuthTokenResponse"),
    "CallPage": ("volubile_api.models.call_page", "CallPage"),
    "CallResponse": ("volubile_api.models.call_response", "CallResponse"),
    "CallStatus": ("volubile_api.models.call_status", "CallStatus"),
    "ClassifierResult": ("volubile_api.models.classifier_result", "ClassifierResult"),
    "ClassifierType": ("volubile_api.models.classifier_type", "ClassifierType"),
    "Direction": ("volubile_api.models.direction", "Direction"),
    "ExtractorResult": ("volubile_api.models.extractor_result", "ExtractorResult"),
    "TranscriptAction": ("volubile_api.models.transcript_action", "TranscriptAction"),
    "TranscriptActor": ("volubile_api.models.transcript_actor", "TranscriptActor"),
    "TranscriptResponse": ("volubile_api.models.transcript_response", "TranscriptResponse"),
}

if TYPE_CHECKING:
    from volubile_api import _spec as spec
    from volubile_api._spec import CreateCampaignRequestFields, UpdateAgentRequestFields
    from volubile_api.models.agent_response import AgentResponse
    from volubile_api.models.auth_token_response import AuthTokenResponse
    from volubile_api.models.call_page import CallPage
    from volubile_api.models.call_response import CallResponse
    from volubile_api.models.call_status import CallStatus
    from volubile_api.models.campaign_response import CampaignResponse
    from volubile_api.models.classifier_result import ClassifierResult
    from volubile_api.models.classifier_type import ClassifierType
    from volubile_api.models.day_of_week import DayOfWeek
    from volubile_api.models.direction import Direction
    from volubile_api.models.extractor_result import ExtractorResult
    from volubile_api.models.retry import Retry
    from volubile_api.models.time_slot import TimeSlot as ApiTimeSlot
    from volubile_api.models.transcript_action import TranscriptAction
    from volubile_api.models.transcript_actor import TranscriptActor
    from volubile_api.models.transcript_response import TranscriptResponse
else:
    # Not seen by type checkers: a module __getattr__ would make every misspelt name type-check.
    def __getattr__(name: str) -> object:
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        module, attribute = _LAZY[name]
        loaded = importlib.import_module(module)
        value = loaded if attribute is None else getattr(loaded, attribute)
        globals()[name] = value  # later reads are plain attribute reads
        return value


if TYPE_CHECKING:
    # Names for annotations elsewhere, not loaded at run time: `X as X` re-exports them for
    # mypy without listing in __all__ what a star import could not find.
    import uuid

    from volubile_api import AuthenticatedClient as AuthenticatedClient  # noqa: PLC0414
    from volubile_api.models import CampaignStatusUpdate as CampaignStatusUpdate  # noqa: PLC0414
    from volubile_api.models import CreateCampaignRequest as CreateCampaignRequest  # noqa: PLC0414
    from volubile_api.models import Scope as Scope  # noqa: PLC0414
    from volubile_api.models.error_response import ErrorResponse as ErrorResponse  # noqa: PLC0414
    from volubile_api.models.validation_error import (
        ValidationError as ValidationError,  # noqa: PLC0414
    )

    from .campaigns._campaign_input import CampaignRequest

__all__ = [
    "RESPONSE_PARSE_ERRORS",
    "UNSET",
    "AgentResponse",
    "ApiTimeSlot",
    "AuthTokenResponse",
    "CallPage",
    "CallResponse",
    "CallStatus",
    "CampaignResponse",
    "ClassifierResult",
    "ClassifierType",
    "CreateCampaignRequestFields",
    "DayOfWeek",
    "Direction",
    "Endpoint",
    "Exchange",
    "ExtractorResult",
    "RequestOptions",
    "Response",
    "Retry",
    "TranscriptAction",
    "TranscriptActor",
    "TranscriptResponse",
    "Unset",
    "UpdateAgentRequestFields",
    "campaign_request_model",
    "create_call",
    "create_call_body",
    "create_campaign",
    "derived_fields_last",
    "encode_json",
    "encoded_json_of",
    "error_document",
    "generated_client",
    "get_agent",
    "get_call",
    "get_campaign",
    "get_recording_streamed",
    "get_transcript",
    "issue_token",
    "json_body",
    "json_separators",
    "known_scopes",
    "list_agents",
    "list_calls",
    "refuses_lone_surrogates",
    "set_campaign_status",
    "spec",
    "status_update",
    "update_agent",
    "update_agent_body",
]

T = TypeVar("T")


class Endpoint(Generic[T]):
    """One generated operation: its ``sync_detailed`` and ``asyncio_detailed``, loaded once.

    The send loops call ``sync(*args, _request_options=options, **kwargs)`` (or await
    ``asyncio(...)``) once per attempt, with the arguments an :data:`Exchange` bound and that
    attempt's httpx options.
    """

    __slots__ = ("asyncio", "sync")

    def __init__(
        self, sync: Callable[..., Response[T]], asyncio: Callable[..., Awaitable[Response[T]]]
    ) -> None:
        self.sync = sync
        self.asyncio = asyncio


# One call of an endpoint, its arguments bound (the generated client among the keywords): what
# the path, the query and the body will be; each attempt adds only its httpx options.
# perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py): a tuple, not an object holding
# two closures, and the endpoint module is imported once (not by an import statement per call).
Exchange = tuple[Endpoint[T], tuple[Any, ...], dict[str, Any]]


@functools.cache
def _endpoint(module: str) -> Endpoint[Any]:
    """The endpoint of ``volubile_api.api.<module>`` (imported with its first call)."""
    loaded = importlib.import_module(f"volubile_api.api.{module}")
    return Endpoint(loaded.sync_detailed, loaded.asyncio_detailed)


def derived_fields_last(
    cls: type, fields: list[attrs.Attribute[Any]]
) -> list[attrs.Attribute[Any]]:
    """attrs ``field_transformer`` for a class deriving from a generated model.

    The class's own fields come first, in their order, and those it inherits from the generated
    model after them, keyword-only: a field the spec gains tomorrow never shifts the positional
    arguments of code written today.
    """
    declared = vars(cls).get("__annotations__", {})
    own = [field for field in fields if field.name in declared]
    inherited = [field.evolve(kw_only=True) for field in fields if field.name not in declared]
    return own + inherited


def generated_client(
    base_url: str, http: httpx.Client | None, async_http: httpx.AsyncClient | None
) -> AuthenticatedClient:
    """The generated client around httpx clients built by ``volubile_ext``.

    Credentials are an ``httpx.Auth`` on those httpx clients (tokens that refresh, the API key
    for the token endpoint only), so the generated client's own token header is never built:
    it is only made when the generated client builds its httpx client itself, and it never does
    here. ``token`` is therefore empty.
    """
    from volubile_api import AuthenticatedClient

    client = AuthenticatedClient(base_url=base_url, token="")
    if http is not None:
        client.set_httpx_client(http)
    if async_http is not None:
        client.set_async_httpx_client(async_http)
    return client


def get_campaign(
    client: AuthenticatedClient, campaign_id: str
) -> Exchange[CampaignResponse | ErrorResponse]:
    """``GET /v1/campaigns/{id}``; ``campaign_id`` is the id's canonical text.

    The generated function is typed ``UUID``; its path is ``str(id)`` (our endpoint template),
    which a canonical text already is: no UUID is made only to be written out again.
    perf: "sync `campaigns.get` vs raw httpx" (scripts/bench.py).
    """
    return _endpoint("campaigns.get"), (campaign_id,), {"client": client}


def create_campaign(
    client: AuthenticatedClient, body: CreateCampaignRequest
) -> Exchange[CampaignResponse | ErrorResponse]:
    """``POST /v1/campaigns``."""
    return _endpoint("campaigns.create"), (), {"client": client, "body": body}


def set_campaign_status(
    client: AuthenticatedClient, campaign_id: str, status: CampaignStatusUpdate
) -> Exchange[CampaignResponse | ErrorResponse]:
    """``POST /v1/campaigns/{id}/status``; ``campaign_id`` as for :func:`get_campaign`."""
    return _endpoint("campaigns.update_status"), (campaign_id,), {"client": client, "body": status}


def issue_token(
    client: AuthenticatedClient, scopes: Iterable[Scope]
) -> Exchange[AuthTokenResponse | ErrorResponse]:
    """``POST /v1/auth/token``."""
    from volubile_api.models import AuthTokenRequest

    body = AuthTokenRequest(scope=list(scopes))
    return _endpoint("authentication.issue_token"), (), {"client": client, "body": body}


def campaign_request_model(request: CampaignRequest) -> CreateCampaignRequest:
    """The generated ``CreateCampaignRequest`` for a checked request: what the create sends.

    Every field goes through the generated model (``from_dict``), so a field the spec adds is
    carried by it under the spec's name, and its ``to_dict()`` is the wire body. The recipients
    are the exception, for speed: see :func:`_fast_body`.
    """
    from volubile_api.models import CreateCampaignRequest

    body, encoded = request.wire_parts()
    if encoded is not None:
        return _fast_body()(body, encoded)
    recipients = body.pop("recipients", None)
    if recipients is None:
        return CreateCampaignRequest.from_dict(body)
    return _fast_body()(body, recipients)


_Build = Callable[[dict[str, Any], "list[dict[str, Any]] | bytes"], "CreateCampaignRequest"]


@functools.cache
def _fast_body() -> _Build:
    """A builder of the generated model whose recipients are given in their JSON form: the
    documents, or the bytes of their JSON array as httpx's ``json=`` encodes it."""
    from volubile_api import _spec
    from volubile_api.models import CreateCampaignRequest

    request = _spec.CreateCampaignRequest
    table = {item.name: item for item in vars(request).values() if hasattr(item, "required")}
    fields = request.properties
    # The generated to_dict() writes the required fields, then the optional ones, each in the
    # schema's order: the recipients come before the optional fields listed after them.
    following = frozenset(
        name for name in fields[fields.index("recipients") + 1 :] if not table[name].required
    )

    # perf: "1,000-recipient body" row of scripts/bench.py. Building a thousand generated
    # CreateCampaignRecipientRequest and RecipientContext models only to flatten them again
    # costs about 5 ms, twice the whole validated body (the row's target is 4x json.dumps).
    # The recipients were checked by volubile_ext and are already JSON: this subclass keeps
    # them so and writes them where the generated to_dict() would.
    # perf: "sync `campaigns.create`, 1,000 recipients" and "`create_many`, 20,000
    # recipients" (scripts/bench.py): recipients encoded when they were checked
    # (PlainRecipients.wire_bytes) are spliced as they are into the rest of the body, encoded
    # the same way, and the endpoint module sends those bytes (types.EncodedJSONBody): no
    # body dicts rebuilt and serialised again, on any attempt.
    # tests/spec/test_wire_body.py proves the bytes identical to what httpx's json= sends for
    # CreateCampaignRequest.from_dict(body).to_dict().
    class CreateCampaignBody(CreateCampaignRequest):
        recipients_json: list[dict[str, Any]] | None = None
        recipients_bytes: bytes | None = None
        encoded: bytes | None = None

        def _document(self, recipients: Any) -> dict[str, Any]:
            """The generated body with ``recipients`` where to_dict() would write them."""
            document = super().to_dict()
            tail = {name: document.pop(name) for name in list(document) if name in following}
            document["recipients"] = recipients
            document.update(tail)
            return document

        def to_dict(self) -> dict[str, Any]:
            if self.recipients is not UNSET:
                return super().to_dict()
            encoded = self.recipients_bytes
            if encoded is not None:
                return self._document(json.loads(encoded))
            if self.recipients_json is None:
                return super().to_dict()
            return self._document(self.recipients_json)

        def encoded_json(self) -> bytes | None:
            encoded = self.encoded
            if encoded is not None or self.recipients_bytes is None:
                return encoded
            if self.recipients is not UNSET:
                return None
            # The body encoded with a marker text for the recipients, then the marker's JSON
            # replaced by their bytes. The JSON of a text holding the marker would show it a
            # second time: unless it is found exactly once, the body is sent the usual way.
            document = encode_json(self._document(_MARKER))
            if document is None or document.count(_MARKER_JSON) != 1:
                return None
            head, _, tail = document.partition(_MARKER_JSON)
            # Kept: every attempt of this create sends the same bytes.
            encoded = self.encoded = b"".join((head, self.recipients_bytes, tail))
            return encoded

    def build(
        body: dict[str, Any], recipients: list[dict[str, Any]] | bytes
    ) -> CreateCampaignRequest:
        model = CreateCampaignBody.from_dict(body)
        if isinstance(recipients, bytes):
            model.recipients_bytes = recipients
        else:
            model.recipients_json = recipients
        return model

    return build


# Where the recipients go in an encoded campaign body (CreateCampaignBody.encoded_json), and
# its JSON, the same in every encoding (JSON writes a NUL as \u0000; one that did not would
# not find it, and send the body by json=).
_MARKER = "\0recipients\0"
_MARKER_JSON = json.dumps(_MARKER).encode("ascii")


@functools.cache
def refuses_lone_surrogates() -> bool:
    """Whether :func:`encode_json` raises UnicodeEncodeError for text holding a lone surrogate
    (``"\\ud800"``), as httpx 0.28's UTF-8 encoding does (0.27 writes it escaped)."""
    try:
        encode_json("\ud800")
    except UnicodeEncodeError:
        return True
    return False


@functools.cache
def json_separators() -> tuple[bytes, bytes] | None:
    """How :func:`encode_json` separates an object's members, and a key from its value
    (``b","`` and ``b":"`` as httpx 0.28 encodes), or None when it knows no encoding."""
    encoded = encode_json({"a": 0, "b": 0})
    if encoded is None:
        return None
    first_value = encoded.index(b"0")
    return encoded[first_value + 1 : encoded.index(b'"b"')], encoded[4:first_value]


@functools.cache
def known_scopes() -> Mapping[str, Scope]:
    """The token scopes the spec lists, by value (``"campaigns:read"``)."""
    from volubile_api.models import Scope

    return {scope.value: scope for scope in Scope}


def status_update(value: str) -> CampaignStatusUpdate:
    """The status-update body for ``value``; ValueError when a client cannot set that status."""
    from volubile_api.models import CampaignStatusUpdate

    return CampaignStatusUpdate(value)


def error_document(document: object) -> ErrorResponse | None:
    """The generated ``ErrorResponse`` read from a decoded error body, or None when it is not one.

    Each ``ValidationError`` item that is not an object is left out first (the generated model
    would refuse the whole body for one odd item), and a timestamp that is not a date is
    dropped rather than losing the message with it.
    """
    from volubile_api.models.error_response import ErrorResponse

    if not isinstance(document, Mapping):
        return None
    items = document.get("errors")
    if isinstance(items, list):
        document = {**document, "errors": [item for item in items if isinstance(item, Mapping)]}
    elif "errors" in document:
        document = {key: value for key, value in document.items() if key != "errors"}
    try:
        return ErrorResponse.from_dict(document)
    except RESPONSE_PARSE_ERRORS:
        pass
    # The timestamp is the only other field the model converts: without it, the rest is read.
    try:
        return ErrorResponse.from_dict(
            {key: value for key, value in document.items() if key != "timestamp"}
        )
    except RESPONSE_PARSE_ERRORS:
        return None


# -- agents and calls (issue 11) ---------------------------------------------------------------

if TYPE_CHECKING:
    from volubile_api.models import AgentPage as AgentPage  # noqa: PLC0414
    from volubile_api.models import CreateCallRequest as CreateCallRequest  # noqa: PLC0414
    from volubile_api.models import UpdateAgentRequest as UpdateAgentRequest  # noqa: PLC0414

    TranscriptBody = list[TranscriptResponse] | TranscriptResponse | ErrorResponse


def list_agents(
    client: AuthenticatedClient, page: int, size: int
) -> Exchange[AgentPage | ErrorResponse]:
    """``GET /v1/agents``: one page."""
    return _endpoint("agents.list_agents"), (), {"client": client, "page": page, "size": size}


def get_agent(
    client: AuthenticatedClient, agent_id: uuid.UUID
) -> Exchange[AgentResponse | ErrorResponse]:
    """``GET /v1/agents/{id}``."""
    return _endpoint("agents.get_agent"), (agent_id,), {"client": client}


def update_agent_body(fields: Mapping[str, Any]) -> UpdateAgentRequest:
    """The PATCH body of checked JSON fields: the generated model, holding only those fields
    (the others stay UNSET and are not sent)."""
    from volubile_api.models import UpdateAgentRequest

    return UpdateAgentRequest.from_dict(fields)


def update_agent(
    client: AuthenticatedClient, agent_id: uuid.UUID, body: UpdateAgentRequest
) -> Exchange[AgentResponse | ErrorResponse]:
    """``PATCH /v1/agents/{id}``."""
    return _endpoint("agents.update_agent"), (agent_id,), {"client": client, "body": body}


def list_calls(
    client: AuthenticatedClient, query: Mapping[str, Any]
) -> Exchange[CallPage | ErrorResponse]:
    """``GET /v1/calls``: one page; ``query`` holds the generated function's keyword arguments
    (``agent_id``, ``phone``, ``campaign``, ``from_``, ``to``, ``page``, ``size``, ``sort``)."""
    return _endpoint("calls.list_calls"), (), {"client": client, **query}


def get_call(
    client: AuthenticatedClient, call_id: uuid.UUID
) -> Exchange[CallResponse | ErrorResponse]:
    """``GET /v1/calls/{id}``."""
    return _endpoint("calls.get_call"), (call_id,), {"client": client}


def get_transcript(client: AuthenticatedClient, call_id: uuid.UUID) -> Exchange[TranscriptBody]:
    """``GET /v1/calls/{id}/transcript``: one entry or a list of them."""
    return _endpoint("calls.get_transcript"), (call_id,), {"client": client}


def create_call_body(agent_id: uuid.UUID, recipient: Mapping[str, Any]) -> CreateCallRequest:
    """The ``POST /v1/calls`` body for a checked recipient (``{"phone", "context"}`` as JSON)."""
    from volubile_api.models import CreateCallRequest

    return CreateCallRequest.from_dict({"agentId": str(agent_id), "recipient": dict(recipient)})


def create_call(client: AuthenticatedClient, body: CreateCallRequest) -> Exchange[Any]:
    """``POST /v1/calls``. Its 201 body is undocumented: the generated operation parses none."""
    return _endpoint("calls.create_call"), (), {"client": client, "body": body}


def get_recording_streamed(client: AuthenticatedClient, call_id: uuid.UUID) -> Exchange[None]:
    """``GET /v1/calls/{id}/recording``, its body left unread: the response is a stream.

    The generated ``get_recording`` reads the whole audio into memory (``response.content``);
    this sends the request the generated module builds (``_get_kwargs``: path, method) through
    the same httpx client with ``stream=True``. The caller reads the body and closes the
    response (``http_response``); ``parsed`` is None.
    """
    return _recording_endpoint(), (call_id,), {"client": client}


@functools.cache
def _recording_endpoint() -> Endpoint[None]:
    from volubile_api.api.calls import get_recording as operation

    def reply(response: httpx.Response) -> Response[None]:
        return Response(
            status_code=response.status_code,
            content=b"",
            headers=response.headers,
            parsed=None,
            http_response=response,
        )

    def sync(
        call_id: uuid.UUID, *, client: AuthenticatedClient, _request_options: RequestOptions
    ) -> Response[None]:
        http = client.get_httpx_client()
        request = http.build_request(
            **operation._get_kwargs(call_id), **_timeout_of(_request_options)
        )
        return reply(http.send(request, stream=True, **_auth_of(_request_options)))

    async def asyncio(
        call_id: uuid.UUID, *, client: AuthenticatedClient, _request_options: RequestOptions
    ) -> Response[None]:
        http = client.get_async_httpx_client()
        request = http.build_request(
            **operation._get_kwargs(call_id), **_timeout_of(_request_options)
        )
        return reply(await http.send(request, stream=True, **_auth_of(_request_options)))

    return Endpoint(sync, asyncio)


# An option left out keeps the httpx client's default: passing None would turn it off instead.
def _timeout_of(options: RequestOptions) -> dict[str, Any]:
    return {"timeout": options["timeout"]} if "timeout" in options else {}


def _auth_of(options: RequestOptions) -> dict[str, Any]:
    return {"auth": options["auth"]} if "auth" in options else {}
