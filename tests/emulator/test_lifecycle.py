"""Task and source life cycle on the fast clock, and the documented invalid-state errors."""

from __future__ import annotations

import time

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksms.v3 import SmsClient
from huaweicloudsdksms.v3 import model as sm

from sms_pulumi.emulator.server import EmulatorServer
from tests.polling import wait_for

from .conftest import source_id
from .test_sdk_conformance import _task_body


def _show(sms: SmsClient, tid: str) -> sm.ShowTaskResponse:
    return sms.show_task(sm.ShowTaskRequest(task_id=tid))


def _act(sms: SmsClient, tid: str, operation: str) -> None:
    sms.update_task_status(
        sm.UpdateTaskStatusRequest(task_id=tid, body=sm.UpdateTaskStatusReq(operation=operation))
    )


def _state_error(sms: SmsClient, tid: str, operation: str) -> str:
    with pytest.raises(ClientRequestException) as err:
        _act(sms, tid, operation)
    assert err.value.status_code == 400
    return str(err.value.error_code)


def test_full_migration_under_ten_seconds(sms: SmsClient) -> None:
    """create -> start -> RUNNING -> SYNCING -> cut over -> MIGRATE_SUCCESS -> delete -> gone."""
    began = time.monotonic()
    web = source_id(sms, "web-01")
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web, syncing=True))).id
    assert _show(sms, tid).state == "READY"
    _act(sms, tid, "start")
    running = _show(sms, tid)
    assert running.state == "RUNNING" and running.sub_tasks[0].start_date is not None
    seen_progress = wait_for(
        lambda: _show(sms, tid),
        lambda t: (
            any(s.name.startswith("MIGRATE_") and 0 < s.progress < 100 for s in t.sub_tasks)
            or t.state == "SYNCING"
        ),
    )
    if seen_progress.state == "RUNNING":
        copy = next(s for s in seen_progress.sub_tasks if s.name.startswith("MIGRATE_"))
        assert copy.migrate_speed > 0 and seen_progress.remain_seconds > 0
        src = sms.show_server(sm.ShowServerRequest(source_id=web))
        assert (
            src.state == "replicate" and src.migration_cycle == "replicating" and src.current_task.id == tid
        )
    syncing = wait_for(lambda: _show(sms, tid), lambda t: t.state == "SYNCING")
    assert all(s.progress == 100 for s in syncing.sub_tasks)
    assert sms.show_server(sm.ShowServerRequest(source_id=web)).state == "syncing"
    _act(sms, tid, "test")
    done = wait_for(lambda: _show(sms, tid), lambda t: t.state == "MIGRATE_SUCCESS")
    assert [s.user_op for s in done.sub_tasks][-1] == "CUTOVER0" and done.finish_date
    source = sms.show_server(sm.ShowServerRequest(source_id=web))
    assert (source.state, source.migration_cycle) == ("finished", "cutovered")
    sms.delete_task(sm.DeleteTaskRequest(task_id=tid))
    assert sms.list_tasks(sm.ListTasksRequest(id=tid)).count == 0  # 200 means deleted (manual 4.3)
    assert sms.show_server(sm.ShowServerRequest(source_id=web)).current_task is None
    elapsed = time.monotonic() - began
    print(f"\nfull migration (create -> start -> sync -> cut over -> delete): {elapsed:.2f} s wall time")
    assert elapsed < 10


def test_without_syncing_the_task_cuts_over_by_itself(sms: SmsClient) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "app-01")))).id
    _act(sms, tid, "start")
    done = wait_for(lambda: _show(sms, tid), lambda t: t.state == "MIGRATE_SUCCESS")
    assert {s.user_op for s in done.sub_tasks} == {"REPLICATE", "CUTOVER0"}


