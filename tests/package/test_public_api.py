"""The public face of volubile_ext: exactly these names, sorted, all importable, all documented."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import volubile_ext
from tests.client_harness import API_KEY, CAMPAIGN_ID
from tests.scripted_server import ScriptedServer

EXPECTED = [
    "ALLOWED_WINDOWS",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AccessToken",
    "Agent",
    "AgentNotUsableError",
    "ApiKeyAuth",
    "AsyncPager",
    "AsyncVolubile",
    "AuthenticationError",
    "BadRequestError",
    "BearerTokenAuth",
    "BulkCreateReport",
    "BulkPlan",
    "Call",
    "CallStatus",
    "CallingWindow",
    "Campaign",
    "CampaignMayExistError",
    "CampaignPlan",
    "CampaignResults",
    "CampaignStatus",
    "CampaignWarning",
    "ChunkCreated",
    "ChunkFailed",
    "ChunkUncertain",
    "Classifier",
    "ClassifierType",
    "ClientValidationError",
    "ConflictError",
    "Day",
    "Direction",
    "DuplicateRow",
    "Extractor",
    "FieldError",
    "InternalServerError",
    "JournalError",
    "JournalLockedError",
    "JournalMismatchError",
    "JournalUnreadableError",
    "JournalWriteError",
    "MintedTokenAuth",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "PlannedDay",
    "PreparedCreate",
    "RateLimitError",
    "RateLimitInfo",
    "RateLimiter",
    "Recipient",
    "RecipientImport",
    "RecipientResult",
    "RecipientSourceError",
    "Recording",
    "RedisJournal",
    "RedisRateLimiter",
    "RedisUnavailableError",
    "RejectedRow",
    "ResponseInfo",
    "ResultTotals",
    "RetrySettings",
    "SkippedDay",
    "SyncPager",
    "TimeSlot",
    "Transcript",
    "TranscriptAction",
    "TranscriptActor",
    "TranscriptEntry",
    "UnprocessableEntityError",
    "Volubile",
    "VolubileError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "__version__",
    "clip_time_slots",
    "french_public_holidays",
    "join_results",
    "load_recipients",
    "normalize_phone",
    "parse_days",
    "parse_webhook",
    "plan_campaign",
    "plan_many",
    "prepare_create",
    "sign_webhook",
    "verify_webhook",
    "webhook_asgi_app",
    "webhook_wsgi_app",
]


def test_all_is_exactly_the_public_surface_and_sorted() -> None:
    assert volubile_ext.__all__ == EXPECTED
    assert volubile_ext.__all__ == sorted(volubile_ext.__all__)


def test_every_public_name_exists_and_is_documented() -> None:
    for name in volubile_ext.__all__:
        value = getattr(volubile_ext, name)
        if callable(value):
            assert value.__doc__, f"{name} has no docstring"


def test_no_other_public_names_leak() -> None:
    public = {
        name
        for name in vars(volubile_ext)
        if not name.startswith("_") and not isinstance(getattr(volubile_ext, name), type(sys))
    }
    assert public <= set(volubile_ext.__all__)


def run_fresh(probe: str) -> str:
    """What ``probe`` prints, run in a fresh interpreter (nothing of volubile_ext loaded yet)."""
    return subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout


def test_importing_the_package_loads_no_optional_or_heavy_parts() -> None:
    probe = (
        "import sys, volubile_ext;"
        "heavy = ['phonenumbers', 'volubile_ext.testing', 'volubile_ext._cli', 'tomllib',"
        " 'sqlite3', 'dateutil', 'zoneinfo', 'csv'];"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    loaded = run_fresh(probe).strip()
    assert loaded == ""


def test_importing_the_package_loads_none_of_its_modules_until_a_name_is_used() -> None:
    # perf: issue 14's import row. `import volubile_ext` loads the version only; each public
    # name loads its module when first read, and `from volubile_ext import X` works as before.
    probe = (
        "import sys, volubile_ext;"
        "ours = ('volubile_ext.', 'volubile_api');"
        "before = sorted(m for m in sys.modules if m.startswith(ours));"
        "from volubile_ext import Volubile, load_recipients;"
        "after = {m for m in sys.modules if m.startswith('volubile_ext.')};"
        "print(before);"
        "print(sorted({'volubile_ext._client', 'volubile_ext.campaigns._recipients'} - after));"
        "deferred = {'volubile_ext.campaigns._bulk', 'volubile_ext.campaigns._planning'};"
        "print(sorted(deferred & after))"
    )
    lines = run_fresh(probe).splitlines()
    assert lines == ["['volubile_ext._version']", "[]", "[]"]


# perf: the "`from volubile_ext import Volubile`" row of scripts/bench.py. What the client and a
# campaign read do not use, left to the first call that needs it: the agents and calls resources
# with their values and generated models, the campaign input rules (recipients, fields), the
# results join, the spec table, and the token model (an API key without scopes mints none).
DEFERRED_BY_THE_CLIENT = (
    "volubile_api._spec",
    "volubile_api.models.agent_response",
    "volubile_api.models.auth_token_response",
    "volubile_api.models.call_page",
    "volubile_api.models.call_response",
    "volubile_api.models.transcript_response",
    "volubile_ext._calls_models",
    "volubile_ext._pagination",
    "volubile_ext._token",
    "volubile_ext.campaigns._bulk",
    "volubile_ext.campaigns._campaign_input",
    "volubile_ext.campaigns._fields",
    "volubile_ext.campaigns._planning",
    "volubile_ext.campaigns._recipients",
    "volubile_ext.campaigns._results",
    "volubile_ext.resources.agents",
    "volubile_ext.resources.calls",
)


def test_the_client_and_a_campaign_read_load_none_of_the_deferred_modules(
    server: ScriptedServer,
) -> None:
    # Counted from sys.modules in a fresh interpreter (not timed): after the import, after a
    # client is built and after it read a campaign (with its retry settings) over loopback.
    # client.calls then loads its resource on first use.
    probe = (
        "import sys, json\n"
        f"deferred = {DEFERRED_BY_THE_CLIENT!r}\n"
        "def loaded(): return [name for name in deferred if name in sys.modules]\n"
        "from volubile_ext import Volubile\n"
        "steps = [loaded()]\n"
        f"client = Volubile(api_key={API_KEY!r}, base_url={server.url!r})\n"
        "steps.append(loaded())\n"
        f"campaign = client.campaigns.get({CAMPAIGN_ID!r})\n"
        "steps.append(loaded())\n"
        "steps.append([campaign.retry.to_api(), type(client.calls).__name__])\n"
        "steps.append(sorted(set(loaded()) & {'volubile_ext.resources.calls'}))\n"
        "print(json.dumps(steps))"
    )
    output = run_fresh(probe)
    assert json.loads(output) == [
        [],
        [],
        [],
        [{"max": 1, "delay": 4, "retryOn": ["NO_ANSWER"]}, "Calls"],
        ["volubile_ext.resources.calls"],
    ]
    assert server.count("GET", f"/v1/campaigns/{CAMPAIGN_ID}") == 1


# perf: the "`from volubile_ext import Volubile`" row. What building a client does not need,
# left to the first request that does: the campaign values with the generated campaign models
# they derive from (the first campaign read or status change), uuid (the first id checked);
# the generated client classes load with the first client built.
DEFERRED_BY_THE_IMPORT = (
    "uuid",
    "volubile_api.client",
    "volubile_api.models.campaign_response",
    "volubile_api.models.campaign_status",
    "volubile_api.models.day_of_week",
    "volubile_api.models.retry",
    "volubile_api.models.time_slot",
    "volubile_ext._models",
    "volubile_ext.campaigns._days",
    "volubile_ext.campaigns._retry_settings",
    "volubile_ext.campaigns._timeslots",
)


@pytest.mark.parametrize("first", ["get", "pause"])
def test_importing_the_client_loads_what_a_request_needs_only_with_that_request(
    server: ScriptedServer, first: str
) -> None:
    # Counted from sys.modules in a fresh interpreter (not timed), after each step; the first
    # campaign call (a read, or a status change) works in an interpreter where nothing of the
    # campaign values was loaded before it.
    probe = (
        "import sys, json\n"
        "import httpx, attrs\n"
        # What httpx and attrs load themselves does not count (in the development venv, uuid).
        f"deferred = [name for name in {DEFERRED_BY_THE_IMPORT!r} if name not in sys.modules]\n"
        "def loaded(): return [name for name in deferred if name in sys.modules]\n"
        "steps = [loaded()]\n"
        "from volubile_ext import Volubile\n"
        "steps.append(loaded())\n"
        f"client = Volubile(api_key={API_KEY!r}, base_url={server.url!r})\n"
        "steps.append(loaded())\n"
        f"campaign = client.campaigns.{first}({CAMPAIGN_ID!r})\n"
        "steps.append(sorted(set(deferred) - set(loaded())))\n"
        "steps.append([str(campaign.id), str(campaign.status), campaign.time_slots[0].to_api()])\n"
        "print(json.dumps(steps))"
    )
    steps = json.loads(run_fresh(probe))
    assert steps[:3] == [[], [], ["volubile_api.client"]]
    assert steps[3] == []
    assert steps[4][0] == CAMPAIGN_ID
    assert steps[4][1] == ("ACTIVE" if first == "get" else "PAUSED")
    assert server.count() == 1


def test_the_runtime_modules_compile_no_regex_when_imported() -> None:
    # perf: the "`from volubile_ext import Volubile`" row. Patterns are compiled by their first
    # use (functools.cache): importing the modules that hold them compiles none.
    probe = (
        "import re, sys\n"
        "compiled = []\n"
        "original = re.compile\n"
        "def spy(pattern, flags=0):\n"
        "    caller = sys._getframe(1).f_globals.get('__name__', '')\n"
        "    if caller.startswith('volubile'):\n"
        "        compiled.append((caller, pattern))\n"
        "    return original(pattern, flags)\n"
        "re.compile = spy\n"
        "from volubile_ext import Volubile\n"
        "import volubile_ext._errors, volubile_ext._models, volubile_ext.campaigns._timeslots\n"
        "print(compiled)\n"
        "from volubile_ext import TimeSlot\n"
        "print(TimeSlot.parse('9:00-12:30').to_api())\n"
        "print(len(compiled) > 0)"
    )
    assert run_fresh(probe).splitlines() == [
        "[]",
        "{'startTime': '09:00', 'endTime': '12:30'}",
        "True",
    ]


def test_the_wire_lazy_table_names_what_its_type_checking_imports_name() -> None:
    # Like the package's table: what mypy reads (TYPE_CHECKING) and what the interpreter
    # imports (_wire._LAZY) must name the same objects, and an unknown name stays an error.
    from volubile_ext import _wire

    tree = ast.parse(Path(_wire.__file__).read_text(encoding="utf-8"))
    checked = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and ast.unparse(node.test) == "TYPE_CHECKING"
        and any(
            isinstance(item, ast.ImportFrom) and item.module == "volubile_api._spec"
            for item in node.body
        )
    )
    imported: dict[str, tuple[str, str | None]] = {}
    for node in checked.body:
        assert isinstance(node, ast.ImportFrom)
        for alias in node.names:
            if node.module == "volubile_api":  # the module itself: ``_spec as spec``
                imported[alias.asname or alias.name] = (f"volubile_api.{alias.name}", None)
            else:
                imported[alias.asname or alias.name] = (node.module or "", alias.name)
    assert imported == _wire._LAZY
    assert set(_wire._LAZY) <= set(_wire.__all__)
    for name in _wire._LAZY:
        assert getattr(_wire, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _wire.Nope  # noqa: B018


def test_the_lazy_table_names_what_the_type_checking_imports_name() -> None:
    # mypy and IDEs read the TYPE_CHECKING imports, the interpreter reads _LAZY: they must say
    # the same, name for name and module for module, and cover __all__.
    tree = ast.parse(Path(volubile_ext.__file__).read_text(encoding="utf-8"))
    checked = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "_typing.TYPE_CHECKING"
    )
    imported = {
        alias.name: "." * node.level + (node.module or "")
        for node in checked.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lazy = {name: module for module, names in volubile_ext._LAZY.items() for name in names}
    assert lazy == imported
    assert sorted([*lazy, "__version__"]) == volubile_ext.__all__
    assert set(volubile_ext.__all__) <= set(dir(volubile_ext))
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        volubile_ext.Nope  # noqa: B018
