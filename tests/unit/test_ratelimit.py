"""The client-side limiter never starts more than N requests in any window of T seconds."""

from __future__ import annotations

import math
import threading
import time
from bisect import bisect_left

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.client_harness import in_threads
from volubile_ext._ratelimit import RateLimitWaitTooLong, SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def max_in_any_window(starts: list[float], period: float) -> int:
    ordered = sorted(starts)
    # Any window [s, s + period) that holds the most starts can be slid to begin at a start.
    # The nanosecond of slack absorbs rounding in `now + wait`, which the test reconstructs.
    return max(
        (
            bisect_left(ordered, start + period - 1e-9) - index
            for index, start in enumerate(ordered)
        ),
        default=0,
    )


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(1, 20),
    period=st.floats(0.1, 30),
    gaps=st.lists(st.floats(0, 5), min_size=1, max_size=120),
)
def test_never_more_than_the_bound_in_any_window(
    limit: int, period: float, gaps: list[float]
) -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit, period, clock=clock, margin=0)
    starts = []
    for gap in gaps:
        clock.now += gap
        wait = limiter.reserve()
        assert wait >= 0
        starts.append(clock.now + wait)
    assert max_in_any_window(starts, period) <= limit


def test_first_n_start_at_once_then_wait_for_the_window() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, 10.0, clock=clock, margin=0)
    assert [limiter.reserve() for _ in range(3)] == [0, 0, 0]
    assert limiter.reserve() == 10.0
    assert limiter.reserve() == 10.0
    clock.now = 4.0
    assert limiter.reserve() == 6.0
    assert limiter.reserve() == 16.0  # the 7th start waits for the 4th to leave its window


def test_a_wait_beyond_max_wait_reserves_nothing() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 10.0, clock=clock, margin=0)
    assert limiter.reserve() == 0
    with pytest.raises(RateLimitWaitTooLong) as caught:
        limiter.reserve(max_wait=5.0)
    assert caught.value.wait == 10.0
    assert limiter.reserve(max_wait=10.0) == 10.0  # the refused caller took no slot


def test_pause_for_delays_every_start() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(100, 15.0, clock=clock)
    limiter.pause_for(4.0)
    assert limiter.reserve() == 4.0
    clock.now = 5.0
    assert limiter.reserve() == 0.0


def test_threads_share_one_bound() -> None:
    # The clock stands still, so each wait is the absolute start time the limiter granted.
    limiter = SlidingWindowLimiter(10, 0.3, clock=FakeClock(), margin=0)
    starts: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def worker() -> None:
        barrier.wait()
        for _ in range(3):
            wait = limiter.reserve()
            with lock:
                starts.append(wait)

    in_threads(worker, 20)
    assert len(starts) == 60
    assert max_in_any_window(starts, 0.3) <= 10
    assert sorted(starts) == [pytest.approx(0.3 * (i // 10)) for i in range(60)]


@pytest.mark.parametrize(
    "bad",
    [(0, 15.0), (-1, 15.0), (True, 15.0), (10, 0), (10, -1.0), (10, math.nan), (10, math.inf)],
)
def test_bad_configuration_is_refused(bad: tuple[int, float]) -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        SlidingWindowLimiter(*bad)


def test_the_margin_is_added_to_every_wait_a_window_imposes() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 15.0, clock=clock)
    # The clock's resolution, plus a ten-thousandth of the period.
    resolution = time.get_clock_info("monotonic").resolution
    assert limiter.margin == pytest.approx(resolution + 0.0015)
    assert limiter.reserve() == 0
    assert limiter.reserve() == pytest.approx(15.0 + limiter.margin)
    assert SlidingWindowLimiter(1, 1.0, margin=0.25).margin == 0.25
    with pytest.raises(ValueError, match="margin"):
        SlidingWindowLimiter(1, 1.0, margin=-1)


@pytest.mark.parametrize("seconds", [0, -5, math.nan, math.inf, -math.inf])
def test_a_pause_that_is_no_number_of_seconds_is_ignored(seconds: float) -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(100, 15.0, clock=clock)
    limiter.pause_for(seconds)
    assert limiter.reserve() == 0.0
