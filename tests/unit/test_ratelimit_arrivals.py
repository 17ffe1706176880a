"""The limiter keeps the bound at the server, where requests are counted when they arrive.

A request arrives some time between its start and its end. A place is held until its request
ends, and a place granted behind requests still running gets an estimate that its caller asks
again about once it has waited (``SlidingWindowLimiter.wait``): the (N+1)-th request starts a
full period after the requests N places before it have ended, whatever the latencies, however
many callers asked at once.
"""

from __future__ import annotations

import heapq
import itertools

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from volubile_ext._ratelimit import RateLimitWaitTooLong, SlidingWindowLimiter, Slot
from volubile_ext.testing._ratelimit import FixedWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_place_behind_a_running_request_waits_for_its_end() -> None:
    # The burst case: every place is granted before any request has ended.
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, 10.0, clock=clock, margin=0)
    (wait0, slot0), (wait1, _), (wait2, slot2) = (limiter.reserve_slot() for _ in range(3))
    assert (wait0, wait1) == (0.0, 0.0)
    assert wait2 == 10.0  # an estimate: the first request ends no sooner than now
    clock.now = 0.5
    limiter.finished(slot0)  # it may have reached the server only now
    clock.now = 10.0
    assert limiter.wait(slot2) == 0.5  # 10 s after the first request *ended*
    clock.now = 10.5
    assert limiter.wait(slot2) == 0.0
    assert limiter.wait(slot2) == 0.0  # started: nothing more to wait


def test_a_request_running_longer_than_the_period_keeps_its_place() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 1.0, clock=clock, margin=0)
    _, running = limiter.reserve_slot()
    clock.now = 5.0
    wait, behind = limiter.reserve_slot()
    assert wait == 1.0  # the running request may arrive any moment: a period from now at least
    clock.now = 6.0
    assert limiter.wait(behind) == 1.0  # still running
    clock.now = 6.5
    limiter.finished(running)
    assert limiter.wait(behind) == 1.0
    clock.now = 7.5
    assert limiter.wait(behind) == 0.0


def test_a_place_given_up_while_waiting_is_withdrawn() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 10.0, clock=clock, margin=0)
    _, first = limiter.reserve_slot()
    _, abandoned = limiter.reserve_slot()
    wait, third = limiter.reserve_slot()
    assert wait == 20.0
    limiter.finished(abandoned)  # never sent: it frees its place
    limiter.finished(abandoned)  # a second call changes nothing
    limiter.finished(first)
    assert limiter.wait(third) == 10.0


def test_a_wait_past_max_wait_withdraws_the_place() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 10.0, clock=clock, margin=0)
    _, first = limiter.reserve_slot()
    wait, second = limiter.reserve_slot(max_wait=12.0)
    assert wait == 10.0
    clock.now = 10.0  # the first request is still running: 10 s more at least
    with pytest.raises(RateLimitWaitTooLong) as caught:
        limiter.wait(second, max_wait=2.0)
    assert caught.value.wait == 10.0
    limiter.finished(first)
    assert limiter.reserve() == 10.0  # the second took no place


def test_a_pause_is_reported_as_the_cause_of_a_wait() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, 1.0, clock=clock)
    limiter.pause_for(30.0)
    with pytest.raises(RateLimitWaitTooLong) as caught:
        limiter.reserve_slot(max_wait=5.0)
    assert caught.value.paused


def test_finishing_never_moves_a_slot_earlier() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 10.0, clock=clock, margin=0)
    limiter.reserve()
    wait, slot = limiter.reserve_slot()
    assert wait == 10.0
    clock.now = 10.0
    assert limiter.wait(slot) == 0.0
    limiter.finished(slot)  # ended at its start: it counts from its start
    assert limiter.reserve() == 10.0


@attrs.frozen
class Caller:
    asks_at: float
    latency: float
    arrives_after: float  # fraction of the latency after which the server counts the request
    gives_up: bool  # gives up at its first recheck (a deadline, a cancelled task)


