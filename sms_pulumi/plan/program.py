"""Turn a migration plan (sms_pulumi.plan.model) into Pulumi resources: the one function a program calls.

    from sms_pulumi.plan import deploy_plan
    deploy_plan("plan.yaml")

Per server, a SourceServer (the plan's project holds it, its disk settings, what destroy does with
its record), a Task created after it (the target layout SMS recommends follows the disk settings;
its special settings are the wave's `configurations` with the server's laid over them key by key)
and its bandwidth windows (a SpeedLimit), named after the server, not its wave: moving a server to
another wave, renaming a wave or the task changes it in place, and replication goes on. Per wave, a
Wave resource holds the run state of its tasks and carries it out for all of them at once
(sms_pulumi.resources.wave); it starts after the bandwidth windows are set. Stacks made when
resource names were `{wave}-{server}` under a `sms:plan:Wave` component upgrade through aliases,
with no replacement.

The plan's servers are found with one list of the source servers (not one lookup per server), and
everything the plan cannot be carried out with (a server SMS does not know, two entries that are one
server, a server that failed its environment check, disk settings its source does not allow, no
project ID) stops the preview with one line per problem pointing into the plan, before anything is
created.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from sms_pulumi.api.errors import ApiError, ConfigurationError
from sms_pulumi.api.models.sources import SourceServerSummary
from sms_pulumi.lookups import list_source_servers
from sms_pulumi.plan.model import (
    NodePlan,
    ObjectStoragePlan,
    Plan,
    PlanError,
    Problem,
    ServerPlan,
    WavePlan,
    load_plan,
    plan_path,
)
from sms_pulumi.resources.clients import settings as provider_settings
from sms_pulumi.resources.clients import sms_client
from sms_pulumi.resources.migration_project import MigrationProject
from sms_pulumi.resources.source_server import SourceServer, layout_failures
from sms_pulumi.resources.speed_limit import SpeedLimit
from sms_pulumi.resources.task import Task
from sms_pulumi.resources.task_group import TaskGroup
from sms_pulumi.resources.template import Template
from sms_pulumi.resources.wave import Wave

#: The component type that parented a wave's tasks before waves were resources (for aliases).
OLD_WAVE_COMPONENT = "sms:plan:Wave"


@dataclass
class Server:
    """A server of the plan, found in SMS."""

    wave: WavePlan
    plan: ServerPlan
    source: SourceServerSummary


@dataclass
class DeployedPlan:
    project: MigrationProject | None = None
    templates: dict[str, Template] = field(default_factory=dict)
    sources: dict[str, SourceServer] = field(default_factory=dict)  # server key -> source server
    tasks: dict[str, Task] = field(default_factory=dict)  # server key -> task
    speed_limits: dict[str, SpeedLimit] = field(default_factory=dict)
    waves: dict[str, Wave] = field(default_factory=dict)
    task_groups: dict[str, TaskGroup] = field(default_factory=dict)


def deploy_plan(plan: Plan | str | Path, *, export: bool = True) -> DeployedPlan:
    """Declare the plan's resources; with `export`, export what a migration engineer wants to see.

    A plan that cannot be carried out stops the program with a message (a Pulumi error, no Python
    traceback) naming every problem.
    """
    try:
        return _deploy(plan if isinstance(plan, Plan) else load_plan(plan), export)
    except (PlanError, ConfigurationError, ApiError) as exc:
        raise pulumi.RunError(str(exc)) from None


def _deploy(plan: Plan, export: bool) -> DeployedPlan:
    settings = provider_settings()
    region = plan.region or settings.region
    if not settings.project_id:
        raise ConfigurationError(
            "no Huawei Cloud project ID, which templates and tasks need: set it with `pulumi config set "
            "huaweicloud:projectId <id>` (or HW_PROJECT_ID)"
        )
    servers = _find_servers(plan)
    _check_layouts(plan, servers)
    config = pulumi.Config()
    out = DeployedPlan()

    defaults: dict[str, Any] = {}
    if plan.migration_project is not None:
        mp = plan.migration_project
        out.project = MigrationProject(f"project-{mp.name}", region=region,
                                       **mp.model_dump(exclude_none=True))
        defaults = {"type": mp.type, "syncing": mp.syncing, "use_public_ip": mp.use_public_ip,
                    "exist_server": mp.exist_server, "start_target_server": mp.start_target_server,
                    "speed_limit": mp.speed_limit}

    for key, template in plan.templates.items():
        password = None
        if template.target_password_config:
            password = _secret_config(config, template.target_password_config, f"templates.{key}")
        out.templates[key] = Template(f"template-{key}", name=key, region=region,
                                      projectid=settings.project_id, target_password=password,
                                      **template.api_fields())

    for server in servers:
        _deploy_server(plan, server, defaults, out)
    for wave in plan.waves:
        members = [s for s in servers if s.wave is wave]
        limits = [out.speed_limits[s.plan.key] for s in members if s.plan.key in out.speed_limits]
        out.waves[wave.name] = Wave(
            wave.name, name=wave.name, run_state=wave.run_state, retry=wave.retry, resync=wave.resync,
            tasks={s.plan.key: out.tasks[s.plan.key].id for s in members},
            run_states={s.plan.key: s.plan.run_state for s in members if s.plan.run_state} or None,
            servers={s.plan.key: _describe(s) for s in members},
            test_template_id=out.templates[wave.test_template].id if wave.test_template else None,
            clear_snapshots=wave.clear_snapshots or None, network_check=wave.network_check or None,
            consistency_results=any(_task_flag(s, "consistency_check") for s in members) or None,
            upload_logs_to=wave.upload_logs_to,
            opts=pulumi.ResourceOptions(depends_on=limits),  # windows first, then the start
        )

    for group in plan.object_storage:
        out.task_groups[group.name] = _deploy_task_group(config, group)

    if pulumi.runtime.is_dry_run():
        _say_what_is_gone([
            *([("migration project", plan.migration_project.name, out.project)]
              if plan.migration_project and out.project else []),
            *(("template", key, t) for key, t in out.templates.items()),
            *(("task", key, t) for key, t in out.tasks.items()),
            *(("task group", key, g) for key, g in out.task_groups.items()),
        ])
    if export:
        _export(out)
    return out


def _say_what_is_gone(resources: Iterable[tuple[str, str, pulumi.CustomResource]]) -> None:
    """In a preview, warn about what the state holds but SMS or OMS no longer has.

    A task, template, project or task group deleted in the console stays in the state until a
    refresh: without this, the preview would show nothing and `up` would then fail on it. One list
    request per kind, and only for what the state holds (a new stack's IDs are not known: no call).
    """
    from sms_pulumi.resources.clients import oms_client, sms_client

    listings: dict[str, set[str]] = {}

    def existing(kind: str) -> set[str]:
        if kind not in listings:
            if kind == "task":
                listings[kind] = {str(t.id) for t in sms_client().iter_tasks()}
            elif kind == "template":
                listings[kind] = {str(t.id) for t in sms_client().iter_templates()}
            elif kind == "migration project":
                listings[kind] = {str(p.id) for p in sms_client().iter_migprojects()}
            else:
                listings[kind] = {str(g.group_id) for g in oms_client().iter_task_groups()}
        return listings[kind]

    def check(kind: str, name: str, resource: pulumi.CustomResource) -> None:
        def look(found_id: str | None) -> None:
            if found_id and found_id not in existing(kind):
                pulumi.log.warn(f"{kind} {name} ({found_id}) is in the stack's state but no longer exists "
                                "(deleted outside Pulumi?): `pulumi refresh` drops it from the state, then "
                                "`pulumi up` creates it again\n", resource=resource)
        resource.id.apply(look)

    for kind, name, resource in resources:
        check(kind, name, resource)


def _find_servers(plan: Plan) -> list[Server]:
    """The plan's servers in SMS, from one list of the source servers; every problem at once."""
    sources = list_source_servers()
    by_name: dict[str, list[SourceServerSummary]] = {}
    by_ip: dict[str, list[SourceServerSummary]] = {}
    for source in sources:
        by_name.setdefault(str(source.name), []).append(source)
        by_ip.setdefault(str(source.ip), []).append(source)
    found: list[Server] = []
    problems: list[Problem] = []
    claimed: dict[str, ServerPlan] = {}
    for wave, entry in plan.servers():
        at = plan.server_path(wave, entry)
        matches = _matches(entry, by_name, by_ip)
        if len(matches) != 1:
            problems.append(Problem(at, _not_one(entry, matches, sources)))
            continue
        source = matches[0]
        if source.state == "unavailable":
            # SMS would refuse the task (SMS.6520): say so now, naming the plan entry.
            failed = [str(c.name) for c in source.checks or [] if c.result == "ERROR"]
            problems.append(Problem(at, f"source server {source.name} failed its environment check "
                                        f"({', '.join(failed) or 'see the SMS console'}): fix it on the "
                                        "server, or take it out of the plan"))
        other = claimed.get(str(source.id))
        if other is not None:
            [o_wave] = [w for w in plan.waves if other in w.servers]
            problems.append(Problem(at, f"is source server {source.name} ({source.ip}) again, which "
                                        f"{plan.where(plan.server_path(o_wave, other))} plans already"))
            continue
        claimed[str(source.id)] = entry
        found.append(Server(wave, entry, source))
    if problems:
        raise plan.locate(problems)
    return found


def _check_layouts(plan: Plan, servers: Iterable[Server]) -> None:
    """The disk settings of the plan against each source's registered disks; every problem at once.

    One show per server that has disk settings (and none for the others): the list that found the
    servers carries no registered disks, only the layout SMS recommends, which leaves out a disk the
    plan excludes and shows the sizes it sets, so it cannot tell what the source has.
    """
    problems = []
    for server in servers:
        disks, groups = server.plan.source_settings()
        if not (disks or groups):
            continue
        live = sms_client().show_source(str(server.source.id))
        at = plan.server_path(server.wave, server.plan)
        problems += [Problem((*at, *plan_path(path)), message)
                     for path, message in layout_failures(live, disks or {}, groups or {})]
    if problems:
        raise plan.locate(problems)


def _matches(entry: ServerPlan, by_name: dict[str, list[SourceServerSummary]],
             by_ip: dict[str, list[SourceServerSummary]]) -> list[SourceServerSummary]:
    candidates = by_name.get(entry.name, []) if entry.name else by_ip.get(str(entry.ip), [])
    if entry.name and entry.ip:
        candidates = [s for s in candidates if s.ip == entry.ip]
    return candidates


def _not_one(entry: ServerPlan, matches: list[SourceServerSummary], sources: Iterable[SourceServerSummary]
             ) -> str:
    what = " and ".join(f"{k} {v!r}" for k, v in (("name", entry.name), ("ip", entry.ip)) if v)
    if matches:
        listed = ", ".join(f"{s.name} ({s.ip}, {s.id})" for s in matches[:5])
        return f"{len(matches)} source servers match {what}: {listed}; give both name and ip"
    known = [str(s.name) for s in sources] if entry.name else [str(s.ip) for s in sources]
    close = difflib.get_close_matches(entry.name or str(entry.ip), known, n=3)
    hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
    return f"no source server with {what} is registered in SMS{hint}"


def _describe(server: Server) -> dict[str, Any]:
    """What a review says about the server: its source, its target, where the target comes from."""
    template = server.plan.template or server.wave.template
    label = {
        "source": f"{server.source.name} ({server.source.ip})",
        "target": server.plan.target_name or f"{server.source.name}-cloud",
        "template": template,
    }
    if server.wave.test_template:
        label["test_template"] = server.wave.test_template
    return label


def _task_flag(server: Server, name: str) -> bool | None:
    """A task setting of the server's entry, else of its wave (None: SMS's default)."""
    own: bool | None = getattr(server.plan, name)
    wave: bool | None = getattr(server.wave, name)
    return own if own is not None else wave


def _old_names(server: Server, suffix: str = "") -> pulumi.ResourceOptions:
    """Aliases of the names the server's resources had when waves were components."""
    parent = pulumi.create_urn(server.wave.name, OLD_WAVE_COMPONENT)
    return pulumi.ResourceOptions(aliases=[pulumi.Alias(name=f"{server.wave.name}-{server.plan.key}{suffix}",
                                                        parent=parent)])


def _deploy_server(plan: Plan, server: Server, defaults: dict[str, Any], out: DeployedPlan) -> None:
    entry, wave, source = server.plan, server.wave, server.source
    template_key = entry.template or wave.template
    bandwidth = entry.bandwidth or wave.bandwidth
    task_type = entry.type or wave.type or defaults.get("type") or "MIGRATE_BLOCK"
    options = {k: v for k, v in defaults.items() if k != "type" and v is not None}
    disks, groups = entry.source_settings()
    source_server = SourceServer(
        f"{entry.key}-source",
        source_id=str(source.id),
        migprojectid=out.project.id if out.project is not None else None,
        disks=disks,
        volume_groups=groups,
        on_destroy=entry.on_destroy or wave.on_destroy,
    )
    out.sources[entry.key] = source_server
    task = Task(
        entry.key,
        name=entry.task_name or entry.key,
        type=str(task_type),
        os_type=str(source.os_type),
        source_server_id=str(source.id),
        target_server={"name": entry.target_name or f"{source.name}-cloud"},
        vm_template_id=out.templates[template_key].id if template_key else None,
        migration_ip=entry.migration_ip,
        is_need_consistency_check=_task_flag(server, "consistency_check"),
        need_migration_test=_task_flag(server, "migration_drill"),
        configurations=_configurations(wave, entry),
        adopt_id=entry.adopt_id,
        # After its source's settings: the target disks SMS recommends follow them.
        opts=pulumi.ResourceOptions.merge(_old_names(server),
                                          pulumi.ResourceOptions(depends_on=[source_server])),
        **options,
    )
    out.tasks[entry.key] = task
    if bandwidth:
        out.speed_limits[entry.key] = SpeedLimit(f"{entry.key}-bandwidth", task_id=task.id,
                                                 rules=plan.bandwidth[bandwidth],
                                                 opts=_old_names(server, "-bandwidth"))


def _configurations(wave: WavePlan, entry: ServerPlan) -> dict[str, Any] | None:
    """The task's special settings: the wave's, the server's laid over them key by key (null drops
    one of the wave's for this server; "" clears it in SMS)."""
    merged = {**(wave.configurations or {}), **(entry.configurations or {})}
    return {k: v for k, v in merged.items() if v is not None} or None


def _secret_config(config: pulumi.Config, key: str, where: str) -> pulumi.Output[str]:
    value = config.get_secret(key)
    if value is None:
        raise ConfigurationError(f"{where}: Pulumi config {key!r} is not set "
                                 f"(pulumi config set --secret {key} ...)")
    return value


def _deploy_task_group(config: pulumi.Config, group: ObjectStoragePlan) -> TaskGroup:
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
    """IDs, and each server's run state as its wave recorded it at the end of the last up or refresh.

    Nothing here is read while the program runs: an unchanged preview shows no change.
    """
    if out.project is not None:
        pulumi.export("migration_project_id", out.project.id)
    pulumi.export("template_ids", {k: t.id for k, t in out.templates.items()})
    for name, wave in out.waves.items():
        pulumi.export(name, wave.members.apply(_servers_of))
    if out.task_groups:
        pulumi.export("task_group_ids", {k: g.id for k, g in out.task_groups.items()})


def _servers_of(members: dict[str, Any] | None) -> dict[str, Any]:
    return {key: {"task_id": m.get("task_id"), "run_state": m.get("run_state"),
                  "state_at_last_run": m.get("state"), "target_server_id": m.get("target_server_id"),
                  **({"error": m["error"]} if m.get("error") else {})}
            for key, m in sorted((members or {}).items())}
