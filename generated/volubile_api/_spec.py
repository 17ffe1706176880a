"""The constraints and enums that openapi.yaml states, as constants: generated, do not edit.

Written by scripts/regenerate.py from openapi.yaml with the rest of this package
(``regenerate.py --check`` fails when it is stale). Names are the spec's, not Python's:

- one class per schema of ``components.schemas``, holding one class per property;
- ``operations.<operationId>``: the operation's ``method``, ``path``, ``scope`` (the token
  scope it requires, ``x-volubile-scope``; absent: an API key only), ``requestBody`` (its
  inline schema, or ``ref`` naming the component) and ``parameters``, one class each;
- a property's class holds the JSON Schema keywords the spec states for it (``minimum``,
  ``maxItems``, ``pattern``, ``enum`` in the spec's order...) with the spec's values, plus
  ``name`` (its JSON name), ``python_name`` (the generated model's attribute), ``required``,
  ``ref`` (the component it refers to), ``oneOf`` (the types of the options) and nested
  classes for ``items`` and ``additionalProperties``; a schema's ``properties`` names them
  in the spec's order;
- ``<Schema>Fields``, for each schema an operation takes as its body: a TypedDict of the
  fields the hand-written client does not type itself, keyed by their Python names, so that
  a field the spec adds is a typed keyword argument (``**fields: Unpack[...]``).

A name that is not a Python identifier is spelt as one: ``from`` is ``from_``, ``x-id`` is
``x_id``, and a property named like a keyword its class holds (an agent's ``type``, beside the
schema's own ``type``) is ``type_``.

A keyword the spec does not state is absent, so code that reads one fails type checking, with
its name, when the spec stops stating it: ``CreateCampaignRequest.timeSlots.maxItems``, say.
"""

import uuid
from collections.abc import Mapping
from typing import Final, Required, TypedDict


class AuthTokenRequest:
    """components.schemas.AuthTokenRequest"""

    type: Final = "object"
    properties: Final = ("scope",)

    class scope:
        name: Final = "scope"
        python_name: Final = "scope"
        required: Final = True
        type: Final = "array"

        class items:
            type: Final = "string"
            enum: Final = (
                "calls:read",
                "calls:write",
                "campaigns:read",
                "campaigns:write",
                "agents:read",
                "agents:write",
                "integrations:read",
                "integrations:write",
            )


class AuthTokenResponse:
    """components.schemas.AuthTokenResponse"""

    type: Final = "object"
    properties: Final = (
        "token",
        "expiresIn",
        "tokenType",
    )

    class token:
        name: Final = "token"
        python_name: Final = "token"
        required: Final = False
        type: Final = "string"

    class expiresIn:
        name: Final = "expiresIn"
        python_name: Final = "expires_in"
        required: Final = False
        type: Final = "integer"
        format: Final = "int64"

    class tokenType:
        name: Final = "tokenType"
        python_name: Final = "token_type"
        required: Final = False
        type: Final = "string"


