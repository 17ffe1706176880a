"""Contains all the data models used in inputs/outputs"""

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
