"""Date-times in the generated response models are read leniently
(scripts/templates/property_templates/datetime_property.py.jinja): aware always, and a value
that is not a date-time never fails the model it is in, nor a page of them."""

from __future__ import annotations

import datetime

import pytest

from volubile_api.models import CallPage, CallResponse, ErrorResponse, TranscriptResponse
from volubile_api.types import UNSET

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-30T14:35:00Z", datetime.datetime(2024, 7, 30, 14, 35, tzinfo=UTC)),
        # The spec says "UTC time": a value without an offset is read as UTC, not as local.
        ("2024-07-30T14:35:00", datetime.datetime(2024, 7, 30, 14, 35, tzinfo=UTC)),
        (
            "2024-07-30T16:35:00+02:00",
            datetime.datetime(
                2024, 7, 30, 16, 35, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
        ),
    ],
)
def test_a_date_time_is_read_aware(text: str, expected: datetime.datetime) -> None:
    call = CallResponse.from_dict({"startTime": text})
    assert call.start_time == expected
    assert isinstance(call.start_time, datetime.datetime)
    assert call.start_time.tzinfo is not None


@pytest.mark.parametrize("value", ["yesterday", "", "2024-13-45T99:00:00Z", 1722350100, None, []])
def test_a_value_that_is_not_a_date_time_is_unset_and_the_rest_is_read(value: object) -> None:
    call = CallResponse.from_dict(
        {"startTime": value, "endTime": "2024-07-30T14:41:00Z", "duration": 6}
    )
    assert call.start_time is UNSET
    assert call.end_time == datetime.datetime(2024, 7, 30, 14, 41, tzinfo=UTC)
    assert call.duration == 6


def test_one_odd_time_does_not_fail_a_page() -> None:
    page = CallPage.from_dict(
        {"content": [{"created": "2024-07-30T14:45:00Z"}, {"created": "not a time"}], "page": 1}
    )
    assert not isinstance(page.content, type(UNSET))
    assert [call.created for call in page.content] == [
        datetime.datetime(2024, 7, 30, 14, 45, tzinfo=UTC),
        UNSET,
    ]


def test_every_response_date_time_is_lenient() -> None:
    assert TranscriptResponse.from_dict({"time": "2024-07-30T14:35:00"}).time == datetime.datetime(
        2024, 7, 30, 14, 35, tzinfo=UTC
    )
    assert TranscriptResponse.from_dict({"time": "soon"}).time is UNSET
    error = ErrorResponse.from_dict({"timestamp": "at some point", "message": "kept"})
    assert error.timestamp is UNSET
    assert error.message == "kept"
