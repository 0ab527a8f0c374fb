"""``/v3/migprojects`` (manual 5.8): migration projects and the default-project flag.

A fresh emulator has one default project, ``SystemProject`` (as in the manual's list example);
newly registered sources join the default project. At most one project is default: creating or
updating with ``isdefault=true`` while another is default fails with SMS.7313, and the flag moves
only with ``PUT .../default``. The default project and projects holding sources cannot be deleted.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.common import IdResponse, MigrationType
from sms_pulumi.api.models.migprojects import (
    CreateMigProjectRequest,
    ListMigProjectsQuery,
    ListMigProjectsResponse,
    MigProject,
    MigProjectSpec,
    UpdateMigProjectRequest,
)
from sms_pulumi.emulator.errors import error
from sms_pulumi.emulator.http import empty, page, parse_body, query_model, respond
from sms_pulumi.emulator.records import MigProjectRecord, SourceRecord
from sms_pulumi.emulator.sms import views
from sms_pulumi.emulator.sms.sources import DEFAULT_PROJECT_KEY
from sms_pulumi.emulator.state import emulator
from sms_pulumi.emulator.store import Tx

router = APIRouter()

SYSTEM_PROJECT = MigProjectSpec(
    name="SystemProject", description="", region="cn-north-4", start_target_server=True, speed_limit=0,
    use_public_ip=True, exist_server=True, type=MigrationType.MIGRATE_BLOCK, enterprise_project="default",
    syncing=False, start_network_check=False,
)
# Shown for a project whose settings leave them out (the manual's list example has them all).
_SHOWN_DEFAULTS = {"speed_limit": 0, "start_network_check": False, "description": ""}


def seed_default_project(tx: Tx) -> str:
    project_id = str(uuid.uuid4())
    tx.put(MigProjectRecord(id=project_id, isdefault=True, spec=SYSTEM_PROJECT))
    tx.meta_set(DEFAULT_PROJECT_KEY, project_id)
    return project_id


def _check(tx: Tx, spec: MigProjectSpec, own_id: str | None, *, may_be_default: bool) -> None:
    for other in tx.list(MigProjectRecord):
        if other.id == own_id:
            continue
        if other.spec.name == spec.name:
            raise error("SMS.7312", f"a project named {spec.name!r} exists")
        if may_be_default and spec.isdefault and other.isdefault:
            raise error("SMS.7313", f"{other.spec.name!r} is the default; use PUT .../default")


def _spec(body: MigProjectSpec) -> MigProjectSpec:
    data = body.with_server_defaults().model_dump(exclude={"id", "isdefault"}, exclude_none=True)
    return MigProjectSpec.model_validate({**_SHOWN_DEFAULTS, **data})


def _wire(record: MigProjectRecord) -> dict[str, Any]:
    return {**record.spec.to_wire(), "id": record.id, "isdefault": record.isdefault}


@router.post("/v3/migprojects")
async def create(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, CreateMigProjectRequest)
    with emu.store.transaction() as tx:
        _check(tx, body, None, may_be_default=True)
        project_id = str(uuid.uuid4())
        tx.put(MigProjectRecord(id=project_id, isdefault=bool(body.isdefault), spec=_spec(body)))
        if body.isdefault:
            tx.meta_set(DEFAULT_PROJECT_KEY, project_id)
    return respond(IdResponse, {"id": project_id})


@router.get("/v3/migprojects")
async def list_projects(request: Request) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListMigProjectsQuery)
    with emu.store.transaction() as tx:
        items = [_wire(r) for r in tx.list(MigProjectRecord)]
    return respond(ListMigProjectsResponse, {"count": len(items), "migprojects": page(items, q)})


@router.get("/v3/migprojects/{project_id}")
async def show(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        record = views.require(tx, MigProjectRecord, project_id)
    return respond(MigProject, _wire(record))


@router.put("/v3/migprojects/{project_id}")
async def update(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, UpdateMigProjectRequest)
    with emu.store.transaction() as tx:
        current = views.require(tx, MigProjectRecord, project_id)
        # Update never moves the default flag: the default project may say isdefault=true again.
        _check(tx, body, project_id, may_be_default=not current.isdefault)
        current.spec = _spec(body)
        tx.put(current)
    return empty()


@router.put("/v3/migprojects/{project_id}/default")
async def make_default(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        views.require(tx, MigProjectRecord, project_id)
        for record in tx.list(MigProjectRecord):
            flag = record.id == project_id
            if record.isdefault != flag:
                record.isdefault = flag
                tx.put(record)
        tx.meta_set(DEFAULT_PROJECT_KEY, project_id)
    return empty()


@router.delete("/v3/migprojects/{project_id}")
async def delete(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        record = views.require(tx, MigProjectRecord, project_id)
        if record.isdefault:
            raise error("SMS.7303")
        members = [s.id for s in tx.list(SourceRecord) if s.migproject_id == project_id]
        if members:
            raise error("SMS.7311", f"{len(members)} source server(s)")
        tx.delete(MigProjectRecord, project_id)
    return empty()
