"""A generated CampaignResponse becomes a Campaign: its usual types as they are, the rest leniently.

campaign_from_model takes each field the generated model read in its usual type directly (the
`sync campaigns.get` row of scripts/bench.py); these cases pin that anything else still goes
through the lenient reading, and that both give the same Campaign.
"""

from __future__ import annotations

import datetime
import uuid

from tests.client_harness import CAMPAIGN_ID, campaign_document
from volubile_api.models import CampaignResponse, Retry
from volubile_api.models import CampaignStatus as ApiCampaignStatus
from volubile_api.models.time_slot import TimeSlot as ApiTimeSlot
from volubile_api.types import UNSET
from volubile_ext import CampaignStatus, Day, RetrySettings
from volubile_ext._models import campaign_from_model, parse_campaign

DOCUMENT = campaign_document(
    retry={"max": 2, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]},
    days=["MONDAY", "SOMEDAY"],
    priority="high",
)


def test_a_parsed_document_gives_the_library_types() -> None:
    campaign = campaign_from_model(CampaignResponse.from_dict(DOCUMENT))

    assert campaign.id == uuid.UUID(CAMPAIGN_ID)
    assert campaign.start_date == datetime.date(2026, 12, 1)
    assert campaign.batch_size == 200
    assert campaign.retry == RetrySettings(max=2, delay=4, retry_on=["NO_ANSWER", "VOICE_BOX"])
    assert campaign.days == (Day.MONDAY, "SOMEDAY")
    assert type(campaign.days[1]) is str
    assert campaign.status is CampaignStatus.ACTIVE
    assert campaign.extra == {"priority": "high"}
    assert campaign == parse_campaign(DOCUMENT)


def test_values_of_other_types_are_read_leniently() -> None:
    model = CampaignResponse(
        id="not-a-uuid",  # type: ignore[arg-type]
        name=7,  # type: ignore[arg-type]
        agent_id=UNSET,
        start_date=datetime.datetime(2031, 3, 3, 9, 30),
        time_slots=[ApiTimeSlot(start_time="10:00", end_time="13:00")],
        batch_size=True,  # a bool is not a batch size
        retry=Retry(max_=1, delay=UNSET, retry_on=["NO_ANSWER"]),
        days=UNSET,
        status="COMPLETED",
        timezone=UNSET,
    )

    campaign = campaign_from_model(model)

    assert campaign.id == "not-a-uuid"
    assert campaign.name is None
    assert campaign.agent_id is None
    assert campaign.start_date == datetime.datetime(2031, 3, 3, 9, 30)
    assert campaign.batch_size is None
    assert campaign.retry is not None
    assert (campaign.retry.max, campaign.retry.delay, campaign.retry.retry_on) == (
        1,
        None,
        ("NO_ANSWER",),
    )
    assert campaign.days == ()
    assert campaign.status == "COMPLETED"
    assert not campaign.is_known_status
    assert campaign.timezone is None


def test_a_generated_status_member_becomes_the_library_member_or_its_text() -> None:
    model = CampaignResponse(status=ApiCampaignStatus.PAUSED)

    status = campaign_from_model(model).status

    assert status is CampaignStatus.PAUSED
