"""Values made lazily (volubile_ext/_models.py, LazyValue): a Call, Agent or Campaign made from
its decoded document is read by the generated model only when a field is first read, once, and
is then the value an eager read gives in every respect a caller can see."""

from __future__ import annotations

import copy
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest

from tests.client_harness import (
    REFERENCE_CALL,
    REFERENCE_CALL_AGENT_ID,
    campaign_document,
    on_model_read,
)
from volubile_api.models import AgentResponse, CallResponse, CampaignResponse
from volubile_ext import Agent, Call, CallStatus, Campaign, CampaignStatus, Direction
from volubile_ext._calls_models import parse_agent, parse_call, parse_transcript
from volubile_ext._models import LazyValue, ResponseInfo, parse_campaign
from volubile_ext._ratelimit import RateLimitInfo

AGENT: dict[str, Any] = {
    "id": REFERENCE_CALL_AGENT_ID,
    "name": "Sales",
    "type": "OUTBOUND",
    "active": True,
    "configuration": {"extractors": []},
}
# Each kind: the value class, its generated model, its eager reader, and documents covering the
# usual case, unknown fields and enum values, and values the generated model refuses.
KINDS: dict[str, tuple[type[Any], type[Any], Callable[..., Any], list[dict[str, Any]]]] = {
    "call": (
        Call,
        CallResponse,
        parse_call,
        [
            REFERENCE_CALL,
            {**REFERENCE_CALL, "status": "ON_HOLD", "type": "SIDEWAYS", "campaign": "Spring"},
            {**REFERENCE_CALL, "agentId": "agent-7", "startTime": "whenever", "context": "none"},
            {"phone": "+33612345678", "extractors": [{"name": "a", "value": ["b"]}]},
        ],
    ),
    "agent": (
        Agent,
        AgentResponse,
        parse_agent,
        [AGENT, {**AGENT, "type": "outbound?", "team": "B"}, {**AGENT, "id": "agent-7"}],
    ),
    "campaign": (
        Campaign,
        CampaignResponse,
        parse_campaign,
        [
            campaign_document(),
            campaign_document(status="ARCHIVED", days=["MONDAY", "SOMEDAY"], priority="high"),
            campaign_document(id="campaign-7", startDate="soon", batchSize="many"),
        ],
    ),
}
# A field of each kind that attrs.evolve changes.
CHANGED = {
    "call": {"phone": "+33699999999"},
    "agent": {"name": "Support"},
    "campaign": {"name": "B"},
}
CASES = [
    pytest.param(kind, index, id=f"{kind}-{index}")
    for kind, (_, _, _, documents) in KINDS.items()
    for index in range(len(documents))
]


def response_info(request: httpx.Request | None = None) -> ResponseInfo:
    """Details of a 200 response (to ``request``, when given)."""
    http_response = httpx.Response(200, json={}, request=request)
    return ResponseInfo(
        status_code=200,
        headers=http_response.headers,
        rate_limit=RateLimitInfo(),
        retries_taken=0,
        elapsed=0.01,
        http_response=http_response,
    )


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> dict[type, int]:
    """How many times each generated model's from_dict ran (the real one, counted)."""
    counts: dict[type, int] = {}
    for model in (CallResponse, AgentResponse, CampaignResponse):

        def count(src: Any, model: type = model) -> None:
            counts[model] = counts.get(model, 0) + 1

        on_model_read(monkeypatch, model, count)
    return counts


def pair(kind: str, index: int, made: str = "alone") -> tuple[Any, Any]:
    """A lazy value and the same value read eagerly, with the same response details: made
    alone (a get's answer, with its response) or as a page's item (no response of its own)."""
    value_cls, _, read, documents = KINDS[kind]
    document = copy.deepcopy(documents[index])
    if made == "page item":
        (lazy,) = value_cls._lazy_many([document], read)
        return lazy, read(copy.deepcopy(document))
    info = response_info()
    return value_cls._lazy(document, info), read(copy.deepcopy(document), info)


