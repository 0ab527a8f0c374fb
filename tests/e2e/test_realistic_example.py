"""Issue #6: the realistic example end to end with the real CLI: up, cut over wave 1 by editing the
plan (reviewed with the report command on the real preview), up again, destroy: nothing left over."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.plan.report import parse_preview, render
from sms_pulumi.pulumi_cli import PulumiWorkspace

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "realistic"
SECRETS = ("linuxTargetPassword", "windowsTargetPassword", "assetsSourceAk", "assetsSourceSk",
           "assetsDestAk", "assetsDestSk")


def ours(objects: dict[str, list[dict[str, object]]], kind: str, ids: set[str]) -> list[dict[str, object]]:
    # OMS task groups are identified by group_id, everything else by id.
    return [o for o in objects.get(kind, []) if (o.get("id") or o.get("group_id")) in ids]


def test_realistic_wave_up_cut_over_destroy(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.admin.reset(seed=str(EXAMPLE / "sources.yaml"))
    values = {key: secrets.token_urlsafe(16) for key in SECRETS}
    ws = stack(EXAMPLE, name="realistic", secrets=values)

    ws.up()
    resources = ws.resources()
    tasks = {r["urn"].split("::")[-1]: r for r in resources if r["type"].endswith("sms:Task")}
    assert len(tasks) == 24
    waves = {r["urn"].split("::")[-1]: r for r in resources if r["type"].endswith("sms:Wave")}
    by_wave = {w: [tasks[k] for k in waves[w]["outputs"]["tasks"]] for w in ("wave-1", "wave-2")}
    assert {m["run_state"] for m in waves["wave-1"]["outputs"]["members"].values()} == {"running"}
    assert {m["run_state"] for m in waves["wave-2"]["outputs"]["members"].values()} == {"stopped"}
    live = {t["id"]: t for t in emulator.admin.objects()["tasks"]}
    assert all(live[t["id"]]["state"] in {"RUNNING", "SYNCING"} for t in by_wave["wave-1"])
    assert all(live[t["id"]]["state"] in {"READY", "ABORT"} for t in by_wave["wave-2"])
    assert len([r for r in resources if r["type"].endswith("sms:SpeedLimit")]) == 24
    assert len([r for r in resources if r["type"].endswith("oms:TaskGroup")]) == 1
    assert set(ws.preview_json()["changeSummary"]) == {"same"}

    # The migration engineer's pull request: cut wave 1 over.
    plan = ws.project_dir / "plan.yaml"
    plan.write_text(plan.read_text().replace("run_state: running\n    template: linux-web",
                                             "run_state: cut_over\n    template: linux-web"))
    preview = ws.preview_json()
    (tmp_path / "preview.json").write_text(json.dumps(preview))
    report = render(parse_preview(preview), stack="test")
    assert "### Wave `wave-1`" in report
    assert "Tasks: 12 cut over." in report
    assert "### ⚠ Cannot be undone" in report
    assert "running → **cut_over**" in report
    assert "wave-2" not in report  # nothing changes there
    assert "Replaced" not in report
    assert all(v not in report for v in values.values())

    ws.up()
    live = {t["id"]: t for t in emulator.admin.objects()["tasks"]}
    assert {live[t["id"]]["state"] for t in by_wave["wave-1"]} == {"MIGRATE_SUCCESS"}
    assert set(ws.preview_json()["changeSummary"]) == {"same"}

    exported = json.dumps(ws.export_state())
    assert all(v not in exported for v in values.values())

    ids = {r["id"] for r in ws.resources()}
    ws.destroy()
    assert ws.resources() == []
    objects = emulator.admin.objects()
    for kind in ("tasks", "templates", "migprojects", "taskgroups"):
        assert ours(objects, kind, ids) == [], kind
