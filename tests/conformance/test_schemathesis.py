"""The sandbox against openapi.yaml, as schemathesis sees it: no 5xx, every response documented.

schemathesis generates requests for every operation from the contract (valid ones, and in
negative mode requests that break it) and checks each response: not a server error, a status
code the operation documents, the documented content type, a body that matches the
documented schema, and a 4xx for every request that breaks the schema. The contract is
openapi.yaml with its ``*/*`` error media types read as JSON (ARCHITECTURE.md, "Known defects
of the vendor's spec", 1), so error bodies are held to the ``ErrorResponse`` schema too.

Not checked: ``positive_data_acceptance`` (a schema-valid request must succeed). The API's
rules written only in prose (calling hours, ``retry.delay >= 1`` when ``retry.max > 0``, E.164
beyond the pattern, a required ``retry.max``) make the sandbox rightly refuse requests the
schema allows; ARCHITECTURE.md, "Known defects of the vendor's spec", 5.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

from tests.client_harness import (
    CAMPAIGN_ID,
    FULL_CAMPAIGN_BODY,
    MIXED_RECIPIENTS,
    campaign_body,
    create_campaign,
)
from volubile_ext.testing import ErrorStatus, NonJSONBody, Sandbox, UnknownValues

from ._prism import load_with_json_media
from .conftest import OUR_SPEC

schema = schemathesis.openapi.from_dict(load_with_json_media(OUR_SPEC))
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    # Credentials come from the test (the sandbox's key), not from generated garbage: a random
    # X-Api-Key only ever meets a 401, which tells nothing about the rest of the contract.
    with_security_parameters=False,
    # No example database in the working tree: every run starts from the same settings.
    database="none",
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    # Not the shared (per-test) sandbox: one for the module, since hypothesis runs many examples
    # in one test. No rate limit: thousands of generated requests must meet the operations.
    with Sandbox(rate_limit=None) as sb:
        yield sb


def _created_id(sandbox: Sandbox, name: str = "Conformance") -> str:
    campaign = create_campaign(sandbox.url, sandbox.api_key, name, recipients=MIXED_RECIPIENTS)
    return str(campaign.id)


@pytest.fixture(scope="module")
def stored_ids(sandbox: Sandbox) -> dict[str, list[str]]:
    """Campaigns, agents and calls for the generated reads and changes to find (else all
    would be 404), by the first segment of their path."""
    calls = [
        sandbox.add_call(status="COMPLETED").id,  # with a recording and a conversation
        sandbox.add_call(status="NO_ANSWER", campaign="Conformance").id,
        sandbox.add_call(status="IN_PROGRESS", transcript={"action": "RING"}).id,
    ]
    return {
        "campaigns": [_created_id(sandbox, f"Conformance {index}") for index in range(4)],
        "agents": [Sandbox.OUTBOUND_AGENT_ID, Sandbox.INBOUND_AGENT_ID],
        "calls": calls,
    }


def _address_a_stored_resource(case: Any, stored_ids: dict[str, list[str]]) -> None:
    # Half of the generated ids (chosen by a hash of the id, so a failing example replays the
    # same way) are swapped for a stored campaign's, agent's or call's: 200 responses and
    # changes are checked too, not only 404s. Negative examples keep their broken ids.
    parameters = case.path_parameters
    if not parameters or "id" not in parameters or case.meta.generation.mode.is_negative:
        return
    pool = stored_ids[case.operation.path.split("/")[2]]
    digest = int(hashlib.sha256(str(parameters["id"]).encode()).hexdigest(), 16)
    if digest % 2 == 0:
        parameters["id"] = pool[digest // 2 % len(pool)]


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_sandbox_conforms_to_openapi_yaml(
    case: Any, sandbox: Sandbox, stored_ids: dict[str, list[str]]
) -> None:
    _address_a_stored_resource(case, stored_ids)
    case.call_and_validate(
        base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}, checks=CHECKS
    )


VALID_CREATE = campaign_body(FULL_CAMPAIGN_BODY)
UNKNOWN_ID = CAMPAIGN_ID


def _validate(
    sandbox: Sandbox,
    method: str,
    path: str,
    *,
    headers: dict[str, str],
    body: Any = None,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, Any] | None = None,
) -> int:
    operation = schema[path][method]
    kwargs: dict[str, Any] = {"path_parameters": path_parameters or {}}
    if query is not None:
        kwargs["query"] = query
    if body is not None:
        kwargs["body"] = body
        kwargs["media_type"] = "application/json"
    case = operation.Case(**kwargs)
    response = case.call_and_validate(
        base_url=sandbox.url,
        headers=headers,
        checks=CHECKS[:-1],  # these requests are valid
    )
    status: int = response.status_code
    return status


def test_documented_answers_to_valid_requests_conform(sandbox: Sandbox) -> None:
    """The paths generated requests rarely reach: a full create, transitions, 401, 403, 404."""
    key = {"X-Api-Key": sandbox.api_key}
    reader = {"Authorization": f"Bearer {sandbox.issue_token(['campaigns:read'])}"}
    campaigns = "/v1/campaigns"
    one = "/v1/campaigns/{id}"
    status = "/v1/campaigns/{id}/status"

    assert _validate(sandbox, "POST", campaigns, headers=key, body=VALID_CREATE) == 201
    created = sandbox.campaigns()[-1].id
    ids = {"id": created}
    assert _validate(sandbox, "GET", one, headers=key, path_parameters=ids) == 200
    assert _validate(sandbox, "GET", one, headers=reader, path_parameters=ids) == 200
    for target, expected in (("PAUSED", 200), ("ACTIVE", 200), ("CANCELLED", 200), ("ACTIVE", 400)):
        answer = _validate(sandbox, "POST", status, headers=key, body=target, path_parameters=ids)
        assert answer == expected, target
    assert _validate(sandbox, "GET", one, headers=key, path_parameters={"id": UNKNOWN_ID}) == 404
    assert (
        _validate(
            sandbox, "POST", status, headers=key, body="PAUSED", path_parameters={"id": UNKNOWN_ID}
        )
        == 404
    )
    # Scopes: a read-only token may not create or change a status.
    assert _validate(sandbox, "POST", campaigns, headers=reader, body=VALID_CREATE) == 403
    assert (
        _validate(sandbox, "POST", status, headers=reader, body="PAUSED", path_parameters=ids)
        == 403
    )
    # Tokens: minted from a key, refused from a bearer token.
    token = "/v1/auth/token"
    scope = {"scope": ["campaigns:read", "campaigns:write"]}
    assert _validate(sandbox, "POST", token, headers=key, body=scope) == 200
    assert _validate(sandbox, "POST", token, headers=reader, body=scope) == 403
    # No credentials, or a wrong key.
    for headers in ({}, {"X-Api-Key": "not-a-key"}):
        assert _validate(sandbox, "POST", campaigns, headers=headers, body=VALID_CREATE) == 401
        assert _validate(sandbox, "GET", one, headers=headers, path_parameters=ids) == 401
        assert _validate(sandbox, "POST", token, headers=headers, body=scope) == 401


def test_documented_answers_of_agents_and_calls_conform(sandbox: Sandbox) -> None:
    """Every agents and calls operation, on the answers generated requests rarely reach."""
    key = {"X-Api-Key": sandbox.api_key}
    reader = {"Authorization": f"Bearer {sandbox.issue_token(['calls:read'])}"}
    agent = {"id": Sandbox.OUTBOUND_AGENT_ID}
    # The generated PATCHes of the module's other test may have paused or archived the agent.
    changes = {"name": "Renewals", "recordable": True, "active": True, "archived": False}
    assert (
        _validate(
            sandbox, "PATCH", "/v1/agents/{id}", headers=key, body=changes, path_parameters=agent
        )
        == 200
    )
    answered = {"id": sandbox.add_call(status="COMPLETED", campaign="Valid", recorded=True).id}
    bare = {"id": sandbox.add_call(status="NO_ANSWER", transcript={"action": "RING"}).id}
    unknown = {"id": UNKNOWN_ID}

    assert _validate(sandbox, "GET", "/v1/agents", headers=key, query={"size": 1}) == 200
    assert _validate(sandbox, "GET", "/v1/agents/{id}", headers=key, path_parameters=agent) == 200
    filters = {
        "campaign": "Valid",
        "from": "2020-01-01",
        "to": "2099-12-31",
        "sort": "duration,ASC",
    }
    assert _validate(sandbox, "GET", "/v1/calls", headers=reader, query=filters) == 200
    assert _validate(sandbox, "GET", "/v1/calls", headers=key, query={"from": "2020-01-01"}) == 400
    for path in ("/v1/calls/{id}", "/v1/calls/{id}/transcript", "/v1/calls/{id}/recording"):
        assert _validate(sandbox, "GET", path, headers=reader, path_parameters=answered) == 200
        assert _validate(sandbox, "GET", path, headers=key, path_parameters=unknown) == 404
        assert _validate(sandbox, "GET", path, headers={}, path_parameters=answered) == 401
    assert (
        _validate(sandbox, "GET", "/v1/calls/{id}/transcript", headers=key, path_parameters=bare)
        == 200
    )
    assert (
        _validate(sandbox, "GET", "/v1/calls/{id}/recording", headers=key, path_parameters=bare)
        == 404
    )
    create = {"agentId": Sandbox.OUTBOUND_AGENT_ID, "recipient": {"phone": "+33612345678"}}
    assert _validate(sandbox, "POST", "/v1/calls", headers=key, body=create) == 201
    assert _validate(sandbox, "POST", "/v1/calls", headers=reader, body=create) == 403
    inbound = {**create, "agentId": Sandbox.INBOUND_AGENT_ID}
    assert _validate(sandbox, "POST", "/v1/calls", headers=key, body=inbound) == 400
    missing = {**create, "agentId": UNKNOWN_ID}
    assert _validate(sandbox, "POST", "/v1/calls", headers=key, body=missing) == 404
    assert _validate(sandbox, "GET", "/v1/agents", headers=reader) == 403


def test_rate_limited_answers_conform() -> None:
    with Sandbox(rate_limit=(1, 60.0)) as limited:
        key = {"X-Api-Key": limited.api_key}
        ids = {"id": UNKNOWN_ID}
        assert (
            _validate(limited, "GET", "/v1/campaigns/{id}", headers=key, path_parameters=ids) == 404
        )
        for method, path, body, parameters in (
            ("GET", "/v1/campaigns/{id}", None, ids),
            ("POST", "/v1/campaigns", VALID_CREATE, None),
            ("POST", "/v1/campaigns/{id}/status", "PAUSED", ids),
            ("POST", "/v1/auth/token", {"scope": ["campaigns:read"]}, None),
            ("GET", "/v1/agents", None, None),
            ("GET", "/v1/agents/{id}", None, ids),
            ("PATCH", "/v1/agents/{id}", {"name": "x"}, ids),
            ("GET", "/v1/calls", None, None),
            ("POST", "/v1/calls", {"agentId": UNKNOWN_ID}, None),
            ("GET", "/v1/calls/{id}", None, ids),
            ("GET", "/v1/calls/{id}/transcript", None, ids),
            ("GET", "/v1/calls/{id}/recording", None, ids),
        ):
            answer = _validate(
                limited, method, path, headers=key, body=body, path_parameters=parameters
            )
            assert answer == 429, (method, path)


@pytest.mark.parametrize(
    ("fault", "found"),
    [
        (UnknownValues(), "JsonSchemaError"),
        (NonJSONBody(status=502), "ServerError"),
        (ErrorStatus(418), "UndefinedStatusCode"),
    ],
    ids=["unknown-enum-value", "html-502", "undocumented-status"],
)
def test_the_checks_do_catch_a_non_conforming_answer(fault: Any, found: str) -> None:
    # Proof that the suite above can fail: the same checks on answers the sandbox's fault
    # injection makes non-conforming on purpose.
    with Sandbox(rate_limit=None) as faulty:
        created = _created_id(faulty)
        faulty.inject(fault, method="GET")
        with pytest.raises(FailureGroup) as failures:
            _validate(
                faulty,
                "GET",
                "/v1/campaigns/{id}",
                headers={"X-Api-Key": faulty.api_key},
                path_parameters={"id": created},
            )
    assert found in {type(failure).__name__ for failure in failures.value.exceptions}


@pytest.mark.parametrize(
    ("path", "fault", "found"),
    [
        ("/v1/calls/{id}", UnknownValues(), "JsonSchemaError"),
        (
            "/v1/calls/{id}/transcript",
            UnknownValues(extra_fields={"action": "SING"}),
            "JsonSchemaError",
        ),
        (
            "/v1/calls/{id}/recording",
            NonJSONBody(status=200, body="not audio", content_type="text/plain", apply=True),
            "UndefinedContentType",
        ),
    ],
    ids=["unknown-call-status", "unknown-transcript-action", "recording-not-audio"],
)
def test_the_checks_do_catch_a_non_conforming_call_answer(
    path: str, fault: Any, found: str
) -> None:
    # The same proof for the calls operations: a closed enum and the audio media type are held.
    with Sandbox(rate_limit=None) as faulty:
        call = faulty.add_call(status="COMPLETED", transcript={"action": "RING"})
        faulty.inject(fault, method="GET")
        with pytest.raises(FailureGroup) as failures:
            _validate(
                faulty,
                "GET",
                path,
                headers={"X-Api-Key": faulty.api_key},
                path_parameters={"id": call.id},
            )
    assert found in {type(failure).__name__ for failure in failures.value.exceptions}
