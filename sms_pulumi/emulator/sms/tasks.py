"""``/v3/tasks`` (manual 5.4): create, list, show, update, delete, actions, speed limits,
configuration settings (5.10), passphrase, log upload and consistency results. The run state is
simulated by :mod:`.lifecycle`; this module validates requests the way the manual describes and
links tasks to their source servers and templates.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.common import IdResponse
from sms_pulumi.api.models.config import (
    ConfigItem,
    ConfigSettingQuery,
    ConfigSettingResponse,
    SetConfigSettingRequest,
)
from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest, SpeedLimitRule, SpeedLimitsResponse
from sms_pulumi.api.models.tasks import (
    ConsistencyCheck,
    ConsistencyResult,
    ConsistencyResultResponse,
    CreateTaskRequest,
    ExportConsistencyResultsRequest,
    ListTasksQuery,
    ListTasksResponse,
    PassphraseResponse,
    TaskAction,
    TaskActionRequest,
    TaskDetail,
    TaskSourceServer,
    TaskSummary,
    TaskTargetServer,
    UpdateTaskRequest,
    UploadConsistencyResultRequest,
    UploadLogRequest,
)
from sms_pulumi.emulator.errors import error
from sms_pulumi.emulator.http import (
    delete_batch,
    empty,
    page,
    parse_body,
    query_model,
    render,
    respond,
    stored,
)
from sms_pulumi.emulator.records import Doc, SourceRecord, TaskRecord, TaskSim, TemplateRecord
from sms_pulumi.emulator.sms import lifecycle, views
from sms_pulumi.emulator.sms.layout import init_target_server
from sms_pulumi.emulator.state import Emulator, emulator
from sms_pulumi.emulator.store import Tx

router = APIRouter()

# Shown for a task whose create body left them out (their documented server defaults).
_TASK_DEFAULTS = {"priority": 1, "speed_limit": 0, "start_target_server": True, "use_public_ip": True,
                  "syncing": False, "need_migration_test": False, "enterprise_project_id": "0"}


def _wire(view: Doc, model: type[TaskDetail] | type[TaskSummary]) -> Doc:
    """Project a task view onto the show or list-item shape (embedded objects included)."""
    body = views.documented_only(model, view)
    source = views.documented_only(TaskSourceServer, view["source_server"])
    if model is TaskSummary:
        source.pop("migration_cycle", None)  # list items have no migration_cycle
    body["source_server"] = source
    body["target_server"] = views.documented_only(TaskTargetServer, view.get("target_server") or {})
    return body


def _target_server(tx: Tx, emu: Emulator, spec: Doc, source: SourceRecord, migration_ip: str | None,
                   template: TemplateRecord | None) -> Doc:
    target = dict(spec)
    recommended = {d["name"]: d for d in init_target_server(source)["disks"]}
    registered = {d["name"]: d for d in source.body.get("disks") or []}
    target["id"] = str(uuid.uuid4())
    target.setdefault("vm_id", "")
    if not target.get("name"):
        target["name"] = (template.spec.target_server_name if template else None) or source.body.get("name")
    target.update({"ip": migration_ip, "os_type": source.body.get("os_type"),
                   "os_version": source.body.get("os_version"), "system_dir": source.body.get("system_dir"),
                   "image_disk_id": None, "cutovered_snapshot_ids": None})
    for index, disk in enumerate(target.get("disks", [])):
        # Real clients copy the recommended layout without used_size: take the source's.
        disk.setdefault("used_size", (recommended.get(disk["name"]) or {}).get("used_size", 0))
        disk.setdefault("physical_volumes", [])
        disk.setdefault("device_use", "NORMAL")
        disk["id"] = emu.next_number(tx, "disk")
        disk["disk_index"] = str(index)
        disk["os_disk"] = disk["device_use"] in ("OS", "BOOT") or index == 0
        disk["relation_name"] = None
        disk["partition_style"] = (registered.get(disk["name"]) or {}).get("partition_style", "MBR")
        for volume in disk["physical_volumes"]:
            _new_volume(tx, emu, volume)
    return target


def _new_volume(tx: Tx, emu: Emulator, volume: Doc) -> None:
    volume["id"] = emu.next_number(tx, "volume")
    volume["free_size"] = max(0, int(volume.get("size") or 0) - int(volume.get("used_size") or 0))
    volume["relation_name"] = None


def _check_dirs(source: SourceRecord) -> list[str]:
    mounts = sorted({v["mount_point"] for d in source.body.get("disks") or []
                     for v in d.get("physical_volumes") or [] if v.get("mount_point")})
    letters = sorted({v["name"] for d in source.body.get("disks") or []
                      for v in d.get("physical_volumes") or [] if (v.get("name") or "").endswith(":\\")})
    return mounts or letters or ["/"]


def create_task(tx: Tx, emu: Emulator, body: CreateTaskRequest, now: int) -> str:
    if not body.name.strip():
        raise error("SMS.7711", "the name is empty")
    source = views.require(tx, SourceRecord, body.source_server.id, referenced=True)
    if source.registered_state == "unavailable":
        raise error("SMS.6520", f"source server {source.id} failed its environment check")
    if body.os_type != source.body.get("os_type"):
        raise error("SMS.6610", f"the source runs {source.body.get('os_type')}")
    if source.task_id and views.load_task(tx, source.task_id, now) is not None:
        raise error("SMS.6005", f"source server {source.id} already has task {source.task_id}")
    template = None
    if body.vm_template_id:
        template = views.require(tx, TemplateRecord, body.vm_template_id, referenced=True)
    elif not body.target_server.vm_id:
        raise error("SMS.6032", "give target_server.vm_id or a vm_template_id")
    if not body.target_server.disks:
        raise error("SMS.6033")
    if body.target_server.vm_id:
        for other in views.all_tasks(tx, now):
            if other.settings["target_server"].get("vm_id") == body.target_server.vm_id:
                raise error("SMS.7605", f"task {other.id} uses {body.target_server.vm_id}")
    settings = {**_TASK_DEFAULTS, **stored(body)}
    auto_start = settings.pop("auto_start", None)
    settings.pop("source_server", None)
    settings["target_server"] = _target_server(tx, emu, settings["target_server"], source,
                                               settings.get("migration_ip"), template)
    task_id = str(uuid.uuid4())
    number = emu.next_number(tx, "task")
    task = TaskRecord(
        id=task_id, source_id=source.id, settings=settings, create_date=now,
        sim=TaskSim(since=now, data_bytes=int(source.body.get("totalsize") or 0), id_base=number * 1000,
                    auto_start_at=now + lifecycle.AUTO_START_MS if auto_start else None),
        passphrase=secrets.token_urlsafe(18), check_dirs=_check_dirs(source),
    )
    tx.put(task)
    source.task_id = task_id
    tx.put(source)
    return task_id


@router.post("/v3/tasks")
async def create(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, CreateTaskRequest)
    with emu.store.transaction() as tx:
        task_id = create_task(tx, emu, body, emu.now())
    return respond(IdResponse, {"id": task_id})


@router.get("/v3/tasks")
async def list_tasks(request: Request) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListTasksQuery)
    now = emu.now()
    with emu.store.transaction() as tx:
        found = [t for t in views.all_tasks(tx, now) if _matches(t, q)]
        items = [_wire(views.task_view(tx, t, now), TaskSummary) for t in page(found, q)]
    return respond(ListTasksResponse, {"count": len(found), "tasks": items})


def _matches(task: TaskRecord, q: ListTasksQuery) -> bool:
    wanted = {"state": q.state, "name": q.name, "id": q.id, "source_server_id": q.source_server_id,
              "enterprise_project_id": q.enterprise_project_id}
    actual = {"state": lifecycle.state(task), "name": task.settings.get("name"), "id": task.id,
              "source_server_id": task.source_id,
              "enterprise_project_id": task.settings.get("enterprise_project_id")}
    return all(value is None or actual[key] == value for key, value in wanted.items())


@router.post("/v3/tasks/delete")
async def delete_many(request: Request) -> JSONResponse:
    return await delete_batch(request, lambda tx, key, now: _delete(tx, key, now, referenced=True))


@router.post("/v3/tasks/consistency-results/export")
async def export_consistency(request: Request) -> JSONResponse:
    """5.4.15: the results go to a file the console offers; the call only checks the tasks exist."""
    emu = emulator(request)
    body = await parse_body(request, ExportConsistencyResultsRequest)
    now = emu.now()
    with emu.store.transaction() as tx:
        for item in body.task_info:
            views.require_task(tx, item.task_id, now)  # 404 is documented here
    return empty()


@router.get("/v3/tasks/{task_id}")
async def show(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    with emu.store.transaction() as tx:
        task = views.require_task(tx, task_id, now)
        body = _wire(views.task_view(tx, task, now), TaskDetail)
    return JSONResponse(render(TaskDetail, body))


def _merge_disks(tx: Tx, emu: Emulator, stored_disks: list[Doc], sent: list[Doc]) -> list[Doc]:
    """An update's disks change the stored disks of the same name; [] changes none (the layout stays)."""
    disks = [dict(d) for d in stored_disks]
    by_name = {d.get("name"): d for d in disks}
    for change in sent:
        disk = by_name.get(change.get("name"))
        if disk is None:
            disk = {"id": emu.next_number(tx, "disk"), "physical_volumes": [], **change}
            disks.append(disk)
            by_name[disk.get("name")] = disk
            continue
        volumes = change.pop("physical_volumes", None)
        disk.update({k: v for k, v in change.items() if k != "id"})
        if volumes is not None:
            known = {v.get("name"): v for v in disk.get("physical_volumes") or []}
            for volume in volumes:
                if volume.get("name") in known:
                    known[volume.get("name")].update({k: v for k, v in volume.items() if k != "id"})
                else:
                    _new_volume(tx, emu, volume)
                    disk.setdefault("physical_volumes", []).append(volume)
    return disks


