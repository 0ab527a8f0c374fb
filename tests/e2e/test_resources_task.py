"""Task and its Wave through the real pulumi CLI: run state carried out, updated in place, replaced,
paused in the console (drift, named by the next preview) and resumed, cut over, destroyed while
running. Every `up` runs with its own preview, as a user runs it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sms_pulumi.api.models.tasks import TaskAction
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.conftest import EmulatorCredentials
from tests.e2e.support import changes, objects, outside, state_of
from tests.polling import wait_for

pytestmark = pytest.mark.e2e

PROGRAM = """
import pulumi
from sms_pulumi.lookups import get_source_server
from sms_pulumi.resources.task import Task
from sms_pulumi.resources.wave import Wave

cfg = pulumi.Config()
source = get_source_server(name="web-01")
task = Task(
    "web-01",
    name=cfg.get("name") or "wave1-web-01",
    type="MIGRATE_BLOCK",
    os_type=str(source.os_type),
    source_server_id=str(source.id),
    target_server={"name": "web-01-cloud", "vm_id": "6f0c3c1e-0000-4000-8000-000000000001"},
    syncing=cfg.get_bool("syncing") if cfg.get_bool("syncing") is not None else True,
    speed_limit=cfg.get_int("speed_limit"),
)
wave = Wave("wave-1", tasks={"web-01": task.id}, run_state=cfg.get("run_state") or "running")
pulumi.export("task_id", task.id)
pulumi.export("run_state", wave.members.apply(lambda m: m["web-01"]["run_state"]))
"""


def wait_state(sms: SmsClient, task_id: str, *states: str, timeout: float = 60) -> str:
    return wait_for(lambda: str(sms.show_task(task_id).state), lambda s: s in states, timeout, interval=0.1)


def test_task_lifecycle(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    sms = outside(emulator, emulator_credentials)
    ws = stack(PROGRAM)

    ws.up()
    task_id = ws.outputs()["task_id"]
    assert sms.show_task(task_id).state in ("RUNNING", "SYNCING")
    assert ws.outputs()["run_state"] == "running"
    assert set(changes(ws.preview_json()).summary) == {"same"}

    # Natural progress (RUNNING -> SYNCING) is not drift: refresh changes nothing.
    wait_state(sms, task_id, "SYNCING")
    refreshed = ws.refresh()
    assert "updated" not in refreshed.stdout, refreshed.stdout

    # In place: a new name and a speed limit; the migration goes on.
    ws.set_config("name", "wave1-web-01-renamed")
    ws.set_config("speed_limit", "300")
    planned = changes(ws.preview_json())
    assert planned.ops["web-01"] == "update", planned
    ws.up()
    task = sms.show_task(task_id)
    assert (task.name, task.speed_limit, task.state) == ("wave1-web-01-renamed", 300, "SYNCING")

    # The console pauses the task: refresh shows "stopped", the preview names it, up resumes it.
    sms.task_action(task_id, TaskAction.STOP)
    wait_state(sms, task_id, "ABORT")
    refreshed = ws.refresh()
    assert "1 updated" in refreshed.stdout, refreshed.stdout
    assert state_of(ws, "wave-1")["outputs"]["members"]["web-01"]["run_state"] == "stopped"
    previewed = ws.run("preview", "--diff", "--non-interactive", *ws.stack_args)
    assert 'web-01: "stopped"' in previewed.stdout, previewed.stdout
    ws.up()
    resumed = sms.show_task(task_id)
    assert resumed.state in ("RUNNING", "SYNCING")
    assert any((s.user_op or "").startswith("RESYNC") for s in resumed.sub_tasks or []), "not restarted"
    assert state_of(ws, "wave-1")["outputs"]["members"]["web-01"]["run_state"] == "running"

    # What the API cannot change replaces the task: the old one is stopped and deleted first.
    ws.set_config("syncing", "false")
    planned = changes(ws.preview_json())
    assert planned.ops["web-01"] == "replace", planned
    ws.up()
    new_id = ws.outputs()["task_id"]
    assert new_id != task_id
    assert [t["id"] for t in objects(emulator, "tasks")] == [new_id]

    # Cut over: the wave waits for replication, launches the target, and says how it goes.
    ws.set_config("syncing", "true")
    ws.set_config("run_state", "cut_over")
    cut = ws.up()
    assert sms.show_task(ws.outputs()["task_id"]).state == "MIGRATE_SUCCESS"
    assert ws.outputs()["run_state"] == "cut_over"
    said = cut.stdout + cut.stderr
    assert "wave wave-1: taking 1 task(s) to cut_over" in said, said
    assert set(changes(ws.preview_json()).summary) == {"same"}

    ws.destroy()
    assert ws.resources() == []
    assert objects(emulator, "tasks") == []


def test_destroy_stops_a_running_task_first(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    sms = outside(emulator, emulator_credentials)
    ws = stack(PROGRAM)
    ws.up()
    task_id = ws.outputs()["task_id"]
    assert sms.show_task(task_id).state == "RUNNING"
    emulator.admin.clear_requests()
    ws.destroy()
    assert objects(emulator, "tasks") == []
    counts = emulator.admin.requests()["counts"]
    assert counts.get("POST /v3/tasks/{task_id}/action") == 1  # stop
    assert counts.get("DELETE /v3/tasks/{task_id}") == 1
