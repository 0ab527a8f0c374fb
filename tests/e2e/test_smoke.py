"""Issue #2's smoke test: one dynamic resource of ours through the real pulumi CLI."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace

pytestmark = pytest.mark.e2e

PROGRAM = """
import pulumi
from sms_pulumi.resources.migration_project import MigrationProject

project = MigrationProject(
    "wave1",
    name="smoke-wave-1",
    region="cn-north-4",
    type="MIGRATE_BLOCK",
    syncing=True,
    description=pulumi.Config().get("description") or "first wave",
)
pulumi.export("project_id", project.id)
"""


def without_provider(outputs: dict[str, object]) -> dict[str, object]:
    """Outputs but the pickled provider, which is re-encrypted (new nonce) on every write."""
    return {k: v for k, v in outputs.items() if k != "__provider"}


def test_up_preview_refresh_destroy(
    stack: Callable[..., PulumiWorkspace], emulator: EmulatorServer
) -> None:
    ws = stack(PROGRAM)

    ws.up()
    [project] = ws.resources()
    assert project["type"] == "pulumi-python:dynamic/sms:MigrationProject"
    assert project["outputs"]["name"] == "smoke-wave-1"
    assert project["outputs"]["syncing"] is True
    project_id = ws.outputs()["project_id"]
    assert project_id == project["id"]
    live = [p for p in emulator.admin.objects()["migprojects"] if p["id"] == project_id]
    assert live and live[0]["description"] == "first wave"

    preview = ws.preview_json()
    assert set(preview["changeSummary"]) == {"same"}, preview["changeSummary"]

    refreshed = ws.refresh()
    assert "2 unchanged" in refreshed.stdout, refreshed.stdout
    assert without_provider(ws.resources()[0]["outputs"]) == without_provider(project["outputs"])

    ws.destroy()
    assert ws.resources() == []
    assert not [p for p in emulator.admin.objects()["migprojects"] if p["id"] == project_id]
