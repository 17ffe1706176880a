"""Contains all the data models used in inputs/outputs"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .auth_token_request import AuthTokenRequest
    from .auth_token_response import AuthTokenResponse
    from .campaign_response import CampaignResponse
    from .campaign_status import CampaignStatus
    from .campaign_status_update import CampaignStatusUpdate
    from .create_campaign_recipient_request import CreateCampaignRecipientRequest
    from .create_campaign_request import CreateCampaignRequest
    from .day_of_week import DayOfWeek
    from .error_response import ErrorResponse
    from .recipient_context import RecipientContext
    from .recipient_context_object import RecipientContextObject
    from .retry import Retry
    from .scope import Scope
    from .time_slot import TimeSlot
    from .validation_error import ValidationError

# Each model's module, by class name.
_MODULES = {
    "AuthTokenRequest": ".auth_token_request",
    "AuthTokenResponse": ".auth_token_response",
    "CampaignResponse": ".campaign_response",
    "CampaignStatus": ".campaign_status",
    "CampaignStatusUpdate": ".campaign_status_update",
    "CreateCampaignRecipientRequest": ".create_campaign_recipient_request",
    "CreateCampaignRequest": ".create_campaign_request",
    "DayOfWeek": ".day_of_week",
    "ErrorResponse": ".error_response",
    "RecipientContext": ".recipient_context",
    "RecipientContextObject": ".recipient_context_object",
    "Retry": ".retry",
    "Scope": ".scope",
    "TimeSlot": ".time_slot",
    "ValidationError": ".validation_error",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = (
    "AuthTokenRequest",
    "AuthTokenResponse",
    "CampaignResponse",
    "CampaignStatus",
    "CampaignStatusUpdate",
    "CreateCampaignRecipientRequest",
    "CreateCampaignRequest",
    "DayOfWeek",
    "ErrorResponse",
    "RecipientContext",
    "RecipientContextObject",
    "Retry",
    "Scope",
    "TimeSlot",
    "ValidationError",
)
