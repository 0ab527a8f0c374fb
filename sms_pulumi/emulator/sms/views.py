"""Reading SMS objects as of "now": lazy lifecycle, garbage collection of deleted tasks, and the
wire views that link sources and tasks (a source shows its task; a task embeds its source)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sms_pulumi.emulator.errors import sms_error
from sms_pulumi.emulator.sms import lifecycle
from sms_pulumi.emulator.store import Doc, Tx


def project(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Only the keys ``model`` declares (wire names): responses carry documented fields only."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key in data:
            out[key] = data[key]
    return out


def load_task(tx: Tx, task_id: str, now: int) -> Doc | None:
    """The stored task advanced to ``now``, or None when it does not exist (any more)."""
    doc = tx.get("tasks", task_id)
    if doc is None:
        return None
    return _advance(tx, doc, now)


def _advance(tx: Tx, doc: Doc, now: int) -> Doc | None:
    before = (doc["_sim"]["mode"], doc["_sim"]["since"])
    if not lifecycle.advance(doc, now):
        forget_task(tx, doc)
        return None
    if (doc["_sim"]["mode"], doc["_sim"]["since"]) != before:
        tx.put("tasks", doc["id"], doc)  # persist transitions so the stored state stays readable
    return doc


def forget_task(tx: Tx, doc: Doc) -> None:
    tx.delete("tasks", doc["id"])
    source = tx.get("sources", doc["source_server"]["id"])
    if source is not None and source.get("_task_id") == doc["id"]:
        source["_task_id"] = None
        tx.put("sources", source["id"], source)


def all_tasks(tx: Tx, now: int) -> list[Doc]:
    docs = []
    for doc in tx.list("tasks"):
        advanced = _advance(tx, doc, now)
        if advanced is not None:
            docs.append(advanced)
    return docs


def require_task(tx: Tx, task_id: str, now: int, *, status: int = 400) -> Doc:
    """The task, or SMS.7703 (HTTP 400, as SMS answers "not found"; 404 where the manual says so)."""
    doc = load_task(tx, task_id, now)
    if doc is None:
        raise sms_error("SMS.7703", f"task {task_id}", status=status)
    return doc


def require_project(tx: Tx, project_id: str) -> Doc:
    doc = tx.get("migprojects", project_id)
    if doc is None:
        raise sms_error("SMS.7301", f"migration project {project_id}")
    return doc


def require_source(tx: Tx, source_id: str) -> Doc:
    doc = tx.get("sources", source_id)
    if doc is None:
        raise sms_error("SMS.7602", f"source server {source_id}")
    return doc


def task_view(tx: Tx, doc: Doc, now: int, source: Doc | None = None) -> Doc:
    """Full wire view of an advanced task (the show body; list items are a projection of it)."""
    view = lifecycle.render(doc, now)
    src = source if source is not None else tx.get("sources", doc["source_server"]["id"])
    embedded = dict(doc["source_server"])
    if src is not None:
        state, cycle = lifecycle.source_state(view, src.get("_registered_state", "waiting"))
        embedded.update({k: src.get(k) for k in ("id", "ip", "name", "os_type", "os_version", "oem_system")})
        embedded.update({"state": state, "migration_cycle": cycle})
    view["source_server"] = embedded
    return view


def source_view(tx: Tx, doc: Doc, now: int) -> Doc:
    """Wire view of a source server with its task's live state folded in."""
    view = {k: v for k, v in doc.items() if not k.startswith("_")}
    task = load_task(tx, doc["_task_id"], now) if doc.get("_task_id") else None
    tview = task_view(tx, task, now, source=doc) if task is not None else None
    state, cycle = lifecycle.source_state(tview, doc.get("_registered_state", "waiting"))
    view["state"], view["migration_cycle"] = state, cycle
    view["current_task"] = tview
    total = int(doc.get("totalsize") or 0)
    view["replicatesize"] = _replicated(tview, total)
    return view


def _replicated(tview: Doc | None, total: int) -> int:
    if tview is None:
        return 0
    copy = [s for s in tview.get("sub_tasks") or [] if s["name"].startswith("MIGRATE_")]
    return int(total * copy[0]["progress"] / 100) if copy else 0
