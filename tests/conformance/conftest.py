"""Fixtures of the conformance suite: Prism mocks and httpx clients that watch for violations."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import ROOT

from ._prism import PrismMock, PrismUnavailable, ensure_prism_installed, prism_on, violations

OUR_SPEC = ROOT / "openapi.yaml"
# The vendor's published create-campaign spec, kept verbatim inside the repository (vendor/README.md
# says where it comes from), so that a fresh clone runs every test with nothing beside it.
VENDOR_SPEC = ROOT / "vendor" / "vendor-create-campaign.openapi.yaml"


@pytest.fixture(scope="session")
def prism_installed() -> Path:
    try:
        return ensure_prism_installed()
    except PrismUnavailable as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def prism_api(
    prism_installed: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismMock]:
    """Prism serving our openapi.yaml (with ``*/*`` as JSON), for the whole session."""
    with prism_on(OUR_SPEC, tmp_path_factory.mktemp("prism-api")) as prism:
        yield prism


@pytest.fixture(scope="session")
def prism_api_dynamic(
    prism_installed: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismMock]:
    """Prism on our openapi.yaml answering random schema-valid responses (``--dynamic``)."""
    with prism_on(OUR_SPEC, tmp_path_factory.mktemp("prism-dynamic"), dynamic=True) as prism:
        yield prism


@pytest.fixture(scope="session")
def prism_vendor(
    prism_installed: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismMock]:
    """Prism serving the vendor's published create-campaign spec (``*/*`` as JSON)."""
    if not VENDOR_SPEC.exists():
        pytest.fail(
            f"the vendor's spec is missing: {VENDOR_SPEC} (part of the repository: restore it)"
        )
    with prism_on(VENDOR_SPEC, tmp_path_factory.mktemp("prism-vendor")) as prism:
        yield prism


class ViolationWatch:
    """httpx clients for the Volubile client (``http_client=``) that record Prism's verdicts.

    Every response's ``sl-violations`` header is recorded with the request it answers, so a
    test can assert that nothing the client sent broke the contract. ``prefer(code)`` makes
    Prism answer with a documented status (its ``Prefer: code=NNN`` header) to drive error paths.
    """

    def __init__(self, prism: PrismMock) -> None:
        self.prism = prism
        self.found: list[tuple[str, str, list[dict[str, Any]]]] = []
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response] = []
        self._prefer: str | None = None

    @contextlib.contextmanager
    def prefer(self, status: int) -> Iterator[None]:
        self._prefer = f"code={status}"
        try:
            yield
        finally:
            self._prefer = None

    def _on_request(self, request: httpx.Request) -> None:
        if self._prefer is not None:
            request.headers["Prefer"] = self._prefer
        self.requests.append(request)

    def _on_response(self, response: httpx.Response) -> None:
        self.responses.append(response)
        found = violations(response)
        if found:
            request = response.request
            self.found.append((request.method, request.url.path, found))

    async def _on_request_async(self, request: httpx.Request) -> None:
        self._on_request(request)

    async def _on_response_async(self, response: httpx.Response) -> None:
        self._on_response(response)

    def sync_client(self) -> httpx.Client:
        return httpx.Client(
            event_hooks={"request": [self._on_request], "response": [self._on_response]}
        )

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            event_hooks={"request": [self._on_request_async], "response": [self._on_response_async]}
        )

    def assert_clean(self) -> None:
        """Fail, with Prism's own words, if any request so far broke the contract."""
        assert self.found == [], (
            "Prism reported contract violations:\n"
            + "\n".join(f"{method} {path}: {found}" for method, path, found in self.found)
            + f"\n--- Prism log ---\n{self.prism.log_tail()}"
        )


@pytest.fixture
def api_watch(prism_api: PrismMock) -> Iterator[ViolationWatch]:
    watch = ViolationWatch(prism_api)
    yield watch
    watch.assert_clean()


@pytest.fixture
def dynamic_watch(prism_api_dynamic: PrismMock) -> Iterator[ViolationWatch]:
    watch = ViolationWatch(prism_api_dynamic)
    yield watch
    watch.assert_clean()


@pytest.fixture
def vendor_watch(prism_vendor: PrismMock) -> ViolationWatch:
    # No automatic check at teardown: one test here expects a violation on purpose.
    return ViolationWatch(prism_vendor)
