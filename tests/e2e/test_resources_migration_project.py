"""MigrationProject through the real pulumi CLI: up, preview, update in place, drift, adoption, destroy."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sms_pulumi.api.models.migprojects import CreateMigProjectRequest, UpdateMigProjectRequest
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.conftest import EmulatorCredentials
from tests.e2e.support import changes, objects, outside, state_of

pytestmark = pytest.mark.e2e

PROGRAM = """
import pulumi
from sms_pulumi.resources.migration_project import MigrationProject

cfg = pulumi.Config()
wave = MigrationProject(
    "wave",
    name="e2e-wave-1",
    region="cn-north-4",
    type="MIGRATE_BLOCK",
    syncing=True,
    description=cfg.get("description") or "first wave",
    speed_limit=cfg.get_int("speed_limit"),
)
pulumi.export("wave_id", wave.id)
if cfg.get("adopt"):
    adopted = MigrationProject("adopted", name="made-by-hand", region="cn-north-4", type="MIGRATE_FILE",
                               syncing=False, description="now managed", adopt_id=cfg.get("adopt"))
    pulumi.export("adopted_id", adopted.id)
"""


def test_migration_project_lifecycle(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> None:
    sms = outside(emulator, emulator_credentials)
    ws = stack(PROGRAM)
    before = {p["id"] for p in objects(emulator, "migprojects")}

    ws.up()
    wave_id = ws.outputs()["wave_id"]
    project = sms.show_migproject(wave_id)
    assert (project.name, project.description, project.syncing) == ("e2e-wave-1", "first wave", True)
    assert set(changes(ws.preview_json()).summary) == {"same"}

    # In place: the preview says update (not replace) and the project keeps its ID.
    ws.set_config("description", "first wave, moved to Monday")
    ws.set_config("speed_limit", "200")
    planned = changes(ws.preview_json())
    assert planned.ops["wave"] == "update" and set(planned.summary) == {"same", "update"}, planned
    ws.up()
    project = sms.show_migproject(wave_id)
    assert (project.description, project.speed_limit) == ("first wave, moved to Monday", 200)
    assert ws.outputs()["wave_id"] == wave_id

    # Someone renames the project in the console: refresh shows it, up puts the plan back.
    current = sms.show_migproject(wave_id)
    sms.update_migproject(wave_id, UpdateMigProjectRequest.model_validate(
        {**current.model_dump(exclude_none=True, exclude={"id", "isdefault"}), "name": "renamed-by-hand"}))
    refreshed = ws.refresh()
    assert "1 updated" in refreshed.stdout, refreshed.stdout
    assert state_of(ws, "wave")["outputs"]["name"] == "renamed-by-hand"
    ws.up()
    assert sms.show_migproject(wave_id).name == "e2e-wave-1"
    assert state_of(ws, "wave")["outputs"]["name"] == "e2e-wave-1"
    assert set(changes(ws.preview_json()).summary) == {"same"}

    # Adoption of a project made by hand: created by nobody, managed from now on, no diff after.
    made = sms.create_migproject(CreateMigProjectRequest(
        name="made-by-hand", region="cn-north-4", type="MIGRATE_BLOCK", use_public_ip=True,
        exist_server=True, syncing=True))
    assert made.id
    ws.set_config("adopt", made.id)
    ws.up()
    assert ws.outputs()["adopted_id"] == made.id
    adopted = sms.show_migproject(made.id)
    assert (adopted.type, adopted.description, adopted.syncing) == ("MIGRATE_FILE", "now managed", False)
    assert set(changes(ws.preview_json()).summary) == {"same"}
    refreshed = ws.refresh()
    assert "updated" not in refreshed.stdout, refreshed.stdout

    ws.destroy()
    assert ws.resources() == []
    assert {p["id"] for p in objects(emulator, "migprojects")} == before
