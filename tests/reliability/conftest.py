"""Fixtures and helpers of the reliability suite (issue #7): the real pulumi CLI against the emulator.

* ``RecordingWorkspace`` — a ``PulumiWorkspace`` that keeps the argv, exit code, stdout and stderr of
  every pulumi command it runs (the secrets test greps all of it), and can ``spawn`` a command in its
  own process group so that a crash test can SIGKILL the whole tree (CLI, language host, program,
  dynamic-provider processes).
* ``make_workspace(root, program, ...)`` — a small Pulumi project (Pulumi.yaml + __main__.py) on a local
  file backend, with the emulator's endpoint and credentials in the environment of the pulumi
  processes only (never in stack config or state).
* ``Inventory`` — what the emulator holds vs what the stack's state knows: duplicates and orphans.

* ``adopt_pending_creates`` and friends — what a user does after a killed ``up`` (test_crash_consistency).

Knobs (environment): ``SMS_SOAK_TASKS`` (tasks of the fault-soak wave, default 30; CI may use fewer),
``SMS_CRASH_TASKS`` (tasks of the crash-test wave, default 6), ``SMS_CRASH_TRIALS`` (at least 5),
``SMS_CRASH_SEED`` (the random kill delays; printed by every trial), ``SMS_CRASH_WINDOW_CREATE`` /
``SMS_CRASH_WINDOW_UPDATE`` (seconds the kill delays are spread over).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import textwrap
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sms_pulumi.emulator.server import AdminClient
from sms_pulumi.pulumi_cli import PulumiCommandError, PulumiWorkspace, pulumi_bin_dir
from tests.conftest import emulator_env

#: Emulator kinds and the pulumi resource types whose IDs are those objects' IDs.
KIND_OF_TYPE = {
    "pulumi-python:dynamic/sms:Task": "tasks",
    "pulumi-python:dynamic/sms:Template": "templates",
    "pulumi-python:dynamic/sms:MigrationProject": "migprojects",
    "pulumi-python:dynamic/oms:TaskGroup": "taskgroups",
}
MANAGED_KINDS = ("tasks", "templates", "migprojects", "taskgroups")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


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
        return ("up", "--yes", "--skip-preview", "--non-interactive", "--stack", self.stack)

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


def provider_env(endpoint: str, access_key: str, secret_key: str, project_id: str,
                 security_token: str | None = None) -> dict[str, str]:
    return emulator_env(endpoint, access_key, secret_key, project_id, security_token=security_token,
                        poll_interval="0.2", wait_timeout="180")


def make_workspace(root: Path, program: str, name: str, env: Mapping[str, str], *,
                   config: Mapping[str, str] | None = None,
                   secrets: Mapping[str, str] | None = None) -> RecordingWorkspace:
    project = root / name
    project.mkdir(parents=True)
    (project / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (project / "__main__.py").write_text(textwrap.dedent(program))
    ws = RecordingWorkspace(project_dir=project, state_dir=root / f"{name}-state", stack="rel",
                            extra_env=dict(env))
    ws.ensure_stack()
    for key, value in (config or {}).items():
        ws.set_config(key, value)
    for key, value in (secrets or {}).items():
        ws.set_config(key, value, secret=True)
    return ws


# -- the wave program ---------------------------------------------------------------------------

WAVE_PROGRAM = """
import contextlib
import json
import os

import pulumi

from sms_pulumi.resources.migration_project import MigrationProject
from sms_pulumi.resources.speed_limit import SpeedLimit
from sms_pulumi.resources.task import Task
from sms_pulumi.resources.template import Template

config = pulumi.Config()
prefix = config.require("prefix")
sources = json.loads(config.require("sources"))
run_state = config.get("runState") or "running"
password = config.require_secret("targetPassword")
with_rules = config.get_bool("speedLimits") is not False
peak_speed = config.get_int("peakSpeed") or 50

MigrationProject("wave", name=f"{prefix}-wave"[:19], region="cn-north-4", type="MIGRATE_BLOCK",
                 syncing=True, exist_server=False, description="reliability wave")
