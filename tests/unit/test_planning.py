"""plan_campaign: calling days, calls per day, windows across DST, holidays, warnings, table."""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zoneinfo
from typing import Any

import attrs
import pytest

from tests.client_harness import AGENT_ID
from volubile_ext import (
    BulkPlan,
    CallingWindow,
    CampaignPlan,
    ClientValidationError,
    Day,
    PlannedDay,
    SkippedDay,
    TimeSlot,
    plan_campaign,
    plan_many,
)
from volubile_ext.campaigns._planning import _aware

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = dt.UTC
AGENT = uuid.UUID(AGENT_ID)


def plan(**changes: Any) -> CampaignPlan:
    arguments: dict[str, Any] = {
        "name": "Renewals",
        "agent_id": AGENT,
        "start_date": "2099-06-02",
        "time_slots": ["09:00-15:00"],
        "batch_size": 1000,
        "days": "weekdays",
        "timezone": "Europe/Paris",
        "recipient_count": 2500,
    }
    arguments.update(changes)
    return plan_campaign(**arguments)


def calendar(result: CampaignPlan) -> list[tuple[str, int]]:
    return [(day.date.isoformat(), day.calls) for day in result.days]


# --- the 2,500-recipient campaign over a weekend and a public holiday -------------------------


def test_2500_recipients_over_a_weekend_and_armistice_day() -> None:
    # Friday 8 November 2024, then a weekend, then Monday 11 November (Armistice 1918).
    result = plan(start_date=dt.date(2024, 11, 8))
    assert calendar(result) == [("2024-11-08", 1000), ("2024-11-11", 1000), ("2024-11-12", 500)]
    assert [day.remaining for day in result.days] == [1500, 500, 0]
    assert [day.holiday for day in result.days] == [None, "Armistice 1918", None]
    assert result.last_first_attempt_date == dt.date(2024, 11, 12)
    assert result.total_calls == 2500
    assert result.skipped == ()
    holiday_warnings = [w for w in result.warnings if "public holiday" in w]
    assert holiday_warnings == [
        "Mon 2024-11-11 is a French public holiday (Armistice 1918) with 1000 calls planned: "
        "unsolicited calls are forbidden on public holidays; pause the campaign that day "
        "(exclude_public_holidays=True shows the effect)"
    ]
    assert not any("weekend" in w for w in result.warnings)  # weekends are not calling days
    assert any("2500 recipients exceed the 1000 one campaign holds" in w for w in result.warnings)


def test_excluding_public_holidays_moves_the_calls_to_the_next_calling_day() -> None:
    result = plan(start_date=dt.date(2024, 11, 8), exclude_public_holidays=True)
    assert calendar(result) == [("2024-11-08", 1000), ("2024-11-12", 1000), ("2024-11-13", 500)]
    assert result.skipped == (SkippedDay(dt.date(2024, 11, 11), "public holiday (Armistice 1918)"),)
    assert not any("is a French public holiday" in w for w in result.warnings)
    assert any("the API does not know it, so pause the campaign" in w for w in result.warnings)


def test_calling_on_weekends_is_planned_and_warned_about_never_refused() -> None:
    result = plan(start_date=dt.date(2024, 11, 8), days="all")
    assert calendar(result) == [("2024-11-08", 1000), ("2024-11-09", 1000), ("2024-11-10", 500)]
    assert [day.day for day in result.days] == [Day.FRIDAY, Day.SATURDAY, Day.SUNDAY]
    assert (
        "SATURDAY and SUNDAY are calling days: French rules forbid unsolicited calls at weekends "
        "(1500 first-attempt calls planned then; retries may fall then too)"
    ) in result.warnings


def test_a_single_weekend_day_is_named_alone() -> None:
    result = plan(start_date=dt.date(2099, 6, 1), days=["monday", "saturday"], recipient_count=10)
    assert any(w.startswith("SATURDAY is a calling day: French rules") for w in result.warnings)


