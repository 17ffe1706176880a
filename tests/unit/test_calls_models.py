"""The typed values of agents, calls and transcripts (volubile_ext/_calls_models.py)."""

from __future__ import annotations

import datetime
import uuid

import attrs
import pytest

from tests.client_harness import REFERENCE_CALL as CALL
from tests.client_harness import REFERENCE_CALL_AGENT_ID as AGENT_ID
from tests.client_harness import REFERENCE_CALL_ID as CALL_ID
from volubile_api.models import AgentResponse, CallResponse, TranscriptResponse
from volubile_api.types import UNSET
from volubile_ext import (
    Agent,
    Call,
    CallStatus,
    Classifier,
    ClassifierType,
    Direction,
    Extractor,
    Transcript,
    TranscriptAction,
    TranscriptActor,
    TranscriptEntry,
)
from volubile_ext._calls_models import call_from_model, parse_agent, parse_call, parse_transcript

UTC = datetime.UTC


def test_a_call_reads_every_field_as_a_library_type() -> None:
    call = parse_call(CALL)
    assert call.id == uuid.UUID(CALL_ID)
    assert call.agent_id == uuid.UUID(AGENT_ID)
    assert call.phone == "+33612345678"
    assert call.type_ is Direction.OUTBOUND
    assert call.status is CallStatus.COMPLETED
    assert call.is_known_status
    assert call.duration == 360
    assert call.start_time == datetime.datetime(2024, 7, 30, 14, 35, tzinfo=UTC)
    assert call.end_time == datetime.datetime(2024, 7, 30, 14, 41, tzinfo=UTC)
    assert call.created == datetime.datetime(2024, 7, 30, 14, 45, tzinfo=UTC)
    assert call.anonymous is False
    assert call.recorded is True
    assert call.extractors[0] == Extractor(
        name="customer",
        value=(
            Extractor(name="firstname", value=("John",)),
            Extractor(name="lastname", value=("Doe",)),
            Extractor(name="address", value=("123 Main St",)),
        ),
    )
    assert call.classifiers[1] == Classifier(
        name="Sentiment", value="Positive", type_=ClassifierType.SECONDARY
    )
    assert call.extracted_data == CALL["extractedData"]
    assert call.classification_data == CALL["classificationData"]
    assert call.context == CALL["context"]
    assert call.raw == CALL
    assert Call.from_document(CALL) == call


def test_every_field_the_spec_declares_is_an_attribute_without_a_hand_list() -> None:
    for model, value in (
        (CallResponse, Call),
        (AgentResponse, Agent),
        (TranscriptResponse, TranscriptEntry),
    ):
        declared = {field.name for field in attrs.fields(model) if field.init}
        assert declared <= {field.name for field in attrs.fields(value)}
        assert issubclass(value, model)


def test_the_flattened_forms_are_built_from_the_lists_when_the_server_sends_only_those() -> None:
    older = {key: value for key, value in CALL.items() if not key.endswith("Data")}
    call = parse_call(older)
    assert call.extracted_data == CALL["extractedData"]
    assert call.classification_data == CALL["classificationData"]


def test_unknown_fields_and_enum_values_are_kept() -> None:
    call = parse_call({**CALL, "status": "ON_HOLD", "type": "SIDEWAYS", "campaign": "Spring"})
    assert call.status == "ON_HOLD"
    assert not call.is_known_status
    assert call.type_ == "SIDEWAYS"
    assert call.extra == {"campaign": "Spring"}


