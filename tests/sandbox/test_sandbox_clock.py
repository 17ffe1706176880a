"""The sandbox's simulated clock and campaigns, over loopback with raw httpx (issue 12, item 3).

Each test creates campaigns through the HTTP API, moves the clock, and checks what the API
answers (``GET /v1/calls?campaign=NAME``, a call, its transcript and recording) against an
independent count made here from the sandbox's own store (``sandbox.calls()``): calling days,
clipped windows in the campaign's time zone across daylight-saving changes, batchSize,
retries, pauses, cancellation, public holidays.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import itertools
import wave
import zoneinfo
from typing import Any

import httpx
import pytest

from tests.sandbox.test_sandbox import FakeClock, assert_error
from volubile_ext import plan_campaign
from volubile_ext.testing import Sandbox, SandboxClock, SimulationStuck, StoredCall

pytestmark = pytest.mark.sandbox(rate_limit=None, clock=FakeClock(1_900_000_000.0))

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
AGENT = Sandbox.OUTBOUND_AGENT_ID
# A Sunday: campaigns below start on the Monday after.
START = dt.datetime(2031, 3, 2, 12, 0, tzinfo=dt.UTC)
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]


def phones(count: int, prefix: str = "+3361000") -> list[str]:
    return [f"{prefix}{index:04d}" for index in range(count)]


def campaign(name: str, count: int = 10, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "agentId": AGENT,
        "startDate": "2031-03-03",
        "timeSlots": [{"startTime": "10:00", "endTime": "13:00"}],
        "batchSize": 5,
        "days": WEEKDAYS,
        "recipients": [
            {"phone": phone, "context": {"firstName": f"Ana{index}"}}
            for index, phone in enumerate(phones(count))
        ],
        "timezone": "Europe/Paris",
    }
    body.update(fields)
    return body


def create(http: httpx.Client, body: dict[str, Any]) -> str:
    response = http.post("/v1/campaigns", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def set_status(http: httpx.Client, campaign_id: str, status: str) -> None:
    response = http.post(f"/v1/campaigns/{campaign_id}/status", json=status)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == status


def listed(http: httpx.Client, name: str) -> list[dict[str, Any]]:
    """Every call the API lists for a campaign, oldest first, paging through."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        response = http.get(
            "/v1/calls", params={"campaign": name, "size": 100, "page": page, "sort": "created,ASC"}
        )
        assert response.status_code == 200, response.text
        document = response.json()
        found += document["content"]
        if page >= document["totalPages"]:
            return found
        page += 1


def stored(sandbox: Sandbox, name: str) -> list[StoredCall]:
    """The independent count: the sandbox's own store, not the API."""
    return [call for call in sandbox.calls() if call.campaign == name]


def start_of(call: StoredCall | dict[str, Any]) -> dt.datetime:
    document = call.document if isinstance(call, StoredCall) else call
    return dt.datetime.fromisoformat(document["startTime"])


def end_of(call: StoredCall) -> dt.datetime:
    return dt.datetime.fromisoformat(call.document["endTime"])


def by_phone(calls: list[StoredCall]) -> dict[str, list[StoredCall]]:
    grouped: dict[str, list[StoredCall]] = collections.defaultdict(list)
    for call in sorted(calls, key=start_of):
        grouped[call.phone].append(call)
    return grouped


def first_attempts_per_day(calls: list[StoredCall], zone: dt.tzinfo = PARIS) -> dict[dt.date, int]:
    counts: collections.Counter[dt.date] = collections.Counter()
    for attempts in by_phone(calls).values():
        counts[start_of(attempts[0]).astimezone(zone).date()] += 1
    return dict(sorted(counts.items()))


@pytest.fixture
def clock(sandbox: Sandbox) -> SandboxClock:
    return sandbox.start_clock(START)


# --- the clock itself ------------------------------------------------------------------------


