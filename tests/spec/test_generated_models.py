"""The documented JSON examples parse through the generated models and serialise back unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from volubile_api.models import (
    AuthTokenResponse,
    CampaignResponse,
    CampaignStatus,
    CreateCampaignRecipientRequest,
    CreateCampaignRequest,
    DayOfWeek,
    ErrorResponse,
)

CAMPAIGN = {
    "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "name": "Renewals",
    "agentId": "bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
    "startDate": "2024-07-30",
    "timeSlots": [{"startTime": "10:30", "endTime": "12:30"}],
    "batchSize": 200,
    "retry": {"max": 1, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]},
    "days": ["MONDAY", "TUESDAY"],
    "status": "ACTIVE",
    "timezone": "Europe/Paris",
}
TOKEN = {
    "token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjN2Y4...",
    "expiresIn": 900,
    "tokenType": "Bearer",
}
ERROR_NUMERIC = {
    "timestamp": "2024-07-30T14:35:00.123000+00:00",
    "status": 400,
    "message": "Validation failed",
    "errors": [
        {
            "field": "batchSize",
            "rejectedValue": 5000,
            "message": "must be less than or equal to 1000",
        }
    ],
}
ERROR_NULL = {
    "timestamp": "2024-07-30T14:35:00+00:00",
    "status": 400,
    "message": "Validation failed",
    "errors": [{"field": "name", "rejectedValue": None, "message": "must not be blank"}],
}
RECIPIENT = {
    "phone": "+33612345678",
    "context": {
        "firstName": "firstname",
        "lastName": "lastname",
        "orderNumber": "5HZ99FRT",
        "visits": 3,
        "vip": True,
        "address": {"city": "Lyon"},
    },
}


@pytest.mark.parametrize(
    ("model", "document"),
    [
        (CampaignResponse, CAMPAIGN),
        (AuthTokenResponse, TOKEN),
        (ErrorResponse, ERROR_NUMERIC),
        (ErrorResponse, ERROR_NULL),
        (CreateCampaignRecipientRequest, RECIPIENT),
    ],
    ids=["campaign", "token", "error-numeric", "error-null", "recipient-context"],
)
def test_documented_examples_round_trip(model: Any, document: dict[str, Any]) -> None:
    assert model.from_dict(document).to_dict() == document


def test_rejected_value_keeps_its_json_type() -> None:
    numeric = ErrorResponse.from_dict(ERROR_NUMERIC)
    null = ErrorResponse.from_dict(ERROR_NULL)
    assert numeric.errors[0].rejected_value == 5000
    assert null.errors[0].rejected_value is None


def test_one_enum_per_idea() -> None:
    campaign = CampaignResponse.from_dict(CAMPAIGN)
    assert campaign.status is CampaignStatus.ACTIVE
    assert campaign.days == [DayOfWeek.MONDAY, DayOfWeek.TUESDAY]
    request = CreateCampaignRequest.from_dict(
        {
            "name": "x",
            "agentId": CAMPAIGN["agentId"],
            "startDate": "2024-07-30",
            "timeSlots": [],
            "batchSize": 1,
            "days": ["MONDAY"],
        }
    )
    assert request.days == [DayOfWeek.MONDAY]


def test_recipient_context_accepts_strings_as_the_vendor_example_does() -> None:
    recipient = CreateCampaignRecipientRequest.from_dict(RECIPIENT)
    assert recipient.context["firstName"] == "firstname"
