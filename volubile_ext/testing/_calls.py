"""Making calls for the sandbox: the ``CallResponse`` document, its transcript, its flattened data.

One function, :func:`make_call`, serves both ``Sandbox.add_call`` (a test's call, in any state)
and ``POST /v1/calls`` (an outbound call just started), so both read alike to a client.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

from .._wire import spec as _spec
from ..campaigns._recipients import is_e164
from ._call_store import StoredAgent, StoredCall

__all__ = ["ANSWERED_STATUSES", "CALL_STATUSES", "DIRECTIONS", "make_call", "timestamp"]

#: The call statuses openapi.yaml lists (CallResponse.status).
CALL_STATUSES: Final[tuple[str, ...]] = _spec.CallResponse.status.enum
#: INBOUND and OUTBOUND (CallResponse.type).
DIRECTIONS: Final[tuple[str, ...]] = _spec.CallResponse.type_.enum
#: The statuses of a call someone (or something) answered: they get a conversation.
ANSWERED_STATUSES: Final = frozenset({"COMPLETED", "TRANSFERRED", "FAILOVER"})
_TRANSCRIPT_FIELDS: Final = ("action", "time", "actor", "message")


def timestamp(moment: _dt.datetime) -> str:
    """``yyyy-MM-dd'T'HH:mm:ss'Z'`` in UTC, the API's time format."""
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: _dt.datetime | str, name: str) -> _dt.datetime:
    if isinstance(value, str):
        value = _dt.datetime.fromisoformat(value)
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be a datetime or an ISO 8601 string")
    if value.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime (the API's times are UTC)")
    return value


def _conversation(status: str, start: _dt.datetime, duration: int) -> list[dict[str, Any]]:
    """A plausible transcript for a call that ended in ``status``."""

    def entry(seconds: float, action: str, actor: str, message: str = "") -> dict[str, Any]:
        at = start + _dt.timedelta(seconds=min(seconds, duration))
        return {"action": action, "time": timestamp(at), "actor": actor, "message": message}

    if status == "IN_PROGRESS":
        return [entry(0, "RING", "UNKNOWN")]
    if status == "VOICE_BOX":
        return [
            entry(0, "RING", "UNKNOWN"),
            entry(5, "ANSWERING_MACHINE_BEEP", "ANSWERING_MACHINE"),
            entry(6, "HANG_UP", "AGENT"),
        ]
    if status not in ANSWERED_STATUSES:
        return [entry(0, "RING", "UNKNOWN"), entry(duration, "HANG_UP", "UNKNOWN")]
    entries = [
        entry(0, "RING", "UNKNOWN"),
        entry(1, "ANSWER", "HUMAN"),
        entry(2, "AGENT_SPEAK", "AGENT", "Hello, this is Volubile calling about your renewal."),
        entry(6, "HUMAN_SPEAK", "HUMAN", "Yes, I'm listening."),
        entry(9, "AGENT_SPEAK", "AGENT", "Would you like to renew for another year?"),
        entry(12, "HUMAN_SPEAK", "HUMAN", "Yes, please."),
    ]
    if status == "TRANSFERRED":
        entries.append(entry(duration, "TRANSFER_CALL", "AGENT"))
    entries.append(entry(duration, "HANG_UP", "HUMAN"))
    return entries


def _flatten_extractors(extractors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``extractedData``: each extractor's value, a nested list of extractors as an object, a
    list of one string as the string (as the reference's example shows)."""
    flat: dict[str, Any] = {}
    for extractor in extractors:
        value = extractor.get("value", [])
        if value and all(isinstance(item, Mapping) for item in value):
            flat[str(extractor.get("name"))] = _flatten_extractors(value)
        elif len(value) == 1:
            flat[str(extractor.get("name"))] = value[0]
        else:
            flat[str(extractor.get("name"))] = list(value)
    return flat


def _checked_extractor(extractor: Any) -> dict[str, Any]:
    """An extractor result ``{"name": str, "value": [str | extractor, ...]}``, copied."""
    value = extractor.get("value") if isinstance(extractor, Mapping) else None
    if (
        not isinstance(extractor, Mapping)
        or not isinstance(extractor.get("name"), str)
        or not isinstance(value, list)
    ):
        raise ValueError(
            f"an extractor is a mapping {{'name': str, 'value': [str or extractor]}}: {extractor!r}"
        )
    return {
        "name": extractor["name"],
        "value": [item if isinstance(item, str) else _checked_extractor(item) for item in value],
    }


def _check_transcript(transcript: Any) -> list[dict[str, Any]] | dict[str, Any]:
    entries = [transcript] if isinstance(transcript, Mapping) else transcript
    if isinstance(entries, str | bytes) or not isinstance(entries, Sequence):
        raise TypeError("transcript must be a list of entries (or one entry, a mapping)")
    checked = []
    for entry in entries:
        if not isinstance(entry, Mapping) or set(entry) - set(_TRANSCRIPT_FIELDS):
            raise ValueError(
                f"a transcript entry is a mapping of {', '.join(_TRANSCRIPT_FIELDS)}: {entry!r}"
            )
        checked.append(dict(entry))
    return checked[0] if isinstance(transcript, Mapping) else checked


def make_call(
    agent: StoredAgent,
    *,
    phone: str,
    status: str,
    now: _dt.datetime,
    call_id: str | None = None,
    call_type: str | None = None,
    start_time: _dt.datetime | str | None = None,
    duration: int | None = None,
    campaign: str | None = None,
    context: Mapping[str, Any] | None = None,
    extractors: Sequence[Mapping[str, Any]] = (),
    classifiers: Sequence[Mapping[str, Any]] = (),
    summary: str | None = None,
    anonymous: bool = False,
    recorded: bool | None = None,
    transcript: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
    recording: bytes | None = None,
    recording_type: str = "audio/wav",
) -> tuple[StoredCall, str]:
    """A call of ``agent`` and the date (YYYY-MM-DD) the list's from/to filters compare: its
    start's, in UTC. Raises ``TypeError``/``ValueError`` for arguments a test got wrong."""
    if not isinstance(phone, str) or not is_e164(phone):
        raise ValueError(f"phone must be an E.164 number such as +33612345678: {phone!r}")
    if not isinstance(status, str) or not status:
        # Any text is allowed, not only CALL_STATUSES: a test may need a status the client has
        # never heard of, to prove it is read as an open enum.
        raise ValueError(
            "status must be a non-empty string, e.g. one of " + ", ".join(CALL_STATUSES)
        )
    direction = call_type if call_type is not None else agent.type
    if direction not in DIRECTIONS:
        raise ValueError(f"call_type must be one of {', '.join(DIRECTIONS)}: {direction!r}")
    if duration is None:
        duration = 0 if status == "IN_PROGRESS" else 60
    if isinstance(duration, bool) or not isinstance(duration, int) or duration < 0:
        raise ValueError(f"duration must be a whole number of seconds >= 0: {duration!r}")
    start = (
        _moment(start_time, "start_time")
        if start_time is not None
        else now - _dt.timedelta(seconds=duration)
    )
    identifier = str(uuid.UUID(call_id)) if call_id is not None else str(uuid.uuid4())
    finished = status != "IN_PROGRESS"
    if recorded is None:
        recorded = bool(agent.document.get("recordable")) and status in ANSWERED_STATUSES
    if recording is not None and not isinstance(recording, bytes):
        raise TypeError("recording must be bytes (the audio file's content)")
    if recording is not None:
        recorded = True
    extractor_list = [_checked_extractor(item) for item in extractors]
    classifier_list = [dict(item) for item in classifiers]
    call_context: dict[str, Any] = dict(context or {})
    call_context["system"] = {"callId": identifier, "agentId": agent.id, "phoneE164": phone}
    document: dict[str, Any] = {
        "id": identifier,
        "agentId": agent.id,
        "phone": phone,
        "type": direction,
        "duration": duration,
        "startTime": timestamp(start),
    }
    if finished:
        document["endTime"] = timestamp(start + _dt.timedelta(seconds=duration))
    document.update(
        {
            "anonymous": bool(anonymous),
            "status": status,
            "extractors": extractor_list,
            "extractedData": _flatten_extractors(extractor_list),
            "classifiers": classifier_list,
            "classificationData": {
                str(item.get("name")): item.get("value") for item in classifier_list
            },
            "context": call_context,
            "recorded": bool(recorded),
        }
    )
    if summary is not None:
        document["summary"] = summary
    elif status in ANSWERED_STATUSES:
        document["summary"] = "The customer agreed to renew."
    document["created"] = timestamp(start)
    entries = (
        _conversation(status, start, duration)
        if transcript is None
        else _check_transcript(transcript)
    )
    stored = StoredCall(document, campaign, entries, recording, recording_type)
    return stored, start.astimezone(_dt.UTC).date().isoformat()