def test_without_a_clock_nothing_is_called_and_time_is_the_real_clock(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    with pytest.raises(RuntimeError, match="start_clock"):
        sandbox.clock  # noqa: B018 - the property is what is tested
    campaign_id = create(http, campaign("Alone"))
    assert sandbox.campaign(campaign_id).created_at == 1_900_000_000.0
    assert sandbox.calls() == []
    assert listed(http, "Alone") == []


def test_api_timestamps_follow_the_clock(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    assert clock.now() == START
    campaign_id = create(http, campaign("Stamped", startDate="2040-01-01"))
    assert sandbox.campaign(campaign_id).created_at == START.timestamp()
    later = clock.advance(days=2, hours=3, minutes=30)
    assert later == START + dt.timedelta(days=2, hours=3, minutes=30)
    set_status(http, campaign_id, "PAUSED")
    assert sandbox.campaign(campaign_id).updated_at == later.timestamp()
    missing = http.get("/v1/calls/00000000-0000-4000-8000-000000000000")
    assert assert_error(missing, 404)["timestamp"].startswith("2031-03-04T15:30:00")
    made = sandbox.add_call(status="COMPLETED", duration=60)
    assert made.document["endTime"] == "2031-03-04T15:30:00Z"


def test_the_clock_moves_forward_only_and_checks_its_arguments(clock: SandboxClock) -> None:
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance_to(START - dt.timedelta(seconds=1))
    with pytest.raises(ValueError, match="0 or more"):
        clock.advance(hours=-1)
    with pytest.raises(TypeError, match="number"):
        clock.advance(days="3")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="aware"):
        clock.advance_to(dt.datetime(2031, 4, 1))
    with pytest.raises(ValueError, match="ISO 8601"):
        clock.advance_to("next tuesday")
    assert clock.now() == START
    assert clock.advance_to("2031-03-02T14:00:00+01:00") == START + dt.timedelta(hours=1)


def test_the_clock_starts_once(sandbox: Sandbox, clock: SandboxClock) -> None:
    with pytest.raises(RuntimeError, match="started already"):
        sandbox.start_clock()
    assert sandbox.clock is clock


def test_bad_simulation_settings_are_refused_before_anything_changes(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="weight"):
        sandbox.simulation(outcomes={"COMPLETED": -1})
    with pytest.raises(ValueError, match="above 0"):
        sandbox.simulation(outcomes={"COMPLETED": 0})
    with pytest.raises(ValueError, match="ends a call"):
        sandbox.simulation(outcomes={"IN_PROGRESS": 1})
    with pytest.raises(ValueError, match=r"E\.164"):
        sandbox.simulation(outcomes_by_phone={"0612345678": "COMPLETED"})
    with pytest.raises(TypeError, match="unknown simulation settings outcome "):
        sandbox.simulation(outcome={"COMPLETED": 1})  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="function"):
        sandbox.simulation(extract="firstName")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a date"):
        sandbox.simulation(closed_dates=["2031-02-30"])


# --- where and when calls happen -------------------------------------------------------------


