"""SourceServer provider against the emulator: check (with and without SMS), create, read, update,
delete in its three ways, and the target layout a task gets from the settings.

The seeded sources: web-01 (/dev/vda system disk, /dev/vdb data disk with /dev/vdb1), db-01 (/dev/sdb a
whole-disk LVM physical volume of vg_data, 200 GiB used; logical volume /dev/vg_data/lv_pgdata),
win-ad-01 (Windows, Disk 0 with C:\\). All start in SystemProject, the default project.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from sms_pulumi.api.errors import ApiError
from sms_pulumi.api.models.migprojects import CreateMigProjectRequest
from sms_pulumi.api.models.sources import ListSourceServersQuery, UpdateSourceServerRequest
from sms_pulumi.api.models.tasks import TaskAction
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources.errors import GoneError, StateError
from sms_pulumi.resources.migration_project import MigrationProjectProvider
from sms_pulumi.resources.source_server import SourceServerProvider
from sms_pulumi.resources.task import TaskProvider
from tests.resources.helpers import (
    COMPUTED,
    PROVIDER_KEY,
    api_requests,
    assert_no_diff,
    create,
    diff,
    engine,
    read,
    stored,
    update,
)

P = SourceServerProvider
GIB = 1024**3
LV = "/dev/vg_data/lv_pgdata"


def source_id(sms: SmsClient, name: str) -> str:
    [source] = sms.find_sources_by_name(name)
    assert source.id
    return source.id


def new_project(sms: SmsClient, name: str = "wave-1") -> str:
    created = sms.create_migproject(CreateMigProjectRequest.model_validate(
        {"name": name, "region": "cn-north-4", "type": "MIGRATE_BLOCK", "use_public_ip": True,
         "exist_server": False, "syncing": True}))
    assert created.id
    return created.id


def project_of(sms: SmsClient, source: str) -> str | None:
    """The project whose list holds the source (what no read of the source says)."""
    for project in sms.iter_migprojects():
        if any(s.id == source for s in sms.iter_sources(ListSourceServersQuery(migproject=project.id))):
            return project.id
    return None


def system_project(sms: SmsClient) -> str:
    [project] = sms.find_migprojects_by_name("SystemProject")
    assert project.id
    return project.id


def recommended(sms: SmsClient, source: str) -> dict[str, int]:
    """Target disk sizes SMS recommends for the source, by name."""
    init = sms.show_source(source).init_target_server
    return {str(d.name): int(d.size or 0) for d in (init.disks if init and init.disks else [])}


def check(news: dict[str, Any]) -> dict[str, str]:
    result = P().check({}, {**engine(news), PROVIDER_KEY: "p"})
    return {f.property: f.reason for f in result.failures}


# -- check ------------------------------------------------------------------------------------------


def test_check_refuses_bad_shapes_without_a_call(provider_env: EmulatorServer) -> None:
    named = check({"source_id": "src-1", "on_destroy": "shred", "name": "bad name!",
                   "disks": {"/dev/vdb": {"adjust_size": -1, "size": 300, "need_migration": "maybe"},
                             "/dev/vdc": 300},
                   "volume_groups": {"vg": {"logical_volumes": {"lv": {"adjust_size": "big"}}}}})
    assert set(named) == {"on_destroy", "name", "disks./dev/vdb.adjust_size", "disks./dev/vdb.size",
                          "disks./dev/vdb.need_migration", "disks./dev/vdc",
                          "volume_groups.vg.logical_volumes.lv.adjust_size"}, named
    assert "move_back, leave, delete" in named["on_destroy"]
    assert "greater than or equal to 0" in named["disks./dev/vdb.adjust_size"]
    assert "adjust_size, need_migration, physical_volumes" in named["disks./dev/vdb.size"]
    assert set(check({"disks": {}})) == {"source_id"}
    # Values not known yet are not judged, and SMS is not asked about them.
    assert check({"source_id": "src-1", "migprojectid": COMPUTED,
                  "disks": {"/dev/vdb": {"adjust_size": COMPUTED}}}) == {}
    assert api_requests(provider_env) == {}


def test_check_holds_the_settings_to_the_source(provider_env: EmulatorServer, sms: SmsClient) -> None:
    web, db = source_id(sms, "web-01"), source_id(sms, "db-01")
    provider_env.admin.clear_requests()
    named = check({"source_id": web, "disks": {
        "/dev/vdx": {"adjust_size": 10 * GIB},
        "/dev/vda": {"need_migration": False, "physical_volumes": {"/dev/vda2": {"adjust_size": GIB}}},
        "/dev/vdb": {"adjust_size": 50 * GIB},
    }})
    assert named == {
        "disks./dev/vdx": "there is no disk named '/dev/vdx' (there are: '/dev/vda', '/dev/vdb') (SMS.8111)",
        "disks./dev/vda.physical_volumes./dev/vda2.adjust_size":
            "must be at least 8.80 GiB (9453961216 bytes), the space used on it (SMS.6538)",
        "disks./dev/vdb.adjust_size":
            "must be at least 100.00 GiB (107373133824 bytes), the size of its migrated partitions "
            "(SMS.6539)",
        "disks./dev/vda.need_migration": "the system disk is always migrated: the target boots from it "
                                         "(without it SMS fails the migration: SMS.1506)",
    }, named
    named = check({"source_id": db, "disks": {"/dev/sdb": {"adjust_size": 100 * GIB}},
                   "volume_groups": {"vg_data": {"adjust_size": 290 * GIB, "logical_volumes": {
                       LV: {"adjust_size": 300 * GIB}}}}})
    assert named == {
        "disks./dev/sdb.adjust_size": "must be at least 200 GiB (214748364800 bytes), the space used on it "
                                      "(SMS.6539)",
        "volume_groups.vg_data.adjust_size": "must be at least 300 GiB (322122547200 bytes), the size of its "
                                             "migrated logical volumes (SMS.6541)",
    }, named
    assert check({"source_id": web, "disks": {"/dev/vdb": {"need_migration": False}}}) == {}
    assert check({"source_id": "gone", "disks": {"/dev/vdb": {}}}) == {
        "source_id": "no source server gone is registered in SMS"}
    # SMS was read, never written.
    assert set(api_requests(provider_env)) == {"GET /v3/sources/{source_id}"}


# -- membership ---------------------------------------------------------------------------------------


def test_moved_into_the_project_and_back(provider_env: EmulatorServer, sms: SmsClient) -> None:
    web, project, home = source_id(sms, "web-01"), new_project(sms), system_project(sms)
    news = {"source_id": web, "migprojectid": project}
    created = create(P(), news)
    assert created.id == web and project_of(sms, web) == project
    assert created.outs["before"] == {"migprojectid": home}
    assert_no_diff(P(), web, created.outs, news)
    _, outs = read(P(), web, created.outs)
    assert_no_diff(P(), web, outs, news)
    with pytest.raises(ApiError) as refused:  # the project holds a source
        sms.delete_migproject(project)
    assert refused.value.error_code == "SMS.7311"
    # No longer managed: back where it was; managed again: moved again (in place, both).
    assert diff(P(), web, outs, {"source_id": web}).changes is True
    outs = update(P(), web, outs, {"source_id": web})
    assert project_of(sms, web) == home
    outs = update(P(), web, outs, news)
    assert project_of(sms, web) == project and outs["before"] == {"migprojectid": home}
    P().delete(web, stored(outs))
    assert project_of(sms, web) == home
    sms.delete_migproject(project)


def test_leave_and_delete(provider_env: EmulatorServer, sms: SmsClient) -> None:
    web, app, project = source_id(sms, "web-01"), source_id(sms, "app-01"), new_project(sms)
    left = create(P(), {"source_id": web, "migprojectid": project, "on_destroy": "leave"})
    P().delete(left.id, stored(left.outs))
    assert project_of(sms, web) == project
    # The project's destroy then says which sources it still holds.
    with pytest.raises(StateError) as refused:
        MigrationProjectProvider().delete(project, {})
    assert refused.value.code == "SMS.7311" and f"web-01 ({web})" in str(refused.value)
    sms.update_source(web, UpdateSourceServerRequest(migprojectid=system_project(sms)))
    # delete: the clean-up of a finished wave; the project is empty afterwards.
    deleted = create(P(), {"source_id": app, "migprojectid": project, "on_destroy": "delete"})
    P().delete(deleted.id, stored(deleted.outs))
    assert sms.find_sources_by_name("app-01") == []
    sms.delete_migproject(project)
    P().delete(deleted.id, stored(deleted.outs))  # gone already: done


def test_delete_of_a_source_being_migrated_says_what_to_do(provider_env: EmulatorServer, sms: SmsClient
                                                           ) -> None:
    web = source_id(sms, "web-01")
    task = TaskProvider().create(engine({
        "name": "web-01", "type": "MIGRATE_BLOCK", "os_type": "LINUX", "source_server_id": web,
        "target_server": {"name": "web-01-cloud", "vm_id": str(uuid.UUID(int=1))}}))
    sms.task_action(str(task.id), TaskAction.START)
    created = create(P(), {"source_id": web, "on_destroy": "delete"})
    with pytest.raises(StateError) as refused:
        P().delete(created.id, stored(created.outs))
    assert refused.value.code == "SMS.7601" and refused.value.field == "on_destroy"
    assert "pause or delete its task first" in str(refused.value)


def test_a_project_changed_in_the_console_is_drift(provider_env: EmulatorServer, sms: SmsClient) -> None:
    web, project, other = source_id(sms, "web-01"), new_project(sms), new_project(sms, "elsewhere")
    news = {"source_id": web, "migprojectid": project}
    created = create(P(), news)
    sms.update_source(web, UpdateSourceServerRequest(migprojectid=other))
    _, outs = read(P(), web, created.outs)
    assert outs["migprojectid"] == other and outs["before"] == created.outs["before"]
    result = diff(P(), web, outs, news)
    assert result.changes is True and not result.replaces
    update(P(), web, outs, news)
    assert project_of(sms, web) == project


def test_a_source_deleted_outside_pulumi_is_dropped(provider_env: EmulatorServer, sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    created = create(P(), {"source_id": web, "disks": {"/dev/vdb": {"adjust_size": 150 * GIB}}})
    sms.delete_source(web)
    assert read(P(), web, created.outs) == (None, {})
    with pytest.raises(GoneError):
        update(P(), web, created.outs, {"source_id": web})
    P().delete(web, stored(created.outs))


# -- disk settings -----------------------------------------------------------------------------------


def task_disks(sms: SmsClient, source: str) -> dict[str, int]:
    """Target disk sizes of a task created for the source with no disks (the recommended layout)."""
    created = TaskProvider().create(engine({
        "name": "t", "type": "MIGRATE_BLOCK", "os_type": "LINUX", "source_server_id": source,
        "target_server": {"name": "target", "vm_id": str(uuid.uuid4())}}))
    target = sms.show_task(str(created.id)).target_server
    disks = {str(d.name): int(d.size or 0) for d in (target.disks if target and target.disks else [])}
    sms.delete_task(str(created.id))
    return disks


def test_disks_resized_and_left_out_shape_the_task(provider_env: EmulatorServer, sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    own = recommended(sms, web)
    news = {"source_id": web, "disks": {"/dev/vdb": {"adjust_size": 150 * GIB, "physical_volumes": {
        "/dev/vdb1": {"adjust_size": 140 * GIB}}}}}
    created = create(P(), news)
    assert recommended(sms, web)["/dev/vdb"] == 150 * GIB
    assert task_disks(sms, web) == {"/dev/vda": own["/dev/vda"], "/dev/vdb": 150 * GIB}
    assert created.outs["before"]["disks"] == {"/dev/vdb": {
        "adjust_size": 0, "need_migration": True,
        "physical_volumes": {"/dev/vdb1": {"adjust_size": 0, "need_migration": True}}}}
    _, outs = read(P(), web, created.outs)
    assert_no_diff(P(), web, outs, news)

    # Left out: the task gets only the system disk. In place.
    left_out = {"source_id": web, "disks": {"/dev/vdb": {"need_migration": False}}}
    result = diff(P(), web, outs, left_out)
    assert result.changes is True and not result.replaces
    outs = update(P(), web, outs, left_out)
    assert task_disks(sms, web) == {"/dev/vda": own["/dev/vda"]}
    _, outs = read(P(), web, outs)
    assert_no_diff(P(), web, outs, left_out)

    # No longer managed: as it was before Pulumi (here: as registered).
    outs = update(P(), web, outs, {"source_id": web})
    assert recommended(sms, web) == own


def test_disk_settings_changed_in_the_console_are_drift(provider_env: EmulatorServer, sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    news = {"source_id": web, "disks": {"/dev/vdb": {"adjust_size": 150 * GIB}}}
    created = create(P(), news)
    sms.update_source(web, UpdateSourceServerRequest.model_validate(
        {"disks": [{"id": "/dev/vdb", "adjust_size": 200 * GIB}]}))
    _, outs = read(P(), web, created.outs)
    assert outs["disks"] == {"/dev/vdb": {"adjust_size": 200 * GIB}}
    assert diff(P(), web, outs, news).changes is True
    update(P(), web, outs, news)
    assert recommended(sms, web)["/dev/vdb"] == 150 * GIB
    sms.update_source(web, UpdateSourceServerRequest.model_validate(
        {"disks": [{"id": "/dev/vdb", "adjust_size": 0, "need_migration": False}]}))
    _, outs = read(P(), web, created.outs)
    assert outs["disks"] == {"/dev/vdb": {"need_migration": False, "adjust_size": 150 * GIB}}


def test_move_back_puts_back_what_was_there(provider_env: EmulatorServer, sms: SmsClient) -> None:
    web, project = source_id(sms, "web-01"), new_project(sms)
    # Someone had set /dev/vdb to 120 GiB before the stack took the source over.
    sms.update_source(web, UpdateSourceServerRequest.model_validate(
        {"disks": [{"id": "/dev/vdb", "adjust_size": 120 * GIB}]}))
    created = create(P(), {"source_id": web, "migprojectid": project, "name": "web-01-w1",
                           "disks": {"/dev/vdb": {"adjust_size": 150 * GIB}}})
    assert sms.show_source(web).name == "web-01-w1" and recommended(sms, web)["/dev/vdb"] == 150 * GIB
    P().delete(web, stored(created.outs))
    assert sms.show_source(web).name == "web-01" and recommended(sms, web)["/dev/vdb"] == 120 * GIB
    assert project_of(sms, web) == system_project(sms)


def test_volume_groups(provider_env: EmulatorServer, sms: SmsClient) -> None:
    db = source_id(sms, "db-01")
    news = {"source_id": db,
            "volume_groups": {"vg_data": {"logical_volumes": {LV: {"adjust_size": 250 * GIB}}}}}
    created = create(P(), news)
    init = sms.show_source(db).init_target_server
    assert init and init.volume_groups and init.volume_groups[0].logical_volumes
    assert init.volume_groups[0].logical_volumes[0].size == 250 * GIB
    _, outs = read(P(), db, created.outs)
    assert_no_diff(P(), db, outs, news)
    excluded = {"source_id": db, "volume_groups": {"vg_data": {"need_migration": False}}}
    outs = update(P(), db, outs, excluded)
    init = sms.show_source(db).init_target_server
    assert init is not None and init.volume_groups == []
    _, outs = read(P(), db, outs)
    assert_no_diff(P(), db, outs, excluded)
