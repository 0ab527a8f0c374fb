"""Wave: the run state of a set of tasks, carried out for all of them at once.

A wave says where its tasks should be (`run_state`), and `pulumi up` takes them there together: one
provider call acts on every task of the wave (start, pause, cut-over) from a bounded pool of threads
at a shared, throttle-aware rate (sms_pulumi.resources.pacing), and waits for all of them with list
requests (`GET /v3/tasks`, 200 tasks a page) instead of one poll per task. The way AWS Application
Migration Service's StartCutover acts on up to 200 source servers in one call. Task creates return
without waiting, so the dynamic-provider host's four call slots never sit in long waits: a wave of
100 servers takes about as long as one.

    not_managed   nothing is done, nothing is compared
    running       started; done when replicating with its target created, syncing, or finished
    stopped       paused (ABORT); a new task (READY) or a failed one counts as stopped
    cut_over      started, replicated, then launched on the target (MIGRATE_SUCCESS): irreversible

How each state leads to each run state is one table, sms_pulumi.resources.task_lifecycle.

Failures are results, not crashes. A task that fails while the wave waits is recorded with its SMS
error (code, message, the sub-task that failed) in the `failures` output, the others keep their new
state, and the program fails `pulumi up` with those errors once every wave is done
(sms_pulumi.resources.failures). A task that had failed before this `up` is restarted once, saying
why; if it then fails again with the same error, it is not restarted again by later runs: the wave
fails with that error until its `retry` input changes (README, Troubleshooting). A task deleted
outside Pulumi is reported the same way ("deleted"), never a traceback.

Read (`pulumi refresh`) maps each task's live state to the words of `run_state` (natural progress is
not drift; a task paused in the console reads "stopped", a failed one "failed"), and on SDKs that
take inputs from read it also returns them with a `drift` entry per task that differs, so that the
next `pulumi preview` names what it will change and why.

Delete pauses the wave's running tasks (their own delete then needs no wait), except those another
wave of the same `pulumi up` took over: renaming a wave, or moving its servers to another, does not
stop a migration.
"""

from __future__ import annotations

import inspect
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, DiffResult, ReadResult, UpdateResult

from sms_pulumi.api.errors import ApiError, ThrottledError
from sms_pulumi.api.models.tasks import TaskAction, TaskDetail, TaskState, TaskSummary
from sms_pulumi.resources import task_index
from sms_pulumi.resources._provider import (
    BaseProvider,
    changed_fields,
    is_unknown,
    run_state_failures,
    say,
    warn,
)
from sms_pulumi.resources.clients import settings, sms_client
from sms_pulumi.resources.failures import report_failures
from sms_pulumi.resources.inputs import CREATE_ONLY, Normalise, SmsResource, plain
from sms_pulumi.resources.pacing import DEFAULT_RATE, Pace, shared_pace
from sms_pulumi.resources.task_lifecycle import (
    ACTIONS,
    FAILED,
    GOALS,
    RUN_STATES,
    STATE_REFUSALS,
    effective_run_state,
)
from sms_pulumi.resources.types import WAVE, module_and_name
from sms_pulumi.resources.waiters import PROGRESS_EVERY

#: Actions in flight at once, per wave, unless its `max_parallel` says otherwise.
DEFAULT_PARALLEL = 20
#: After this many seconds an accepted action that has not moved its task is judged by the task's state.
ACTION_GRACE = 10.0
#: A pending task is "late" once it has waited this many times as long as the median finished one.
LATE_FACTOR = 2.0

#: Task IDs a wave of this process has taken over (create or update) during this `pulumi up`.
_claimed: set[str] = set()
_claimed_lock = threading.Lock()

#: Whether this SDK's ReadResult takes inputs (3.2xx; not 3.139): the preview can then name drift.
_READ_TAKES_INPUTS = "inputs" in inspect.signature(ReadResult.__init__).parameters


def _error(task: TaskSummary | TaskDetail) -> dict[str, Any]:
    import json

    raw = task.error_json or ""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {"error_msg": raw}
    return data if isinstance(data, dict) else {"error_msg": str(data)}


