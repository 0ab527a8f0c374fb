"""Run the pulumi CLI offline: one helper for tests, benchmarks and scripts alike.

Every run uses a local file backend in a directory we choose, passphrase secrets read from a file
(so the passphrase is never on a command line or in a log), no update check, no plugin download,
and the project's own bin folder (built by scripts/setup.sh) first on PATH.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def pulumi_bin_dir() -> Path:
    """The folder holding `pulumi`, the Python language host and the dynamic-provider executable."""
    override = os.environ.get("SMS_PULUMI_BIN")
    folder = Path(override) if override else REPO_ROOT / ".tools" / "pulumi" / "current" / "bin"
    if not (folder / "pulumi").exists():
        raise FileNotFoundError(
            f"no pulumi CLI in {folder}: run scripts/setup.sh (it builds one from Go modules)"
        )
    return folder


class PulumiCommandError(RuntimeError):
    """A pulumi command exited non-zero; carries its output for diagnosis."""

    def __init__(self, args: Sequence[str], returncode: int, stdout: str, stderr: str) -> None:
        self.args_ = list(args)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        tail = "\n".join((stdout + "\n" + stderr).strip().splitlines()[-40:])
        super().__init__(f"pulumi {' '.join(args)} exited {returncode}:\n{tail}")


@dataclass
class PulumiWorkspace:
    """A Pulumi project directory bound to a local state directory and one stack."""

    project_dir: Path
    state_dir: Path
    #: None: the project's selected stack (commands get no --stack from the conveniences below).
    stack: str | None = "dev"
    extra_env: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.project_dir = Path(self.project_dir).resolve()
        self.state_dir = Path(self.state_dir).resolve()
        (self.state_dir / "backend").mkdir(parents=True, exist_ok=True)
        (self.state_dir / "home").mkdir(parents=True, exist_ok=True)

    @property
    def passphrase_file(self) -> Path:
        """Created on first use with a random passphrase, readable only by its owner."""
        path = self.state_dir / "passphrase"
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(24))
        return path

    def env(self) -> dict[str, str]:
        bin_dir = pulumi_bin_dir()
        venv_bin = Path(sys.executable).parent
        env = {k: v for k, v in os.environ.items() if k != "PULUMI_CONFIG_PASSPHRASE"}
        env.update(
            {
                "PATH": os.pathsep.join([str(bin_dir), str(venv_bin), env.get("PATH", "")]),
                "PULUMI_BACKEND_URL": (self.state_dir / "backend").as_uri(),
                "PULUMI_HOME": str(self.state_dir / "home"),
                "PULUMI_CONFIG_PASSPHRASE_FILE": str(self.passphrase_file),
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_PYTHON_CMD": sys.executable,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        own_passphrase = "PULUMI_CONFIG_PASSPHRASE" in self.extra_env
        if own_passphrase and "PULUMI_CONFIG_PASSPHRASE_FILE" not in self.extra_env:
            del env["PULUMI_CONFIG_PASSPHRASE_FILE"]  # a passphrase of the caller's own wins
        return env

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float | None = 1800,
        stream: bool = False,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run `pulumi ARGS` in the project directory; raise PulumiCommandError on failure if check.

        `input` goes to pulumi's stdin: the way secrets are passed (never argv, which `ps` shows)."""
        argv = [str(pulumi_bin_dir() / "pulumi"), *args]
        if stream:
            proc = subprocess.run(argv, cwd=self.project_dir, env=self.env(), text=True, timeout=timeout,
                                  input=input)
            result = subprocess.CompletedProcess(argv, proc.returncode, "", "")
        else:
            result = subprocess.run(
                argv, cwd=self.project_dir, env=self.env(), text=True, capture_output=True, timeout=timeout,
                input=input,
            )
        if check and result.returncode != 0:
            raise PulumiCommandError(args, result.returncode, result.stdout or "", result.stderr or "")
        return result

    # -- conveniences -------------------------------------------------------------------------

    @property
    def stack_args(self) -> tuple[str, ...]:
        return ("--stack", self.stack) if self.stack else ()

    def ensure_stack(self) -> None:
        if self.stack is None:
            raise ValueError("ensure_stack needs a stack name")
        listed = self.run("stack", "ls", "--json", check=False)
        stacks = json.loads(listed.stdout or "[]") if listed.returncode == 0 else []
        names = {s.get("name") for s in stacks}
        if self.stack in names:
            self.run("stack", "select", self.stack)
            return
        # A config file left by a stack whose state is gone carries the old passphrase's salt: the
        # new stack could not read it. Keep it aside instead of failing with "incorrect passphrase".
        leftover = self.project_dir / f"Pulumi.{self.stack}.yaml"
        if leftover.exists():
            leftover.replace(leftover.with_suffix(".yaml.orphaned"))
        self.run("stack", "init", self.stack, "--non-interactive")

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        # A secret value goes through stdin; only a plain one is put on argv.
        if secret:
            self.run("config", "set", "--secret", key, *self.stack_args, input=value)
        else:
            self.run("config", "set", key, value, *self.stack_args)

    def up(self, *extra: str, stream: bool = False) -> subprocess.CompletedProcess[str]:
        """`pulumi up` as a user runs it, with its own preview first; `--yes` answers its question."""
        return self.run("up", "--yes", "--non-interactive", *self.stack_args, *extra, stream=stream)

    def preview_json(self, *extra: str) -> dict[str, Any]:
        out = self.run("preview", "--json", "--non-interactive", *self.stack_args, *extra)
        data: dict[str, Any] = json.loads(out.stdout)
        return data

    def refresh(self, *extra: str, stream: bool = False) -> subprocess.CompletedProcess[str]:
        return self.run("refresh", "--yes", "--non-interactive", *self.stack_args, *extra, stream=stream)

    def destroy(self, *extra: str, stream: bool = False) -> subprocess.CompletedProcess[str]:
        return self.run("destroy", "--yes", "--non-interactive", *self.stack_args, *extra, stream=stream)

    def export_state(self) -> dict[str, Any]:
        out = self.run("stack", "export", *self.stack_args)
        data: dict[str, Any] = json.loads(out.stdout)
        return data

    def outputs(self) -> dict[str, Any]:
        out = self.run("stack", "output", "--json", *self.stack_args)
        data: dict[str, Any] = json.loads(out.stdout)
        return data

    def resources(self) -> list[dict[str, Any]]:
        """The custom resources of the stack's checkpoint (no stack, provider or component entries)."""
        deployment = self.export_state().get("deployment", {})
        return [
            r for r in deployment.get("resources") or []
            if r.get("custom") and not r["type"].startswith("pulumi:")
        ]
