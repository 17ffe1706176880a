"""Small ASGI and WSGI receivers for the post-call webhook, with no web framework.

Each is an application of its standard (PEP 3333, the ASGI 3 specification) that reads the
body (bounded), verifies the signature, parses the call and hands it to your function; mount
it at the webhook URL's path with any server or framework that runs such applications. Both
share one set of decisions (:class:`_Receiver`, no I/O); the two classes only read and answer.

Answers: 204 once the handler returned; 401 when the signature does not verify; 400 for a body
that is no call (or that ends before its ``Content-Length``); 413 for a body over the limit,
refused from its ``Content-Length`` before any of it is read (or as soon as the bytes read pass
the limit); 411 for a WSGI request with no length that the server does not frame; 405 (with
``Allow: POST``) for any method but POST; 500 when the handler raised. Every refusal and
failure is logged on the ``volubile_ext.webhooks`` logger with the call id when known, never
with the body, a secret or the expected signature.
"""

from __future__ import annotations

import http
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from .._strict_json import quoted
from ._payload import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_DEPTH,
    WebhookPayloadError,
    read_call,
)
from ._signature import (
    DEFAULT_SIGNATURE_ALGORITHM,
    SignatureAlgorithm,
    SigningKeys,
    WebhookSecrets,
    WebhookVerificationError,
    verify_signature,
)

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from .._calls_models import Call

__all__ = ["webhook_asgi_app", "webhook_wsgi_app"]

_log = logging.getLogger("volubile_ext.webhooks")

# ASGI 3 (https://asgi.readthedocs.io): the application's three arguments.
Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]

# A WSGI body is read in pieces of this size: the limit, not the sender, decides the memory.
_READ_SIZE: Final = 64 * 1024
_DIGITS: Final = frozenset("0123456789")


@attrs.frozen
class _Answer:
    """A response: its status, a short text body, and any other header."""

    status: int
    text: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def body(self) -> bytes:
        return f"{self.text}\n".encode() if self.text else b""

    @property
    def status_line(self) -> str:
        return f"{self.status} {http.HTTPStatus(self.status).phrase}"

    def header_list(self) -> list[tuple[str, str]]:
        body = self.body
        headers = [*self.headers, ("Content-Length", str(len(body)))]
        if body:
            headers.append(("Content-Type", "text/plain; charset=utf-8"))
        return headers


_DELIVERED: Final = _Answer(204)


