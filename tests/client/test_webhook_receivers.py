"""The webhook receivers: WSGI over a real loopback server, ASGI driven message by message.

What a handler receives is counted by the handler itself: a refused request must never reach it.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import anyio
import httpx
import pytest

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
    Volubile,
    sign_webhook,
    webhook_asgi_app,
    webhook_wsgi_app,
)
from volubile_ext.testing import Sandbox

BODY = call_body()


def signature(body: bytes = BODY, secret: str = SECRET) -> dict[str, str]:
    return {
        WEBHOOK_SIGNATURE_HEADER: sign_webhook(body, secret),
        "Content-Type": "application/json",
    }


class Handler:
    """A webhook handler that keeps every call it is given (and may fail on purpose)."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[Call] = []
        self.threads: list[int] = []
        self.fail = fail

    def __call__(self, call: Call) -> None:
        self.calls.append(call)
        self.threads.append(threading.get_ident())
        if self.fail:
            raise RuntimeError("the database is down")


# --- WSGI, over loopback --------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def wsgi() -> Iterator[Callable[..., tuple[str, Handler]]]:
    """``wsgi(**options)`` serves a webhook WSGI app on 127.0.0.1; gives its URL and handler."""
    servers: list[WSGIServer] = []
    threads: list[threading.Thread] = []

    def serve(handler: Handler | None = None, **options: Any) -> tuple[str, Handler]:
        handler = handler or Handler()
        options.setdefault("secrets", SECRET)
        app = webhook_wsgi_app(handler, **options)
        server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        servers.append(server)
        threads.append(thread)
        return f"http://127.0.0.1:{server.server_port}/hooks/volubile", handler

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
    for thread in threads:
        thread.join(10)


def raw_exchange(url: str, request: bytes, *, close_write: bool = False) -> bytes:
    """Sends ``request`` as it is on a socket; returns every byte of the answer."""
    host, port = url.removeprefix("http://").split("/", 1)[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        if close_write:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        while piece := sock.recv(65536):
            answer += piece
    return answer


def test_a_signed_webhook_reaches_the_handler_as_a_typed_call(wsgi: Any) -> None:
    url, handler = wsgi()
    response = httpx.post(url, content=BODY, headers=signature())
    assert response.status_code == 204
    assert response.content == b""
    [call] = handler.calls
    assert isinstance(call, Call)
    assert str(call.id) == REFERENCE_CALL["id"]
    assert call.status is CallStatus.COMPLETED
    assert call.phone == "+33612345678"
    assert call.extracted_data == REFERENCE_CALL["extractedData"]
    assert call.context["system"] == {"phone": "+33612345678"}


def test_the_webhook_page_variant_gives_the_same_call(wsgi: Any) -> None:
    url, handler = wsgi()
    variant = call_body(WEBHOOK_PAGE_CALL)
    assert httpx.post(url, content=variant, headers=signature(variant)).status_code == 204
    assert httpx.post(url, content=BODY, headers=signature()).status_code == 204
    webhook_page, reference = handler.calls
    assert webhook_page.extracted_data == reference.extracted_data
    assert webhook_page.classification_data == reference.classification_data
    assert webhook_page.context == reference.context == REFERENCE_CALL["context"]


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (signature(secret="not-the-secret-at-all"), "mismatch"),
        ({"Content-Type": "application/json"}, "missing"),
        (signature(call_body(status="NO_ANSWER")), "mismatch"),  # another body's signature
        ({WEBHOOK_SIGNATURE_HEADER: "sha256=123"}, "malformed"),
    ],
    ids=["wrong signature", "missing signature", "replayed with another signature", "malformed"],
)
def test_a_signature_refused_answers_401_and_never_reaches_the_handler(
    wsgi: Any, headers: dict[str, str], reason: str
) -> None:
    url, handler = wsgi()
    response = httpx.post(url, content=BODY, headers=headers)
    assert response.status_code == 401
    assert f"({reason})" in response.text
    assert handler.calls == []


def test_a_truncated_or_reserialised_body_is_refused(wsgi: Any) -> None:
    url, handler = wsgi()
    again = json.dumps(json.loads(BODY), indent=2).encode()
    assert httpx.post(url, content=again, headers=signature()).status_code == 401
    assert httpx.post(url, content=BODY[:-10], headers=signature()).status_code == 401
    # Signed as it is, a body cut short by its sender is no call.
    cut = BODY[:-10]
    response = httpx.post(url, content=cut, headers=signature(cut))
    assert response.status_code == 400
    assert "cut short" in response.text
    assert handler.calls == []


