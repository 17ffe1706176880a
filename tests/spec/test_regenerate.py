"""scripts/regenerate.py: drift check, determinism, change summary, pinned generator."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import regenerate
from tests import ROOT

SCRIPT = ROOT / "scripts" / "regenerate.py"
COMMITTED = ROOT / "generated" / "volubile_api"


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


@pytest.fixture
def committed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "volubile_api"
    shutil.copytree(COMMITTED, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def edited_spec(tmp_path: Path, edit: Callable[[dict[str, Any]], object]) -> Path:
    """A copy of openapi.yaml in ``tmp_path`` with ``edit`` applied to its schemas."""
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    edit(document["components"]["schemas"])
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return spec


def spec_with_new_field(tmp_path: Path) -> Path:
    return edited_spec(
        tmp_path,
        lambda schemas: schemas["CampaignResponse"]["properties"].update(
            archivedAt={
                "type": "string",
                "format": "date-time",
                "description": "When the campaign was archived",
            }
        ),
    )


def run_with_package(package: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where ``import volubile_api`` is ``package``."""
    environment = {**os.environ, "PYTHONPATH": str(package.parent)}
    return subprocess.run(
        [sys.executable, "-c", CALL_GET + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        cwd=package.parent,
        env=environment,
        timeout=120,
    )


# Probe prelude: `get(*answers)` calls the generated GET /v1/campaigns/{id} once per answer
# (a status and httpx.Response options) over a mock transport; it returns the Responses.
CALL_GET = """
import uuid
import httpx
from volubile_api import Client
from volubile_api.api.campaigns import get as get_operation

def get(*answers):
    replies = iter(answers)

    def reply(request):
        status, options = next(replies)
        return httpx.Response(status, **options)

    transport = httpx.MockTransport(reply)
    client = Client(base_url="https://api.example.test")
    client.set_httpx_client(httpx.Client(base_url="https://api.example.test", transport=transport))
    return [get_operation.sync_detailed(uuid.uuid4(), client=client) for _ in answers]
"""


def printed(package: Path, code: str) -> list[str]:
    """The lines ``code`` prints, run as :func:`run_with_package` runs it; it must succeed."""
    probe = run_with_package(package, code)
    assert probe.returncode == 0, probe.stderr
    return probe.stdout.splitlines()


def mypy_with_package(
    package: Path, cache: Path, *targets: str
) -> subprocess.CompletedProcess[str]:
    """Run mypy (the project's settings) on ``targets`` where ``volubile_api`` is ``package``."""
    mypy = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")]
    return subprocess.run(
        [*mypy, "--no-incremental", "--cache-dir", str(cache), *targets],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(package.parent)},
        timeout=300,
    )


