"""A webhook's body: bounded, strict JSON, both payload variants, then the typed call.

The API posts the call "identical to the endpoint Get a call" (reference notes, section 2.18),
yet its webhook page shows other names than its API reference: ``extractorData`` and
``classifierData`` for ``extractedData`` and ``classificationData``, and the context's system
variables as flat ``"system.phone"`` keys rather than a nested ``"system": {"phone": …}``
object. Which one real payloads use is unknown, so both are read, and written in the API
reference's form before the document becomes a call (:func:`normalise_call_document`).

Everything that parses is an attack surface: the body's size and its nesting are bounded, and
the JSON is strict (a key given twice in one object, ``NaN`` or a lone surrogate is refused:
parsers disagree on them, and a check one parser passes and another reads differently is how
checks are bypassed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias

from .._calls_models import Call
from .._strict_json import JSONProblem, loads_strict, quoted
from ._signature import (
    DEFAULT_SIGNATURE_ALGORITHM,
    SignatureAlgorithm,
    SigningKeys,
    WebhookError,
    WebhookHeaders,
    WebhookSecrets,
    raw_body,
    verify_signature,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_DEPTH",
    "WebhookPayloadError",
    "normalise_call_document",
    "parse_webhook",
    "read_call",
    "read_call_document",
]

DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
"""The largest webhook body read by default (1 MiB): a call with a long summary, its extracted
data and context is a few kilobytes."""

DEFAULT_MAX_DEPTH: Final = 64
"""How deeply a webhook body's JSON may nest by default: a call's nested extractors and
context objects take a handful of levels."""

# The webhook page's names for the API reference's fields (reference notes, section 2.18).
_FIELD_VARIANTS: Final = {"extractorData": "extractedData", "classifierData": "classificationData"}
_SYSTEM: Final = "system"
_SYSTEM_PREFIX: Final = "system."

WebhookPayloadReason: TypeAlias = Literal[
    "too_large", "not_json", "not_an_object", "too_deep", "conflict"
]


class WebhookPayloadError(WebhookError, ValueError):
    """A webhook's body is not a call this library can read: answer 400.

    ``reason`` says why: ``"too_large"`` (over the size limit), ``"not_json"`` (not UTF-8, not
    strict JSON, truncated, or a key given twice in one object), ``"not_an_object"`` (JSON, but
    not an object), ``"too_deep"`` (nested deeper than the limit), ``"conflict"`` (both payload
    variants of a field given, with different values). The message is bounded and quotes
    nothing of the body but a short key name.
    """

    def __init__(self, reason: WebhookPayloadReason, message: str) -> None:
        super().__init__(message)
        self.reason: WebhookPayloadReason = reason


def parse_webhook(
    body: bytes,
    headers: WebhookHeaders | None = None,
    secrets: WebhookSecrets | None = None,
    *,
    algorithm: SignatureAlgorithm = DEFAULT_SIGNATURE_ALGORITHM,
    max_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Call:
    """The :class:`Call` a webhook's body holds, verified first when ``secrets`` are given.

    ``body`` is the raw request body (bytes). With ``secrets`` (one, or several during a
    rotation), the signature in ``headers`` is checked as :func:`verify_webhook` does before
    anything is parsed, raising :class:`WebhookVerificationError`; without, the body is parsed
    unverified (for a body verified already, or a test). Both payload variants are read (the
    API reference's ``extractedData`` and nested ``"system"`` context, the webhook page's
    ``extractorData`` and flat ``"system.phone"`` keys) and give the same call.

    Raises :class:`WebhookPayloadError` for a body over ``max_bytes`` (1 MiB by default),
    nested deeper than ``max_depth``, cut short, not strict JSON (a key given twice, say), not
    an object, or giving a field in both variants with different values.
    """
    data = raw_body(body, "parse_webhook")
    if secrets is not None:
        if headers is None:
            raise TypeError(
                "parse_webhook was given secrets but no headers: pass the request's headers, "
                "which carry the signature to check"
            )
        verify_signature(data, headers, SigningKeys(secrets, algorithm))
    return read_call(data, max_bytes=max_bytes, max_depth=max_depth)


def read_call(
    body: bytes, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES, max_depth: int = DEFAULT_MAX_DEPTH
) -> Call:
    """The call of a body verified already (or not to be): :func:`read_call_document`, typed."""
    return Call.from_document(read_call_document(body, max_bytes=max_bytes, max_depth=max_depth))


def read_call_document(
    body: bytes, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES, max_depth: int = DEFAULT_MAX_DEPTH
) -> dict[str, Any]:
    """The JSON object ``body`` holds, strictly parsed and bounded, in the API reference's form.

    Raises :class:`WebhookPayloadError` for a body over ``max_bytes``, one that is not strict
    JSON (truncated, not UTF-8, a key given twice, ``NaN``), not an object, nested deeper than
    ``max_depth``, or giving both variants of a field with different values.
    """
    if len(body) > max_bytes:
        raise WebhookPayloadError(
            "too_large",
            f"the webhook body is {len(body):,} bytes, over the limit of {max_bytes:,} (raise "
            "max_bytes if calls are really this large)",
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WebhookPayloadError(
            "not_json", f"the webhook body is not UTF-8 (byte {error.start:,}): not a JSON call"
        ) from None
    try:
        document = loads_strict(text, max_depth=max_depth)
    except json.JSONDecodeError as error:
        # What a body cut short looks like: the text ends inside a value.
        cut = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        what = "cut short (truncated JSON)" if cut else "not valid JSON"
        raise WebhookPayloadError(
            "not_json",
            f"the webhook body is {what}: {error.msg} (line {error.lineno}, column {error.colno})",
        ) from None
    except JSONProblem as problem:
        if problem.too_deep:
            raise WebhookPayloadError(
                "too_deep",
                f"the webhook body is {problem} (a call takes a handful; raise max_depth if "
                "yours really nest this deep)",
            ) from None
        raise WebhookPayloadError(
            "not_json", f"the webhook body is not strict JSON: {problem}"
        ) from None
    except ValueError as problem:  # an integer too long for Python to read
        raise WebhookPayloadError(
            "not_json", f"the webhook body is not readable: {problem}"
        ) from None
    if not isinstance(document, dict):
        raise WebhookPayloadError(
            "not_an_object",
            f"the webhook body is a JSON {_json_kind(document)}, not an object (a call)",
        )
    return normalise_call_document(document)


def normalise_call_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with the webhook page's variants written in the API reference's form.

    ``extractorData`` becomes ``extractedData`` and ``classifierData`` becomes
    ``classificationData``; flat ``"system.<name>"`` context keys go into the nested
    ``"system"`` object. A field given in both forms with the same value is kept once; with
    different values it raises :class:`WebhookPayloadError` (``"conflict"``): which one the
    API meant is unknown. Other fields are left as they are. ``document`` is not changed.
    """
    normalised = dict(document)
    for variant, name in _FIELD_VARIANTS.items():
        if variant not in normalised:
            continue
        _put(
            normalised,
            name,
            normalised.pop(variant),
            f"{name!r} and {variant!r} (its name on the webhook page)",
        )
    context = normalised.get("context")
    if isinstance(context, Mapping) and any(_is_flat_system_key(key) for key in context):
        normalised["context"] = _nested_system_context(context)
    return normalised


def _is_flat_system_key(key: object) -> bool:
    return isinstance(key, str) and key.startswith(_SYSTEM_PREFIX) and key != _SYSTEM_PREFIX


def _nested_system_context(context: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    given = context.get(_SYSTEM, {})
    if not isinstance(given, Mapping):
        raise WebhookPayloadError(
            "conflict",
            "the webhook body's context has flat 'system.…' keys and a 'system' value that is "
            "not an object: they cannot be read together",
        )
    system = dict(given)
    for key, value in context.items():
        if key == _SYSTEM:
            continue
        if not _is_flat_system_key(key):
            nested[key] = value
            continue
        name = key[len(_SYSTEM_PREFIX) :]
        _put(
            system, name, value, f"system.{quoted(name)} in its context, flat and inside 'system',"
        )
    nested[_SYSTEM] = system
    return nested


def _put(target: dict[str, Any], name: str, value: Any, both: str) -> None:
    """``target[name] = value``, unless it holds another value already (the other variant)."""
    if name in target and target[name] != value:
        raise WebhookPayloadError(
            "conflict",
            f"the webhook body gives {both} with different values: which one is meant is unknown",
        )
    target[name] = value


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number"
