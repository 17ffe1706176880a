"""Sample webhook calls and secrets, shared by the webhook tests (unit and over loopback)."""

from __future__ import annotations

import json
from typing import Any

# Written out, not imported: the header's name is the contract with the sender.
WEBHOOK_SIGNATURE_HEADER = "X-Webhook-Signature"
SECRET = "whsec-test-0123456789abcdef"
OLD_SECRET = "whsec-old-fedcba9876543210"

# The API reference's example (reference notes, section 2.11), and the webhook page's variant of
# it (section 2.18): other names for the flattened data, flat "system.phone" context keys.
REFERENCE_CALL = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "agentId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "phone": "+33612345678",
    "type": "OUTBOUND",
    "duration": 360,
    "startTime": "2024-07-30T14:35:00Z",
    "endTime": "2024-07-30T14:41:00Z",
    "anonymous": False,
    "status": "COMPLETED",
    "extractors": [
        {
            "name": "customer",
            "value": [
                {"name": "firstname", "value": ["John"]},
                {"name": "lastname", "value": ["Doe"]},
            ],
        },
        {"name": "example", "value": ["example1"]},
    ],
    "extractedData": {"customer": {"firstname": "John", "lastname": "Doe"}, "example": "example1"},
    "classifiers": [{"name": "Sentiment", "value": "Positive", "type": "SECONDARY"}],
    "classificationData": {"Sentiment": "Positive"},
    "context": {
        "firstName": "John",
        "orderNumber": "5HZ99FRT",
        "system": {"phone": "+33612345678"},
    },
    "recorded": True,
    "summary": "Discussed the renewal.",
    "created": "2024-07-30T14:45:00Z",
}
WEBHOOK_PAGE_CALL = {
    **{
        key: value
        for key, value in REFERENCE_CALL.items()
        if key not in ("extractedData", "classificationData", "context")
    },
    "extractorData": REFERENCE_CALL["extractedData"],
    "classifierData": REFERENCE_CALL["classificationData"],
    "context": {"firstName": "John", "orderNumber": "5HZ99FRT", "system.phone": "+33612345678"},
}


def call_body(call: dict[str, Any] = REFERENCE_CALL, **changes: Any) -> bytes:
    """A webhook body: ``call`` with ``changes``, as the API would serialise it."""
    return json.dumps({**call, **changes}).encode()
