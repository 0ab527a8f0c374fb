"""Reading SMS objects as of "now": lazy lifecycle, lookups that answer the manual's "does not exist"
codes, and the wire views that link sources and tasks (a source shows its task; a task embeds its
source)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from sms_pulumi.emulator.errors import EmulatorError, error
from sms_pulumi.emulator.records import (
    Doc,
    MigProjectRecord,
    Record,
    SourceRecord,
    TaskRecord,
    TemplateRecord,
)
from sms_pulumi.emulator.sms import lifecycle
from sms_pulumi.emulator.sms.layout import init_target_server
from sms_pulumi.emulator.store import Tx


def documented_only(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Only the keys ``model`` declares (wire names): responses carry documented fields only."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key in data:
            out[key] = data[key]
    return out


def _missing(code: str, what: str, referenced: bool) -> EmulatorError:
    # The path names the object: 404 (what clients test for); a body only refers to it: 400.
    return error(code, what, status=400 if referenced else None)


R = TypeVar("R", MigProjectRecord, SourceRecord, TemplateRecord)
_MISSING: dict[type[Record], tuple[str, str]] = {
    MigProjectRecord: ("SMS.7301", "migration project"),
    SourceRecord: ("SMS.7602", "source server"),
    TemplateRecord: ("SMS.7101", "template"),
}


def require(tx: Tx, kind: type[R], key: str, *, referenced: bool = False) -> R:
    """The stored object, or its "does not exist" code (tasks: :func:`require_task`)."""
    record = tx.get(kind, key)
    if record is None:
        code, noun = _MISSING[kind]
        raise _missing(code, f"{noun} {key}", referenced)
    return record


def load_task(tx: Tx, task_id: str, now: int) -> TaskRecord | None:
    """The stored task advanced to ``now`` (the transitions it went through are stored), or None."""
    task = tx.get(TaskRecord, task_id)
    if task is not None and lifecycle.advance(task, now):
        tx.put(task)
    return task


def all_tasks(tx: Tx, now: int) -> list[TaskRecord]:
    tasks = tx.list(TaskRecord)
    for task in tasks:
        if lifecycle.advance(task, now):
            tx.put(task)
    return tasks


def require_task(tx: Tx, task_id: str, now: int, *, referenced: bool = False) -> TaskRecord:
    task = load_task(tx, task_id, now)
    if task is None:
        raise _missing("SMS.7703", f"task {task_id}", referenced)
    return task


def forget_task(tx: Tx, task: TaskRecord) -> None:
    """Delete a task (at once: manual 4.3, "200 means deleted") and free its source."""
    tx.delete(TaskRecord, task.id)
    source = tx.get(SourceRecord, task.source_id)
    if source is not None and source.task_id == task.id:
        source.task_id = None
        tx.put(source)


def task_view(tx: Tx, task: TaskRecord, now: int, source: SourceRecord | None = None) -> Doc:
    """Full wire view of an advanced task (the show body; list items are a projection of it)."""
    view = lifecycle.render(task, now)
    src = source if source is not None else tx.get(SourceRecord, task.source_id)
    embedded: Doc = {"id": task.source_id}
    if src is not None:
        state, cycle = lifecycle.source_state(task, view, now, src.registered_state)
        embedded.update({k: src.body.get(k) for k in ("ip", "name", "os_type", "os_version", "oem_system")})
        embedded.update({"state": state, "migration_cycle": cycle})
    view["source_server"] = embedded
    return view


def source_view(tx: Tx, source: SourceRecord, now: int) -> Doc:
    """Wire view of a source server with its task's live state folded in."""
    view = dict(source.body)
    view["id"] = source.id
    task = load_task(tx, source.task_id, now) if source.task_id else None
    tview = task_view(tx, task, now, source=source) if task is not None else None
    state, cycle = lifecycle.source_state(task, tview, now, source.registered_state)
    view["state"], view["migration_cycle"] = state, cycle
    view["current_task"] = tview
    if tview is not None and task is not None:
        tview["log_bucket"] = task.log.detail if task.log is not None else None
        uploaded = lifecycle.log_uploaded_at(task)
        done = tview["log_collect_status"] == "UPLOADED"
        tview["log_upload_time"] = uploaded if done else None
        tview["log_expire"] = 300 if done else None
        tview["log_share_url"] = (f"https://{tview['log_bucket']}.obs.{task.settings.get('region_id')}"
                                  f".myhuaweicloud.com/sms-logs/{task.id}.zip") if done else None
    view["replicatesize"] = _replicated(tview, int(source.body.get("totalsize") or 0))
    view["init_target_server"] = init_target_server(source)
    view["is_consistency_result_exist"] = bool(task is not None and task.consistency)
    return view


def _replicated(tview: Doc | None, total: int) -> int:
    if tview is None:
        return 0
    copy = [s for s in tview.get("sub_tasks") or [] if s["name"].startswith("MIGRATE_")]
    return int(total * copy[0]["progress"] / 100) if copy else 0
