"""Simulated life of an SMS migration task (api-reference/tasks.md §11), computed lazily.

A :class:`~sms_pulumi.emulator.records.TaskRecord` carries its simulation: the current *mode* and the
clock time it began (``sim``), and for a running task the planned clock window of each pending step
(``sub_tasks[].planned``). :func:`advance` moves a record to a given clock time (an auto-start
coming due, a consistency check finishing, a run finishing → SYNCING or MIGRATE_SUCCESS, ABORTING →
ABORT, a scheduled failure → MIGRATE_FAIL); :func:`render` gives the wire fields (state, progress,
speeds, dates) for that time. Actions (:func:`start`, :func:`stop`, ...) are applied to a record
already advanced to "now" and re-plan from there. Side processes (clone, drill, snapshot clean-up,
network check, log upload) run on timelines of their own (:mod:`sms_pulumi.emulator.timing`).

Nothing runs in the background: reading an object at the same clock time always gives the same
answer, and a restart loses nothing. Copy steps run at the task's rate, which speed-limit windows
lower during their hours (:class:`~sms_pulumi.emulator.timing.RateWindows`). Modes, durations and
the choices behind them: AMBIGUITIES.md ("Task actions").
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from sms_pulumi.api.models.tasks import ConsistencyCheck, ConsistencyResult, LogCollectStatus
from sms_pulumi.emulator.errors import EmulatorError, error
from sms_pulumi.emulator.records import CloneRun, Doc, Process, SubTaskRecord, TaskMode, TaskRecord
from sms_pulumi.emulator.timing import Phase, RateWindows, phase_at, phases

SECOND = 1000
ABORTING_MS = 10 * SECOND
AUTO_START_MS = 30 * SECOND  # the Agent picks up an auto_start task at its next command poll
SKIPPING_MS = 5 * SECOND
CHECK_MS = 60 * SECOND  # consistency check after a copy step
DEFAULT_RATE_MBPS = 800.0  # replication rate when no speed limit applies
MIN_COPY_MS = 60 * SECOND
MAX_COPY_MS = 4 * 3600 * SECOND
RESYNC_COPY_MS = 30 * SECOND
CLONE_STEPS = (("PREPARING", 10 * SECOND), ("CREATING", 60 * SECOND))
DRILL_STEPS = (("premigready", 5 * SECOND), ("premiging", 60 * SECOND))
CLEAR_STEPS = (("clearing", 20 * SECOND),)
NETWORK_CHECK_STEPS = (("checking", 30 * SECOND),)
LOG_STEPS = ((LogCollectStatus.UPLOADING.value, 20 * SECOND),)
CONSISTENCY_STEP = "CONSISTENCY_CHECK"  # a hidden step: the manual's sub-task names have none

MODE_STATE: dict[TaskMode, str] = {
    "ready": "READY",
    "run": "RUNNING",
    "skipping": "SKIPPING",
    "syncing": "SYNCING",
    "success": "MIGRATE_SUCCESS",
    "aborting": "ABORTING",
    "abort": "ABORT",
    "failed": "MIGRATE_FAIL",
    "sync_failed": "SYNC_FAIL",
}
RUNNING: frozenset[TaskMode] = frozenset({"run", "skipping"})
STARTABLE: frozenset[TaskMode] = frozenset({"ready", "abort", "failed", "sync_failed"})
STOPPABLE: frozenset[TaskMode] = frozenset({"run", "skipping", "syncing"})
DELETABLE: frozenset[TaskMode] = frozenset({"ready", "abort", "success", "failed", "sync_failed"})
# Passwords "can only be queried for tasks that are replicating or synchronizing" (SMS.9905).
PASSPHRASE_MODES: frozenset[TaskMode] = frozenset({"run", "skipping", "syncing"})
TASK_NS = uuid.UUID("6f1f2a4e-6d0c-4c55-9b1e-3a1d7a1d5e01")  # deterministic target server IDs


def state(task: TaskRecord) -> str:
    return MODE_STATE[task.sim.mode]


def _kind(task: TaskRecord) -> str:
    if task.settings.get("os_type") == "WINDOWS":
        return "WINDOWS"
    return "LINUX_FILE" if task.settings.get("type") == "MIGRATE_FILE" else "LINUX_BLOCK"


def block_kind(task: TaskRecord) -> str:
    """WINDOWS_BLOCK, LINUX_FILE or LINUX_BLOCK: how the task copies, in the API's words."""
    kind = _kind(task)
    return "WINDOWS_BLOCK" if kind == "WINDOWS" else kind


