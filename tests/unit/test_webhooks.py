"""Webhooks on their own: the signature scheme, verify_webhook and parse_webhook (no sockets)."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest

from volubile_ext import WebhookError, WebhookVerificationError, sign_webhook, verify_webhook
from volubile_ext.webhooks._signature import SigningKeys

# Written out, not imported: the header's name is the contract with the sender.
WEBHOOK_SIGNATURE_HEADER = "X-Webhook-Signature"

SECRET = "whsec-test-0123456789abcdef"
OLD_SECRET = "whsec-old-fedcba9876543210"
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