@router.put("/v3/tasks/{task_id}")
async def update(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, UpdateTaskRequest)
    now = emu.now()
    with emu.store.transaction() as tx:
        task = views.require_task(tx, task_id, now)
        settings = task.settings
        if body.name is not None and not body.name.strip():
            raise error("SMS.7711", "the name is empty")
        if body.os_type is not None and body.os_type != settings["os_type"]:
            raise error("SMS.6610", f"the source runs {settings['os_type']}")
        if (body.type or settings["type"]) == "MIGRATE_FILE" and settings["os_type"] == "WINDOWS":
            raise error("SMS.7712", "a WINDOWS task is MIGRATE_BLOCK")
        if body.vm_template_id:
            views.require(tx, TemplateRecord, body.vm_template_id, referenced=True)
        changes = body.model_dump(mode="json", exclude_none=True)
        target = changes.pop("target_server", None)
        project_ = changes.pop("enterprise_project", None)
        if project_ is not None:  # the SDK's name for enterprise_project_id
            changes.setdefault("enterprise_project_id", project_)
        lifecycle.change_rate(task, now, lambda: settings.update(changes))
        if target is not None:
            merged = dict(settings["target_server"])
            disks = target.pop("disks", [])
            merged.update({k: v for k, v in target.items() if k not in ("id", "vm_id") or v})
            merged["disks"] = _merge_disks(tx, emu, merged.get("disks") or [], disks)
            settings["target_server"] = merged
        tx.put(task)
    return respond(IdResponse, {"id": task_id})


