"""``/v3/migprojects`` (manual 5.8): migration projects and the default-project flag.

A fresh emulator has one default project, ``SystemProject`` (as in the manual's list example);
newly registered sources join the default project. At most one project is default: creating or
updating with ``isdefault=true`` while another is default fails with SMS.7313, and the flag moves
only with ``PUT .../default``. The default project and projects holding sources cannot be deleted.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.common import IdResponse
from sms_pulumi.api.models.migprojects import (
    CreateMigProjectRequest,
    ListMigProjectsQuery,
    ListMigProjectsResponse,
    MigProject,
    MigProjectSpec,
    UpdateMigProjectRequest,
)
from sms_pulumi.emulator.errors import sms_error
from sms_pulumi.emulator.http import empty, parse_body, query_model, respond, stored
from sms_pulumi.emulator.sms import views
from sms_pulumi.emulator.sms.sources import DEFAULT_PROJECT_KEY
from sms_pulumi.emulator.state import emulator
from sms_pulumi.emulator.store import Doc, Tx

router = APIRouter()

SYSTEM_PROJECT = {
    "name": "SystemProject", "description": "", "isdefault": True, "region": "cn-north-4",
    "start_target_server": True, "speed_limit": 0, "use_public_ip": True, "exist_server": True,
    "type": "MIGRATE_BLOCK", "enterprise_project": "default", "syncing": False, "start_network_check": False,
}


def seed_default_project(tx: Tx) -> str:
    project_id = str(uuid.uuid4())
    tx.put("migprojects", project_id, {"id": project_id, **SYSTEM_PROJECT})
    tx.meta_set(DEFAULT_PROJECT_KEY, project_id)
    return project_id


def _check(tx: Tx, spec: MigProjectSpec, own_id: str | None) -> None:
    for other in tx.list("migprojects"):
        if other["id"] == own_id:
            continue
        if other.get("name") == spec.name:
            raise sms_error("SMS.7312", f"a project named {spec.name!r} exists")
        if spec.isdefault and other.get("isdefault"):
            raise sms_error("SMS.7313", f"{other['name']!r} is the default; use PUT .../default")


def _stored(spec: MigProjectSpec, project_id: str, isdefault: bool) -> Doc:
    doc = stored(spec)
    doc.setdefault("speed_limit", 0)
    doc.setdefault("start_network_check", False)
    doc.setdefault("description", "")
    doc["id"], doc["isdefault"] = project_id, isdefault
    return doc


@router.post("/v3/migprojects")
async def create(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, CreateMigProjectRequest)
    with emu.store.transaction() as tx:
        _check(tx, body, None)
        project_id = str(uuid.uuid4())
        tx.put("migprojects", project_id, _stored(body, project_id, bool(body.isdefault)))
        if body.isdefault:
            tx.meta_set(DEFAULT_PROJECT_KEY, project_id)
    return respond(IdResponse, {"id": project_id})


@router.get("/v3/migprojects")
async def list_projects(request: Request) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListMigProjectsQuery)
    with emu.store.transaction() as tx:
        items = tx.list("migprojects")
    limit, offset = q.limit or 50, q.offset or 0
    page = items[offset:offset + limit]
    return respond(ListMigProjectsResponse, {"count": len(items), "migprojects": page})


@router.get("/v3/migprojects/{project_id}")
async def show(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        doc = views.require_project(tx, project_id)
    return respond(MigProject, doc)


@router.put("/v3/migprojects/{project_id}")
async def update(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, UpdateMigProjectRequest)
    with emu.store.transaction() as tx:
        current = views.require_project(tx, project_id)
        if not current.get("isdefault"):
            _check(tx, body, project_id)
        else:
            _check(tx, body.model_copy(update={"isdefault": False}), project_id)
        tx.put("migprojects", project_id, _stored(body, project_id, bool(current.get("isdefault"))))
    return empty()


@router.put("/v3/migprojects/{project_id}/default")
async def make_default(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        views.require_project(tx, project_id)
        for doc in tx.list("migprojects"):
            flag = doc["id"] == project_id
            if bool(doc.get("isdefault")) != flag:
                doc["isdefault"] = flag
                tx.put("migprojects", doc["id"], doc)
        tx.meta_set(DEFAULT_PROJECT_KEY, project_id)
    return empty()


@router.delete("/v3/migprojects/{project_id}")
async def delete(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        doc = views.require_project(tx, project_id)
        if doc.get("isdefault"):
            raise sms_error("SMS.7303")
        members = [s["id"] for s in tx.list("sources") if s.get("_migproject") == project_id]
        if members:
            raise sms_error("SMS.7311", f"{len(members)} source server(s)")
        tx.delete("migprojects", project_id)
    return empty()
