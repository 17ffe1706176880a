"""``client.agents``: :class:`Agents` and :class:`AsyncAgents`, thin twins.

Every step but the sending is shared: the arguments are checked against the spec table and the
operation built by the functions here, the answer read by them too. The agent check of
``campaigns.create(check_agent=True)`` (:func:`check_agent`) lives here as well.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

from .._base_client import _Operation, _uuid_of
from .._calls_models import Agent, Page, parse_agent
from .._errors import AgentNotUsableError, ClientValidationError, FieldError, NotFoundError
from .._pagination import AsyncPager, SyncPager
from .._wire import (
    Response,
    UpdateAgentRequestFields,
    get_agent,
    list_agents,
    spec,
    update_agent,
    update_agent_body,
)
from ..campaigns._fields import INVALID, check_value, did_you_mean, field_table
from ._base import AsyncAPIResource, SyncAPIResource
from ._pages import check_page_size, lazy_items, page_document, read_one

if TYPE_CHECKING:
    from .._base_client import _BaseClient

__all__ = ["Agents", "AsyncAgents"]

_LIST = spec.operations.listAgents.parameters
_PAGE = spec.AgentPage
# The fields a PATCH may send, by Python name (the keyword arguments of update()).
_CHANGES = {entry.python_name: entry for entry in field_table(spec.UpdateAgentRequest).values()}


# -- shared preparation ------------------------------------------------------------------------


def _get_op(client: _BaseClient, agent_id: uuid.UUID | str) -> _Operation[Any]:
    exchange = get_agent(client._generated, _uuid_of(agent_id, "agent id"))
    return _Operation("agents.get", exchange, idempotent=True, auth=client._auth)


def _list_op(client: _BaseClient, number: int, size: int) -> _Operation[Any]:
    exchange = list_agents(client._generated, number, size)
    return _Operation("agents.list", exchange, idempotent=True, auth=client._auth)


def _update_op(
    client: _BaseClient, agent_id: uuid.UUID | str, fields: Mapping[str, Any]
) -> _Operation[Any]:
    errors: list[FieldError] = []
    body: dict[str, Any] = {}
    for name, value in fields.items():
        entry = _CHANGES.get(name)
        if entry is None:
            hint = did_you_mean(name, _CHANGES)
            known = ", ".join(_CHANGES)
            text = f"is not a field of an agent that can be changed ({known})"
            errors.append(FieldError(name, f"{text}; did you mean {hint}?" if hint else text))
            continue
        checked = check_value(entry, value, name, False, errors)
        if checked is not INVALID:
            body[entry.name] = checked
    if not fields:
        errors.append(
            FieldError("fields", f"give at least one field to change: {', '.join(_CHANGES)}")
        )
    if errors:
        raise ClientValidationError(errors, subject="agent update")
    exchange = update_agent(
        client._generated, _uuid_of(agent_id, "agent id"), update_agent_body(body)
    )
    # Setting the same fields twice leaves the agent as setting them once: safe to retry.
    return _Operation("agents.update", exchange, idempotent=True, auth=client._auth)


def _agent(client: _BaseClient, op: _Operation[Any], reply: Response[Any]) -> Agent:
    return read_one(
        client,
        op,
        reply,
        value_cls=Agent,
        parse=parse_agent,
    )


def _agent_page(
    client: _BaseClient,
    op: _Operation[Any],
    reply: Response[Any],
    *,
    number: int,
    size: int,
) -> Page[Agent]:
    info = client._info(op, reply.http_response)
    document, items = page_document(client, op, reply)
    return Page(
        items=lazy_items(items, Agent, parse_agent),
        page=number,
        size=size,
        total_elements=_int(document.get(_PAGE.total_items.name)),
        total_pages=_int(document.get(_PAGE.page_count.name)),
        extra={key: value for key, value in document.items() if key not in _PAGE.properties},
        response=info,
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _usable(agent_id: uuid.UUID | str, agent: Agent | None) -> None:
    """Raise :class:`AgentNotUsableError` unless ``agent`` exists and is OUTBOUND."""
    if agent is None:
        raise AgentNotUsableError(
            agent_id,
            None,
            "there is no agent with this id in the account (GET /v1/agents/{id} answered 404); "
            "list them with client.agents.list()",
        )
    if not agent.is_outbound:
        raise AgentNotUsableError(
            agent_id,
            agent,
            f"it is an {agent.type_ or 'untyped'} agent; campaigns and calls need an "
            "OUTBOUND agent",
        )


# -- the resources -----------------------------------------------------------------------------


class Agents(SyncAPIResource):
    """``client.agents``: list, read and change the account's agents."""

    def list(self, *, page_size: int = 100) -> SyncPager[Agent]:
        """Every agent, fetched lazily ``page_size`` at a time (at most the spec's bound, 100);
        nothing is sent until you iterate. ``.pages()`` gives each :class:`Page`."""
        size = check_page_size(page_size, _LIST.size, "agents.list")
        return SyncPager(self._page, size)

    def _page(self, number: int, size: int) -> Page[Agent]:
        op = _list_op(self._client, number, size)
        reply = self._client._send(op)
        return _agent_page(self._client, op, reply, number=number, size=size)

    def get(self, agent_id: uuid.UUID | str) -> Agent:
        """One agent by id (``agents:read``). Raises NotFoundError when unknown."""
        op = _get_op(self._client, agent_id)
        reply = self._client._send(op)
        return _agent(self._client, op, reply)

    def update(
        self, agent_id: uuid.UUID | str, **fields: Unpack[UpdateAgentRequestFields]
    ) -> Agent:
        """Change the fields given (``name``, ``active``, ``recordable``, ``archived``), and
        only those: the PATCH body holds exactly them (``agents:write``). Returns the agent."""
        op = _update_op(self._client, agent_id, fields)
        reply = self._client._send(op)
        return _agent(self._client, op, reply)


