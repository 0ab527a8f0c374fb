"""Issue #7, reliability 5: `pulumi up` killed at random points, then `pulumi refresh` and `pulumi up`.

Each trial starts `pulumi up` in its own process group (CLI, language host, program and dynamic-provider
processes) and SIGKILLs the whole group at a random moment after the provider's first API call. Kill
delays come from SMS_CRASH_SEED (random unless given; printed, with each delay, so that a failure can
be replayed) and are spread over the API phase of the killed `up` (SMS_CRASH_WINDOW_CREATE/UPDATE
seconds; the emulator's clock is slowed for it). Even trials kill an `up` that creates a wave of
SMS_CRASH_TASKS (default 6) tasks, odd ones an `up` that changes it (tasks stopped, bandwidth windows
changed) after a clean first `up`.

What a user does afterwards is the README's "After a crash" (run word for word, in a terminal):
`pulumi cancel` removes the lock the killed command left; `pulumi refresh --clear-pending-creates`
reads what the cloud holds and forgets the creates that never reported back (their objects stay in
the cloud); `pulumi up` then finds those objects by name instead of making new ones. Afterwards: no
duplicates, no orphans, no change left in the preview, and no lock or pending operation.

`test_object_of_killed_create_is_found_again` takes the other path of step 2 on purpose, for each
kind of object: the create is held in the provider after its POST (latency on the read that follows),
the up is killed, `refresh --clear-pending-creates` forgets the create, and the next `up` must find
the object by name instead of failing or duplicating it.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import time
from pathlib import Path
from typing import Any

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from tests.conftest import TEST_CLOCK_SPEED, EmulatorCredentials
from tests.polling import wait_for
from tests.reliability.conftest import (
    WAVE_PROGRAM,
    Inventory,
    baseline_ids,
    env_int,
    first_api_request,
    last_seq,
    lock_files,
    pending_operations,
    provider_env,
    recover_as_the_readme_says,
    wave_sources,
)
from tests.workspaces import RecordingWorkspace, SpawnedCommand, make_workspace

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TRIALS = max(5, env_int("SMS_CRASH_TRIALS", 5))
CRASH_TASKS = env_int("SMS_CRASH_TASKS", 6)
SEED = env_int("SMS_CRASH_SEED", random.SystemRandom().randrange(1_000_000))
#: While the killed `up` runs, the emulator's clock is slowed and every call takes a little longer, so
#: that its API phase lasts about this long (seconds; measured on 2 cores: create 4.2 s, update 1.3 s).
WINDOW = {"create": float(os.environ.get("SMS_CRASH_WINDOW_CREATE", "4.0")),
          "update": float(os.environ.get("SMS_CRASH_WINDOW_UPDATE", "1.2"))}
KILL_CLOCK_SPEED = 40.0
KILL_LATENCY_MS = 40


def scenario_of(trial: int) -> str:
    return "create" if trial % 2 == 0 else "update"


def kill_delay(trial: int) -> float:
    """The trial's delay after the first API call: random, stratified over its scenario's window so that
    the trials of a scenario cover the whole API phase (early, middle, late)."""
    scenario = scenario_of(trial)
    peers = [t for t in range(TRIALS) if scenario_of(t) == scenario]
    rng = random.Random(f"{SEED}-{trial}")
    return WINDOW[scenario] * (peers.index(trial) + rng.random()) / len(peers)


def refresh_args(ws: RecordingWorkspace, *extra: str) -> tuple[str, ...]:
    return ("refresh", "--yes", "--non-interactive", *ws.stack_args, *extra)


def tail(ws: RecordingWorkspace) -> str:
    record = ws.transcript[-1]
    lines = [ln for ln in record.output.splitlines() if "info:" not in ln]
    return f"pulumi {' '.join(record.argv)} -> {record.returncode}\n" + "\n".join(lines[-40:])


def run_ok(ws: RecordingWorkspace, *args: str) -> None:
    ws.run(*args, check=False)
    assert ws.transcript[-1].returncode == 0, tail(ws)


def kill_after_first_call(ws: RecordingWorkspace, emulator: EmulatorServer, delay: float,
                          log_dir: Path) -> tuple[SpawnedCommand, bool]:
    """Start `up`, wait for its first API call, wait `delay`, SIGKILL the group; was it still running?"""
    emulator.admin.clock(speed=KILL_CLOCK_SPEED)
    emulator.admin.add_fault("/v3/*", latency_ms=KILL_LATENCY_MS)
    since = last_seq(emulator.admin)
    command = ws.spawn(*ws.up_args(), log_dir=log_dir)
    first_api_request(emulator.admin, since)
    time.sleep(delay)
    running = command.proc.poll() is None
    command.kill_group()
    emulator.admin.clear_faults()
    emulator.admin.clock(speed=TEST_CLOCK_SPEED)
    return command, running


def recover(ws: RecordingWorkspace) -> dict[str, Any]:
    """The README's steps; returns what the killed command had left."""
    report: dict[str, Any] = {"locks": len(lock_files(ws))}
    report["pending"] = [(op["type"], op["resource"]["urn"].split("::")[-1]) for op in pending_operations(ws)]
    recover_as_the_readme_says(ws)
    assert lock_files(ws) == [] and pending_operations(ws) == []
    return report


