"""The sandbox answers every operation of openapi.yaml as the API does, over real loopback sockets:
authentication, scopes, validation with the client's own rules, storage, status transitions,
errors, and the rate limit."""

from __future__ import annotations

import base64
import copy
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from tests import ROOT
from tests.client_harness import FULL_CAMPAIGN_BODY, MIXED_RECIPIENTS, campaign_body
from volubile_ext.campaigns._campaign_input import check_campaign_payload
from volubile_ext.testing import Sandbox

SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))

# Two recipients: the tests below count them.
CAMPAIGN: dict[str, Any] = campaign_body(FULL_CAMPAIGN_BODY, recipients=MIXED_RECIPIENTS[:2])
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
STATUS_PATH = "/v1/campaigns/{}/status"


class FakeClock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, now: float = 1_900_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def assert_schema(document: Any, schema_name: str) -> None:
    """The document is valid against the named schema of openapi.yaml."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    OAS30Validator(schema).validate(document)


def assert_error(response: httpx.Response, status: int, message_part: str = "") -> dict[str, Any]:
    """An ErrorResponse with this status, in the API's format; returns the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert_schema(body, "ErrorResponse")
    assert set(body) == {"timestamp", "status", "message", "errors"}
    assert TIMESTAMP.fullmatch(body["timestamp"])
    assert body["status"] == status
    assert message_part.lower() in body["message"].lower()
    return body  # type: ignore[no-any-return]


def jwt_part(token: str, index: int) -> Any:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def b64(document: Any) -> str:
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
def anonymous(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, timeout=5) as client:
        yield client


def create(http: httpx.Client, **changes: Any) -> dict[str, Any]:
    response = http.post("/v1/campaigns", json={**CAMPAIGN, **changes})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def token_for(http: httpx.Client, *scopes: str) -> str:
    response = http.post("/v1/auth/token", json={"scope": list(scopes)})
    assert response.status_code == 200, response.text
    return response.json()["token"]  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- API keys --------------------------------------------------------------------------------


def test_the_generated_api_key_authenticates_and_a_missing_one_is_401(
    sandbox: Sandbox, http: httpx.Client, anonymous: httpx.Client
) -> None:
    assert sandbox.api_key.startswith("vsb_")
    assert http.post("/v1/campaigns", json=CAMPAIGN).status_code == 201
    assert_error(anonymous.post("/v1/campaigns", json=CAMPAIGN), 401, "missing credentials")
    assert len(sandbox.campaigns()) == 1


def test_an_unknown_or_empty_api_key_is_401(anonymous: httpx.Client) -> None:
    for key in ("vsb_not-a-key", ""):
        response = anonymous.get(f"/v1/campaigns/{uuid.uuid4()}", headers={"X-Api-Key": key})
        assert_error(response, 401, "invalid api key")


def test_several_keys_share_one_account_and_a_disabled_key_is_401() -> None:
    with Sandbox(api_keys=["vsb_first", "vsb_second"]) as sb, httpx.Client(base_url=sb.url) as c:
        assert sb.api_key == "vsb_first"
        created = c.post("/v1/campaigns", json=CAMPAIGN, headers={"X-Api-Key": "vsb_first"})
        campaign_id = created.json()["id"]
        # The other key of the same account sees the campaign.
        seen = c.get(f"/v1/campaigns/{campaign_id}", headers={"X-Api-Key": "vsb_second"})
        assert seen.status_code == 200

        sb.disable_api_key("vsb_first")
        refused = c.get(f"/v1/campaigns/{campaign_id}", headers={"X-Api-Key": "vsb_first"})
        assert_error(refused, 401, "disabled")
        assert c.get(f"/v1/campaigns/{campaign_id}", headers={"X-Api-Key": "vsb_second"}).is_success

        assert sb.add_api_key("vsb_first") == "vsb_first"  # enabled again
        assert c.get(f"/v1/campaigns/{campaign_id}", headers={"X-Api-Key": "vsb_first"}).is_success
        generated = sb.add_api_key()
        assert c.get(f"/v1/campaigns/{campaign_id}", headers={"X-Api-Key": generated}).is_success


def test_key_management_errors_never_quote_the_key() -> None:
    with pytest.raises(KeyError) as unknown:
        Sandbox(api_keys=["vsb_known"]).disable_api_key("vsb_secret-value")
    assert "vsb_secret-value" not in str(unknown.value)
    with pytest.raises(ValueError, match="whitespace") as spaced:
        Sandbox(api_keys=["vsb_secret value"])
    assert "secret" not in str(spaced.value)
    with pytest.raises(ValueError, match="at least one key"):
        Sandbox(api_keys=[])
    with pytest.raises(TypeError, match="not a single string"):
        Sandbox(api_keys="vsb_one-key")


