"""The one rule set for creating a campaign.

Everything that creates, or pretends to create, a campaign checks its input here:
``campaigns.create`` and bulk creation through :func:`build_campaign_request`,
:func:`~volubile_ext.plan_campaign` likewise, and the sandbox server through
:func:`check_campaign_payload` (the same rules read from a JSON body, as a server receives it).

Each field has one rule function used by both entry points. The function takes the field's
value and ``strict``: when False (Python callers) it accepts the forgiving forms users expect
(dates as ``date`` or ISO text, days as ``"weekdays"``, slots as ``"10:00-13:00"``...); when
True (a JSON body) it accepts only what the API's JSON allows. What is checked after that, the
limits of the API reference, is the same code for both. Problems are collected, never raised
one at a time, each with the API's field path (``recipients[17].phone``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import deepcopy
from typing import TYPE_CHECKING, Any, Final, TypeAlias, Unpack

import attrs

from .._errors import (
    MAX_LISTED_PROBLEMS,
    ClientValidationError,
    FieldError,
    ProblemList,
    shown_text,
)
from .._wire import CreateCampaignRequestFields
from .._wire import spec as _spec
from ._days import Day, DayProblem, Outcome, read_days
from ._fields import (
    FIELDS,
    INVALID,
    JSON_NAMES,
    PYTHON_NAMES,
    REQUIRED,
    check_value,
    field_table,
    json_kind,
    request_field,
    unknown_field_message,
)
from ._recipients import (
    _PHONE_OF_RECIPIENT,
    SURROGATE_REASON,
    ContextProblems,
    PlainRecipients,
    Recipient,
    RecipientImport,
    check_plain,
    flat_context_copy,
    freeze_context,
    has_surrogate,
    is_e164,
    phone_problem,
    recipient_json,
    trusted_recipient,
    wire_recipients_json,
)
from ._retry_settings import RetrySettings, _trusted_retry
from ._timeslots import (
    ALLOWED_WINDOWS,
    SlotProblem,
    TimeSlot,
    clip_slot,
    clip_time_slots,
    is_single_pair,
    make_slot,
    read_slot,
    read_wire_clock,
)

if TYPE_CHECKING:
    import zoneinfo

__all__ = [
    "CALL_STATUSES",
    "CampaignRequest",
    "RetrySettings",
    "build_campaign_request",
    "campaign_values",
    "check_campaign_payload",
    "retry_warnings",
]

# The API's limits, from openapi.yaml through its generated table (volubile_api/_spec.py).
MAX_TIME_SLOTS: Final = _spec.CreateCampaignRequest.timeSlots.maxItems
MIN_BATCH_SIZE: Final = _spec.CreateCampaignRequest.batchSize.minimum
MAX_BATCH_SIZE: Final = _spec.CreateCampaignRequest.batchSize.maximum
MAX_RECIPIENTS: Final = _spec.CreateCampaignRequest.recipients.maxItems
MIN_RETRIES: Final = _spec.Retry.max.minimum
MAX_RETRIES: Final = _spec.Retry.max.maximum
# The call statuses of the spec (CallResponse.status, from the spec table): what retry.retryOn
# names most often. Accounts define their own qualifiers too, so other values are sent, with a
# warning when they look like a misspelt status.
CALL_STATUSES: Final[tuple[str, ...]] = _spec.CallResponse.status.enum

# The body's fields (FIELDS, in the schema's order), which are required, and their Python
# names come from the spec table (_fields). A field has a rule here only where volubile_ext adds
# behaviour (forgiving input, a domain rule); every other field the spec declares is checked
# against the spec table and sent as given (_fields.check_value).
_REQUIRED: Final = REQUIRED
# camelCase hints for snake_case keys in a JSON body (batch_size -> "did you mean batchSize?"),
# for every schema of the request.
_SNAKE_TO_CAMEL: Final = {
    entry.python_name: name
    for schema in (_spec.CreateCampaignRequest, _spec.Retry)
    for name, entry in field_table(schema).items()
    if entry.python_name != name
}

# What the forgiving (Python) entry points take for the fields with rules of their own: the
# types of the keyword arguments of campaigns.create, build_campaign_request and the planners.
DateInput: TypeAlias = "_dt.date | str"
SlotInput: TypeAlias = (
    "str | TimeSlot | tuple[str | _dt.time, str | _dt.time] | Mapping[str, str | _dt.time]"
)
TimeSlotsInput: TypeAlias = "SlotInput | Iterable[SlotInput]"
DaysInput: TypeAlias = "str | Day | Iterable[str | Day]"
RetryInput: TypeAlias = "RetrySettings | Mapping[str, object]"
RecipientInput: TypeAlias = "Recipient | Mapping[str, object] | str"
RecipientsInput: TypeAlias = "Iterable[RecipientInput] | RecipientImport"
TimezoneInput: TypeAlias = "str | zoneinfo.ZoneInfo"


def campaign_values(
    arguments: Mapping[str, Any], fields: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The arguments of ``campaigns.create`` keyed by the API's field names, as the rules read them.

    ``arguments`` maps the Python names (``agent_id``) of the fields with rules of their own to
    their values: the ``locals()`` of a function taking them, called first thing, so that every
    entry point reads the same fields. ``fields`` holds the other fields, by Python name (the
    ``**fields`` of those functions); a name that is no field of the spec is kept under
    ``_UNKNOWN`` for :func:`run_rules` to refuse with a did-you-mean.
    """
    values = {
        field: arguments[PYTHON_NAME[field]] for field in _NAMED if PYTHON_NAME[field] in arguments
    }
    unknown: dict[str, Any] = {}
    for key, value in (fields or {}).items():
        field = JSON_NAMES.get(key)
        if field is None or field in _NAMED:
            unknown[key] = value
        else:
            values[field] = value
    if unknown:
        values[_UNKNOWN] = unknown
    return values


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CANONICAL_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_UUID_EXAMPLE = "123e4567-e89b-12d3-a456-426614174000"
_WINDOWS_TEXT = " and ".join(str(window) for window in ALLOWED_WINDOWS)

