"""The public face of volubile_ext: exactly these names, sorted, all importable, all documented."""

from __future__ import annotations

import subprocess
import sys

import volubile_ext

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


def test_importing_the_package_loads_no_optional_or_heavy_parts() -> None:
    probe = (
        "import sys, volubile_ext;"
        "heavy = ['phonenumbers', 'volubile_ext.testing', 'volubile_ext._cli', 'tomllib',"
        " 'sqlite3', 'dateutil', 'zoneinfo', 'csv'];"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
