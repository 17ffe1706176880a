"""The create body goes through the generated model: ``_wire.campaign_request_model``.

Its recipients take a fast path (``# perf:`` in ``_wire``): these tests prove the bytes it
writes are those of the generated ``CreateCampaignRequest`` built the slow way, from the same
body, for every shape of request.
"""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import attrs
import httpx
import httpx._content as httpx_content
import pytest

from volubile_api import types as generated_types
from volubile_api.api.campaigns import create
from volubile_api.models import CreateCampaignRequest
from volubile_ext import ClientValidationError, Recipient, RetrySettings, load_recipients
from volubile_ext import _wire as wire
from volubile_ext._wire import campaign_request_model, encode_json, encoded_json_of
from volubile_ext.campaigns._bulk import chunk_fingerprints
from volubile_ext.campaigns._campaign_input import (
    CampaignRequest,
    build_campaign_request,
    count_recipients,
    plain_recipients_of,
    recipient_phones,
    request_to_send,
)
from volubile_ext.campaigns._planning import creation_warnings, plan_request
from volubile_ext.campaigns._prepare import prepare_create

BASE: dict[str, Any] = {
    "name": "Renewals",
    "agent_id": "3f1c2a9e-8d4b-4c6a-9e2f-1a2b3c4d5e6f",
    "start_date": "2026-12-01",
    "time_slots": ["9:00-15:00", "16:00-18:30"],
    "batch_size": 200,
    "days": "weekdays",
}
RECIPIENTS = [
    {"phone": "+33612345678", "context": {"firstName": "Ana", "age": 41, "vip": True}},
    {"phone": "+33698765432", "context": {"order": {"id": "5HZ", "lines": [1, 2]}}},
    "+33611223344",
]


def generated_bytes(request: CampaignRequest) -> bytes:
    """The body as the generated model writes it, every recipient a generated model."""
    model = CreateCampaignRequest.from_dict(request.to_json())
    return json.dumps(model.to_dict()).encode()


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"recipients": RECIPIENTS},
        {"recipients": RECIPIENTS, "timezone": "Europe/Paris"},
        {"recipients": RECIPIENTS, "retry": RetrySettings(max=2, delay=4, retry_on=["NO_ANSWER"])},
        {"timezone": "Europe/Paris", "retry": {"max": 0}},
        {
            "recipients": [{"phone": f"+3361{index:07d}"} for index in range(1000)],
            "timezone": "America/Cayenne",
            "retry": {"max": 1, "delay": 2, "retry_on": "VOICE_BOX"},
        },
        {
            "recipients": [
                {"phone": f"+3361{index:07d}", "context": {"firstName": f"Ana{index}"}}
                for index in range(1000)
            ],
        },
        {
            # Plain recipients whose keys come context first, and an empty context (left out).
            "recipients": [
                {"context": {"firstName": "Ana", "city": "Sète"}, "phone": "+33612345678"},
                {"phone": "+33698765432", "context": {}},
            ],
        },
    ],
    ids=[
        "minimal",
        "recipients",
        "recipients+timezone",
        "recipients+retry",
        "no-recipients",
        "1000",
        "1000-plain",
        "plain-reordered-and-empty",
    ],
)
def test_the_fast_body_is_the_generated_models_body(extra: dict[str, Any]) -> None:
    request = build_campaign_request(**BASE, **extra)
    model = campaign_request_model(request)
    assert isinstance(model, CreateCampaignRequest)
    assert json.dumps(model.to_dict()).encode() == generated_bytes(request)


def test_the_model_carries_the_checked_values() -> None:
    request = build_campaign_request(**BASE, recipients=RECIPIENTS, timezone="Europe/Paris")
    model = campaign_request_model(request)
    assert model.name == "Renewals"
    assert str(model.agent_id) == BASE["agent_id"]
    assert model.batch_size == 200
    assert [slot.start_time for slot in model.time_slots] == ["09:00", "16:00"]
    assert model.timezone == "Europe/Paris"
    assert len(model.to_dict()["recipients"]) == 3


