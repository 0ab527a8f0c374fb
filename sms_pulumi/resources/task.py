"""Task: `/v3/tasks` (manual 5.4), the migration of one source server.

Schema: the wire model `CreateTaskRequest` (sms_pulumi.api.models.tasks); inputs carry the wire names,
except `source_server_id` (the wire's `source_server.id`). Region and project default to the
provider's settings (`huaweicloud:region`/`projectId`, or HW_REGION_NAME/HW_PROJECT_ID); the target
disks default to the layout SMS recommends for the source (`init_target_server` of
`GET /v3/sources/{id}`).

What changes in place: what `PUT /v3/tasks/{id}` takes (name, priority, speed limit, migration IP,
target server, template, region/project, ...), and the special settings (`configurations`, sent
with their own request after the create: sms_pulumi.resources.task_configurations). What the API
cannot change (the source server, sync mode, checks chosen at creation) replaces the task.

A task does not say whether it runs: its wave does (sms_pulumi.resources.wave), for all its tasks at
once. So create and update return as soon as SMS has the task, and a wave of a hundred servers does
not wait for each one in turn. Read (`pulumi refresh`) answers from one list of all tasks shared by
the reads of the refresh (sms_pulumi.resources.task_index): fields a list item does not carry (region,
project, template, the target's disks) keep their stored values.

Delete never strands a running migration: a running task is paused (ABORT) first, then deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from sms_pulumi.api.errors import ApiError, ConfigurationError, NotFoundError
from sms_pulumi.api.models.common import field_path, fit_to
from sms_pulumi.api.models.config import SetConfigSettingRequest
from sms_pulumi.api.models.sources import PhysicalVolumeSpec, VolumeGroupSpec
from sms_pulumi.api.models.tasks import (
    CreateTaskRequest,
    TargetDiskSpec,
    TargetServerUpdate,
    TaskAction,
    TaskDetail,
    TaskState,
    TaskSummary,
    UpdateTaskRequest,
)
from sms_pulumi.resources import task_configurations, task_index
from sms_pulumi.resources._provider import (
    BaseProvider,
    as_written,
    changed_fields,
    create_once,
    is_unknown,
    merge,
    read_result,
    say,
    validation_failures,
)
from sms_pulumi.resources.clients import settings, sms_client
from sms_pulumi.resources.errors import GoneError, InputError
from sms_pulumi.resources.inputs import (
    CREATE_ONLY,
    FROM_SETTINGS,
    NOT_SENT,
    REPLACES,
    Normalise,
    OwnRequest,
    SmsResource,
    plain,
)
from sms_pulumi.resources.task_lifecycle import ACTIVE, refused_in_state
from sms_pulumi.resources.types import TASK, module_and_name
from sms_pulumi.resources.waiters import StateWaiter

#: Whether this SDK's ReadResult takes inputs (3.2xx; not 3.139): the preview can then name drift.



def _in_place() -> list[str]:
    """What PUT /v3/tasks/{id} changes in place, as the API names it (the target server aside)."""
    return [f.name for f in TaskProvider.FIELDS
            if f.sent and f.own_request is None and not f.replace and f.name != "target_server"]


def _at_creation() -> list[str]:
    """What only a create sets (a change replaces the task), the source server aside."""
    return [f.name for f in TaskProvider.FIELDS
            if f.sent and f.own_request is None and f.replace and f.name != "source_server_id"]


def _from_settings() -> list[str]:
    return [f.name for f in TaskProvider.FIELDS if f.from_settings]


class TaskProvider(BaseProvider):
    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        failures = []
        name = news.get("name")
        if isinstance(name, str) and not name.strip():
            # The wire model allows 0-255 characters, but SMS refuses an empty task name (SMS.7711).
            failures.append(CheckFailure("name", "a task needs a name"))
        timeout = news.get("wait_timeout")
        if timeout is not None and not is_unknown(timeout) and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
        ):
            failures.append(CheckFailure("wait_timeout", "must be a positive number of seconds"))
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
        if news.get("project_id") is None and not _provider_project_id():
            failures.append(CheckFailure("project_id", _NO_PROJECT_ID))
        for key in _from_settings():
            body.setdefault(key, "from-settings")
        failures += [
            f if not f.property.startswith("source_server") else CheckFailure("source_server_id", f.reason)
            for f in validation_failures(CreateTaskRequest, body)
        ]
        # What changes in place is sent again with PUT, whose rules can be narrower (priority 0-2).
        named = {f.property for f in failures}
        in_place = {k: body[k] for k in _in_place() if k in body}
        failures += [f for f in validation_failures(UpdateTaskRequest, in_place) if f.property not in named]
        failures += [CheckFailure(field_path(("configurations", *at)), reason)
                     for at, reason in task_configurations.problems(news.get("configurations"))]
        return failures

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = sms_client()
        task_id = props.get("adopt_id")
        if task_id:
            _adopt(task_id, props)
        else:
            request = CreateTaskRequest.model_validate(_create_body(props, fill=True))
            source_id = request.source_server.id
            # What an interrupted earlier run left: one list for all the creates of this process.
            on_source = [t for t in task_index.before_this_run().values()
                         if t.source_server and t.source_server.id == source_id]
            ours = [t for t in on_source if t.name == request.name and t.state != TaskState.DELETING]
            others = [t for t in on_source if t.name != request.name and t.state != TaskState.DELETING]
            if others:
                raise InputError(
                    f"source {source_id} already has task {others[0].name!r} "
                    f"({others[0].id}); SMS migrates a server with one task at a time: delete it, or "
                    "adopt it with adopt_id", field="source_server_id"
                )
            if ours and ours[0].id:
                # An earlier `pulumi up` created it and then failed (a wait, a lost answer): Pulumi
                # recorded nothing, so find it again instead of failing on SMS.6005.
                task_id = str(ours[0].id)
                say(f"task {request.name}: found task {task_id} of an earlier attempt; using it")
                _put(task_id, props, client.show_task(task_id))
            else:
                task_id = create_once(
                    f"task {request.name!r}",
                    lambda: client.create_task(request),
                    lambda: [t for t in client.find_tasks_by_source(source_id) if t.name == request.name],
                )
        # Should this fail, the next `pulumi up` finds the task again (above) and sends them again.
        task_configurations.apply(task_id, props.get("configurations"))
        task_index.forget()
        return CreateResult(task_id, _outputs(props, client.show_task(task_id)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = task_index.snapshot().get(id_)
        if live is None or live.state == TaskState.DELETING:
            return ReadResult(None, {})
        return read_result(id_, _outputs(props, live), self.FIELDS)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        client = sms_client()
        changed = {f.name for f in changed_fields(self.FIELDS, olds, news)}
        try:
            live = client.show_task(id_)
            if changed & {*_in_place(), "target_server"}:
                _put(id_, news, live)
                task_index.forget()
                live = client.show_task(id_)
            if "configurations" in changed:
                task_configurations.apply(id_, news.get("configurations"), olds.get("configurations"))
                task_index.forget()
        except NotFoundError:
            raise GoneError(
                f"task {news.get('name')!r} ({id_}) was deleted outside Pulumi: run `pulumi refresh` (it "
                "drops the task from the state), then `pulumi up` creates it again"
            ) from None
        return UpdateResult(_outputs(news, live))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = sms_client()
        timeout = props.get("wait_timeout")
        try:
            live: TaskDetail | None = client.show_task(id_)
        except NotFoundError:
            return
        name = (live.name if live else None) or id_
        if live is not None and live.state in ACTIVE:
            say(f"task {name}: pausing the migration ({live.state}) before deleting it")
            _act(id_, name, TaskAction.STOP)
        if live is not None and live.state in {*ACTIVE, TaskState.ABORTING}:
            live = _waiter(id_, f"task {name} to pause", pending={*ACTIVE, TaskState.ABORTING},
                           target={None, *TaskState} - {*ACTIVE, TaskState.ABORTING}).wait(timeout)
        if live is None:
            return
        if live.state != TaskState.DELETING:
            try:
                client.delete_task(id_)
            except NotFoundError:
                return
        task_index.forget()
        _waiter(id_, f"task {name} to be deleted", pending={TaskState.DELETING}, target={None}).wait(timeout)


_NO_PROJECT_ID = ("not given, and the provider has no project ID: set it with `pulumi config set "
                  "huaweicloud:projectId <id>` (or HW_PROJECT_ID)")


def _provider_project_id() -> str | None:
    try:
        return settings().project_id
    except ConfigurationError:
        return "unknown"  # no settings at all: the first API call says what is missing


def _adopt(task_id: str, props: Mapping[str, Any]) -> None:
    client = sms_client()
    try:
        live = client.show_task(task_id)
    except NotFoundError:
        raise InputError(f"there is no task {task_id!r} to adopt", field="adopt_id") from None
    source = live.source_server.id if live.source_server else None
    if source and props.get("source_server_id") and source != props["source_server_id"]:
        raise InputError(
            f"task {live.name!r} ({task_id}) migrates source {source}, not "
            f"source_server_id {props['source_server_id']}", field="adopt_id"
        )
    _put(task_id, props, live)


def _create_body(props: Mapping[str, Any], *, fill: bool) -> dict[str, Any]:
    """The POST /v3/tasks body from the inputs; with `fill`, defaults from settings and the source."""
    body = {k: plain(props[k]) for k in (*_in_place(), *_at_creation()) if props.get(k) is not None}
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
            raise InputError(_NO_PROJECT_ID, field="project_id")
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
        raise InputError(
            f"source {source_id} reports no recommended target layout "
            "(init_target_server); give the disks explicitly", field="target_server.disks"
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
    body = {k: plain(props[k]) for k in _in_place() if props.get(k) is not None}
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
        if not refused_in_state(action, exc.error_code):
            raise
        say(f"task {name}: {action} refused, the task moved on meanwhile ({exc.error_code})")
    task_index.forget()


def task_or_none(task_id: str) -> TaskDetail | None:
    """The task's status function: the task as SMS shows it now, None once it is gone."""
    try:
        return sms_client().show_task(task_id)
    except NotFoundError:
        return None


