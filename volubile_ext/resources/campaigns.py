"""``client.campaigns``: :class:`Campaigns` and :class:`AsyncCampaigns`, thin twins.

Both share every step but the awaiting: validation and warnings before anything is sent, the
journaled run, the bulk loop. The operations themselves are built by the client's runtime.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Unpack

from .._base_client import CAMPAIGN_MAY_EXIST
from .._errors import CampaignWarning, VolubileError
from .._sentinel import NOT_GIVEN, _NotGiven
from ._base import AsyncAPIResource, SyncAPIResource

# perf: "`from volubile_ext import Volubile`" (scripts/bench.py). The bulk runtime and the
# planner (with their journal, report and calendar classes), the input rules, the results
# join and the agents and calls resources are imported by the first call that needs them,
# not with the client: a program that only reads campaigns never loads them. The campaign
# values (``_models``) load with the first campaign read (or status change).
if TYPE_CHECKING:
    import uuid

    from .._base_client import _Operation
    from .._models import Campaign, CampaignStatus
    from .._wire import CreateCampaignRequestFields
    from ..campaigns._bulk import (
        BulkCreateReport,
        BulkRun,
        JournalBackend,
        ProgressCallback,
        Resolution,
    )
    from ..campaigns._campaign_input import (
        CampaignRequest,
        DateInput,
        DaysInput,
        RecipientsInput,
        RetryInput,
        TimeSlotsInput,
        TimezoneInput,
    )
    from ..campaigns._prepare import PreparedCreate
    from ..campaigns._results import CampaignResults, ResultsProgress

__all__ = ["AsyncCampaigns", "Campaigns"]


def _warn_before_creating(prepared: PreparedCreate, stacklevel: int = 3) -> None:
    # The rules of plan_campaign: weekend days, public holidays, a past start date, repeated
    # numbers. Warnings, not errors: the campaign is valid, but probably not what was meant.
    # For several campaigns (they call in parallel) the largest one's calendar stands for all,
    # and a number repeated across two chunks is reported too.
    for text in prepared.warnings:
        warnings.warn(text, CampaignWarning, stacklevel=stacklevel)


def _prepared_run(
    prepared: PreparedCreate,
    journal: str | os.PathLike[str] | JournalBackend | None,
    resolve_uncertain: Mapping[int, Resolution] | Resolution | None,
    resend_uncertain: bool,
    on_progress: ProgressCallback | None = None,
) -> BulkRun:
    """The run of a prepared create (one chunk, the campaign itself) or create_many, the
    resolutions checked before anything is sent."""
    from ..campaigns._bulk import BulkRun, read_resolutions

    return BulkRun(
        list(prepared.chunks),
        total_recipients=prepared.recipient_count,
        journal=journal,
        resend_uncertain=resend_uncertain,
        on_progress=on_progress,
        resolutions=read_resolutions(resolve_uncertain, len(prepared.chunks)),
    )


def _check_agent(client: Any, agent_id: uuid.UUID) -> None:
    from .agents import check_agent

    check_agent(client, agent_id)


async def _acheck_agent(client: Any, agent_id: uuid.UUID) -> None:
    from .agents import acheck_agent

    await acheck_agent(client, agent_id)


def _interrupted_create(stop: BaseException, op: _Operation[Any], request: CampaignRequest) -> None:
    # Ctrl-C or a task's cancellation, like any ambiguous failure, must not hide that the
    # campaign may exist. The exception keeps its type (a KeyboardInterrupt must stay one), and
    # carries the news as a note, shown with it.
    from ..campaigns._bulk import INTERRUPT_SENT_ATTRIBUTE

    setattr(stop, INTERRUPT_SENT_ATTRIBUTE, op.may_have_been_sent)
    if op.may_have_been_sent:
        stop.add_note(
            f"Interrupted while creating the campaign {request.name!r}. {CAMPAIGN_MAY_EXIST}."
        )


def _create_chunks(run: BulkRun, create: Callable[[CampaignRequest], Campaign]) -> None:
    for chunk in run.pending():
        try:
            campaign = create(chunk.request)
        except VolubileError as error:
            run.failed_with(chunk, error)
        except BaseException as stop:
            run.interrupted(chunk, stop)
            raise
        else:
            run.succeeded(chunk, campaign)


async def _acreate_chunks(
    run: BulkRun, create: Callable[[CampaignRequest], Awaitable[Campaign]]
) -> None:
    for chunk in run.pending():
        try:
            campaign = await create(chunk.request)
        except VolubileError as error:
            run.failed_with(chunk, error)
        except BaseException as stop:
            run.interrupted(chunk, stop)
            raise
        else:
            run.succeeded(chunk, campaign)


class Campaigns(SyncAPIResource):
    """``client.campaigns``: create a campaign, read it, change its status."""

    def create(
        self,
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
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Resolution | None = None,
        resend_uncertain: bool = False,
        check_agent: bool = False,
        **fields: Unpack[CreateCampaignRequestFields],
    ) -> Campaign:
        """Create a campaign. Everything is checked before anything is sent.

        Accepts forgiving inputs: ``start_date`` as a ``date`` or ISO text; ``agent_id`` as a
        UUID or text; ``days`` as names in any case, ``"weekdays"``, or :class:`Day` values;
        ``time_slots`` as ``"HH:MM-HH:MM"`` text, ``(start, end)`` pairs or :class:`TimeSlot`;
        ``retry`` as :class:`RetrySettings` or a dict (``max``, ``delay`` in hours,
        ``retry_on``); ``recipients`` as :class:`Recipient` values, dicts with ``phone`` and
        ``context``, or E.164 strings. Every other field of the API's create request is a
        keyword argument too, by its Python name (``fields``, typed from openapi.yaml),
        checked against the spec and sent under the spec's name.

        Raises ``ClientValidationError`` (listing every problem) before sending anything. The
        request is sent again only when it provably did not reach the server; otherwise the
        error says the campaign may have been created. An interrupt (Ctrl-C) while the request
        may be on its way keeps its type and carries a note saying the same.

        ``check_agent=True`` first reads the agent (one ``GET /v1/agents/{id}``, scope
        ``agents:read``) and raises :class:`AgentNotUsableError` (a ClientValidationError) when
        there is none with that id or it is not OUTBOUND: nothing is created. The same holds
        for :meth:`create_many` (one check for every chunk) and :meth:`create_prepared`.

        With ``journal=path`` the create is recorded on disk before and after it is sent (the
        file is locked meanwhile), so that running the same call again never creates it twice:
        once created, the call returns the campaign recorded in the journal without sending
        anything (its ``response`` is ``None``); after a failure that provably was not applied
        it is sent again; when an earlier attempt may have created it, the call raises
        :class:`CampaignMayExistError` until you check the account and say what you found:
        ``resolve_uncertain="absent"`` (it is created now), ``"created"`` or its campaign id.
        """
        from ..campaigns._prepare import prepare_create

        prepared = prepare_create(
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            days=days,
            retry=retry,
            recipients=recipients,
            timezone=timezone,
            bulk=False,
            **fields,
        )
        _warn_before_creating(prepared)
        if check_agent:
            _check_agent(self._client, prepared.request.agent_id)
        return self._create_one(prepared, journal, resolve_uncertain, resend_uncertain)

    def _create_one(
        self,
        prepared: PreparedCreate,
        journal: str | os.PathLike[str] | JournalBackend | None,
        resolve_uncertain: Resolution | None,
        resend_uncertain: bool,
    ) -> Campaign:
        if journal is None and resolve_uncertain is None:
            return self.create_from_request(prepared.request)
        with _prepared_run(prepared, journal, resolve_uncertain, resend_uncertain) as run:
            _create_chunks(run, self.create_from_request)
            return run.single_result()

    def create_from_request(self, request: CampaignRequest) -> Campaign:
        """Create a campaign from an already validated request (used by bulk creation)."""
        op = self._client._create_op(request)
        try:
            response = self._client._send(op)
            return self._client._campaign(op, response)
        except BaseException as stop:
            if not isinstance(stop, Exception):
                _interrupted_create(stop, op, request)
            raise

    def create_many(
        self,
        *,
        name: str,
        agent_id: uuid.UUID | str,
        start_date: DateInput,
        time_slots: TimeSlotsInput,
        batch_size: int,
        days: DaysInput,
        recipients: RecipientsInput,
        retry: RetryInput | None = None,
        timezone: TimezoneInput | None = None,
        chunk_size: int = 1000,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Mapping[int, Resolution] | None = None,
        resend_uncertain: bool = False,
        check_agent: bool = False,
        on_progress: ProgressCallback | None = None,
        **fields: Unpack[CreateCampaignRequestFields],
    ) -> BulkCreateReport:
        """Create as many campaigns as it takes for ``recipients``, ``chunk_size`` per campaign.

        Campaigns are named ``"<name> (k/n)"`` and created one after another through the rate
        limiter. Every chunk is validated before the first is sent. With ``journal=path``, each
        chunk is recorded before and after it is sent (the file is locked for the run: a second
        run on it raises :class:`JournalLockedError`), and calling again with the same
        arguments resumes: created chunks are skipped, chunks that provably failed are sent
        again, and chunks that may exist are reported as uncertain, with their names and first
        numbers to look for in the account. Say what you found, chunk by chunk (k as in the
        name): ``resolve_uncertain={2: "absent", 5: "created", 7: "<campaign id>"}`` sends
        again only the absent ones; ``resend_uncertain=True`` sends every uncertain chunk
        again. ``on_progress(done, total)`` is called as chunks finish. Returns a
        :class:`BulkCreateReport`; errors on single chunks are in the report. A journal that
        cannot be written raises :class:`JournalWriteError`, which names every campaign created.
        ``journal=RedisJournal(url, key=...)`` keeps the same records in Redis instead, so that
        a run stopped on one machine can be resumed on another.
        """
        from ..campaigns._prepare import prepare_create

        prepared = prepare_create(
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            days=days,
            recipients=recipients,
            retry=retry,
            timezone=timezone,
            bulk=True,
            chunk_size=chunk_size,
            **fields,
        )
        _warn_before_creating(prepared)
        if check_agent:
            _check_agent(self._client, prepared.request.agent_id)
        return self._create_all(prepared, journal, resolve_uncertain, resend_uncertain, on_progress)

    def _create_all(
        self,
        prepared: PreparedCreate,
        journal: str | os.PathLike[str] | JournalBackend | None,
        resolve_uncertain: Mapping[int, Resolution] | None,
        resend_uncertain: bool,
        on_progress: ProgressCallback | None,
    ) -> BulkCreateReport:
        with _prepared_run(
            prepared, journal, resolve_uncertain, resend_uncertain, on_progress
        ) as run:
            _create_chunks(run, self.create_from_request)
            return run.report()

    def create_prepared(
        self,
        prepared: PreparedCreate,
        *,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Mapping[int, Resolution] | None = None,
        resend_uncertain: bool = False,
        check_agent: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> Campaign | BulkCreateReport:
        """Send what :func:`prepare_create` prepared, checking nothing again.

        One campaign (``prepared.bulk`` False) is created as :meth:`create` creates it and
        returned; several as :meth:`create_many` does, and the report returned. The
        journal arguments are theirs, ``resolve_uncertain`` by campaign number (``{1: ...}``
        for a single one). Nothing is warned: the warnings are in ``prepared.warnings``.
        ``check_agent`` as in :meth:`create`.
        """
        if check_agent:
            _check_agent(self._client, prepared.request.agent_id)
        if not prepared.bulk:
            single = (resolve_uncertain or {}).get(1)
            return self._create_one(prepared, journal, single, resend_uncertain)
        return self._create_all(prepared, journal, resolve_uncertain, resend_uncertain, on_progress)

    def results(
        self,
        campaign: str | Campaign | BulkCreateReport,
        *,
        recipients: RecipientsInput | None = None,
        journal: str | os.PathLike[str] | None = None,
        retry: RetryInput | _NotGiven | None = NOT_GIVEN,
        chunks: int | None = None,
        page_size: int = 100,
        on_progress: ResultsProgress | None = None,
    ) -> CampaignResults:
        """The campaign's results: its recipients joined with its calls, by E.164 number.

        ``campaign`` is the campaign's name (its chunks ``"<name> (k/n)"`` are read too: from
        the journal's count, ``chunks``, or one per 1,000 recipients), a :class:`Campaign`, or
        create_many's :class:`BulkCreateReport`. ``recipients`` are those it was created with
        (a list, or :func:`load_recipients`' result): a journal records the campaigns, not the
        recipients. The retry rules decide who is still pending: ``retry=`` (``None`` for a
        campaign without retries), else those of the Campaign, the report or the journal (read
        from the API by id when the journal did not keep them).

        Calls are listed one page at a time (``page_size``, within the rate limit);
        ``on_progress(calls_read, calls_expected)`` is called after each page. The answer keeps
        a few values per number, never the calls. Raises ClientValidationError (every
        problem) before anything is sent.
        """
        from ..campaigns._results import ResultsRun
        from .calls import Calls

        run = ResultsRun(
            Calls(self._client).list,
            campaign,
            recipients=recipients,
            journal=journal,
            retry=retry,
            chunks=chunks,
            page_size=page_size,
            on_progress=on_progress,
        )
        if run.fetch_retry_from is not None:
            run.use_retry(self.get(run.fetch_retry_from).retry)
        for name, listed in run.lists:
            for page in listed.pages():
                run.page(name, page)
        return run.result()

    def get(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Read a campaign by id (``campaigns:read``). Raises NotFoundError when unknown."""
        op = self._client._get_op(campaign_id)
        response = self._client._send(op)
        return self._client._campaign(op, response)

    def set_status(self, campaign_id: uuid.UUID | str, status: CampaignStatus | str) -> Campaign:
        """Set a campaign's status: ``ACTIVE``, ``PAUSED`` or ``CANCELLED``.

        A cancelled campaign cannot be reactivated (the server answers 400).
        """
        op = self._client._status_op(campaign_id, status)
        response = self._client._send(op)
        return self._client._campaign(op, response)

    def pause(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Pause a campaign (status ``PAUSED``)."""
        from .._models import CampaignStatus

        return self.set_status(campaign_id, CampaignStatus.PAUSED)

    def resume(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Resume a paused campaign (status ``ACTIVE``)."""
        from .._models import CampaignStatus

        return self.set_status(campaign_id, CampaignStatus.ACTIVE)

    def cancel(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Cancel a campaign for good (status ``CANCELLED``)."""
        from .._models import CampaignStatus

        return self.set_status(campaign_id, CampaignStatus.CANCELLED)


class AsyncCampaigns(AsyncAPIResource):
    """``client.campaigns`` of :class:`AsyncVolubile`: :class:`Campaigns`, awaited."""

    async def create(
        self,
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
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Resolution | None = None,
        resend_uncertain: bool = False,
        check_agent: bool = False,
        **fields: Unpack[CreateCampaignRequestFields],
    ) -> Campaign:
        """Create a campaign; see :meth:`Campaigns.create`."""
        from ..campaigns._prepare import prepare_create

        prepared = prepare_create(
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            days=days,
            retry=retry,
            recipients=recipients,
            timezone=timezone,
            bulk=False,
            **fields,
        )
        _warn_before_creating(prepared)
        if check_agent:
            await _acheck_agent(self._client, prepared.request.agent_id)
        return await self._create_one(prepared, journal, resolve_uncertain, resend_uncertain)

    async def _create_one(
        self,
        prepared: PreparedCreate,
        journal: str | os.PathLike[str] | JournalBackend | None,
        resolve_uncertain: Resolution | None,
        resend_uncertain: bool,
    ) -> Campaign:
        if journal is None and resolve_uncertain is None:
            return await self.create_from_request(prepared.request)
        with _prepared_run(prepared, journal, resolve_uncertain, resend_uncertain) as run:
            await _acreate_chunks(run, self.create_from_request)
            return run.single_result()

    async def create_from_request(self, request: CampaignRequest) -> Campaign:
        """Create a campaign from an already validated request (used by bulk creation)."""
        op = self._client._create_op(request)
        try:
            response = await self._client._send(op)
            return self._client._campaign(op, response)
        except BaseException as stop:
            if not isinstance(stop, Exception):  # asyncio.CancelledError, KeyboardInterrupt
                _interrupted_create(stop, op, request)
            raise

    async def create_many(
        self,
        *,
        name: str,
        agent_id: uuid.UUID | str,
        start_date: DateInput,
        time_slots: TimeSlotsInput,
        batch_size: int,
        days: DaysInput,
        recipients: RecipientsInput,
        retry: RetryInput | None = None,
        timezone: TimezoneInput | None = None,
        chunk_size: int = 1000,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Mapping[int, Resolution] | None = None,
        resend_uncertain: bool = False,
        check_agent: bool = False,
        on_progress: ProgressCallback | None = None,
        **fields: Unpack[CreateCampaignRequestFields],
    ) -> BulkCreateReport:
        """Create one campaign per chunk of recipients; see :meth:`Campaigns.create_many`."""
        from ..campaigns._prepare import prepare_create

        prepared = prepare_create(
            name=name,
            agent_id=agent_id,
            start_date=start_date,
            time_slots=time_slots,
            batch_size=batch_size,
            days=days,
            recipients=recipients,
            retry=retry,
            timezone=timezone,
            bulk=True,
            chunk_size=chunk_size,
            **fields,
        )
        _warn_before_creating(prepared)
        if check_agent:
            await _acheck_agent(self._client, prepared.request.agent_id)
        return await self._create_all(
            prepared, journal, resolve_uncertain, resend_uncertain, on_progress
        )

    async def _create_all(
        self,
        prepared: PreparedCreate,
        journal: str | os.PathLike[str] | JournalBackend | None,
        resolve_uncertain: Mapping[int, Resolution] | None,
        resend_uncertain: bool,
        on_progress: ProgressCallback | None,
    ) -> BulkCreateReport:
        with _prepared_run(
            prepared, journal, resolve_uncertain, resend_uncertain, on_progress
        ) as run:
            await _acreate_chunks(run, self.create_from_request)
            return run.report()

    async def create_prepared(
        self,
        prepared: PreparedCreate,
        *,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        resolve_uncertain: Mapping[int, Resolution] | None = None,
        resend_uncertain: bool = False,
        check_agent: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> Campaign | BulkCreateReport:
        """Send what :func:`prepare_create` prepared, checking nothing again.

        One campaign (``prepared.bulk`` False) is created as :meth:`create` creates it and
        returned; several as :meth:`create_many` does, and the report returned. The
        journal arguments are theirs, ``resolve_uncertain`` by campaign number (``{1: ...}``
        for a single one). Nothing is warned: the warnings are in ``prepared.warnings``.
        ``check_agent`` as in :meth:`create`.
        """
        if check_agent:
            await _acheck_agent(self._client, prepared.request.agent_id)
        if not prepared.bulk:
            single = (resolve_uncertain or {}).get(1)
            return await self._create_one(prepared, journal, single, resend_uncertain)
        return await self._create_all(
            prepared, journal, resolve_uncertain, resend_uncertain, on_progress
        )

    async def results(
        self,
        campaign: str | Campaign | BulkCreateReport,
        *,
        recipients: RecipientsInput | None = None,
        journal: str | os.PathLike[str] | None = None,
        retry: RetryInput | _NotGiven | None = NOT_GIVEN,
        chunks: int | None = None,
        page_size: int = 100,
        on_progress: ResultsProgress | None = None,
    ) -> CampaignResults:
        """The campaign's results; see :meth:`Campaigns.results`."""
        from ..campaigns._results import ResultsRun
        from .calls import AsyncCalls

        run = ResultsRun(
            AsyncCalls(self._client).list,
            campaign,
            recipients=recipients,
            journal=journal,
            retry=retry,
            chunks=chunks,
            page_size=page_size,
            on_progress=on_progress,
        )
        if run.fetch_retry_from is not None:
            run.use_retry((await self.get(run.fetch_retry_from)).retry)
        for name, listed in run.lists:
            async for page in listed.pages():
                run.page(name, page)
        return run.result()

    async def get(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Read a campaign by id; see :meth:`Campaigns.get`."""
        op = self._client._get_op(campaign_id)
        response = await self._client._send(op)
        return self._client._campaign(op, response)

    async def set_status(
        self, campaign_id: uuid.UUID | str, status: CampaignStatus | str
    ) -> Campaign:
        """Set a campaign's status; see :meth:`Campaigns.set_status`."""
        op = self._client._status_op(campaign_id, status)
        response = await self._client._send(op)
        return self._client._campaign(op, response)

    async def pause(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Pause a campaign (status ``PAUSED``)."""
        from .._models import CampaignStatus

        return await self.set_status(campaign_id, CampaignStatus.PAUSED)

    async def resume(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Resume a paused campaign (status ``ACTIVE``)."""
        from .._models import CampaignStatus

        return await self.set_status(campaign_id, CampaignStatus.ACTIVE)

    async def cancel(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Cancel a campaign for good (status ``CANCELLED``)."""
        from .._models import CampaignStatus

        return await self.set_status(campaign_id, CampaignStatus.CANCELLED)
