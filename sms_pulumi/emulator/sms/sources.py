"""``/v3/sources`` (manual 5.3): register (what the Agent does), list, show, overview, update, delete,
and ``GET /v3/errors`` (5.3.1, the sources whose migration reported an error).

Registration computes what SMS would: the environment checks (each failed one with its own code),
the state (``unavailable`` when a check fails, else ``waiting``), the default migration project.
The recommended target layout follows the 5.3.5 disk settings (:mod:`.layout`). See AMBIGUITIES.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.common import IdResponse
from sms_pulumi.api.models.sources import (
    ListErrorsQuery,
    ListErrorsResponse,
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
from sms_pulumi.emulator.records import Doc, MigProjectRecord, SourceRecord
from sms_pulumi.emulator.sms import layout, lifecycle, views
from sms_pulumi.emulator.state import Emulator, emulator
from sms_pulumi.emulator.store import Tx

router = APIRouter()

MAX_SOURCES = 1000
DEFAULT_PROJECT_KEY = "default_migproject"
# A source whose task is in these modes cannot be deleted (SMS.7601 "a migration task is running on it").
BUSY_MODES = frozenset({"run", "skipping", "syncing", "aborting"})
# Failed checks: (check name, its code in the appendix), by readiness flag.
Check = tuple[str, str, Callable[[Doc], bool]]
_LINUX_CHECKS: tuple[Check, ...] = (
    ("FILE_SYSTEM", "SMS.6517", lambda d: d.get("has_rsync", True) is not False),
)
_WINDOWS_CHECKS: tuple[Check, ...] = (
    ("ACCOUNT_RIGHTS", "SMS.6513", lambda d: d.get("account_rights", True) is not False),
    ("DRIVER_FILE", "SMS.6511", lambda d: d.get("driver_files", False) is not True),
)


def register(tx: Tx, emu: Emulator, body: RegisterSourceServerRequest, now: int) -> str:
    """Create (or, with a known ``id``, re-report) a source server; returns its ID."""
    for required in ("ip", "hostname", "os_type", "os_version"):
        if getattr(body, required) is None:
            raise error("SMS.6013", f"{required} is required when registering")
    data = stored(body)
    existing = tx.get(SourceRecord, body.id) if body.id else None
    if existing is None and tx.count(SourceRecord) >= MAX_SOURCES:
        raise error("SMS.6501")
    source_id = existing.id if existing else (body.id or str(uuid.uuid4()))
    doc: Doc = dict(existing.body if existing else {})
    doc.update(data)
    for reported in ("state", "migration_cycle", "id"):  # SMS sets these, the Agent does not
        doc.pop(reported, None)
    doc.setdefault("name", body.hostname)
    doc.setdefault("add_date", now)
    doc.setdefault("enterprise_project_id", "0")
    doc.update({"connected": True, "last_visit_time": now, "stage_action_time": now, "state_action_time": now,
                "oem_system": bool(data.get("oem_system", False))})
    checks, ok = _checks(data)
    doc["checks"] = checks
    doc["totalsize"] = sum(int(d.get("used_size", 0)) for d in data.get("disks", []))
    record = SourceRecord(
        id=source_id, body=doc, registered_state="waiting" if ok else "unavailable",
        migproject_id=existing.migproject_id if existing else tx.meta_get(DEFAULT_PROJECT_KEY),
        task_id=existing.task_id if existing else None,
        disks=existing.disks if existing else [], volume_groups=existing.volume_groups if existing else [],
    )
    tx.put(record)
    return source_id


def _checks(data: Doc) -> tuple[list[Doc], bool]:
    """The environment checks SMS runs after registration (names from the manual's examples)."""
    items: list[tuple[str, str | None]] = [("OS_VERSION", None), ("FIRMWARE", None), ("CPU", None),
                                           ("MEMORY", None)]
    for name, code, passes in _LINUX_CHECKS if data.get("os_type") == "LINUX" else _WINDOWS_CHECKS:
        items.append((name, None if passes(data) else code))
    checks = [{"id": i + 1, "params": [""], "name": name, "result": "OK" if code is None else "ERROR",
               "error_code": code, "error_or_warn": None, "error_params": ""}
              for i, (name, code) in enumerate(items)]
    return checks, all(code is None for _, code in items)


def _source_body(tx: Tx, source: SourceRecord, now: int) -> Doc:
    view = views.source_view(tx, source, now)
    task = view.get("current_task")
    if task is not None:
        current = views.documented_only(SourceTask, task)
        current["target_server"] = views.documented_only(TargetServerRef, task.get("target_server") or {})
        view["current_task"] = current
    return view


@router.post("/v3/sources")
async def register_source(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, RegisterSourceServerRequest)
    with emu.store.transaction() as tx:
        source_id = register(tx, emu, body, emu.now())
    return respond(IdResponse, {"id": source_id})


def _target_vm(view: Doc) -> str | None:
    task = view.get("current_task") or {}
    return (task.get("target_server") or {}).get("vm_id") or None


@router.get("/v3/sources")
async def list_sources(request: Request) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListSourceServersQuery)
    now = emu.now()
    with emu.store.transaction() as tx:
        items = [(s, _source_body(tx, s, now)) for s in tx.list(SourceRecord)]
    filters = {"name": q.name, "id": q.id, "ip": q.ip, "ipv6": q.ipv6, "state": q.state,
               "migration_cycle": q.migration_cycle, "connected": q.connected,
               "enterprise_project_id": q.enterprise_project_id,
               "is_consistency_result_exist": q.is_consistency_result_exist}
    for key, value in filters.items():
        if value is not None:
            items = [(s, v) for s, v in items if v.get(key) == value]
    if q.migproject is not None:
        items = [(s, v) for s, v in items if s.migproject_id == q.migproject]
    if q.vm_id is not None:
        items = [(s, v) for s, v in items if _target_vm(v) == q.vm_id]
    found = [views.documented_only(SourceServerSummary, v) for _, v in items]
    return respond(ListSourceServersResponse, {"count": len(found), "source_servers": page(found, q)})


