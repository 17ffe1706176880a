"""The generated operations read what a server sends without losing it (scripts/templates/).

Fine-grained cases over ``httpx.MockTransport``, through the generated public functions: a
status code the standard library does not know, enum values the spec does not list, unknown
fields, bodies that cannot be parsed. Requests stay strict: only response models are lenient.
"""

from __future__ import annotations

import json
import uuid
from http import HTTPStatus
from typing import Any

import httpx
import pytest

from tests.client_harness import CAMPAIGN_ID as SAMPLE_ID
from tests.client_harness import on_model_read
from volubile_api import AuthenticatedClient, errors
from volubile_api.api.campaigns import get, update_status
from volubile_api.models import (
    CampaignResponse,
    CampaignStatus,
    CampaignStatusUpdate,
    CreateCampaignRequest,
    DayOfWeek,
    ErrorResponse,
)
from volubile_api.types import UNSET, Response, Unset, parse_open_enum

CAMPAIGN_ID = uuid.UUID(SAMPLE_ID)
CAMPAIGN = {
    "id": str(CAMPAIGN_ID),
    "name": "Renewals",
    "days": ["MONDAY", "TUESDAY"],
    "status": "ACTIVE",
}


def client_answering(
    status: int,
    body: bytes | Any,
    *,
    seen: list[httpx.Request] | None = None,
    raise_on_unexpected_status: bool = False,
) -> AuthenticatedClient:
    """A generated client whose every request gets this answer (JSON unless given bytes)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if isinstance(body, bytes):
            return httpx.Response(status, content=body)
        return httpx.Response(status, json=body)

    client = AuthenticatedClient(
        base_url="https://api.example.test",
        token="test-key",
        raise_on_unexpected_status=raise_on_unexpected_status,
    )
    client.set_httpx_client(
        httpx.Client(base_url="https://api.example.test", transport=httpx.MockTransport(answer))
    )
    return client


def fetch(status: int, body: bytes | Any, **options: Any) -> Response[Any]:
    return get.sync_detailed(CAMPAIGN_ID, client=client_answering(status, body, **options))


@pytest.mark.parametrize("status", [520, 499, 299, 600])
def test_a_status_http_does_not_name_is_kept_as_an_int(status: int) -> None:
    response = fetch(status, {"message": "origin unreachable"})
    assert response.status_code == status
    assert type(response.status_code) is int
    assert response.parsed is None  # not a documented status
    assert response.parse_error is None
    assert json.loads(response.content) == {"message": "origin unreachable"}
    assert response.http_response.status_code == status


def test_a_known_status_is_an_http_status() -> None:
    response = fetch(200, CAMPAIGN)
    assert response.status_code is HTTPStatus.OK
    assert isinstance(response.parsed, CampaignResponse)


def test_asking_for_unexpected_statuses_to_raise_still_raises() -> None:
    with pytest.raises(errors.UnexpectedStatus) as caught:
        fetch(520, {"message": "x"}, raise_on_unexpected_status=True)
    assert caught.value.status_code == 520


def test_an_unknown_campaign_status_passes_through_as_a_plain_string() -> None:
    response = fetch(200, {**CAMPAIGN, "status": "COMPLETED"})
    campaign = response.parsed
    assert isinstance(campaign, CampaignResponse)
    assert campaign.status == "COMPLETED"
    assert type(campaign.status) is str  # not a member: is the status known? isinstance says
    assert response.parse_error is None


def test_unknown_days_pass_through_and_known_ones_are_members() -> None:
    campaign = fetch(200, {**CAMPAIGN, "days": ["MONDAY", "FUNDAY"]}).parsed
    assert isinstance(campaign, CampaignResponse)
    assert not isinstance(campaign.days, Unset)
    assert campaign.days[0] is DayOfWeek.MONDAY
    assert campaign.days[1] == "FUNDAY"
    assert not isinstance(campaign.days[1], DayOfWeek)


def test_a_lenient_response_serialises_back_unchanged() -> None:
    document = {
        **CAMPAIGN,
        "status": "ARCHIVED",
        "days": ["MONDAY", "FUNDAY"],
        "archivedAt": "2031-01-01T00:00:00Z",
    }
    campaign = CampaignResponse.from_dict(document)
    assert campaign["archivedAt"] == "2031-01-01T00:00:00Z"  # unknown fields are kept
    assert campaign.to_dict() == document


def test_a_missing_field_is_unset() -> None:
    campaign = fetch(200, {}).parsed
    assert isinstance(campaign, CampaignResponse)
    assert campaign.status is UNSET
    assert campaign.id is UNSET


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, b"<html>Bad gateway</html>", json.JSONDecodeError),
        (200, {**CAMPAIGN, "id": "not-a-uuid"}, ValueError),
        (200, {**CAMPAIGN, "status": 3}, ValueError),  # not even a string
        (200, [CAMPAIGN], ValueError),
        (404, "not found", ValueError),
    ],
    ids=["not-json", "bad-uuid", "status-not-a-string", "list-not-object", "error-not-object"],
)
def test_a_body_that_cannot_be_parsed_is_reported_not_lost(
    status: int, body: bytes | Any, error: type[Exception]
) -> None:
    response = fetch(status, body)
    assert response.parsed is None
    assert isinstance(response.parse_error, error)
    assert response.status_code == status
    assert response.http_response.status_code == status
    assert response.content == response.http_response.content
    assert response.content  # the body is still there to show


def test_an_error_body_parses_into_error_response() -> None:
    body = {"status": 404, "message": "Campaign not found", "errors": []}
    response = fetch(404, body)
    assert isinstance(response.parsed, ErrorResponse)
    assert response.parsed.message == "Campaign not found"


def test_sync_returns_the_parsed_value() -> None:
    assert get.sync(CAMPAIGN_ID, client=client_answering(200, CAMPAIGN)) == (
        CampaignResponse.from_dict(CAMPAIGN)
    )


def test_the_status_update_sends_a_member_as_a_bare_json_string() -> None:
    seen: list[httpx.Request] = []
    client = client_answering(200, {**CAMPAIGN, "status": "PAUSED"}, seen=seen)
    campaign = update_status.sync(CAMPAIGN_ID, client=client, body=CampaignStatusUpdate.PAUSED)
    assert isinstance(campaign, CampaignResponse)
    assert campaign.status is CampaignStatus.PAUSED
    (request,) = seen
    assert request.content == b'"PAUSED"'
    assert request.url.path == f"/v1/campaigns/{CAMPAIGN_ID}/status"


def test_requests_offer_only_the_known_members() -> None:
    # Response models are typed open, request models closed: mypy refuses a string there.
    assert CampaignResponse.__annotations__["status"] == "CampaignStatus | str | Unset"
    assert CampaignResponse.__annotations__["days"] == "list[DayOfWeek | str] | Unset"
    assert CreateCampaignRequest.__annotations__["days"] == "list[DayOfWeek]"
    assert update_status.sync_detailed.__annotations__["body"] is CampaignStatusUpdate
    assert {member.value for member in CampaignStatusUpdate} == {"ACTIVE", "PAUSED", "CANCELLED"}


def test_a_request_model_refuses_a_value_its_enum_does_not_list() -> None:
    with pytest.raises(ValueError, match="FUNDAY"):
        CreateCampaignRequest.from_dict(
            {
                "name": "x",
                "agentId": str(CAMPAIGN_ID),
                "startDate": "2031-03-03",
                "timeSlots": [],
                "batchSize": 1,
                "days": ["FUNDAY"],
            }
        )


def test_parse_open_enum() -> None:
    assert parse_open_enum(CampaignStatus, "PAUSED", str) is CampaignStatus.PAUSED
    assert parse_open_enum(CampaignStatus, "COMPLETED", str) == "COMPLETED"
    with pytest.raises(ValueError, match="1 is not a valid CampaignStatus"):
        parse_open_enum(CampaignStatus, 1, str)
    with pytest.raises(ValueError, match="None is not a valid CampaignStatus"):
        parse_open_enum(CampaignStatus, None, str)


# -- parsed when first read -------------------------------------------------------------------


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each document CampaignResponse.from_dict read (the real one, counted)."""
    documents: list[Any] = []
    on_model_read(monkeypatch, CampaignResponse, documents.append)
    return documents


