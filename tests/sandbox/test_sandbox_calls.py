"""The sandbox's agents and calls operations over loopback, with raw httpx: every rule of issue 11.

Scopes per the reference's table, paging (page from 1, size within the spec's bound, totals),
filters and their validation, sort, 404s, the rate limit, errors in the API's shape; the seeded
agents, ``add_call`` with transcripts and recordings, ``POST /v1/calls`` recording one outbound
call. Each test counts what the sandbox received where it matters.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sandbox.test_sandbox import CAMPAIGN, FakeClock, assert_error, assert_schema
from volubile_api import _spec
from volubile_api.api.calls import get_call, get_recording, get_transcript
from volubile_api.client import AuthenticatedClient
from volubile_api.models import CallResponse, Direction, TranscriptAction, TranscriptResponse
from volubile_api.types import File
from volubile_ext.testing import Sandbox
from volubile_ext.testing._query import CALL_SORT_PROPERTIES

OUTBOUND = Sandbox.OUTBOUND_AGENT_ID
INBOUND = Sandbox.INBOUND_AGENT_ID
MAX_SIZE = _spec.operations.listCalls.parameters.size.maximum
DEFAULT_SIZE = _spec.operations.listCalls.parameters.size.default
# 2030-03-17T12:00:00Z: the sandbox clock of these tests.
NOW = dt.datetime(2030, 3, 17, 12, 0, tzinfo=dt.UTC)


# The shared sandbox and http fixtures (tests/conftest.py), on this clock.
pytestmark = pytest.mark.sandbox(clock=FakeClock(NOW.timestamp()))


@pytest.fixture
def anonymous(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """A client with no API key, for requests with a bearer token only."""
    with httpx.Client(base_url=sandbox.url, timeout=5) as client:
        yield client


def bearer(sandbox: Sandbox, *scopes: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.issue_token(scopes)}"}


def page_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    assert_schema(document, "CallPage")
    return document


def field_errors(response: httpx.Response) -> set[str]:
    body = assert_error(response, 400)
    return {error["field"] for error in body["errors"]}


# --- agents ----------------------------------------------------------------------------------


def test_two_agents_are_seeded_one_outbound_one_inbound(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    response = http.get("/v1/agents")
    assert response.status_code == 200
    document = response.json()
    assert_schema(document, "AgentPage")
    assert (document["page_count"], document["total_items"]) == (1, 2)
    assert [(agent["id"], agent["type"]) for agent in document["content"]] == [
        (OUTBOUND, "OUTBOUND"),
        (INBOUND, "INBOUND"),
    ]
    assert [agent.id for agent in sandbox.agents()] == [OUTBOUND, INBOUND]


def test_agents_are_paged_from_page_1(sandbox: Sandbox, http: httpx.Client) -> None:
    added = [sandbox.add_agent(f"Agent {index}").id for index in range(3)]
    seen: list[str] = []
    for page in (1, 2, 3):
        document = http.get("/v1/agents", params={"page": page, "size": 2}).json()
        assert (document["page_count"], document["total_items"]) == (3, 5)
        seen += [agent["id"] for agent in document["content"]]
    assert seen == [OUTBOUND, INBOUND, *added]
    past = http.get("/v1/agents", params={"page": 4, "size": 2}).json()
    assert past["content"] == []
    assert field_errors(http.get("/v1/agents", params={"page": 0})) == {"page"}
    assert field_errors(http.get("/v1/agents", params={"size": MAX_SIZE + 1})) == {"size"}


def test_get_agent_answers_the_agent_and_404_for_unknown_or_malformed_ids(
    http: httpx.Client,
) -> None:
    response = http.get(f"/v1/agents/{OUTBOUND.upper()}")
    assert response.status_code == 200
    assert_schema(response.json(), "AgentResponse")
    assert response.json()["id"] == OUTBOUND
    assert_error(http.get(f"/v1/agents/{uuid.uuid4()}"), 404, "not found")
    assert_error(http.get("/v1/agents/not-an-id"), 404, "not found")


def test_a_patch_changes_only_the_fields_sent(sandbox: Sandbox, http: httpx.Client) -> None:
    before = sandbox.agent(INBOUND).document
    response = http.patch(f"/v1/agents/{INBOUND}", json={"name": "Front desk"})
    assert response.status_code == 200
    assert_schema(response.json(), "AgentResponse")
    after = sandbox.agent(INBOUND).document
    assert after == {**before, "name": "Front desk"}
    assert response.json() == after
    unchanged = http.patch(f"/v1/agents/{INBOUND}", json={})
    assert unchanged.json() == after


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": 5}, "name"),
        ({"active": "yes"}, "active"),
        ({"recordable": None}, "recordable"),
        ({"type": "INBOUND"}, "type"),
    ],
)
def test_a_bad_patch_is_refused_and_changes_nothing(
    sandbox: Sandbox, http: httpx.Client, body: dict[str, Any], field: str
) -> None:
    before = sandbox.agent(OUTBOUND).document
    assert field_errors(http.patch(f"/v1/agents/{OUTBOUND}", json=body)) == {field}
    assert sandbox.agent(OUTBOUND).document == before


def test_a_patch_needs_agents_write(sandbox: Sandbox, anonymous: httpx.Client) -> None:
    reader = bearer(sandbox, "agents:read")
    response = anonymous.patch(f"/v1/agents/{OUTBOUND}", json={"active": False}, headers=reader)
    assert_error(response, 403, "agents:write")
    assert sandbox.agent(OUTBOUND).document["active"] is True
    writer = bearer(sandbox, "agents:write")
    response = anonymous.patch(f"/v1/agents/{OUTBOUND}", json={"active": False}, headers=writer)
    assert response.status_code == 200
    assert sandbox.agent(OUTBOUND).document["active"] is False


# --- scopes ----------------------------------------------------------------------------------

CALL_ID = "0b7e2a48-9b51-4c55-8f6a-6f3d1e2c4b10"
OPERATIONS = [
    ("GET", "/v1/agents", "agents:read"),
    ("GET", f"/v1/agents/{OUTBOUND}", "agents:read"),
    ("GET", "/v1/calls", "calls:read"),
    ("GET", f"/v1/calls/{CALL_ID}", "calls:read"),
    ("GET", f"/v1/calls/{CALL_ID}/transcript", "calls:read"),
    ("GET", f"/v1/calls/{CALL_ID}/recording", "calls:read"),
]


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS)
def test_each_read_needs_its_scope_from_the_reference_table(
    sandbox: Sandbox, anonymous: httpx.Client, method: str, path: str, scope: str
) -> None:
    sandbox.add_call(call_id=CALL_ID)
    others = [other for other in _spec.AuthTokenRequest.scope.items.enum if other != scope]
    refused = anonymous.request(method, path, headers=bearer(sandbox, *others))
    assert_error(refused, 403, scope)
    assert anonymous.request(method, path, headers=bearer(sandbox, scope)).status_code == 200
    # The sandbox logged the refusal as what it answered.
    assert sandbox.requests[-2].status == 403


# --- listing calls ---------------------------------------------------------------------------


def test_calls_are_paged_with_totals_and_every_call_is_seen_once(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    added = {sandbox.add_call(phone=f"+336123456{index:02d}").id for index in range(45)}
    seen: list[str] = []
    for page in (1, 2, 3):
        document = page_of(http.get("/v1/calls", params={"page": page}))
        assert (document["page"], document["size"]) == (page, DEFAULT_SIZE)
        assert (document["totalElements"], document["totalPages"]) == (45, 3)
        seen += [call["id"] for call in document["content"]]
    assert len(seen) == len(set(seen)) == 45
    assert set(seen) == added
    past = page_of(http.get("/v1/calls", params={"page": 4}))
    assert (past["content"], past["totalElements"], past["totalPages"]) == ([], 45, 3)
    full = page_of(http.get("/v1/calls", params={"size": MAX_SIZE}))
    assert len(full["content"]) == 45
    assert sandbox.count("GET", "/v1/calls") == 5


def test_no_calls_is_one_empty_page_of_zero_pages(http: httpx.Client) -> None:
    document = page_of(http.get("/v1/calls"))
    assert (document["content"], document["totalElements"], document["totalPages"]) == ([], 0, 0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=%2B1", "page"),
        ("page=1.5", "page"),
        ("page=" + "9" * 5000, "page"),
        ("page=2147483648", "page"),
        ("page=", "page"),
        ("size=0", "size"),
        (f"size={MAX_SIZE + 1}", "size"),
        ("size=1_0", "size"),
        ("size=%D9%A5", "size"),  # an Arabic-Indic five: a digit to int(), not to HTTP
        ("agentId=not-a-uuid", "agentId"),
        ("phone=0612345678", "phone"),
        ("phone=%2B12", "phone"),
        ("campaign=", "campaign"),
        ("campaign=" + "x" * 256, "campaign"),
        ("from=2030-03-01", "to"),
        ("to=2030-03-01", "from"),
        ("from=2030-02-30&to=2030-03-01", "from"),
        ("from=20300301&to=2030-03-01", "from"),
        ("from=2030-03-02&to=2030-03-01", "from"),
        ("sort=created", "sort"),
        ("sort=created,asc", "sort"),
        ("sort=context,ASC", "sort"),
        ("page=1&page=2", "page"),
        ("agent_id=" + OUTBOUND, "agent_id"),
        ("campaign=%ff", "campaign"),
        ("campaign=%zz", "campaign"),
        ("campaign=a%00b", "campaign"),
    ],
)
def test_a_bad_query_is_refused_with_the_parameter_named(
    sandbox: Sandbox, http: httpx.Client, query: str, field: str
) -> None:
    response = http.get(f"/v1/calls?{query}")
    assert field in field_errors(response)
    assert sandbox.requests[-1].api_status == 400


def test_too_many_parameters_are_refused(http: httpx.Client) -> None:
    query = "&".join(f"p{index}=1" for index in range(40))
    assert_error(http.get(f"/v1/calls?{query}"), 400, "query parameters")


def test_the_filters_select_by_agent_phone_campaign_and_inclusive_dates(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    other = sandbox.add_agent("Second line").id
    day = dt.datetime(2030, 3, 10, 9, 0, tzinfo=dt.UTC)
    first = sandbox.add_call(phone="+33611111111", campaign="Renewals", start_time=day)
    second = sandbox.add_call(
        phone="+33622222222", campaign="Renewals", start_time=day + dt.timedelta(days=1)
    )
    third = sandbox.add_call(
        phone="+33611111111", agent_id=other, start_time=day + dt.timedelta(days=2)
    )

    def ids(**params: str) -> set[str]:
        return {call["id"] for call in page_of(http.get("/v1/calls", params=params))["content"]}

    assert ids(agentId=other) == {third.id}
    assert ids(agentId=other.upper()) == {third.id}
    assert ids(agentId=str(uuid.uuid4())) == set()
    assert ids(phone="+33611111111") == {first.id, third.id}
    assert ids(campaign="Renewals") == {first.id, second.id}
    assert ids(campaign="renewals") == set()
    assert ids(**{"from": "2030-03-11", "to": "2030-03-12"}) == {second.id, third.id}
    assert ids(**{"from": "2030-03-10", "to": "2030-03-10"}) == {first.id}
    assert ids(phone="+33611111111", campaign="Renewals") == {first.id}
    document = page_of(http.get("/v1/calls", params={"phone": "+33611111111", "size": 1}))
    assert (document["totalElements"], document["totalPages"]) == (2, 2)


def test_sorting_by_a_property_in_either_direction(sandbox: Sandbox, http: httpx.Client) -> None:
    for duration in (30, 10, 20):
        sandbox.add_call(duration=duration)

    def durations(sort: str | None) -> list[int]:
        params = {"sort": sort} if sort else {}
        content = page_of(http.get("/v1/calls", params=params))["content"]
        return [call["duration"] for call in content]

    assert durations("duration,ASC") == [10, 20, 30]
    assert durations("duration,DESC") == [30, 20, 10]
    assert durations("created,DESC") == durations(None)


@pytest.mark.parametrize("prop", CALL_SORT_PROPERTIES)
def test_every_scalar_field_sorts_both_ways(
    sandbox: Sandbox, http: httpx.Client, prop: str
) -> None:
    for index, (duration, status) in enumerate(
        [(30, "FAILED"), (10, "COMPLETED"), (20, "REJECTED")]
    ):
        sandbox.add_call(
            phone=f"+3361234567{9 - index}",
            duration=duration,
            status=status,
            summary=f"summary {index}",
            anonymous=index == 1,
            start_time=NOW - dt.timedelta(hours=index * 7 % 3),
        )
    added = [dict(call.document) for call in sandbox.calls()]
    # Ties keep the order of insertion, in the sort's direction.
    ascending = [call["id"] for call in sorted(added, key=lambda call: call[prop])]
    for direction, expected in (("ASC", ascending), ("DESC", ascending[::-1])):
        content = page_of(http.get("/v1/calls", params={"sort": f"{prop},{direction}"}))["content"]
        assert [call["id"] for call in content] == expected, direction


def test_the_default_order_is_newest_first(sandbox: Sandbox, http: httpx.Client) -> None:
    old = sandbox.add_call(start_time="2030-03-01T10:00:00+00:00")
    new = sandbox.add_call(start_time="2030-03-05T10:00:00+00:00")
    content = page_of(http.get("/v1/calls"))["content"]
    assert [call["id"] for call in content] == [new.id, old.id]


# --- one call, its transcript and its recording ----------------------------------------------


def test_a_call_is_answered_as_the_api_documents_it(sandbox: Sandbox, http: httpx.Client) -> None:
    call = sandbox.add_call(
        phone="+33612345678",
        campaign="Renewals",
        start_time="2030-03-16T14:35:00+00:00",
        duration=360,
        context={"firstName": "Ana"},
        extractors=[
            {"name": "customer", "value": [{"name": "firstname", "value": ["Ana"]}]},
            {"name": "example", "value": ["example1"]},
        ],
        classifiers=[{"name": "Outcome", "value": "Interested", "type": "PRIMARY"}],
    )
    response = http.get(f"/v1/calls/{call.id}")
    assert response.status_code == 200
    document = response.json()
    assert_schema(document, "CallResponse")
    assert document["startTime"] == "2030-03-16T14:35:00Z"
    assert document["endTime"] == "2030-03-16T14:41:00Z"
    assert (document["status"], document["type"], document["recorded"]) == (
        "COMPLETED",
        "OUTBOUND",
        True,
    )
    assert document["extractedData"] == {"customer": {"firstname": "Ana"}, "example": "example1"}
    assert document["classificationData"] == {"Outcome": "Interested"}
    assert document["context"]["firstName"] == "Ana"
    assert document["context"]["system"]["callId"] == call.id
    assert_error(http.get(f"/v1/calls/{uuid.uuid4()}"), 404, "not found")
    assert_error(http.get("/v1/calls/12"), 404, "not found")


def test_a_status_the_spec_does_not_list_is_served_as_is(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    # For a client's open-enum tests: the sandbox does not police statuses it serves.
    call = sandbox.add_call(status="ON_HOLD")
    assert http.get(f"/v1/calls/{call.id}").json()["status"] == "ON_HOLD"


def test_a_transcript_is_a_list_or_one_bare_entry(sandbox: Sandbox, http: httpx.Client) -> None:
    conversation = sandbox.add_call(status="COMPLETED")
    entries = http.get(f"/v1/calls/{conversation.id}/transcript").json()
    assert isinstance(entries, list)
    assert [entry["action"] for entry in entries][:3] == ["RING", "ANSWER", "AGENT_SPEAK"]
    assert entries[-1]["action"] == "HANG_UP"
    for entry in entries:
        assert_schema(entry, "TranscriptResponse")
    one = {"action": "RING", "time": "2030-03-17T11:59:00Z", "actor": "UNKNOWN", "message": ""}
    single = sandbox.add_call(status="NO_ANSWER", transcript=one)
    assert http.get(f"/v1/calls/{single.id}/transcript").json() == one
    assert_error(http.get(f"/v1/calls/{uuid.uuid4()}/transcript"), 404, "not found")


def test_a_recording_is_audio_with_its_content_type(sandbox: Sandbox, http: httpx.Client) -> None:
    answered = sandbox.add_call(status="COMPLETED")
    response = http.get(f"/v1/calls/{answered.id}/recording")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(response.content)) as audio:
        assert (audio.getnchannels(), audio.getframerate()) == (1, 8000)
        assert audio.getnframes() > 0
    head = http.head(f"/v1/calls/{answered.id}/recording")
    assert head.headers["content-length"] == str(len(response.content))
    assert head.content == b""

    mp3 = sandbox.add_call(recording=b"ID3 not really mp3", recording_type="audio/mpeg")
    given = http.get(f"/v1/calls/{mp3.id}/recording")
    assert (given.headers["content-type"], given.content) == ("audio/mpeg", b"ID3 not really mp3")

    unanswered = sandbox.add_call(status="NO_ANSWER")
    assert_error(http.get(f"/v1/calls/{unanswered.id}/recording"), 404, "not recorded")
    inbound = sandbox.add_call(agent_id=INBOUND)  # the seeded inbound agent does not record
    assert_error(http.get(f"/v1/calls/{inbound.id}/recording"), 404, "not recorded")
    assert_error(http.get(f"/v1/calls/{uuid.uuid4()}/recording"), 404, "not found")


def test_the_generated_operation_keeps_the_recording_media_type(sandbox: Sandbox) -> None:
    # scripts/templates/property_templates/file_property.py.jinja: upstream's File drops it.
    call = sandbox.add_call(recording=b"ID3...", recording_type="audio/mpeg")
    client = AuthenticatedClient(base_url=sandbox.url, token="unused")
    with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as http:
        client.set_httpx_client(http)
        response = get_recording.sync_detailed(uuid.UUID(call.id), client=client)
    assert isinstance(response.parsed, File)
    assert (response.parsed.mime_type, response.parsed.payload.read()) == ("audio/mpeg", b"ID3...")


def test_the_generated_models_read_values_the_spec_does_not_list(sandbox: Sandbox) -> None:
    # Response enums are open (scripts/templates/model.py.jinja): a new status, action or
    # actor arrives as plain text instead of failing the whole response.
    call = sandbox.add_call(
        status="ON_HOLD",
        classifiers=[{"name": "Outcome", "value": "Yes", "type": "TERTIARY"}],
        transcript=[{"action": "SING", "time": "2030-03-17T11:59:00Z", "actor": "ROBOT"}],
    )
    single = sandbox.add_call(transcript={"action": "RING", "time": "2030-03-17T11:59:00Z"})
    client = AuthenticatedClient(base_url=sandbox.url, token="unused")
    with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as http:
        client.set_httpx_client(http)
        got = get_call.sync_detailed(uuid.UUID(call.id), client=client)
        entries = get_transcript.sync_detailed(uuid.UUID(call.id), client=client)
        one = get_transcript.sync_detailed(uuid.UUID(single.id), client=client)
    assert got.parse_error is None
    assert isinstance(got.parsed, CallResponse)
    assert got.parsed.status == "ON_HOLD"
    assert got.parsed.type_ is Direction.OUTBOUND
    assert got.parsed.start_time == NOW - dt.timedelta(seconds=60)
    assert isinstance(got.parsed.classifiers, list)
    assert got.parsed.classifiers[0].type_ == "TERTIARY"
    assert isinstance(entries.parsed, list)
    assert (entries.parsed[0].action, entries.parsed[0].actor) == ("SING", "ROBOT")
    assert isinstance(one.parsed, TranscriptResponse)
    assert one.parsed.action is TranscriptAction.RING


# --- creating a call -------------------------------------------------------------------------

CREATE = {
    "agentId": OUTBOUND,
    "recipient": {"phone": "+33612345678", "context": {"firstName": "Ana", "visits": 3}},
}


def test_creating_a_call_records_one_outbound_call_in_progress(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    response = http.post("/v1/calls", json=CREATE)
    assert response.status_code == 201
    (call,) = sandbox.calls()
    assert response.json() == dict(call.document)
    assert_schema(response.json(), "CallResponse")
    assert (call.status, call.phone, call.document["type"]) == (
        "IN_PROGRESS",
        "+33612345678",
        "OUTBOUND",
    )
    assert call.document["context"]["visits"] == 3
    assert call.document["startTime"] == "2030-03-17T12:00:00Z"
    assert "endTime" not in call.document
    assert sandbox.count("POST", "/v1/calls", applied=True) == 1
    listed = page_of(http.get("/v1/calls", params={"phone": "+33612345678"}))
    assert [item["id"] for item in listed["content"]] == [call.id]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"recipient": {"phone": "+33612345678"}}, {"agentId"}),
        ({"agentId": "nope", "recipient": {"phone": "+33612345678"}}, {"agentId"}),
        ({"agentId": OUTBOUND}, {"recipient"}),
        ({"agentId": OUTBOUND, "recipient": {"phone": "0612345678"}}, {"recipient.phone"}),
        ({"agentId": OUTBOUND, "recipient": {}}, {"recipient.phone"}),
        ({"agentId": OUTBOUND, "recipient": "+33612345678"}, {"recipient"}),
        (
            {"agentId": OUTBOUND, "recipient": {"phone": "+33612345678", "name": "Ana"}},
            {"recipient.name"},
        ),
        ({**CREATE, "campaign": "x"}, {"campaign"}),
        (
            {"agentId": OUTBOUND, "recipient": {"phone": "+33612345678", "context": []}},
            {"recipient.context"},
        ),
        (
            {
                "agentId": OUTBOUND,
                "recipient": {"phone": "+33612345678", "context": {"system": {"phone": "x"}}},
            },
            {"recipient.context.system"},
        ),
    ],
)
def test_a_bad_create_is_refused_before_any_call_is_made(
    sandbox: Sandbox, http: httpx.Client, body: dict[str, Any], fields: set[str]
) -> None:
    assert field_errors(http.post("/v1/calls", json=body)) == fields
    assert sandbox.calls() == []
    assert sandbox.count("POST", "/v1/calls", applied=False) == 1


def test_only_an_active_outbound_agent_can_call(sandbox: Sandbox, http: httpx.Client) -> None:
    inactive = sandbox.add_agent("Paused", active=False).id
    archived = sandbox.add_agent("Old", archived=True).id
    recipient = CREATE["recipient"]
    for agent_id, reason in (
        (INBOUND, "INBOUND"),
        (inactive, "not active"),
        (archived, "archived"),
    ):
        response = http.post("/v1/calls", json={"agentId": agent_id, "recipient": recipient})
        assert_error(response, 400, reason)
    unknown = http.post("/v1/calls", json={"agentId": str(uuid.uuid4()), "recipient": recipient})
    assert_error(unknown, 404, "not found")
    assert sandbox.calls() == []


def test_creating_a_call_needs_calls_write(sandbox: Sandbox, anonymous: httpx.Client) -> None:
    response = anonymous.post("/v1/calls", json=CREATE, headers=bearer(sandbox, "calls:read"))
    assert_error(response, 403, "calls:write")
    assert sandbox.calls() == []
    allowed = anonymous.post("/v1/calls", json=CREATE, headers=bearer(sandbox, "calls:write"))
    assert allowed.status_code == 201
    assert len(sandbox.calls()) == 1


def test_a_create_that_is_not_json_is_refused(sandbox: Sandbox, http: httpx.Client) -> None:
    assert_error(http.post("/v1/calls", content=b"agentId=x"), 415, "content-type")
    bad = http.post("/v1/calls", content=b"{", headers={"Content-Type": "application/json"})
    assert_error(bad, 400, "malformed")
    assert sandbox.calls() == []


# --- rate limit, persistence, helpers --------------------------------------------------------


def test_the_rate_limit_covers_the_new_operations() -> None:
    with (
        Sandbox(rate_limit=(2, 60.0)) as limited,
        httpx.Client(base_url=limited.url, headers={"X-Api-Key": limited.api_key}) as http,
    ):
        assert http.get("/v1/calls").headers["x-ratelimit-remaining"] == "1"
        assert http.get("/v1/agents").status_code == 200
        refused = http.post("/v1/calls", json=CREATE)
        body = assert_error(refused, 429, "rate limit")
        assert body["errors"] == []
        assert int(refused.headers["retry-after"]) > 0
        assert limited.calls() == []
        assert limited.count("POST", "/v1/calls", applied=False) == 1


def test_calls_and_agent_changes_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    with Sandbox(db_path=db) as first:
        call = first.add_call(campaign="Renewals")
        first.add_agent("Kept")
        with httpx.Client(base_url=first.url, headers={"X-Api-Key": first.api_key}) as http:
            http.patch(f"/v1/agents/{INBOUND}", json={"name": "Renamed"})
    with Sandbox(db_path=db) as second:
        assert second.call(call.id).campaign == "Renewals"
        assert second.call(call.id).document == call.document
        names = [agent.name for agent in second.agents()]
        assert names == ["Renewals (outbound)", "Renamed", "Kept"]


def test_a_database_from_before_agents_and_calls_gains_them(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with (
        Sandbox(db_path=db) as first,
        httpx.Client(base_url=first.url, headers={"X-Api-Key": first.api_key}) as http,
    ):
        campaign = http.post("/v1/campaigns", json=CAMPAIGN).json()["id"]
    with sqlite3.connect(db) as connection:  # as a sandbox of the previous release left it
        connection.executescript("DROP TABLE calls; DROP TABLE agents;")
    with Sandbox(db_path=db) as second:
        assert second.campaign(campaign).status == "ACTIVE"
        assert [agent.id for agent in second.agents()] == [OUTBOUND, INBOUND]
        assert second.add_call().id == second.calls()[0].id


def test_add_call_refuses_what_a_test_got_wrong(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match=r"E\.164"):
        sandbox.add_call(phone="0612345678")
    with pytest.raises(KeyError, match="no agent"):
        sandbox.add_call(agent_id=uuid.uuid4())
    with pytest.raises(ValueError, match="aware"):
        sandbox.add_call(start_time=dt.datetime(2030, 1, 1, 12, 0))
    with pytest.raises(ValueError, match="duration"):
        sandbox.add_call(duration=-1)
    with pytest.raises(ValueError, match="an extractor is"):
        sandbox.add_call(extractors=[{"name": "customer", "value": "Ana"}])
    with pytest.raises(ValueError, match="transcript entry"):
        sandbox.add_call(transcript=[{"speaker": "x"}])
    with pytest.raises(ValueError, match="type must be"):
        sandbox.add_agent("X", type="BOTH")
    call = sandbox.add_call()
    with pytest.raises(ValueError, match="exists already"):
        sandbox.add_call(call_id=call.id)
    assert len(sandbox.calls()) == 1
    assert "StoredCall(" in repr(call)