# --- bearer tokens ---------------------------------------------------------------------------


def test_a_minted_token_is_an_hs256_jwt_with_subject_scope_and_expiry() -> None:
    clock = FakeClock()
    with Sandbox(token_lifetime=120, clock=clock) as sb, httpx.Client(base_url=sb.url) as c:
        response = c.post(
            "/v1/auth/token",
            json={"scope": ["campaigns:write", "campaigns:read"]},
            headers={"X-Api-Key": sb.api_key},
        )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert_schema(body, "AuthTokenResponse")
    assert body["expiresIn"] == 120
    assert body["tokenType"] == "Bearer"
    assert jwt_part(body["token"], 0) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt_part(body["token"], 1)
    assert claims["scope"] == "campaigns:read campaigns:write"
    assert claims["iat"] == int(clock.now)
    assert claims["exp"] == int(clock.now) + 120
    uuid.UUID(claims["sub"])


def test_scopes_decide_which_operations_a_token_may_call(
    http: httpx.Client, anonymous: httpx.Client
) -> None:
    campaign_id = create(http)["id"]
    reader = bearer(token_for(http, "campaigns:read"))
    writer = bearer(token_for(http, "campaigns:write"))
    unrelated = bearer(token_for(http, "calls:read", "agents:write"))

    assert anonymous.get(f"/v1/campaigns/{campaign_id}", headers=reader).status_code == 200
    assert_error(anonymous.post("/v1/campaigns", json=CAMPAIGN, headers=reader), 403, "scope")
    paused = anonymous.post(STATUS_PATH.format(campaign_id), json="PAUSED", headers=reader)
    assert_error(paused, 403, "campaigns:write")

    assert anonymous.post("/v1/campaigns", json=CAMPAIGN, headers=writer).status_code == 201
    paused = anonymous.post(STATUS_PATH.format(campaign_id), json="PAUSED", headers=writer)
    assert paused.status_code == 200
    assert_error(anonymous.get(f"/v1/campaigns/{campaign_id}", headers=writer), 403, "read")

    for path in (f"/v1/campaigns/{campaign_id}",):
        assert_error(anonymous.get(path, headers=unrelated), 403)


def test_a_bearer_token_cannot_mint_another_one(
    http: httpx.Client, anonymous: httpx.Client
) -> None:
    token = token_for(http, "campaigns:read", "campaigns:write")
    response = anonymous.post(
        "/v1/auth/token", json={"scope": ["calls:read"]}, headers=bearer(token)
    )
    assert_error(response, 403, "cannot be used to mint")


def test_forged_altered_and_foreign_tokens_are_401(
    sandbox: Sandbox, http: httpx.Client, anonymous: httpx.Client
) -> None:
    token = token_for(http, "campaigns:read")
    header, payload, signature = token.split(".")
    claims = jwt_part(token, 1)
    widened = b64({**claims, "scope": "campaigns:read campaigns:write"})
    none_alg = b64({"alg": "none", "typ": "JWT"})
    with Sandbox() as other:
        foreign = other.issue_token(["campaigns:read"])
    candidates = {
        "altered payload": f"{header}.{widened}.{signature}",
        "alg none": f"{none_alg}.{payload}.",
        "not a jwt": "not-a-token",
        "bad base64": f"{header}.{payload}.@@@",
        "another sandbox": foreign,
    }
    path = f"/v1/campaigns/{uuid.uuid4()}"
    for name, candidate in candidates.items():
        response = anonymous.get(path, headers=bearer(candidate))
        assert response.status_code == 401, name
        assert_error(response, 401, "bearer token")
    assert anonymous.get(path, headers=bearer(token)).status_code == 404  # the real one works


def test_an_unsupported_authorization_scheme_is_401(anonymous: httpx.Client) -> None:
    response = anonymous.get(f"/v1/campaigns/{uuid.uuid4()}", auth=("user", "password"))
    assert_error(response, 401, "expected 'bearer <token>'")
    response = anonymous.get(f"/v1/campaigns/{uuid.uuid4()}", headers={"Authorization": "Bearer"})
    assert_error(response, 401)


