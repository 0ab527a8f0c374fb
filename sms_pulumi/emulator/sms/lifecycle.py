"""Simulated life of an SMS migration task (api-reference/tasks.md §11), computed lazily.

A stored task carries, next to its wire fields, a private ``_sim`` record: the current *mode*, the
clock time it began, and for a running task the planned window (``_ps``..``_pe``, clock ms) of each
pending sub-task. :func:`advance` moves a document to a given clock time (run finished → SYNCING or
MIGRATE_SUCCESS, ABORTING → ABORT, DELETING → gone, scheduled failure → MIGRATE_FAIL); :func:`render`
fills the wire fields (state, progress, speeds, dates) for that time. Actions (:func:`start`,
:func:`stop`, ...) are applied to a document already advanced to "now" and re-plan from there.
Nothing runs in the background: reading an object at the same clock time always gives the same
answer, and a restart loses nothing. Modes and the choices behind them: AMBIGUITIES.md.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sms_pulumi.emulator.errors import ApiError, sms_error

Doc = dict[str, Any]

SECOND = 1000
ABORTING_MS = 10 * SECOND
DELETING_MS = 10 * SECOND
DEFAULT_RATE_MBPS = 800.0  # replication rate when the task has no speed_limit
MIN_COPY_MS = 60 * SECOND
MAX_COPY_MS = 4 * 3600 * SECOND

# mode -> task state (wire value). "run" is RUNNING; "deleted" never reaches the wire.
MODE_STATE = {
    "ready": "READY",
    "run": "RUNNING",
    "syncing": "SYNCING",
    "success": "MIGRATE_SUCCESS",
    "aborting": "ABORTING",
    "abort": "ABORT",
    "failed": "MIGRATE_FAIL",
    "sync_failed": "SYNC_FAIL",
    "deleting": "DELETING",
}
STARTABLE = {"ready", "abort", "failed", "sync_failed"}
STOPPABLE = {"run", "syncing"}
DELETABLE = {"ready", "abort", "success", "failed", "sync_failed"}
TASK_NS = uuid.UUID("6f1f2a4e-6d0c-4c55-9b1e-3a1d7a1d5e01")  # deterministic target server IDs


def _kind(task: Doc) -> str:
    if task.get("os_type") == "WINDOWS":
        return "WINDOWS"
    return "LINUX_FILE" if task.get("type") == "MIGRATE_FILE" else "LINUX_BLOCK"


def block_kind(task: Doc) -> str:
    """WINDOWS_BLOCK, LINUX_FILE or LINUX_BLOCK: how the task copies, in the API's words."""
    kind = _kind(task)
    return "WINDOWS_BLOCK" if kind == "WINDOWS" else kind


def _copy_name(task: Doc, prefix: str) -> str:
    return f"{prefix}_{block_kind(task)}"


def _rate_mbps(task: Doc) -> float:
    limit = task.get("speed_limit") or 0
    return float(limit) if limit > 0 else DEFAULT_RATE_MBPS


def _copy_ms(task: Doc) -> int:
    used = int(task["_sim"].get("data_bytes", 0))
    ms = int(used * 8 / (_rate_mbps(task) * 1_000_000) * 1000)
    return max(MIN_COPY_MS, min(MAX_COPY_MS, ms))


def replicate_plan(task: Doc) -> list[tuple[str, int]]:
    kind = _kind(task)
    steps: list[tuple[str, int]] = []
    if task.get("vm_template_id"):
        steps.append(("CREATE_CLOUD_SERVER", 60 * SECOND))
    steps += [("SSL_CONFIG", 10 * SECOND), ("ATTACH_AGENT_IMAGE", 30 * SECOND),
              (f"FORMAT_DISK_{kind}", 30 * SECOND), (_copy_name(task, "MIGRATE"), _copy_ms(task))]
    return steps


def cutover_plan(task: Doc) -> list[tuple[str, int]]:
    return [(f"CONFIGURE_{_kind(task)}", 30 * SECOND), ("DETTACH_AGENT_IMAGE", 15 * SECOND)]


def resync_plan(task: Doc) -> list[tuple[str, int]]:
    return [("SSL_CONFIG", 10 * SECOND), ("ATTACH_AGENT_IMAGE", 20 * SECOND),
            (_copy_name(task, "SYNC"), 30 * SECOND)]


def new_sim(data_bytes: int, now: int, id_base: int) -> Doc:
    """``id_base`` makes sub-task IDs (Long on the wire) unique across tasks."""
    return {"mode": "ready", "since": now, "on_done": None, "fail_at": None, "fail": None,
            "cutovers": 0, "resyncs": 0, "subtask_seq": 0, "data_bytes": data_bytes, "id_base": id_base}


def mode(task: Doc) -> str:
    return str(task["_sim"]["mode"])


# ---------------------------------------------------------------- planning


def _append_round(task: Doc, steps: list[tuple[str, int]], user_op: str) -> None:
    sim = task["_sim"]
    subs = task.setdefault("sub_tasks", [])
    for name, duration in steps:
        sim["subtask_seq"] += 1
        subs.append({"id": int(sim["id_base"]) + sim["subtask_seq"], "name": name, "progress": 0,
                     "start_date": None, "end_date": None, "migrate_speed": 0.0, "user_op": user_op,
                     "process_trace": None, "_dur": duration, "_base": 0})


