"""End-to-end fixtures: the real pulumi CLI (built by scripts/setup.sh) against the emulator.

`stack(program)` writes a small Pulumi project (Pulumi.yaml + __main__.py) in a temporary folder and
returns a PulumiWorkspace on a local file backend, with the emulator's endpoint and credentials in
the environment of the pulumi process only (never in stack config or state).
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace, pulumi_bin_dir
from tests.conftest import EmulatorCredentials

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
) -> Callable[..., PulumiWorkspace]:
    def make(
        program: str | Path,
        name: str = "e2e",
        config: dict[str, str] | None = None,
        secrets: dict[str, str] | None = None,
    ) -> PulumiWorkspace:
        """A stack of `program`: Python source text, or a project folder (copied, e.g. an example)."""
        project = tmp_path / name
        if isinstance(program, Path):
            shutil.copytree(program, project)
        else:
            project.mkdir()
            (project / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
            (project / "__main__.py").write_text(textwrap.dedent(program))
        ws = PulumiWorkspace(
            project_dir=project,
            state_dir=tmp_path / f"{name}-state",
            stack="test",
            extra_env=emulator_credentials.env(emulator.url, poll_interval="0.2", wait_timeout="120"),
        )
        ws.ensure_stack()
        for key, value in (config or {}).items():
            ws.set_config(key, value)
        for key, value in (secrets or {}).items():
            ws.set_config(key, value, secret=True)
        return ws

    return make
