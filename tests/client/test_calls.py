"""``client.calls``, sync and async, over loopback against the sandbox (and, for what the
sandbox cannot do, the scripted server); what the server received is counted, never assumed."""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client_harness import Harness, iterate, on_model_read, wait_for
from tests.scripted_server import Drop, Reply, ScriptedServer
from volubile_api.models import CallPage, CallResponse
from volubile_ext import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    Call,
    CallStatus,
    ClientValidationError,
    InternalServerError,
    NotFoundError,
    Recording,
    Transcript,
    TranscriptAction,
)
from volubile_ext._ratelimit import SlidingWindowLimiter
from volubile_ext.testing import Delay, DropConnection, ErrorStatus, Sandbox

OUTBOUND = Sandbox.OUTBOUND_AGENT_ID
INBOUND = Sandbox.INBOUND_AGENT_ID
CALLS = "/v1/calls"
UTC = dt.UTC


@pytest.fixture(params=["sync", "async"])
def client(
    request: pytest.FixtureRequest, sandbox: Sandbox, harnesses: Callable[..., Harness]
) -> Harness:
    return harnesses(str(request.param), api_key=sandbox.api_key, base_url=sandbox.url)


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def add_calls(sandbox: Sandbox, count: int, **options: Any) -> list[str]:
    return [
        str(sandbox.add_call(phone=f"+3361234{index:04d}", **options).id) for index in range(count)
    ]


# -- list --------------------------------------------------------------------------------------


def test_list_iterates_every_call_lazily_one_page_at_a_time(
    sandbox: Sandbox, client: Harness
) -> None:
    ids = add_calls(sandbox, 5)
    pager = client.client.calls.list(page_size=2)
    assert sandbox.requests == []  # nothing sent before iterating
    calls = iterate(client, pager)
    assert sorted(str(call.id) for call in calls) == sorted(ids)
    assert all(isinstance(call, Call) and call.start_time.tzinfo is not None for call in calls)
    assert [record.query for record in sandbox.requests] == [
        f"page={number}&size=2" for number in (1, 2, 3)
    ]


def test_pages_give_the_servers_figures(sandbox: Sandbox, client: Harness) -> None:
    add_calls(sandbox, 5)
    pages = iterate(client, client.client.calls.list(page_size=2).pages())
    assert [
        (page.page, page.size, page.total_elements, page.total_pages, len(page)) for page in pages
    ] == [
        (1, 2, 5, 3, 2),
        (2, 2, 5, 3, 2),
        (3, 2, 5, 3, 1),
    ]