class CreateCampaignRequest:
    """components.schemas.CreateCampaignRequest"""

    type: Final = "object"
    properties: Final = (
        "name",
        "agentId",
        "startDate",
        "timeSlots",
        "batchSize",
        "retry",
        "days",
        "recipients",
        "timezone",
    )

    class name:
        name: Final = "name"
        python_name: Final = "name"
        required: Final = True
        type: Final = "string"
        minLength: Final = 1

    class agentId:
        name: Final = "agentId"
        python_name: Final = "agent_id"
        required: Final = True
        type: Final = "string"
        format: Final = "uuid"

    class startDate:
        name: Final = "startDate"
        python_name: Final = "start_date"
        required: Final = True
        type: Final = "string"
        format: Final = "date"

    class timeSlots:
        name: Final = "timeSlots"
        python_name: Final = "time_slots"
        required: Final = True
        type: Final = "array"
        minItems: Final = 1
        maxItems: Final = 2

        class items:
            ref: Final = "TimeSlot"

    class batchSize:
        name: Final = "batchSize"
        python_name: Final = "batch_size"
        required: Final = True
        type: Final = "integer"
        format: Final = "int32"
        minimum: Final = 1
        maximum: Final = 1000

    class retry:
        name: Final = "retry"
        python_name: Final = "retry"
        required: Final = False
        ref: Final = "Retry"

    class days:
        name: Final = "days"
        python_name: Final = "days"
        required: Final = True
        type: Final = "array"
        minItems: Final = 1
        uniqueItems: Final = True

        class items:
            type: Final = "string"
            enum: Final = (
                "MONDAY",
                "TUESDAY",
                "WEDNESDAY",
                "THURSDAY",
                "FRIDAY",
                "SATURDAY",
                "SUNDAY",
            )

    class recipients:
        name: Final = "recipients"
        python_name: Final = "recipients"
        required: Final = False
        type: Final = "array"
        minItems: Final = 1
        maxItems: Final = 1000

        class items:
            ref: Final = "CreateCampaignRecipientRequest"

    class timezone:
        name: Final = "timezone"
        python_name: Final = "timezone"
        required: Final = False
        type: Final = "string"


class CampaignResponse:
    """components.schemas.CampaignResponse"""

    type: Final = "object"
    properties: Final = (
        "id",
        "name",
        "agentId",
        "startDate",
        "timeSlots",
        "batchSize",
        "retry",
        "days",
        "status",
        "timezone",
    )

    class id:
        name: Final = "id"
        python_name: Final = "id"
        required: Final = False
        type: Final = "string"
        format: Final = "uuid"

    class name:
        name: Final = "name"
        python_name: Final = "name"
        required: Final = False
        type: Final = "string"

    class agentId:
        name: Final = "agentId"
        python_name: Final = "agent_id"
        required: Final = False
        type: Final = "string"
        format: Final = "uuid"

    class startDate:
        name: Final = "startDate"
        python_name: Final = "start_date"
        required: Final = False
        type: Final = "string"
        format: Final = "date"

    class timeSlots:
        name: Final = "timeSlots"
        python_name: Final = "time_slots"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "TimeSlot"

    class batchSize:
        name: Final = "batchSize"
        python_name: Final = "batch_size"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"

    class retry:
        name: Final = "retry"
        python_name: Final = "retry"
        required: Final = False
        ref: Final = "Retry"

    class days:
        name: Final = "days"
        python_name: Final = "days"
        required: Final = False
        type: Final = "array"

        class items:
            type: Final = "string"
            enum: Final = (
                "MONDAY",
                "TUESDAY",
                "WEDNESDAY",
                "THURSDAY",
                "FRIDAY",
                "SATURDAY",
                "SUNDAY",
            )

    class status:
        name: Final = "status"
        python_name: Final = "status"
        required: Final = False
        type: Final = "string"
        enum: Final = (
            "ACTIVE",
            "PAUSED",
            "CANCELLED",
        )

    class timezone:
        name: Final = "timezone"
        python_name: Final = "timezone"
        required: Final = False
        type: Final = "string"


class ErrorResponse:
    """components.schemas.ErrorResponse"""

    type: Final = "object"
    properties: Final = (
        "timestamp",
        "status",
        "message",
        "errors",
    )

    class timestamp:
        name: Final = "timestamp"
        python_name: Final = "timestamp"
        required: Final = False
        type: Final = "string"
        format: Final = "date-time"

    class status:
        name: Final = "status"
        python_name: Final = "status"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"

    class message:
        name: Final = "message"
        python_name: Final = "message"
        required: Final = False
        type: Final = "string"

    class errors:
        name: Final = "errors"
        python_name: Final = "errors"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "ValidationError"


class TimeSlot:
    """components.schemas.TimeSlot"""

    type: Final = "object"
    properties: Final = (
        "startTime",
        "endTime",
    )

    class startTime:
        name: Final = "startTime"
        python_name: Final = "start_time"
        required: Final = True
        type: Final = "string"
        pattern: Final = "^([01][0-9]|2[0-3]):[0-5][0-9]$"

    class endTime:
        name: Final = "endTime"
        python_name: Final = "end_time"
        required: Final = True
        type: Final = "string"
        pattern: Final = "^([01][0-9]|2[0-3]):[0-5][0-9]$"


