"""``/v3/tasks`` (manual 5.4): create, list, show, update, delete, actions, speed limits and
configuration settings. The run state is simulated by :mod:`.lifecycle`; this module validates
requests the way the manual describes and links tasks to their source servers and templates.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.common import BatchDeleteRequest, IdResponse
from sms_pulumi.api.models.config import ConfigSettingQuery, ConfigSettingResponse, SetConfigSettingRequest
from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest, SpeedLimitsResponse
from sms_pulumi.api.models.tasks import (
    CreateTaskRequest,
    ListTasksQuery,
    ListTasksResponse,
    TaskAction,
    TaskActionRequest,
    TaskDetail,
    TaskSourceServer,
    TaskSummary,
    TaskTargetServer,
    UpdateTaskRequest,
)
from sms_pulumi.emulator.errors import sms_error
from sms_pulumi.emulator.http import empty, parse_body, query_model, render, respond, stored
from sms_pulumi.emulator.sms import lifecycle, views
from sms_pulumi.emulator.sms.templates import require_template
from sms_pulumi.emulator.state import Emulator, emulator
from sms_pulumi.emulator.store import Doc, Tx

router = APIRouter()


def _wire(task_view: Doc, model: type[TaskDetail] | type[TaskSummary]) -> Doc:
    """Project a task view onto the show or list-item shape (embedded objects included)."""
    body = views.project(model, task_view)
    source = views.project(TaskSourceServer, task_view["source_server"])
    if model is TaskSummary:
        source.pop("migration_cycle", None)  # list items have no migration_cycle
        body["special_config"] = task_view.get("_configurations", [])
    body["source_server"] = source
    body["target_server"] = views.project(TaskTargetServer, task_view.get("target_server") or {})
    return body


def _target_server(tx: Tx, emu: Emulator, spec: dict[str, Any], source: Doc, migration_ip: str | None) -> Doc:
    target = dict(spec)
    target["id"] = str(uuid.uuid4())
    target.setdefault("vm_id", "")
    target["ip"] = migration_ip
    target["os_type"] = source.get("os_type")
    target["os_version"] = source.get("os_version")
    target["system_dir"] = source.get("system_dir")
    target["image_disk_id"] = None
    target["cutovered_snapshot_ids"] = None
    for index, disk in enumerate(target.get("disks", [])):
        disk["id"] = emu.next_number(tx, "disk")
        disk.setdefault("device_use", "NORMAL")
        disk["disk_index"] = str(index)
        disk["os_disk"] = disk["device_use"] in ("OS", "BOOT") or index == 0
        disk["relation_name"] = None
        src_disk = next((d for d in source.get("disks", []) if d.get("name") == disk.get("name")), None)
        disk["partition_style"] = (src_disk or {}).get("partition_style", "MBR")
        for volume in disk.get("physical_volumes", []):
            volume["id"] = emu.next_number(tx, "volume")
            volume["free_size"] = max(0, int(volume.get("size") or 0) - int(volume.get("used_size") or 0))
            volume["relation_name"] = None
    return target


def create_task(tx: Tx, emu: Emulator, body: CreateTaskRequest, now: int) -> str:
    if not body.name.strip():
        raise sms_error("SMS.7711", "the name is empty")
    source = views.require_source(tx, body.source_server.id)
    if source.get("_registered_state") == "unavailable":
        raise sms_error("SMS.6520", f"source server {source['id']} failed its environment check")
    if body.os_type != source.get("os_type"):
        raise sms_error("SMS.6610", f"the source runs {source.get('os_type')}")
    if source.get("_task_id") and views.load_task(tx, source["_task_id"], now) is not None:
        raise sms_error("SMS.6005", f"source server {source['id']} already has task {source['_task_id']}")
    if body.vm_template_id:
        require_template(tx, body.vm_template_id)
    elif not body.target_server.vm_id:
        raise sms_error("SMS.6032", "give target_server.vm_id or a vm_template_id")
    if not body.target_server.disks:
        raise sms_error("SMS.6033")
    if body.target_server.vm_id:
        for other in views.all_tasks(tx, now):
            if other["target_server"].get("vm_id") == body.target_server.vm_id:
                raise sms_error("SMS.7605", f"task {other['id']} uses {body.target_server.vm_id}")
    data = stored(body)
    task_id = str(uuid.uuid4())
    number = emu.next_number(tx, "task")
    doc: Doc = {
        **data,
        "id": task_id,
        "priority": data.get("priority", 1),
        "speed_limit": data.get("speed_limit", 0),
        "start_target_server": data.get("start_target_server", True),
        "syncing": bool(data.get("syncing", False)),
        "create_date": now,
        "start_date": None,
        "finish_date": None,
        "error_json": "",
        "float_ip": None,
        "log_collect_status": "INIT",
        "enterprise_project_id": "0",
        "target_snapshot_id": None,
        "clone_server": None,
        "network_check_info": None,
        "need_migration_test": bool(data.get("need_migration_test", False)),
        "sub_tasks": [],
        "source_server": {"id": source["id"]},
        "target_server": _target_server(tx, emu, data["target_server"], source, data.get("migration_ip")),
        "_sim": lifecycle.new_sim(int(source.get("totalsize") or 0), now, number * 1000),
        "_speed_limits": [],
        "_configurations": [],
    }
    doc.pop("auto_start", None)
    lifecycle.advance(doc, now)
    if body.auto_start:
        lifecycle.start(doc, now)
    tx.put("tasks", task_id, doc)
    source["_task_id"] = task_id
    tx.put("sources", source["id"], source)
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
        docs = views.all_tasks(tx, now)
        filters: dict[str, Any] = {"state": q.state, "name": q.name, "id": q.id,
                                   "enterprise_project_id": q.enterprise_project_id}
        for key, value in filters.items():
            if value is not None:
                docs = [d for d in docs if d.get(key) == value]
        if q.source_server_id is not None:
            docs = [d for d in docs if d["source_server"]["id"] == q.source_server_id]
        limit, offset = q.limit or 100, q.offset or 0
        page = []
        for doc in docs[offset:offset + limit]:
            view = views.task_view(tx, doc, now)
            view["_configurations"] = doc.get("_configurations", [])
            page.append(_wire(view, TaskSummary))
    return respond(ListTasksResponse, {"count": len(docs), "tasks": page})


@router.post("/v3/tasks/delete")
async def delete_many(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, BatchDeleteRequest)
    now = emu.now()
    with emu.store.transaction() as tx:  # all or nothing
        for task_id in body.ids:
            _delete(tx, task_id, now)
    return empty()


@router.get("/v3/tasks/{task_id}")
async def show(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    with emu.store.transaction() as tx:
        doc = views.require_task(tx, task_id, now)
        body = _wire(views.task_view(tx, doc, now), TaskDetail)
    return JSONResponse(render(TaskDetail, body))


@router.put("/v3/tasks/{task_id}")
async def update(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, UpdateTaskRequest)
    now = emu.now()
    with emu.store.transaction() as tx:
        doc = views.require_task(tx, task_id, now)
        if doc["state"] == "DELETING":
            raise sms_error("SMS.7706", "the task is being deleted")
        if body.name is not None and not body.name.strip():
            raise sms_error("SMS.7711", "the name is empty")
        if body.os_type is not None and body.os_type != doc["os_type"]:
            raise sms_error("SMS.6610", f"the source runs {doc['os_type']}")
        if body.vm_template_id:
            require_template(tx, body.vm_template_id)
        changes = body.model_dump(mode="json", exclude_none=True)
        target = changes.pop("target_server", None)
        changes.pop("enterprise_project", None)
        doc.update(changes)
        if target is not None:
            merged = dict(doc["target_server"])
            merged.update({k: v for k, v in target.items() if k not in ("id", "vm_id") or v})
            doc["target_server"] = merged
        tx.put("tasks", task_id, doc)
    return respond(IdResponse, {"id": task_id})


def _delete(tx: Tx, task_id: str, now: int) -> None:
    doc = views.require_task(tx, task_id, now)
    lifecycle.begin_delete(doc, now)
    tx.put("tasks", task_id, doc)


@router.delete("/v3/tasks/{task_id}")
async def delete_one(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        _delete(tx, task_id, emu.now())
    return empty()


@router.post("/v3/tasks/{task_id}/action")
async def action(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, TaskActionRequest)
    now = emu.now()
    with emu.store.transaction() as tx:
        doc = views.require_task(tx, task_id, now)
        _apply(tx, doc, body, now)
        tx.put("tasks", task_id, doc)
    return empty()


def _apply(tx: Tx, doc: Doc, body: TaskActionRequest, now: int) -> None:
    op = body.operation
    if op == TaskAction.START:
        source = tx.get("sources", doc["source_server"]["id"])
        if source is not None and source.get("_registered_state") == "unavailable":
            raise sms_error("SMS.6520")
        lifecycle.start(doc, now)
    elif op in (TaskAction.STOP, TaskAction.ERROR_FOR_OVERSPEED):
        lifecycle.stop(doc, now)
    elif op in (TaskAction.TEST, TaskAction.CUTOVER):
        lifecycle.cutover(doc, now)
    elif op == TaskAction.RESTART:
        lifecycle.restart(doc, now)
    elif op == TaskAction.CLONE_TEST:
        if lifecycle.mode(doc) != "syncing":
            raise sms_error("SMS.7721", f"the task is {doc['state']}")
        if not body.template_id:
            raise sms_error("SMS.6013", "clone_test needs a template_id")
        template = require_template(tx, body.template_id)
        doc["clone_server"] = {"vm_id": str(uuid.uuid5(lifecycle.TASK_NS, doc["id"] + "/clone")),
                               "name": template.get("target_server_name") or f"{doc['name']}-clone",
                               "clone_error": None, "clone_state": "FINISHED", "error_msg": None}
    elif lifecycle.mode(doc) == "deleting":
        raise sms_error("SMS.6005", "the task is being deleted")
    elif op == TaskAction.NETWORK_CHECK:
        doc["network_check_info"] = {"domain_connectivity": True, "destination_connectivity": True,
                                     "network_delay": 12.5, "network_jitter": 1.2, "migration_speed": 940.0,
                                     "loss_percentage": 0.0, "cpu_usage": 18.0, "mem_usage": 42.0,
                                     "evaluation_result": "GOOD"}
    # clear, skip, migration_test: accepted and without visible effect (AMBIGUITIES.md).


# --- speed limits (manual 5.4.9 / 5.4.10) ---------------------------------------------------------


@router.get("/v3/tasks/{task_id}/speed-limit")
async def get_speed_limits(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        doc = views.require_task(tx, task_id, emu.now())
    return respond(SpeedLimitsResponse, {"speed_limit": doc.get("_speed_limits", [])})


@router.post("/v3/tasks/{task_id}/speed-limit")
async def set_speed_limits(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, SetSpeedLimitsRequest)
    now = emu.now()
    with emu.store.transaction() as tx:
        doc = views.require_task(tx, task_id, now)
        doc["_speed_limits"] = body.model_dump(mode="json", exclude_none=True)["speed_limit"]
        tx.put("tasks", task_id, doc)
    return empty()


# --- configuration settings (manual 5.10.1 / 5.10.2): 404 is documented here --------------------


@router.post("/v3/tasks/{task_id}/configuration-setting")
async def set_configuration(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, SetConfigSettingRequest)
    now = emu.now()
    with emu.store.transaction() as tx:
        doc = views.require_task(tx, task_id, now, status=404)
        current = {c["config_key"]: c for c in doc.get("_configurations", [])}
        for item in body.model_dump(mode="json", exclude_none=True)["configurations"]:
            current[item["config_key"]] = {"config_status": None, **item}
        doc["_configurations"] = list(current.values())
        tx.put("tasks", task_id, doc)
    return empty()


@router.get("/v3/tasks/{task_id}/configuration-setting")
async def get_configuration(request: Request, task_id: str) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ConfigSettingQuery)
    with emu.store.transaction() as tx:
        doc = views.require_task(tx, task_id, emu.now(), status=404)
    items = [c for c in doc.get("_configurations", []) if q.config_key in (None, c["config_key"])]
    return respond(ConfigSettingResponse, {"task_id": task_id,
                                           "migrate_type": f"{lifecycle.block_kind(doc)}_MIGRATE",
                                           "configurations": items})
