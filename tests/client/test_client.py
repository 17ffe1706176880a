"""Volubile and AsyncVolubile over real loopback sockets: auth, retries, limits, parsing, secrets.

Every test runs against both clients. Retries are judged by what the server actually received.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from tests.client_harness import (
    API_KEY,
    CAMPAIGN_ID,
    CREATE_ARGS,
    FakeApi,
    Harness,
    campaign_document,
    in_threads,
    on_model_read,
)
from tests.scripted_server import Drop, Received, Reply, ScriptedServer, free_port
from volubile_api.models import CampaignResponse
from volubile_ext import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncVolubile,
    AuthenticationError,
    BadRequestError,
    Campaign,
    CampaignStatus,
    CampaignWarning,
    ClientValidationError,
    Day,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    Volubile,
    VolubileError,
)

KINDS = ["sync", "async"]
# Backoff waits are not what these tests measure; Retry-After waits are, and stay real.
pytestmark = pytest.mark.usefixtures("quick_backoff")
GET_PATH = f"/v1/campaigns/{CAMPAIGN_ID}"
FAST = {"max_retries": 2}


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make(kind: str, harnesses: Callable[..., Harness]) -> Callable[..., Harness]:
    """Clients of the parametrized kind (with the made-up key unless told), closed after."""
    return functools.partial(harnesses, kind, api_key=API_KEY)


# -- construction ------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [Volubile, AsyncVolubile])
def test_no_credentials_is_a_clear_error(cls: type[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOLUBILE_API_KEY", raising=False)
    with pytest.raises(VolubileError, match="VOLUBILE_API_KEY"):
        cls()


@pytest.mark.parametrize("cls", [Volubile, AsyncVolubile])
def test_environment_supplies_key_and_base_url(
    cls: type[Any], monkeypatch: pytest.MonkeyPatch, server: ScriptedServer
) -> None:
    monkeypatch.setenv("VOLUBILE_API_KEY", API_KEY)
    monkeypatch.setenv("VOLUBILE_BASE_URL", server.url + "/")
    client = cls()
    assert client.base_url == server.url
    assert API_KEY not in repr(client)


@pytest.mark.parametrize("cls", [Volubile, AsyncVolubile])
def test_default_base_url(cls: type[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOLUBILE_BASE_URL", raising=False)
    assert cls(api_key=API_KEY).base_url == "https://api.eu.volubile.ai"


@pytest.mark.parametrize("cls", [Volubile, AsyncVolubile])
def test_plain_http_is_refused_except_on_loopback(cls: type[Any]) -> None:
    with pytest.raises(ValueError, match="clear text"):
        cls(api_key=API_KEY, base_url="http://api.example.com")
    for url in ("http://localhost:8080", "http://127.0.0.1:9", "http://[::1]:9"):
        cls(api_key=API_KEY, base_url=url)
    cls(api_key=API_KEY, base_url="http://api.example.com", allow_insecure_http=True)


@pytest.mark.parametrize("cls", [Volubile, AsyncVolubile])
def test_contradictory_credentials_are_refused(cls: type[Any]) -> None:
    with pytest.raises(ValueError, match="not both"):
        cls(api_key=API_KEY, bearer_token="jwt")
    with pytest.raises(ValueError, match="scopes"):
        cls(bearer_token="jwt", scopes=["campaigns:read"])


# -- operations and parsing --------------------------------------------------------------------


def test_create_sends_the_validated_body_with_the_api_key(
    make: Any, server: ScriptedServer
) -> None:
    harness = make(base_url=server.url)
    campaign = harness.call(
        "campaigns.create", **CREATE_ARGS, retry={"max": 2, "delay": 4, "retry_on": ["NO_ANSWER"]}
    )
    assert isinstance(campaign, Campaign)
    assert campaign.status is CampaignStatus.ACTIVE
    (received,) = server.received
    assert (received.method, received.path) == ("POST", "/v1/campaigns")
    assert received.headers["x-api-key"] == API_KEY
    assert "authorization" not in received.headers
    assert received.headers["content-type"] == "application/json"
    assert received.json() == {
        "name": "Renewals",
        "agentId": CREATE_ARGS["agent_id"],
        "startDate": "2026-12-01",
        "timeSlots": [{"startTime": "10:00", "endTime": "12:00"}],
        "batchSize": 200,
        "retry": {"max": 2, "delay": 4, "retryOn": ["NO_ANSWER"]},
        "days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
        "recipients": [{"phone": "+33612345678", "context": {"firstName": "Ana"}}],
        "timezone": "Europe/Paris",
    }


def test_get_parses_a_typed_immutable_campaign_with_response_details(
    make: Any, server: ScriptedServer
) -> None:
    harness = make(base_url=server.url)
    campaign = harness.call("campaigns.get", uuid.UUID(CAMPAIGN_ID))
    assert campaign.id == uuid.UUID(CAMPAIGN_ID)
    assert str(campaign.start_date) == "2026-12-01"
    assert [str(slot) for slot in campaign.time_slots] == ["10:00-12:00"]
    assert campaign.days[0] is Day.MONDAY
    assert campaign.retry.retry_on == ("NO_ANSWER",)
    assert campaign.response.status_code == 200
    assert campaign.response.rate_limit.limit == 100
    assert campaign.response.rate_limit.remaining == 99
    assert campaign.response.retries_taken == 0
    assert harness.client.rate_limit.remaining == 99
    with pytest.raises(AttributeError):
        campaign.status = CampaignStatus.PAUSED


def test_a_campaign_is_read_into_the_generated_model_when_first_used_once(
    make: Any, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[Any] = []
    on_model_read(monkeypatch, CampaignResponse, read.append)
    harness = make(base_url=server.url)
    campaign = harness.call("campaigns.get", CAMPAIGN_ID)
    assert campaign.response.status_code == 200
    assert campaign.raw == campaign_document()
    assert read == []  # the answer was checked (JSON, an object), not parsed
    assert campaign.id == uuid.UUID(CAMPAIGN_ID)
    assert [str(slot) for slot in campaign.time_slots] == ["10:00-12:00"]
    assert campaign == attrs.evolve(campaign)
    assert read == [campaign_document()]
    assert campaign.raw == campaign_document()


def test_a_campaign_body_that_is_not_json_is_still_an_error_at_once(
    make: Any, server: ScriptedServer
) -> None:
    server.then(Reply(200, body=b"<html>gateway</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(APIResponseValidationError, match="not JSON"):
        make(base_url=server.url).call("campaigns.get", CAMPAIGN_ID)


def test_unknown_enum_values_and_fields_are_kept(make: Any, server: ScriptedServer) -> None:
    document = campaign_document(status="ARCHIVED", days=["MONDAY", "FUNDAY"], priority="high")
    server.then(Reply(200, json=document))
    campaign = make(base_url=server.url).call("campaigns.get", CAMPAIGN_ID)
    assert campaign.status == "ARCHIVED"
    assert not campaign.is_known_status
    assert campaign.days == (Day.MONDAY, "FUNDAY")
    assert campaign.extra == {"priority": "high"}
    assert campaign.raw["status"] == "ARCHIVED"


def test_missing_and_null_fields_are_none(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(200, json={"id": CAMPAIGN_ID, "status": None, "days": None, "retry": None}))
    campaign = make(base_url=server.url).call("campaigns.get", CAMPAIGN_ID)
    assert (campaign.status, campaign.days, campaign.retry, campaign.name) == (None, (), None, None)


@pytest.mark.parametrize(
    ("method", "status"),
    [("pause", "PAUSED"), ("resume", "ACTIVE"), ("cancel", "CANCELLED")],
)
def test_status_shortcuts_send_a_bare_json_string(
    make: Any, server: ScriptedServer, method: str, status: str
) -> None:
    campaign = make(base_url=server.url).call(f"campaigns.{method}", CAMPAIGN_ID)
    (received,) = server.received
    assert received.path == f"/v1/campaigns/{CAMPAIGN_ID}/status"
    assert received.body == f'"{status}"'.encode()
    assert campaign.status == status


def test_set_status_accepts_any_case_and_refuses_unknown(make: Any, server: ScriptedServer) -> None:
    harness = make(base_url=server.url)
    harness.call("campaigns.set_status", CAMPAIGN_ID, "paused")
    with pytest.raises(
        ClientValidationError, match="status: must be one of ACTIVE, PAUSED, CANCELLED"
    ):
        harness.call("campaigns.set_status", CAMPAIGN_ID, "DONE")
    with pytest.raises(ClientValidationError, match="id: must be a campaign id"):
        harness.call("campaigns.get", "../../v1/auth/token")
    assert server.count() == 1


def test_invalid_create_sends_nothing(make: Any, server: ScriptedServer) -> None:
    args = dict(CREATE_ARGS, batch_size=5000, time_slots=["07:00-09:00"])
    with pytest.raises(ClientValidationError) as caught:
        make(base_url=server.url).call("campaigns.create", **args)
    fields = {error.field for error in caught.value.errors}
    assert {"batchSize", "timeSlots[0]"} <= fields
    assert server.count() == 0


def test_non_json_success_body_is_a_typed_error(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(201, body=b"<html>ok</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(APIResponseValidationError, match="most likely created"):
        make(base_url=server.url).call("campaigns.create", **CREATE_ARGS)


@pytest.mark.parametrize(
    ("reply", "cls", "text"),
    [
        (
            Reply(404, json={"status": 404, "message": "Campaign not found"}),
            NotFoundError,
            "404 Not Found: Campaign not found",
        ),
        (
            Reply(403, body=b"Forbidden", headers={"Content-Type": "*/*"}),
            PermissionDeniedError,
            "403 Forbidden: Forbidden",
        ),
        (
            Reply(
                400,
                json={
                    "message": "Validation failed",
                    "errors": [{"field": "id", "rejectedValue": None, "message": "must be a UUID"}],
                },
            ),
            BadRequestError,
            "400 Bad Request: id: must be a UUID (rejected: null)",
        ),
    ],
)
def test_error_statuses_raise_typed_errors(
    make: Any, server: ScriptedServer, reply: Reply, cls: type[Exception], text: str
) -> None:
    server.then(reply)
    with pytest.raises(cls) as caught:
        make(base_url=server.url).call("campaigns.get", CAMPAIGN_ID)
    assert str(caught.value) == text
    assert server.count() == 1


# -- retries: campaign creation (at most once) -------------------------------------------------


def test_create_is_retried_when_the_connection_is_refused(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from volubile_ext import _retry

    # Real waits here: the retries must outlast the server's late start.
    monkeypatch.setattr(_retry.RetryPolicy, "backoff", lambda self, n: 0.25)
    port = free_port()
    harness = make(base_url=f"http://127.0.0.1:{port}", max_retries=4)
    servers: list[ScriptedServer] = []

    def start_late() -> None:
        # The socket is bound only now: until then every connection is refused.
        servers.append(ScriptedServer(default=FakeApi(), port=port).__enter__())

    starter = threading.Timer(0.35, start_late)
    starter.start()
    try:
        campaign = harness.call("campaigns.create", **CREATE_ARGS)
    finally:
        starter.join()
    (late,) = servers
    late.__exit__()
    assert late.count("POST", "/v1/campaigns") == 1
    assert campaign.response.retries_taken >= 1


def test_create_gives_up_after_max_retries_when_nobody_listens(make: Any) -> None:
    harness = make(base_url=f"http://127.0.0.1:{free_port()}", max_retries=2)
    with pytest.raises(APIConnectionError) as caught:
        harness.call("campaigns.create", **CREATE_ARGS)
    assert caught.value.request_sent is False
    assert "could not connect" in str(caught.value)
    assert "3 attempts" in str(caught.value)
    assert "may have been created" not in str(caught.value)


def test_create_is_retried_after_429_honouring_retry_after(
    make: Any, server: ScriptedServer
) -> None:
    server.then(
        Reply(
            429, json={"status": 429, "message": "Too Many Requests"}, headers={"Retry-After": "1"}
        )
    )
    started = time.monotonic()
    campaign = make(base_url=server.url).call("campaigns.create", **CREATE_ARGS)
    assert server.count("POST", "/v1/campaigns") == 2
    first, second = server.received
    assert second.at - first.at >= 1.0
    assert time.monotonic() - started < 3.0
    assert campaign.response.retries_taken == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_create_is_not_retried_on_server_errors(
    make: Any, server: ScriptedServer, status: int
) -> None:
    server.then(Reply(status, json={"status": status, "message": "boom"}))
    with pytest.raises(InternalServerError) as caught:
        make(base_url=server.url).call("campaigns.create", **CREATE_ARGS)
    assert server.count() == 1
    assert "The campaign may have been created" in str(caught.value)


def test_create_is_not_retried_on_a_read_timeout(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(201, json=campaign_document(), delay=1.0))
    harness = make(base_url=server.url, timeout=0.3)
    with pytest.raises(APITimeoutError) as caught:
        harness.call("campaigns.create", **CREATE_ARGS)
    assert caught.value.request_sent is True
    assert "may have been created" in str(caught.value)
    time.sleep(0.8)  # let the slow answer drain before counting
    assert server.count() == 1


def test_create_is_not_retried_when_the_connection_drops(make: Any, server: ScriptedServer) -> None:
    server.then(Drop())
    with pytest.raises(APIConnectionError) as caught:
        make(base_url=server.url).call("campaigns.create", **CREATE_ARGS)
    assert not isinstance(caught.value, APITimeoutError)
    assert "may have been created" in str(caught.value)
    assert server.count() == 1


# -- retries: idempotent operations ------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_get_is_retried_on_server_errors(make: Any, server: ScriptedServer, status: int) -> None:
    server.then(Reply(status), Reply(status))
    campaign = make(base_url=server.url).call("campaigns.get", CAMPAIGN_ID)
    assert server.count("GET", GET_PATH) == 3
    assert campaign.response.retries_taken == 2


def test_get_gives_up_after_max_retries(make: Any, server: ScriptedServer) -> None:
    server.then(*[Reply(503, json={"message": "down"})] * 5)
    with pytest.raises(InternalServerError, match="503 Service Unavailable: down"):
        make(base_url=server.url, max_retries=1).call("campaigns.get", CAMPAIGN_ID)
    assert server.count() == 2


def test_max_retries_zero_means_one_attempt(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(503))
    with pytest.raises(InternalServerError):
        make(base_url=server.url, max_retries=0).call("campaigns.get", CAMPAIGN_ID)
    assert server.count() == 1


def test_501_is_final(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(501))
    with pytest.raises(InternalServerError):
        make(base_url=server.url).call("campaigns.get", CAMPAIGN_ID)
    assert server.count() == 1


def test_get_is_retried_on_read_timeout_and_dropped_connection(
    make: Any, server: ScriptedServer
) -> None:
    server.then(Reply(200, json=campaign_document(), delay=0.8), Drop())
    campaign = make(base_url=server.url, timeout=0.3).call("campaigns.get", CAMPAIGN_ID)
    assert campaign.id == uuid.UUID(CAMPAIGN_ID)
    time.sleep(0.6)
    assert server.count("GET", GET_PATH) == 3


def test_status_update_and_token_issue_are_retried(make: Any, server: ScriptedServer) -> None:
    harness = make(base_url=server.url)
    server.then(Reply(502))
    harness.call("campaigns.pause", CAMPAIGN_ID)
    server.then(Reply(504))
    token = harness.call("auth.issue_token", ["campaigns:read"])
    assert [r.path for r in server.received] == [
        f"{GET_PATH}/status",
        f"{GET_PATH}/status",
        "/v1/auth/token",
        "/v1/auth/token",
    ]
    assert token.scopes == ("campaigns:read",)


def test_retry_after_above_the_ceiling_raises_at_once(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(429, json={"message": "slow down"}, headers={"Retry-After": "120"}))
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        make(base_url=server.url).call("campaigns.get", CAMPAIGN_ID)
    assert caught.value.retry_after == 120.0
    assert "retry_after_ceiling" in str(caught.value)
    assert time.monotonic() - started < 1.0
    assert server.count() == 1


def test_retry_after_as_an_http_date(make: Any, server: ScriptedServer) -> None:
    import email.utils

    when = email.utils.formatdate(time.time() + 2, usegmt=True)  # whole seconds: 1 to 2 s
    server.then(Reply(429, headers={"Retry-After": when}))
    make(base_url=server.url).call("campaigns.get", CAMPAIGN_ID)
    first, second = server.received
    # Not before the date, however long the first answer took to come (a loaded machine).
    arrived = time.time() - (time.monotonic() - second.at)
    assert arrived >= email.utils.parsedate_to_datetime(when).timestamp() - 0.05
    assert second.at > first.at


def test_ceiling_is_configurable(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(429, headers={"Retry-After": "2"}))
    with pytest.raises(RateLimitError):
        make(base_url=server.url, retry_after_ceiling=1).call("campaigns.get", CAMPAIGN_ID)
    assert server.count() == 1


def test_rate_limit_error_after_exhausting_retries(make: Any, server: ScriptedServer) -> None:
    server.then(*[Reply(429, headers={"Retry-After": "0"})] * 3)
    with pytest.raises(RateLimitError) as caught:
        make(base_url=server.url, max_retries=2).call("campaigns.create", **CREATE_ARGS)
    assert caught.value.retry_after is None  # "0" asks for no wait: the backoff applies
    assert server.count() == 3


def test_deadline_bounds_the_whole_retry_chain(make: Any, server: ScriptedServer) -> None:
    server.then(*[Reply(503, delay=0.4)] * 20)
    harness = make(base_url=server.url, timeout=5.0, deadline=1.0, max_retries=20)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        # The last attempt's timeout is cut to what is left of the deadline.
        harness.call("campaigns.get", CAMPAIGN_ID)
    assert time.monotonic() - started < 1.4
    assert 2 <= server.count() <= 3


def test_deadline_refuses_a_retry_after_it_cannot_honour(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(429, headers={"Retry-After": "5"}))
    started = time.monotonic()
    with pytest.raises(RateLimitError):
        make(base_url=server.url, deadline=2.0).call("campaigns.get", CAMPAIGN_ID)
    assert time.monotonic() - started < 1.0
    assert server.count() == 1


# -- rate limiting -----------------------------------------------------------------------------


def test_client_limiter_spaces_requests(make: Any, server: ScriptedServer) -> None:
    harness = make(base_url=server.url, rate_limit=(4, 0.5))
    for _ in range(10):
        harness.call("campaigns.get", CAMPAIGN_ID)
    times = [record.at for record in server.received]
    assert times[-1] - times[0] >= 1.0 - 0.05  # 10 starts at 4 per 0.5 s: two full waits
    for index in range(len(times) - 4):
        assert times[index + 4] - times[index] >= 0.5 - 0.02


def test_limiter_can_be_turned_off(make: Any, server: ScriptedServer) -> None:
    harness = make(base_url=server.url, rate_limit=None)
    assert harness.client.limiter is None
    started = time.monotonic()
    for _ in range(20):
        harness.call("campaigns.get", CAMPAIGN_ID)
    assert server.count() == 20
    assert time.monotonic() - started < 5


# -- minted bearer tokens ----------------------------------------------------------------------


def test_key_goes_only_to_the_token_endpoint(make: Any, server: ScriptedServer) -> None:
    harness = make(base_url=server.url, scopes=["campaigns:read", "campaigns:write"])
    harness.call("campaigns.get", CAMPAIGN_ID)
    harness.call("campaigns.create", **CREATE_ARGS)
    harness.call("campaigns.pause", CAMPAIGN_ID)
    token_request, *others = server.received
    assert token_request.path == "/v1/auth/token"
    assert token_request.headers["x-api-key"] == API_KEY
    assert token_request.json() == {"scope": ["campaigns:read", "campaigns:write"]}
    assert len(others) == 3
    for record in others:
        assert "x-api-key" not in record.headers
        assert record.headers["authorization"] == "Bearer eyJhbGciOiJIUzI1NiJ9.fake-token-1.sig"


def test_token_is_refreshed_ahead_of_expiry(make: Any) -> None:
    api = FakeApi(token_lifetime=100)  # refresh margin: 10 s
    with ScriptedServer(default=api) as server:
        harness = make(base_url=server.url, scopes=["campaigns:read"])
        auth = harness.client.auth_handler
        harness.call("campaigns.get", CAMPAIGN_ID)
        real_clock = auth._clock
        auth._clock = lambda: real_clock() + 89  # 11 s before expiry: still fresh
        harness.call("campaigns.get", CAMPAIGN_ID)
        assert len(api.minted) == 1
        auth._clock = lambda: real_clock() + 91  # 9 s before expiry: inside the margin
        harness.call("campaigns.get", CAMPAIGN_ID)
        assert len(api.minted) == 2
        assert server.received[-1].headers["authorization"] == f"Bearer {api.minted[1]}"


def test_401_mints_once_and_replays_once(make: Any, server: ScriptedServer) -> None:
    api = FakeApi()

    def refuse_first_bearer(request: Received) -> Reply:
        return (
            Reply(401, json={"message": "token expired"})
            if request.path == GET_PATH
            else api(request)
        )

    server.then(api, refuse_first_bearer)
    harness = make(base_url=server.url, scopes=["campaigns:read"])
    campaign = harness.call("campaigns.get", CAMPAIGN_ID)
    assert campaign.id == uuid.UUID(CAMPAIGN_ID)
    assert [r.path for r in server.received] == [
        "/v1/auth/token",
        GET_PATH,
        "/v1/auth/token",
        GET_PATH,
    ]


def test_second_401_raises_authentication_error(make: Any, server: ScriptedServer) -> None:
    api = FakeApi()

    def refuse_bearer(request: Received) -> Reply:
        return (
            Reply(401, json={"message": "invalid token"})
            if request.path == GET_PATH
            else api(request)
        )

    server.then(*[refuse_bearer] * 6)
    with pytest.raises(AuthenticationError, match="invalid token"):
        make(base_url=server.url, scopes=["campaigns:read"]).call("campaigns.get", CAMPAIGN_ID)
    assert [r.path for r in server.received] == [
        "/v1/auth/token",
        GET_PATH,
        "/v1/auth/token",
        GET_PATH,
    ]


def test_failed_mint_surfaces_the_token_endpoints_error(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(401, json={"status": 401, "message": "API key disabled"}))
    with pytest.raises(AuthenticationError, match="API key disabled"):
        make(base_url=server.url, scopes=["campaigns:read"]).call("campaigns.get", CAMPAIGN_ID)
    assert server.count(path=GET_PATH) == 0


def test_static_bearer_token_401_says_it_may_have_expired(
    make: Any, server: ScriptedServer
) -> None:
    server.then(Reply(401, json={"message": "JWT expired"}))
    harness = make(base_url=server.url, api_key=None, bearer_token="eyJ.static-token-0001.sig")
    with pytest.raises(AuthenticationError, match="may have expired"):
        harness.call("campaigns.get", CAMPAIGN_ID)
    assert server.received[0].headers["authorization"] == "Bearer eyJ.static-token-0001.sig"
    assert server.count() == 1


def test_bearer_token_cannot_mint(make: Any, server: ScriptedServer) -> None:
    server.then(Reply(403, json={"message": "Bearer tokens cannot be used to mint another token"}))
    harness = make(base_url=server.url, api_key=None, bearer_token="eyJ.static-token-0001.sig")
    with pytest.raises(PermissionDeniedError, match="cannot be used to mint"):
        harness.call("auth.issue_token", ["campaigns:read"])


def test_unknown_scope_is_refused_before_sending(make: Any, server: ScriptedServer) -> None:
    with pytest.raises(ClientValidationError, match=r"scope\[1\]: must be one of"):
        make(base_url=server.url).call("auth.issue_token", ["campaigns:read", "calls:delete"])
    assert server.count() == 0


def test_single_flight_with_50_threads(server: ScriptedServer) -> None:
    api = FakeApi()

    def slow_mint(request: Received) -> Reply:
        if request.path == "/v1/auth/token":
            time.sleep(0.2)  # a slow token endpoint widens the race
        return api(request)

    server._default = slow_mint
    client = Volubile(
        api_key=API_KEY, base_url=server.url, scopes=["campaigns:read"], rate_limit=None
    )
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            client.campaigns.get(CAMPAIGN_ID)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    in_threads(worker, 50)
    client.close()
    assert errors == []
    assert server.count(path="/v1/auth/token") == 1
    assert server.count(path=GET_PATH) == 50


def test_single_flight_with_50_tasks(server: ScriptedServer) -> None:
    api = FakeApi()

    def slow_mint(request: Received) -> Reply:
        if request.path == "/v1/auth/token":
            time.sleep(0.2)
        return api(request)

    server._default = slow_mint

    async def main() -> None:
        async with AsyncVolubile(
            api_key=API_KEY, base_url=server.url, scopes=["campaigns:read"], rate_limit=None
        ) as client:
            await asyncio.gather(*(client.campaigns.get(CAMPAIGN_ID) for _ in range(50)))

    asyncio.run(main())
    assert server.count(path="/v1/auth/token") == 1
    assert server.count(path=GET_PATH) == 50


# -- secrets -----------------------------------------------------------------------------------


def test_secrets_never_appear_in_reprs_errors_or_debug_logs(
    make: Any, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api = FakeApi()
    server._default = api
    harness = make(base_url=server.url, scopes=["campaigns:read"])
    harness.call("campaigns.get", CAMPAIGN_ID)
    server.then(Reply(401, json={"message": "no"}), Reply(401, json={"message": "no"}), Reply(500))
    texts = [
        repr(harness.client),
        repr(harness.client.auth_handler),
        repr(harness.client.auth_handler.current_token),
    ]
    for path in ("campaigns.get", "campaigns.create"):
        try:
            harness.call(path, CAMPAIGN_ID) if path == "campaigns.get" else harness.call(
                path, **CREATE_ARGS
            )
        except VolubileError as error:
            texts += [str(error), repr(error)]
    token = harness.call("auth.issue_token", "campaigns:read")
    texts += [repr(token), str(token)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("[redacted]" in text for text in texts)  # the debug log did show headers
    secrets = [API_KEY, *api.minted]
    for text in texts:
        for secret in secrets:
            assert secret not in text


# -- sync / async parity -----------------------------------------------------------------------


def test_sync_and_async_clients_offer_the_same_methods_and_arguments() -> None:
    import importlib
    import inspect
    import pkgutil

    import volubile_ext.resources

    # Every resource twin, found rather than listed: a resource added tomorrow is covered too.
    pairs: list[tuple[type[Any], type[Any]]] = [(Volubile, AsyncVolubile)]
    for info in pkgutil.iter_modules(volubile_ext.resources.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"volubile_ext.resources.{info.name}")
        for name in getattr(module, "__all__", ()):
            if name.startswith("Async"):
                pairs.append((getattr(module, name.removeprefix("Async")), getattr(module, name)))
    assert {pair[0].__name__ for pair in pairs} >= {
        "Volubile",
        "Campaigns",
        "Auth",
        "Agents",
        "Calls",
    }
    for sync_cls, async_cls in pairs:
        sync_names = {n for n in dir(sync_cls) if not n.startswith("_")}
        async_names = {n for n in dir(async_cls) if not n.startswith("_")}
        assert sync_names == async_names, (sync_cls, async_cls)
        for name in sync_names:
            sync_member = getattr(sync_cls, name)
            async_member = getattr(async_cls, name)
            if not callable(sync_member) or isinstance(sync_member, type):
                continue
            sync_sig = inspect.signature(sync_member)
            async_sig = inspect.signature(async_member)
            assert list(sync_sig.parameters) == list(async_sig.parameters), name
            for parameter in sync_sig.parameters.values():
                other = async_sig.parameters[parameter.name]
                assert parameter.kind == other.kind, (name, parameter.name)
                assert parameter.default == other.default, (name, parameter.name)
                # Typed once: the same annotation on both twins (**fields included).
                assert parameter.annotation == other.annotation, (name, parameter.name)
            if name not in {"close"}:
                assert inspect.iscoroutinefunction(async_member) != inspect.iscoroutinefunction(
                    sync_member
                ) or name in {"rate_limit", "auth_handler", "list"}, name
    init_sync = inspect.signature(Volubile.__init__).parameters
    init_async = inspect.signature(AsyncVolubile.__init__).parameters
    assert list(init_sync) == list(init_async)
    for name, parameter in init_sync.items():
        if name != "http_client":
            assert parameter.default == init_async[name].default


def test_paged_lists_return_twin_pagers() -> None:
    import inspect

    from volubile_ext import AsyncPager, SyncPager
    from volubile_ext.resources.agents import Agents, AsyncAgents
    from volubile_ext.resources.calls import AsyncCalls, Calls

    public = {name for name in dir(SyncPager) if not name.startswith("_")}
    assert public == {name for name in dir(AsyncPager) if not name.startswith("_")} >= {"pages"}
    assert hasattr(SyncPager, "__iter__")
    assert hasattr(AsyncPager, "__aiter__")
    assert inspect.isasyncgenfunction(AsyncPager.pages)
    assert inspect.isgeneratorfunction(SyncPager.pages)
    # list() is a plain method on both twins (iterated with for / async for), not a coroutine.
    for sync_cls, async_cls in ((Agents, AsyncAgents), (Calls, AsyncCalls)):
        assert inspect.signature(sync_cls.list).return_annotation.startswith("SyncPager[")
        assert inspect.signature(async_cls.list).return_annotation.startswith("AsyncPager[")
        assert not inspect.iscoroutinefunction(async_cls.list)


# -- planning warnings on create ---------------------------------------------------------------


def test_create_warns_with_the_planning_rules_and_still_creates(
    make: Any, server: ScriptedServer
) -> None:
    harness = make(base_url=server.url)
    # 2026-12-25 is Christmas Day (a Friday); Saturday is a calling day too.
    args = dict(CREATE_ARGS, start_date="2026-12-25", days=["FRIDAY", "saturday"])
    args["recipients"] = ["+33612345678", "+33612345678"]
    with pytest.warns(CampaignWarning) as caught:
        harness.call("campaigns.create", **args)
    texts = [str(warning.message) for warning in caught]
    assert any("SATURDAY is a calling day" in text for text in texts)
    assert any(
        "public holiday (Noël)" in text or "Christmas" in text or "Noël" in text for text in texts
    )
    assert any("1 recipient repeats an earlier phone number" in text for text in texts)
    assert server.count("POST", "/v1/campaigns") == 1


def test_create_of_a_plain_weekday_campaign_warns_nothing(
    make: Any, server: ScriptedServer, recwarn: pytest.WarningsRecorder
) -> None:
    make(base_url=server.url).call("campaigns.create", **dict(CREATE_ARGS, start_date="2027-03-01"))
    assert [w for w in recwarn if issubclass(w.category, CampaignWarning)] == []


# -- the request on the wire -------------------------------------------------------------------


def test_a_401_replay_takes_its_own_place_in_the_rate_limiter(
    make: Any, server: ScriptedServer
) -> None:
    api = FakeApi()

    def refuse_first_bearer(request: Received) -> Reply:
        return Reply(401, json={"message": "expired"}) if request.path == GET_PATH else api(request)

    server.then(api, refuse_first_bearer)
    # Three places per second: token, GET (401), token, replayed GET. The replay is the fourth
    # request started, so it must wait for the first place to free up.
    harness = make(base_url=server.url, scopes=["campaigns:read"], rate_limit=(3, 1.0))
    harness.call("campaigns.get", CAMPAIGN_ID)
    times = [record.at for record in server.received]
    assert [r.path for r in server.received] == [
        "/v1/auth/token",
        GET_PATH,
        "/v1/auth/token",
        GET_PATH,
    ]
    assert times[3] - times[0] >= 1.0 - 0.02
