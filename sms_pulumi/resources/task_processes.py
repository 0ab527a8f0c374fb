"""What runs beside a task's copy, and how far it got: the test clone, the migration drill, the
snapshot clean-up and the network check (manual 5.4.7's side actions).

None of them moves the task's state: a clone or a drill runs while the task keeps SYNCING, a clean-up
after MIGRATE_SUCCESS. Each is read from a field of the task list's item instead, by one named status
function per process, in the manner of terraform-provider-aws's status functions: they all answer
with a `Progress` (not started, running, done, failed), so a wave waits on each the same way.

    clone_test       clone_server.clone_state         (the clone is a server of its own)
    migration_test   source_server.state premigready -> premiging -> premiged | premigfailed
    clear            source_server.state clearing -> cleared | clearfailed
    network_check    network_check_info, once the check has a result

A consistency check is not one of these: SMS runs it inside the copy when the task was created with
`is_need_consistency_check`, and its results have their own endpoint (`consistency`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from sms_pulumi.api.models.sources import SourceState
from sms_pulumi.api.models.tasks import ConsistencyResultResponse, TaskAction, TaskSummary


class Progress(enum.StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _source_state(task: TaskSummary) -> str | None:
    return task.source_server.state if task.source_server else None


def clone_progress(task: TaskSummary) -> Progress:
    clone = task.clone_server
    if clone is None or not clone.clone_state:
        return Progress.NOT_STARTED
    if clone.clone_state == "FINISHED":
        return Progress.DONE
    return Progress.FAILED if clone.clone_state == "ERROR" or clone.clone_error else Progress.RUNNING


def _by_source_state(running: set[str], done: str, failed: str) -> Callable[[TaskSummary], Progress]:
    def progress(task: TaskSummary) -> Progress:
        state = _source_state(task)
        if state in running:
            return Progress.RUNNING
        if state == done:
            return Progress.DONE
        return Progress.FAILED if state == failed else Progress.NOT_STARTED
    return progress


drill_progress = _by_source_state({SourceState.PREMIGREADY, SourceState.PREMIGING}, SourceState.PREMIGED,
                                  SourceState.PREMIGFAILED)
clear_progress = _by_source_state({SourceState.CLEARING}, SourceState.CLEARED, SourceState.CLEARFAILED)


def network_progress(task: TaskSummary) -> Progress:
    return Progress.NOT_STARTED if task.network_check_info is None else Progress.DONE


#: Each side action's status function.
PROGRESS: dict[TaskAction, Callable[[TaskSummary], Progress]] = {
    TaskAction.CLONE_TEST: clone_progress,
    TaskAction.MIGRATION_TEST: drill_progress,
    TaskAction.CLEAR: clear_progress,
    TaskAction.NETWORK_CHECK: network_progress,
}


def failure_of(action: TaskAction, task: TaskSummary) -> str:
    """What SMS says of a side process that failed."""
    if action == TaskAction.CLONE_TEST and task.clone_server is not None:
        detail = task.clone_server.error_msg or task.clone_server.clone_error
        return f"the test clone failed{': ' + detail if detail else ''}"
    what = {TaskAction.MIGRATION_TEST: "the migration drill", TaskAction.CLEAR: "the snapshot clean-up"}
    return f"{what.get(action, action)} failed (source server {_source_state(task)}; see the SMS console)"


# -- what a wave reports of them ------------------------------------------------------------------


def test_report(task: TaskSummary, action: TaskAction) -> dict[str, Any]:
    """The test of a task as a wave reports it: which test, how far, and the clone it made."""
    progress = PROGRESS[action](task)
    report: dict[str, Any] = {"kind": "clone" if action == TaskAction.CLONE_TEST else "drill",
                              "progress": str(progress)}
    if action == TaskAction.CLONE_TEST and task.clone_server is not None:
        report["clone_server_id"] = task.clone_server.vm_id or None
        report["clone_name"] = task.clone_server.name
    return report


def network_report(task: TaskSummary) -> dict[str, Any] | None:
    info = task.network_check_info
    if info is None:
        return None
    return {k: v for k, v in info.model_dump(mode="json").items() if v is not None}


def cut_overs(task: TaskSummary) -> int:
    """How many times the task's target was launched: the CUTOVERn rounds of its sub-tasks."""
    return len({s.user_op for s in task.sub_tasks or [] if s.user_op and s.user_op.startswith("CUTOVER")})


def consistency_report(answer: ConsistencyResultResponse) -> dict[str, Any] | None:
    """The last finished consistency check, in totals over its directories."""
    checks = answer.result_list or []
    if not checks:
        return None
    last = checks[-1]
    dirs = last.consistency_result or []
    return {
        "finished_at": last.finished_time,
        "result": last.check_result,
        "checks": len(checks),
        "files": sum(d.num_total_files or 0 for d in dirs),
        "different": sum(d.num_different_files or 0 for d in dirs),
        "missing_on_target": sum(d.num_target_miss_files or 0 for d in dirs),
        "only_on_target": sum(d.num_target_more_files or 0 for d in dirs),
    }