def test_the_table_reads_as_a_message() -> None:
    result = plan(
        start_date=dt.date(2024, 11, 8),
        retry={"max": 2, "delay": 4, "retry_on": ["NO_ANSWER"]},
        closed_dates=[dt.date(2024, 11, 12)],
    )
    assert str(result) == "\n".join(
        [
            "Plan for 'Renewals': 2500 recipients, 1000 calls a day from Fri 2024-11-08 "
            "(Europe/Paris)",
            "Calling windows: 10:00-13:00, 14:00-15:00 (4h00 a day)",
            "",
            "Date            Calls  Left  Windows",
            "Fri 2024-11-08   1000  1500  10:00-13:00, 14:00-15:00 (UTC+01:00)",
            "Mon 2024-11-11   1000   500  10:00-13:00, 14:00-15:00 (UTC+01:00)  "
            "! public holiday: Armistice 1918",
            "Tue 2024-11-12      -     -  skipped: closed date",
            "Wed 2024-11-13    500     0  10:00-13:00, 14:00-15:00 (UTC+01:00)",
            "",
            "Last first-attempt calls: Wed 2024-11-13. Retries (up to 2, at least 4 h apart) "
            "may follow.",
            "",
            "Warnings:",
            "- start date 2024-11-08 is in the past",
            "- Mon 2024-11-11 is a French public holiday (Armistice 1918) with 1000 calls "
            "planned: unsolicited calls are forbidden on public holidays; pause the campaign "
            "that day (exclude_public_holidays=True shows the effect)",
            "- 1 skipped day: the API does not know it, so pause the campaign on it "
            "(campaigns.pause, then campaigns.resume) or it will call anyway",
            "- 2500 recipients exceed the 1000 one campaign holds: they need 3 campaigns; this "
            "plan is one sequence of calls, whereas campaigns starting on the same day call in "
            "parallel",
        ]
    )


# --- windows as aware datetimes, across daylight-saving changes --------------------------------


def test_a_dst_week_keeps_wall_clock_windows_and_shifts_their_utc_instants() -> None:
    # Clocks go forward on Sunday 31 March 2024 at 02:00 in Paris (and it is Easter Sunday).
    result = plan(
        start_date=dt.date(2024, 3, 28),
        days="all",
        time_slots=["10:00-12:00"],
        batch_size=100,
        recipient_count=500,
    )
    assert calendar(result) == [
        ("2024-03-28", 100),
        ("2024-03-29", 100),
        ("2024-03-30", 100),
        ("2024-03-31", 100),
        ("2024-04-01", 100),
    ]
    starts = [day.windows[0].start for day in result.days]
    assert all(start.tzinfo is PARIS for start in starts)
    assert [start.time() for start in starts] == [dt.time(10, 0)] * 5
    assert [start.utcoffset() for start in starts] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=1),
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),  # the day of the change: 10:00 is after 02:00
        dt.timedelta(hours=2),
    ]
    assert starts[0].astimezone(UTC) == dt.datetime(2024, 3, 28, 9, 0, tzinfo=UTC)
    assert starts[4].astimezone(UTC) == dt.datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
    assert all(day.windows[0].duration == dt.timedelta(hours=2) for day in result.days)
    table = str(result)
    assert "Sat 2024-03-30    100   200  10:00-12:00 (UTC+01:00)  ! weekend" in table
    assert "Sun 2024-03-31    100   100  10:00-12:00 (UTC+02:00)  ! weekend" in table


def test_autumn_change_in_another_time_zone() -> None:
    # New York falls back on Sunday 3 November 2024.
    result = plan(
        start_date=dt.date(2024, 11, 1),
        timezone="America/New_York",
        time_slots=["14:00-16:00"],
        batch_size=10,
        recipient_count=20,
    )
    assert calendar(result) == [("2024-11-01", 10), ("2024-11-04", 10)]
    first, second = (day.windows[0] for day in result.days)
    assert first.start.astimezone(UTC) == dt.datetime(2024, 11, 1, 18, 0, tzinfo=UTC)
    assert second.start.astimezone(UTC) == dt.datetime(2024, 11, 4, 19, 0, tzinfo=UTC)
    assert result.timezone == "America/New_York"


def test_a_wall_time_in_the_spring_gap_becomes_the_instant_a_clock_shows() -> None:
    moment = _aware(dt.date(2024, 3, 31), dt.time(2, 30), PARIS)
    assert (moment.hour, moment.minute) == (3, 30)
    assert moment.utcoffset() == dt.timedelta(hours=2)
    window = CallingWindow(
        _aware(dt.date(2024, 3, 31), dt.time(1, 30), PARIS),
        _aware(dt.date(2024, 3, 31), dt.time(3, 30), PARIS),
    )
    # Two hours on the wall, one hour of real time.
    assert window.duration == dt.timedelta(hours=1)


