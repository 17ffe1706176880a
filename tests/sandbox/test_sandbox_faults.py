"""Fault injection and the request log: each fault does what it says to the client, is applied
or not as it says, and the log records both, with secrets redacted."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

import httpx
import pytest

from tests.client_harness import PHONE, campaign_body, in_threads
from volubile_ext.testing import (
    Delay,
    DropConnection,
    ErrorStatus,
    Injection,
    NonJSONBody,
    RequestRecord,
    Sandbox,
    UnknownValues,
)

CAMPAIGN: dict[str, Any] = campaign_body(
    name="Faults", days=["MONDAY", "FRIDAY"], recipients=[{"phone": PHONE}]
)
STATUS = re.compile(r"/v1/campaigns/[^/]+/status")


def last(sandbox: Sandbox) -> RequestRecord:
    return sandbox.requests[-1]


# --- ErrorStatus -----------------------------------------------------------------------------


def test_an_error_status_answers_an_error_response_without_applying_the_request(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    injection = sandbox.inject(ErrorStatus(503), method="POST", path="/v1/campaigns")
    response = http.post("/v1/campaigns", json=CAMPAIGN)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == 503
    assert body["message"] == "Service Unavailable"
    assert body["errors"] == []
    assert response.headers["x-ratelimit-remaining"] == "100"  # not counted either
    assert "retry-after" not in response.headers
    assert sandbox.campaigns() == []
    record = last(sandbox)
    assert (record.status, record.api_status, record.applied) == (503, None, False)
    assert record.fault == ErrorStatus(503)
    assert injection.used == 1
    assert injection.remaining == 0
    assert sandbox.pending_faults == ()
    # Used up: the next request goes through.
    assert http.post("/v1/campaigns", json=CAMPAIGN).status_code == 201


def test_an_injected_429_carries_retry_after_and_no_remaining_requests(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(ErrorStatus(429, retry_after=7, message="slow down"))
    response = http.get(f"/v1/campaigns/{uuid.uuid4()}")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert response.json()["message"] == "slow down"
    sandbox.inject(ErrorStatus(429, retry_after="Wed, 21 Oct 2037 07:28:00 GMT"))
    dated = http.get(f"/v1/campaigns/{uuid.uuid4()}")
    assert dated.headers["retry-after"] == "Wed, 21 Oct 2037 07:28:00 GMT"


def test_an_error_status_with_apply_creates_the_campaign_then_fails(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(ErrorStatus(500, apply=True), method="POST", path="/v1/campaigns")
    assert http.post("/v1/campaigns", json=CAMPAIGN).status_code == 500
    (campaign,) = sandbox.campaigns()
    record = last(sandbox)
    assert (record.status, record.api_status, record.applied) == (500, 201, True)
    assert record.campaign_id == campaign.id


# --- Delay -----------------------------------------------------------------------------------


def test_a_delay_longer_than_the_timeout_still_applies_the_request(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(Delay(2.0), method="POST", path="/v1/campaigns")
    with pytest.raises(httpx.ReadTimeout):
        http.post("/v1/campaigns", json=CAMPAIGN, timeout=0.3)
    # Processed at once: the campaign exists and the log says so while the response is held.
    assert len(sandbox.campaigns()) == 1
    record = last(sandbox)
    assert (record.status, record.api_status, record.applied) == (201, 201, True)


def test_a_delay_within_the_timeout_delivers_the_real_response(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(Delay(0.2), method="POST", path="/v1/campaigns")
    response = http.post("/v1/campaigns", json=CAMPAIGN, timeout=5)
    assert response.status_code == 201
    assert response.json()["id"] == sandbox.campaigns()[0].id


def test_a_delay_without_apply_closes_the_connection_and_applies_nothing(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(Delay(0.2, apply=False), method="POST", path="/v1/campaigns")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/v1/campaigns", json=CAMPAIGN, timeout=5)
    assert sandbox.campaigns() == []
    record = last(sandbox)
    assert (record.status, record.api_status, record.applied) == (None, None, False)


def test_stopping_the_sandbox_cuts_a_delay_short() -> None:
    sandbox = Sandbox().start()
    sandbox.inject(Delay(60.0))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            httpx.get(f"{sandbox.url}/v1/campaigns/{uuid.uuid4()}", timeout=30)
        except httpx.HTTPError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    while not sandbox.requests:
        threading.Event().wait(0.01)
    sandbox.stop()
    caller.join(timeout=10)
    assert not caller.is_alive()
    assert len(errors) == 1  # closed without an answer, long before the 60 s


# --- DropConnection --------------------------------------------------------------------------


def test_a_drop_before_processing_applies_nothing(sandbox: Sandbox, http: httpx.Client) -> None:
    sandbox.inject(DropConnection(), method="POST", path="/v1/campaigns")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/v1/campaigns", json=CAMPAIGN)
    assert sandbox.campaigns() == []
    record = last(sandbox)
    assert (record.status, record.api_status, record.processed, record.applied) == (
        None,
        None,
        False,
        False,
    )
    assert record.body == CAMPAIGN  # the body was read in full before the drop
    # The client recovers on a new connection.
    assert http.post("/v1/campaigns", json=CAMPAIGN).status_code == 201


def test_a_drop_after_processing_applies_the_request_and_loses_the_response(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/campaigns")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/v1/campaigns", json=CAMPAIGN)
    (campaign,) = sandbox.campaigns()
    record = last(sandbox)
    assert (record.status, record.api_status, record.applied) == (None, 201, True)
    assert record.campaign_id == campaign.id


def test_a_dropped_status_change_is_applied_when_asked(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    campaign_id = http.post("/v1/campaigns", json=CAMPAIGN).json()["id"]
    sandbox.inject(DropConnection(apply=True), method="POST", path=STATUS)
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(f"/v1/campaigns/{campaign_id}/status", json="PAUSED")
    assert sandbox.campaign(campaign_id).status == "PAUSED"


# --- NonJSONBody -----------------------------------------------------------------------------


def test_a_non_json_body_defaults_to_a_proxy_html_502(sandbox: Sandbox, http: httpx.Client) -> None:
    sandbox.inject(NonJSONBody(), method="POST", path="/v1/campaigns")
    response = http.post("/v1/campaigns", json=CAMPAIGN)
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert "<h1>502 Bad Gateway</h1>" in response.text
    assert "x-ratelimit-limit" in response.headers
    assert sandbox.campaigns() == []
    assert not last(sandbox).applied


def test_a_plain_text_200_can_follow_an_applied_request(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(
        NonJSONBody(200, "OK", "text/plain; charset=utf-8", apply=True),
        method="POST",
        path="/v1/campaigns",
    )
    response = http.post("/v1/campaigns", json=CAMPAIGN)
    assert (response.status_code, response.text) == (200, "OK")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert len(sandbox.campaigns()) == 1
    assert last(sandbox).applied


# --- UnknownValues ---------------------------------------------------------------------------


def test_unknown_values_reach_the_client_but_not_the_store(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    campaign_id = http.post("/v1/campaigns", json=CAMPAIGN).json()["id"]
    sandbox.inject(UnknownValues(), method="GET")
    body = http.get(f"/v1/campaigns/{campaign_id}").json()
    assert body["status"] == "ARCHIVED"
    assert body["days"] == ["MONDAY", "FRIDAY", "HOLIDAY"]
    assert body["archivedAt"] == "2031-01-01T00:00:00Z"
    assert body["priority"] == {"level": "HIGH", "rank": 1}
    assert body["name"] == "Faults"
    assert sandbox.campaign(campaign_id).status == "ACTIVE"
    assert last(sandbox).applied


def test_unknown_values_are_configurable_and_leave_other_documents_alone(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    fault = UnknownValues(status="COMPLETED", extra_day=None, extra_fields={"x": 1})
    sandbox.inject(fault, method="POST", path="/v1/campaigns")
    body = http.post("/v1/campaigns", json=CAMPAIGN).json()
    assert (body["status"], body["days"], body["x"]) == ("COMPLETED", ["MONDAY", "FRIDAY"], 1)
    assert "archivedAt" not in body
    # On an ErrorResponse, the integer status stays; the extra fields are added.
    sandbox.inject(UnknownValues(), method="GET")
    error = http.get(f"/v1/campaigns/{uuid.uuid4()}").json()
    assert error["status"] == 404
    assert "archivedAt" in error
    assert fault.apply is True
    assert fault.rewrite([1, 2]) == [1, 2]


# --- selection, order, threads ---------------------------------------------------------------


def test_faults_are_used_in_the_order_they_were_injected(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(ErrorStatus(503), method="POST", path="/v1/campaigns")
    sandbox.inject(ErrorStatus(502), method="post", times=2)
    statuses = [http.post("/v1/campaigns", json=CAMPAIGN).status_code for _ in range(4)]
    assert statuses == [503, 502, 502, 201]
    assert [record.fault for record in sandbox.requests] == [
        ErrorStatus(503),
        ErrorStatus(502),
        ErrorStatus(502),
        None,
    ]


def test_method_and_path_select_the_requests_a_fault_hits(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    campaign_id = http.post("/v1/campaigns", json=CAMPAIGN).json()["id"]
    sandbox.inject(ErrorStatus(500), method="POST", path=STATUS)
    sandbox.inject(ErrorStatus(501), method="GET", path="/v1/campaigns")  # exact: never a GET by id
    assert http.get(f"/v1/campaigns/{campaign_id}").status_code == 200
    assert http.post("/v1/auth/token", json={"scope": ["calls:read"]}).status_code == 200
    assert http.post(f"/v1/campaigns/{campaign_id}/status?x=1", json="PAUSED").status_code == 500
    assert len(sandbox.pending_faults) == 1


def test_a_fault_without_a_limit_lasts_until_cleared(sandbox: Sandbox, http: httpx.Client) -> None:
    injection = sandbox.inject(ErrorStatus(503), times=None)
    assert [http.get("/v1/anything").status_code for _ in range(3)] == [503, 503, 503]
    assert (injection.used, injection.remaining) == (3, None)
    sandbox.clear_faults()
    assert http.get("/v1/anything").status_code == 404


def test_concurrent_requests_share_a_fault_exactly_times_times(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    sandbox.inject(ErrorStatus(503), times=10)
    statuses: list[int] = []
    lock = threading.Lock()

    def call() -> None:
        with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as c:
            status = c.get(f"/v1/campaigns/{uuid.uuid4()}").status_code
        with lock:
            statuses.append(status)

    in_threads(call, 30)
    assert sorted(statuses) == [404] * 20 + [503] * 10


def test_invalid_faults_are_refused() -> None:
    with pytest.raises(ValueError, match="4xx or 5xx"):
        ErrorStatus(200)
    with pytest.raises(ValueError, match="line break"):
        ErrorStatus(429, retry_after="1\r\nX-Injected: yes")
    with pytest.raises(ValueError, match="positive"):
        Delay(0)
    with pytest.raises(ValueError, match="carries a body"):
        NonJSONBody(204)
    with pytest.raises(ValueError, match="line break"):
        NonJSONBody(content_type="text/plain\nX: y")
    sandbox = Sandbox()
    with pytest.raises(TypeError, match="not a fault"):
        sandbox.inject("503")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="times"):
        sandbox.inject(ErrorStatus(503), times=0)


def test_an_injection_describes_itself() -> None:
    injection = Injection(ErrorStatus(503), method="post", path=STATUS, times=2)
    assert repr(injection) == (
        "Injection(ErrorStatus(status=503, retry_after=None, message=None, apply=False), "
        "method='POST', path='/v1/campaigns/[^/]+/status', times=2, used=0)"
    )


# --- request log -----------------------------------------------------------------------------


def test_the_log_records_each_request_and_its_outcome(sandbox: Sandbox, http: httpx.Client) -> None:
    http.post("/v1/campaigns", json=CAMPAIGN, params={"trace": "1"})
    http.post("/v1/campaigns", content=b"not json", headers={"Content-Type": "text/plain"})
    first, second = sandbox.requests
    assert (first.method, first.path, first.query) == ("POST", "/v1/campaigns", "trace=1")
    assert first.body == CAMPAIGN
    assert first.raw_body.startswith(b"{")
    assert first.headers["content-type"] == "application/json"
    assert (first.status, first.api_status, first.applied) == (201, 201, True)
    assert first.campaign_id == sandbox.campaigns()[0].id
    assert first.time <= second.time
    assert second.body == b"not json"
    assert (second.status, second.applied) == (415, False)
    assert sandbox.count() == 2
    assert sandbox.count("post", "/v1/campaigns", applied=True) == 1
    assert sandbox.count(applied=False) == 1
    assert sandbox.count("GET") == 0
    sandbox.reset_log()
    assert sandbox.requests == []


def test_the_log_never_holds_a_key_or_a_token(sandbox: Sandbox, http: httpx.Client) -> None:
    token = http.post("/v1/auth/token", json={"scope": ["campaigns:read"]}).json()["token"]
    http.get(f"/v1/campaigns/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"})
    http.get("/v1/campaigns/x", params={"api_key": sandbox.api_key, "access_token": token})
    http.get("/v1/nowhere", headers={"Cookie": f"session={token}"})
    records = sandbox.requests
    assert records[0].headers["x-api-key"] == "[redacted]"
    assert records[1].headers["authorization"] == "Bearer [redacted]"
    assert "redacted" in records[2].query
    assert records[3].headers["cookie"] == "[redacted]"
    dump = repr(records) + "".join(
        str(record.headers) + record.query + str(record.body) for record in records
    )
    for secret in (sandbox.api_key, token):
        assert secret not in dump
        assert secret not in repr(sandbox)


def test_the_log_keeps_only_the_newest_records_when_bounded() -> None:
    with (
        Sandbox(request_log_size=3) as sb,
        httpx.Client(base_url=sb.url, headers={"X-Api-Key": sb.api_key}) as c,
    ):
        for index in range(5):
            c.get(f"/v1/nowhere/{index}")
        assert [record.path for record in sb.requests] == [f"/v1/nowhere/{i}" for i in (2, 3, 4)]


def test_a_record_describes_itself_briefly(sandbox: Sandbox, http: httpx.Client) -> None:
    sandbox.inject(DropConnection(apply=True), method="POST", path="/v1/campaigns")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/v1/campaigns", json=CAMPAIGN)
    text = repr(last(sandbox))
    assert text.startswith("RequestRecord(POST /v1/campaigns, status=None, api_status=201")
    assert "DropConnection(apply=True)" in text
    assert "+33612345678" not in text  # no body in the summary