# A missing key of a JSON body; Python callers pass None for "not given".
_MISSING: Any = object()

_Errors = list[FieldError]
# How many items of an over-long list are copied into its rejected value.
_SHOWN_ITEMS: Final = 10

# Campaigns are created again and again with the same few values in text form: an agent id,
# calling slots, "weekdays". Reading them is most of the cost of checking a small campaign
# (scripts/bench.py), so each such text is read once and the result, immutable, shared by later
# calls of the forgiving (Python) entry point. Only successful reads are kept, so a wrong value
# always goes through its rule and gets its message; bounded, as callers may pass anything.
_MEMO_SIZE: Final = 256
_memo: dict[tuple[str, str], Any] = {}


def _remember(kind: str, text: str, value: Any) -> None:
    if len(_memo) >= _MEMO_SIZE:
        _memo.clear()
    _memo[kind, text] = value


def _kind(value: object, strict: bool) -> str:
    """The type of ``value`` as the caller thinks of it: JSON type names for a JSON body."""
    return json_kind(value) if strict else type(value).__name__


def _absent(value: object) -> bool:
    return value is None or value is _MISSING


def _required(field: str, errors: _Errors) -> None:
    errors.append(FieldError(field, "is required"))


def _is_int(value: object) -> bool:
    # bool is an int to Python, never to the API.
    return isinstance(value, int) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------------
# Per-field rules. Each appends its problems to ``errors`` and returns the normalised value
# (None when the field is absent or wrong; the caller only builds a request when no error).


def _rule_name(value: object, strict: bool, errors: _Errors) -> str | None:
    if _absent(value):
        _required("name", errors)
        return None
    if not isinstance(value, str):
        errors.append(FieldError("name", f"must be text, not {_kind(value, strict)}", value))
        return None
    name = value.strip()
    if not name:
        errors.append(FieldError("name", "must not be empty", value))
        return None
    if has_surrogate(name):
        errors.append(FieldError("name", _SURROGATE_MESSAGE, value))
        return None
    return name


def check_name(value: object, errors: _Errors) -> str | None:
    """The campaign name's rule on a Python value: the name, stripped, or None and a problem."""
    return _rule_name(value, False, errors)


_SURROGATE_MESSAGE = (
    f"{SURROGATE_REASON}: it usually comes from bytes decoded with errors='surrogateescape'"
)


def _rule_agent_id(value: object, strict: bool, errors: _Errors) -> uuid.UUID | None:
    if _absent(value):
        _required("agentId", errors)
        return None
    if isinstance(value, uuid.UUID) and not strict:
        return value
    if not strict and type(value) is str:
        known: uuid.UUID | None = _memo.get(("agentId", value))
        if known is not None:
            return known
    if not isinstance(value, str):
        errors.append(FieldError("agentId", f"must be a UUID, not {_kind(value, strict)}", value))
        return None
    text = value if strict else value.strip()
    if strict and not _CANONICAL_UUID.fullmatch(text):
        errors.append(FieldError("agentId", f"must be a UUID such as {_UUID_EXAMPLE}", value))
        return None
    try:
        agent_id = uuid.UUID(text)
    except ValueError:
        errors.append(
            FieldError(
                "agentId",
                f"must be a UUID such as {_UUID_EXAMPLE}: the agent's id, from the Volubile app",
                value,
            )
        )
        return None
    if not strict:
        _remember("agentId", value, agent_id)
    return agent_id


def _rule_start_date(value: object, strict: bool, errors: _Errors) -> _dt.date | None:
    if _absent(value):
        _required("startDate", errors)
        return None
    if not strict:
        if isinstance(value, _dt.datetime):
            errors.append(
                FieldError(
                    "startDate",
                    "must be a date, not a datetime: the campaign's timezone gives the day its "
                    "hours; pass value.date()",
                    value.isoformat(),
                )
            )
            return None
        if isinstance(value, _dt.date):
            return value
    if not isinstance(value, str):
        errors.append(
            FieldError(
                "startDate",
                f"must be a date as YYYY-MM-DD, not {_kind(value, strict)}",
                value,
            )
        )
        return None
    text = value if strict else value.strip()
    if not _ISO_DATE.fullmatch(text):
        errors.append(
            FieldError("startDate", "must be a date as YYYY-MM-DD, e.g. 2024-07-30", value)
        )
        return None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as exc:
        errors.append(FieldError("startDate", f"is not a real date ({exc})", value))
        return None


