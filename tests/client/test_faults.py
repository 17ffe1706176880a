"""Fault injection against the sandbox, over real loopback sockets.

The client's retry and auth rules (issue 3) are proved here against the sandbox, the most
faithful fake of the API we have, with its own fault API: what the client decided is checked
against what the server actually received and applied (its request log and its store), never
against what the client believes.

Then a soak: 200 mixed operations from several threads under the sandbox's rate limit of 20
requests per second, with 429s, 503s, delays and dropped connections injected along the way.
It must end with no duplicate campaign, no lost campaign, and every failure reported as the
typed error that matches what happened on the wire.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import email.utils
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.client_harness import CREATE_ARGS, Harness, create_campaign, in_threads
from tests.scripted_server import free_port
from volubile_ext import (
    AccessToken,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncVolubile,
    AuthenticationError,
    Campaign,
    CampaignStatus,
    InternalServerError,
    PermissionDeniedError,
    RateLimitError,
    Volubile,
    VolubileError,
    _retry,
)
from volubile_ext._errors import MAX_RETRY_AFTER
from volubile_ext.testing import (
    Delay,
    DropConnection,
    ErrorStatus,
    Fault,
    NonJSONBody,
    RequestRecord,
    Sandbox,
)

CREATE = "/v1/campaigns"
TOKEN = "/v1/auth/token"
ONE = re.compile(r"/v1/campaigns/[^/]+")
STATUS = re.compile(r"/v1/campaigns/[^/]+/status")
MAY_EXIST = "may have been created"

pytestmark = [
    pytest.mark.parametrize("kind", ["sync", "async"]),
    pytest.mark.sandbox(rate_limit=None),
]


def campaign_args(name: str = "Faults") -> dict[str, Any]:
    return {**CREATE_ARGS, "name": name, "start_date": "2027-06-07"}


@pytest.fixture
def make(kind: str, sandbox: Sandbox, harnesses: Callable[..., Harness]) -> Callable[..., Harness]:
    """Clients of the parametrized kind on the sandbox, closed after the test."""

    def build(**options: Any) -> Harness:
        options.setdefault("base_url", sandbox.url)
        if "bearer_token" not in options:
            options.setdefault("api_key", sandbox.api_key)
        options.setdefault("rate_limit", None)
        return harnesses(kind, **options)

    return build


def _created_id(sandbox: Sandbox) -> str:
    return str(create_campaign(sandbox.url, sandbox.api_key, "Existing").id)


# --- campaign creation: at most once -----------------------------------------------------


def test_create_is_retried_when_the_connection_is_refused_before_sending(kind: str) -> None:
    # Nothing listens on the port for the first attempt (the connection is refused: the request
    # provably never left); the sandbox starts, on that port, when the retry is on its way.
    port = free_port()
    sandbox = Sandbox(port=port, rate_limit=None)
    attempts: list[str] = []

    def on_request(request: httpx.Request) -> None:
        attempts.append(request.url.path)
        if len(attempts) == 2:
            sandbox.start()

    async def on_request_async(request: httpx.Request) -> None:
        on_request(request)

    url = f"http://127.0.0.1:{port}"
    http: httpx.Client | httpx.AsyncClient = (
        httpx.Client(event_hooks={"request": [on_request]})
        if kind == "sync"
        else httpx.AsyncClient(event_hooks={"request": [on_request_async]})
    )
    harness = Harness(kind, api_key=sandbox.api_key, base_url=url, http_client=http)
    try:
        campaign = harness.call("campaigns.create", **campaign_args())
    finally:
        # The async client's connections belong to the harness's loop: close them there.
        if isinstance(http, httpx.AsyncClient):
            harness.run(http.aclose())
        else:
            http.close()
        harness.close()
        stopped_campaigns = sandbox.campaigns()
        sandbox.stop()

    assert attempts == [CREATE, CREATE]
    assert campaign.response.retries_taken == 1
    assert [c.id for c in stopped_campaigns] == [str(campaign.id)]


def test_create_is_retried_after_429_honouring_retry_after(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    sandbox.inject(ErrorStatus(429, retry_after=1), method="POST", path=CREATE)

    campaign = make().call("campaigns.create", **campaign_args())

    refused, accepted = sandbox.requests
    assert (refused.status, refused.applied) == (429, False)
    assert (accepted.status, accepted.applied) == (201, True)
    assert accepted.time - refused.time >= 1.0
    assert campaign.response.retries_taken == 1
    assert [c.id for c in sandbox.campaigns()] == [str(campaign.id)]


@pytest.mark.parametrize("apply", [True, False], ids=["applied-then-dropped", "dropped-unread"])
def test_create_is_not_retried_when_the_connection_drops(
    make: Callable[..., Harness], sandbox: Sandbox, apply: bool
) -> None:
    sandbox.inject(DropConnection(apply=apply), method="POST", path=CREATE)

    with pytest.raises(APIConnectionError) as raised:
        make().call("campaigns.create", **campaign_args())

    # The client cannot tell the two cases apart, so it never risks a second campaign.
    error = raised.value
    assert not isinstance(error, APITimeoutError)
    assert error.request_sent is True
    assert MAY_EXIST in str(error)
    assert sandbox.count("POST", CREATE) == 1
    assert len(sandbox.campaigns()) == (1 if apply else 0)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_create_is_not_retried_on_server_errors(
    make: Callable[..., Harness], sandbox: Sandbox, status: int
) -> None:
    sandbox.inject(ErrorStatus(status, apply=True), method="POST", path=CREATE)

    with pytest.raises(InternalServerError) as raised:
        make().call("campaigns.create", **campaign_args())

    assert raised.value.status_code == status
    assert MAY_EXIST in str(raised.value)
    assert sandbox.count("POST", CREATE) == 1
    assert len(sandbox.campaigns()) == 1  # the server had created it: a retry would duplicate


def test_create_is_not_retried_on_a_read_timeout(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    sandbox.inject(Delay(2.0), method="POST", path=CREATE)

    with pytest.raises(APITimeoutError) as raised:
        make(timeout=0.3).call("campaigns.create", **campaign_args())

    assert raised.value.request_sent is True
    assert MAY_EXIST in str(raised.value)
    assert sandbox.count("POST", CREATE) == 1
    assert len(sandbox.campaigns()) == 1


def test_retry_after_beyond_the_ceiling_raises_at_once(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    sandbox.inject(ErrorStatus(429, retry_after=120), method="POST", path=CREATE)
    started = time.monotonic()

    with pytest.raises(RateLimitError) as raised:
        make().call("campaigns.create", **campaign_args())

    assert raised.value.retry_after == 120
    assert time.monotonic() - started < 1.0
    assert sandbox.count("POST", CREATE) == 1
    assert sandbox.campaigns() == []


# --- odd Retry-After values: never a client paused for good --------------------------------

DEFAULT_LIMIT = (100, 15.0)


@pytest.fixture
def backoffs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records each use of the normal backoff (and keeps it short)."""
    used: list[int] = []

    def backoff(self: _retry.RetryPolicy, retry_number: int) -> float:
        used.append(retry_number)
        return 0.01

    monkeypatch.setattr(_retry.RetryPolicy, "backoff", backoff)
    return used