def error_key(task: TaskSummary | TaskDetail) -> str:
    """What makes two failures the same: the SMS error code and message (not where it happened)."""
    data = _error(task)
    return ": ".join(str(data[k]) for k in ("error_code", "error_msg") if data.get(k)) or "no error details"


def error_text(task: TaskSummary | TaskDetail) -> str:
    """A failed task's SMS error in one line: code, message, and the sub-task that failed."""
    text = error_key(task)
    if text == "no error details":
        text = "SMS gives no error details"
    failed_step = [s.name for s in task.sub_tasks or [] if s.name and s.end_date is None and s.start_date]
    if failed_step:
        text += f" (in {failed_step[0]})"
    return text


def describe(task: TaskSummary | TaskDetail) -> str:
    """State and the running sub-task with its progress, e.g. `RUNNING, CREATE_CLOUD_SERVER 40%`."""
    running = [s for s in task.sub_tasks or [] if s.end_date is None and s.start_date is not None]
    if running:
        return f"{task.state}, {running[0].name} {running[0].progress or 0}%"
    return str(task.state)


def target_known(task: TaskSummary) -> bool:
    """The target server exists (its ECS ID is known), or the task left RUNNING without needing it."""
    return bool(task.target_server and task.target_server.vm_id) or task.state != TaskState.RUNNING


@dataclass
class Member:
    """One task of a wave, while the wave carries out its run state."""

    key: str
    task_id: str
    #: Where this task should be: the wave's run state, unless `run_states` names another for it.
    wanted: str
    #: The error a restart of this task started from, kept across runs (outputs).
    restarted_after: str | None = None
    live: TaskSummary | None = None
    #: An action SMS accepted, the state it was sent in and when: until the state moves, we wait.
    sent: TaskAction | None = None
    sent_in: str | None = None
    sent_at: float = 0.0
    #: Seen not failed during this run: a failure from now on happened during this run.
    seen_healthy: bool = False
    restarted_here: bool = False
    finished: bool = False
    failure: str | None = None
    since: float = field(default_factory=time.monotonic)
    took: float | None = None

    def finish(self, failure: str | None = None) -> None:
        # restarted_after stays: a later failure with the same error is not restarted again.
        self.finished, self.failure = True, failure
        self.took = time.monotonic() - self.since

    def result(self) -> dict[str, Any]:
        live = self.live
        return {
            "task_id": self.task_id,
            "wanted": self.wanted,
            "state": live.state if live else None,
            "run_state": effective_run_state(self.wanted, live.state if live else None),
            "target_server_id": (live.target_server.vm_id if live and live.target_server else None) or None,
            "error": error_text(live) if live and live.state in FAILED else None,
            "failure": self.failure,
            "restarted_after": self.restarted_after,
        }


