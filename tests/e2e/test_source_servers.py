"""Source servers in a plan, through the real pulumi CLI: the plan's project holds its servers, their
disk settings shape the targets of their tasks, a disk edited later is an update of that one source,
and destroy leaves the account as it was (sources back in their project) or cleaned up (deleted)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sms_pulumi.api.models.sources import ListSourceServersQuery
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.conftest import EmulatorCredentials
from tests.e2e.support import changes, objects, outside, state_of

pytestmark = pytest.mark.e2e

GIB = 1024**3
PROGRAM = """
from pathlib import Path
from sms_pulumi.plan import deploy_plan

deploy_plan(Path(__file__).parent / "plan.yaml")
"""
PLAN = """\
migration_project: {name: e2e-sources, type: MIGRATE_BLOCK, syncing: true, exist_server: false}
templates:
  linux-small:
    flavor: s6.large.2
    vpc: {id: autoCreate, name: autoCreate}
    nics: [{id: autoCreate, name: autoCreate, cidr: 192.168.0.0/24}]
    security_groups: [{id: autoCreate, name: autoCreate}]
waves:
  - name: wave-1
    template: linux-small
    on_destroy: ON_DESTROY
    servers:
      - name: web-01
        disks: {/dev/vdb: {size: 150, partitions: {/dev/vdb1: {size: 140}}}}
      - name: db-01
        disks: {/dev/sdb: {size: 300}}
        volume_groups: {vg_data: {size: 260, logical_volumes: {/dev/vg_data/lv_pgdata: {size: 250}}}}
"""
SERVERS = ("web-01", "db-01")


def planned(stack: Callable[..., PulumiWorkspace], on_destroy: str) -> PulumiWorkspace:
    ws = stack(PROGRAM)
    (ws.project_dir / "plan.yaml").write_text(PLAN.replace("ON_DESTROY", on_destroy))
    return ws


def members(sms: SmsClient, project: str) -> set[str]:
    return {str(s.name) for s in sms.iter_sources(ListSourceServersQuery(migproject=project))}


def recommended(sms: SmsClient, source_id: str) -> dict[str, int]:
    """Target disk sizes SMS recommends for the source, by name."""
    init = sms.show_source(source_id).init_target_server
    return {str(d.name): int(d.size or 0) for d in (init.disks if init and init.disks else [])}


def target_disks(sms: SmsClient, task_id: str) -> dict[str, int]:
    target = sms.show_task(task_id).target_server
    return {str(d.name): int(d.size or 0) for d in (target.disks if target and target.disks else [])}


def test_the_plans_project_holds_its_servers_and_destroy_moves_them_back(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    sms = outside(emulator, emulator_credentials)
    [home] = [p.id for p in sms.iter_migprojects() if p.isdefault]
    assert home is not None and SERVERS[0] in members(sms, home)
    ws = planned(stack, "move_back")
    first = ws.preview_json()
    assert set(first["changeSummary"]) == {"create"}, first["changeSummary"]
    assert {n: changes(first).op(n) for n in ("web-01-source", "db-01-source")} == dict.fromkeys(
        ("web-01-source", "db-01-source"), "create")
    ws.up()

    project = state_of(ws, "project-e2e-sources")["id"]
    assert members(sms, project) == set(SERVERS) and not set(SERVERS) & members(sms, home)
    tasks = {t["name"]: t["id"] for t in objects(emulator, "tasks")}
    assert target_disks(sms, tasks["web-01"])["/dev/vdb"] == 150 * GIB, "the task follows the disk settings"
    assert target_disks(sms, tasks["db-01"])["/dev/sdb"] == 300 * GIB
    ws.refresh()
    assert set(ws.preview_json()["changeSummary"]) == {"same"}, "read back as written: no drift"

    # A disk edited: an update of that server's SourceServer, and of nothing else.
    plan = ws.project_dir / "plan.yaml"
    plan.write_text(plan.read_text().replace("/dev/vdb: {size: 150,", "/dev/vdb: {size: 160,"))
    edited = changes(ws.preview_json())
    assert {n: op for n, op in edited.ops.items() if op != "same"} == {"web-01-source": "update"}, edited
    done = ws.up()
    assert recommended(sms, state_of(ws, "web-01-source")["id"])["/dev/vdb"] == 160 * GIB
    assert "keeps the target disks it was created with" in done.stdout + done.stderr

    ws.destroy()
    assert ws.resources() == []
    assert project not in {p.id for p in sms.iter_migprojects()}, "the project is gone"
    assert set(SERVERS) <= members(sms, home), "the sources are back where they were"
    [web] = sms.find_sources_by_name("web-01")
    assert recommended(sms, str(web.id))["/dev/vdb"] == 107374182400, "and their disks as they were"


def test_on_destroy_delete_leaves_no_source_records(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    sms = outside(emulator, emulator_credentials)
    ws = planned(stack, "delete")
    assert set(ws.preview_json()["changeSummary"]) == {"create"}
    ws.up()
    project = state_of(ws, "project-e2e-sources")["id"]
    assert members(sms, project) == set(SERVERS)
    ws.destroy()
    assert ws.resources() == []
    assert all(sms.find_sources_by_name(name) == [] for name in SERVERS), "the wave's records are gone"
    assert project not in {p.id for p in sms.iter_migprojects()}
    assert objects(emulator, "tasks") == []
