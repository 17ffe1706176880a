"""The constraints and enums that openapi.yaml states, as constants: generated, do not edit.

Written by scripts/regenerate.py from openapi.yaml with the rest of this package
(``regenerate.py --check`` fails when it is stale). Names are the spec's, not Python's:

- one class per schema of ``components.schemas``, holding one class per property;
- ``operations.<operationId>``: the operation's ``method``, ``path``, ``requestBody`` (its
  inline schema, or ``ref`` naming the component) and ``parameters``, one class each;
- a property's class holds the JSON Schema keywords the spec states for it (``minimum``,
  ``maxItems``, ``pattern``, ``enum`` in the spec's order...) with the spec's values, plus
  ``name`` (its JSON name), ``required``, ``ref`` (the component it refers to), ``oneOf`` (the
  types of the options) and nested classes for ``items`` and ``additionalProperties``.

A keyword the spec does not state is absent, so code that reads one fails type checking, with
its name, when the spec stops stating it: ``CreateCampaignRequest.timeSlots.maxItems``, say.
"""

from typing import Final


class AuthTokenRequest:
    """components.schemas.AuthTokenRequest"""

    type: Final = "object"

    class scope:
        name: Final = "scope"
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

    class token:
        name: Final = "token"
        required: Final = False
        type: Final = "string"

    class expiresIn:
        name: Final = "expiresIn"
        required: Final = False
        type: Final = "integer"
        format: Final = "int64"

    class tokenType:
        name: Final = "tokenType"
        required: Final = False
        type: Final = "string"


class CreateCampaignRequest:
    """components.schemas.CreateCampaignRequest"""

    type: Final = "object"

    class name:
        name: Final = "name"
        required: Final = True
        type: Final = "string"
        minLength: Final = 1

    class agentId:
        name: Final = "agentId"
        required: Final = True
        type: Final = "string"
        format: Final = "uuid"

    class startDate:
        name: Final = "startDate"
        required: Final = True
        type: Final = "string"
        format: Final = "date"

    class timeSlots:
        name: Final = "timeSlots"
        required: Final = True
        type: Final = "array"
        minItems: Final = 1
        maxItems: Final = 2

        class items:
            ref: Final = "TimeSlot"

    class batchSize:
        name: Final = "batchSize"
        required: Final = True
        type: Final = "integer"
        format: Final = "int32"
        minimum: Final = 1
        maximum: Final = 1000

    class retry:
        name: Final = "retry"
        required: Final = False
        ref: Final = "Retry"

    class days:
        name: Final = "days"
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
        required: Final = False
        type: Final = "array"
        minItems: Final = 1
        maxItems: Final = 1000

        class items:
            ref: Final = "CreateCampaignRecipientRequest"

    class timezone:
        name: Final = "timezone"
        required: Final = False
        type: Final = "string"


class CampaignResponse:
    """components.schemas.CampaignResponse"""

    type: Final = "object"

    class id:
        name: Final = "id"
        required: Final = False
        type: Final = "string"
        format: Final = "uuid"

    class name:
        name: Final = "name"
        required: Final = False
        type: Final = "string"

    class agentId:
        name: Final = "agentId"
        required: Final = False
        type: Final = "string"
        format: Final = "uuid"

    class startDate:
        name: Final = "startDate"
        required: Final = False
        type: Final = "string"
        format: Final = "date"

    class timeSlots:
        name: Final = "timeSlots"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "TimeSlot"

    class batchSize:
        name: Final = "batchSize"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"

    class retry:
        name: Final = "retry"
        required: Final = False
        ref: Final = "Retry"

    class days:
        name: Final = "days"
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
        required: Final = False
        type: Final = "string"
        enum: Final = (
            "ACTIVE",
            "PAUSED",
            "CANCELLED",
        )

    class timezone:
        name: Final = "timezone"
        required: Final = False
        type: Final = "string"


class ErrorResponse:
    """components.schemas.ErrorResponse"""

    type: Final = "object"

    class timestamp:
        name: Final = "timestamp"
        required: Final = False
        type: Final = "string"
        format: Final = "date-time"

    class status:
        name: Final = "status"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"

    class message:
        name: Final = "message"
        required: Final = False
        type: Final = "string"

    class errors:
        name: Final = "errors"
        required: Final = False
        type: Final = "array"

        class items:
            ref: Final = "ValidationError"


class TimeSlot:
    """components.schemas.TimeSlot"""

    type: Final = "object"

    class startTime:
        name: Final = "startTime"
        required: Final = True
        type: Final = "string"
        pattern: Final = "^([01][0-9]|2[0-3]):[0-5][0-9]$"

    class endTime:
        name: Final = "endTime"
        required: Final = True
        type: Final = "string"
        pattern: Final = "^([01][0-9]|2[0-3]):[0-5][0-9]$"


class Retry:
    """components.schemas.Retry"""

    type: Final = "object"

    class max:
        name: Final = "max"
        required: Final = True
        type: Final = "integer"
        format: Final = "int32"
        minimum: Final = 0
        maximum: Final = 3

    class delay:
        name: Final = "delay"
        required: Final = False
        type: Final = "integer"
        format: Final = "int32"
        minimum: Final = 0

    class retryOn:
        name: Final = "retryOn"
        required: Final = False
        type: Final = "array"

        class items:
            type: Final = "string"


class CreateCampaignRecipientRequest:
    """components.schemas.CreateCampaignRecipientRequest"""

    type: Final = "object"

    class phone:
        name: Final = "phone"
        required: Final = True
        type: Final = "string"
        pattern: Final = "^\\+[1-9][0-9]{6,14}$"

    class context:
        name: Final = "context"
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

    class field:
        name: Final = "field"
        required: Final = False
        type: Final = "string"

    class rejectedValue:
        name: Final = "rejectedValue"
        required: Final = False
        nullable: Final = True

    class message:
        name: Final = "message"
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
