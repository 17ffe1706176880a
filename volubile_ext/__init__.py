"""volubile_ext: the Python client for the Volubile voice-AI API.

Start with :class:`Volubile` (or :class:`AsyncVolubile`); everything public is in ``__all__``.
"""

from ._auth import AccessToken, ApiKeyAuth, BearerTokenAuth, MintedTokenAuth
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
from ._version import __version__
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
from .campaigns._campaign_input import RetrySettings
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
from .campaigns._timeslots import ALLOWED_WINDOWS, TimeSlot, clip_time_slots
from .webhooks._payload import WebhookPayloadError, parse_webhook
from .webhooks._receivers import webhook_asgi_app, webhook_wsgi_app
from .webhooks._signature import (
    WebhookError,
    WebhookVerificationError,
    sign_webhook,
    verify_webhook,
)

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
