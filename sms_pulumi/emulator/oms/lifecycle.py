"""Simulated life of an OMS task group, computed lazily like an SMS task's (:mod:`..sms.lifecycle`).

A :class:`~sms_pulumi.emulator.records.TaskGroupRecord` carries its simulation (``sim``): the mode,
the clock time it began and, for a running group, the planned spans of its statuses: WAITING (0) →
EXECUTING (1, creating its tasks) → MONITORING (2, copying: ``complete_size`` grows at the rate the
bandwidth windows allow during their hours) → COMPLETED (6). ``stop`` pauses (7 → 3), ``start``
resumes from the bytes already copied, ``retry`` restarts a failed group (5, or 4 when it failed
while creating its tasks), a bandwidth update re-plans the rest of the copy, delete goes 8 → 9 →
gone (then 404). :func:`advance` moves a record to a clock time, :func:`view` gives its wire fields.
Durations and the choices behind them: AMBIGUITIES.md ("OMS task groups").
"""

from __future__ import annotations

from sms_pulumi.api import codes
from sms_pulumi.api.models.oms import TaskGroupStatus
from sms_pulumi.emulator.errors import EmulatorError, error
from sms_pulumi.emulator.records import Doc, GroupPhase, TaskGroupRecord
from sms_pulumi.emulator.timing import RateWindows

SECOND = 1000
WAITING_MS = 5 * SECOND
CREATING_MS = 20 * SECOND
PAUSING_MS = 5 * SECOND
DELETE_STEP_MS = 5 * SECOND
DEFAULT_RATE = 50 * 1024 * 1024  # bytes/s when no bandwidth window limits it
TASKS_PER_GROUP = 4
STOPPABLE = frozenset({TaskGroupStatus.WAITING, TaskGroupStatus.EXECUTING, TaskGroupStatus.MONITORING})
# Deleting a group that is still settling is refused "for now" (OMS.0063): the caller retries.
SETTLING = frozenset({TaskGroupStatus.EXECUTING, TaskGroupStatus.MONITORING, TaskGroupStatus.PAUSING})
DELETING = frozenset({TaskGroupStatus.WAITING_DELETE, TaskGroupStatus.DELETING})

#: The two failed statuses: creating the group's tasks failed, or migrating.
_FAILED = (TaskGroupStatus.CREATE_FAILED, TaskGroupStatus.MIGRATE_FAILED)


def rate_windows(group: TaskGroupRecord) -> RateWindows:
    """The copy rate over the day, bytes/s: the bandwidth windows over the default rate."""
    return RateWindows(((p["start"], p["end"], float(p["max_bandwidth"]))
                        for p in group.body.get("bandwidth_policy") or []), DEFAULT_RATE)


def _plan(group: TaskGroupRecord, now: int, *, first: bool) -> None:
    """Run from ``now``: (waiting,) creating its tasks, then copying what is left."""
    sim = group.sim
    left = max(0, group.total_size - sim.done)
    t = now
    spans = []
    if first:
        spans.append(GroupPhase(status=int(TaskGroupStatus.WAITING), start=t, end=t + WAITING_MS))
        t += WAITING_MS
    if not sim.created:
        spans.append(GroupPhase(status=int(TaskGroupStatus.EXECUTING), start=t, end=t + CREATING_MS))
        t += CREATING_MS
    end = max(t + SECOND, rate_windows(group).time_to(t, left * 1000))
    spans.append(GroupPhase(status=int(TaskGroupStatus.MONITORING), start=t, end=end))
    sim.mode, sim.since, sim.phases = "run", now, spans


def _copying(group: TaskGroupRecord) -> GroupPhase:
    return group.sim.phases[-1]


def copied(group: TaskGroupRecord, at: int) -> int:
    sim = group.sim
    if sim.mode != "run":
        return sim.done
    span = _copying(group)
    if at <= span.start:
        return sim.done
    if at >= span.end:
        return group.total_size
    return min(group.total_size, sim.done + int(rate_windows(group).amount(span.start, at) / 1000))


def _freeze(group: TaskGroupRecord, at: int) -> None:
    sim = group.sim
    sim.done = copied(group, at)
    sim.created = sim.created or at >= _copying(group).start
    sim.total_time += max(0, at - sim.since)


def advance(group: TaskGroupRecord, now: int) -> bool:
    """Move a group to ``now``; True when the record changed (store it)."""
    sim = group.sim
    if sim.mode == "run":
        end = _copying(group).end
        if sim.fail_at is not None and sim.fail_at <= now and sim.fail_at < end:
            at = sim.fail_at
            creating = not sim.created and at < _copying(group).start
            sim.failed_status = int(_FAILED[0] if creating else _FAILED[1])
            _freeze(group, at)
            sim.mode, sim.since, sim.fail_at = "failed", at, None
            code = "OMS.1002" if sim.failed_status == TaskGroupStatus.CREATE_FAILED else "OMS.1001"
            group.error_reason = {"error_code": code, "error_msg": sim.fail_msg}
            return True
        if now >= end:
            _freeze(group, end)
            sim.done = group.total_size
            sim.mode, sim.since = "completed", end
            return True
    elif sim.mode == "pausing" and now >= sim.since + PAUSING_MS:
        sim.mode, sim.since = "paused", sim.since + PAUSING_MS
        return True
    return False