def test_the_api_key_is_used_when_both_credentials_are_sent(
    sandbox: Sandbox, anonymous: httpx.Client
) -> None:
    headers = {"X-Api-Key": sandbox.api_key, "Authorization": "Bearer forged.token.value"}
    assert anonymous.post("/v1/campaigns", json=CAMPAIGN, headers=headers).status_code == 201


def test_a_token_expires_with_the_clock_and_on_demand() -> None:
    clock = FakeClock()
    with Sandbox(token_lifetime=60, clock=clock) as sb, httpx.Client(base_url=sb.url) as c:
        minted = c.post(
            "/v1/auth/token", json={"scope": ["campaigns:read"]}, headers={"X-Api-Key": sb.api_key}
        ).json()["token"]
        path = f"/v1/campaigns/{uuid.uuid4()}"
        clock.advance(59.5)
        assert c.get(path, headers=bearer(minted)).status_code == 404  # still valid
        clock.advance(0.5)
        assert_error(c.get(path, headers=bearer(minted)), 401, "expired")

        fresh = sb.issue_token(["campaigns:read"])
        assert c.get(path, headers=bearer(fresh)).status_code == 404
        sb.expire_tokens()
        assert_error(c.get(path, headers=bearer(fresh)), 401, "expired")
        after = sb.issue_token(["campaigns:read"])
        assert c.get(path, headers=bearer(after)).status_code == 404


def test_issue_token_can_mint_an_already_expired_token(
    sandbox: Sandbox, anonymous: httpx.Client
) -> None:
    token = sandbox.issue_token(["campaigns:read"], lifetime=0)
    assert_error(
        anonymous.get(f"/v1/campaigns/{uuid.uuid4()}", headers=bearer(token)), 401, "expired"
    )
    assert sandbox.requests[-1].api_status == 401
    assert sandbox.count() == 1  # minting directly sent no request


def test_issue_token_refuses_unknown_scopes(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="campaigns:delete"):
        sandbox.issue_token(["campaigns:read", "campaigns:delete"])


@pytest.mark.parametrize(
    ("body", "field", "rejected"),
    [
        ({}, "scope", None),
        ({"scope": None}, "scope", None),
        ({"scope": "campaigns:read"}, "scope", "campaigns:read"),
        ({"scope": ["campaigns:read", "campaigns:admin"]}, "scope[1]", "campaigns:admin"),
    ],
)
def test_a_token_request_with_a_bad_scope_is_400_with_the_field(
    http: httpx.Client, body: dict[str, Any], field: str, rejected: Any
) -> None:
    error = assert_error(http.post("/v1/auth/token", json=body), 400)
    assert [(item["field"], item["rejectedValue"]) for item in error["errors"]] == [
        (field, rejected)
    ]


def test_an_empty_scope_list_mints_a_token_that_can_call_nothing(
    http: httpx.Client, anonymous: httpx.Client
) -> None:
    # The schema sets no minimum on scope, so the request is valid; the token is useless.
    token = token_for(http)
    assert jwt_part(token, 1)["scope"] == ""
    assert_error(anonymous.get(f"/v1/campaigns/{uuid.uuid4()}", headers=bearer(token)), 403)
    assert_error(anonymous.post("/v1/campaigns", json=CAMPAIGN, headers=bearer(token)), 403)


# --- campaigns -------------------------------------------------------------------------------


