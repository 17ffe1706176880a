"""The limiter keeps the bound at the server, where requests are counted when they arrive.

A request arrives some time between its start and its end. The limiter holds each slot until
its request ends, so the (N+1)-th request starts a full period after the requests N places
before it have ended: arrivals respect the bound whatever the latencies.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from volubile_ext._ratelimit import SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_slow_first_request_delays_the_next_window() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, 10.0, clock=clock)
    (wait0, slot0), (wait1, slot1) = limiter.reserve_slot(), limiter.reserve_slot()
    assert (wait0, wait1) == (0.0, 0.0)
    clock.now = 1.0
    limiter.finished(slot1)  # fast
    clock.now = 3.0
    limiter.finished(slot0)  # slow: it may have reached the server only now
    # Both requests two places back or more must have ended a period before the next starts.
    assert limiter.reserve() == 10.0  # starts at 13, not at 10
    assert limiter.reserve() == 10.0  # slot1 ended at 1, but slot0 (3 places back) at 3


def test_finishing_never_moves_a_slot_earlier() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 10.0, clock=clock)
    limiter.reserve()
    wait, slot = limiter.reserve_slot()
    assert wait == 10.0
    limiter.finished(slot)  # reported before its start: it still counts from its start
    assert limiter.reserve() == 20.0


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(1, 6),
    period=st.floats(0.1, 20),
    requests=st.lists(
        st.tuples(st.floats(0, 3), st.floats(0, 5)),  # (think time before, latency)
        min_size=1,
        max_size=60,
    ),
)
def test_every_request_starts_a_period_after_those_n_places_back_ended(
    limit: int, period: float, requests: list[tuple[float, float]]
) -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit, period, clock=clock)
    spans: list[tuple[float, float]] = []
    for think, latency in requests:
        clock.now += think
        wait, slot = limiter.reserve_slot()
        clock.now += wait
        start = clock.now
        clock.now += latency
        limiter.finished(slot)
        spans.append((start, clock.now))
    for later, (start, _) in enumerate(spans):
        for _, end in spans[: max(0, later - limit + 1)]:
            assert start >= end + period - 1e-9
