"""The Prism harness itself: a conformance suite that could not see a violation would prove nothing.

These tests show that the ``*/*`` rewrite makes Prism's documented errors reachable, and that a
request breaking the contract does come back with violations the watch records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.client_harness import campaign_body

from ._prism import rewrite_any_media_type_to_json
from .conftest import OUR_SPEC, ViolationWatch

VALID_CREATE = campaign_body()


def test_rewrite_maps_every_any_media_type_to_json_and_keeps_the_rest(tmp_path: Path) -> None:
    original = yaml.safe_load(OUR_SPEC.read_text(encoding="utf-8"))
    rewritten = json.loads(
        rewrite_any_media_type_to_json(OUR_SPEC, tmp_path / "spec.json").read_text("utf-8")
    )

    def media_types(document: dict[str, Any]) -> dict[tuple[str, str, str], list[str]]:
        return {
            (path, method, status): list(response.get("content", {}))
            for path, operations in document["paths"].items()
            for method, operation in operations.items()
            for status, response in operation["responses"].items()
        }

    before, after = media_types(original), media_types(rewritten)
    assert any("*/*" in types for types in before.values())
    assert not any("*/*" in types for types in after.values())
    assert before.keys() == after.keys()
    for key, types in before.items():
        assert after[key] == ["application/json" if t == "*/*" else t for t in types], key
    assert rewritten["components"] == original["components"]


def test_prism_answers_documented_errors_as_json(api_watch: ViolationWatch) -> None:
    with api_watch.sync_client() as http, api_watch.prefer(404):
        response = http.get(
            f"{api_watch.prism.url}/v1/campaigns/497f6eca-6276-4993-bfeb-53cbbbba6f08",
            headers={"X-Api-Key": "test-key"},
        )
    # Without the rewrite Prism answers 500 "Cannot find serializer for */*".
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"timestamp", "status", "message", "errors"}


def test_watch_records_what_prism_finds_wrong(api_watch: ViolationWatch) -> None:
    bad = dict(VALID_CREATE, agentId="not-a-uuid", batchSize=5000)
    with api_watch.sync_client() as http:
        response = http.post(
            f"{api_watch.prism.url}/v1/campaigns", json=bad, headers={"X-Api-Key": "test-key"}
        )
        clean = http.post(
            f"{api_watch.prism.url}/v1/campaigns",
            json=VALID_CREATE,
            headers={"X-Api-Key": "test-key"},
        )

    assert response.status_code == 400
    assert clean.status_code == 201
    [(method, path, found)] = api_watch.found
    assert (method, path) == ("POST", "/v1/campaigns")
    assert sorted(tuple(item["location"]) for item in found) == [
        ("request", "body", "agentId"),
        ("request", "body", "batchSize"),
    ]
    api_watch.found.clear()  # seen and checked: the fixture's own check must not fail on it


def test_watch_records_a_missing_credential(api_watch: ViolationWatch) -> None:
    with api_watch.sync_client() as http:
        response = http.post(f"{api_watch.prism.url}/v1/campaigns", json=VALID_CREATE)

    assert response.status_code == 401
    [(_, _, found)] = api_watch.found
    assert [item["code"] for item in found] == [401]
    api_watch.found.clear()


@pytest.mark.anyio
async def test_async_watch_records_violations_too(api_watch: ViolationWatch) -> None:
    async with api_watch.async_client() as http:
        response = await http.post(
            f"{api_watch.prism.url}/v1/campaigns/497f6eca-6276-4993-bfeb-53cbbbba6f08/status",
            content=b'"DONE"',
            headers={"X-Api-Key": "test-key", "Content-Type": "application/json"},
        )

    assert response.status_code == 400
    assert len(api_watch.found) == 1
    api_watch.found.clear()


def test_prism_is_stopped_when_the_context_ends(tmp_path: Path) -> None:
    from ._prism import prism_on

    with prism_on(OUR_SPEC, tmp_path) as prism:
        url = prism.url
        assert httpx.get(url + "/", timeout=2).status_code == 404
    try:
        httpx.get(url + "/", timeout=2)
    except httpx.ConnectError:
        pass
    else:
        raise AssertionError(f"Prism still answers on {url} after the context ended")
