"""A wave's test, cut-over, resync round and clean-up as a migration engineer runs them: each step an
edit of the plan, previewed (with the warning a reviewer must see) before `pulumi up` carries it out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.plan.report import parse_preview, render
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.e2e.support import objects, state_of
from tests.e2e.test_plan_workflow import example

pytestmark = pytest.mark.e2e

TEST_TEMPLATE = """
  linux-test:
    flavor: s6.medium.2
    vpc: {id: autoCreate, name: autoCreate}
    nics: [{id: autoCreate, name: autoCreate, cidr: 192.168.0.0/24}]
    security_groups: [{id: autoCreate, name: autoCreate}]
"""


def edit(plan: Path, old: str, new: str) -> None:
    text = plan.read_text()
    assert old in text, old
    plan.write_text(text.replace(old, new, 1))


def test_test_then_cut_over_then_resync_then_destroy_leaves_nothing(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer
) -> None:
    ws = example(stack, emulator, "minimal")
    plan = ws.project_dir / "plan.yaml"
    edit(plan, "\nwaves:", TEST_TEMPLATE + "\nwaves:")
    edit(plan, "    template: linux-small\n", "    template: linux-small\n    test_template: linux-test\n"
         "    clear_snapshots: true\n    network_check: true\n    consistency_check: true\n")
    ws.up()

    # The test: a clone of each target, announced by the preview as a server of its own.
    edit(plan, "run_state: running", "run_state: tested")
    preview = ws.run("preview", "--non-interactive", *ws.stack_args)
    said = "tested clones 2 target server(s) from a template (web-01, web-02)"
    assert said in preview.stdout, preview.stdout
    report = render(parse_preview(ws.preview_json()), stack="test")
    assert "**Test clone** of `web-01` (wave `wave-1`): a server made from template linux-test" in report
    ws.up()
    members = state_of(ws, "wave-1")["outputs"]["members"]
    assert {k: m["run_state"] for k, m in members.items()} == {"web-01": "tested", "web-02": "tested"}
    assert all(m["test"]["kind"] == "clone" and m["test"]["clone_server_id"] for m in members.values())
    assert all(m["network"]["evaluation_result"] == "NORMAL" for m in members.values())
    assert {t["state"] for t in objects(emulator, "tasks")} == {"SYNCING"}

    # The cut-over: irreversible, said so; the snapshots are released once it is done.
    edit(plan, "run_state: tested", "run_state: cut_over")
    preview = ws.run("preview", "--non-interactive", *ws.stack_args)
    said = "cut_over launches the target servers of 2 task(s) (web-01, web-02): irreversible"
    assert said in preview.stdout, preview.stdout
    ws.up()
    members = state_of(ws, "wave-1")["outputs"]["members"]
    assert {m["run_state"] for m in members.values()} == {"cut_over"}
    assert {m["snapshots"] for m in members.values()} == {"cleared"}
    assert all(m["consistency"] and m["consistency"]["different"] == 0 for m in members.values()), members
    assert set(ws.preview_json()["changeSummary"]) == {"same"}

    # One more sync round, then the cut-over again.
    edit(plan, "    clear_snapshots: true\n", "    clear_snapshots: true\n    resync: 1\n")
    preview_json = ws.preview_json()
    assert "Resync round" in render(parse_preview(preview_json), stack="test")
    ws.up()
    members = state_of(ws, "wave-1")["outputs"]["members"]
    assert {m["cut_overs"] for m in members.values()} == {2}
    assert {m["snapshots"] for m in members.values()} == {"cleared"}

    ws.destroy()
    kinds = ("tasks", "templates", "migprojects")
    left = {kind: [o for o in objs if not o.get("isdefault")]  # SMS's own SystemProject stays
            for kind, objs in emulator.admin.objects().items() if kind in kinds}
    left = {kind: objs for kind, objs in left.items() if objs}
    assert left == {}, json.dumps(left)[:500]
