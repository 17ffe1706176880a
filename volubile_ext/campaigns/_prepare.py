"""Preparing a create: check, split, clip, plan and warn, once, before anything is sent.

:func:`prepare_create` is the one step ``campaigns.create``, ``campaigns.create_many`` and the
``volubile campaigns create`` command share: it checks every field (forgiving input to the
canonical :class:`CampaignRequest`), decides whether the recipients make one campaign or
several, computes the effective calling windows, the plan when asked, and the warnings. What
it returns is sent as is by ``campaigns.create_prepared``, with nothing checked again.
"""

from __future__ import annotations

import uuid
from typing import Any, Unpack

import attrs

from .._wire import CreateCampaignRequestFields
from ._bulk import MAX_CHUNK, Chunk, plan_chunks, single_chunk
from ._campaign_input import (
    CampaignRequest,
    DateInput,
    DaysInput,
    RecipientsInput,
    RetryInput,
    TimeSlotsInput,
    TimezoneInput,
    count_recipients,
    plain_recipients_of,
    request_to_send,
    request_with_plain,
)
from ._planning import (
    BulkPlan,
    CampaignPlan,
    bulk_creation_warnings,
    creation_warnings,
    plan_request,
    plan_request_many,
)
from ._recipients import PlainRecipients, RecipientImport
from ._timeslots import TimeSlot, clip_time_slots

__all__ = ["PreparedCreate", "prepare_create"]


@attrs.frozen
class PreparedCreate:
    """A create checked and planned, ready to send with ``campaigns.create_prepared``.

    ``chunks`` holds one campaign (``bulk`` False: ``campaigns.create``) or one per
    ``chunk_size`` recipients, named ``"<name> (k/n)"`` (``bulk`` True: ``create_many``).
    ``warnings`` are what creating it would warn about (:class:`CampaignWarning`); ``plan``
    is its calendar when :func:`prepare_create` was asked for one and there are recipients.
    """

    chunks: tuple[Chunk, ...]
    bulk: bool
    recipient_count: int
    warnings: tuple[str, ...]
    plan: CampaignPlan | BulkPlan | None = None

    @property
    def request(self) -> CampaignRequest:
        """The first campaign's request: the schedule every campaign shares."""
        return self.chunks[0].request

    @property
    def time_slots(self) -> tuple[tuple[TimeSlot, tuple[TimeSlot, ...]], ...]:
        """Each time slot as given, with the calling windows it really gives (clipped)."""
        return tuple((slot, clip_time_slots([slot])) for slot in self.request.time_slots)

    @property
    def windows(self) -> tuple[TimeSlot, ...]:
        """When calls happen each day: every slot clipped to the allowed calling hours."""
        return self.request.effective_windows

    def to_dict(self) -> dict[str, Any]:
        """The slots, windows and plan as plain JSON values, as ``--json`` prints them."""
        return {
            "time_slots": [
                {"slot": str(slot), "windows": [str(window) for window in windows]}
                for slot, windows in self.time_slots
            ],
            "windows": [str(window) for window in self.windows],
            "plan": self.plan.to_dict() if self.plan is not None else None,
        }


def prepare_create(
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
    bulk: bool | None = None,
    chunk_size: int = MAX_CHUNK,
    plan: bool = False,
    exclude_public_holidays: bool = False,
    **fields: Unpack[CreateCampaignRequestFields],
) -> PreparedCreate:
    """Check a create and prepare it: one campaign or several, windows, warnings, plan.

    Takes the arguments of ``campaigns.create`` (see ``build_campaign_request`` for the
    forms each accepts). ``bulk`` True splits the recipients into campaigns of
    ``chunk_size`` (``create_many``), False makes one campaign (``create``: at most 1,000
    recipients), None decides by the number of recipients. ``plan`` also computes the
    calendar (``plan_campaign`` / ``plan_many``, ``exclude_public_holidays`` as there).

    Raises :class:`ClientValidationError` listing every problem, before anything is sent;
    for several campaigns, field paths are those of the whole list (``recipients[2517]``).
    """
    parameters: dict[str, Any] = dict(
        agent_id=agent_id,
        start_date=start_date,
        time_slots=time_slots,
        batch_size=batch_size,
        days=days,
        retry=retry,
        timezone=timezone,
        **fields,
    )
    if isinstance(recipients, RecipientImport):
        # What load_recipients returned stands for its recipients.
        recipients = recipients.recipients
    if bulk is None:
        listed = len(recipients) if isinstance(recipients, list | tuple) else 0
        bulk = listed > chunk_size
    if not bulk:
        request = request_to_send(dict(parameters, name=name, recipients=recipients), fields)
        count = count_recipients(request)
        chunks: tuple[Chunk, ...] = (single_chunk(request),)
        warnings = creation_warnings(request)
    else:
        people = list(recipients) if recipients is not None else []
        chunks = tuple(
            plan_chunks(name=name, recipients=people, chunk_size=chunk_size, **parameters)
        )
        count = len(people)
        warnings = bulk_creation_warnings([chunk.request for chunk in chunks])
    calendar: CampaignPlan | BulkPlan | None = None
    if plan and count:
        # perf: "create_many, 20,000 recipients" (scripts/bench.py): the whole list's schedule
        # is made only for the plan, not for every create_many.
        calendar = (
            plan_request_many(
                _whole_schedule(chunks),
                count,
                chunk_size,
                exclude_public_holidays=exclude_public_holidays,
            )
            if bulk
            else plan_request(
                chunks[0].request, count, exclude_public_holidays=exclude_public_holidays
            )
        )
    return PreparedCreate(
        chunks=chunks, bulk=bulk, recipient_count=count, warnings=warnings, plan=calendar
    )


def _whole_schedule(chunks: tuple[Chunk, ...]) -> CampaignRequest:
    """The first chunk's request with every chunk's recipients and the name before " (1/n)"."""
    first = chunks[0].request
    name = first.name.removesuffix(f" (1/{len(chunks)})").strip()
    parts = [plain_recipients_of(chunk.request) for chunk in chunks]
    if all(part is not None for part in parts):
        # Chunks cut from one checked list: their plain recipients, without making Recipients.
        return request_with_plain(
            first, name, PlainRecipients.joined(part for part in parts if part is not None)
        )
    return attrs.evolve(
        first,
        name=name,
        recipients=tuple(person for chunk in chunks for person in chunk.request.recipients or ()),
    )