class Retry:
    """components.schemas.Retry"""

    type: Final = "object"
    properties: Final = (
        "max",
        "delay",
        "retryOn",
    )

    class max:
        name: Final = "max"
        python_name: Final = "max_"
        required: Final = True
        type: Final = "integer"
        format: Final = "int32"
        minimum: Final = 0
        maximum: Final = 3

    class delay:
        name: Final = "delay"
        python_name: Final = "delay"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"
        minimum: Final = 0

    class retryOn:
        name: Final = "retryOn"
        python_name: Final = "retry_on"
        required: Final = False
        type: Final = "array"

        class items:
            type: Final = "string"


class CreateCampaignRecipientRequest:
    """components.schemas.CreateCampaignRecipientRequest"""

    type: Final = "object"
    properties: Final = (
        "phone",
        "context",
    )

    class phone:
        name: Final = "phone"
        python_name: Final = "phone"
        required: Final = True
        type: Final = "string"
        pattern: Final = "^\\+[1-9][0-9]{6,14}$"

    class context:
        name: Final = "context"
        python_name: Final = "context"
        required: Final = False
        type: Final = "object"

        class additionalProperties:
            ref: Final = "RecipientContextValue"


class RecipientContextValue:
    """components.schemas.RecipientContextValue"""

    oneOf: Final = (
        "string",
        "number",
        "boolean",
        "object",
    )


class ValidationError:
    """components.schemas.ValidationError"""

    type: Final = "object"
    properties: Final = (
        "field",
        "rejectedValue",
        "message",
    )

    class field:
        name: Final = "field"
        python_name: Final = "field"
        required: Final = False
        type: Final = "string"

    class rejectedValue:
        name: Final = "rejectedValue"
        python_name: Final = "rejected_value"
        required: Final = False
        nullable: Final = True

    class message:
        name: Final = "message"
        python_name: Final = "message"
        required: Final = False
        type: Final = "string"


class AgentPage:
    """components.schemas.AgentPage"""

    type: Final = "object"
    properties: Final = (
        "content",
        "page_count",
        "total_items",
    )

    class content:
        name: Final = "content"
        python_name: Final = "content"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "AgentResponse"

    class page_count:
        name: Final = "page_count"
        python_name: Final = "page_count"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"

    class total_items:
        name: Final = "total_items"
        python_name: Final = "total_items"
        required: Final = False
        type: Final = "integer"
        format: Final = "int64"


class AgentResponse:
    """components.schemas.AgentResponse"""

    type: Final = "object"
    properties: Final = (
        "id",
        "telephonyConfiguration",
        "name",
        "type",
        "active",
        "recordable",
        "archived",
        "configuration",
    )

    class id:
        name: Final = "id"
        python_name: Final = "id"
        required: Final = False
        type: Final = "string"
        format: Final = "uuid"

    class telephonyConfiguration:
        name: Final = "telephonyConfiguration"
        python_name: Final = "telephony_configuration"
        required: Final = False
        ref: Final = "TelephonyConfiguration"

    class name:
        name: Final = "name"
        python_name: Final = "name"
        required: Final = False
        type: Final = "string"

    class type_:
        name: Final = "type"
        python_name: Final = "type_"
        required: Final = False
        type: Final = "string"
        enum: Final = (
            "INBOUND",
            "OUTBOUND",
        )

    class active:
        name: Final = "active"
        python_name: Final = "active"
        required: Final = False
        type: Final = "boolean"

    class recordable:
        name: Final = "recordable"
        python_name: Final = "recordable"
        required: Final = False
        type: Final = "boolean"

    class archived:
        name: Final = "archived"
        python_name: Final = "archived"
        required: Final = False
        type: Final = "boolean"

    class configuration:
        name: Final = "configuration"
        python_name: Final = "configuration"
        required: Final = False
        ref: Final = "AgentConfiguration"