def _slot_wire(value: object, path: str, errors: _Errors) -> TimeSlot | None:
    """A slot of a JSON body: ``{"startTime": "HH:MM", "endTime": "HH:MM"}``, exactly."""
    if not isinstance(value, Mapping):
        errors.append(
            FieldError(
                path,
                f"must be an object with startTime and endTime, not {_kind(value, True)}",
                value,
            )
        )
        return None
    _unknown_keys(value, ("startTime", "endTime"), path, errors)
    clocks: list[_dt.time] = []
    for key in ("startTime", "endTime"):
        raw = value.get(key, _MISSING)
        if _absent(raw):
            _required(f"{path}.{key}", errors)
        elif not isinstance(raw, str):
            errors.append(
                FieldError(f"{path}.{key}", f"must be a string, not {_kind(raw, True)}", raw)
            )
        else:
            try:
                clocks.append(read_wire_clock(raw))
            except SlotProblem as problem:
                errors.append(FieldError(f"{path}.{key}", problem.reason, raw))
    if len(clocks) != 2:
        return None
    try:
        return make_slot(clocks[0], clocks[1])
    except SlotProblem as problem:
        errors.append(FieldError(path, problem.reason, dict(value)))
        return None


def _slot_forgiving(value: object, path: str, errors: _Errors) -> TimeSlot | None:
    if type(value) is str:
        known: TimeSlot | None = _memo.get(("slot", value))
        if known is not None:
            return known
    try:
        slot = read_slot(value)
    except SlotProblem as problem:
        errors.append(FieldError(path, problem.reason, value))
        return None
    if type(value) is str:
        _remember("slot", value, slot)
    return slot


def _rule_time_slots(value: object, strict: bool, errors: _Errors) -> tuple[TimeSlot, ...] | None:
    if _absent(value):
        _required("timeSlots", errors)
        return None
    items: Sequence[object]
    single = False  # one slot given on its own: its problems are reported at "timeSlots"
    if strict:
        if not isinstance(value, list):
            errors.append(
                FieldError(
                    "timeSlots",
                    f"must be an array of {{startTime, endTime}} objects, not {_kind(value, True)}",
                    value,
                )
            )
            return None
        items = value
    elif (
        isinstance(value, (str, TimeSlot, Mapping))
        or is_single_pair(value)
        or not isinstance(value, Iterable)
    ):
        items, single = [value], True
    else:
        # A list or tuple is read in place: copying a million items would cost 8 MB for nothing.
        items = value if isinstance(value, (list, tuple)) else list(value)
    before = len(errors)
    if not items:
        errors.append(FieldError("timeSlots", "must hold at least one time slot", []))
    elif len(items) > MAX_TIME_SLOTS:
        # Only what a message can show is converted: the list may hold a million items.
        shown = [
            str(item) if isinstance(item, (str, TimeSlot)) else item
            for item in items[:_SHOWN_ITEMS]
        ]
        errors.append(
            FieldError(
                "timeSlots",
                f"at most {MAX_TIME_SLOTS} time slots are allowed, got {len(items)}: merge them "
                f"(the calling hours are {_WINDOWS_TEXT})",
                shown,
            )
        )
    slots: list[TimeSlot] = []
    # Of a list already refused for its length, only as many items as a message lists are
    # checked: a million of them would take seconds for nothing.
    for index, item in enumerate(
        items[:MAX_LISTED_PROBLEMS] if len(items) > MAX_TIME_SLOTS else items
    ):
        path = "timeSlots" if single else f"timeSlots[{index}]"
        slot = _slot_wire(item, path, errors) if strict else _slot_forgiving(item, path, errors)
        if slot is None:
            continue
        if not clip_slot(slot):
            errors.append(
                FieldError(
                    path,
                    f"lies entirely outside the calling hours ({_WINDOWS_TEXT}): "
                    "no call would be placed in it",
                    str(slot),
                )
            )
            continue
        slots.append(slot)
    if len(errors) != before:
        return None
    return tuple(slots)


def _rule_batch_size(value: object, strict: bool, errors: _Errors) -> int | None:
    if _absent(value):
        _required("batchSize", errors)
        return None
    if not _is_int(value):
        errors.append(
            FieldError(
                "batchSize",
                f"must be a whole number of calls per day, not {_kind(value, strict)}",
                value,
            )
        )
        return None
    assert isinstance(value, int)
    if not MIN_BATCH_SIZE <= value <= MAX_BATCH_SIZE:
        errors.append(
            FieldError(
                "batchSize",
                f"must be between {MIN_BATCH_SIZE} and {MAX_BATCH_SIZE} calls per day",
                value,
            )
        )
        return None
    return value


_DAY_VALUES = ", ".join(day.value for day in Day)


def _rule_days(value: object, strict: bool, errors: _Errors) -> tuple[Day, ...] | None:
    if _absent(value):
        _required("days", errors)
        return None
    if not strict and type(value) is str:
        known: tuple[Day, ...] | None = _memo.get(("days", value))
        if known is not None:
            return known
    before = len(errors)
    outcomes: list[Outcome]
    if strict:
        if not isinstance(value, list):
            errors.append(
                FieldError(
                    "days", f"must be an array of day names, not {_kind(value, True)}", value
                )
            )
            return None
        # The API's JSON takes the exact names: Jackson reads enums case-sensitively.
        outcomes = [
            (index, item, (Day(item),))
            if isinstance(item, str) and item in Day.__members__
            else (index, item, DayProblem(f"must be one of {_DAY_VALUES}"))
            for index, item in enumerate(value)
        ]
    else:
        outcomes = read_days(value)
    days: list[Day] = []
    for index, item, outcome in outcomes:
        path = "days" if index is None else f"days[{index}]"
        if isinstance(outcome, DayProblem):
            errors.append(FieldError(path, outcome.reason, item))
            continue
        for day in outcome:
            if day in days:
                errors.append(FieldError(path, f"{day.value} is listed twice", item))
            else:
                days.append(day)
    if len(errors) != before:
        return None
    if not days:
        errors.append(FieldError("days", "must hold at least one day", []))
        return None
    result = tuple(days)
    if not strict and type(value) is str:
        _remember("days", value, result)
    return result