@dataclass
class Converge:
    """Carries out `wanted` for every member; one object per provider call."""

    wave: str
    wanted: str
    members: list[Member]
    timeout: float
    parallel: int = DEFAULT_PARALLEL
    rate: float = DEFAULT_RATE
    #: The wave's `retry` input changed: failures remembered from earlier runs are forgotten.
    retry: bool = False

    def run(self) -> None:
        pace = shared_pace(self.rate)
        start = last_log = time.monotonic()
        poll_ceiling = max(settings().poll_interval, 0.05)
        interval = min(1.0, poll_ceiling)
        say(f"wave {self.wave}: taking {len(self.members)} task(s) to {self.wanted}")
        with ThreadPoolExecutor(max_workers=max(1, self.parallel),
                                thread_name_prefix=f"wave-{self.wave}") as pool:
            while True:
                try:
                    tasks = task_index.list_all()
                except ThrottledError:
                    pace.throttled()  # a 429 slows the wave down; it never fails it
                    time.sleep(interval)
                    continue
                to_send = [(m, action) for m in self.members if not m.finished
                           if (action := self._step(m, tasks.get(m.task_id))) is not None]
                if to_send:
                    list(pool.map(lambda pair: self._send(pace, *pair), to_send))
                    task_index.forget()
                    continue  # read where the actions led before sleeping
                now = time.monotonic()
                if all(m.finished for m in self.members):
                    break
                if now - start > self.timeout:
                    for m in self.members:
                        if not m.finished:
                            seen = describe(m.live) if m.live else "pending"
                            m.finish(f"still {seen} after {now - start:.0f}s: the wait's bound is "
                                     f"{self.timeout:g}s (wait_timeout of the wave, or HW_WAIT_TIMEOUT); "
                                     "`pulumi up` again continues")
                    break
                if now - last_log >= PROGRESS_EVERY:
                    say(self.progress(now - start))
                    last_log = now
                time.sleep(interval)
                interval = min(interval * 1.5, poll_ceiling)
        say(self.progress(time.monotonic() - start, final=True))

    def _step(self, m: Member, live: TaskSummary | None) -> TaskAction | None:
        """Decide for one member: finished, waiting, or the action to send."""
        m.live = live
        if m.wanted == "not_managed":
            m.finish()
            return None
        goal = GOALS[m.wanted]
        if live is None or live.state is None or live.state == TaskState.DELETING:
            m.finish(f"task {m.task_id} was deleted outside Pulumi: `pulumi refresh` drops it from the "
                     "state, then `pulumi up` creates it again")
            return None
        state = live.state
        if m.sent is not None:
            if state == m.sent_in and time.monotonic() - m.sent_at < ACTION_GRACE:
                return None  # SMS accepted the action; the task has not moved yet
            m.sent = None
        if state not in FAILED:
            m.seen_healthy = True
        if state in goal.done and (m.wanted != "running" or target_known(live)):
            m.finish()
            return None
        if state in FAILED:
            error, same = error_text(live), error_key(live)
            again = m.restarted_after == same
            if m.seen_healthy or (again and (m.restarted_here or not self.retry)):
                # It failed during this run, or it fails again the way it did before its restart.
                hint = "; fix the cause, then retry on purpose (the wave's `retry`)" if again else ""
                m.finish(f"failed{' again with the same error after a restart' if again else ''}: "
                         f"{error}{hint}")
                return None
            warn(f"wave {self.wave}: task {m.key} had failed ({error}); starting it again")
            m.restarted_after, m.restarted_here = same, True
            return TaskAction.START
        action = goal.acts.get(state)
        if action is not None:
            return action
        if state in goal.pending or state == TaskState.RUNNING:
            return None
        reason = goal.refuses.get(state, f"its state {state} does not lead to {m.wanted}")
        m.finish(f"cannot be taken to {m.wanted}: {reason}")
        return None

    def _send(self, pace: Pace, m: Member, action: TaskAction) -> None:
        pace.acquire()
        try:
            sms_client().task_action(m.task_id, action)
        except ThrottledError:
            pace.throttled()  # tried again at the next poll
            return
        except ApiError as exc:
            if exc.error_code in STATE_REFUSALS:
                return  # the task moved on meanwhile: the next poll says where it is
            if exc.retryable:
                return  # a lost answer: the next poll shows whether SMS acted, and we send again if not
            m.finish(f"SMS refused {action}: {exc}")
            return
        pace.succeeded()
        m.sent, m.sent_in, m.sent_at = action, m.live.state if m.live else None, time.monotonic()

    def progress(self, elapsed: float, *, final: bool = False) -> str:
        """How many tasks are in each state, and which are late or failed."""
        counts = Counter("done" if m.finished and not m.failure else
                         "failed" if m.failure else (m.live.state if m.live else "unknown")
                         for m in self.members)
        parts = [f"{n} {state}" for state, n in sorted(counts.items())]
        text = (f"wave {self.wave} ({self.wanted}, {elapsed:.0f}s): {len(self.members)} task(s): "
                f"{', '.join(parts)}")
        took = [m.took for m in self.members if m.finished and not m.failure and m.took is not None]
        if not final and took and len(took) * 2 >= len(self.members):
            bound = LATE_FACTOR * max(statistics.median(took), 1.0)
            late = [m for m in self.members if not m.finished and time.monotonic() - m.since > bound]
            if late:
                text += "; late: " + ", ".join(
                    f"{m.key} ({describe(m.live) if m.live else 'unknown'})" for m in late[:5])
        failed = [m for m in self.members if m.failure]
        if failed:
            text += "; failed: " + ", ".join(f"{m.key} ({m.failure})" for m in failed[:5])
        return text


