"""Pulumi projects of the end-to-end and reliability tests, run by the real CLI.

* ``make_workspace(root, program, ...)`` — a small Pulumi project (Pulumi.yaml + __main__.py, or a
  copied folder) on a local file backend, with the emulator's endpoint and credentials in the
  environment of the pulumi processes only (never in stack config or state).
* ``RecordingWorkspace`` — a ``PulumiWorkspace`` that keeps the argv, exit code, stdout and stderr of
  every pulumi command it runs (the secrets checks grep all of it), and can ``spawn`` a command in
  its own process group so that a crash test can SIGKILL the whole tree (CLI, language host,
  program, dynamic-provider processes).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import textwrap
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sms_pulumi.pulumi_cli import PulumiCommandError, PulumiWorkspace, pulumi_bin_dir


@dataclass
class CommandRecord:
    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr


@dataclass
class RecordingWorkspace(PulumiWorkspace):
    """A PulumiWorkspace that records every command's output (for the secrets grep and diagnosis)."""

    transcript: list[CommandRecord] = field(default_factory=list)

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float | None = 1800,
        stream: bool = False,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        # Captured (never streamed): the transcript needs the output.
        result = super().run(*args, check=False, timeout=timeout, input=input)
        self.transcript.append(CommandRecord(list(args), result.returncode, result.stdout or "",
                                             result.stderr or "", time.monotonic() - started))
        if check and result.returncode != 0:
            raise PulumiCommandError(args, result.returncode, result.stdout or "", result.stderr or "")
        return result

    def spawn(self, *args: str, log_dir: Path) -> SpawnedCommand:
        """Start `pulumi ARGS` in a new session (its own process group), output to files."""
        log_dir.mkdir(parents=True, exist_ok=True)
        n = len(self.transcript)
        out_path, err_path = log_dir / f"cmd{n:03d}.out", log_dir / f"cmd{n:03d}.err"
        with out_path.open("w") as out, err_path.open("w") as err:
            proc = subprocess.Popen([str(pulumi_bin_dir() / "pulumi"), *args], cwd=self.project_dir,
                                    env=self.env(), stdout=out, stderr=err, text=True,
                                    start_new_session=True)
        return SpawnedCommand(self, list(args), proc, out_path, err_path, time.monotonic())

    def up_args(self) -> tuple[str, ...]:
        return ("up", "--yes", "--non-interactive", *self.stack_args)

    def checkpoint_files(self) -> list[Path]:
        """Every file of the file backend (checkpoints, backups, history) and of PULUMI_HOME."""
        roots = [self.state_dir / "backend", self.state_dir / "home"]
        return sorted(p for root in roots for p in root.rglob("*") if p.is_file())



@dataclass
class SpawnedCommand:
    ws: RecordingWorkspace
    args: list[str]
    proc: subprocess.Popen[str]
    out_path: Path
    err_path: Path
    started: float
    killed: list[int] = field(default_factory=list)

    def kill_group(self) -> None:
        """SIGKILL the command and every process it started, at once, like a machine crash would.

        The CLI runs in a process group of its own (start_new_session), but pulumi 3.79 starts its
        plugins (language host, program, dynamic-provider processes) in process groups of *their*
        own: a SIGKILL of the CLI's group leaves them running, re-parented to init, still able to
        call the API (they were found alive 20 minutes later). So the whole tree is frozen
        (SIGSTOP: nothing can fork any more), collected again, then SIGKILLed.
        """
        leader = self.proc.pid
        tree = process_tree(leader)
        for pid in tree:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGSTOP)
        tree |= process_tree(leader)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leader, signal.SIGKILL)  # start_new_session: the leader's pid is the group's id
        for pid in tree:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while (alive := {pid for pid in tree if is_running(pid)}) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive, f"processes survived SIGKILL: {sorted(alive)}"
        self.killed = sorted(tree)
        self._record()

    def wait(self, timeout: float = 1800) -> int:
        code = self.proc.wait(timeout=timeout)
        self._record()
        return code

    def _record(self) -> None:
        self.ws.transcript.append(CommandRecord(self.args, self.proc.returncode, self.out_path.read_text(),
                                                self.err_path.read_text(), time.monotonic() - self.started))


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (from /proc)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])  # "pid (comm) state ppid ..."
    return out


def process_tree(root: int) -> set[int]:
    """`root` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        children.setdefault(ppid, []).append(pid)
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree.add(pid)
            todo.extend(children.get(pid, []))
    return tree


def is_running(pid: int) -> bool:
    """Alive and not a zombie (a killed child of ours may stay a zombie until init reaps it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def make_workspace(root: Path, program: str | Path, name: str, env: Mapping[str, str], *,
                   config: Mapping[str, str] | None = None,
                   secrets: Mapping[str, str] | None = None) -> RecordingWorkspace:
    """A stack of `program` (Python source text, or a project folder that is copied, e.g. an example)
    in `root`, on a local file backend; `env` goes to the pulumi processes only."""
    project = root / name
    if isinstance(program, Path):
        shutil.copytree(program, project)
    else:
        project.mkdir(parents=True)
        (project / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        (project / "__main__.py").write_text(textwrap.dedent(program))
    ws = RecordingWorkspace(project_dir=project, state_dir=root / f"{name}-state", stack="test",
                            extra_env=dict(env))
    ws.ensure_stack()
    for key, value in (config or {}).items():
        ws.set_config(key, value)
    for key, value in (secrets or {}).items():
        ws.set_config(key, value, secret=True)
    return ws