def test_a_body_shorter_than_its_content_length_is_refused(wsgi: Any) -> None:
    url, handler = wsgi()
    head = (
        f"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(BODY)}\r\n"
        f"{WEBHOOK_SIGNATURE_HEADER}: {sign_webhook(BODY, SECRET)}\r\n\r\n"
    ).encode()
    answer = raw_exchange(url, head + BODY[:100], close_write=True)
    assert answer.startswith(b"HTTP/1.0 400 ")
    assert f"the body ended after 100 of the {len(BODY):,} bytes announced".encode() in answer
    assert handler.calls == []


def test_any_secret_of_a_rotation_is_accepted(wsgi: Any) -> None:
    url, handler = wsgi(secrets=[SECRET, OLD_SECRET])
    for secret in (OLD_SECRET, SECRET):
        assert httpx.post(url, content=BODY, headers=signature(secret=secret)).status_code == 204
    assert httpx.post(url, content=BODY, headers=signature(secret="gone")).status_code == 401
    assert len(handler.calls) == 2


@pytest.mark.parametrize("name", ["x-webhook-signature", "X-WEBHOOK-SIGNATURE"])
def test_the_header_name_is_read_whatever_its_case(wsgi: Any, name: str) -> None:
    url, handler = wsgi()
    head = (
        f"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(BODY)}\r\n"
        f"{name}: {sign_webhook(BODY, SECRET)}\r\nConnection: close\r\n\r\n"
    ).encode()
    assert raw_exchange(url, head + BODY).startswith(b"HTTP/1.0 204 ")
    assert len(handler.calls) == 1


def test_a_repeated_signature_header_is_refused(wsgi: Any) -> None:
    url, handler = wsgi()
    good = sign_webhook(BODY, SECRET)
    head = (
        f"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(BODY)}\r\n"
        f"{WEBHOOK_SIGNATURE_HEADER}: {good}\r\n{WEBHOOK_SIGNATURE_HEADER}: {good}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    answer = raw_exchange(url, head + BODY)
    assert answer.startswith(b"HTTP/1.0 401 ")
    assert b"(duplicated)" in answer
    assert handler.calls == []


def test_a_body_over_the_limit_is_refused_from_its_length_before_it_is_read(wsgi: Any) -> None:
    url, handler = wsgi(max_bytes=4096)
    # A terabyte announced, nothing sent: an answer proves nothing was waited for.
    head = (
        f"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {10**12}\r\n"
        f"{WEBHOOK_SIGNATURE_HEADER}: {sign_webhook(BODY, SECRET)}\r\n\r\n"
    ).encode()
    answer = raw_exchange(url, head)
    assert answer.startswith(b"HTTP/1.0 413 ")
    assert b"at most 4,096 bytes" in answer
    # A length no integer conversion takes (Python refuses over 4,300 digits): too large too.
    huge = head.replace(str(10**12).encode(), b"9" * 5000)
    assert raw_exchange(url, huge).startswith(b"HTTP/1.0 413 ")
    assert handler.calls == []


@pytest.mark.parametrize("length", ["12, 12", "-1", "0x10", "1e3"])
def test_a_content_length_that_is_not_one_number_is_refused(wsgi: Any, length: str) -> None:
    url, handler = wsgi()
    head = (
        f"POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    assert raw_exchange(url, head, close_write=True).startswith(b"HTTP/1.0 400 ")
    assert handler.calls == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "HEAD"])
def test_another_method_than_post_answers_405(wsgi: Any, method: str) -> None:
    url, handler = wsgi()
    response = httpx.request(method, url)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert handler.calls == []


