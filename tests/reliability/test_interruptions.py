"""A `pulumi up` interrupted the two ways users interrupt it: one Ctrl-C, and a kill of `pulumi` itself.

* One Ctrl-C (SIGINT to the terminal's foreground process group, as a terminal sends it) while the
  tasks are being created, and while the wave waits: the run stops after the operations under way,
  records them, leaves no lock and no pending operation, and the next `up` ends with no orphan and
  no duplicate.
* `pulumi` SIGKILLed alone (its plugins survive it, re-parented): the dynamic-provider process
  notices that its engine is gone and stops within seconds instead of going on calling the API; the
  README's "After a crash" steps then bring the stack back, word for word.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import time
from pathlib import Path

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from tests.conftest import TEST_CLOCK_SPEED, EmulatorCredentials
from tests.polling import wait_for
from tests.reliability.conftest import (
    WAVE_PROGRAM,
    Inventory,
    baseline_ids,
    first_api_request,
    last_seq,
    lock_files,
    pending_operations,
    provider_env,
    recover_as_the_readme_says,
    wave_sources,
)
from tests.terminal import run_in_terminal
from tests.workspaces import RecordingWorkspace, is_running, make_workspace, process_tree

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TASKS = 8


def wave(tmp_path: Path, emulator: EmulatorServer, credentials: EmulatorCredentials,
         name: str) -> tuple[RecordingWorkspace, dict[str, set[str]]]:
    source_ids = emulator.admin.add_sources(count=TASKS)
    objects = emulator.admin.objects()
    env = provider_env(emulator.url, credentials.access_key, credentials.secret_key, credentials.project_id)
    ws = make_workspace(tmp_path, WAVE_PROGRAM, name, env,
                        config={"prefix": name, "sources": json.dumps(wave_sources(objects, source_ids))},
                        secrets={"targetPassword": "Tp-" + secrets.token_urlsafe(12)})
    return ws, baseline_ids(objects)


def api_calls_after(emulator: EmulatorServer, since: int) -> list[dict[str, object]]:
    entries = emulator.admin.requests(with_list=True, since=since)["requests"]
    return [e for e in entries if not str(e["path"]).startswith("/_emulator")]


@pytest.mark.parametrize("moment", ["creating", "waiting"])
def test_one_ctrl_c_stops_cleanly_and_the_next_up_converges(
    moment: str, tmp_path: Path, emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    ws, baseline = wave(tmp_path, emulator, emulator_credentials, f"ctrlc-{moment}")
    if moment == "creating":
        emulator.admin.add_fault("POST /v3/tasks", latency_ms=700)  # creates under way at the Ctrl-C
    else:
        emulator.admin.clock(speed=5)  # the wave waits for its targets for a while
    since = last_seq(emulator.admin)
    command = ws.spawn(*ws.up_args(), log_dir=tmp_path / "logs")
    first_api_request(emulator.admin, since)
    if moment == "waiting":
        wait_for(lambda: [e for e in api_calls_after(emulator, since) if "/action" in str(e["path"])],
                 bool, timeout=60)
    time.sleep(1.0)
    assert command.proc.poll() is None, "the up finished before the Ctrl-C"
    os.killpg(command.proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    code = command.wait(timeout=300)
    emulator.admin.clear_faults()
    emulator.admin.clock(speed=TEST_CLOCK_SPEED)
    said = ws.transcript[-1].output
    assert code != 0 and "^C received; cancelling" in said, said[-2000:]
    assert lock_files(ws) == [], "one Ctrl-C leaves no lock"
    assert pending_operations(ws) == [], "the operations under way finished and were recorded"
    ws.run(*ws.up_args())
    inventory = Inventory.take(ws.resources(), emulator.admin.objects(), baseline)
    inventory.assert_consistent(f"after a Ctrl-C while {moment}")
    assert len(inventory.state_ids["tasks"]) == TASKS
    assert set(ws.preview_json()["changeSummary"]) == {"same"}


def test_after_a_kill_the_provider_stops_and_the_readme_recovery_works(
    tmp_path: Path, emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    ws, baseline = wave(tmp_path, emulator, emulator_credentials, "killed")
    emulator.admin.clock(speed=2)  # the wave would wait for minutes
    since = last_seq(emulator.admin)
    command = ws.spawn(*ws.up_args(), log_dir=tmp_path / "logs")
    wait_for(lambda: [e for e in api_calls_after(emulator, since) if "/action" in str(e["path"])],
             bool, timeout=120)
    providers = [pid for pid in process_tree(command.proc.pid)
                 if b"pulumi.dynamic" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert providers, "no dynamic-provider process found"
    os.kill(command.proc.pid, signal.SIGKILL)  # pulumi alone: its plugins are left running
    killed = time.monotonic()
    command.wait(timeout=30)
    wait_for(lambda: [p for p in providers if is_running(p)], lambda alive: not alive, timeout=10)
    print(f"the provider stopped {time.monotonic() - killed:.1f}s after pulumi was killed")
    stopped_at = last_seq(emulator.admin)
    time.sleep(2)  # had a provider survived, its wave would be polling the API now
    assert api_calls_after(emulator, stopped_at) == [], "something went on calling the API"
    emulator.admin.clock(speed=TEST_CLOCK_SPEED)

    assert lock_files(ws), "a killed pulumi leaves its lock"
    recover_as_the_readme_says(ws)
    assert lock_files(ws) == [] and pending_operations(ws) == []
    inventory = Inventory.take(ws.resources(), emulator.admin.objects(), baseline)
    inventory.assert_consistent("after a kill and the README's recovery")
    assert len(inventory.state_ids["tasks"]) == TASKS
    again = run_in_terminal("pulumi preview", cwd=ws.project_dir, env=ws.env())
    assert again.returncode == 0 and "to create" not in again.output, again.output[-2000:]
