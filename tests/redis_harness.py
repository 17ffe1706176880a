"""A real ``redis-server`` on a free loopback port, for the tests of the Redis limiter and journal.

The tests start it themselves (``.ci/run`` installs the Debian package). Without the binary they
are skipped with a message that says how to run them; the rest of the suite does not need it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server")
SKIP_REASON = (
    "needs a real Redis server: install it (as root: apt-get install -y redis-server; "
    "redis-py comes with the dev extra) and run pytest again, or run bash .ci/run, which does both"
)
# .ci/run sets it: there a missing redis-server is a failure, not a skip.
REQUIRED = os.environ.get("VOLUBILE_REQUIRE_REDIS") == "1"
needs_redis = pytest.mark.skipif(REDIS_SERVER is None and not REQUIRED, reason=SKIP_REASON)


def _missing() -> None:
    if REQUIRED:
        pytest.fail("VOLUBILE_REQUIRE_REDIS=1 but redis-server is not on PATH: " + SKIP_REASON)
    pytest.skip(SKIP_REASON)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1; :meth:`stop` and :meth:`start` again on the
    same port (to lose Redis mid-run and bring it back)."""

    def __init__(self, directory: Path, *, appendonly: bool = False) -> None:
        self.directory = directory
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert REDIS_SERVER is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        arguments = [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            "always",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ]
        self.process = subprocess.Popen(
            arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            if self._answers():
                return self
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("redis-server did not answer within 15 s")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One Redis for the session; tests keep apart by using keys of their own."""
    if REDIS_SERVER is None:
        _missing()
    # Persistent as a journal's Redis should be (appendonly, fsync at every write).
    server = RedisServer(tmp_path_factory.mktemp("redis"), appendonly=True).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of the test's own, which it may stop (Redis lost) and start again."""
    if REDIS_SERVER is None:
        _missing()
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_key(request: pytest.FixtureRequest) -> str:
    """A key no other test uses."""
    return (
        f"test-{request.node.name}-{time.monotonic_ns()}"[:150].replace("[", "-").replace("]", "")
    )
