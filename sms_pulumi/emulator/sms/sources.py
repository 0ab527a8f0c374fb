"""``/v3/sources`` (manual 5.3): register (what the Agent does), list, show, overview, update, delete.

Registration computes what SMS would: the environment checks, the state (``unavailable`` when a
check fails, else ``waiting``), the recommended target layout ``init_target_server`` (a disk per
source disk, same size, partitions copied), the default migration project. See AMBIGUITIES.md.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.common import BatchDeleteRequest, IdResponse
from sms_pulumi.api.models.sources import (
    ListSourceServersQuery,
    ListSourceServersResponse,
    RegisterSourceServerRequest,
    SourceOverviewResponse,
    SourceServerDetail,
    SourceServerSummary,
    SourceTask,
    TargetServerRef,
    UpdateSourceServerRequest,
)
from sms_pulumi.emulator.errors import sms_error
from sms_pulumi.emulator.http import empty, parse_body, query_model, render, respond, stored
from sms_pulumi.emulator.sms import views
from sms_pulumi.emulator.state import Emulator, emulator
from sms_pulumi.emulator.store import Doc, Tx

router = APIRouter()

MAX_SOURCES = 1000
DEFAULT_PROJECT_KEY = "default_migproject"
# Sources in these task states cannot be deleted (SMS.7601 "a migration task is running on it").
BUSY_TASK_STATES = {"RUNNING", "SYNCING", "ABORTING", "DELETING"}


def register(tx: Tx, emu: Emulator, body: RegisterSourceServerRequest, now: int) -> str:
    """Create (or, with a known ``id``, re-report) a source server; returns its ID."""
    for required in ("ip", "hostname", "os_type", "os_version"):
        if getattr(body, required) is None:
            raise sms_error("SMS.6013", f"{required} is required when registering")
    data = stored(body)
    existing = tx.get("sources", body.id) if body.id else None
    if existing is None and tx.count("sources") >= MAX_SOURCES:
        raise sms_error("SMS.6501")
    source_id = existing["id"] if existing else (body.id or str(uuid.uuid4()))
    doc: Doc = dict(existing or {})
    doc.update(data)
    doc.pop("state", None)
    doc.pop("migration_cycle", None)
    doc["id"] = source_id
    doc.setdefault("name", body.hostname)
    doc.setdefault("add_date", now)
    doc.setdefault("enterprise_project_id", "0")
    doc["connected"] = True
    doc["last_visit_time"] = now
    doc["stage_action_time"] = now
    doc["state_action_time"] = now
    doc["oem_system"] = bool(data.get("oem_system", False))
    checks, ok = _checks(data)
    doc["checks"] = checks
    doc["_registered_state"] = "waiting" if ok else "unavailable"
    doc["totalsize"] = sum(int(d.get("used_size", 0)) for d in data.get("disks", []))
    doc["init_target_server"] = init_target_server(data)
    doc.setdefault("_migproject", tx.meta_get(DEFAULT_PROJECT_KEY))
    doc.setdefault("_task_id", None)
    tx.put("sources", source_id, doc)
    return source_id


def _checks(data: dict[str, Any]) -> tuple[list[Doc], bool]:
    """The environment checks SMS runs after registration (names from the manual's examples)."""
    linux = data.get("os_type") == "LINUX"
    items: list[tuple[str, bool]] = [("OS_VERSION", True), ("FIRMWARE", True), ("CPU", True),
                                     ("MEMORY", True)]
    if linux:
        items.append(("FILE_SYSTEM", data.get("has_rsync", True) is not False))
    else:
        items.append(("ACCOUNT_RIGHTS", data.get("account_rights", True) is not False))
        items.append(("DRIVER_FILE", data.get("driver_files", False) is not True))
    checks = [{"id": i + 1, "params": [""], "name": name, "result": "OK" if ok else "ERROR",
               "error_code": None if ok else "SMS.6520", "error_or_warn": None, "error_params": ""}
              for i, (name, ok) in enumerate(items)]
    return checks, all(ok for _, ok in items)


def init_target_server(data: dict[str, Any]) -> Doc:
    """Recommended target: one disk per source disk, same size; the system disk is "OS"."""
    disks = []
    for index, disk in enumerate(data.get("disks", [])):
        volumes = disk.get("physical_volumes", [])
        is_system = disk.get("os_disk") or any(v.get("device_use") == "OS" for v in volumes) or (
            index == 0 and disk.get("device_use") == "BOOT")
        disks.append({
            "name": disk["name"], "size": disk["size"], "used_size": disk["used_size"],
            "device_use": "OS" if is_system else "NORMAL",
            "physical_volumes": [
                {k: v.get(k) for k in ("device_use", "file_system", "index", "mount_point", "name", "size",
                                       "used_size", "uuid") if v.get(k) is not None}
                for v in volumes
            ],
        })
    return {"disks": disks, "volume_groups": list(data.get("volume_groups", []))}


def _source_body(tx: Tx, doc: Doc, now: int) -> Doc:
    view = views.source_view(tx, doc, now)
    task = view.get("current_task")
    if task is not None:
        current = views.project(SourceTask, task)
        current["target_server"] = views.project(TargetServerRef, task.get("target_server") or {})
        view["current_task"] = current
    return view


@router.post("/v3/sources")
async def register_source(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, RegisterSourceServerRequest)
    with emu.store.transaction() as tx:
        source_id = register(tx, emu, body, emu.now())
    return respond(IdResponse, {"id": source_id})


@router.get("/v3/sources")
async def list_sources(request: Request) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListSourceServersQuery)
    now = emu.now()
    with emu.store.transaction() as tx:
        items = [_source_body(tx, d, now) | {"_migproject": d.get("_migproject")} for d in tx.list("sources")]
    filters = {"name": q.name, "id": q.id, "ip": q.ip, "state": q.state, "migration_cycle": q.migration_cycle,
               "connected": q.connected, "enterprise_project_id": q.enterprise_project_id,
               "_migproject": q.migproject}
    for key, value in filters.items():
        if value is not None:
            items = [i for i in items if i.get(key) == value]
    if q.is_consistency_result_exist is not None:
        wanted = q.is_consistency_result_exist
        items = [i for i in items if bool(i.get("is_consistency_result_exist")) == wanted]
    limit = q.limit or 200
    offset = q.offset or 0
    page = [views.project(SourceServerSummary, i) for i in items[offset:offset + limit]]
    return respond(ListSourceServersResponse, {"count": len(items), "source_servers": page})