class _Receiver:
    """What a webhook receiver decides, whatever reads the request: the sync and async
    classes below only move bytes."""

    def __init__(
        self,
        handler: Callable[[Call], object],
        secrets: WebhookSecrets | None,
        algorithm: SignatureAlgorithm,
        max_bytes: int,
        max_depth: int,
    ) -> None:
        if not callable(handler):
            raise TypeError(f"handler must be callable, not {type(handler).__name__}")
        for name, value in (("max_bytes", max_bytes), ("max_depth", max_depth)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive whole number, not {value!r}")
        self.handler = handler
        # Built once: secrets that cannot be keys fail here, at start-up, not per request.
        self.keys = None if secrets is None else SigningKeys(secrets, algorithm)
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    @property
    def handler_name(self) -> str:
        return str(getattr(self.handler, "__qualname__", None) or type(self.handler).__name__)

    def describe(self, kind: str) -> str:
        name = self.handler_name
        if self.keys is None:
            checks = "unsigned requests accepted"
        else:
            count = len(self.keys)
            checks = f"{count} secret{'s' if count != 1 else ''}, {self.keys.algorithm}"
        return f"<webhook {kind} app: handler={name}, {checks}, max_bytes={self.max_bytes:,}>"

    def refuse_request(self, method: str, lengths: list[str], client: str) -> _Answer | None:
        """The answer to a request that is refused before its body is read; None otherwise."""
        if method != "POST":
            # The method is the client's text: quoted, bounded, printable.
            answer = _Answer(
                405, f"a webhook is POSTed, not sent with {quoted(method)}", (("Allow", "POST"),)
            )
            return self._refused(answer, client)
        if not lengths:
            return None
        if len(lengths) > 1 or not lengths[0] or not set(lengths[0]) <= _DIGITS:
            # Two lengths, or one that is not a number: which one frames the body is ambiguous.
            return self._refused(
                _Answer(400, "the Content-Length header is not one number"), client
            )
        # Compared by length first: int() of thousands of digits is refused (or slow).
        if (
            len(lengths[0].lstrip("0")) > len(str(self.max_bytes))
            or int(lengths[0]) > self.max_bytes
        ):
            return self.too_large(client)
        return None

    def too_large(self, client: str) -> _Answer:
        return self._refused(
            _Answer(413, f"a webhook body is at most {self.max_bytes:,} bytes"), client
        )

    def length_required(self, client: str) -> _Answer:
        return self._refused(_Answer(411, "send the body with a Content-Length"), client)

    def short_body(self, received: int, announced: int, client: str) -> _Answer:
        return self._refused(
            _Answer(400, f"the body ended after {received:,} of the {announced:,} bytes announced"),
            client,
        )

    def read(self, body: bytes, headers: Iterable[tuple[str, str]], client: str) -> Call | _Answer:
        """The call a complete body holds, verified first; or the answer that refuses it."""
        try:
            if self.keys is not None:
                verify_signature(body, list(headers), self.keys)
            return read_call(body, max_bytes=self.max_bytes, max_depth=self.max_depth)
        except WebhookVerificationError as error:
            _log.warning("webhook refused (401, %s) from %s: %s", error.reason, client, error)
            return _Answer(401, f"the webhook signature is refused ({error.reason})")
        except WebhookPayloadError as error:
            _log.warning("webhook refused (400, %s) from %s: %s", error.reason, client, error)
            return _Answer(400, str(error))

    def handler_failed(self, call: Call) -> _Answer:
        """Logs the handler's exception (the one being handled) and answers 500."""
        # The traceback, the call's id: what debugging needs. Not the body (personal data).
        _log.exception("webhook handler %s failed on call %s", self.handler_name, call.id)
        return _Answer(500, "the webhook handler failed")

    def _refused(self, answer: _Answer, client: str) -> _Answer:
        _log.warning("webhook refused (%d) from %s: %s", answer.status, client, answer.text)
        return answer


class _WSGIReceiver:
    """A PEP 3333 application; see :func:`webhook_wsgi_app`."""

    def __init__(self, receiver: _Receiver) -> None:
        self._receiver = receiver

    def __repr__(self) -> str:
        return self._receiver.describe("WSGI")

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        answer = self._answer(environ)
        start_response(answer.status_line, answer.header_list())
        return [answer.body]

    def _answer(self, environ: WSGIEnvironment) -> _Answer:
        receiver = self._receiver
        client = str(environ.get("REMOTE_ADDR") or "an unknown client")
        length = str(environ.get("CONTENT_LENGTH") or "").strip()
        # WSGI servers join a repeated header with commas: two lengths are "12,12".
        lengths = [part.strip() for part in length.split(",")] if length else []
        refused = receiver.refuse_request(str(environ.get("REQUEST_METHOD", "")), lengths, client)
        if refused is not None:
            return refused
        stream = environ["wsgi.input"]
        if lengths:
            announced = int(lengths[0])
            body = _read_wsgi(stream, announced)
            if len(body) < announced:
                return receiver.short_body(len(body), announced, client)
        elif environ.get("wsgi.input_terminated"):
            # A chunked body the server frames: read to its end, no further than the limit.
            body = _read_wsgi(stream, receiver.max_bytes + 1)
            if len(body) > receiver.max_bytes:
                return receiver.too_large(client)
        else:
            return receiver.length_required(client)
        call = receiver.read(body, _wsgi_headers(environ), client)
        if isinstance(call, _Answer):
            return call
        try:
            receiver.handler(call)
        except Exception:
            return receiver.handler_failed(call)
        return _DELIVERED


def _read_wsgi(stream: Any, size: int) -> bytes:
    """Up to ``size`` bytes of ``stream``: fewer only at its end."""
    pieces: list[bytes] = []
    left = size
    while left > 0:
        piece = stream.read(min(left, _READ_SIZE))
        if not piece:
            break
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)


def _wsgi_headers(environ: WSGIEnvironment) -> list[tuple[str, str]]:
    return [
        (key[5:].replace("_", "-"), str(value))
        for key, value in environ.items()
        if key.startswith("HTTP_")
    ]


