"""``client.calls``: :class:`Calls` and :class:`AsyncCalls`, thin twins.

Every step but the sending and the reading of a recording's stream is shared: the filters are
checked against the spec table before anything is sent, the operations built and the answers
read by the functions here.

``create`` rings a phone: like a campaign's creation it is never sent again once it may have
reached the server (``idempotent=False``; its errors then say the call may have been placed).
"""

from __future__ import annotations

import contextlib
import datetime
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
import httpx

from .._base_client import _Operation, _request_of, _uuid_of
from .._calls_models import (
    Call,
    Page,
    Recording,
    Transcript,
    parse_call,
    parse_transcript,
)
from .._errors import APIConnectionError, APITimeoutError, ClientValidationError, FieldError
from .._pagination import AsyncPager, SyncPager
from .._wire import (
    Response,
    create_call,
    create_call_body,
    get_call,
    get_recording_streamed,
    get_transcript,
    list_calls,
    spec,
)
from ..campaigns._fields import INVALID, check_value
from ..campaigns._recipients import Recipient, phone_problem, recipient_json
from ._base import AsyncAPIResource, SyncAPIResource
from ._pages import check_page_size, lazy_items, page_document, read_one

if TYPE_CHECKING:
    from .._base_client import _BaseClient

__all__ = ["CALL_MAY_EXIST", "AsyncCalls", "Calls"]

CALL_MAY_EXIST = (
    "The call may have been placed: the request may have reached the server before the "
    "failure, so it was not sent again (a second request would ring the same phone twice). "
    "Look for it with client.calls.list(phone=...) before calling again"
)
_LIST = spec.operations.listCalls.parameters
_CREATE = spec.CreateCallRequest
_CHUNK = 64 * 1024

Destination = str | os.PathLike[str] | IO[bytes]


# -- shared preparation ------------------------------------------------------------------------


def _list_query(
    *,
    agent_id: object,
    phone: object,
    campaign: object,
    from_: object,
    to: object,
    sort: object,
) -> dict[str, Any]:
    """The generated list_calls keyword arguments, every filter checked against the spec table;
    ClientValidationError naming each parameter that is wrong."""
    errors: list[FieldError] = []
    query: dict[str, Any] = {}
    for name, entry, value in (
        ("agent_id", _LIST.agentId, agent_id),
        ("phone", _LIST.phone, phone),
        ("campaign", _LIST.campaign, campaign),
        ("from_", _LIST.from_, from_),
        ("to", _LIST.to, to),
        ("sort", _LIST.sort, sort),
    ):
        if value is None:
            continue
        if isinstance(value, datetime.datetime) and name in ("from_", "to"):
            # A datetime is a date to Python; the filter compares calendar days (UTC).
            errors.append(FieldError(name, "must be a date, not a datetime: pass .date()", value))
            continue
        found: list[FieldError] = []
        checked = check_value(entry, value, name, False, found)
        if found and name == "phone":
            found = [FieldError("phone", phone_problem(value) or found[0].message, value)]
        elif found and name == "sort":
            found = [FieldError("sort", "must be 'property,ASC' or 'property,DESC'", value)]
        errors.extend(found)
        if checked is not INVALID and not found:
            query[name] = checked
    if (from_ is None) != (to is None):
        given, missing = ("from_", "to") if to is None else ("to", "from_")
        errors.append(FieldError(missing, f"is required with {given}: give both dates or neither"))
    elif "from_" in query and "to" in query and query["from_"] > query["to"]:
        errors.append(FieldError("to", f"must not be before from_ ({query['from_']})", to))
    if errors:
        raise ClientValidationError(errors, subject="calls.list filters")
    # The generated operation takes the Python forms of the formats.
    if "agent_id" in query:
        query["agent_id"] = uuid.UUID(query["agent_id"])
    for name in ("from_", "to"):
        if name in query:
            query[name] = datetime.date.fromisoformat(query[name])
    return query


def _list_op(
    client: _BaseClient, query: Mapping[str, Any], number: int, size: int
) -> _Operation[Any]:
    exchange = list_calls(client._generated, {**query, "page": number, "size": size})
    return _Operation("calls.list", exchange, idempotent=True, auth=client._auth)


