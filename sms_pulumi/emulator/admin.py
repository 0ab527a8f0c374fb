"""Admin API under ``/_emulator/`` (no signature needed; the server binds to loopback only).

    GET    /_emulator/health                      liveness
    GET    /_emulator/faults                      live fault rules
    POST   /_emulator/faults                      add a rule (FaultRule fields) -> the rule with its id
    DELETE /_emulator/faults[/{id}]               remove one / all rules
    GET    /_emulator/requests?list=true&since=N  request counts per "METHOD /route/{template}" (+ list)
    DELETE /_emulator/requests                    clear the request log
    POST   /_emulator/reset {"seed": ...}         wipe objects, faults and log; seed again
    GET    /_emulator/clock                       {"speed", "now_ms"}
    POST   /_emulator/clock {"speed", "advance_ms"}  change speed (0 stops the clock) and/or jump forward
    POST   /_emulator/tasks/{id}/fail {"after_ms", "error_code", "error_msg", "target"}
                                                  MIGRATE_FAIL / SYNC_FAIL; target clone|drill|clear|log
                                                  fails that side process instead
    POST   /_emulator/taskgroups/{group_id}/fail {"after_ms", ...}             OMS status 5
    POST   /_emulator/sources {"count": N} | {"fixture": "default"}            register more sources
    GET    /_emulator/objects                     every stored object, as clients would see it now
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from sms_pulumi.api.models.common import all_secret_fields
from sms_pulumi.emulator.errors import EmulatorError
from sms_pulumi.emulator.faults import FaultRule
from sms_pulumi.emulator.oms import taskgroups
from sms_pulumi.emulator.oms.lifecycle import view as group_view
from sms_pulumi.emulator.records import MigProjectRecord, SourceRecord, TemplateRecord
from sms_pulumi.emulator.seed import apply_seed, fixture_bodies, register_bodies, synthetic_sources
from sms_pulumi.emulator.sms import lifecycle, views
from sms_pulumi.emulator.sms.templates import template_view
from sms_pulumi.emulator.state import emulator

router = APIRouter(prefix="/_emulator")

#: Every secret of the wire models: never shown by the admin API.
_SECRET_KEYS = all_secret_fields()


class _Admin(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FaultIn(_Admin):
    route: str = "*"
    latency_ms: int = Field(0, ge=0, le=120_000)
    error_5xx_rate: float = Field(0.0, ge=0, le=1)
    error_status: int = Field(503, ge=500, le=599)
    throttle_429_rate: float = Field(0.0, ge=0, le=1)
    retry_after: int = Field(1, ge=0, le=3600)
    drop_rate: float = Field(0.0, ge=0, le=1)
    drop_mode: Literal["before", "after"] = "before"
    count: int | None = Field(None, ge=1)


class ClockIn(_Admin):
    speed: float | None = Field(None, ge=0)
    advance_ms: int | None = Field(None, ge=0)


class ResetIn(_Admin):
    seed: str | None = None


class FailIn(_Admin):
    after_ms: int = Field(0, ge=0)
    error_code: str = "SMS.1801"
    error_msg: str = "Migration or synchronization task failed."
    target: Literal["task", "clone", "drill", "clear", "log"] = "task"


class SourcesIn(_Admin):
    count: int | None = Field(None, ge=1, le=1000)
    fixture: str | None = None


def _admin_body(model: type[_Admin], raw: Any) -> Any:
    try:
        return model.model_validate(raw or {})
    except Exception as exc:  # pydantic ValidationError: answer 400 with the reason
        raise EmulatorError(400, "EMULATOR.BAD_REQUEST", str(exc)) from None


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("***" if k in _SECRET_KEYS and v else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


async def _json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return await request.json()
    except ValueError:
        raise EmulatorError(400, "EMULATOR.BAD_REQUEST", "the body is not JSON") from None


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/faults")
async def list_faults(request: Request) -> dict[str, Any]:
    return {"faults": emulator(request).faults.rules()}


@router.post("/faults")
async def add_fault(request: Request) -> dict[str, Any]:
    spec = _admin_body(FaultIn, await _json(request))
    rule = emulator(request).faults.add(FaultRule(**spec.model_dump()))
    return {"id": rule.id, **spec.model_dump()}


@router.delete("/faults")
async def clear_faults(request: Request) -> dict[str, Any]:
    emulator(request).faults.clear()
    return {}


@router.delete("/faults/{rule_id}")
async def remove_fault(request: Request, rule_id: int) -> dict[str, Any]:
    if not emulator(request).faults.remove(rule_id):
        raise EmulatorError(404, "EMULATOR.NOT_FOUND", f"no fault rule {rule_id}")
    return {}


@router.get("/requests")
async def requests_log(request: Request) -> dict[str, Any]:
    params = request.query_params
    with_list = params.get("list", "false").lower() in ("1", "true", "yes")
    return emulator(request).log.snapshot(with_list, int(params.get("since", "0")))


@router.delete("/requests")
async def clear_requests(request: Request) -> dict[str, Any]:
    emulator(request).log.clear()
    return {}


@router.post("/reset")
async def reset(request: Request) -> dict[str, Any]:
    emu = emulator(request)
    spec = _admin_body(ResetIn, await _json(request))
    seed = spec.seed if spec.seed is not None else emu.seed
    with emu.store.transaction() as tx:
        tx.clear()
    emu.faults.clear()
    emu.log.clear()
    apply_seed(emu, seed)
    return {"seed": seed}


@router.get("/clock")
async def get_clock(request: Request) -> dict[str, Any]:
    emu = emulator(request)
    return {"speed": emu.clock.speed, "now_ms": emu.now()}


@router.post("/clock")
async def set_clock(request: Request) -> dict[str, Any]:
    emu = emulator(request)
    spec = _admin_body(ClockIn, await _json(request))
    if spec.speed is not None:
        emu.clock.set_speed(spec.speed)
    if spec.advance_ms:
        emu.clock.advance(spec.advance_ms)
    emu.save_clock()
    return {"speed": emu.clock.speed, "now_ms": emu.now()}


@router.post("/tasks/{task_id}/fail")
async def fail_task(request: Request, task_id: str) -> dict[str, Any]:
    emu = emulator(request)
    spec = _admin_body(FailIn, await _json(request))
    now = emu.now()
    with emu.store.transaction() as tx:
        task = views.load_task(tx, task_id, now)
        if task is None:
            raise EmulatorError(404, "EMULATOR.NOT_FOUND", f"no task {task_id}")
        lifecycle.inject_failure(task, now, spec.after_ms, spec.error_code, spec.error_msg, spec.target)
        tx.put(task)
    return {"id": task_id, "fail_at_ms": now + spec.after_ms}


@router.post("/taskgroups/{group_id}/fail")
async def fail_taskgroup(request: Request, group_id: str) -> dict[str, Any]:
    emu = emulator(request)
    spec = _admin_body(FailIn, await _json(request))
    now = emu.now()
    with emu.store.transaction() as tx:
        taskgroups.inject_failure(tx, group_id, now, spec.after_ms, spec.error_msg)
    return {"group_id": group_id, "fail_at_ms": now + spec.after_ms}


@router.post("/sources")
async def add_sources(request: Request) -> dict[str, Any]:
    emu = emulator(request)
    spec = _admin_body(SourcesIn, await _json(request))
    with emu.store.transaction() as tx:
        existing = tx.count(SourceRecord)
    bodies = synthetic_sources(spec.count, start=existing) if spec.count else []
    if spec.fixture:
        bodies += fixture_bodies(spec.fixture)
    return {"ids": register_bodies(emu, bodies)}


@router.get("/objects")
async def objects(request: Request) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    with emu.store.transaction() as tx:
        tasks = [views.task_view(tx, t, now) for t in views.all_tasks(tx, now)]
        out = {
            "sources": [views.source_view(tx, s, now) for s in tx.list(SourceRecord)],
            "templates": [{**template_view(t), "target_password": t.spec.target_password}
                          for t in tx.list(TemplateRecord)],
            "migprojects": [{**p.spec.to_wire(), "id": p.id, "isdefault": p.isdefault}
                            for p in tx.list(MigProjectRecord)],
            "tasks": tasks,
            "taskgroups": [group_view(g, now) | {"project_id": g.project_id}
                           for g in taskgroups.all_groups(tx, now)],
        }
    for source in out["sources"]:
        if source.get("current_task"):
            source["current_task"] = {"id": source["current_task"]["id"],
                                      "state": source["current_task"]["state"]}
    return JSONResponse(redact(out))
