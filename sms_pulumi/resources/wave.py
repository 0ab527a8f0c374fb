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
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pulumi.output import Unknown

from sms_pulumi.api.errors import ApiError, ThrottledError
from sms_pulumi.api.models.tasks import (
    TaskAction,
    TaskActionRequest,
    TaskDetail,
    TaskState,
    TaskSummary,
    UploadLogRequest,
)
from sms_pulumi.resources import task_index
from sms_pulumi.resources._provider import (
    READ_TAKES_INPUTS,
    BaseProvider,
    changed_fields,
    is_unknown,
    run_state_failures,
    say,
    validation_failures,
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
    SIDE_ACTIONS,
    effective_run_state,
    refused_in_state,
)
from sms_pulumi.resources.task_processes import (
    PROGRESS,
    Progress,
    clear_progress,
    consistency_report,
    cut_overs,
    failure_of,
    network_report,
    test_report,
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


@dataclass(frozen=True)
class Extras:
    """What a wave does beside taking its tasks to their run state: its opt-in inputs."""

    #: `tested` clones each target from this template; without it, `tested` is the migration drill.
    test_template_id: str | None = None
    clear_snapshots: bool = False
    network_check: bool = False
    consistency_results: bool = False
    upload_logs_to: str | None = None

    @property
    def test(self) -> TaskAction:
        return TaskAction.CLONE_TEST if self.test_template_id else TaskAction.MIGRATION_TEST

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Extras:
        return cls(test_template_id=props.get("test_template_id") or None,
                   clear_snapshots=bool(props.get("clear_snapshots")),
                   network_check=bool(props.get("network_check")),
                   consistency_results=bool(props.get("consistency_results")),
                   upload_logs_to=props.get("upload_logs_to") or None)

    def beside(self, wanted: str) -> tuple[TaskAction, ...]:
        """The side processes a task must have finished, once in its run state, to be done."""
        return ((self.test,) if wanted == "tested" else ()) + (
            (TaskAction.CLEAR,) if wanted == "cut_over" and self.clear_snapshots else ()) + (
            (TaskAction.NETWORK_CHECK,) if self.network_check else ())


#: A task's snapshots as a wave with `clear_snapshots` reports them.
_SNAPSHOTS = {Progress.NOT_STARTED: "kept", Progress.RUNNING: "clearing", Progress.DONE: "cleared",
              Progress.FAILED: "clear failed"}


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
    #: Side actions SMS accepted during this run (their progress shows in the list a little later).
    side_sent: set[TaskAction] = field(default_factory=set)
    #: The wave's `resync` changed and this task was restarted for it during this run.
    resynced_here: bool = False
    #: Where the Agent's logs of a failure went (`upload_logs_to`), or why they did not.
    logs: str | None = None
    consistency: dict[str, Any] | None = None
    finished: bool = False
    failure: str | None = None
    since: float = field(default_factory=time.monotonic)
    took: float | None = None

    def finish(self, failure: str | None = None) -> None:
        # restarted_after stays: a later failure with the same error is not restarted again.
        self.finished, self.failure = True, failure
        self.took = time.monotonic() - self.since

    def result(self, extras: Extras) -> dict[str, Any]:
        live = self.live
        tested = live is not None and PROGRESS[extras.test](live) == Progress.DONE
        result: dict[str, Any] = {
            "task_id": self.task_id,
            "wanted": self.wanted,
            "state": live.state if live else None,
            "run_state": effective_run_state(self.wanted, live.state if live else None, tested=tested),
            "target_server_id": (live.target_server.vm_id if live and live.target_server else None) or None,
            "error": error_text(live) if live and live.state in FAILED else None,
            "failure": self.failure,
            "restarted_after": self.restarted_after,
        }
        if live is None:
            return result
        result["cut_overs"] = cut_overs(live)
        if self.wanted == "tested" or PROGRESS[extras.test](live) != Progress.NOT_STARTED:
            result["test"] = test_report(live, extras.test)
        if extras.clear_snapshots:
            result["snapshots"] = _SNAPSHOTS[clear_progress(live)]
        if extras.network_check or live.network_check_info is not None:
            result["network"] = network_report(live)
        if extras.consistency_results:
            result["consistency"] = self.consistency
        if self.logs:
            result["logs"] = self.logs
        return result


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
    #: The wave's `resync` input changed: each cut-over task runs one more sync round (restart).
    resync: bool = False
    extras: Extras = field(default_factory=Extras)

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
            self._upload_logs(pace)
        if self.extras.consistency_results:
            read_consistency(self.members)
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
        if self.extras.network_check and self._due(m, TaskAction.NETWORK_CHECK):
            return TaskAction.NETWORK_CHECK  # beside whatever else the task does: its result is awaited
        if (self.resync and state == TaskState.MIGRATE_SUCCESS and not m.resynced_here
                and m.wanted != "stopped"):
            return TaskAction.RESTART
        if state in goal.done and (m.wanted != "running" or target_known(live)):
            return self._beside(m, live)
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

    def _due(self, m: Member, action: TaskAction) -> bool:
        """A side process not started yet, nor asked for during this run."""
        assert m.live is not None
        return action not in m.side_sent and PROGRESS[action](m.live) == Progress.NOT_STARTED

    def _beside(self, m: Member, live: TaskSummary) -> TaskAction | None:
        """In its run state: start or await the side processes it calls for, then the member is done."""
        for action in self.extras.beside(m.wanted):
            progress = PROGRESS[action](live)
            if progress == Progress.DONE:
                continue
            if progress == Progress.FAILED and (action in m.side_sent or not self.retry):
                hint = "" if action in m.side_sent else "; change the wave's `retry` to try it again"
                m.finish(failure_of(action, live) + hint)
                return None
            if action == TaskAction.MIGRATION_TEST and live.need_migration_test is False:
                m.finish("cannot be tested: the migration drill needs a task created with "
                         "need_migration_test (plan: `migration_drill: true`), or give the wave a test "
                         "template for a clone test")
                return None
            if progress != Progress.RUNNING and action not in m.side_sent:
                return action
            return None  # running, or accepted and not visible yet
        m.finish()
        return None

    def _send(self, pace: Pace, m: Member, action: TaskAction) -> None:
        pace.acquire()
        body = TaskActionRequest(operation=action, template_id=self.extras.test_template_id
                                 if action == TaskAction.CLONE_TEST else None)
        try:
            sms_client().task_action(m.task_id, body)
        except ThrottledError:
            pace.throttled()  # tried again at the next poll
            return
        except ApiError as exc:
            if refused_in_state(action, exc.error_code):
                return  # the task moved on meanwhile: the next poll says where it is
            if exc.retryable:
                return  # a lost answer: the next poll shows whether SMS acted, and we send again if not
            m.finish(f"SMS refused {action}: {exc}")
            return
        pace.succeeded()
        if action in SIDE_ACTIONS:
            m.side_sent.add(action)
            return
        m.resynced_here = m.resynced_here or action == TaskAction.RESTART
        m.sent, m.sent_in, m.sent_at = action, m.live.state if m.live else None, time.monotonic()

    def _upload_logs(self, pace: Pace) -> None:
        """Have the Agent of each task that failed during this run upload its logs (5.4.12)."""
        bucket = self.extras.upload_logs_to
        if not bucket:
            return
        for m in self.members:
            if not m.failure or m.live is None:
                continue
            pace.acquire()
            try:
                sms_client().upload_task_log(m.task_id, UploadLogRequest(log_bucket=bucket))
            except ApiError as exc:
                m.logs = f"not uploaded: {exc}"
            else:
                m.logs = f"uploading to OBS bucket {bucket} (log_collect_status in the task list)"
            m.failure += f"; Agent logs {m.logs}"

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


def read_consistency(members: list[Member]) -> None:
    """The last consistency check of each member that has copied its data (5.4.13): one GET each."""
    for m in members:
        if m.live is None or m.live.state not in (TaskState.SYNCING, TaskState.MIGRATE_SUCCESS):
            continue
        try:
            m.consistency = consistency_report(sms_client().show_consistency_result(m.task_id))
        except ApiError as exc:
            m.consistency = {"error": f"{exc.error_code or exc.status}: {exc.error_msg or exc}"}


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
    def check(self, olds: Any, news: Any) -> CheckResult:
        result = super().check(olds, news)
        if not olds and not result.failures:
            _announce({}, news)  # a new wave: no diff will be asked for
        return result

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
        for name in ("clear_snapshots", "network_check", "consistency_results"):
            value = news.get(name)
            if value is not None and not is_unknown(value) and not isinstance(value, bool):
                failures.append(CheckFailure(name, "must be true or false"))
        bucket = news.get("upload_logs_to")
        if bucket is not None and not is_unknown(bucket):
            failures += [CheckFailure("upload_logs_to", f.reason)
                         for f in validation_failures(UploadLogRequest, {"log_bucket": bucket})]
        return failures

    def diff(self, _id: str, olds: Any, news: Any) -> DiffResult:
        changed = bool(changed_fields(self.FIELDS, olds, news))
        if not changed and not is_unknown(news.get("run_state")) and not is_unknown(news.get("run_states")):
            # Drift: a task that is not where the wave wants it (as read back by refresh).
            members = plain(olds.get("members")) or {}
            changed = any(members.get(key, {}).get("run_state") != wanted
                          for key, wanted in _wishes(news).items() if wanted != "not_managed")
        if changed:
            _announce(olds, news)
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"wave-{uuid.uuid4()}", _converge(props, {}, retry=False, resync=False))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_converge(news, plain(olds.get("members")) or {},
                                      retry=plain(olds.get("retry")) != plain(news.get("retry")),
                                      resync=plain(olds.get("resync")) != plain(news.get("resync"))))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        wishes = _wishes(props)
        live = task_index.snapshot() if any(w != "not_managed" for w in wishes.values()) else {}
        members = []
        for key, task_id in _members(props.get("tasks")).items():
            member = _member(key, task_id, wishes[key], props.get("members"))
            member.live = live.get(task_id)
            members.append(member)
        extras = Extras.of(props)
        if extras.consistency_results:
            read_consistency(members)
        outs = _outputs(props, members)
        if not READ_TAKES_INPUTS:
            return ReadResult(id_, outs)
        inputs = {f.name: props[f.name] for f in self.FIELDS if props.get(f.name) is not None}
        drift = {m["key"]: m["run_state"] + (f": {m['error']}" if m.get("error") else "")
                 for m in (member.result(extras) | {"key": member.key} for member in members)
                 if m["wanted"] != "not_managed" and m["run_state"] != m["wanted"]}
        if drift:
            inputs["drift"] = drift
        return ReadResult(id_, outs, inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Pause what runs, and with `clear_snapshots` release the snapshots of what was cut over:
        the tasks' own deletes then need no wait, and leave nothing behind."""
        wishes, extras = _wishes(props), Extras.of(props)
        with _claimed_lock:
            ours = {k: t for k, t in _members(props.get("tasks")).items()
                    if t not in _claimed and wishes[k] in ("running", "tested", "cut_over")}
        if not ours:
            return
        live = task_index.list_all()
        active = [Member(k, t, "stopped") for k, t in ours.items()
                  if live.get(t) is not None and live[t].state in ACTIONS[TaskAction.STOP].allowed]
        finished = [Member(k, t, "cut_over") for k, t in ours.items() if extras.clear_snapshots
                    and live.get(t) is not None and live[t].state == TaskState.MIGRATE_SUCCESS
                    and clear_progress(live[t]) != Progress.DONE]
        if active or finished:
            say(f"wave {props.get('name')}: before the tasks' delete, pausing {len(active)} and clearing "
                f"the snapshots of {len(finished)}")
            Converge(str(props.get("name")), "stopped" if not finished else "cleaned up", active + finished,
                     _timeout(props), _parallel(props), _rate(props),
                     extras=Extras(clear_snapshots=extras.clear_snapshots)).run()


def _announce(olds: Mapping[str, Any], news: Mapping[str, Any]) -> None:
    """Say what cannot be undone or costs a server, before it is done (the preview runs diff too)."""
    tasks = news.get("tasks")
    if (isinstance(tasks, Unknown) or not isinstance(tasks, Mapping)
            or any(is_unknown(news.get(k)) for k in ("run_state", "run_states"))):
        return  # said once the servers and their run states are known (task IDs need not be)
    name = news.get("name") or "(wave)"
    before = plain(olds.get("members")) or {}
    wishes = _wishes(news)
    moving = {state: sorted(k for k, w in wishes.items() if w == state
                            and (before.get(k) or {}).get("run_state") != state)
              for state in ("cut_over", "tested")}

    def listed(keys: list[str]) -> str:
        return ", ".join(keys[:8]) + (f" and {len(keys) - 8} more" if len(keys) > 8 else "")

    if moving["cut_over"]:
        keys = moving["cut_over"]
        warn(f"wave {name}: cut_over launches the target servers of {len(keys)} task(s) ({listed(keys)}): "
             "irreversible; replication ends (the wave's `resync` runs another round later)")
    if moving["tested"]:
        keys = moving["tested"]
        extras = Extras.of(news)
        if extras.test_template_id:
            warn(f"wave {name}: tested clones {len(keys)} target server(s) from a template ({listed(keys)}): "
                 "each clone is a server of its own, billed until you delete it")
        else:
            warn(f"wave {name}: tested runs the migration drill of {len(keys)} task(s) ({listed(keys)})")
    retry_changed = plain(olds.get("retry")) != plain(news.get("retry"))
    for key, member in sorted(before.items()):
        error = (member or {}).get("error")
        if wishes.get(key) in (None, "not_managed", "stopped") or (member or {}).get("run_state") != "failed":
            continue
        again = bool(member.get("restarted_after")) and str(member["restarted_after"]) in str(error)
        if again and not retry_changed:
            warn(f"wave {name}: task {key} failed again after its restart ({error}): up fails with this "
                 "error; fix the cause, then change the wave's `retry` to start it again")
        else:
            warn(f"wave {name}: task {key} failed ({error}): up starts it again")
    if plain(olds.get("resync")) != plain(news.get("resync")):
        done = sorted(k for k, m in before.items() if (m or {}).get("state") == TaskState.MIGRATE_SUCCESS)
        if done:
            warn(f"wave {name}: resync restarts {len(done)} cut-over task(s) ({listed(done)}) for one more "
                 f"sync round, then takes them to {news.get('run_state')}")


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


def _converge(props: Mapping[str, Any], old_members: Mapping[str, Any], *, retry: bool,
              resync: bool) -> dict[str, Any]:
    wishes = _wishes(props)
    members = [_member(k, t, wishes[k], old_members) for k, t in sorted(_members(props.get("tasks")).items())]
    managed = [m for m in members if m.wanted != "not_managed"]
    with _claimed_lock:
        _claimed.update(m.task_id for m in managed)
    if managed:
        Converge(str(props.get("name")), str(props.get("run_state")), managed, _timeout(props),
                 _parallel(props), _rate(props), retry=retry, resync=resync, extras=Extras.of(props)).run()
    return _outputs(props, members)


def _outputs(props: Mapping[str, Any], members: list[Member]) -> dict[str, Any]:
    """The inputs, each task's result, and the failures the program reports.

    A failure is what this run could not do, or, read back, a task that is not where the wave wants
    it because it failed or is gone.
    """
    extras = Extras.of(props)
    results = {m.key: m.result(extras) for m in members}
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
        resync: pulumi.Input[str | int] | None = None,
        test_template_id: pulumi.Input[str] | None = None,
        clear_snapshots: pulumi.Input[bool] | None = None,
        network_check: pulumi.Input[bool] | None = None,
        consistency_results: pulumi.Input[bool] | None = None,
        upload_logs_to: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param tasks: The wave's tasks: ``{"web-01": web01.id, ...}`` (keys name them in messages).
        :param run_state: ``running``, ``tested``, ``stopped``, ``cut_over``, or ``not_managed``.
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
            after a restart (or to run again a test or clean-up that failed); without a change they
            are left alone.
        :param resync: Change it (any value) to run one more sync round on the tasks that are cut over
            (``restart``: MIGRATE_SUCCESS -> SYNCING), after which they go to the run state again.
        :param test_template_id: With ``run_state: tested``, each task's target is cloned from this
            template (``clone_test``; the clone is a server of its own). Without it, ``tested`` runs
            the migration drill (``migration_test``; tasks created with ``need_migration_test``).
        :param clear_snapshots: Once a task is cut over, release the snapshots SMS keeps of it
            (``clear``); a destroy clears them too.
        :param network_check: Check each task's network quality to the target (``network_check``);
            the results are in ``members``, and a task is done once it has them.
        :param consistency_results: Read each task's last consistency check (tasks created with
            ``is_need_consistency_check``) into ``members``: one request per task on up and refresh.
        :param upload_logs_to: OBS bucket to which the Agent of a task that fails during ``up``
            uploads its logs (``POST /v3/tasks/{id}/log``).
        """
        name = resource_name if name is None else name
        self._declare(resource_name, locals(), opts)
        report_failures(f"wave {name if isinstance(name, str) else resource_name}", self.failures)