def test_a_wait_beyond_the_ceiling_fails_at_once_and_holds_no_later_call_past_it(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.inject(ErrorStatus(429, retry_after=100_000), method="GET")
    # No deadline: a client paused for the server's 100,000 s would hang here.
    harness = make(rate_limit=DEFAULT_LIMIT, retry_after_ceiling=0.5, deadline=None)

    with pytest.raises(RateLimitError) as raised:
        harness.call("campaigns.get", campaign_id)
    assert raised.value.retry_after == 100_000
    assert "asks to wait 100000 s, more than the client's retry_after_ceiling of 0.5 s" in str(
        raised.value
    )
    assert harness.client.limiter is not None
    assert harness.client.limiter.reserve() <= 0.5  # paused for the ceiling at most

    campaign = harness.call("campaigns.get", campaign_id)

    assert str(campaign.id) == campaign_id
    assert [r.status for r in sandbox.requests if r.method == "GET"] == [429, 200]


def test_a_later_call_with_a_deadline_is_not_refused_after_a_huge_retry_after(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.inject(ErrorStatus(429, retry_after=100_000), method="GET")
    harness = make(rate_limit=DEFAULT_LIMIT, retry_after_ceiling=0.5, deadline=10.0)
    with pytest.raises(RateLimitError):
        harness.call("campaigns.get", campaign_id)

    # Before: "the rate limit would delay the request by 100000.0 s", nothing sent.
    assert str(harness.call("campaigns.get", campaign_id).id) == campaign_id
    assert sandbox.count("GET") == 2


@pytest.mark.parametrize(
    "header",
    [
        "0",
        "-5",
        "nan",
        "inf",
        "-inf",
        "1e308",
        "99999999999999999999",
        str(int(MAX_RETRY_AFTER) + 1),
        "soon",
        "",
        "5 seconds",
        "Wed, 21 Oct 2015 07:28:00 GMT",
    ],
)
def test_a_retry_after_with_no_usable_wait_falls_back_to_the_normal_backoff(
    make: Callable[..., Harness], sandbox: Sandbox, backoffs: list[int], header: str
) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.inject(ErrorStatus(429, retry_after=header), method="GET")
    harness = make(rate_limit=DEFAULT_LIMIT, deadline=None)

    campaign = harness.call("campaigns.get", campaign_id)

    assert campaign.response.retries_taken == 1
    assert backoffs == [0]
    assert [r.status for r in sandbox.requests if r.method == "GET"] == [429, 200]
    assert harness.client.limiter is not None
    assert harness.client.limiter.reserve() == 0  # nobody else was paused


def test_exhausted_retries_on_unusable_values_report_no_retry_after(
    make: Callable[..., Harness], sandbox: Sandbox, backoffs: list[int]
) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.inject(ErrorStatus(429, retry_after="1e308"), method="GET", times=3)

    with pytest.raises(RateLimitError) as raised:
        make(max_retries=2).call("campaigns.get", campaign_id)

    assert raised.value.retry_after is None
    assert backoffs == [0, 1]
    assert sandbox.count("GET") == 3


def test_a_future_http_date_within_the_ceiling_is_honoured(
    make: Callable[..., Harness], sandbox: Sandbox, backoffs: list[int]
) -> None:
    campaign_id = _created_id(sandbox)
    # An HTTP date has whole seconds: 3 s ahead is 2-3 s once cut, still ahead when the 429
    # reaches a client on a loaded machine (1.5 s ahead was sometimes already past).
    header = email.utils.formatdate(time.time() + 3, usegmt=True)
    sandbox.inject(ErrorStatus(429, retry_after=header), method="GET")

    campaign = make().call("campaigns.get", campaign_id)

    assert campaign.response.retries_taken == 1
    assert backoffs == []  # the server's wait, not the backoff


# --- idempotent operations: retried when the outcome is unknown ------------------------------


def _operations(
    campaign_id: str,
) -> dict[str, tuple[str, re.Pattern[str] | str, Callable[..., Any]]]:
    return {
        "get": ("GET", ONE, lambda h: h.call("campaigns.get", campaign_id)),
        "set_status": ("POST", STATUS, lambda h: h.call("campaigns.pause", campaign_id)),
        "issue_token": ("POST", TOKEN, lambda h: h.call("auth.issue_token", ["campaigns:read"])),
    }


@pytest.mark.usefixtures("quick_backoff")
@pytest.mark.parametrize("operation", ["get", "set_status", "issue_token"])
@pytest.mark.parametrize(
    "fault",
    [
        ErrorStatus(500),
        ErrorStatus(502),
        ErrorStatus(503, retry_after=0),
        ErrorStatus(504),
        NonJSONBody(502),
        DropConnection(apply=False),
        DropConnection(apply=True),
        Delay(1.0, apply=True),
        Delay(1.0, apply=False),
    ],
    ids=lambda fault: repr(fault).replace(" ", ""),
)
def test_idempotent_operations_are_retried(
    make: Callable[..., Harness], sandbox: Sandbox, operation: str, fault: Fault
) -> None:
    campaign_id = _created_id(sandbox)
    method, path, run = _operations(campaign_id)[operation]
    sandbox.inject(fault, method=method, path=path, times=2)
    sandbox.reset_log()

    result = run(make(timeout=0.3))

    records = sandbox.requests
    assert len(records) == 3, records
    assert [r.fault is not None for r in records] == [True, True, False]
    assert records[-1].status in (200, 201)
    if operation == "issue_token":
        assert isinstance(result, AccessToken)
    else:
        assert isinstance(result, Campaign)
        assert result.response.retries_taken == 2
    if operation == "set_status":
        # Applied once, twice or three times: the same status, as idempotence promises.
        assert result.status is CampaignStatus.PAUSED
        assert sandbox.campaign(campaign_id).status == "PAUSED"


@pytest.mark.usefixtures("quick_backoff")
@pytest.mark.parametrize(
    ("fault", "error_type"),
    [
        (ErrorStatus(503), InternalServerError),
        (ErrorStatus(429, retry_after=0), RateLimitError),
        (DropConnection(), APIConnectionError),
        (Delay(1.0), APITimeoutError),
    ],
    ids=["503", "429", "drop", "timeout"],
)
def test_idempotent_operations_give_up_after_max_retries_with_the_right_error(
    make: Callable[..., Harness], sandbox: Sandbox, fault: Fault, error_type: type[Exception]
) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.inject(fault, method="GET", times=None)
    sandbox.reset_log()

    with pytest.raises(VolubileError) as raised:
        make(timeout=0.3, max_retries=2).call("campaigns.get", campaign_id)

    assert type(raised.value) is error_type
    assert len(sandbox.requests) == 3


# --- auth: minted tokens, refresh, replay, single flight -------------------------------------


def test_token_is_refreshed_ahead_of_expiry_never_meeting_a_401(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.reset_log()
    harness = make(scopes=["campaigns:read"])
    harness.call("campaigns.get", campaign_id)
    auth = harness.client.auth_handler
    real_clock = auth._clock  # type: ignore[attr-defined]
    # 900 s tokens are refreshed 60 s ahead: at +850 s the token is inside the margin (the
    # sandbox would still accept it, so a second mint proves the refresh came first).
    auth._clock = lambda: real_clock() + 850  # type: ignore[attr-defined]

    harness.call("campaigns.get", campaign_id)

    assert [(r.method, r.path, r.status) for r in sandbox.requests] == [
        ("POST", TOKEN, 200),
        ("GET", f"/v1/campaigns/{campaign_id}", 200),
        ("POST", TOKEN, 200),
        ("GET", f"/v1/campaigns/{campaign_id}", 200),
    ]


def test_a_token_the_server_expired_is_replaced_once_and_the_request_replayed(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    campaign_id = _created_id(sandbox)
    harness = make(scopes=["campaigns:read", "campaigns:write"])
    harness.call("campaigns.get", campaign_id)
    sandbox.expire_tokens()
    sandbox.reset_log()

    campaign = harness.call("campaigns.pause", campaign_id)

    assert campaign.status is CampaignStatus.PAUSED
    assert [(r.method, r.path, r.status) for r in sandbox.requests] == [
        ("POST", f"/v1/campaigns/{campaign_id}/status", 401),
        ("POST", TOKEN, 200),
        ("POST", f"/v1/campaigns/{campaign_id}/status", 200),
    ]


def test_a_second_401_is_an_authentication_error(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.inject(ErrorStatus(401), method="GET", times=2)
    sandbox.reset_log()

    with pytest.raises(AuthenticationError):
        make(scopes=["campaigns:read"]).call("campaigns.get", campaign_id)

    assert [(r.method, r.status) for r in sandbox.requests] == [
        ("POST", 200),
        ("GET", 401),
        ("POST", 200),
        ("GET", 401),
    ]


def test_a_create_refused_with_401_is_replayed_after_a_new_mint(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    # A 401 means the request was not applied: replaying a create then is safe.
    harness = make(scopes=["campaigns:write"])
    harness.call("auth.issue_token", ["campaigns:read"])  # warm the connection, not the token
    harness.call("campaigns.create", **campaign_args("First"))
    sandbox.expire_tokens()
    sandbox.reset_log()

    harness.call("campaigns.create", **campaign_args("Second"))

    assert [(r.path, r.status) for r in sandbox.requests] == [
        (CREATE, 401),
        (TOKEN, 200),
        (CREATE, 201),
    ]
    assert [c.name for c in sandbox.campaigns()] == ["First", "Second"]


def test_a_failed_mint_surfaces_the_token_endpoints_error(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    harness = make(scopes=["campaigns:read"])
    sandbox.disable_api_key(sandbox.api_key)

    with pytest.raises(AuthenticationError):
        harness.call("campaigns.get", str(uuid.uuid4()))

    assert [(r.path, r.status) for r in sandbox.requests] == [(TOKEN, 401)]


def test_a_mint_that_meets_a_503_is_retried(
    make: Callable[..., Harness], sandbox: Sandbox, quick_backoff: None
) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.inject(ErrorStatus(503), path=TOKEN)
    sandbox.reset_log()

    make(scopes=["campaigns:read"]).call("campaigns.get", campaign_id)

    assert [(r.path, r.status) for r in sandbox.requests] == [
        (TOKEN, 503),
        (TOKEN, 200),
        (f"/v1/campaigns/{campaign_id}", 200),
    ]


def test_a_static_bearer_token_the_server_refuses_is_not_replayed(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    campaign_id = _created_id(sandbox)
    token = sandbox.issue_token(["campaigns:read"])
    sandbox.expire_tokens()
    sandbox.reset_log()

    with pytest.raises(AuthenticationError) as raised:
        make(bearer_token=token).call("campaigns.get", campaign_id)

    assert "may have expired" in str(raised.value)
    assert token not in str(raised.value)
    assert len(sandbox.requests) == 1


def test_missing_scope_and_minting_with_a_bearer_token_are_refused_with_403(
    make: Callable[..., Harness], sandbox: Sandbox
) -> None:
    campaign_id = _created_id(sandbox)
    reader = make(bearer_token=sandbox.issue_token(["campaigns:read"]))
    sandbox.reset_log()

    with pytest.raises(PermissionDeniedError):
        reader.call("campaigns.cancel", campaign_id)
    with pytest.raises(PermissionDeniedError):
        reader.call("auth.issue_token", ["campaigns:read"])

    assert [r.status for r in sandbox.requests] == [403, 403]  # neither retried
    assert sandbox.campaign(campaign_id).status == "ACTIVE"


def test_many_callers_needing_a_token_cause_one_mint(kind: str, sandbox: Sandbox) -> None:
    campaign_id = _created_id(sandbox)
    sandbox.reset_log()
    callers = 40
    options = {"api_key": sandbox.api_key, "base_url": sandbox.url, "scopes": ["campaigns:read"]}

    if kind == "sync":
        with Volubile(**options) as client:
            barrier = threading.Barrier(callers)
            failures: list[BaseException] = []

            def call() -> None:
                barrier.wait()
                try:
                    client.campaigns.get(campaign_id)
                except BaseException as error:  # reported below, with the others
                    failures.append(error)

            in_threads(call, callers)
            assert failures == []
    else:

        async def main() -> None:
            async with AsyncVolubile(**options) as client:
                await asyncio.gather(*(client.campaigns.get(campaign_id) for _ in range(callers)))

        asyncio.run(main())

    assert sandbox.count("POST", TOKEN) == 1
    assert sandbox.count("GET", applied=True) == callers


# --- the soak ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_200_mixed_operations_under_rate_limit_and_faults(kind: str) -> None:
    # The sync run limits itself to the account's rate, as a configured client does; the async
    # run does not limit itself at all, so the sandbox's own limit answers 429s as well.
    soak = Soak(seed=20270607 if kind == "sync" else 20270608)
    with Sandbox(rate_limit=(20, 1.0)) as sandbox:
        soak.run(kind, sandbox, client_rate_limit=(20, 1.0) if kind == "sync" else None)
        # A response held back by a Delay is logged when its delay ends, after the client
        # gave up on it: let the last ones land before reading the log.
        time.sleep(1.2)
        soak.check(sandbox)


class Soak:
    """200 operations in a seeded random mix, each tagged so the sandbox log tells its story.

    Every request carries an ``X-Soak-Op`` header naming its operation (set by an httpx event
    hook from a context variable), so that afterwards each operation's attempts can be read in
    the sandbox's request log and compared with what the client returned or raised.
    """

    OPERATIONS = 200
    WORKERS = 4

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.plan: list[tuple[int, str, Fault | None]] = []
        self.results: dict[int, Any] = {}
        self.errors: dict[int, VolubileError] = {}
        self.names: dict[int, str] = {}
        self.seeded: list[str] = []

    def _fault(self) -> Fault | None:
        roll = self.random.random()
        if roll < 0.10:
            return ErrorStatus(429, retry_after=1)
        if roll < 0.20:
            return ErrorStatus(503)
        if roll < 0.27:
            return DropConnection(apply=self.random.random() < 0.5)
        if roll < 0.30:
            return Delay(1.0, apply=self.random.random() < 0.5)
        return None

    def run(self, kind: str, sandbox: Sandbox, client_rate_limit: tuple[int, float] | None) -> None:
        with Volubile(api_key=sandbox.api_key, base_url=sandbox.url, rate_limit=(20, 1.0)) as c:
            for index in range(3):
                self.seeded.append(str(c.campaigns.create(**campaign_args(f"seed-{index}")).id))
        sandbox.reset_log()
        for op in range(self.OPERATIONS):
            roll = self.random.random()
            name = (
                "create"
                if roll < 0.4
                else "get"
                if roll < 0.65
                else "status"
                if roll < 0.9
                else "token"
            )
            self.plan.append((op, name, self._fault()))
            if name == "create":
                self.names[op] = f"soak-{op:03d}"
        options = {
            "api_key": sandbox.api_key,
            "base_url": sandbox.url,
            "rate_limit": client_rate_limit,
            "timeout": httpx.Timeout(0.6, connect=2.0),
            "max_retries": 2,
        }
        if kind == "sync":
            self._run_threads(sandbox, options)
        else:
            asyncio.run(self._run_tasks(sandbox, options))

    def _call(self, op: int, name: str, fault: Fault | None, sandbox: Sandbox, client: Any) -> Any:
        target = self.seeded[op % len(self.seeded)]
        if fault is not None:
            method, path = {
                "create": ("POST", CREATE),
                "get": ("GET", f"/v1/campaigns/{target}"),
                "status": ("POST", f"/v1/campaigns/{target}/status"),
                "token": ("POST", TOKEN),
            }[name]
            sandbox.inject(fault, method=method, path=path)
        if name == "create":
            return client.campaigns.create(**campaign_args(self.names[op]))
        if name == "get":
            return client.campaigns.get(target)
        if name == "status":
            status = ("PAUSED", "ACTIVE")[op % 2]
            return client.campaigns.set_status(target, status)
        return client.auth.issue_token(["campaigns:read"])

    def _run_threads(self, sandbox: Sandbox, options: dict[str, Any]) -> None:
        def tag(request: httpx.Request) -> None:
            request.headers["X-Soak-Op"] = str(_current_op.get())

        queue = collections.deque(self.plan)
        lock = threading.Lock()
        with (
            httpx.Client(event_hooks={"request": [tag]}) as http,
            Volubile(http_client=http, **options) as client,
        ):

            def worker() -> None:
                while True:
                    with lock:
                        if not queue:
                            return
                        op, name, fault = queue.popleft()
                    _current_op.set(op)
                    try:
                        self.results[op] = self._call(op, name, fault, sandbox, client)
                    except VolubileError as error:
                        self.errors[op] = error

            in_threads(worker, self.WORKERS)

    async def _run_tasks(self, sandbox: Sandbox, options: dict[str, Any]) -> None:
        async def tag(request: httpx.Request) -> None:
            request.headers["X-Soak-Op"] = str(_current_op.get())

        queue = collections.deque(self.plan)
        async with (
            httpx.AsyncClient(event_hooks={"request": [tag]}) as http,
            AsyncVolubile(http_client=http, **options) as client,
        ):

            async def worker() -> None:
                while queue:
                    op, name, fault = queue.popleft()
                    _current_op.set(op)
                    try:
                        self.results[op] = await self._call(op, name, fault, sandbox, client)
                    except VolubileError as error:
                        self.errors[op] = error

            await asyncio.gather(*(worker() for _ in range(self.WORKERS)))

    def check(self, sandbox: Sandbox) -> None:
        assert len(self.results) + len(self.errors) == self.OPERATIONS
        attempts: dict[int, list[RequestRecord]] = collections.defaultdict(list)
        for record in sandbox.requests:
            attempts[int(record.headers["x-soak-op"])].append(record)
        stored = collections.Counter(c.name for c in sandbox.campaigns())
        stored_ids = {c.name: c.id for c in sandbox.campaigns()}

        # No duplicate: no name was created twice.
        assert [name for name, count in stored.items() if count > 1] == []
        for op, name, _ in self.plan:
            records = attempts[op]
            assert records, f"operation {op} ({name}) never reached the sandbox"
            if name == "create":
                self._check_create(op, records, stored, stored_ids)
            else:
                self._check_idempotent(op, name, records)
        # No lost campaign: every soak campaign the sandbox holds was reported as created, or
        # its create failed with an error that says it may exist.
        for soak_name in (n for n in stored if n.startswith("soak-")):
            op = int(soak_name.removeprefix("soak-"))
            assert op in self.results or MAY_EXIST in str(self.errors[op]), soak_name
        failures = collections.Counter(type(e).__name__ for e in self.errors.values())
        native_429 = sum(r.status == 429 and r.fault is None for r in sandbox.requests)
        print(
            f"soak: {len(self.results)} succeeded, failures {dict(failures)}, "
            f"{native_429} 429s from the sandbox's own rate limit"
        )

    def _check_create(
        self,
        op: int,
        records: list[RequestRecord],
        stored: collections.Counter[str],
        stored_ids: dict[str, str],
    ) -> None:
        name = self.names[op]
        # At most once: an attempt follows another only after a refusal (429) that applied
        # nothing.
        for earlier in records[:-1]:
            assert (earlier.status, earlier.applied) == (429, False), (op, records)
        applied = sum(record.applied for record in records)
        assert stored[name] == applied <= 1, (op, records)
        last = records[-1]
        if op in self.results:
            assert last.status == 201
            assert stored_ids[name] == str(self.results[op].id)
            return
        error = self.errors[op]
        expected = _expected_error(last)
        assert type(error) is expected, (op, error, records)
        if last.status == 429:
            assert stored[name] == 0
            assert MAY_EXIST not in str(error)
        else:
            # Dropped, delayed or 503: the client cannot know, and says so.
            assert MAY_EXIST in str(error), (op, error)

    def _check_idempotent(self, op: int, name: str, records: list[RequestRecord]) -> None:
        assert len(records) <= 3, (op, records)  # 1 attempt + max_retries
        last = records[-1]
        if op in self.results:
            assert last.status == 200, (op, records)
            return
        error = self.errors[op]
        assert type(error) is _expected_error(last), (op, error, records)
        assert len(records) == 3, (op, records)  # gave up only after every retry


def _expected_error(record: RequestRecord) -> type[VolubileError]:
    """The error type a client must raise when this was the last attempt's fate."""
    if record.status is None:
        return APITimeoutError if isinstance(record.fault, Delay) else APIConnectionError
    if isinstance(record.fault, Delay):
        return APITimeoutError  # the answer came after the client's timeout
    if record.status == 429:
        return RateLimitError
    if record.status >= 500:
        return InternalServerError
    return APIStatusError


# The soak operation a request belongs to: set by the worker, read by the httpx event hook
# (a context variable follows each thread and each asyncio task separately).
_current_op: contextvars.ContextVar[int] = contextvars.ContextVar("soak_op", default=-1)
