"""The official SDK clients drive the emulator: every operation the provider uses, every response
parsed into the SDK's models. Requests are signed by the SDK's own signer, so this also checks the
emulator's signature verification against an independent implementation."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkoms.v2 import OmsClient
from huaweicloudsdkoms.v2 import model as om
from huaweicloudsdksms.v3 import SmsClient
from huaweicloudsdksms.v3 import model as sm

from sms_pulumi.emulator.server import EmulatorServer
from tests.polling import wait_for

from .conftest import StoppedClock, source_id

GIB = 1024**3


def _template_body(name: str, **extra: object) -> sm.TemplateRequest:
    return sm.TemplateRequest(
        name=name,
        is_template=True,
        region="cn-north-4",
        projectid="0" * 32,
        target_server_name=f"{name}-target",
        availability_zone="cn-north-4a",
        volumetype="SSD",
        flavor="s6.large.2",
        target_password="S3cret-Passw0rd!",
        vpc=sm.VpcObject(id="autoCreate", name="vpc-auto"),
        nics=[sm.Nics(id="autoCreate", name="subnet-auto", cidr="192.168.0.0/24")],
        security_groups=[sm.SgObject(id="autoCreate", name="sg-auto")],
        publicip=sm.PublicIp(type="5_bgp", bandwidth_size=10, bandwidth_share_type="PER"),
        disk=[sm.TemplateDisk(index=0, name="Disk 0", disktype="SSD", size=40, device_use="BOOT")],
        **extra,
    )


def _task_body(
    sms: SmsClient,
    source: str,
    *,
    template_id: str | None = None,
    syncing: bool = False,
    name: str = "task-web-01",
    auto_start: bool | None = None,
    **extra: Any,
) -> sm.PostTask:
    """A create body as a careful client builds it: the recommended disks, used sizes included."""
    detail = sms.show_server(sm.ShowServerRequest(source_id=source))
    disks = [
        sm.TargetDisks(
            name=d.name,
            size=d.size,
            used_size=d.used_size,
            device_use=d.device_use,
            physical_volumes=[
                sm.PhysicalVolumes(
                    name=v.name,
                    size=v.size,
                    used_size=v.used_size,
                    device_use=v.device_use,
                    file_system=v.file_system,
                    mount_point=v.mount_point,
                    index=v.index,
                )
                for v in d.physical_volumes or []
            ],
        )
        for d in detail.init_target_server.disks
    ]
    target = sm.TargetServerByTask(
        name=f"{detail.name}-hw",
        vm_id="" if template_id else "ecs-" + source[:8],
        disks=disks,
        volume_groups=[],
    )
    return sm.PostTask(
        name=name,
        type="MIGRATE_FILE" if detail.os_type == "LINUX" else "MIGRATE_BLOCK",
        os_type=detail.os_type,
        source_server=sm.SourceServerByTask(id=source),
        target_server=target,
        region_name="cn-north-4",
        region_id="cn-north-4",
        project_name="cn-north-4",
        project_id="0" * 32,
        vm_template_id=template_id,
        syncing=syncing,
        auto_start=auto_start,
        use_public_ip=True,
        **extra,
    )


def test_sources(sms: SmsClient) -> None:
    listed = sms.list_servers(sm.ListServersRequest(limit=3))
    assert listed.count == 7 and len(listed.source_servers) == 3
    assert {s.os_type for s in sms.list_servers(sm.ListServersRequest()).source_servers} == {
        "LINUX",
        "WINDOWS",
    }
    web = source_id(sms, "web-01")
    detail = sms.show_server(sm.ShowServerRequest(source_id=web))
    assert detail.ip == "10.0.1.11" and detail.state == "waiting" and detail.migration_cycle == "checking"
    assert [d.name for d in detail.init_target_server.disks] == ["/dev/vda", "/dev/vdb"]
    assert detail.init_target_server.disks[0].device_use == "OS"
    assert detail.current_task is None
    legacy = sms.show_server(sm.ShowServerRequest(source_id=source_id(sms, "legacy-01")))
    assert legacy.state == "unavailable" and any(c.result == "ERROR" for c in legacy.checks)
    overview = sms.show_overview(sm.ShowOverviewRequest())
    assert overview.unconfigured == 7

    body = sm.PostSourceServerBody(
        ip="10.0.9.9",
        name="agent-01",
        hostname="agent-01",
        os_type="LINUX",
        os_version="CENTOS_7_9_64BIT",
        firmware="BIOS",
        boot_loader="GRUB",
        has_rsync=True,
        paravirtualization=True,
        raw_devices="",
        has_tc=True,
        cpu_quantity=2,
        memory=4 * GIB,
        agent_version="25.3.0",
        volume_groups=[],
        btrfs_list=[],
        disks=[
            sm.ServerDisk(
                name="/dev/vda",
                partition_style="MBR",
                device_use="BOOT",
                size=40 * GIB,
                used_size=8 * GIB,
                physical_volumes=[
                    sm.PhysicalVolume(
                        name="/dev/vda1",
                        device_use="OS",
                        file_system="ext4",
                        mount_point="/",
                        index=0,
                        size=40 * GIB,
                        used_size=8 * GIB,
                    )
                ],
            )
        ],
        networks=[
            sm.NetWork(
                name="eth0",
                ip="10.0.9.9",
                netmask="255.255.255.0",
                gateway="10.0.9.1",
                mac="fa:16:3e:00:09:09",
                mtu=1500,
            )
        ],
    )
    new_id = sms.register_server(sm.RegisterServerRequest(body=body)).id
    assert (
        sms.show_server(sm.ShowServerRequest(source_id=new_id)).init_target_server.disks[0].size == 40 * GIB
    )
    sms.update_server_name(
        sm.UpdateServerNameRequest(source_id=new_id, body=sm.PutSourceServerBody(name="agent-1a"))
    )
    assert sms.show_server(sm.ShowServerRequest(source_id=new_id)).name == "agent-1a"
    sms.delete_server(sm.DeleteServerRequest(source_id=new_id))
    with pytest.raises(ClientRequestException) as err:
        sms.show_server(sm.ShowServerRequest(source_id=new_id))
    assert err.value.status_code == 404 and err.value.error_code == "SMS.7602"
    sms.delete_servers(sm.DeleteServersRequest(body=sm.DeleteIds(ids=[source_id(sms, "app-01")])))
    assert sms.list_servers(sm.ListServersRequest()).count == 6


def test_templates(sms: SmsClient) -> None:
    created = sms.create_template(
        sm.CreateTemplateRequest(body=sm.CreateTemplateReq(template=_template_body("tpl-web")))
    )
    tid = created.id
    shown = sms.show_template(sm.ShowTemplateRequest(id=tid)).template
    assert shown.name == "tpl-web" and shown.flavor == "s6.large.2" and shown.is_template == "true"
    assert shown.target_password is None  # only the target-password call returns it
    assert shown.disk[0].size == 40 and shown.publicip.bandwidth_size == 10
    listed = sms.list_templates(sm.ListTemplatesRequest(name="tpl-web"))
    assert listed.count == 1 and listed.templates[0].id == tid
    assert (
        sms.show_target_password(sm.ShowTargetPasswordRequest(id=tid)).target_password == "S3cret-Passw0rd!"
    )
    with pytest.raises(ClientRequestException) as err:
        sms.create_template(
            sm.CreateTemplateRequest(body=sm.CreateTemplateReq(template=_template_body("tpl-web")))
        )
    assert err.value.error_code == "SMS.7112"
    sms.update_template(
        sm.UpdateTemplateRequest(
            id=tid, body=sm.UpdateTemplateReq(template=_template_body("tpl-web", image_id="img-1"))
        )
    )
    assert sms.show_template(sm.ShowTemplateRequest(id=tid)).template.image_id == "img-1"
    other = sms.create_template(
        sm.CreateTemplateRequest(body=sm.CreateTemplateReq(template=_template_body("tpl-2")))
    ).id
    sms.delete_templates(sm.DeleteTemplatesRequest(body=sm.DeletetemplatesReq(ids=[other])))
    sms.delete_template(sm.DeleteTemplateRequest(id=tid))
    with pytest.raises(ClientRequestException) as err:
        sms.show_template(sm.ShowTemplateRequest(id=tid))
    assert err.value.status_code == 404 and err.value.error_code == "SMS.7101"


def test_migprojects(sms: SmsClient) -> None:
    listed = sms.list_migprojects(sm.ListMigprojectsRequest())
    assert (
        listed.count == 1
        and listed.migprojects[0].name == "SystemProject"
        and listed.migprojects[0].isdefault
    )
    system_id = listed.migprojects[0].id
    body = sm.PostMigProjectBody(
        name="wave-1",
        region="cn-north-4",
        use_public_ip=True,
        exist_server=False,
        type="MIGRATE_FILE",
        syncing=True,
        speed_limit=100,
        description="first wave",
    )
    pid = sms.create_migproject(sm.CreateMigprojectRequest(body=body)).id
    shown = sms.show_migproject(sm.ShowMigprojectRequest(mig_project_id=pid))
    assert shown.name == "wave-1" and shown.syncing is True and shown.isdefault is False
    assert shown.enterprise_project == "default" and shown.start_target_server is True
    with pytest.raises(ClientRequestException) as err:
        sms.create_migproject(sm.CreateMigprojectRequest(body=body))
    assert err.value.error_code == "SMS.7312"
    sms.update_migproject(
        sm.UpdateMigprojectRequest(
            mig_project_id=pid,
            body=sm.MigProject(
                name="wave-1",
                region="cn-north-4",
                use_public_ip=False,
                exist_server=False,
                type="MIGRATE_FILE",
                syncing=False,
                speed_limit=50,
            ),
        )
    )
    shown = sms.show_migproject(sm.ShowMigprojectRequest(mig_project_id=pid))
    assert shown.use_public_ip is False and shown.speed_limit == 50
    sms.update_default_migproject(sm.UpdateDefaultMigprojectRequest(mig_project_id=pid))
    assert sms.show_migproject(sm.ShowMigprojectRequest(mig_project_id=pid)).isdefault is True
    assert sms.show_migproject(sm.ShowMigprojectRequest(mig_project_id=system_id)).isdefault is False
    with pytest.raises(ClientRequestException) as err:
        sms.delete_migproject(sm.DeleteMigprojectRequest(mig_project_id=pid))
    assert err.value.error_code == "SMS.7303"
    sms.update_default_migproject(sm.UpdateDefaultMigprojectRequest(mig_project_id=system_id))
    sms.delete_migproject(sm.DeleteMigprojectRequest(mig_project_id=pid))
    with pytest.raises(ClientRequestException) as err:
        sms.show_migproject(sm.ShowMigprojectRequest(mig_project_id=pid))
    assert err.value.error_code == "SMS.7301"
    with pytest.raises(ClientRequestException) as err:  # the seeded sources live in SystemProject
        sms.update_default_migproject(sm.UpdateDefaultMigprojectRequest(mig_project_id="nope"))
    assert err.value.error_code == "SMS.7301"


def test_config(sms: SmsClient) -> None:
    config = sms.show_config(sm.ShowConfigRequest())
    assert config.config["mainRegion"] and config.regions


def test_task_crud_speed_limits_and_settings(sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web))).id
    task = sms.show_task(sm.ShowTaskRequest(task_id=tid))
    assert task.state == "READY" and task.source_server.id == web and task.source_server.state == "waiting"
    assert task.target_server.vm_id == "ecs-" + web[:8] and len(task.target_server.disks) == 2
    assert task.priority == 1 and task.speed_limit == 0 and task.sub_tasks == []
    listed = sms.list_tasks(sm.ListTasksRequest(source_server_id=web))
    assert listed.count == 1 and listed.tasks[0].id == tid
    assert sms.list_tasks(sm.ListTasksRequest(state="RUNNING")).count == 0
    with pytest.raises(ClientRequestException) as err:  # one task per source server
        sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web, name="dup")))
    assert err.value.error_code == "SMS.6005"

    sms.update_task(
        sm.UpdateTaskRequest(task_id=tid, body=sm.PutTaskReq(name="task-web-01b", speed_limit=300))
    )
    task = sms.show_task(sm.ShowTaskRequest(task_id=tid))
    assert task.name == "task-web-01b" and task.speed_limit == 300

    rules = [
        sm.SpeedLimitlJson(start="00:00", end="08:00", speed=500, over_speed_threshold=50.0),
        sm.SpeedLimitlJson(start="8:00", end="23:59", speed=100),
    ]
    sms.update_speed(sm.UpdateSpeedRequest(task_id=tid, body=sm.SpeedLimit(speed_limit=rules)))
    read = sms.shows_speed_limits(sm.ShowsSpeedLimitsRequest(task_id=tid)).speed_limit
    assert [(r.start, r.end, r.speed) for r in read] == [("00:00", "08:00", 500), ("8:00", "23:59", 100)]
    sms.update_speed(sm.UpdateSpeedRequest(task_id=tid, body=sm.SpeedLimit(speed_limit=[])))
    assert sms.shows_speed_limits(sm.ShowsSpeedLimitsRequest(task_id=tid)).speed_limit == []
    with pytest.raises(ClientRequestException) as err:  # overlapping windows
        sms.update_speed(
            sm.UpdateSpeedRequest(
                task_id=tid,
                body=sm.SpeedLimit(
                    speed_limit=[
                        sm.SpeedLimitlJson(start="00:00", end="09:00", speed=5),
                        sm.SpeedLimitlJson(start="08:00", end="10:00", speed=5),
                    ]
                ),
            )
        )
    assert err.value.status_code == 400

    sms.upload_special_configuration_setting(
        sm.UploadSpecialConfigurationSettingRequest(
            task_id=tid,
            body=sm.ConfigurationRequestBody(
                configurations=[
                    sm.ConfigBody(config_key="MIGRATE_EXCLUDE_DIR", config_value="/tmp"),
                    sm.ConfigBody(config_key="LINUX_CPU_LIMIT", config_value="50"),
                ]
            ),
        )
    )
    with pytest.raises(ClientRequestException) as err:  # the manual's formats: a CPU limit is a percentage
        sms.upload_special_configuration_setting(
            sm.UploadSpecialConfigurationSettingRequest(
                task_id=tid,
                body=sm.ConfigurationRequestBody(
                    configurations=[sm.ConfigBody(config_key="LINUX_CPU_LIMIT", config_value="150")]
                ),
            )
        )
    assert err.value.error_code == "SMS.9001" and "1-100" in err.value.error_msg
    with pytest.raises(ClientRequestException) as err:
        sms.upload_special_configuration_setting(
            sm.UploadSpecialConfigurationSettingRequest(
                task_id=tid,
                body=sm.ConfigurationRequestBody(
                    configurations=[sm.ConfigBody(config_key="CPU_LIMIT", config_value="5")]
                ),
            )
        )
    assert "LINUX_CPU_LIMIT" in err.value.error_msg  # the allowed keys are named
    settings = sms.show_config_setting(sm.ShowConfigSettingRequest(task_id=tid))
    assert {c.config_key: c.config_value for c in settings.configurations} == {
        "MIGRATE_EXCLUDE_DIR": "/tmp",
        "LINUX_CPU_LIMIT": "50",
    }
    one = sms.show_config_setting(sm.ShowConfigSettingRequest(task_id=tid, config_key="LINUX_CPU_LIMIT"))
    assert len(one.configurations) == 1 and one.migrate_type == "LINUX_FILE_MIGRATE"

    sms.delete_task(sm.DeleteTaskRequest(task_id=tid))  # 200 means deleted (manual 4.3)
    assert sms.list_tasks(sm.ListTasksRequest(source_server_id=web)).count == 0
    with pytest.raises(ClientRequestException) as err:
        sms.show_task(sm.ShowTaskRequest(task_id=tid))
    assert err.value.status_code == 404 and err.value.error_code == "SMS.7703"


def test_task_with_template_gets_a_target_server(sms: SmsClient, emulator: EmulatorServer) -> None:
    tpl = sms.create_template(
        sm.CreateTemplateRequest(body=sm.CreateTemplateReq(template=_template_body("t1")))
    ).id
    win = source_id(sms, "win-ad-01")
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, win, template_id=tpl, syncing=True))).id
    assert sms.show_task(sm.ShowTaskRequest(task_id=tid)).target_server.vm_id == ""
    with pytest.raises(ClientRequestException) as err:
        sms.delete_template(sm.DeleteTemplateRequest(id=tpl))
    assert err.value.error_code == "SMS.7111"
    sms.update_task_status(
        sm.UpdateTaskStatusRequest(task_id=tid, body=sm.UpdateTaskStatusReq(operation="start"))
    )
    task = wait_for(
        lambda: sms.show_task(sm.ShowTaskRequest(task_id=tid)), lambda t: t.target_server.vm_id != ""
    )
    assert task.sub_tasks[0].name == "CREATE_CLOUD_SERVER" and task.sub_tasks[0].progress == 100
    assert [s.name for s in task.sub_tasks][-1] == "MIGRATE_WINDOWS_BLOCK"
    current = sms.show_server(sm.ShowServerRequest(source_id=win)).current_task
    assert current.id == tid and current.target_server.vm_id == task.target_server.vm_id
    task = wait_for(lambda: sms.show_task(sm.ShowTaskRequest(task_id=tid)), lambda t: t.state == "SYNCING")
    sms.update_task_status(
        sm.UpdateTaskStatusRequest(
            task_id=tid, body=sm.UpdateTaskStatusReq(operation="clone_test", template_id=tpl)
        )
    )
    assert sms.show_task(sm.ShowTaskRequest(task_id=tid)).clone_server.clone_state == "PREPARING"
    clone = wait_for(lambda: sms.show_task(sm.ShowTaskRequest(task_id=tid)).clone_server,
                     lambda c: c.clone_state == "FINISHED")
    assert clone.vm_id
    sms.update_task_status(
        sm.UpdateTaskStatusRequest(task_id=tid, body=sm.UpdateTaskStatusReq(operation="stop"))
    )
    wait_for(lambda: sms.show_task(sm.ShowTaskRequest(task_id=tid)).state, lambda s: s == "ABORT")
    sms.delete_tasks(sm.DeleteTasksRequest(body=sm.DeleteTasksReq(ids=[tid])))
    assert sms.list_tasks(sm.ListTasksRequest()).count == 0
    sms.delete_template(sm.DeleteTemplateRequest(id=tpl))  # the deleted task no longer holds it


def _group_body(bucket: str = "src-bucket") -> om.CreateTaskGroupReq:
    return om.CreateTaskGroupReq(
        src_node=om.TaskGroupSrcNode(
            ak="SRC-AK",
            sk="SRC-SK",
            region="cn-east-3",
            bucket=bucket,
            cloud_type="HuaweiCloud",
            object_key=[""],
        ),
        dst_node=om.TaskGroupDstNode(
            ak="DST-AK", sk="DST-SK", region="cn-north-4", bucket="dst-bucket", save_prefix="copy/"
        ),
        description="nightly copy",
        task_type="PREFIX",
        enable_failed_object_recording=True,
        bandwidth_policy=[om.BandwidthPolicyDto(start="00:00", end="06:00", max_bandwidth=100 * 1024 * 1024)],
    )


def test_oms_task_groups(oms: OmsClient, emulator: EmulatorServer, clock: StoppedClock) -> None:
    def show() -> om.ShowTaskGroupResponse:
        return oms.show_task_group(om.ShowTaskGroupRequest(group_id=gid))

    gid = oms.create_task_group(om.CreateTaskGroupRequest(body=_group_body())).group_id
    group = show()
    assert (
        group.status == 0 and group.src_node.bucket == "src-bucket" and group.dst_node.save_prefix == "copy/"
    )
    assert group.bandwidth_policy[0].max_bandwidth == 100 * 1024 * 1024 and group.total_size > 0
    assert "SRC-SK" not in str(emulator.admin.objects())
    listed = oms.list_task_group(om.ListTaskGroupRequest(limit=10, offset=0))
    assert listed.count == 1 and listed.taskgroups[0].group_id == gid
    clock.advance(5)
    assert show().status == 1  # creating its tasks (20 s)
    with pytest.raises(ClientRequestException) as err:  # settling: "in progress", retried by clients
        oms.delete_task_group(om.DeleteTaskGroupRequest(group_id=gid))
    assert err.value.error_code == "OMS.0063"
    clock.advance(20)
    assert show().status == 2
    oms.stop_task_group(om.StopTaskGroupRequest(group_id=gid))
    assert show().status == 7
    clock.advance(5)
    paused = show()
    assert paused.status == 3
    with pytest.raises(ClientRequestException) as err:  # "not running" (what clients ignore before a delete)
        oms.stop_task_group(om.StopTaskGroupRequest(group_id=gid))
    assert err.value.error_code == "OMS.0066"
    oms.update_task_group(
        om.UpdateTaskGroupRequest(
            group_id=gid,
            body=om.UpdateBandwidthPolicyReq(
                bandwidth_policy=[
                    om.BandwidthPolicyDto(start="01:00", end="02:00", max_bandwidth=2 * 1024 * 1024)
                ]
            ),
        )
    )
    assert show().bandwidth_policy[0].start == "01:00"
    oms.update_task_group(
        om.UpdateTaskGroupRequest(group_id=gid, body=om.UpdateBandwidthPolicyReq(bandwidth_policy=[]))
    )
    oms.start_task_group(
        om.StartTaskGroupRequest(
            group_id=gid,
            body=om.StartTaskGroupReq(src_ak="SRC-AK", src_sk="SRC-SK", dst_ak="DST-AK", dst_sk="DST-SK"),
        )
    )
    clock.advance(1)
    resumed = show()
    assert resumed.status == 2 and resumed.complete_size >= paused.complete_size
    emulator.admin.fail_taskgroup(gid)
    failed = show()
    assert failed.status == 5 and failed.error_reason.error_msg
    oms.retry_task_group(
        om.RetryTaskGroupRequest(
            group_id=gid,
            body=om.RetryTaskGroupReq(
                src_ak="SRC-AK", src_sk="SRC-SK", dst_ak="DST-AK", dst_sk="DST-SK", migrate_failed_object=True
            ),
        )
    )
    clock.advance(3 * 3600)  # 49 GiB at most, at 50 MiB/s
    done = show()
    assert done.status == 6
    assert done.complete_size == done.total_size and done.complete_task_num == done.total_task_num
    oms.delete_task_group(om.DeleteTaskGroupRequest(group_id=gid))
    assert show().status == 8
    clock.advance(5)
    assert show().status == 9
    clock.advance(5)
    with pytest.raises(ClientRequestException) as err:
        show()
    assert err.value.status_code == 404