def _delete(tx: Tx, task_id: str, now: int, *, referenced: bool = False) -> None:
    task = views.require_task(tx, task_id, now, referenced=referenced)
    lifecycle.check_deletable(task)
    views.forget_task(tx, task)


@router.delete("/v3/tasks/{task_id}")
async def delete_one(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        _delete(tx, task_id, emu.now())
    return empty()


def _read(request: Request, task_id: str) -> TaskRecord:
    """The task as of now (404 SMS.7703 when there is none)."""
    emu = emulator(request)
    with emu.store.transaction() as tx:
        return views.require_task(tx, task_id, emu.now())


def _change(request: Request, task_id: str, apply: Callable[[Tx, TaskRecord, int], None]) -> JSONResponse:
    """``apply`` a change to the task as of now, in one transaction; answers ``{}``."""
    emu = emulator(request)
    now = emu.now()
    with emu.store.transaction() as tx:
        task = views.require_task(tx, task_id, now)
        apply(tx, task, now)
        tx.put(task)
    return empty()


@router.post("/v3/tasks/{task_id}/action")
async def action(request: Request, task_id: str) -> JSONResponse:
    body = await parse_body(request, TaskActionRequest)
    return _change(request, task_id, lambda tx, task, now: _apply(tx, task, body, now))


def _apply(tx: Tx, task: TaskRecord, body: TaskActionRequest, now: int) -> None:
    op = body.operation
    if body.is_need_consistency_check:
        task.settings["is_need_consistency_check"] = True
    if op == TaskAction.START:
        source = tx.get(SourceRecord, task.source_id)
        if source is not None and source.registered_state == "unavailable":
            raise error("SMS.6520")
        lifecycle.start(task, now)
    elif op in (TaskAction.STOP, TaskAction.ERROR_FOR_OVERSPEED):
        lifecycle.stop(task, now)
    elif op in (TaskAction.TEST, TaskAction.CUTOVER):
        lifecycle.cutover(task, now)
    elif op == TaskAction.RESTART:
        lifecycle.restart(task, now)
    elif op == TaskAction.CLONE_TEST:
        if not body.template_id:
            raise error("SMS.6013", "clone_test needs a template_id")
        template = views.require(tx, TemplateRecord, body.template_id, referenced=True)
        name = template.spec.target_server_name or f"{task.settings['name']}-clone"
        lifecycle.clone_test(task, now, template.id, name)
    elif op == TaskAction.MIGRATION_TEST:
        lifecycle.migration_test(task, now)
    elif op == TaskAction.CLEAR:
        lifecycle.clear(task, now)
    elif op == TaskAction.SKIP:
        lifecycle.skip(task, now)
    elif op == TaskAction.NETWORK_CHECK:
        lifecycle.network_check(task, now)


# --- passphrase (5.4.11), logs (5.4.12), consistency results (5.4.13, 5.4.14) -----------------------


@router.get("/v3/tasks/{task_id}/passphrase")
async def passphrase(request: Request, task_id: str) -> JSONResponse:
    task = _read(request, task_id)
    lifecycle.check_passphrase(task)
    return respond(PassphraseResponse, {"task_id": task_id, "passphrase": task.passphrase})


@router.post("/v3/tasks/{task_id}/log")
async def upload_log(request: Request, task_id: str) -> JSONResponse:
    body = await parse_body(request, UploadLogRequest)

    def apply(tx: Tx, task: TaskRecord, now: int) -> None:
        source = tx.get(SourceRecord, task.source_id)
        agent = source.body.get("agent_version") if source is not None else None
        lifecycle.begin_log_upload(task, now, body.log_bucket, agent)

    return _change(request, task_id, apply)


@router.get("/v3/tasks/{task_id}/consistency-result")
async def consistency_result(request: Request, task_id: str) -> JSONResponse:
    task = _read(request, task_id)
    return respond(ConsistencyResultResponse, {
        "task_id": task_id, "result_list": [c.model_dump(mode="json") for c in task.consistency]})


@router.post("/v3/tasks/{task_id}/consistency-result")
async def report_consistency(request: Request, task_id: str) -> JSONResponse:
    """5.4.14: what the Agent uploads after a check it ran itself."""
    body = await parse_body(request, UploadConsistencyResultRequest)
    results = [ConsistencyResult.model_validate(r.model_dump()) for r in body.consistency_result or []]
    differs = any(r.num_different_files or r.num_target_miss_files or r.num_target_more_files
                  for r in results)

    def apply(tx: Tx, task: TaskRecord, now: int) -> None:
        task.consistency.append(ConsistencyCheck(finished_time=now, check_result="failed" if differs
                                                 else "success", consistency_result=results))

    return _change(request, task_id, apply)


# --- speed limits (manual 5.4.9 / 5.4.10) ---------------------------------------------------------


@router.get("/v3/tasks/{task_id}/speed-limit")
async def get_speed_limits(request: Request, task_id: str) -> JSONResponse:
    rules = [r.model_dump(mode="json") for r in _read(request, task_id).speed_limits]
    return respond(SpeedLimitsResponse, {"speed_limit": rules})


@router.post("/v3/tasks/{task_id}/speed-limit")
async def set_speed_limits(request: Request, task_id: str) -> JSONResponse:
    body = await parse_body(request, SetSpeedLimitsRequest)
    rules = [SpeedLimitRule.model_validate(r.to_wire()) for r in body.speed_limit]
    return _change(request, task_id, lambda tx, task, now: lifecycle.change_rate(
        task, now, lambda: setattr(task, "speed_limits", rules)))


# --- configuration settings (manual 5.10.1 / 5.10.2): 404 is documented here --------------------


@router.post("/v3/tasks/{task_id}/configuration-setting")
async def set_configuration(request: Request, task_id: str) -> JSONResponse:
    body = await parse_body(request, SetConfigSettingRequest)

    def apply(tx: Tx, task: TaskRecord, now: int) -> None:
        current = {c.config_key: c for c in task.configurations}
        for item in body.configurations:
            current[item.config_key] = ConfigItem.model_validate(item.to_wire())
        task.configurations = list(current.values())

    return _change(request, task_id, apply)


@router.get("/v3/tasks/{task_id}/configuration-setting")
async def get_configuration(request: Request, task_id: str) -> JSONResponse:
    q = query_model(request, ConfigSettingQuery)
    task = _read(request, task_id)
    items = [c.model_dump(mode="json") for c in task.configurations if q.config_key in (None, c.config_key)]
    return respond(ConfigSettingResponse, {"task_id": task_id,
                                           "migrate_type": f"{lifecycle.block_kind(task)}_MIGRATE",
                                           "configurations": items})
