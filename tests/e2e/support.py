"""Support of the end-to-end resource tests (tests/e2e/test_resources_*.py): the real pulumi CLI.

* `outside(...)` is an SmsClient acting outside Pulumi (the console), on the emulator;
* `changes(preview)` reads `pulumi preview --json`: the change summary and the operation per resource.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.conftest import EmulatorCredentials


def outside(emulator: EmulatorServer, credentials: EmulatorCredentials) -> SmsClient:
    """A client of the emulator acting outside Pulumi (someone in the console)."""
    return SmsClient(ProviderSettings.load(env=credentials.env(emulator.url)))


@dataclass
class Changes:
    summary: dict[str, int]
    ops: dict[str, str]  # resource name -> operation ("update", "replace", ...)

    def op(self, name: str) -> str:
        """The operation planned for a resource (the CLI lists unchanged resources only in the summary)."""
        return self.ops.get(name, "same")


def changes(preview: dict[str, Any]) -> Changes:
    ops: dict[str, str] = {}
    for step in preview.get("steps") or []:
        name = step["urn"].rsplit("::", 1)[-1]
        if step["op"] in ("create-replacement", "delete-replaced") and ops.get(name) == "replace":
            continue
        ops[name] = step["op"]
    return Changes(dict(preview.get("changeSummary") or {}), ops)


def state_of(ws: PulumiWorkspace, name: str) -> dict[str, Any]:
    """The checkpoint entry of the resource named `name` (its id, inputs and outputs)."""
    found = [r for r in ws.resources() if r["urn"].rsplit("::", 1)[-1] == name]
    assert len(found) == 1, [r["urn"] for r in ws.resources()]
    return found[0]


def objects(emulator: EmulatorServer, kind: str) -> list[dict[str, Any]]:
    return list(emulator.admin.objects()[kind])


def config_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
