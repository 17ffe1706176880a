"""The send loop's per-request work, case by case: credentials and rate-limiter places around
each request, the ``X-RateLimit-*`` figures read from each response.

Fine-grained cases, over a mock transport (what each request carried while its place was held);
the loopback behaviour of the same loop is in test_client.py.
"""

from __future__ import annotations

import copy
import gc
import pickle
import uuid
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx
import pytest

from tests.client_harness import API_KEY, CAMPAIGN_ID, Harness, campaign_document
from volubile_ext import APIConnectionError, ClientValidationError, RateLimitInfo, _ratelimit

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


@pytest.fixture
def figures_read(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Headers]:
    """The headers whose ``X-RateLimit-*`` figures were read, by the real reader, in order."""
    read: list[httpx.Headers] = []
    real = _ratelimit.figures_in

    def counted(headers: httpx.Headers) -> tuple[int | None, int | None] | None:
        read.append(headers)
        return real(headers)

    monkeypatch.setattr(_ratelimit, "figures_in", counted)
    return read


def test_the_rate_limit_figures_are_read_only_when_asked_for(
    on_mock: Callable[..., Harness], figures_read: list[httpx.Headers]
) -> None:
    replies = iter([FIGURES, [], [("X-RateLimit-Remaining", "97")]])
    harness = on_mock(lambda request: campaign_reply(request, next(replies)), api_key=API_KEY)
    first, second, third = (harness.call("campaigns.get", CAMPAIGN_ID) for _ in range(3))
    assert figures_read == []  # three responses, no figures read
    assert harness.client.rate_limit == RateLimitInfo(limit=None, remaining=97)
    assert [id(h) for h in figures_read] == [id(third.response.headers)]  # the newest: its own
    # The one without figures reads back to the first; then each one read is known.
    assert second.response.rate_limit == RateLimitInfo(limit=100, remaining=98)
    assert [id(h) for h in figures_read] == [
        id(third.response.headers),
        id(second.response.headers),
        id(first.response.headers),
    ]
    assert first.response.rate_limit == RateLimitInfo(limit=100, remaining=98)
    assert second.response.rate_limit.limit == 100
    assert harness.client.rate_limit.limit is None
    assert len(figures_read) == 3


def test_figures_last_seen_stand_through_many_responses_without_them(
    on_mock: Callable[..., Harness],
) -> None:
    # More unread responses than the chain of unread figures holds (it is read when that long).
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


def test_unread_figures_do_not_keep_every_response_s_headers(
    on_mock: Callable[..., Harness],
) -> None:
    sent: list[weakref.ref[httpx.Headers]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        response = campaign_reply(request, FIGURES if not sent else [])
        sent.append(weakref.ref(response.headers))
        return response

    harness = on_mock(answer, api_key=API_KEY, rate_limit=NO_WAIT)
    for _ in range(300):
        harness.call("campaigns.get", CAMPAIGN_ID)  # nothing read, nothing kept by the caller
    gc.collect()
    alive = [index for index, ref in enumerate(sent) if ref() is not None]
    assert len(alive) <= 70, alive  # a bounded chain, not 300 responses' headers
    assert harness.client.rate_limit == RateLimitInfo(limit=100, remaining=98)


def test_figures_read_when_asked_for_are_plain_rate_limit_figures(
    on_mock: Callable[..., Harness],
) -> None:
    harness = on_mock(lambda request: campaign_reply(request, FIGURES), api_key=API_KEY)
    plain = RateLimitInfo(limit=100, remaining=98)
    for make in (
        lambda: harness.call("campaigns.get", CAMPAIGN_ID).response.rate_limit,
        lambda: harness.client.rate_limit,
    ):
        assert make() == plain
        assert plain == make()
        assert hash(make()) == hash(plain)
        assert repr(make()) == repr(plain) == "RateLimitInfo(limit=100, remaining=98)"
        assert attrs.asdict(make()) == {"limit": 100, "remaining": 98}
        assert attrs.evolve(make(), remaining=5) == RateLimitInfo(limit=100, remaining=5)
        for copied in (
            pickle.loads(pickle.dumps(make())),
            copy.copy(make()),
            copy.deepcopy(make()),
        ):
            assert type(copied) is RateLimitInfo
            assert copied == plain
        assert make() != RateLimitInfo(limit=100, remaining=97)
        assert {make(), plain} == {plain}


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