def test_a_failing_handler_answers_500_and_is_logged_without_the_body(
    wsgi: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url, handler = wsgi(handler=Handler(fail=True), secrets=[SECRET, OLD_SECRET])
    body = call_body(context={"iban": "FR7630006000011234567890189"})
    with caplog.at_level(logging.INFO, logger="volubile_ext.webhooks"):
        response = httpx.post(url, content=body, headers=signature(body))
    assert response.status_code == 500
    assert len(handler.calls) == 1
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert REFERENCE_CALL["id"] in record.getMessage()
    assert "the database is down" in caplog.text  # the traceback is there
    for private in ("FR7630006000011234567890189", SECRET, OLD_SECRET, sign_webhook(body, SECRET)):
        assert private not in caplog.text


def test_refusals_are_logged_without_secrets(wsgi: Any, caplog: pytest.LogCaptureFixture) -> None:
    url, _ = wsgi()
    with caplog.at_level(logging.INFO, logger="volubile_ext.webhooks"):
        httpx.post(url, content=BODY, headers=signature(secret="other-secret-xyz"))
    assert "webhook refused (401, mismatch) from 127.0.0.1" in caplog.text
    for private in (SECRET, sign_webhook(BODY, SECRET), "other-secret-xyz"):
        assert private not in caplog.text


def test_unsigned_webhooks_are_accepted_only_when_asked(wsgi: Any) -> None:
    url, handler = wsgi(secrets=None)
    assert httpx.post(url, content=BODY).status_code == 204
    assert len(handler.calls) == 1
    with pytest.raises(TypeError, match="secrets"):
        webhook_wsgi_app(Handler())  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"max_bytes": 0}, "max_bytes must be a positive whole number"),
        ({"max_depth": True}, "max_depth must be a positive whole number"),
        ({"secrets": []}, "secrets is empty"),
        ({"secrets": [SECRET, None]}, "secret #2 must be a str or bytes, not NoneType"),
        ({"algorithm": "md5"}, "algorithm must be one of"),
    ],
)
def test_a_receiver_made_wrong_fails_when_made_not_per_request(
    options: dict[str, Any], error: str
) -> None:
    options = {"secrets": SECRET, **options}
    for make in (webhook_wsgi_app, webhook_asgi_app):
        with pytest.raises((TypeError, ValueError), match=error) as caught:
            make(Handler(), **options)
        assert SECRET not in str(caught.value)


def test_the_app_shows_no_secret() -> None:
    app = webhook_wsgi_app(Handler(), secrets=[SECRET, OLD_SECRET])
    assert repr(app) == (
        "<webhook WSGI app: handler=Handler, 2 secrets, sha256, max_bytes=1,048,576>"
    )
    unsigned = webhook_asgi_app(Handler(), secrets=None, max_bytes=1000)
    assert repr(unsigned) == (
        "<webhook ASGI app: handler=Handler, unsigned requests accepted, max_bytes=1,000>"
    )


def test_the_body_of_get_a_call_posted_as_a_webhook_is_that_call(
    wsgi: Any, sandbox: Sandbox
) -> None:
    # "identical to the endpoint Get a call" (reference notes, section 2.18): the sandbox's own
    # bytes for GET /v1/calls/{id}, signed and posted, give the call the calls resource reads.
    stored = sandbox.add_call(
        status="NO_ANSWER",
        context={"firstName": "Ana"},
        extractors=[{"name": "renewal", "value": ["yes"]}],
        summary="No answer after 6 rings.",
    )
    with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as http:
        body = http.get(f"/v1/calls/{stored.id}").content
    url, handler = wsgi()
    assert httpx.post(url, content=body, headers=signature(body)).status_code == 204
    with Volubile(api_key=sandbox.api_key, base_url=sandbox.url) as client:
        fetched = client.calls.get(stored.id)
    [received] = handler.calls
    assert received == fetched
    assert received.status is CallStatus.NO_ANSWER
    assert received.extracted_data == {"renewal": "yes"}


def call_wsgi(app: Any, body: bytes, **environ: Any) -> tuple[str, dict[str, str], bytes, int]:
    """Calls a WSGI app directly (framings wsgiref cannot send); status, headers, body, bytes
    the app read."""
    stream = io.BytesIO(body)
    answered: list[Any] = []
    base = {
        "REQUEST_METHOD": "POST",
        "wsgi.input": stream,
        "HTTP_X_WEBHOOK_SIGNATURE": sign_webhook(BODY, SECRET),
        "REMOTE_ADDR": "127.0.0.1",
    }
    chunks = app({**base, **environ}, lambda status, headers: answered.extend([status, headers]))
    status, headers = answered
    return status, dict(headers), b"".join(chunks), stream.tell()


