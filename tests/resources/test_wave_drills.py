"""Wave provider against the emulator: what a wave does beside its run state.

The test before a cut-over (`tested`: a clone from a template, or the migration drill), another sync
round after one (`resync`), the snapshot clean-up (`clear_snapshots`), the network check, the
consistency results and the log upload of a failure. The emulator's clock runs 200x.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sms_pulumi.api.errors import ApiError
from sms_pulumi.api.models.tasks import TaskAction, TaskActionRequest
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources import wave as wave_module
from sms_pulumi.resources.task import TaskProvider
from sms_pulumi.resources.task_lifecycle import ACTIONS
from sms_pulumi.resources.template import TemplateProvider
from sms_pulumi.resources.wave import WaveProvider
from tests.resources.helpers import COMPUTED, api_requests, assert_no_diff, create, diff, engine, read, update
from tests.resources.test_task import wait_state
from tests.resources.test_wave import make_tasks, members, task_in, wave

W = WaveProvider


@pytest.fixture(autouse=True)
def _fresh_claims() -> Iterator[None]:
    wave_module._claimed.clear()
    yield
    wave_module._claimed.clear()


@pytest.fixture
def template_id(provider_env: EmulatorServer) -> str:
    return create(TemplateProvider(), {"name": "clone-test", "is_template": True, "region": "cn-north-4",
                                       "projectid": "p", "flavor": "s6.large.2"}).id


def source_state(sms: SmsClient, task_id: str) -> str | None:
    source = sms.show_task(task_id).source_server
    return source.state if source else None


# -- the action table, for the side actions ---------------------------------------------------------


@pytest.mark.parametrize("live_state", ["READY", "SYNCING", "MIGRATE_SUCCESS"])
def test_side_actions_are_accepted_where_the_table_says(
    provider_env: EmulatorServer, sms: SmsClient, template_id: str, live_state: str
) -> None:
    side = (TaskAction.CLONE_TEST, TaskAction.MIGRATION_TEST, TaskAction.CLEAR, TaskAction.NETWORK_CHECK)
    for action in side:
        rule = ACTIONS[action]
        task_id = task_in(provider_env, sms, live_state, need_migration_test=True)
        try:
            sms.task_action(task_id, TaskActionRequest(operation=action, template_id=template_id))
        except ApiError as exc:
            assert live_state not in rule.allowed, f"{action} refused in {live_state}: {exc}"
            assert exc.error_code == rule.refused_with, (action, live_state, str(exc))
        else:
            assert live_state in rule.allowed, f"{action} accepted in {live_state}"
        provider_env.admin.clock(speed=200, advance_ms=3600 * 1000)
        TaskProvider().delete(task_id, {"name": "web-01-task"})


# -- tested: a clone, or the drill ----------------------------------------------------------------


def test_tested_clones_each_target_and_keeps_syncing(
    provider_env: EmulatorServer, sms: SmsClient, template_id: str
) -> None:
    tasks = make_tasks(sms, "web-01", "web-02")
    created = create(W(), wave(tasks, "tested", test_template_id=template_id))
    assert members(created.outs) == {"web-01": "tested", "web-02": "tested"}
    for key, task_id in tasks.items():
        task = sms.show_task(task_id)
        assert task.state == "SYNCING", "a test clone does not end the replication"
        assert task.clone_server is not None and task.clone_server.clone_state == "FINISHED"
        test = created.outs["members"][key]["test"]
        assert test == {"kind": "clone", "progress": "done", "clone_server_id": task.clone_server.vm_id,
                        "clone_name": task.clone_server.name}
    assert_no_diff(W(), created.id, created.outs, wave(tasks, "tested", test_template_id=template_id))
    _, outs = read(W(), created.id, created.outs)
    assert members(outs) == {"web-01": "tested", "web-02": "tested"}
    # Then the cut-over, from the tested state.
    outs = update(W(), created.id, outs, wave(tasks, "cut_over", test_template_id=template_id))
    assert members(outs) == {"web-01": "cut_over", "web-02": "cut_over"}


def test_tested_without_a_template_is_the_migration_drill(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    tasks = make_tasks(sms, "web-01", need_migration_test=True)
    tasks.update(make_tasks(sms, "web-02"))  # created without the drill
    created = create(W(), wave(tasks, "tested"))
    assert created.outs["members"]["web-01"]["test"] == {"kind": "drill", "progress": "done"}
    assert members(created.outs)["web-01"] == "tested"
    assert source_state(sms, tasks["web-01"]) == "premiged"
    failure = created.outs["failures"]["web-02"]
    assert "need_migration_test" in failure and "migration_drill: true" in failure, failure
    assert members(created.outs)["web-02"] == "running"  # syncing, never tested


def test_a_failed_clone_fails_the_member_and_is_cloned_again_only_on_retry(
    provider_env: EmulatorServer, sms: SmsClient, template_id: str
) -> None:
    tasks = make_tasks(sms, "web-01")
    running = create(W(), wave(tasks))
    wait_state(sms, tasks["web-01"], "SYNCING")
    clone = TaskActionRequest(operation=TaskAction.CLONE_TEST, template_id=template_id)
    sms.task_action(tasks["web-01"], clone)
    provider_env.admin.fail_task(tasks["web-01"], target="clone", error_code="SMS.6526",
                                 error_msg="Insufficient quota to clone the target server.")
    provider_env.admin.clear_requests()
    outs = update(W(), running.id, running.outs, wave(tasks, "tested", test_template_id=template_id))
    failure = outs["failures"]["web-01"]
    assert "the test clone failed: Insufficient quota" in failure and "`retry`" in failure, failure
    assert "POST /v3/tasks/{task_id}/action" not in api_requests(provider_env)
    again = update(W(), running.id, outs, wave(tasks, "tested", test_template_id=template_id, retry=1))
    assert again["failures"] == {} and members(again) == {"web-01": "tested"}


# -- resync rounds, clean-up ----------------------------------------------------------------------


def test_resync_runs_one_more_round_then_cuts_over_again(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    tasks = make_tasks(sms, "web-01", "web-02")
    created = create(W(), wave(tasks, "cut_over"))
    assert {m["cut_overs"] for m in created.outs["members"].values()} == {1}
    # No change of `resync`: nothing to do.
    assert_no_diff(W(), created.id, created.outs, wave(tasks, "cut_over"))
    assert diff(W(), created.id, created.outs, wave(tasks, "cut_over", resync=1)).changes
    outs = update(W(), created.id, created.outs, wave(tasks, "cut_over", resync=1))
    assert members(outs) == {"web-01": "cut_over", "web-02": "cut_over"}
    assert {m["cut_overs"] for m in outs["members"].values()} == {2}
    ops = [s.user_op for s in sms.show_task(tasks["web-01"]).sub_tasks or []]
    rounds = list(dict.fromkeys(op for op in ops if op and op.startswith(("RESYNC", "CUTOVER"))))
    assert rounds[-3:] == ["CUTOVER0", "RESYNC0", "CUTOVER1"], ops
    # The same `resync` again restarts nothing.
    provider_env.admin.clear_requests()
    outs = update(W(), created.id, outs, wave(tasks, "cut_over", resync=1, max_parallel=5))
    assert "POST /v3/tasks/{task_id}/action" not in api_requests(provider_env)


def test_clear_snapshots_after_the_cut_over_and_on_destroy(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    tasks = make_tasks(sms, "web-01")
    created = create(W(), wave(tasks, "cut_over", clear_snapshots=True))
    assert created.outs["members"]["web-01"]["snapshots"] == "cleared"
    assert source_state(sms, tasks["web-01"]) == "cleared"
    target = sms.show_task(tasks["web-01"]).target_server
    assert target is not None and not target.cutovered_snapshot_ids
    # A wave cut over without the clean-up, destroyed with it: the snapshots go before the tasks.
    more = make_tasks(sms, "web-02")
    plain = create(W(), wave(more, "cut_over"))
    assert "snapshots" not in plain.outs["members"]["web-02"]
    wave_module._claimed.clear()  # a later `pulumi destroy`
    W().delete(plain.id, engine({**plain.outs, "clear_snapshots": True}))
    assert source_state(sms, more["web-02"]) == "cleared"


# -- network check, consistency, logs -------------------------------------------------------------


def test_network_check_results_are_in_members(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, "web-01")
    created = create(W(), wave(tasks, network_check=True))
    network = created.outs["members"]["web-01"]["network"]
    assert network["evaluation_result"] == "NORMAL" and network["migration_speed"] > 0, network


def test_consistency_results_are_read_when_asked(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, "web-01", is_need_consistency_check=True)
    created = create(W(), wave(tasks, "cut_over", consistency_results=True))
    result = created.outs["members"]["web-01"]["consistency"]
    assert result is not None and result["files"] > 0 and result["different"] == 0, result
    provider_env.admin.clear_requests()
    _, outs = read(W(), created.id, created.outs)
    assert outs["members"]["web-01"]["consistency"] == result
    assert api_requests(provider_env).get("GET /v3/tasks/{task_id}/consistency-result") == 1
    # Not asked: not read.
    plain = create(W(), wave(make_tasks(sms, "web-02")))
    assert "consistency" not in plain.outs["members"]["web-02"]


def test_a_failure_uploads_the_agent_logs(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, "web-01")
    sms.task_action(tasks["web-01"], TaskAction.START)
    # A simulated minute (0.3 s) into the copy: the wave has seen the task healthy by then.
    provider_env.admin.fail_task(tasks["web-01"], after_ms=60_000, error_code="SMS.3802",
                                 error_msg="Disk full on the target.")
    created = create(W(), wave(tasks, "cut_over", upload_logs_to="sms-logs"))
    failure = created.outs["failures"]["web-01"]
    assert "SMS.3802" in failure and "Agent logs " in failure, failure
    assert created.outs["members"]["web-01"]["logs"].startswith(("uploading to OBS bucket sms-logs",
                                                                 "not uploaded: "))


# -- check and the preview's warnings --------------------------------------------------------------


def test_check_names_bad_options(provider_env: EmulatorServer) -> None:
    bad = wave({"web-01": "t1"}, clear_snapshots="yes", network_check=1, upload_logs_to="x" * 300)
    named = {f.property for f in W().check({}, engine(bad)).failures}
    assert named == {"clear_snapshots", "network_check", "upload_logs_to"}, named
    assert api_requests(provider_env) == {}


def test_the_preview_warns_of_cut_overs_clones_and_resyncs(
    provider_env: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    olds = {**wave({"web-01": "t1", "web-02": "t2"}),
            "members": {"web-01": {"task_id": "t1", "run_state": "running", "state": "SYNCING"},
                        "web-02": {"task_id": "t2", "run_state": "cut_over", "state": "MIGRATE_SUCCESS"}},
            "failures": {}}
    diff(W(), "w", olds, wave({"web-01": "t1", "web-02": "t2"}, "cut_over"))
    err = capsys.readouterr().err
    assert "cut_over launches the target servers of 1 task(s) (web-01): irreversible" in err, err
    diff(W(), "w", olds, wave({"web-01": "t1", "web-02": "t2"}, "tested", test_template_id="tpl",
                              run_states={"web-02": "cut_over"}))
    assert "tested clones 1 target server(s) from a template (web-01)" in capsys.readouterr().err
    diff(W(), "w", olds, wave({"web-01": "t1", "web-02": "t2"}, "cut_over", resync=2))
    assert "resync restarts 1 cut-over task(s) (web-02)" in capsys.readouterr().err
    # A new wave (no diff): its check says it, task IDs not known yet.
    W().check({}, engine(wave({"web-01": COMPUTED}, "cut_over")))
    assert "cut_over launches the target servers of 1 task(s) (web-01)" in capsys.readouterr().err


def test_plain_waves_report_what_they_always_did(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(W(), wave(make_tasks(sms, "web-01")))
    assert set(created.outs["members"]["web-01"]) == {
        "task_id", "wanted", "state", "run_state", "target_server_id", "error", "failure", "restarted_after",
        "cut_overs"}