templates = {
    os_type: Template(
        f"tpl-{os_type.lower()}", name=f"{prefix}-{os_type.lower()}", region="cn-north-4",
        projectid=os.environ["HW_PROJECT_ID"], flavor="s6.large.2", volumetype="SSD",
        vpc={"id": "autoCreate", "name": "autoCreate"},
        nics=[{"id": "autoCreate", "name": "autoCreate", "cidr": "192.168.0.0/24"}],
        security_groups=[{"id": "autoCreate", "name": "autoCreate"}],
        target_password=password,
    )
    for os_type in ("LINUX", "WINDOWS")
}
for source in sources:
    task = Task(
        source["name"], name=f"{prefix}-{source['name']}", type="MIGRATE_BLOCK",
        os_type=source["os_type"], source_server_id=source["id"],
        target_server={"name": f"{source['name']}-cloud"},
        vm_template_id=templates[source["os_type"]].id, syncing=True, exist_server=False,
        run_state=run_state,
    )
    if not with_rules:
        continue
    SpeedLimit(f"{source['name']}-bw", task_id=task.id, rules=[
        {"start": "08:00", "end": "18:00", "speed": peak_speed, "over_speed_threshold": 20},
        {"start": "18:00", "end": "23:59", "speed": 400},
    ])
pulumi.export("tasks", len(sources))
"""


def wave_sources(objects: Mapping[str, Any], ids: Iterable[str]) -> list[dict[str, str]]:
    wanted = set(ids)
    return [{"id": s["id"], "name": s["name"], "os_type": s["os_type"]}
            for s in objects["sources"] if s["id"] in wanted]


# -- duplicates and orphans -----------------------------------------------------------------------


@dataclass
class Inventory:
    """The emulator's objects made since `baseline`, compared with the IDs the stack's state knows."""

    state_ids: dict[str, set[str]]
    live: dict[str, list[dict[str, Any]]]

    @classmethod
    def take(cls, resources: list[dict[str, Any]], objects: Mapping[str, Any],
             baseline: Mapping[str, set[str]]) -> Inventory:
        state_ids: dict[str, set[str]] = {kind: set() for kind in MANAGED_KINDS}
        for res in resources:
            kind = KIND_OF_TYPE.get(res["type"])
            if kind:
                state_ids[kind].add(res["id"])
        live = {kind: [o for o in objects.get(kind, []) if o["id"] not in baseline.get(kind, set())]
                for kind in MANAGED_KINDS}
        return cls(state_ids, live)

    def orphans(self) -> dict[str, list[str]]:
        """Objects in the emulator that the state does not know."""
        return {k: sorted(o["id"] for o in objs if o["id"] not in self.state_ids[k])
                for k, objs in self.live.items() if any(o["id"] not in self.state_ids[k] for o in objs)}

    def missing(self) -> dict[str, list[str]]:
        """IDs in the state that the emulator does not hold."""
        out = {}
        for kind, ids in self.state_ids.items():
            gone = ids - {o["id"] for o in self.live[kind]}
            if gone:
                out[kind] = sorted(gone)
        return out

    def duplicates(self) -> dict[str, list[str]]:
        """Two tasks for one source, two templates / projects with one name."""
        out: dict[str, list[str]] = {}
        by_source = Counter(t["source_server"]["id"] for t in self.live["tasks"])
        out["tasks"] = sorted(k for k, n in by_source.items() if n > 1)
        task_names = Counter(t["name"] for t in self.live["tasks"])
        out["task names"] = sorted(k for k, n in task_names.items() if n > 1)
        for kind in ("templates", "migprojects"):
            names = Counter(o["name"] for o in self.live[kind])
            out[kind] = sorted(k for k, n in names.items() if n > 1)
        return {k: v for k, v in out.items() if v}

    def assert_consistent(self, context: str) -> None:
        problems = {"orphans": self.orphans(), "missing": self.missing(), "duplicates": self.duplicates()}
        problems = {k: v for k, v in problems.items() if v}
        assert not problems, f"{context}: {json.dumps(problems, indent=1)}"


def baseline_ids(objects: Mapping[str, Any]) -> dict[str, set[str]]:
    return {kind: {o["id"] for o in objects.get(kind, [])} for kind in MANAGED_KINDS}


# -- after a crash: what a user does with a file backend ------------------------------------------------


def lock_files(ws: RecordingWorkspace) -> list[Path]:
    """Lock files of the file backend (a killed command leaves its own behind)."""
    return sorted((ws.state_dir / "backend" / ".pulumi" / "locks").rglob("*.json"))


def pending_operations(ws: RecordingWorkspace) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = ws.export_state()["deployment"].get("pending_operations") or []
    return ops


def find_in_cloud(resource: Mapping[str, Any], objects: Mapping[str, Any]) -> str | None:
    """The ID of the object a pending create made, looked up the way a user would in the console:
    by its unique name (a task: by name and source server). None when the create never happened."""
    inputs = resource.get("inputs") or {}
    kind = resource["type"].rsplit(":", 1)[-1]
    if kind == "SpeedLimit":  # its ID is the task's; the rules are re-read by refresh
        task_id = inputs.get("task_id")
        return task_id if any(t["id"] == task_id for t in objects["tasks"]) else None
    if kind == "Task":
        found = [t["id"] for t in objects["tasks"] if t["name"] == inputs.get("name")
                 and t["source_server"]["id"] == inputs.get("source_server_id")]
    elif kind == "Template":
        found = [t["id"] for t in objects["templates"] if t["name"] == inputs.get("name")]
    elif kind == "MigrationProject":
        found = [p["id"] for p in objects["migprojects"] if p["name"] == inputs.get("name")]
    else:
        raise AssertionError(f"no lookup for pending {resource['type']}")
    assert len(found) <= 1, f"{resource['urn']}: {len(found)} objects match: {found}"
    return found[0] if found else None


def adopt_pending_creates(ws: RecordingWorkspace, objects: Mapping[str, Any],
                          scratch: Path) -> dict[str, Any]:
    """Resolve the pending CREATE operations a killed `up` left in the checkpoint.

    pulumi 3.79 with a file backend: `up` only warns about them, `refresh --non-interactive` keeps them,
    `refresh --clear-pending-creates` drops them (the objects stay in the cloud, unknown to the state),
    and `refresh --import-pending-creates URN ID` turns them into pending imports that the 3.79 refresh
    then discards without reading them. What remains is the documented manual repair: `pulumi stack
    export`, record each pending create whose object exists (found by name) as a resource with that
    ID, drop the others, `pulumi stack import`; the `pulumi refresh` that follows reads the real
    outputs through the provider.
    """
    exported = ws.export_state()
    deployment = exported["deployment"]
    adopted, cleared, kept = [], [], []
    for op in deployment.get("pending_operations") or []:
        resource = op["resource"]
        if op["type"] != "creating":
            kept.append(op)  # updates/deletes: `pulumi refresh` clears them after reading the object
            continue
        found = find_in_cloud(resource, objects)
        if found is None:
            cleared.append(resource["urn"])
            continue
        entry = {k: v for k, v in resource.items() if k not in ("id", "outputs")}
        entry["id"] = found
        entry["outputs"] = dict(resource.get("inputs") or {})  # replaced by the refresh's read
        deployment["resources"].append(entry)
        adopted.append((resource["urn"], found))
    deployment["pending_operations"] = kept
    if adopted or cleared:
        path = scratch / f"repaired-{len(ws.transcript)}.json"
        path.write_text(json.dumps(exported))
        ws.run("stack", "import", "--file", str(path), "--stack", ws.stack)
    return {"adopted": adopted, "cleared": cleared, "kept": [op["resource"]["urn"] for op in kept]}


def first_api_request(emulator_admin: AdminClient, since: int, timeout: float = 60) -> int:
    """Wait until the emulator sees an SMS/OMS call (not an admin one) after log entry `since`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entries = emulator_admin.requests(with_list=True, since=since)["requests"]
        if any(not e["path"].startswith("/_emulator") for e in entries):
            return max(int(e["seq"]) for e in entries)
        time.sleep(0.02)
    raise AssertionError("the provider made no API call")


def last_seq(emulator_admin: AdminClient) -> int:
    entries = emulator_admin.requests(with_list=True)["requests"]
    return max((int(e["seq"]) for e in entries), default=0)
