"""Waiting for SMS and OMS: one poll loop, and waiters with named status functions and explicit states.

`wait_until` is the loop every wait goes through: a bound (the resource's `wait_timeout`, else
`HW_WAIT_TIMEOUT`), polls that start fast and back off to the configured interval, and progress
lines when the phase changes and at least every PROGRESS_EVERY seconds, so a wait of hours shows
that it is alive without a line per poll.

`StateWaiter` is the form a resource uses for one object (in the manner of terraform-provider-aws's
`wait.go`): a status function, the states it may pass through (`pending`) and the states it waits for
(`target`). Any other state fails the wait at once instead of counting as done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["PROGRESS_EVERY", "StateWaiter", "WaitFailed", "WaitTimeout", "wait_until"]

from sms_pulumi.resources._provider import say
from sms_pulumi.resources.clients import settings
from sms_pulumi.resources.errors import WaitFailed, WaitTimeout

T = TypeVar("T")




#: While the state stays the same, a wait says it is still waiting this often (seconds).
PROGRESS_EVERY = 30.0


def wait_until(
    what: str,
    poll: Callable[[], T],
    done: Callable[[T], bool],
    *,
    timeout: float | None = None,
    describe: Callable[[T], str] = str,
    failed: Callable[[T], str | None] = lambda _: None,
    phase: Callable[[T], object] | None = None,
) -> T:
    """Poll until `done`, saying what we wait for; back off from 1 s to the poll interval.

    Fails with WaitTimeout after `timeout` seconds (default: the settings' wait_timeout), or with
    WaitFailed at once when `failed` returns a reason. Progress is logged when the `phase` changes
    (default: the description) and at least every PROGRESS_EVERY seconds, so a wait of hours shows
    it is alive without printing a line per poll.
    """
    start = time.monotonic()
    bound = settings().wait_timeout if timeout is None else float(timeout)
    # Start polling quickly (most transitions are short), then back off to the configured interval.
    ceiling = max(settings().poll_interval, 0.05)
    interval = min(1.0, ceiling)
    phase_of = phase or describe
    last_phase: object = None
    last_log = start
    while True:
        value = poll()
        if done(value):
            return value
        reason = failed(value)
        if reason:
            raise WaitFailed(f"{what}: {reason}")
        now = time.monotonic()
        elapsed = now - start
        state = describe(value)
        current_phase = phase_of(value)
        if current_phase != last_phase or now - last_log >= PROGRESS_EVERY:
            say(f"waiting for {what}: {state} ({elapsed:.0f}s)")
            last_phase, last_log = current_phase, now
        if elapsed > bound:
            raise WaitTimeout(
                f"gave up waiting for {what} after {elapsed:.0f}s (last seen: {state}); the bound is "
                f"{bound:g}s: raise it with the resource's wait_timeout or HW_WAIT_TIMEOUT (seconds)"
            )
        time.sleep(max(0.0, min(interval, bound - elapsed + 0.01)))
        interval = min(interval * 1.5, ceiling)


@dataclass(frozen=True)
class StateWaiter(Generic[T]):
    """Wait until `status()` is in one of the `target` states; only `pending` states may come before.

    `status` returns the object (None once it is gone); `state` names its state (None for gone, so
    that gone can be a target, e.g. of a delete).
    """

    what: str
    status: Callable[[], T | None]
    state: Callable[[T | None], str | None]
    pending: Collection[str | None]
    target: Collection[str | None]
    describe: Callable[[T | None], str] | None = None
    phase: Callable[[T | None], object] | None = None

    def wait(self, timeout: float | None = None) -> T | None:
        def failed(value: T | None) -> str | None:
            state = self.state(value)
            if state in self.target or state in self.pending:
                return None
            return f"it is {state or 'gone'}, which does not lead to {_either(self.target)}"

        return wait_until(
            self.what, self.status, lambda value: self.state(value) in self.target, timeout=timeout,
            describe=self.describe or (lambda value: str(self.state(value) or "gone")),
            failed=failed, phase=self.phase,
        )


def _either(states: Collection[str | None]) -> str:
    names = sorted(str(s or "gone") for s in states)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