def test_the_wire_body_is_to_json_s_document_and_leaves_the_request_as_it_was(
    tmp_path: Path,
) -> None:
    # wire_json shares the recipients' flat contexts instead of copying them (perf): the same
    # document for every kind of recipient, and to_json still gives copies.
    path = tmp_path / "people.csv"
    path.write_text("phone,firstName\n+33611111111,Zoe\n+33622222222,\n", encoding="utf-8")
    for recipients in (
        RECIPIENTS,
        [{"phone": "+33612345678", "context": {"firstName": "Ana"}}, "+33698765432"],
        load_recipients(path),
    ):
        request = build_campaign_request(**BASE, recipients=recipients)
        assert request.wire_json() == request.to_json()
        assert json.dumps(request.wire_json()) == json.dumps(request.to_json())
    request = build_campaign_request(**BASE, recipients=RECIPIENTS[:1])
    request.to_json()["recipients"][0]["context"]["firstName"] = "Bob"
    assert request.recipients is not None
    assert request.recipients[0].context["firstName"] == "Ana"


# --- a create's body sent as bytes (issue 14: the recipients encoded when they are checked) ---


class Key(str):
    """A str subclass with a repr of its own, as a StrEnum member is."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Key({str(self)!r})"


def people(count: int) -> list[dict[str, Any]]:
    return [
        {"phone": f"+3361{index:07d}", "context": {"firstName": f"Ana{index}", "city": "Lyon"}}
        for index in range(count)
    ]


# Recipient lists of every shape; those of WIRE_FORM are kept as the JSON the body sends.
SHAPES: dict[str, list[Any]] = {
    "plain": people(3),
    "1000": people(1000),
    "non-ascii": [
        {"phone": "+33612345678", "context": {"prénom": "Zoë", "ville": "Sète 🌊"}},
        {"phone": "+33698765432", "context": {"note": '\u2028"\\\t\x00\x7f', "日本": "東京"}},
    ],
    "top-level-key-subclass": [{Key("phone"): "+33612345678", "context": {"firstName": "Ana"}}],
    "context-first": [
        {"context": {"firstName": "Ana"}, "phone": "+33612345678"},
        {"phone": "+33698765432", "context": {"firstName": "Léa"}},
    ],
    "empty-context": [
        {"phone": "+33612345678", "context": {}},
        {"phone": "+33698765432", "context": {"firstName": "Léa"}},
    ],
    "context-key-subclass": [{"phone": "+33612345678", "context": {Key("firstName"): "Ana"}}],
    "context-value-subclass": [{"phone": "+33612345678", "context": {"firstName": Key("Ana")}}],
    "mixed": [
        Recipient("+33612345678", {"firstName": "Ana"}),
        "+33698765432",
        {"phone": "+33611223344", "context": {"order": {"id": "5HZ", "lines": [1, 2]}}},
    ],
}
WIRE_FORM = frozenset({"plain", "1000", "non-ascii", "top-level-key-subclass"})
EXTRAS: dict[str, dict[str, Any]] = {
    "bare": {},
    "retry+timezone": {
        "timezone": "Europe/Paris",
        "retry": {"max": 2, "delay": 4, "retry_on": ["NO_ANSWER"]},
    },
}


def json_bytes(document: Any) -> bytes:
    """What httpx's ``json=`` sends for ``document``."""
    return httpx.Request("POST", "http://127.0.0.1/", json=document).content


def sent_bytes(request: CampaignRequest) -> bytes:
    """What the create endpoint sends for ``request`` (its _get_kwargs, then httpx)."""
    kwargs = create._get_kwargs(body=campaign_request_model(request))
    sent = httpx.Request(
        "POST",
        "http://127.0.0.1/",
        json=kwargs.get("json"),
        content=kwargs.get("content"),
        headers=kwargs["headers"],
    )
    assert sent.headers["Content-Length"] == str(len(sent.content))
    assert sent.headers["Content-Type"] == "application/json"
    return sent.content


def expected_bytes(recipients: list[Any], **extra: Any) -> bytes:
    """The body the generated model writes, every recipient a generated model, sent by json=."""
    reference = build_campaign_request(**BASE, **extra, recipients=copy.deepcopy(recipients))
    return json_bytes(CreateCampaignRequest.from_dict(reference.to_json()).to_dict())


