"""The values the client returns: immutable, typed, and lenient about what the server sends.

The vendor's spec marks no response field as required and its enums as closed; a server that
adds a campaign status tomorrow must not break a program today. So responses are parsed here,
not by the generated models (which raise on an unknown enum value and lose the whole response):
missing fields become ``None``, unknown enum values stay plain strings, unknown fields are kept
in ``extra``, and the whole JSON document stays available as ``raw``.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs
import httpx

from ._auth import AccessToken
from ._ratelimit import RateLimitInfo
from .campaigns._campaign_input import RetrySettings
from .campaigns._campaign_input import _trusted_retry as trusted_retry
from .campaigns._days import Day
from .campaigns._fields import FIELDS as REQUEST_FIELDS
from .campaigns._timeslots import TimeSlot

__all__ = ["Campaign", "CampaignStatus", "ResponseInfo", "parse_campaign", "parse_token"]


class CampaignStatus(enum.StrEnum):
    """A campaign's status. Values the server adds later arrive as plain strings."""

    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    CANCELLED = "CANCELLED"


_CAMPAIGN_STATUSES = {member.value: member for member in CampaignStatus}
_DAYS = {member.value: member for member in Day}
# A CampaignResponse has the request's fields but the recipients, plus the id and the status.
_CAMPAIGN_FIELDS = (frozenset(REQUEST_FIELDS) - {"recipients"}) | {"id", "status"}


@attrs.frozen(repr=False)
class ResponseInfo:
    """What the HTTP exchange behind a result looked like.

    ``retries_taken`` counts the attempts after the first; ``elapsed`` is the whole call in
    seconds, retries and waits included; ``http_response`` is the final raw response.
    """

    status_code: int
    headers: httpx.Headers
    rate_limit: RateLimitInfo
    retries_taken: int
    elapsed: float
    http_response: httpx.Response = attrs.field(eq=False)

    def __repr__(self) -> str:
        return (
            f"ResponseInfo(status_code={self.status_code}, retries_taken={self.retries_taken}, "
            f"rate_limit={self.rate_limit!r})"
        )


@attrs.frozen
class Campaign:
    """A campaign as the server described it.

    ``status`` is a :class:`CampaignStatus` when known, otherwise the server's string; the same
    goes for ``days`` (:class:`Day` or string). Fields the server did not send are ``None``
    (or empty). ``extra`` holds fields this version of the library does not know, ``raw`` the
    JSON document as received, and ``response`` the HTTP details (status, headers, rate limit).
    """

    id: uuid.UUID | str | None
    name: str | None = None
    agent_id: uuid.UUID | str | None = None
    start_date: datetime.date | None = None
    time_slots: tuple[TimeSlot, ...] = ()
    batch_size: int | None = None
    retry: RetrySettings | None = None
    days: tuple[Day | str, ...] = ()
    status: CampaignStatus | str | None = None
    timezone: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    response: ResponseInfo | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def is_known_status(self) -> bool:
        """False when the server sent a status this library does not know."""
        return isinstance(self.status, CampaignStatus)


# Responses repeat a few values over and over: the agents of an account, the time slots a client
# sent. Both parsed forms are immutable, so each distinct text is parsed once and shared. The
# memos are fed by the server, hence bounded (emptied when full: a miss only costs a parse).
_MEMO_SIZE = 512
_agent_ids: dict[str, uuid.UUID] = {}
_slots: dict[tuple[str, str], TimeSlot] = {}


def _uuid_or_text(value: Any) -> uuid.UUID | str | None:
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return str(value)


def _agent_id(value: Any) -> uuid.UUID | str | None:
    if type(value) is not str:
        return _uuid_or_text(value)
    known = _agent_ids.get(value)
    if known is not None:
        return known
    parsed = _uuid_or_text(value)
    if isinstance(parsed, uuid.UUID):
        if len(_agent_ids) >= _MEMO_SIZE:
            _agent_ids.clear()
        _agent_ids[value] = parsed
    return parsed


def _date_or_none(value: Any) -> datetime.date | None:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _time_slot(item: Any) -> TimeSlot:
    if isinstance(item, Mapping):
        start, end = item.get("startTime"), item.get("endTime")
        if type(start) is str and type(end) is str:
            # TimeSlot.from_api reads exactly these two values when both are present.
            key = (start, end)
            slot = _slots.get(key)
            if slot is None:
                slot = TimeSlot.from_api(item)
                if len(_slots) >= _MEMO_SIZE:
                    _slots.clear()
                _slots[key] = slot
            return slot
    return TimeSlot.from_api(item)


def _time_slots(value: Any) -> tuple[TimeSlot, ...]:
    if not isinstance(value, list):
        return ()
    slots = []
    for item in value:
        try:
            slots.append(_time_slot(item))
        except (TypeError, ValueError, KeyError, AttributeError):
            continue  # unparseable slots stay visible in Campaign.raw
    return tuple(slots)


def _retry(value: Any) -> RetrySettings | None:
    if not isinstance(value, Mapping):
        return None
    retry_on = value.get("retryOn")
    # What the server reports is shown as it is, not judged by the rules for sending.
    return trusted_retry(
        _int_or_none(value.get("max")) or 0,
        _int_or_none(value.get("delay")),
        tuple(str(item) for item in retry_on) if isinstance(retry_on, list) else (),
    )


def parse_campaign(document: Any, response: ResponseInfo | None = None) -> Campaign:
    """Build a :class:`Campaign` from a CampaignResponse JSON document, never failing on content.

    A document that is not a JSON object gives a campaign with every field ``None`` and the
    document in ``raw``; the caller decides whether that is an error.
    """
    if not isinstance(document, Mapping):
        return Campaign(id=None, raw={"": document}, response=response)
    status = document.get("status")
    days = document.get("days")
    return Campaign(
        id=_uuid_or_text(document.get("id")),
        name=_str_or_none(document.get("name")),
        agent_id=_agent_id(document.get("agentId")),
        start_date=_date_or_none(document.get("startDate")),
        time_slots=_time_slots(document.get("timeSlots")),
        batch_size=_int_or_none(document.get("batchSize")),
        retry=_retry(document.get("retry")),
        days=tuple([_DAYS.get(day, day) for day in days if isinstance(day, str)])
        if isinstance(days, list)
        else (),
        status=_CAMPAIGN_STATUSES.get(status, status) if isinstance(status, str) else None,
        timezone=_str_or_none(document.get("timezone")),
        extra=MappingProxyType(
            {key: value for key, value in document.items() if key not in _CAMPAIGN_FIELDS}
        ),
        raw=MappingProxyType(dict(document)),
        response=response,
    )


def parse_token(
    document: Any, *, scopes: tuple[str, ...], received_at: float
) -> AccessToken | None:
    """Build an :class:`AccessToken` from an AuthTokenResponse document; None without a token."""
    if not isinstance(document, Mapping):
        return None
    token = document.get("token")
    if not isinstance(token, str) or not token:
        return None
    expires_in = document.get("expiresIn")
    lifetime = (
        float(expires_in)
        if isinstance(expires_in, int | float)
        and not isinstance(expires_in, bool)
        and expires_in > 0
        else None
    )
    token_type = document.get("tokenType")
    return AccessToken(
        token=token,
        expires_in=lifetime,
        token_type=token_type if isinstance(token_type, str) else "Bearer",
        scopes=scopes,
        expires_at=received_at + lifetime if lifetime is not None else None,
    )
