"""A stack deployed by the previous release upgrades without replacing or restarting anything.

That release named a server's resources after its wave (`wave-1-web-01`, children of an `sms:plan:Wave`
component) and kept the run state on each Task. The test deploys the minimal example with that
release's code, taken from Git (commit OLD_RELEASE), exactly as its users did (`up --skip-preview`:
its first preview failed, the bug this release fixes), then runs today's code on the same stack and
program: aliases carry the tasks over, the Wave takes over their run state, and no task is created,
deleted or restarted.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import REPO_ROOT, PulumiWorkspace
from tests.conftest import EmulatorCredentials
from tests.e2e.support import objects, outside

pytestmark = pytest.mark.e2e

#: The last release before servers' resources were named after the servers (stop 9, main f6c777f).
OLD_RELEASE = "f6c777f"


def old_release(root: Path) -> Path:
    """An interpreter that imports the old release's sms_pulumi, with today's other packages."""
    code = root / "code"
    code.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", OLD_RELEASE, "sms_pulumi", "examples"],
                             check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # A plain path line adds the directory without running its .pth files: today's editable install
    # of sms_pulumi stays out, the old code comes first.
    (site / "old-release.pth").write_text(f"{code}\n{sysconfig.get_paths()['purelib']}\n")
    return venv / "bin" / "python"


def test_a_stack_of_the_previous_release_upgrades_in_place(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer,
    emulator_credentials: EmulatorCredentials, tmp_path: Path,
) -> None:
    old_python = old_release(tmp_path / "old")
    old_example = tmp_path / "old" / "code" / "examples" / "minimal"
    ws = stack(old_example, name="upgrade")
    ws.extra_env = {**ws.extra_env, "PULUMI_PYTHON_CMD": str(old_python)}
    ws.run("up", "--yes", "--skip-preview", "--non-interactive", *ws.stack_args)
    old_names = sorted(r["urn"].rsplit("::", 1)[-1] for r in ws.resources())
    assert "wave-1-web-01" in old_names, old_names
    before = {t["id"]: t for t in objects(emulator, "tasks")}
    assert {t["state"] for t in before.values()} <= {"RUNNING", "SYNCING"}

    # Today's release, same program (its __main__.py imports sms_pulumi.plan_program) and stack.
    ws.extra_env = {k: v for k, v in ws.extra_env.items() if k != "PULUMI_PYTHON_CMD"}
    preview = ws.preview_json()
    steps = {(s["urn"].split("::")[-2].rsplit("$", 1)[-1], s["urn"].rsplit("::", 1)[-1]): s["op"]
             for s in preview["steps"]}
    for name in ("web-01", "web-02"):  # the task's name loses its wave: in place
        assert steps.get(("pulumi-python:dynamic/sms:Task", name), "same") in ("same", "update"), steps
    assert steps[("pulumi-python:dynamic/sms:Wave", "wave-1")] == "create"
    assert steps[("sms:plan:Wave", "wave-1")] == "delete"  # the old component: nothing in the cloud
    creates = {k for k, op in steps.items() if op in ("create", "replace", "create-replacement")}
    # New since: the Wave, and each server's SourceServer (its source moves into the plan's project).
    assert creates == {("pulumi-python:dynamic/sms:Wave", "wave-1"),
                       ("pulumi-python:dynamic/sms:SourceServer", "web-01-source"),
                       ("pulumi-python:dynamic/sms:SourceServer", "web-02-source")}, steps
    ws.up()
    after = {t["id"]: t for t in objects(emulator, "tasks")}
    assert set(after) == set(before), "the same tasks"
    sms = outside(emulator, emulator_credentials)
    for task_id in after:
        task = sms.show_task(task_id)
        assert task.state in ("RUNNING", "SYNCING")
        assert not any((s.user_op or "").startswith("RESYNC") for s in task.sub_tasks or []), "restarted"
    assert {t["name"] for t in after.values()} == {"web-01", "web-02"}
    assert set(ws.preview_json()["changeSummary"]) == {"same"}
    ws.destroy()
    assert objects(emulator, "tasks") == []