def test_no_timezone_plans_in_paris_and_says_so() -> None:
    result = plan(timezone=None, recipient_count=10)
    assert result.timezone == "Europe/Paris"
    assert result.days[0].windows[0].start.tzinfo == PARIS
    assert result.warnings[0].startswith("no timezone given: planned in Europe/Paris")


def test_the_windows_are_the_clipped_slots() -> None:
    result = plan(time_slots=["08:00-11:00", "12:30-21:00"], recipient_count=10)
    assert [str(w) for w in result.windows] == ["10:00-11:00", "12:30-13:00", "14:00-20:00"]
    assert [str(w) for w in result.days[0].windows] == [str(w) for w in result.windows]
    assert result.windows[0] == TimeSlot.parse("10:00-11:00")


# --- a year with Easter in March ----------------------------------------------------------------


def test_easter_monday_in_march_2016_is_warned_about_or_skipped() -> None:
    arguments: dict[str, Any] = {
        "start_date": dt.date(2016, 3, 25),
        "batch_size": 100,
        "recipient_count": 300,
    }
    warned = plan(**arguments)
    assert calendar(warned) == [("2016-03-25", 100), ("2016-03-28", 100), ("2016-03-29", 100)]
    assert warned.days[1].holiday == "Lundi de Pâques"
    assert any("Mon 2016-03-28 is a French public holiday" in w for w in warned.warnings)

    skipped = plan(**arguments, exclude_public_holidays=True)
    assert calendar(skipped) == [("2016-03-25", 100), ("2016-03-29", 100), ("2016-03-30", 100)]
    assert skipped.skipped == (
        SkippedDay(dt.date(2016, 3, 28), "public holiday (Lundi de Pâques)"),
    )


# --- closed dates -------------------------------------------------------------------------------


def test_closed_dates_take_dates_or_text_and_name_a_holiday_they_fall_on() -> None:
    result = plan(
        start_date=dt.date(2024, 11, 8),
        closed_dates=["2024-11-08", dt.date(2024, 11, 11)],
        recipient_count=1500,
    )
    assert calendar(result) == [("2024-11-12", 1000), ("2024-11-13", 500)]
    assert result.skipped == (
        SkippedDay(dt.date(2024, 11, 8), "closed date"),
        SkippedDay(dt.date(2024, 11, 11), "closed date (Armistice 1918)"),
    )


def test_closed_dates_on_days_that_are_not_calling_days_change_nothing() -> None:
    result = plan(start_date=dt.date(2024, 11, 8), closed_dates=[dt.date(2024, 11, 9)])
    assert result.skipped == ()


# --- recipients ---------------------------------------------------------------------------------


def test_recipients_are_counted_checked_and_repeated_numbers_flagged() -> None:
    phones = ["+33612345678", "+33698765432", "+33612345678"]
    result = plan(recipient_count=None, recipients=phones, batch_size=2)
    assert result.recipient_count == 3
    assert calendar(result) == [("2099-06-02", 2), ("2099-06-03", 1)]
    assert any("1 recipient repeats an earlier phone number" in w for w in result.warnings)


def test_more_than_a_campaign_of_recipients_can_be_planned_as_a_list() -> None:
    phones = (f"+336{i:08d}" for i in range(1200))
    result = plan(recipient_count=None, recipients=phones)
    assert calendar(result) == [("2099-06-02", 1000), ("2099-06-03", 200)]


def test_a_recipient_problem_is_reported_as_create_would() -> None:
    with pytest.raises(ClientValidationError) as caught:
        plan(recipient_count=None, recipients=["+33612345678", "06 12"])
    assert [e.field for e in caught.value.errors] == ["recipients[1].phone"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recipient_count": None}, "recipient_count: is required: give recipients="),
        ({"recipients": ["+33612345678"]}, "give recipients or recipient_count, not both"),
        ({"recipient_count": 0}, "recipient_count: must be at least 1"),
        ({"recipient_count": True}, "recipient_count: must be a whole number, not bool"),
        ({"recipient_count": "10"}, "recipient_count: must be a whole number, not str"),
    ],
)
def test_the_recipient_count_must_be_given_once_and_make_sense(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientValidationError, match=message.replace("(", r"\(")):
        plan(**changes)


# --- validation ---------------------------------------------------------------------------------


def test_arguments_are_checked_like_create_listing_every_problem() -> None:
    with pytest.raises(ClientValidationError) as caught:
        plan(
            batch_size=0,
            time_slots=["07:00-08:00"],
            days=[],
            timezone="Mars/Olympus",
            closed_dates=["someday", dt.datetime(2024, 1, 1)],
        )
    assert [e.field for e in caught.value.errors] == [
        "timeSlots[0]",
        "batchSize",
        "days",
        "timezone",
        "closed_dates[0]",
        "closed_dates[1]",
    ]


