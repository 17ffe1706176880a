"""volubile_ext: the Python client for the Volubile voice-AI API.

Start with :class:`Volubile` (or :class:`AsyncVolubile`); everything public is in ``__all__``.
"""

import typing as _typing
from importlib import import_module as _import_module

from ._version import __version__

if _typing.TYPE_CHECKING:  # what mypy and IDEs see; at run time, _LAZY below
    from ._auth import ApiKeyAuth, BearerTokenAuth, MintedTokenAuth
    from ._calls_models import (
        Agent,
        Call,
        CallStatus,
        Classifier,
        ClassifierType,
        Direction,
        Extractor,
        Page,
        Recording,
        Transcript,
        TranscriptAction,
        TranscriptActor,
        TranscriptEntry,
    )
    from ._client import AsyncVolubile, Volubile
    from ._errors import (
        AgentNotUsableError,
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        CampaignWarning,
        ClientValidationError,
        ConflictError,
        FieldError,
        InternalServerError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        UnprocessableEntityError,
        VolubileError,
    )
    from ._limiter import RateLimiter
    from ._models import Campaign, CampaignStatus, ResponseInfo
    from ._pagination import AsyncPager, SyncPager
    from ._ratelimit import RateLimitInfo
    from ._redis import RedisUnavailableError
    from ._redis_journal import RedisJournal
    from ._redis_limiter import RedisRateLimiter
    from ._token import AccessToken
    from .campaigns._bulk import (
        BulkCreateReport,
        CampaignMayExistError,
        ChunkCreated,
        ChunkFailed,
        ChunkUncertain,
        JournalError,
        JournalLockedError,
        JournalMismatchError,
        JournalUnreadableError,
        JournalWriteError,
    )
    from .campaigns._days import Day, parse_days
    from .campaigns._holidays import french_public_holidays
    from .campaigns._planning import (
        BulkPlan,
        CallingWindow,
        CampaignPlan,
        PlannedDay,
        SkippedDay,
        plan_campaign,
        plan_many,
    )
    from .campaigns._prepare import PreparedCreate, prepare_create
    from .campaigns._recipients import (
        DuplicateRow,
        Recipient,
        RecipientImport,
        RecipientSourceError,
        RejectedRow,
        load_recipients,
        normalize_phone,
    )
    from .campaigns._results import CampaignResults, RecipientResult, ResultTotals, join_results
    from .campaigns._retry_settings import RetrySettings
    from .campaigns._timeslots import ALLOWED_WINDOWS, TimeSlot, clip_time_slots
    from .webhooks._payload import WebhookPayloadError, parse_webhook
    from .webhooks._receivers import webhook_asgi_app, webhook_wsgi_app
    from .webhooks._signature import (
        WebhookError,
        WebhookVerificationError,
        sign_webhook,
        verify_webhook,
    )

# perf: "`import volubile_ext` vs `import httpx, attrs`" (scripts/bench.py). Each public name
# is imported from its module the first time it is used (PEP 562), so that `import
# volubile_ext` does not load the client, the campaign rules and the generated layer before
# anything asks for them. The same names as the TYPE_CHECKING imports above, module by module
# (tests/package/test_public_api.py checks that the two agree).
_LAZY: dict[str, tuple[str, ...]] = {
    "._auth": (
        "ApiKeyAuth",
        "BearerTokenAuth",
        "MintedTokenAuth",
    ),
    "._calls_models": (
        "Agent",
        "Call",
        "CallStatus",
        "Classifier",
        "ClassifierType",
        "Direction",
        "Extractor",
        "Page",
        "Recording",
        "Transcript",
        "TranscriptAction",
        "TranscriptActor",
        "TranscriptEntry",
    ),
    "._client": (
        "AsyncVolubile",
        "Volubile",
    ),
    "._errors": (
        "AgentNotUsableError",
        "APIConnectionError",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "CampaignWarning",
        "ClientValidationError",
        "ConflictError",
        "FieldError",
        "InternalServerError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "UnprocessableEntityError",
        "VolubileError",
    ),
    "._limiter": ("RateLimiter",),
    "._models": (
        "Campaign",
        "CampaignStatus",
        "ResponseInfo",
    ),
    "._pagination": (
        "AsyncPager",
        "SyncPager",
    ),
    "._ratelimit": ("RateLimitInfo",),
    "._redis": ("RedisUnavailableError",),
    "._redis_journal": ("RedisJournal",),
    "._redis_limiter": ("RedisRateLimiter",),
    "._token": ("AccessToken",),
    ".campaigns._bulk": (
        "BulkCreateReport",
        "CampaignMayExistError",
        "ChunkCreated",
        "ChunkFailed",
        "ChunkUncertain",
        "JournalError",
        "JournalLockedError",
        "JournalMismatchError",
        "JournalUnreadableError",
        "JournalWriteError",
    ),
    ".campaigns._days": (
        "Day",
        "parse_days",
    ),
    ".campaigns._holidays": ("french_public_holidays",),
    ".campaigns._planning": (
        "BulkPlan",
        "CallingWindow",
        "CampaignPlan",
        "PlannedDay",
        "SkippedDay",
        "plan_campaign",
        "plan_many",
    ),
    ".campaigns._prepare": (
        "PreparedCreate",
        "prepare_create",
    ),
    ".campaigns._recipients": (
        "DuplicateRow",
        "Recipient",
        "RecipientImport",
        "RecipientSourceError",
        "RejectedRow",
        "load_recipients",
        "normalize_phone",
    ),
    ".campaigns._results": (
        "CampaignResults",
        "RecipientResult",
        "ResultTotals",
        "join_results",
    ),
    ".campaigns._retry_settings": ("RetrySettings",),
    ".campaigns._timeslots": (
        "ALLOWED_WINDOWS",
        "TimeSlot",
        "clip_time_slots",
    ),
    ".webhooks._payload": (
        "WebhookPayloadError",
        "parse_webhook",
    ),
    ".webhooks._receivers": (
        "webhook_asgi_app",
        "webhook_wsgi_app",
    ),
    ".webhooks._signature": (
        "WebhookError",
        "WebhookVerificationError",
        "sign_webhook",
        "verify_webhook",
    ),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}


# Not seen by type checkers: a module __getattr__ would make every misspelt name type-check.
if not _typing.TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        try:
            loaded = _import_module(module, __name__)
        except AttributeError as error:
            # `from volubile_ext import X` would turn it into "cannot import name", losing why
            # (a field renamed in the spec fails here with that field's name).
            raise ImportError(f"{__name__}.{name} could not be imported: {error}") from error
        value = getattr(loaded, name)
        globals()[name] = value  # later reads are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


__all__ = [
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