class TelephonyConfiguration:
    """components.schemas.TelephonyConfiguration"""

    type: Final = "object"
    properties: Final = (
        "sipConnection",
        "phoneNumbers",
    )

    class sipConnection:
        name: Final = "sipConnection"
        python_name: Final = "sip_connection"
        required: Final = False
        ref: Final = "SipConnection"

    class phoneNumbers:
        name: Final = "phoneNumbers"
        python_name: Final = "phone_numbers"
        required: Final = False
        type: Final = "array"

        class items:
            type: Final = "string"


class SipConnection:
    """components.schemas.SipConnection"""

    type: Final = "object"
    properties: Final = ("did",)

    class did:
        name: Final = "did"
        python_name: Final = "did"
        required: Final = False
        type: Final = "string"


class AgentConfiguration:
    """components.schemas.AgentConfiguration"""

    type: Final = "object"
    properties: Final = (
        "extractors",
        "classifiers",
    )

    class extractors:
        name: Final = "extractors"
        python_name: Final = "extractors"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "ExtractorDefinition"

    class classifiers:
        name: Final = "classifiers"
        python_name: Final = "classifiers"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "ClassifierDefinition"


class ExtractorDefinition:
    """components.schemas.ExtractorDefinition"""

    type: Final = "object"
    properties: Final = (
        "name",
        "description",
        "extractors",
    )

    class name:
        name: Final = "name"
        python_name: Final = "name"
        required: Final = False
        type: Final = "string"

    class description:
        name: Final = "description"
        python_name: Final = "description"
        required: Final = False
        type: Final = "string"

    class extractors:
        name: Final = "extractors"
        python_name: Final = "extractors"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "ExtractorDefinition"


class ClassifierDefinition:
    """components.schemas.ClassifierDefinition"""

    type: Final = "object"
    properties: Final = (
        "name",
        "description",
        "values",
    )

    class name:
        name: Final = "name"
        python_name: Final = "name"
        required: Final = False
        type: Final = "string"

    class description:
        name: Final = "description"
        python_name: Final = "description"
        required: Final = False
        type: Final = "string"

    class values:
        name: Final = "values"
        python_name: Final = "values"
        required: Final = False
        type: Final = "array"

        class items:
            type: Final = "string"


class UpdateAgentRequest:
    """components.schemas.UpdateAgentRequest"""

    type: Final = "object"
    properties: Final = (
        "name",
        "active",
        "recordable",
        "archived",
    )

    class name:
        name: Final = "name"
        python_name: Final = "name"
        required: Final = False
        type: Final = "string"
        minLength: Final = 1
        maxLength: Final = 255

    class active:
        name: Final = "active"
        python_name: Final = "active"
        required: Final = False
        type: Final = "boolean"

    class recordable:
        name: Final = "recordable"
        python_name: Final = "recordable"
        required: Final = False
        type: Final = "boolean"

    class archived:
        name: Final = "archived"
        python_name: Final = "archived"
        required: Final = False
        type: Final = "boolean"


class CallPage:
    """components.schemas.CallPage"""

    type: Final = "object"
    properties: Final = (
        "content",
        "size",
        "page",
        "totalElements",
        "totalPages",
    )

    class content:
        name: Final = "content"
        python_name: Final = "content"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "CallResponse"

    class size:
        name: Final = "size"
        python_name: Final = "size"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"

    class page:
        name: Final = "page"
        python_name: Final = "page"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"

    class totalElements:
        name: Final = "totalElements"
        python_name: Final = "total_elements"
        required: Final = False
        type: Final = "integer"
        format: Final = "int64"

    class totalPages:
        name: Final = "totalPages"
        python_name: Final = "total_pages"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"