def _call_page(client: _BaseClient, op: _Operation[Any], reply: Response[Any]) -> Page[Call]:
    info = client._info(op, reply.http_response)
    document, items = page_document(client, op, reply)
    return Page(
        items=lazy_items(items, Call, parse_call),
        page=_int(document.get(spec.CallPage.page.name)),
        size=_int(document.get(spec.CallPage.size.name)),
        total_elements=_int(document.get(spec.CallPage.totalElements.name)),
        total_pages=_int(document.get(spec.CallPage.totalPages.name)),
        extra={
            key: value for key, value in document.items() if key not in spec.CallPage.properties
        },
        response=info,
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _get_op(client: _BaseClient, call_id: uuid.UUID | str) -> _Operation[Any]:
    exchange = get_call(client._generated, _uuid_of(call_id, "call id"))
    return _Operation("calls.get", exchange, idempotent=True, auth=client._auth)


def _call(client: _BaseClient, op: _Operation[Any], reply: Response[Any]) -> Call:
    return read_one(
        client,
        op,
        reply,
        value_cls=Call,
        parse=parse_call,
    )


def _transcript_op(client: _BaseClient, call_id: uuid.UUID | str) -> _Operation[Any]:
    exchange = get_transcript(client._generated, _uuid_of(call_id, "call id"))
    return _Operation("calls.transcript", exchange, idempotent=True, auth=client._auth)


def _transcript(client: _BaseClient, op: _Operation[Any], reply: Response[Any]) -> Transcript:
    info = client._info(op, reply.http_response)
    return parse_transcript(client._json(op, reply.http_response), info)


@attrs.frozen
class _NewCall:
    """A checked ``POST /v1/calls``: the operation and what it asked for."""

    op: _Operation[Any]
    agent_id: uuid.UUID
    recipient: dict[str, Any]


# A call's context carries the variables Volubile sets itself under this key (the phone, the
# call's id: see Call.context); the API refuses a recipient that gives its own.
_RESERVED_KEY = "system"
_RESERVED_MESSAGE = (
    "is reserved: Volubile sets the system variables itself (the phone, the call's id); "
    "give another name"
)


def _create_op(client: _BaseClient, agent_id: object, phone: object, context: object) -> _NewCall:
    errors: list[FieldError] = []
    checked_id = check_value(_CREATE.agentId, agent_id, "agent_id", False, errors)
    recipient: dict[str, Any] = {}
    try:
        recipient = recipient_json(Recipient(phone, context))  # type: ignore[arg-type]
    except ClientValidationError as problems:
        errors.extend(problems.errors)
    else:
        given = recipient.get("context", {})
        if _RESERVED_KEY in given:
            errors.append(
                FieldError(f"context.{_RESERVED_KEY}", _RESERVED_MESSAGE, given[_RESERVED_KEY])
            )
    if errors:
        raise ClientValidationError(errors, subject="call")
    agent = uuid.UUID(checked_id)
    exchange = create_call(client._generated, create_call_body(agent, recipient))
    op = _Operation(
        "calls.create", exchange, idempotent=False, auth=client._auth, may_exist=CALL_MAY_EXIST
    )
    return _NewCall(op, agent, recipient)


def _created(client: _BaseClient, new: _NewCall, reply: Response[Any]) -> Call:
    """The call the server answered; lenient, as the 201 body is undocumented: what it did not
    say (the agent, the phone, the context) is what was sent, and ``id`` is None without one."""
    response = reply.http_response
    info = client._info(new.op, response)
    try:
        document = response.json() if response.content else None
    except ValueError:
        document = None
    made = parse_call(document if isinstance(document, Mapping) else {}, info)
    return attrs.evolve(
        made,
        agent_id=made.agent_id if made.agent_id is not None else new.agent_id,
        phone=made.phone if made.phone is not None else new.recipient["phone"],
        context=made.context or dict(new.recipient.get("context", {})),
        raw=made.raw if isinstance(document, Mapping) else {"": document},
    )


def _interrupted(stop: BaseException, new: _NewCall) -> None:
    # Ctrl-C or a task's cancellation must not hide that the phone may be ringing.
    if new.op.may_have_been_sent:
        stop.add_note(
            f"Interrupted while placing a call to {new.recipient['phone']}. {CALL_MAY_EXIST}."
        )


def _recording_op(client: _BaseClient, call_id: uuid.UUID | str) -> _Operation[Any]:
    exchange = get_recording_streamed(client._generated, _uuid_of(call_id, "call id"))
    return _Operation("calls.recording", exchange, idempotent=True, auth=client._auth, streams=True)


class _Sink:
    """Where a recording is written: a path (through a temporary file in the same folder,
    renamed over the path once complete: a failed download leaves no partial file under the
    path's name, and removes its temporary file) or a binary stream of yours."""

    def __init__(self, destination: Destination) -> None:
        self.written = 0
        self.path: Path | None = None
        self.stream: IO[bytes] | None = None
        self._temporary: Path | None = None
        if isinstance(destination, str | os.PathLike):
            path = Path(destination)
            if path.is_dir():
                raise _bad_destination(destination, "is a folder: give a file name in it")
            if not path.parent.is_dir():
                raise _bad_destination(destination, f"folder {str(path.parent)!r} does not exist")
            self.path = path
        elif callable(getattr(destination, "write", None)):
            self.stream = destination
        else:
            raise _bad_destination(destination, "must be a file path or a writable binary stream")

    def open(self) -> None:
        if self.path is not None:
            handle, name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent
            )
            self._temporary = Path(name)
            self.stream = os.fdopen(handle, "wb")

    def write(self, chunk: bytes) -> None:
        assert self.stream is not None
        self.stream.write(chunk)
        self.written += len(chunk)

    def finish(self) -> None:
        if self._temporary is not None and self.path is not None:
            assert self.stream is not None
            self.stream.close()
            os.replace(self._temporary, self.path)
            self._temporary = None

    def abandon(self) -> str:
        """Clean up after a failure; what the error should add about what was written."""
        if self._temporary is None:
            return f"{self.written:,} bytes had been written to the stream given"
        assert self.stream is not None
        self.stream.close()
        self._temporary.unlink(missing_ok=True)
        self._temporary = None
        return f"{str(self.path)!r} was not written (the partial download was removed)"

    def recording(self, response: httpx.Response, info: Any) -> Recording:
        destination: Path | IO[bytes] = self.path if self.path is not None else self.stream  # type: ignore[assignment]
        return Recording(
            content_type=response.headers.get("content-type"),
            bytes_written=self.written,
            destination=destination,
            response=info,
        )