def test_create_answers_201_with_the_campaign_and_stores_its_recipients(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    response = http.post("/v1/campaigns", json=CAMPAIGN)
    assert response.status_code == 201
    body = response.json()
    assert_schema(body, "CampaignResponse")
    assert uuid.UUID(body["id"]).version == 4
    expected = {key: value for key, value in CAMPAIGN.items() if key != "recipients"}
    assert body == {"id": body["id"], "status": "ACTIVE", **expected}
    assert "recipients" not in body

    (stored,) = sandbox.campaigns()
    assert stored.id == body["id"]
    assert stored.status == "ACTIVE"
    assert stored.recipients == CAMPAIGN["recipients"]
    assert stored.request == CAMPAIGN
    assert stored.to_response() == body
    assert sandbox.campaign(body["id"].upper()) == stored
    assert sandbox.campaign(uuid.UUID(body["id"])) == stored
    with pytest.raises(KeyError):
        sandbox.campaign(uuid.uuid4())


def test_create_defaults_the_timezone_and_leaves_absent_fields_out(http: httpx.Client) -> None:
    payload = {key: value for key, value in CAMPAIGN.items() if key not in ("timezone", "retry")}
    response = http.post("/v1/campaigns", json=payload)
    assert response.status_code == 201
    body = response.json()
    assert body["timezone"] == "Europe/Paris"
    assert "retry" not in body  # never null: the schema declares no nullable field


def test_unknown_request_fields_are_refused_as_the_client_refuses_them(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    payload = copy.deepcopy(CAMPAIGN)
    payload["timeSlots"][0]["label"] = "morning"
    payload["priority"] = "HIGH"
    error = assert_error(http.post("/v1/campaigns", json=payload), 400)
    rejected = {item["field"]: item["rejectedValue"] for item in error["errors"]}
    assert rejected == {"timeSlots[0].label": "morning", "priority": "HIGH"}
    assert sandbox.campaigns() == []


def test_a_partly_outside_time_slot_is_stored_and_echoed_unclipped(http: httpx.Client) -> None:
    # The API clips slots to the calling hours when it places calls; it does not say that it
    # rewrites the campaign, so the sandbox echoes what was sent.
    slots = [{"startTime": "09:00", "endTime": "15:00"}]
    assert create(http, timeSlots=slots)["timeSlots"] == slots


def test_stored_copies_cannot_change_the_sandbox(sandbox: Sandbox, http: httpx.Client) -> None:
    created = create(http)
    sandbox.campaigns()[0].recipients.clear()
    sandbox.campaigns()[0].request["recipients"].clear()
    assert len(sandbox.campaign(created["id"]).recipients) == 2


def test_get_returns_the_stored_campaign_and_404_for_unknown_or_malformed_ids(
    http: httpx.Client,
) -> None:
    created = create(http)
    response = http.get(f"/v1/campaigns/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert http.get(f"/v1/campaigns/{created['id'].upper()}").json() == created

    assert_error(http.get(f"/v1/campaigns/{uuid.uuid4()}"), 404, "not found")
    # Documented decision: a malformed id names no campaign, so 404 (the spec has no 400 here).
    for malformed in ("not-a-uuid", "12345", created["id"] + "0"):
        assert_error(http.get(f"/v1/campaigns/{malformed}"), 404, "not found")
        assert_error(http.post(STATUS_PATH.format(malformed), json="PAUSED"), 404)


def test_the_client_rule_set_refuses_an_invalid_campaign_with_every_field_path(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    payload = copy.deepcopy(CAMPAIGN)
    del payload["name"]
    payload["batchSize"] = 0
    payload["days"] = ["MONDAY", "FUNDAY"]
    payload["recipients"][1]["phone"] = "0612345678"
    expected = check_campaign_payload(payload)
    assert len(expected) >= 4  # the client's own rules find every problem

    error = assert_error(http.post("/v1/campaigns", json=payload), 400, "validation failed")
    assert error["errors"] == [
        {
            "field": problem.field,
            "rejectedValue": problem.rejected_value if problem.has_rejected_value else None,
            "message": problem.message,
        }
        for problem in expected
    ]
    fields = {item["field"] for item in error["errors"]}
    assert {"name", "batchSize", "recipients[1].phone"} <= fields
    assert any(field.startswith("days") for field in fields)
    assert sandbox.campaigns() == []


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (b'{"name": "x",', "application/json", (400, "malformed json")),
        (b'{"batchSize": NaN}', "application/json", (400, "malformed json")),
        (b"\xff\xfe", "application/json", (400, "not utf-8")),
        (b"", "application/json", (400, "body is missing")),
        (b"[1, 2]", "application/json", (400, "json object")),
        (b"null", "application/json", (400, "json object")),
        (json.dumps(CAMPAIGN).encode(), "text/plain", (415, "content-type")),
    ],
)
def test_a_create_body_that_is_not_a_json_object_is_refused(
    sandbox: Sandbox,
    http: httpx.Client,
    content: bytes,
    content_type: str,
    expected: tuple[int, str],
) -> None:
    response = http.post("/v1/campaigns", content=content, headers={"Content-Type": content_type})
    assert_error(response, *expected)
    assert sandbox.campaigns() == []


def test_a_json_content_type_with_parameters_or_a_suffix_is_accepted(http: httpx.Client) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.volubile+json"):
        response = http.post(
            "/v1/campaigns", content=json.dumps(CAMPAIGN), headers={"Content-Type": content_type}
        )
        assert response.status_code == 201


# --- status transitions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (["PAUSED"], "PAUSED"),
        (["PAUSED", "ACTIVE"], "ACTIVE"),
        (["ACTIVE"], "ACTIVE"),
        (["PAUSED", "PAUSED"], "PAUSED"),
        (["CANCELLED"], "CANCELLED"),
        (["PAUSED", "CANCELLED"], "CANCELLED"),
        (["CANCELLED", "CANCELLED"], "CANCELLED"),
    ],
)
def test_allowed_status_transitions_answer_200_with_the_campaign(
    sandbox: Sandbox, http: httpx.Client, path: list[str], expected: str
) -> None:
    campaign_id = create(http)["id"]
    for status in path:
        response = http.post(STATUS_PATH.format(campaign_id), json=status)
        assert response.status_code == 200, response.text
        assert_schema(response.json(), "CampaignResponse")
        assert response.json()["status"] == status
    assert http.get(f"/v1/campaigns/{campaign_id}").json()["status"] == expected
    assert sandbox.campaign(campaign_id).status == expected


