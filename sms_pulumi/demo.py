"""The main job: the demo migration plan, `pulumi up` against the embedded emulator.

The demo stack lives beside the local emulator (sms_pulumi.local): its settings are stack config, as
a user keeps them (the emulator's endpoint and keys as `huaweicloud:*`, the secret key and the template
passwords encrypted). `sms-pulumi pulumi ...` in the repository root looks at the same stack
afterwards; `demo --destroy` destroys it and stops the emulator.
"""

from __future__ import annotations

import json
import secrets
import sys

from sms_pulumi.api.credentials import endpoint_env
from sms_pulumi.local import credentials, ensure_emulator, say, stop_emulator, workspace
from sms_pulumi.pulumi_cli import REPO_ROOT, PulumiCommandError, PulumiWorkspace

STACK = "demo"

def demo_workspace() -> PulumiWorkspace:
    return workspace(REPO_ROOT, STACK)


def ensure_config(ws: PulumiWorkspace, url: str, keys: tuple[str, ...]) -> None:
    """The demo stack's settings, as a user keeps them: stack config, the secrets encrypted.

    The emulator's endpoint and key pair (`huaweicloud:*`), and random template passwords for the
    plan's `keys`. Only what is missing or changed is written (the emulator's port changes when it
    is started again).
    """
    creds = credentials()
    current = json.loads(ws.run("config", "--json", *ws.stack_args).stdout or "{}")
    wanted = {"huaweicloud:smsEndpoint": url, "huaweicloud:omsEndpoint": url,
              "huaweicloud:projectId": creds["project_id"], "huaweicloud:accessKey": creds["access_key"]}
    for key, value in wanted.items():
        if current.get(key, {}).get("value") != value:
            ws.set_config(key, value)
    if "huaweicloud:secretKey" not in current:
        ws.set_config("huaweicloud:secretKey", creds["secret_key"], secret=True)
    for key in keys:
        if not any(k.endswith(f":{key}") for k in current):
            ws.set_config(key, secrets.token_urlsafe(12) + "!Aa1", secret=True)


def _summary(ws: PulumiWorkspace, url: str) -> str:
    """What the stack holds, and each task's live state read from the emulator just now."""
    from sms_pulumi.api.credentials import ProviderSettings
    from sms_pulumi.api.sms import SmsClient
    from sms_pulumi.status import dashboard

    kinds: dict[str, int] = {}
    for resource in ws.resources():
        kind = resource["type"].rsplit(":", 1)[-1]
        kinds[kind] = kinds.get(kind, 0) + 1
    creds = credentials()
    client = SmsClient(ProviderSettings.load(env=endpoint_env(url, creds["access_key"], creds["secret_key"],
                                                              creds["project_id"])))
    made = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return f"The stack holds: {made}.\n\n{dashboard(client, ws.outputs())}"


def run_demo(*, destroy: bool = False) -> int:
    url = ensure_emulator()
    ws = demo_workspace()
    ws.ensure_stack()
    ensure_config(ws, url, ("linuxTargetPassword", "windowsTargetPassword"))
    try:
        if destroy:
            say("pulumi destroy of the demo stack")
            ws.destroy(stream=True)
            stop_emulator()
            return 0
        say("pulumi up of the demo migration plan (Pulumi.yaml, plan in examples/demo/plan.yaml)")
        ws.up(stream=True)
    except PulumiCommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    say("done")
    print(
        "\nWhat happened: `pulumi up` carried out examples/demo/plan.yaml against the emulator, a local\n"
        "stand-in for the Huawei Cloud SMS/OMS APIs. " + _summary(ws, url) + "\n\n"
        "Wave 1 is migrating (its tasks keep syncing until the plan says cut_over); wave 2 is prepared\n"
        "and stopped. Look further with:\n"
        "  .venv/bin/sms-pulumi status                        # the waves as SMS shows them now\n"
        "  .venv/bin/sms-pulumi pulumi stack output --json    # outputs again\n"
        "  .venv/bin/sms-pulumi pulumi refresh                # read the live state back (drift)\n"
        "  .venv/bin/sms-pulumi pulumi preview --diff         # what a change of the plan would do\n"
        f"  curl {url}/_emulator/objects   # what the emulator holds\n"
        "  .venv/bin/sms-pulumi demo --destroy                # clean up (and stop the emulator)"
    )
    return 0
