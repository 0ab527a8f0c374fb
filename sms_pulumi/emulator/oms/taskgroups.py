"""OMS v2 task groups (``sdk-3.1.219/oms_ops_table.md``; show: ``oms-taskgroups.md``).

Lifecycle, computed lazily like SMS tasks: a new group runs through WAITING (0) → EXECUTING (1,
creating its tasks) → MONITORING (2, copying, ``complete_size`` grows) → COMPLETED (6). ``stop``
pauses (7 → 3), ``start`` resumes from the bytes already copied, ``retry`` restarts a failed group
(5 or 4), a bandwidth update re-plans the rest of the copy at the new rate, delete goes 8 → 9 →
gone (then 404). Keys sent on create/start/retry are never stored. Choices: AMBIGUITIES.md.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.oms import (
    CreateTaskGroupRequest,
    CreateTaskGroupResponse,
    ListTaskGroupsQuery,
    ListTaskGroupsResponse,
    RetryTaskGroupRequest,
    SourceCdn,
    StartTaskGroupRequest,
    TaskGroup,
    TaskGroupDstNode,
    TaskGroupSrcNode,
    TaskGroupStatus,
    UpdateBandwidthPolicyRequest,
)
from sms_pulumi.emulator.errors import ApiError, oms_error
from sms_pulumi.emulator.http import empty, parse_body, query_model, render, respond
from sms_pulumi.emulator.state import emulator
from sms_pulumi.emulator.store import Doc, Tx

router = APIRouter()

S = TaskGroupStatus
SECOND = 1000
WAITING_MS = 5 * SECOND
CREATING_MS = 20 * SECOND
PAUSING_MS = 5 * SECOND
DELETE_STEP_MS = 5 * SECOND
DEFAULT_RATE = 50 * 1024 * 1024  # bytes/s when no bandwidth policy limits it
TASKS_PER_GROUP = 4
STOPPABLE = {S.WAITING, S.EXECUTING, S.MONITORING}
DELETABLE = {S.WAITING, S.PAUSED, S.CREATE_FAILED, S.MIGRATE_FAILED, S.COMPLETED}


# ---------------------------------------------------------------- lifecycle


def _rate(doc: Doc) -> int:
    limits = [int(p["max_bandwidth"]) for p in doc.get("bandwidth_policy") or []]
    return min([DEFAULT_RATE, *limits])


def _plan(doc: Doc, now: int, *, first: bool) -> None:
    """Run from ``now``: (waiting,) creating, then copying what is left at the current rate."""
    sim = doc["_sim"]
    left = max(0, int(doc["total_size"]) - int(sim["done"]))
    copy_ms = max(SECOND, left * 1000 // _rate(doc))
    t = now
    phases = []
    if first:
        phases.append((int(S.WAITING), t, t + WAITING_MS))
        t += WAITING_MS
    if sim.get("created", False) is False:
        phases.append((int(S.EXECUTING), t, t + CREATING_MS))
        t += CREATING_MS
    phases.append((int(S.MONITORING), t, t + copy_ms))
    sim.update({"mode": "run", "since": now, "phases": phases})


def _copied(doc: Doc, at: int) -> int:
    sim = doc["_sim"]
    if sim["mode"] != "run":
        return int(sim["done"])
    for status, start, end in sim["phases"]:
        if status == S.MONITORING and at > start:
            left = int(doc["total_size"]) - int(sim["done"])
            return int(sim["done"]) + int(left * min(1.0, (at - start) / max(end - start, 1)))
    return int(sim["done"])


def _freeze(doc: Doc, at: int) -> None:
    sim = doc["_sim"]
    sim["done"] = _copied(doc, at)
    sim["created"] = sim.get("created", False) or any(
        s == S.MONITORING and at >= start for s, start, _ in sim.get("phases", []))


def advance(doc: Doc, now: int) -> bool:
    """Move a group to ``now``; False once it is deleted."""
    sim = doc["_sim"]
    mode = sim["mode"]
    if mode == "run":
        end = sim["phases"][-1][2]
        fail_at = sim.get("fail_at")
        if fail_at is not None and fail_at <= now and fail_at < end:
            _freeze(doc, fail_at)
            sim.update({"mode": "failed", "since": fail_at, "fail_at": None})
            doc["error_reason"] = {"error_code": "OMS.1001", "error_msg": sim.get("fail_msg")}
        elif now >= end:
            _freeze(doc, end)
            sim["done"] = int(doc["total_size"])
            sim.update({"mode": "completed", "since": end})
    elif mode == "pausing" and now >= sim["since"] + PAUSING_MS:
        sim.update({"mode": "paused", "since": sim["since"] + PAUSING_MS})
    elif mode == "deleting" and now >= sim["since"] + 2 * DELETE_STEP_MS:
        return False
    return True


def status(doc: Doc, now: int) -> int:
    sim = doc["_sim"]
    mode = sim["mode"]
    if mode == "run":
        for state, start, end in sim["phases"]:
            if start <= now < end:
                return int(state)
        return int(S.MONITORING)
    if mode == "deleting":
        return int(S.WAITING_DELETE if now < sim["since"] + DELETE_STEP_MS else S.DELETING)
    return int({"pausing": S.PAUSING, "paused": S.PAUSED, "failed": S.MIGRATE_FAILED,
                "completed": S.COMPLETED}[mode])


def view(doc: Doc, now: int) -> Doc:
    sim = doc["_sim"]
    st = status(doc, now)
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    total_size, total_num = int(doc["total_size"]), int(doc["total_num"])
    done = _copied(doc, now)
    objects_done = total_num * done // total_size if total_size else 0
    failed = st == S.MIGRATE_FAILED
    created = TASKS_PER_GROUP if (sim.get("created") or st in (S.MONITORING, S.COMPLETED)) else 0
    out.update({
        "status": st,
        "migrate_speed": _rate(doc) if st == S.MONITORING else 0,
        "total_time": (max(0, now - int(doc["start_time"])) if sim["mode"] == "run"
                       else sim.get("total_time", 0)),
        "total_task_num": TASKS_PER_GROUP,
        "create_task_num": created,
        "failed_task_num": 1 if failed else 0,
        "complete_task_num": TASKS_PER_GROUP if st == S.COMPLETED else 0,
        "paused_task_num": created if st == S.PAUSED else 0,
        "executing_task_num": created if st == S.MONITORING else 0,
        "waiting_task_num": TASKS_PER_GROUP if st == S.WAITING else 0,
        "create_complete_num": total_num if created else 0,
        "create_complete_size": total_size if created else 0,
        "success_num": objects_done,
        "fail_num": max(1, total_num - objects_done) if failed else 0,
        "skip_num": 0,
        "complete_size": done,
    })
    if not failed:
        out["error_reason"] = None
    return out


def inject_failure(tx: Tx, group_id: str, now: int, after_ms: int, msg: str) -> None:
    doc = _load_any(tx, group_id, now)
    if doc is None:
        raise ApiError(404, "EMULATOR.NOT_FOUND", f"no task group {group_id}")
    if doc["_sim"]["mode"] != "run":
        raise ApiError(409, "EMULATOR.STATE", "only a running task group can fail")
    doc["_sim"]["fail_at"] = now + after_ms
    doc["_sim"]["fail_msg"] = msg
    advance(doc, now)
    tx.put("taskgroups", group_id, doc)


# ---------------------------------------------------------------- storage helpers


def _persist(tx: Tx, doc: Doc, now: int) -> Doc | None:
    before = (doc["_sim"]["mode"], doc["_sim"]["since"])
    if not advance(doc, now):
        tx.delete("taskgroups", doc["group_id"])
        return None
    if (doc["_sim"]["mode"], doc["_sim"]["since"]) != before:
        tx.put("taskgroups", doc["group_id"], doc)
    return doc


def _load_any(tx: Tx, group_id: str, now: int) -> Doc | None:
    doc = tx.get("taskgroups", group_id)
    return None if doc is None else _persist(tx, doc, now)


def _require(tx: Tx, project_id: str, group_id: str, now: int) -> Doc:
    doc = _load_any(tx, group_id, now)
    if doc is None or doc["_project_id"] != project_id:
        raise oms_error("OMS.0003", f"task group {group_id}", status=404)
    return doc


def all_views(tx: Tx, now: int) -> list[Doc]:
    out = []
    for doc in tx.list("taskgroups"):
        live = _persist(tx, doc, now)
        if live is not None:
            out.append(view(live, now) | {"project_id": live["_project_id"]})
    return out


def _size_for(body: CreateTaskGroupRequest) -> tuple[int, int]:
    """Deterministic object count and size from the source, so re-creating gives the same figures."""
    key = f"{body.src_node.bucket}/{','.join(body.src_node.object_key or [])}".encode()
    h = int(hashlib.sha256(key).hexdigest()[:8], 16)
    size = (2 + h % 48) * 1024**3  # 2-49 GiB
    return size, size // (2 * 1024 * 1024)


def _wire(doc: Doc, now: int) -> Doc:
    body = view(doc, now)
    body["src_node"] = {k: body["src_node"].get(k) for k in TaskGroupSrcNode.model_fields}
    body["dst_node"] = {k: body["dst_node"].get(k) for k in TaskGroupDstNode.model_fields}
    if body.get("source_cdn"):
        body["source_cdn"] = {k: body["source_cdn"].get(k) for k in SourceCdn.model_fields}
    return {k: body.get(k) for k in TaskGroup.model_fields}


# ---------------------------------------------------------------- routes

BASE = "/v2/{project_id}/taskgroups"


@router.post(BASE)
async def create(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, CreateTaskGroupRequest)
    now = emu.now()
    data = body.model_dump(mode="json", exclude_none=True)
    for node in ("src_node", "dst_node"):  # keys and secrets are used, never stored
        for secret in ("ak", "sk", "connection_string", "json_auth_file"):
            data[node].pop(secret, None)
    if "source_cdn" in data:
        data["source_cdn"].pop("authentication_key", None)
    size, count = _size_for(body)
    group_id = str(uuid.uuid4())
    doc: Doc = {
        **data,
        "group_id": group_id,
        "description": data.get("description", ""),
        "task_type": data.get("task_type", "PREFIX"),
        "bandwidth_policy": data.get("bandwidth_policy", []),
        "enable_metadata_migration": data.get("enable_metadata_migration", False),
        "enable_restore": data.get("enable_restore", False),
        "enable_failed_object_recording": data.get("enable_failed_object_recording", True),
        "enable_requester_pays": data.get("enable_requester_pays", False),
        "object_overwrite_mode": data.get("object_overwrite_mode", "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE"),
        "dst_storage_policy": data.get("dst_storage_policy", "STANDARD"),
        "consistency_check": data.get("consistency_check", "size_last_modified"),
        "migrate_since": int(data.get("migrate_since", 0)) * 1000,  # seconds in, milliseconds out
        "smn_config": None if "smn_config" not in data else {
            "notify_result": None, "notify_error_message": None, "topic_name": None},
        "error_reason": None,
        "failed_object_record": {"result": None, "list_file_key": None, "error_code": None},
        "obs_system": "BUCKET",
        "start_time": now,
        "total_size": size,
        "total_num": count,
        "_project_id": project_id,
        "_sim": {"mode": "run", "since": now, "phases": [], "done": 0, "created": False, "fail_at": None},
    }
    _plan(doc, now, first=True)
    with emu.store.transaction() as tx:
        tx.put("taskgroups", group_id, doc)
    return respond(CreateTaskGroupResponse, {"group_id": group_id})


@router.get(BASE)
async def list_groups(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListTaskGroupsQuery)
    now = emu.now()
    with emu.store.transaction() as tx:
        docs = [d for d in tx.list("taskgroups") if d["_project_id"] == project_id]
        live = [d for d in (_persist(tx, d, now) for d in docs) if d is not None]
    items = [_wire(d, now) for d in live]
    if q.status is not None:
        items = [i for i in items if i["status"] == int(q.status)]
    limit, offset = q.limit or 10, q.offset or 0
    return respond(ListTaskGroupsResponse, {"count": len(items), "taskgroups": items[offset:offset + limit]})


@router.get(BASE + "/{group_id}")
async def show(request: Request, project_id: str, group_id: str) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    with emu.store.transaction() as tx:
        doc = _require(tx, project_id, group_id, now)
    return JSONResponse(render(TaskGroup, _wire(doc, now)))


def _change(request: Request, project_id: str, group_id: str, apply: Any) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    with emu.store.transaction() as tx:
        doc = _require(tx, project_id, group_id, now)
        apply(doc, status(doc, now), now)
        tx.put("taskgroups", group_id, doc)
    return empty()


def _state_error(action: str, st: int) -> ApiError:
    return oms_error("OMS.0004", f"cannot {action} a task group in status {st} ({S(st).name})")


@router.put(BASE + "/{group_id}/stop")
async def stop(request: Request, project_id: str, group_id: str) -> JSONResponse:
    def apply(doc: Doc, st: int, now: int) -> None:
        if st not in STOPPABLE:
            raise _state_error("stop", st)
        _freeze(doc, now)
        doc["_sim"].update({"mode": "pausing", "since": now, "total_time": now - int(doc["start_time"])})

    return _change(request, project_id, group_id, apply)


@router.put(BASE + "/{group_id}/start")
async def start(request: Request, project_id: str, group_id: str) -> JSONResponse:
    await parse_body(request, StartTaskGroupRequest)  # validates the keys; they are not kept

    def apply(doc: Doc, st: int, now: int) -> None:
        if st != S.PAUSED:
            raise _state_error("start", st)
        _plan(doc, now, first=False)

    return _change(request, project_id, group_id, apply)


@router.put(BASE + "/{group_id}/retry")
async def retry(request: Request, project_id: str, group_id: str) -> JSONResponse:
    body = await parse_body(request, RetryTaskGroupRequest)

    def apply(doc: Doc, st: int, now: int) -> None:
        if st not in (S.MIGRATE_FAILED, S.CREATE_FAILED):
            raise _state_error("retry", st)
        if not body.migrate_failed_object:
            doc["_sim"]["done"] = 0  # full re-migration (objects already there are skipped by OMS)
        doc["error_reason"] = None
        doc["start_time"] = now
        _plan(doc, now, first=False)

    return _change(request, project_id, group_id, apply)


@router.put(BASE + "/{group_id}/update")
async def update_bandwidth(request: Request, project_id: str, group_id: str) -> JSONResponse:
    body = await parse_body(request, UpdateBandwidthPolicyRequest)

    def apply(doc: Doc, st: int, now: int) -> None:
        if st in (S.WAITING_DELETE, S.DELETING):
            raise _state_error("update", st)
        running = doc["_sim"]["mode"] == "run"
        if running:
            _freeze(doc, now)
        doc["bandwidth_policy"] = body.model_dump(mode="json", exclude_none=True)["bandwidth_policy"]
        if running:
            _plan(doc, now, first=False)

    return _change(request, project_id, group_id, apply)


@router.delete(BASE + "/{group_id}")
async def delete(request: Request, project_id: str, group_id: str) -> JSONResponse:
    def apply(doc: Doc, st: int, now: int) -> None:
        if st in (S.WAITING_DELETE, S.DELETING):
            return
        if st not in DELETABLE:
            raise _state_error("delete", st)
        doc["_sim"].update({"mode": "deleting", "since": now})

    return _change(request, project_id, group_id, apply)