def base_rate(task: TaskRecord) -> float:
    limit = task.settings.get("speed_limit") or 0
    return float(limit) if limit > 0 else DEFAULT_RATE_MBPS


def rate_windows(task: TaskRecord) -> RateWindows:
    """The task's copy rate over the day, Mbit/s: its speed-limit windows over its base rate."""
    return RateWindows(((r.start or "0:00", r.end or "0:00", float(r.speed or 0)) for r in task.speed_limits),
                       base_rate(task))


def _copy_ms(task: TaskRecord) -> int:
    ms = int(task.sim.data_bytes * 8 / (base_rate(task) * 1_000_000) * 1000)
    return max(MIN_COPY_MS, min(MAX_COPY_MS, ms))


Step = tuple[str, int, bool]  # name, duration at the base rate, copies data


def _with_check(task: TaskRecord, copy: Step) -> list[Step]:
    steps = [copy]
    if task.settings.get("is_need_consistency_check"):
        steps.append((CONSISTENCY_STEP, CHECK_MS, False))
    return steps


def replicate_plan(task: TaskRecord) -> list[Step]:
    kind = _kind(task)
    steps: list[Step] = []
    if task.settings.get("vm_template_id"):
        steps.append(("CREATE_CLOUD_SERVER", 60 * SECOND, False))
    steps += [("SSL_CONFIG", 10 * SECOND, False), ("ATTACH_AGENT_IMAGE", 30 * SECOND, False),
              (f"FORMAT_DISK_{kind}", 30 * SECOND, False)]
    return steps + _with_check(task, (f"MIGRATE_{block_kind(task)}", _copy_ms(task), True))


def cutover_plan(task: TaskRecord) -> list[Step]:
    return [(f"CONFIGURE_{_kind(task)}", 30 * SECOND, False), ("DETTACH_AGENT_IMAGE", 15 * SECOND, False)]


def resync_plan(task: TaskRecord) -> list[Step]:
    return [("SSL_CONFIG", 10 * SECOND, False), ("ATTACH_AGENT_IMAGE", 20 * SECOND, False),
            *_with_check(task, (f"SYNC_{block_kind(task)}", RESYNC_COPY_MS, True))]


# ---------------------------------------------------------------- planning


def _append_round(task: TaskRecord, steps: list[Step], user_op: str) -> None:
    sim = task.sim
    for name, duration, copies in steps:
        sim.subtask_seq += 1
        task.sub_tasks.append(SubTaskRecord(id=sim.id_base + sim.subtask_seq, name=name, user_op=user_op,
                                            work_ms=duration, copies=copies,
                                            hidden=name == CONSISTENCY_STEP))


def _plan(task: TaskRecord, now: int) -> None:
    """Give every unfinished step a clock window, back to back, starting now."""
    windows = rate_windows(task)
    t = now
    for sub in task.sub_tasks:
        if sub.done_ms >= sub.work_ms:
            continue
        remaining = sub.work_ms - sub.done_ms
        end = windows.time_to(t, remaining * windows.base) if sub.copies else t + round(remaining)
        sub.planned = (t, max(end, t + 1))
        t = sub.planned[1]