class CallResponse:
    """components.schemas.CallResponse"""

    type: Final = "object"
    properties: Final = (
        "id",
        "agentId",
        "phone",
        "type",
        "duration",
        "startTime",
        "endTime",
        "anonymous",
        "status",
        "extractors",
        "extractedData",
        "classifiers",
        "classificationData",
        "context",
        "recorded",
        "summary",
        "created",
    )

    class id:
        name: Final = "id"
        python_name: Final = "id"
        required: Final = False
        type: Final = "string"
        format: Final = "uuid"

    class agentId:
        name: Final = "agentId"
        python_name: Final = "agent_id"
        required: Final = False
        type: Final = "string"
        format: Final = "uuid"

    class phone:
        name: Final = "phone"
        python_name: Final = "phone"
        required: Final = False
        type: Final = "string"

    class type_:
        name: Final = "type"
        python_name: Final = "type_"
        required: Final = False
        type: Final = "string"
        enum: Final = (
            "INBOUND",
            "OUTBOUND",
        )

    class duration:
        name: Final = "duration"
        python_name: Final = "duration"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"

    class startTime:
        name: Final = "startTime"
        python_name: Final = "start_time"
        required: Final = False
        type: Final = "string"
        format: Final = "date-time"

    class endTime:
        name: Final = "endTime"
        python_name: Final = "end_time"
        required: Final = False
        type: Final = "string"
        format: Final = "date-time"

    class anonymous:
        name: Final = "anonymous"
        python_name: Final = "anonymous"
        required: Final = False
        type: Final = "boolean"

    class status:
        name: Final = "status"
        python_name: Final = "status"
        required: Final = False
        type: Final = "string"
        enum: Final = (
            "IN_PROGRESS",
            "CANCELED",
            "COMPLETED",
            "NO_ANSWER",
            "VOICE_BOX",
            "UNREACHABLE",
            "FAILED",
            "TRANSFERRED",
            "REJECTED",
            "FAILOVER",
        )

    class extractors:
        name: Final = "extractors"
        python_name: Final = "extractors"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "ExtractorResult"

    class extractedData:
        name: Final = "extractedData"
        python_name: Final = "extracted_data"
        required: Final = False
        type: Final = "object"
        additionalProperties: Final = True

    class classifiers:
        name: Final = "classifiers"
        python_name: Final = "classifiers"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "ClassifierResult"

    class classificationData:
        name: Final = "classificationData"
        python_name: Final = "classification_data"
        required: Final = False
        type: Final = "object"

        class additionalProperties:
            type: Final = "string"

    class context:
        name: Final = "context"
        python_name: Final = "context"
        required: Final = False
        type: Final = "object"

        class additionalProperties:
            ref: Final = "RecipientContextValue"

    class recorded:
        name: Final = "recorded"
        python_name: Final = "recorded"
        required: Final = False
        type: Final = "boolean"

    class summary:
        name: Final = "summary"
        python_name: Final = "summary"
        required: Final = False
        type: Final = "string"

    class created:
        name: Final = "created"
        python_name: Final = "created"
        required: Final = False
        type: Final = "string"
        format: Final = "date-time"


class ExtractorResult:
    """components.schemas.ExtractorResult"""

    type: Final = "object"
    properties: Final = (
        "name",
        "value",
    )

    class name:
        name: Final = "name"
        python_name: Final = "name"
        required: Final = False
        type: Final = "string"

    class value:
        name: Final = "value"
        python_name: Final = "value"
        required: Final = False
        type: Final = "array"

        class items:
            oneOf: Final = (
                "string",
                "ExtractorResult",
            )


class ClassifierResult:
    """components.schemas.ClassifierResult"""

    type: Final = "object"
    properties: Final = (
        "name",
        "value",
        "type",
    )

    class name:
        name: Final = "name"
        python_name: Final = "name"
        required: Final = False
        type: Final = "string"

    class value:
        name: Final = "value"
        python_name: Final = "value"
        required: Final = False
        type: Final = "string"

    class type_:
        name: Final = "type"
        python_name: Final = "type_"
        required: Final = False
        type: Final = "string"
        enum: Final = (
            "PRIMARY",
            "SECONDARY",
        )