class AsyncAgents(AsyncAPIResource):
    """``client.agents`` of :class:`AsyncVolubile`; see :class:`Agents`."""

    def list(self, *, page_size: int = 100) -> AsyncPager[Agent]:
        """Every agent, lazily: ``async for agent in client.agents.list()``."""
        size = check_page_size(page_size, _LIST.size, "agents.list")
        return AsyncPager(self._page, size)

    async def _page(self, number: int, size: int) -> Page[Agent]:
        op = _list_op(self._client, number, size)
        reply = await self._client._send(op)
        return _agent_page(self._client, op, reply, number=number, size=size)

    async def get(self, agent_id: uuid.UUID | str) -> Agent:
        """One agent by id; see :meth:`Agents.get`."""
        op = _get_op(self._client, agent_id)
        reply = await self._client._send(op)
        return _agent(self._client, op, reply)

    async def update(
        self, agent_id: uuid.UUID | str, **fields: Unpack[UpdateAgentRequestFields]
    ) -> Agent:
        """Change only the fields given; see :meth:`Agents.update`."""
        op = _update_op(self._client, agent_id, fields)
        reply = await self._client._send(op)
        return _agent(self._client, op, reply)


# -- the agent check before a campaign ---------------------------------------------------------


def check_agent(client: Any, agent_id: uuid.UUID | str) -> Agent:
    """One ``GET /v1/agents/{id}``: the agent, or :class:`AgentNotUsableError` when it is
    missing or not OUTBOUND. ``client`` is a :class:`~volubile_ext.Volubile`."""
    try:
        agent: Agent | None = Agents(client).get(agent_id)
    except NotFoundError:
        agent = None
    _usable(agent_id, agent)
    assert agent is not None
    return agent


async def acheck_agent(client: Any, agent_id: uuid.UUID | str) -> Agent:
    """:func:`check_agent` for :class:`~volubile_ext.AsyncVolubile`."""
    try:
        agent: Agent | None = await AsyncAgents(client).get(agent_id)
    except NotFoundError:
        agent = None
    _usable(agent_id, agent)
    assert agent is not None
    return agent
