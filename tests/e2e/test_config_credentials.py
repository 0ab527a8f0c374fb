"""Credentials and endpoints that exist only as stack config (`pulumi config set --secret`).

The pulumi processes get no HW_* variable at all: the program's lookups read the stack config from
the runtime, the dynamic providers from `configure()`. Every command runs with the engine's most
verbose logs (`-v=9 --logtostderr`), and the state, its history and backups, every command's output and
the emulator's request log are searched for the secret values.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from tests.conftest import EmulatorCredentials
from tests.workspaces import make_workspace

pytestmark = pytest.mark.e2e

PROGRAM = """
import pulumi
from sms_pulumi.lookups import get_source_server
from sms_pulumi.resources.migration_project import MigrationProject
from sms_pulumi.resources.speed_limit import SpeedLimit
from sms_pulumi.resources.task import Task
from sms_pulumi.resources.template import Template

config = pulumi.Config()
web = get_source_server(name="web-01")
project = MigrationProject("wave", name="config-wave", region="cn-north-4", type="MIGRATE_BLOCK",
                           syncing=True, description=config.get("description") or "first")
template = Template("linux", name="config-linux", region="cn-north-4",
                    projectid=pulumi.Config("huaweicloud").require("projectId"), flavor="s6.large.2",
                    target_password=config.require_secret("targetPassword"))
task = Task("web-01", name="config-web-01", type="MIGRATE_BLOCK", os_type=str(web.os_type),
            source_server_id=str(web.id), target_server={"name": "web-01-cloud"},
            vm_template_id=template.id, syncing=True)
SpeedLimit("web-01-bw", task_id=task.id, rules=[{"start": "08:00", "end": "18:00", "speed": 50}])
pulumi.export("task_id", task.id)
"""

VERBOSE = ("-v=9", "--logtostderr", "--logflow")


def test_a_stack_whose_credentials_are_only_stack_config(
    tmp_path: Path, emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    assert not [k for k in os.environ if k.startswith("HW_")], "the test process must not carry HW_*"
    creds = emulator_credentials
    password = "Tp-" + creds.secret_key[:12] + "!"
    ws = make_workspace(tmp_path, PROGRAM, "cfgcreds", {}, config={
        "huaweicloud:smsEndpoint": emulator.url,
        "huaweicloud:omsEndpoint": emulator.url,
        "huaweicloud:projectId": creds.project_id,
        "huaweicloud:accessKey": creds.access_key,
        "huaweicloud:pollInterval": "0.2",
    }, secrets={"huaweicloud:secretKey": creds.secret_key, "targetPassword": password})
    assert not [k for k in ws.env() if k.startswith("HW_")]

    preview = ws.run("preview", "--non-interactive", *VERBOSE)
    assert "+ 5 to create" in preview.stdout, preview.stdout[-2000:]
    ws.run("up", "--yes", "--non-interactive", *VERBOSE)
    [task] = [t for t in emulator.admin.objects()["tasks"] if t["name"] == "config-web-01"]
    assert ws.outputs()["task_id"] == task["id"]
    assert [t for t in emulator.admin.objects()["templates"] if t["name"] == "config-linux"]

    ws.set_config("description", "second")
    ws.run("up", "--yes", "--non-interactive", *VERBOSE)
    [project] = [p for p in emulator.admin.objects()["migprojects"] if p["name"] == "config-wave"]
    assert project["description"] == "second"

    refreshed = ws.run("refresh", "--yes", "--non-interactive", *VERBOSE)
    assert re.search(r"Resources:\s+\d+ unchanged\s+Duration", refreshed.stdout), refreshed.stdout[-800:]
    ws.run("destroy", "--yes", "--non-interactive", *VERBOSE)
    assert ws.resources() == []
    assert not [t for t in emulator.admin.objects()["tasks"] if t["name"] == "config-web-01"]

    assert emulator.admin.requests()["total"] > 0
    leaks = {"secret key": creds.secret_key, "target password": password}
    places: dict[str, str] = {f"file {p}": p.read_text(errors="replace") for p in ws.checkpoint_files()}
    places.update({f"output of pulumi {' '.join(r.argv[:2])} #{i}": r.output
                   for i, r in enumerate(ws.transcript)})
    places["emulator request log"] = str(emulator.admin.requests())
    places["emulator objects"] = str(emulator.admin.objects())
    found = [f"{what} in {where}" for where, text in places.items() for what, value in leaks.items()
             if value in text]
    assert not found, found
    # The engine logs at -v=9 were captured: the search above looked at them.
    assert any("Configure" in r.stderr for r in ws.transcript), "no engine log in the transcript"
