"""SpeedLimit through the real pulumi CLI: windows set, changed in place, moved to another task
(replaced), changed in the console (drift) and put back, cleared by destroy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.conftest import EmulatorCredentials
from tests.e2e.support import changes, config_json, objects, outside, state_of

pytestmark = pytest.mark.e2e

PROGRAM = """
import json
import uuid

import pulumi
from sms_pulumi.lookups import get_source_server
from sms_pulumi.resources.speed_limit import SpeedLimit
from sms_pulumi.resources.task import Task

cfg = pulumi.Config()
tasks = {}
for server in ("web-01", "web-02"):
    source = get_source_server(name=server)
    tasks[server] = Task(
        server, name=f"wave1-{server}", type="MIGRATE_BLOCK", os_type="LINUX",
        source_server_id=str(source.id),
        target_server={"name": f"{server}-cloud", "vm_id": str(uuid.uuid5(uuid.NAMESPACE_DNS, server))},
    )
rules = json.loads(cfg.get("rules") or '[{"start": "8:00", "end": "18:00", "speed": 50}]')
office = SpeedLimit("office-hours", task_id=tasks[cfg.get("server") or "web-01"].id, rules=rules)
pulumi.export("task_ids", {k: t.id for k, t in tasks.items()})
pulumi.export("limited_task", office.id)
"""

OFFICE = [{"start": "8:00", "end": "18:00", "speed": 50}]
TWO_WINDOWS = [{"start": "08:00", "end": "12:00", "speed": 20, "over_speed_threshold": 30},
               {"start": "12:00", "end": "18:00", "speed": 80}]


def rules(sms: SmsClient, task_id: str) -> list[dict[str, Any]]:
    return [r.model_dump(exclude_none=True) for r in sms.show_speed_limits(task_id).speed_limit or []]


def test_speed_limit_lifecycle(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    sms = outside(emulator, emulator_credentials)
    ws = stack(PROGRAM)

    ws.up()
    task_ids = ws.outputs()["task_ids"]
    web01, web02 = task_ids["web-01"], task_ids["web-02"]
    assert ws.outputs()["limited_task"] == web01
    assert rules(sms, web01) == OFFICE and rules(sms, web02) == []
    assert set(changes(ws.preview_json()).summary) == {"same"}
    # The same windows spelled "08:00" are no change.
    ws.set_config("rules", config_json([{"start": "08:00", "end": "18:00", "speed": 50}]))
    assert set(changes(ws.preview_json()).summary) == {"same"}

    # In place: new windows for the same task.
    ws.set_config("rules", config_json(TWO_WINDOWS))
    planned = changes(ws.preview_json())
    assert planned.ops["office-hours"] == "update", planned
    ws.up()
    assert rules(sms, web01) == TWO_WINDOWS

    # Another task: replaced; the first task's windows are cleared.
    ws.set_config("server", "web-02")
    planned = changes(ws.preview_json())
    assert planned.ops["office-hours"] == "replace", planned
    assert planned.op("web-01") == "same" and planned.op("web-02") == "same", planned
    ws.up()
    assert rules(sms, web02) == TWO_WINDOWS and rules(sms, web01) == []
    assert ws.outputs()["limited_task"] == web02

    # Someone lifts the limit in the console: refresh shows it, up puts the windows back.
    sms.set_speed_limits(web02, SetSpeedLimitsRequest(speed_limit=[]))
    refreshed = ws.refresh()
    assert "1 updated" in refreshed.stdout, refreshed.stdout
    assert state_of(ws, "office-hours")["outputs"]["rules"] == []
    ws.up()
    assert rules(sms, web02) == TWO_WINDOWS
    assert set(changes(ws.preview_json()).summary) == {"same"}

    # Overlapping windows stop the preview with a message naming the field; no write reaches SMS.
    ws.set_config("rules", config_json([{"start": "08:00", "end": "12:00", "speed": 5},
                                        {"start": "11:00", "end": "13:00", "speed": 5}]))
    emulator.admin.clear_requests()
    refused = ws.run("preview", "--non-interactive", *ws.stack_args, check=False)
    assert refused.returncode != 0
    said = refused.stdout + refused.stderr
    assert "office-hours" in said and "rules" in said and "overlap" in said, said
    counts = emulator.admin.requests()["counts"]
    writes = [k for k in counts if not k.startswith("GET ") and "/_emulator" not in k]
    assert writes == [], writes

    ws.destroy()
    assert ws.resources() == []
    assert objects(emulator, "tasks") == []
