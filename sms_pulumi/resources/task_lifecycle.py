"""What the resources rely on about a task's lifecycle: its states, which action SMS accepts in which
state, and how a wave moves each task towards its run state. One table, each row naming the manual.

The emulator keeps its own implementation of the lifecycle (sms_pulumi/emulator/sms/lifecycle.py),
checked against the manual by its tests; this module is the client's reading of the same manual
(api-reference/tasks.md section 11), and the provider tests check the two against each other.

A run state is a `Goal`: the states that satisfy it, the states on the way to it (wait), and the
states from which one action leads towards it. Any other state is unexpected: it fails the member
instead of counting as done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sms_pulumi.api import codes
from sms_pulumi.api.models.tasks import TaskAction, TaskState

#: The task failed; `start` runs it again (SMS.7713 counts these as "Error").
FAILED = frozenset({TaskState.MIGRATE_FAIL, TaskState.SYNC_FAIL, TaskState.SYNC_F_ROLLBACK_SUCCESS})
#: Copying data: stopping it is what pauses a migration.
ACTIVE = frozenset({TaskState.RUNNING, TaskState.SYNCING})
#: Not copying, not failed: a new task, or one paused.
PAUSED = frozenset({TaskState.READY, TaskState.ABORT})


@dataclass(frozen=True)
class ActionRule:
    """An action of `POST /v3/tasks/{id}/action` (manual 5.4.7) and the states SMS accepts it in."""

    action: TaskAction
    allowed: frozenset[str]
    #: What SMS answers in any other state: a row of the error-code table (sms_pulumi.api.codes) that
    #: refuses this action because of the task's state.
    refused_with: str
    manual: str

    def __post_init__(self) -> None:
        if self.refused_with not in codes.state_refusals(f"task.{self.action}"):
            raise ValueError(f"{self.refused_with} does not refuse task.{self.action} in api.codes")


ACTIONS: Mapping[TaskAction, ActionRule] = {
    rule.action: rule
    for rule in (
        ActionRule(TaskAction.START, PAUSED | FAILED, "SMS.7713",
                   "5.4.7; SMS.7713: only ready, paused or failed tasks can be started"),
        ActionRule(TaskAction.STOP, ACTIVE, "SMS.7714",
                   "5.4.7; SMS.7714: only running tasks can be paused; SMS.7728 lists stopping/stopped "
                   "as copy states of the syncing cycle, so a syncing task pauses too"),
        ActionRule(TaskAction.TEST, frozenset({TaskState.SYNCING}), "SMS.7721",
                   "5.4.7 `test` launches the target (the cut-over); SMS.7721: only while syncing"),
        ActionRule(TaskAction.CLONE_TEST, frozenset({TaskState.SYNCING}), "SMS.7721",
                   "5.4.7 `clone_test` (needs template_id); SMS.7721: only while syncing"),
        ActionRule(TaskAction.RESTART, frozenset({TaskState.MIGRATE_SUCCESS}), "SMS.7722",
                   "5.4.7 `restart`; SMS.7722: only after the target was launched"),
        # The side processes (sms_pulumi.resources.task_processes): the task's state does not move.
        ActionRule(TaskAction.MIGRATION_TEST, frozenset({TaskState.SYNCING}), "SMS.6005",
                   "5.4.7 `migration_test` (CN only; the task needs need_migration_test); lifecycle.md 7: "
                   "a drill runs while syncing"),
        ActionRule(TaskAction.CLEAR, frozenset({TaskState.MIGRATE_SUCCESS}), "SMS.6005",
                   "5.4.7 `clear` (CN only): releases the cut-over's snapshots; lifecycle.md 8"),
        ActionRule(TaskAction.NETWORK_CHECK, frozenset(TaskState), "SMS.6005",
                   "5.4.7 `network_check`: results in network_check_info; no state is named"),
    )
}

#: Actions after which the task's state stays where it is: what they start is read from the task's
#: side fields (clone_server, the source's state, network_check_info), not from its state.
SIDE_ACTIONS = frozenset({TaskAction.CLONE_TEST, TaskAction.MIGRATION_TEST, TaskAction.CLEAR,
                          TaskAction.NETWORK_CHECK})

def refused_in_state(action: TaskAction, error_code: str | None) -> bool:
    """SMS refused `action` because of the task's state: the task moved on between our read and the
    action (another run, the console, a lost answer we sent again). The next read says where it is."""
    return error_code == ACTIONS[action].refused_with


#: `DELETE /v3/tasks/{id}` is accepted in these states (5.4.3/5.4.4, SMS.7719); 4.3 stops first.
DELETABLE = PAUSED | FAILED | {TaskState.MIGRATE_SUCCESS}


@dataclass(frozen=True)
class Goal:
    """Where a run state wants a task, and how to get it there from each state."""

    run_state: str
    done: frozenset[str]
    #: States on the way: wait for SMS.
    pending: frozenset[str]
    #: States from which this action leads towards the goal.
    acts: Mapping[str, TaskAction] = field(default_factory=dict)
    #: States from which the goal cannot be reached, and why.
    refuses: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for state, action in self.acts.items():
            assert state in ACTIONS[action].allowed, f"{self.run_state}: {action} is refused in {state}"


_RESTART: dict[str, TaskAction] = dict.fromkeys(PAUSED | FAILED, TaskAction.START)

GOALS: Mapping[str, Goal] = {
    goal.run_state: goal
    for goal in (
        # Started: replicating (RUNNING), then syncing or finished by itself. With a template, SMS
        # first creates the target server; `target_known` tells when.
        Goal("running", done=frozenset({TaskState.RUNNING, TaskState.SYNCING, TaskState.MIGRATE_SUCCESS}),
             pending=frozenset({TaskState.ABORTING, TaskState.SYNC_F_ROLLBACKING}), acts=_RESTART),
        Goal("stopped", done=PAUSED | FAILED, pending=frozenset({TaskState.ABORTING}),
             acts=dict.fromkeys(ACTIVE, TaskAction.STOP),
             refuses={TaskState.MIGRATE_SUCCESS:
                      "it is cut over already: a finished migration cannot be paused"}),
        # Started and syncing, with a test of the target done beside it (a clone from a template, or
        # the migration drill): the last look before a cut-over. The test is judged by
        # sms_pulumi.resources.task_processes; a cut-over task has gone past it.
        Goal("tested", done=frozenset({TaskState.SYNCING}),
             pending=frozenset({TaskState.RUNNING, TaskState.ABORTING, TaskState.SYNC_F_ROLLBACKING}),
             acts=_RESTART,
             refuses={TaskState.MIGRATE_SUCCESS: "it is cut over already: a test comes before the cut-over "
                      "(the wave's `resync` runs one more sync round, after which it can be tested)"}),
        # Started, replicated, then launched on the target: irreversible.
        Goal("cut_over", done=frozenset({TaskState.MIGRATE_SUCCESS}),
             pending=frozenset({TaskState.RUNNING, TaskState.ABORTING, TaskState.SYNC_F_ROLLBACKING}),
             acts={**_RESTART, TaskState.SYNCING: TaskAction.TEST}),
    )
}

#: Every run state a wave accepts; "not_managed" leaves its tasks alone.
RUN_STATES = (*GOALS, "not_managed")


def effective_run_state(wanted: str | None, state: str | None, *, tested: bool = True) -> str | None:
    """Where a task is, in the words of `run_state`, judged against where it should be.

    Natural progress is not drift: a running task that reached SYNCING or MIGRATE_SUCCESS is still
    "running". A paused task is "stopped", a failed one "failed" (it counts as stopped when it should
    be stopped), a task SMS no longer has "deleted". A syncing task whose test has not finished
    (`tested` false) is "running".
    """
    if wanted in (None, "not_managed"):
        return wanted
    if state is None or state == TaskState.DELETING:
        return "deleted"
    goal = GOALS[wanted]
    if state in goal.done and (wanted != "tested" or tested):
        return wanted
    if state in FAILED:
        return "failed"
    if state in PAUSED | {TaskState.ABORTING}:
        return "stopped"
    if state == TaskState.MIGRATE_SUCCESS:
        return "cut_over"
    return "running"