def test_values_the_generated_model_refuses_cost_only_themselves() -> None:
    odd = {
        **CALL,
        "agentId": "agent-7",
        "startTime": "whenever",
        "context": "none",
        "extractors": [3, {"name": "x", "value": ["y"]}],
    }
    call = parse_call(odd)
    assert call.agent_id == "agent-7"  # kept as the text sent
    assert call.start_time is None
    assert call.raw["startTime"] == "whenever"
    assert call.context == {}
    assert call.extractors == (Extractor(name="x", value=("y",)),)
    assert call.id == uuid.UUID(CALL_ID)
    assert call.status is CallStatus.COMPLETED
    assert parse_call(["not", "an", "object"]).id is None


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"status": "ON_HOLD", "type": "SIDEWAYS"},  # open enums: the server's strings
        {"duration": True, "phone": 5, "summary": None, "recorded": "yes"},  # odd JSON types
        {"startTime": "2024-07-30T14:35:00", "created": "2024-07-30T14:45:00+02:00"},
        {"extractors": [{"name": 5, "value": ["a"]}, {"name": "one", "value": "bare"}]},
        {"classifiers": [{"name": "x", "value": 3, "type": "PRIMARY"}, {"name": "y"}]},
        {"classifiers": [{"name": "x", "value": "v", "type": "TERTIARY"}]},
    ],
)
def test_a_page_item_read_from_its_model_is_the_call_read_from_its_document(
    changes: dict[str, object],
) -> None:
    # calls.list builds each Call from the generated model of its page (with shortcuts for
    # the values that model read cleanly); the result is the Call of the document itself.
    document = {**CALL, **changes}
    from_model = call_from_model(CallResponse.from_dict(document), document)
    from_document = parse_call(document)
    assert from_model == from_document
    for field in attrs.fields(Call):
        assert type(getattr(from_model, field.name)) is type(getattr(from_document, field.name))
    assert from_model.raw == document


def test_an_agent_is_typed_and_says_whether_it_is_outbound() -> None:
    agent = parse_agent(
        {
            "id": AGENT_ID,
            "name": "Sales",
            "type": "OUTBOUND",
            "active": True,
            "configuration": {"extractors": []},
        }
    )
    assert agent.is_outbound
    assert agent.active is True
    assert agent.name == "Sales"
    assert agent.configuration is not UNSET
    assert Agent.from_document({"type": "INBOUND"}).is_outbound is False
    assert Agent.from_document({"type": "outbound?"}).type_ == "outbound?"
    assert "Sales" in repr(agent)


ENTRIES = [
    {"action": "RING", "time": "2024-07-30T14:35:00Z", "actor": "UNKNOWN"},
    {"action": "ANSWER", "time": "2024-07-30T14:35:03Z", "actor": "HUMAN"},
    {
        "action": "AGENT_SPEAK",
        "time": "2024-07-30T14:35:04Z",
        "actor": "AGENT",
        "message": "Hello, this is Volubile.",
    },
    {"action": "HUMAN_SPEAK", "time": "2024-07-30T14:35:07Z", "actor": "HUMAN", "message": "Hi."},
    {"action": "HANG_UP", "time": "2024-07-30T14:36:00Z", "actor": "HUMAN"},
]


def test_a_transcript_is_a_sequence_of_typed_entries_and_reads_like_a_conversation() -> None:
    transcript = parse_transcript(ENTRIES)
    assert isinstance(transcript, Transcript)
    assert len(transcript) == 5
    assert transcript[2].action is TranscriptAction.AGENT_SPEAK
    assert transcript[2].actor is TranscriptActor.AGENT
    assert transcript[2].time == datetime.datetime(2024, 7, 30, 14, 35, 4, tzinfo=UTC)
    assert [entry.message for entry in transcript][2:4] == ["Hello, this is Volubile.", "Hi."]
    assert str(transcript) == (
        "14:35:00  (ring)\n"
        "14:35:03  (answer)\n"
        "14:35:04  Agent: Hello, this is Volubile.\n"
        "14:35:07  Human: Hi.\n"
        "14:36:00  (hang up)"
    )


def test_a_transcript_sent_as_one_object_is_a_sequence_of_one() -> None:
    transcript = parse_transcript(ENTRIES[2])
    assert len(transcript) == 1
    assert transcript[0].message == "Hello, this is Volubile."
    assert transcript.raw == ENTRIES[2]


@pytest.mark.parametrize("document", [[], None, "text", [1, "x"]])
def test_a_transcript_with_nothing_readable_is_empty(document: object) -> None:
    assert list(parse_transcript(document)) == []


def test_the_statuses_retry_on_knows_are_the_spec_tables_not_a_hand_list() -> None:
    from volubile_api import _spec
    from volubile_ext.campaigns._campaign_input import CALL_STATUSES

    assert CALL_STATUSES is _spec.CallResponse.status.enum
    assert tuple(CallStatus) == tuple(CallStatus(value) for value in sorted(CALL_STATUSES))
