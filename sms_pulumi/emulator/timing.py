"""Time on the simulated clock, shared by the SMS and OMS simulations.

* :func:`phase_at`: where a process that runs through fixed-length phases (an OMS group being
  created, a clone being made, logs being uploaded) stands at a given clock time.
* :class:`RateWindows`: a rate that depends on the time of day, as speed-limit windows (SMS
  ``speed-limit``, OMS ``bandwidth_policy``) make it. Windows are read on the clock's UTC time of
  day, the emulator's stand-in for the source server's clock the manual refers to.

All times are clock milliseconds; nothing here reads the clock itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sms_pulumi.api.models.common import hhmm_to_minutes

MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS
_MAX_SEGMENTS = 100_000  # a bound on any integration: 100k window boundaries is years of windows


@dataclass(frozen=True)
class Phase:
    name: str
    start: int
    end: int


def phases(start: int, steps: Iterable[tuple[str, int]]) -> list[Phase]:
    """Back-to-back phases from ``start``: ``(name, duration_ms)`` each."""
    out = []
    for name, duration in steps:
        out.append(Phase(name, start, start + duration))
        start += duration
    return out


def phase_at(timeline: Sequence[Phase], now: int) -> tuple[Phase, bool]:
    """The phase ``now`` falls in (the first one before it starts) and whether the timeline is over
    (then the phase is the last one)."""
    for phase in timeline:
        if now < phase.end:
            return phase, False
    return timeline[-1], True


@dataclass(frozen=True)
class Window:
    start_min: int  # minutes after midnight
    end_min: int
    rate: float


class RateWindows:
    """A rate over time: ``base`` outside the windows, ``min(window rate, base)`` inside one.

    Both a window's speed and the base are limits, so the lower one applies; a window rate of 0 or
    less means "no limit in this window" (the manual allows 0 and does not say what it means).
    """

    def __init__(self, windows: Iterable[tuple[str, str, float]], base: float) -> None:
        if base <= 0:
            raise ValueError("the base rate must be > 0")
        self.base = base
        self.windows = sorted(
            (Window(hhmm_to_minutes(start), hhmm_to_minutes(end), min(rate, base) if rate > 0 else base)
             for start, end, rate in windows),
            key=lambda w: w.start_min,
        )

    def _segment(self, t: int) -> tuple[float, int]:
        """The rate at ``t`` and the clock time it next may change."""
        day = t - t % DAY_MS
        minute = (t % DAY_MS) / MINUTE_MS
        for window in self.windows:
            if window.start_min <= minute < window.end_min:
                return window.rate, day + window.end_min * MINUTE_MS
            if minute < window.start_min:
                return self.base, day + window.start_min * MINUTE_MS
        return self.base, day + DAY_MS

    def rate_at(self, t: int) -> float:
        return self._segment(t)[0]

    def amount(self, start: int, end: int) -> float:
        """``rate x ms`` accumulated from ``start`` to ``end``."""
        total, t = 0.0, start
        for _ in range(_MAX_SEGMENTS):
            if t >= end:
                return total
            rate, until = self._segment(t)
            step_end = min(until, end)
            total += rate * (step_end - t)
            t = step_end
        return total

    def time_to(self, start: int, amount: float) -> int:
        """The clock time at which ``amount`` (rate x ms) has accumulated from ``start``."""
        t = start
        for _ in range(_MAX_SEGMENTS):
            if amount <= 0:
                return t
            rate, until = self._segment(t)
            if rate * (until - t) >= amount:
                return t + max(1, round(amount / rate))
            amount -= rate * (until - t)
            t = until
        return t