@pytest.mark.parametrize("trial", range(TRIALS))
def test_killed_up_then_refresh_and_up_converge(trial: int, tmp_path: Path, emulator: EmulatorServer,
                                               emulator_credentials: EmulatorCredentials) -> None:
    scenario = scenario_of(trial)
    delay = kill_delay(trial)
    print(f"\ncrash trial {trial}: seed {SEED} (SMS_CRASH_SEED), {scenario}, kill {delay:.3f}s after the "
          "first API call")
    source_ids = emulator.admin.add_sources(count=CRASH_TASKS)
    objects = emulator.admin.objects()
    baseline = baseline_ids(objects)
    env = provider_env(emulator.url, emulator_credentials.access_key, emulator_credentials.secret_key,
                       emulator_credentials.project_id)
    sources = json.dumps(wave_sources(objects, source_ids))
    ws = make_workspace(tmp_path, WAVE_PROGRAM, "crash", env,
                        config={"prefix": f"crash{trial}", "sources": sources},
                        secrets={"targetPassword": "Tp-" + secrets.token_urlsafe(12)})
    if scenario == "update":
        run_ok(ws, *ws.up_args())
        ws.set_config("runState", "stopped")
        ws.set_config("peakSpeed", "80")

    command, was_running = kill_after_first_call(ws, emulator, delay, tmp_path / "logs")
    print(f"killed: {'mid-flight' if was_running else 'the up had already finished'} "
          f"(exit {command.proc.returncode}, {len(command.killed)} processes)")
    report = recover(ws)
    print(f"left behind and repaired: {report}")

    inventory = Inventory.take(ws.resources(), emulator.admin.objects(), baseline)
    inventory.assert_consistent(f"trial {trial} ({scenario}, seed {SEED}, delay {delay:.3f}s)")
    assert len(inventory.state_ids["tasks"]) == CRASH_TASKS
    assert len(inventory.state_ids["templates"]) == 2
    live = {t["id"]: t["state"] for t in inventory.live["tasks"]}
    wanted = {"ABORT", "READY"} if scenario == "update" else {"RUNNING", "SYNCING", "MIGRATE_SUCCESS"}
    assert set(live.values()) <= wanted, live
    summary = ws.preview_json()["changeSummary"]
    assert set(summary) == {"same"}, summary


# -- the object a killed create made is found again by the next `up` ----------------------------------

SINGLE = {
    "migproject": ("""
        import pulumi
        from sms_pulumi.resources.migration_project import MigrationProject
        MigrationProject("wave", name="crash-single", region="cn-north-4", type="MIGRATE_BLOCK",
                         syncing=True, exist_server=False)
        """, "POST /v3/migprojects", "GET /v3/migprojects/*"),
    "template": ("""
        import os
        import pulumi
        from sms_pulumi.resources.template import Template
        Template("tpl", name="crash-single", region="cn-north-4", projectid=os.environ["HW_PROJECT_ID"],
                 flavor="s6.large.2", target_password=pulumi.Config().require_secret("targetPassword"))
        """, "POST /v3/vm/templates", "GET /v3/vm/templates/*"),
    "task": (WAVE_PROGRAM, "POST /v3/tasks", "GET /v3/tasks/*"),
}


def wait_for_created(emulator: EmulatorServer, route: str, since: int, timeout: float = 60) -> None:
    """Wait until the emulator answered `route` ("METHOD /path") with a 2xx after log entry `since`."""
    method, path = route.split(" ", 1)
    wait_for(lambda: emulator.admin.requests(with_list=True, since=since)["requests"],
             lambda entries: any(e["method"] == method and e["path"] == path and 200 <= e["status"] < 300
                                 for e in entries), timeout)


@pytest.mark.parametrize("kind", ["migproject", "template", "task"])
def test_object_of_killed_create_is_found_again(kind: str, tmp_path: Path, emulator: EmulatorServer,
                                                emulator_credentials: EmulatorCredentials) -> None:
    program, create_route, read_route = SINGLE[kind]
    source_ids = emulator.admin.add_sources(count=1)
    objects = emulator.admin.objects()
    baseline = baseline_ids(objects)
    env = provider_env(emulator.url, emulator_credentials.access_key, emulator_credentials.secret_key,
                       emulator_credentials.project_id)
    ws = make_workspace(tmp_path, program, f"single-{kind}", env,
                        config={"prefix": "single", "sources": json.dumps(wave_sources(objects, source_ids)),
                                "speedLimits": "false"},
                        secrets={"targetPassword": "Tp-" + secrets.token_urlsafe(12)})
    # Hold the create in the provider after its POST: the read that follows the POST is slow.
    emulator.admin.add_fault(read_route, latency_ms=5000)
    since = last_seq(emulator.admin)
    command = ws.spawn(*ws.up_args(), log_dir=tmp_path / "logs")
    wait_for_created(emulator, create_route, since)
    time.sleep(0.3)
    assert command.proc.poll() is None, "the up finished before it could be killed"
    command.kill_group()
    emulator.admin.clear_faults()

    pending = pending_operations(ws)
    assert any(op["type"] == "creating" for op in pending), pending
    run_ok(ws, "cancel", "--yes", *ws.stack_args)
    run_ok(ws, *refresh_args(ws, "--clear-pending-creates"))
    assert pending_operations(ws) == []
    orphans = Inventory.take(ws.resources(), emulator.admin.objects(), baseline).orphans()
    assert orphans, "the killed create should have left its object behind"

    run_ok(ws, *ws.up_args())
    Inventory.take(ws.resources(), emulator.admin.objects(), baseline).assert_consistent(
        f"{kind}: after a killed create, --clear-pending-creates and up")
