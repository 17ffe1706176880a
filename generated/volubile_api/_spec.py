"""The constraints and enums that openapi.yaml states, as constants: generated, do not edit.

Written by scripts/regenerate.py from openapi.yaml with the rest of this package
(``regenerate.py --check`` fails when it is stale). Names are the spec's, not Python's:

- one class per schema of ``components.schemas``, holding one class per property;
- ``operations.<operationId>``: the operation's ``method``, ``path``, ``requestBody`` (its
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

A keyword the spec does not state is absent, so code that reads one fails type checking, with
its name, when the spec stops stating it: ``CreateCampaignRequest.timeSlots.maxItems``, say.
"""

from typing import Final, TypedDict


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

        class requestBody:
            required: Final = True
            ref: Final = "CreateCampaignRequest"

    class get:
        """GET /v1/campaigns/{id}"""

        method: Final = "GET"
        path: Final = "/v1/campaigns/{id}"

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


class AuthTokenRequestFields(TypedDict, total=False):
    """The fields of AuthTokenRequest that volubile_ext does not type itself, as keyword arguments."""


class CreateCampaignRequestFields(TypedDict, total=False):
    """The fields of CreateCampaignRequest that volubile_ext does not type itself, as keyword arguments."""