class _ASGIReceiver:
    """An ASGI 3 application; see :func:`webhook_asgi_app`."""

    def __init__(self, receiver: _Receiver) -> None:
        self._receiver = receiver
        handler = receiver.handler
        self._is_async = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
            getattr(handler, "__call__", None)  # noqa: B004 (a callable object's async __call__)
        )

    def __repr__(self) -> str:
        return self._receiver.describe("ASGI")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            # A websocket, say: closing before accepting answers 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        answer = await self._answer(scope, receive)
        if answer is not None:
            await send(
                {
                    "type": "http.response.start",
                    "status": answer.status,
                    "headers": [
                        (name.lower().encode("latin-1"), value.encode("latin-1"))
                        for name, value in answer.header_list()
                    ],
                }
            )
            await send({"type": "http.response.body", "body": answer.body})

    async def _answer(self, scope: Scope, receive: Receive) -> _Answer | None:
        """The answer; None when the client left before its body was read."""
        receiver = self._receiver
        client_address = scope.get("client")
        client = f"{client_address[0]}" if client_address else "an unknown client"
        headers = [
            (bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
            for name, value in scope.get("headers", ())
        ]
        lengths = [value.strip() for name, value in headers if name.lower() == "content-length"]
        refused = receiver.refuse_request(str(scope.get("method", "")), lengths, client)
        if refused is not None:
            return refused
        pieces: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            piece = bytes(message.get("body", b""))
            size += len(piece)
            if size > receiver.max_bytes:
                # No further than the limit, whatever the sender means to send.
                return receiver.too_large(client)
            pieces.append(piece)
            more = bool(message.get("more_body", False))
        call = receiver.read(b"".join(pieces), headers, client)
        if isinstance(call, _Answer):
            return call
        try:
            if self._is_async:
                await receiver.handler(call)  # type: ignore[misc]
            else:
                await _in_worker_thread(receiver.handler, call)
        except Exception:
            return receiver.handler_failed(call)
        return _DELIVERED


async def _in_worker_thread(handler: Callable[[Call], object], call: Call) -> None:
    """Runs a plain function off the event loop (it may block: a database write, say); awaits
    what it returns if that is awaitable (a lambda that returns a coroutine)."""
    import anyio.to_thread  # httpx's own dependency: there with this library, on any loop

    result = await anyio.to_thread.run_sync(handler, call)
    if inspect.isawaitable(result):
        await result


async def _lifespan(receive: Receive, send: Send) -> None:
    # Nothing to start or stop; answering lets the app be a server's only application.
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def webhook_wsgi_app(
    handler: Callable[[Call], object],
    *,
    secrets: WebhookSecrets | None,
    algorithm: SignatureAlgorithm = DEFAULT_SIGNATURE_ALGORITHM,
    max_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> _WSGIReceiver:
    """A WSGI application that receives the post-call webhook and calls ``handler(call)``.

    ``secrets`` is required: the webhook secret (or several during a rotation); ``None``
    accepts unsigned requests, on purpose only. Each POST's body is read (at most
    ``max_bytes``), verified, parsed into a :class:`Call` like :func:`parse_webhook` does, and
    given to ``handler``; the answer is 204 once it returns, 401 for a signature refused, 400
    for a body that is no call, 413 over the limit, 405 for another method, 500 when the
    handler raises (logged on ``volubile_ext.webhooks``). The path is not looked at: mount the
    app where your webhook URL points. The same call may arrive twice (a retried delivery):
    make the handler idempotent on ``call.id``::

        from wsgiref.simple_server import make_server

        app = webhook_wsgi_app(save_call, secrets=[os.environ["VOLUBILE_WEBHOOK_SECRET"]])
        make_server("127.0.0.1", 8000, app).serve_forever()
    """
    return _WSGIReceiver(_Receiver(handler, secrets, algorithm, max_bytes, max_depth))


def webhook_asgi_app(
    handler: Callable[[Call], object],
    *,
    secrets: WebhookSecrets | None,
    algorithm: SignatureAlgorithm = DEFAULT_SIGNATURE_ALGORITHM,
    max_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> _ASGIReceiver:
    """An ASGI application that receives the post-call webhook and calls ``handler(call)``.

    As :func:`webhook_wsgi_app`, for an async server (uvicorn, hypercorn, a framework's mount):
    the body may arrive in chunks and is read no further than ``max_bytes``; ``handler`` may
    be an ``async def`` function (awaited) or a plain one (run in a worker thread, so that it
    may block). Lifespan events are answered, so the app can be the server's only one::

        app = webhook_asgi_app(save_call, secrets=os.environ["VOLUBILE_WEBHOOK_SECRET"])
        # uvicorn module:app
    """
    return _ASGIReceiver(_Receiver(handler, secrets, algorithm, max_bytes, max_depth))
