"""The shared wait loop (`waiters.wait_until`) and the state waiter: bound, failure, how often it says it
waits, and an unexpected state failing the wait instead of counting as done."""

from __future__ import annotations

import itertools
import time

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources import clients, waiters
from sms_pulumi.resources.waiters import StateWaiter, WaitFailed, WaitTimeout, wait_until


def test_progress_is_said_per_phase_and_then_periodically(
    provider_env: EmulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(waiters, "PROGRESS_EVERY", 0.2)
    polls = itertools.count()

    def poll() -> int:
        return next(polls)

    # Phases: 0-9 "copying" (the percentage changes at every poll), then "launching".
    started = time.monotonic()
    wait_until("the copy", poll, lambda n: n >= 14,
               describe=lambda n: f"{'copying' if n < 10 else 'launching'} {n * 10}%",
               phase=lambda n: n < 10)
    elapsed = time.monotonic() - started
    lines = [line for line in capsys.readouterr().err.splitlines() if "waiting for the copy" in line]
    assert lines[0].startswith("info: waiting for the copy: copying 0% (0s)")
    assert any("launching 100%" in line for line in lines), lines
    # One line per phase, plus one per PROGRESS_EVERY seconds: not one per poll.
    assert 2 <= len(lines) <= 2 + int(elapsed / 0.2) + 1 < 14, lines


def test_a_wait_past_its_bound_says_what_it_saw(provider_env: EmulatorServer) -> None:
    with pytest.raises(WaitTimeout) as caught:
        wait_until("the thing", lambda: "PENDING", lambda s: False, timeout=0.2)
    message = str(caught.value)
    assert message.startswith("gave up waiting for the thing after 0s (last seen: PENDING)")
    assert "the bound is 0.2s" in message and "HW_WAIT_TIMEOUT" in message


def test_the_default_bound_comes_from_the_settings(
    provider_env: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HW_WAIT_TIMEOUT", "0.3")
    clients.reset_clients()
    started = time.monotonic()
    with pytest.raises(WaitTimeout, match="the bound is 0.3s"):
        wait_until("the thing", lambda: "PENDING", lambda s: False)
    assert time.monotonic() - started < 2


def test_a_failure_ends_the_wait_at_once(provider_env: EmulatorServer) -> None:
    states = iter(["RUNNING", "MIGRATE_FAIL"])
    with pytest.raises(WaitFailed, match="the task: it failed"):
        wait_until("the task", lambda: next(states), lambda s: s == "DONE",
                   failed=lambda s: "it failed" if s == "MIGRATE_FAIL" else None)


def test_a_state_waiter_fails_on_a_state_it_does_not_expect(provider_env: EmulatorServer) -> None:
    states = iter(["ABORTING", "ABORTING", "MIGRATE_SUCCESS"])
    waiter = StateWaiter("task x to pause", lambda: next(states), lambda s: s,
                         pending={"ABORTING"}, target={"ABORT", None})
    with pytest.raises(WaitFailed, match="task x to pause: it is MIGRATE_SUCCESS, which does not lead to "
                                         "ABORT or gone"):
        waiter.wait(timeout=5)
    gone = iter(["DELETING", None])
    assert StateWaiter("task x to be deleted", lambda: next(gone), lambda s: s, pending={"DELETING"},
                       target={None}).wait(timeout=5) is None
