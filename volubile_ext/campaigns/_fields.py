"""The create request's fields as openapi.yaml declares them, read from the spec table.

The field names, their order, which are required and their Python names are written once, in
the spec; this module reads them from the generated table (``volubile_api/_spec.py``, through
``_wire``). A field that volubile_ext has no rule of its own for (forgiving input, a domain
rule) is checked here against what the spec states for it — type, format, enum, bounds,
pattern, items, the properties of a referenced schema — and sent in its JSON form, so a field
the spec adds is sendable after regeneration with no edit here.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from .._errors import FieldError
from .._wire import spec

__all__ = [
    "FIELDS",
    "INVALID",
    "PYTHON_NAMES",
    "REQUIRED",
    "check_value",
    "did_you_mean",
    "field_table",
    "json_kind",
    "unknown_field_message",
]

# The value a check returns for a value it refused (None is a valid JSON value).
INVALID: Final[Any] = object()


def field_table(schema: type) -> dict[str, Any]:
    """The property classes of a schema of the spec table, by JSON name, in the spec's order.

    Each has ``name``, ``python_name``, ``required`` and the keywords the spec states.
    """
    entries: list[Any] = [
        entry
        for entry in vars(schema).values()
        if isinstance(entry, type) and hasattr(entry, "required")
    ]
    found = {entry.name: entry for entry in entries}
    return {name: found[name] for name in getattr(schema, "properties", ())}


_REQUEST: Final = field_table(spec.CreateCampaignRequest)
#: The create request's fields (JSON names) in the schema's order: the body's order.
FIELDS: Final[tuple[str, ...]] = tuple(_REQUEST)
#: The fields the spec requires.
REQUIRED: Final = frozenset(name for name, entry in _REQUEST.items() if entry.required)
#: JSON name -> Python name (``agentId`` -> ``agent_id``), as the generated model spells it.
PYTHON_NAMES: Final[Mapping[str, str]] = {
    name: entry.python_name for name, entry in _REQUEST.items()
}
#: Python name -> JSON name.
JSON_NAMES: Final[Mapping[str, str]] = {python: name for name, python in PYTHON_NAMES.items()}


def did_you_mean(key: str, known: Iterable[str]) -> str | None:
    """The known name ``key`` most probably meant, or None."""
    candidates = list(known)
    folded = {candidate.replace("_", "").casefold(): candidate for candidate in candidates}
    exact = folded.get(key.replace("_", "").replace("-", "").casefold())
    if exact is not None:
        return exact
    import difflib  # the error path only: it weighs on `import volubile_ext`

    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def unknown_field_message(key: str, known: Sequence[str]) -> str:
    """``unknown field: did you mean X?`` or ``unknown field (expected A, B, ...)``."""
    hint = did_you_mean(key, known)
    if hint is not None:
        return f"unknown field: did you mean {hint}?"
    return f"unknown field (expected {', '.join(known)})"


_JSON_KINDS: Final = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def json_kind(value: object) -> str:
    """The JSON type name of ``value`` (``null``, ``boolean``, ``number``...), as a body has it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _resolve(entry: Any) -> Any:
    """The schema an entry stands for: the component it refers to, or itself."""
    ref = getattr(entry, "ref", None)
    return getattr(spec, ref) if isinstance(ref, str) and hasattr(spec, ref) else entry


def check_value(
    entry: type, value: object, path: str, strict: bool, errors: list[FieldError]
) -> Any:
    """``value`` checked against the spec table's ``entry``: its JSON form, or :data:`INVALID`.

    ``strict`` (a JSON body, the sandbox) takes only JSON values; otherwise the Python forms
    of the formats are taken too (a ``date`` for ``format: date``, a ``UUID``, a tuple for an
    array). Problems are appended to ``errors`` with their field path.
    """
    schema = _resolve(entry)
    before = len(errors)
    if value is None:
        if getattr(entry, "nullable", False) or getattr(schema, "nullable", False):
            return None
        errors.append(FieldError(path, "must not be null", value))
        return INVALID
    options = getattr(schema, "oneOf", None)
    if options is not None:
        for option in options:
            probe: list[FieldError] = []
            kind = getattr(spec, option, None)
            result = (
                check_value(kind, value, path, strict, probe)
                if isinstance(kind, type)
                else _check_typed(type("option", (), {"type": option}), value, path, strict, probe)
            )
            if not probe:
                return result
        errors.append(FieldError(path, f"must be one of: {', '.join(map(str, options))}", value))
        return INVALID
    result = _check_typed(schema, value, path, strict, errors)
    return INVALID if len(errors) != before else result


def _check_typed(
    schema: type, value: object, path: str, strict: bool, errors: list[FieldError]
) -> Any:
    kind = getattr(schema, "type", None)
    if kind is None and hasattr(schema, "properties"):
        kind = "object"
    if kind == "string":
        return _check_string(schema, value, path, strict, errors)
    if kind in ("integer", "number"):
        return _check_number(schema, kind, value, path, errors)
    if kind == "boolean":
        if not isinstance(value, bool):
            return _wrong_type(kind, value, path, errors)
        return value
    if kind == "array":
        return _check_array(schema, value, path, strict, errors)
    if kind == "object":
        return _check_object(schema, value, path, strict, errors)
    return value  # the spec states no type: any JSON value