def _plan_pending(task: Doc, now: int) -> None:
    """Give every unfinished sub-task a window, back to back, starting now."""
    t = now
    for sub in task.get("sub_tasks", []):
        if sub["progress"] >= 100:
            continue
        remaining = int(sub["_dur"] * (100 - sub["progress"]) / 100)
        sub["_base"] = sub["progress"]
        sub["_ps"], sub["_pe"] = t, t + remaining
        t += remaining


def _freeze(task: Doc, at: int) -> None:
    """Bake the progress at clock time ``at`` into the sub-tasks and drop their windows."""
    for sub in task.get("sub_tasks", []):
        if "_ps" in sub:
            _eval_sub(sub, at)
            del sub["_ps"], sub["_pe"]
        sub["migrate_speed"] = 0.0


def _eval_sub(sub: Doc, at: int) -> None:
    ps, pe = sub["_ps"], sub["_pe"]
    if at < ps:
        return
    if sub["start_date"] is None:
        sub["start_date"] = ps
    if at >= pe:
        sub["progress"], sub["end_date"] = 100, pe
    else:
        span = max(pe - ps, 1)
        sub["progress"] = min(99, int(sub["_base"] + (100 - sub["_base"]) * (at - ps) / span))


def _run_end(task: Doc) -> int | None:
    ends = [s["_pe"] for s in task.get("sub_tasks", []) if "_pe" in s]
    return max(ends) if ends else None


# ---------------------------------------------------------------- time


def advance(task: Doc, now: int) -> bool:
    """Move ``task`` to clock time ``now``. Returns False when the task no longer exists."""
    sim = task["_sim"]
    if sim["mode"] == "run":
        end = _run_end(task)
        fail_at = sim.get("fail_at")
        if fail_at is not None and fail_at <= now and (end is None or fail_at < end):
            _freeze(task, fail_at)
            _enter(task, "failed", fail_at)
            task["error_json"] = sim["fail"]
        elif end is None or end <= now:
            done_at = end if end is not None else now
            _freeze(task, done_at)
            _enter(task, sim["on_done"] or "success", done_at)
            if task["_sim"]["mode"] == "success":
                task["finish_date"] = done_at
    elif sim["mode"] == "aborting" and now >= sim["since"] + ABORTING_MS:
        _enter(task, "abort", sim["since"] + ABORTING_MS)
    elif sim["mode"] == "deleting" and now >= sim["since"] + DELETING_MS:
        return False
    elif sim["mode"] == "syncing" and sim.get("fail_at") is not None and sim["fail_at"] <= now:
        _enter(task, "sync_failed", sim["fail_at"])
        task["error_json"] = sim["fail"]
    task["state"] = MODE_STATE[task["_sim"]["mode"]]
    return True


def _enter(task: Doc, new_mode: str, at: int) -> None:
    sim = task["_sim"]
    sim["mode"], sim["since"] = new_mode, at
    if new_mode != "run":
        sim["fail_at"] = None
    task["state"] = MODE_STATE[new_mode]


def _run(task: Doc, now: int) -> None:
    """Copy the rounds planned so far, from `now`."""
    _plan_pending(task, now)
    _enter(task, "run", now)


def _resync_round(task: Doc) -> None:
    """One more incremental copy, after which the task is SYNCING again."""
    sim = task["_sim"]
    _append_round(task, resync_plan(task), f"RESYNC{sim['resyncs']}")
    sim["resyncs"] += 1
    sim["on_done"] = "syncing"


