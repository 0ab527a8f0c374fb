"""`wait_for`: poll until a condition holds, for tests that watch the emulator's clock move."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    probe: Callable[[], T], until: Callable[[T], bool], timeout: float = 15.0, interval: float = 0.02
) -> T:
    """Poll ``probe`` until ``until(value)``; fail with the last value after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout}s; last value: {value!r}")
        time.sleep(interval)