def test_wsgi_reads_no_further_than_the_content_length() -> None:
    handler = Handler()
    app = webhook_wsgi_app(handler, secrets=SECRET)
    status, _, _, read = call_wsgi(app, BODY + b"GET /next HTTP/1.1", CONTENT_LENGTH=str(len(BODY)))
    assert status == "204 No Content"
    assert read == len(BODY)
    assert len(handler.calls) == 1


def test_wsgi_a_body_framed_by_the_server_is_read_up_to_the_limit() -> None:
    handler = Handler()
    app = webhook_wsgi_app(handler, secrets=SECRET, max_bytes=len(BODY))
    status, _, _, _ = call_wsgi(app, BODY, **{"wsgi.input_terminated": True})
    assert status == "204 No Content"
    status, _, _, read = call_wsgi(app, BODY + b" " * 10**6, **{"wsgi.input_terminated": True})
    assert status == "413 Request Entity Too Large"
    assert read == len(BODY) + 1
    # Without a length, and without a server that frames the body: where it ends is unknown.
    status, _, _, read = call_wsgi(app, BODY)
    assert status == "411 Length Required"
    assert read == 0
    assert len(handler.calls) == 1


# --- ASGI, message by message ---------------------------------------------------------------


class Exchange:
    """One ASGI request played to an app: the messages it is sent, and what the app answered."""

    def __init__(
        self,
        *,
        method: str = "POST",
        headers: list[tuple[bytes, bytes]] | None = None,
        chunks: list[bytes] | None = None,
        disconnect: bool = False,
    ) -> None:
        self.scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "path": "/hooks/volubile",
            "headers": headers if headers is not None else _asgi_headers(BODY),
            "client": ("127.0.0.1", 50000),
        }
        self.chunks = list(chunks if chunks is not None else [BODY])
        self.disconnect = disconnect
        self.received = 0
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        self.received += 1
        if not self.chunks:
            # A client that left (or an app that reads past the body's end).
            return {"type": "http.disconnect"}
        piece = self.chunks.pop(0)
        more = bool(self.chunks) or self.disconnect
        return {"type": "http.request", "body": piece, "more_body": more}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    async def play(self, app: Any) -> Exchange:
        await app(self.scope, self.receive, self.send)
        return self

    @property
    def status(self) -> int:
        start, _ = self.sent
        return int(start["status"])

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.sent[0]["headers"])

    @property
    def body(self) -> bytes:
        return bytes(self.sent[1]["body"])


def _asgi_headers(body: bytes, secret: str = SECRET, **extra: str) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-type": "application/json",
        "content-length": str(len(body)),
        WEBHOOK_SIGNATURE_HEADER.lower(): sign_webhook(body, secret),
        **extra,
    }
    return [(name.encode(), value.encode()) for name, value in headers.items()]


@pytest.mark.anyio
async def test_asgi_a_chunked_signed_body_reaches_the_handler() -> None:
    handler = Handler()
    app = webhook_asgi_app(handler, secrets=SECRET)
    headers = [h for h in _asgi_headers(BODY) if h[0] != b"content-length"]
    thirds = [BODY[:100], BODY[100:200], BODY[200:]]
    exchange = await Exchange(headers=headers, chunks=thirds).play(app)
    assert exchange.status == 204
    assert exchange.received == 3
    assert exchange.headers[b"content-length"] == b"0"
    [call] = handler.calls
    assert str(call.id) == REFERENCE_CALL["id"]


