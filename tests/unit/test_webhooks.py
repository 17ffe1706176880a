"""Webhooks on their own: the signature scheme, verify_webhook and parse_webhook (no sockets)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.webhook_harness import (
    OLD_SECRET,
    REFERENCE_CALL,
    SECRET,
    WEBHOOK_PAGE_CALL,
    WEBHOOK_SIGNATURE_HEADER,
    call_body,
)
from volubile_ext import (
    Call,
    CallStatus,
    WebhookError,
    WebhookPayloadError,
    WebhookVerificationError,
    parse_webhook,
    sign_webhook,
    verify_webhook,
)
from volubile_ext.webhooks._payload import normalise_call_document, read_call_document
from volubile_ext.webhooks._signature import SigningKeys

BODY = json.dumps({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "status": "COMPLETED"}).encode()


def signed(body: bytes = BODY, secret: str = SECRET) -> dict[str, str]:
    return {WEBHOOK_SIGNATURE_HEADER: sign_webhook(body, secret)}


def refused(body: bytes, headers: object, secrets: object = SECRET) -> WebhookVerificationError:
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(body, headers, secrets)  # type: ignore[arg-type]
    return caught.value


# --- the scheme -----------------------------------------------------------------------------


def test_the_signature_is_the_lowercase_hex_hmac_sha256_of_the_raw_body() -> None:
    # RFC 4231, test case 2: an HMAC-SHA256 vector computed by nobody's code here.
    assert sign_webhook(b"what do ya want for nothing?", "Jefe") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    assert sign_webhook(BODY, SECRET) == hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()


def test_the_algorithm_is_an_explicit_parameter() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha512).hexdigest()
    assert sign_webhook(BODY, SECRET, algorithm="sha512") == expected
    verify_webhook(BODY, {WEBHOOK_SIGNATURE_HEADER: expected}, SECRET, algorithm="sha512")
    # A SHA-256 receiver does not take a SHA-512 signature (its length says it is not one).
    assert refused(BODY, {WEBHOOK_SIGNATURE_HEADER: expected}).reason == "malformed"
    with pytest.raises(ValueError, match="algorithm must be one of 'sha256'"):
        sign_webhook(BODY, SECRET, algorithm="md5")  # type: ignore[arg-type]


def test_a_str_secret_is_its_utf8_bytes_without_surrounding_whitespace() -> None:
    assert sign_webhook(BODY, f"  {SECRET}\n") == sign_webhook(BODY, SECRET.encode())
    assert sign_webhook(BODY, "clé") == hmac.new("clé".encode(), BODY, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("secret", ["", " \n", b"", []])
def test_an_empty_secret_is_refused(secret: object) -> None:
    with pytest.raises(ValueError, match="empty"):
        verify_webhook(BODY, signed(), secret)  # type: ignore[arg-type]


def test_a_secret_of_another_type_is_refused_without_showing_it() -> None:
    with pytest.raises(TypeError, match="secret #2 must be a str or bytes, not int") as caught:
        verify_webhook(BODY, signed(), [SECRET, 12345])  # type: ignore[list-item]
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("body", ['{"id": 1}', None, 12])
def test_only_raw_bytes_are_verified(body: object) -> None:
    with pytest.raises(TypeError, match=r"raw bytes|as bytes"):
        verify_webhook(body, signed(), SECRET)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"raw bytes|as bytes"):
        sign_webhook(body, SECRET)  # type: ignore[arg-type]


def test_bytearray_and_memoryview_bodies_are_bytes_too() -> None:
    verify_webhook(bytearray(BODY), signed(), SECRET)
    verify_webhook(memoryview(BODY), signed(), SECRET)


# Secrets as _key reads them: not empty once whitespace and a byte-order mark are removed.
SECRETS = st.text(min_size=1).filter(lambda text: text.strip().removeprefix("\ufeff").strip())


@given(body=st.binary(max_size=512), secret=SECRETS, at=st.integers())
def test_any_change_to_the_body_is_a_mismatch(body: bytes, secret: str, at: int) -> None:
    headers = {WEBHOOK_SIGNATURE_HEADER: sign_webhook(body, secret)}
    verify_webhook(body, headers, secret)
    changed = bytearray(body or b"\x00")
    changed[at % len(changed)] ^= 0x01
    for other in (bytes(changed), body + b" ", body[:-1] if body else b" "):
        with pytest.raises(WebhookVerificationError):
            verify_webhook(other, headers, secret)


# --- verify_webhook -------------------------------------------------------------------------


def test_a_correct_signature_verifies() -> None:
    assert verify_webhook(BODY, signed(), SECRET) is None


def test_a_wrong_signature_is_refused() -> None:
    error = refused(BODY, signed(secret="another-secret-entirely"))
    assert error.reason == "mismatch"
    assert isinstance(error, WebhookError)


def test_a_missing_signature_is_refused() -> None:
    error = refused(BODY, {"Content-Type": "application/json"})
    assert error.reason == "missing"
    assert WEBHOOK_SIGNATURE_HEADER in str(error)


def test_a_replayed_body_with_another_signature_is_refused() -> None:
    other = json.dumps({"id": "00000000-0000-4000-8000-000000000000"}).encode()
    # A genuine signature, but of another genuine body.
    assert refused(BODY, signed(other)).reason == "mismatch"


def test_a_truncated_body_is_refused() -> None:
    assert refused(BODY[:-1], signed()).reason == "mismatch"


def test_a_body_serialised_again_is_refused() -> None:
    # The same JSON document in other bytes: what a receiver that verifies json.dumps(parsed)
    # instead of the raw body would check.
    again = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
    assert json.loads(again) == json.loads(BODY)
    assert again != BODY
    assert refused(again, signed()).reason == "mismatch"


def test_any_secret_of_a_rotation_verifies() -> None:
    verify_webhook(BODY, signed(secret=OLD_SECRET), [SECRET, OLD_SECRET])
    verify_webhook(BODY, signed(secret=SECRET), (s for s in [SECRET, OLD_SECRET]))
    error = refused(BODY, signed(secret="retired-secret-000"), [SECRET, OLD_SECRET])
    assert error.reason == "mismatch"
    assert "any of the 2 secrets" in str(error)


@pytest.mark.parametrize(
    "name",
    ["x-webhook-signature", "X-WEBHOOK-SIGNATURE", "X-Webhook-Signature", "x-WeBhOoK-sIgNaTuRe"],
)
def test_the_header_name_is_case_insensitive(name: str) -> None:
    value = sign_webhook(BODY, SECRET)
    verify_webhook(BODY, {name: value}, SECRET)
    verify_webhook(BODY, [(name.encode(), value.encode())], SECRET)


def test_uppercase_hex_a_prefix_and_surrounding_whitespace_are_accepted() -> None:
    value = sign_webhook(BODY, SECRET)
    for shown in [value.upper(), f"sha256={value}", f"SHA256={value.upper()}", f" {value}\t"]:
        verify_webhook(BODY, {WEBHOOK_SIGNATURE_HEADER: shown}, SECRET)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not-a-signature",
        "ab" * 31,  # one byte short
        "ab" * 33,
        "zz" * 32,
        "ab cd" + "ab" * 30,  # bytes.fromhex would skip the space
        "sha1=" + "ab" * 32,  # another algorithm named
        "=" + "ab" * 32,
        "\uff10" * 64,  # fullwidth digits are digits to str.isdigit, not hexadecimal
    ],
)
def test_a_malformed_signature_is_refused(value: str) -> None:
    assert refused(BODY, {WEBHOOK_SIGNATURE_HEADER: value}).reason == "malformed"


def test_a_duplicated_signature_header_is_refused_even_when_one_is_right() -> None:
    good, bad = sign_webhook(BODY, SECRET), sign_webhook(BODY, "not-the-secret")
    for pairs in ([good, bad], [bad, good], [good, good]):
        headers = [(WEBHOOK_SIGNATURE_HEADER, value) for value in pairs]
        assert refused(BODY, headers).reason == "duplicated"
    # Names differing in case only, in one dict.
    assert refused(BODY, {"x-webhook-signature": good, "X-Webhook-Signature": good}).reason == (
        "duplicated"
    )
    # What proxies and frameworks make of repeated headers: one value, joined by commas.
    assert refused(BODY, {WEBHOOK_SIGNATURE_HEADER: f"{good}, {bad}"}).reason == "duplicated"
    # httpx.Headers joins them in items(); its multi_items keeps them apart.
    assert refused(BODY, httpx.Headers(headers)).reason == "duplicated"


def test_headers_objects_of_the_standard_library_and_httpx_are_read() -> None:
    from email.message import Message

    message = Message()
    message["X-Webhook-Signature"] = sign_webhook(BODY, SECRET)
    verify_webhook(BODY, message, SECRET)
    verify_webhook(BODY, httpx.Headers(signed()), SECRET)


@pytest.mark.parametrize("headers", ["X-Webhook-Signature: abc", [("only-a-name",)], 42])
def test_headers_of_another_shape_are_a_type_error(headers: object) -> None:
    with pytest.raises(TypeError, match="headers must be a mapping or"):
        verify_webhook(BODY, headers, SECRET)  # type: ignore[arg-type]


def test_no_failure_shows_a_secret_or_the_expected_signature() -> None:
    expected = sign_webhook(BODY, SECRET)
    attempts = [
        {WEBHOOK_SIGNATURE_HEADER: sign_webhook(BODY, "wrong-secret-123")},
        {WEBHOOK_SIGNATURE_HEADER: "ab" * 10},
        {WEBHOOK_SIGNATURE_HEADER: "sha512=" + "ab" * 32},
        [(WEBHOOK_SIGNATURE_HEADER, "a"), (WEBHOOK_SIGNATURE_HEADER, "b")],
        {},
    ]
    for headers in attempts:
        error = refused(BODY, headers, [SECRET, OLD_SECRET])
        shown = f"{error} {error!r} {error.args}"
        for secret in (SECRET, OLD_SECRET, expected, expected.upper()):
            assert secret not in shown


def test_signing_keys_show_how_many_secrets_not_which() -> None:
    keys = SigningKeys([SECRET, OLD_SECRET])
    assert repr(keys) == "SigningKeys(<2 secrets>, 'sha256')"
    assert SECRET not in repr(keys)


# --- the body -------------------------------------------------------------------------------


def document(body: bytes, **limits: int) -> dict[str, object]:
    return read_call_document(body, **limits)


def payload_refused(body: bytes, **limits: int) -> WebhookPayloadError:
    with pytest.raises(WebhookPayloadError) as caught:
        read_call_document(body, **limits)
    return caught.value


def test_both_payload_variants_read_as_the_api_reference_writes_them() -> None:
    reference = document(json.dumps(REFERENCE_CALL).encode())
    webhook_page = document(json.dumps(WEBHOOK_PAGE_CALL).encode())
    assert reference == REFERENCE_CALL
    assert webhook_page == REFERENCE_CALL


def test_flat_system_keys_join_a_nested_system_object() -> None:
    context = {"system": {"callId": "c-1"}, "system.phone": "+33612345678", "firstName": "Ana"}
    normalised = normalise_call_document({"context": context})
    assert normalised["context"] == {
        "firstName": "Ana",
        "system": {"callId": "c-1", "phone": "+33612345678"},
    }
    assert context["system.phone"] == "+33612345678"  # the input is left as it was
    # The same value given both ways is one value.
    same = {"system": {"phone": "+33612345678"}, "system.phone": "+33612345678"}
    assert normalise_call_document({"context": same})["context"] == {
        "system": {"phone": "+33612345678"}
    }


@pytest.mark.parametrize(
    "call",
    [
        {"extractedData": {"a": "1"}, "extractorData": {"a": "2"}},
        {"classificationData": {"a": "1"}, "classifierData": {"a": "2"}},
        {"context": {"system": {"phone": "+33611111111"}, "system.phone": "+33622222222"}},
        {"context": {"system": "not an object", "system.phone": "+33622222222"}},
    ],
)
def test_both_variants_with_different_values_are_a_conflict(call: dict[str, object]) -> None:
    assert payload_refused(json.dumps(call).encode()).reason == "conflict"


def test_a_truncated_body_is_a_payload_error() -> None:
    body = json.dumps(REFERENCE_CALL).encode()
    for cut in (len(body) - 1, len(body) // 2, 1):
        error = payload_refused(body[:cut])
        assert error.reason == "not_json"
        assert "cut short" in str(error)
    assert payload_refused(b"").reason == "not_json"


@pytest.mark.parametrize(
    ("body", "reason", "says"),
    [
        (b"<html>502 Bad Gateway</html>", "not_json", "not valid JSON"),
        (b'{"id": "a"} {"id": "b"}', "not_json", "Extra data"),
        (b'{"id": "a", "status": "OK", "id": "b"}', "not_json", "'id' appears more than"),
        (b'{"context": {"x": 1, "x": 2}}', "not_json", "'x' appears more than once"),
        (b'{"duration": NaN}', "not_json", "NaN is not valid JSON"),
        (b'{"duration": ' + b"9" * 5000 + b"}", "not_json", "5000 digits"),
        (b'{"summary": "\\ud800"}', "not_json", "lone surrogate"),
        (b'{"summary": "caf\xe9"}', "not_json", "not UTF-8"),
        (b"[1, 2]", "not_an_object", "a JSON array"),
        (b'"COMPLETED"', "not_an_object", "a JSON string"),
        (b"null", "not_an_object", "a JSON null"),
    ],
)
def test_a_body_that_is_no_strict_json_object_is_refused(
    body: bytes, reason: str, says: str
) -> None:
    error = payload_refused(body)
    assert error.reason == reason
    assert says in str(error)
    assert isinstance(error, ValueError)


def test_the_body_size_is_bounded() -> None:
    body = json.dumps({**REFERENCE_CALL, "summary": "x" * 2000}).encode()
    error = payload_refused(body, max_bytes=1000)
    assert error.reason == "too_large"
    assert f"{len(body):,} bytes" in str(error)
    assert document(body, max_bytes=len(body))["summary"] == "x" * 2000
    # The default: 1 MiB.
    assert payload_refused(b" " * (1024 * 1024 + 1)).reason == "too_large"


def test_the_nesting_is_bounded_even_below_the_recursion_limit() -> None:
    nested = b'{"context": {"a": ' + b"[" * 10 + b"]" * 10 + b"}}"
    assert payload_refused(nested, max_depth=8).reason == "too_deep"
    assert document(nested, max_depth=12)["context"] == {"a": [[[[[[[[[[]]]]]]]]]]}
    # Deeper than Python's own recursion limit: refused, not a RecursionError.
    assert payload_refused(b"[" * 100_000 + b"]" * 100_000).reason == "too_deep"
    assert payload_refused(b'{"a":' * 100_000 + b"1" + b"}" * 100_000).reason == "too_deep"


def test_a_payload_error_quotes_no_more_than_a_short_key() -> None:
    key = "k" * 500
    error = payload_refused(json.dumps({key: 1})[:-1].encode() + b', "' + key.encode() + b'": 2}')
    assert len(str(error)) < 200


# --- parse_webhook --------------------------------------------------------------------------


def test_parse_webhook_gives_the_typed_call() -> None:
    body = call_body()
    call = parse_webhook(body, signed(body), SECRET)
    assert isinstance(call, Call)
    assert str(call.id) == REFERENCE_CALL["id"]
    assert call.status is CallStatus.COMPLETED
    assert call.duration == 360
    assert call.start_time == datetime.datetime(2024, 7, 30, 14, 35, tzinfo=datetime.UTC)
    assert call.extracted_data == {
        "customer": {"firstname": "John", "lastname": "Doe"},
        "example": "example1",
    }
    assert call.classification_data == {"Sentiment": "Positive"}
    assert call.context["system"] == {"phone": "+33612345678"}


def test_parse_webhook_reads_both_variants_as_one_call() -> None:
    reference, webhook_page = call_body(), call_body(WEBHOOK_PAGE_CALL)
    from_reference = parse_webhook(reference, signed(reference), SECRET)
    from_webhook_page = parse_webhook(webhook_page, signed(webhook_page), SECRET)
    assert from_webhook_page == from_reference
    assert from_webhook_page.extra == {}  # no variant name left over as an unknown field


def test_parse_webhook_verifies_before_it_parses() -> None:
    # A body that is no JSON at all, signed with another secret: the signature is what fails.
    with pytest.raises(WebhookVerificationError):
        parse_webhook(b"{not json", signed(b"{not json", "another-secret"), SECRET)
    with pytest.raises(WebhookVerificationError):
        parse_webhook(call_body(), {}, SECRET)
    with pytest.raises(WebhookPayloadError):
        parse_webhook(b"{not json", signed(b"{not json"), SECRET)


def test_parse_webhook_without_secrets_parses_unverified() -> None:
    assert parse_webhook(call_body()).status is CallStatus.COMPLETED
    with pytest.raises(TypeError, match="no headers"):
        parse_webhook(call_body(), secrets=SECRET)
    with pytest.raises(TypeError, match="raw bytes"):
        parse_webhook(call_body().decode())  # type: ignore[arg-type]


def test_parse_webhook_bounds_size_and_depth() -> None:
    body = call_body(summary="x" * 600)
    assert parse_webhook(body, max_bytes=len(body)).summary == "x" * 600
    with pytest.raises(WebhookPayloadError, match="over the limit of 500"):
        parse_webhook(body, max_bytes=500)
    with pytest.raises(WebhookPayloadError, match="deeper than 3 levels"):
        parse_webhook(call_body(), max_depth=3)