@pytest.mark.parametrize("target", ["ACTIVE", "PAUSED"])
def test_a_cancelled_campaign_cannot_be_reactivated(
    sandbox: Sandbox, http: httpx.Client, target: str
) -> None:
    campaign_id = create(http)["id"]
    assert http.post(STATUS_PATH.format(campaign_id), json="CANCELLED").status_code == 200
    error = assert_error(http.post(STATUS_PATH.format(campaign_id), json=target), 400, "cancelled")
    assert error["errors"][0]["field"] == "status"
    assert error["errors"][0]["rejectedValue"] == target
    assert sandbox.campaign(campaign_id).status == "CANCELLED"


@pytest.mark.parametrize("body", ["paused", "ARCHIVED", {"status": "PAUSED"}, 1, None])
def test_a_status_that_is_not_one_bare_enum_string_is_400(
    sandbox: Sandbox, http: httpx.Client, body: Any
) -> None:
    campaign_id = create(http)["id"]
    response = http.post(
        STATUS_PATH.format(campaign_id),
        content=json.dumps(body),  # json=None would send no body at all
        headers={"Content-Type": "application/json"},
    )
    error = assert_error(response, 400)
    assert error["errors"] == [
        {
            "field": "status",
            "rejectedValue": body,
            "message": "must be one of ACTIVE, PAUSED, CANCELLED (a bare JSON string)",
        }
    ]
    assert sandbox.campaign(campaign_id).status == "ACTIVE"


def test_the_status_of_an_unknown_campaign_is_404(http: httpx.Client) -> None:
    assert_error(http.post(STATUS_PATH.format(uuid.uuid4()), json="PAUSED"), 404, "not found")


# --- routing ---------------------------------------------------------------------------------


def test_an_unknown_path_is_404_and_a_wrong_method_405_with_allow(
    http: httpx.Client, anonymous: httpx.Client
) -> None:
    unknown = (
        "/v1/bulk/calls",  # known only by its name: not in openapi.yaml, not in the sandbox
        "/v1/campaigns/",
        "/v2/campaigns",
        f"/v1/campaigns/{uuid.uuid4()}/x",
        f"/v1/calls/{uuid.uuid4()}/x",
        "/v1/agents/",
    )
    for path in unknown:
        assert_error(http.get(path), 404, "no endpoint")
    wrong = [
        ("GET", "/v1/campaigns", "POST"),
        ("DELETE", "/v1/calls", "GET, HEAD, POST"),
        ("PUT", f"/v1/agents/{uuid.uuid4()}", "GET, HEAD, PATCH"),
        ("POST", f"/v1/calls/{uuid.uuid4()}/recording", "GET, HEAD"),
        ("DELETE", f"/v1/campaigns/{uuid.uuid4()}", "GET, HEAD"),
        ("GET", "/v1/auth/token", "POST"),
        ("PUT", f"/v1/campaigns/{uuid.uuid4()}/status", "POST"),
        ("TRACE", "/v1/auth/token", "POST"),
        ("BREW", "/v1/campaigns", "POST"),
    ]
    for method, path, allow in wrong:
        response = http.request(method, path)
        assert_error(response, 405, "not supported")
        assert response.headers["allow"] == allow
    # Routing comes before authentication, as in the API.
    assert anonymous.get("/v1/bulk/calls").status_code == 404


def test_head_answers_the_headers_of_get_without_a_body(http: httpx.Client) -> None:
    campaign_id = create(http)["id"]
    head = http.head(f"/v1/campaigns/{campaign_id}")
    get = http.get(f"/v1/campaigns/{campaign_id}")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))