def regenerated(spec: Path, target: Path) -> str:
    """Regenerate ``target`` from ``spec``; the summary printed."""
    result = run_script("--spec", spec, "--target", target)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_check_passes_on_committed_tree() -> None:
    result = run_script("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_check_fails_with_diff_when_a_generated_file_is_edited(committed_copy: Path) -> None:
    model = committed_copy / "models" / "campaign_response.py"
    model.write_text(model.read_text(encoding="utf-8") + "\n# edited by hand\n", encoding="utf-8")
    result = run_script("--check", "--target", committed_copy)
    assert result.returncode == 1
    assert "-# edited by hand" in result.stdout
    assert "models changed: campaign_response" in result.stdout
    assert "python scripts/regenerate.py" in result.stdout


def test_check_fails_when_a_stale_file_is_left_behind(committed_copy: Path) -> None:
    (committed_copy / "models" / "leftover.py").write_text("X = 1\n", encoding="utf-8")
    result = run_script("--check", "--target", committed_copy)
    assert result.returncode == 1
    assert "models removed: leftover" in result.stdout


def test_check_fails_when_spec_changes_without_regeneration(
    tmp_path: Path, committed_copy: Path
) -> None:
    spec = spec_with_new_field(tmp_path)
    result = run_script("--check", "--spec", spec, "--target", committed_copy)
    assert result.returncode == 1
    assert "archived_at" in result.stdout


def test_spec_change_regenerates_and_summary_names_the_field(
    tmp_path: Path, committed_copy: Path
) -> None:
    spec = spec_with_new_field(tmp_path)
    result = run_script("--spec", spec, "--target", committed_copy)
    assert result.returncode == 0, result.stderr
    assert "models changed: campaign_response — CampaignResponse (+archived_at)" in result.stdout
    source = (committed_copy / "models" / "campaign_response.py").read_text(encoding="utf-8")
    assert "archived_at: datetime.datetime | Unset = UNSET" in source
    # The regenerated tree is what --check now expects.
    assert run_script("--check", "--spec", spec, "--target", committed_copy).returncode == 0


def test_regeneration_replaces_the_tree_wholesale(committed_copy: Path) -> None:
    stale = committed_copy / "api" / "campaigns" / "removed_operation.py"
    stale.write_text("X = 1\n", encoding="utf-8")
    result = run_script("--target", committed_copy)
    assert result.returncode == 0, result.stderr
    assert "operations removed: campaigns/removed_operation" in result.stdout
    assert not stale.exists()
    assert regenerate.snapshot(committed_copy) == regenerate.snapshot(COMMITTED)


def test_two_regenerations_are_byte_identical(tmp_path: Path) -> None:
    first = regenerate.generate(regenerate.SPEC, tmp_path / "one")
    second = regenerate.generate(regenerate.SPEC, tmp_path / "two")
    assert regenerate.snapshot(first) == regenerate.snapshot(second)
    assert (first / "py.typed").exists()
    assert not any(first.rglob(".ruff_cache"))


def test_refuses_another_generator_version(monkeypatch: pytest.MonkeyPatch) -> None:
    real_version = importlib.metadata.version

    def fake_version(name: str) -> str:
        return "0.1.0" if name == "openapi-python-client" else real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", fake_version)
    with pytest.raises(regenerate.RegenerationError) as caught:
        regenerate.check_tool_versions()
    message = str(caught.value)
    assert "openapi-python-client==0.29.1 is required" in message
    assert "version 0.1.0 is installed" in message
    assert "pip install 'openapi-python-client==0.29.1'" in message


def test_invalid_spec_is_refused_before_generation(tmp_path: Path, committed_copy: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.0.1\ninfo: {title: x}\npaths: {}\n", encoding="utf-8")
    result = run_script("--spec", spec, "--target", committed_copy)
    assert result.returncode == 2
    assert "is not a valid OpenAPI document" in result.stderr
    assert regenerate.snapshot(committed_copy) == regenerate.snapshot(COMMITTED)


def test_spec_is_valid_and_keeps_its_evidence_and_fix_notes() -> None:
    regenerate.validate_spec(regenerate.SPEC)
    text = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    assert text.count("x-volubile-evidence") >= 4
    assert text.count("x-volubile-fix") >= 8


def test_generated_readme_says_do_not_edit() -> None:
    readme = (COMMITTED / "README.md").read_text(encoding="utf-8")
    assert "do not edit" in readme.lower()


# --- Scenarios of issue 10: a spec edit, regenerated, behaves as stated ---------------------


def test_a_status_only_responses_carry_regenerates_and_reads_back(
    tmp_path: Path, committed_copy: Path
) -> None:
    # Scenario (b): a campaign state the client cannot set. When one enum served both the
    # response and the status update, this edit made regeneration fail.
    spec = edited_spec(
        tmp_path,
        lambda schemas: schemas["CampaignResponse"]["properties"]["status"]["enum"].append(
            "COMPLETED"
        ),
    )
    summary = regenerated(spec, committed_copy)
    assert "models changed: campaign_status — CampaignStatus (+COMPLETED)" in summary
    assert "campaign_status_update" not in summary  # what a client can ask for is unchanged
    assert "~CampaignResponse.status.enum" in summary  # the spec table follows
    lines = printed(
        committed_copy,
        """
        from volubile_api.models import CampaignStatus, CampaignStatusUpdate

        (response,) = get((200, {"json": {"status": "COMPLETED", "name": "Renewals"}}))
        print(response.parse_error, response.parsed.status is CampaignStatus.COMPLETED)
        print("COMPLETED" in CampaignStatusUpdate.__members__)

        # The client still refuses to ask for it, and the sandbox to set it.
        from volubile_ext import ClientValidationError, Volubile
        from volubile_ext.testing import Sandbox
        with Sandbox() as sandbox, Volubile(sandbox.api_key, base_url=sandbox.url) as volubile:
            try:
                volubile.campaigns.set_status(uuid.uuid4(), "COMPLETED")
            except ClientValidationError as error:
                print(error.errors[0].field)
            reply = httpx.post(f"{sandbox.url}/v1/campaigns/{uuid.uuid4()}/status",
                               json="COMPLETED", headers={"X-Api-Key": sandbox.api_key})
            print(reply.status_code, sandbox.count("POST", applied=True))
        """,
    )
    assert lines == ["None True", "False", "status", "400 0"]


def test_a_new_optional_response_field_is_a_typed_attribute_of_campaign(
    tmp_path: Path, committed_copy: Path
) -> None:
    # Scenario (a): CampaignResponse gains an optional archivedAt (and the token response an
    # optional issuedFor); after regeneration, and with no edit under volubile_ext, the client
    # returns them as typed attributes of Campaign and AccessToken.
    def edit(schemas: dict[str, Any]) -> None:
        schemas["CampaignResponse"]["properties"]["archivedAt"] = {
            "type": "string",
            "format": "date-time",
        }
        schemas["AuthTokenResponse"]["properties"]["issuedFor"] = {"type": "string"}

    summary = regenerated(edited_spec(tmp_path, edit), committed_copy)
    assert "models changed: auth_token_response" in summary
    assert "models changed: campaign_response" in summary
    lines = printed(
        committed_copy,
        """
        import httpx
        from volubile_ext import Volubile

        document = {"id": "497f6eca-6276-4993-bfeb-53cbbbba6f08", "status": "ACTIVE",
                    "archivedAt": "2031-03-03T10:11:12+00:00", "colour": "blue"}
        token = {"token": "eyJhbGciOiJIUzI1NiJ9.payload.signature", "expiresIn": 900,
                 "issuedFor": "campaigns"}
        http = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(
            200, json=token if request.url.path == "/v1/auth/token" else document)))
        with Volubile("vk_test_0123456789", base_url="https://api.example.test",
                      http_client=http) as client:
            campaign = client.campaigns.get("497f6eca-6276-4993-bfeb-53cbbbba6f08")
            minted = client.auth.issue_token(["campaigns:read"])
        print(minted.issued_for, "payload" not in repr(minted))
        print(repr(campaign.archived_at))
        print(dict(campaign.extra), campaign.raw["archivedAt"], campaign.response.status_code)
        print(campaign.status, campaign.is_known_status)
        """,
    )
    assert lines == [
        "campaigns True",
        "datetime.datetime(2031, 3, 3, 10, 11, 12, tzinfo=datetime.timezone.utc)",
        "{'colour': 'blue'} 2031-03-03T10:11:12+00:00 200",
        "ACTIVE True",
    ]
    snippet = tmp_path / "user_code.py"
    snippet.write_text(
        "from volubile_ext import AccessToken, Campaign\n\n\n"
        "def archived(campaign: Campaign, token: AccessToken) -> None:\n"
        "    reveal_type(campaign.archived_at)\n"
        "    reveal_type(token.issued_for)\n",
        encoding="utf-8",
    )
    checked = mypy_with_package(committed_copy, tmp_path / "mypy", str(snippet))
    revealed = checked.stdout + checked.stderr
    assert 'Revealed type is "datetime.datetime | volubile_api.types.Unset"' in revealed, revealed
    assert 'Revealed type is "str | volubile_api.types.Unset"' in revealed, revealed


def test_a_constraint_change_reaches_the_client_and_the_sandbox(
    tmp_path: Path, committed_copy: Path
) -> None:
    # Scenario (d): three time slots instead of two, at most 500 calls a day instead of 1000,
    # with no edit under volubile_ext.
    def edit(schemas: dict[str, Any]) -> None:
        request = schemas["CreateCampaignRequest"]["properties"]
        request["timeSlots"]["maxItems"] = 3
        request["batchSize"]["maximum"] = 500

    summary = regenerated(edited_spec(tmp_path, edit), committed_copy)
    assert (
        "spec table changed: ~CreateCampaignRequest.batchSize.maximum: 1000 -> 500; "
        "~CreateCampaignRequest.timeSlots.maxItems: 2 -> 3"
    ) in summary
    lines = printed(
        committed_copy,
        """
        import httpx
        from volubile_ext import ClientValidationError, Volubile
        from volubile_ext.testing import Sandbox

        CAMPAIGN = dict(name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                        start_date="2031-03-03", days="weekdays",
                        recipients=[{"phone": "+33612345678"}])
        SLOTS = ["10:00-11:00", "11:30-12:30", "14:00-15:00"]
        with Sandbox() as sandbox, Volubile(sandbox.api_key, base_url=sandbox.url) as client:
            campaign = client.campaigns.create(**CAMPAIGN, time_slots=SLOTS, batch_size=500)
            print(len(campaign.time_slots), len(sandbox.campaign(campaign.id).request["timeSlots"]))
            try:
                client.campaigns.create(**CAMPAIGN, time_slots=SLOTS, batch_size=501)
            except ClientValidationError as error:
                print(error.errors[0].field, error.errors[0].message)
            body = {"name": "Renewals", "agentId": "bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                    "startDate": "2031-03-03", "days": ["MONDAY"], "batchSize": 501,
                    "timeSlots": [{"startTime": "10:00", "endTime": "11:00"}] * 4}
            reply = httpx.post(f"{sandbox.url}/v1/campaigns", json=body,
                               headers={"X-Api-Key": sandbox.api_key})
            print(reply.status_code, sorted({error["field"] for error in reply.json()["errors"]}))
            print(sandbox.count("POST", "/v1/campaigns", applied=True))
        """,
    )
    assert lines == [
        "3 3",
        "batchSize must be between 1 and 500 calls per day",
        "400 ['batchSize', 'timeSlots']",
        "1",
    ]


def test_a_required_response_field_may_still_be_missing(
    tmp_path: Path, committed_copy: Path
) -> None:
    # Responses stay lenient when the spec marks their fields required; requests stay strict.
    def edit(schemas: dict[str, Any]) -> None:
        schemas["CampaignResponse"]["required"] = ["id", "status", "timeSlots", "retry"]
        schemas["ErrorResponse"]["required"] = ["status", "message"]

    summary = regenerated(edited_spec(tmp_path, edit), committed_copy)
    assert "models changed: campaign_response" in summary
    lines = printed(
        committed_copy,
        """
        from volubile_api.models import CampaignResponse, CreateCampaignRequest
        from volubile_api.types import UNSET

        campaign, error = get((200, {"json": {"name": "Renewals"}}), (404, {"json": {}}))
        print(campaign.parse_error, campaign.parsed.id is UNSET, campaign.parsed.retry is UNSET)
        print(campaign.parsed.to_dict())
        print(type(error.parsed).__name__, error.parsed.message is UNSET)
        print(CampaignResponse.__annotations__["id"])
        try:
            CreateCampaignRequest.from_dict({"name": "x"})
        except KeyError as missing:
            print("request refuses", missing)
        """,
    )
    assert lines == [
        "None True True",
        "{'name': 'Renewals'}",
        "ErrorResponse True",
        "UUID | Unset",
        "request refuses 'agentId'",
    ]


def test_a_renamed_request_field_fails_mypy_and_import_with_its_name(
    tmp_path: Path, committed_copy: Path
) -> None:
    # Part of scenario (e): the client reads the request's limits and fields from the spec
    # table, so a field renamed in the spec fails type checking, and the import, by name.
    def edit(schemas: dict[str, Any]) -> None:
        request = schemas["CreateCampaignRequest"]
        request["properties"]["callsPerDay"] = request["properties"].pop("batchSize")
        request["required"] = [
            "callsPerDay" if name == "batchSize" else name for name in request["required"]
        ]

    summary = regenerated(edited_spec(tmp_path, edit), committed_copy)
    assert "-CreateCampaignRequest.batchSize.maximum" in summary
    checked = mypy_with_package(committed_copy, tmp_path / "mypy", "-p", "volubile_ext")
    assert checked.returncode == 1
    assert '"type[CreateCampaignRequest]" has no attribute "batchSize"' in checked.stdout
    # `import volubile_ext` and the client load the request rules lazily (perf: the import
    # rows of scripts/bench.py): the first create loads them, and fails before sending.
    probe = run_with_package(
        committed_copy,
        """
        from volubile_ext import Volubile
        client = Volubile(api_key="test-key-not-a-real-secret-4242", base_url="http://127.0.0.1:9")
        client.campaigns.create(
            name="Renewals",
            agent_id="7c0a8d4e-2f51-4c3b-9f0e-5b2d1a6c3e90",
            start_date="2031-03-03",
            time_slots=["10:00-12:00"],
            batch_size=10,
            days="weekdays",
        )
        """,
    )
    assert probe.returncode == 1
    assert "has no attribute 'batchSize'" in probe.stderr


def new_request_fields(schemas: dict[str, Any]) -> None:
    """Two optional request fields a vendor might add: a caller id and a priority."""
    schemas["CreateCampaignRequest"]["properties"].update(
        callerId={
            "type": "string",
            "pattern": r"^\+[1-9][0-9]{6,14}$",
            "description": "The number the recipients see",
        },
        priority={"type": "integer", "minimum": 1, "maximum": 5},
    )


def mypy_errors(snippet: str, package: Path, tmp_path: Path) -> list[str]:
    """mypy strict's error lines for ``snippet``, with ``import volubile_api`` as ``package``."""
    source = tmp_path / "snippet.py"
    source.write_text(textwrap.dedent(snippet), encoding="utf-8")
    mypy = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")]
    checked = subprocess.run(
        [*mypy, "--no-incremental", "--cache-dir", str(tmp_path / "mypy"), str(source)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(package.parent)},
        timeout=300,
    )
    return [line for line in checked.stdout.splitlines() if ": error:" in line]


def test_a_new_optional_request_field_is_sent_and_accepted_by_the_sandbox(
    tmp_path: Path, committed_copy: Path
) -> None:
    # Scenario (c): the spec adds optional request fields; after regeneration, with no edit
    # under volubile_ext, the client sends them under the spec's names, checked against the
    # spec, and the sandbox accepts and stores them, refusing what the spec refuses.
    summary = regenerated(edited_spec(tmp_path, new_request_fields), committed_copy)
    assert "models changed: create_campaign_request" in summary
    lines = printed(
        committed_copy,
        """
        import contextlib, io, json, os, pathlib, tempfile
        import httpx
        from volubile_ext import ClientValidationError, Volubile
        from volubile_ext._cli import main
        from volubile_ext.testing import Sandbox

        CAMPAIGN = dict(name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                        start_date="2031-03-03", days="weekdays", time_slots="10:00-12:00",
                        batch_size=50, timezone="Europe/Paris",
                        recipients=[{"phone": "+33612345678"}])
        with Sandbox() as sandbox, Volubile(sandbox.api_key, base_url=sandbox.url) as client:
            campaign = client.campaigns.create(**CAMPAIGN, caller_id="+33100000000", priority=2)
            stored = sandbox.campaign(campaign.id).request
            print(stored["callerId"], stored["priority"])
            (received,) = [record for record in sandbox.requests if record.method == "POST"]
            print(list(received.body))
            for wrong in ({"priorty": 2}, {"priority": 9}, {"caller_id": "0100000000"},
                          {"callerId": "+33100000000"}):
                try:
                    client.campaigns.create(**CAMPAIGN, **wrong)
                except ClientValidationError as error:
                    print(str(error.errors[0]))
            body = {"name": "Renewals", "agentId": "bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                    "startDate": "2031-03-03", "days": ["MONDAY"], "batchSize": 5,
                    "timeSlots": [{"startTime": "10:00", "endTime": "11:00"}]}
            for extra in ({"priority": 5}, {"priority": 0}, {"priorty": 1}):
                reply = httpx.post(f"{sandbox.url}/v1/campaigns", json={**body, **extra},
                                   headers={"X-Api-Key": sandbox.api_key})
                errors = reply.json().get("errors", []) if reply.status_code == 400 else []
                print(reply.status_code, [error["field"] for error in errors])
            # The command line takes the field in a campaign file, by its Python name (with
            # an agent the sandbox has: the command checks it before creating).
            path = pathlib.Path(tempfile.mkdtemp()) / "campaign.json"
            path.write_text(json.dumps({**CAMPAIGN, "agent_id": Sandbox.OUTBOUND_AGENT_ID,
                                        "caller_id": "+33100000000"}))
            os.environ["VOLUBILE_API_KEY"] = sandbox.api_key
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                code = main(["campaigns", "create", str(path), "--base-url", sandbox.url,
                             "--yes", "--json"])
            created = json.loads(printed.getvalue())["campaign"]["id"]
            print(code, sandbox.campaign(created).request["callerId"])
            print(sandbox.count("POST", "/v1/campaigns"),
                  sandbox.count("POST", "/v1/campaigns", applied=True))
        """,
    )
    assert lines == [
        "+33100000000 2",
        "['name', 'agentId', 'startDate', 'timeSlots', 'batchSize', 'days', 'recipients', "
        "'timezone', 'callerId', 'priority']",
        "priorty: unknown field: did you mean priority? (rejected: 2)",
        "priority: must be between 1 and 5 (rejected: 9)",
        r"callerId: must match the pattern ^\+[1-9][0-9]{6,14}$ (rejected: 0100000000)",
        "callerId: unknown field: did you mean caller_id? (rejected: +33100000000)",
        "201 []",
        "400 ['priority']",
        "400 ['priorty']",
        "0 +33100000000",
        # The client's refusals sent nothing: five requests reached the sandbox, three applied.
        "5 3",
    ]
    # The keyword arguments are typed from the spec: mypy strict refuses a wrong type, by name.
    errors = mypy_errors(
        """
        from volubile_ext import Volubile

        def create(client: Volubile) -> None:
            client.campaigns.create(
                name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                start_date="2031-03-03", time_slots="10:00-12:00", batch_size=50,
                days="weekdays", caller_id="+33100000000", priority=2,
            )
            client.campaigns.create(
                name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                start_date="2031-03-03", time_slots="10:00-12:00", batch_size=50,
                days="weekdays", priority="high",
            )
        """,
        committed_copy,
        tmp_path,
    )
    assert len(errors) == 1, errors
    assert '"priority"' in errors[0], errors
    assert '"str"' in errors[0], errors


def test_a_newly_required_request_field_fails_mypy_and_the_client_by_name(
    tmp_path: Path, committed_copy: Path
) -> None:
    # Scenario (e), the other half: a field the spec now requires. A typed call without it
    # fails mypy, naming it; at run time the client refuses the create before sending, with
    # the field's name, rather than letting the API answer 400.
    def edit(schemas: dict[str, Any]) -> None:
        new_request_fields(schemas)
        schemas["CreateCampaignRequest"]["required"].append("callerId")

    regenerated(edited_spec(tmp_path, edit), committed_copy)
    errors = mypy_errors(
        """
        from volubile_ext import Volubile

        def create(client: Volubile) -> None:
            client.campaigns.create(
                name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                start_date="2031-03-03", time_slots="10:00-12:00", batch_size=50,
                days="weekdays",
            )
        """,
        committed_copy,
        tmp_path,
    )
    assert len(errors) == 1, errors
    assert 'Missing named argument "caller_id"' in errors[0], errors
    lines = printed(
        committed_copy,
        """
        from volubile_ext import ClientValidationError, Volubile
        from volubile_ext.testing import Sandbox

        with Sandbox() as sandbox, Volubile(sandbox.api_key, base_url=sandbox.url) as client:
            try:
                client.campaigns.create(
                    name="Renewals", agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                    start_date="2031-03-03", time_slots="10:00-12:00", batch_size=50,
                    days="weekdays", timezone="Europe/Paris",
                )
            except ClientValidationError as error:
                print([str(problem) for problem in error.errors])
            print(sandbox.count("POST", "/v1/campaigns"))
        """,
    )
    assert lines == ["['callerId: is required']", "0"]


# --- Custom templates: pinned with the generator --------------------------------------------


@pytest.fixture
def templates_copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(regenerate.TEMPLATES, target)
    return target


@pytest.fixture
def upstream_copy(tmp_path: Path) -> Path:
    target = tmp_path / "upstream"
    shutil.copytree(regenerate.upstream_templates(), target)
    return target


def test_the_custom_templates_match_the_pinned_generator() -> None:
    regenerate.check_templates()
    overrides = sorted(path.name for path in regenerate.TEMPLATES.glob("*.py.jinja"))
    assert overrides == [
        "endpoint_module.py.jinja",
        "model.py.jinja",
        "models_init.py.jinja",
        "package_init.py.jinja",
        "types.py.jinja",
    ]


def test_an_upstream_template_that_changed_stops_regeneration(
    templates_copy: Path, upstream_copy: Path
) -> None:
    # What a generator upgrade looks like: the template we derived ours from is not the same.
    model = upstream_copy / "model.py.jinja"
    model.write_text(model.read_text(encoding="utf-8") + "{# 0.30 #}\n", encoding="utf-8")
    with pytest.raises(regenerate.RegenerationError) as caught:
        regenerate.check_templates(templates_copy, upstream_copy)
    message = str(caught.value)
    assert "model.py.jinja was derived from a templates/model.py.jinja with sha256" in message
    assert hashlib.sha256(model.read_bytes()).hexdigest() in message
    assert "carry our change over" in message


def test_a_template_that_overrides_nothing_stops_regeneration(templates_copy: Path) -> None:
    misspelt = templates_copy / "modle.py.jinja"
    header = (templates_copy / "model.py.jinja").read_text(encoding="utf-8")
    misspelt.write_text(header.replace("templates/model.py", "templates/modle.py"), "utf-8")
    (templates_copy / "notes.jinja").write_text("{# no header #}\n", encoding="utf-8")
    with pytest.raises(regenerate.RegenerationError) as caught:
        regenerate.check_templates(templates_copy)
    message = str(caught.value)
    assert "overrides templates/modle.py.jinja, which openapi-python-client 0.29.1" in message
    assert "the generator would ignore it" in message
    assert "notes.jinja must start with '{#- Override of openapi-python-client 0.29.1" in message


def test_a_template_from_another_generator_version_stops_regeneration(
    templates_copy: Path,
) -> None:
    types = templates_copy / "types.py.jinja"
    types.write_text(
        types.read_text(encoding="utf-8").replace(
            "client 0.29.1 templates", "client 0.28.0 templates"
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        regenerate.RegenerationError, match=r"derived from openapi-python-client 0\.28\.0"
    ):
        regenerate.check_templates(templates_copy)


def test_a_helper_template_nothing_imports_stops_regeneration(templates_copy: Path) -> None:
    helper = templates_copy / "volubile_lenient.jinja"
    model = templates_copy / "model.py.jinja"
    model.write_text(
        model.read_text(encoding="utf-8").replace("volubile_lenient.jinja", "other.jinja"),
        encoding="utf-8",
    )
    with pytest.raises(regenerate.RegenerationError, match="helper template that no override"):
        regenerate.check_templates(templates_copy)
    assert helper.exists()
