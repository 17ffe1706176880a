"""A loopback HTTP server that answers from a script and records what it actually received.

Client tests use it to count the requests a server really got (retries are judged by that, not
by mocks), to answer with any status, header or body, to stall past a client's timeout, and to
drop connections before or after reading a request.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs


@attrs.frozen
class Reply:
    """Answer with this status, JSON body (or raw bytes) and headers, after ``delay`` seconds."""

    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = attrs.field(factory=dict)
    delay: float = 0.0


@attrs.frozen
class Drop:
    """Close the connection without answering, after reading the request."""


Action = Reply | Drop | Callable[["Received"], "Reply | Drop"]


@attrs.frozen
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class ScriptedServer:
    """Serve ``script`` actions in order, then ``default`` forever. Thread-safe."""

    def __init__(self, default: Action | None = None, *, port: int = 0) -> None:
        self._script: deque[Action] = deque()
        self._default: Action = default or Reply(200, json={})
        self._lock = threading.Lock()
        self.received: list[Received] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record = Received(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                    time.monotonic(),
                )
                action = server._next(record)
                if isinstance(action, Drop):
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action.delay:
                    time.sleep(action.delay)
                payload = (
                    action.body
                    if action.body is not None
                    else json.dumps(action.json).encode()
                    if action.json is not None
                    else b""
                )
                head = [f"HTTP/1.1 {action.status} X"]
                headers = {"Content-Length": str(len(payload))}
                if action.json is not None and action.body is None:
                    headers["Content-Type"] = "application/json"
                headers.update(action.headers)
                head += [f"{name}: {value}" for name, value in headers.items()]
                try:
                    self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
                except OSError:
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def _next(self, record: Received) -> Reply | Drop:
        with self._lock:
            self.received.append(record)
            action = self._script.popleft() if self._script else self._default
        return action(record) if callable(action) else action

    def then(self, *actions: Action) -> ScriptedServer:
        """Queue actions for the next requests, in order."""
        with self._lock:
            self._script.extend(actions)
        return self

    def count(self, method: str | None = None, path: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for record in self.received
                if (method is None or record.method == method)
                and (path is None or record.path == path)
            )

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def free_port() -> int:
    """A loopback port with nothing listening on it (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
