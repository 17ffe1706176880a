"""The wire: `_wire` is the one module of volubile_ext that imports the generated package, and
what the runtime needs per attempt reaches httpx through the generated public operations."""

from __future__ import annotations

import ast
import inspect
import uuid
from pathlib import Path

import httpx
import pytest

import volubile_ext
from volubile_api.api.authentication import issue_token
from volubile_api.api.campaigns import create, get, update_status
from volubile_ext import Volubile

PACKAGE = Path(volubile_ext.__file__).parent
CAMPAIGN_ID = "497f6eca-6276-4993-bfeb-53cbbbba6f08"


def _generated_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [
            f"line {node.lineno}: {name}"
            for name in names
            if name == "volubile_api" or name.startswith("volubile_api.")
        ]
    return found


def test_only_the_wire_module_imports_the_generated_package() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): imports
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "_wire.py" or path.parent != PACKAGE
        if (imports := _generated_imports(path))
    }
    assert offenders == {}
    assert _generated_imports(PACKAGE / "_wire.py")  # the walk does see imports


@pytest.mark.parametrize(
    "operation",
    [
        get.sync_detailed,
        get.asyncio_detailed,
        create.sync_detailed,
        create.asyncio_detailed,
        update_status.sync_detailed,
        issue_token.sync_detailed,
    ],
)
def test_every_generated_operation_takes_per_request_httpx_options(operation: object) -> None:
    parameter = inspect.signature(operation).parameters["_request_options"]  # type: ignore[arg-type]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is None


def test_the_attempt_timeout_and_auth_reach_httpx_through_the_generated_operation() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": CAMPAIGN_ID, "status": "ACTIVE"})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with Volubile(
        api_key="vk_test_0123456789",
        base_url="https://api.example.test",
        http_client=http,
        timeout=httpx.Timeout(300.0),
        deadline=5.0,
    ) as client:
        campaign = client.campaigns.get(CAMPAIGN_ID)
    assert campaign.id == uuid.UUID(CAMPAIGN_ID)
    (request,) = seen
    assert str(request.url) == f"https://api.example.test/v1/campaigns/{CAMPAIGN_ID}"
    # The per-attempt timeout is clipped to what is left of the 5 s deadline ...
    timeouts = request.extensions["timeout"]
    assert all(0 < value <= 5.0 for value in timeouts.values()), timeouts
    # ... and the client's auth flow set the key, though the http_client has no auth of its own.
    assert request.headers["x-api-key"] == "vk_test_0123456789"
    http.close()


def test_an_http_client_with_another_base_url_is_refused() -> None:
    with (
        httpx.Client(base_url="https://elsewhere.test") as http,
        pytest.raises(ValueError, match="base_url"),
    ):
        Volubile(
            api_key="vk_test_0123456789", base_url="https://api.example.test", http_client=http
        )