def encoded(request: CampaignRequest) -> bool:
    plain = plain_recipients_of(request)
    return plain is not None and plain.wire_bytes is not None


@pytest.mark.parametrize("extra", EXTRAS.values(), ids=EXTRAS.keys())
@pytest.mark.parametrize("shape", SHAPES)
def test_a_create_sends_the_bytes_json_sends_for_the_generated_model(
    shape: str, extra: dict[str, Any]
) -> None:
    recipients = copy.deepcopy(SHAPES[shape])
    request = request_to_send({**BASE, **extra, "recipients": recipients}, {})
    assert encoded(request) is (shape in WIRE_FORM)
    assert sent_bytes(request) == expected_bytes(SHAPES[shape], **extra)
    # The same bytes every time the body is written (a retry builds the arguments again).
    model = campaign_request_model(request)
    assert encoded_json_of(model) is encoded_json_of(model)


@pytest.mark.parametrize("shape", SHAPES)
def test_a_request_checked_for_sending_is_the_request_build_campaign_request_makes(
    shape: str,
) -> None:
    sent = request_to_send({**BASE, "recipients": copy.deepcopy(SHAPES[shape])}, {})
    built = build_campaign_request(**BASE, recipients=copy.deepcopy(SHAPES[shape]))
    # Read before the recipients are: what a create reads, without making Recipients.
    assert count_recipients(sent) == count_recipients(built)
    assert recipient_phones(sent) == recipient_phones(built)
    assert creation_warnings(sent) == creation_warnings(built)
    assert sent.wire_json() == built.wire_json()
    assert json.dumps(sent.to_json()) == json.dumps(built.to_json())
    assert plan_request(sent, count_recipients(sent)) == plan_request(
        built, count_recipients(built)
    )
    assert pickle.loads(pickle.dumps(sent)) == built
    assert copy.deepcopy(sent) == built
    assert attrs.evolve(sent, name="Other") == attrs.evolve(built, name="Other")
    assert attrs.asdict(sent) == attrs.asdict(built)
    assert sent == built
    assert hash(sent) == hash(built)
    assert repr(sent) == repr(built)
    assert sent.recipients is not None
    assert built.recipients is not None
    assert [[type(key) for key in r.context] for r in sent.recipients] == [
        [type(key) for key in r.context] for r in built.recipients
    ]


def test_what_the_caller_changes_after_the_check_is_never_sent() -> None:
    listed = people(5)
    expected = expected_bytes(listed)
    request = request_to_send({**BASE, "recipients": listed}, {})
    assert encoded(request)
    listed[0]["context"]["firstName"] = "Bob"
    listed[1]["phone"] = "+33699999999"
    del listed[2]["context"]["city"]
    listed.append({"phone": "+33688888888", "context": {"firstName": "Eve"}})
    assert sent_bytes(request) == expected
    assert request.recipients is not None
    assert [r.context["firstName"] for r in request.recipients] == [f"Ana{i}" for i in range(5)]
    assert request.recipients[1].phone == "+33610000001"


def test_encode_json_writes_what_the_installed_httpx_sends() -> None:
    for document in (
        {"a": [1, -2.5, 10**20, None, True, False, {}, []], "é": 'Sète 🌊 \u2028 \x00 "\\'},
        [{"phone": "+33612345678", "context": {"日本": "東京"}}],
        "text",
    ):
        assert encode_json(document) == json_bytes(document)


def test_without_a_known_encoding_of_httpx_the_body_is_sent_by_json_as_before() -> None:
    # An httpx that encodes json= some other way: nothing is encoded ahead, json= sends it.
    known = generated_types._HTTPX_JSON_OPTIONS
    generated_types._HTTPX_JSON_OPTIONS = ()
    generated_types._httpx_json_options.cache_clear()
    try:
        request = request_to_send({**BASE, "recipients": people(3)}, {})
        assert not encoded(request)
        assert encoded_json_of(campaign_request_model(request)) is None
        assert sent_bytes(request) == expected_bytes(people(3))
    finally:
        generated_types._HTTPX_JSON_OPTIONS = known
        generated_types._httpx_json_options.cache_clear()


