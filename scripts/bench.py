#!/usr/bin/env python3
"""Benchmarks of the Volubile client against what a user would write instead (issues 6, 14).

Usage::

    python scripts/bench.py                    # the full run (about 8 minutes on 2 cores)
    python scripts/bench.py --quick            # fewer rounds (CI smoke test)
    python scripts/bench.py --output FILE      # where to write the report (BENCHMARKS.md)
    python scripts/bench.py --only recipients  # some sections only (repeatable)
    python scripts/bench.py --quick --only create --output /tmp/b.md   # one row, quickly

Each measurement is compared with its baseline *in the same run*: variants are interleaved
round by round (A B C, then B C A, ...), each round gives one ratio, and the table reports the
median over the rounds with its spread (the lowest and highest round). Shared machines are
noisy; absolute times are given for orientation only, the ratios are what the targets judge.
The report starts with the machine's load average, read before and after the run.

Sections (``--only`` names):

- ``overhead``: one request on loopback keep-alive, against a minimal server in another
  process (Nagle disabled, one send per response): ``campaigns.get`` and ``campaigns.create``
  (one recipient), sync and async, versus raw httpx sending the same JSON and decoding the
  answer, and versus the generated ``sync_detailed`` / ``asyncio_detailed``.
- ``import``: ``import volubile_ext`` and ``from volubile_ext import Volubile`` versus
  ``import httpx, attrs`` in fresh interpreters with warm bytecode caches, in a venv holding
  only the runtime dependencies and the ``phone`` extra, which the script builds in
  ``.bench/runtime-venv`` and keeps between runs (see :func:`runtime_python`); judged on the
  fastest of 41 interleaved runs of each statement.
- ``body``: a 1,000-recipient campaign validated, built and serialised, versus ``json.dumps``
  of the same plain dict.
- ``recipients``: ``load_recipients`` on 10,000, 100,000 and 1,000,000 E.164 CSV rows versus
  ``list(csv.DictReader(...))``, the CPU per row at each size, peak memory at 100,000 rows;
  rows per second of national-format numbers through phonenumbers.
- ``create``: ``campaigns.create`` with 1, 10, 100 and 1,000 recipients versus raw httpx
  posting the same JSON.
- ``create_many``: 20,000 recipients in 20 campaigns, no rate limit, versus a raw loop
  posting the same 20 bodies.
- ``concurrency``: 2,000 async ``campaigns.get``, 50 in flight, versus raw
  ``httpx.AsyncClient``.
- ``bulk``: ``create_many`` of 60 campaigns against the sandbox at 20 requests per second,
  versus the bound, and versus a naive loop that only reacts to 429.
- ``burst``: 200 concurrent ``campaigns.get`` (async tasks, then threads) against the sandbox
  at the API's 100 requests per 15 s (``--quick``: 40 at 20 per 3 s), versus the bound; 429s.
- ``tokens``: single-flight token minting with 100 concurrent tasks and 100 threads.
- ``simulation``: a 1,000-recipient campaign's whole life on the sandbox's simulated clock
  (issue 12), batchSize 100 and 1,000, against the budget of 1 s of CPU per simulated month.
- ``results``: the join of ``campaigns.results`` for 100,000 recipients and 250,000 calls
  versus a bare dict join of the same data; its peak memory (join and CSV export) versus the
  output rows held as plain tuples.
- ``redis``: four processes (two async) sharing one limit through Redis against one sandbox at
  20 requests per 2 s, all running, then one killed mid-run: span vs the bound, 429s.
- ``calls``: iterating 10,000 calls (100 pages of 100) with ``calls.list``, sync and async,
  against a sandbox at a scaled-down limit (10 requests per 5 s),
  versus the bound, with the sandbox's 429s; and the cost of one page (100 calls parsed into
  typed ``Call`` values) versus raw httpx fetching and decoding the same page (issue 11).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
import warnings
from collections.abc import Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generated"))  # for a run from a plain checkout

from volubile_api import AuthenticatedClient  # noqa: E402
from volubile_api.api.campaigns import create as generated_create  # noqa: E402
from volubile_api.api.campaigns import get as generated_get  # noqa: E402
from volubile_api.models import CreateCampaignRequest  # noqa: E402
from volubile_ext import AsyncVolubile, Volubile, load_recipients  # noqa: E402
from volubile_ext._wire import campaign_request_model  # noqa: E402
from volubile_ext.campaigns._campaign_input import build_campaign_request  # noqa: E402

T = TypeVar("T")

API_KEY = "bench-key-not-a-secret-0000"
AGENT_ID = "7c0a8d4e-2f51-4c3b-9f0e-5b2d1a6c3e90"
CAMPAIGN_ID = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
# What campaigns.create receives in the overhead benchmark: one recipient, forgiving forms.
CREATE_ARGS: dict[str, Any] = {
    "name": "Renewals",
    "agent_id": AGENT_ID,
    "start_date": "2031-03-03",
    "time_slots": ["10:00-13:00"],
    "batch_size": 200,
    "days": "weekdays",
    "retry": {"max": 2, "delay": 4, "retry_on": ["NO_ANSWER", "VOICE_BOX"]},
    "recipients": [{"phone": "+33612345678", "context": {"firstName": "Ana"}}],
    "timezone": "Europe/Paris",
}
# The same campaign as the body on the wire, which raw httpx and the generated client send.
CREATE_BODY: dict[str, Any] = build_campaign_request(**CREATE_ARGS).to_json()
CAMPAIGN_RESPONSE: dict[str, Any] = {
    "id": CAMPAIGN_ID,
    "name": "Renewals",
    "agentId": AGENT_ID,
    "startDate": "2031-03-03",
    "timeSlots": [{"startTime": "10:00", "endTime": "13:00"}],
    "batchSize": 200,
    "retry": {"max": 2, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]},
    "days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
    "status": "ACTIVE",
    "timezone": "Europe/Paris",
}
# Detail rows only: campaigns.create_from_request with a request validated beforehand (as
# create_many sends its chunks), to show what the validation of create's arguments costs.
PREVALIDATED = "volubile_ext, validated beforehand"
# Every section that talks HTTP uses a limiter bound that never makes a request wait.
NO_WAIT_RATE_LIMIT = (1_000_000, 1.0)


@attrs.frozen
class Row:
    """One line of the summary table."""

    measurement: str
    ours: str
    baseline: str
    ratio: str
    target: str
    met: bool | None  # None: reported, no target


@attrs.define
class Section:
    title: str
    rows: list[Row] = attrs.field(factory=list)
    details: list[str] = attrs.field(factory=list)


@attrs.frozen
class Config:
    quick: bool

    def pick(self, quick: T, full: T) -> T:
        return quick if self.quick else full


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _spread(values: Sequence[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def _yes(met: bool | None) -> str:
    return "–" if met is None else ("yes" if met else "**no**")


def _rotations(names: Sequence[str], rounds: int) -> Iterator[list[str]]:
    """Each round's order: the variants rotated, so none always runs first or last."""
    for index in range(rounds):
        shift = index % len(names)
        yield list(names[shift:]) + list(names[:shift])


# ------------------------------------------------------------------------------------------
# 1. Per-request overhead on loopback


def _http_response(status: str, document: Any) -> bytes:
    body = json.dumps(document).encode()
    head = (
        f"HTTP/1.1 {status}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "X-RateLimit-Limit: 100\r\n"
        "X-RateLimit-Remaining: 99\r\n"
        "\r\n"
    )
    return head.encode() + body


def _calls_page(size: int) -> dict[str, Any]:
    """A page of ``size`` calls as the sandbox makes them (extractors, context, times), one of
    a list long enough that a pager never reaches its end."""
    from volubile_ext.testing._call_store import OUTBOUND_AGENT_ID, StoredAgent
    from volubile_ext.testing._calls import make_call

    agent = StoredAgent({"id": OUTBOUND_AGENT_ID, "type": "OUTBOUND", "recordable": True})
    now = datetime.datetime(2031, 3, 3, 12, tzinfo=datetime.UTC)
    statuses = ("COMPLETED", "NO_ANSWER", "VOICE_BOX", "COMPLETED")
    content = []
    for index in range(size):
        call, _ = make_call(
            agent,
            phone=f"+3361{index:07d}",
            status=statuses[index % len(statuses)],
            now=now - datetime.timedelta(minutes=index),
            call_id=str(uuid.UUID(int=index + 1)),
            campaign="Renewals",
            context={"firstName": "Ana", "customerId": f"C{index:05d}"},
            extractors=[{"name": "renewal", "value": ["yes"]}],
            classifiers=[{"name": "interest", "value": "high", "type": "PRIMARY"}],
        )
        content.append(call.document)
    return {
        "content": content,
        "size": size,
        "page": 1,
        "totalElements": size * 1_000_000,
        "totalPages": 1_000_000,
    }


CALLS_PAGE_SIZE = 100
_RESPONSES = {
    b"GET": _http_response("200 OK", CAMPAIGN_RESPONSE),
    b"POST": _http_response("201 Created", CAMPAIGN_RESPONSE),
}
# GET /v1/calls, whatever its query: the same page of calls (built when the server starts).
_CALLS_PATH = b"/v1/calls?"


async def _answer_fixed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """HTTP/1.1 keep-alive with a fixed answer per method: the least a server can do.

    asyncio's transports set TCP_NODELAY, and each response leaves in one write: without both,
    Nagle's algorithm and the client's delayed ACK stall every keep-alive response by about
    40 ms. One event loop serves every connection: the concurrency section opens 50 at once,
    which a thread per connection served slower than the clients could ask.
    """
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            method = lines[0].split(b" ", 1)[0]
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            target = lines[0].split(b" ", 2)[1] if b" " in lines[0] else b""
            if method == b"GET" and target.startswith(_CALLS_PATH):
                writer.write(_RESPONSES[_CALLS_PATH])
                continue
            writer.write(_RESPONSES.get(method, _RESPONSES[b"GET"]))
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


def serve_fixed_responses() -> None:
    """Run the minimal server until standard input closes; print its port first."""

    _RESPONSES[_CALLS_PATH] = _http_response("200 OK", _calls_page(CALLS_PAGE_SIZE))

    async def serve() -> None:
        server = await asyncio.start_server(_answer_fixed, "127.0.0.1", 0, backlog=128)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        server.close()

    asyncio.run(serve())


@contextlib.contextmanager
def fixed_response_server() -> Iterator[str]:
    """The minimal server in a process of its own (its own GIL, its own core if free)."""
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve-fixed-responses"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


Operation = Callable[[], Any]
AsyncOperation = Callable[[], Coroutine[Any, Any, Any]]


# Calls of one variant in a row before the next variant takes its turn: short enough that the
# variants alternate every few milliseconds (load from other processes falls on all of them
# alike), long enough that each runs warm, as a program making requests in a loop does.
BLOCK = 10


