"""The README's first command: `sms-pulumi demo` (what scripts/demo.sh runs after set-up), then
again (nothing to do), then `demo --destroy`, which also stops the emulator it started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e


def demo(state: Path, *args: str, command: str = "demo") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_"))}
    env["SMS_PULUMI_STATE_DIR"] = str(state)
    return subprocess.run(
        [sys.executable, "-m", "sms_pulumi.cli", command, *args],
        env=env, capture_output=True, text=True, timeout=300, check=False, cwd=Path(__file__).parents[2],
    )


def test_demo_up_again_destroy(tmp_path: Path) -> None:
    state = tmp_path / "state"
    try:
        first = demo(state)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "+ 24 created" in first.stdout
        assert "1 MigrationProject, 6 SourceServer, 6 SpeedLimit, 6 Task, 2 Template" in first.stdout
        table = [line.split() for line in first.stdout.splitlines() if line.startswith("  wave-")]
        assert [(row[0], row[1], row[2]) for row in table] == [
            ("wave-1", "app-01", "running"), ("wave-1", "web-01", "running"), ("wave-1", "web-02", "running"),
            ("wave-2", "db-01", "stopped"), ("wave-2", "win-ad-01", "stopped"),
            ("wave-2", "win-file-01", "stopped"),
        ]
        info = json.loads((state / "emulator.json").read_text())
        url, pid = info["url"], info["pid"]
        assert url.startswith("http://127.0.0.1:")

        again = demo(state)
        assert again.returncode == 0, again.stdout + again.stderr
        assert f"reusing the emulator at {url}" in again.stderr
        assert "24 unchanged" in again.stdout

        # The dashboard the demo points to: three reads, each wave's tasks as SMS shows them now.
        status = demo(state, command="status")
        assert status.returncode == 0, status.stdout + status.stderr
        assert status.stdout.startswith("Source servers: "), status.stdout
        rows = [line.split() for line in status.stdout.splitlines() if line.startswith("  wave-")]
        assert [(row[0], row[1]) for row in rows] == [(row[0], row[1]) for row in table]

        # The generated secret key stays in its file, off the terminal.
        secret_key = json.loads((state / "credentials.json").read_text())["secret_key"]
        assert secret_key not in (first.stdout + first.stderr + again.stdout + again.stderr + status.stdout
                                  + status.stderr)

        down = demo(state, "--destroy")
        assert down.returncode == 0, down.stdout + down.stderr
        assert "- 24 deleted" in down.stdout
        assert f"stopped the emulator (pid {pid})" in down.stderr
        assert not (state / "emulator.json").exists()
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/_emulator/health", timeout=2)
    finally:
        info_path = state / "emulator.json"
        if info_path.exists():  # a failed step: never leave the emulator running
            os.killpg(json.loads(info_path.read_text())["pid"], 15)
