"""End-to-end fixtures: the real pulumi CLI (built by scripts/setup.sh) against the emulator.

`stack(program)` writes a small Pulumi project (Pulumi.yaml + __main__.py) in a temporary folder and
returns a RecordingWorkspace (tests/workspaces.py) on a local file backend, with the emulator's
endpoint and credentials in the environment of the pulumi process only (never in stack config or
state); its `transcript` holds the output of every command.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import pulumi_bin_dir
from tests.conftest import EmulatorCredentials
from tests.workspaces import RecordingWorkspace, make_workspace

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session", autouse=True)
def _pulumi_cli() -> None:
    try:
        pulumi_bin_dir()
    except FileNotFoundError as exc:  # pragma: no cover - setup.sh always builds it
        pytest.fail(str(exc))


@pytest.fixture
def stack(
    tmp_path: Path, emulator: EmulatorServer, emulator_credentials: EmulatorCredentials
) -> Callable[..., RecordingWorkspace]:
    def make(
        program: str | Path,
        name: str = "e2e",
        config: dict[str, str] | None = None,
        secrets: dict[str, str] | None = None,
    ) -> RecordingWorkspace:
        """A stack of `program`: Python source text, or a project folder (copied, e.g. an example)."""
        env = emulator_credentials.env(emulator.url, poll_interval=0.2, wait_timeout=120)
        return make_workspace(tmp_path, program, name, env, config=config, secrets=secrets)

    return make
