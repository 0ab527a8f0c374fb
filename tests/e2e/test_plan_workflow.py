"""The review workflow as users run it: every example previews from a fresh stack, `pulumi up` runs
with its own preview, and a plan edited the usual ways (a server added, moved to another wave, a wave
renamed, a task renamed, a template changed, a task replaced, a task deleted in the console) previews
and applies without a replacement it does not need and without restarting a replication.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.plan.report import parse_preview, render
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.conftest import EmulatorCredentials
from tests.e2e.support import changes, objects, outside, state_of

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECRETS = {
    "minimal": (),
    "demo": ("linuxTargetPassword", "windowsTargetPassword"),
    "realistic": ("linuxTargetPassword", "windowsTargetPassword", "assetsSourceAk", "assetsSourceSk",
                  "assetsDestAk", "assetsDestSk"),
}


def example(stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, name: str) -> PulumiWorkspace:
    if name == "realistic":
        emulator.admin.reset(seed=str(EXAMPLES / "realistic" / "sources.yaml"))
    values = {key: secrets.token_urlsafe(16) + "!Aa1" for key in SECRETS[name]}
    return stack(EXAMPLES / name, name=name, secrets=values)


def preview_text(ws: PulumiWorkspace) -> str:
    return ws.run("preview", "--diff", "--non-interactive", *ws.stack_args).stdout


def diff_lines(text: str) -> list[str]:
    """Lines of `pulumi preview --diff` that say something changes."""
    return [line for line in text.splitlines() if re.match(r"\s*[-+~]{1,2} ", line) or "=>" in line]


def tasks_by_name(emulator: EmulatorServer) -> dict[str, dict[str, Any]]:
    return {str(t["name"]): t for t in objects(emulator, "tasks")}


@pytest.mark.parametrize("name", ["minimal", "demo", "realistic"])
def test_every_example_from_a_fresh_stack(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, name: str
) -> None:
    ws = example(stack, emulator, name)
    first = ws.preview_json()
    assert not [d for d in first.get("diagnostics") or [] if d.get("severity") == "error"], first
    assert set(first["changeSummary"]) == {"create"}, first["changeSummary"]
    ws.up()  # with its own preview
    waves = [r for r in ws.resources() if r["type"].endswith("sms:Wave")]
    assert waves and all(r["outputs"]["failures"] == {} for r in waves)
    # Nothing changed: the preview says so, and prints no diff line at all.
    text = preview_text(ws)
    assert diff_lines(text) == [], text
    assert set(ws.preview_json()["changeSummary"]) == {"same"}
    ws.destroy()
    assert ws.resources() == []


def test_a_plan_edited_the_usual_ways(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    sms = outside(emulator, emulator_credentials)
    ws = example(stack, emulator, "minimal")
    plan = ws.project_dir / "plan.yaml"
    ws.up()
    web01 = tasks_by_name(emulator)["web-01"]["id"]

    # A server added to the deployed wave: its task is created and started; nothing else changes.
    plan.write_text(plan.read_text().replace("      - name: web-02\n",
                                             "      - name: web-02\n      - name: app-01\n"))
    planned = changes(ws.preview_json())
    assert planned.op("app-01") == "create" and planned.op("wave-1") == "update", planned
    assert planned.op("web-01") == "same"
    ws.up()
    assert tasks_by_name(emulator)["app-01"]["state"] in ("RUNNING", "SYNCING")

    # web-02 moves to a new wave, and wave-1 is renamed: in place, the replications go on.
    emulator.admin.clock(advance_ms=3600 * 1000)  # they reach SYNCING
    before = tasks_by_name(emulator)
    assert {before[k]["state"] for k in ("web-01", "web-02")} == {"SYNCING"}
    text = plan.read_text().replace("  - name: wave-1\n", "  - name: web-tier\n")
    text = text.replace("      - name: web-02\n", "")
    text += "  - name: wave-2\n    run_state: running\n    template: linux-small\n    servers:\n" \
            "      - name: web-02\n"
    plan.write_text(text)
    planned = changes(ws.preview_json())
    for server in ("web-01", "web-02", "app-01"):
        assert planned.op(server) == "same", planned
    assert planned.op("web-tier") == "create" and planned.op("wave-2") == "create"
    assert planned.op("wave-1") == "delete"
    ws.up()
    after = tasks_by_name(emulator)
    for server in ("web-01", "web-02"):
        assert after[server]["id"] == before[server]["id"]
        assert after[server]["state"] == "SYNCING", "renaming or moving a wave does not stop a task"
        sub_tasks = sms.show_task(after[server]["id"]).sub_tasks or []
        assert not any((s.user_op or "").startswith("RESYNC") for s in sub_tasks), "not restarted"

    # A task renamed: in place, same task.
    plan.write_text(plan.read_text().replace("      - name: web-01\n",
                                             "      - name: web-01\n        task_name: web-01-prod\n"))
    assert changes(ws.preview_json()).op("web-01") == "update"
    ws.up()
    assert tasks_by_name(emulator)["web-01-prod"]["id"] == web01

    # A change to the template the tasks use: the template is updated in place, the tasks stay.
    plan.write_text(plan.read_text().replace("flavor: s6.large.2", "flavor: s6.xlarge.2"))
    planned = changes(ws.preview_json())
    assert planned.op("template-linux-small") == "update"
    assert all(planned.op(s) == "same" for s in ("web-01", "web-02", "app-01")), planned
    ws.up()
    [template] = objects(emulator, "templates")
    assert template["flavor"] == "s6.xlarge.2"

    # A server taken out of the plan, another put in: the first task is paused and deleted.
    plan.write_text(plan.read_text().replace("      - name: app-01\n", "      - name: db-01\n"))
    planned = changes(ws.preview_json())
    assert planned.op("db-01") == "create" and planned.op("app-01") == "delete", planned
    ws.up()
    assert "app-01" not in tasks_by_name(emulator)

    # A task deleted in the console: the preview says so; refresh drops it; up creates it again.
    gone = tasks_by_name(emulator)["web-02"]["id"]
    sms.task_action(gone, "stop")
    emulator.admin.clock(advance_ms=60 * 1000)
    sms.delete_task(gone)
    emulator.admin.clock(advance_ms=60 * 1000)
    said = ws.run("preview", "--non-interactive", *ws.stack_args)
    assert f"task web-02 ({gone}) is in the stack's state but no longer exists" in said.stdout, said.stdout
    assert "Traceback" not in said.stdout + said.stderr
    ws.refresh()
    assert changes(ws.preview_json()).op("web-02") == "create"
    ws.up()
    again = tasks_by_name(emulator)["web-02"]
    assert again["id"] != gone and again["state"] in ("RUNNING", "SYNCING")
    assert set(ws.preview_json()["changeSummary"]) == {"same"}

    ws.destroy()
    assert objects(emulator, "tasks") == [] and objects(emulator, "templates") == []


def test_a_task_replacement_through_the_plan(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer
) -> None:
    ws = example(stack, emulator, "minimal")
    ws.up()
    old = tasks_by_name(emulator)
    plan = ws.project_dir / "plan.yaml"
    plan.write_text(plan.read_text().replace("syncing: true ", "syncing: false"))
    preview = ws.preview_json()
    planned = changes(preview)
    assert planned.op("web-01") == "replace" and planned.op("web-02") == "replace", planned
    report = render(parse_preview(preview))
    assert "**Replaced** sms:Task `web-01`" in report and "starts again from zero" in report
    ws.up()
    new = tasks_by_name(emulator)
    assert {new[k]["id"] for k in new}.isdisjoint({old[k]["id"] for k in old})
    assert {t["state"] for t in new.values()} <= {"RUNNING", "SYNCING", "MIGRATE_SUCCESS"}
    assert set(ws.preview_json()["changeSummary"]) == {"same"}


def test_reviews_of_a_cut_over_and_of_a_failed_preview(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, tmp_path: Path
) -> None:
    ws = example(stack, emulator, "demo")
    ws.up()
    plan = ws.project_dir / "plan.yaml"
    plan.write_text(plan.read_text().replace("run_state: running", "run_state: cut_over"))
    preview = ws.preview_json()
    (tmp_path / "cut-over.json").write_text(json.dumps(preview))
    report = render(parse_preview(preview), stack="test")
    assert "### ⚠ Cannot be undone" in report
    assert ("**Cut over** `web-01` (wave `wave-1`): launches web-01-cloud (created from template linux-std) "
            "and ends the replication of web-01 (10.0.1.11)") in report
    assert "### Wave `wave-1` (run state running → **cut_over**)" in report
    assert "Tasks: 3 cut over." in report
    assert "wave-2" not in report
    # A plan naming a server SMS does not know: the preview fails, and the report says so.
    plan.write_text(plan.read_text().replace("name: app-01", "name: app-99"))
    failed = ws.run("preview", "--json", "--non-interactive", *ws.stack_args, check=False)
    assert failed.returncode != 0
    report = render(parse_preview(json.loads(failed.stdout)), stack="test")
    assert "**The preview failed: this is not a review.**" in report
    assert "no source server with name 'app-99' is registered in SMS (did you mean 'app-01'?)" in report
    assert "Wave `wave-1`" not in report
    shutil.copy(plan, tmp_path / "plan.yaml")
    ws.destroy()


def test_the_preview_names_drift_and_failures(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    ws = example(stack, emulator, "minimal")
    ws.up()
    web02 = tasks_by_name(emulator)["web-02"]["id"]
    emulator.admin.fail_task(web02, error_code="SMS.6513", error_msg="The source disk is full.")
    refreshed = ws.run("refresh", "--yes", "--diff", "--non-interactive", *ws.stack_args)
    assert "SMS.6513" in refreshed.stdout, refreshed.stdout
    text = preview_text(ws)
    assert 'web-02: "failed: SMS.6513: The source disk is full.' in text, text
    plain = ws.run("preview", "--non-interactive", *ws.stack_args).stdout  # no --diff: said as a warning
    assert "task web-02 failed (SMS.6513: The source disk is full." in plain, plain
    assert "up starts it again" in plain, plain
    # `up` says what failed before it restarts it; the wave gets there.
    done = ws.up()
    assert "task web-02 had failed (SMS.6513: The source disk is full." in done.stdout + done.stderr
    assert state_of(ws, "wave-1")["outputs"]["members"]["web-02"]["run_state"] == "running"