@pytest.mark.parametrize(("kind", "index"), CASES)
def test_nothing_is_parsed_until_a_field_is_read_then_once(
    kind: str, index: int, parses: dict[type, int]
) -> None:
    value_cls, model, _, documents = KINDS[kind]
    value = value_cls._lazy(copy.deepcopy(documents[index]), response_info())
    assert isinstance(value, LazyValue)
    assert value.raw == documents[index]  # kept as received, readable before any parse
    assert value.response is not None
    assert not hasattr(value, "no_such_field")  # a name that is no field reads nothing
    assert parses == {}
    getattr(value, attrs.fields(value_cls)[0].name)
    first = parses[model]
    assert first >= 1  # once, or field by field for a document the model refuses
    for field in attrs.fields(value_cls):
        getattr(value, field.name)
    repr(value)
    assert parses[model] == first
    assert value.raw == documents[index]


def fields_of(value: Any, kind: str) -> dict[str, Any]:
    return {field.name: getattr(value, field.name) for field in attrs.fields(type(value))}


def evolved(value: Any, kind: str) -> Any:
    return attrs.evolve(value, **CHANGED[kind])


def copied(value: Any, kind: str) -> Any:
    duplicate = copy.copy(value)
    return (duplicate == value, fields_of(duplicate, kind))


# What a caller can do with a value; each gives the same result (or raises the same error) on a
# lazy value never read before as on the eager one.
READS: dict[str, Callable[[Any, str], Any]] = {
    "fields": fields_of,
    "repr": lambda value, kind: repr(value),
    "str": lambda value, kind: str(value),
    "raw": lambda value, kind: dict(value.raw),
    "extra": lambda value, kind: dict(value.extra),
    "response": lambda value, kind: value.response,
    "additional_properties": lambda value, kind: value.additional_properties,
    "hash": lambda value, kind: hash(value),
    "to_dict": lambda value, kind: value.to_dict(),
    "copy": copied,
    "deepcopy": lambda value, kind: copy.deepcopy(value),
    "pickle": lambda value, kind: pickle.loads(pickle.dumps(value)),
    "evolve": evolved,
    "evolve keeps raw": lambda value, kind: evolved(value, kind).raw == value.raw,
}


def outcome(read: Callable[[Any, str], Any], value: Any, kind: str) -> tuple[str, Any]:
    """What a read gives: its result, or the type and text of what it raised."""
    try:
        return ("value", read(value, kind))
    except Exception as error:
        return (type(error).__name__, str(error))


@pytest.mark.parametrize("made", ["alone", "page item"])
@pytest.mark.parametrize("read", list(READS))
@pytest.mark.parametrize(("kind", "index"), CASES)
def test_a_lazy_value_is_the_eager_value_in_every_respect(
    kind: str, index: int, read: str, made: str
) -> None:
    lazy, eager = pair(kind, index, made)
    assert outcome(READS[read], lazy, kind) == outcome(READS[read], eager, kind)


def test_a_page_item_has_no_response_of_its_own_and_is_not_read_for_it(
    parses: dict[type, int],
) -> None:
    (call,) = Call._lazy_many([copy.deepcopy(REFERENCE_CALL)], parse_call)
    assert call.response is None
    assert call.raw == REFERENCE_CALL
    assert parses == {}
    assert call.status is CallStatus.COMPLETED
    assert call.response is None
    (other,) = Call._lazy_many(["not an object"], parse_call)
    assert other == parse_call("not an object")  # read at once, as before


@pytest.mark.parametrize(("kind", "index"), CASES)
def test_lazy_values_compare_equal_to_eager_and_lazy_ones(kind: str, index: int) -> None:
    lazy, eager = pair(kind, index)
    assert lazy == eager
    assert eager == lazy
    other, _ = pair(kind, index)
    assert other == lazy
    assert lazy != evolved(eager, kind)
    changed, _ = pair(kind, index)
    assert evolved(changed, kind) == evolved(eager, kind)


def test_the_usual_values_and_the_lenient_fallbacks_read_as_before() -> None:
    call, _ = pair("call", 1)
    assert call.status == "ON_HOLD"
    assert not call.is_known_status
    assert call.extra == {"campaign": "Spring"}
    odd, _ = pair("call", 2)
    assert odd.agent_id == "agent-7"
    assert odd.start_time is None
    assert odd.context == {}
    assert odd.raw["startTime"] == "whenever"
    flattened, _ = pair("call", 3)
    assert flattened.extracted_data == {"a": "b"}  # made from the lists, as __init__ does
    usual, _ = pair("call", 0)
    assert usual.status is CallStatus.COMPLETED
    agent, _ = pair("agent", 0)
    assert agent.is_outbound
    assert agent.type_ is Direction.OUTBOUND
    campaign, _ = pair("campaign", 1)
    assert campaign.status == "ARCHIVED"
    assert not campaign.is_known_status
    assert campaign.extra == {"priority": "high"}
    refused, _ = pair("campaign", 2)
    assert (refused.id, refused.start_date, refused.batch_size) == ("campaign-7", None, None)
    assert pair("campaign", 0)[0].status is CampaignStatus.ACTIVE


