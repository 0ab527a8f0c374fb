"""``/v3/vm/templates`` (manual 5.6): target-VM templates referenced by tasks (``vm_template_id``).

Names are unique among general templates (``is_template=true``); task-bound ones may be empty or
repeat. Update replaces the whole template. The password is only returned by ``.../target-password``.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.common import IdResponse
from sms_pulumi.api.models.templates import (
    CreateTemplateRequest,
    ListTemplatesQuery,
    ListTemplatesResponse,
    ShowTemplateResponse,
    TargetPasswordResponse,
    TemplateSpec,
    UpdateTemplateRequest,
)
from sms_pulumi.emulator.errors import error
from sms_pulumi.emulator.http import delete_batch, empty, page, parse_body, query_model, respond
from sms_pulumi.emulator.records import TemplateRecord
from sms_pulumi.emulator.sms import views
from sms_pulumi.emulator.state import emulator
from sms_pulumi.emulator.store import Tx

router = APIRouter()
MAX_TEMPLATES = 50


def _check_name(tx: Tx, spec: TemplateSpec, own_id: str | None) -> None:
    if not spec.is_template:
        return
    for other in tx.list(TemplateRecord):
        if other.id != own_id and other.spec.is_template and other.spec.name == spec.name:
            raise error("SMS.7112", f"a template named {spec.name!r} exists")


def _record(spec: TemplateSpec, template_id: str) -> TemplateRecord:
    return TemplateRecord(id=template_id, spec=spec.with_server_defaults())


def template_view(record: TemplateRecord) -> dict[str, Any]:
    view = record.spec.to_wire()
    view.pop("target_password", None)
    view["id"] = record.id
    view["is_template"] = "true" if record.spec.is_template else "false"  # a String in responses
    return view


@router.post("/v3/vm/templates")
async def create(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, CreateTemplateRequest)
    with emu.store.transaction() as tx:
        if tx.count(TemplateRecord) >= MAX_TEMPLATES:
            raise error("SMS.8115")
        _check_name(tx, body.template, None)
        template_id = str(uuid.uuid4())
        tx.put(_record(body.template, template_id))
    return respond(IdResponse, {"id": template_id})


@router.get("/v3/vm/templates")
async def list_templates(request: Request) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListTemplatesQuery)
    with emu.store.transaction() as tx:
        items = [template_view(r) for r in tx.list(TemplateRecord)]
    for key in ("name", "availability_zone", "region", "id"):
        value = getattr(q, key)
        if value is not None:
            items = [i for i in items if i.get(key) == value]
    return respond(ListTemplatesResponse, {"count": len(items), "templates": page(items, q)})


@router.post("/v3/vm/templates/delete")
async def delete_many(request: Request) -> JSONResponse:
    return await delete_batch(request, lambda tx, key, now: _delete(tx, key, now, referenced=True))


@router.get("/v3/vm/templates/{template_id}")
async def show(request: Request, template_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        record = views.require(tx, TemplateRecord, template_id)
    return respond(ShowTemplateResponse, {"template": template_view(record)})


@router.get("/v3/vm/templates/{template_id}/target-password")
async def target_password(request: Request, template_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        record = views.require(tx, TemplateRecord, template_id)
    return respond(TargetPasswordResponse, {"template_id": template_id,
                                            "target_password": record.spec.target_password})


@router.put("/v3/vm/templates/{template_id}")
async def update(request: Request, template_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, UpdateTemplateRequest)
    with emu.store.transaction() as tx:
        views.require(tx, TemplateRecord, template_id)
        if body.template is None:
            raise error("SMS.6013", "template is required")
        _check_name(tx, body.template, template_id)
        tx.put(_record(body.template, template_id))
    return empty()


def _delete(tx: Tx, template_id: str, now: int, *, referenced: bool = False) -> None:
    views.require(tx, TemplateRecord, template_id, referenced=referenced)
    users = [t.id for t in views.all_tasks(tx, now)
             if template_id in (t.settings.get("vm_template_id"), t.clone.template_id if t.clone else None)]
    if users:
        raise error("SMS.7111", f"used by task(s) {', '.join(users)}")
    tx.delete(TemplateRecord, template_id)


@router.delete("/v3/vm/templates/{template_id}")
async def delete_one(request: Request, template_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        _delete(tx, template_id, emu.now())
    return empty()