def render(task: Doc, now: int) -> Doc:
    """Wire view of an advanced task at ``now`` (private keys removed)."""
    sim = task["_sim"]
    view = {k: v for k, v in task.items() if not k.startswith("_")}
    subs: list[Doc] = []
    running_copy = None
    for stored in task.get("sub_tasks", []):
        sub = dict(stored)
        if "_ps" in sub:
            _eval_sub(sub, now)
            if sub["_ps"] <= now < sub["_pe"]:
                running_copy = sub
                if sub["name"].startswith(("MIGRATE_", "SYNC_")):
                    sub["migrate_speed"] = _rate_mbps(task)
                sub["process_trace"] = f"{sub['name']} {sub['progress']}%"
        subs.append({k: v for k, v in sub.items() if not k.startswith("_")})
    view["sub_tasks"] = subs
    running = sim["mode"] == "run"
    end = _run_end(task) if running else None
    copying = running_copy is not None and running_copy["name"].startswith(("MIGRATE_", "SYNC_"))
    view["migrate_speed"] = _rate_mbps(task) if copying else 0.0
    view["compress_rate"] = 1.4 if copying else 0.0
    view["remain_seconds"] = max(0, (end - now) // 1000) if end is not None else 0
    view["estimate_complete_time"] = end
    view["subtask_info"] = (f"{running_copy['name']}:{running_copy['progress']}%"
                            if running_copy is not None else None)
    for metric, value in (("total_cpu_usage", 38.5), ("agent_cpu_usage", 12.0),
                          ("total_mem_usage", 2048.0), ("agent_mem_usage", 256.0),
                          ("total_disk_io", 95.0), ("agent_disk_io", 80.0)):
        view[metric] = value if running else None
    start = view.get("start_date")
    view["total_time"] = (now - start) if (start and running) else view.get("total_time") or 0
    view["connected"] = True
    view["state"] = MODE_STATE[sim["mode"]]
    _render_target(task, view)
    return view


def _render_target(task: Doc, view: Doc) -> None:
    target = dict(view.get("target_server") or {})
    if task.get("vm_template_id"):
        created = any(s["name"] == "CREATE_CLOUD_SERVER" and s["progress"] >= 100
                      for s in view["sub_tasks"])
        target["vm_id"] = str(uuid.uuid5(TASK_NS, task["id"])) if created else ""
    view["target_server"] = target


def source_state(task_view: Doc | None, registered_state: str) -> tuple[str, str]:
    """(state, migration_cycle) of a source server given its task's current view."""
    if task_view is None:
        return registered_state, "checking"
    state = task_view["state"]
    subs = task_view.get("sub_tasks") or []
    op = subs[-1]["user_op"] if subs else "REPLICATE"
    cycle = ("cutovering" if op.startswith("CUTOVER") else "syncing" if op.startswith("RESYNC")
             else "replicating")
    if state == "READY":
        return "waiting", "setting"
    if state == "RUNNING":
        current = next((s for s in subs if s["progress"] < 100), None)
        if cycle == "cutovering":
            return "cutovering", cycle
        if cycle == "syncing":
            return "syncing", cycle
        if current is not None and current["name"].startswith("MIGRATE_"):
            return "replicate", cycle
        return "initialize", cycle
    return {
        "SYNCING": ("syncing", "syncing"),
        "MIGRATE_SUCCESS": ("finished", "cutovered"),
        "ABORTING": ("stopping", cycle),
        "ABORT": ("stopped", cycle),
        "MIGRATE_FAIL": ("error", cycle),
        "SYNC_FAIL": ("error", "syncing"),
        "DELETING": ("deleting", cycle),
    }.get(state, (registered_state, "checking"))


# ---------------------------------------------------------------- actions


def start(task: Doc, now: int) -> None:
    sim = task["_sim"]
    if sim["mode"] not in STARTABLE:
        raise sms_error("SMS.7713", f"the task is {MODE_STATE[sim['mode']]}")
    if not task.get("sub_tasks"):
        _append_round(task, replicate_plan(task), "REPLICATE")
        if not task.get("syncing"):
            # Without continuous sync the task launches the target by itself (tasks.md §11.4).
            sim["cutovers"] += 1
            _append_round(task, cutover_plan(task), "CUTOVER0")
        sim["on_done"] = "syncing" if task.get("syncing") else "success"
        task["start_date"] = now
    elif all(s["progress"] >= 100 for s in task["sub_tasks"]):
        # Resuming a task that was paused while syncing: one resync round, then SYNCING again.
        _resync_round(task)
    task["error_json"] = ""
    sim["fail"] = None
    task["finish_date"] = None
    _run(task, now)


def stop(task: Doc, now: int) -> None:
    sim = task["_sim"]
    if sim["mode"] not in STOPPABLE:
        raise sms_error("SMS.7714", f"the task is {MODE_STATE[sim['mode']]}")
    if sim["mode"] == "syncing":
        sim["on_done"] = "syncing"
    _freeze(task, now)
    _enter(task, "aborting", now)


def cutover(task: Doc, now: int) -> None:
    sim = task["_sim"]
    if sim["mode"] != "syncing":
        raise sms_error("SMS.7721", f"the task is {MODE_STATE[sim['mode']]}")
    _append_round(task, cutover_plan(task), f"CUTOVER{sim['cutovers']}")
    sim["cutovers"] += 1
    sim["on_done"] = "success"
    _run(task, now)


def restart(task: Doc, now: int) -> None:
    sim = task["_sim"]
    if sim["mode"] != "success":
        raise sms_error("SMS.7722", f"the task is {MODE_STATE[sim['mode']]}")
    _resync_round(task)
    task["finish_date"] = None
    _run(task, now)


def begin_delete(task: Doc, now: int) -> None:
    sim = task["_sim"]
    if sim["mode"] == "deleting":
        return  # deleting twice is harmless: the first delete is still under way
    if sim["mode"] not in DELETABLE:
        raise sms_error("SMS.7719", f"the task is {MODE_STATE[sim['mode']]}")
    _enter(task, "deleting", now)


def inject_failure(task: Doc, now: int, after_ms: int, code: str, msg: str) -> None:
    sim = task["_sim"]
    if sim["mode"] not in ("run", "syncing"):
        raise ApiError(409, "EMULATOR.STATE",
                       f"only RUNNING or SYNCING tasks can fail (the task is {MODE_STATE[sim['mode']]})")
    sim["fail_at"] = now + max(0, after_ms)
    sim["fail"] = json.dumps({"error_code": code, "error_msg": msg})
    advance(task, now)
