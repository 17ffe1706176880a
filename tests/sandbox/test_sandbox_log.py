"""The request log stays bounded in bytes: bodies of refused requests are neither kept nor
parsed, and older bodies give way to newer ones while counts and outcomes stay exact."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest

from tests.client_harness import campaign_body
from volubile_ext.testing import Sandbox
from volubile_ext.testing._log import RequestLog, RequestRecord

CAMPAIGN: dict[str, Any] = campaign_body()


def test_the_body_of_a_request_refused_before_reading_it_is_not_kept(sandbox: Sandbox) -> None:
    body = json.dumps({**CAMPAIGN, "padding": "x" * 100_000}).encode()
    headers = {"Content-Type": "application/json"}
    for path, status in (("/v1/campaigns", 401), ("/v1/nowhere", 404)):
        assert httpx.post(sandbox.url + path, content=body, headers=headers).status_code == status
    unauthenticated, unrouted = sandbox.requests
    for record in (unauthenticated, unrouted):
        assert record.raw_body is None
        assert record.body is None
        assert record.body_size == len(body)
        assert not record.applied
    assert sandbox.count("POST", applied=False) == 2

    # A request the API did read keeps its body, even when it refuses it (here: validation).
    keyed = {**headers, "X-Api-Key": sandbox.api_key}
    assert httpx.post(f"{sandbox.url}/v1/campaigns", content=body, headers=keyed).status_code == 400
    assert sandbox.requests[-1].body["padding"] == "x" * 100_000


def test_the_log_drops_the_oldest_bodies_first_and_keeps_every_record() -> None:
    with Sandbox(request_log_bytes=300_000) as sandbox:
        key = {"X-Api-Key": sandbox.api_key}
        ids = []
        for index in range(10):
            document = {**CAMPAIGN, "name": f"n{index}", "recipients": _recipients(400)}
            response = httpx.post(f"{sandbox.url}/v1/campaigns", json=document, headers=key)
            assert response.status_code == 201
            ids.append(response.json()["id"])
        records = sandbox.requests
        assert len(records) == 10
        assert sandbox.count("POST", "/v1/campaigns", applied=True) == 10
        assert [record.campaign_id for record in records] == ids
        kept = [record.raw_body is not None for record in records]
        assert kept[-1]
        assert kept == sorted(kept)  # the ones without a body are the oldest
        assert 0 < sum(kept) < 10
        assert all(record.body_size > 20_000 for record in records)
        assert sum(len(record.raw_body or b"") for record in records) <= 300_000
        assert records[-1].body["name"] == "n9"
        assert len(sandbox.campaigns()) == 10  # the store is not the log


def test_records_go_when_bodies_alone_cannot_keep_the_log_within_its_bytes() -> None:
    log = RequestLog(None, max_bytes=10_000)
    headers = {"x-padding": "p" * 2_000}
    for index in range(20):
        log.append(_record(index, headers=headers, raw_body=b"{}"))
    records = log.snapshot()
    assert 0 < len(records) < 20
    assert [record.time for record in records] == list(range(20 - len(records), 20))
    assert log.size_in_bytes <= 10_000
    with pytest.raises(ValueError, match="at least 1 byte"):
        RequestLog(None, max_bytes=0)


def test_a_record_parses_its_body_only_when_asked() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    record = _record(0, raw_body=deep)
    assert record.body == deep  # too deep for Python's parser: shown as bytes, no RecursionError
    assert _record(1, raw_body=b'{"a": 1}').body == {"a": 1}
    assert _record(2, raw_body=b"").body == b""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_memory_stays_bounded_under_100_unauthenticated_8_mb_bodies() -> None:
    # In a process of its own, which reads its own resident size: 100 bodies of 7.9 MB each,
    # all refused (no key), then 6 read and refused by validation
    # (more than the log's 32 MiB of bodies holds).
    script = textwrap.dedent(
        """
        import socket
        from volubile_ext.testing import Sandbox

        def status_mb(field):
            # /proc, not getrusage: ru_maxrss keeps the parent's peak across fork and exec.
            with open("/proc/self/status") as status:
                line = next(line for line in status if line.startswith(field + ":"))
            return int(line.split()[1]) / 1024

        def peak_mb():
            return status_mb("VmHWM")

        def current_mb():
            return status_mb("VmRSS")

        item = b'{"phone": "+33612345678", "context": {"firstName": "Ana"}}, '
        body = b'{"name": "x", "recipients": [' + item * 131_000 + item[:-2] + b']}'
        assert 7_800_000 < len(body) < 8_000_000, len(body)
        with Sandbox() as sandbox:
            start = peak_mb()
            for index in range(106):
                key = f"X-Api-Key: {sandbox.api_key}\\r\\n" if index >= 100 else ""
                head = (
                    "POST /v1/campaigns HTTP/1.1\\r\\nHost: s\\r\\n"
                    "Content-Type: application/json\\r\\nConnection: close\\r\\n"
                    f"{key}Content-Length: {len(body)}\\r\\n\\r\\n"
                ).encode()
                with socket.create_connection(("127.0.0.1", sandbox.port)) as connection:
                    connection.sendall(head)
                    connection.sendall(body)
                    answer = b""
                    while chunk := connection.recv(65536):
                        answer += chunk
                assert answer.startswith(b"HTTP/1.1 401" if index < 100 else b"HTTP/1.1 400")
                if index == 99:
                    unauthenticated = peak_mb()
            assert sandbox.count("POST", "/v1/campaigns") == 106
            print(round(start), round(unauthenticated), round(current_mb()))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr
    start, unauthenticated, after = (int(figure) for figure in completed.stdout.split())
    # The peak over the 100 refused bodies; then what is left resident once the 6 bodies the
    # API parsed (the log keeps what fits in request_log_bytes) are done.
    assert unauthenticated < 200, f"peak RSS {unauthenticated} MB (at start {start} MB)"
    assert after < 200, f"RSS {after} MB after the parsed bodies (at start {start} MB)"


def _recipients(count: int) -> list[dict[str, Any]]:
    return [{"phone": f"+336{index:08d}", "context": {"n": "x" * 40}} for index in range(count)]


def _record(index: int, *, raw_body: bytes, headers: dict[str, str] | None = None) -> RequestRecord:
    return RequestRecord(
        time=float(index),
        method="POST",
        path="/v1/campaigns",
        query="",
        headers=headers or {},
        raw_body=raw_body,
        status=201,
        api_status=201,
    )