def _waiter(task_id: str, what: str, *, pending: set[str | None], target: set[str | None]
            ) -> StateWaiter[TaskDetail]:
    return StateWaiter(what, lambda: task_or_none(task_id), lambda t: t.state if t else None,
                       pending=frozenset(pending), target=frozenset(target))


def _outputs(props: Mapping[str, Any], live: TaskDetail | TaskSummary) -> dict[str, Any]:
    """Inputs as SMS reports them now (drift shows here); fields SMS does not report as asked.

    `live` is the show answer (create, update) or a list item (read), which carries fewer fields:
    what it lacks keeps the value of `props`.
    """
    outs = {f.name: props.get(f.name) for f in TaskProvider.FIELDS if f.replace or not f.sent}
    for key in _in_place():
        if props.get(key) is None and key not in _from_settings():
            outs[key] = None
            continue
        # A field SMS does not report back cannot drift: keep what was asked.
        value = getattr(live, key, None)
        outs[key] = plain(props.get(key)) if value is None else value
    outs["source_server_id"] = live.source_server.id if live.source_server else props.get("source_server_id")
    # Only a list item carries the settings (special_config); the show answer has none to compare.
    outs["configurations"] = task_configurations.read_back(
        props.get("configurations"), live.special_config if isinstance(live, TaskSummary) else None)
    target = plain(props.get("target_server"))
    live_target = live.target_server.model_dump(mode="json", exclude_none=True) if live.target_server else {}
    if isinstance(target, dict):
        # Only what the user wrote is compared; what the answer lacks (a list item has no disks) stays.
        seen = as_written(live_target, target)
        outs["target_server"] = {k: target[k] if seen.get(k) is None else seen[k] for k in target}
    else:
        outs["target_server"] = target
    return outs


