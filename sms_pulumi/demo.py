"""The main job: the demo migration plan, `pulumi up` against the embedded emulator.

State lives under `.state/` (git-ignored; `SMS_PULUMI_STATE_DIR` puts it elsewhere): the emulator's
SQLite file, its credentials (a random key pair made on first run, readable only by the owner, never
printed), and the Pulumi file backend. The emulator runs in the background and is reused by later
runs, so `sms-pulumi pulumi ...` can look at the same stack afterwards; `demo --destroy` stops it once
the stack is gone.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from sms_pulumi.api.credentials import endpoint_env
from sms_pulumi.pulumi_cli import REPO_ROOT, PulumiCommandError, PulumiWorkspace

#: `SMS_PULUMI_STATE_DIR` moves it (the tests do, to leave a user's demo alone).
STATE_DIR = Path(os.environ.get("SMS_PULUMI_STATE_DIR") or REPO_ROOT / ".state")
STACK = "demo"
#: The demo's emulator runs a migration in about a minute of wall time.
DEMO_CLOCK_SPEED = "120"


def _say(message: str) -> None:
    print(f"[demo] {message}", file=sys.stderr, flush=True)


def _credentials() -> dict[str, str]:
    path = STATE_DIR / "credentials.json"
    if not path.exists():
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps({
            "access_key": "DEMO" + secrets.token_hex(8).upper(),
            "secret_key": secrets.token_urlsafe(30),
            "project_id": secrets.token_hex(16),
        }))
    data: dict[str, str] = json.loads(path.read_text())
    return data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _alive(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_emulator/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def ensure_emulator() -> str:
    """The URL of the demo emulator, started in the background unless one already answers."""
    info_path = STATE_DIR / "emulator.json"
    if info_path.exists():
        url = json.loads(info_path.read_text())["url"]
        if _alive(url):
            _say(f"reusing the emulator at {url}")
            return str(url)
    creds = _credentials()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(STATE_DIR / "emulator.log", "ab")  # noqa: SIM115 - handed to the child process
    env = dict(os.environ, HW_ACCESS_KEY=creds["access_key"], HW_SECRET_KEY=creds["secret_key"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "sms_pulumi.emulator", "--host", "127.0.0.1", "--port", str(port),
         "--db", str(STATE_DIR / "emulator.db"), "--seed", "default", "--clock-speed", DEMO_CLOCK_SPEED],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not _alive(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the emulator did not start; see {STATE_DIR / 'emulator.log'}")
        time.sleep(0.2)
    info_path.write_text(json.dumps({"url": url, "pid": proc.pid}))
    _say(f"started the emulator at {url} (pid {proc.pid}, state in {STATE_DIR / 'emulator.db'})")
    return url


def _is_emulator(pid: int) -> bool:
    """Whether `pid` is still a running emulator (not a reused PID, not a zombie)."""
    try:
        return b"sms_pulumi.emulator" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def stop_emulator() -> None:
    """Stop the background emulator that `ensure_emulator` started (its database stays)."""
    info_path = STATE_DIR / "emulator.json"
    if not info_path.exists():
        return
    pid = int(json.loads(info_path.read_text())["pid"])
    if _is_emulator(pid):
        os.killpg(pid, signal.SIGTERM)  # its own session (start_new_session): uvicorn and all
        deadline = time.monotonic() + 10
        while _is_emulator(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _is_emulator(pid):
            os.killpg(pid, signal.SIGKILL)
        _say(f"stopped the emulator (pid {pid}); its state stays in {STATE_DIR / 'emulator.db'}")
    info_path.unlink()


def demo_workspace(url: str) -> PulumiWorkspace:
    creds = _credentials()
    env = endpoint_env(url, creds["access_key"], creds["secret_key"], creds["project_id"])
    return PulumiWorkspace(project_dir=REPO_ROOT, state_dir=STATE_DIR / "pulumi", stack=STACK, extra_env=env)


def ensure_passwords(ws: PulumiWorkspace, keys: tuple[str, ...]) -> None:
    """The plan's template passwords: random ones, kept as Pulumi secrets in the stack's config."""
    current = ws.run("config", "--json", "--stack", ws.stack).stdout
    present = set(json.loads(current or "{}"))
    for key in keys:
        if not any(k.endswith(f":{key}") for k in present):
            ws.set_config(key, secrets.token_urlsafe(12) + "!Aa1", secret=True)


def _summary(ws: PulumiWorkspace) -> str:
    """What the stack holds, and each task's live state read from the emulator just now."""
    from sms_pulumi.api.credentials import ProviderSettings
    from sms_pulumi.api.sms import SmsClient
    from sms_pulumi.resources.task import task_progress

    kinds: dict[str, int] = {}
    for resource in ws.resources():
        kind = resource["type"].rsplit(":", 1)[-1]
        kinds[kind] = kinds.get(kind, 0) + 1
    client = SmsClient(ProviderSettings.load(env=ws.env()))
    rows = [("wave", "server", "run_state", "live state", "steps done", "target server")]
    for wave, tasks in sorted(ws.outputs().items()):
        if not wave.startswith("wave-") or not isinstance(tasks, dict):
            continue
        for server, task in sorted(tasks.items()):
            live = task_progress(client.show_task(task["task_id"]))
            rows.append((wave, server, str(task.get("run_state")), str(live["state"]),
                         str(live["subtasks_done"]), str(live["target_server_id"] or "-")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    table = "\n".join("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    made = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return f"The stack holds: {made}.\n\n{table}"


def run_demo(*, destroy: bool = False) -> int:
    url = ensure_emulator()
    ws = demo_workspace(url)
    ws.ensure_stack()
    ensure_passwords(ws, ("linuxTargetPassword", "windowsTargetPassword"))
    try:
        if destroy:
            _say("pulumi destroy of the demo stack")
            ws.destroy(stream=True)
            stop_emulator()
            return 0
        _say("pulumi up of the demo migration plan (Pulumi.yaml, plan in examples/demo/plan.yaml)")
        ws.up(stream=True)
    except PulumiCommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    _say("done")
    print(
        "\nWhat happened: `pulumi up` carried out examples/demo/plan.yaml against the emulator, a local\n"
        "stand-in for the Huawei Cloud SMS/OMS APIs. " + _summary(ws) + "\n\n"
        "Wave 1 is migrating (its tasks keep syncing until the plan says cut_over); wave 2 is prepared\n"
        "and stopped. Look further with:\n"
        "  .venv/bin/sms-pulumi pulumi stack output --json    # outputs again\n"
        "  .venv/bin/sms-pulumi pulumi refresh                # read the live state back (drift)\n"
        "  .venv/bin/sms-pulumi pulumi preview --diff         # what a change of the plan would do\n"
        f"  curl {url}/_emulator/objects   # what the emulator holds\n"
        "  .venv/bin/sms-pulumi demo --destroy                # clean up (and stop the emulator)"
    )
    return 0


def run_pulumi(args: list[str]) -> int:
    """`pulumi ARGS` on the demo stack, with the demo's backend, emulator and credentials."""
    ws = demo_workspace(ensure_emulator())
    return ws.run(*args, check=False, stream=True).returncode