def _bad_destination(destination: object, message: str) -> ClientValidationError:
    return ClientValidationError(
        [FieldError("destination", message, str(destination))], subject="recording destination"
    )


@contextlib.contextmanager
def _writing(sink: _Sink, op: _Operation[Any]) -> Iterator[_Sink]:
    """Open ``sink`` for the body's chunks, written inside the block; complete it after, or
    clean up on any failure (a transport error becomes the client's typed error)."""
    sink.open()
    try:
        yield sink
        sink.finish()
    except httpx.TransportError as error:
        raise _download_failed(op, sink, error) from error
    except BaseException:
        sink.abandon()
        raise


def _download_failed(
    op: _Operation[Any], sink: _Sink, error: httpx.TransportError
) -> APIConnectionError:
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    return cls(
        f"{op.name}: the download failed after {sink.written:,} bytes "
        f"({type(error).__name__}: {error}); {sink.abandon()}",
        request=_request_of(error),
    )


# -- the resources -----------------------------------------------------------------------------


class Calls(SyncAPIResource):
    """``client.calls``: list and read calls, their transcripts and recordings; place one."""

    def list(
        self,
        *,
        agent_id: uuid.UUID | str | None = None,
        phone: str | None = None,
        campaign: str | None = None,
        from_: datetime.date | str | None = None,
        to: datetime.date | str | None = None,
        page_size: int = 100,
        sort: str | None = None,
    ) -> SyncPager[Call]:
        """Every call matching the filters, fetched lazily ``page_size`` at a time (at most the
        spec's bound, 100), each page within the rate limit; nothing is sent until you iterate.

        ``phone`` in E.164; ``campaign`` a campaign's name; ``from_`` and ``to`` dates (or
        ``YYYY-MM-DD``), both or neither, in order; ``sort`` as ``"startTime,DESC"``. Every
        filter is checked before anything is sent (ClientValidationError naming it).
        ``.pages()`` gives each :class:`Page` with the server's totals.
        """
        query = _list_query(
            agent_id=agent_id, phone=phone, campaign=campaign, from_=from_, to=to, sort=sort
        )
        size = check_page_size(page_size, _LIST.size, "calls.list")

        def fetch(number: int, size: int) -> Page[Call]:
            op = _list_op(self._client, query, number, size)
            reply = self._client._send(op)
            return _call_page(self._client, op, reply)

        return SyncPager(fetch, size)

    def get(self, call_id: uuid.UUID | str) -> Call:
        """One call by id (``calls:read``). Raises NotFoundError when unknown."""
        op = _get_op(self._client, call_id)
        reply = self._client._send(op)
        return _call(self._client, op, reply)

    def transcript(self, call_id: uuid.UUID | str) -> Transcript:
        """A call's transcript: a sequence of entries; ``str()`` of it reads like a chat."""
        op = _transcript_op(self._client, call_id)
        reply = self._client._send(op)
        return _transcript(self._client, op, reply)

    def recording(self, call_id: uuid.UUID | str, destination: Destination) -> Recording:
        """Download a call's recording to ``destination``, a file path or a writable binary
        stream, 64 KiB at a time: the audio is never held whole in memory.

        A path is written through a temporary file in its folder, renamed once complete: a
        failed download leaves nothing under the path's name. Returns the media type the
        server named, and the bytes written. NotFoundError when the call has no recording.
        The call's deadline covers the request up to the response's headers; the download
        after them is bounded by the read timeout between chunks.
        """
        sink = _Sink(destination)
        op = _recording_op(self._client, call_id)
        reply = self._client._send(op)
        response = reply.http_response
        try:
            with _writing(sink, op):
                for chunk in response.iter_bytes(_CHUNK):
                    sink.write(chunk)
        finally:
            response.close()
        return sink.recording(response, self._client._info(op, response))

    def create(
        self,
        *,
        agent_id: uuid.UUID | str,
        phone: str,
        context: Mapping[str, Any] | None = None,
    ) -> Call:
        """Place one outbound call now with an OUTBOUND agent (``calls:write``).

        ``phone`` in E.164; ``context`` the values of the agent's prompt placeholders, as for a
        campaign's recipient, except the key ``system``, which is Volubile's own (it sets the
        call's id and phone there) and is refused before anything is sent. It rings a phone,
        so it is sent at most once: never again once it may have reached the server (the
        error then says the call may have been placed). The answer's body is undocumented:
        what it does not give is what was sent (``id`` is None when it gives none).
        """
        new = _create_op(self._client, agent_id, phone, context)
        try:
            reply = self._client._send(new.op)
        except BaseException as stop:
            if not isinstance(stop, Exception):
                _interrupted(stop, new)
            raise
        return _created(self._client, new, reply)


