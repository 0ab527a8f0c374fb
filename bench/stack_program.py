"""The Pulumi program of bench/bench_stack.py: a generated wave of N migration tasks.

bench_stack.py copies this file as ``__main__.py`` into a temporary Pulumi project, next to a
``bench.json`` that says what to build:

    {"mode": "real" | "noop", "templates": "shared" | "per-task", "run_state": "running" | null,
     "project_id": "...", "sources": [{"id", "name", "os_type"}, ...]}

Per source server: one Task (template ID from its Template), one SpeedLimit (two bandwidth windows)
on the task's ID; Templates shared by the whole wave (one) or one per task; one Wave over all the
tasks with the run state given (none for "not_managed").

``mode: "noop"`` builds the same resources (same count, inputs, secrets and dependencies) from
dynamic resources whose provider, defined in this module, returns its inputs: the engine's own floor.
Like the real providers (DESIGN.md section 4), it is pickled into state *by reference*: the module is
also copied as ``stack_program.py`` into the project, which is on the provider's PYTHONPATH, and
registered under that name here. With ``"noop_by_value": true`` it stays a class of ``__main__``, so
dill pickles the class itself (its code) into every resource's state, as for a provider written inline
in a program.

The program makes no API call itself (no lookups, no ``task_status``): the source IDs come from
bench.json, so every request the emulator logs comes from the provider.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

PASSWORD = "Bench-Passw0rd!"  # a fixed, non-sensitive value: only makes the template carry a secret
RULES = [
    {"start": "08:00", "end": "18:00", "speed": 50, "over_speed_threshold": 20},
    {"start": "18:00", "end": "23:59", "speed": 400},
]


class NoopProvider(ResourceProvider):
    """The floor: create/read/update return the inputs, delete does nothing, diff compares inputs."""

    def diff(self, _id: str, olds: Any, news: Any) -> DiffResult:
        keys = (set(olds) | set(news)) - {"__provider"}
        return DiffResult(changes=any(olds.get(k) != news.get(k) for k in keys))

    def create(self, props: Any) -> CreateResult:
        return CreateResult(uuid.uuid4().hex, {k: v for k, v in props.items() if k != "__provider"})

    def read(self, id_: str, props: Any) -> ReadResult:
        return ReadResult(id_, props)

    def update(self, _id: str, _olds: Any, news: Any) -> UpdateResult:
        return UpdateResult({k: v for k, v in news.items() if k != "__provider"})


class NoopTemplate(Resource, module="noop", name="Template"):
    def __init__(self, name: str, props: dict[str, Any]) -> None:
        props = dict(props)
        props["target_password"] = pulumi.Output.secret(props["target_password"])
        super().__init__(NoopProvider(), name, props,
                         pulumi.ResourceOptions(additional_secret_outputs=["target_password"]))


class NoopTask(Resource, module="noop", name="Task"):
    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__(NoopProvider(), name, {**props, "target_server_id": None})


class NoopSpeedLimit(Resource, module="noop", name="SpeedLimit"):
    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__(NoopProvider(), name, props)


class NoopWave(Resource, module="noop", name="Wave"):
    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__(NoopProvider(), name, props)


def template_props(name: str, project_id: str) -> dict[str, Any]:
    return {
        "name": name, "region": "cn-north-4", "projectid": project_id, "flavor": "s6.large.2",
        "volumetype": "SSD", "vpc": {"id": "autoCreate", "name": "autoCreate"},
        "nics": [{"id": "autoCreate", "name": "autoCreate", "cidr": "192.168.0.0/24"}],
        "security_groups": [{"id": "autoCreate", "name": "autoCreate"}],
        "target_password": PASSWORD,
    }


def task_props(index: int, source: dict[str, Any], template_id: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "name": f"bench-{index:04d}", "type": "MIGRATE_BLOCK", "os_type": source["os_type"],
        "source_server_id": source["id"], "target_server": {"name": f"{source['name']}-cloud"},
        "vm_template_id": template_id, "syncing": True, "exist_server": False,
    }


def build(spec: dict[str, Any]) -> None:
    real = spec["mode"] == "real"
    if real:
        from sms_pulumi.resources.speed_limit import SpeedLimit
        from sms_pulumi.resources.task import Task
        from sms_pulumi.resources.template import Template
        from sms_pulumi.resources.wave import Wave

    def template(name: str) -> pulumi.CustomResource:
        props = template_props(name, spec["project_id"])
        return Template(name, **props) if real else NoopTemplate(name, props)

    shared = template("bench-tpl") if spec["templates"] == "shared" else None
    tasks: dict[str, pulumi.Output[str]] = {}
    for index, source in enumerate(spec["sources"]):
        tpl = shared or template(f"bench-tpl-{index:04d}")
        props = task_props(index, source, tpl.id)
        name = f"task-{index:04d}"
        task = Task(name, **props) if real else NoopTask(name, props)
        tasks[name] = task.id
        if real:
            SpeedLimit(f"{name}-bandwidth", task_id=task.id, rules=RULES)
        else:
            NoopSpeedLimit(f"{name}-bandwidth", {"task_id": task.id, "rules": RULES})
    run_state = spec.get("run_state") or "not_managed"
    if real:
        Wave("wave", tasks=tasks, run_state=run_state)
    else:
        NoopWave("wave", {"tasks": tasks, "run_state": run_state})
    pulumi.export("tasks", len(spec["sources"]))


if __name__ == "__main__":
    SPEC = json.loads((Path.cwd() / "bench.json").read_text())
    if not SPEC.get("noop_by_value"):
        # dill pickles a class by reference when its module can be imported by that name.
        sys.modules["stack_program"] = sys.modules[__name__]
        NoopProvider.__module__ = "stack_program"
    build(SPEC)
