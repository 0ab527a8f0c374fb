"""`PUT /v3/sources/{id}` with disk and volume-group settings (manual 5.3.5), driven by the official
SDK: what the emulator refuses beyond test_task_actions.py (a whole-disk physical volume below its
data, a volume group below its logical volumes: SMS.6539, SMS.6541), settings merged by name across
calls, a PUT refused as a whole, and a task created afterwards from the recommended layout."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksms.v3 import SmsClient
from huaweicloudsdksms.v3 import model as sm

from .conftest import source_id
from .test_sdk_conformance import _task_body

GIB = 1024**3
LV = "/dev/vg_data/lv_pgdata"  # db-01: 400 GiB, 200 GiB used, in vg_data on /dev/sdb (500 GiB, no partitions)


def _put(sms: SmsClient, source: str, **body: Any) -> None:
    sms.update_server_name(sm.UpdateServerNameRequest(source_id=source, body=sm.PutSourceServerBody(**body)))


def _refused(sms: SmsClient, source: str, **body: Any) -> str:
    with pytest.raises(ClientRequestException) as err:
        _put(sms, source, **body)
    assert err.value.status_code == 400
    return str(err.value.error_code)


def _recommended(sms: SmsClient, source: str) -> sm.InitTargetServer:
    return sms.show_server(sm.ShowServerRequest(source_id=source)).init_target_server


def test_sizes_are_held_to_what_the_source_holds(sms: SmsClient) -> None:
    db = source_id(sms, "db-01")
    assert _refused(sms, db, disks=[sm.PutDisk(id="/dev/sdb", adjust_size=100 * GIB)]) == "SMS.6539"
    group = sm.PutVolumeGroups(id="vg_data", adjust_size=300 * GIB)  # its volume is 400 GiB
    assert _refused(sms, db, volume_groups=[group]) == "SMS.6541"
    # The group may shrink with its volume, in one PUT.
    _put(sms, db, disks=[sm.PutDisk(id="/dev/sdb", adjust_size=300 * GIB)],
         volume_groups=[sm.PutVolumeGroups(id="vg_data", adjust_size=260 * GIB, logical_volumes=[
             sm.PutLogicalVolume(id=LV, adjust_size=250 * GIB)])])
    init = _recommended(sms, db)
    assert {d.name: d.size for d in init.disks}["/dev/sdb"] == 300 * GIB
    [group] = init.volume_groups
    assert (group.size, group.logical_volumes[0].size) == (260 * GIB, 250 * GIB)


def test_settings_merge_by_name_and_a_refused_put_changes_nothing(sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    project = sms.create_migproject(sm.CreateMigprojectRequest(body=sm.PostMigProjectBody(
        name="wave-9", region="cn-north-4", use_public_ip=True, exist_server=True, type="MIGRATE_BLOCK",
        syncing=False))).id
    _put(sms, web, disks=[sm.PutDisk(id="/dev/vdb", adjust_size=150 * GIB, physical_volumes=[
        sm.PutVolume(id="/dev/vdb1", adjust_size=140 * GIB)])])
    # A later PUT naming only the partition keeps the disk's size.
    _put(sms, web, disks=[sm.PutDisk(id="/dev/vdb", adjust_size=150 * GIB, physical_volumes=[
        sm.PutVolume(id="/dev/vdb1", adjust_size=145 * GIB)])])
    vdb = {d.name: d for d in _recommended(sms, web).disks}["/dev/vdb"]
    assert (vdb.size, vdb.physical_volumes[0].size) == (150 * GIB, 145 * GIB)
    # A move and a disk SMS does not know, in one body: refused whole, the source stays where it was.
    assert _refused(sms, web, migprojectid=project,
                    disks=[sm.PutDisk(id="/dev/vdz", adjust_size=0)]) == "SMS.8111"
    assert sms.list_servers(sm.ListServersRequest(migproject=project)).count == 0
    # Back to the source's own size: adjust_size 0, need_migration true.
    _put(sms, web, disks=[sm.PutDisk(id="/dev/vdb", adjust_size=0, need_migration=True, physical_volumes=[
        sm.PutVolume(id="/dev/vdb1", adjust_size=0)])])
    vdb = {d.name: d for d in _recommended(sms, web).disks}["/dev/vdb"]
    assert (vdb.size, vdb.physical_volumes[0].size) == (107374182400, 107373133824)


def test_a_task_made_after_the_put_takes_the_new_layout(sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    _put(sms, web, disks=[sm.PutDisk(id="/dev/vdb", adjust_size=0, need_migration=False)])
    task = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web))).id
    target = sms.show_task(sm.ShowTaskRequest(task_id=task)).target_server
    assert [d.name for d in target.disks] == ["/dev/vda"]
