"""OMS v2 task groups (``sdk-3.1.219/oms_ops_table.md``; show: ``oms-taskgroups.md``), under
``/v2/{project_id}/taskgroups``. The simulated life of a group is :mod:`.lifecycle`; this module
validates requests, keeps groups per project and never stores the keys sent on create, start or
retry. Choices: AMBIGUITIES.md.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api import codes
from sms_pulumi.api.models.common import nested_secret_fields
from sms_pulumi.api.models.oms import (
    CloudType,
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
    UpdateBandwidthPolicyRequest,
)
from sms_pulumi.emulator.errors import EmulatorError, error
from sms_pulumi.emulator.http import empty, page, parse_body, query_model, render, respond
from sms_pulumi.emulator.oms import lifecycle
from sms_pulumi.emulator.records import GroupSim, TaskGroupRecord
from sms_pulumi.emulator.state import emulator
from sms_pulumi.emulator.store import Tx

router = APIRouter()

# Shown for a group whose create body left them out (seed 004's defaults).
_GROUP_DEFAULTS: dict[str, object] = {
    "description": "", "task_type": "PREFIX", "bandwidth_policy": [], "enable_metadata_migration": False,
    "enable_restore": False, "enable_failed_object_recording": True, "enable_requester_pays": False,
    "enable_kms": False, "object_overwrite_mode": "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE",
    "dst_storage_policy": "STANDARD", "consistency_check": "size_last_modified", "obs_system": "BUCKET",
    "failed_object_record": {"result": None, "list_file_key": None, "error_code": None},
}


def load(tx: Tx, group_id: str, now: int) -> TaskGroupRecord | None:
    """The group advanced to ``now`` (transitions stored), or None once it is gone."""
    group = tx.get(TaskGroupRecord, group_id)
    if group is None:
        return None
    if lifecycle.gone(group, now):
        tx.delete(TaskGroupRecord, group_id)
        return None
    if lifecycle.advance(group, now):
        tx.put(group)
    return group


def _require(tx: Tx, project_id: str, group_id: str, now: int) -> TaskGroupRecord:
    group = load(tx, group_id, now)
    if group is None or group.project_id != project_id:  # another project's group is not found either
        raise error(codes.OMS_TASK_GROUP_NOT_FOUND, f"task group {group_id}")
    return group


def all_groups(tx: Tx, now: int) -> list[TaskGroupRecord]:
    return [g for g in (load(tx, r.group_id, now) for r in tx.list(TaskGroupRecord)) if g is not None]


def _size_for(body: CreateTaskGroupRequest) -> tuple[int, int]:
    """Deterministic object count and size from the source, so re-creating gives the same figures."""
    key = f"{body.src_node.bucket}/{','.join(body.src_node.object_key or [])}".encode()
    h = int(hashlib.sha256(key).hexdigest()[:8], 16)
    size = (2 + h % 48) * 1024**3  # 2-49 GiB
    return size, size // (2 * 1024 * 1024)


def _wire(group: TaskGroupRecord, now: int) -> dict[str, object]:
    body = lifecycle.view(group, now)
    nodes = (("src_node", TaskGroupSrcNode), ("dst_node", TaskGroupDstNode), ("source_cdn", SourceCdn))
    for node, model in nodes:
        value = body.get(node)
        if isinstance(value, dict):
            body[node] = {k: value.get(k) for k in model.model_fields}
    return {k: body.get(k) for k in TaskGroup.model_fields}


BASE = "/v2/{project_id}/taskgroups"


@router.post(BASE)
async def create(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    body = await parse_body(request, CreateTaskGroupRequest)
    now = emu.now()
    data = body.model_dump(mode="json", exclude_none=True)
    for node, secrets in nested_secret_fields(CreateTaskGroupRequest).items():  # used, never stored
        for secret in secrets:
            (data.get(node) or {}).pop(secret, None)
    data["src_node"].setdefault("cloud_type", CloudType.ALIYUN.value)
    if "smn_config" in data:
        data["smn_config"] = {"notify_result": None, "notify_error_message": None, "topic_name": None}
    data["migrate_since"] = int(data.get("migrate_since", 0)) * 1000  # seconds in, milliseconds out
    size, count = _size_for(body)
    group = TaskGroupRecord(group_id=str(uuid.uuid4()), project_id=project_id,
                            body={**_GROUP_DEFAULTS, **data}, total_size=size, total_num=count,
                            start_time=now, sim=GroupSim(since=now))
    lifecycle.start_new(group, now)
    with emu.store.transaction() as tx:
        tx.put(group)
    return respond(CreateTaskGroupResponse, {"group_id": group.group_id})


@router.get(BASE)
async def list_groups(request: Request, project_id: str) -> JSONResponse:
    emu = emulator(request)
    q = query_model(request, ListTaskGroupsQuery)
    now = emu.now()
    with emu.store.transaction() as tx:
        items = [_wire(g, now) for g in all_groups(tx, now) if g.project_id == project_id]
    if q.status is not None:
        items = [i for i in items if i["status"] == int(q.status)]
    return respond(ListTaskGroupsResponse, {"count": len(items), "taskgroups": page(items, q)})


@router.get(BASE + "/{group_id}")
async def show(request: Request, project_id: str, group_id: str) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    with emu.store.transaction() as tx:
        group = _require(tx, project_id, group_id, now)
    return JSONResponse(render(TaskGroup, _wire(group, now)))


def _change(request: Request, project_id: str, group_id: str,
            apply: Callable[[TaskGroupRecord, int], None]) -> JSONResponse:
    emu = emulator(request)
    now = emu.now()
    with emu.store.transaction() as tx:
        group = _require(tx, project_id, group_id, now)
        apply(group, now)
        tx.put(group)
    return empty()


@router.put(BASE + "/{group_id}/stop")
async def stop(request: Request, project_id: str, group_id: str) -> JSONResponse:
    return _change(request, project_id, group_id, lifecycle.stop)


@router.put(BASE + "/{group_id}/start")
async def start(request: Request, project_id: str, group_id: str) -> JSONResponse:
    await parse_body(request, StartTaskGroupRequest)  # validates the keys; they are not kept
    return _change(request, project_id, group_id, lifecycle.resume)


@router.put(BASE + "/{group_id}/retry")
async def retry(request: Request, project_id: str, group_id: str) -> JSONResponse:
    body = await parse_body(request, RetryTaskGroupRequest)
    keep = bool(body.migrate_failed_object)
    return _change(request, project_id, group_id, lambda group, now: lifecycle.retry(group, now, keep))


@router.put(BASE + "/{group_id}/update")
async def update_bandwidth(request: Request, project_id: str, group_id: str) -> JSONResponse:
    body = await parse_body(request, UpdateBandwidthPolicyRequest)
    policy = body.model_dump(mode="json", exclude_none=True)["bandwidth_policy"]
    return _change(request, project_id, group_id,
                   lambda group, now: lifecycle.update_bandwidth(group, now, policy))


@router.delete(BASE + "/{group_id}")
async def delete(request: Request, project_id: str, group_id: str) -> JSONResponse:
    return _change(request, project_id, group_id, lifecycle.delete)


def inject_failure(tx: Tx, group_id: str, now: int, after_ms: int, msg: str) -> None:
    group = load(tx, group_id, now)
    if group is None:
        raise EmulatorError(404, "EMULATOR.NOT_FOUND", f"no task group {group_id}")
    lifecycle.inject_failure(group, now, after_ms, msg)
    tx.put(group)