def test_a_field_whose_text_is_the_recipients_marker_is_sent_by_json() -> None:
    # The recipients' place in the encoded body is found by a marker text: a name that is
    # that text makes it appear twice, and the body is then sent the usual way, still exact.
    arguments = {**BASE, "name": "\0recipients\0", "recipients": people(2)}
    request = request_to_send(arguments, {})
    assert encoded(request)
    assert encoded_json_of(campaign_request_model(request)) is None
    expected = build_campaign_request(**{**arguments, "recipients": people(2)})
    assert sent_bytes(request) == json_bytes(
        CreateCampaignRequest.from_dict(expected.to_json()).to_dict()
    )


def test_chunks_checked_for_sending_hold_their_own_bytes_and_fingerprints() -> None:
    # create_many encodes each chunk's recipients once, in the one check of the whole list;
    # the journal's fingerprints read the same documents (journals written before still match).
    listed = people(2500)
    fast = prepare_create(**BASE, recipients=listed, chunk_size=1000)
    slow = prepare_create(
        **BASE, recipients=[Recipient(p["phone"], p["context"]) for p in listed], chunk_size=1000
    )
    assert all(encoded(chunk.request) for chunk in fast.chunks)
    assert [sent_bytes(c.request) for c in fast.chunks] == [
        sent_bytes(c.request) for c in slow.chunks
    ]
    assert chunk_fingerprints(list(fast.chunks)) == chunk_fingerprints(list(slow.chunks))


@pytest.mark.parametrize(
    "context",
    [{"firstName": "Ana\ud800"}, {"first\udfffName": "Ana"}],
    ids=["value", "key"],
)
def test_a_lone_surrogate_is_refused_as_before_when_the_recipients_are_encoded(
    context: dict[str, str],
) -> None:
    listed = [*people(2), {"phone": "+33612345678", "context": context}]
    with pytest.raises(ClientValidationError) as sent:
        request_to_send({**BASE, "recipients": copy.deepcopy(listed)}, {})
    with pytest.raises(ClientValidationError) as built:
        build_campaign_request(**BASE, recipients=listed)
    assert sent.value.errors == built.value.errors
    assert sent.value.errors[0].field.startswith("recipients[2].context")


def _forget_the_encoding() -> None:
    generated_types._httpx_json_options.cache_clear()
    wire.json_separators.cache_clear()
    wire.refuses_lone_surrogates.cache_clear()


def test_an_httpx_that_encodes_json_with_spaces_and_escapes_gets_its_own_bytes() -> None:
    # httpx 0.27 sent json.dumps' defaults (", ", ": ", ASCII escapes): what is encoded ahead
    # follows the installed httpx, and a lone surrogate, which that encoding lets through, is
    # still refused by the check.
    def encode_json_as_0_27(document: Any) -> tuple[dict[str, str], httpx.ByteStream]:
        body = json.dumps(document).encode("utf-8")
        headers = {"Content-Length": str(len(body)), "Content-Type": "application/json"}
        return headers, httpx.ByteStream(body)

    known = httpx_content.encode_json
    httpx_content.encode_json = encode_json_as_0_27  # type: ignore[assignment]
    _forget_the_encoding()
    try:
        listed = SHAPES["non-ascii"]
        request = request_to_send({**BASE, "recipients": copy.deepcopy(listed)}, {})
        assert encoded(request)
        assert b'", "context": {"' in sent_bytes(request)
        assert sent_bytes(request) == expected_bytes(listed)
        assert not wire.refuses_lone_surrogates()
        with pytest.raises(ClientValidationError) as caught:
            request_to_send(
                {**BASE, "recipients": [{"phone": "+33612345678", "context": {"a": "\ud800"}}]},
                {},
            )
        assert caught.value.errors[0].field == "recipients[0].context.a"
    finally:
        httpx_content.encode_json = known
        _forget_the_encoding()