def test_each_page_is_decoded_once(
    sandbox: Sandbox, client: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The generated model and the values' raw documents read the same decoded JSON.
    add_calls(sandbox, 5)
    decoded: list[int] = []
    original = httpx.Response.json

    def counting(response: httpx.Response, **options: Any) -> Any:
        decoded.append(id(response))
        return original(response, **options)

    monkeypatch.setattr(httpx.Response, "json", counting)
    calls = iterate(client, client.client.calls.list(page_size=2))
    assert len(calls) == 5
    assert calls[0].raw["id"] == str(calls[0].id)
    assert len(decoded) == sandbox.count("GET", CALLS) == 3
    assert len(set(decoded)) == 3  # one decoding per response


@pytest.fixture
def model_reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """The documents the generated CallPage and CallResponse models read (the real from_dict,
    counted)."""
    reads: dict[str, list[Any]] = {"CallPage": [], "CallResponse": []}
    for model in (CallPage, CallResponse):
        on_model_read(monkeypatch, model, reads[model.__name__].append)
    return reads


def test_a_page_is_read_into_models_only_as_its_calls_are_read_each_once(
    sandbox: Sandbox, client: Harness, model_reads: dict[str, list[Any]]
) -> None:
    ids = add_calls(sandbox, 3)
    (page,) = iterate(client, client.client.calls.list(page_size=3).pages())
    assert (page.page, page.total_elements, page.total_pages, len(page)) == (1, 3, 1, 3)
    assert sorted(call.raw["id"] for call in page) == sorted(ids)
    assert model_reads == {"CallPage": [], "CallResponse": []}  # the envelope only
    first = page.items[0]
    assert first.status is CallStatus.COMPLETED
    assert first.start_time.tzinfo is not None
    assert repr(first).startswith("Call(id=UUID(")
    assert [item["id"] for item in model_reads["CallResponse"]] == [first.raw["id"]]
    assert sorted(str(call.id) for call in page) == sorted(ids)
    assert sorted(item["id"] for item in model_reads["CallResponse"]) == sorted(ids)
    assert model_reads["CallPage"] == []


def test_a_call_or_agent_read_alone_is_parsed_when_first_used(
    sandbox: Sandbox, client: Harness, model_reads: dict[str, list[Any]]
) -> None:
    (call_id,) = add_calls(sandbox, 1)
    call = client.call("calls.get", call_id)
    agent = client.call("agents.get", OUTBOUND)
    assert call.response.status_code == agent.response.status_code == 200
    assert model_reads["CallResponse"] == []
    assert str(call.id) == call_id
    assert agent.is_outbound
    assert [item["id"] for item in model_reads["CallResponse"]] == [call_id]


def test_stopping_early_fetches_no_further_page(
    sandbox: Sandbox, kind: str, harnesses: Callable[..., Harness]
) -> None:
    add_calls(sandbox, 6)
    harness = harnesses(kind, api_key=sandbox.api_key, base_url=sandbox.url)
    pages = harness.client.calls.list(page_size=2).pages()
    if kind == "async":
        first = harness.run(pages.__anext__())
        harness.run(pages.aclose())
    else:
        first = next(pages)
    assert len(first) == 2
    assert sandbox.count("GET", CALLS) == 1


def test_filters_are_sent_under_the_apis_names(sandbox: Sandbox, client: Harness) -> None:
    match = sandbox.add_call(
        phone="+33699887766", campaign="Spring", start_time="2030-03-10T09:00:00Z"
    )
    sandbox.add_call(phone="+33699887766", campaign="Autumn", start_time="2030-03-10T09:00:00Z")
    calls = iterate(
        client,
        client.client.calls.list(
            agent_id=OUTBOUND,
            phone="+33699887766",
            campaign="Spring",
            from_=dt.date(2030, 3, 1),
            to="2030-03-31",
            sort="startTime,DESC",
        ),
    )
    assert [call.id for call in calls] == [uuid.UUID(str(match.id))]
    (record,) = sandbox.requests
    assert record.query == (
        f"agentId={OUTBOUND}&phone=%2B33699887766&campaign=Spring&from=2030-03-01&to=2030-03-31"
        "&page=1&size=100&sort=startTime%2CDESC"
    )


@pytest.mark.parametrize(
    ("filters", "field", "text"),
    [
        ({"phone": "0612345678"}, "phone", "E.164"),
        ({"phone": "+33 6 12 34 56 78"}, "phone", "E.164"),
        ({"agent_id": "agent-7"}, "agent_id", "UUID"),
        ({"campaign": ""}, "campaign", "at least 1"),
        ({"from_": "2030-03-01"}, "to", "give both dates or neither"),
        ({"to": "2030-03-01"}, "from_", "give both dates or neither"),
        ({"from_": "2030-03-02", "to": "2030-03-01"}, "to", "must not be before"),
        ({"from_": "2030-02-30", "to": "2030-03-01"}, "from_", "date"),
        (
            {"from_": dt.datetime(2030, 3, 1, tzinfo=UTC), "to": "2030-03-02"},
            "from_",
            "not a datetime",
        ),
        ({"sort": "startTime"}, "sort", "'property,ASC' or 'property,DESC'"),
        ({"sort": "startTime,UP"}, "sort", "'property,ASC'"),
        ({"page_size": 101}, "page_size", "between 1 and 100"),
        ({"page_size": 0}, "page_size", "between 1 and 100"),
    ],
)
def test_bad_filters_are_refused_before_anything_is_sent(
    sandbox: Sandbox, client: Harness, filters: dict[str, Any], field: str, text: str
) -> None:
    with pytest.raises(ClientValidationError) as caught:
        client.client.calls.list(**filters)
    assert caught.value.errors[0].field == field
    assert text in str(caught.value)
    assert sandbox.requests == []


@pytest.mark.sandbox(rate_limit=(4, 1.0))
def test_iterating_many_pages_keeps_within_the_rate_limit(
    sandbox: Sandbox, kind: str, harnesses: Callable[..., Harness]
) -> None:
    add_calls(sandbox, 10)
    harness = harnesses(kind, api_key=sandbox.api_key, base_url=sandbox.url, rate_limit=(4, 1.0))
    assert len(iterate(harness, harness.client.calls.list(page_size=1))) == 10
    assert sandbox.count("GET", CALLS) == 10
    assert [record.status for record in sandbox.requests].count(429) == 0


def test_a_page_that_is_not_a_page_is_an_error_not_the_end(
    kind: str, harnesses: Callable[..., Harness], server: ScriptedServer
) -> None:
    server.then(Reply(200, json=[{"id": str(uuid.uuid4())}]))
    harness = harnesses(kind, api_key="test-key", base_url=server.url, rate_limit=None)
    with pytest.raises(APIResponseValidationError, match="not a page"):
        iterate(harness, harness.client.calls.list())


def test_a_page_with_one_odd_call_keeps_every_call(
    kind: str, harnesses: Callable[..., Harness], server: ScriptedServer
) -> None:
    good = str(uuid.uuid4())
    server.then(
        Reply(
            200,
            json={
                "content": [
                    {"id": good, "startTime": "2030-03-10T09:00:00", "status": "ON_HOLD"},
                    {"id": "not-a-uuid", "startTime": "soon", "status": "COMPLETED"},
                ],
                "page": 1,
                "size": 100,
                "totalElements": 2,
                "totalPages": 1,
            },
        )
    )
    harness = harnesses(kind, api_key="test-key", base_url=server.url, rate_limit=None)
    calls = iterate(harness, harness.client.calls.list())
    assert [call.id for call in calls] == [uuid.UUID(good), "not-a-uuid"]
    assert calls[0].start_time == dt.datetime(2030, 3, 10, 9, tzinfo=UTC)  # naive is UTC
    assert calls[0].status == "ON_HOLD"
    assert calls[1].start_time is None
    assert calls[1].raw["startTime"] == "soon"
    assert calls[1].status is CallStatus.COMPLETED


# -- get and transcript ------------------------------------------------------------------------


def test_get_reads_a_typed_call(sandbox: Sandbox, client: Harness) -> None:
    stored = sandbox.add_call(
        status="COMPLETED",
        start_time="2030-03-10T09:00:00Z",
        duration=90,
        extractors=[{"name": "customer", "value": [{"name": "firstname", "value": ["Ana"]}]}],
        classifiers=[{"name": "Outcome", "value": "Interested", "type": "PRIMARY"}],
        context={"firstName": "Ana"},
    )
    call = client.call("calls.get", stored.id)
    assert call.status is CallStatus.COMPLETED
    assert call.start_time == dt.datetime(2030, 3, 10, 9, tzinfo=UTC)
    assert call.end_time == dt.datetime(2030, 3, 10, 9, 1, 30, tzinfo=UTC)
    assert call.duration == 90
    assert call.extracted_data == {"customer": {"firstname": "Ana"}}
    assert call.classification_data == {"Outcome": "Interested"}
    assert call.classifiers[0].value == "Interested"
    assert call.context["firstName"] == "Ana"
    assert call.response is not None
    assert call.response.status_code == 200


def test_get_of_an_unknown_call_is_not_found(sandbox: Sandbox, client: Harness) -> None:
    with pytest.raises(NotFoundError):
        client.call("calls.get", uuid.uuid4())
    with pytest.raises(ClientValidationError, match="call id"):
        client.call("calls.get", "call-7")
    assert len(sandbox.requests) == 1


def test_a_read_is_retried_after_a_timeout_and_a_dropped_connection(
    sandbox: Sandbox, kind: str, harnesses: Callable[..., Harness], quick_backoff: None
) -> None:
    stored = sandbox.add_call()
    path = f"{CALLS}/{stored.id}"
    sandbox.inject(Delay(1.0), method="GET", path=path)
    sandbox.inject(DropConnection(), method="GET", path=path)
    harness = harnesses(kind, api_key=sandbox.api_key, base_url=sandbox.url, timeout=0.3)
    assert harness.call("calls.get", stored.id).id == uuid.UUID(str(stored.id))
    assert sandbox.count("GET", path) == 3


def test_a_transcript_is_typed_entries_whether_a_list_or_one_object_was_sent(
    sandbox: Sandbox, client: Harness
) -> None:
    entry = {
        "action": "AGENT_SPEAK",
        "time": "2030-03-10T09:00:05Z",
        "actor": "AGENT",
        "message": "Hello.",
    }
    listed = sandbox.add_call(
        transcript=[{"action": "RING", "time": "2030-03-10T09:00:00Z", "actor": "UNKNOWN"}, entry]
    )
    single = sandbox.add_call(transcript=entry)
    transcript = client.call("calls.transcript", listed.id)
    assert isinstance(transcript, Transcript)
    assert [item.action for item in transcript] == [
        TranscriptAction.RING,
        TranscriptAction.AGENT_SPEAK,
    ]
    assert str(transcript) == "09:00:00  (ring)\n09:00:05  Agent: Hello."
    one = client.call("calls.transcript", single.id)
    assert len(one) == 1
    assert one[0].time == dt.datetime(2030, 3, 10, 9, 0, 5, tzinfo=UTC)


# -- recording ---------------------------------------------------------------------------------


def test_a_recording_is_streamed_to_a_file_with_its_media_type(
    sandbox: Sandbox, client: Harness, tmp_path: Path
) -> None:
    audio = bytes(range(256)) * 1000  # 256 kB: several chunks
    stored = sandbox.add_call(recording=audio, recording_type="audio/mpeg", recorded=True)
    target = tmp_path / "call.mp3"
    recording = client.call("calls.recording", stored.id, target)
    assert recording == Recording(
        content_type="audio/mpeg", bytes_written=len(audio), destination=target
    )
    assert target.read_bytes() == audio
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left


def test_a_recording_is_streamed_to_a_binary_stream(sandbox: Sandbox, client: Harness) -> None:
    stored = sandbox.add_call(recording=b"RIFF....WAVEfmt ", recorded=True)
    sink = io.BytesIO()
    recording = client.call("calls.recording", stored.id, sink)
    assert sink.getvalue() == b"RIFF....WAVEfmt "
    assert (recording.content_type, recording.bytes_written, recording.destination) == (
        "audio/wav",
        16,
        sink,
    )


def test_a_call_without_recording_is_not_found_and_writes_nothing(
    sandbox: Sandbox, client: Harness, tmp_path: Path
) -> None:
    stored = sandbox.add_call(recorded=False)
    with pytest.raises(NotFoundError, match="not recorded"):
        client.call("calls.recording", stored.id, tmp_path / "call.wav")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("destination", ["missing-folder/call.wav", ".", 42])
def test_a_bad_destination_is_refused_before_sending(
    sandbox: Sandbox, client: Harness, tmp_path: Path, destination: Any
) -> None:
    target = tmp_path / destination if isinstance(destination, str) else destination
    with pytest.raises(ClientValidationError) as caught:
        client.call("calls.recording", uuid.uuid4(), target)
    assert caught.value.errors[0].field == "destination"
    assert sandbox.requests == []


def test_a_download_cut_short_leaves_no_file_under_the_name(
    kind: str, harnesses: Callable[..., Harness], server: ScriptedServer, tmp_path: Path
) -> None:
    # The server promises 100,000 bytes and sends 10: the client's read times out.
    server.then(
        Reply(
            200,
            body=b"0123456789",
            headers={"Content-Length": "100000", "Content-Type": "audio/wav"},
        )
    )
    harness = harnesses(kind, api_key="test-key", base_url=server.url, rate_limit=None, timeout=0.5)
    target = tmp_path / "call.wav"
    with pytest.raises(APITimeoutError, match="the partial download was removed"):
        harness.call("calls.recording", uuid.uuid4(), target)
    assert list(tmp_path.iterdir()) == []


class CountingLimiter(SlidingWindowLimiter):
    """The client's limiter, counting the places given back."""

    def __init__(self) -> None:
        super().__init__(100, 15.0)
        self.released = 0

    def finished(self, slot: Any) -> None:
        self.released += 1
        super().finished(slot)


def test_the_rate_limit_place_is_held_until_the_download_ends(
    sandbox: Sandbox, kind: str, harnesses: Callable[..., Harness]
) -> None:
    stored = sandbox.add_call(recording=b"x" * 200_000, recorded=True)
    limiter = CountingLimiter()
    harness = harnesses(kind, api_key=sandbox.api_key, base_url=sandbox.url, rate_limiter=limiter)
    seen: list[int] = []

    class Watching(io.BytesIO):
        def write(self, data: Any) -> int:
            seen.append(limiter.released)
            return super().write(data)

    harness.call("calls.recording", stored.id, Watching())
    # While the body arrives the place is still taken (httpx hands over its last chunks once
    # the network stream has ended and closed); it is given back once, when the stream closed.
    assert seen[0] == 0
    assert limiter.released == 1


# -- create ------------------------------------------------------------------------------------


def test_create_places_one_call_and_sends_exactly_the_request(
    sandbox: Sandbox, client: Harness
) -> None:
    call = client.call(
        "calls.create", agent_id=OUTBOUND, phone="+33612345678", context={"firstName": "Ana"}
    )
    assert call.status is CallStatus.IN_PROGRESS
    assert call.phone == "+33612345678"
    (record,) = sandbox.requests
    assert (record.method, record.path) == ("POST", CALLS)
    assert record.body == {
        "agentId": OUTBOUND,
        "recipient": {"phone": "+33612345678", "context": {"firstName": "Ana"}},
    }
    assert [str(stored.id) for stored in sandbox.calls()] == [str(call.id)]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"agent_id": "agent-7", "phone": "+33612345678"}, "agent_id"),
        ({"agent_id": OUTBOUND, "phone": "0612345678"}, "phone"),
        (
            {"agent_id": OUTBOUND, "phone": "+33612345678", "context": {1: "x"}},
            "context",
        ),
        (
            {
                "agent_id": OUTBOUND,
                "phone": "+33612345678",
                "context": {"system": {"phone": "+33699999999"}},
            },
            "context.system",
        ),
        (
            {"agent_id": OUTBOUND, "phone": "+33612345678", "context": {"system": "x"}},
            "context.system",
        ),
    ],
)
def test_a_bad_call_is_refused_before_sending(
    sandbox: Sandbox, client: Harness, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ClientValidationError) as caught:
        client.call("calls.create", **arguments)
    assert caught.value.errors[0].field.startswith(field)
    assert sandbox.requests == []


