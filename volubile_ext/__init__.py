"""volubile_ext: the Python client for the Volubile voice-AI API.

Start with :class:`Volubile` (or :class:`AsyncVolubile`); everything public is in ``__all__``.
"""

import typing as _typing
from importlib import import_module as _import_module

from ._version import __version__

if _typing.TYPE_CHECKING:  # what mypy and IDEs see; at run time, _LAZY below
    from ._auth import AccessToken, ApiKeyAuth, BearerTokenAuth, MintedTokenAuth
    from ._client import AsyncVolubile, Volubile
    from ._errors import (
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
    from ._ratelimit import RateLimitInfo
    from ._redis import RedisUnavailableError
    from ._redis_journal import RedisJournal
    from ._redis_limiter import RedisRateLimiter
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
    from .campaigns._timeslots import ALLOWED_WINDOWS, TimeSlot, clip_time_slots

# perf: "`import volubile_ext` vs `import httpx, attrs`" (scripts/bench.py). Each public name
# is imported from its module the first time it is used (PEP 562), so that `import
# volubile_ext` does not load the client, the campaign rules and the generated layer before
# anything asks for them. The same names as the TYPE_CHECKING imports above, module by module
# (tests/package/test_public_api.py checks that the two agree).
_LAZY: dict[str, tuple[str, ...]] = {
    "._auth": (
        "AccessToken",
        "ApiKeyAuth",
        "BearerTokenAuth",
        "MintedTokenAuth",
    ),
    "._client": (
        "AsyncVolubile",
        "Volubile",
    ),
    "._errors": (
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
    "._ratelimit": ("RateLimitInfo",),
    "._redis": ("RedisUnavailableError",),
    "._redis_journal": ("RedisJournal",),
    "._redis_limiter": ("RedisRateLimiter",),
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
    ".campaigns._campaign_input": ("RetrySettings",),
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
    ".campaigns._timeslots": (
        "ALLOWED_WINDOWS",
        "TimeSlot",
        "clip_time_slots",
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
    "ApiKeyAuth",
    "AsyncVolubile",
    "AuthenticationError",
    "BadRequestError",
    "BearerTokenAuth",
    "BulkCreateReport",
    "BulkPlan",
    "CallingWindow",
    "Campaign",
    "CampaignMayExistError",
    "CampaignPlan",
    "CampaignStatus",
    "CampaignWarning",
    "ChunkCreated",
    "ChunkFailed",
    "ChunkUncertain",
    "ClientValidationError",
    "ConflictError",
    "Day",
    "DuplicateRow",
    "FieldError",
    "InternalServerError",
    "JournalError",
    "JournalLockedError",
    "JournalMismatchError",
    "JournalUnreadableError",
    "JournalWriteError",
    "MintedTokenAuth",
    "NotFoundError",
    "PermissionDeniedError",
    "PlannedDay",
    "PreparedCreate",
    "RateLimitError",
    "RateLimitInfo",
    "RateLimiter",
    "Recipient",
    "RecipientImport",
    "RecipientSourceError",
    "RedisJournal",
    "RedisRateLimiter",
    "RedisUnavailableError",
    "RejectedRow",
    "ResponseInfo",
    "RetrySettings",
    "SkippedDay",
    "TimeSlot",
    "UnprocessableEntityError",
    "Volubile",
    "VolubileError",
    "__version__",
    "clip_time_slots",
    "french_public_holidays",
    "load_recipients",
    "normalize_phone",
    "parse_days",
    "plan_campaign",
    "plan_many",
    "prepare_create",
]
