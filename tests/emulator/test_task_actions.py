"""Issue 14, API side: every task action, the states it needs and leads to and how long it takes
(AMBIGUITIES.md, "Task actions"), source servers' disk settings, deletes, consistency results and
log upload, all through the official SDK on a stopped clock."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksms.v3 import SmsClient
from huaweicloudsdksms.v3 import model as sm

from sms_pulumi.emulator.server import EmulatorServer

from .conftest import SignedHttp, StoppedClock, source_id
from .test_sdk_conformance import _task_body, _template_body

GIB = 1024**3
# web-01 holds 41.9 GB: replication is 70 s of set-up then 419 s of copy at 800 Mbit/s.
WEB01_REPLICATION_S = 70 + 419


def _act(sms: SmsClient, tid: str, operation: str, **extra: Any) -> None:
    body = sm.UpdateTaskStatusReq(operation=operation, **extra)
    sms.update_task_status(sm.UpdateTaskStatusRequest(task_id=tid, body=body))


def _refusal(sms: SmsClient, tid: str, operation: str, **extra: Any) -> str:
    with pytest.raises(ClientRequestException) as err:
        _act(sms, tid, operation, **extra)
    assert err.value.status_code == 400
    return str(err.value.error_code)


def _show(sms: SmsClient, tid: str) -> sm.ShowTaskResponse:
    return sms.show_task(sm.ShowTaskRequest(task_id=tid))


def _source_state(sms: SmsClient, source: str) -> tuple[str, str]:
    shown = sms.show_server(sm.ShowServerRequest(source_id=source))
    return shown.state, shown.migration_cycle


def _syncing_task(sms: SmsClient, clock: StoppedClock, name: str = "web-01", **extra: Any) -> str:
    tid = str(sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, name), syncing=True,
                                                                   **extra))).id)
    _act(sms, tid, "start")
    clock.advance(WEB01_REPLICATION_S + 120 if extra.get("is_need_consistency_check") else 3600)
    assert _show(sms, tid).state == "SYNCING"
    return tid


def _template(sms: SmsClient, name: str = "clone-tpl") -> str:
    return str(sms.create_template(sm.CreateTemplateRequest(body=sm.CreateTemplateReq(
        template=_template_body(name)))).id)


def test_cut_over_from_syncing(sms: SmsClient, clock: StoppedClock) -> None:
    """``test``: SYNCING -> RUNNING (CUTOVERn: CONFIGURE 30 s, DETTACH 15 s) -> MIGRATE_SUCCESS."""
    web = source_id(sms, "web-01")
    tid = _syncing_task(sms, clock)
    _act(sms, tid, "test")
    assert _show(sms, tid).state == "RUNNING" and _source_state(sms, web) == ("cutovering", "cutovering")
    clock.advance(44)
    assert _show(sms, tid).state == "RUNNING"
    clock.advance(1)
    done = _show(sms, tid)
    assert done.state == "MIGRATE_SUCCESS" and done.sub_tasks[-1].user_op == "CUTOVER0"
    assert [s.name for s in done.sub_tasks[-2:]] == ["CONFIGURE_LINUX_FILE", "DETTACH_AGENT_IMAGE"]
    assert done.target_server.cutovered_snapshot_ids  # rollback snapshots of the launch
    assert _source_state(sms, web) == ("finished", "cutovered")
    assert _refusal(sms, tid, "test") == "SMS.7721"


def test_restart_runs_a_resync_round(sms: SmsClient, clock: StoppedClock) -> None:
    tid = _syncing_task(sms, clock)
    assert _refusal(sms, tid, "restart") == "SMS.7722"
    _act(sms, tid, "test")
    clock.advance(45)
    _act(sms, tid, "restart")
    task = _show(sms, tid)
    assert task.state == "RUNNING" and task.sub_tasks[-1].user_op == "RESYNC0"
    clock.advance(60)  # SSL_CONFIG 10 s, ATTACH_AGENT_IMAGE 20 s, SYNC_LINUX_FILE 30 s
    assert _show(sms, tid).state == "SYNCING"


def test_clone_test_makes_a_clone_in_80_seconds(sms: SmsClient, clock: StoppedClock) -> None:
    web = source_id(sms, "web-01")
    tpl = _template(sms)
    fresh = str(sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-02")))).id)
    assert _refusal(sms, fresh, "clone_test", template_id=tpl) == "SMS.7721"
    tid = _syncing_task(sms, clock)
    assert _refusal(sms, tid, "clone_test") == "SMS.6013"
    assert _refusal(sms, tid, "clone_test", template_id="gone") == "SMS.7101"
    _act(sms, tid, "clone_test", template_id=tpl)
    assert _show(sms, tid).clone_server.clone_state == "PREPARING"
    assert _source_state(sms, web) == ("cloning", "syncing")
    assert _refusal(sms, tid, "clone_test", template_id=tpl) == "SMS.6005"  # one clone at a time
    assert _refusal(sms, tid, "test") == "SMS.7721"  # not while the target is being cloned
    clock.advance(10)
    clone = _show(sms, tid).clone_server
    assert (clone.clone_state, clone.vm_id) == ("CREATING", "")
    clock.advance(70)
    clone = _show(sms, tid).clone_server
    assert clone.clone_state == "FINISHED" and clone.vm_id and clone.name == "clone-tpl-target"
    assert _show(sms, tid).state == "SYNCING" and _source_state(sms, web) == ("syncing", "syncing")
    with pytest.raises(ClientRequestException) as err:  # the clone uses the template
        sms.delete_template(sm.DeleteTemplateRequest(id=tpl))
    assert err.value.error_code == "SMS.7111"


def test_a_failed_clone(sms: SmsClient, emulator: EmulatorServer, clock: StoppedClock) -> None:
    tid = _syncing_task(sms, clock)
    _act(sms, tid, "clone_test", template_id=_template(sms))
    emulator.admin.fail_task(tid, target="clone", error_code="SMS.0601",
                             error_msg="Target server creation failed.")
    clone = _show(sms, tid).clone_server
    assert (clone.clone_state, clone.clone_error) == ("ERROR", "SMS.0601")


def test_migration_drill(sms: SmsClient, emulator: EmulatorServer, clock: StoppedClock) -> None:
    """``migration_test``: SYNCING, created with need_migration_test; premigready 5 s -> premiging 60 s
    -> premiged."""
    plain = _syncing_task(sms, clock, "web-02")
    assert _refusal(sms, plain, "migration_test") == "SMS.6005"
    web = source_id(sms, "web-01")
    tid = _syncing_task(sms, clock, need_migration_test=True)
    _act(sms, tid, "migration_test")
    assert _source_state(sms, web) == ("premigready", "syncing")
    clock.advance(5)
    assert _source_state(sms, web) == ("premiging", "syncing")
    assert _refusal(sms, tid, "migration_test") == "SMS.6005"
    clock.advance(60)
    assert _source_state(sms, web) == ("premiged", "syncing")
    assert _show(sms, tid).state == "SYNCING" and _show(sms, tid).need_migration_test is True
    _act(sms, tid, "migration_test")
    emulator.admin.fail_task(tid, target="drill")
    assert _source_state(sms, web) == ("premigfailed", "syncing")


def test_clear_releases_the_snapshots_of_a_launched_target(sms: SmsClient, emulator: EmulatorServer,
                                                           clock: StoppedClock) -> None:
    web = source_id(sms, "web-01")
    tid = _syncing_task(sms, clock)
    assert _refusal(sms, tid, "clear") == "SMS.6005"
    _act(sms, tid, "test")
    clock.advance(45)
    _act(sms, tid, "clear")
    assert _source_state(sms, web) == ("clearing", "cutovered")
    clock.advance(20)
    assert _source_state(sms, web) == ("cleared", "cutovered")
    assert _show(sms, tid).target_server.cutovered_snapshot_ids is None
    _act(sms, tid, "clear")
    emulator.admin.fail_task(tid, target="clear")
    assert _source_state(sms, web) == ("clearfailed", "cutovered")


def test_consistency_checks_and_skip(sms: SmsClient, clock: StoppedClock, raw: SignedHttp) -> None:
    """A task created with is_need_consistency_check checks after each copy (60 s); ``skip`` ends a
    running check at once (SKIPPING 5 s) and leaves no result."""
    web = source_id(sms, "web-01")
    tid = str(sms.create_task(sm.CreateTaskRequest(body=_task_body(
        sms, web, syncing=True, is_need_consistency_check=True))).id)
    assert _refusal(sms, tid, "skip") == "SMS.6005"
    _act(sms, tid, "start")
    clock.advance(WEB01_REPLICATION_S + 1)  # the copy is over, the check runs
    assert _show(sms, tid).state == "RUNNING"
    assert raw.json("GET", f"/v3/tasks/{tid}/consistency-result")["result_list"] == []
    clock.advance(60)
    assert _show(sms, tid).state == "SYNCING"
    results = raw.json("GET", f"/v3/tasks/{tid}/consistency-result")
    assert results["task_id"] == tid and len(results["result_list"]) == 1
    check = results["result_list"][0]
    assert check["check_result"] == "success"
    assert {r["dir_check"] for r in check["consistency_result"]} == {"/", "/boot", "/var/www"}
    assert sms.show_consistency_result(sm.ShowConsistencyResultRequest(task_id=tid)).task_id == tid
    checked = sms.list_servers(sm.ListServersRequest(is_consistency_result_exist=True)).source_servers
    assert [s.id for s in checked] == [web]

    _act(sms, tid, "stop")
    clock.advance(10)
    _act(sms, tid, "start")  # a resync round: 30 s of set-up and 30 s of copy, then a check
    clock.advance(61)
    _act(sms, tid, "skip")
    assert _show(sms, tid).state == "SKIPPING" and _source_state(sms, web)[0] == "skipping"
    clock.advance(5)
    assert _show(sms, tid).state == "SYNCING"
    assert len(raw.json("GET", f"/v3/tasks/{tid}/consistency-result")["result_list"]) == 1

    report = sm.SetConsistencyResultRequestBody(consistency_result=[sm.ConsistencyResult(
        dir_check="/data", num_total_files=10, num_different_files=1, num_target_miss_files=0,
        num_target_more_files=0)])
    sms.update_consistency_result(sm.UpdateConsistencyResultRequest(task_id=tid, body=report))
    last = raw.json("GET", f"/v3/tasks/{tid}/consistency-result")["result_list"][-1]
    assert last["check_result"] == "failed" and last["consistency_result"][0]["dir_check"] == "/data"
    sms.export_consistency_results(sm.ExportConsistencyResultsRequest(body=sm.BatchGetConsistencyResultReq(
        task_info=[sm.BatchConsistencyReq(task_id=tid, source_id=web, source_name="web-01")])))
    with pytest.raises(ClientRequestException) as err:
        sms.export_consistency_results(sm.ExportConsistencyResultsRequest(body=sm.BatchGetConsistencyResultReq(
            task_info=[sm.BatchConsistencyReq(task_id="gone", source_id=web, source_name="web-01")])))
    assert (err.value.status_code, err.value.error_code) == (404, "SMS.7703")


def test_network_check_takes_30_seconds(sms: SmsClient, clock: StoppedClock) -> None:
    tid = str(sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-01")))).id)
    _act(sms, tid, "network_check")
    clock.advance(29)
    assert _show(sms, tid).network_check_info is None
    clock.advance(1)
    info = _show(sms, tid).network_check_info
    assert info.destination_connectivity is True and info.evaluation_result == "NORMAL"


def test_log_upload(sms: SmsClient, clock: StoppedClock) -> None:
    web = source_id(sms, "web-01")
    tid = str(sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web))).id)

    def upload() -> None:
        sms.collect_log(sm.CollectLogRequest(task_id=tid, body=sm.UploadLogRequestBody(log_bucket="logs")))

    with pytest.raises(ClientRequestException) as err:
        upload()
    assert err.value.error_code == "SMS.7717"  # not started yet
    _act(sms, tid, "start")
    upload()
    assert sms.list_tasks(sm.ListTasksRequest(id=tid)).tasks[0].log_collect_status == "UPLOADING"
    with pytest.raises(ClientRequestException) as err:
        upload()
    assert err.value.error_code == "SMS.7716"
    clock.advance(20)
    assert sms.list_tasks(sm.ListTasksRequest(id=tid)).tasks[0].log_collect_status == "UPLOADED"
    current = sms.list_servers(sm.ListServersRequest(id=web)).source_servers[0].current_task
    assert current.log_bucket == "logs" and current.log_share_url.startswith("https://logs.obs.")
    assert current.log_expire == 300 and current.log_upload_time


def test_an_old_agent_cannot_upload_logs(sms: SmsClient) -> None:
    body = sm.PostSourceServerBody(ip="10.0.9.40", name="old-agent", hostname="old-agent", os_type="LINUX",
                                   os_version="CENTOS_7_9_64BIT", has_rsync=True, agent_version="24.1.0")
    old = sms.register_server(sm.RegisterServerRequest(body=body)).id
    task = sm.PostTask(name="old", type="MIGRATE_FILE", os_type="LINUX",
                       source_server=sm.SourceServerByTask(id=old),
                       target_server=sm.TargetServerByTask(vm_id="ecs-old",
                                                           disks=[sm.TargetDisks(name="d", size=1)]),
                       region_name="r", region_id="r", project_name="p", project_id="p")
    tid = sms.create_task(sm.CreateTaskRequest(body=task)).id
    _act(sms, tid, "start")
    with pytest.raises(ClientRequestException) as err:
        sms.collect_log(sm.CollectLogRequest(task_id=tid, body=sm.UploadLogRequestBody(log_bucket="logs")))
    assert err.value.error_code == "SMS.7707"


# --- source servers ---------------------------------------------------------------------------------


def _put_source(sms: SmsClient, source: str, **body: Any) -> None:
    sms.update_server_name(sm.UpdateServerNameRequest(source_id=source, body=sm.PutSourceServerBody(**body)))


def test_source_disk_settings_shape_the_recommended_target(sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    _put_source(sms, web, disks=[sm.PutDisk(id="/dev/vdb", adjust_size=150 * GIB, physical_volumes=[
        sm.PutVolume(id="/dev/vdb1", adjust_size=140 * GIB)])])
    disks = {d.name: d for d in sms.show_server(sm.ShowServerRequest(source_id=web)).init_target_server.disks}
    assert disks["/dev/vdb"].size == 150 * GIB and disks["/dev/vdb"].physical_volumes[0].size == 140 * GIB
    _put_source(sms, web, disks=[sm.PutDisk(id="/dev/vdb", adjust_size=0, need_migration=False)])
    recommended = sms.show_server(sm.ShowServerRequest(source_id=web)).init_target_server.disks
    assert [d.name for d in recommended] == ["/dev/vda"]
    for disks_body, code in [
        ([sm.PutDisk(id="/dev/sdz", adjust_size=0)], "SMS.8111"),
        ([sm.PutDisk(id="/dev/vda", adjust_size=GIB)], "SMS.6539"),
        ([sm.PutDisk(id="/dev/vda", adjust_size=0,
                     physical_volumes=[sm.PutVolume(id="/dev/vda2", adjust_size=GIB)])], "SMS.6538"),
    ]:
        with pytest.raises(ClientRequestException) as err:
            _put_source(sms, web, disks=disks_body)
        assert err.value.error_code == code
    win = source_id(sms, "win-ad-01")
    with pytest.raises(ClientRequestException) as err:  # Windows partitions are not reduced
        _put_source(sms, win, disks=[sm.PutDisk(id="Disk 0", adjust_size=0, physical_volumes=[
            sm.PutVolume(id="C:\\", adjust_size=40 * GIB)])])  # 60 GB, 28 GB used
    assert err.value.error_code == "SMS.6540"


def test_source_volume_group_settings(sms: SmsClient, raw: SignedHttp) -> None:
    lv = {"name": "lv_data", "file_system": "xfs", "inode_size": 0, "mount_point": "/data", "size": 20 * GIB,
          "used_size": 5 * GIB, "free_size": 15 * GIB}
    body = {"ip": "10.0.9.50", "hostname": "lvm-01", "os_type": "LINUX", "os_version": "CENTOS_7_9_64BIT",
            "has_rsync": True, "volume_groups": [{"name": "vg_data", "size": 30 * GIB, "free_size": 10 * GIB,
                                                  "components": "/dev/vdb1", "logical_volumes": [lv]}]}
    lvm = raw.json("POST", "/v3/sources", body)["id"]
    _put_source(sms, lvm, volume_groups=[sm.PutVolumeGroups(id="vg_data", logical_volumes=[
        sm.PutLogicalVolume(id="lv_data", adjust_size=25 * GIB)])])
    group = sms.show_server(sm.ShowServerRequest(source_id=lvm)).init_target_server.volume_groups[0]
    assert group.logical_volumes[0].size == 25 * GIB
    with pytest.raises(ClientRequestException) as err:
        _put_source(sms, lvm, volume_groups=[sm.PutVolumeGroups(id="vg_data", logical_volumes=[
            sm.PutLogicalVolume(id="lv_data", adjust_size=GIB)])])
    assert err.value.error_code == "SMS.6538"
    _put_source(sms, lvm, volume_groups=[sm.PutVolumeGroups(id="vg_data", need_migration=False)])
    assert sms.show_server(sm.ShowServerRequest(source_id=lvm)).init_target_server.volume_groups == []


def test_source_moves_between_projects_and_blocks_their_delete(sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    pid = sms.create_migproject(sm.CreateMigprojectRequest(body=sm.PostMigProjectBody(
        name="wave-2", region="cn-north-4", use_public_ip=True, exist_server=True, type="MIGRATE_FILE",
        syncing=False))).id
    _put_source(sms, web, migprojectid=pid)
    assert [s.id for s in sms.list_servers(sm.ListServersRequest(migproject=pid)).source_servers] == [web]
    with pytest.raises(ClientRequestException) as err:
        sms.delete_migproject(sm.DeleteMigprojectRequest(mig_project_id=pid))
    assert err.value.error_code == "SMS.7311"
    with pytest.raises(ClientRequestException) as err:
        _put_source(sms, web, migprojectid="gone")
    assert (err.value.status_code, err.value.error_code) == (400, "SMS.7301")
    sms.delete_server(sm.DeleteServerRequest(source_id=web))
    sms.delete_migproject(sm.DeleteMigprojectRequest(mig_project_id=pid))


def test_source_deletes(sms: SmsClient, clock: StoppedClock) -> None:
    web, app = source_id(sms, "web-01"), source_id(sms, "app-01")
    tid = str(sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web))).id)
    _act(sms, tid, "start")
    with pytest.raises(ClientRequestException) as err:
        sms.delete_server(sm.DeleteServerRequest(source_id=web))
    assert err.value.error_code == "SMS.7601"
    with pytest.raises(ClientRequestException) as err:
        sms.delete_servers(sm.DeleteServersRequest(body=sm.DeleteIds(ids=[app, web])))
    assert err.value.error_code == "SMS.7601"
    assert sms.list_servers(sm.ListServersRequest(id=app)).count == 1  # the batch is all or nothing
    with pytest.raises(ClientRequestException) as err:
        sms.delete_servers(sm.DeleteServersRequest(body=sm.DeleteIds(ids=[app, "gone"])))
    assert (err.value.status_code, err.value.error_code) == (400, "SMS.7602")
    clock.advance(3600)  # the task finished: the source and its task go together
    sms.delete_servers(sm.DeleteServersRequest(body=sm.DeleteIds(ids=[app, web])))
    assert sms.list_tasks(sm.ListTasksRequest()).count == 0


def test_overview_counts_sources_by_state(sms: SmsClient, clock: StoppedClock) -> None:
    web = source_id(sms, "web-01")
    tid = str(sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web, syncing=True))).id)
    sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-02"))))
    overview = sms.show_overview(sm.ShowOverviewRequest())
    assert (overview.unconfigured, overview.waiting) == (5, 2)
    _act(sms, tid, "start")
    clock.advance(80)
    overview = sms.show_overview(sm.ShowOverviewRequest())
    assert (overview.replicate, overview.waiting, overview.unconfigured) == (1, 1, 5)
    clock.advance(3600)
    assert sms.show_overview(sm.ShowOverviewRequest()).syncing == 1