def _turns(names: list[str], count: int) -> Iterator[str]:
    """Whose turn it is, block by block, the order rotated at each step."""
    for step in range(max(1, count // BLOCK)):
        shift = step % len(names)
        yield from names[shift:] + names[:shift]


def _interleaved_sync(
    variants: dict[str, Operation], rounds: int, count: int
) -> dict[str, Samples]:
    """Per-call wall and CPU time of each variant, the variants taking turns block by block.

    In each round every variant makes ``count`` calls, in blocks of :data:`BLOCK`; a round's
    figure for a variant is the median of its calls, which a burst of load from other
    processes cannot move much.
    """
    names = list(variants)
    samples = {name: Samples() for name in names}
    wall_clock, cpu_clock = time.perf_counter_ns, time.process_time_ns
    for _ in range(rounds):
        walls: dict[str, list[int]] = {name: [] for name in names}
        cpus: dict[str, list[int]] = {name: [] for name in names}
        gc.collect()
        for name in _turns(names, count):
            operation = variants[name]
            for _ in range(BLOCK):
                cpu, wall = cpu_clock(), wall_clock()
                operation()
                walls[name].append(wall_clock() - wall)
                cpus[name].append(cpu_clock() - cpu)
        for name in names:
            samples[name].wall.append(_median(walls[name]) / 1e9)
            samples[name].cpu.append(statistics.fmean(cpus[name]) / 1e9)
    return samples


async def _interleaved_async(
    variants: dict[str, AsyncOperation], rounds: int, count: int
) -> dict[str, Samples]:
    """:func:`_interleaved_sync` for coroutines, on one event loop."""
    names = list(variants)
    samples = {name: Samples() for name in names}
    wall_clock, cpu_clock = time.perf_counter_ns, time.process_time_ns
    for _ in range(rounds):
        walls: dict[str, list[int]] = {name: [] for name in names}
        cpus: dict[str, list[int]] = {name: [] for name in names}
        gc.collect()
        for name in _turns(names, count):
            operation = variants[name]
            for _ in range(BLOCK):
                cpu, wall = cpu_clock(), wall_clock()
                await operation()
                walls[name].append(wall_clock() - wall)
                cpus[name].append(cpu_clock() - cpu)
        for name in names:
            samples[name].wall.append(_median(walls[name]) / 1e9)
            samples[name].cpu.append(statistics.fmean(cpus[name]) / 1e9)
    return samples


@attrs.define
class Samples:
    """Per-round figures of one variant, in seconds per call: median wall, mean CPU."""

    wall: list[float] = attrs.field(factory=list)
    cpu: list[float] = attrs.field(factory=list)


def _ratio_rows(
    section: Section,
    label: str,
    samples: dict[str, Samples],
    ours: str,
    baselines: Sequence[tuple[str, str, float | None]],
) -> None:
    """Rows for ``ours`` against each baseline (name, label, target or None)."""
    for baseline, baseline_label, target in baselines:
        ratios = [a / b for a, b in zip(samples[ours].wall, samples[baseline].wall, strict=True)]
        ratio = _median(ratios)
        section.rows.append(
            Row(
                measurement=f"{label} vs {baseline_label}",
                ours=f"{_median(samples[ours].wall) * 1e6:.0f} µs",
                baseline=f"{_median(samples[baseline].wall) * 1e6:.0f} µs",
                ratio=f"{ratio:.3f}× ({_spread(ratios)})",
                target="–" if target is None else f"≤ {target:.2f}×",
                met=None if target is None else ratio <= target,
            )
        )


def _variant_details(title: str, samples: dict[str, Samples], reference: str) -> list[str]:
    lines = [
        f"**{title}** (median per request over the rounds; ratios per round against "
        f"`{reference}`, median and lowest–highest)",
        "",
        "| variant | wall µs | wall ratio | client CPU µs | CPU ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    base = samples[reference]
    for name, sample in samples.items():
        wall_ratios = [a / b for a, b in zip(sample.wall, base.wall, strict=True)]
        cpu_ratios = [a / b for a, b in zip(sample.cpu, base.cpu, strict=True)]
        lines.append(
            f"| {name} | {_median(sample.wall) * 1e6:.0f} | {_median(wall_ratios):.2f} "
            f"({_spread(wall_ratios)}) | {_median(sample.cpu) * 1e6:.0f} | "
            f"{_median(cpu_ratios):.2f} ({_spread(cpu_ratios)}) |"
        )
    lines.append("")
    return lines


def _check_campaign(result: Any) -> None:
    """The variants must really do their job: every one yields the campaign's id."""
    if isinstance(result, httpx.Response):
        identifier = result.json()["id"]
    elif hasattr(result, "parsed"):
        identifier = str(result.parsed.id)
    else:
        identifier = str(result.id)
    if identifier != CAMPAIGN_ID:
        raise RuntimeError(f"unexpected campaign id {identifier!r} from {result!r}")


def _parsed(response: Any) -> Any:
    """A generated ``Response`` whose model was read, as a user of it reads it: ``parsed`` is
    computed when first read (our types template), so an unread one would skip the parse."""
    if response.parsed is None:
        raise RuntimeError(f"the generated operation parsed nothing: {response!r}")
    return response


def _overhead_rows(
    section: Section, label: str, samples: dict[str, Samples], generated: str
) -> None:
    """Our figure against raw httpx and the generated client (1.0x), with the details.

    Against raw httpx: sync ``get`` within 1.05x (issue 14), the other requests 1.10x.
    """
    raw_target = 1.05 if label == "sync `campaigns.get`" else 1.10
    _ratio_rows(
        section,
        label,
        samples,
        "volubile_ext",
        [("raw httpx", "raw httpx", raw_target), (generated, "generated", 1.0)],
    )
    section.details += _variant_details(label, samples, "raw httpx")


def bench_overhead(config: Config) -> Section:
    section = Section("Per-request overhead (loopback keep-alive)")
    rounds = config.pick(5, 15)
    count = config.pick(60, 300)
    generated_body = CreateCampaignRequest.from_dict(CREATE_BODY)
    create_request = build_campaign_request(**CREATE_ARGS)
    campaign_uuid = uuid.UUID(CAMPAIGN_ID)
    with fixed_response_server() as url:
        # -- sync ----------------------------------------------------------------------------
        raw = httpx.Client(base_url=url, headers={"X-Api-Key": API_KEY})
        generated = AuthenticatedClient(
            base_url=url, token=API_KEY, prefix="", auth_header_name="X-Api-Key"
        )
        ours = Volubile(api_key=API_KEY, base_url=url, rate_limit=NO_WAIT_RATE_LIMIT)

        def raw_get() -> Any:
            response = raw.get(f"/v1/campaigns/{CAMPAIGN_ID}")
            response.json()
            return response

        def raw_create() -> Any:
            response = raw.post("/v1/campaigns", json=CREATE_BODY)
            response.json()
            return response

        sync_ops: dict[str, dict[str, Operation]] = {
            "get": {
                "raw httpx": raw_get,
                "generated sync_detailed": lambda: _parsed(
                    generated_get.sync_detailed(campaign_uuid, client=generated)
                ),
                "volubile_ext": lambda: ours.campaigns.get(CAMPAIGN_ID),
            },
            "create": {
                "raw httpx": raw_create,
                "generated sync_detailed": lambda: _parsed(
                    generated_create.sync_detailed(client=generated, body=generated_body)
                ),
                "volubile_ext": lambda: ours.campaigns.create(**CREATE_ARGS),
                PREVALIDATED: lambda: ours.campaigns.create_from_request(create_request),
            },
        }
        try:
            for op_name, variants in sync_ops.items():
                for operation in variants.values():
                    _check_campaign(operation())  # also opens the connection
                _interleaved_sync(variants, 1, count // 4)  # warm-up
                samples = _interleaved_sync(variants, rounds, count)
                _overhead_rows(
                    section, f"sync `campaigns.{op_name}`", samples, "generated sync_detailed"
                )
        finally:
            raw.close()
            generated.get_httpx_client().close()
            ours.close()

        # -- async ---------------------------------------------------------------------------
        async def run_async() -> None:
            araw = httpx.AsyncClient(base_url=url, headers={"X-Api-Key": API_KEY})
            agenerated = AuthenticatedClient(
                base_url=url, token=API_KEY, prefix="", auth_header_name="X-Api-Key"
            )
            aours = AsyncVolubile(api_key=API_KEY, base_url=url, rate_limit=NO_WAIT_RATE_LIMIT)

            async def araw_get() -> Any:
                response = await araw.get(f"/v1/campaigns/{CAMPAIGN_ID}")
                response.json()
                return response

            async def araw_create() -> Any:
                response = await araw.post("/v1/campaigns", json=CREATE_BODY)
                response.json()
                return response

            async def agen_get() -> Any:
                return _parsed(
                    await generated_get.asyncio_detailed(campaign_uuid, client=agenerated)
                )

            async def agen_create() -> Any:
                return _parsed(
                    await generated_create.asyncio_detailed(client=agenerated, body=generated_body)
                )

            async def aours_get() -> Any:
                return await aours.campaigns.get(CAMPAIGN_ID)

            async def aours_create() -> Any:
                return await aours.campaigns.create(**CREATE_ARGS)

            async def aours_prevalidated() -> Any:
                return await aours.campaigns.create_from_request(create_request)

            async_ops: dict[str, dict[str, AsyncOperation]] = {
                "get": {
                    "raw httpx": araw_get,
                    "generated asyncio_detailed": agen_get,
                    "volubile_ext": aours_get,
                },
                "create": {
                    "raw httpx": araw_create,
                    "generated asyncio_detailed": agen_create,
                    "volubile_ext": aours_create,
                    PREVALIDATED: aours_prevalidated,
                },
            }
            try:
                for op_name, variants in async_ops.items():
                    for operation in variants.values():
                        _check_campaign(await operation())
                    await _interleaved_async(variants, 1, count // 4)
                    samples = await _interleaved_async(variants, rounds, count)
                    _overhead_rows(
                        section,
                        f"async `campaigns.{op_name}`",
                        samples,
                        "generated asyncio_detailed",
                    )
            finally:
                await araw.aclose()
                await agenerated.get_async_httpx_client().aclose()
                await aours.close()

        asyncio.run(run_async())
    section.details.insert(
        0,
        f"{rounds} rounds; in each, {count} calls of every variant, the variants taking turns "
        f"in blocks of {BLOCK} calls (A B C, then B C A...), so that load from other processes "
        "falls on all of them alike while each runs warm, as a program making requests in a "
        "loop does. A round's figure is the median of its calls (wall time; "
        "CPU is the client's mean, for reference); ratios are taken round by round, and the "
        "table gives their median and the lowest and highest round. One keep-alive connection "
        "per client; the server, an asyncio one in another process, answers a fixed JSON body "
        "with `X-RateLimit-*` headers, Nagle disabled, one write per response.\n\n"
        "Our client runs its full stack: API-key auth, the limiter (a bound that never makes a "
        "request wait), retries armed, `campaigns.create` validating its keyword arguments and "
        "building the body on every call, a typed `Campaign` returned. Raw httpx sends the same "
        "JSON (prebuilt) with the key as a default header and decodes the answer with "
        "`.json()`. The generated client sends a `CreateCampaignRequest` built once and parses "
        "the answer into its models (the variant reads `Response.parsed`, which is computed "
        "when first read).\n",
    )
    return section


# ------------------------------------------------------------------------------------------
# 2. Import time


def _import_env(cache: str) -> dict[str, str]:
    """Fresh interpreters with warm bytecode, as after ``pip install`` (which compiles it).

    The cache lives in a folder of its own (PYTHONPYCACHEPREFIX), so that nothing is written
    into the source tree and an environment with PYTHONDONTWRITEBYTECODE (CI's) measures the
    same thing as a developer's machine.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def _cpu_bound_rows(
    section: Section,
    label: str,
    ours: Samples,
    baseline: Samples,
    *,
    target: float | None,
    unit: Callable[[float], str],
) -> float:
    """A summary row judged on CPU time, and the wall-time figures in the details.

    Work that is CPU-bound and single-threaded costs its CPU time; its wall time on a shared
    machine also holds whatever ran in between, and a run three times longer than its baseline
    takes three times more of that. Both are reported, the target is judged on CPU time.
    Returns the median CPU ratio.
    """
    cpu_ratios = [a / b for a, b in zip(ours.cpu, baseline.cpu, strict=True)]
    wall_ratios = [a / b for a, b in zip(ours.wall, baseline.wall, strict=True)]
    ratio = _median(cpu_ratios)
    section.rows.append(
        Row(
            measurement=f"{label} (CPU time)",
            ours=unit(_median(ours.cpu)),
            baseline=unit(_median(baseline.cpu)),
            ratio=f"{ratio:.2f}× ({_spread(cpu_ratios)})",
            target="–" if target is None else f"≤ {target:g}×",
            met=None if target is None else ratio <= target,
        )
    )
    section.details += [
        f"- {label}: CPU {unit(_median(ours.cpu))} vs {unit(_median(baseline.cpu))}, "
        f"ratio {ratio:.2f}× ({_spread(cpu_ratios)}); wall {unit(_median(ours.wall))} vs "
        f"{unit(_median(baseline.wall))}, ratio {_median(wall_ratios):.2f}× "
        f"({_spread(wall_ratios)}).",
    ]
    return ratio


def _import_times(statement: str, env: dict[str, str], python: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``statement`` in a fresh interpreter (start-up excluded)."""
    code = (
        "import time\n"
        "wall, cpu = time.perf_counter(), time.process_time()\n"
        f"{statement}\n"
        "print(time.perf_counter() - wall, time.process_time() - cpu)"
    )
    result = subprocess.run(
        [python, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    wall, cpu = result.stdout.split()
    return float(wall), float(cpu)


# The runtime-only environment of the import benchmark: built once, kept between runs.
RUNTIME_VENV = ROOT / ".bench" / "runtime-venv"


def _runtime_requirements() -> list[str]:
    """What ``pip install 'volubile[phone]'`` brings: pyproject's dependencies and the extra."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["phone"]]


def runtime_python() -> tuple[str | None, str]:
    """The interpreter of a venv holding only the runtime dependencies and the phone extra.

    Built with ``python -m venv`` and pip (from the index pip is configured for) the first
    time, in ``.bench/runtime-venv`` (git-ignored), and rebuilt when pyproject's runtime
    requirements change (delete the folder to rebuild it by hand). volubile itself is not
    installed there: the measurement puts this checkout (and its ``generated/`` layer) on
    ``PYTHONPATH``, so it always measures the code at hand. Returns the interpreter, or None
    and why it could not be built.
    """
    requirements = _runtime_requirements()
    stamp = RUNTIME_VENV / "requirements.txt"
    python = RUNTIME_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    wanted = "\n".join(requirements) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return str(python), "cached"
    print(f"building {RUNTIME_VENV} ({', '.join(requirements)})", file=sys.stderr)
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", "--clear", str(RUNTIME_VENV)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *requirements,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        return None, detail.strip().splitlines()[-1] if detail.strip() else str(error)
    stamp.write_text(wanted, encoding="utf-8")
    return str(python), "built"


def _min_ratio_row(
    section: Section,
    label: str,
    ours: Samples,
    baseline: Samples,
    *,
    target: float | None,
    unit: Callable[[float], str],
) -> float:
    """A summary row judged on the fastest of N runs of each, CPU time; returns the ratio.

    For fresh interpreters on a shared machine: a run can only be slowed by other processes,
    never sped up, so the fastest of many interleaved runs is the closest to the import's own
    cost, for ours and the baseline alike (measured the same way, in turns). The spread gives
    the median and the range of the ratios of neighbouring runs.
    """
    ratio = min(ours.cpu) / min(baseline.cpu)
    pairs = [a / b for a, b in zip(ours.cpu, baseline.cpu, strict=True)]
    section.rows.append(
        Row(
            measurement=f"{label} (CPU time, fastest of {len(ours.cpu)})",
            ours=unit(min(ours.cpu)),
            baseline=unit(min(baseline.cpu)),
            ratio=f"{ratio:.2f}× (pairs: median {_median(pairs):.2f}, {_spread(pairs)})",
            target="–" if target is None else f"≤ {target:g}×",
            met=None if target is None else ratio <= target,
        )
    )
    section.details += [
        f"- {label}: CPU, fastest run {unit(min(ours.cpu))} vs {unit(min(baseline.cpu))}, "
        f"ratio {ratio:.2f}×; medians {unit(_median(ours.cpu))} vs "
        f"{unit(_median(baseline.cpu))}, ratio of neighbouring runs {_median(pairs):.2f}× "
        f"({_spread(pairs)}); wall, fastest {unit(min(ours.wall))} vs "
        f"{unit(min(baseline.wall))}.",
    ]
    return ratio


def bench_import(config: Config) -> Section:
    section = Section("Import time")
    runs = config.pick(7, 41)
    statements = {
        "httpx, attrs": "import httpx, attrs",
        "volubile_ext": "import volubile_ext",
        "from volubile_ext import Volubile": "from volubile_ext import Volubile",
        "httpx.Client()": "import httpx\nhttpx.Client()",
        "Volubile()": (
            "from volubile_ext import Volubile\n"
            "Volubile(api_key='x' * 20, base_url='http://127.0.0.1:9')"
        ),
    }
    python, how = runtime_python()
    where = (
        f"a venv with only the runtime dependencies and the `phone` extra ({how})"
        if python is not None
        else f"the development venv (the runtime-only venv could not be built: {how})"
    )
    with tempfile.TemporaryDirectory(prefix="volubile-bench-pycache-") as cache:
        env = _import_env(cache)
        if python is not None:
            # This checkout, not an installed copy; nothing else from the dev venv.
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "generated")])
        interpreter = python or sys.executable
        for statement in statements.values():
            _import_times(statement, env, interpreter)  # fills the bytecode cache
        samples = {name: Samples() for name in statements}
        for order in _rotations(list(statements), runs):
            for name in order:
                wall, cpu = _import_times(statements[name], env, interpreter)
                samples[name].wall.append(wall)
                samples[name].cpu.append(cpu)
    section.details += [
        f"{runs} fresh interpreters per statement, interleaved (the statements take turns, in "
        f"rotated order), in {where}; each measures its own import (interpreter start-up "
        "excluded) with a warm bytecode cache, in wall and CPU time. The ratios are judged on "
        "the fastest run of each statement: on a shared machine a run is only ever slowed "
        "by other processes, and medians of fresh interpreters moved by a third from run to "
        "run (1.45× with rounds from 0.96× to 2.02× in the run before this rule).",
        "",
    ]

    def ms(seconds: float) -> str:
        return f"{seconds * 1e3:.0f} ms"

    venv = "runtime-only venv" if python is not None else "dev venv"
    _min_ratio_row(
        section,
        f"`import volubile_ext` vs `import httpx, attrs`, {venv}",
        samples["volubile_ext"],
        samples["httpx, attrs"],
        target=1.15,
        unit=ms,
    )
    _min_ratio_row(
        section,
        f"`from volubile_ext import Volubile` vs `import httpx, attrs`, {venv}",
        samples["from volubile_ext import Volubile"],
        samples["httpx, attrs"],
        target=1.15,
        unit=ms,
    )
    _min_ratio_row(
        section,
        "import and build a client: `Volubile(...)` vs `httpx.Client()`",
        samples["Volubile()"],
        samples["httpx.Client()"],
        target=None,
        unit=ms,
    )
    section.details += [
        "",
        "Why a venv of its own: in the development venv httpx also loads rich, click and "
        "pygments (its command line's extras, present there), which makes `import httpx` "
        "slower and hides what ours adds. `import volubile_ext` loads only the package's "
        "version: every public name is imported from its module when first used (PEP 562). "
        "`from volubile_ext import Volubile` is what a program using the client pays: the "
        "client's runtime (no regular expression compiled, no `uuid`); not the generated "
        "client's classes (built with the first client), the campaign values and the generated "
        "campaign models (loaded by the first campaign call), the spec table, the token model, "
        "the campaign input rules nor the results join (loaded by the call that uses them), the "
        "agents and calls resources with their models (by their first use), the bulk runtime "
        "nor the planner (by the first create), nor asyncio (the async paths import it), the "
        "sandbox, the CLI, phonenumbers, TOML or SQLite. Building a client costs mostly httpx's "
        "own: an `httpx.Client` loads the CA bundle into an SSL context; ours also builds the "
        "generated client's classes then (the next row).",
        "",
    ]
    return section


# ------------------------------------------------------------------------------------------
# 3. A 1,000-recipient campaign body


def _recipients(count: int) -> list[dict[str, Any]]:
    return [
        {
            "phone": f"+3361{index:07d}",
            "context": {"firstName": f"Ana{index}", "lastName": "Martin", "contract": f"C{index}"},
        }
        for index in range(count)
    ]


def _interleaved_rounds(
    variants: dict[str, Operation], rounds: int, calls: int
) -> dict[str, Samples]:
    """Per round and variant, the median wall and CPU time of ``calls`` calls in a row.

    The variants take turns round by round, in rotated order.
    """
    samples = {name: Samples() for name in variants}
    wall_clock, cpu_clock = time.perf_counter, time.process_time
    for order in _rotations(list(variants), rounds):
        gc.collect()
        for name in order:
            operation = variants[name]
            walls, cpus = [], []
            for _ in range(calls):
                wall, cpu = wall_clock(), cpu_clock()
                operation()
                walls.append(wall_clock() - wall)
                cpus.append(cpu_clock() - cpu)
            samples[name].wall.append(_median(walls))
            samples[name].cpu.append(_median(cpus))
    return samples


def bench_body(config: Config) -> Section:
    section = Section("A 1,000-recipient campaign body")
    rounds, calls = config.pick((5, 5), (15, 10))
    arguments = dict(CREATE_ARGS, recipients=_recipients(1000))
    plain = build_campaign_request(**arguments).to_json()
    if len(plain["recipients"]) != 1000:
        raise RuntimeError("the body lost recipients")

    def ours() -> None:
        # What a create sends: the checked request, as the generated model's body.
        json.dumps(campaign_request_model(build_campaign_request(**arguments)).to_dict())

    def baseline() -> None:
        json.dumps(plain)

    variants = {"ours": ours, "json.dumps": baseline}
    _interleaved_rounds(variants, 1, 3)  # warm-up
    samples = _interleaved_rounds(variants, rounds, calls)
    size = len(json.dumps(plain))
    section.details += [
        f"`build_campaign_request(...)` with 1,000 `{{phone, context}}` dicts (three text "
        "values each), then `json.dumps(campaign_request_model(request).to_dict())`, the "
        f"generated model's body ({size / 1024:.0f} KiB), against "
        "`json.dumps` of the same body as a plain dict. "
        f"{rounds} interleaved rounds of {calls} calls each; per round the median call.",
        "",
    ]

    def ms(seconds: float) -> str:
        return f"{seconds * 1e3:.2f} ms"

    _cpu_bound_rows(
        section,
        "1,000-recipient body: validate + build + `json.dumps` vs `json.dumps(dict)`",
        samples["ours"],
        samples["json.dumps"],
        target=4.0,
        unit=ms,
    )
    absolute = _median(samples["ours"].cpu)
    section.rows.append(
        Row(
            "1,000-recipient body: validate + build + `json.dumps`, absolute (CPU time)",
            ms(absolute),
            "–",
            "–",
            "< 10 ms",
            absolute < 0.010,
        )
    )
    section.details.append("")
    return section


# ------------------------------------------------------------------------------------------
# 4. Importing recipients from CSV


def _write_csv(path: Path, rows: int, national: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["phone", "firstName", "lastName"])
        for index in range(rows):
            digits = f"{index:08d}"
            phone = (
                f"06 {digits[0:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]}"
                if national
                else f"+336{digits}"
            )
            writer.writerow([phone, f"Ana{index}", "Martin"])


RECIPIENT_SIZES = (10_000, 100_000, 1_000_000)
MEMORY_ROWS = 100_000


def _dict_reader_rows(path: Path) -> list[dict[str, str]]:
    """The baseline a user would write: every row as a dict."""
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _checked_import(path: Path, rows: int) -> Any:
    result = load_recipients(path)
    if len(result.recipients) != rows or not result.ok:
        raise RuntimeError(f"load_recipients kept {len(result.recipients)} of {rows}: {result}")
    return result


def _cpu_ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms"


def bench_recipients(config: Config) -> Section:
    """load_recipients at 10k, 100k and 1M rows against list(csv.DictReader(...))."""
    section = Section("Importing recipients from CSV")
    rounds = {10_000: config.pick(5, 15), 100_000: config.pick(3, 11), 1_000_000: config.pick(2, 7)}
    national_rows = config.pick(5_000, 20_000)
    per_row: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="volubile-bench-csv-") as folder:
        for rows in RECIPIENT_SIZES:
            path = Path(folder) / f"e164-{rows}.csv"
            _write_csv(path, rows, national=False)

            def ours(path: Path = path, rows: int = rows) -> None:
                _checked_import(path, rows)
                # What a paused collector left for later is counted here: its first pass
                # over the young objects, which walks the new recipients once.
                gc.collect(0)

            def baseline(path: Path = path) -> None:
                _dict_reader_rows(path)
                gc.collect(0)

            samples = _interleaved_rounds(
                {"load_recipients": ours, "csv.DictReader": baseline}, rounds[rows], 1
            )
            _cpu_bound_rows(
                section,
                f"`load_recipients`, {rows:,} E.164 rows vs `list(csv.DictReader(...))`",
                samples["load_recipients"],
                samples["csv.DictReader"],
                target=1.6 if rows >= 100_000 else None,
                unit=_cpu_ms,
            )
            per_row[rows] = _median(samples["load_recipients"].cpu) / rows
            base_per_row = _median(samples["csv.DictReader"].cpu) / rows
            section.details.append(
                f"  per row: {per_row[rows] * 1e6:.2f} µs (baseline {base_per_row * 1e6:.2f} µs),"
                f" {rounds[rows]} rounds"
            )
            path.unlink()
        growth = per_row[RECIPIENT_SIZES[-1]] / per_row[RECIPIENT_SIZES[0]]
        section.rows.append(
            Row(
                "`load_recipients`: CPU per row at 1,000,000 rows vs at 10,000",
                f"{per_row[RECIPIENT_SIZES[-1]] * 1e6:.2f} µs",
                f"{per_row[RECIPIENT_SIZES[0]] * 1e6:.2f} µs",
                f"{growth:.2f}×",
                "≤ 1.15×",
                growth <= 1.15,
            )
        )

        # Peak memory: tracemalloc counts every allocation, ours and the baseline's alike.
        path = Path(folder) / "memory.csv"
        _write_csv(path, MEMORY_ROWS, national=False)
        peaks: dict[str, list[int]] = {"ours": [], "baseline": []}
        variants: dict[str, Callable[[], Any]] = {
            "ours": lambda: _checked_import(path, MEMORY_ROWS),
            "baseline": lambda: _dict_reader_rows(path),
        }
        for order in _rotations(list(variants), config.pick(1, 3)):
            for name in order:
                gc.collect()
                tracemalloc.start()
                try:
                    kept = variants[name]()
                    peaks[name].append(tracemalloc.get_traced_memory()[1])
                finally:
                    tracemalloc.stop()
                del kept
        memory = [a / b for a, b in zip(peaks["ours"], peaks["baseline"], strict=True)]
        section.rows.append(
            Row(
                f"`load_recipients` peak memory, {MEMORY_ROWS:,} rows vs the same list of dicts",
                f"{_median(peaks['ours']) / 2**20:.1f} MiB",
                f"{_median(peaks['baseline']) / 2**20:.1f} MiB",
                f"{_median(memory):.2f}× ({_spread(memory)})",
                "≤ 1.2×",
                _median(memory) <= 1.2,
            )
        )

        national = Path(folder) / "national.csv"
        _write_csv(national, national_rows, national=True)

        def national_numbers() -> None:
            result = load_recipients(national, region="FR")
            if len(result.recipients) != national_rows:
                raise RuntimeError(f"national numbers: {result}")

        national_samples = _interleaved_rounds({"national": national_numbers}, 5, 1)
    section.details[:0] = [
        "CSVs of 10,000, 100,000 and 1,000,000 rows (`phone,firstName,lastName`, numbers "
        "already in E.164, all distinct) read by `load_recipients(path)` (recipients built, "
        "every row accounted for), against `list(csv.DictReader(...))` over the same file, "
        "interleaved round by round; each call is followed by `gc.collect(0)` in both "
        "variants, so that the collection a paused collector leaves for later is counted. "
        f"Peak memory: `tracemalloc`'s peak while reading {MEMORY_ROWS:,} rows, with the "
        f"result held. National format: {national_rows:,} rows written as "
        "`06 12 34 56 78`, `region='FR'`, each number parsed and validated by phonenumbers "
        "(median of 5 runs).",
        "",
    ]
    cpu = per_row[100_000]
    national_cpu = _median(national_samples["national"].cpu)
    national_wall = _median(national_samples["national"].wall)
    section.rows.append(
        Row(
            "`load_recipients`, national-format numbers through phonenumbers",
            f"{national_rows / national_cpu:,.0f} rows/s",
            f"E.164: {1 / cpu:,.0f} rows/s",
            "–",
            "reported",
            None,
        )
    )
    section.details += [
        "",
        f"- National format: {national_rows / national_cpu:,.0f} rows/s of CPU time, "
        f"{national_rows / national_wall:,.0f} rows/s of wall time.",
        "",
    ]
    return section


# ------------------------------------------------------------------------------------------
# 5. Bulk creation under the rate limit


BULK_CAMPAIGNS = 60
BULK_RATE = (20, 1.0)
BULK_CHUNK = 10


def _bulk_arguments() -> dict[str, Any]:
    arguments = dict(CREATE_ARGS)
    del arguments["recipients"]
    arguments["recipients"] = [f"+3361{index:07d}" for index in range(BULK_CAMPAIGNS * BULK_CHUNK)]
    return arguments


def _too_many(sandbox: Any) -> int:
    return sum(1 for record in sandbox.requests if record.status == 429)


def _ours_bulk() -> tuple[float, int, int]:
    from volubile_ext.testing import Sandbox

    with Sandbox(rate_limit=BULK_RATE) as sandbox:
        with Volubile(
            api_key=sandbox.api_key, base_url=sandbox.url, rate_limit=BULK_RATE
        ) as client:
            started = time.perf_counter()
            report = client.campaigns.create_many(**_bulk_arguments(), chunk_size=BULK_CHUNK)
            elapsed = time.perf_counter() - started
        if not report.ok or len(report.created) != BULK_CAMPAIGNS:
            raise RuntimeError(f"create_many did not create every campaign: {report}")
        return elapsed, _too_many(sandbox), len(sandbox.campaigns())


def _naive_bulk() -> tuple[float, int, int]:
    """What one writes without a limiter: send, and on 429 sleep for Retry-After."""
    from volubile_ext.testing import Sandbox

    arguments = _bulk_arguments()
    numbers = arguments.pop("recipients")
    bodies = [
        build_campaign_request(
            **dict(arguments, name=f"{arguments['name']} ({index + 1}/{BULK_CAMPAIGNS})"),
            recipients=numbers[index * BULK_CHUNK : (index + 1) * BULK_CHUNK],
        ).to_json()
        for index in range(BULK_CAMPAIGNS)
    ]
    with Sandbox(rate_limit=BULK_RATE) as sandbox:
        with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": sandbox.api_key}) as http:
            started = time.perf_counter()
            for body in bodies:
                while True:
                    response = http.post("/v1/campaigns", json=body)
                    if response.status_code == 429:
                        time.sleep(float(response.headers["Retry-After"]))
                        continue
                    response.raise_for_status()
                    break
            elapsed = time.perf_counter() - started
        return elapsed, _too_many(sandbox), len(sandbox.campaigns())


def bench_bulk(config: Config) -> Section:
    section = Section("Bulk creation under the rate limit")
    rounds = config.pick(1, 3)
    limit, period = BULK_RATE
    bound = (BULK_CAMPAIGNS - limit) / (limit / period)
    ours: list[tuple[float, int, int]] = []
    naive: list[tuple[float, int, int]] = []
    for _ in range(rounds):
        ours.append(_ours_bulk())
        naive.append(_naive_bulk())
    ours_time = _median([run[0] for run in ours])
    naive_time = _median([run[0] for run in naive])
    ours_429 = sum(run[1] for run in ours)
    naive_429 = sum(run[1] for run in naive)
    ratio = ours_time / bound
    section.rows += [
        Row(
            f"`create_many`, {BULK_CAMPAIGNS} campaigns at {limit}/s: wall time vs the bound",
            f"{ours_time:.2f} s",
            f"{bound:.2f} s",
            f"{ratio:.3f}×",
            "≤ 1.05×",
            ratio <= 1.05,
        ),
        Row(
            f"`create_many`: 429 answers counted by the sandbox ({rounds} runs)",
            f"{ours_429}",
            f"naive loop: {naive_429}",
            "–",
            "0",
            ours_429 == 0,
        ),
        Row(
            "naive loop (429 + Retry-After only): wall time vs the bound",
            f"{naive_time:.2f} s",
            f"{bound:.2f} s",
            f"{naive_time / bound:.3f}×",
            "reported",
            None,
        ),
    ]
    section.details += [
        f"{BULK_CAMPAIGNS} campaigns of {BULK_CHUNK} recipients (`chunk_size={BULK_CHUNK}`) "
        f"against the sandbox limited to {limit} requests per {period:g} s (fixed window), "
        f"the client's `rate_limit=({limit}, {period:g})`. The bound: ({BULK_CAMPAIGNS} − "
        f"{limit}) / {limit / period:g} per s = {bound:.2f} s past the first window. "
        f"{rounds} runs each, a fresh sandbox per run; times are medians, 429s are totals.",
        "",
        "| run | ours s | ours 429s | naive s | naive 429s |",
        "|---:|---:|---:|---:|---:|",
        *(
            f"| {index + 1} | {a[0]:.3f} | {a[1]} | {b[0]:.3f} | {b[1]} |"
            for index, (a, b) in enumerate(zip(ours, naive, strict=True))
        ),
        "",
    ]
    return section


# ------------------------------------------------------------------------------------------
# 5b. Large bodies: campaigns.create and create_many against raw httpx


CREATE_SIZES = (1, 10, 100, 1000)


def _wall_row(
    section: Section, label: str, ours: Samples, baseline: Samples, target: float
) -> None:
    """A summary row for runs of many requests, in ms of wall time, ratios round by round."""
    ratios = [a / b for a, b in zip(ours.wall, baseline.wall, strict=True)]
    ratio = _median(ratios)
    section.rows.append(
        Row(
            label,
            f"{_median(ours.wall) * 1e3:.0f} ms",
            f"{_median(baseline.wall) * 1e3:.0f} ms",
            f"{ratio:.3f}× ({_spread(ratios)})",
            f"≤ {target:g}×",
            ratio <= target,
        )
    )


def _create_arguments(count: int) -> dict[str, Any]:
    return dict(CREATE_ARGS, recipients=_recipients(count))


def bench_create(config: Config) -> Section:
    """campaigns.create with 1 to 1,000 recipients against raw httpx posting the same JSON."""
    section = Section("Creating a campaign with many recipients")
    rounds = config.pick(3, 9)
    lines: list[str] = []
    with fixed_response_server() as url:
        raw = httpx.Client(base_url=url, headers={"X-Api-Key": API_KEY})
        ours = Volubile(api_key=API_KEY, base_url=url, rate_limit=NO_WAIT_RATE_LIMIT)
        try:
            for count in CREATE_SIZES:
                arguments = _create_arguments(count)
                body = build_campaign_request(**arguments).to_json()

                def raw_create(body: dict[str, Any] = body) -> Any:
                    response = raw.post("/v1/campaigns", json=body)
                    response.json()
                    return response

                def ours_create(arguments: dict[str, Any] = arguments) -> Any:
                    return ours.campaigns.create(**arguments)

                variants: dict[str, Operation] = {
                    "raw httpx": raw_create,
                    "volubile_ext": ours_create,
                }
                for operation in variants.values():
                    _check_campaign(operation())
                calls = config.pick(20, 100) if count < 1000 else config.pick(10, 40)
                _interleaved_sync(variants, 1, calls // 2)  # warm-up
                samples = _interleaved_sync(variants, rounds, calls)
                label = f"sync `campaigns.create`, {count:,} recipient{'s' if count > 1 else ''}"
                _ratio_rows(
                    section,
                    label,
                    samples,
                    "volubile_ext",
                    [
                        (
                            "raw httpx",
                            "raw httpx posting the same JSON",
                            1.4 if count == 1000 else None,
                        )
                    ],
                )
                lines += _variant_details(label, samples, "raw httpx")
        finally:
            raw.close()
            ours.close()
    section.details += [
        f"`campaigns.create` with 1, 10, 100 and 1,000 recipients (`{{phone, context}}` dicts, "
        "three text values each: what a caller passes), validated and built on every call, "
        "against raw httpx posting the same body (a prebuilt dict, serialised by httpx) to the "
        f"minimal server of the overhead section. {rounds} rounds, the variants taking turns "
        f"in blocks of {BLOCK} calls; wall time.",
        "",
        *lines,
    ]
    return section


MANY_RECIPIENTS = 20_000
MANY_CHUNK = 1000


def bench_create_many(config: Config) -> Section:
    """create_many of 20,000 recipients, no rate limit, against a raw loop over the bodies."""
    section = Section("Bulk creation without a rate limit")
    rounds = config.pick(3, 9)
    arguments = _create_arguments(MANY_RECIPIENTS)
    people = arguments.pop("recipients")
    count = MANY_RECIPIENTS // MANY_CHUNK
    bodies = [
        build_campaign_request(
            **dict(arguments, name=f"{arguments['name']} ({index + 1}/{count})"),
            recipients=people[index * MANY_CHUNK : (index + 1) * MANY_CHUNK],
        ).to_json()
        for index in range(count)
    ]
    with fixed_response_server() as url:
        raw = httpx.Client(base_url=url, headers={"X-Api-Key": API_KEY})
        ours = Volubile(api_key=API_KEY, base_url=url, rate_limit=None)

        def raw_loop() -> None:
            for body in bodies:
                response = raw.post("/v1/campaigns", json=body)
                response.raise_for_status()
                response.json()

        def ours_many() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the fixed answer's dates, not the point here
                report = ours.campaigns.create_many(
                    **arguments, recipients=people, chunk_size=MANY_CHUNK
                )
            if not report.ok or len(report.created) != count:
                raise RuntimeError(f"create_many: {report}")

        try:
            variants = {"raw loop": raw_loop, "create_many": ours_many}
            for operation in variants.values():
                operation()
            samples = _interleaved_rounds(variants, rounds, 1)
        finally:
            raw.close()
            ours.close()
    _wall_row(
        section,
        f"`create_many`, {MANY_RECIPIENTS:,} recipients, no limit, vs a raw loop posting "
        f"the same {count} bodies",
        samples["create_many"],
        samples["raw loop"],
        1.2,
    )
    section.details += [
        f"`create_many` of {MANY_RECIPIENTS:,} `{{phone, context}}` dicts in chunks of "
        f"{MANY_CHUNK:,} (every chunk validated before the first is sent, no journal, "
        f"`rate_limit=None`) against a loop posting the same {count} bodies (prebuilt dicts, "
        "serialised by httpx) with raw httpx, to the minimal server of the overhead section. "
        f"{rounds} interleaved rounds; wall time (CPU: ours "
        f"{_median(samples['create_many'].cpu) * 1e3:.0f} ms, raw "
        f"{_median(samples['raw loop'].cpu) * 1e3:.0f} ms).",
        "",
    ]
    return section


CONCURRENT_GETS = 2000
IN_FLIGHT = 50


def bench_concurrency(config: Config) -> Section:
    """2,000 async gets, 50 in flight, against raw httpx.AsyncClient doing the same."""
    section = Section("Concurrent async requests")
    rounds = config.pick(3, 5)
    total = config.pick(500, CONCURRENT_GETS)

    async def run() -> dict[str, Samples]:
        samples = {"raw httpx.AsyncClient": Samples(), "volubile_ext": Samples()}
        araw = httpx.AsyncClient(base_url=url, headers={"X-Api-Key": API_KEY}, timeout=30.0)
        aours = AsyncVolubile(api_key=API_KEY, base_url=url, rate_limit=NO_WAIT_RATE_LIMIT)

        async def raw_get() -> Any:
            response = await araw.get(f"/v1/campaigns/{CAMPAIGN_ID}")
            response.json()
            return response

        async def ours_get() -> Any:
            return await aours.campaigns.get(CAMPAIGN_ID)

        operations = {"raw httpx.AsyncClient": raw_get, "volubile_ext": ours_get}

        async def burst(operation: AsyncOperation) -> None:
            gate = asyncio.Semaphore(IN_FLIGHT)

            async def one() -> None:
                async with gate:
                    _check_campaign(await operation())

            await asyncio.gather(*(one() for _ in range(total)))

        try:
            for operation in operations.values():
                await burst(operation)  # opens the connections, warms up
            for order in _rotations(list(operations), rounds):
                for name in order:
                    gc.collect()
                    wall, cpu = time.perf_counter(), time.process_time()
                    await burst(operations[name])
                    samples[name].wall.append(time.perf_counter() - wall)
                    samples[name].cpu.append(time.process_time() - cpu)
        finally:
            await araw.aclose()
            await aours.close()
        return samples

    with fixed_response_server() as url:
        samples = asyncio.run(run())
    _wall_row(
        section,
        f"async, {total:,} `campaigns.get`, {IN_FLIGHT} in flight, vs raw `httpx.AsyncClient`",
        samples["volubile_ext"],
        samples["raw httpx.AsyncClient"],
        1.05,
    )
    section.details += [
        f"{total:,} `campaigns.get` as asyncio tasks, at most {IN_FLIGHT} in flight (a "
        "semaphore), on one `AsyncVolubile` (limiter bound that never waits) and on one "
        "`httpx.AsyncClient`, both with httpx's default connection limits, against the "
        f"minimal server of the overhead section; {rounds} interleaved rounds, wall time of "
        "each burst.",
        "",
    ]
    return section


# ------------------------------------------------------------------------------------------
# 6. Token single flight


SCOPES = ["campaigns:read", "campaigns:write"]
CONCURRENCY = 100


def bench_tokens(config: Config) -> Section:
    from volubile_ext.testing import Sandbox

    section = Section("Token single flight")
    rounds = config.pick(5, 15)
    with Sandbox(rate_limit=None) as sandbox:
        common: dict[str, Any] = {"base_url": sandbox.url, "rate_limit": NO_WAIT_RATE_LIMIT}
        with Volubile(api_key=sandbox.api_key, **common) as setup:
            campaign_id = setup.campaigns.create(**CREATE_ARGS).id
        assert campaign_id is not None

        # 100 asyncio tasks on a cold client.
        async def many_tasks() -> int:
            async with AsyncVolubile(api_key=sandbox.api_key, scopes=SCOPES, **common) as client:
                results = await asyncio.gather(
                    *(client.campaigns.get(campaign_id) for _ in range(CONCURRENCY))
                )
            return sum(1 for result in results if result.id == campaign_id)

        sandbox.reset_log()
        async_ok = asyncio.run(many_tasks())
        async_mints = sandbox.count("POST", "/v1/auth/token")

        # 100 threads on a cold client, released together.
        sandbox.reset_log()
        barrier = threading.Barrier(CONCURRENCY)
        done: list[bool] = []
        with Volubile(api_key=sandbox.api_key, scopes=SCOPES, **common) as client:

            def worker() -> None:
                barrier.wait()
                done.append(client.campaigns.get(campaign_id).id == campaign_id)

            threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        thread_mints = sandbox.count("POST", "/v1/auth/token")
        thread_ok = sum(done)

        # The first request of a cold client, with and without minting.
        def first_request(scopes: list[str] | None) -> float:
            with Volubile(api_key=sandbox.api_key, scopes=scopes, **common) as client:
                started = time.perf_counter()
                client.campaigns.get(campaign_id)
                return time.perf_counter() - started

        first: dict[str, list[float]] = {"minted": [], "key": []}
        for order in _rotations(["minted", "key"], rounds):
            for name in order:
                first[name].append(first_request(SCOPES if name == "minted" else None))
    added = [a - b for a, b in zip(first["minted"], first["key"], strict=True)]
    section.rows += [
        Row(
            f"{CONCURRENCY} concurrent async requests, cold client with `scopes=`: mints",
            f"{async_mints} ({async_ok} requests answered)",
            "–",
            "–",
            "exactly 1",
            async_mints == 1 and async_ok == CONCURRENCY,
        ),
        Row(
            f"{CONCURRENCY} threads, cold client with `scopes=`: mints",
            f"{thread_mints} ({thread_ok} requests answered)",
            "–",
            "–",
            "exactly 1",
            thread_mints == 1 and thread_ok == CONCURRENCY,
        ),
        Row(
            "first request of a cold client: minted token vs API key (added latency)",
            f"{_median(first['minted']) * 1e3:.1f} ms",
            f"{_median(first['key']) * 1e3:.1f} ms",
            f"{_median(added) * 1e3:+.1f} ms ({min(added) * 1e3:+.1f} to {max(added) * 1e3:+.1f})",
            "reported",
            None,
        ),
    ]
    section.details += [
        "Against the sandbox (no rate limit). Mints are counted by the server: `POST "
        "/v1/auth/token` in its request log. The added latency is the first `campaigns.get` "
        "of a new client with `scopes=` (mint, then the request) minus the first of a new "
        "client with the API key alone (both open their connection); "
        f"median of {rounds} interleaved pairs.",
        "",
    ]
    return section


# ------------------------------------------------------------------------------------------
# Entry point


# ------------------------------------------------------------------------------------------
# 7. A burst of concurrent requests under the rate limit


def _burst_setup(config: Config) -> tuple[int, tuple[int, float]]:
    """How many concurrent calls, against which limit: the API's own in a full run."""
    return config.pick((40, (20, 3.0)), (200, (100, 15.0)))


def _measured_client_options(sandbox: Any, rate: tuple[int, float]) -> dict[str, Any]:
    """A fresh window and an empty log on ``sandbox``, and the options of the measured client
    as a user builds it: default retries and deadline, the account's limit."""
    sandbox.reset_rate_limit()
    sandbox.reset_log()
    return {"api_key": sandbox.api_key, "base_url": sandbox.url, "rate_limit": rate}


def _burst(kind: str, count: int, rate: tuple[int, float]) -> tuple[float, int]:
    """``count`` concurrent ``campaigns.get``: wall time of the burst, and the sandbox's 429s."""
    from volubile_ext.testing import Sandbox

    with Sandbox(rate_limit=rate) as sandbox:
        with Volubile(api_key=sandbox.api_key, base_url=sandbox.url, rate_limit=None) as setup:
            campaign_id = setup.campaigns.create(**CREATE_ARGS).id
        assert campaign_id is not None
        options = _measured_client_options(sandbox, rate)
        if kind == "async":

            async def tasks() -> float:
                async with AsyncVolubile(**options) as client:
                    started = time.perf_counter()
                    await asyncio.gather(*(client.campaigns.get(campaign_id) for _ in range(count)))
                    return time.perf_counter() - started

            elapsed = asyncio.run(tasks())
        else:
            # The threads exist before the clock starts: the burst is the calls.
            barrier = threading.Barrier(count + 1)

            def one() -> None:
                barrier.wait()
                client.campaigns.get(campaign_id)

            with Volubile(**options) as client:
                threads = [threading.Thread(target=one) for _ in range(count)]
                for thread in threads:
                    thread.start()
                barrier.wait()
                started = time.perf_counter()
                for thread in threads:
                    thread.join()
                elapsed = time.perf_counter() - started
        if sandbox.count("GET", applied=True) != count:
            raise RuntimeError(f"the {kind} burst did not read the campaign {count} times")
        return elapsed, _too_many(sandbox)


def bench_burst(config: Config) -> Section:
    section = Section("A burst of concurrent requests under the rate limit")
    count, (limit, period) = _burst_setup(config)
    # The last window's requests may reach the server a period after the first one of each
    # window before: the bound on the burst is that many periods.
    windows = -(-count // limit)
    bound = (windows - 1) * period
    runs = {"async": _burst("async", count, (limit, period))}
    runs["threads"] = _burst("threads", count, (limit, period))
    for kind, label in (("async", "async tasks"), ("threads", "threads, sync client")):
        elapsed, _ = runs[kind]
        section.rows.append(
            Row(
                f"burst of {count} concurrent `campaigns.get`, {label}, at {limit} per "
                f"{period:g} s: wall time vs the bound",
                f"{elapsed:.2f} s",
                f"{bound:.2f} s",
                f"{elapsed / bound:.3f}×",
                "≤ 1.10×",
                elapsed / bound <= 1.10,
            )
        )
    refused = sum(run[1] for run in runs.values())
    section.rows.append(
        Row(
            "burst: 429 answers counted by the sandbox (async + threads)",
            f"{refused}",
            "–",
            "–",
            "0",
            refused == 0,
        )
    )
    section.details += [
        f"{count} `campaigns.get` started at once, as asyncio tasks of one `AsyncVolubile` and "
        f"as threads sharing one `Volubile` (default retries and deadline), against a sandbox "
        f"limited to {limit} requests per {period:g} s (fixed windows anchored on the first "
        f"arrival, as the API counts), the client's `rate_limit=({limit}, {period:g})`. The "
        f"bound: {windows} windows, the last opening {bound:g} s after the first; a burst "
        "takes that plus the round trips of the requests the last window waits for. One run "
        f"each (a fresh sandbox per run){'' if config.quick else ', at the API limit'}.",
        "",
        "| clients | wall s | ratio to the bound | 429s |",
        "|---|---:|---:|---:|",
        *(
            f"| {kind} | {run[0]:.3f} | {run[0] / bound:.3f}× | {run[1]} |"
            for kind, run in runs.items()
        ),
        "",
    ]
    return section


def bench_redis(config: Config) -> Section:
    """Four processes (two async) sharing one limit through Redis (issue 13)."""
    from scripts.shared_limit import REDIS_SERVER, RedisServer, run_shared_limit

    section = Section("Four processes sharing one rate limit through Redis")
    rate, each = (20, 2.0), config.pick(20, 50)
    if REDIS_SERVER is None:
        section.rows.append(
            Row("4 processes sharing one limit", "skipped", "–", "–", "redis-server", None)
        )
        section.details.append("Skipped: redis-server is not installed (.ci/run installs it).\n")
        return section
    runs = {}
    with tempfile.TemporaryDirectory() as directory:
        server = RedisServer(Path(directory), appendonly=True).start()
        try:
            for label, kill_after in (("all run", None), ("one killed mid-run", 2 * each)):
                runs[label] = run_shared_limit(
                    server.url,
                    key=f"bench-{uuid.uuid4().hex}",
                    requests_each=each,
                    rate=rate,
                    kill_after=kill_after,
                )
        finally:
            server.stop()
    for label, run in runs.items():
        section.rows.append(
            Row(
                f"4 processes (2 async) sharing one `RedisRateLimiter`, {label}: span of "
                f"{run.arrivals} arrivals at {rate[0]} per {rate[1]:g} s vs the bound",
                f"{run.span:.2f} s",
                f"{run.bound:.2f} s",
                f"{run.ratio:.3f}×",
                "≤ 1.10×",
                run.ratio <= 1.10,
            )
        )
    refused = sum(run.too_many for run in runs.values())
    section.rows.append(
        Row(
            "4 processes: 429 answers counted by the sandbox",
            f"{refused}",
            "–",
            "–",
            "0",
            refused == 0,
        )
    )
    section.details += [
        f"Four worker processes, two sync (2 threads each) and two async (3 tasks each), each "
        f"with its own `RedisRateLimiter` on one key of a local `redis-server`, send {each} "
        f"`campaigns.get` apiece to one sandbox limited to {rate[0]} requests per {rate[1]:g} s. "
        "They get ready first and start together. The span runs from the first arrival at the "
        "sandbox to the last; the bound is the shortest span the sandbox's fixed windows allow "
        "for that many arrivals: (windows - 1) × the window. In the second run the first worker "
        f"(async) is SIGKILLed once the sandbox has received {2 * each} requests; its places "
        "are released when its lease (0.5 s here) runs out. One run each.",
        "",
        "| run | arrivals | span s | bound s | ratio | 429s |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {label} | {run.arrivals} | {run.span:.3f} | {run.bound:.1f} | "
            f"{run.ratio:.3f}× | {run.too_many} |"
            for label, run in runs.items()
        ),
        "",
    ]
    return section


# ------------------------------------------------------------------------------------------
# Campaign results (issue 12)


RESULTS_RECIPIENTS = 100_000
RESULTS_CALLS = 250_000
RESULTS_RETRY = {"max": 3, "delay": 4, "retry_on": ["NO_ANSWER", "VOICE_BOX"]}
_RESULT_STATUSES = ("COMPLETED", "NO_ANSWER", "VOICE_BOX", "NO_ANSWER", "COMPLETED", "FAILED")


def _results_data(recipients: int, calls: int) -> tuple[list[Any], list[Any]]:
    """Recipients and typed Calls (as ``client.calls.list`` yields them): every recipient
    called once, then retries spread over the first ones, until ``calls`` calls."""
    from volubile_ext import Call, Recipient

    people = [
        Recipient(f"+3361{index:07d}", {"firstName": f"Ana{index}", "contract": f"C{index}"})
        for index in range(recipients)
    ]
    start = datetime.datetime(2031, 3, 3, 9, 0, tzinfo=datetime.UTC)
    made = []
    for number in range(calls):
        index = number % recipients
        attempt = number // recipients
        status = _RESULT_STATUSES[(index + attempt) % len(_RESULT_STATUSES)]
        answered = status == "COMPLETED"
        moment = start + datetime.timedelta(hours=4 * attempt, seconds=index)
        document = {
            "id": str(uuid.UUID(int=number + 1)),
            "phone": people[index].phone,
            "status": status,
            "startTime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "extractedData": {"renew": "yes", "plan": "annual"} if answered else {},
            "classificationData": {"Sentiment": "Positive"} if answered else {},
            "classifiers": [{"name": "Sentiment", "value": "Positive", "type": "PRIMARY"}]
            if answered
            else [],
        }
        made.append(Call.from_document(document))
    return people, made


def _bare_results(people: Sequence[Any], calls: Sequence[Any]) -> list[tuple[Any, ...]]:
    """What a user would write: a dict of each number's calls, then one tuple per row (the
    same cells as ours: attempts, latest status, reached, the latest reached call's data)."""
    by_phone: dict[str, list[Any]] = {person.phone: [] for person in people}
    for call in calls:
        by_phone.setdefault(call.phone, []).append(call)
    rows = []
    for phone, made in by_phone.items():
        last = max(made, key=lambda call: call.start_time) if made else None
        reached = [call for call in made if call.status in ("COMPLETED", "TRANSFERRED")]
        data = reached[-1] if reached else None
        rows.append(
            (
                phone,
                len(made),
                str(last.status) if last else "NOT_CALLED",
                bool(reached),
                " ".join(str(call.id) for call in made),
                data.extracted_data.get("renew") if data else None,
                data.extracted_data.get("plan") if data else None,
                data.classification_data.get("Sentiment") if data else None,
            )
        )
    return rows


class _NullText:
    """A text stream that keeps nothing: what the export writes is counted, not held."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)


def bench_results(config: Config) -> Section:
    """campaigns.results' join and export against a bare dict join of the same data."""
    from volubile_ext.campaigns._results import join_results

    section = Section("Campaign results")
    recipients = config.pick(10_000, RESULTS_RECIPIENTS)
    count = config.pick(25_000, RESULTS_CALLS)
    rounds = config.pick(2, 7)
    people, calls = _results_data(recipients, count)

    def ours() -> None:
        results = join_results(people, calls, retry=RESULTS_RETRY)
        if sum(1 for _ in results) != recipients or results.totals.calls != count:
            raise RuntimeError(f"results: {results!r}")

    def baseline() -> None:
        if len(_bare_results(people, calls)) != recipients:
            raise RuntimeError("bare join lost rows")

    samples = _interleaved_rounds({"results": ours, "bare": baseline}, rounds, 1)
    _cpu_bound_rows(
        section,
        f"results, {recipients:,} recipients / {count:,} calls vs a bare dict join",
        samples["results"],
        samples["bare"],
        target=3.0,
        unit=_cpu_ms,
    )

    # Peak memory while joining and writing the CSV (to a stream that keeps nothing), against
    # what the output rows alone hold as plain tuples (measured after the bare join's lists
    # are gone). The recipients and calls exist before, for both.
    peaks: list[int] = []
    held: list[int] = []
    for _ in range(config.pick(1, 3)):
        gc.collect()
        tracemalloc.start()
        try:
            sink = _NullText()
            join_results(people, calls, retry=RESULTS_RETRY).write_csv(sink)  # type: ignore[arg-type]
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        gc.collect()
        tracemalloc.start()
        try:
            rows = _bare_results(people, calls)
            gc.collect()
            held.append(tracemalloc.get_traced_memory()[0])
        finally:
            tracemalloc.stop()
        del rows
    ratios = [a / b for a, b in zip(peaks, held, strict=True)]
    section.rows.append(
        Row(
            f"results peak memory (join + CSV), {recipients:,} / {count:,} vs the rows as tuples",
            f"{_median(peaks) / 2**20:.1f} MiB",
            f"{_median(held) / 2**20:.1f} MiB",
            f"{_median(ratios):.2f}× ({_spread(ratios)})",
            "≤ 2×",
            _median(ratios) <= 2.0,
        )
    )
    section.details[:0] = [
        f"{recipients:,} recipients (a two-field context) and {count:,} typed `Call` values "
        "(every recipient called once, then retries four hours apart; a third of the calls "
        "COMPLETED with extracted and classified data), built beforehand. Ours: "
        "`join_results(recipients, calls, retry=...)` and every row iterated (what "
        "`campaigns.results` does once the pages are read, without HTTP). Baseline: a dict of "
        "each number's calls and one tuple per row with the same cells. CPU time judged, "
        f"{rounds} interleaved rounds. Peak memory: `tracemalloc`'s peak while joining and "
        "writing the CSV to a stream that keeps nothing, against the memory the baseline's "
        "rows hold as tuples once its lists are gone.",
        "",
    ]
    return section


# ------------------------------------------------------------------------------------------
# 12. The sandbox's simulated campaigns (issue 12)

SIMULATED_MONTH = datetime.timedelta(days=30)
# The budget the issue sets: 1 s of CPU per simulated month.
SIMULATION_BUDGET = 1.0


def _simulated_campaign(batch_size: int) -> tuple[float, float, float, int]:
    """One 1,000-recipient campaign's whole life on a fresh sandbox, within a simulated month:
    CPU and wall seconds of ``clock.advance(days=30)``, its life in days, its calls."""
    from volubile_ext.testing import Sandbox

    body = build_campaign_request(
        **dict(
            CREATE_ARGS,
            agent_id=Sandbox.OUTBOUND_AGENT_ID,
            time_slots=["09:00-15:00", "16:00-19:00"],
            batch_size=batch_size,
            retry={"max": 3, "delay": 4, "retry_on": ["NO_ANSWER", "VOICE_BOX"]},
            recipients=_recipients(1000),
        )
    ).to_json()
    with Sandbox(rate_limit=None) as sandbox:
        clock = sandbox.start_clock("2031-03-01T00:00:00+00:00")
        sandbox.simulation(seed=1, outcomes={"COMPLETED": 0.5, "NO_ANSWER": 0.3, "VOICE_BOX": 0.2})
        response = httpx.post(
            f"{sandbox.url}/v1/campaigns", json=body, headers={"X-Api-Key": sandbox.api_key}
        )
        response.raise_for_status()
        campaign_id = response.json()["id"]
        started = clock.time()
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        clock.advance(days=SIMULATED_MONTH.days)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        progress = sandbox.progress(campaign_id)
        if not progress.finished or progress.final != 1000:
            raise RuntimeError(f"the campaign did not finish within a simulated month: {progress}")
        last = max(call.document["endTime"] for call in sandbox.calls())
        life = datetime.datetime.fromisoformat(last).timestamp() - started
        return cpu, wall, life / 86400, progress.calls


def bench_simulation(config: Config) -> Section:
    section = Section("Simulated campaigns in the sandbox")
    rounds = config.pick(1, 5)
    months = SIMULATED_MONTH / datetime.timedelta(days=30)
    runs = {size: [_simulated_campaign(size) for _ in range(rounds)] for size in (100, 1000)}
    for size, results in runs.items():
        cpu = _median([run[0] for run in results])
        ratio = cpu / (SIMULATION_BUDGET * months)
        section.rows.append(
            Row(
                f"simulated 1,000-recipient campaign (batchSize {size}, 3 retries), "
                "whole life in one simulated month: CPU vs the 1 s budget",
                f"{cpu:.2f} s",
                f"{SIMULATION_BUDGET * months:.2f} s",
                f"{ratio:.2f}× ({_spread([run[0] / SIMULATION_BUDGET for run in results])})",
                "≤ 1×",
                ratio <= 1.0,
            )
        )
    section.details += [
        "One campaign of 1,000 recipients (weekdays, `09:00-15:00` and `16:00-19:00`, clipped "
        "to 10:00-13:00 and 14:00-19:00 in Europe/Paris; retry max 3, delay 4 h, on NO_ANSWER "
        "and VOICE_BOX; outcomes 50% COMPLETED, 30% NO_ANSWER, 20% VOICE_BOX, seed 1) created "
        "over HTTP on a fresh sandbox, then `sandbox.clock.advance(days=30)`: every call placed "
        "(stored IN_PROGRESS) and ended (stored again with its data), no webhook. The baseline "
        "is the issue's budget, not another program: 1 s of CPU per simulated month (the "
        "process's CPU time, the sandbox's idle server threads included). "
        f"{rounds} fresh sandbox(es) per batch size; medians.",
        "",
        "| batchSize | CPU s | wall s | life (days) | calls |",
        "|---:|---:|---:|---:|---:|",
        *(
            f"| {size} | {_median([r[0] for r in results]):.3f} | "
            f"{_median([r[1] for r in results]):.3f} | {_median([r[2] for r in results]):.1f} | "
            f"{results[0][3]} |"
            for size, results in runs.items()
        ),
        "",
    ]
    return section


# ------------------------------------------------------------------------------------------
# 9. Iterating calls (issue 11)


def _calls_rate(config: Config) -> tuple[int, float]:
    """The API's limit (100 requests per 15 s, under which 100 pages fit in one window) scaled
    down to ten requests per window, so that 100 pages wait for nine windows (45 s). A window
    still lasts a hundred times longer than a request, as the API's does: a pager fetches one
    page at a time, and its limiter holds each place until its request has ended (the server
    counts arrivals: it must never see one too many), which costs one round trip per window;
    the last window's pages are fetched one after the other."""
    return config.pick((5, 1.5), (10, 5.0))


def _sandbox_with_calls(count: int, rate: tuple[int, float]) -> Any:
    from volubile_ext.testing import Sandbox

    sandbox = Sandbox(rate_limit=rate).start()
    for index in range(count):
        sandbox.add_call(phone=f"+3361{index:07d}", campaign="Renewals")
    return sandbox


def _iterate_calls(
    kind: str, sandbox: Any, count: int, rate: tuple[int, float]
) -> tuple[float, int]:
    """Every call of the sandbox through ``calls.list``: wall time, and the sandbox's 429s."""
    options = _measured_client_options(sandbox, rate)
    if kind == "async":

        async def iterate() -> tuple[float, int]:
            async with AsyncVolubile(**options) as client:
                started = time.perf_counter()
                seen = 0
                async for _ in client.calls.list(page_size=CALLS_PAGE_SIZE):
                    seen += 1
                return time.perf_counter() - started, seen

        elapsed, seen = asyncio.run(iterate())
    else:
        with Volubile(**options) as client:
            started = time.perf_counter()
            seen = sum(1 for _ in client.calls.list(page_size=CALLS_PAGE_SIZE))
            elapsed = time.perf_counter() - started
    if seen != count:
        raise RuntimeError(f"the {kind} pager gave {seen} calls of {count}")
    return elapsed, _too_many(sandbox)


def _page_variants(url: str) -> tuple[dict[str, Operation], Callable[[], None]]:
    """One page of 100 calls per operation: ours through the pager, raw httpx with .json()."""
    raw = httpx.Client(base_url=url, headers={"X-Api-Key": API_KEY})
    ours = Volubile(api_key=API_KEY, base_url=url, rate_limit=NO_WAIT_RATE_LIMIT)
    pages = iter(ours.calls.list(page_size=CALLS_PAGE_SIZE).pages())
    number = iter(range(1, 1 << 62))

    def raw_page() -> Any:
        response = raw.get("/v1/calls", params={"page": next(number), "size": CALLS_PAGE_SIZE})
        return response.json()

    def ours_page() -> Any:
        return next(pages)

    def close() -> None:
        raw.close()
        ours.close()

    return {"raw httpx": raw_page, "volubile_ext": ours_page}, close


def _check_page(result: Any) -> None:
    items = result["content"] if isinstance(result, dict) else result.items
    if len(items) != CALLS_PAGE_SIZE:
        raise RuntimeError(f"a page of {len(items)} calls, not {CALLS_PAGE_SIZE}")


def bench_calls(config: Config) -> Section:
    section = Section("Iterating calls")
    count = config.pick(2_000, 10_000)
    pages = count // CALLS_PAGE_SIZE
    limit, period = _calls_rate(config)
    bound = (pages - limit) / (limit / period)
    sandbox = _sandbox_with_calls(count, (limit, period))
    try:
        runs = {
            kind: _iterate_calls(kind, sandbox, count, (limit, period))
            for kind in ("sync", "async")
        }
    finally:
        sandbox.stop()
    for kind, (elapsed, _) in runs.items():
        section.rows.append(
            Row(
                f"{kind} `calls.list`: {count:,} calls ({pages} pages) at {limit} per "
                f"{period:g} s: wall time vs the bound",
                f"{elapsed:.2f} s",
                f"{bound:.2f} s",
                f"{elapsed / bound:.3f}×",
                "≤ 1.05×",
                elapsed / bound <= 1.05,
            )
        )
    refused = sum(run[1] for run in runs.values())
    section.rows.append(
        Row(
            "`calls.list`: 429 answers counted by the sandbox",
            f"{refused}",
            "–",
            "–",
            "0",
            refused == 0,
        )
    )

    rounds = config.pick(3, 9)
    per_round = config.pick(20, 60)
    page_bytes = len(json.dumps(_calls_page(CALLS_PAGE_SIZE)))
    with fixed_response_server() as url:
        variants, close = _page_variants(url)
        try:
            for operation in variants.values():
                _check_page(operation())  # also opens the connection
            _interleaved_sync(variants, 1, per_round // 2)  # warm-up
            samples = _interleaved_sync(variants, rounds, per_round)
        finally:
            close()
    _ratio_rows(
        section,
        f"sync `calls.list`, one page of {CALLS_PAGE_SIZE} calls",
        samples,
        "volubile_ext",
        [("raw httpx", "raw httpx `.json()`", 1.10)],
    )
    section.details += [
        f"**Under the rate limit.** {count:,} calls in a sandbox limited to {limit} requests "
        f"per {period:g} s (the API's 100 per 15 s, scaled down; see `_calls_rate`), read with "
        f"`calls.list(page_size={CALLS_PAGE_SIZE})` by a client with `rate_limit=({limit}, "
        f"{period:g})`: {pages} pages. The bound: ({pages} − {limit}) / {limit / period:g} per "
        f"s = {bound:.2f} s past the first window. One run each, sync then async, on one "
        "sandbox (its window reset and its log emptied before each); 429s counted from the "
        "sandbox's request log.",
        "",
        "| client | wall s | ratio to the bound | 429s |",
        "|---|---:|---:|---:|",
        *(
            f"| {kind} | {run[0]:.3f} | {run[0] / bound:.3f}× | {run[1]} |"
            for kind, run in runs.items()
        ),
        "",
        f"**One page.** The minimal server of the overhead section answers every `GET "
        f"/v1/calls` with the same page of {CALLS_PAGE_SIZE} calls as the sandbox makes them "
        f"(extractors, classifiers, context; {page_bytes:,} bytes of JSON) "
        "and says there are a million pages. Ours: the next page of a "
        "`calls.list(...).pages()` iterator (the request, then 100 typed `Call` values); raw "
        "httpx: `GET /v1/calls?page=N&size=100` and `.json()`. "
        f"{rounds} rounds of {per_round} pages each, interleaved in blocks of {BLOCK}.",
        "",
    ]
    section.details += _variant_details("One page of calls", samples, "raw httpx")
    return section


SECTIONS: dict[str, Callable[[Config], Section]] = {
    "overhead": bench_overhead,
    "import": bench_import,
    "body": bench_body,
    "recipients": bench_recipients,
    "create": bench_create,
    "create_many": bench_create_many,
    "concurrency": bench_concurrency,
    "bulk": bench_bulk,
    "burst": bench_burst,
    "tokens": bench_tokens,
    "redis": bench_redis,
    "results": bench_results,
    "simulation": bench_simulation,
    "calls": bench_calls,
}


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine_description() -> list[str]:
    import importlib.metadata

    return [
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical cores",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- httpx {httpx.__version__}, httpcore {importlib.metadata.version('httpcore')}, "
        f"attrs {importlib.metadata.version('attrs')}",
        f"- Date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
    ]


def render_table(sections: Sequence[Section]) -> list[str]:
    lines = [
        "| measurement | ours | baseline | ratio (spread) | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for section in sections:
        for row in section.rows:
            lines.append(
                f"| {row.measurement} | {row.ours} | {row.baseline} | {row.ratio} | "
                f"{row.target} | {_yes(row.met)} |"
            )
    return lines


# What the profiles showed and what was changed (issues 14 and 6). Static text: its figures come
# from the profiling sessions and runs named in it, not from the run that writes the report.
NOTES = """\
## Fourth pass: recipients encoded once, one object per request

"Before" is main at 407ca02, "after" this pass's branches (perf-body, perf-get, perf-fixed),
each pair measured in alternating runs of the same sections (the old code exported beside the
new, on the path), at loads 0.7 to 2.5. The summary table above is a later full run of the
merged code.

| measurement | target | before | after |
|---|---|---:|---:|
| sync `campaigns.get` vs raw httpx | ≤ 1.05× | 1.086×, 1.087×, 1.116× | 1.064×, 1.068×, 1.071× |
| async `campaigns.get` vs raw httpx | ≤ 1.10× | 1.045×, 1.051×, 1.052× | 1.032×, 1.040×, 1.029× |
| 2,000 async gets, 50 in flight | ≤ 1.05× | 0.963×, 1.004×, 1.094× | 0.969×, 1.015×, 0.982× |
| `campaigns.create`, 1,000 recipients | ≤ 1.4× | 1.492–1.563× | 1.408–1.511× |
| `create_many`, 20,000 recipients | ≤ 1.2× | 1.516–1.621× | 1.237–1.372× |

**Recipients encoded once.** A create about to be sent checks a plain list (`{"phone",
"context"}` dicts already in the body's form: phone first, a non-empty flat context with `str`
keys) and encodes it straight from the caller's dicts, in the installed httpx's own `json=`
encoding (found once by a probe; `json=` as before when it is not known). Those bytes are the
request's copy of its recipients: no copy of each context, no 1,000 `{"phone", "context"}`
dicts rebuilt and serialised per request, and a retry resends the same bytes whatever the
caller changed meanwhile. The generated endpoints send a JSON body model's own encoded bytes
when it hands them over (`volubile_api.types.EncodedJSONBody`, scripts/templates), with the
Content-Length and Content-Type of `json=` in the same order; the rest of the campaign body is
the generated model's, encoded with a marker where the recipients go. `create_many` encodes each
chunk during its one up-front check. In process, a 1,000-recipient create costs 10–12% less CPU.

**One object per request.** `_Operation` now holds the bound generated endpoint, the call's
state and the rate-limited auth flow (formerly `_Operation`, an `Exchange` of two closures,
`_Call` and `_LimitedAuth`); a canonical campaign id is checked by one pattern and sent as it
is; the in-process limiter prunes inline. Counted per sync get, the bytecode we add over raw
httpx fell from about 1,050 to 590; the wall time by only about 2%. Reading the rate-limit
headers only when asked for was built and measured (two alternating runs each: 1.060×, 1.068×
lazy against 1.065×, 1.060× eager) and dropped: it bought nothing measurable for its machinery.

**What is left.** Per 1,000-recipient create, over raw httpx: the check itself, about 550 µs
(the numbers' format, the exact types of 1,000 numbers and 3,000 keys and values), about 80 µs
of key-order checks, and about 225 µs fixed per call whatever the number of recipients, of
which validation of the other fields is 40–48 µs, the generated model's `from_dict` and
`to_dict` of the body about 30 µs, and the send loop shared with `get` the rest. `create_many`
at 1.2× leaves 9–13 ms over raw for 20 chunks; checking 20,000 recipients alone takes about
11 ms. Sync `get` at 1.05× leaves about 40 µs over raw; what remains (auth-flow generator,
the per-request `X-Api-Key`, the limiter's reserve and finish, `ResponseInfo`, the generated
endpoint) is each a few percent at most, and halving the bytecode moved the wall time 2%.

## Third pass: values read when first used, CSV by blocks, plain recipients, lighter import

"Before" is main at 4a88870, "after" the merged branches at 2ac7328; each pair was measured
in the same run (an exported copy of the old code beside the new one, or alternate runs), at
the load given in brackets. The summary table above is a later full run of the merged code.

| measurement | target | before | after |
|---|---|---:|---:|
| one page of 100 calls vs raw httpx | ≤ 1.10× | 3.99–6.49× | 1.004× [1.2], 1.102× [4.1] |
| sync `campaigns.get` vs raw httpx | ≤ 1.05×, 1.10× | 1.157–1.232× | 1.085–1.135× |
| `from volubile_ext import Volubile` | ≤ 1.15× | 1.248× [2.6] | 1.108× [2.6] |
| `load_recipients`, 100k / 1M rows | ≤ 1.6× | 1.51× / 1.47× | 1.02× / 0.99× |
| `load_recipients`: CPU per row, 1M vs 10k | ≤ 1.15× | 1.12–1.45× | 0.94–1.37× |
| `campaigns.create`, 1,000 recipients (CPU) | ≤ 1.4× | 1.95–2.12× | 1.58–1.70× |
| `create_many`, 20,000 recipients (CPU) | ≤ 1.2× | 2.06–2.45× | 1.49–1.59× |

**Values read when first used.** A page of 100 calls spent about 2.9 ms reading 100 generated
`CallResponse` and 100 of our `Call`, against 0.43 ms of JSON decoding. The generated
`Response.parsed` is now computed when first read (scripts/templates/types.py.jinja), and
`Campaign`, `Agent` and `Call` are made holding only their decoded JSON object: the first
read of any field runs the generated `from_dict` and our conversion once, under a lock, and
fills the slots (`LazyValue` in `_models.py`; an empty slot raises AttributeError, which
reaches `__getattr__`). Equality, hashing, repr, `to_dict()`, `attrs.evolve` and copying see
the value an eager read gives (tests/unit/test_lazy_values.py compares them read by read).
Two further costs were the collector's: the decoded page hung on the httpx response, which
only the cycle collector frees, and lived into its oldest generation; and the pagers held the
last page while fetching the next. Both are gone (GC per page from 313–764 µs to about
64 µs, as for raw httpx). A program that reads every field of every call pays about what it
paid before (4.0× raw against 3.7–3.9×: the fill copies about twenty slots).

**The send loop.** The rate-limit figures are read in one pass over the raw headers (5.1 →
1.7 µs a response), a static credential (API key, bearer) is set by the limited flow itself
instead of a second auth generator, and an attempt far from its deadline builds no clipped
timeout. What remains over raw httpx, counted in bytecode per sync get (about 100 a
percent): the per-call objects of the send loop about 350, the limiter place about 250, the
rate-limit headers about 180, the JSON decode about 150 (raw pays it too), the `X-Api-Key`
header about 120 (raw httpx sets it once, as a default header: ours is set per request so that
a caller's own httpx client never holds the key), the id's UUID about 90. 1.05× needs the
per-call objects folded into one.

**Import.** The campaign values and the generated campaign models load with the first
campaign call, `uuid` with the first id checked, the five module-level regular expressions
with their first use, and the generated package builds its client classes when first asked
for (scripts/templates/package_init.py.jinja): 31 modules over `import httpx, attrs` became
17, attrs classes built at import 14 → 5, our own import cost 20.5 → 8.4 ms (`-X
importtime`). The last move only shifts cost to the first client: the "import and build a
client" row shows it.

**`load_recipients`.** Each 64 KiB block of the source is parsed by one `csv.reader` call;
when it gives one row per line, its usual rows (header width, a new E.164 number) are checked
and made by whole-block steps in C, a block with unusual rows is halved down to single rows,
and a block holding a multi-line value or a CSV error is read again row by row by the old loop
(same messages). The duplicate check is a set filled a block at a time; recipients' row numbers
are runs, one per block. What still grows from 10k to 1M rows is the collector's one pass over
the new recipients after the import (0.3 → 0.45 µs a row, memory out of cache) and first-touch
page faults (the baseline's too): the growth row moves between 0.94× and 1.37× from run to run.

**`campaigns.create` and `create_many`.** A plain list of `{"phone", "context"}` dicts is kept
by the request as the numbers and one copy of each context (not tracked by the collector);
`Recipient` objects are made only if `request.recipients` is read; `create_many` checks the
whole list once, a block of chunks at a time, and cuts chunks from it. Measured in place per
1,000 recipients: the check about 1.1 ms (0.62 ms alone), the body's dicts about 0.15 ms, the
send loop about 0.35 ms over raw, and json.dumps (raw's too) about 1.4 ms. A second pass tried
reordered checks, checks over iterators, one join of keys and values, a cheaper E.164 test,
other block sizes and building the body's dicts during the check: none gained more than 1%.
What would reach 1.4× and 1.2× is sending the recipients without checking or copying them,
which the at-most-once rule forbids (a retry or a callback could send what was never
checked), or serialising them once at validation and sending bytes in place of httpx's
`json=`, which re-implements httpx's encoding: neither was done.

## Issue 14, second pass: CSV import, create and create_many with many recipients, import

"Before" is main at 6657590: its full run (idle machine, load 1.0) and, in brackets, a run
of these sections of the same commit at load 4.4 (median of the run). "After" is this
branch's run (commit 819363f's code) at a load median of 10.3 (4.8 to 16.0; 2 cores shared
by other engineers' builds and this branch's own test run): its rows replace these rows of
the summary table, and its details these sections below. At that load the spreads are wide
and single ratios move by a third from run to run; the memory row and the import rows
(fastest of 41) are the ones a loaded machine distorts least.

| measurement | target | before | after |
|---|---|---:|---:|
| `load_recipients`, 100k rows vs `list(csv.DictReader(...))` | ≤ 1.6× | 1.34× [1.31×] | 1.37× |
| `load_recipients`, 1M rows vs `list(csv.DictReader(...))` | ≤ 1.6× | 1.44× [1.59×] | 1.64× |
| `load_recipients`: CPU per row, 1M rows vs 10k | ≤ 1.15× | 1.42× [0.98×] | 1.32× |
| `load_recipients` peak memory, 100,000 rows | ≤ 1.2× | 1.10× [1.10×] | 1.04× |
| `campaigns.create`, 1,000 recipients vs raw httpx | ≤ 1.4× | 2.27× [2.28×] | 2.48× |
| `create_many`, 20,000 recipients, no limit, vs a raw loop | ≤ 1.2× | 2.28× [2.12×] | 1.90× |
| `import volubile_ext` vs `import httpx, attrs` (runtime venv) | ≤ 1.15× | 1.45× [1.44×] | 0.12× |
| `from volubile_ext import Volubile` vs `import httpx, attrs` | ≤ 1.15× | – [1.40×] | 1.35× |

The import figures before: the full run's medians, and in brackets the fastest of 9
interleaved runs of an exported copy of main and of this branch side by side (load about 4),
the method now used (see Import below).

**`load_recipients`.** The duplicate check kept a dict of number to row number: an int object
(32 bytes) and a dict entry per row, probed at random, and alone it grew from about 0.1 µs a
row at 10k to 0.3 µs at 1M (most of what remained of the growth). The numbers kept are now the
keys of a dict whose values are all `None`, and each recipient's row is in an `array` of
machine integers (8 bytes, no object); the number-to-row map a duplicate needs is built when
the first duplicate comes and extended only as later duplicates come. The rows that are not
new E.164 numbers take the same path as before. On a machine this loaded (load 4 to 11 while
this was measured) the per-row growth moves between 1.0× and 1.7× from one run to the next,
for the baseline too (whose own growth, 10k to 1M, was 1.21× on the idle machine): the row's
figure in a single run says little; the memory saved is certain.

**`campaigns.create` and `create_many` with many recipients.** Nothing was done twice any
more (the fingerprint went in the first pass); what costs is checking and copying each
recipient in Python: a dict test, the E.164 pattern, a loop over the context's values, a copy,
a Recipient, about a dozen interpreter-level calls per recipient. A list of plain recipients
(dicts of exactly `phone` and `context`, an E.164 number, text keys and text values: what a
caller or a CSV row gives) is now checked and copied by whole-list steps that run in C:
`set(map(type, ...))`, `map(pattern.fullmatch, ...)`, one `str.isascii` (and one surrogate
search only when not ASCII) over all keys and one over all values joined, `map(dict.copy,
...)`, the Recipients made and filled by `map`. Any other list, and any list with a problem,
goes through the per-recipient rules, which alone word the errors (tests compare the two paths
item by item). Timed alone on the loaded machine, checking 1,000 plain recipients went from
1.5–3.1 ms to 1.0 ms (fastest runs). What the create still does that the raw call does not,
per 1,000 recipients: this check and copy, then `to_json` building each recipient's body dict
again with a copy of its context (about 0.3 ms; building them with `map` instead measured
slower, dict literals are the fast way), and the generated request model's `from_dict` of the
other fields and its `to_dict` (about 15 µs, not per recipient). The send itself is httpx's,
the same `json.dumps` as the raw call. Reaching 1.4× would need the body's recipients to be
made once, at validation, and kept as their JSON form next to the Recipient (a dict more per
recipient held by every request): left for a decision, as it trades memory for the create.

**Import.** `import volubile_ext` loads only `_version`: every public name is imported from
its module when first read (PEP 562 `__getattr__` over one table in `__init__.py`; the same
names are imported under `TYPE_CHECKING` for mypy and IDEs, and a test checks the two agree),
so the issue's row is met by construction and says little. What a program pays is `from
volubile_ext import Volubile`, now a row of its own: `resources/campaigns.py` imports the bulk
runtime, the planner and `prepare_create` at the first create, not with the client (`_bulk`,
`_planning`, `_prepare`, `_holidays`: about 8 ms idle). What remains over `import httpx,
attrs` (`-X importtime`, loaded machine): the generated layer the client's wire needs (spec
table, client, types, four response models: about 17 ms), `_campaign_input` and
`_recipients` (about 10 ms, pulled in by `_models` for `RetrySettings` and by
`_base_client` for `CampaignRequest`), `_errors`, `_base_client`, `_auth`, `_retry`. Below
1.15× would need the response side (`_models`, perf-get's) and the wire to stop importing the
request rules, and the generated models the wire imports to load with the first call.
**Method:** the import rows were medians of 31 fresh interpreters, whose rounds ranged from
0.96× to 2.02× in one run. They are now judged on the fastest of 41 interleaved runs per
statement, ours and the baseline measured alike: a fresh interpreter on a shared machine can
only be slowed by other processes, so the fastest run is the closest to the import's own
cost; the median ratio of neighbouring runs is still shown.

## Issue 14: what the profiles showed, and what changed

"Before" is the library at commit 9447f72 measured by this version of the script (the same
rows and baselines), in a run of the issue's sections (`--only recipients create create_many
import overhead concurrency body`) just before the full run above, on the same machine. Both
runs were made while other engineers' jobs kept the 2 cores busy (load average around 6 in the
"before" run; the full run's own is in the Machine section): the spreads are wide, and the
ratios, each taken against its baseline in the same round, are what to compare. The
concurrency row's "before" (and the second sync `get` figure) come from a later run of those
two sections, after the minimal server became an asyncio one: the threaded server listened
with socketserver's backlog of 5, and 50 connections opened at once waited for SYN retries.
Neither row depends on what issue 14 changed (sync `get` sat at 1.06× before and after it; the
concurrency row's rounds range over a factor of two on this machine). Sync `get` rose to about
1.19× afterwards, with issue 10's wire (requests sent and responses parsed by the generated
operations and models): the generated operation alone is about 1.09× raw httpx (the table's
"vs generated" rows), and the parse of its model plus our conversion is most of the rest.

| measurement | target | before | after: the table above |
|---|---|---:|---|
| `load_recipients`, 100,000 rows vs `list(csv.DictReader(...))` | ≤ 1.6× | 2.33× (2.13–2.48) | |
| `load_recipients`, 1,000,000 rows vs `list(csv.DictReader(...))` | ≤ 1.6× | 2.68× (2.60–2.90) | |
| `load_recipients`: CPU per row, 1M rows vs 10k | ≤ 1.15× | 1.71× (4.40 vs 2.58 µs) | |
| `load_recipients` peak memory, 100,000 rows | ≤ 1.2× | 1.43× | |
| `campaigns.create`, 1,000 recipients vs raw httpx | ≤ 1.4× | 2.03× (1.70–2.90) | |
| `create_many`, 20,000 recipients, no limit, vs a raw loop | ≤ 1.2× | 5.29× (2.74–11.06) | |
| `import volubile_ext` vs `import httpx, attrs` (runtime venv) | ≤ 1.15× | 1.32× (1.03–1.78) | |
| sync `campaigns.get` vs raw httpx | ≤ 1.05× | 1.057× (0.97–1.10); 1.068× (1.00–1.08) | |
| async, 2,000 gets, 50 in flight, vs raw `httpx.AsyncClient` | ≤ 1.05× | 1.12× (0.69–1.95) | |

**`load_recipients`.** Three costs grew with the rows or made them dear, and each is gone:

- The cyclic garbage collector walked every `Recipient` made so far on each pass over the
  older generations (a third of the time at 1M rows, and the part that grew faster than the
  rows: the baseline's dicts of text are not tracked at all). It is now paused while a CSV is
  read, and restored as it was (shared by concurrent imports, restored by the last); the
  import makes no reference cycles for it to find. The first collection after the import
  walks the new recipients once: the benchmark counts it (`gc.collect(0)` in both variants).
- `dict(zip(header, cells, strict=True))` and its `pop` of the phone, per row (about half the
  samples): a CSV row's recipient now holds the row's own cells as a tuple and the header's
  names as one tuple shared by every row of the file; its context dict is made when asked for.
  `strict=True` re-checked what `len(cells) == width` had just checked.
- Memory: 184 bytes of dict per row became 56 bytes of tuple; the peak at 100,000 rows went
  from 1.43× to about 1.1× the baseline's, the result itself is smaller than the list of dicts.

What remains of the growth from 10k to 1M rows is the duplicate check, which the baseline does
not make: a dict of 1M numbers, probed at random, went from 0.09 to 0.31 µs a row in isolation.

**`create_many` and `campaigns.create` with many recipients.** Every chunk was serialised a
second time, as sorted JSON for a SHA-256 fingerprint, even without a journal, which is the
only reader of fingerprints: they are now computed by the journal, once per chunk (counted in
`tests/test_bulk.py`). `trusted_recipient` sets the fields itself (a call fewer per
recipient). What is left is the validation of each recipient (about 0.5 µs idle: a phone
pattern, three values' types and text, a copy) and the copy back into the body; the body
is built differently once the request side moves to the generated request model (issue 10),
which is why the rest was left to be measured after it.

**Import.** Measured in a venv of its own (the development venv's httpx loads rich, click and
pygments). Module by module, in that venv, after `import httpx, attrs` (ms of CPU, median of
five fresh interpreters): `volubile_api` (its `__init__` and attrs client classes, for the
`_spec` table) 2.5, `_errors` 2.0, `_timeslots` 1.2, `_days` 0.5, `_recipients` 4.8,
`_campaign_input` 3.0, `_models` 3.4, `_planning` 3.4, `_bulk` 4.7, `_retry` 1.8, `_client`
0.9: about 28 ms over httpx and attrs' 90 to 100. Most of it is the 24 public attrs classes
(about 0.65 ms each: attrs compiles their methods when the class is made) and about 2 ms of
regular expressions. Deferring `_bulk` and `_planning` to the first `create` would save about
8 ms (to about 1.23×); reaching 1.15× also needs the response model (`_models` imports the
create-input rules for `RetrySettings`) to stop pulling in the request side, which is where
the client's modules are being split (issue 10): left for after that lands.

## Issue 6: what the profiles showed, and what changed

Profiled on 2026-11-27 with cProfile (3,000 requests per variant), `-X importtime`, `timeit` of
single steps (best of 7) and ablations interleaved against raw httpx. "Before" is the library at
commit 1e5cba7, measured with this script in a full run on the same machine the same day:

| measurement | before | after: the table above |
|---|---:|---|
| sync `campaigns.get` vs raw httpx | 1.10× | |
| sync `campaigns.create` vs raw httpx | 1.19× | |
| async `campaigns.get` vs raw httpx | 1.05× | |
| async `campaigns.create` vs raw httpx | 1.11× | |
| `import volubile_ext` vs `import httpx, attrs` | 1.35× | |
| `create_many` at 20/s: wall time vs the bound; 429s in 3 runs | 1.51×; 3 | |

**Per request.** httpx, httpcore and h11 take about nine tenths of a loopback request in
every variant (about 1,750 Python-level calls per request). What volubile_ext adds, each
step timed alone: validating `create`'s nine arguments 10.6 µs (15.7 before), building the
body 5.1 µs, parsing the answer into a `Campaign` with its `ResponseInfo` 8.5 µs (12.3
before), limiter, deadline, auth and status handling about 4 µs (about 2 µs more before).
In the request loop these steps cost about twice what they cost alone: their code and data
have left the CPU caches by the time the answer is back. Changes:

- `_attempt_timeout` built a new `httpx.Timeout` for every attempt (the 120 s default deadline
  is always on); it now returns the configured one while the deadline is further away than the
  longest timeout.
- `ApiKeyAuth` and `BearerTokenAuth` implement `sync_auth_flow` / `async_auth_flow`
  themselves: httpx's default wraps `auth_flow` in a second generator, ended by a
  `StopIteration`, on every request.
- Response parsing reads each agent id and time slot text once (bounded memo; both values are
  immutable); the create-input rules do the same for agent id, slot and days texts (successful
  reads only, forgiving entry point only).
- The private per-call records are plain slotted classes instead of attrs ones.
- The decisive one, found by timing `client.build_request` against `httpx.Request` (34 µs
  against 25 µs alone): the client builds each `httpx.Request` itself from the client's
  headers, header for header and byte for byte what `build_request` makes (pinned by a test),
  without re-merging URL, query parameters, cookies and a copy of the default headers on
  every call; the create URL is parsed once. Sync `campaigns.create` went from 1.18× to
  1.07× raw httpx, sync `get` from 1.06× to 1.04× (a client carrying cookies falls back to
  `build_request`).

What remains is the work the raw call does not do: checking the nine arguments of `create`
(about 11 µs alone), building the body (5 µs), the creation warnings (1.4 µs, memoised) and
parsing the typed campaign (8.5 µs). Against the generated client, async `create` sits at
about 1.02× with rounds from 1.00× to 1.08×: the generated `create` gets a model built once
and validates nothing, and the spread of that row covers the difference; sync `create` and
both `get`s are at or below it. Against a real server a request takes milliseconds.

**Import.** `-X importtime` showed two parts of `import volubile_ext` that no caller of the
sync client needs: asyncio (about 10 ms, imported by `_auth` and `_client` for the async paths)
and the generated client (about 12 ms: its models are attrs classes). asyncio is now imported by
the async paths, and the generated layer with the first client (the "build a client" line
counts it). attrs classes cost about 0.5 ms each at import (attrs compiles their methods): the
private ones became plain classes. What is left is our modules' own code (about 13 ms, mostly
the public attrs classes). The bytecode cache is warm, as after `pip install` (which compiles
it); the script keeps it in a folder of its own, so that `PYTHONDONTWRITEBYTECODE` (set by this
repository's CI) does not turn the measurement into one of compiling sources.

**Bulk creation.** Before, every run drew one 429 from the sandbox and paused for its
Retry-After (1 s): 3.0 s for a 2.0 s bound. The limiter counted a request from its start,
but the server counts it on arrival: the first request, which opens the connection, arrived
later after its start than the 21st, started exactly one period after it, so both fell in one
server window. A request now holds its place in the limiter's window until it ends: the
(N+1)-th starts a period after those N places back have ended, hence arrives a period after
they arrived, whatever the latencies (property-tested in `tests/unit/test_ratelimit_arrivals.py`).

**Bursts (issue 9).** Before, 200 concurrent `campaigns.get` against a default sandbox drew
6 to 12 429s and took about 30 s for a 15 s bound (async tasks; threads were spared by luck,
their start being spread by thread creation). The rule above was applied only when a place was
granted: in a burst every place is granted before any request has ended, so the 101st was
given the *start* of the first plus 15 s, and never revised. The first request reached the
server about 0.14 s after it started (100 connections being set up at once), the 101st reused a
keep-alive connection and arrived at once, 14.9 s after the first: 429, and every caller paused
for its Retry-After. Now a place granted behind requests still running gets an estimate, and its
caller asks again after waiting until the requests it depends on have ended; the burst finishes
the round trip of one wave after the bound. Places are taken just before a request leaves,
inside its auth flow, so a token mint in the middle of a burst never waits behind the requests
that need it.

**Body, CSV, tokens.** Met without changes. The CSV loop was already a tight fast path per
row; about a fifth of `load_recipients`' time is the garbage collector walking the 100,000 new
recipients. The first request of a client with `scopes=` pays one mint round trip; on loopback
that is a millisecond or two, within the noise of opening a connection.
"""


class LoadWatch:
    """The machine's 1-minute load average, sampled every few seconds while the run goes on.

    The benchmarks share the machine with whatever else runs; the report says how busy it was.
    """

    def __init__(self, every: float = 5.0) -> None:
        self.samples: list[float] = []
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.samples.append(os.getloadavg()[0])

    def _run(self) -> None:
        self._sample()
        while not self._stop.wait(self._every):
            self._sample()

    def __enter__(self) -> LoadWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def describe(self) -> str:
        if not self.samples:
            return "- Load: not available on this system"
        return (
            f"- Load (1-minute average, {len(self.samples)} samples over the run, "
            f"{os.cpu_count()} cores): median {_median(self.samples):.1f}, "
            f"{min(self.samples):.1f} to {max(self.samples):.1f}"
        )


def render_report(
    sections: Sequence[Section], config: Config, elapsed: float, load: LoadWatch
) -> str:
    mode = "--quick" if config.quick else "full"
    lines = [
        "# Benchmarks",
        "",
        "Written by `scripts/bench.py` (do not edit by hand: run "
        "`.venv/bin/python scripts/bench.py` again). "
        f"This run: {mode}, {elapsed:.0f} s.",
        "",
        "## Machine",
        "",
        *machine_description(),
        load.describe(),
        "",
        "## Summary",
        "",
        "Ratios are ours ÷ baseline, measured in the same run; the figure is the median over "
        "rounds and the parenthesis gives the lowest and highest round. Absolute times are for "
        "orientation: the machine is shared. Requests are judged on wall time; single-threaded "
        "CPU-bound work (import, body, CSV) on CPU time, its wall time being in its section.",
        "",
        *render_table(sections),
        "",
    ]
    lines += [NOTES]
    for section in sections:
        lines += [f"## {section.title}", "", *section.details, ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (about 20 s)")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "BENCHMARKS.md", help="report file to write"
    )
    parser.add_argument(
        "--only", action="append", choices=sorted(SECTIONS), help="run only these sections"
    )
    parser.add_argument("--serve-fixed-responses", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_fixed_responses:
        serve_fixed_responses()
        return 0
    config = Config(quick=args.quick)
    started = time.perf_counter()
    sections = []
    with LoadWatch() as load:
        for name in args.only or list(SECTIONS):
            print(f"== {name}", file=sys.stderr, flush=True)
            sections.append(SECTIONS[name](config))
    elapsed = time.perf_counter() - started
    print("\n".join(render_table(sections)))
    print(load.describe(), file=sys.stderr)
    args.output.write_text(render_report(sections, config, elapsed, load), encoding="utf-8")
    print(f"\nwritten to {args.output} ({elapsed:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