def test_closed_dates_none_means_none_and_a_non_list_is_a_field_error() -> None:
    assert plan(closed_dates=None) == plan()
    for wrong in (5, {"2099-06-03": "closed"}, b"2099-06-03"):
        with pytest.raises(ClientValidationError) as caught:
            plan(closed_dates=wrong)
        (error,) = caught.value.errors
        assert error.field == "closed_dates"
        assert "must be a list of dates" in error.message


def test_a_plan_that_would_never_end_is_refused_with_what_to_change() -> None:
    with pytest.raises(ClientValidationError, match="more than 10 years of calling days") as caught:
        plan(batch_size=1, recipient_count=100_000)
    assert caught.value.errors[0].field == "batchSize"


# --- the value ----------------------------------------------------------------------------------


def test_the_plan_is_a_plain_immutable_value() -> None:
    result = plan(start_date=dt.date(2099, 6, 2), recipient_count=1000)
    assert result.days == (
        PlannedDay(
            date=dt.date(2099, 6, 2),
            calls=1000,
            windows=(
                CallingWindow(
                    dt.datetime(2099, 6, 2, 10, 0, tzinfo=PARIS),
                    dt.datetime(2099, 6, 2, 13, 0, tzinfo=PARIS),
                ),
                CallingWindow(
                    dt.datetime(2099, 6, 2, 14, 0, tzinfo=PARIS),
                    dt.datetime(2099, 6, 2, 15, 0, tzinfo=PARIS),
                ),
            ),
            remaining=0,
        ),
    )
    assert result.name == "Renewals"
    assert result.batch_size == 1000
    assert result.start_date == dt.date(2099, 6, 2)
    assert result.retry is None
    assert not any("in the past" in w for w in result.warnings)
    assert str(result).endswith("Last first-attempt calls: Tue 2099-06-02.")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.batch_size = 10  # type: ignore[misc]


# --- plan_many: the campaigns of create_many call in parallel -------------------------------


def test_plan_many_plans_each_campaign_from_the_start_date_in_parallel() -> None:
    people = [f"+3361{number:07d}" for number in range(20_000)]
    arguments = {
        "name": "Renewals",
        "agent_id": AGENT,
        "start_date": "2099-06-02",
        "time_slots": ["09:00-15:00"],
        "days": "weekdays",
        "timezone": "Europe/Paris",
        "batch_size": 5,
    }

    result = plan_many(**arguments, recipients=people)  # laid end to end: over 15 years

    one = plan(**arguments, recipient_count=1000)
    assert isinstance(result, BulkPlan)
    assert [c.name for c in result.campaigns][:2] == ["Renewals (1/20)", "Renewals (2/20)"]
    assert {c.recipient_count for c in result.campaigns} == {1000}
    assert result.last_first_attempt_date == one.last_first_attempt_date
    assert result.campaigns[0].days == one.days
    text = str(result)
    assert "20000 recipients in 20 campaigns of at most 1000, calling in parallel" in text
    assert re.search(r"Renewals \(1/20\) to Renewals \(20/20\) +1000 each +200 each +Mon", text)
    assert len(text.splitlines()) < 20


def test_plan_many_with_a_smaller_last_chunk_and_repeated_numbers() -> None:
    people = [f"+3361{number:07d}" for number in range(1500)] + ["+33610000000"]
    result = plan_many(
        name="Renewals",
        agent_id=AGENT,
        start_date="2099-06-02",
        time_slots=["09:00-15:00"],
        days="weekdays",
        timezone="Europe/Paris",
        batch_size=100,
        recipients=people,
        chunk_size=1000,
    )

    assert [c.recipient_count for c in result.campaigns] == [1000, 501]
    assert [len(c.days) for c in result.campaigns] == [10, 6]
    assert result.warnings == (
        "1 recipient repeats an earlier phone number: those people will be called more than "
        "once (load_recipients folds duplicates)",
    )
    with pytest.raises(ClientValidationError, match="chunk_size"):
        plan_many(
            name="Renewals",
            agent_id=AGENT,
            start_date="2099-06-02",
            time_slots=["09:00-15:00"],
            days="weekdays",
            batch_size=1,
            recipient_count=5,
            chunk_size=0,
        )
