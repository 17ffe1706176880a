"""Stoplight Prism as an independent mock of the Volubile API, for the conformance suite.

Prism reads an OpenAPI document and answers every request with a response the document allows;
when a request breaks the document (a body that fails its schema, a missing credential, a wrong
content type) it says so in an ``sl-violations`` response header. Driving our client against it
proves, with a tool we did not write, that what the client sends is what the contract accepts.

Prism is an npm package, pinned in ``package.json`` / ``package-lock.json`` beside this file and
installed into ``node_modules/`` here (never globally) by ``npm ci``: ``.ci/run`` does it up front,
and :func:`ensure_prism_installed` does it on a developer's fresh clone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import yaml

CONFORMANCE_DIR = Path(__file__).resolve().parent
PRISM_BIN = CONFORMANCE_DIR / "node_modules" / ".bin" / "prism"
STARTUP_TIMEOUT = 60.0
JSON = "application/json"


class PrismUnavailable(Exception):
    """npm is not on PATH, so Prism cannot be installed: the suite is skipped, not failed."""


def ensure_prism_installed() -> Path:
    """Return the path of the ``prism`` executable, installing the pinned version if missing.

    ``npm ci`` installs exactly what package-lock.json records, so every machine runs the same
    Prism. Raises :class:`PrismUnavailable` when npm is not on PATH.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise PrismUnavailable("npm is not on PATH; install Node.js 20+ to run the Prism suite")
    if not PRISM_BIN.exists():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=CONFORMANCE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"npm ci in {CONFORMANCE_DIR} failed ({result.returncode}):\n"
                + result.stderr[-3000:]
            )
    return PRISM_BIN


def any_media_type_as_json(document: Any) -> Any:
    """Map every ``*/*`` media type of an OpenAPI document to ``application/json``, in place.

    The vendor declares its error responses as ``*/*``; Prism cannot serialise a body for that
    media type and answers 500 instead of the documented error (generator-trial.md, section 4),
    and a response validator has no schema to hold a ``*/*`` body to. The real server answers
    JSON, so the document is made to say so. Everything else is kept as is. Returns
    ``document``.
    """
    if isinstance(document, dict):
        content = document.get("content")
        if isinstance(content, dict) and "*/*" in content:
            if JSON in content:
                raise ValueError(f"a response declares both */* and {JSON}")
            # Rebuilt rather than renamed in place so the media types keep their order.
            document["content"] = {
                (JSON if media == "*/*" else media): body for media, body in content.items()
            }
        for value in document.values():
            any_media_type_as_json(value)
    elif isinstance(document, list):
        for value in document:
            any_media_type_as_json(value)
    return document


def load_with_json_media(source: Path) -> dict[str, Any]:
    """Read an OpenAPI document (YAML or JSON) with every ``*/*`` media type as JSON."""
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{source} is not an OpenAPI document")
    any_media_type_as_json(document)
    return document


def rewrite_any_media_type_to_json(source: Path, destination: Path) -> Path:
    """Copy an OpenAPI document to ``destination`` (as JSON) with ``*/*`` media types as JSON."""
    destination.write_text(json.dumps(load_with_json_media(source), indent=1), encoding="utf-8")
    return destination


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PrismMock:
    """A ``prism mock`` process serving one OpenAPI document on 127.0.0.1.

    With ``dynamic``, every response is generated at random from its schema (optional fields
    left out or not, extreme values) rather than taken from the document's examples. Use it
    as a context manager: on entry it starts Prism on a free port and waits until it
    answers HTTP; on exit it stops the process (and any child Node spawned). ``url`` is the base
    URL to give the client.
    """

    def __init__(self, spec: Path, *, log_path: Path, dynamic: bool = False) -> None:
        self.spec = spec
        self.log_path = log_path
        self.dynamic = dynamic
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> PrismMock:
        prism = ensure_prism_installed()
        # Another process may take the port between the probe and Prism's bind: then Prism
        # exits at once, and trying again with a new port is all it takes.
        for _attempt in range(3):
            port = _free_port()
            self.url = f"http://127.0.0.1:{port}"
            with self.log_path.open("wb") as log:
                # A session of its own, so that stopping it reaches Node's children as well.
                # --dynamic: a random schema-valid response each time instead of the examples.
                self._process = subprocess.Popen(
                    [str(prism), "mock", "-h", "127.0.0.1", "-p", str(port), str(self.spec)]
                    + (["--dynamic"] if self.dynamic else []),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._wait_until_answering():
                return self
            self._stop()
        raise RuntimeError(f"Prism did not start on {self.spec}:\n{self.log_tail()}")

    def __exit__(self, *exc_info: object) -> None:
        self._stop()

    def log_tail(self, size: int = 3000) -> str:
        """The end of Prism's own log (what it received and what it found wrong)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-size:]
        except OSError:
            return "(no log)"

    def _wait_until_answering(self) -> bool:
        assert self._process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                # Any HTTP answer will do (Prism says 404 for "/"): the listener is up.
                httpx.get(self.url + "/", timeout=1.0)
            except httpx.TransportError:
                time.sleep(0.1)
            else:
                return True
        return False

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def prism_on(spec: Path, workdir: Path, *, dynamic: bool = False) -> Iterator[PrismMock]:
    """Start Prism on a ``*/*``-to-JSON copy of ``spec`` made in ``workdir``; stop it after."""
    served = rewrite_any_media_type_to_json(spec, workdir / f"{spec.stem}.json-media.json")
    log = workdir / f"{spec.stem}{'.dynamic' if dynamic else ''}.prism.log"
    with PrismMock(served, log_path=log, dynamic=dynamic) as prism:
        yield prism


def violations(response: httpx.Response) -> list[dict[str, Any]]:
    """The request violations Prism reported for ``response`` (empty when the request conformed).

    The ``sl-violations`` header is a JSON array of ``{location, severity, code, message}``.
    """
    header = response.headers.get("sl-violations")
    if header is None:
        return []
    parsed = json.loads(header)
    return parsed if isinstance(parsed, list) else [parsed]