class Task(SmsResource, provider=TaskProvider, **module_and_name(TASK)):
    """A migration task for one source server; its wave (``Wave``) says whether it runs."""

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        type: pulumi.Input[str],  # noqa: A002 - the API's field name
        os_type: pulumi.Input[str],
        source_server_id: Annotated[pulumi.Input[str], REPLACES],
        target_server: pulumi.Input[dict[str, Any]],
        vm_template_id: pulumi.Input[str] | None = None,
        migration_ip: pulumi.Input[str] | None = None,
        region_name: Annotated[pulumi.Input[str] | None, FROM_SETTINGS] = None,
        region_id: Annotated[pulumi.Input[str] | None, FROM_SETTINGS] = None,
        project_name: Annotated[pulumi.Input[str] | None, FROM_SETTINGS] = None,
        project_id: Annotated[pulumi.Input[str] | None, FROM_SETTINGS] = None,
        priority: pulumi.Input[int] | None = None,
        use_public_ip: pulumi.Input[bool] | None = None,
        exist_server: pulumi.Input[bool] | None = None,
        start_target_server: pulumi.Input[bool] | None = None,
        syncing: Annotated[pulumi.Input[bool] | None, REPLACES] = None,
        speed_limit: pulumi.Input[int] | None = None,
        over_speed_threshold: Annotated[pulumi.Input[float] | None, REPLACES] = None,
        use_ipv6: Annotated[pulumi.Input[bool] | None, REPLACES] = None,
        start_network_check: Annotated[pulumi.Input[bool] | None, REPLACES] = None,
        is_need_consistency_check: Annotated[pulumi.Input[bool] | None, REPLACES] = None,
        need_migration_test: Annotated[pulumi.Input[bool] | None, REPLACES] = None,
        auto_install_pvdriver: Annotated[pulumi.Input[bool] | None, REPLACES] = None,
        configurations: Annotated[
            pulumi.Input[Mapping[str, pulumi.Input[str | Sequence[str]]]] | None,
            OwnRequest(SetConfigSettingRequest), Normalise(task_configurations.joined),
        ] = None,
        wait_timeout: Annotated[pulumi.Input[float] | None, NOT_SENT] = None,
        adopt_id: Annotated[pulumi.Input[str] | None, CREATE_ONLY, NOT_SENT] = None,
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
        :param configurations: Special settings (manual 5.10), setting -> value, e.g.
            ``{"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "50"}``: strings, a list
            is joined with commas. Only the keys given are managed; a key taken out is cleared.
        :param wait_timeout: Bound of the waits of a delete (pause, then gone), seconds
            (default: HW_WAIT_TIMEOUT or 1800). The run state is the wave's (``Wave``).
        :param adopt_id: ID of an existing task to bring under management instead of creating one.
        """
        self._declare(resource_name, locals(), opts)
