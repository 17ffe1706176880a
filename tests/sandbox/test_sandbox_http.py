"""The sandbox is a server: hostile bytes on a raw loopback socket get one clear answer and a
closed connection, never a second response, a traceback or a stuck thread.

Every test here speaks raw HTTP through the ``socket`` module and checks exactly what came back
(how many responses, their status and message) and that the sandbox closed the connection.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
import time
import uuid
from typing import Any

import attrs
import pytest

from tests.client_harness import campaign_body
from volubile_ext.testing import Delay, Sandbox

pytestmark = pytest.mark.sandbox(request_timeout=5)
TOKEN_BODY = b'{"scope": ["campaigns:read"]}'


@attrs.frozen
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def message(self) -> str:
        return str(json.loads(self.body)["message"])


@attrs.frozen
class Exchange:
    responses: list[Response]
    closed: bool  # the sandbox closed the connection (end of stream seen)
    leftover: bytes


def parse_responses(data: bytes) -> tuple[list[Response], bytes]:
    responses = []
    while b"\r\n\r\n" in data:
        head, _, rest = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(status_line.split()[1])
        if status == 100:  # an interim response: no body
            responses.append(Response(status, headers, b""))
            data = rest
            continue
        length = int(headers["content-length"])
        if len(rest) < length:
            break
        responses.append(Response(status, headers, rest[:length]))
        data = rest[length:]
    return responses, data


def exchange(
    sandbox: Sandbox, *parts: bytes, pause: float = 0.0, timeout: float = 10.0
) -> Exchange:
    """Send ``parts`` on one new connection (``pause`` seconds apart), then read until the
    sandbox closes the connection or ``timeout`` seconds pass without it doing so."""
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=timeout) as connection:
        for part in parts:
            connection.sendall(part)
            if pause:
                time.sleep(pause)
        received = b""
        closed = False
        try:
            while chunk := connection.recv(65536):
                received += chunk
            closed = True
        except TimeoutError:
            pass
    responses, leftover = parse_responses(received)
    return Exchange(responses, closed, leftover)


def refused(result: Exchange, status: int, message_part: str) -> Response:
    """Exactly one response, ``status`` with ``message_part``, and the connection closed."""
    assert [response.status for response in result.responses] == [status], result
    (response,) = result.responses
    assert message_part in response.message
    assert response.headers["connection"] == "close"
    assert result.closed
    assert result.leftover == b""
    return response


def token_request(sandbox: Sandbox, extra_headers: bytes = b"", body: bytes = TOKEN_BODY) -> bytes:
    return (
        b"POST /v1/auth/token HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\n"
        b"X-Api-Key: " + sandbox.api_key.encode() + b"\r\n" + extra_headers + b"\r\n" + body
    )


def smuggled(sandbox: Sandbox) -> bytes:
    """A whole second request, as a body: if it is ever parsed as a request, it is answered."""
    return (
        b"GET /v1/campaigns/" + str(uuid.uuid4()).encode() + b" HTTP/1.1\r\nHost: sandbox\r\n"
        b"X-Api-Key: " + sandbox.api_key.encode() + b"\r\n\r\n"
    )


# --- request smuggling: one request, one answer ------------------------------------------------


def test_two_content_length_headers_get_one_400_and_a_closed_connection(sandbox: Sandbox) -> None:
    inner = smuggled(sandbox)
    # One parser reads an empty body and then the inner request; another reads it as the body.
    request = (
        b"POST /v1/campaigns HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\n"
        b"Content-Length: 0\r\nContent-Length: " + str(len(inner)).encode() + b"\r\n"
        b"X-Api-Key: " + sandbox.api_key.encode() + b"\r\n\r\n" + inner
    )
    refused(exchange(sandbox, request), 400, "More than one Content-Length header")
    assert sandbox.requests == []  # neither request reached the API


def test_even_identical_repeated_content_lengths_are_refused(sandbox: Sandbox) -> None:
    length = str(len(TOKEN_BODY)).encode()
    request = token_request(
        sandbox, b"Content-Length: " + length + b"\r\nContent-Length: " + length + b"\r\n"
    )
    refused(exchange(sandbox, request), 400, "More than one Content-Length header")


def test_content_length_with_transfer_encoding_is_refused(sandbox: Sandbox) -> None:
    inner = smuggled(sandbox)
    request = token_request(
        sandbox,
        b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
        body=b"0\r\n\r\n" + inner,
    )
    refused(exchange(sandbox, request), 400, "Content-Length and Transfer-Encoding together")
    assert sandbox.requests == []


@pytest.mark.parametrize(
    ("value", "status", "message"),
    [
        ("²", 400, "ASCII digits only"),  # int("²") is 2 in Python
        ("٣", 400, "ASCII digits only"),  # Arabic-Indic three
        ("３", 400, "ASCII digits only"),  # fullwidth three
        ("+29", 400, "ASCII digits only"),
        ("-1", 400, "ASCII digits only"),
        ("-0", 400, "ASCII digits only"),
        ("2_9", 400, "ASCII digits only"),
        ("29, 29", 400, "ASCII digits only"),
        ("2 9", 400, "ASCII digits only"),
        ("0x1d", 400, "ASCII digits only"),
        ("1e1", 400, "ASCII digits only"),
        ("", 400, "ASCII digits only"),
        ("29\x0b", 400, "Control character"),
        ("9" * 5000, 413, "larger than 8388608 bytes"),  # int() of it raises in Python
        ("99999999999", 413, "larger than 8388608 bytes"),
        ("8388609", 413, "larger than 8388608 bytes"),
    ],
)
def test_a_content_length_that_is_not_plain_ascii_digits_or_too_large_is_refused(
    sandbox: Sandbox, value: str, status: int, message: str
) -> None:
    request = token_request(sandbox, b"Content-Length: " + value.encode() + b"\r\n")
    refused(exchange(sandbox, request), status, message)
    assert sandbox.requests == []


def test_a_content_length_with_surrounding_spaces_or_leading_zeros_is_read(
    sandbox: Sandbox,
) -> None:
    # Optional whitespace around a field value and leading zeros are both valid HTTP.
    length = str(len(TOKEN_BODY)).encode()
    for value in (b" \t" + length + b" \t", b"000" + length):
        headers = b"Content-Length: " + value + b"\r\nConnection: close\r\n"
        result = exchange(sandbox, token_request(sandbox, headers))
        assert [response.status for response in result.responses] == [200]
        assert result.closed
    assert sandbox.count("POST", "/v1/auth/token", applied=True) == 2


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (b"Transfer-Encoding: gzip, chunked\r\n", "Unsupported Transfer-Encoding"),
        (b"Transfer-Encoding: chunked, chunked\r\n", "Unsupported Transfer-Encoding"),
        (b"Transfer-Encoding: identity\r\n", "Unsupported Transfer-Encoding"),
        (
            b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            "More than one Transfer-Encoding header",
        ),
    ],
)
def test_transfer_encodings_other_than_one_chunked_are_refused(
    sandbox: Sandbox, headers: bytes, message: str
) -> None:
    request = token_request(sandbox, headers, body=b"0\r\n\r\n")
    refused(exchange(sandbox, request), 400, message)


def test_transfer_encoding_in_http_1_0_is_refused(sandbox: Sandbox) -> None:
    request = token_request(sandbox, b"Transfer-Encoding: chunked\r\n", body=b"0\r\n\r\n")
    request = request.replace(b"HTTP/1.1", b"HTTP/1.0", 1)
    refused(exchange(sandbox, request), 400, "not defined in HTTP/1.0")


# --- chunked bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chunked", "message"),
    [
        (b"0x1d\r\n", "hexadecimal digits"),
        (b"-1\r\n", "hexadecimal digits"),
        (b"+1d\r\n", "hexadecimal digits"),
        (b"1d \r\n", "hexadecimal digits"),  # whitespace without an extension
        (b" 1d\r\n", "hexadecimal digits"),
        (b"\r\n", "hexadecimal digits"),
        (b"1" * 17 + b"\r\n", "hexadecimal digits"),
        (b"1d\n" + TOKEN_BODY + b"\r\n0\r\n\r\n", "must end with CRLF"),  # bare LF
        (b"1d\r\n" + TOKEN_BODY + b"XX0\r\n\r\n", "a chunk must end with CRLF"),
        (b"1d;" + b"e" * 2000 + b"\r\n", "framing line is too long"),
        (b"0\r\n" + b"X-Trailer: 1\r\n" * 1000 + b"\r\n", "trailers over"),
        (b"800001\r\n", "larger than 8388608 bytes"),
        (b"1\r\n{\r\n" * 250_000 + b"0\r\n\r\n", "send fewer, larger chunks"),
    ],
)
def test_malformed_or_oversized_chunked_bodies_are_refused(
    sandbox: Sandbox, chunked: bytes, message: str
) -> None:
    request = token_request(sandbox, b"Transfer-Encoding: chunked\r\n", body=chunked)
    status = 413 if "larger" in message or "fewer" in message else 400
    refused(exchange(sandbox, request), status, message)
    assert sandbox.requests == []


def test_a_chunk_extension_after_optional_whitespace_is_accepted(sandbox: Sandbox) -> None:
    body = b"1d \t;name=value\r\n" + TOKEN_BODY + b"\r\n0\r\nX-Trailer: kept out\r\n\r\n"
    request = token_request(
        sandbox, b"Transfer-Encoding: Chunked\r\nConnection: close\r\n", body=body
    )
    result = exchange(sandbox, request)
    assert [response.status for response in result.responses] == [200]
    assert sandbox.requests[-1].body == {"scope": ["campaigns:read"]}


def test_a_body_cut_short_gets_no_answer_and_is_not_processed(sandbox: Sandbox) -> None:
    for request in (
        token_request(sandbox, b"Content-Length: 100\r\n", body=TOKEN_BODY),
        token_request(sandbox, b"Transfer-Encoding: chunked\r\n", body=b"1d\r\n" + TOKEN_BODY),
    ):
        with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as connection:
            connection.sendall(request)
            connection.shutdown(socket.SHUT_WR)  # the client is done: the body ends short
            assert connection.recv(65536) == b""
    assert sandbox.requests == []


# --- the request line and the header section ---------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        (b"X-Folded: one\r\n two\r\n", 400, "Obsolete line folding"),
        (b"Content-Length : 29\r\n", 400, "no space before the colon"),
        (b"No colon here\r\n", 400, "Malformed header line"),
        (b"X-Nul: a\x00b\r\n", 400, "Control character in the value of X-Nul"),
        (b"X-Bare: lf\n", 400, "every line must end with CRLF"),
        (b"X(A): 1\r\n", 400, "Malformed header name"),
        (b"Host: other\r\n", 400, "More than one Host header"),
        (b"X-Big: " + b"a" * 1000 + b"\r\n" * 1 + b"X-Many: " + b"b" * 1000 + b"\r\n", 0, ""),
        (b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 900) for i in range(80)), 431, "Line too long"),
        (b"".join(b"X-H%d: v\r\n" % i for i in range(101)), 431, "Too many headers"),
    ],
)
def test_malformed_ambiguous_or_oversized_header_sections_are_refused(
    sandbox: Sandbox, headers: bytes, status: int, message: str
) -> None:
    request = token_request(
        sandbox, headers + b"Content-Length: " + str(len(TOKEN_BODY)).encode() + b"\r\n"
    )
    if status == 0:  # within every bound: served
        request = request.replace(b"Host: sandbox\r\n", b"Host: sandbox\r\nConnection: close\r\n")
        result = exchange(sandbox, request)
        assert [response.status for response in result.responses] == [200]
        return
    refused(exchange(sandbox, request), status, message)
    assert sandbox.requests == []


def test_a_missing_host_is_refused_in_http_1_1_only(sandbox: Sandbox) -> None:
    path = f"/v1/campaigns/{uuid.uuid4()}".encode()
    refused(exchange(sandbox, b"GET " + path + b" HTTP/1.1\r\n\r\n"), 400, "Missing Host header")
    result = exchange(sandbox, b"GET " + path + b" HTTP/1.0\r\n\r\n")
    assert [response.status for response in result.responses] == [401]


@pytest.mark.parametrize(
    ("line", "status", "message"),
    [
        (b"GET /v1/x" + b"a" * 9000 + b" HTTP/1.1\r\n", 414, "Request line longer than 8192"),
        (b"GET  /v1/x HTTP/1.1\r\n", 400, "Malformed request line"),
        (b"GET\t/v1/x HTTP/1.1\r\n", 400, "Malformed request line"),
        (b"GET /v1/x\x00 HTTP/1.1\r\n", 400, "Malformed request line"),
        (b"GET /v1/x HTTP/1.1\n", 400, "Malformed request line"),
        (b"GET /v1/x\r\n", 400, "Malformed request line"),  # HTTP/0.9
        (b"G(E)T /v1/x HTTP/1.1\r\n", 400, "Malformed request line"),
        (b"GET /v1/x HTTP/2.0\r\n", 505, "Invalid HTTP version"),
    ],
)
def test_malformed_or_oversized_request_lines_are_refused(
    sandbox: Sandbox, line: bytes, status: int, message: str
) -> None:
    refused(exchange(sandbox, line + b"Host: sandbox\r\n\r\n"), status, message)


def test_expect_100_continue_is_answered_with_the_error_when_the_body_would_be_refused(
    sandbox: Sandbox,
) -> None:
    head = token_request(sandbox, b"Expect: 100-continue\r\nContent-Length: 99999999\r\n", b"")
    response = refused(exchange(sandbox, head), 413, "larger than 8388608 bytes")
    assert response.status == 413  # and no "100 Continue" invited the 95 MB first

    head = token_request(
        sandbox,
        b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: "
        + str(len(TOKEN_BODY)).encode()
        + b"\r\n",
        b"",
    )
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as connection:
        connection.sendall(head)
        assert connection.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n")
        connection.sendall(TOKEN_BODY)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    (response,), _ = parse_responses(received)
    assert response.status == 200


# --- JSON bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 64 levels"),
        (b'{"scope": ' + b"[" * 65 + b"]" * 65 + b"}", "nested deeper than 64 levels"),
        (b'{"scope": ["campaigns:read"], "scope": []}', "the key 'scope' appears more than once"),
        (b'{"scope": ["\\ud800"]}', "lone surrogate"),
        (b'{"scope": ["caf\xe9"]}', "not UTF-8"),
        (b'{"scope": [NaN]}', "NaN is not valid JSON"),
    ],
)
def test_hostile_json_bodies_get_a_400_and_the_connection_serves_on(
    sandbox: Sandbox, body: bytes, message: str
) -> None:
    first = token_request(sandbox, b"Content-Length: " + str(len(body)).encode() + b"\r\n", body)
    second = token_request(
        sandbox,
        b"Connection: close\r\nContent-Length: " + str(len(TOKEN_BODY)).encode() + b"\r\n",
    )
    result = exchange(sandbox, first + second)
    assert [response.status for response in result.responses] == [400, 200]
    assert message in result.responses[0].message
    assert len(result.responses[0].body) < 500  # the refused value is not echoed back whole
    assert result.closed
    assert [record.api_status for record in sandbox.requests] == [400, 200]


def test_a_lone_surrogate_in_a_create_is_refused_and_nothing_is_stored(sandbox: Sandbox) -> None:
    document = campaign_body(name="\ud800")
    body = json.dumps(document).encode()  # ASCII: the surrogate travels as \ud800
    request = (
        b"POST /v1/campaigns HTTP/1.1\r\nHost: s\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nX-Api-Key: " + sandbox.api_key.encode() + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    result = exchange(sandbox, request)
    assert [response.status for response in result.responses] == [400]
    assert "lone surrogate" in result.responses[0].message
    assert sandbox.campaigns() == []


# --- slow clients ------------------------------------------------------------------------------


def test_a_client_that_trickles_its_headers_is_cut_off_with_408() -> None:
    with Sandbox(request_timeout=0.5) as sandbox:
        head = token_request(sandbox, b"X-Slow: " + b"s" * 200 + b"\r\n", b"")
        # One byte every 20 ms: 6 s for the whole head, far beyond the request timeout (each
        # byte arrives well within it, which is what defeats a per-read timeout).
        with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as connection:
            received = b""
            try:
                for byte in head:
                    connection.sendall(bytes([byte]))
                    time.sleep(0.02)
            except OSError:
                pass  # the sandbox closed the connection: later bytes cannot be sent
            while chunk := connection.recv(65536):
                received += chunk
        (response,), _ = parse_responses(received)
        assert response.status == 408
        assert response.headers["connection"] == "close"
        assert sandbox.requests == []


def test_a_client_that_stops_inside_its_body_is_cut_off_with_408() -> None:
    with Sandbox(request_timeout=0.5) as sandbox:
        request = token_request(sandbox, b"Content-Length: 1000\r\n", TOKEN_BODY)
        result = exchange(sandbox, request)
        refused(result, 408, "Request timeout")
        assert sandbox.requests == []


def test_an_idle_keep_alive_connection_is_not_cut_by_the_request_timeout() -> None:
    with Sandbox(request_timeout=0.2) as sandbox:
        request = token_request(
            sandbox, b"Content-Length: " + str(len(TOKEN_BODY)).encode() + b"\r\n"
        )
        with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as connection:
            for _ in range(2):
                connection.sendall(request)
                received = b""
                while not parse_responses(received)[0]:
                    received += connection.recv(65536)
                assert parse_responses(received)[0][0].status == 200
                time.sleep(0.5)  # idle between requests for longer than request_timeout


# --- no traceback, whatever the client does ----------------------------------------------------


def _reset(connection: socket.socket) -> None:
    # SO_LINGER with a zero timeout: close() sends a TCP reset instead of a normal close.
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def test_client_resets_print_no_traceback_and_log_no_error(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sandbox = Sandbox().start()
    sandbox.inject(Delay(0.5, apply=True), path="/v1/auth/token")
    partial_head = b"POST /v1/auth/token HTTP/1.1\r\nHost: s\r\nContent-Le"
    partial_body = token_request(sandbox, b"Content-Length: 100\r\n", TOKEN_BODY[:5])
    whole = token_request(sandbox, b"Content-Length: " + str(len(TOKEN_BODY)).encode() + b"\r\n")
    for data in (b"", partial_head, partial_body, whole, whole * 3):
        connection = socket.create_connection(("127.0.0.1", sandbox.port), timeout=10)
        if data:
            connection.sendall(data)
            time.sleep(0.1)  # let the sandbox start reading (or, for `whole`, delaying)
        _reset(connection)
    time.sleep(1.0)  # the delayed reply is written to a reset connection
    sandbox.stop()  # waits for every handler thread
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_the_server_logs_a_real_bug_through_logging_not_stderr(
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("a bug in the sandbox")

    monkeypatch.setattr(type(sandbox), "_exchange", broken)
    result = exchange(sandbox, token_request(sandbox, b"Content-Length: 29\r\n"), timeout=5)
    assert result.responses == []
    assert result.closed
    sandbox.stop()
    assert "Traceback" not in capfd.readouterr().err
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None
    assert "a bug in the sandbox" in str(record.exc_info[1])


def test_connections_beyond_the_limit_get_a_503_and_the_others_are_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from volubile_ext.testing._sandbox import _Server

    monkeypatch.setattr(_Server, "max_connections", 2)
    with Sandbox() as sandbox:
        held = [socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) for _ in range(2)]
        try:
            # Each held connection has its thread once it has been served once.
            request = token_request(
                sandbox, b"Content-Length: " + str(len(TOKEN_BODY)).encode() + b"\r\n"
            )
            for connection in held:
                connection.sendall(request)
                received = b""
                while not parse_responses(received)[0]:
                    received += connection.recv(65536)
            response = refused(exchange(sandbox, request), 503, "Too many connections")
            assert response.headers["retry-after"] == "1"
            assert sandbox.count() == 2  # the refused one was never read
        finally:
            for connection in held:
                connection.close()