def test_a_query_string_does_not_change_the_route(http: httpx.Client) -> None:
    campaign_id = create(http)["id"]
    assert http.get(f"/v1/campaigns/{campaign_id}", params={"expand": "all"}).status_code == 200


# --- rate limit ------------------------------------------------------------------------------


def test_every_response_carries_the_rate_limit_headers(
    sandbox: Sandbox, http: httpx.Client, anonymous: httpx.Client
) -> None:
    responses = [
        http.post("/v1/campaigns", json=CAMPAIGN),
        http.get(f"/v1/campaigns/{uuid.uuid4()}"),
        http.post("/v1/campaigns", json={}),
        http.post("/v1/auth/token", json={"scope": ["campaigns:read"]}),
        http.get("/v1/nowhere"),
        http.delete("/v1/campaigns"),
        anonymous.get(f"/v1/campaigns/{uuid.uuid4()}"),
    ]
    for response in responses:
        assert response.headers["x-ratelimit-limit"] == "100"
    remaining = [int(response.headers["x-ratelimit-remaining"]) for response in responses]
    # Authenticated, routed requests count; a 404 or 405 route and a 401 do not.
    assert remaining == [99, 98, 97, 96, 96, 96, 96]


def test_over_the_limit_a_request_is_429_with_retry_after_and_not_applied() -> None:
    clock = FakeClock()
    with (
        Sandbox(rate_limit=(3, 60.0), clock=clock) as sb,
        httpx.Client(base_url=sb.url, headers={"X-Api-Key": sb.api_key}) as c,
    ):
        for expected_remaining in (2, 1, 0):
            response = c.post("/v1/campaigns", json=CAMPAIGN)
            assert response.status_code == 201
            assert response.headers["x-ratelimit-remaining"] == str(expected_remaining)
        clock.advance(20.2)
        refused = c.post("/v1/campaigns", json=CAMPAIGN)
        assert_error(refused, 429, "rate limit")
        assert refused.headers["retry-after"] == "40"  # 39.8 s left, rounded up
        assert refused.headers["x-ratelimit-limit"] == "3"
        assert refused.headers["x-ratelimit-remaining"] == "0"
        assert len(sb.campaigns()) == 3  # the refused create was not applied
        assert sb.requests[-1].api_status == 429
        assert not sb.requests[-1].applied

        clock.advance(39.5)
        assert c.get(f"/v1/campaigns/{uuid.uuid4()}").headers["retry-after"] == "1"  # never 0
        clock.advance(0.3)
        again = c.post("/v1/campaigns", json=CAMPAIGN)
        assert again.status_code == 201  # a new window
        assert again.headers["x-ratelimit-remaining"] == "2"


def test_the_window_is_per_account_across_keys_and_tokens() -> None:
    clock = FakeClock()
    with (
        Sandbox(api_keys=["vsb_a", "vsb_b"], rate_limit=(2, 10.0), clock=clock) as sb,
        httpx.Client(base_url=sb.url) as c,
    ):
        token = sb.issue_token(["campaigns:read"])
        path = f"/v1/campaigns/{uuid.uuid4()}"
        assert c.get(path, headers={"X-Api-Key": "vsb_a"}).status_code == 404
        assert c.get(path, headers={"X-Api-Key": "vsb_b"}).status_code == 404
        assert c.get(path, headers=bearer(token)).status_code == 429
        sb.reset_rate_limit()
        assert c.get(path, headers=bearer(token)).status_code == 404


def test_without_a_rate_limit_there_are_no_limit_headers_and_no_429() -> None:
    with (
        Sandbox(rate_limit=None) as sb,
        httpx.Client(base_url=sb.url, headers={"X-Api-Key": sb.api_key}) as c,
    ):
        for _ in range(120):
            response = c.get(f"/v1/campaigns/{uuid.uuid4()}")
            assert response.status_code == 404
        assert "x-ratelimit-limit" not in response.headers


def test_invalid_settings_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="at least 1 request"):
        Sandbox(rate_limit=(0, 1.0))
    with pytest.raises(ValueError, match="window must be positive"):
        Sandbox(rate_limit=(10, 0))
    with pytest.raises(ValueError, match="token_lifetime"):
        Sandbox(token_lifetime=0)
    with pytest.raises(TypeError, match="token_lifetime"):
        Sandbox(token_lifetime=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="port"):
        Sandbox(port=70000)
