"""`sms-pulumi status`: a plan's waves as SMS shows them now, for the engineer watching a migration.

    sms-pulumi status [--cwd DIR]

Three reads, whatever the number of servers: the source servers per state (`GET /v3/sources/overview`,
manual 5.3.9), every task (`GET /v3/tasks`, 200 a page), and the errors SMS records per source
server (`GET /v3/errors`, 5.3.1). The waves and their servers come from the stack's outputs (what
the plan program exports), so it reads nothing of the state file and changes nothing. Like
`sms-pulumi pulumi`, it runs against the local emulator unless the stack's `huaweicloud:*` config
names another endpoint.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.errors import ApiError, ConfigurationError
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.pulumi_cli import PulumiCommandError


def waves_of(outputs: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The stack outputs that are waves: server -> {task_id, run_state, ...} (sms_pulumi.plan)."""
    return {name: value for name, value in outputs.items()
            if isinstance(value, dict) and value
            and all(isinstance(v, dict) and "task_id" in v for v in value.values())}


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


def dashboard(client: SmsClient, outputs: Mapping[str, Any]) -> str:
    """Source servers per state, each wave's tasks with their live state, and the errors SMS holds."""
    from sms_pulumi.resources.wave import describe

    overview = {k: v for k, v in client.source_overview().model_dump().items() if v}
    tasks = {t.id: t for t in client.iter_tasks()}
    lines = ["Source servers: " + (", ".join(f"{n} {state}" for state, n in sorted(overview.items()))
                                   or "none registered"), ""]
    rows: list[tuple[str, ...]] = [("wave", "server", "run_state", "live", "target server")]
    for wave, servers in sorted(waves_of(outputs).items()):
        for server, recorded in sorted(servers.items()):
            live = tasks.get(recorded["task_id"])
            target = (live.target_server.vm_id if live and live.target_server else None) or "-"
            rows.append((wave, server, str(recorded.get("run_state")),
                         describe(live) if live else "gone (deleted outside Pulumi?)", target))
    lines.append(_table(rows) if len(rows) > 1 else "  (the stack exports no waves: `pulumi up` first)")
    errors = list(client.iter_errors())
    if errors:
        lines += ["", "Errors SMS records:"]
        for e in errors:
            try:
                detail = json.loads(e.error_json or "{}")
            except ValueError:
                detail = {"error_msg": e.error_json}
            what = ": ".join(str(detail[k]) for k in ("error_code", "error_msg") if detail.get(k))
            lines.append(f"  {e.name} ({e.source_ip}): {what or e.error_json}")
    return "\n".join(lines)


def run_status(args: list[str]) -> int:
    from sms_pulumi.local import local_env, project_args, say, workspace

    found = project_args(args)
    if found is None:
        return 2
    env = local_env()
    ws = workspace(found[0], None, env)
    try:
        config = {k: v.get("value") for k, v in json.loads(
            ws.run("config", "--json", "--show-secrets").stdout).items()}
        outputs = ws.outputs()
        client = SmsClient(ProviderSettings.load(config=config, env={**os.environ, **env}))
        print(dashboard(client, outputs))
    except PulumiCommandError as exc:
        say(f"cannot read the stack: {exc}")
        return 1
    except (ApiError, ConfigurationError) as exc:
        print(f"sms-pulumi status: {exc}", file=sys.stderr)
        return 1
    return 0

