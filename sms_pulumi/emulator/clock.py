"""The emulator's clock: wall time scaled by a speed factor tests can change at run time.

Every simulated duration (a sub-task, a pause, a deletion) is measured on this clock, and every
object stores the clock time its current phase began. The current state is then computed when the
object is read, so it is deterministic, costs nothing while nobody looks, and survives a restart
(the anchor is persisted with the state). With ``speed=600`` one simulated minute takes 0.1 s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


def wall_ms() -> int:
    return int(time.time() * 1000)


class SimClock:
    """Piecewise-linear clock: ``now = anchor_virtual + (wall - anchor_wall) * speed``.

    Changing the speed re-anchors at the current simulated time, so time never jumps backwards.
    """

    def __init__(self, speed: float = 1.0, *, wall: Callable[[], int] = wall_ms,
                 state: dict[str, Any] | None = None) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        if state:
            self._anchor_wall = int(state["anchor_wall"])
            self._anchor_virtual = int(state["anchor_virtual"])
            self._speed = float(state["speed"])
        else:
            now = wall()
            self._anchor_wall = now
            self._anchor_virtual = now
            self._speed = 1.0
        if speed != self._speed:
            self.set_speed(speed)

    @property
    def speed(self) -> float:
        return self._speed

    def now_ms(self) -> int:
        with self._lock:
            return self._anchor_virtual + int((self._wall() - self._anchor_wall) * self._speed)

    def set_speed(self, speed: float) -> None:
        """Simulated ms per wall ms; 0 stops the clock (only :meth:`advance` moves it then), which
        makes a test independent of how fast the machine runs it."""
        if speed < 0:
            raise ValueError("clock speed must be >= 0")
        with self._lock:
            now = self._wall()
            self._anchor_virtual += int((now - self._anchor_wall) * self._speed)
            self._anchor_wall = now
            self._speed = float(speed)

    def advance(self, ms: int) -> None:
        """Jump simulated time forward (deterministic tests)."""
        if ms < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._anchor_virtual += ms

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"anchor_wall": self._anchor_wall, "anchor_virtual": self._anchor_virtual,
                    "speed": self._speed}