@pytest.mark.parametrize(
    ("fault", "timeout"),
    [(DropConnection(apply=True), 10.0), (ErrorStatus(503, apply=True), 10.0), (Delay(1.0), 0.3)],
)
@pytest.mark.usefixtures("quick_backoff")
def test_create_is_never_sent_twice_once_it_may_have_arrived(
    sandbox: Sandbox,
    kind: str,
    harnesses: Callable[..., Harness],
    fault: Any,
    timeout: float,
) -> None:
    sandbox.inject(fault, method="POST", path=CALLS)
    harness = harnesses(kind, api_key=sandbox.api_key, base_url=sandbox.url, timeout=timeout)
    with pytest.raises((APIConnectionError, InternalServerError)) as caught:
        harness.call("calls.create", agent_id=OUTBOUND, phone="+33612345678")
    assert "The call may have been placed" in str(caught.value)
    # A client that gave up (its timeout) may raise before the server has logged the request.
    wait_for(lambda: len(sandbox.calls()) == 1, "the call placed by the one request")
    assert sandbox.count("POST", CALLS) == 1


def test_create_is_resent_when_the_server_provably_did_not_apply_it(
    sandbox: Sandbox, client: Harness
) -> None:
    sandbox.inject(ErrorStatus(429, retry_after=1), method="POST", path=CALLS)
    client.call("calls.create", agent_id=OUTBOUND, phone="+33612345678")
    assert sandbox.count("POST", CALLS) == 2
    assert len(sandbox.calls()) == 1


