"""Contains all the data models used in inputs/outputs"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .agent_configuration import AgentConfiguration
    from .agent_page import AgentPage
    from .agent_response import AgentResponse
    from .auth_token_request import AuthTokenRequest
    from .auth_token_response import AuthTokenResponse
    from .call_context import CallContext
    from .call_page import CallPage
    from .call_response import CallResponse
    from .call_response_classification_data import CallResponseClassificationData
    from .call_response_extracted_data import CallResponseExtractedData
    from .call_status import CallStatus
    from .campaign_response import CampaignResponse
    from .campaign_status import CampaignStatus
    from .campaign_status_update import CampaignStatusUpdate
    from .classifier_definition import ClassifierDefinition
    from .classifier_result import ClassifierResult
    from .classifier_type import ClassifierType
    from .create_call_request import CreateCallRequest
    from .create_campaign_recipient_request import CreateCampaignRecipientRequest
    from .create_campaign_request import CreateCampaignRequest
    from .day_of_week import DayOfWeek
    from .direction import Direction
    from .error_response import ErrorResponse
    from .extractor_definition import ExtractorDefinition
    from .extractor_result import ExtractorResult
    from .recipient_context import RecipientContext
    from .recipient_context_object import RecipientContextObject
    from .retry import Retry
    from .scope import Scope
    from .sip_connection import SipConnection
    from .telephony_configuration import TelephonyConfiguration
    from .time_slot import TimeSlot
    from .transcript_action import TranscriptAction
    from .transcript_actor import TranscriptActor
    from .transcript_response import TranscriptResponse
    from .update_agent_request import UpdateAgentRequest
    from .validation_error import ValidationError

# Each model's module, by class name.
_MODULES = {
    "AgentConfiguration": ".agent_configuration",
    "AgentPage": ".agent_page",
    "AgentResponse": ".agent_response",
    "AuthTokenRequest": ".auth_token_request",
    "AuthTokenResponse": ".auth_token_response",
    "CallContext": ".call_context",
    "CallPage": ".call_page",
    "CallResponse": ".call_response",
    "CallResponseClassificationData": ".call_response_classification_data",
    "CallResponseExtractedData": ".call_response_extracted_data",
    "CallStatus": ".call_status",
    "CampaignResponse": ".campaign_response",
    "CampaignStatus": ".campaign_status",
    "CampaignStatusUpdate": ".campaign_status_update",
    "ClassifierDefinition": ".classifier_definition",
    "ClassifierResult": ".classifier_result",
    "ClassifierType": ".classifier_type",
    "CreateCallRequest": ".create_call_request",
    "CreateCampaignRecipientRequest": ".create_campaign_recipient_request",
    "CreateCampaignRequest": ".create_campaign_request",
    "DayOfWeek": ".day_of_week",
    "Direction": ".direction",
    "ErrorResponse": ".error_response",
    "ExtractorDefinition": ".extractor_definition",
    "ExtractorResult": ".extractor_result",
    "RecipientContext": ".recipient_context",
    "RecipientContextObject": ".recipient_context_object",
    "Retry": ".retry",
    "Scope": ".scope",
    "SipConnection": ".sip_connection",
    "TelephonyConfiguration": ".telephony_configuration",
    "TimeSlot": ".time_slot",
    "TranscriptAction": ".transcript_action",
    "TranscriptActor": ".transcript_actor",
    "TranscriptResponse": ".transcript_response",
    "UpdateAgentRequest": ".update_agent_request",
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
    "AgentConfiguration",
    "AgentPage",
    "AgentResponse",
    "AuthTokenRequest",
    "AuthTokenResponse",
    "CallContext",
    "CallPage",
    "CallResponse",
    "CallResponseClassificationData",
    "CallResponseExtractedData",
    "CallStatus",
    "CampaignResponse",
    "CampaignStatus",
    "CampaignStatusUpdate",
    "ClassifierDefinition",
    "ClassifierResult",
    "ClassifierType",
    "CreateCallRequest",
    "CreateCampaignRecipientRequest",
    "CreateCampaignRequest",
    "DayOfWeek",
    "Direction",
    "ErrorResponse",
    "ExtractorDefinition",
    "ExtractorResult",
    "RecipientContext",
    "RecipientContextObject",
    "Retry",
    "Scope",
    "SipConnection",
    "TelephonyConfiguration",
    "TimeSlot",
    "TranscriptAction",
    "TranscriptActor",
    "TranscriptResponse",
    "UpdateAgentRequest",
    "ValidationError",
)