def _done_at(sub: SubTaskRecord, at: int, windows: RateWindows) -> float:
    """Work of ``sub`` done by clock time ``at`` (its planned window must be set)."""
    assert sub.planned is not None
    ps, pe = sub.planned
    if at >= pe:
        return float(sub.work_ms)
    if at <= ps:
        return sub.done_ms
    gained = windows.amount(ps, at) / windows.base if sub.copies else at - ps
    return min(sub.work_ms - 1e-6, sub.done_ms + gained)


def _settle(sub: SubTaskRecord, at: int, windows: RateWindows) -> None:
    """Bake the state of ``sub`` at clock time ``at`` into it (its window stays)."""
    assert sub.planned is not None
    ps, pe = sub.planned
    if at < ps:
        return
    if sub.start_date is None:
        sub.start_date = ps
    sub.done_ms = _done_at(sub, at, windows)
    if at >= pe:
        sub.end_date = pe


def _freeze(task: TaskRecord, at: int) -> None:
    """Bake the progress at clock time ``at`` into the steps and drop their windows."""
    windows = rate_windows(task)
    for sub in task.sub_tasks:
        if sub.planned is not None:
            _settle(sub, at, windows)
            sub.planned = None


def _run_end(task: TaskRecord) -> int | None:
    ends = [s.planned[1] for s in task.sub_tasks if s.planned is not None]
    return max(ends) if ends else None


def change_rate(task: TaskRecord, now: int, apply: Callable[[], None]) -> None:
    """``apply`` a change of the copy rate (speed-limit windows, ``speed_limit``) at ``now``: what a
    run copied at the old rate stays copied, what is left runs at the new one."""
    running = task.sim.mode == "run"
    if running:
        _freeze(task, now)
    apply()
    if running:
        _plan(task, now)


# ---------------------------------------------------------------- time


def advance(task: TaskRecord, now: int) -> bool:
    """Move ``task`` to clock time ``now``; True when the record changed (store it)."""
    changed = False
    for _ in range(8):  # an auto-start, a check, the end of the run: each step may lead to the next
        step = _advance_once(task, now)
        if not step:
            return changed
        changed = True
    return changed


def _advance_once(task: TaskRecord, now: int) -> bool:
    sim = task.sim
    if sim.mode == "ready" and sim.auto_start_at is not None and sim.auto_start_at <= now:
        at = sim.auto_start_at
        sim.auto_start_at = None
        _begin(task, at)
        return True
    if sim.mode == "run":
        if _record_checks(task, now):
            return True
        end = _run_end(task)
        if sim.fail_at is not None and sim.fail_at <= now and (end is None or sim.fail_at < end):
            _freeze(task, sim.fail_at)
            task.error_json = sim.fail or ""
            _enter(task, "failed", sim.fail_at)
            return True
        if end is None or end <= now:
            done_at = end if end is not None else now
            _freeze(task, done_at)
            next_mode: TaskMode = sim.on_done or "success"
            _enter(task, next_mode, done_at)
            if next_mode == "success":
                task.finish_date = done_at
                task.snapshot_ids = f"snap-{uuid.uuid5(TASK_NS, f'{task.id}/{sim.cutovers}')}"
            return True
        return False
    if sim.mode == "skipping" and now >= sim.since + SKIPPING_MS:
        resume = sim.since + SKIPPING_MS
        _enter(task, "run", resume)
        _plan(task, resume)
        return True
    if sim.mode == "aborting" and now >= sim.since + ABORTING_MS:
        _enter(task, "abort", sim.since + ABORTING_MS)
        return True
    if sim.mode == "syncing" and sim.fail_at is not None and sim.fail_at <= now:
        task.error_json = sim.fail or ""
        _enter(task, "sync_failed", sim.fail_at)
        return True
    return False