@pytest.mark.anyio
async def test_asgi_a_plain_handler_runs_off_the_event_loop_an_async_one_on_it() -> None:
    plain = Handler()
    assert (await Exchange().play(webhook_asgi_app(plain, secrets=SECRET))).status == 204
    assert plain.threads != [threading.get_ident()]

    awaited: list[tuple[Call, int]] = []

    async def save(call: Call) -> None:
        await anyio.sleep(0)
        awaited.append((call, threading.get_ident()))

    assert (await Exchange().play(webhook_asgi_app(save, secrets=SECRET))).status == 204
    [(call, thread)] = awaited
    assert thread == threading.get_ident()
    assert call.status is CallStatus.COMPLETED


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        (_asgi_headers(BODY, secret="wrong-secret-000"), BODY, 401),
        ([(b"content-length", str(len(BODY)).encode())], BODY, 401),
        (_asgi_headers(call_body(status="FAILED")), BODY, 401),
        (_asgi_headers(BODY), json.dumps(REFERENCE_CALL, indent=1).encode(), 401),
        (_asgi_headers(BODY), BODY[:-1], 401),
        (_asgi_headers(BODY[:-1]), BODY[:-1], 400),
        (_asgi_headers(b"[]"), b"[]", 400),
    ],
    ids=[
        "wrong signature",
        "missing signature",
        "replayed with another signature",
        "re-serialised",
        "truncated",
        "truncated, signed as it is",
        "not a call",
    ],
)
async def test_asgi_refusals(headers: list[tuple[bytes, bytes]], body: bytes, status: int) -> None:
    handler = Handler()
    exchange = await Exchange(headers=headers, chunks=[body]).play(
        webhook_asgi_app(handler, secrets=SECRET)
    )
    assert exchange.status == status
    assert exchange.headers[b"content-type"] == b"text/plain; charset=utf-8"
    assert handler.calls == []


@pytest.mark.anyio
async def test_asgi_duplicated_signature_headers_are_refused() -> None:
    good = sign_webhook(BODY, SECRET).encode()
    headers = [*_asgi_headers(BODY), (b"X-Webhook-Signature", good)]
    handler = Handler()
    exchange = await Exchange(headers=headers).play(webhook_asgi_app(handler, secrets=SECRET))
    assert exchange.status == 401
    assert b"(duplicated)" in exchange.body
    assert handler.calls == []


@pytest.mark.anyio
async def test_asgi_an_announced_body_over_the_limit_is_not_read() -> None:
    handler = Handler()
    app = webhook_asgi_app(handler, secrets=SECRET, max_bytes=1000)
    headers = _asgi_headers(BODY, **{"content-length": str(10**12)})
    exchange = await Exchange(headers=headers).play(app)
    assert exchange.status == 413
    assert exchange.received == 0
    assert handler.calls == []


@pytest.mark.anyio
async def test_asgi_a_chunked_body_over_the_limit_is_read_no_further_than_it() -> None:
    handler = Handler()
    app = webhook_asgi_app(handler, secrets=SECRET, max_bytes=1000)
    headers = [h for h in _asgi_headers(BODY) if h[0] != b"content-length"]
    exchange = await Exchange(headers=headers, chunks=[b" " * 400] * 100).play(app)
    assert exchange.status == 413
    assert exchange.received == 3  # 1,200 bytes: past the limit, no further
    assert handler.calls == []


@pytest.mark.anyio
async def test_asgi_two_content_lengths_are_refused() -> None:
    headers = [*_asgi_headers(BODY), (b"content-length", b"5")]
    exchange = await Exchange(headers=headers).play(webhook_asgi_app(Handler(), secrets=SECRET))
    assert exchange.status == 400
    assert exchange.received == 0


@pytest.mark.anyio
async def test_asgi_another_method_answers_405() -> None:
    exchange = await Exchange(method="GET", chunks=[b""]).play(
        webhook_asgi_app(Handler(), secrets=SECRET)
    )
    assert exchange.status == 405
    assert exchange.headers[b"allow"] == b"POST"


@pytest.mark.anyio
async def test_asgi_a_failing_handler_answers_500(caplog: pytest.LogCaptureFixture) -> None:
    handler = Handler(fail=True)
    with caplog.at_level(logging.ERROR, logger="volubile_ext.webhooks"):
        exchange = await Exchange().play(webhook_asgi_app(handler, secrets=SECRET))
    assert exchange.status == 500
    assert len(handler.calls) == 1
    assert "the database is down" in caplog.text
    assert SECRET not in caplog.text


@pytest.mark.anyio
async def test_asgi_a_client_that_leaves_gets_no_answer_and_calls_nothing() -> None:
    handler = Handler()
    headers = [h for h in _asgi_headers(BODY) if h[0] != b"content-length"]
    exchange = await Exchange(headers=headers, chunks=[BODY[:50]], disconnect=True).play(
        webhook_asgi_app(handler, secrets=SECRET)
    )
    assert exchange.sent == []
    assert handler.calls == []


@pytest.mark.anyio
async def test_asgi_lifespan_events_are_answered() -> None:
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    app = webhook_asgi_app(Handler(), secrets=SECRET)
    await app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