@router.get("/v3/sources/overview")
async def overview(request: Request) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    counts = {name: 0 for name in SourceOverviewResponse.model_fields}
    with emu.store.transaction() as tx:
        for source in tx.list(SourceRecord):
            view = views.source_view(tx, source, now)
            if view["current_task"] is None:
                counts["unconfigured"] += 1
            elif view["state"] in counts:
                counts[view["state"]] += 1
    return respond(SourceOverviewResponse, counts)


@router.get("/v3/errors")
async def list_errors(request: Request) -> JSONResponse:
    """Sources whose task reported an error (its ``error_json``), 5.3.1."""
    emu = emulator(request)
    q = query_model(request, ListErrorsQuery)
    now = emu.now()
    found = []
    with emu.store.transaction() as tx:
        for task in views.all_tasks(tx, now):
            source = tx.get(SourceRecord, task.source_id)
            if source is None or not task.error_json:
                continue
            if q.migproject is not None and source.migproject_id != q.migproject:
                continue
            if q.enterprise_project_id is not None and source.body.get("enterprise_project_id") != \
                    q.enterprise_project_id:
                continue
            found.append({"source_id": source.id, "source_ip": source.body.get("ip"),
                          "target_ip": task.settings.get("migration_ip"), "name": source.body.get("name"),
                          "host_name": source.body.get("hostname"), "error_json": task.error_json})
    return respond(ListErrorsResponse, {"count": len(found), "migration_errors": page(found, q)})


@router.get("/v3/sources/{source_id}")
async def show_source(request: Request, source_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        source = views.require(tx, SourceRecord, source_id)
        body = _source_body(tx, source, emu.now())
    return JSONResponse(render(SourceServerDetail, views.documented_only(SourceServerDetail, body)))


@router.put("/v3/sources/{source_id}")
async def update_source(request: Request, source_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, UpdateSourceServerRequest)
    with emu.store.transaction() as tx:
        source = views.require(tx, SourceRecord, source_id)
        if body.migprojectid is not None:
            views.require(tx, MigProjectRecord, body.migprojectid, referenced=True)
            source.migproject_id = body.migprojectid
        layout.change(source, body.disks, body.volume_groups)
        if body.name is not None:
            source.body["name"] = body.name
        tx.put(source)
    return empty()


def delete_source(tx: Tx, source_id: str, now: int, *, referenced: bool = False) -> None:
    """Delete a source; its idle task goes with it (a busy one blocks with SMS.7601)."""
    source = views.require(tx, SourceRecord, source_id, referenced=referenced)
    task = views.load_task(tx, source.task_id, now) if source.task_id else None
    if task is not None:
        if task.sim.mode in BUSY_MODES:
            raise error("SMS.7601", f"task {task.id} is {lifecycle.state(task)}")
        views.forget_task(tx, task)
    tx.delete(SourceRecord, source_id)


@router.delete("/v3/sources/{source_id}")
async def delete_one(request: Request, source_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        delete_source(tx, source_id, emu.now())
    return empty()


@router.post("/v3/sources/delete")
async def delete_many(request: Request) -> JSONResponse:
    return await delete_batch(request, lambda tx, key, now: delete_source(tx, key, now, referenced=True))
