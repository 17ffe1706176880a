"""The sandbox's simulated clock: time that a test moves forward, and that campaigns follow.

The clock holds one instant (UTC), frozen between moves, as Stripe's test clocks are. Moving it
forward plays every event due on the way, in time order: each campaign's calls starting and
ending (``_simulation``) and the webhook posts (``_webhook_poster``); while an event plays, the
clock reads its instant, so whatever the API stamps then (a call's times, a campaign's
``updated_at`` when a webhook receiver pauses it) is that instant.
"""

from __future__ import annotations

import datetime as _dt
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._simulation import Simulation

__all__ = ["SandboxClock", "SimulationStuck", "read_moment"]

#: How far ``run_until_done`` looks ahead by default: the planner's horizon (about 10 years).
DEFAULT_RUN_LIMIT = _dt.timedelta(days=3660)
_MAX_PLAYS_AT_ONE_INSTANT = 10_000


class SimulationStuck(RuntimeError):
    """``run_until_done`` could not finish: some ACTIVE campaign would still have recipients
    to call after the limit (``campaigns`` maps each one's id to how many)."""

    def __init__(self, message: str, campaigns: dict[str, int]) -> None:
        super().__init__(message)
        self.campaigns = campaigns


def read_moment(value: _dt.datetime | str, name: str) -> float:
    """An aware datetime or ISO 8601 text with an offset, as seconds since the epoch."""
    if isinstance(value, str):
        text = value
        try:
            value = _dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{name} must be ISO 8601 text with an offset, e.g. '2031-03-03T09:00:00+01:00': "
                f"{text[:60]!r}"
            ) from None
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be an aware datetime or ISO 8601 text")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (give it a tzinfo, e.g. UTC)")
    return value.timestamp()


class SandboxClock:
    """The sandbox's simulated time (get it from :meth:`Sandbox.start_clock`).

    It stands still until moved: :meth:`advance` and :meth:`advance_to` move it forward and
    play, in time order, what every campaign does meanwhile (see :meth:`Sandbox.simulation`);
    :meth:`run_until_done` moves it until every ACTIVE campaign has called everyone it will.
    The API's own timestamps (campaigns created and updated, calls, error responses) are the
    clock's; token lifetimes and rate-limit windows keep the sandbox's real clock, so that a
    client's token does not expire when a test skips a month.

    Thread-safe: moves are serialised, and API requests answered meanwhile (from a webhook
    receiver, say) read the instant of the event being played.
    """

    def __init__(self, start: float, simulation: Simulation) -> None:
        self._now = float(start)
        self._simulation = simulation
        self._moving = threading.RLock()
        self._stalled = 0

    def time(self) -> float:
        """The simulated instant, in seconds since the epoch."""
        return self._now

    def now(self) -> _dt.datetime:
        """The simulated instant, an aware datetime in UTC."""
        return _dt.datetime.fromtimestamp(self._now, _dt.UTC)

    def __repr__(self) -> str:
        return f"<SandboxClock at {self.now().isoformat()}>"

    def advance(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> _dt.datetime:
        """Move forward by the given amount (0 or more of each), playing every event due on
        the way; returns the new instant. ``ValueError`` for a negative amount."""
        amounts = {"days": days, "hours": hours, "minutes": minutes, "seconds": seconds}
        for name, amount in amounts.items():
            if isinstance(amount, bool) or not isinstance(amount, int | float):
                raise TypeError(f"{name} must be a number")
            if not 0 <= amount < float("inf"):
                raise ValueError(f"{name} must be 0 or more (the clock only moves forward)")
        step = _dt.timedelta(**amounts).total_seconds()
        with self._moving:
            return self._move_to(self._now + step)

    def advance_to(self, moment: _dt.datetime | str) -> _dt.datetime:
        """Move forward to ``moment`` (an aware datetime, or ISO 8601 text with an offset),
        playing every event due until then; returns it. ``ValueError`` for a moment before
        the clock's (the clock never goes back: calls already made stay made)."""
        target = read_moment(moment, "moment")
        with self._moving:
            if target < self._now:
                raise ValueError(
                    f"{_dt.datetime.fromtimestamp(target, _dt.UTC).isoformat()} is before the "
                    f"clock's {self.now().isoformat()}: the clock only moves forward"
                )
            return self._move_to(target)

    def run_until_done(self, *, limit: _dt.timedelta = DEFAULT_RUN_LIMIT) -> _dt.datetime:
        """Move forward until every ACTIVE campaign has no recipient left to call (each has a
        final outcome, or no retry left) and every call in progress has ended and been posted
        to the webhook (retries of failed posts included); returns the instant of the last
        event (the clock's own when nothing was left). PAUSED campaigns do not hold it up:
        they call nobody until resumed.

        Raises :class:`SimulationStuck` naming the campaigns still unfinished when that would
        take longer than ``limit`` of simulated time; the clock then stands at the limit.
        """
        if not isinstance(limit, _dt.timedelta) or limit <= _dt.timedelta(0):
            raise ValueError("limit must be a positive datetime.timedelta")
        with self._moving:
            deadline = self._now + limit.total_seconds()
            while self._simulation.busy():
                due = self._simulation.next_event(self._now)
                if due is None or due > deadline:
                    self._move_to(deadline)
                    unfinished = self._simulation.unfinished()
                    if not unfinished and not self._simulation.busy():
                        break
                    raise SimulationStuck(_stuck_message(unfinished, limit), unfinished)
                self._play(due)
            return self.now()

    def _move_to(self, target: float) -> _dt.datetime:
        while (due := self._simulation.next_event(self._now)) is not None and due <= target:
            self._play(due)
        self._now = target
        return self.now()

    def _play(self, due: float) -> None:
        # One play handles everything due at an instant, so the same instant twice in a row
        # is rare and thousands of times is a bug: fail loudly rather than spin forever. The
        # clock never goes back, whatever the simulation answers.
        if due <= self._now:
            self._stalled += 1
            if self._stalled > _MAX_PLAYS_AT_ONE_INSTANT:
                raise RuntimeError(
                    f"the simulation makes no progress at {self.now().isoformat()}: "
                    "please report this sandbox bug"
                )
        else:
            self._now, self._stalled = due, 0
        self._simulation.play(self._now)


def _stuck_message(unfinished: dict[str, int], limit: _dt.timedelta) -> str:
    first = list(unfinished.items())[:5]
    shown = ", ".join(f"{campaign} ({count} left)" for campaign, count in first)
    more = f" and {len(unfinished) - 5} more" if len(unfinished) > 5 else ""
    return (
        f"campaigns still have recipients to call after {limit.days} simulated days: "
        f"{shown}{more}; check their start dates, or pass a longer limit="
    )