def _record_checks(task: TaskRecord, now: int) -> bool:
    """A consistency check that finished by ``now`` (and before a scheduled failure) leaves its
    result (5.4.13)."""
    windows = rate_windows(task)
    until = now if task.sim.fail_at is None else min(now, task.sim.fail_at)
    recorded = False
    for sub in task.sub_tasks:
        if sub.hidden and sub.planned is not None and sub.end_date is None and sub.planned[1] <= until:
            _settle(sub, sub.planned[1], windows)
            task.consistency.append(consistency_result(task, sub.planned[1]))
            recorded = True
    return recorded


def consistency_result(task: TaskRecord, finished: int) -> ConsistencyCheck:
    """A passed check of the directories the task covers (``CONSISTENCY_DIR`` or the mount points)."""
    dirs = [c.config_value or "" for c in task.configurations if c.config_key == "CONSISTENCY_DIR"]
    directories = [d.strip() for v in dirs for d in v.split(",") if d.strip()] or task.check_dirs
    files = max(1, min(1_000_000, task.sim.data_bytes // (4 * 1024 * 1024) // max(1, len(directories))))
    return ConsistencyCheck(
        finished_time=finished, check_result="success",
        consistency_result=[ConsistencyResult(dir_check=d, num_total_files=files, num_different_files=0,
                                              num_target_miss_files=0, num_target_more_files=0)
                            for d in directories])


def _enter(task: TaskRecord, new_mode: TaskMode, at: int) -> None:
    sim = task.sim
    if sim.mode in RUNNING:
        sim.run_ms += max(0, at - sim.since)
    sim.mode, sim.since = new_mode, at
    if new_mode != "run":
        sim.fail_at = None


def _run(task: TaskRecord, now: int) -> None:
    """Copy the rounds planned so far, from ``now``."""
    _enter(task, "run", now)
    _plan(task, now)


def _resync_round(task: TaskRecord) -> None:
    """One more incremental copy, after which the task is SYNCING again."""
    sim = task.sim
    _append_round(task, resync_plan(task), f"RESYNC{sim.resyncs}")
    sim.resyncs += 1
    sim.on_done = "syncing"


# ---------------------------------------------------------------- wire view


def render(task: TaskRecord, now: int) -> Doc:
    """The task's wire fields at ``now`` (an advanced record): the show body before projection."""
    sim = task.sim
    windows = rate_windows(task)
    view: Doc = dict(task.settings)
    subs: list[Doc] = []
    current: Doc | None = None
    for stored in task.sub_tasks:
        sub = stored.model_copy()
        running_now = False
        if sub.planned is not None:
            _settle(sub, now, windows)
            running_now = sub.planned[0] <= now < sub.planned[1]
        if sub.hidden:
            continue
        wire = {"id": sub.id, "name": sub.name, "progress": sub.progress, "start_date": sub.start_date,
                "end_date": sub.end_date, "migrate_speed": 0.0, "user_op": sub.user_op,
                "process_trace": None}
        if running_now:
            if sub.copies:
                wire["migrate_speed"] = windows.rate_at(now)
            wire["process_trace"] = f"{sub.name} {sub.progress}%"
            current = wire
        subs.append(wire)
    view["sub_tasks"] = subs
    running = sim.mode in RUNNING
    end = _run_end(task) if sim.mode == "run" else None
    copying = current is not None and current["migrate_speed"] > 0
    view.update({
        "id": task.id,
        "state": state(task),
        "create_date": task.create_date,
        "start_date": task.start_date,
        "finish_date": task.finish_date,
        "error_json": task.error_json,
        "migrate_speed": windows.rate_at(now) if copying else 0.0,
        "compress_rate": 1.4 if copying else 0.0,
        "remain_seconds": max(0, (end - now) // 1000) if end is not None else 0,
        "estimate_complete_time": end,
        "subtask_info": f"{current['name']}:{current['progress']}%" if current is not None else None,
        "total_time": sim.run_ms + (now - sim.since if running else 0),
        "connected": True,
        "float_ip": None,
        "target_snapshot_id": None,
        "enterprise_project_id": task.settings.get("enterprise_project_id", "0"),
        "log_collect_status": log_status(task, now),
        "clone_server": clone_server(task, now),
        "network_check_info": network_check_info(task, now),
        "special_config": [c.model_dump(mode="json") for c in task.configurations],
    })
    for metric, value in (("total_cpu_usage", 38.5), ("agent_cpu_usage", 12.0),
                          ("total_mem_usage", 2048.0), ("agent_mem_usage", 256.0),
                          ("total_disk_io", 95.0), ("agent_disk_io", 80.0)):
        view[metric] = value if running else None
    view["target_server"] = _target(task, now, subs)
    return view


def _target(task: TaskRecord, now: int, subs: list[Doc]) -> Doc:
    target = dict(task.settings.get("target_server") or {})
    if task.settings.get("vm_template_id"):
        created = any(s["name"] == "CREATE_CLOUD_SERVER" and s["progress"] >= 100 for s in subs)
        target["vm_id"] = str(uuid.uuid5(TASK_NS, task.id)) if created else ""
    cleared = _over(task.clear, CLEAR_STEPS, now) and not _failed(task.clear, now)
    target["cutovered_snapshot_ids"] = None if cleared else task.snapshot_ids
    return target


def _timeline(process: Process, steps: tuple[tuple[str, int], ...]) -> list[Phase]:
    return phases(process.started, steps)


def _over(process: Process | None, steps: tuple[tuple[str, int], ...], now: int) -> bool:
    return process is not None and phase_at(_timeline(process, steps), now)[1]


def _failed(process: Process | None, now: int) -> bool:
    return process is not None and process.failed_at is not None and process.failed_at <= now


def _running(process: Process | None, steps: tuple[tuple[str, int], ...], now: int) -> bool:
    return process is not None and not _over(process, steps, now) and not _failed(process, now)


def clone_server(task: TaskRecord, now: int) -> Doc | None:
    clone = task.clone
    if clone is None:
        return None
    phase, over = phase_at(_timeline(clone, CLONE_STEPS), now)
    if _failed(clone, now):
        return {"vm_id": "", "name": clone.name, "clone_error": clone.error_code, "clone_state": "ERROR",
                "error_msg": clone.error_msg}
    return {"vm_id": clone.vm_id if over else "", "name": clone.name, "clone_error": None,
            "clone_state": "FINISHED" if over else phase.name, "error_msg": None}


def cloning(task: TaskRecord, now: int) -> bool:
    return _running(task.clone, CLONE_STEPS, now)


def network_check_info(task: TaskRecord, now: int) -> Doc | None:
    if not _over(task.network_check, NETWORK_CHECK_STEPS, now):
        return None
    return {"domain_connectivity": True, "destination_connectivity": True, "network_delay": 12.5,
            "network_jitter": 1.2, "migration_speed": min(940.0, base_rate(task)), "loss_percentage": 0.0,
            "cpu_usage": 18.0, "mem_usage": 42.0, "evaluation_result": "NORMAL"}


def log_status(task: TaskRecord, now: int) -> str:
    if task.log is None:
        return LogCollectStatus.INIT.value
    if _failed(task.log, now):
        return LogCollectStatus.UPLOAD_FAIL.value
    done = _over(task.log, LOG_STEPS, now)
    return (LogCollectStatus.UPLOADED if done else LogCollectStatus.UPLOADING).value


def log_uploaded_at(task: TaskRecord) -> int | None:
    return None if task.log is None else _timeline(task.log, LOG_STEPS)[-1].end


def source_state(task: TaskRecord | None, view: Doc | None, now: int,
                 registered_state: str) -> tuple[str, str]:
    """(state, migration_cycle) of a source server given its task and the task's view at ``now``."""
    if task is None or view is None:
        return registered_state, "checking"
    task_state = view["state"]
    subs = view.get("sub_tasks") or []
    op = subs[-1]["user_op"] if subs else "REPLICATE"
    cycle = ("cutovering" if op.startswith("CUTOVER") else "syncing" if op.startswith("RESYNC")
             else "replicating")
    if task_state == "READY":
        return "waiting", "setting"
    if task_state in ("RUNNING", "SKIPPING"):
        current = next((s for s in subs if s["progress"] < 100), None)
        if task_state == "SKIPPING":
            return "skipping", cycle
        if cycle in ("cutovering", "syncing"):
            return cycle, cycle
        if current is not None and current["name"].startswith("MIGRATE_"):
            return "replicate", cycle
        return "initialize", cycle
    if task_state == "SYNCING":
        if cloning(task, now):
            return "cloning", "syncing"
        if task.drill is not None:
            return _drill_state(task.drill, now), "syncing"
        return "syncing", "syncing"
    if task_state == "MIGRATE_SUCCESS" and task.clear is not None:
        if _failed(task.clear, now):
            return "clearfailed", "cutovered"
        return ("cleared" if _over(task.clear, CLEAR_STEPS, now) else "clearing"), "cutovered"
    return {
        "MIGRATE_SUCCESS": ("finished", "cutovered"),
        "ABORTING": ("stopping", cycle),
        "ABORT": ("stopped", cycle),
        "MIGRATE_FAIL": ("error", cycle),
        "SYNC_FAIL": ("error", "syncing"),
    }.get(task_state, (registered_state, "checking"))


def _drill_state(drill: Process, now: int) -> str:
    if _failed(drill, now):
        return "premigfailed"
    phase, over = phase_at(_timeline(drill, DRILL_STEPS), now)
    return "premiged" if over else phase.name


# ---------------------------------------------------------------- actions


def _refuse(code: str, task: TaskRecord) -> EmulatorError:
    return error(code, f"the task is {state(task)}")


def _begin(task: TaskRecord, now: int) -> None:
    """The first start: plan the replication round (and the cut-over of a task that does not sync)."""
    sim = task.sim
    _append_round(task, replicate_plan(task), "REPLICATE")
    syncing = bool(task.settings.get("syncing"))
    if not syncing:
        # Without continuous sync the task launches the target by itself (AMBIGUITIES.md).
        _append_round(task, cutover_plan(task), f"CUTOVER{sim.cutovers}")
        sim.cutovers += 1
    sim.on_done = "syncing" if syncing else "success"
    task.start_date = now
    if task.settings.get("start_network_check"):
        task.network_check = Process(started=now)
    _run(task, now)


def start(task: TaskRecord, now: int) -> None:
    sim = task.sim
    if sim.mode not in STARTABLE:
        raise _refuse("SMS.7713", task)
    sim.auto_start_at = None
    task.error_json = ""
    sim.fail = None
    task.finish_date = None
    if not task.sub_tasks:
        _begin(task, now)
        return
    if all(s.done_ms >= s.work_ms for s in task.sub_tasks):
        # Resuming a task that was paused while syncing: one resync round, then SYNCING again.
        _resync_round(task)
    _run(task, now)


def stop(task: TaskRecord, now: int) -> None:
    sim = task.sim
    if sim.mode not in STOPPABLE:
        raise _refuse("SMS.7714", task)
    if sim.mode == "syncing":
        sim.on_done = "syncing"
    _freeze(task, now)
    task.drill = None
    _enter(task, "aborting", now)


def cutover(task: TaskRecord, now: int) -> None:
    sim = task.sim
    if sim.mode != "syncing" or cloning(task, now):
        raise error("SMS.7721", "the target is being cloned" if sim.mode == "syncing"
                    else f"the task is {state(task)}")
    _append_round(task, cutover_plan(task), f"CUTOVER{sim.cutovers}")
    sim.cutovers += 1
    sim.on_done = "success"
    task.drill = None
    _run(task, now)


def restart(task: TaskRecord, now: int) -> None:
    if task.sim.mode != "success":
        raise _refuse("SMS.7722", task)
    _resync_round(task)
    task.finish_date = None
    task.clear = None
    _run(task, now)


def clone_test(task: TaskRecord, now: int, template_id: str, name: str) -> None:
    if task.sim.mode != "syncing":
        raise _refuse("SMS.7721", task)
    if cloning(task, now):
        raise error("SMS.6005", "a clone of the target is being created")
    vm_id = str(uuid.uuid5(TASK_NS, f"{task.id}/clone/{now}"))
    task.clone = CloneRun(started=now, template_id=template_id, name=name, vm_id=vm_id)


def migration_test(task: TaskRecord, now: int) -> None:
    if task.sim.mode != "syncing":
        raise _refuse("SMS.6005", task)
    if not task.settings.get("need_migration_test"):
        raise error("SMS.6005", "the task was created without need_migration_test")
    if _running(task.drill, DRILL_STEPS, now):
        raise error("SMS.6005", "a migration drill is running")
    task.drill = Process(started=now)


def clear(task: TaskRecord, now: int) -> None:
    if task.sim.mode != "success":
        raise _refuse("SMS.6005", task)
    if _running(task.clear, CLEAR_STEPS, now):
        raise error("SMS.6005", "the snapshots are being cleared")
    task.clear = Process(started=now)


def skip(task: TaskRecord, now: int) -> None:
    """Skip the consistency check that is running (the task shows SKIPPING, then goes on)."""
    current = next((s for s in task.sub_tasks
                    if s.planned is not None and s.planned[0] <= now < s.planned[1]), None)
    if task.sim.mode != "run" or current is None or not current.hidden:
        raise error("SMS.6005", f"no consistency check is running (the task is {state(task)})")
    _freeze(task, now)
    current.done_ms, current.end_date, current.skipped = float(current.work_ms), now, True
    _enter(task, "skipping", now)


def network_check(task: TaskRecord, now: int) -> None:
    task.network_check = Process(started=now)


def begin_log_upload(task: TaskRecord, now: int, bucket: str, agent_version: str | None) -> None:
    if task.start_date is None:
        raise error("SMS.7717", "the task has not been started")
    if _running(task.log, LOG_STEPS, now):
        raise error("SMS.7716")
    if _version(agent_version) < (25, 2, 0):
        raise error("SMS.7707", f"Agent {agent_version or 'unknown'}; log upload needs 25.2.0 or later")
    task.log = Process(started=now, detail=bucket)


def _version(text: str | None) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in (text or "0").split(".")[:3])
    except ValueError:
        return (0,)


def check_deletable(task: TaskRecord) -> None:
    if task.sim.mode not in DELETABLE:
        raise _refuse("SMS.7719", task)


def check_passphrase(task: TaskRecord) -> None:
    if task.sim.mode not in PASSPHRASE_MODES:
        raise error("SMS.9905", f"passwords are readable while the task replicates or synchronises; "
                                f"it is {state(task)}")


def inject_failure(task: TaskRecord, now: int, after_ms: int, code: str, msg: str, target: str) -> None:
    """The admin API's failure: of the task's run, or of a side process (clone, drill, clean-up, logs)."""
    at = now + max(0, after_ms)
    if target != "task":
        process = {"clone": task.clone, "drill": task.drill, "clear": task.clear, "log": task.log}[target]
        if process is None:
            raise EmulatorError(409, "EMULATOR.STATE", f"the task has no {target} to fail")
        process.failed_at, process.error_code, process.error_msg = at, code, msg
        return
    sim = task.sim
    if sim.mode not in ("run", "syncing"):
        raise EmulatorError(409, "EMULATOR.STATE",
                            f"only RUNNING or SYNCING tasks can fail (the task is {state(task)})")
    sim.fail_at = at
    sim.fail = json.dumps({"error_code": code, "error_msg": msg})
    advance(task, now)