@pytest.mark.parametrize("body", [b"", b"Created", b"[]"])
def test_create_is_lenient_about_the_undocumented_body(
    kind: str, harnesses: Callable[..., Harness], server: ScriptedServer, body: bytes
) -> None:
    server.then(Reply(201, body=body))
    harness = harnesses(kind, api_key="test-key", base_url=server.url, rate_limit=None)
    call = harness.call("calls.create", agent_id=OUTBOUND, phone="+33612345678", context={"a": "b"})
    assert call.id is None
    assert (call.agent_id, call.phone, call.context) == (
        uuid.UUID(OUTBOUND),
        "+33612345678",
        {"a": "b"},
    )
    assert server.count("POST", CALLS) == 1


def test_a_dropped_create_is_not_resent_on_the_scripted_server_either(
    kind: str, harnesses: Callable[..., Harness], server: ScriptedServer, quick_backoff: None
) -> None:
    server.then(Drop())
    harness = harnesses(kind, api_key="test-key", base_url=server.url, rate_limit=None)
    with pytest.raises(APIConnectionError, match="may have been placed"):
        harness.call("calls.create", agent_id=OUTBOUND, phone="+33612345678")
    assert server.count("POST", CALLS) == 1


# -- secrets -----------------------------------------------------------------------------------


def test_the_api_key_never_shows_in_errors_values_or_logs(
    sandbox: Sandbox, client: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    stored = sandbox.add_call()
    with caplog.at_level(logging.DEBUG, logger="volubile"):
        shown = [
            repr(client.call("calls.get", stored.id)),
            str(client.call("calls.transcript", stored.id)),
        ]
        shown += [repr(page) for page in iterate(client, client.client.calls.list().pages())]
        with pytest.raises(NotFoundError) as caught:
            client.call("calls.get", uuid.uuid4())
        shown.append(str(caught.value))
    shown.append(caplog.text)
    assert "x-api-key" in caplog.text.lower()  # the DEBUG log shows the headers, redacted
    for text in shown:
        assert sandbox.api_key not in text
