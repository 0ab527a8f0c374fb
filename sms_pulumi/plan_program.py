"""Turn a migration plan (sms_pulumi.plan) into Pulumi resources: the one function a program calls.

    from sms_pulumi.plan_program import deploy_plan
    deploy_plan("plan.yaml")

Each wave is a component resource (`sms:plan:Wave`) parenting its tasks and bandwidth windows, so
`pulumi preview` and the review report (sms_pulumi.report) group changes by wave. Resource names are
stable (wave and server), so moving a server's fields around in the file does not replace anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from sms_pulumi.lookups import get_source_server
from sms_pulumi.plan import NodePlan, ObjectStoragePlan, Plan, ServerPlan, WavePlan, load_plan
from sms_pulumi.resources._provider import settings as provider_settings
from sms_pulumi.resources.migration_project import MigrationProject
from sms_pulumi.resources.speed_limit import SpeedLimit
from sms_pulumi.resources.task import Task, task_status
from sms_pulumi.resources.template import Template

WAVE_TYPE = "sms:plan:Wave"


@dataclass
class DeployedPlan:
    project: MigrationProject | None = None
    templates: dict[str, Template] = field(default_factory=dict)
    tasks: dict[str, dict[str, Task]] = field(default_factory=dict)  # wave -> server -> task
    speed_limits: dict[str, SpeedLimit] = field(default_factory=dict)
    task_groups: dict[str, pulumi.CustomResource] = field(default_factory=dict)


def _secret_config(config: pulumi.Config, key: str, where: str) -> pulumi.Output[str]:
    value = config.get_secret(key)
    if value is None:
        raise ValueError(f"{where}: Pulumi config {key!r} is not set (pulumi config set --secret {key} ...)")
    return value


def _server_key(server: ServerPlan) -> str:
    return server.label.replace(".", "-")


def deploy_plan(plan: Plan | str | Path, *, export: bool = True) -> DeployedPlan:
    """Declare the plan's resources; with `export`, export what a migration engineer wants to see."""
    if not isinstance(plan, Plan):
        plan = load_plan(plan)
    settings = provider_settings()
    region = plan.region or settings.region
    project_id = settings.project_id or ""
    config = pulumi.Config()
    out = DeployedPlan()

    defaults: dict[str, Any] = {}
    if plan.migration_project is not None:
        mp = plan.migration_project
        out.project = MigrationProject(
            f"project-{mp.name}", region=region, **mp.model_dump(exclude_none=True)
        )
        defaults = {"type": mp.type, "syncing": mp.syncing, "use_public_ip": mp.use_public_ip,
                    "exist_server": mp.exist_server, "start_target_server": mp.start_target_server,
                    "speed_limit": mp.speed_limit}

    for key, template in plan.templates.items():
        password = None
        if template.target_password_config:
            password = _secret_config(config, template.target_password_config, f"templates.{key}")
        out.templates[key] = Template(
            f"template-{key}", name=key, region=region, projectid=project_id,
            target_password=password, **template.api_fields(),
        )

    for wave in plan.waves:
        out.tasks[wave.name] = _deploy_wave(plan, wave, defaults, out)

    for group in plan.object_storage:
        out.task_groups[group.name] = _deploy_task_group(config, group)

    if export:
        _export(out)
    return out


def _deploy_wave(plan: Plan, wave: WavePlan, defaults: dict[str, Any], out: DeployedPlan) -> dict[str, Task]:
    component = pulumi.ComponentResource(WAVE_TYPE, wave.name)
    parent = pulumi.ResourceOptions(parent=component)
    tasks: dict[str, Task] = {}
    for server in wave.servers:
        source = get_source_server(name=server.name, ip=server.ip)
        if source.state == "unavailable":
            # SMS would refuse the task (SMS.6520): say so at preview time, naming the plan entry.
            failed = [c.name for c in source.checks or [] if c.result == "ERROR"]
            raise ValueError(
                f"waves[{wave.name}].servers[{server.label}]: source server {source.name} failed its "
                f"environment check ({', '.join(str(f) for f in failed) or 'see the SMS console'}); "
                "fix it on the server or take it out of the plan"
            )
        template_key = server.template or wave.template
        bandwidth = server.bandwidth or wave.bandwidth
        key = _server_key(server)
        task_type = server.type or wave.type or defaults.get("type") or "MIGRATE_BLOCK"
        options = {k: v for k, v in defaults.items() if k != "type" and v is not None}
        task = Task(
            f"{wave.name}-{key}",
            name=f"{wave.name}-{key}",
            type=str(task_type),
            os_type=str(source.os_type),
            source_server_id=str(source.id),
            target_server={"name": server.target_name or f"{source.name}-cloud"},
            vm_template_id=out.templates[template_key].id if template_key else None,
            migration_ip=server.migration_ip,
            run_state=server.run_state or wave.run_state,
            opts=parent,
            **options,
        )
        tasks[key] = task
        if bandwidth:
            out.speed_limits[f"{wave.name}-{key}"] = SpeedLimit(
                f"{wave.name}-{key}-bandwidth", task_id=task.id, rules=plan.bandwidth[bandwidth],
                opts=parent,
            )
    component.register_outputs({})
    return tasks


def _deploy_task_group(config: pulumi.Config, group: ObjectStoragePlan) -> pulumi.CustomResource:
    from sms_pulumi.resources.task_group import TaskGroup

    def node(plan_node: NodePlan, where: str) -> dict[str, Any]:
        fields = plan_node.api_fields()
        for key in ("ak", "sk"):
            config_key = getattr(plan_node, f"{key}_config")
            if config_key:
                fields[key] = _secret_config(config, config_key, f"object_storage.{group.name}.{where}")
        return fields

    return TaskGroup(
        f"oms-{group.name}",
        src_node=node(group.source, "source"),
        dst_node=node(group.destination, "destination"),
        task_type=group.task_type,
        description=group.name,
        bandwidth_policy=group.bandwidth,
        run_state=group.run_state,
        **group.options,
    )


def _export(out: DeployedPlan) -> None:
    if out.project is not None:
        pulumi.export("migration_project_id", out.project.id)
    pulumi.export("template_ids", {k: t.id for k, t in out.templates.items()})
    for wave, tasks in out.tasks.items():
        pulumi.export(f"{wave}", {
            key: {"task_id": task.id, "run_state": task.run_state, "target_server_id": task.target_server_id,
                  "live": task_status(task.id)}
            for key, task in tasks.items()
        })
    if out.task_groups:
        pulumi.export("task_group_ids", {k: g.id for k, g in out.task_groups.items()})
