"""The review report, part by part, on previews shaped the way `pulumi preview --json` writes them.

The end-to-end tests feed it real previews (tests/e2e/test_plan_workflow.py); these feed it each kind
of change on its own: creates, updates, replacements, deletes, run-state changes, bandwidth windows,
OMS task groups, a failed preview, and nothing at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sms_pulumi.plan.report import main, parse_preview, render
from sms_pulumi.resources.types import SPEED_LIMIT, TASK, TASK_GROUP, TEMPLATE, WAVE, full_type

LABELS = {
    "web-01": {"source": "web-01 (10.0.1.11)", "target": "web-01-cloud", "template": "linux-std"},
    "10-0-1-12": {"source": "web-02 (10.0.1.12)", "target": "web-02-cloud", "template": "linux-std"},
}
TASK_INPUTS = {"name": "web-01", "type": "MIGRATE_BLOCK", "target_server": {"name": "web-01-cloud"}}


def step(op: str, kind: str, name: str, old: dict[str, Any] | None = None,
         new: dict[str, Any] | None = None, reasons: list[str] | None = None) -> dict[str, Any]:
    """One step as `pulumi preview --json` writes it."""
    out: dict[str, Any] = {"op": op, "urn": f"urn:pulumi:dev::plan::{full_type(kind)}::{name}"}
    if old is not None:
        out["oldState"] = {"type": full_type(kind), "inputs": old, "outputs": old}
    if new is not None:
        out["newState"] = {"type": full_type(kind), "inputs": new}
    if reasons:
        out["replaceReasons"] = reasons
    return out


def wave_inputs(run_state: str, tasks: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"name": "wave-1", "run_state": run_state, "tasks": tasks,
            "servers": {k: LABELS[k] for k in tasks}, **extra}


def review(*steps: dict[str, Any], errors: list[str] | None = None) -> str:
    data = {"steps": list(steps), "diagnostics": [{"severity": "error", "message": f"error: {e}\n"}
                                                  for e in errors or []]}
    return render(parse_preview(data), stack="prod")


def test_nothing_to_do() -> None:
    same = step("same", WAVE, "wave-1", old=wave_inputs("running", {"web-01": "t1"}),
                new=wave_inputs("running", {"web-01": "t1"}))
    assert "No changes: the cloud already matches the plan." in review(same)


def test_a_failed_preview_is_not_a_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = ("invalid migration plan:\n  plan.yaml:26: waves[1].servers[0]: no source server with name "
             "'web-99' is registered in SMS (did you mean 'web-02'?)")
    text = review(step("create", TASK, "web-01", new=TASK_INPUTS),
                  errors=[error, "an unhandled error occurred: program exited with non-zero exit code: 1"])
    assert "**The preview failed: this is not a review.**" in text
    assert "plan.yaml:26: waves[1].servers[0]: no source server with name 'web-99'" in text
    assert "Wave" not in text and "to create" not in text
    path = tmp_path / "preview.json"
    path.write_text(json.dumps({"steps": [], "diagnostics": [{"severity": "error", "message": error}]}))
    assert main([str(path)]) == 1
    assert "the preview failed" in capsys.readouterr().err


def test_a_new_wave_names_each_source_and_target() -> None:
    text = review(
        step("create", TASK, "web-01", new=TASK_INPUTS),
        step("create", TASK, "10-0-1-12", new={**TASK_INPUTS, "name": "10-0-1-12"}),
        step("create", WAVE, "wave-1", new=wave_inputs("running", {"web-01": "x", "10-0-1-12": "y"})),
    )
    assert "**3 to create**" in text
    assert "### Wave `wave-1` (new, run state **running**)" in text
    assert "Tasks: 2 created, 2 started." in text
    assert ("| `web-01` | web-01 (10.0.1.11) | web-01-cloud (created from template linux-std) | created | "
            "**running** |") in text
    # A server found by IP is named by its source's name, not by its resource name.
    assert "| `10-0-1-12` | web-02 (10.0.1.12) | web-02-cloud (created from template linux-std)" in text


def test_an_existing_target_server_is_named() -> None:
    inputs = {**TASK_INPUTS, "target_server": {"name": "web-01-cloud", "vm_id": "ecs-1"}}
    labels = {"web-01": {"source": "web-01 (10.0.1.11)", "target": "web-01-cloud", "template": None}}
    text = review(step("create", TASK, "web-01", new=inputs),
                  step("create", WAVE, "wave-1", new={**wave_inputs("stopped", {"web-01": "x"}),
                                                      "servers": labels}))
    assert "web-01-cloud (existing server ecs-1)" in text
    assert "Tasks: 1 created, 1 stopped." in text


def test_an_update_in_place_lists_what_changes() -> None:
    text = review(
        step("update", TASK, "web-01", old={**TASK_INPUTS, "speed_limit": 100},
             new={**TASK_INPUTS, "speed_limit": 50}),
        step("same", WAVE, "wave-1", old=wave_inputs("running", {"web-01": "t1"}),
             new=wave_inputs("running", {"web-01": "t1"})),
    )
    assert "Tasks: 1 changed." in text
    assert "| changed | running | speed_limit: `100` → `50` |" in text
    assert "Cannot be undone" not in text


def test_a_replacement_is_called_out_first() -> None:
    text = review(
        step("create-replacement", TASK, "web-01", old={**TASK_INPUTS, "syncing": True},
             new={**TASK_INPUTS, "syncing": False}, reasons=["syncing"]),
        step("delete-replaced", TASK, "web-01", old=TASK_INPUTS),
        step("same", WAVE, "wave-1", old=wave_inputs("running", {"web-01": "t1"}),
             new=wave_inputs("running", {"web-01": "t1"})),
    )
    attention = text.index("### ⚠ Cannot be undone")
    assert attention < text.index("### Wave `wave-1`")
    assert ("**Replaced** sms:Task `web-01` (deleted and created again because of syncing): its migration "
            "starts again from zero") in text
    assert "Tasks: 1 replaced." in text


def test_a_cut_over_launches_the_target_and_ends_replication() -> None:
    old = wave_inputs("running", {"web-01": "t1", "10-0-1-12": "t2"})
    text = review(step("update", WAVE, "wave-1", old=old, new={**old, "run_state": "cut_over"}))
    assert text.index("### ⚠ Cannot be undone") < text.index("### Wave `wave-1` (run state running → "
                                                               "**cut_over**)")
    assert ("**Cut over** `web-01` (wave `wave-1`): launches web-01-cloud (created from template "
            "linux-std) and ends the replication of web-01 (10.0.1.11)") in text
    assert "Tasks: 2 cut over." in text
    assert "| `web-01` | web-01 (10.0.1.11) |" in text and "running → **cut_over**" in text


def test_run_states_of_single_servers_and_moves_between_waves() -> None:
    old1 = wave_inputs("running", {"web-01": "t1", "10-0-1-12": "t2"})
    new1 = {**wave_inputs("running", {"web-01": "t1"}), "run_states": {"web-01": "stopped"}}
    new2 = {**wave_inputs("running", {"10-0-1-12": "t2"}), "name": "wave-2"}
    text = review(step("update", WAVE, "wave-1", old=old1, new=new1),
                  step("create", WAVE, "wave-2", new=new2),
                  step("same", TASK, "web-01", old=TASK_INPUTS, new=TASK_INPUTS),
                  step("same", TASK, "10-0-1-12", old=TASK_INPUTS, new=TASK_INPUTS))
    wave1 = text[text.index("### Wave `wave-1`"):text.index("### Wave `wave-2`")]
    assert "Tasks: 1 stopped, 1 moved out." in wave1
    assert "running → **stopped**" in wave1 and "(moves to another wave)" in wave1
    wave2 = text[text.index("### Wave `wave-2`"):]
    assert "Tasks: 1 moved in, 1 started." in wave2
    assert "| unchanged |" in wave2, "the task itself does not change when its server moves"


def test_a_delete_reads_as_a_delete() -> None:
    old = wave_inputs("running", {"web-01": "t1"})
    text = review(step("delete", TASK, "web-01", old=TASK_INPUTS), step("delete", WAVE, "wave-1", old=old),
                  step("delete", SPEED_LIMIT, "web-01-bandwidth", old={"task_id": "t1", "rules": []}))
    assert "**3 to delete**" in text
    assert "### Wave `wave-1` (removed" in text
    assert "| deleted | deleted (paused first) |" in text
    assert "None" not in text


def test_bandwidth_windows() -> None:
    rules = [{"start": "08:00", "end": "18:00", "speed": 50}]
    text = review(
        step("update", SPEED_LIMIT, "web-01-bandwidth", old={"task_id": "t1", "rules": []},
             new={"task_id": "t1", "rules": rules}),
        step("same", WAVE, "wave-1", old=wave_inputs("running", {"web-01": "t1"}),
             new=wave_inputs("running", {"web-01": "t1"})),
    )
    assert "Bandwidth windows:\n- `web-01` (changed): 08:00–18:00 50 Mbit/s" in text
    assert "Outside the waves" not in text


def test_templates_projects_and_task_groups_outside_the_waves() -> None:
    text = review(
        step("update", TEMPLATE, "template-linux",
             old={"flavor": "s6.large.2", "target_password": "[secret]"},
             new={"flavor": "s6.xlarge.2", "target_password": "[secret]"}),
        step("update", TASK_GROUP, "oms-assets", old={"run_state": "running", "bandwidth_policy": []},
             new={"run_state": "paused", "bandwidth_policy": []}),
    )
    assert "### Outside the waves" in text
    assert "- sms:Template `template-linux`: changed (flavor: `s6.large.2` → `s6.xlarge.2`)" in text
    assert "- oms:TaskGroup `oms-assets`: changed (run_state: `running` → `paused`)" in text
    changed = review(step("update", TEMPLATE, "t", old={"target_password": "[secret]"},
                          new={"target_password": "[secret]x"}))
    assert "target_password (secret)" in changed