def _wrong_type(kind: str, value: object, path: str, errors: list[FieldError]) -> Any:
    errors.append(FieldError(path, f"must be {_JSON_KINDS[kind]}, not {json_kind(value)}", value))
    return INVALID


def _check_enum(schema: type, value: object, path: str, errors: list[FieldError]) -> bool:
    allowed = getattr(schema, "enum", None)
    if allowed is not None and value not in allowed:
        errors.append(FieldError(path, f"must be one of {', '.join(map(str, allowed))}", value))
        return False
    return True


def _check_string(
    schema: type, value: object, path: str, strict: bool, errors: list[FieldError]
) -> Any:
    form = getattr(schema, "format", None)
    if not strict:
        # The Python values of the formats the generated models convert.
        if (
            form == "date" and isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)
        ) or (form == "date-time" and isinstance(value, _dt.datetime)):
            value = value.isoformat()
        elif form == "uuid" and isinstance(value, uuid.UUID):
            value = str(value)
    if not isinstance(value, str):
        return _wrong_type("string", value, path, errors)
    if form == "date":
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError
            _dt.date.fromisoformat(value)
        except ValueError:
            errors.append(FieldError(path, "must be a date as YYYY-MM-DD", value))
            return INVALID
    elif form == "date-time":
        try:
            _dt.datetime.fromisoformat(value)
        except ValueError:
            errors.append(FieldError(path, "must be a date and time in ISO 8601", value))
            return INVALID
    elif form == "uuid":
        try:
            value = str(uuid.UUID(value))
        except ValueError:
            errors.append(FieldError(path, "must be a UUID", value))
            return INVALID
    if not _check_enum(schema, value, path, errors):
        return INVALID
    low, high = getattr(schema, "minLength", None), getattr(schema, "maxLength", None)
    if low is not None and len(value) < low:
        errors.append(FieldError(path, f"must be at least {low} character(s) long", value))
        return INVALID
    if high is not None and len(value) > high:
        errors.append(FieldError(path, f"must be at most {high} character(s) long", value))
        return INVALID
    pattern = getattr(schema, "pattern", None)
    if pattern is not None and not re.search(pattern, value):
        errors.append(FieldError(path, f"must match the pattern {pattern}", value))
        return INVALID
    return value


def _check_number(
    schema: type, kind: str, value: object, path: str, errors: list[FieldError]
) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _wrong_type(kind, value, path, errors)
    if kind == "integer" and not isinstance(value, int):
        return _wrong_type(kind, value, path, errors)
    if isinstance(value, float) and not math.isfinite(value):
        errors.append(FieldError(path, "must be a finite number", value))
        return INVALID
    if not _check_enum(schema, value, path, errors):
        return INVALID
    low, high = getattr(schema, "minimum", None), getattr(schema, "maximum", None)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = (
            f"between {low} and {high}"
            if low is not None and high is not None
            else f"at least {low}"
            if low is not None
            else f"at most {high}"
        )
        errors.append(FieldError(path, f"must be {bounds}", value))
        return INVALID
    return value


def _check_array(
    schema: type, value: object, path: str, strict: bool, errors: list[FieldError]
) -> Any:
    if strict and not isinstance(value, list):
        return _wrong_type("array", value, path, errors)
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return _wrong_type("array", value, path, errors)
    items = list(value)
    low, high = getattr(schema, "minItems", None), getattr(schema, "maxItems", None)
    if low is not None and len(items) < low:
        errors.append(FieldError(path, f"must hold at least {low} item(s)", items[:10]))
        return INVALID
    if high is not None and len(items) > high:
        errors.append(FieldError(path, f"must hold at most {high} item(s), got {len(items)}"))
        return INVALID
    entry = getattr(schema, "items", None)
    result = [
        check_value(entry, item, f"{path}[{index}]", strict, errors) if entry else item
        for index, item in enumerate(items)
    ]
    if getattr(schema, "uniqueItems", False):
        seen: list[Any] = []
        for index, item in enumerate(result):
            if item in seen:
                errors.append(FieldError(f"{path}[{index}]", "is listed twice", item))
            seen.append(item)
    return result


def _check_object(
    schema: type, value: object, path: str, strict: bool, errors: list[FieldError]
) -> Any:
    if not isinstance(value, Mapping):
        return _wrong_type("object", value, path, errors)
    properties = field_table(schema)
    extra = getattr(schema, "additionalProperties", None)
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            errors.append(FieldError(path, "keys must be text", key))
            continue
        where = f"{path}.{key}" if path else key
        entry = properties.get(key)
        if entry is None and isinstance(extra, type):
            entry = extra
        if entry is None:
            if properties and extra is not True:
                errors.append(FieldError(where, unknown_field_message(key, list(properties)), item))
                continue
            result[key] = item
            continue
        result[key] = check_value(entry, item, where, strict, errors)
    for name, entry in properties.items():
        if entry.required and name not in value:
            errors.append(FieldError(f"{path}.{name}" if path else name, "is required"))
    # The schema's order, as the generated model writes it.
    ordered = {name: result[name] for name in properties if name in result}
    ordered.update((key, item) for key, item in result.items() if key not in ordered)
    return ordered


def request_field(name: str) -> Any:
    """The spec table's entry for the create request's field ``name`` (a JSON name)."""
    return _REQUEST[name]
