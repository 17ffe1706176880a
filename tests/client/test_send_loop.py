"""The send loop's per-request work, case by case: credentials and rate-limiter places around
each request, the ``X-RateLimit-*`` figures read from each response.

Fine-grained cases, over a mock transport (what each request carried while its place was held);
the loopback behaviour of the same loop is in test_client.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.client_harness import API_KEY, CAMPAIGN_ID, Harness, campaign_document
from volubile_ext import APIConnectionError, ClientValidationError, RateLimitInfo

BEARER = "jwt-static-abcdefghijkl"
Handler = Callable[[httpx.Request], httpx.Response]


class RecordingLimiter:
    """A rate limiter that never waits and records the places it hands out and gets back."""

    max_requests = 100
    period = 1.0

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []
        self.held: set[int] = set()

    def reserve_slot(self, *, max_wait: float | None = None) -> tuple[float, int]:
        slot = len(self.events)
        self.events.append(("reserve", slot))
        self.held.add(slot)
        return 0.0, slot

    def wait(self, slot: Any, *, max_wait: float | None = None) -> float:
        return 0.0

    def finished(self, slot: Any) -> None:
        self.events.append(("finished", slot))
        self.held.discard(slot)

    def pause_for(self, seconds: float) -> None:
        pass


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def on_mock(kind: str) -> Iterator[Callable[..., Harness]]:
    """Clients of the parametrized kind whose httpx client answers with ``handler``."""
    made: list[Harness] = []

    def make(handler: Handler, **options: Any) -> Harness:
        transport = httpx.MockTransport(handler)
        http: httpx.Client | httpx.AsyncClient = (
            httpx.AsyncClient(transport=transport)
            if kind == "async"
            else httpx.Client(transport=transport)
        )
        harness = Harness(kind, base_url="https://api.example.test", http_client=http, **options)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()


def campaign_reply(
    request: httpx.Request, headers: list[tuple[str, str]] | None = None
) -> httpx.Response:
    return httpx.Response(200, json=campaign_document(), headers=headers or [])


@pytest.mark.parametrize(
    ("credentials", "header", "value"),
    [
        ({"api_key": API_KEY}, "x-api-key", API_KEY),
        ({"bearer_token": BEARER}, "authorization", f"Bearer {BEARER}"),
    ],
)
def test_a_static_credential_is_sent_once_while_the_request_holds_its_place(
    on_mock: Callable[..., Harness], credentials: dict[str, str], header: str, value: str
) -> None:
    limiter = RecordingLimiter()
    seen: list[tuple[list[str], set[int]]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers.get_list(header), set(limiter.held)))
        return campaign_reply(request)

    harness = on_mock(answer, rate_limiter=limiter, **credentials)
    for _ in range(2):
        harness.call("campaigns.get", CAMPAIGN_ID)
    # Each request carried the credential once, and left holding its own place ...
    assert seen == [([value], {0}), ([value], {2})]
    # ... which it gave back once its response was in.
    assert limiter.events == [("reserve", 0), ("finished", 0), ("reserve", 2), ("finished", 2)]


def test_a_request_that_fails_gives_its_place_back(on_mock: Callable[..., Harness]) -> None:
    limiter = RecordingLimiter()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    harness = on_mock(refuse, api_key=API_KEY, rate_limiter=limiter, max_retries=1)
    with pytest.raises(APIConnectionError):
        harness.call("campaigns.get", CAMPAIGN_ID)
    # The retry took a place of its own; neither is held any more.
    assert limiter.events == [("reserve", 0), ("finished", 0), ("reserve", 2), ("finished", 2)]
    assert limiter.held == set()


def test_the_rate_limit_figures_follow_each_response(on_mock: Callable[..., Harness]) -> None:
    replies = iter(
        [
            [("X-RateLimit-Limit", "100"), ("X-RateLimit-Remaining", "98")],
            [],  # no figures: the last ones stand
            [("x-ratelimit-remaining", " 7 ")],  # any case, surrounding space
            [("X-RateLimit-Limit", "lots"), ("X-RateLimit-Remaining", "5")],
            [("X-RateLimit-Limit", "100"), ("X-RateLimit-Limit", "100")],  # given twice
        ]
    )
    harness = on_mock(lambda request: campaign_reply(request, next(replies)), api_key=API_KEY)
    expected = [
        RateLimitInfo(limit=100, remaining=98),
        RateLimitInfo(limit=100, remaining=98),
        RateLimitInfo(limit=None, remaining=7),
        RateLimitInfo(limit=None, remaining=5),
        # As httpx reads a repeated header ("100, 100"): not a number.
        RateLimitInfo(limit=None, remaining=None),
    ]
    for figures in expected:
        campaign = harness.call("campaigns.get", CAMPAIGN_ID)
        assert campaign.response.rate_limit == figures
        assert harness.client.rate_limit == figures


def test_rate_limit_figures_in_a_non_ascii_response_are_read_as_httpx_decodes_them(
    on_mock: Callable[..., Harness],
) -> None:
    # A header outside ASCII makes httpx decode every header as UTF-8 (or Latin-1): the
    # figures are read in that encoding, as headers.get() would read them.
    harness = on_mock(
        lambda request: httpx.Response(
            200,
            json=campaign_document(),
            headers=[("X-Note", "café".encode()), ("X-RateLimit-Remaining", b"12")],
        ),
        api_key=API_KEY,
    )
    assert harness.call("campaigns.get", CAMPAIGN_ID).response.rate_limit.remaining == 12


FIGURES = [("X-RateLimit-Limit", "100"), ("X-RateLimit-Remaining", "98")]
# A client-side limit these many requests never wait for.
NO_WAIT = (1_000_000, 1.0)


def test_figures_last_seen_stand_through_many_responses_without_them(
    on_mock: Callable[..., Harness],
) -> None:
    # The figures last given stand until a response gives new ones.
    headers = [FIGURES] + [[]] * 150 + [[("X-RateLimit-Remaining", "7")]] + [[]] * 70
    replies = iter(headers)
    harness = on_mock(
        lambda request: campaign_reply(request, next(replies)), api_key=API_KEY, rate_limit=NO_WAIT
    )
    campaigns = [harness.call("campaigns.get", CAMPAIGN_ID) for _ in headers]
    assert harness.client.rate_limit == RateLimitInfo(limit=None, remaining=7)
    assert campaigns[0].response.rate_limit == RateLimitInfo(limit=100, remaining=98)
    assert campaigns[150].response.rate_limit == RateLimitInfo(limit=100, remaining=98)
    assert campaigns[151].response.rate_limit == RateLimitInfo(limit=None, remaining=7)
    assert campaigns[-1].response.rate_limit == RateLimitInfo(limit=None, remaining=7)


@pytest.mark.parametrize(
    "given",
    [
        CAMPAIGN_ID,
        CAMPAIGN_ID.upper(),
        f"  {CAMPAIGN_ID}\n",
        "{" + CAMPAIGN_ID + "}",
        f"urn:uuid:{CAMPAIGN_ID}",
        CAMPAIGN_ID.replace("-", ""),
        uuid.UUID(CAMPAIGN_ID),
    ],
)
def test_a_campaign_id_in_any_form_a_uuid_takes_is_sent_canonical(
    on_mock: Callable[..., Harness], given: object
) -> None:
    paths: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return campaign_reply(request)

    harness = on_mock(answer, api_key=API_KEY)
    harness.call("campaigns.get", given)
    harness.call("campaigns.set_status", given, "PAUSED")
    assert paths == [f"/v1/campaigns/{CAMPAIGN_ID}", f"/v1/campaigns/{CAMPAIGN_ID}/status"]


@pytest.mark.parametrize("given", [CAMPAIGN_ID[:-1] + "g", CAMPAIGN_ID + "0", "", 42])
def test_a_campaign_id_that_is_no_uuid_is_refused_before_sending(
    on_mock: Callable[..., Harness], given: object
) -> None:
    paths: list[str] = []
    harness = on_mock(lambda request: paths.append(request.url.path), api_key=API_KEY)
    with pytest.raises(ClientValidationError, match=r"must be a campaign id \(a UUID\)"):
        harness.call("campaigns.get", given)
    assert paths == []
