"""``/v3/vm/templates`` (manual 5.6): target-VM templates referenced by tasks (``vm_template_id``).

Names are unique among general templates (``is_template=true``); task-bound ones may be empty or
repeat. Update replaces the whole template. The password is only returned by ``.../target-password``.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.common import BatchDeleteRequest, IdResponse
from sms_pulumi.api.models.templates import (
    CreateTemplateRequest,
    ListTemplatesQuery,
    ListTemplatesResponse,
    ShowTemplateResponse,
    TargetPasswordResponse,
    TemplateSpec,
    UpdateTemplateRequest,
)
from sms_pulumi.emulator.errors import sms_error
from sms_pulumi.emulator.http import empty, parse_body, query_model, respond, stored
from sms_pulumi.emulator.sms import views
from sms_pulumi.emulator.state import emulator
from sms_pulumi.emulator.store import Doc, Tx

router = APIRouter()
MAX_TEMPLATES = 50


def _check_name(tx: Tx, spec: TemplateSpec, own_id: str | None) -> None:
    if not spec.is_template:
        return
    for other in tx.list("templates"):
        if other["id"] != own_id and other.get("is_template") and other.get("name") == spec.name:
            raise sms_error("SMS.7112", f"a template named {spec.name!r} exists")


def _stored(spec: TemplateSpec, template_id: str) -> Doc:
    doc = stored(spec)
    doc["id"] = template_id
    return doc


def _public(doc: Doc) -> Doc:
    view = {k: v for k, v in doc.items() if k != "target_password"}
    view["is_template"] = "true" if doc.get("is_template") else "false"  # a String in responses
    return view


def require_template(tx: Tx, template_id: str) -> Doc:
    doc = tx.get("templates", template_id)
    if doc is None:
        raise sms_error("SMS.7101", f"template {template_id}")
    return doc


@router.post("/v3/vm/templates")
async def create(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, CreateTemplateRequest)
    with emu.store.transaction() as tx:
        if tx.count("templates") >= MAX_TEMPLATES:
            raise sms_error("SMS.8115")
        _check_name(tx, body.template, None)
        template_id = str(uuid.uuid4())
        tx.put("templates", template_id, _stored(body.template, template_id))
    return respond(IdResponse, {"id": template_id})


@router.get("/v3/vm/templates")
async def list_templates(request: Request) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListTemplatesQuery)
    with emu.store.transaction() as tx:
        items = tx.list("templates")
    for key in ("name", "availability_zone", "region", "id"):
        value = getattr(q, key)
        if value is not None:
            items = [i for i in items if i.get(key) == value]
    limit, offset = q.limit or 50, q.offset or 0
    page = [_public(i) for i in items[offset:offset + limit]]
    return respond(ListTemplatesResponse, {"count": len(items), "templates": page})


@router.post("/v3/vm/templates/delete")
async def delete_many(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, BatchDeleteRequest)
    now = emu.now()
    with emu.store.transaction() as tx:
        for template_id in body.ids:
            _delete(tx, template_id, now)
    return empty()


@router.get("/v3/vm/templates/{template_id}")
async def show(request: Request, template_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        doc = require_template(tx, template_id)
    return respond(ShowTemplateResponse, {"template": _public(doc)})


@router.get("/v3/vm/templates/{template_id}/target-password")
async def target_password(request: Request, template_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        doc = require_template(tx, template_id)
    return respond(TargetPasswordResponse, {"template_id": template_id,
                                            "target_password": doc.get("target_password")})


@router.put("/v3/vm/templates/{template_id}")
async def update(request: Request, template_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, UpdateTemplateRequest)
    with emu.store.transaction() as tx:
        require_template(tx, template_id)
        if body.template is None:
            raise sms_error("SMS.6013", "template is required")
        _check_name(tx, body.template, template_id)
        tx.put("templates", template_id, _stored(body.template, template_id))
    return empty()


def _delete(tx: Tx, template_id: str, now: int) -> None:
    require_template(tx, template_id)
    users = [t["id"] for t in views.all_tasks(tx, now) if t.get("vm_template_id") == template_id]
    if users:
        raise sms_error("SMS.7111", f"used by task(s) {', '.join(users)}")
    tx.delete("templates", template_id)


@router.delete("/v3/vm/templates/{template_id}")
async def delete_one(request: Request, template_id: str) -> JSONResponse:
    emu = emulator(request)
    with emu.store.transaction() as tx:
        _delete(tx, template_id, emu.now())
    return empty()
