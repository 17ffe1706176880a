"""Several processes on one account, sharing its rate limit through Redis, against one sandbox.

:class:`RedisServer` runs a real ``redis-server`` on a free loopback port (for the tests of the
shared limiter and journal, and for the benchmark).

:func:`run_shared_limit` starts a :class:`~volubile_ext.testing.Sandbox` with a scaled-down
limit, then worker processes (some sync with threads, some async with tasks), each with its own
``RedisRateLimiter`` on one key. They get ready (imports, connections), start together, send
``campaigns.get`` requests, and may be killed mid-run. The result counts what the sandbox
received: 429s, and the span from the first to the last arrival against the shortest span the
server's fixed windows allow for that many requests. The multi-process test
(``tests/test_redis_processes.py``) and ``scripts/bench.py``'s ``redis`` section both use it.

A worker is this module run as ``python -m scripts.shared_limit --worker ...``; the API key
reaches it in ``VOLUBILE_API_KEY``, never on its command line.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1; :meth:`stop` and :meth:`start` again on the
    same port (to lose Redis mid-run and bring it back)."""

    def __init__(self, directory: Path, *, appendonly: bool = False) -> None:
        self.directory = directory
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert REDIS_SERVER is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        arguments = [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            "always",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ]
        self.process = subprocess.Popen(
            arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            if self._answers():
                return self
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("redis-server did not answer within 15 s")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)


@attrs.frozen
class SharedRun:
    """What the sandbox saw of one run."""

    processes: int
    rate: tuple[int, float]
    #: Requests that reached the sandbox and were counted (every status but 429).
    arrivals: int
    too_many: int
    #: Seconds from the first arrival to the last.
    span: float
    killed: bool

    @property
    def bound(self) -> float:
        """The shortest span the server's windows allow: a window opens with the first request
        after the previous one closed and lasts ``seconds``, so ``n`` requests at ``limit`` a
        window need ``ceil(n / limit)`` windows, the last opening ``(windows - 1) * seconds``
        after the first request."""
        limit, seconds = self.rate
        return (math.ceil(self.arrivals / limit) - 1) * seconds

    @property
    def ratio(self) -> float:
        return self.span / self.bound if self.bound > 0 else math.inf


def run_shared_limit(
    redis_url: str,
    *,
    key: str,
    processes: int = 4,
    async_processes: int = 2,
    requests_each: int = 40,
    rate: tuple[int, float] = (20, 2.0),
    kill_after: int | None = None,
    timeout: float = 180.0,
) -> SharedRun:
    """Run the workers; with ``kill_after``, SIGKILL the first async one (or the first one) once
    the sandbox has received that many requests."""
    from volubile_ext import Volubile
    from volubile_ext.testing import Sandbox

    with Sandbox(rate_limit=rate) as sandbox:
        with Volubile(sandbox.api_key, base_url=sandbox.url, rate_limit=None) as client:
            campaign = client.campaigns.create(
                name="Shared limit",
                agent_id="7c0a8d4e-2f51-4c3b-9f0e-5b2d1a6c3e90",
                start_date="2031-03-03",
                days="weekdays",
                time_slots=["10:00-12:00"],
                batch_size=10,
                timezone="Europe/Paris",
                recipients=[{"phone": "+33612345678"}],
            )
        sandbox.reset_rate_limit()
        sandbox.reset_log()
        modes = ["async" if n < async_processes else "sync" for n in range(processes)]
        env = {**os.environ, "VOLUBILE_API_KEY": sandbox.api_key}
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "scripts.shared_limit",
                    "--worker",
                    mode,
                    redis_url,
                    key,
                    sandbox.url,
                    str(campaign.id),
                    str(requests_each),
                    f"{rate[0]},{rate[1]}",
                ],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for mode in modes
        ]
        try:
            for worker in workers:
                assert worker.stdout is not None
                line = worker.stdout.readline().strip()
                if line != "ready":
                    raise RuntimeError(f"a worker did not start: {line!r}")
            for worker in workers:  # all at once: none gets a head start
                assert worker.stdin is not None
                worker.stdin.write("go\n")
                worker.stdin.flush()
            killed = None
            if kill_after is not None:
                killed = workers[0]
                deadline = time.monotonic() + timeout
                while len(sandbox.requests) < kill_after and time.monotonic() < deadline:
                    time.sleep(0.01)
                killed.send_signal(signal.SIGKILL)
            for worker in workers:
                code = worker.wait(timeout)
                if worker is not killed and code != 0:
                    raise RuntimeError(f"a worker failed with exit code {code}")
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait(10)
        path = f"/v1/campaigns/{campaign.id}"
        records = [record for record in sandbox.requests if record.path == path]
    counted = sorted(record.time for record in records if record.status != 429)
    return SharedRun(
        processes=processes,
        rate=rate,
        arrivals=len(counted),
        too_many=sum(1 for record in records if record.status == 429),
        span=counted[-1] - counted[0] if counted else 0.0,
        killed=kill_after is not None,
    )


# -- a worker -------------------------------------------------------------------------------


def _worker(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="shared_limit --worker")
    parser.add_argument("mode", choices=["sync", "async"])
    parser.add_argument("redis_url")
    parser.add_argument("key")
    parser.add_argument("base_url")
    parser.add_argument("campaign_id")
    parser.add_argument("count", type=int)
    parser.add_argument("rate")
    args = parser.parse_args(argv)
    limit, seconds = args.rate.split(",")
    rate = (int(limit), float(seconds))

    import httpx

    from volubile_ext import AsyncVolubile, RedisRateLimiter, Volubile

    limiter = RedisRateLimiter(args.redis_url, key=args.key, rate_limit=rate)
    # Sync: 2 threads; async: 3 tasks. Each sends its share of the process's requests.
    lanes = 2 if args.mode == "sync" else 3
    shares = [args.count // lanes + (1 if n < args.count % lanes else 0) for n in range(lanes)]
    # Warmed up before the start, outside the limit: a connection to the sandbox (a path it
    # refuses before counting), so that the first requests of the run are not also the first
    # connections of a cold process, whose late ends would delay the next window.
    warm_up = f"{args.base_url}/warm-up"
    if args.mode == "sync":
        http = httpx.Client()
        http.get(warm_up)
        client = Volubile(base_url=args.base_url, rate_limiter=limiter, http_client=http)

        def lane(share: int) -> None:
            for _ in range(share):
                client.campaigns.get(args.campaign_id)

        print("ready", flush=True)
        sys.stdin.readline()
        threads = [threading.Thread(target=lane, args=(share,)) for share in shares]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client.close()
        http.close()
    else:

        async def run() -> None:
            http = httpx.AsyncClient()
            await http.get(warm_up)
            async with AsyncVolubile(
                base_url=args.base_url, rate_limiter=limiter, http_client=http
            ) as client:

                async def lane(share: int) -> None:
                    for _ in range(share):
                        await client.campaigns.get(args.campaign_id)

                print("ready", flush=True)
                await asyncio.to_thread(sys.stdin.readline)
                await asyncio.gather(*(lane(share) for share in shares))
            await http.aclose()
            await limiter.aclose()

        asyncio.run(run())
    limiter.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] != ["--worker"]:
        raise SystemExit("usage: python -m scripts.shared_limit --worker MODE ...")
    raise SystemExit(_worker(sys.argv[2:]))
