"""Task: `/v3/tasks` (manual 5.4), the migration of one source server, with a declarative run state.

Schema: the wire model `CreateTaskRequest` (sms_pulumi.api.models.tasks); inputs carry the wire names,
except `source_server_id` (the wire's `source_server.id`). Region and project default to the
provider's settings (HW_REGION_NAME, HW_PROJECT_ID); the target disks default to the layout SMS
recommends for the source (`init_target_server` of `GET /v3/sources/{id}`).

What changes in place: what `PUT /v3/tasks/{id}` takes (name, priority, speed limit, migration IP,
target server, template, region/project, ...). What the API cannot change (the source server, sync
mode, checks chosen at creation) replaces the task.

`run_state` says where the task should be, and create/update carry it out with actions and waits:

    not set / "not_managed"   nothing is done, nothing is compared
    "running"                 started (RUNNING, then SYNCING or MIGRATE_SUCCESS by itself)
    "stopped"                 paused (ABORT); a READY task counts as stopped
    "cut_over"                started, replicated, then launched on the target (MIGRATE_SUCCESS)

Read maps the live state back relative to that wish: natural progress (RUNNING -> SYNCING ->
MIGRATE_SUCCESS) is not drift; a task paused in the console reads "stopped", a failed one "failed",
so `pulumi refresh` shows it and `pulumi up` resumes it. Read sees only the stored outputs (Pulumi
3.79), so the wish is stored beside them as `desired_run_state`. Live progress is not an output (it
would make every refresh a change): `task_status()` reads it for stack exports.

Delete never strands a running migration: a running task is stopped (ABORT) first, then deleted, and
the provider waits until it is gone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, Resource, UpdateResult

from sms_pulumi.api.errors import ApiError, NotFoundError
from sms_pulumi.api.models.sources import PhysicalVolumeSpec, VolumeGroupSpec
from sms_pulumi.api.models.tasks import (
    CreateTaskRequest,
    TargetDiskSpec,
    TargetServerUpdate,
    TaskAction,
    TaskDetail,
    TaskState,
    UpdateTaskRequest,
)
from sms_pulumi.resources._provider import (
    BaseProvider,
    Field,
    changed_fields,
    create_once,
    fit_to,
    is_unknown,
    merge,
    plain,
    project,
    run_state_failures,
    settings,
    sms_client,
    validation_failures,
    wait_until,
)

RUN_STATES = ("not_managed", "running", "stopped", "cut_over")

#: Changed in place by PUT /v3/tasks/{id}.
_UPDATABLE = (
    "name", "type", "os_type", "priority", "speed_limit", "start_target_server", "migration_ip",
    "region_name", "region_id", "project_name", "project_id", "vm_template_id", "exist_server",
    "use_public_ip",
)
#: Only settable at creation: a change replaces the task.
_CREATE_ONLY = (
    "syncing", "use_ipv6", "start_network_check", "over_speed_threshold", "is_need_consistency_check",
    "need_migration_test", "auto_install_pvdriver",
)
#: Filled from the provider's settings when absent.
_FROM_SETTINGS = ("region_name", "region_id", "project_name", "project_id")

S = TaskState
_STARTABLE = {S.READY, S.ABORT, S.MIGRATE_FAIL, S.SYNC_FAIL}
_FAILED = {S.MIGRATE_FAIL, S.SYNC_FAIL, S.SYNC_F_ROLLBACK_SUCCESS, S.SYNC_F_ROLLBACKING}
_PAUSED = {S.ABORT, S.ABORTING, S.READY}
_ACTIVE = {S.RUNNING, S.SYNCING}
#: "Not allowed in the task's current state" (start / stop / cut-over): the task moved on between
#: our read and the action (e.g. it finished); the waits that follow read where it is now.
_STATE_REFUSALS = {"SMS.7713", "SMS.7714", "SMS.7721"}


class TaskProvider(BaseProvider):
    OUTPUTS = ("target_server_id", "desired_run_state")
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("source_server_id", replace=True),
        *(Field(n, server_default=n in _FROM_SETTINGS) for n in _UPDATABLE),
        *(Field(n, replace=True) for n in _CREATE_ONLY),
        Field("target_server"),
        Field("run_state"),
        Field("wait_timeout"),
        Field("adopt_id", create_only=True),
    )

    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        failures = []
        name = news.get("name")
        if isinstance(name, str) and not name.strip():
            # The wire model allows 0-255 characters, but SMS refuses an empty task name (SMS.7711).
            failures.append(CheckFailure("name", "a task needs a name"))
        failures += run_state_failures(news, RUN_STATES)
        body = _create_body(news, fill=False)
        target = body.get("target_server")
        if (isinstance(target, dict) and not is_unknown(target) and not target.get("vm_id")
                and "vm_template_id" not in news):
            failures.append(CheckFailure(
                "target_server.vm_id",
                "give the ID of the existing target server, or a vm_template_id for SMS to create one",
            ))
        if isinstance(target, dict):
            # Filled at create time: disks from the source's recommended layout, vm_id "" for a
            # target SMS creates (the manual marks it required, yet auto-created targets have none).
            body["target_server"] = {"disks": [], "vm_id": "", **target}
        for key in _FROM_SETTINGS:
            body.setdefault(key, "from-settings")
        failures += [
            f if not f.property.startswith("source_server") else CheckFailure("source_server_id", f.reason)
            for f in validation_failures(CreateTaskRequest, body)
        ]
        return failures

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = sms_client()
        task_id = props.get("adopt_id")
        if task_id:
            _adopt(task_id, props)
        else:
            request = CreateTaskRequest.model_validate(_create_body(props, fill=True))
            source_id = request.source_server.id
            on_source = client.find_tasks_by_source(source_id)
            ours = [t for t in on_source if t.name == request.name and t.state != S.DELETING]
            others = [t for t in on_source if t.name != request.name and t.state != S.DELETING]
            if others:
                raise ValueError(
                    f"source_server_id: source {source_id} already has task {others[0].name!r} "
                    f"({others[0].id}); SMS migrates a server with one task at a time: delete it, or "
                    "adopt it with adopt_id"
                )
            if ours and ours[0].id:
                # An earlier `pulumi up` created it and then failed (a wait, a lost answer): Pulumi
                # recorded nothing, so find it again instead of failing on SMS.6005.
                task_id = str(ours[0].id)
                pulumi.log.info(f"task {request.name}: found task {task_id} of an earlier attempt; using it")
                _put(task_id, props, client.show_task(task_id))
            else:
                task_id = create_once(
                    f"task {request.name!r}",
                    lambda: client.create_task(request),
                    lambda: [t for t in client.find_tasks_by_source(source_id) if t.name == request.name],
                )
        live = _converge(task_id, props)
        return CreateResult(task_id, _outputs(props, live))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            live = sms_client().show_task(id_)
        except NotFoundError:
            return ReadResult(None, {})
        if live.state == S.DELETING:
            return ReadResult(None, {})
        return ReadResult(id_, _outputs(props, live, stored=True))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        changed = {f.name for f in changed_fields(self.FIELDS, olds, news)}
        if changed & {*_UPDATABLE, "target_server"}:
            _put(id_, news, sms_client().show_task(id_))
        live = _converge(id_, news)
        return UpdateResult(_outputs(news, live))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = sms_client()
        timeout = props.get("wait_timeout")
        try:
            live = client.show_task(id_)
            name = live.name or id_
            if live.state in _ACTIVE:
                pulumi.log.info(f"task {name}: stopping the migration ({live.state}) before deleting it")
                _act(id_, name, TaskAction.STOP)
            if live.state in {*_ACTIVE, S.ABORTING}:
                _wait_state(id_, name, lambda s: s not in {*_ACTIVE, S.ABORTING}, "to stop", timeout)
            if live.state != S.DELETING:
                client.delete_task(id_)
            wait_until(
                f"task {name} to be deleted",
                lambda: _gone_or_state(id_),
                lambda state: state is None,
                timeout=timeout,
            )
        except NotFoundError:
            return


def _adopt(task_id: str, props: Mapping[str, Any]) -> None:
    client = sms_client()
    try:
        live = client.show_task(task_id)
    except NotFoundError:
        raise ValueError(f"adopt_id: there is no task {task_id!r} to adopt") from None
    source = live.source_server.id if live.source_server else None
    if source and props.get("source_server_id") and source != props["source_server_id"]:
        raise ValueError(
            f"adopt_id: task {live.name!r} ({task_id}) migrates source {source}, not "
            f"source_server_id {props['source_server_id']}"
        )
    _put(task_id, props, live)


def _create_body(props: Mapping[str, Any], *, fill: bool) -> dict[str, Any]:
    """The POST /v3/tasks body from the inputs; with `fill`, defaults from settings and the source."""
    body = {k: plain(props[k]) for k in (*_UPDATABLE, *_CREATE_ONLY) if props.get(k) is not None}
    if props.get("source_server_id") is not None:
        body["source_server"] = {"id": props["source_server_id"]}
    target = plain(props.get("target_server"))
    body["target_server"] = dict(target) if isinstance(target, dict) else target
    if fill:
        current = settings()
        body.setdefault("region_name", current.region)
        body.setdefault("region_id", current.region)
        # Huawei Cloud names a region's default project after the region.
        body.setdefault("project_name", current.region)
        if current.project_id:
            body.setdefault("project_id", current.project_id)
        elif "project_id" not in body:
            raise ValueError("project_id: not given, and the provider has no project ID (set HW_PROJECT_ID)")
        if isinstance(body["target_server"], dict):
            body["target_server"].setdefault("vm_id", "")
            if not body["target_server"].get("disks"):
                body["target_server"].update(_recommended_layout(str(props["source_server_id"])))
    return body


def _recommended_layout(source_id: str) -> dict[str, Any]:
    """Target disks (and volume groups) as SMS recommends them for the source."""
    source = sms_client().show_source(source_id)
    init = source.init_target_server
    if init is None or not init.disks:
        raise ValueError(
            f"target_server.disks: source {source_id} reports no recommended target layout "
            "(init_target_server); give the disks explicitly"
        )
    disks = []
    for disk in init.disks:
        d = fit_to(TargetDiskSpec, disk.model_dump(mode="json", exclude_none=True))
        d.setdefault("used_size", 0)
        d["physical_volumes"] = fit_to(PhysicalVolumeSpec, d.get("physical_volumes") or [])
        disks.append(d)
    layout: dict[str, Any] = {"disks": disks}
    if init.volume_groups:
        layout["volume_groups"] = [fit_to(VolumeGroupSpec, vg.model_dump(mode="json", exclude_none=True))
                                   for vg in init.volume_groups]
    return layout


def _put(task_id: str, props: Mapping[str, Any], live: TaskDetail) -> None:
    """PUT what the API changes in place: the managed fields, and the target server when given.

    The target server is sent whole (the API requires its name and disks): what SMS holds, with
    what the user wrote laid over it.
    """
    body = {k: plain(props[k]) for k in _UPDATABLE if props.get(k) is not None}
    target = plain(props.get("target_server"))
    if isinstance(target, dict) and live.target_server is not None:
        current = fit_to(TargetServerUpdate, live.target_server.model_dump(mode="json", exclude_none=True))
        body["target_server"] = merge(current, target)
    sms_client().update_task(task_id, UpdateTaskRequest.model_validate(body))


def _act(task_id: str, name: str, action: TaskAction) -> None:
    """Send an action; a refusal because the task already moved on is left to the wait that follows."""
    try:
        sms_client().task_action(task_id, action)
    except ApiError as exc:
        if exc.error_code not in _STATE_REFUSALS:
            raise
        pulumi.log.info(f"task {name}: {action} refused, the task moved on meanwhile ({exc.error_code})")


def _gone_or_state(task_id: str) -> str | None:
    try:
        return sms_client().show_task(task_id).state
    except NotFoundError:
        return None


def _error_text(task: TaskDetail) -> str:
    """`error_json` (a JSON string with error_code / error_msg) as one line."""
    raw = task.error_json or ""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw or "SMS gives no error details"
    if isinstance(data, dict):
        return " ".join(str(data[k]) for k in ("error_code", "error_msg") if data.get(k)) or raw
    return raw


def _wait_state(
    task_id: str,
    name: str,
    done: Callable[[str | None], bool],
    what: str,
    timeout: float | None,
    *,
    stalls: Callable[[TaskDetail], str | None] = lambda _: None,
) -> TaskDetail:
    """Wait until the task's state is `done`; a failure (or what `stalls` names) ends the wait at once."""
    client = sms_client()

    def failed(task: TaskDetail) -> str | None:
        if task.state in _FAILED and not done(task.state):
            return f"the task failed ({task.state}): {_error_text(task)}"
        return stalls(task)

    return wait_until(
        f"task {name} {what}",
        lambda: client.show_task(task_id),
        lambda t: done(t.state),
        timeout=timeout,
        describe=_describe,
        failed=failed,
        phase=_phase,
    )


