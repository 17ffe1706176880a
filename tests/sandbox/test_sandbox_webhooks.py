"""The sandbox's webhook: each finished call posted, signed, to a receiver on loopback.

A real HTTP receiver in a thread counts what it received; the counts are compared with the
calls in the sandbox's store and with its delivery log. Failing receivers (5xx, refused
connections, timeouts, 4xx) show the retries, in simulated time.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.sandbox.test_sandbox_clock import START, campaign, create, set_status, stored
from volubile_ext import verify_webhook
from volubile_ext.testing import Sandbox, SandboxClock

pytestmark = pytest.mark.sandbox(rate_limit=None)

SECRET = "whsec-test-not-a-secret"


class Receiver:
    """A webhook receiver on loopback: records every post; ``answer`` decides the status."""

    def __init__(self, answer: Callable[[dict[str, Any], int], int] | None = None) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.answer = answer or (lambda call, seen: 200)
        self.delay = 0.0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                call = json.loads(body)
                with receiver._lock:
                    receiver.posts.append((dict(self.headers.items()), body))
                    seen = sum(json.loads(sent)["id"] == call["id"] for _, sent in receiver.posts)
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.answer(call, seen)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def calls(self) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(body) for _, body in self.posts]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def clock(sandbox: Sandbox) -> SandboxClock:
    return sandbox.start_clock(START)


def test_each_finished_call_is_posted_once_signed_as_get_call_answers_it(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client, receiver: Receiver
) -> None:
    hook = sandbox.webhook(receiver.url, secret=SECRET)
    sandbox.simulation(seed=2)
    retry = {"max": 1, "delay": 2, "retryOn": ["NO_ANSWER"]}
    create(http, campaign("Posted", count=12, batchSize=6, retry=retry))
    clock.run_until_done()
    calls = stored(sandbox, "Posted")
    assert len(calls) > 12  # some were retried
    posted = receiver.calls()
    assert sorted(call["id"] for call in posted) == sorted(call.id for call in calls)
    for headers, body in receiver.posts:
        call_id = json.loads(body)["id"]
        # The exact bytes GET /v1/calls/{id} answers, signed by the library's own scheme.
        assert body == http.get(f"/v1/calls/{call_id}").content
        verify_webhook(body, headers, SECRET)
        assert headers["Content-Type"] == "application/json"
    assert all(call["status"] != "IN_PROGRESS" for call in posted)
    # In simulated-time order: each post when its call ended.
    ends = [call["endTime"] for call in posted]
    assert ends == sorted(ends)
    log = hook.deliveries
    assert len(log) == len(calls)
    assert {delivery.state for delivery in log} == {"delivered"}
    for delivery in log:
        (attempt,) = delivery.attempts
        assert attempt.status_code == 200
        assert attempt.at == dt.datetime.fromisoformat(
            sandbox.call(delivery.call_id).document["endTime"]
        )


def test_without_a_secret_posts_are_unsigned(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client, receiver: Receiver
) -> None:
    hook = sandbox.webhook(receiver.url)
    create(http, campaign("Unsigned", count=2))
    clock.run_until_done()
    assert len(receiver.posts) == 2
    assert all("X-Webhook-Signature" not in headers for headers, _ in receiver.posts)
    assert hook.signed is False


def test_a_failing_receiver_is_retried_with_backoff_in_simulated_time(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    # Each call's first two posts get 503, the third 200.
    failing = Receiver(lambda call, seen: 503 if seen <= 2 else 200)
    try:
        hook = sandbox.webhook(failing.url, secret=SECRET, retry_delays=[60, 600, 3600])
        sandbox.simulation(outcomes={"COMPLETED": 1})
        create(http, campaign("Flaky", count=3))
        clock.run_until_done()
        per_call = collections.Counter(call["id"] for call in failing.calls())
        assert sorted(per_call.values()) == [3, 3, 3]
        for delivery in hook.deliveries:
            assert delivery.state == "delivered"
            assert [attempt.status_code for attempt in delivery.attempts] == [503, 503, 200]
            gaps = [b.at - a.at for a, b in itertools.pairwise(delivery.attempts)]
            assert gaps == [dt.timedelta(seconds=60), dt.timedelta(seconds=600)]
            assert hook.attempts(delivery.call_id) == 3
    finally:
        failing.close()


def test_a_receiver_that_is_down_is_retried_then_given_up(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    with socket.socket() as placeholder:  # a port nobody listens on
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    hook = sandbox.webhook(f"http://127.0.0.1:{port}/hooks", retry_delays=[60, 60])
    create(http, campaign("Down", count=2))
    clock.run_until_done()
    log = hook.deliveries
    assert len(log) == 2
    for delivery in log:
        assert delivery.state == "failed"
        assert [attempt.error for attempt in delivery.attempts] == ["connection failed"] * 3
        assert delivery.next_attempt is None


def test_a_receiver_that_times_out_is_retried(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    slow = Receiver()
    slow.delay = 1.0
    try:
        hook = sandbox.webhook(slow.url, retry_delays=[60], timeout=0.2)
        create(http, campaign("Slow", count=1))
        clock.advance(days=2)
        (delivery,) = hook.deliveries
        assert [attempt.error for attempt in delivery.attempts] == ["timeout", "timeout"]
        assert delivery.state == "failed"
    finally:
        slow.close()


def test_a_receiver_that_refuses_the_post_is_not_asked_again(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    refusing = Receiver(lambda call, seen: 401)
    try:
        hook = sandbox.webhook(refusing.url, secret=SECRET)
        create(http, campaign("Refused", count=2))
        clock.run_until_done()
        assert len(refusing.posts) == 2
        assert [delivery.state for delivery in hook.deliveries] == ["failed", "failed"]
        assert all(len(delivery.attempts) == 1 for delivery in hook.deliveries)
    finally:
        refusing.close()


def test_posting_does_not_block_the_api_a_receiver_can_pause_the_campaign(
    sandbox: Sandbox, clock: SandboxClock, http: httpx.Client
) -> None:
    campaign_id = create(http, campaign("Reentrant", count=10, batchSize=10))

    def pause_after_the_third(call: dict[str, Any], seen: int) -> int:
        if len(reentrant.posts) == 3:
            # A request to the sandbox's API while its webhook post is in flight.
            response = httpx.post(
                f"{sandbox.url}/v1/campaigns/{campaign_id}/status",
                json="PAUSED",
                headers={"X-Api-Key": sandbox.api_key},
                timeout=5,
            )
            assert response.status_code == 200
        return 200

    reentrant = Receiver(pause_after_the_third)
    try:
        sandbox.webhook(reentrant.url)
        sandbox.simulation(outcomes={"COMPLETED": 1})
        clock.advance(days=3)
        paused_at = sandbox.campaign(campaign_id).updated_at
        calls = stored(sandbox, "Reentrant")
        assert sandbox.campaign(campaign_id).status == "PAUSED"
        # The pause applied at the simulated moment of the third post: nothing started after.
        assert all(
            dt.datetime.fromisoformat(call.document["startTime"]).timestamp() <= paused_at
            for call in calls
        )
        assert 3 <= len(calls) < 10
        set_status(http, campaign_id, "ACTIVE")
        clock.run_until_done()
        assert len(stored(sandbox, "Reentrant")) == 10 == len(reentrant.posts)
    finally:
        reentrant.close()


def test_the_webhook_url_must_be_on_loopback_and_the_secret_stays_hidden(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    for url in ("http://example.com/hooks", "http://10.0.0.1/hooks", "ftp://127.0.0.1/x"):
        with pytest.raises(ValueError, match=r"loopback|http"):
            sandbox.webhook(url)
    with pytest.raises(ValueError, match="empty"):
        sandbox.webhook(receiver.url, secret="  ")
    with pytest.raises(ValueError, match="above 0"):
        sandbox.webhook(receiver.url, retry_delays=[0])
    hook = sandbox.webhook(receiver.url, secret=SECRET)
    assert SECRET not in repr(hook)
    assert repr(hook) == f"<Webhook {receiver.url} signed>"
    assert sandbox.webhook("http://[::1]:9/hooks").url == "http://[::1]:9/hooks"
