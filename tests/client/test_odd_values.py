"""Odd values in a campaign: a typed, bounded error before anything is sent, never a crash.

Issue 9, items 10, 11 and 17: values that broke the message about them (10**5000, a list that
contains itself, dicts with tuple keys), values that passed and failed inside httpx (lone
surrogates, 5,000-digit integers), a million time slots, and retry statuses nobody checked.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests.client_harness import CREATE_ARGS, PHONE, campaign_body
from volubile_ext import (
    CampaignWarning,
    ClientValidationError,
    FieldError,
    Recipient,
    RetrySettings,
    Volubile,
    plan_campaign,
    plan_many,
)
from volubile_ext._errors import MAX_LISTED_PROBLEMS, _shown
from volubile_ext.campaigns._campaign_input import CALL_STATUSES, check_campaign_payload
from volubile_ext.campaigns._planning import MAX_PLANNED_RECIPIENTS
from volubile_ext.testing import Sandbox

ARGS: dict[str, Any] = {
    **CREATE_ARGS,
    "start_date": dt.date(2031, 3, 3),
    "time_slots": ["10:00-13:00"],
}
pytestmark = pytest.mark.sandbox(rate_limit=None)


def _self_containing() -> list[Any]:
    loop: list[Any] = [1]
    loop.append(loop)
    return loop


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[Volubile]:
    with Volubile(sandbox.api_key, base_url=sandbox.url, max_retries=0) as created:
        yield created


ODD_VALUES = {
    "huge batch_size": {"batch_size": 10**5000},
    "huge negative batch_size": {"batch_size": -(10**5000)},
    "self-containing time_slots": {"time_slots": _self_containing()},
    "tuple keys in time_slots": {"time_slots": {(1, 2): "10:00"}},
    "tuple keys in days": {"days": {(1, 2): 3}},
    "self-containing days": {"days": _self_containing()},
    "lone surrogate in name": {"name": "Renewals \ud800"},
    "lone surrogate in agent_id": {"agent_id": "\ud800"},
    "lone surrogate in start_date": {"start_date": "2031-03-\udc80"},
    "lone surrogate in timezone": {"timezone": "Europe/\ud800"},
    "lone surrogate in a slot": {"time_slots": ["10:00-\ud800"]},
    "lone surrogate in days": {"days": ["mon\ud800"]},
    "lone surrogate in retry_on": {"retry": {"max": 1, "delay": 2, "retry_on": ["NO\ud800"]}},
    "huge retry.max": {"retry": {"max": 10**5000, "delay": 2, "retry_on": ["NO_ANSWER"]}},
    "lone surrogate in a phone": {"recipients": [{"phone": "+3361234567\ud800"}]},
    "huge integer in context": {"recipients": [{"phone": PHONE, "context": {"n": 10**5000}}]},
    "64-bit overflow in context": {"recipients": [{"phone": PHONE, "context": {"n": 2**63}}]},
    "surrogate in a context value": {
        "recipients": [{"phone": PHONE, "context": {"firstName": "Ana\udc80"}}]
    },
    "surrogate in a context key": {"recipients": [{"phone": PHONE, "context": {"\ud800": "x"}}]},
    "surrogate in a nested value": {
        "recipients": [{"phone": PHONE, "context": {"address": {"city": ["Lyon\ud800"]}}}]
    },
    "NaN in context": {"recipients": [{"phone": PHONE, "context": {"score": float("nan")}}]},
    "infinity in context": {"recipients": [{"phone": PHONE, "context": {"score": float("inf")}}]},
    "tuple key in context": {"recipients": [{"phone": PHONE, "context": {(1, 10**5000): "x"}}]},
    "self-containing context": {
        "recipients": [{"phone": PHONE, "context": {"loop": _self_containing()}}]
    },
    "100k-deep context": {"recipients": [{"phone": PHONE, "context": {"deep": _deep(100_000)}}]},
    "huge key of a recipient": {"recipients": [{"phone": PHONE, 10**5000: 1}]},
}


@pytest.mark.parametrize("changes", ODD_VALUES.values(), ids=ODD_VALUES.keys())
def test_odd_values_raise_a_bounded_validation_error_and_send_nothing(
    client: Volubile, sandbox: Sandbox, changes: dict[str, Any]
) -> None:
    before = len(sandbox.requests)
    with pytest.raises(ClientValidationError) as caught:
        client.campaigns.create(**{**ARGS, **changes})
    assert len(sandbox.requests) == before  # refused before anything was sent
    message = str(caught.value)
    assert len(message) < 2_000
    message.encode("utf-8")  # printable anywhere: no lone surrogate left in it
    for error in caught.value.errors:
        assert "\n" not in str(error)


def test_the_same_values_are_valid_when_sendable(client: Volubile, sandbox: Sandbox) -> None:
    # The limits are JSON's, not arbitrary: the largest 64-bit integer and accents go through.
    campaign = client.campaigns.create(
        **{
            **ARGS,
            "name": "Renewals été",
            "recipients": [
                {"phone": PHONE, "context": {"n": 2**63 - 1, "m": -(2**63), "city": "Sète"}}
            ],
        }
    )
    (stored,) = [c for c in sandbox.campaigns() if c.id == str(campaign.id)]
    assert stored.recipients == [
        {"phone": PHONE, "context": {"n": 2**63 - 1, "m": -(2**63), "city": "Sète"}}
    ]


def test_recipient_and_retry_settings_refuse_unsendable_values_too() -> None:
    with pytest.raises(ClientValidationError, match="lone surrogate"):
        Recipient(PHONE, {"firstName": "\ud800"})
    with pytest.raises(ClientValidationError, match="too large for a JSON number"):
        Recipient(PHONE, {"n": 10**5000})
    with pytest.raises(ClientValidationError, match="nested too deeply"):
        Recipient(PHONE, {"loop": _self_containing()})
    with pytest.raises(ClientValidationError, match="lone surrogate"):
        RetrySettings(max=1, delay=1, retry_on=["\udfff"])


def test_a_json_body_with_the_same_values_is_refused_by_the_server_rules() -> None:
    body = {
        **campaign_body(
            name="x\ud800",
            batchSize=10**30,
            recipients=[{"phone": PHONE, "context": {"n": 10**30, "\ud800": 1}}],
        ),
        (1, 2): "tuple key",
    }
    fields = [error.field for error in check_campaign_payload(body)]
    assert fields == [
        "name",
        "batchSize",
        "recipients[0].context.n",
        "recipients[0].context",
        "[[1, 2]]",
    ]


# --- the message itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (10**5000, "<integer of about 5,001 digits>"),
        (-(10**300), "-<integer of about 301 digits>"),
        (12345, "12345"),
        (_self_containing(), "[1, [...]]"),
        ({(1, 2): 3, 4: [float("nan"), float("-inf")]}, '{"[1, 2]": 3, "4": [NaN, -Infinity]}'),
        ("line\nbreak \ud800", "line\\nbreak \\ud800"),
        (["\ud800", "a\tb"], '["\\ud800", "a\\tb"]'),
        ({"a": None, "b": True}, '{"a": null, "b": true}'),
        (dt.date(2031, 3, 3), '"2031-03-03"'),
    ],
    ids=[
        "huge int",
        "huge negative int",
        "small int",
        "cycle",
        "non-str keys and NaN",
        "control and surrogate",
        "escapes inside a list",
        "JSON literals",
        "other objects as their text",
    ],
)
def test_rejected_values_are_shown_bounded_and_printable(value: Any, shown: str) -> None:
    assert _shown(value) == shown


def test_a_huge_value_is_cut_without_being_walked_whole() -> None:
    huge = [list(range(1000)) for _ in range(1000)]
    text = _shown(huge)
    assert len(text) == 80
    assert text.endswith("…")
    assert len(_shown("x" * 10**7)) == 80


def test_a_broken_str_does_not_break_the_message() -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("no")

    error = FieldError("x", "must be text", Broken())
    assert str(error) == 'x: must be text (rejected: "<Broken object>")'


# --- item 11: a million problems ------------------------------------------------------------


def test_a_million_time_slots_give_a_short_message_in_little_memory(
    client: Volubile, sandbox: Sandbox
) -> None:
    slots = [1] * 10**6
    before = len(sandbox.requests)
    tracemalloc.start()
    try:
        with pytest.raises(ClientValidationError) as caught:
            client.campaigns.create(**{**ARGS, "time_slots": slots})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(sandbox.requests) == before
    error = caught.value
    assert peak < 5_000_000  # was about 1 GB
    assert len(str(error)) < 20_000  # was 156 MB
    assert len(error.errors) == MAX_LISTED_PROBLEMS
    assert error.errors[0].field == "timeSlots"
    assert "got 1000000" in error.errors[0].message
    assert error.error_count > len(error.errors)
    assert str(error).endswith(f"… and {error.error_count - MAX_LISTED_PROBLEMS} more problem")


def test_every_problem_is_counted_though_only_fifty_are_kept() -> None:
    recipients = [{"phone": "not a number"}] * 5_000
    with pytest.raises(ClientValidationError) as caught:
        plan_campaign(**{**ARGS, "recipients": recipients}, closed_dates=["nope"] * 3)
    error = caught.value
    assert error.error_count == 5_003
    assert len(error.errors) == MAX_LISTED_PROBLEMS
    assert str(error).startswith("invalid campaign: 5,003 problems\n")
    assert str(error).endswith("\n  … and 4,953 more problems")


@pytest.mark.parametrize("plan", [plan_campaign, plan_many], ids=["plan_campaign", "plan_many"])
@pytest.mark.parametrize("count", [10**5000, MAX_PLANNED_RECIPIENTS + 1], ids=["huge", "max+1"])
def test_a_recipient_count_beyond_any_list_is_a_bounded_validation_error(
    plan: Any, count: int
) -> None:
    # 10**5000 broke the message (int-to-str limit); plan_many would lay out a campaign per
    # thousand of any count, however absurd, one by one.
    arguments = {key: value for key, value in ARGS.items() if key != "recipients"}
    with pytest.raises(ClientValidationError) as caught:
        plan(**arguments, recipient_count=count)
    [problem] = caught.value.errors
    assert problem.field == "recipient_count"
    assert f"must be at most {MAX_PLANNED_RECIPIENTS:,}" in problem.message
    assert len(str(caught.value)) < 300


# --- item 17: retry statuses ----------------------------------------------------------------


def test_known_call_statuses_and_qualifiers_are_sent_without_a_warning(
    client: Volubile, sandbox: Sandbox
) -> None:
    retry_on = [*CALL_STATUSES, "CALLBACK_REQUESTED"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", CampaignWarning)
        campaign = client.campaigns.create(
            **{**ARGS, "retry": {"max": 1, "delay": 2, "retry_on": retry_on}}
        )
    (stored,) = [c for c in sandbox.campaigns() if c.id == str(campaign.id)]
    assert stored.request["retry"]["retryOn"] == retry_on


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("NOANSWER", "NO_ANSWER"),
        ("no answer", "NO_ANSWER"),
        ("Voice-Box", "VOICE_BOX"),
        ("CANCELLED", "CANCELED"),
        ("UNREACHEABLE", "UNREACHABLE"),
        ("FAIL", "FAILED"),
    ],
)
def test_a_misspelt_status_gets_a_did_you_mean_warning_and_is_sent_as_written(
    client: Volubile, sandbox: Sandbox, written: str, meant: str
) -> None:
    retry = {"max": 1, "delay": 2, "retry_on": ["VOICE_BOX", written]}
    with pytest.warns(CampaignWarning, match=f"did you mean {meant}\\?") as caught:
        campaign = client.campaigns.create(**{**ARGS, "retry": retry})
    (warning,) = [w for w in caught if "retryOn" in str(w.message)]
    assert f"retry.retryOn[1] is '{written}'" in str(warning.message)
    (stored,) = [c for c in sandbox.campaigns() if c.id == str(campaign.id)]
    assert stored.request["retry"]["retryOn"] == ["VOICE_BOX", written]
    # The plan shows the same warning before anything is sent.
    plan = plan_campaign(**{**ARGS, "retry": retry})
    assert any(f"did you mean {meant}?" in text for text in plan.warnings)


def test_the_server_rules_return_at_most_fifty_problems_as_a_plain_list() -> None:
    body = campaign_body(name="x", batchSize=1, recipients=[{"phone": "no"}] * 1000)
    problems = check_campaign_payload(body)
    assert type(problems) is list
    assert len(problems) == MAX_LISTED_PROBLEMS
    assert problems[-1].field == "recipients[49].phone"
