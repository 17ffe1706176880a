"""Credentials with stray whitespace or control characters: surrounding whitespace is removed, a
control character is refused at construction, and the secret appears nowhere: not in any log
record at DEBUG (ours, httpx's, httpcore's), not in the exception, its chain or its traceback.

Before, a key read with ``open(f).read()`` (a trailing newline) reached h11, whose error
("Illegal header value b'...\\n'") httpcore logged at DEBUG and the exception chain carried.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from volubile_ext import (
    AccessToken,
    ApiKeyAuth,
    APIResponseValidationError,
    AsyncVolubile,
    BearerTokenAuth,
    MintedTokenAuth,
    NotFoundError,
    Volubile,
)
from volubile_ext.testing import NonJSONBody, Sandbox

# Two halves that must never show, apart or together; a bad character goes between them.
HEAD = "vsb_SECRET-do-not-le"
TAIL = "ak-4f9c2a7e1b"
SECRET = HEAD + TAIL
pytestmark = pytest.mark.sandbox(api_keys=[SECRET])

SURROUNDED = [
    SECRET + "\n",
    " " + SECRET,
    SECRET + "\r\n",
    "\t" + SECRET + " \n",
    "\ufeff" + SECRET,
]
# Spaces and tabs between visible characters are a legal header value, and are sent as is.
INSIDE = ["\n", "\r\n", "\r", "\x00", "\x7f", "\x1b", "\xa0", "é", "\u2028"]


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Callable[[], str]:
    """Every log record at DEBUG, from every logger, as the text a handler would write."""
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "volubile_ext", "volubile_ext.testing"):
        caplog.set_level(logging.DEBUG, logger=name)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return lambda: "\n".join(formatter.format(record) for record in caplog.records)


def chain_text(error: BaseException) -> str:
    """The traceback as printed, and the repr and args of every exception in the chain."""
    parts = ["".join(traceback.format_exception(error))]
    seen: BaseException | None = error
    while seen is not None:
        parts.extend([repr(seen), repr(seen.args)])
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def assert_secret_absent(*texts: str, secret_parts: tuple[str, ...] = (HEAD, TAIL)) -> None:
    for text in texts:
        for part in secret_parts:
            assert part not in text


def _missing() -> str:
    return str(uuid.uuid4())


# --- surrounding whitespace is removed ---------------------------------------------------------


@pytest.mark.parametrize("key", SURROUNDED)
def test_a_key_with_surrounding_whitespace_is_stripped_and_works(
    sandbox: Sandbox, logged: Callable[[], str], key: str
) -> None:
    with Volubile(key, base_url=sandbox.url) as client:
        with pytest.raises(NotFoundError):  # authenticated: the campaign just does not exist
            client.campaigns.get(_missing())
        assert_secret_absent(repr(client), repr(client.auth_handler))
    assert [record.api_status for record in sandbox.requests] == [404]
    assert_secret_absent(logged())


@pytest.mark.anyio
async def test_the_async_client_strips_a_key_from_a_file_too(
    sandbox: Sandbox, logged: Callable[[], str], tmp_path: Path
) -> None:
    path = tmp_path / "key.txt"
    path.write_text(SECRET + "\n")
    async with AsyncVolubile(path.read_text(), base_url=sandbox.url) as client:
        with pytest.raises(NotFoundError):
            await client.campaigns.get(_missing())
    assert sandbox.count(applied=False) == 1
    assert_secret_absent(logged())


def test_a_key_in_the_environment_with_a_newline_is_stripped(
    sandbox: Sandbox, logged: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOLUBILE_API_KEY", SECRET + "\n")
    with Volubile(base_url=sandbox.url) as client, pytest.raises(NotFoundError):
        client.campaigns.get(_missing())
    assert_secret_absent(logged())


def test_a_bearer_token_with_a_trailing_newline_is_stripped(
    sandbox: Sandbox, logged: Callable[[], str]
) -> None:
    token = sandbox.issue_token(["campaigns:read"])
    client = Volubile(bearer_token=token + "\r\n", base_url=sandbox.url)
    with client, pytest.raises(NotFoundError):
        client.campaigns.get(_missing())
    assert sandbox.requests[-1].headers["authorization"] == "Bearer [redacted]"
    assert_secret_absent(logged(), secret_parts=(token[:40], token[-40:]))


def test_the_auth_classes_strip_with_plain_httpx(sandbox: Sandbox) -> None:
    token = sandbox.issue_token(["campaigns:read"])
    for auth in (ApiKeyAuth(SECRET + "\n"), BearerTokenAuth(" " + token + "\n")):
        with httpx.Client(base_url=sandbox.url, auth=auth) as http:
            assert http.get(f"/v1/campaigns/{_missing()}").status_code == 404
    assert [record.api_status for record in sandbox.requests] == [404, 404]


# --- a character inside is refused, before anything is sent ------------------------------------


def _constructions(secret: str) -> dict[str, Callable[[], object]]:
    return {
        "Volubile(api_key)": lambda: Volubile(secret),
        "Volubile(bearer_token)": lambda: Volubile(bearer_token=secret),
        "AsyncVolubile(api_key)": lambda: AsyncVolubile(secret),
        "AsyncVolubile(bearer_token)": lambda: AsyncVolubile(bearer_token=secret),
        "Volubile(scopes)": lambda: Volubile(secret, scopes=["campaigns:read"]),
        "ApiKeyAuth": lambda: ApiKeyAuth(secret),
        "BearerTokenAuth": lambda: BearerTokenAuth(secret),
    }


@pytest.mark.parametrize("bad", INSIDE, ids=[repr(c) for c in INSIDE])
def test_a_credential_with_a_character_inside_is_refused_without_showing_it(
    sandbox: Sandbox, logged: Callable[[], str], bad: str
) -> None:
    secret = HEAD + bad + TAIL
    for name, construct in _constructions(secret).items():
        with pytest.raises(ValueError, match="the value is not shown") as raised:
            construct()
        assert f"position {len(HEAD) + 1} of {len(secret)}" in str(raised.value), name
        assert raised.value.__cause__ is None
        assert_secret_absent(chain_text(raised.value))
    assert_secret_absent(logged())
    assert sandbox.requests == []


def test_spaces_between_visible_characters_are_a_legal_header_value_and_kept(
    sandbox: Sandbox,
) -> None:
    seen = []
    transport = httpx.MockTransport(lambda request: seen.append(request) or httpx.Response(204))
    with httpx.Client(transport=transport, auth=BearerTokenAuth(" two\tparts here\n")) as http:
        http.get("https://api.example/")
    assert seen[0].headers["Authorization"] == "Bearer two\tparts here"


def test_a_bad_key_in_the_environment_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, logged: Callable[[], str]
) -> None:
    monkeypatch.setenv("VOLUBILE_API_KEY", HEAD + "\n" + TAIL)
    with pytest.raises(ValueError, match="VOLUBILE_API_KEY environment variable contains a line"):
        Volubile()
    monkeypatch.setenv("VOLUBILE_API_KEY", " \n")  # blank: as if it were not set
    with pytest.raises(Exception, match="No credentials"):
        Volubile()
    assert_secret_absent(logged())


# --- tokens minted by the server or by a caller's function -------------------------------------


def _bad_token_answer(token: str) -> NonJSONBody:
    return NonJSONBody(
        status=200,
        body=f'{{"token": "{token}", "expiresIn": 900, "tokenType": "Bearer"}}',
        content_type="application/json",
    )


def test_a_minted_token_with_a_control_character_is_refused_before_it_is_sent(
    sandbox: Sandbox, logged: Callable[[], str]
) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.SERVER-TOKEN-HEAD\\nSERVER-TOKEN-TAIL"  # JSON escape: a newline
    sandbox.inject(_bad_token_answer(token), path="/v1/auth/token", times=None)
    with Volubile(SECRET, base_url=sandbox.url, scopes=["campaigns:read"]) as client:
        with pytest.raises(
            APIResponseValidationError, match="cannot be sent in a header"
        ) as raised:
            client.campaigns.get(_missing())
        with pytest.raises(APIResponseValidationError, match="line break at position 39"):
            client.auth.issue_token(["campaigns:read"])
    assert sandbox.count("GET") == 0  # the token was never used
    parts = ("SERVER-TOKEN-HEAD", "SERVER-TOKEN-TAIL")
    assert_secret_absent(chain_text(raised.value), logged(), secret_parts=parts)


@pytest.mark.anyio
async def test_the_async_client_refuses_such_a_minted_token_too(
    sandbox: Sandbox, logged: Callable[[], str]
) -> None:
    sandbox.inject(_bad_token_answer("SERVER-TOKEN-HEAD\\r\\nX: y"), path="/v1/auth/token")
    async with AsyncVolubile(SECRET, base_url=sandbox.url, scopes=["campaigns:read"]) as client:
        with pytest.raises(APIResponseValidationError) as raised:
            await client.campaigns.get(_missing())
    assert sandbox.count("GET") == 0
    assert_secret_absent(chain_text(raised.value), logged(), secret_parts=("SERVER-TOKEN-HEAD",))


def test_minted_token_auth_with_plain_httpx_checks_what_its_mint_returns(
    sandbox: Sandbox, logged: Callable[[], str]
) -> None:
    async def never() -> AccessToken:
        raise AssertionError("sync only")

    auth = MintedTokenAuth(lambda: AccessToken(HEAD + "\x00" + TAIL, 900.0), never)
    http = httpx.Client(base_url=sandbox.url, auth=auth)
    with http, pytest.raises(ValueError, match="the minted token contains a control") as raised:
        http.get(f"/v1/campaigns/{_missing()}")
    assert sandbox.requests == []
    assert auth.current_token is None
    assert_secret_absent(chain_text(raised.value), logged())

    padded = MintedTokenAuth(lambda: AccessToken(" " + sandbox.issue_token([]) + "\n"), never)
    with httpx.Client(base_url=sandbox.url, auth=padded) as http:
        assert http.get(f"/v1/campaigns/{_missing()}").status_code == 403  # sent, stripped
