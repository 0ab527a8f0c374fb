"""The README's "Quick start with your own plan", word for word, in a terminal as a user runs it.

The commands are read from the README itself and run in one shell, from a folder laid out like the
repository root (its `examples` and `.venv`); `pulumi up` asks its question and gets "yes".
Everything the local helpers keep goes to a temporary SMS_PULUMI_STATE_DIR, and the emulator they
start is stopped at the end.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sms_pulumi.pulumi_cli import REPO_ROOT
from tests.terminal import readme_commands, run_in_terminal

pytestmark = pytest.mark.e2e


def test_the_quick_start_works_as_written(tmp_path: Path) -> None:
    commands = readme_commands("## Quick start with your own plan")
    assert commands[0].startswith("cp -r examples/minimal my-plan && cd my-plan"), commands
    assert any(c.endswith("sms-pulumi pulumi up") for c in commands), "up is asked, not forced"
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("examples", ".venv"):
        (root / name).symlink_to(REPO_ROOT / name)
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_"))}
    env.update(SMS_PULUMI_STATE_DIR=str(state), TERM="xterm")
    try:
        run = run_in_terminal("set -e\n" + "\n".join(commands), cwd=root, env=env)
        assert run.returncode == 0, run.output[-4000:]
        out = run.output
        assert "+ 8 to create" in out, out[-3000:]
        assert "Do you want to perform this update?" in out, "up asks before it changes anything"
        assert "+ 8 created" in out, out[-3000:]
        # The plan in my-plan, not the demo in the repository root.
        assert "sms-minimal" in out and "sms-demo" not in out
        assert (root / "my-plan" / "Pulumi.dev.yaml").exists()
        objects = json.loads((state / "emulator.json").read_text())
        assert objects["url"].startswith("http://127.0.0.1:")
        down = run_in_terminal("../.venv/bin/sms-pulumi pulumi destroy", cwd=root / "my-plan", env=env)
        assert down.returncode == 0 and "- 8 deleted" in down.output, down.output[-3000:]
    finally:
        info = state / "emulator.json"
        if info.exists():
            os.killpg(json.loads(info.read_text())["pid"], 15)