# -- the provider ---------------------------------------------------------------------------------


def _members(tasks: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (plain(tasks) or {}).items()}


#: Something per server of the wave, keyed by the names its tasks have in messages.
ByServer = pulumi.Input[Mapping[str, pulumi.Input[str]]]


def _or_empty(value: Any) -> Any:
    return plain(value) or {}


def _wishes(props: Mapping[str, Any]) -> dict[str, str]:
    """Where each task should be: the wave's run state, or the one `run_states` names for it."""
    wave = str(props.get("run_state") or "not_managed")
    special = plain(props.get("run_states")) or {}
    return {key: str(special.get(key) or wave) for key in _members(props.get("tasks"))}


def _positive_int(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 1


class WaveProvider(BaseProvider):
    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        failures = run_state_failures(news, RUN_STATES)
        if news.get("run_state") is None:
            failures.append(CheckFailure("run_state", f"must be one of {', '.join(RUN_STATES)}"))
        for name in ("tasks", "run_states"):
            value = news.get(name)
            if value is None or is_unknown(value):
                continue
            if not isinstance(value, Mapping):
                failures.append(CheckFailure(name, "a mapping of server names to "
                                                   + ("task IDs" if name == "tasks" else "run states")))
                continue
            for key, item in value.items():
                if is_unknown(item):
                    continue
                if name == "tasks" and (not isinstance(item, str) or not item.strip()):
                    failures.append(CheckFailure(f"tasks.{key}", "the ID (a string) of a task"))
                if name == "run_states" and item not in RUN_STATES:
                    failures.append(CheckFailure(f"run_states.{key}",
                                                 f"must be one of {', '.join(RUN_STATES)}"))
        for name in ("max_parallel", "actions_per_second"):
            value = news.get(name)
            if value is not None and not is_unknown(value) and not _positive_int(value):
                failures.append(CheckFailure(name, "must be a number of at least 1"))
        return failures

    def diff(self, _id: str, olds: Any, news: Any) -> DiffResult:
        changed = bool(changed_fields(self.FIELDS, olds, news))
        if not changed and not is_unknown(news.get("run_state")) and not is_unknown(news.get("run_states")):
            # Drift: a task that is not where the wave wants it (as read back by refresh).
            members = plain(olds.get("members")) or {}
            changed = any(members.get(key, {}).get("run_state") != wanted
                          for key, wanted in _wishes(news).items() if wanted != "not_managed")
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"wave-{uuid.uuid4()}", _converge(props, {}, retry=False))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_converge(news, plain(olds.get("members")) or {},
                                      retry=plain(olds.get("retry")) != plain(news.get("retry"))))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        wishes = _wishes(props)
        live = task_index.snapshot() if any(w != "not_managed" for w in wishes.values()) else {}
        members = []
        for key, task_id in _members(props.get("tasks")).items():
            member = _member(key, task_id, wishes[key], props.get("members"))
            member.live = live.get(task_id)
            members.append(member)
        outs = _outputs(props, members)
        if not _READ_TAKES_INPUTS:
            return ReadResult(id_, outs)
        inputs = {f.name: props[f.name] for f in self.FIELDS if props.get(f.name) is not None}
        drift = {m["key"]: m["run_state"] + (f": {m['error']}" if m.get("error") else "")
                 for m in (member.result() | {"key": member.key} for member in members)
                 if m["wanted"] != "not_managed" and m["run_state"] != m["wanted"]}
        if drift:
            inputs["drift"] = drift
        return ReadResult(id_, outs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        wishes = _wishes(props)
        with _claimed_lock:
            ours = {k: t for k, t in _members(props.get("tasks")).items()
                    if t not in _claimed and wishes[k] in ("running", "cut_over")}
        if not ours:
            return
        live = task_index.list_all()
        active = [Member(k, t, "stopped") for k, t in ours.items()
                  if live.get(t) is not None and live[t].state in ACTIONS[TaskAction.STOP].allowed]
        if active:
            say(f"wave {props.get('name')}: pausing {len(active)} task(s) before their delete")
            Converge(str(props.get("name")), "stopped", active, _timeout(props), _parallel(props),
                     _rate(props)).run()


def _member(key: str, task_id: str, wanted: str, old_members: Any) -> Member:
    """A member, with the restart it remembers from earlier runs (of the same task only)."""
    old = (plain(old_members) or {}).get(key) or {}
    remembered = old.get("restarted_after") if old.get("task_id") == task_id else None
    return Member(key, task_id, wanted, restarted_after=remembered)


def _timeout(props: Mapping[str, Any]) -> float:
    value = props.get("wait_timeout")
    return float(value) if value else settings().wait_timeout


def _parallel(props: Mapping[str, Any]) -> int:
    return int(props.get("max_parallel") or DEFAULT_PARALLEL)


def _rate(props: Mapping[str, Any]) -> float:
    return float(props.get("actions_per_second") or DEFAULT_RATE)


def _converge(props: Mapping[str, Any], old_members: Mapping[str, Any], *, retry: bool) -> dict[str, Any]:
    wishes = _wishes(props)
    members = [_member(k, t, wishes[k], old_members) for k, t in sorted(_members(props.get("tasks")).items())]
    managed = [m for m in members if m.wanted != "not_managed"]
    with _claimed_lock:
        _claimed.update(m.task_id for m in managed)
    if managed:
        Converge(str(props.get("name")), str(props.get("run_state")), managed, _timeout(props),
                 _parallel(props), _rate(props), retry=retry).run()
    return _outputs(props, members)


def _outputs(props: Mapping[str, Any], members: list[Member]) -> dict[str, Any]:
    """The inputs, each task's result, and the failures the program reports.

    A failure is what this run could not do, or, read back, a task that is not where the wave wants
    it because it failed or is gone.
    """
    results = {m.key: m.result() for m in members}
    outs = {f.name: props.get(f.name) for f in WaveProvider.FIELDS}
    outs["members"] = results
    outs["failures"] = {
        key: r["failure"] or f"{r['run_state']}: {r['error'] or 'no error from SMS'}"
        for key, r in results.items()
        if r["failure"] or (r["wanted"] != "not_managed" and r["run_state"] in ("failed", "deleted")
                            and r["run_state"] != r["wanted"])
    }
    return outs


class Wave(SmsResource, provider=WaveProvider, **module_and_name(WAVE)):
    """The run state of a set of migration tasks, carried out for all of them at once."""

    members: pulumi.Output[dict[str, Any]]
    failures: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str] | None = None,
        run_state: pulumi.Input[str],
        tasks: Annotated[ByServer, Normalise(_members)],
        run_states: Annotated[ByServer | None, Normalise(_or_empty)] = None,
        # What a review says about each server (source, target, template): never compared.
        servers: Annotated[pulumi.Input[Mapping[str, Any]] | None, CREATE_ONLY] = None,
        wait_timeout: pulumi.Input[float] | None = None,
        max_parallel: pulumi.Input[int] | None = None,
        actions_per_second: pulumi.Input[float] | None = None,
        retry: pulumi.Input[str | int] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param tasks: The wave's tasks: ``{"web-01": web01.id, ...}`` (keys name them in messages).
        :param run_state: ``running``, ``stopped``, ``cut_over``, or ``not_managed``.
        :param name: The wave's name in messages (default: the resource name).
        :param servers: What a review should say about each task, ``{"web-01": {"source": "web-01
            (10.0.1.11)", "target": "web-01-cloud", "template": "linux-std"}}``; never compared.
        :param wait_timeout: Bound of the wait for the whole wave, seconds (default: HW_WAIT_TIMEOUT
            or 1800).
        :param max_parallel: Actions in flight at once (default 20).
        :param actions_per_second: Rate of actions, shared by the waves of one ``pulumi up``
            (default 50); a 429 slows it down further.
        :param run_states: Tasks whose run state differs from the wave's: ``{"db-01": "stopped"}``.
        :param retry: Change it (any value) to restart tasks that failed again with the same error
            after a restart; without a change they are left alone.
        """
        name = resource_name if name is None else name
        self._declare(resource_name, locals(), opts)
        report_failures(f"wave {name if isinstance(name, str) else resource_name}", self.failures)