def _paused(task: TaskDetail) -> str | None:
    """Progress waits give up on a task that is paused: it will not get anywhere by itself."""
    if task.state in {S.ABORT, S.READY}:
        return f"the task is paused ({task.state}); start it again (run_state) and retry"
    return None


def _running_subtask(task: TaskDetail) -> Any:
    running = [s for s in task.sub_tasks or [] if s.end_date is None and s.start_date is not None]
    return running[0] if running else None


def _describe(task: TaskDetail) -> str:
    sub = _running_subtask(task)
    return f"{task.state}, {sub.name} {sub.progress or 0}%" if sub is not None else str(task.state)


def _phase(task: TaskDetail) -> object:
    sub = _running_subtask(task)
    return (task.state, sub.name if sub is not None else None)


def _target_known(task: TaskDetail) -> bool:
    """The target server's ID is there, or the task left RUNNING and will not create it now."""
    return bool(task.target_server and task.target_server.vm_id) or task.state != S.RUNNING


def _converge(task_id: str, props: Mapping[str, Any]) -> TaskDetail:
    """Carry out `run_state`: actions, then waits for the state they lead to."""
    client = sms_client()
    wanted = props.get("run_state") or "not_managed"
    timeout = props.get("wait_timeout")
    live = client.show_task(task_id)
    if wanted == "not_managed":
        return live
    name = live.name or task_id
    uses_template = bool(props.get("vm_template_id"))

    if wanted in ("running", "cut_over"):
        if live.state == S.ABORTING:
            live = _wait_state(task_id, name, lambda s: s != S.ABORTING, "to finish pausing", timeout)
        if live.state in _STARTABLE:
            pulumi.log.info(f"task {name}: starting ({live.state})")
            _act(task_id, name, TaskAction.START)
            live = _wait_state(task_id, name, lambda s: s not in _STARTABLE | {S.ABORTING}, "to start",
                               timeout)
        if uses_template and wanted == "running" and not _target_known(live):
            # The target server exists once CREATE_CLOUD_SERVER is done: wait for its ID.
            live = wait_until(
                f"task {name}: target server to be created",
                lambda: client.show_task(task_id),
                _target_known,
                timeout=timeout, describe=_describe, phase=_phase,
            )
    if wanted == "cut_over":
        if live.state not in {S.SYNCING, S.MIGRATE_SUCCESS}:
            live = _wait_state(task_id, name, lambda s: s in {S.SYNCING, S.MIGRATE_SUCCESS},
                               "to finish replicating", timeout, stalls=_paused)
        if live.state == S.SYNCING:
            pulumi.log.info(f"task {name}: cutting over (launching the target server)")
            _act(task_id, name, TaskAction.TEST)
            live = _wait_state(task_id, name, lambda s: s == S.MIGRATE_SUCCESS, "to cut over", timeout,
                               stalls=_paused)
    if wanted == "stopped":
        if live.state == S.MIGRATE_SUCCESS:
            raise ValueError(f"run_state: task {name} is already cut over; it cannot be stopped")
        if live.state in _ACTIVE:
            pulumi.log.info(f"task {name}: pausing ({live.state})")
            _act(task_id, name, TaskAction.STOP)
        if live.state in {*_ACTIVE, S.ABORTING}:
            live = _wait_state(
                task_id, name, lambda s: s in (_PAUSED - {S.ABORTING}) | _FAILED, "to pause", timeout,
                stalls=lambda t: "the task was cut over meanwhile" if t.state == S.MIGRATE_SUCCESS else None,
            )
    return live