def test_calls_happen_on_the_campaign_days_inside_its_clipped_slots_in_its_time_zone(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    new_york = zoneinfo.ZoneInfo("America/New_York")
    body = campaign(
        "Clipped",
        count=12,
        # Clipped to 10:00-13:00 and 14:00-15:00, New York time.
        timeSlots=[{"startTime": "09:00", "endTime": "15:00"}],
        days=["MONDAY", "WEDNESDAY"],
        batchSize=4,
        timezone="America/New_York",
    )
    create(http, body)
    clock.run_until_done()
    calls = stored(sandbox, "Clipped")
    assert len(calls) == 12  # no retry rules: one call each
    for call in calls:
        local_start, local_end = start_of(call).astimezone(new_york), end_of(call)
        assert local_start.strftime("%A").upper() in {"MONDAY", "WEDNESDAY"}
        assert dt.time(10) <= local_start.time() < dt.time(15)
        assert not dt.time(13) <= local_start.time() < dt.time(14)
        assert local_end > start_of(call)
    # Mon 3, Wed 5, Mon 10 March: four first attempts each.
    assert list(first_attempts_per_day(calls, new_york).values()) == [4, 4, 4]
    assert sorted(first_attempts_per_day(calls, new_york)) == [
        dt.date(2031, 3, 3),
        dt.date(2031, 3, 5),
        dt.date(2031, 3, 10),
    ]
    # The API lists the same calls, and the same finished documents.
    documents = listed(http, "Clipped")
    assert sorted(document["id"] for document in documents) == sorted(call.id for call in calls)
    assert {document["id"]: document for document in documents} == {
        call.id: dict(call.document) for call in calls
    }


def test_first_attempts_per_day_match_the_plan_and_retries_come_on_top(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    count = 23
    retried = phones(count)[:6]
    sandbox.simulation(
        outcomes={"COMPLETED": 1},
        outcomes_by_phone={phone: ["NO_ANSWER", "COMPLETED"] for phone in retried},
    )
    retry = {"max": 1, "delay": 1, "retryOn": ["NO_ANSWER"]}
    create(http, campaign("Batched", count=count, batchSize=6, retry=retry))
    clock.run_until_done()
    calls = stored(sandbox, "Batched")
    assert len(calls) == count + len(retried)
    plan = plan_campaign(
        name="Batched",
        agent_id=AGENT,
        start_date="2031-03-03",
        time_slots=["10:00-13:00"],
        batch_size=6,
        days="weekdays",
        timezone="Europe/Paris",
        recipient_count=count,
    )
    assert first_attempts_per_day(calls) == {day.date: day.calls for day in plan.days}
    # Retries come on top of the six first attempts: the first six people (called 10:00,
    # 10:30 ... 12:30) are tried again an hour after their call; four of those fit before
    # 13:00 on Monday, the last two are Tuesday's first calls.
    per_day = collections.Counter(start_of(call).astimezone(PARIS).date() for call in calls)
    assert per_day[dt.date(2031, 3, 3)] == 6 + 4
    assert per_day[dt.date(2031, 3, 4)] == 6 + 2


def test_retries_follow_max_delay_and_retry_on(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    never, boxed, second, called_back = phones(4)
    sandbox.simulation(
        outcomes_by_phone={
            never: "NO_ANSWER",  # retried until no retry is left
            boxed: "VOICE_BOX",  # not in retryOn: final at once
            second: ["UNREACHABLE", "COMPLETED"],
            called_back: "COMPLETED",
        },
        # A classifier value (a "qualifier") in retryOn triggers a retry too.
        classify=lambda phone, _: {"Outcome": "Call back" if phone == called_back else "Done"},
    )
    retry = {"max": 2, "delay": 3, "retryOn": ["NO_ANSWER", "UNREACHABLE", "Call back"]}
    create(
        http,
        campaign(
            "Retried",
            count=4,
            retry=retry,
            timeSlots=[{"startTime": "10:00", "endTime": "20:00"}],
        ),
    )
    clock.run_until_done()
    attempts = by_phone(stored(sandbox, "Retried"))
    assert [call.status for call in attempts[never]] == ["NO_ANSWER"] * 3
    assert [call.status for call in attempts[boxed]] == ["VOICE_BOX"]
    assert [call.status for call in attempts[second]] == ["UNREACHABLE", "COMPLETED"]
    assert [call.status for call in attempts[called_back]] == ["COMPLETED"] * 3
    for calls in attempts.values():
        for previous, following in itertools.pairwise(calls):
            assert start_of(following) - end_of(previous) >= dt.timedelta(hours=3)
            # Placed as soon as the delay has passed, or when the next window opens.
            due = end_of(previous) + dt.timedelta(hours=3)
            local = due.astimezone(PARIS)
            if dt.time(13) <= local.time() < dt.time(14):
                due = local.replace(hour=14, minute=0, second=0)
            elif local.time() >= dt.time(20):
                due = (local + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0)
            assert start_of(following) == due
    classified = http.get(f"/v1/calls/{attempts[called_back][0].id}").json()
    assert classified["classificationData"] == {"Outcome": "Call back"}


def test_a_paused_campaign_calls_nobody_until_resumed(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    sandbox.simulation(outcomes={"COMPLETED": 1})
    campaign_id = create(http, campaign("Paused", count=15, batchSize=5))
    clock.advance_to("2031-03-03T11:00:00+01:00")  # Monday, an hour into the window
    set_status(http, campaign_id, "PAUSED")
    paused_at = clock.now()
    placed = len(stored(sandbox, "Paused"))
    assert 0 < placed < 5
    clock.advance(days=7)
    assert len(stored(sandbox, "Paused")) == placed  # nothing new while paused
    # Calls under way at the pause ended normally.
    assert all(call.status == "COMPLETED" for call in stored(sandbox, "Paused"))
    assert sandbox.progress(campaign_id).finished is False
    clock.run_until_done()  # a paused campaign does not hold it up
    assert len(stored(sandbox, "Paused")) == placed
    set_status(http, campaign_id, "ACTIVE")
    resumed_at = clock.now()
    clock.run_until_done()
    calls = stored(sandbox, "Paused")
    assert len(calls) == 15
    assert not [call for call in calls if paused_at < start_of(call) < resumed_at]
    # Monday's quota held across the pause: 5 first attempts that day, whatever the pause.
    assert max(first_attempts_per_day(calls).values()) == 5
    assert len(listed(http, "Paused")) == 15


def test_a_cancelled_campaign_never_calls_again(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    sandbox.simulation(outcomes={"NO_ANSWER": 1})
    retry = {"max": 3, "delay": 1, "retryOn": ["NO_ANSWER"]}
    campaign_id = create(http, campaign("Cancelled", count=20, batchSize=5, retry=retry))
    clock.advance(days=1, hours=12)  # Monday 3 March, end of the day
    before = stored(sandbox, "Cancelled")
    set_status(http, campaign_id, "CANCELLED")
    cancelled_at = clock.now()
    clock.run_until_done()
    clock.advance(days=30)
    after = stored(sandbox, "Cancelled")
    assert [call.id for call in after] == [call.id for call in before]
    assert not [call for call in after if start_of(call) > cancelled_at]
    progress = sandbox.progress(campaign_id)
    assert (progress.status, progress.finished, progress.waiting) == ("CANCELLED", True, 0)
    assert len(listed(http, "Cancelled")) == len(before)


def test_a_call_is_in_progress_until_it_ends(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    sandbox.simulation(outcomes={"COMPLETED": 1})
    create(http, campaign("Live", count=1))
    clock.advance_to("2031-03-03T10:00:01+01:00")  # the first call started at 10:00
    (live,) = listed(http, "Live")
    assert (live["status"], live["startTime"], "endTime" in live) == (
        "IN_PROGRESS",
        "2031-03-03T09:00:00Z",
        False,
    )
    clock.advance(minutes=10)  # calls last at most 5 minutes
    ended = http.get(f"/v1/calls/{live['id']}").json()
    assert ended["status"] == "COMPLETED"
    assert ended["startTime"] == live["startTime"]
    assert dt.datetime.fromisoformat(ended["endTime"]) > start_of(live)


def test_public_holidays_are_skipped_when_the_simulation_says_so(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    # Thursdays 1 May, 8 May and 22 May (Ascension) 2031 are public holidays.
    sandbox.simulation(outcomes={"COMPLETED": 1}, exclude_public_holidays=True)
    body = campaign("Holidays", count=6, batchSize=2, days=["THURSDAY"], startDate="2031-04-28")
    create(http, body)
    clock.run_until_done()
    days = first_attempts_per_day(stored(sandbox, "Holidays"))
    assert days == {dt.date(2031, 5, 15): 2, dt.date(2031, 5, 29): 2, dt.date(2031, 6, 5): 2}


def test_without_the_setting_public_holidays_are_called_as_the_api_does(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    sandbox.simulation(outcomes={"COMPLETED": 1})
    body = campaign("Holidays", count=4, batchSize=2, days=["THURSDAY"], startDate="2031-04-28")
    create(http, body)
    clock.run_until_done()
    days = first_attempts_per_day(stored(sandbox, "Holidays"))
    assert days == {dt.date(2031, 5, 1): 2, dt.date(2031, 5, 8): 2}


def test_closed_dates_are_skipped(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    sandbox.simulation(outcomes={"COMPLETED": 1}, closed_dates=["2031-03-04", dt.date(2031, 3, 6)])
    create(http, campaign("Closed", count=9, batchSize=3))
    clock.run_until_done()
    days = first_attempts_per_day(stored(sandbox, "Closed"))
    assert days == {dt.date(2031, 3, 3): 3, dt.date(2031, 3, 5): 3, dt.date(2031, 3, 7): 3}


@pytest.mark.parametrize(
    ("start_date", "before", "after"),
    [
        # Europe/Paris goes to summer time on Sunday 30 March 2031 (UTC+1 to UTC+2)...
        ("2031-03-28", dt.date(2031, 3, 28), dt.date(2031, 3, 31)),
        # ...and back on Sunday 26 October 2031.
        ("2031-10-24", dt.date(2031, 10, 24), dt.date(2031, 10, 27)),
    ],
)
def test_windows_stay_on_local_time_across_daylight_saving_changes(
    sandbox: Sandbox, http: httpx.Client, start_date: str, before: dt.date, after: dt.date
) -> None:
    clock = sandbox.start_clock(f"{start_date}T00:00:00+00:00")
    sandbox.simulation(outcomes={"COMPLETED": 1})
    create(
        http,
        campaign("DST", count=6, batchSize=3, startDate=start_date, days=["MONDAY", "FRIDAY"]),
    )
    clock.run_until_done()
    calls = stored(sandbox, "DST")
    assert first_attempts_per_day(calls) == {before: 3, after: 3}
    utc_hours: dict[dt.date, set[int]] = collections.defaultdict(set)
    for call in calls:
        local = start_of(call).astimezone(PARIS)
        assert dt.time(10) <= local.time() < dt.time(13)
        utc_hours[local.date()].add(start_of(call).hour)
    offsets = {
        day: dt.datetime.combine(day, dt.time(12), PARIS).utcoffset() for day in (before, after)
    }
    assert offsets[before] != offsets[after]
    for day, hours in utc_hours.items():
        shift = int((offsets[day] or dt.timedelta()).total_seconds() // 3600)
        assert hours <= {10 - shift, 11 - shift, 12 - shift}
        assert 10 - shift in hours  # the first call of the day starts as the window opens


# --- finishing ------------------------------------------------------------------------------


def test_run_until_done_ends_when_everyone_is_final_and_the_campaign_stays_active(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    sandbox.simulation(seed=7, outcomes={"COMPLETED": 0.5, "NO_ANSWER": 0.3, "VOICE_BOX": 0.2})
    retry = {"max": 2, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]}
    campaign_id = create(http, campaign("Done", count=30, batchSize=10, retry=retry))
    finished = clock.run_until_done()
    progress = sandbox.progress(campaign_id)
    assert (progress.finished, progress.final, progress.waiting, progress.in_progress) == (
        True,
        30,
        0,
        0,
    )
    # The API has no finished status (CampaignStatus: ACTIVE, PAUSED, CANCELLED).
    assert http.get(f"/v1/campaigns/{campaign_id}").json()["status"] == "ACTIVE"
    calls = stored(sandbox, "Done")
    assert progress.calls == len(calls)
    assert finished == max(end_of(call) for call in calls)
    for attempts in by_phone(calls).values():
        statuses = [call.status for call in attempts]
        # Retried while the outcome is in retryOn and attempts remain, final after.
        assert all(status in {"NO_ANSWER", "VOICE_BOX"} for status in statuses[:-1])
        assert statuses[-1] == "COMPLETED" or len(statuses) == 3
    # Nothing more happens afterwards.
    clock.advance(days=60)
    assert len(stored(sandbox, "Done")) == len(calls)


def test_run_until_done_names_a_campaign_that_cannot_finish_in_time(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    campaign_id = create(http, campaign("Far", startDate="2035-01-01"))
    with pytest.raises(SimulationStuck, match=campaign_id) as stuck:
        clock.run_until_done(limit=dt.timedelta(days=30))
    assert stuck.value.campaigns == {campaign_id: 10}
    assert clock.now() == START + dt.timedelta(days=30)
    assert sandbox.calls() == []


def test_outcomes_are_drawn_from_the_seeded_distribution() -> None:
    def statuses(seed: int) -> list[str]:
        with Sandbox(rate_limit=None) as sandbox:
            clock = sandbox.start_clock(START)
            sandbox.simulation(seed=seed, outcomes={"COMPLETED": 0.6, "NO_ANSWER": 0.4})
            with httpx.Client(
                base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}
            ) as client:
                create(client, campaign("Seeded", count=200, batchSize=200))
                clock.run_until_done()
                return [call["status"] for call in listed(client, "Seeded")]

    first, again, other = statuses(3), statuses(3), statuses(4)
    assert first == again  # the same seed, the same calls
    assert first != other
    share = first.count("COMPLETED") / len(first)
    assert 0.45 < share < 0.75  # 0.6 expected; 200 draws
    assert set(first) == {"COMPLETED", "NO_ANSWER"}


def test_answered_calls_carry_a_transcript_extracted_data_and_a_recording(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    answered, missed = phones(2)
    sandbox.simulation(
        outcomes_by_phone={answered: "COMPLETED", missed: "NO_ANSWER"},
        extract=lambda phone, context: {"customer": {"firstname": context["firstName"]}},
    )
    create(http, campaign("Data", count=2))
    clock.run_until_done()
    calls = {call["phone"]: call for call in listed(http, "Data")}
    good, bad = calls[answered], calls[missed]
    assert good["extractedData"] == {"customer": {"firstname": "Ana0"}}
    assert good["classificationData"]["Outcome"] in {"Interested", "Not interested", "Call back"}
    assert good["context"]["firstName"] == "Ana0"
    assert good["recorded"] is True
    transcript = http.get(f"/v1/calls/{good['id']}/transcript").json()
    assert [entry["action"] for entry in transcript][:2] == ["RING", "ANSWER"]
    recording = http.get(f"/v1/calls/{good['id']}/recording")
    assert recording.status_code == 200
    with wave.open(io.BytesIO(recording.content)) as audio:
        assert audio.getnframes() > 0
    assert (bad["extractedData"], bad["recorded"]) == ({}, False)
    assert http.get(f"/v1/calls/{bad['id']}/recording").status_code == 404


def test_several_campaigns_run_side_by_side_in_time_order(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    sandbox.simulation(outcomes={"COMPLETED": 1})
    create(http, campaign("Morning", count=8, batchSize=4))
    afternoon = campaign("Afternoon", count=8, batchSize=8)
    afternoon["timeSlots"] = [{"startTime": "14:00", "endTime": "16:00"}]
    create(http, afternoon)
    clock.advance(days=1)  # to Monday noon UTC, 13:00 Paris
    assert len(stored(sandbox, "Morning")) == 4
    assert stored(sandbox, "Afternoon") == []
    clock.run_until_done()
    assert len(listed(http, "Morning")) == len(listed(http, "Afternoon")) == 8
    everything = sandbox.calls()
    assert [start_of(call) for call in everything] == sorted(start_of(call) for call in everything)
