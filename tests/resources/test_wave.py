"""Wave provider against the emulator: run states carried out for a set of tasks at once.

The tasks are made by the Task provider, as `pulumi up` makes them; the wave then acts on all of
them. The emulator's clock runs 200x (a web server's replication takes a few seconds); waits poll
every 0.05 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sms_pulumi.api.errors import ApiError
from sms_pulumi.api.models.tasks import TaskAction
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources import wave as wave_module
from sms_pulumi.resources._provider import READ_TAKES_INPUTS
from sms_pulumi.resources.task import TaskProvider
from sms_pulumi.resources.task_lifecycle import ACTIONS, GOALS, effective_run_state
from sms_pulumi.resources.template import TemplateProvider
from sms_pulumi.resources.wave import WaveProvider
from tests.polling import wait_for
from tests.resources.helpers import (
    COMPUTED,
    PROVIDER_KEY,
    api_requests,
    assert_no_diff,
    create,
    diff,
    engine,
    read,
    update,
)
from tests.resources.test_task import props as task_props
from tests.resources.test_task import state, wait_state

W = WaveProvider
SERVERS = ("web-01", "web-02", "app-01")


@pytest.fixture(autouse=True)
def _fresh_claims() -> Iterator[None]:
    """Each test is one `pulumi up` (one provider process): no wave has taken over any task yet."""
    wave_module._claimed.clear()
    yield
    wave_module._claimed.clear()


def make_tasks(sms: SmsClient, *servers: str, **changes: Any) -> dict[str, str]:
    return {s: create(TaskProvider(), task_props(sms, s, **changes)).id for s in servers}


def wave(tasks: dict[str, str], run_state: str = "running", **extra: Any) -> dict[str, Any]:
    return {"name": "wave-1", "run_state": run_state, "tasks": tasks, "wait_timeout": 60, **extra}


def members(outs: dict[str, Any]) -> dict[str, str]:
    return {k: m["run_state"] for k, m in outs["members"].items()}


# -- the lifecycle table and the emulator ---------------------------------------------------------


HOUR_MS = 3600 * 1000


def task_in(provider_env: EmulatorServer, sms: SmsClient, wanted: str, **changes: Any) -> str:
    """A task on web-01 brought to the state `wanted` (jumping the emulator's clock where it takes time)."""
    task_id = make_tasks(sms, "web-01", syncing=wanted != "MIGRATE_SUCCESS", **changes)["web-01"]
    if wanted == "READY":
        return task_id
    provider_env.admin.clock(speed=1)
    sms.task_action(task_id, TaskAction.START)
    if wanted == "ABORT":
        sms.task_action(task_id, TaskAction.STOP)
    if wanted == "MIGRATE_FAIL":
        provider_env.admin.fail_task(task_id)
    if wanted in ("SYNCING", "MIGRATE_SUCCESS", "ABORT"):
        provider_env.admin.clock(advance_ms=10 * HOUR_MS)
    assert state(sms, task_id) == wanted
    return task_id


@pytest.mark.parametrize("live_state", ["READY", "RUNNING", "SYNCING", "ABORT", "MIGRATE_SUCCESS",
                                        "MIGRATE_FAIL"])
def test_the_action_table_agrees_with_the_emulator(
    provider_env: EmulatorServer, sms: SmsClient, live_state: str
) -> None:
    """Each action in each state the emulator reaches: accepted exactly where the table says, else
    refused with the code the table names."""
    for action in (TaskAction.START, TaskAction.STOP, TaskAction.TEST, TaskAction.RESTART):
        rule = ACTIONS[action]
        task_id = task_in(provider_env, sms, live_state)
        try:
            sms.task_action(task_id, action)
        except ApiError as exc:
            assert live_state not in rule.allowed, f"{action} refused in {live_state}: {exc}"
            assert exc.error_code == rule.refused_with, (action, live_state, str(exc))
        else:
            assert live_state in rule.allowed, f"{action} accepted in {live_state}"
        provider_env.admin.clock(speed=200)
        TaskProvider().delete(task_id, {"name": "web-01-task"})


def test_every_goal_acts_only_where_the_action_is_allowed() -> None:
    for goal in GOALS.values():
        for from_state, action in goal.acts.items():
            assert from_state in ACTIONS[action].allowed, (goal.run_state, from_state, action)
        assert not (goal.done & set(goal.acts)), goal.run_state


def test_run_state_read_back_rules() -> None:
    for live_state in ("RUNNING", "SYNCING", "MIGRATE_SUCCESS"):
        assert effective_run_state("running", live_state) == "running"
    for live_state in ("ABORT", "ABORTING", "READY"):
        assert effective_run_state("running", live_state) == "stopped"
        assert effective_run_state("cut_over", live_state) == "stopped"
    assert effective_run_state("running", "MIGRATE_FAIL") == "failed"
    assert effective_run_state("cut_over", "SYNC_FAIL") == "failed"
    assert effective_run_state("stopped", "MIGRATE_FAIL") == "stopped"
    assert effective_run_state("cut_over", "MIGRATE_SUCCESS") == "cut_over"
    assert effective_run_state("cut_over", "SYNCING") == "running"
    assert effective_run_state("stopped", "SYNCING") == "running"
    assert effective_run_state("running", None) == "deleted"
    assert effective_run_state(None, "ABORT") is None
    assert effective_run_state("not_managed", "ABORT") == "not_managed"


# -- check and diff -------------------------------------------------------------------------------


def test_check_names_each_bad_field_and_takes_unknown_values(provider_env: EmulatorServer) -> None:
    bad = {"name": "w", "run_state": "sprinting", "tasks": {"web-01": ""}, "max_parallel": 0,
           "run_states": {"web-01": "flying"}, "colour": "blue"}
    named = {f.property: f.reason for f in W().check({}, engine(bad)).failures}
    assert set(named) == {"run_state", "tasks.web-01", "max_parallel", "run_states.web-01", "colour"}, named
    # A new wave's tasks are not known at the first preview: the IDs, or the whole mapping.
    for tasks in ({"web-01": COMPUTED, "web-02": "t2"}, COMPUTED):
        assert W().check({}, engine(wave(tasks))).failures == []  # type: ignore[arg-type]
    assert W().check({}, engine(wave({"a": "t"}, run_state=COMPUTED))).failures == []
    assert api_requests(provider_env) == {}


def test_diff_says_what_may_change(provider_env: EmulatorServer) -> None:
    olds = {**wave({"web-01": "t1"}), "members": {"web-01": {"task_id": "t1", "wanted": "running",
                                                             "run_state": "running"}}, "failures": {}}
    assert_no_diff(W(), "w", olds, wave({"web-01": "t1"}))
    # Labels for reviews are never compared.
    assert_no_diff(W(), "w", olds, wave({"web-01": "t1"}, servers={"web-01": {"source": "x"}}))
    for news in (wave({"web-01": "t1"}, run_state="cut_over"), wave({"web-01": "t1", "web-02": "t2"}),
                 wave({"web-01": "t9"}), wave({"web-01": COMPUTED}), wave(COMPUTED),  # type: ignore[arg-type]
                 wave({"web-01": "t1"}, run_state=COMPUTED), wave({"web-01": "t1"}, retry=1)):
        result = diff(W(), "w", olds, news)
        assert result.changes is True and result.replaces == [], news
    # Drift read back by refresh: a task paused in the console.
    drifted = {**olds, "members": {"web-01": {"task_id": "t1", "wanted": "running", "run_state": "stopped"}}}
    assert diff(W(), "w", drifted, wave({"web-01": "t1"})).changes is True
    unmanaged = {**drifted, "run_state": "not_managed"}
    assert_no_diff(W(), "w", unmanaged, wave({"web-01": "t1"}, run_state="not_managed"))


# -- running, stopped, cut over -------------------------------------------------------------------


def test_running_acts_on_every_task_with_list_requests(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, *SERVERS)
    provider_env.admin.clear_requests()
    created = create(W(), wave(tasks))
    calls = api_requests(provider_env)
    assert calls["POST /v3/tasks/{task_id}/action"] == 3
    assert "GET /v3/tasks/{task_id}" not in calls, f"polls are list requests: {calls}"
    assert members(created.outs) == dict.fromkeys(SERVERS, "running")
    assert {state(sms, t) for t in tasks.values()} <= {"RUNNING", "SYNCING"}
    assert created.outs["failures"] == {}
    assert_no_diff(W(), created.id, created.outs, wave(tasks))


def test_natural_progress_is_no_drift(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, "web-01")
    tasks.update(make_tasks(sms, "web-02", syncing=False))  # cuts over by itself
    created = create(W(), wave(tasks))
    wait_state(sms, tasks["web-01"], "SYNCING")
    wait_state(sms, tasks["web-02"], "MIGRATE_SUCCESS")
    _, outs = read(W(), created.id, created.outs)
    assert members(outs) == {"web-01": "running", "web-02": "running"}
    assert_no_diff(W(), created.id, outs, wave(tasks))


def test_paused_outside_pulumi_is_drift_and_up_resumes(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, "web-01", "web-02")
    created = create(W(), wave(tasks))
    sms.task_action(tasks["web-01"], TaskAction.STOP)  # the console's "pause"
    wait_state(sms, tasks["web-01"], "ABORT")
    result = W().read(created.id, engine({**created.outs, PROVIDER_KEY: "p"}))
    outs = dict(result.outs or {})
    assert members(outs) == {"web-01": "stopped", "web-02": "running"}
    if READ_TAKES_INPUTS:
        # What the next preview shows: the drift, by task.
        assert (result.inputs or {})["drift"] == {"web-01": "stopped"}
    assert diff(W(), created.id, outs, wave(tasks)).changes is True
    provider_env.admin.clear_requests()
    outs = update(W(), created.id, outs, wave(tasks))
    assert members(outs) == {"web-01": "running", "web-02": "running"}
    assert api_requests(provider_env)["POST /v3/tasks/{task_id}/action"] == 1, "only web-01 is started"


def test_stop_start_and_per_task_run_states(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, *SERVERS)
    created = create(W(), wave(tasks, run_states={"app-01": "stopped"}))
    assert members(created.outs) == {"web-01": "running", "web-02": "running", "app-01": "stopped"}
    assert state(sms, tasks["app-01"]) == "READY", "a new task counts as stopped"
    outs = update(W(), created.id, created.outs, wave(tasks, run_state="stopped"))
    assert {state(sms, t) for t in tasks.values()} <= {"ABORT", "READY"}
    assert members(outs) == dict.fromkeys(SERVERS, "stopped")
    assert_no_diff(W(), created.id, outs, wave(tasks, run_state="stopped"))
    outs = update(W(), created.id, outs, wave(tasks))
    assert members(outs) == dict.fromkeys(SERVERS, "running")


def test_cut_over_waits_for_replication_then_launches_every_target(
    provider_env: EmulatorServer, sms: SmsClient, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = make_tasks(sms, "web-01", "web-02")
    created = create(W(), wave(tasks, run_state="cut_over"))
    for task_id in tasks.values():
        task = sms.show_task(task_id)
        assert task.state == "MIGRATE_SUCCESS"
        assert str([s.user_op for s in task.sub_tasks or []][-1]).startswith("CUTOVER")
    assert members(created.outs) == {"web-01": "cut_over", "web-02": "cut_over"}
    assert_no_diff(W(), created.id, created.outs, wave(tasks, run_state="cut_over"))
    err = capsys.readouterr().err
    assert "wave wave-1: taking 2 task(s) to cut_over" in err
    assert "wave wave-1 (cut_over, " in err and "2 done" in err
    # A cut-over task cannot be paused: the wave says so, for that task, without raising.
    outs = update(W(), created.id, created.outs, wave(tasks, run_state="stopped"))
    assert outs["failures"]["web-01"].startswith("cannot be taken to stopped: it is cut over already")


def test_a_template_task_is_running_once_its_target_exists(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    template = create(TemplateProvider(), {
        "name": "web", "is_template": True, "region": "cn-north-4", "projectid": "p", "flavor": "s6.large.2"})
    tasks = make_tasks(sms, "web-01", vm_template_id=template.id, exist_server=False,
                       target_server={"name": "web-01-cloud"})
    created = create(W(), wave(tasks))
    target = created.outs["members"]["web-01"]["target_server_id"]
    assert target and sms.show_task(tasks["web-01"]).target_server.vm_id == target  # type: ignore[union-attr]


# -- failures -------------------------------------------------------------------------------------


def test_partial_failure_names_the_failed_task_and_the_others_carry_on(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    tasks = make_tasks(sms, *SERVERS)
    created = create(W(), wave(tasks))
    provider_env.admin.fail_task(tasks["web-02"], after_ms=30_000, error_code="SMS.1801",
                                 error_msg="Disk I/O error on the source.")
    outs = update(W(), created.id, created.outs, wave(tasks, run_state="cut_over"))
    assert members(outs) == {"web-01": "cut_over", "web-02": "failed", "app-01": "cut_over"}
    assert list(outs["failures"]) == ["web-02"]
    # The SMS error: code, message, and the sub-task that failed.
    assert outs["failures"]["web-02"].startswith("failed: SMS.1801: Disk I/O error on the source. (in ")
    assert outs["members"]["web-02"]["error"].startswith("SMS.1801: Disk I/O error on the source.")
    # The next `up` acts only on what still differs: it restarts web-02, saying why.
    assert diff(W(), created.id, outs, wave(tasks, run_state="cut_over")).changes is True


def test_a_task_failing_again_with_the_same_error_is_not_restarted_again(
    provider_env: EmulatorServer, sms: SmsClient, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = make_tasks(sms, "web-01")
    task_id = tasks["web-01"]
    created = create(W(), wave(tasks))
    error: dict[str, Any] = {"error_code": "SMS.6513", "error_msg": "The source disk is full."}
    provider_env.admin.fail_task(task_id, **error)
    _, outs = read(W(), created.id, created.outs)
    assert members(outs) == {"web-01": "failed"}
    # The preview names it and says what `up` will do.
    assert diff(W(), created.id, outs, wave(tasks)).changes is True
    said = capsys.readouterr().err
    assert "wave wave-1: task web-01 failed (SMS.6513: The source disk is full." in said, said
    assert "up starts it again" in said, said
    # The next `up` says what failed, and starts it again once.
    outs = update(W(), created.id, outs, wave(tasks))
    said = capsys.readouterr().err
    assert "wave wave-1: task web-01 had failed (SMS.6513: The source disk is full." in said
    assert members(outs) == {"web-01": "running"} and outs["failures"] == {}
    # The cause is not fixed: it fails the same way again. From now on `up` reports it, and leaves it.
    provider_env.admin.fail_task(task_id, **error)
    _, outs = read(W(), created.id, outs)
    diff(W(), created.id, outs, wave(tasks))
    said = capsys.readouterr().err
    assert "task web-01 failed again after its restart (SMS.6513: The source disk is full." in said, said
    assert "up fails with this error; fix the cause, then change the wave's `retry`" in said, said
    diff(W(), created.id, outs, wave(tasks, retry=1))
    assert "up starts it again" in capsys.readouterr().err
    for _ in range(2):
        provider_env.admin.clear_requests()
        outs = update(W(), created.id, outs, wave(tasks))
        assert "POST /v3/tasks/{task_id}/action" not in api_requests(provider_env), "not restarted again"
        failure = outs["failures"]["web-01"]
        assert failure.startswith("failed again with the same error after a restart: SMS.6513: The source "
                                  "disk is full."), failure
        assert "retry on purpose (the wave's `retry`)" in failure
    # Retrying on purpose: change the wave's `retry`.
    outs = update(W(), created.id, outs, wave(tasks, retry=1))
    assert members(outs) == {"web-01": "running"} and outs["failures"] == {}
    # A failure with another error is restarted once, like the first.
    provider_env.admin.fail_task(task_id, error_code="SMS.1801", error_msg="Disk I/O error.")
    outs = update(W(), created.id, outs, wave(tasks, retry=1))
    assert members(outs) == {"web-01": "running"}


def test_a_task_deleted_outside_pulumi_is_reported_not_raised(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    tasks = make_tasks(sms, "web-01", "web-02")
    created = create(W(), wave(tasks))
    TaskProvider().delete(tasks["web-02"], {})
    _, outs = read(W(), created.id, created.outs)
    assert members(outs)["web-02"] == "deleted"
    outs = update(W(), created.id, outs, wave(tasks, run_state="cut_over"))
    assert members(outs)["web-01"] == "cut_over"
    assert "was deleted outside Pulumi" in outs["failures"]["web-02"]
    assert "`pulumi refresh`" in outs["failures"]["web-02"]


def test_a_wait_past_its_bound_is_a_failure_saying_so(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, "web-01")
    provider_env.admin.clock(speed=1)  # replication now takes minutes
    created = create(W(), wave(tasks, run_state="cut_over", wait_timeout=0.5))
    failure = created.outs["failures"]["web-01"]
    assert failure.startswith("still RUNNING") and "the wait's bound is 0.5s" in failure
    assert "HW_WAIT_TIMEOUT" in failure


# -- SMS pushing back -----------------------------------------------------------------------------


def test_throttling_slows_the_wave_down_and_never_fails_it(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    tasks = make_tasks(sms, *SERVERS)
    provider_env.admin.add_fault("POST /v3/tasks/*/action", throttle_429_rate=0.6, retry_after=0)
    provider_env.admin.add_fault("GET /v3/tasks", throttle_429_rate=0.3, retry_after=0)
    created = create(W(), wave(tasks))
    assert members(created.outs) == dict.fromkeys(SERVERS, "running")
    statuses = [r["status"] for r in provider_env.admin.requests(with_list=True)["requests"]]
    assert 429 in statuses


def test_a_lost_answer_to_an_action_is_reconciled(provider_env: EmulatorServer, sms: SmsClient) -> None:
    # "start" is applied but its answer is lost; the client sends it again and SMS refuses it
    # (SMS.7713: the task is RUNNING already). The task is where it should be: no error.
    tasks = make_tasks(sms, "web-01")
    provider_env.admin.add_fault("POST /v3/tasks/*/action", drop_rate=1.0, drop_mode="after", count=1)
    created = create(W(), wave(tasks))
    assert members(created.outs) == {"web-01": "running"} and created.outs["failures"] == {}


# -- refresh and delete ---------------------------------------------------------------------------


def test_a_refresh_of_many_tasks_costs_one_list_request(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, *SERVERS)
    task_outs = {k: TaskProvider().read(t, engine({"name": k, PROVIDER_KEY: "p"})) for k, t in tasks.items()}
    created = create(W(), wave(tasks))
    provider_env.admin.clear_requests()
    for key, task_id in tasks.items():
        found, _ = read(TaskProvider(), task_id, dict(task_outs[key].outs or {}))
        assert found == task_id
    read(W(), created.id, created.outs)
    assert api_requests(provider_env) == {"GET /v3/tasks": 1}


def test_delete_pauses_the_running_tasks_unless_another_wave_took_them(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    tasks = make_tasks(sms, *SERVERS)
    created = create(W(), wave(tasks))
    # Renaming the wave: a new wave takes web-01 and web-02 over, then the old one is deleted.
    wave_module._claimed.clear()
    create(W(), {**wave({k: tasks[k] for k in ("web-01", "web-02")}), "name": "renamed"})
    W().delete(created.id, engine(created.outs))
    assert state(sms, tasks["app-01"]) == "ABORT"
    assert {state(sms, tasks[k]) for k in ("web-01", "web-02")} <= {"RUNNING", "SYNCING"}
    # A destroy: nothing takes them over; the tasks' own deletes then need no wait.
    wave_module._claimed.clear()
    W().delete(created.id, engine(created.outs))
    wait_for(lambda: {state(sms, t) for t in tasks.values()}, lambda s: s <= {"ABORT"}, timeout=30)