def effective_run_state(wanted: str | None, state: str | None) -> str | None:
    """Where the task is, in the words of `run_state`, judged against where it should be.

    Natural progress is not drift: a running task that reached SYNCING or MIGRATE_SUCCESS is still
    "running". A paused task is "stopped" and a failed one "failed" (a failed task counts as
    stopped when it should be stopped).
    """
    if wanted in (None, "not_managed"):
        return wanted
    if state in _FAILED:
        return "stopped" if wanted == "stopped" else "failed"
    if state in _PAUSED:
        return "stopped"
    if state == S.MIGRATE_SUCCESS:
        return "running" if wanted == "running" else "cut_over"
    return "running"


def _outputs(props: Mapping[str, Any], live: TaskDetail, *, stored: bool = False) -> dict[str, Any]:
    """Inputs as SMS reports them now (drift shows here); fields SMS does not report as asked.

    `stored`: `props` are the stored outputs (read), whose `run_state` is where the task was; the
    wish is kept beside it (`desired_run_state`), because read never sees the inputs in Pulumi 3.79.
    """
    wanted = props.get("desired_run_state", props.get("run_state")) if stored else props.get("run_state")
    outs = {k: props.get(k) for k in (*_CREATE_ONLY, "wait_timeout", "adopt_id")}
    for key in _UPDATABLE:
        if props.get(key) is None and key not in _FROM_SETTINGS:
            outs[key] = None
            continue
        # A field SMS does not report back cannot drift: keep what was asked.
        value = getattr(live, key, None)
        outs[key] = plain(props.get(key)) if value is None else value
    outs["source_server_id"] = live.source_server.id if live.source_server else props.get("source_server_id")
    target = plain(props.get("target_server"))
    live_target = live.target_server.model_dump(mode="json", exclude_none=True) if live.target_server else {}
    outs["target_server"] = project(live_target, target) if isinstance(target, dict) else target
    outs["run_state"] = effective_run_state(wanted, live.state)
    outs["desired_run_state"] = wanted
    outs["target_server_id"] = (live.target_server.vm_id if live.target_server else None) or None
    return outs


