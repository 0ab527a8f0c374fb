"""The local stand-in for the cloud: the emulator in the background, and pulumi run offline against it.

State lives under `.state/` (git-ignored; `SMS_PULUMI_STATE_DIR` puts it elsewhere): the emulator's
SQLite file, its credentials (a random key pair made on first run, readable only by the owner, never
printed), and a Pulumi file backend with its passphrase file. The emulator runs in the background and
is reused by later runs; `stop_emulator` ends it.

`sms-pulumi pulumi ARGS` (`run_pulumi`) is pulumi for the Pulumi project in the current folder (or
`--cwd DIR`) and its selected stack, against that emulator: the project's CLI, the local backend and
passphrase unless you set your own (`PULUMI_BACKEND_URL`, `PULUMI_CONFIG_PASSPHRASE[_FILE]`), and the
emulator's endpoint and keys as `HW_*` variables, which a stack's own `huaweicloud:*` config overrides.
It never answers a question for you: `pulumi up` asks before it changes anything, as always.
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
from sms_pulumi.pulumi_cli import REPO_ROOT, PulumiWorkspace

#: `SMS_PULUMI_STATE_DIR` moves it (the tests do, to leave a user's demo alone).
STATE_DIR = Path(os.environ.get("SMS_PULUMI_STATE_DIR") or REPO_ROOT / ".state")
#: The local emulator runs a migration in about a minute of wall time.
CLOCK_SPEED = "120"


def say(message: str) -> None:
    print(f"[sms-pulumi] {message}", file=sys.stderr, flush=True)


def credentials() -> dict[str, str]:
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
            say(f"reusing the emulator at {url}")
            return str(url)
    creds = credentials()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(STATE_DIR / "emulator.log", "ab")  # noqa: SIM115 - handed to the child process
    env = dict(os.environ, HW_ACCESS_KEY=creds["access_key"], HW_SECRET_KEY=creds["secret_key"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "sms_pulumi.emulator", "--host", "127.0.0.1", "--port", str(port),
         "--db", str(STATE_DIR / "emulator.db"), "--seed", "default", "--clock-speed", CLOCK_SPEED],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not _alive(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the emulator did not start; see {STATE_DIR / 'emulator.log'}")
        time.sleep(0.2)
    info_path.write_text(json.dumps({"url": url, "pid": proc.pid}))
    say(f"started the emulator at {url} (pid {proc.pid}, state in {STATE_DIR / 'emulator.db'})")
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
        say(f"stopped the emulator (pid {pid}); its state stays in {STATE_DIR / 'emulator.db'}")
    info_path.unlink()


def emulator_env(url: str) -> dict[str, str]:
    """The HW_* variables that point a provider at the local emulator, with its key pair."""
    creds = credentials()
    return endpoint_env(url, creds["access_key"], creds["secret_key"], creds["project_id"])


def workspace(project_dir: Path, stack: str | None, env: dict[str, str] | None = None) -> PulumiWorkspace:
    """A workspace of `project_dir` on the local file backend (and its passphrase file)."""
    return PulumiWorkspace(project_dir=project_dir, state_dir=STATE_DIR / "pulumi", stack=stack,
                           extra_env=env or {})


#: What a user may have chosen for themselves: run_pulumi keeps it instead of the local defaults.
_USER_CHOICES = ("PULUMI_BACKEND_URL", "PULUMI_HOME", "PULUMI_CONFIG_PASSPHRASE",
                 "PULUMI_CONFIG_PASSPHRASE_FILE")


def project_args(args: list[str]) -> tuple[Path, list[str]] | None:
    """The project folder (`--cwd DIR`, default here) and the other arguments; None, said, if the
    folder holds no Pulumi project."""
    project = Path.cwd()
    if args[:1] == ["--cwd"] and len(args) > 1:
        project, args = Path(args[1]), args[2:]
    elif args and args[0].startswith("--cwd="):
        project, args = Path(args[0].removeprefix("--cwd=")), args[1:]
    if not (project / "Pulumi.yaml").exists() and not (project / "Pulumi.yml").exists():
        say(f"{project.resolve()} holds no Pulumi project (Pulumi.yaml): cd into one, or give --cwd DIR")
        return None
    return project, args


def local_env() -> dict[str, str]:
    """The local emulator's HW_* variables (started if need be), and the user's own Pulumi choices."""
    env = emulator_env(ensure_emulator())
    env.update({k: os.environ[k] for k in _USER_CHOICES if os.environ.get(k)})
    return env


def run_pulumi(args: list[str]) -> int:
    """`sms-pulumi pulumi [--cwd DIR] ARGS`: pulumi ARGS for the project in DIR (default: here)."""
    found = project_args(args)
    if found is None:
        return 2
    project, rest = found
    return workspace(project, None, local_env()).run(*rest, check=False, stream=True, timeout=None).returncode