def test_a_value_made_by_its_constructor_is_never_lazy(parses: dict[type, int]) -> None:
    call = Call(phone="+33612345678")
    assert call.status is None
    assert call.raw == {}
    assert parses == {}


@pytest.fixture
def slow_call_parse(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """CallResponse.from_dict counted and slowed down: threads reading at once overlap."""
    calls: list[int] = []

    def slow(src: Any) -> None:
        calls.append(threading.get_ident())
        time.sleep(0.05)

    on_model_read(monkeypatch, CallResponse, slow)
    return calls


def test_threads_reading_one_value_at_once_parse_it_once_and_see_it_whole(
    slow_call_parse: list[int],
) -> None:
    call = Call._lazy(copy.deepcopy(REFERENCE_CALL), None)
    names = [field.name for field in attrs.fields(Call)]
    barrier = threading.Barrier(8)
    seen: list[dict[str, Any]] = []
    failures: list[BaseException] = []

    def read(offset: int) -> None:
        try:
            barrier.wait()
            # Each thread starts at another field: every slot is raced for.
            order = names[offset:] + names[:offset]
            seen.append({name: getattr(call, name) for name in order})
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=read, args=(index * 3,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(slow_call_parse) == 1
    eager = parse_call(REFERENCE_CALL)
    expected = {name: getattr(eager, name) for name in names}
    assert len(seen) == 8
    assert all(item == expected for item in seen)


# -- pickling and copying (ReadOnlyState) ------------------------------------------------------

SECRET_KEY = "vk_test_made_up_secret_0123456789"


def sent_response_info() -> ResponseInfo:
    """Response details whose request carried an API key, as a real exchange's does."""
    return response_info(
        httpx.Request("GET", "https://api.example/v1/x", headers={"X-Api-Key": SECRET_KEY})
    )


def read_only_fields(value: Any) -> list[str]:
    return [
        field.name
        for field in attrs.fields(type(value))
        if isinstance(getattr(value, field.name), type(Campaign.__dict__))
    ]


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
@pytest.mark.parametrize(("kind", "index"), CASES)
def test_a_value_pickles_and_copies_with_its_read_only_mappings(
    kind: str, index: int, lazy: bool
) -> None:
    value_cls, _, read, documents = KINDS[kind]
    document = copy.deepcopy(documents[index])
    info = sent_response_info()
    value = value_cls._lazy(document, info) if lazy else read(document, info)
    pickled = pickle.dumps(value)
    assert SECRET_KEY.encode() not in pickled  # the exchange, with its credentials, stays here
    restored = pickle.loads(pickled)
    shallow, deep = copy.copy(value), copy.deepcopy(value)
    for other in (restored, shallow, deep):
        assert type(other) is value_cls
        assert other == value
        assert repr(other) == repr(value)
        assert dict(other.raw) == dict(value.raw) == documents[index]
        assert dict(other.extra) == dict(value.extra)
        assert read_only_fields(other) == read_only_fields(value)
        with pytest.raises(TypeError):
            other.extra["added"] = 1  # type: ignore[index]
    assert restored.response is None
    assert shallow.response is value.response
    assert deep.response is value.response
    assert deep.raw is not value.raw


def test_nested_values_and_transcripts_pickle() -> None:
    call = parse_call({**REFERENCE_CALL, "newField": {"a": [1]}})
    assert call.extractors
    assert call.classifiers
    restored = pickle.loads(pickle.dumps(call))
    assert restored == call
    assert restored.extractors == call.extractors
    assert restored.classifiers == call.classifiers
    assert dict(restored.extra) == {"newField": {"a": [1]}}
    transcript = parse_transcript(
        [{"action": "AGENT_SPEAK", "actor": "AGENT", "message": "Hello.", "mood": "calm"}]
    )
    entries = pickle.loads(pickle.dumps(list(transcript)))
    assert entries == list(transcript)
    assert dict(entries[0].extra) == {"mood": "calm"}
    assert copy.deepcopy(entries[0]) == entries[0]