@attrs.define
class Outcome:
    grant_order: list[int] = attrs.Factory(list)
    starts: dict[int, float] = attrs.Factory(dict)
    ends: dict[int, float] = attrs.Factory(dict)
    arrivals: list[float] = attrs.Factory(list)


def simulate(limiter: SlidingWindowLimiter, clock: FakeClock, callers: list[Caller]) -> Outcome:
    """Play the callers as a client's threads or tasks would, event by event, on a fake clock."""
    outcome = Outcome()
    slots: dict[int, Slot] = {}
    rechecks = dict.fromkeys(range(len(callers)), 0)
    sequence = itertools.count()
    events = [
        (caller.asks_at, next(sequence), "ask", index) for index, caller in enumerate(callers)
    ]
    heapq.heapify(events)

    def start(index: int) -> None:
        caller = callers[index]
        outcome.starts[index] = clock.now
        outcome.arrivals.append(clock.now + caller.arrives_after * caller.latency)
        heapq.heappush(events, (clock.now + caller.latency, next(sequence), "end", index))

    def waited(index: int, wait: float) -> None:
        if wait == 0:
            start(index)
        else:
            assert wait > 0
            heapq.heappush(events, (clock.now + wait, next(sequence), "recheck", index))

    while events:
        clock.now, _, kind, index = heapq.heappop(events)
        if kind == "ask":
            wait, slots[index] = limiter.reserve_slot()
            outcome.grant_order.append(index)
            waited(index, wait)
        elif kind == "recheck":
            rechecks[index] += 1
            # Behind a request still running, a place asks again once a period (it cannot know
            # when that request ends); otherwise once per place ahead at most.
            assert rechecks[index] <= 2 + len(callers) + clock.now / limiter.period
            if callers[index].gives_up:
                limiter.finished(slots[index])
            else:
                waited(index, limiter.wait(slots[index]))
        else:
            limiter.finished(slots[index])
            outcome.ends[index] = clock.now
    return outcome


callers_strategy = st.lists(
    st.builds(
        Caller,
        asks_at=st.one_of(st.just(0.0), st.floats(0, 30)),  # many ask at once: a burst
        latency=st.floats(0, 25),
        arrives_after=st.floats(0, 1),
        gives_up=st.booleans() | st.just(False),
    ),
    min_size=1,
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(limit=st.integers(1, 8), period=st.floats(0.1, 20), callers=callers_strategy)
def test_arrivals_keep_the_servers_bound_however_callers_interleave(
    limit: int, period: float, callers: list[Caller]
) -> None:
    clock = FakeClock()
    outcome = simulate(SlidingWindowLimiter(limit, period, clock=clock), clock, callers)

    # Everyone who did not give up was served.
    assert set(outcome.starts) >= {i for i, c in enumerate(callers) if not c.gives_up}
    # No sliding window of a period holds more than `limit` arrivals ...
    arrivals = sorted(outcome.arrivals)
    for first, later in zip(arrivals, arrivals[limit:], strict=False):
        assert later - first >= period
    # ... so the sandbox's fixed windows, anchored on the first arrival, refuse none.
    server_clock = FakeClock()
    server = FixedWindowLimiter(limit, period, server_clock)
    for arrival in arrivals:
        server_clock.now = arrival
        assert server.acquire().allowed


@settings(max_examples=200, deadline=None)
@given(limit=st.integers(1, 8), period=st.floats(0.1, 20), callers=callers_strategy)
def test_no_time_is_lost_each_request_starts_as_soon_as_the_rule_allows(
    limit: int, period: float, callers: list[Caller]
) -> None:
    callers = [attrs.evolve(caller, gives_up=False) for caller in callers]
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit, period, clock=clock)
    outcome = simulate(limiter, clock, callers)

    order = outcome.grant_order
    for place, index in enumerate(order):
        ahead = [outcome.ends[k] for k in order[: max(0, place - limit + 1)]]
        earliest = max([callers[index].asks_at, *(end + period + limiter.margin for end in ahead)])
        assert outcome.starts[index] == pytest.approx(earliest, abs=1e-9)
