"""How fast a wave talks to SMS: a shared rate for actions that slows down when SMS says 429.

A wave of hundreds of tasks sends its start (or stop, or cut-over) actions from a small pool of
threads; all waves of a `pulumi up` run in one provider process and share one `Pace`, so two waves
together stay within the rate. A 429 that outlasts the HTTP layer's retries halves the rate (to a
floor of one action every ten seconds) and the action is tried again later: throttling slows a wave
down, it never fails it. Each success afterwards wins back a little of the rate.
"""

from __future__ import annotations

import threading
import time

#: Actions per second a wave starts with, unless its `actions_per_second` says otherwise.
DEFAULT_RATE = 50.0
MIN_RATE = 0.1


class Pace:
    """A token bucket (burst of one second's worth) whose rate adapts to throttling."""

    def __init__(self, rate: float = DEFAULT_RATE) -> None:
        self._lock = threading.Lock()
        self._ceiling = max(rate, MIN_RATE)
        self._rate = self._ceiling
        self._tokens = self._rate
        self._last = time.monotonic()

    @property
    def rate(self) -> float:
        return self._rate

    def set_ceiling(self, rate: float) -> None:
        with self._lock:
            self._ceiling = max(rate, MIN_RATE)
            self._rate = min(self._rate, self._ceiling)

    def acquire(self) -> None:
        """Wait for the next slot."""
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(max(self._rate, 1.0), self._tokens + (now - self._last) * self._rate)
                self._last = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                wait = (1.0 - self._tokens) / self._rate
            time.sleep(wait)

    def throttled(self) -> None:
        """SMS answered 429 (after the HTTP layer's own retries): halve the rate."""
        with self._lock:
            self._rate = max(self._rate / 2, MIN_RATE)
            self._tokens = 0.0

    def succeeded(self) -> None:
        with self._lock:
            self._rate = min(self._ceiling, self._rate * 1.05)


_shared = Pace()


def shared_pace(rate: float | None = None) -> Pace:
    """The process's pace; `rate` (a wave's `actions_per_second`) caps it."""
    if rate is not None:
        _shared.set_ceiling(rate)
    return _shared
