"""``client.agents`` and the agent check of ``campaigns.create``, sync and async, over loopback
against the sandbox; what the server received is counted from its request log."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.client_harness import CREATE_ARGS, TEN_PEOPLE, Harness, iterate
from volubile_ext import (
    Agent,
    AgentNotUsableError,
    ClientValidationError,
    Direction,
    NotFoundError,
    prepare_create,
)
from volubile_ext.testing import ErrorStatus, Sandbox

OUTBOUND = Sandbox.OUTBOUND_AGENT_ID
INBOUND = Sandbox.INBOUND_AGENT_ID
AGENTS = "/v1/agents"


@pytest.fixture(params=["sync", "async"])
def client(
    request: pytest.FixtureRequest, sandbox: Sandbox, harnesses: Callable[..., Harness]
) -> Harness:
    return harnesses(str(request.param), api_key=sandbox.api_key, base_url=sandbox.url)


def agent_gets(sandbox: Sandbox) -> int:
    return sum(1 for record in sandbox.requests if record.path.startswith(f"{AGENTS}/"))


# -- list ----------------------------------------------------------------------------------------


def test_list_fetches_every_agent_lazily_one_page_at_a_time(
    sandbox: Sandbox, client: Harness
) -> None:
    added = [sandbox.add_agent(f"Agent {index}").id for index in range(3)]
    pager = client.client.agents.list(page_size=2)
    assert sandbox.count("GET", AGENTS) == 0  # nothing sent before iterating
    agents = iterate(client, pager)
    assert [str(agent.id) for agent in agents] == [OUTBOUND, INBOUND, *added]
    assert all(isinstance(agent, Agent) for agent in agents)
    # Five agents, two a page: three requests, pages 1 to 3, the size asked for.
    assert [record.query for record in sandbox.requests] == [
        "page=1&size=2",
        "page=2&size=2",
        "page=3&size=2",
    ]


def test_pages_give_the_figures_the_server_sent(sandbox: Sandbox, client: Harness) -> None:
    sandbox.add_agent("Third")
    pages = iterate(client, client.client.agents.list(page_size=2).pages())
    assert [(page.page, page.size, len(page)) for page in pages] == [(1, 2, 2), (2, 2, 1)]
    # The agents page says page_count and total_items: the same names as a calls page here.
    assert {(page.total_pages, page.total_elements) for page in pages} == {(2, 3)}
    assert pages[0].response is not None
    assert pages[0].response.status_code == 200


@pytest.mark.parametrize("size", [0, 101, "20", True, None])
def test_a_page_size_outside_the_spec_is_refused_before_sending(
    sandbox: Sandbox, client: Harness, size: Any
) -> None:
    with pytest.raises(ClientValidationError) as caught:
        client.client.agents.list(page_size=size)
    assert caught.value.errors[0].field == "page_size"
    assert sandbox.requests == []


# -- get and update ------------------------------------------------------------------------------


def test_get_reads_a_typed_agent(sandbox: Sandbox, client: Harness) -> None:
    agent = client.call("agents.get", OUTBOUND)
    assert agent.id == uuid.UUID(OUTBOUND)
    assert agent.type_ is Direction.OUTBOUND
    assert agent.is_outbound
    assert agent.active is True
    assert agent.raw["id"] == OUTBOUND
    assert not client.call("agents.get", INBOUND).is_outbound


def test_get_of_an_unknown_agent_is_not_found_and_a_bad_id_is_never_sent(
    sandbox: Sandbox, client: Harness
) -> None:
    with pytest.raises(NotFoundError):
        client.call("agents.get", str(uuid.uuid4()))
    with pytest.raises(ClientValidationError, match="agent id"):
        client.call("agents.get", "agent-7")
    assert len(sandbox.requests) == 1


def test_get_is_retried_after_a_503(sandbox: Sandbox, client: Harness, quick_backoff: None) -> None:
    sandbox.inject(ErrorStatus(503), method="GET", path=f"{AGENTS}/{OUTBOUND}")
    assert client.call("agents.get", OUTBOUND).name is not None
    assert sandbox.count("GET", f"{AGENTS}/{OUTBOUND}") == 2


def test_update_sends_only_the_fields_given(sandbox: Sandbox, client: Harness) -> None:
    agent = client.call("agents.update", OUTBOUND, active=False)
    assert agent.active is False
    (record,) = sandbox.requests
    assert (record.method, record.path) == ("PATCH", f"{AGENTS}/{OUTBOUND}")
    assert record.body == {"active": False}
    stored = sandbox.agent(OUTBOUND).document
    assert (stored["active"], stored["recordable"], stored["name"]) == (
        False,
        True,
        "Renewals (outbound)",
    )


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"activ": True}, "activ", "did you mean active"),
        ({"active": "yes"}, "active", "must be"),
        ({"name": 3}, "name", "must be text"),
        ({}, "fields", "at least one field"),
    ],
)
def test_a_bad_update_is_refused_before_sending(
    sandbox: Sandbox, client: Harness, fields: dict[str, Any], field: str, text: str
) -> None:
    with pytest.raises(ClientValidationError) as caught:
        client.call("agents.update", OUTBOUND, **fields)
    assert caught.value.errors[0].field == field
    assert text in str(caught.value)
    assert sandbox.requests == []


# -- the agent check before a campaign -----------------------------------------------------------

CAMPAIGN = {**CREATE_ARGS, "start_date": "2031-03-03"}


@pytest.mark.filterwarnings("ignore::volubile_ext.CampaignWarning")
def test_check_agent_reads_the_agent_once_then_creates(sandbox: Sandbox, client: Harness) -> None:
    campaign = client.call(
        "campaigns.create", **{**CAMPAIGN, "agent_id": OUTBOUND}, check_agent=True
    )
    assert campaign.id is not None
    assert [(record.method, record.path) for record in sandbox.requests] == [
        ("GET", f"{AGENTS}/{OUTBOUND}"),
        ("POST", "/v1/campaigns"),
    ]


@pytest.mark.filterwarnings("ignore::volubile_ext.CampaignWarning")
@pytest.mark.parametrize(
    ("agent_id", "reason"),
    [(INBOUND, "it is an INBOUND agent"), (str(uuid.UUID(int=7)), "no agent with this id")],
)
def test_check_agent_refuses_a_missing_or_inbound_agent_and_creates_nothing(
    sandbox: Sandbox, client: Harness, agent_id: str, reason: str
) -> None:
    with pytest.raises(AgentNotUsableError) as caught:
        client.call("campaigns.create", **{**CAMPAIGN, "agent_id": agent_id}, check_agent=True)
    assert reason in str(caught.value)
    assert isinstance(caught.value, ClientValidationError)
    assert caught.value.errors[0].field == "agentId"
    assert sandbox.count("POST", "/v1/campaigns") == 0
    assert agent_gets(sandbox) == 1
    assert sandbox.campaigns() == []


@pytest.mark.filterwarnings("ignore::volubile_ext.CampaignWarning")
def test_check_agent_checks_once_for_create_many_and_create_prepared(
    sandbox: Sandbox, client: Harness
) -> None:
    schedule = {key: value for key, value in CAMPAIGN.items() if key != "recipients"}
    with pytest.raises(AgentNotUsableError):
        client.call(
            "campaigns.create_many",
            **{**schedule, "agent_id": INBOUND},
            recipients=TEN_PEOPLE,
            chunk_size=2,
            check_agent=True,
        )
    prepared = prepare_create(**{**CAMPAIGN, "agent_id": INBOUND})
    with pytest.raises(AgentNotUsableError):
        client.call("campaigns.create_prepared", prepared, check_agent=True)
    assert sandbox.count("POST", "/v1/campaigns") == 0
    assert agent_gets(sandbox) == 2


@pytest.mark.filterwarnings("ignore::volubile_ext.CampaignWarning")
def test_without_check_agent_no_agent_is_read(sandbox: Sandbox, client: Harness) -> None:
    client.call("campaigns.create", **{**CAMPAIGN, "agent_id": OUTBOUND})
    assert agent_gets(sandbox) == 0
    assert sandbox.count("POST", "/v1/campaigns") == 1
