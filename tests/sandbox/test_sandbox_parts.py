"""The sandbox's building blocks on their own: tokens, the fixed window, storage, redaction,
and the public surface of volubile_ext.testing."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from volubile_ext import testing
from volubile_ext.testing._api import format_timestamp
from volubile_ext.testing._faults import matches_path
from volubile_ext.testing._log import parse_body, redact_headers, redact_query
from volubile_ext.testing._ratelimit import FixedWindowLimiter, RateDecision
from volubile_ext.testing._sandbox import _url
from volubile_ext.testing._store import CampaignStore
from volubile_ext.testing._tokens import TokenError, TokenSigner


class FakeClock:
    def __init__(self, now: float = 1_900_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- public surface --------------------------------------------------------------------------


def test_the_public_names_are_pinned_and_sorted() -> None:
    assert testing.__all__ == [
        "CampaignProgress",
        "Delay",
        "DropConnection",
        "ErrorStatus",
        "Fault",
        "Injection",
        "NonJSONBody",
        "RequestRecord",
        "Sandbox",
        "SandboxClock",
        "Simulation",
        "SimulationOptions",
        "SimulationStuck",
        "StoredAgent",
        "StoredCall",
        "StoredCampaign",
        "UnknownValues",
        "Webhook",
        "WebhookAttempt",
        "WebhookDelivery",
    ]
    assert testing.__all__ == sorted(testing.__all__)
    for name in testing.__all__:
        assert getattr(testing, name).__doc__


def test_importing_volubile_ext_does_not_load_the_sandbox() -> None:
    probe = "import sys, volubile_ext; print('volubile_ext.testing' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "False"


def test_the_module_docstring_example_runs_as_a_test_file(tmp_path: Path) -> None:
    doc = testing.__doc__ or ""
    example = textwrap.dedent(doc.split("::\n", 1)[1].split("\nFaults (", 1)[0])
    test_file = tmp_path / "test_users_example.py"
    test_file.write_text(example, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


# --- tokens ----------------------------------------------------------------------------------


def test_a_token_round_trips_and_carries_its_claims() -> None:
    clock = FakeClock()
    signer = TokenSigner(clock)
    claims = signer.verify(signer.mint("account", ["b:write", "a:read", "a:read"], 30))
    assert claims.subject == "account"
    assert claims.scopes == {"a:read", "b:write"}
    assert (claims.issued_at, claims.expires_at) == (1_900_000_000, 1_900_000_030)


def test_tokens_are_unique_even_in_the_same_second() -> None:
    signer = TokenSigner(FakeClock())
    assert signer.mint("a", ["x"], 5) != signer.mint("a", ["x"], 5)


def test_expiry_is_exact_to_the_second() -> None:
    clock = FakeClock()
    signer = TokenSigner(clock)
    token = signer.mint("a", ["x"], 10)
    clock.now += 9.999
    signer.verify(token)
    clock.now += 0.001
    with pytest.raises(TokenError, match="expired"):
        signer.verify(token)


def test_a_token_signed_with_a_retired_secret_reads_as_expired_for_a_while() -> None:
    signer = TokenSigner(FakeClock())
    token = signer.mint("a", ["x"], 900)
    signer.expire_all()
    with pytest.raises(TokenError, match="expired"):
        signer.verify(token)
    for _ in range(16):
        signer.expire_all()
    with pytest.raises(TokenError, match="bad signature"):
        signer.verify(token)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda h, p, s: f"{h}.{p}", "not a JWT"),
        (lambda h, p, s: f"{h}.{p}.{s}.x", "not a JWT"),
        (lambda h, p, s: f"{h}.{p}.{s[:-4]}", "bad signature"),
        (lambda h, p, s: f"{h}.{p}.{'B' if s[0] == 'A' else 'A'}{s[1:]}", "bad signature"),
        (lambda h, p, s: f"{h}.{p}x.{s}", "not a JWT"),
        (lambda h, p, s: f"{h}.{p}.", "not a JWT"),
        (lambda h, p, s: f"{_b64({'alg': 'HS512'})}.{p}.{s}", "unsupported algorithm"),
        (lambda h, p, s: f"{_b64(['alg'])}.{p}.{s}", "unsupported algorithm"),
    ],
)
def test_malformed_and_tampered_tokens_are_refused(mutate: object, reason: str) -> None:
    signer = TokenSigner(FakeClock())
    header, payload, signature = signer.mint("a", ["x"], 60).split(".")
    with pytest.raises(TokenError, match=reason) as refused:
        signer.verify(mutate(header, payload, signature))  # type: ignore[operator]
    assert signature not in str(refused.value)


def _b64(document: object) -> str:
    raw = json.dumps(document).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- fixed window ----------------------------------------------------------------------------


def test_the_window_opens_with_traffic_and_refusals_are_not_counted() -> None:
    clock = FakeClock(100.0)
    limiter = FixedWindowLimiter(2, 10.0, clock)
    assert limiter.peek() == RateDecision(True, 2, 2)
    assert limiter.acquire() == RateDecision(True, 2, 1)
    clock.now = 105.0
    assert limiter.acquire() == RateDecision(True, 2, 0)
    clock.now = 109.01
    assert limiter.acquire() == RateDecision(False, 2, 0, 1)  # 0.99 s rounds up to 1
    assert limiter.peek() == RateDecision(True, 2, 0)
    clock.now = 110.0  # the window opened at 100.0 has closed
    assert limiter.peek() == RateDecision(True, 2, 2)
    assert limiter.acquire() == RateDecision(True, 2, 1)


def test_retry_after_is_whole_seconds_rounded_up() -> None:
    clock = FakeClock(0.0)
    limiter = FixedWindowLimiter(1, 15.0, clock)
    limiter.acquire()
    clock.now = 0.4
    refused = limiter.acquire()
    assert refused.retry_after == 15  # 14.6 s
    assert refused.headers() == {
        "X-RateLimit-Limit": "1",
        "X-RateLimit-Remaining": "0",
        "Retry-After": "15",
    }


# --- storage ---------------------------------------------------------------------------------


def test_the_store_keeps_creation_order_and_status_changes(tmp_path: Path) -> None:
    store = CampaignStore(tmp_path / "store.db")
    first = store.create({"name": "a"}, now=1.0)
    second = store.create({"name": "b", "recipients": [{"phone": "+33612345678"}]}, now=2.0)
    paused = store.set_status(first.id, "PAUSED", now=3.0)
    assert (paused.status, paused.created_at, paused.updated_at) == ("PAUSED", 1.0, 3.0)
    assert [campaign.id for campaign in store.all()] == [first.id, second.id]
    assert store.get(second.id) == second
    assert store.get("missing") is None
    assert repr(second) == (
        f"StoredCampaign(id={second.id!r}, status='ACTIVE', name='b', recipients=1)"
    )
    with pytest.raises(KeyError):
        store.set_status("missing", "PAUSED", now=4.0)


def test_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "store.db"
    CampaignStore(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(ValueError, match="schema version 99"):
        CampaignStore(path)


# --- redaction and formats -------------------------------------------------------------------


def test_credentials_headers_are_redacted_and_names_lower_cased() -> None:
    headers = redact_headers(
        [
            ("X-Api-Key", "vsb_secret"),
            ("Authorization", "Bearer eyJ.secret.sig"),
            ("Proxy-Authorization", "Basic c2VjcmV0"),
            ("Cookie", "a=secret"),
            ("Accept", "application/json"),
            ("X-Trace", "1"),
            ("x-trace", "2"),
        ]
    )
    assert headers == {
        "x-api-key": "[redacted]",
        "authorization": "Bearer [redacted]",
        "proxy-authorization": "Basic [redacted]",
        "cookie": "[redacted]",
        "accept": "application/json",
        "x-trace": "1, 2",
    }
    assert redact_headers([("Authorization", "opaque")]) == {"authorization": "[redacted]"}


def test_secret_looking_query_parameters_are_redacted() -> None:
    assert redact_query("") == ""
    assert redact_query("page=2&api_key=abc&accessToken=xyz&x=") == (
        "page=2&api_key=%5Bredacted%5D&accessToken=%5Bredacted%5D&x="
    )


def test_a_body_is_json_when_it_parses_and_bytes_otherwise() -> None:
    assert parse_body(b"") == b""
    assert parse_body(b'"PAUSED"') == "PAUSED"
    assert parse_body(b"{oops") == b"{oops"
    assert parse_body(b"\xff") == b"\xff"


def test_error_timestamps_use_the_api_format() -> None:
    assert format_timestamp(1_722_350_100.0456) == "2024-07-30T14:35:00.045Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", format_timestamp(0.0))


def test_path_matchers_are_exact_strings_or_whole_patterns() -> None:
    assert matches_path(None, "/anything")
    assert matches_path("/v1/campaigns", "/v1/campaigns")
    assert not matches_path("/v1/campaigns", "/v1/campaigns/1")
    pattern = re.compile(r"/v1/campaigns/[^/]+")
    assert matches_path(pattern, "/v1/campaigns/1")
    assert not matches_path(pattern, "/v1/campaigns/1/status")  # fullmatch, not search


def test_the_url_names_an_address_a_client_can_connect_to() -> None:
    assert _url("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert _url("localhost", 8080) == "http://localhost:8080"
    # A wildcard address is where the server listens, not where a client connects.
    assert _url("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert _url("::", 8080) == "http://[::1]:8080"
    assert _url("::1", 8080) == "http://[::1]:8080"
