"""Source servers in a plan: the keys that say their disks and what destroy does with them, checked at
load (file:line) and against the sources SMS has (at preview), and the SourceServer each server gets.

The program runs for real against the emulator; only the Pulumi engine is Pulumi's own test double
(`pulumi.runtime.set_mocks`), which records what the program registers and on what it depends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.plan import deploy_plan, load_plan
from sms_pulumi.resources.clients import reset_clients
from tests.conftest import EmulatorCredentials
from tests.plan.test_plan import lines_of, write
from tests.resources.helpers import api_requests

GIB = 1024**3


def test_disk_keys_are_checked_at_load(tmp_path: Path) -> None:
    path = write(tmp_path, """\
waves:
  - name: wave-1
    on_destroy: shred
    servers:
      - name: web-01
        on_destroy: keep
        disks:
          /dev/vdb: {size: -5, migrate: maybe}
          /dev/vdc: {gigabytes: 3}
        volume_groups:
          vg_data: {logical_volumes: {lv: {size: zero}}}
""")
    lines = lines_of(path)
    allowed = "Input should be 'move_back', 'leave' or 'delete'"
    assert f"{path}:3: waves[0].on_destroy: {allowed}" in lines
    assert f"{path}:6: waves[0].servers[0].on_destroy: {allowed}" in lines
    assert f"{path}:8: waves[0].servers[0].disks./dev/vdb.size: Input should be greater than 0" in lines
    assert any(line.startswith(f"{path}:8: waves[0].servers[0].disks./dev/vdb.migrate:") for line in lines)
    assert any(line.startswith(f"{path}:9: waves[0].servers[0].disks./dev/vdc.gigabytes: Extra inputs")
               for line in lines), lines
    lv = "volume_groups.vg_data.logical_volumes.lv.size"
    assert any(line.startswith(f"{path}:11: waves[0].servers[0].{lv}:") for line in lines), lines


def test_sizes_are_gib_and_the_keys_are_the_wire_names(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, """\
waves:
  - name: wave-1
    servers:
      - name: db-01
        disks:
          /dev/sdb: {size: 300, partitions: {/dev/sdb1: {size: 0.5}}}
          /dev/sdc: {migrate: false}
        volume_groups:
          vg_data: {size: 400, logical_volumes: {lv_pg: {size: 350, migrate: true}}}
      - name: web-01
"""))
    [(_, db), (_, web)] = list(plan.servers())
    assert db.source_settings() == (
        {"/dev/sdb": {"adjust_size": 300 * GIB, "physical_volumes": {"/dev/sdb1": {"adjust_size": GIB // 2}}},
         "/dev/sdc": {"need_migration": False}},
        {"vg_data": {"adjust_size": 400 * GIB, "logical_volumes": {
            "lv_pg": {"adjust_size": 350 * GIB, "need_migration": True}}}},
    )
    assert web.source_settings() == (None, None)


# -- the program ----------------------------------------------------------------------------------------


class _Engine(pulumi.runtime.Mocks):
    """A preview: nothing is created, so IDs of new resources are not known."""

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return None, dict(args.inputs)

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class _Monitor(mocks.MockMonitor):
    """Records each registration's inputs and dependencies, by resource name."""

    def __init__(self) -> None:
        super().__init__(_Engine())
        self.registered: dict[str, tuple[str, dict[str, Any], list[str]]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method's name
        answer = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if answer.urn in self.resources:  # not the stack
            inputs = {k: v for k, v in self.resources[answer.urn].state.items() if k != "__provider"}
            self.registered[request.name] = (request.type, inputs,
                                             [u.rsplit("::", 1)[-1] for u in request.dependencies])
        return answer


@pytest.fixture
def preview(emulator: EmulatorServer, emulator_credentials: EmulatorCredentials,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[_Monitor]:
    """A preview's engine; the program's settings point at the emulator."""
    for name, value in emulator_credentials.env(emulator.url).items():
        monkeypatch.setenv(name, value)
    reset_clients()
    loop = asyncio.new_event_loop()  # the runtime's own, whatever earlier tests left behind
    asyncio.set_event_loop(loop)
    monitor = _Monitor()
    pulumi.runtime.set_mocks(monitor.mocks, preview=True, monitor=monitor)
    emulator.admin.clear_requests()
    yield monitor
    pulumi.runtime.settings.reset_options()
    asyncio.set_event_loop(None)
    loop.close()
    reset_clients()


def run(path: Path) -> None:
    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> None:
        deploy_plan(path, export=False)

    program()


PLAN = """\
migration_project: {name: wave-1-project, type: MIGRATE_BLOCK}
waves:
  - name: wave-1
    on_destroy: delete
    servers:
      - name: web-01
        disks: {/dev/vdb: {size: 150, partitions: {/dev/vdb1: {size: 140}}}}
      - name: web-02
        on_destroy: leave
"""


def test_every_server_is_a_source_server_its_task_waits_for(
        tmp_path: Path, preview: _Monitor, emulator: EmulatorServer) -> None:
    run(write(tmp_path, PLAN))
    kind, web01, _ = preview.registered["web-01-source"]
    assert kind.endswith("sms:SourceServer")
    assert web01["source_id"] and web01["on_destroy"] == "delete"
    assert isinstance(web01["migprojectid"], pulumi.output.Unknown), "the project's ID, once it exists"
    assert web01["disks"] == {"/dev/vdb": {"adjust_size": 150 * GIB, "physical_volumes": {
        "/dev/vdb1": {"adjust_size": 140 * GIB}}}}
    _, web02, depends = preview.registered["web-02-source"]
    assert web02["on_destroy"] == "leave" and "disks" not in web02
    assert depends == ["project-wave-1-project"]
    for server in ("web-01", "web-02"):
        assert preview.registered[server][2] == [f"{server}-source"], "the task comes after its source"
    # The list found the servers; the disks were read for the one server that has disk settings.
    assert api_requests(emulator).get("GET /v3/sources/{source_id}") == 1


def test_disk_settings_the_source_does_not_allow_stop_the_preview(tmp_path: Path, preview: _Monitor) -> None:
    path = write(tmp_path, """\
waves:
  - name: wave-1
    servers:
      - name: web-01
        disks:
          /dev/vdx: {size: 10}
          /dev/vda: {migrate: false}
          /dev/vdb: {size: 50}
      - name: db-01
        volume_groups:
          vg_data: {logical_volumes: {/dev/vg_data/lv_pgdata: {size: 100}}}
""")
    with pytest.raises(pulumi.RunError) as failed:
        run(path)
    text = str(failed.value)
    assert (f"{path}:6: waves[0].servers[0].disks./dev/vdx: there is no disk named '/dev/vdx' (there are: "
            "'/dev/vda', '/dev/vdb') (SMS.8111)") in text
    assert f"{path}:7: waves[0].servers[0].disks./dev/vda.migrate: the system disk is always migrated" in text
    assert (f"{path}:8: waves[0].servers[0].disks./dev/vdb.size: must be at least 100.00 GiB (107373133824 "
            "bytes), the size of its migrated partitions (SMS.6539)") in text
    lv = "volume_groups.vg_data.logical_volumes./dev/vg_data/lv_pgdata.size"
    assert (f"{path}:11: waves[0].servers[1].{lv}: must be at least 200 GiB (214748364800 bytes), the space "
            "used on it (SMS.6538)") in text
    assert preview.registered == {}, "nothing is declared from a plan that cannot be carried out"
