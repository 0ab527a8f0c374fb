"""Template through the real pulumi CLI: update in place, drift, and no secret in state or output."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable

import pytest

from sms_pulumi.api.models.templates import TemplateSpec, UpdateTemplateRequest
from sms_pulumi.emulator.server import EmulatorServer
from tests.conftest import EmulatorCredentials
from tests.e2e.support import changes, objects, outside, state_of
from tests.workspaces import RecordingWorkspace

pytestmark = pytest.mark.e2e

#: How a checkpoint marks a secret value: {SECRET_SIG: SECRET_MARK, "ciphertext": ...}.
SECRET_SIG, SECRET_MARK = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"

PROGRAM = """
import pulumi
from sms_pulumi.resources.template import Template

cfg = pulumi.Config()
web = Template(
    "web",
    name="e2e-web",
    region="cn-north-4",
    projectid="0" * 32,
    flavor=cfg.get("flavor") or "s6.large.2",
    availability_zone="cn-north-4a",
    vpc={"id": "autoCreate", "name": "vpc-e2e"},
    nics=[{"id": "autoCreate", "name": "subnet-e2e", "cidr": "192.168.10.0/24"}],
    security_groups=[{"id": "autoCreate", "name": "sg-e2e"}],
    publicip={"type": "5_bgp", "bandwidth_size": 100},
    disk=[{"index": 0, "name": "system", "disktype": "SSD", "size": 40}],
    target_password=cfg.require_secret("target_password"),
)
pulumi.export("template_id", web.id)
pulumi.export("password", web.target_password)
"""


def test_template_lifecycle_without_leaking_secrets(
    stack: Callable[..., RecordingWorkspace], emulator: EmulatorServer,
    emulator_credentials: EmulatorCredentials
) -> None:
    password = "Tpl!" + secrets.token_urlsafe(16)
    rotated = "Tpl!" + secrets.token_urlsafe(16)
    sms = outside(emulator, emulator_credentials)
    ws = stack(PROGRAM, secrets={"target_password": password})

    ws.up()
    template_id = ws.outputs()["template_id"]
    assert sms.show_template(template_id).flavor == "s6.large.2"
    assert sms.show_target_password(template_id).target_password == password
    assert set(changes(ws.preview_json()).summary) == {"same"}

    # In place: a new flavor and a rotated password.
    ws.set_config("flavor", "s6.xlarge.2")
    ws.set_config("target_password", rotated, secret=True)
    planned = changes(ws.preview_json())
    assert planned.ops["web"] == "update", planned
    ws.up()
    assert sms.show_template(template_id).flavor == "s6.xlarge.2"
    assert sms.show_target_password(template_id).target_password == rotated
    assert ws.outputs()["template_id"] == template_id
    assert [t["id"] for t in objects(emulator, "templates")] == [template_id]

    # Someone changes the flavor in the console: refresh shows it, up repairs it.
    current = sms.show_template(template_id).model_dump(mode="json", exclude_none=True, exclude={"id"})
    body = {**current, "is_template": True, "flavor": "c7.large.2", "target_password": rotated}
    sms.update_template(template_id, UpdateTemplateRequest(template=TemplateSpec.model_validate(body)))
    refreshed = ws.refresh()
    assert "1 updated" in refreshed.stdout, refreshed.stdout
    assert state_of(ws, "web")["outputs"]["flavor"] == "c7.large.2"
    ws.up()
    assert sms.show_template(template_id).flavor == "s6.xlarge.2"
    assert set(changes(ws.preview_json()).summary) == {"same"}

    # The password is a secret in state (inputs and outputs) and in the stack output.
    web = state_of(ws, "web")
    for part in ("inputs", "outputs"):
        assert web[part]["target_password"].get(SECRET_SIG) == SECRET_MARK, part
    exported = json.dumps(ws.export_state())
    assert ws.outputs()["password"] == "[secret]"
    ws.destroy()
    assert objects(emulator, "templates") == []

    # Nothing secret in plaintext: not in the exported state, not in anything the CLI printed.
    passphrase = ws.passphrase_file.read_text()
    everything = exported + "\n".join(record.output for record in ws.transcript)
    for name, secret in (("template password", password), ("rotated password", rotated),
                         ("secret key", emulator_credentials.secret_key),
                         ("access key", emulator_credentials.access_key), ("passphrase", passphrase)):
        assert secret not in everything, f"the {name} appears in plaintext"
