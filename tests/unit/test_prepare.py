"""prepare_create: one step checks, splits, clips, plans and warns; create_prepared sends it.

``campaigns.create``, ``create_many`` and ``volubile campaigns create`` all go through it, so
a create is checked once, and the choice between one campaign and several is the library's.
The keyword arguments of the create methods are typed precisely (mypy sees a wrong one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.spec.test_regenerate import COMMITTED, mypy_errors
from volubile_ext import (
    BulkCreateReport,
    BulkPlan,
    Campaign,
    CampaignPlan,
    ClientValidationError,
    PreparedCreate,
    Recipient,
    Volubile,
    prepare_create,
)
from volubile_ext.campaigns import _bulk, _recipients
from volubile_ext.campaigns._planning import creation_warnings
from volubile_ext.testing import Sandbox

SCHEDULE: dict[str, Any] = {
    "name": "Renewals",
    "agent_id": "bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
    "start_date": "2031-03-01",  # a Saturday
    "time_slots": ["09:00-15:00"],
    "batch_size": 100,
    "days": ["SATURDAY", "MONDAY"],
    "timezone": "Europe/Paris",
}


def people(count: int) -> list[str]:
    return [f"+3361{index:07d}" for index in range(count)]


def test_one_campaign_is_prepared_with_its_windows_warnings_and_plan() -> None:
    prepared = prepare_create(**SCHEDULE, recipients=people(250), plan=True)
    assert isinstance(prepared, PreparedCreate)
    assert (prepared.bulk, len(prepared.chunks), prepared.recipient_count) == (False, 1, 250)
    assert prepared.request.name == "Renewals"
    assert [(str(slot), [str(w) for w in windows]) for slot, windows in prepared.time_slots] == [
        ("09:00-15:00", ["10:00-13:00", "14:00-15:00"])
    ]
    assert [str(window) for window in prepared.windows] == ["10:00-13:00", "14:00-15:00"]
    # The warnings are those campaigns.create emits; the plan is plan_campaign's.
    assert prepared.warnings == creation_warnings(prepared.request)
    assert any("SATURDAY" in warning for warning in prepared.warnings)
    assert isinstance(prepared.plan, CampaignPlan)
    assert prepared.plan.recipient_count == 250
    document = prepared.to_dict()
    assert json.loads(json.dumps(document)) == document
    assert document["plan"] == prepared.plan.to_dict()


def test_the_library_decides_between_one_campaign_and_several() -> None:
    assert not prepare_create(**SCHEDULE, recipients=people(1000)).bulk
    several = prepare_create(**SCHEDULE, recipients=people(2001), plan=True)
    assert several.bulk
    assert [chunk.request.name for chunk in several.chunks] == [
        "Renewals (1/3)",
        "Renewals (2/3)",
        "Renewals (3/3)",
    ]
    assert [len(chunk.request.recipients or ()) for chunk in several.chunks] == [1000, 1000, 1]
    assert isinstance(several.plan, BulkPlan)
    assert (several.plan.name, several.plan.recipient_count) == ("Renewals", 2001)
    assert [campaign.recipient_count for campaign in several.plan.campaigns] == [1000, 1000, 1]
    # No recipients, no plan; a single create refuses more than a campaign holds.
    assert prepare_create(**SCHEDULE, plan=True).plan is None
    with pytest.raises(ClientValidationError, match="at most 1000 recipients"):
        prepare_create(**SCHEDULE, recipients=people(1001), bulk=False)


def test_every_problem_of_several_campaigns_is_reported_with_whole_list_paths() -> None:
    listed = people(1500)
    listed[1234] = "0612"
    with pytest.raises(ClientValidationError) as caught:
        prepare_create(**{**SCHEDULE, "batch_size": 0}, recipients=listed)
    assert [error.field for error in caught.value.errors] == ["batchSize", "recipients[1234].phone"]


def plain_people(count: int) -> list[dict[str, Any]]:
    """``count`` plain recipients: what a caller or a CSV row gives (the create's fast path)."""
    return [{"phone": phone, "context": {"firstName": "Ana"}} for phone in people(count)]


def test_problems_of_plain_recipients_over_several_campaigns_are_worded_as_before() -> None:
    # The plain list is checked once, not chunk by chunk; a problem sends it back to the
    # chunk-by-chunk rules, which word every error as they always have.
    listed = plain_people(1500)
    listed[1234] = {"phone": "0612", "context": {"firstName": "Ana"}}
    with pytest.raises(ClientValidationError) as caught:
        prepare_create(**{**SCHEDULE, "batch_size": 0}, recipients=listed)
    assert [error.field for error in caught.value.errors] == ["batchSize", "recipients[1234].phone"]
    with pytest.raises(ClientValidationError) as caught:
        prepare_create(**{**SCHEDULE, "batch_size": 0}, recipients=plain_people(2500))
    assert [error.field for error in caught.value.errors] == ["batchSize"]  # once, not per chunk
    with pytest.raises(ClientValidationError) as caught:
        prepare_create(**{**SCHEDULE, "name": "  "}, recipients=plain_people(1001))
    assert [(error.field, error.message) for error in caught.value.errors] == [
        ("name", "must not be empty")
    ]


def test_several_campaigns_of_plain_recipients_are_those_of_the_same_recipients_checked_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # perf: issue 14's create_many row. Each recipient is checked once and the schedule once,
    # not once per campaign; the chunks are those the chunk-by-chunk rules make.
    built: list[object] = []
    checked: list[int] = []
    build, parts = _bulk.build_campaign_request, _recipients._plain_parts

    def counting_build(**arguments: Any) -> Any:
        built.append(arguments["name"])
        return build(**arguments)

    def counting_parts(items: Any, **options: Any) -> Any:
        checked.append(len(items))
        return parts(items, **options)

    monkeypatch.setattr(_bulk, "build_campaign_request", counting_build)
    monkeypatch.setattr(_recipients, "_plain_parts", counting_parts)
    listed = plain_people(2500)
    fast = prepare_create(**SCHEDULE, recipients=listed, plan=True)
    assert built == ["Renewals (1/3)"]
    assert sum(checked) == 2500
    slow = prepare_create(
        **SCHEDULE, recipients=[Recipient(item["phone"], item["context"]) for item in listed]
    )
    assert [(c.index, c.first, c.last) for c in fast.chunks] == [
        (c.index, c.first, c.last) for c in slow.chunks
    ]
    assert [c.request for c in fast.chunks] == [c.request for c in slow.chunks]
    assert [c.request.to_json() for c in fast.chunks] == [c.request.to_json() for c in slow.chunks]
    assert fast.warnings == slow.warnings
    assert fast.recipient_count == slow.recipient_count == 2500
    assert fast.plan == prepare_create(**SCHEDULE, recipients=listed, plan=True).plan
    assert [c.first_phones for c in fast.chunks] == [c.first_phones for c in slow.chunks]
    # The journal's fingerprints are those of the same bodies: a journal written before reads.
    assert _bulk.chunk_fingerprints(list(fast.chunks)) == _bulk.chunk_fingerprints(
        list(slow.chunks)
    )


def test_the_callers_recipients_changed_after_prepare_change_nothing_sent(sandbox: Sandbox) -> None:
    one, many = plain_people(3), plain_people(1001)
    single = prepare_create(**SCHEDULE, recipients=one)
    several = prepare_create(**SCHEDULE, recipients=many)
    expected = [single.request.to_json()] + [chunk.request.to_json() for chunk in several.chunks]
    for listed in (one, many):
        listed[0]["context"]["firstName"] = "Bob"
        listed[1]["phone"] = "+33699999999"
        listed.append({"phone": "+33688888888", "context": {}})
    with Volubile(sandbox.api_key, base_url=sandbox.url) as client:
        client.campaigns.create_prepared(single)
        client.campaigns.create_prepared(several)
    stored = {stored.name: stored.request for stored in sandbox.campaigns()}
    assert [stored[body["name"]] for body in expected] == expected
    assert stored["Renewals"]["recipients"][0] == {
        "phone": "+33610000000",
        "context": {"firstName": "Ana"},
    }


def test_an_empty_name_is_refused_for_several_campaigns_too() -> None:
    # The chunks are named "<name> (k/n)": the name is checked before the suffix hides it.
    with pytest.raises(ClientValidationError) as caught:
        prepare_create(**{**SCHEDULE, "name": "  "}, recipients=people(1001))
    assert [(error.field, error.message) for error in caught.value.errors] == [
        ("name", "must not be empty")
    ]


def test_create_prepared_sends_what_was_prepared_once(sandbox: Sandbox) -> None:
    single = prepare_create(**SCHEDULE, recipients=people(3))
    several = prepare_create(**SCHEDULE, recipients=people(1001))
    with Volubile(sandbox.api_key, base_url=sandbox.url) as client:
        campaign = client.campaigns.create_prepared(single)
        report = client.campaigns.create_prepared(several)
    assert isinstance(campaign, Campaign)
    assert isinstance(report, BulkCreateReport)
    assert report.ok
    assert sandbox.count("POST", "/v1/campaigns", applied=True) == 3
    stored = {stored.name: stored for stored in sandbox.campaigns()}
    assert stored["Renewals"].request == single.request.to_json()
    assert len(stored["Renewals (1/2)"].recipients) == 1000
    assert len(stored["Renewals (2/2)"].recipients) == 1


def test_create_prepared_journals_like_create(sandbox: Sandbox, tmp_path: Path) -> None:
    journal = tmp_path / "create.journal"
    prepared = prepare_create(**SCHEDULE, recipients=people(2))
    with Volubile(sandbox.api_key, base_url=sandbox.url) as client:
        first = client.campaigns.create_prepared(prepared, journal=journal)
        again = client.campaigns.create_prepared(prepared, journal=journal)
    assert isinstance(first, Campaign)
    assert isinstance(again, Campaign)
    assert again.id == first.id
    assert again.response is None  # read from the journal: nothing sent the second time
    assert sandbox.count("POST", "/v1/campaigns") == 1


def test_the_create_parameters_are_typed_precisely_for_mypy(tmp_path: Path) -> None:
    # The public signature once said Any for start_date, time_slots, days, retry and
    # recipients: mypy saw nothing. Now each has the forms it takes, sync and async alike.
    errors = mypy_errors(
        """
        import datetime
        from volubile_ext import AsyncVolubile, Recipient, RetrySettings, TimeSlot, Volubile

        def fine(client: Volubile) -> None:
            client.campaigns.create(
                name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                start_date=datetime.date(2031, 3, 3), time_slots=[("10:00", "12:00"),
                TimeSlot.parse("14:00-15:00")], batch_size=50, days=["mon", "tue"],
                retry=RetrySettings(max=1, delay=2, retry_on=["NO_ANSWER"]),
                recipients=[Recipient("+33612345678"), "+33698765432"], timezone="Europe/Paris",
            )

        def wrong(client: Volubile) -> None:
            client.campaigns.create(
                name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                start_date=20310303, time_slots=10, batch_size=50, days=5, retry=3,
                recipients=7,
            )

        async def wrong_async(client: AsyncVolubile) -> None:
            await client.campaigns.create_many(
                name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                start_date="2031-03-03", time_slots="10:00-12:00", batch_size=50,
                days="weekdays", recipients=None,
            )
        """,
        COMMITTED,
        tmp_path,
    )
    named = sorted(error.split('Argument "')[1].split('"')[0] for error in errors)
    assert named == ["days", "recipients", "recipients", "retry", "start_date", "time_slots"], (
        errors
    )
