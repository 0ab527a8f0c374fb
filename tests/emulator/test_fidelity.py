"""Issue 15: the emulator accepts what the real service accepts and answers what it answers.

One test (or a few) per point of the issue, each driven through the official SDK or raw signed HTTP;
the evidence behind each expectation is in sms_pulumi/emulator/AMBIGUITIES.md. Durations are checked
on a stopped clock (the ``clock`` fixture), so they hold to the second on any machine.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkoms.v2 import OmsClient
from huaweicloudsdkoms.v2 import model as om
from huaweicloudsdksms.v3 import SmsClient
from huaweicloudsdksms.v3 import model as sm

from sms_pulumi.emulator.server import EmulatorServer

from .conftest import SignedHttp, StoppedClock, signed_request, source_id
from .test_sdk_conformance import _group_body, _task_body, _template_body

MINUTE = 60
DAY_MS = 86_400_000


def _act(sms: SmsClient, tid: str, operation: str, **extra: Any) -> None:
    body = sm.UpdateTaskStatusReq(operation=operation, **extra)
    sms.update_task_status(sm.UpdateTaskStatusRequest(task_id=tid, body=body))


def _show(sms: SmsClient, tid: str) -> sm.ShowTaskResponse:
    return sms.show_task(sm.ShowTaskRequest(task_id=tid))


def _refused(call: Any) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as err:
        call()
    return err.value


def _template(sms: SmsClient, name: str = "tpl") -> str:
    body = sm.CreateTemplateReq(template=_template_body(name))
    return str(sms.create_template(sm.CreateTemplateRequest(body=body)).id)


# --- 1. signatures without host -------------------------------------------------------------------


GO_SDK_SIGNED = ("accept", "content-type", "user-agent", "x-sdk-date")  # chnsz/golangsdk's choice
GO_SDK_HEADERS = {"Accept": "application/json", "User-Agent": "golangsdk/0.0.1"}


def test_a_signature_without_host_is_accepted(emulator: EmulatorServer, emulator_credentials: Any) -> None:
    ak, sk = emulator_credentials.access_key, emulator_credentials.secret_key
    url = emulator.url + "/v3/sources?limit=2"
    headers, _ = signed_request("GET", url, ak, sk, extra=GO_SDK_HEADERS, signed=GO_SDK_SIGNED)
    assert "SignedHeaders=accept;content-type;user-agent;x-sdk-date," in headers["Authorization"]
    response = httpx.get(url, headers=headers)
    assert response.status_code == 200 and len(response.json()["source_servers"]) == 2

    body = b'{"name": "wave-go", "region": "r", "use_public_ip": true, "exist_server": true, ' \
           b'"type": "MIGRATE_BLOCK", "syncing": false}'
    url = emulator.url + "/v3/migprojects"
    headers, _ = signed_request("POST", url, ak, sk, body, extra=GO_SDK_HEADERS, signed=GO_SDK_SIGNED)
    assert httpx.post(url, headers=headers, content=body).status_code == 200


@pytest.mark.parametrize(
    ("signed", "drop", "reason"),
    [
        (("content-type", "host"), (), "x-sdk-date"),  # the date must be signed
        (("content-type", "x-project-id", "x-sdk-date"), ("X-Project-Id",), "missing from the request"),
    ],
)
def test_what_a_signature_must_cover(emulator: EmulatorServer, emulator_credentials: Any,
                                     signed: tuple[str, ...], drop: tuple[str, ...], reason: str) -> None:
    url = emulator.url + "/v3/tasks"
    headers, _ = signed_request("GET", url, emulator_credentials.access_key, emulator_credentials.secret_key,
                                extra={"X-Project-Id": "p"}, signed=signed, drop=drop)
    response = httpx.get(url, headers=headers)
    assert response.status_code == 403 and response.json()["error_code"] == "SMS.0202"
    assert reason in response.text


# --- 2. template NICs without cidr ---------------------------------------------------------------


def test_an_auto_created_nic_needs_no_cidr(sms: SmsClient) -> None:
    template = _template_body("auto-net")
    template.nics = [sm.Nics(id="autoCreate", name="autoCreate")]  # what the Terraform provider sends
    tid = sms.create_template(sm.CreateTemplateRequest(body=sm.CreateTemplateReq(template=template))).id
    nic = sms.show_template(sm.ShowTemplateRequest(id=tid)).template.nics[0]
    assert (nic.id, nic.cidr) == ("autoCreate", None)


def test_template_volume_types_are_checked_naming_the_allowed_ones(sms: SmsClient) -> None:
    template = _template_body("fast-disk")
    template.volumetype = "FAST"
    err = _refused(lambda: sms.create_template(sm.CreateTemplateRequest(body=sm.CreateTemplateReq(
        template=template))))
    assert err.error_code == "SMS.9001" and "'SAS'" in err.error_msg and "'GPSSD'" in err.error_msg


# --- 3. / 4. a target a template creates, disks as real clients copy them --------------------------


def _bare_disks(sms: SmsClient, source: str) -> list[sm.TargetDisks]:
    """The recommended disks the way the Terraform provider copies them: no used_size."""
    detail = sms.show_server(sm.ShowServerRequest(source_id=source))
    return [sm.TargetDisks(name=d.name, size=d.size, device_use=d.device_use) for d in
            detail.init_target_server.disks]


def test_a_template_target_needs_only_disks(sms: SmsClient) -> None:
    tpl = _template(sms)
    web = source_id(sms, "web-01")
    body = _task_body(sms, web, template_id=tpl)
    body.target_server = sm.TargetServerByTask(disks=_bare_disks(sms, web))  # no name, no vm_id
    tid = sms.create_task(sm.CreateTaskRequest(body=body)).id
    target = _show(sms, tid).target_server
    assert target.name == "tpl-target" and target.vm_id == ""  # the template's target_server_name

    other = _task_body(sms, source_id(sms, "web-02"))
    other.target_server = sm.TargetServerByTask(disks=_bare_disks(sms, source_id(sms, "web-02")))
    assert _refused(lambda: sms.create_task(sm.CreateTaskRequest(body=other))).error_code == "SMS.6032"


def test_target_disks_without_used_size_take_the_sources(sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    body = _task_body(sms, web)
    body.target_server.disks = _bare_disks(sms, web)
    tid = sms.create_task(sm.CreateTaskRequest(body=body)).id
    recommended = sms.show_server(sm.ShowServerRequest(source_id=web)).init_target_server.disks
    shown = _show(sms, tid).target_server.disks
    assert [d.used_size for d in shown] == [d.used_size for d in recommended]
    assert all(d.physical_volumes == [] for d in shown)


# --- 5. unknown fields are ignored; OMS enable_kms -----------------------------------------------


def _group_wire(**extra: Any) -> dict[str, Any]:
    return {
        "src_node": {"ak": "SRC-AK", "sk": "SRC-SK", "region": "cn-east-3", "bucket": "kms-src",
                     "object_key": [""]},
        "dst_node": {"ak": "DST-AK", "sk": "DST-SK", "region": "cn-north-4", "bucket": "kms-dst"},
        "task_type": "PREFIX",
        **extra,
    }


def test_oms_create_takes_enable_kms_and_ignores_unknown_fields(raw: SignedHttp) -> None:
    root = f"/v2/{raw.project_id}/taskgroups"
    created = raw.json("POST", root, _group_wire(enable_kms=True, a_field_from_the_future=1))
    shown = raw.json("GET", f"{root}/{created['group_id']}")
    assert shown["enable_kms"] is True and "a_field_from_the_future" not in shown
    assert shown["src_node"]["cloud_type"] == "ALIYUN"  # 10.i: seed 004's default
    plain = raw.json("POST", root, _group_wire())
    assert raw.json("GET", f"{root}/{plain['group_id']}")["enable_kms"] is False


def test_sms_bodies_with_fields_other_clients_send_are_accepted(sms: SmsClient, raw: SignedHttp) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-01")))).id
    # chnsz/golangsdk's ActionOpts carries a "param" map next to the operation.
    raw.json("POST", f"/v3/tasks/{tid}/action", {"operation": "start", "param": {"k": "v"}})
    assert _show(sms, tid).state == "RUNNING"


# --- 6. show returns what clients read back -------------------------------------------------------


def test_show_task_returns_syncing_use_public_ip_and_use_ipv6(sms: SmsClient, raw: SignedHttp) -> None:
    body = _task_body(sms, source_id(sms, "web-01"), syncing=True, use_ipv6=False)
    tid = sms.create_task(sm.CreateTaskRequest(body=body)).id
    shown = raw.json("GET", f"/v3/tasks/{tid}")
    assert (shown["syncing"], shown["use_public_ip"], shown["use_ipv6"]) == (True, True, False)


# --- 7. auto_start --------------------------------------------------------------------------------


def test_auto_start_leaves_a_new_task_ready_until_the_agent_starts_it(sms: SmsClient,
                                                                       clock: StoppedClock) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "app-01"),
                                                               auto_start=True))).id
    assert _show(sms, tid).state == "READY"  # manual 4.1
    clock.advance(29)
    assert _show(sms, tid).state == "READY"
    clock.advance(1)
    started = _show(sms, tid)
    assert started.state == "RUNNING" and started.sub_tasks[0].start_date is not None


def test_a_start_before_the_agent_comes_is_the_only_start(sms: SmsClient, clock: StoppedClock) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "app-01"),
                                                               auto_start=True))).id
    _act(sms, tid, "start")  # what the Terraform provider does after create
    first = _show(sms, tid).start_date
    clock.advance(60)
    assert _show(sms, tid).start_date == first


# --- 8. delete is immediate -----------------------------------------------------------------------


def test_a_deleted_task_frees_its_template_and_source_at_once(sms: SmsClient) -> None:
    tpl = _template(sms)
    web = source_id(sms, "web-01")
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web, template_id=tpl))).id
    sms.delete_task(sm.DeleteTaskRequest(task_id=tid))
    sms.delete_template(sm.DeleteTemplateRequest(id=tpl))
    again = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web))).id
    assert sms.list_tasks(sm.ListTasksRequest(source_server_id=web)).tasks[0].id == again


# --- 9. missing objects ---------------------------------------------------------------------------


def test_a_missing_object_is_404_with_the_appendix_code(sms: SmsClient) -> None:
    cases = [
        (lambda: sms.show_task(sm.ShowTaskRequest(task_id="gone")), "SMS.7703"),
        (lambda: sms.show_template(sm.ShowTemplateRequest(id="gone")), "SMS.7101"),
        (lambda: sms.show_migproject(sm.ShowMigprojectRequest(mig_project_id="gone")), "SMS.7301"),
        (lambda: sms.show_server(sm.ShowServerRequest(source_id="gone")), "SMS.7602"),
        (lambda: sms.delete_task(sm.DeleteTaskRequest(task_id="gone")), "SMS.7703"),
        (lambda: sms.show_config_setting(sm.ShowConfigSettingRequest(task_id="gone")), "SMS.7703"),
    ]
    for call, code in cases:
        err = _refused(call)
        assert (err.status_code, err.error_code) == (404, code)
    body = _task_body(sms, source_id(sms, "web-01"))
    body.source_server = sm.SourceServerByTask(id="gone")  # only referred to: the request is wrong
    err = _refused(lambda: sms.create_task(sm.CreateTaskRequest(body=body)))
    assert (err.status_code, err.error_code) == (400, "SMS.7602")


# --- 10. the field-by-field audit -----------------------------------------------------------------


def test_create_takes_any_priority_of_the_documented_range(sms: SmsClient, raw: SignedHttp) -> None:
    body = _task_body(sms, source_id(sms, "web-01"), priority=3)
    tid = sms.create_task(sm.CreateTaskRequest(body=body)).id
    assert _show(sms, tid).priority == 3
    refused = raw.request("PUT", f"/v3/tasks/{tid}", {"priority": 3})  # the SDK's PutTaskReq has none
    assert refused.json()["error_code"] == "SMS.9001"  # update's priority is the enum 0/1/2


# The manual's 5.4.6 request example (a copy of a GET answer), its broken JSON escapes repaired.
MANUAL_PUT_EXAMPLE: dict[str, Any] = {
    "name": "MigrationTask", "type": "MIGRATE_BLOCK", "os_type": "WINDOWS", "state": "RUNNING",
    "estimate_complete_time": None, "create_date": 1598435778000, "start_date": 1598435784000,
    "finish_date": None, "priority": 1, "speed_limit": 0, "migrate_speed": 0.0, "start_target_server": True,
    "error_json": "", "total_time": 115, "float_ip": None, "migration_ip": None,
    "vm_template_id": None, "region_name": "region name", "region_id": "region id",
    "project_name": "project name", "project_id": "xxxxxxxxxxxxxxxxxxxxxxxxx00000001",
    "sub_tasks": [{"id": 7278, "name": "CREATE_CLOUD_SERVER", "progress": 0, "start_date": 1598435802000,
                   "end_date": None, "user_op": "REPLICATE"}],
    "source_server": {"id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001", "ip": "192.168.0.154",
                      "name": "name-win16", "os_type": "WINDOWS", "os_version": "WINDOWS2016_64BIT",
                      "agent_version": "1.2.0", "oem_system": False, "state": "initialize",
                      "migration_cycle": "replicating"},
    "target_server": {
        "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001", "vm_id": "", "name": "", "ip": None,
        "os_type": "WINDOWS", "os_version": "WINDOWS2016_64BIT", "system_dir": "Y:\\Windows\\System32",
        "disks": [{"id": 88008, "name": "Disk 0", "relation_name": None, "disk_id": "0",
                   "partition_style": "MBR", "size": 42949672960, "used_size": 42947575808,
                   "device_use": "OS", "os_disk": True,
                   "physical_volumes": [{"id": 135055, "uuid": "\\\\?\\Volume{586b7157}\\", "index": 1,
                                         "name": "C:\\", "relation_name": None, "device_use": "OS",
                                         "file_system": "NTFS", "mount_point": None, "size": 524288000,
                                         "used_size": 410275840, "free_size": 114012160}],
                   "disk_index": "0"}],
        "volume_groups": [], "image_disk_id": None, "covered_snapshot_ids": None},
    "clone_server": None,
}


def test_the_manuals_own_update_example_is_accepted(sms: SmsClient, raw: SignedHttp) -> None:
    win = source_id(sms, "win-ad-01")
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, win))).id
    before = raw.json("GET", f"/v3/tasks/{tid}")
    answer = raw.json("PUT", f"/v3/tasks/{tid}", MANUAL_PUT_EXAMPLE)
    after = raw.json("GET", f"/v3/tasks/{tid}")
    assert answer == {"id": tid}
    assert after["state"] == "READY" and after["sub_tasks"] == []  # server-managed fields are not written
    assert after["region_name"] == "region name" and after["source_server"]["id"] == win
    assert after["target_server"]["disks"][0]["used_size"] == 42947575808
    assert after["target_server"]["vm_id"] == before["target_server"]["vm_id"]  # "" does not clear it


def test_the_registration_tables_btrfs_spellings_are_accepted(raw: SignedHttp, sms: SmsClient) -> None:
    subvolume = {"uuid": "u", "is_snapshot": "false", "subvol_id": "256", "parent_id": "5",
                 "subvol_name": "home", "subvol_mount_path": "/home"}
    btrfs = {"name": "btrfs-root", "label": "", "uuid": "b1", "device": "/dev/vdc", "size": 10,
             "nodesize": 16384, "sectorsize": 4096, "data_profile": "single", "system_profile": "DUP",
             "metadata_profile": "DUP",
             "global_reserve_1": "3.25MiB", "g_vol_used_size": 10, "default_subvol_id": "5",
             "default_subvol_name": "/", "default_subvol_mountpath": "/", "subvolume": [subvolume]}
    body = {"ip": "10.0.9.20", "name": "btrfs-01", "hostname": "btrfs-01", "os_type": "LINUX",
            "os_version": "SUSE12_64BIT", "has_rsync": True, "btrfs_list": [btrfs]}
    new_id = raw.json("POST", "/v3/sources", body)["id"]
    shown = sms.show_server(sm.ShowServerRequest(source_id=new_id)).btrfs_list[0]
    assert (shown.default_subvolid, shown.global_reserve1, shown.subvolumn[0].subvol_name) == (
        "5", "3.25MiB", "home")


def test_list_servers_by_the_target_vm(sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web)))
    found = sms.list_servers(sm.ListServersRequest(vm_id="ecs-" + web[:8]))
    assert [s.id for s in found.source_servers] == [web]
    assert sms.list_servers(sm.ListServersRequest(vm_id="ecs-none")).count == 0


def test_an_update_with_no_disks_keeps_the_layout(sms: SmsClient) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-01")))).id
    before = [(d.name, d.size) for d in _show(sms, tid).target_server.disks]
    target = sm.TargetServer(name="web-01-hw", os_type="LINUX", disks=[])
    sms.update_task(sm.UpdateTaskRequest(task_id=tid, body=sm.PutTaskReq(target_server=target)))
    assert [(d.name, d.size) for d in _show(sms, tid).target_server.disks] == before
    bigger = sm.TargetServer(name="web-01-hw", os_type="LINUX",
                             disks=[sm.TargetDisk(name="/dev/vdb", size=200 * 1024**3)])
    sms.update_task(sm.UpdateTaskRequest(task_id=tid, body=sm.PutTaskReq(target_server=bigger)))
    after = {d.name: d for d in _show(sms, tid).target_server.disks}
    assert after["/dev/vdb"].size == 200 * 1024**3 and after["/dev/vdb"].physical_volumes  # partitions kept
    assert after["/dev/vda"].size == dict(before)["/dev/vda"]


def test_network_check_result_is_worded_like_the_manual(sms: SmsClient, clock: StoppedClock) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-01")))).id
    _act(sms, tid, "network_check")
    assert _show(sms, tid).network_check_info is None
    clock.advance(30)
    result = _show(sms, tid).network_check_info.evaluation_result
    assert 6 <= len(result) <= 8  # CN 6-8 characters (EN 5-9)


def test_total_time_is_the_run_time_and_stays(sms: SmsClient, clock: StoppedClock) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "app-01")))).id
    _act(sms, tid, "start")
    clock.advance(3600)
    done = _show(sms, tid)
    assert done.state == "MIGRATE_SUCCESS"
    assert done.total_time == done.finish_date - done.start_date > 0
    clock.advance(600)
    assert _show(sms, tid).total_time == done.total_time


def test_oms_cloud_type_defaults_to_aliyun(oms: OmsClient) -> None:
    body = _group_body()
    body.src_node.cloud_type = None
    gid = oms.create_task_group(om.CreateTaskGroupRequest(body=body)).group_id
    assert oms.show_task_group(om.ShowTaskGroupRequest(group_id=gid)).src_node.cloud_type == "ALIYUN"


def test_oms_a_failure_while_creating_tasks_is_status_4(oms: OmsClient, emulator: EmulatorServer,
                                                         clock: StoppedClock) -> None:
    gid = oms.create_task_group(om.CreateTaskGroupRequest(body=_group_body())).group_id
    clock.advance(6)  # waiting 5 s, then creating its tasks
    emulator.admin.fail_taskgroup(gid)
    failed = oms.show_task_group(om.ShowTaskGroupRequest(group_id=gid))
    assert failed.status == 4 and failed.error_reason.error_msg
    oms.retry_task_group(om.RetryTaskGroupRequest(group_id=gid, body=om.RetryTaskGroupReq(
        src_ak="SRC-AK", src_sk="SRC-SK", dst_ak="DST-AK", dst_sk="DST-SK")))
    assert oms.show_task_group(om.ShowTaskGroupRequest(group_id=gid)).status == 1


def _to_time_of_day(clock: StoppedClock, hhmm: str) -> None:
    """Move the stopped clock forward to the next ``hhmm`` UTC (speed-limit windows are time of day)."""
    hours, minutes = (int(p) for p in hhmm.split(":"))
    target = (hours * 60 + minutes) * 60_000
    clock.advance(((target - clock.now_ms % DAY_MS) % DAY_MS) / 1000)


def test_speed_limit_windows_slow_the_copy_during_their_hours(sms: SmsClient, clock: StoppedClock) -> None:
    web = source_id(sms, "web-01")
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web))).id
    rules = [sm.SpeedLimitlJson(start="01:00", end="02:00", speed=100)]
    sms.update_speed(sm.UpdateSpeedRequest(task_id=tid, body=sm.SpeedLimit(speed_limit=rules)))
    _to_time_of_day(clock, "01:00")
    _act(sms, tid, "start")
    clock.advance(10 * MINUTE)
    task = _show(sms, tid)
    copy = next(s for s in task.sub_tasks if s.name.startswith("MIGRATE_"))
    assert task.migrate_speed == 100 and copy.migrate_speed == 100
    # 41.9 GB at 800 Mbit/s (no window) is copied in 7 minutes; at 100 Mbit/s in 56.
    assert task.state == "RUNNING" and 10 <= copy.progress <= 20
    clock.advance(40 * MINUTE)
    assert _show(sms, tid).state == "RUNNING"
    clock.advance(10 * MINUTE)
    assert _show(sms, tid).state == "MIGRATE_SUCCESS"


def test_a_new_window_slows_a_running_copy_from_now_on(sms: SmsClient, clock: StoppedClock) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-01")))).id
    _to_time_of_day(clock, "03:00")
    _act(sms, tid, "start")
    clock.advance(3 * MINUTE)
    progress = next(s for s in _show(sms, tid).sub_tasks if s.name.startswith("MIGRATE_")).progress
    rules = [sm.SpeedLimitlJson(start="00:00", end="23:59", speed=1)]
    sms.update_speed(sm.UpdateSpeedRequest(task_id=tid, body=sm.SpeedLimit(speed_limit=rules)))
    clock.advance(5 * MINUTE)
    task = _show(sms, tid)
    assert task.state == "RUNNING" and task.migrate_speed == 1
    assert next(s for s in task.sub_tasks if s.name.startswith("MIGRATE_")).progress == progress


@pytest.mark.parametrize(
    ("change", "code", "named"),
    [
        ({"os_type": "MACOS"}, "SMS.6601", "'WINDOWS' or 'LINUX'"),
        ({"type": "MIGRATE_ALL"}, "SMS.7712", "'MIGRATE_FILE' or 'MIGRATE_BLOCK'"),
        ({"name": "x" * 256}, "SMS.6014", "255 characters"),
        ({"region_id": None}, "SMS.6013", "region_id"),
        ({"speed_limit": "fast"}, "SMS.6011", "speed_limit"),
    ],
)
def test_schema_failures_carry_the_appendix_codes(sms: SmsClient, raw: SignedHttp, change: dict[str, Any],
                                                  code: str, named: str) -> None:
    body = _task_body(sms, source_id(sms, "web-01")).to_dict()
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    response = raw.request("POST", "/v3/tasks", body)
    assert response.status_code == 400 and response.json()["error_code"] == code
    assert named in response.json()["error_msg"]


def test_failed_environment_checks_carry_their_own_codes(sms: SmsClient) -> None:
    legacy = sms.show_server(sm.ShowServerRequest(source_id=source_id(sms, "legacy-01")))
    assert [c.error_code for c in legacy.checks if c.result == "ERROR"] == ["SMS.6517"]  # no rsync
    body = sm.PostSourceServerBody(ip="10.0.9.30", name="win-bad", hostname="win-bad", os_type="WINDOWS",
                                   os_version="WINDOWS2019_64BIT", account_rights=False, driver_files=True,
                                   system_dir="C:\\Windows")
    new_id = sms.register_server(sm.RegisterServerRequest(body=body)).id
    checks = sms.show_server(sm.ShowServerRequest(source_id=new_id)).checks
    assert {c.name: c.error_code for c in checks if c.result == "ERROR"} == {
        "ACCOUNT_RIGHTS": "SMS.6513", "DRIVER_FILE": "SMS.6511"}


# --- 11. routes clients call ----------------------------------------------------------------------


def test_passphrase_while_the_task_replicates_or_syncs(sms: SmsClient) -> None:
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, source_id(sms, "web-01")))).id
    err = _refused(lambda: sms.show_passphrase(sm.ShowPassphraseRequest(task_id=tid)))
    assert err.error_code == "SMS.9905"
    _act(sms, tid, "start")
    first = sms.show_passphrase(sm.ShowPassphraseRequest(task_id=tid))
    assert first.task_id == tid and len(first.passphrase) >= 16
    assert sms.show_passphrase(sm.ShowPassphraseRequest(task_id=tid)).passphrase == first.passphrase


def test_migration_errors_list_the_sources_whose_task_failed(sms: SmsClient,
                                                              emulator: EmulatorServer) -> None:
    web = source_id(sms, "web-02")
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web))).id
    assert sms.list_error_servers(sm.ListErrorServersRequest()).count == 0
    _act(sms, tid, "start")
    emulator.admin.fail_task(tid, error_code="SMS.1908", error_msg="Data transmission failed.")
    listed = sms.list_error_servers(sm.ListErrorServersRequest(limit=10, offset=0))
    assert listed.count == 1
    error = listed.migration_errors[0]
    assert (error.source_id, error.name, error.host_name) == (web, "web-02", "web-02")
    assert json.loads(error.error_json)["error_code"] == "SMS.1908"


def test_unknown_query_parameters_are_ignored(raw: SignedHttp) -> None:
    assert raw.json("GET", "/v3/tasks?limit=5&sort_key=name")["count"] == 0



def test_oms_bandwidth_windows_limit_the_copy_during_their_hours(oms: OmsClient, clock: StoppedClock) -> None:
    body = _group_body()
    body.bandwidth_policy = [om.BandwidthPolicyDto(start="04:00", end="05:00", max_bandwidth=2 * 1024 * 1024)]
    _to_time_of_day(clock, "03:59")
    gid = oms.create_task_group(om.CreateTaskGroupRequest(body=body)).group_id
    clock.advance(30)  # 5 s waiting, 20 s creating its tasks, copying since 03:59:25
    before = oms.show_task_group(om.ShowTaskGroupRequest(group_id=gid))
    assert before.status == 2 and before.migrate_speed == 50 * 1024 * 1024
    clock.advance(60)  # 04:00:30, inside the window
    during = oms.show_task_group(om.ShowTaskGroupRequest(group_id=gid))
    assert during.migrate_speed == 2 * 1024 * 1024
    clock.advance(60)
    later = oms.show_task_group(om.ShowTaskGroupRequest(group_id=gid))
    assert later.complete_size - during.complete_size == 60 * 2 * 1024 * 1024