def test_invalid_state_errors(sms: SmsClient) -> None:
    tid = sms.create_task(
        sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "app-01"), syncing=True))
    ).id
    assert _state_error(sms, tid, "stop") == "SMS.7714"
    assert _state_error(sms, tid, "test") == "SMS.7721"
    assert _state_error(sms, tid, "restart") == "SMS.7722"
    _act(sms, tid, "start")
    assert _state_error(sms, tid, "start") == "SMS.7713"
    with pytest.raises(ClientRequestException) as err:
        sms.delete_task(sm.DeleteTaskRequest(task_id=tid))
    assert err.value.error_code == "SMS.7719"
    with pytest.raises(ClientRequestException) as err:  # a running task blocks deleting its source
        sms.delete_server(sm.DeleteServerRequest(source_id=source_id(sms, "app-01")))
    assert err.value.error_code == "SMS.7601"
    _act(sms, tid, "stop")
    assert _show(sms, tid).state in ("ABORTING", "ABORT")  # ABORTING lasts 10 simulated seconds
    assert sms.show_server(sm.ShowServerRequest(source_id=source_id(sms, "app-01"))).state in (
        "stopping",
        "stopped",
    )
    paused = wait_for(lambda: _show(sms, tid), lambda t: t.state == "ABORT")
    _act(sms, tid, "start")  # resume keeps what was done
    resumed = _show(sms, tid)
    assert resumed.state == "RUNNING"
    assert [s.progress for s in resumed.sub_tasks] >= [s.progress for s in paused.sub_tasks]
    wait_for(lambda: _show(sms, tid), lambda t: t.state == "SYNCING")
    _act(sms, tid, "stop")
    wait_for(lambda: _show(sms, tid), lambda t: t.state == "ABORT")
    sms.delete_task(sm.DeleteTaskRequest(task_id=tid))
    with pytest.raises(ClientRequestException) as err:
        _act(sms, "no-such-task", "start")
    assert err.value.error_code == "SMS.7703"


def test_injected_failure_and_restart(sms: SmsClient, emulator: EmulatorServer) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-02")))).id
    _act(sms, tid, "start")
    emulator.admin.fail_task(tid, error_code="SMS.1908", error_msg="Data transmission failed.")
    failed = _show(sms, tid)
    assert failed.state == "MIGRATE_FAIL" and "SMS.1908" in failed.error_json
    assert sms.show_server(sm.ShowServerRequest(source_id=source_id(sms, "web-02"))).state == "error"
    _act(sms, tid, "start")  # a failed task can be started again
    done = wait_for(lambda: _show(sms, tid), lambda t: t.state == "MIGRATE_SUCCESS")
    assert done.error_json == ""
    _act(sms, tid, "restart")  # after a successful launch: a resync round, then SYNCING
    wait_for(lambda: _show(sms, tid), lambda t: t.state == "SYNCING")


def test_creation_is_validated(sms: SmsClient) -> None:
    legacy = source_id(sms, "legacy-01")
    with pytest.raises(ClientRequestException) as err:
        sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, legacy)))
    assert err.value.error_code == "SMS.6520"
    body = _task_body(sms, source_id(sms, "web-01"))
    body.vm_template_id = "no-such-template"
    with pytest.raises(ClientRequestException) as err:
        sms.create_task(sm.CreateTaskRequest(body=body))
    assert err.value.error_code == "SMS.7101"
    body = _task_body(sms, source_id(sms, "web-01"))
    body.os_type, body.type = "WINDOWS", "MIGRATE_BLOCK"
    with pytest.raises(ClientRequestException) as err:
        sms.create_task(sm.CreateTaskRequest(body=body))
    assert err.value.error_code == "SMS.6610"
    body.type = "MIGRATE_FILE"  # Windows migrates block by block only
    with pytest.raises(ClientRequestException) as err:
        sms.create_task(sm.CreateTaskRequest(body=body))
    assert err.value.error_code == "SMS.7712"
    body = _task_body(sms, source_id(sms, "web-01"))
    body.source_server = sm.SourceServerByTask(id="missing")
    with pytest.raises(ClientRequestException) as err:
        sms.create_task(sm.CreateTaskRequest(body=body))
    assert err.value.error_code == "SMS.7602"
    body = _task_body(sms, source_id(sms, "web-01"))
    body.type = "MIGRATE_SOMETHING"
    with pytest.raises(ClientRequestException) as err:
        sms.create_task(sm.CreateTaskRequest(body=body))
    assert err.value.error_code == "SMS.7712"  # "Invalid task type", naming the allowed values
    assert "MIGRATE_FILE" in err.value.error_msg and "MIGRATE_BLOCK" in err.value.error_msg
