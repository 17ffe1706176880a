"""The sandbox as a server: start and stop, persistence, keep-alive without the Nagle stall,
concurrency, raw HTTP framing, and the foreground mode a command line uses."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client_harness import FULL_CAMPAIGN_BODY, campaign_body
from volubile_ext.testing import Sandbox
from volubile_ext.testing._sandbox import _Handler

CAMPAIGN: dict[str, Any] = campaign_body(FULL_CAMPAIGN_BODY)


def raw_exchange(sandbox: Sandbox, data: bytes, responses: int = 1) -> bytes:
    """Send raw bytes on one connection and read until ``responses`` complete responses came."""
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as connection:
        connection.sendall(data)
        received = b""
        while received.count(b"HTTP/1.1 ") < responses or not _complete(received, responses):
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def _complete(received: bytes, responses: int) -> bool:
    # Every response the sandbox sends has a Content-Length: check the last one is whole.
    head, _, body = received.rpartition(b"\r\n\r\n")
    length_line = [
        line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    ]
    return bool(length_line) and len(body) >= int(length_line[-1].split(b":")[1])


# --- lifecycle -------------------------------------------------------------------------------


def test_start_stop_and_restart() -> None:
    sandbox = Sandbox()
    assert not sandbox.running
    with pytest.raises(RuntimeError, match="not been started"):
        _ = sandbox.url
    sandbox.start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            sandbox.start()
        assert sandbox.url == f"http://127.0.0.1:{sandbox.port}"
        key = {"X-Api-Key": sandbox.api_key}
        created = httpx.post(f"{sandbox.url}/v1/campaigns", json=CAMPAIGN, headers=key)
        assert created.status_code == 201
    finally:
        sandbox.stop()
    sandbox.stop()  # a second stop does nothing
    assert not sandbox.running
    with pytest.raises(RuntimeError, match="not running"):
        _ = sandbox.port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{sandbox.url}/v1/campaigns/{uuid.uuid4()}", headers=key)
    with sandbox:  # served again; in memory, the campaigns are still there
        assert len(sandbox.campaigns()) == 1
        campaign_id = created.json()["id"]
        again = httpx.get(f"{sandbox.url}/v1/campaigns/{campaign_id}", headers=key)
        assert again.status_code == 200
    assert sandbox.campaigns()[0].id == campaign_id  # still readable once stopped


def test_stop_closes_keep_alive_connections(sandbox: Sandbox) -> None:
    with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as client:
        assert client.get(f"/v1/campaigns/{uuid.uuid4()}").status_code == 404
        sandbox.stop()
        # The pooled connection must not be answered by a stopped sandbox.
        with pytest.raises(httpx.TransportError):
            client.get(f"/v1/campaigns/{uuid.uuid4()}")


def test_the_repr_shows_state_not_secrets() -> None:
    sandbox = Sandbox(api_keys=["vsb_do-not-print", "vsb_other"])
    assert repr(sandbox) == "<Sandbox stopped, 2 API key(s)>"
    with sandbox:
        assert repr(sandbox) == f"<Sandbox running at {sandbox.url}, 2 API key(s)>"
        assert "do-not-print" not in repr(sandbox)


def test_a_busy_port_fails_at_start_and_leaves_the_sandbox_startable(sandbox: Sandbox) -> None:
    clash = Sandbox(port=sandbox.port)
    with pytest.raises(OSError, match="in use"):
        clash.start()
    assert not clash.running


def test_serve_forever_returns_when_stopped_from_another_thread() -> None:
    sandbox = Sandbox()
    server = threading.Thread(target=sandbox.serve_forever)
    server.start()
    while not sandbox.running:
        threading.Event().wait(0.01)
    response = httpx.get(
        f"{sandbox.url}/v1/campaigns/{uuid.uuid4()}", headers={"X-Api-Key": sandbox.api_key}
    )
    assert response.status_code == 404
    sandbox.stop()
    server.join(timeout=5)
    assert not server.is_alive()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_stops_the_foreground_sandbox_cleanly(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from volubile_ext.testing import Sandbox\n"
        "sb = Sandbox(db_path=sys.argv[1]).start()\n"
        "print(sb.url, flush=True)\n"
        "sb.serve_forever()\n"
        "print('stopped', flush=True)\n"
    )
    database = tmp_path / "sandbox.db"
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        assert httpx.get(f"{url}/v1/campaigns/{uuid.uuid4()}").status_code == 401
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert out.strip() == "stopped"
    assert "Traceback" not in err
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/campaigns/{uuid.uuid4()}")


# --- persistence -----------------------------------------------------------------------------


def test_campaigns_survive_a_restart_with_a_database_file(tmp_path: Path) -> None:
    database = tmp_path / "campaigns.db"
    with Sandbox(db_path=database, api_keys=["vsb_persist"]) as first:
        key = {"X-Api-Key": "vsb_persist"}
        created = httpx.post(f"{first.url}/v1/campaigns", json=CAMPAIGN, headers=key).json()
        paused = httpx.post(
            f"{first.url}/v1/campaigns/{created['id']}/status", json="PAUSED", headers=key
        )
        assert paused.status_code == 200
    with Sandbox(db_path=database, api_keys=["vsb_persist"]) as second:
        response = httpx.get(f"{second.url}/v1/campaigns/{created['id']}", headers=key)
        assert response.status_code == 200
        assert response.json() == {**created, "status": "PAUSED"}
        (stored,) = second.campaigns()
        assert stored.recipients == CAMPAIGN["recipients"]
        assert stored.created_at < stored.updated_at or stored.created_at == stored.updated_at


def test_a_file_database_is_released_when_the_sandbox_stops(tmp_path: Path) -> None:
    database = tmp_path / "campaigns.db"
    sandbox = Sandbox(db_path=database)
    with sandbox:
        httpx.post(
            f"{sandbox.url}/v1/campaigns", json=CAMPAIGN, headers={"X-Api-Key": sandbox.api_key}
        )
    # Nothing holds the file any more: another process could take it, or it can be removed.
    os.replace(database, tmp_path / "moved.db")
    with Sandbox(db_path=tmp_path / "moved.db") as reopened:
        assert len(reopened.campaigns()) == 1


def test_a_database_that_is_not_a_sandbox_one_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE accounts (id TEXT)")
    with pytest.raises(ValueError, match="not a Volubile sandbox database"):
        Sandbox(db_path=foreign)
    text = tmp_path / "notes.db"
    text.write_text("these are not the campaigns you are looking for " * 20)
    with pytest.raises(ValueError, match="not a Volubile sandbox database"):
        Sandbox(db_path=text)


def test_a_persistent_sandbox_keeps_the_key_it_generated(tmp_path: Path) -> None:
    database = tmp_path / "campaigns.db"
    with Sandbox(db_path=database) as first:
        generated = first.api_key
    with Sandbox(db_path=database) as second:
        assert second.api_key == generated
        response = httpx.get(
            f"{second.url}/v1/campaigns/{uuid.uuid4()}", headers={"X-Api-Key": generated}
        )
        assert response.status_code == 404  # authenticated; no such campaign
    # A key given explicitly wins, and is not written to the file: the generated one stays.
    with Sandbox(db_path=database, api_keys=["vsb_explicit"]) as explicit:
        assert explicit.api_key == "vsb_explicit"
        refused = httpx.get(
            f"{explicit.url}/v1/campaigns/{uuid.uuid4()}", headers={"X-Api-Key": generated}
        )
        assert refused.status_code == 401
    assert b"vsb_explicit" not in database.read_bytes()
    assert Sandbox(db_path=database).api_key == generated
    # In memory, every sandbox has a key of its own.
    assert Sandbox().api_key != Sandbox().api_key


def test_a_database_of_the_first_schema_is_upgraded_with_its_campaigns(tmp_path: Path) -> None:
    database = tmp_path / "v1.db"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE campaigns (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL "
            "UNIQUE, status TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL, "
            "request TEXT NOT NULL)"
        )
        connection.execute(
            "INSERT INTO campaigns (id, status, created_at, updated_at, request) "
            "VALUES ('0d5e8a4c-6f0b-4b8e-9a51-2c3d4e5f6a7b', 'PAUSED', 1.0, 2.0, ?)",
            ('{"name": "Old"}',),
        )
        connection.execute("PRAGMA application_id = 1450142837")  # "Volu"
        connection.execute("PRAGMA user_version = 1")
    connection.close()
    sandbox = Sandbox(db_path=database)
    (campaign,) = sandbox.campaigns()
    assert (campaign.name, campaign.status) == ("Old", "PAUSED")
    assert Sandbox(db_path=database).api_key == sandbox.api_key


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        ("missing/dir/x.sqlite", "the folder missing/dir does not exist: create it first"),
        (".", "it is a folder: give the path of a database file inside it"),
        ("notes.txt/x.sqlite", "notes.txt is not a folder"),
    ],
)
def test_a_database_path_that_cannot_be_used_is_a_clear_value_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: str, reason: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not a folder")
    with pytest.raises(ValueError, match="cannot use this file") as raised:
        Sandbox(db_path=relative)
    assert str(raised.value) == (
        f"{relative}: cannot use this file as the sandbox database ({reason})"
    )
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    assert not (tmp_path / "missing").exists()


# --- keep-alive and framing ------------------------------------------------------------------


def test_the_handler_disables_nagle_and_speaks_http_1_1() -> None:
    # The structural cause of the 40 ms keep-alive stall, pinned: no TCP_NODELAY, or headers
    # and body in separate sends, let Nagle's algorithm wait for the client's delayed ACK.
    assert _Handler.disable_nagle_algorithm is True
    assert _Handler.protocol_version == "HTTP/1.1"


def test_each_response_leaves_in_one_send_on_a_no_delay_socket(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends: list[tuple[bytes, int]] = []
    original = socket.socket.sendall

    def spy(self: socket.socket, data: Any, *args: Any) -> None:
        if threading.current_thread().name.startswith("Thread-"):  # a handler thread
            nodelay = self.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            sends.append((bytes(data), nodelay))
        original(self, data, *args)

    monkeypatch.setattr(socket.socket, "sendall", spy)
    with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as client:
        created = client.post("/v1/campaigns", json=CAMPAIGN)
        fetched = client.get(f"/v1/campaigns/{created.json()['id']}")
    assert len(sends) == 2
    for (data, nodelay), response in zip(sends, (created, fetched), strict=True):
        assert nodelay != 0
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 ")
        assert body == response.content


def test_one_connection_serves_several_requests(sandbox: Sandbox) -> None:
    key = sandbox.api_key.encode()
    request = (
        b"GET /v1/campaigns/" + str(uuid.uuid4()).encode() + b" HTTP/1.1\r\n"
        b"Host: sandbox\r\nX-Api-Key: " + key + b"\r\n\r\n"
    )
    received = raw_exchange(sandbox, request * 3, responses=3)
    assert received.count(b"HTTP/1.1 404 Not Found\r\n") == 3
    assert b"Connection: close" not in received


def test_connection_close_is_honoured(sandbox: Sandbox) -> None:
    request = b"GET /v1/x HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n"
    received = raw_exchange(sandbox, request + request, responses=2)
    assert received.count(b"HTTP/1.1 ") == 1  # the second request was never read
    assert b"\r\nConnection: close\r\n" in received


def test_a_chunked_request_body_is_read(sandbox: Sandbox) -> None:
    body = b'{"scope": ["campaigns:read"]}'
    chunked = b"5\r\n" + body[:5] + b"\r\n" + f"{len(body) - 5:x}".encode() + b";ext=1\r\n"
    chunked += body[5:] + b"\r\n0\r\nX-Trailer: ignored\r\n\r\n"
    request = (
        b"POST /v1/auth/token HTTP/1.1\r\nHost: sandbox\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\nX-Api-Key: " + sandbox.api_key.encode() + b"\r\n\r\n"
    )
    received = raw_exchange(sandbox, request + chunked)
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert sandbox.requests[-1].body == {"scope": ["campaigns:read"]}


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /v1/x HTTP/1.1\r\nHost: s\r\nContent-Length: 99999999999\r\n\r\n", b"413"),
        (b"GET /v1/x HTTP/1.1\r\nHost: s\r\nContent-Length: -1\r\n\r\n", b"400"),
        (b"POST /v1/x HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: gzip\r\n\r\n", b"400"),
        (b"POST /v1/x HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
        (b"NONSENSE\r\n\r\n", b"400"),
        (b"GET /v1/x HTTP/1.1\r\nHost: s\r\n" + b"X-Long: " + b"a" * 70000 + b"\r\n\r\n", b"431"),
    ],
)
def test_protocol_errors_answer_an_error_response_and_close(
    sandbox: Sandbox, request_bytes: bytes, status: bytes
) -> None:
    received = raw_exchange(sandbox, request_bytes)
    assert received.startswith(b"HTTP/1.1 " + status)
    assert b"\r\nContent-Type: application/json\r\n" in received
    assert b"\r\nConnection: close\r\n" in received
    assert b'"timestamp":' in received


# --- concurrency -----------------------------------------------------------------------------


def test_fifty_concurrent_creates_store_fifty_distinct_campaigns(sandbox: Sandbox) -> None:
    answered: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def create(index: int) -> None:
        with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as c:
            start.wait()
            response = c.post("/v1/campaigns", json={**CAMPAIGN, "name": f"c{index}"})
        assert response.status_code == 201
        with lock:
            answered.append(response.json()["id"])

    threads = [threading.Thread(target=create, args=(index,)) for index in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = sandbox.campaigns()
    assert len(answered) == len(set(answered)) == 50
    assert sorted(campaign.id for campaign in stored) == sorted(answered)
    assert sorted(campaign.name for campaign in stored) == sorted(f"c{i}" for i in range(50))
    assert sandbox.count("POST", "/v1/campaigns", applied=True) == 50


def test_concurrent_status_changes_never_revive_a_cancelled_campaign(sandbox: Sandbox) -> None:
    key = {"X-Api-Key": sandbox.api_key}
    campaign_id = httpx.post(f"{sandbox.url}/v1/campaigns", json=CAMPAIGN, headers=key).json()["id"]
    targets = ["CANCELLED"] + ["ACTIVE", "PAUSED"] * 10
    results: dict[str, list[int]] = {"CANCELLED": [], "ACTIVE": [], "PAUSED": []}
    lock = threading.Lock()

    def change(target: str) -> None:
        response = httpx.post(
            f"{sandbox.url}/v1/campaigns/{campaign_id}/status", json=target, headers=key
        )
        with lock:
            results[target].append(response.status_code)

    threads = [threading.Thread(target=change, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["CANCELLED"] == [200]
    # The proof is the end state, not arrival times: a request that arrived after the
    # cancellation may still be applied before it (threads race between arrival and the store),
    # but a change applied after it would have left the campaign ACTIVE or PAUSED, there being
    # no second cancellation. Every other change was applied before it (200) or refused (400).
    assert sandbox.campaign(campaign_id).status == "CANCELLED"
    assert set(results["ACTIVE"] + results["PAUSED"]) <= {200, 400}
    assert len(results["ACTIVE"] + results["PAUSED"]) == 20


def test_a_sandbox_bug_answers_500_and_is_logged(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sandbox._api.store, "create", broken)
    response = httpx.post(
        f"{sandbox.url}/v1/campaigns", json=CAMPAIGN, headers={"X-Api-Key": sandbox.api_key}
    )
    assert response.status_code == 500
    assert response.json()["message"] == "Internal sandbox error"
    assert "x-ratelimit-remaining" in response.headers
    assert sandbox.requests[-1].api_status == 500
    assert "disk on fire" in caplog.text
    assert sandbox.api_key not in caplog.text


def test_debug_logging_names_requests_without_secrets(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="volubile_ext.testing")
    token = sandbox.issue_token(["campaigns:read"])
    httpx.get(
        f"{sandbox.url}/v1/campaigns/{uuid.uuid4()}",
        params={"token": token},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert "GET /v1/campaigns/" in caplog.text
    assert "-> 404" in caplog.text
    assert token not in caplog.text