class TranscriptResponse:
    """components.schemas.TranscriptResponse"""

    type: Final = "object"
    properties: Final = (
        "action",
        "time",
        "actor",
        "message",
    )

    class action:
        name: Final = "action"
        python_name: Final = "action"
        required: Final = False
        type: Final = "string"
        enum: Final = (
            "RING",
            "ANSWER",
            "HUMAN_SPEAK",
            "AGENT_SPEAK",
            "ANSWERING_MACHINE_BEEP",
            "HANG_UP",
            "TRANSFER_CALL",
        )

    class time:
        name: Final = "time"
        python_name: Final = "time"
        required: Final = False
        type: Final = "string"
        format: Final = "date-time"

    class actor:
        name: Final = "actor"
        python_name: Final = "actor"
        required: Final = False
        type: Final = "string"
        enum: Final = (
            "UNKNOWN",
            "HUMAN",
            "AGENT",
            "ANSWERING_MACHINE",
        )

    class message:
        name: Final = "message"
        python_name: Final = "message"
        required: Final = False
        type: Final = "string"


class CreateCallRequest:
    """components.schemas.CreateCallRequest"""

    type: Final = "object"
    properties: Final = (
        "agentId",
        "recipient",
    )

    class agentId:
        name: Final = "agentId"
        python_name: Final = "agent_id"
        required: Final = True
        type: Final = "string"
        format: Final = "uuid"

    class recipient:
        name: Final = "recipient"
        python_name: Final = "recipient"
        required: Final = True
        ref: Final = "CreateCampaignRecipientRequest"


