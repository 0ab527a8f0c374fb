"""Special task settings (`configurations:` of a plan, manual 5.10) through the real pulumi CLI: a
fresh stack previews and applies them, an edited server's settings (a value changed, a key taken
out) update that task only, and a bad key stops `pulumi preview` at the plan's line, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.conftest import EmulatorCredentials
from tests.e2e.support import changes, objects, outside

pytestmark = pytest.mark.e2e

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"

PLAN = """\
templates:
  linux-small:
    flavor: s6.large.2
    vpc: {id: autoCreate, name: autoCreate}
    nics: [{id: autoCreate, name: autoCreate, cidr: 192.168.0.0/24}]
    security_groups: [{id: autoCreate, name: autoCreate}]

waves:
  - name: wave-1
    run_state: running
    template: linux-small
    configurations:
      SYNC_EXCLUDE_PATH: [/tmp, /var/cache]
      LINUX_CPU_LIMIT: "50"
    servers:
      - name: web-01
        configurations: {LINUX_IO_LIMIT: "100", LINUX_MEM_LIMIT: "2048"}
      - name: web-02
"""


def settings_by_task(sms: SmsClient, emulator: EmulatorServer) -> dict[str, dict[str, str]]:
    """Each task's settings as SMS holds them, by task name (asked outside Pulumi)."""
    out = {}
    for task in objects(emulator, "tasks"):
        answer = sms.get_config_setting(str(task["id"]))
        out[str(task["name"])] = {str(c.config_key): str(c.config_value) for c in answer.configurations or []}
    return out


def test_settings_from_a_plan_are_applied_changed_and_checked(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    sms = outside(emulator, emulator_credentials)
    ws = stack(MINIMAL, name="settings")  # the example's program, with this plan
    plan = ws.project_dir / "plan.yaml"
    plan.write_text(PLAN)

    first = ws.preview_json()  # a fresh stack: nothing is known yet, check has the settings
    assert not [d for d in first.get("diagnostics") or [] if d.get("severity") == "error"], first
    assert set(first["changeSummary"]) == {"create"}, first["changeSummary"]
    ws.up()
    wave = {"SYNC_EXCLUDE_PATH": "/tmp,/var/cache", "LINUX_CPU_LIMIT": "50"}
    assert settings_by_task(sms, emulator) == {
        "web-01": {**wave, "LINUX_IO_LIMIT": "100", "LINUX_MEM_LIMIT": "2048"}, "web-02": wave}
    assert set(ws.preview_json()["changeSummary"]) == {"same"}

    # web-01's own settings edited: one value changed, one key taken out. Only its task changes.
    edited = PLAN.replace('{LINUX_IO_LIMIT: "100", LINUX_MEM_LIMIT: "2048"}', '{LINUX_IO_LIMIT: "200"}')
    plan.write_text(edited)
    planned = changes(ws.preview_json())
    assert planned.op("web-01") == "update", planned
    assert planned.summary == {"update": 1, "same": planned.summary["same"]}, planned.summary
    ws.up()
    assert settings_by_task(sms, emulator) == {
        "web-01": {**wave, "LINUX_IO_LIMIT": "200", "LINUX_MEM_LIMIT": ""}, "web-02": wave}
    assert set(ws.preview_json()["changeSummary"]) == {"same"}

    # A misspelt key: the preview stops at its line in the plan, before any change, without a traceback.
    plan.write_text(PLAN.replace('LINUX_CPU_LIMIT: "50"', 'LINUX_CPU_LIMT: "50"'))
    line = PLAN.splitlines().index('      LINUX_CPU_LIMIT: "50"') + 1
    failed = ws.run("preview", "--non-interactive", *ws.stack_args, check=False)
    said = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert (f"{plan}:{line}: waves[0].configurations.LINUX_CPU_LIMT: unknown config_key 'LINUX_CPU_LIMT'; "
            "expected one of ") in said, said
    assert "Traceback" not in said