@router.get("/v3/sources/overview")
async def overview(request: Request) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    counts = {name: 0 for name in SourceOverviewResponse.model_fields}
    with emu.store.transaction() as tx:
        for doc in tx.list("sources"):
            view = views.source_view(tx, doc, now)
            if view["current_task"] is None:
                counts["unconfigured"] += 1
            elif view["state"] in counts:
                counts[view["state"]] += 1
    return respond(SourceOverviewResponse, counts)


@router.get("/v3/sources/{source_id}")
async def show_source(request: Request, source_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        doc = views.require_source(tx, source_id)
        body = _source_body(tx, doc, emu.now())
    return JSONResponse(render(SourceServerDetail, views.project(SourceServerDetail, body)))


@router.put("/v3/sources/{source_id}")
async def update_source(request: Request, source_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, UpdateSourceServerRequest)
    with emu.store.transaction() as tx:
        doc = views.require_source(tx, source_id)
        if body.name is not None:
            doc["name"] = body.name
        if body.migprojectid is not None:
            views.require_project(tx, body.migprojectid)
            doc["_migproject"] = body.migprojectid
        tx.put("sources", source_id, doc)
    return empty()


def delete_source(tx: Tx, source_id: str, now: int) -> None:
    """Delete a source; its finished/idle task goes with it (a busy one blocks with SMS.7601)."""
    doc = views.require_source(tx, source_id)
    task = views.load_task(tx, doc["_task_id"], now) if doc.get("_task_id") else None
    if task is not None:
        if task["state"] in BUSY_TASK_STATES:
            raise sms_error("SMS.7601", f"task {task['id']} is {task['state']}")
        tx.delete("tasks", task["id"])
    tx.delete("sources", source_id)


@router.delete("/v3/sources/{source_id}")
async def delete_one(request: Request, source_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        delete_source(tx, source_id, emu.now())
    return empty()


@router.post("/v3/sources/delete")
async def delete_many(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, BatchDeleteRequest)
    now = emu.now()
    with emu.store.transaction() as tx:  # all or nothing: an error rolls the whole batch back
        for source_id in body.ids:
            delete_source(tx, source_id, now)
    return empty()