class operations:
    """The operations, by operationId."""

    class issueToken:
        """POST /v1/auth/token"""

        method: Final = "POST"
        path: Final = "/v1/auth/token"

        class requestBody:
            required: Final = True
            ref: Final = "AuthTokenRequest"

    class create:
        """POST /v1/campaigns"""

        method: Final = "POST"
        path: Final = "/v1/campaigns"
        scope: Final = "campaigns:write"

        class requestBody:
            required: Final = True
            ref: Final = "CreateCampaignRequest"

    class get:
        """GET /v1/campaigns/{id}"""

        method: Final = "GET"
        path: Final = "/v1/campaigns/{id}"
        scope: Final = "campaigns:read"

        class parameters:
            class id:
                name: Final = "id"
                location: Final = "path"
                required: Final = True
                type: Final = "string"
                format: Final = "uuid"

    class updateStatus:
        """POST /v1/campaigns/{id}/status"""

        method: Final = "POST"
        path: Final = "/v1/campaigns/{id}/status"
        scope: Final = "campaigns:write"

        class requestBody:
            required: Final = True
            type: Final = "string"
            enum: Final = (
                "ACTIVE",
                "PAUSED",
                "CANCELLED",
            )

        class parameters:
            class id:
                name: Final = "id"
                location: Final = "path"
                required: Final = True
                type: Final = "string"
                format: Final = "uuid"

    class listAgents:
        """GET /v1/agents"""

        method: Final = "GET"
        path: Final = "/v1/agents"
        scope: Final = "agents:read"

        class parameters:
            class page:
                name: Final = "page"
                location: Final = "query"
                required: Final = False
                type: Final = "integer"
                format: Final = "int32"
                minimum: Final = 1
                default: Final = 1

            class size:
                name: Final = "size"
                location: Final = "query"
                required: Final = False
                type: Final = "integer"
                format: Final = "int32"
                minimum: Final = 1
                maximum: Final = 100
                default: Final = 20

    class getAgent:
        """GET /v1/agents/{id}"""

        method: Final = "GET"
        path: Final = "/v1/agents/{id}"
        scope: Final = "agents:read"

        class parameters:
            class id:
                name: Final = "id"
                location: Final = "path"
                required: Final = True
                type: Final = "string"
                format: Final = "uuid"

    class updateAgent:
        """PATCH /v1/agents/{id}"""

        method: Final = "PATCH"
        path: Final = "/v1/agents/{id}"
        scope: Final = "agents:write"

        class requestBody:
            required: Final = True
            ref: Final = "UpdateAgentRequest"

        class parameters:
            class id:
                name: Final = "id"
                location: Final = "path"
                required: Final = True
                type: Final = "string"
                format: Final = "uuid"

    class listCalls:
        """GET /v1/calls"""

        method: Final = "GET"
        path: Final = "/v1/calls"
        scope: Final = "calls:read"

        class parameters:
            class agentId:
                name: Final = "agentId"
                location: Final = "query"
                required: Final = False
                type: Final = "string"
                format: Final = "uuid"

            class phone:
                name: Final = "phone"
                location: Final = "query"
                required: Final = False
                type: Final = "string"
                pattern: Final = "^\\+[1-9][0-9]{6,14}$"

            class campaign:
                name: Final = "campaign"
                location: Final = "query"
                required: Final = False
                type: Final = "string"
                minLength: Final = 1
                maxLength: Final = 255

            class from_:
                name: Final = "from"
                location: Final = "query"
                required: Final = False
                type: Final = "string"
                format: Final = "date"

            class to:
                name: Final = "to"
                location: Final = "query"
                required: Final = False
                type: Final = "string"
                format: Final = "date"

            class page:
                name: Final = "page"
                location: Final = "query"
                required: Final = False
                type: Final = "integer"
                format: Final = "int32"
                minimum: Final = 1
                default: Final = 1

            class size:
                name: Final = "size"
                location: Final = "query"
                required: Final = False
                type: Final = "integer"
                format: Final = "int32"
                minimum: Final = 1
                maximum: Final = 100
                default: Final = 20

            class sort:
                name: Final = "sort"
                location: Final = "query"
                required: Final = False
                type: Final = "string"
                pattern: Final = "^[A-Za-z][A-Za-z0-9]*,(ASC|DESC)$"

    class createCall:
        """POST /v1/calls"""

        method: Final = "POST"
        path: Final = "/v1/calls"
        scope: Final = "calls:write"

        class requestBody:
            required: Final = True
            ref: Final = "CreateCallRequest"

    class getCall:
        """GET /v1/calls/{id}"""

        method: Final = "GET"
        path: Final = "/v1/calls/{id}"
        scope: Final = "calls:read"

        class parameters:
            class id:
                name: Final = "id"
                location: Final = "path"
                required: Final = True
                type: Final = "string"
                format: Final = "uuid"

    class getTranscript:
        """GET /v1/calls/{id}/transcript"""

        method: Final = "GET"
        path: Final = "/v1/calls/{id}/transcript"
        scope: Final = "calls:read"

        class parameters:
            class id:
                name: Final = "id"
                location: Final = "path"
                required: Final = True
                type: Final = "string"
                format: Final = "uuid"

    class getRecording:
        """GET /v1/calls/{id}/recording"""

        method: Final = "GET"
        path: Final = "/v1/calls/{id}/recording"
        scope: Final = "calls:read"

        class parameters:
            class id:
                name: Final = "id"
                location: Final = "path"
                required: Final = True
                type: Final = "string"
                format: Final = "uuid"


class AuthTokenRequestFields(TypedDict, total=False):
    """The fields of AuthTokenRequest that volubile_ext does not type itself, as keyword arguments."""


class CreateCampaignRequestFields(TypedDict, total=False):
    """The fields of CreateCampaignRequest that volubile_ext does not type itself, as keyword arguments."""


class UpdateAgentRequestFields(TypedDict, total=False):
    """The fields of UpdateAgentRequest that volubile_ext does not type itself, as keyword arguments."""

    name: str
    active: bool
    recordable: bool
    archived: bool


class CreateCallRequestFields(TypedDict, total=False):
    """The fields of CreateCallRequest that volubile_ext does not type itself, as keyword arguments."""

    agent_id: Required[uuid.UUID | str]
    recipient: Required[Mapping[str, object]]