def gone(group: TaskGroupRecord, now: int) -> bool:
    """The delete has finished: the group no longer exists."""
    return group.sim.mode == "deleting" and now >= group.sim.since + 2 * DELETE_STEP_MS


def status(group: TaskGroupRecord, now: int) -> int:
    sim = group.sim
    if sim.mode == "run":
        for span in sim.phases:
            if span.start <= now < span.end:
                return span.status
        return int(TaskGroupStatus.MONITORING)
    if sim.mode == "deleting":
        waiting = now < sim.since + DELETE_STEP_MS
        return int(TaskGroupStatus.WAITING_DELETE if waiting else TaskGroupStatus.DELETING)
    if sim.mode == "failed":
        return sim.failed_status
    return int({"pausing": TaskGroupStatus.PAUSING, "paused": TaskGroupStatus.PAUSED,
                "completed": TaskGroupStatus.COMPLETED}[sim.mode])


def view(group: TaskGroupRecord, now: int) -> Doc:
    """The group's wire fields at ``now`` (an advanced record)."""
    sim = group.sim
    st = status(group, now)
    out: Doc = {**group.body, "group_id": group.group_id, "start_time": group.start_time,
                "total_size": group.total_size, "total_num": group.total_num,
                "error_reason": group.error_reason if st in _FAILED else None}
    total_size, total_num = group.total_size, group.total_num
    done = copied(group, now)
    objects_done = total_num * done // total_size if total_size else 0
    failed = st in _FAILED
    settled = st in (TaskGroupStatus.MONITORING, TaskGroupStatus.COMPLETED)
    created = TASKS_PER_GROUP if (sim.created or settled) else 0
    copying = st == TaskGroupStatus.MONITORING
    out.update({
        "status": st,
        "migrate_speed": int(rate_windows(group).rate_at(now)) if copying else 0,
        "total_time": sim.total_time + (max(0, now - sim.since) if sim.mode == "run" else 0),
        "total_task_num": TASKS_PER_GROUP,
        "create_task_num": created,
        "failed_task_num": 1 if failed else 0,
        "complete_task_num": TASKS_PER_GROUP if st == TaskGroupStatus.COMPLETED else 0,
        "paused_task_num": created if st == TaskGroupStatus.PAUSED else 0,
        "executing_task_num": created if copying else 0,
        "waiting_task_num": TASKS_PER_GROUP if st == TaskGroupStatus.WAITING else 0,
        "create_complete_num": total_num if created else 0,
        "create_complete_size": total_size if created else 0,
        "success_num": objects_done,
        "fail_num": max(1, total_num - objects_done) if failed else 0,
        "skip_num": 0,
        "complete_size": done,
    })
    return out


# ---------------------------------------------------------------- actions


def _refuse(code: str, action: str, st: int) -> EmulatorError:
    return error(code, f"cannot {action} a task group in status {st} ({TaskGroupStatus(st).name})")


def start_new(group: TaskGroupRecord, now: int) -> None:
    _plan(group, now, first=True)


def stop(group: TaskGroupRecord, now: int) -> None:
    st = status(group, now)
    if st not in STOPPABLE:
        raise _refuse(codes.OMS_TASK_NOT_RUNNING, "stop", st)
    _freeze(group, now)
    group.sim.mode, group.sim.since = "pausing", now


def resume(group: TaskGroupRecord, now: int) -> None:
    st = status(group, now)
    if st != TaskGroupStatus.PAUSED:
        raise _refuse(codes.OMS_NOT_ALLOWED, "start", st)
    _plan(group, now, first=False)


def retry(group: TaskGroupRecord, now: int, keep_copied: bool) -> None:
    st = status(group, now)
    if st not in (TaskGroupStatus.MIGRATE_FAILED, TaskGroupStatus.CREATE_FAILED):
        raise _refuse(codes.OMS_NOT_ALLOWED, "retry", st)
    if not keep_copied:
        group.sim.done = 0  # full re-migration (objects already there are skipped by OMS)
    group.error_reason = None
    group.start_time = now
    _plan(group, now, first=False)


def update_bandwidth(group: TaskGroupRecord, now: int, policy: list[Doc]) -> None:
    st = status(group, now)
    if st in DELETING:
        raise _refuse(codes.OMS_NOT_ALLOWED, "update", st)
    running = group.sim.mode == "run"
    if running:
        _freeze(group, now)
    group.body["bandwidth_policy"] = policy
    if running:
        _plan(group, now, first=False)


def delete(group: TaskGroupRecord, now: int) -> None:
    st = status(group, now)
    if st in DELETING:
        return  # deleting twice is harmless: the first delete is still under way
    if st in SETTLING:
        raise _refuse(codes.OMS_TASK_GROUP_BUSY, "delete", st)
    group.sim.mode, group.sim.since = "deleting", now


def inject_failure(group: TaskGroupRecord, now: int, after_ms: int, msg: str) -> None:
    if group.sim.mode != "run":
        raise EmulatorError(409, "EMULATOR.STATE", "only a running task group can fail")
    group.sim.fail_at = now + after_ms
    group.sim.fail_msg = msg
    advance(group, now)