def _rule_timezone(value: object, strict: bool, errors: _Errors) -> str | None:
    if _absent(value):
        return None
    # zoneinfo is imported where used: it weighs on `import volubile_ext` otherwise.
    import zoneinfo

    if not strict and isinstance(value, zoneinfo.ZoneInfo):
        if value.key is None:
            errors.append(
                FieldError("timezone", "must be a named IANA zone, not one read from a file")
            )
            return None
        value = value.key
    if not isinstance(value, str):
        errors.append(
            FieldError(
                "timezone",
                f"must be an IANA time zone name such as Europe/Paris, not {_kind(value, strict)}",
                value,
            )
        )
        return None
    problem = timezone_problem(value)
    if problem is not None:
        errors.append(FieldError("timezone", problem, value))
        return None
    return value


@functools.cache
def _known_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def timezone_problem(name: str) -> str | None:
    """Why ``name`` is not a usable IANA time zone, or None when it is."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    else:
        return None
    # Only now, on the error path, pay for listing every zone to suggest the right spelling.
    known = _known_zones()
    if not known:
        return "cannot be checked: no time zone database here (pip install tzdata)"
    folded = name.strip().casefold().replace(" ", "_")
    suggestion = next((zone for zone in sorted(known) if zone.casefold() == folded), None)
    hint = f": did you mean {suggestion}?" if suggestion else ", e.g. Europe/Paris"
    return f"is not an IANA time zone name{hint}"


# --- retry ----------------------------------------------------------------------------------


def _retry_fields(
    value: Mapping[Any, Any], strict: bool, errors: _Errors
) -> tuple[object, object, object]:
    allowed = ("max", "delay", "retryOn") if strict else ("max", "delay", "retry_on", "retryOn")
    _unknown_keys(value, allowed, "retry", errors)
    retry_on = value.get("retryOn", _MISSING)
    if not strict and "retry_on" in value:
        if "retryOn" in value:
            errors.append(FieldError("retry.retryOn", "is given twice, as retry_on and as retryOn"))
        retry_on = value["retry_on"]
    return value.get("max", _MISSING), value.get("delay", _MISSING), retry_on


def _check_retry(
    max_: object, delay: object, retry_on: object, strict: bool, errors: _Errors
) -> RetrySettings | None:
    before = len(errors)
    retries = 0
    if _absent(max_):
        errors.append(
            FieldError(
                "retry.max", f"is required: the number of retries, {MIN_RETRIES} to {MAX_RETRIES}"
            )
        )
    elif not isinstance(max_, int) or isinstance(max_, bool):
        errors.append(
            FieldError("retry.max", f"must be a whole number, not {_kind(max_, strict)}", max_)
        )
    else:
        retries = max_
        if not MIN_RETRIES <= max_ <= MAX_RETRIES:
            errors.append(
                FieldError("retry.max", f"must be between {MIN_RETRIES} and {MAX_RETRIES}", max_)
            )

    # The API reads delay and retryOn only when there are retries; their types are always
    # checked, their values only then.
    delay_hours: int | None = None
    if _absent(delay):
        if retries > 0:
            errors.append(
                FieldError(
                    "retry.delay",
                    "is required when retry.max is above 0: the hours between two attempts",
                )
            )
    elif not isinstance(delay, int) or isinstance(delay, bool):
        errors.append(
            FieldError(
                "retry.delay", f"must be a whole number of hours, not {_kind(delay, strict)}", delay
            )
        )
    else:
        if retries > 0 and delay < 1:
            errors.append(FieldError("retry.delay", "must be at least 1 (hour)", delay))
        delay_hours = delay

    statuses: tuple[str, ...] = ()
    readable = True
    if _absent(retry_on):
        pass
    elif not strict and isinstance(retry_on, str):
        statuses = (retry_on,)  # one status given on its own
    elif isinstance(retry_on, list) or (
        not strict and isinstance(retry_on, Iterable) and not isinstance(retry_on, Mapping)
    ):
        items = list(retry_on)
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                readable = False
                errors.append(
                    FieldError(
                        f"retry.retryOn[{index}]",
                        "must be a call status or qualifier such as NO_ANSWER",
                        item,
                    )
                )
            elif has_surrogate(item):
                readable = False
                errors.append(FieldError(f"retry.retryOn[{index}]", _SURROGATE_MESSAGE, item))
        statuses = tuple(item for item in items if isinstance(item, str))
    else:
        readable = False
        errors.append(
            FieldError(
                "retry.retryOn",
                "must be a list of call statuses such as ['NO_ANSWER', 'VOICE_BOX'], "
                f"not {_kind(retry_on, strict)}",
                retry_on,
            )
        )
    if retries > 0 and readable and not statuses:
        errors.append(
            FieldError(
                "retry.retryOn",
                "must list at least one call status to retry on when retry.max is above 0, "
                "e.g. ['NO_ANSWER', 'VOICE_BOX']",
                [] if _absent(retry_on) else retry_on,
            )
        )
    if len(errors) != before:
        return None
    return _trusted_retry(retries, delay_hours, statuses)


def _status_key(text: str) -> str:
    return re.sub(r"[^A-Z]", "", text.upper())


_STATUS_KEYS: Final = {_status_key(status): status for status in CALL_STATUSES}


@functools.lru_cache(maxsize=64)
def retry_warnings(retry_on: tuple[str, ...]) -> tuple[str, ...]:
    """Warnings for ``retry_on`` values that look like a misspelt call status.

    A value that is not a call status may be a qualifier of the account, so it is sent as
    written; one that differs from a status only by case, separators or a letter or two
    (``"NOANSWER"``, ``"no answer"``, ``"CANCELLED"``) most probably means that status.
    """
    import difflib  # the error path only

    found: list[str] = []
    for index, value in enumerate(retry_on):
        if value in CALL_STATUSES:
            continue
        key = _status_key(value)
        status = _STATUS_KEYS.get(key)
        if status is None and key:
            close = difflib.get_close_matches(key, _STATUS_KEYS, n=1, cutoff=0.8)
            status = _STATUS_KEYS[close[0]] if close else None
        if status is not None:
            found.append(
                f"retry.retryOn[{index}] is {shown_text(value)}, not a call status: did you mean "
                f"{status}? It is sent as written, and only a qualifier of your account with "
                "this exact name would match it"
            )
    return tuple(found)


def _rule_retry(value: object, strict: bool, errors: _Errors) -> RetrySettings | None:
    if _absent(value):
        return None
    if isinstance(value, RetrySettings) and not strict:
        return value  # checked when it was made
    if not isinstance(value, Mapping):
        expected = "an object" if strict else "RetrySettings or a mapping {max, delay, retry_on}"
        errors.append(FieldError("retry", f"must be {expected}, not {_kind(value, strict)}", value))
        return None
    max_, delay, retry_on = _retry_fields(value, strict, errors)
    return _check_retry(max_, delay, retry_on, strict, errors)


# --- recipients -----------------------------------------------------------------------------


def _recipient_from_mapping(
    item: Mapping[Any, Any], index: int, errors: _Errors
) -> Recipient | None:
    # The usual item is exactly {"phone", "context"} or {"phone"}: test that first, cheaply.
    size = len(item)
    if not (
        (size == 2 and "phone" in item and "context" in item) or (size == 1 and "phone" in item)
    ):
        _unknown_keys(item, ("phone", "context"), f"recipients[{index}]", errors)
    phone = item.get("phone")
    valid_phone = type(phone) is str and is_e164(phone) is not None
    if not valid_phone:
        if phone is None:
            _required(f"recipients[{index}].phone", errors)
        else:
            errors.append(FieldError(f"recipients[{index}].phone", _phone_message(phone), phone))
    try:
        context, nested = freeze_context(item.get("context"))
    except ContextProblems as found:
        errors.extend(found.field_errors(f"recipients[{index}]."))
        return None
    if not valid_phone:
        return None
    assert isinstance(phone, str)
    return trusted_recipient(phone, context, nested)


def _phone_message(phone: object) -> str:
    return phone_problem(phone) or "must be in E.164 format, e.g. +33612345678"


def _rule_recipients(
    value: object, strict: bool, errors: _Errors, limit: int | None
) -> tuple[Recipient, ...] | None:
    """The recipients rule: the checked recipients, or None and the problems in ``errors``."""
    checked = _rule_recipient_list(value, strict, errors, limit, keep_plain=False, encode=False)
    assert not isinstance(checked, PlainRecipients)
    return checked


def _rule_recipient_list(
    value: object,
    strict: bool,
    errors: _Errors,
    limit: int | None,
    *,
    keep_plain: bool,
    encode: bool,
) -> tuple[Recipient, ...] | PlainRecipients | None:
    """The recipients rule; ``keep_plain``: a list of plain recipients is kept as
    :class:`PlainRecipients` (what a request holds) rather than made into Recipients;
    ``encode``: those already in the body's form are kept as the JSON it sends
    (:func:`check_plain`)."""
    if _absent(value):
        return None
    if isinstance(value, RecipientImport) and not strict:
        # What load_recipients returns stands for its recipients, as in create_many; its
        # rejected rows and duplicates are for the caller to read, not to send.
        value = value.recipients
    if strict and not isinstance(value, list):
        errors.append(
            FieldError("recipients", f"must be an array, not {_kind(value, True)}", value)
        )
        return None
    if not strict and (
        not isinstance(value, Iterable) or isinstance(value, (str, bytes, Mapping, Recipient))
    ):
        errors.append(
            FieldError(
                "recipients",
                "must be a list of recipients (Recipient objects, {'phone', 'context'} "
                f"mappings or E.164 numbers), not {type(value).__name__}",
                value,
            )
        )
        return None
    assert isinstance(value, Iterable)
    if type(value) in (list, tuple) and (limit is None or len(value) <= limit):  # type: ignore[arg-type]
        kept = check_plain(value, encode=encode)  # type: ignore[arg-type]
        if kept is not None:
            return kept if keep_plain else kept.recipients()
    before = len(errors)
    recipients: list[Recipient] = []
    keep = recipients.append
    total = 0
    for index, item in enumerate(value):
        total += 1
        # The common case first, with no call but the copy: a dict {"phone", "context"} with a
        # valid number and a flat context. A campaign body holds up to 1,000 of these.
        if type(item) is dict and len(item) == 2:
            phone = item.get("phone")
            context = item.get("context")
            if type(phone) is str and is_e164(phone) and type(context) is dict:
                copied = flat_context_copy(context)
                if copied is not None:
                    keep(trusted_recipient(phone, copied, False))
                    continue
        if isinstance(item, Recipient):
            if strict:
                errors.append(
                    FieldError(f"recipients[{index}]", "must be an object with a phone", item)
                )
            else:
                keep(item)  # checked when it was made
        elif isinstance(item, Mapping):
            recipient = _recipient_from_mapping(item, index, errors)
            if recipient is not None:
                keep(recipient)
        elif not strict and isinstance(item, str):
            if is_e164(item):
                keep(trusted_recipient(item, {}, False))
            else:
                errors.append(FieldError(f"recipients[{index}].phone", _phone_message(item), item))
        else:
            expected = (
                "an object with a phone" if strict else "a Recipient, a mapping or an E.164 number"
            )
            errors.append(
                FieldError(
                    f"recipients[{index}]", f"must be {expected}, not {_kind(item, strict)}", item
                )
            )
    if total == 0:
        errors.append(
            FieldError(
                "recipients",
                "must hold at least 1 recipient; leave recipients out to create the campaign "
                "without any",
                [],
            )
        )
    elif limit is not None and total > limit:
        errors.append(
            FieldError(
                "recipients",
                f"must hold at most {limit} recipients, got {total}: split them over several "
                "campaigns (campaigns.create_many does it)",
            )
        )
    if len(errors) != before:
        return None
    return tuple(recipients)


# --- shared ---------------------------------------------------------------------------------


def _unknown_keys(
    value: Mapping[Any, Any], allowed: tuple[str, ...], path: str, errors: _Errors
) -> None:
    for key in value:
        if key in allowed:
            continue
        hint = _SNAKE_TO_CAMEL.get(key) if isinstance(key, str) else None
        if hint is not None and hint in allowed:
            message = f"unknown field: did you mean {hint}?"
        else:
            message = f"unknown field (expected {', '.join(allowed)})"
        # A key need not be text: 10**5000 or a tuple is written as a bounded value.
        if isinstance(key, str):
            field = f"{path}.{key}" if path else key
        else:
            field = f"{path}[{shown_text(key)}]"
        errors.append(FieldError(field, message, value[key]))


# --------------------------------------------------------------------------------------------
# The values


class _PlainSlot:
    """The slot where a :class:`CampaignRequest` keeps its plain recipients, when it has them.

    A base class's slot, which attrs does not see: not a field, so not in the request's eq,
    hash, repr, asdict, evolve or pickled state, all of which see ``recipients`` instead.
    """

    __slots__ = ("_plain",)
    _plain: PlainRecipients | None


@attrs.frozen
class CampaignRequest(_PlainSlot):
    """A campaign creation, checked and normalised: what will be sent, and nothing invalid.

    Build it with :func:`build_campaign_request` (Python values) or :meth:`from_json` (a JSON
    body); the constructor itself checks nothing. :meth:`to_json` gives the exact request body.
    """

    name: str
    agent_id: uuid.UUID
    start_date: _dt.date
    time_slots: tuple[TimeSlot, ...]
    batch_size: int
    days: tuple[Day, ...]
    retry: RetrySettings | None = None
    recipients: tuple[Recipient, ...] | None = None
    timezone: str | None = None
    #: The fields of the spec that volubile_ext has no rule of its own for, checked against
    #: the spec table, by JSON name, in their JSON form (``{"callerId": "+33..."}``).
    other_fields: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    # perf: "campaigns.create with 1,000 recipients" and "create_many, 20,000 recipients"
    # (scripts/bench.py). For a list of plain recipients the rules keep their numbers and a
    # copy of each context (PlainRecipients, in the _plain slot), what the body is written
    # from, instead of Recipient objects, which a create never reads: ``recipients`` is then
    # left unset, and its first read (through __getattr__, so attrs' eq, hash, repr, evolve,
    # asdict and pickling see it too) makes the Recipients and keeps them. Both set once, by
    # _hold_plain and here, never changed (two threads reading at once may both make them:
    # equal values, the one kept last then read by all).

    def __getattr__(self, name: str) -> Any:
        # Only reached for an attribute that is not set: _plain of a request without plain
        # recipients, and the recipients of one with them, before they are first read.
        if name == "_plain":
            return None
        if name == "recipients":
            plain = self._plain
            if plain is not None:
                recipients = plain.recipients()
                object.__setattr__(self, "recipients", recipients)
                return recipients
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def effective_windows(self) -> tuple[TimeSlot, ...]:
        """When calls will really happen each day: the slots clipped to the allowed hours."""
        return clip_time_slots(self.time_slots)

    def to_json(self) -> dict[str, Any]:
        """The request body, exactly as the API takes it.

        camelCase keys in the schema's order (name, agentId, startDate, timeSlots, batchSize,
        retry, days, recipients, timezone, then any field the spec adds where it puts it),
        optional ones left out when not set; plain dicts, lists and strings, ready for
        ``json.dumps``. A new structure on every call.
        """
        return self._body(copy=True)

    def wire_json(self) -> dict[str, Any]:
        """The request body as :meth:`to_json` gives it, for sending only (never changed).

        The same document, but the recipients' flat contexts are their own dicts, not copies:
        what ``campaigns.create`` serialises.
        """
        # perf: "campaigns.create with 1,000 recipients" and "create_many, 20,000 recipients"
        # (scripts/bench.py): no copy of a thousand contexts only to serialise them, and no
        # Recipient made from the plain recipients the rules kept.
        return self._body(copy=False)

    def _body(self, *, copy: bool, recipients: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "agentId": str(self.agent_id),
            "startDate": self.start_date.isoformat(),
            "timeSlots": [slot.to_api() for slot in self.time_slots],
            "batchSize": self.batch_size,
        }
        if self.retry is not None:
            body["retry"] = self.retry.to_api()
        body["days"] = [_DAY_TEXT[day] for day in self.days]
        if recipients:
            plain = self._plain
            if plain is not None:
                body["recipients"] = plain.to_json() if copy else plain.wire_json()
            elif self.recipients is not None:
                body["recipients"] = (
                    [recipient_json(recipient) for recipient in self.recipients]
                    if copy
                    else wire_recipients_json(self.recipients)
                )
        if self.timezone is not None:
            body["timezone"] = self.timezone
        if self.other_fields:
            body.update(deepcopy(dict(self.other_fields)))
        # The schema's order, whatever order the spec gives its fields in.
        return {field: body[field] for field in FIELDS if field in body}

    def wire_parts(self) -> tuple[dict[str, Any], bytes | None]:
        """What ``campaigns.create`` sends, in two parts: the body as :meth:`wire_json` gives
        it, and None; or, when the recipients were kept as the JSON they are sent as (checked
        for sending, see :func:`check_plain`), the body without them, and their bytes."""
        # perf: "sync `campaigns.create`, 1,000 recipients" (scripts/bench.py): the encoded
        # recipients are spliced into the body as they are, never decoded again.
        plain = self._plain
        if plain is not None and plain.wire_bytes is not None:
            return self._body(copy=False, recipients=False), plain.wire_bytes
        return self._body(copy=False), None

    @classmethod
    def from_json(cls, payload: object) -> CampaignRequest:
        """Read a JSON request body as a server would, raising :class:`ClientValidationError`.

        The same rules as :func:`check_campaign_payload`, which lists the problems instead.
        """
        request, errors = _run_payload(payload)
        if request is None:
            raise ClientValidationError(errors)
        return request


# The text of each day, as the body sends it (plain str, not the enum). perf: "sync
# `campaigns.create`, 1 recipient" (scripts/bench.py): an enum's .value is a property lookup
# that every create paid once a day.
_DAY_TEXT: Final[Mapping[Day, str]] = {day: str(day.value) for day in Day}


# --------------------------------------------------------------------------------------------
# Entry points


def run_rules(
    values: Mapping[str, Any],
    *,
    strict: bool,
    recipient_limit: int | None = MAX_RECIPIENTS,
    for_sending: bool = False,
) -> tuple[CampaignRequest | None, list[FieldError]]:
    """Apply every rule to ``values`` (camelCase keys; absent or None means not given).

    Returns the request, or None and the problems. ``recipient_limit`` None lifts the
    1,000-recipient limit, for planning a list that bulk creation will split. The fields are
    read in the schema's order; those without a rule here are checked against the spec table.
    ``for_sending``: the request is about to be sent, so plain recipients already in the
    body's form are kept as the JSON it sends (see :func:`check_plain`).
    """
    errors: _Errors = ProblemList()
    get = values.get
    checked: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for field in FIELDS:
        value = get(field, _MISSING)
        rule = _RULES.get(field)
        if rule is not None:
            checked[field] = rule(value, strict, errors)
        elif field == "recipients":
            checked[field] = _rule_recipient_list(
                value, strict, errors, recipient_limit, keep_plain=True, encode=for_sending
            )
        elif _absent(value):
            if field in REQUIRED:
                _required(field, errors)
        else:
            result = check_value(request_field(field), value, field, strict, errors)
            if result is not INVALID:
                other[field] = result
    for key, value in get(_UNKNOWN, {}).items():
        errors.append(FieldError(key, unknown_field_message(key, _PYTHON_FIELDS), value))
    if errors:
        return None, errors
    # No error means every required rule returned its value.
    recipients = checked["recipients"]
    plain = recipients if type(recipients) is PlainRecipients else None
    request = CampaignRequest(
        name=checked["name"],
        agent_id=checked["agentId"],
        start_date=checked["startDate"],
        time_slots=checked["timeSlots"],
        batch_size=checked["batchSize"],
        days=checked["days"],
        retry=checked["retry"],
        recipients=None if plain is not None else recipients,
        timezone=checked["timezone"],
        other_fields=other,
    )
    if plain is not None:
        _hold_plain(request, plain)
    return request, errors


def _hold_plain(request: CampaignRequest, plain: PlainRecipients) -> None:
    """Make ``request`` (just built, with no recipients) hold ``plain`` as its recipients.

    ``recipients`` is unset, to be made from ``plain`` when first read (see CampaignRequest).
    """
    object.__setattr__(request, "_plain", plain)
    object.__delattr__(request, "recipients")


def request_with_plain(
    request: CampaignRequest, name: str, plain: PlainRecipients
) -> CampaignRequest:
    """``request`` (whose recipients are not read) named ``name``, with ``plain`` recipients.

    ``name`` is a name the name rule accepted, as it returned it; ``plain`` recipients checked
    by the rules (:func:`check_plain`), shared, never changed: bulk creation cuts a checked
    list into its chunks this way.
    """
    chunk = attrs.evolve(request, name=name, recipients=None)
    _hold_plain(chunk, plain)
    return chunk


def plain_recipients_of(request: CampaignRequest) -> PlainRecipients | None:
    """The :class:`PlainRecipients` ``request`` holds, or None (its recipients are Recipients).

    Shared with the request: read them, never change them.
    """
    return request._plain


def count_recipients(request: CampaignRequest) -> int:
    """How many recipients ``request`` has (0 without any), without making Recipients."""
    plain = request._plain
    if plain is not None:
        return len(plain)
    return len(request.recipients) if request.recipients is not None else 0


def recipient_phones(request: CampaignRequest, limit: int | None = None) -> list[str]:
    """The numbers of ``request``'s recipients in order (the first ``limit``), without making
    Recipients. A new list."""
    plain = request._plain
    if plain is not None:
        return plain.phones[:limit]
    return list(map(_PHONE_OF_RECIPIENT, (request.recipients or ())[:limit]))


# The fields with a rule of their own, by JSON name; recipients has its limit too.
_RULES: Final[Mapping[str, Callable[[object, bool, _Errors], Any]]] = {
    "name": _rule_name,
    "agentId": _rule_agent_id,
    "startDate": _rule_start_date,
    "timeSlots": _rule_time_slots,
    "batchSize": _rule_batch_size,
    "retry": _rule_retry,
    "days": _rule_days,
    "timezone": _rule_timezone,
}
#: The fields volubile_ext takes as keyword arguments of its own (scripts/regenerate.py leaves
#: them out of the generated CreateCampaignRequestFields; tests/test_spec_table.py compares).
NAMED_FIELDS: Final = (*_RULES, "recipients")
_NAMED: Final = frozenset(NAMED_FIELDS)
PYTHON_NAME: Final = PYTHON_NAMES
_PYTHON_FIELDS: Final = tuple(PYTHON_NAMES[field] for field in FIELDS)
# Where campaign_values puts the keyword arguments that name no field.
_UNKNOWN: Final = "\0unknown"


def _run_payload(payload: object) -> tuple[CampaignRequest | None, list[FieldError]]:
    if not isinstance(payload, Mapping):
        return None, [FieldError("", f"the body must be a JSON object, not {_kind(payload, True)}")]
    request, errors = run_rules(payload, strict=True)
    unknown: _Errors = ProblemList()
    _unknown_keys(payload, FIELDS, "", unknown)
    if unknown:
        return None, errors + unknown
    return request, errors


def build_campaign_request(
    *,
    name: str,
    agent_id: uuid.UUID | str,
    start_date: DateInput,
    time_slots: TimeSlotsInput,
    batch_size: int,
    days: DaysInput,
    retry: RetryInput | None = None,
    recipients: RecipientsInput | None = None,
    timezone: TimezoneInput | None = None,
    **fields: Unpack[CreateCampaignRequestFields],
) -> CampaignRequest:
    """Check a campaign's parameters and return them normalised, ready to send.

    Takes the forgiving forms people write: ``start_date`` as a ``date`` or ``"2024-07-30"``;
    ``agent_id`` as a UUID or its text; ``days`` as names in any case, ``"mon"``,
    ``"weekdays"``, ``"weekend"`` or ``"all"``; ``time_slots`` as ``"10:00-13:00"`` text,
    ``(start, end)`` pairs, ``TimeSlot`` objects or ``{"startTime", "endTime"}`` mappings (1 or
    2 of them); ``retry`` as :class:`RetrySettings` or a mapping; ``recipients`` as
    :class:`Recipient` objects, ``{"phone", "context"}`` mappings, E.164 numbers, or what
    ``load_recipients`` returned;
    ``timezone`` as an IANA name (``"Europe/Paris"``) or a ``ZoneInfo``.

    Checks every rule of the API before anything is sent: batch_size 1..1000; 1 or 2 slots,
    each ``HH:MM``, ending after it starts and overlapping the calling hours 10:00-13:00 and
    14:00-20:00; days not empty and without duplicates; when given, 1..1000 recipients, each
    phone in E.164 and each context value text, a number, a boolean or a mapping or list of
    those; retry.max 0..3 and, above 0, retry.delay >= 1 hour and a non-empty retry.retryOn;
    a UUID agent id, a real date, a known time zone and a non-empty name.

    Every other field the spec declares is taken by its Python name in ``fields``
    (``caller_id=`` for ``callerId``), checked against the spec (type, format, enum, bounds,
    pattern) and sent under the spec's name; a name that is no field of the spec is refused,
    with the field it most probably meant.

    Raises :class:`ClientValidationError` listing every problem, each with the API's field
    path (``timeSlots[1]``, ``recipients[17].phone``, ``retry.retryOn``).
    """
    values = campaign_values(locals(), fields)
    request, errors = run_rules(values, strict=False)
    if request is None:
        raise ClientValidationError(errors)
    return request


def request_to_send(arguments: Mapping[str, Any], fields: Mapping[str, Any]) -> CampaignRequest:
    """:func:`build_campaign_request` of a create about to be sent (``campaigns.create``).

    ``arguments`` and ``fields`` as :func:`campaign_values` takes them. The same request, the
    same errors; plain recipients already in the body's form are kept as the JSON the body
    sends, encoded now (see :func:`check_plain`): a request that is only planned or read
    never pays for that.
    """
    request, errors = run_rules(campaign_values(arguments, fields), strict=False, for_sending=True)
    if request is None:
        raise ClientValidationError(errors)
    return request


def check_campaign_payload(payload: Mapping[str, Any]) -> list[FieldError]:
    """The problems of a JSON create-campaign body, as a server receiving it would see them.

    ``payload`` is the decoded JSON (camelCase keys; dates, ids and times as strings). The
    rules are those of :func:`build_campaign_request`, read strictly: wrong JSON types,
    missing required fields and unknown fields are reported too. An empty list means valid;
    a list of the first 50 problems (``MAX_LISTED_PROBLEMS``) otherwise.
    """
    return list(_run_payload(payload)[1])