class Task(Resource, module="sms", name="Task"):
    """A migration task for one source server, with its run state managed declaratively."""

    name: pulumi.Output[str]
    type: pulumi.Output[str]
    os_type: pulumi.Output[str]
    source_server_id: pulumi.Output[str]
    target_server: pulumi.Output[dict[str, Any]]
    run_state: pulumi.Output[str]
    target_server_id: pulumi.Output[str]
    region_id: pulumi.Output[str]
    project_id: pulumi.Output[str]
    vm_template_id: pulumi.Output[str]
    speed_limit: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        type: pulumi.Input[str],  # noqa: A002 - the API's field name
        os_type: pulumi.Input[str],
        source_server_id: pulumi.Input[str],
        target_server: pulumi.Input[dict[str, Any]],
        run_state: pulumi.Input[str] | None = None,
        vm_template_id: pulumi.Input[str] | None = None,
        migration_ip: pulumi.Input[str] | None = None,
        region_name: pulumi.Input[str] | None = None,
        region_id: pulumi.Input[str] | None = None,
        project_name: pulumi.Input[str] | None = None,
        project_id: pulumi.Input[str] | None = None,
        priority: pulumi.Input[int] | None = None,
        use_public_ip: pulumi.Input[bool] | None = None,
        exist_server: pulumi.Input[bool] | None = None,
        start_target_server: pulumi.Input[bool] | None = None,
        syncing: pulumi.Input[bool] | None = None,
        speed_limit: pulumi.Input[int] | None = None,
        over_speed_threshold: pulumi.Input[float] | None = None,
        use_ipv6: pulumi.Input[bool] | None = None,
        start_network_check: pulumi.Input[bool] | None = None,
        is_need_consistency_check: pulumi.Input[bool] | None = None,
        need_migration_test: pulumi.Input[bool] | None = None,
        auto_install_pvdriver: pulumi.Input[bool] | None = None,
        wait_timeout: pulumi.Input[float] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param name: Task name.
        :param type: ``MIGRATE_FILE`` (file level, Linux) or ``MIGRATE_BLOCK`` (block level).
        :param os_type: ``LINUX`` or ``WINDOWS``.
        :param source_server_id: ID of the registered source server (see ``get_source_server``).
        :param target_server: ``{"name", "vm_id"?, "disks"?, "volume_groups"?}``; without disks, the
            layout SMS recommends for the source is used; without vm_id, SMS creates the target
            (give ``vm_template_id``).
        :param run_state: ``running``, ``stopped``, ``cut_over``, or ``not_managed`` (the default).
        :param vm_template_id: Template for the target server SMS creates.
        :param migration_ip: IP the source reaches the target on (EIP or private IP).
        :param region_name: Target region name (default: the provider's region).
        :param region_id: Target region ID (default: the provider's region).
        :param project_name: Target project name (default: the provider's region).
        :param project_id: Target project ID (default: HW_PROJECT_ID).
        :param priority: 0 low, 1 standard (SMS default), 2 high.
        :param use_public_ip: Migrate over the public network (SMS default: True).
        :param exist_server: The target exists already (True) or SMS creates it (False).
        :param start_target_server: Start the target after migration (SMS default: True).
        :param syncing: Keep synchronizing after replication; needed to cut over on demand.
        :param speed_limit: Bandwidth limit in Mbit/s, 0-10000 (0: unlimited).
        :param over_speed_threshold: Over-speed protection threshold, percent (10-100).
        :param use_ipv6: Migrate over IPv6.
        :param start_network_check: Run a network-quality check.
        :param is_need_consistency_check: Run a consistency check.
        :param need_migration_test: Enable the migration drill.
        :param auto_install_pvdriver: Install PV drivers on the target (undocumented field of 4.1).
        :param wait_timeout: Bound of each wait (start, stop, cut-over, delete), seconds
            (default: HW_WAIT_TIMEOUT or 1800).
        :param adopt_id: ID of an existing task to bring under management instead of creating one.
        """
        props: dict[str, Any] = {
            "name": name, "type": type, "os_type": os_type, "source_server_id": source_server_id,
            "target_server": target_server, "run_state": run_state, "vm_template_id": vm_template_id,
            "migration_ip": migration_ip, "region_name": region_name, "region_id": region_id,
            "project_name": project_name, "project_id": project_id, "priority": priority,
            "use_public_ip": use_public_ip, "exist_server": exist_server,
            "start_target_server": start_target_server, "syncing": syncing, "speed_limit": speed_limit,
            "over_speed_threshold": over_speed_threshold, "use_ipv6": use_ipv6,
            "start_network_check": start_network_check,
            "is_need_consistency_check": is_need_consistency_check,
            "need_migration_test": need_migration_test, "auto_install_pvdriver": auto_install_pvdriver,
            "wait_timeout": wait_timeout, "adopt_id": adopt_id, "target_server_id": None,
        }
        super().__init__(TaskProvider(), resource_name, props, opts)


def task_status(task_id: pulumi.Input[str]) -> pulumi.Output[dict[str, Any]]:
    """The live state of a task, read while the program runs: for stack exports and reports.

    Unlike resource outputs, this changes as the migration progresses (state, progress of the current
    sub-task, target server ID), so it is read on every `pulumi up`, never stored as a resource output.
    """

    def read(task_id: str) -> dict[str, Any]:
        if pulumi.runtime.is_dry_run():
            return {}
        return task_progress(sms_client().show_task(task_id))

    return pulumi.Output.from_input(task_id).apply(read)


def task_progress(task: TaskDetail) -> dict[str, Any]:
    """State, current step with its progress, sub-tasks done, target server ID of a task."""
    subtasks = task.sub_tasks or []
    done = sum(1 for s in subtasks if (s.progress or 0) >= 100)
    return {
        "state": task.state,
        "current": _describe(task),
        "subtasks_done": f"{done}/{len(subtasks)}",
        "target_server_id": (task.target_server.vm_id if task.target_server else None) or None,
    }
