"""Fixtures and helpers of the reliability suite (issue #7): the real pulumi CLI against the emulator.

* ``provider_env(...)`` — the HW_* environment of the suite's stacks (see tests/workspaces.py for
  ``make_workspace`` and ``RecordingWorkspace``).
* ``Inventory`` — what the emulator holds vs what the stack's state knows: duplicates and orphans.

* ``recover_as_the_readme_says`` — what a user does after a killed ``up``: the README's steps.

Knobs (environment): ``SMS_SOAK_TASKS`` (tasks of the fault-soak wave, default 30; CI may use fewer),
``SMS_CRASH_TASKS`` (tasks of the crash-test wave, default 6), ``SMS_CRASH_TRIALS`` (at least 5),
``SMS_CRASH_SEED`` (the random kill delays; printed by every trial), ``SMS_CRASH_WINDOW_CREATE`` /
``SMS_CRASH_WINDOW_UPDATE`` (seconds the kill delays are spread over).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sms_pulumi.api.credentials import endpoint_env
from sms_pulumi.emulator.server import AdminClient
from tests.polling import wait_for
from tests.terminal import readme_commands, run_in_terminal
from tests.workspaces import RecordingWorkspace

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


def provider_env(endpoint: str, access_key: str, secret_key: str, project_id: str,
                 security_token: str | None = None) -> dict[str, str]:
    return endpoint_env(endpoint, access_key, secret_key, project_id, security_token=security_token,
                        poll_interval=0.2, wait_timeout=180)


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
from sms_pulumi.resources.wave import Wave

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
tasks = {}
for source in sources:
    task = tasks[source["name"]] = Task(
        source["name"], name=f"{prefix}-{source['name']}", type="MIGRATE_BLOCK",
        os_type=source["os_type"], source_server_id=source["id"],
        target_server={"name": f"{source['name']}-cloud"},
        vm_template_id=templates[source["os_type"]].id, syncing=True, exist_server=False,
    )
    if not with_rules:
        continue
    SpeedLimit(f"{source['name']}-bw", task_id=task.id, rules=[
        {"start": "08:00", "end": "18:00", "speed": peak_speed, "over_speed_threshold": 20},
        {"start": "18:00", "end": "23:59", "speed": 400},
    ])
Wave("wave", tasks={k: t.id for k, t in tasks.items()}, run_state=run_state)
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


def recover_as_the_readme_says(ws: RecordingWorkspace) -> list[str]:
    """The README's "After a crash" commands, word for word, in a terminal, in the project's folder."""
    commands = readme_commands("### After a crash")
    run = run_in_terminal("set -e\n" + "\n".join(commands), cwd=ws.project_dir, env=ws.env(), timeout=240)
    assert run.returncode == 0, run.output[-4000:]
    return commands


def first_api_request(emulator_admin: AdminClient, since: int, timeout: float = 60) -> int:
    """Wait until the emulator sees an SMS/OMS call (not an admin one) after log entry `since`."""
    entries = wait_for(lambda: emulator_admin.requests(with_list=True, since=since)["requests"],
                       lambda entries: any(not e["path"].startswith("/_emulator") for e in entries), timeout)
    return max(int(e["seq"]) for e in entries)


def last_seq(emulator_admin: AdminClient) -> int:
    entries = emulator_admin.requests(with_list=True)["requests"]
    return max((int(e["seq"]) for e in entries), default=0)
