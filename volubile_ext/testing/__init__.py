"""A local Volubile API for your own tests and for development without an account.

:class:`Sandbox` runs every operation of the API on a real HTTP server on loopback, in a
background thread. It checks credentials, scopes and the create-campaign rules as the API does,
stores campaigns (with their recipients, which the API never returns), applies the rate limit,
and answers errors in the API's ``ErrorResponse`` format. Tests can inject faults and read a
log of every request. Import it from here (``volubile_ext`` itself does not load it)::

    import httpx
    import pytest

    from volubile_ext import Volubile
    from volubile_ext.testing import DropConnection, ErrorStatus, Sandbox

    CAMPAIGN = {
        "name": "Renewals",
        "agentId": "bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
        "startDate": "2031-03-03",
        "timeSlots": [{"startTime": "10:00", "endTime": "13:00"}],
        "batchSize": 100,
        "days": ["MONDAY", "TUESDAY"],
        "recipients": [{"phone": "+33612345678", "context": {"firstName": "Ana"}}],
    }


    @pytest.fixture
    def sandbox():
        with Sandbox() as sb:  # a free port on 127.0.0.1, one generated API key
            yield sb


    def test_pausing_reaches_the_api(sandbox):
        # The library's client works against the sandbox unchanged (http is fine on loopback).
        with Volubile(sandbox.api_key, base_url=sandbox.url) as client:
            campaign = client.campaigns.create(
                name="Renewals",
                agent_id="bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
                start_date="2031-03-03",
                days="weekdays",
                time_slots=["10:00-13:00"],
                batch_size=100,
                recipients=[{"phone": "+33612345678"}],
            )
            client.campaigns.pause(campaign.id)
        assert sandbox.campaign(campaign.id).status == "PAUSED"
        assert sandbox.count("POST", "/v1/campaigns", applied=True) == 1


    def test_a_lost_response_still_created_the_campaign(sandbox):
        # Processed, then the connection closes before the client hears of it.
        sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/campaigns")
        with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as http:
            with pytest.raises(httpx.RemoteProtocolError):
                http.post("/v1/campaigns", json=CAMPAIGN)
        (campaign,) = sandbox.campaigns()  # created once; the recipients are stored too
        assert campaign.recipients == CAMPAIGN["recipients"]
        record = sandbox.requests[-1]
        assert record.applied and record.status is None


    def test_a_503_from_a_proxy_applies_nothing(sandbox):
        sandbox.inject(ErrorStatus(503, retry_after=2), method="POST", path="/v1/campaigns")
        response = httpx.post(
            f"{sandbox.url}/v1/campaigns", json=CAMPAIGN, headers={"X-Api-Key": sandbox.api_key}
        )
        assert (response.status_code, response.headers["Retry-After"]) == (503, "2")
        assert sandbox.campaigns() == []
        assert sandbox.count("POST", "/v1/campaigns", applied=False) == 1

Faults (each one's ``apply`` says whether the request is processed before the fault decides
what the client receives, and the log records it):

- :class:`ErrorStatus`: a 4xx/5xx ``ErrorResponse``, with ``Retry-After`` if wanted.
- :class:`Delay`: the response held back longer than the client's timeout.
- :class:`DropConnection`: the connection closed without a response, before or after processing.
- :class:`NonJSONBody`: an HTML error page, or a ``text/plain`` 200.
- :class:`UnknownValues`: a response with an unknown status, an unknown day, extra fields.

:attr:`Sandbox.requests` lists :class:`RequestRecord` objects (credentials redacted);
:meth:`Sandbox.campaigns` lists :class:`StoredCampaign` objects, so a test can prove that no
campaign was created twice and none was lost. Agents and calls: :meth:`Sandbox.agents` and
:meth:`Sandbox.add_agent` (:class:`StoredAgent`; two are seeded, ``Sandbox.OUTBOUND_AGENT_ID``
and ``Sandbox.INBOUND_AGENT_ID``), :meth:`Sandbox.calls` and :meth:`Sandbox.add_call`
(:class:`StoredCall`, with a transcript and a recording).

Simulated time: :meth:`Sandbox.start_clock` gives a :class:`SandboxClock` that a test moves
forward (``advance(days=3)``, ``advance_to(...)``, ``run_until_done()``); as it moves, every
ACTIVE campaign places the calls it would (:meth:`Sandbox.simulation` sets their outcomes,
:meth:`Sandbox.progress` tells a :class:`CampaignProgress`), and :meth:`Sandbox.webhook` posts
each finished call, signed, to a receiver on loopback (:class:`Webhook`, its log of
:class:`WebhookDelivery` and :class:`WebhookAttempt`).
"""

from ._call_store import StoredAgent, StoredCall
from ._clock import SandboxClock, SimulationStuck
from ._faults import (
    Delay,
    DropConnection,
    ErrorStatus,
    Fault,
    Injection,
    NonJSONBody,
    UnknownValues,
)
from ._log import RequestRecord
from ._sandbox import Sandbox
from ._simulation import CampaignProgress, Simulation, SimulationOptions
from ._store import StoredCampaign
from ._webhook_poster import Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "CampaignProgress",
    "Delay",
    "DropConnection",
    "ErrorStatus",
    "Fault",
    "Injection",
    "NonJSONBody",
    "RequestRecord",
    "Sandbox",
    "SandboxClock",
    "Simulation",
    "SimulationOptions",
    "SimulationStuck",
    "StoredAgent",
    "StoredCall",
    "StoredCampaign",
    "UnknownValues",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