class AsyncCalls(AsyncAPIResource):
    """``client.calls`` of :class:`AsyncVolubile`; see :class:`Calls`."""

    def list(
        self,
        *,
        agent_id: uuid.UUID | str | None = None,
        phone: str | None = None,
        campaign: str | None = None,
        from_: datetime.date | str | None = None,
        to: datetime.date | str | None = None,
        page_size: int = 100,
        sort: str | None = None,
    ) -> AsyncPager[Call]:
        """Every call matching the filters, lazily: ``async for call in client.calls.list()``;
        see :meth:`Calls.list`."""
        query = _list_query(
            agent_id=agent_id, phone=phone, campaign=campaign, from_=from_, to=to, sort=sort
        )
        size = check_page_size(page_size, _LIST.size, "calls.list")

        async def fetch(number: int, size: int) -> Page[Call]:
            op = _list_op(self._client, query, number, size)
            reply = await self._client._send(op)
            return _call_page(self._client, op, reply)

        return AsyncPager(fetch, size)

    async def get(self, call_id: uuid.UUID | str) -> Call:
        """One call by id; see :meth:`Calls.get`."""
        op = _get_op(self._client, call_id)
        reply = await self._client._send(op)
        return _call(self._client, op, reply)

    async def transcript(self, call_id: uuid.UUID | str) -> Transcript:
        """A call's transcript; see :meth:`Calls.transcript`."""
        op = _transcript_op(self._client, call_id)
        reply = await self._client._send(op)
        return _transcript(self._client, op, reply)

    async def recording(self, call_id: uuid.UUID | str, destination: Destination) -> Recording:
        """Download a call's recording, streamed; see :meth:`Calls.recording`. The file is
        written from the event loop, a chunk at a time."""
        sink = _Sink(destination)
        op = _recording_op(self._client, call_id)
        reply = await self._client._send(op)
        response = reply.http_response
        try:
            with _writing(sink, op):
                async for chunk in response.aiter_bytes(_CHUNK):
                    sink.write(chunk)
        finally:
            await response.aclose()
        return sink.recording(response, self._client._info(op, response))

    async def create(
        self,
        *,
        agent_id: uuid.UUID | str,
        phone: str,
        context: Mapping[str, Any] | None = None,
    ) -> Call:
        """Place one outbound call, at most once; see :meth:`Calls.create`."""
        new = _create_op(self._client, agent_id, phone, context)
        try:
            reply = await self._client._send(new.op)
        except BaseException as stop:
            if not isinstance(stop, Exception):
                _interrupted(stop, new)
            raise
        return _created(self._client, new, reply)