def test_the_body_is_parsed_when_parsed_is_first_read_and_only_once(parses: list[Any]) -> None:
    response = fetch(200, CAMPAIGN)
    assert (response.status_code, json.loads(response.content)) == (HTTPStatus.OK, CAMPAIGN)
    assert parses == []  # nothing parsed by the operation itself
    campaign = response.parsed
    assert isinstance(campaign, CampaignResponse)
    assert campaign.name == "Renewals"
    assert response.parsed is campaign
    assert response.parse_error is None
    assert parses == [CAMPAIGN]


def test_a_parse_error_is_found_when_first_read_and_kept(parses: list[Any]) -> None:
    response = fetch(200, {**CAMPAIGN, "id": "not-a-uuid"})
    assert parses == []
    error = response.parse_error
    assert isinstance(error, ValueError)
    assert response.parsed is None
    assert response.parse_error is error
    assert len(parses) == 1


def test_a_lazy_response_compares_and_shows_as_its_parsed_form() -> None:
    first, second = fetch(200, CAMPAIGN), fetch(200, CAMPAIGN)
    assert "parsed=CampaignResponse(" in repr(first)
    assert "_parse" not in repr(first)
    given = Response(
        status_code=first.status_code,
        content=first.content,
        headers=first.headers,
        parsed=CampaignResponse.from_dict(CAMPAIGN),
        http_response=first.http_response,
    )
    assert first == given  # parsed on its way to the comparison
    assert second != given  # another httpx response
    assert given.parsed == CampaignResponse.from_dict(CAMPAIGN)  # given parsed=: kept as is
    with pytest.raises(TypeError):
        hash(first)


def test_an_undocumented_status_still_raises_at_once_when_asked_to() -> None:
    with pytest.raises(errors.UnexpectedStatus) as raised:
        fetch(418, {"message": "teapot"}, raise_on_unexpected_status=True)
    assert raised.value.status_code == 418
    response = fetch(404, {"message": "gone"}, raise_on_unexpected_status=True)  # documented
    assert isinstance(response.parsed, ErrorResponse)
