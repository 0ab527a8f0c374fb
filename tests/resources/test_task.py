"""Task provider against the emulator: check, diff, create, read, update, delete.

Run states are the wave's (tests/resources/test_wave.py); here a task is started from outside, as
the console (or a wave) would. The emulator's clock runs 200x; waits poll every 0.05 s.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from sms_pulumi.api.models.tasks import CreateTaskRequest, TaskAction
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources.task import TaskProvider
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

P = TaskProvider
VM_ID = str(uuid.UUID(int=1))  # the existing target server of web-01


def vm_id(server: str) -> str:
    return VM_ID if server == "web-01" else str(uuid.uuid5(uuid.NAMESPACE_DNS, server))


def source_id(sms: SmsClient, name: str) -> str:
    [source] = sms.find_sources_by_name(name)
    assert source.id
    return source.id


def props(sms: SmsClient, server: str = "web-01", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": f"{server}-task", "type": "MIGRATE_BLOCK", "os_type": "LINUX",
        "source_server_id": source_id(sms, server),
        "target_server": {"name": f"{server}-cloud", "vm_id": vm_id(server)},
        "syncing": True, "wait_timeout": 60,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def state(sms: SmsClient, task_id: str) -> str | None:
    return sms.show_task(task_id).state


def wait_state(sms: SmsClient, task_id: str, *states: str, timeout: float = 30) -> str | None:
    return wait_for(lambda: state(sms, task_id), lambda s: s in states, timeout)


def tasks(emulator: EmulatorServer) -> list[dict[str, Any]]:
    return list(emulator.admin.objects()["tasks"])


# -- check and diff -------------------------------------------------------------------------------


def test_check_names_each_bad_field_and_calls_nothing(provider_env: EmulatorServer, sms: SmsClient) -> None:
    good = props(sms)
    provider_env.admin.clear_requests()
    bad = {**good, "run_state": "running", "wait_timeout": -5, "type": "MIGRATE_ALL", "priority": 7,
           "speed_limit": 20000, "target_server": {"vm_id": VM_ID}, "colour": "blue"}
    del bad["source_server_id"]
    result = P().check({}, {**engine(bad), PROVIDER_KEY: "p"})
    named = {f.property: f.reason for f in result.failures}
    assert set(named) == {"run_state", "wait_timeout", "type", "priority", "speed_limit",
                          "source_server_id", "colour"}, named
    # 5.4.1 creates take any priority 0-65535, but a PUT (which changes it in place) only 0, 1 or 2.
    assert named["priority"] == "Input should be 0, 1 or 2"
    assert named["run_state"] == "unknown property 'run_state'", "run state is the wave's"
    assert P().check({}, engine(good)).failures == []
    # Disks are optional (the source's recommended layout); unknown values are checked later.
    assert P().check({}, engine({**good, "source_server_id": COMPUTED, "target_server": COMPUTED,
                                 "wait_timeout": COMPUTED})).failures == []
    assert P().check({}, engine({**good, "target_server": {"name": COMPUTED}})).failures == []
    # A target SMS creates needs a template; an existing one needs its ID.
    no_target = {**good, "target_server": {"name": "web-01-cloud"}}
    assert [f.property for f in P().check({}, engine(no_target)).failures] == ["target_server.vm_id"]
    assert P().check({}, engine({**no_target, "vm_template_id": COMPUTED})).failures == []
    assert api_requests(provider_env) == {}


def test_diff_updates_in_place_and_replaces_only_what_the_api_cannot_change(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    base = props(sms, priority=1, speed_limit=100)
    olds = {**base, "region_name": "cn-north-4", "region_id": "cn-north-4", "project_name": "cn-north-4",
            "project_id": "x"}
    assert_no_diff(P(), "t", olds, base)
    for news in (
        {**base, "name": "renamed"}, {**base, "speed_limit": 50}, {**base, "priority": 2},
        {**base, "migration_ip": "192.168.0.9"},
        {**base, "target_server": {"name": "other", "vm_id": VM_ID}}, {**base, "wait_timeout": 120},
        {**base, "region_name": "cn-south-1"}, {**base, "vm_template_id": "tpl"},
    ):
        result = diff(P(), "t", olds, news)
        assert result.changes is True and result.replaces == [], news
    for field, value in (("source_server_id", "other-source"), ("syncing", False), ("use_ipv6", True),
                         ("over_speed_threshold", 50), ("source_server_id", COMPUTED)):
        result = diff(P(), "t", olds, {**base, field: value})
        assert result.changes is True and result.replaces == [field], field
        assert result.delete_before_replace is True  # one task per source at a time
    # Adoption is read by create only.
    assert_no_diff(P(), "t", olds, {**base, "adopt_id": "some-id"})


# -- create ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("server", ["web-01", "db-01", "win-ad-01"])
def test_target_disks_default_to_the_recommended_layout(
    provider_env: EmulatorServer, sms: SmsClient, server: str
) -> None:
    os_type = "WINDOWS" if server.startswith("win") else "LINUX"
    created = create(P(), props(sms, server, os_type=os_type))
    source = sms.show_source(source_id(sms, server))
    assert source.init_target_server and source.init_target_server.disks
    task = sms.show_task(created.id)
    assert task.state == "READY"
    assert task.target_server and task.target_server.disks
    assert [(d.name, d.size, d.device_use) for d in task.target_server.disks] == [
        (d.name, d.size, d.device_use) for d in source.init_target_server.disks]
    want_groups = [g.name for g in source.init_target_server.volume_groups or []]
    assert [g.name for g in task.target_server.volume_groups or []] == want_groups
    # The defaults are not inputs: nothing to compare, no diff.
    assert created.outs["target_server"] == {"name": f"{server}-cloud", "vm_id": vm_id(server)}
    assert_no_diff(P(), created.id, created.outs, props(sms, server, os_type=os_type))


def test_explicit_disks_are_sent_as_given(provider_env: EmulatorServer, sms: SmsClient) -> None:
    disks = [{"name": "/dev/vda", "size": 50 * 2**30, "used_size": 10 * 2**30, "device_use": "BOOT",
              "physical_volumes": []}]
    news = props(sms, target_server={"name": "web-01-cloud", "vm_id": VM_ID, "disks": disks})
    created = create(P(), news)
    task = sms.show_task(created.id)
    assert task.target_server and task.target_server.disks
    assert [(d.name, d.size) for d in task.target_server.disks] == [("/dev/vda", 50 * 2**30)]
    # SMS adds IDs, indexes and partition styles to the disks: not part of the comparison.
    _, outs = read(P(), created.id, created.outs)
    assert outs["target_server"] == news["target_server"]
    assert_no_diff(P(), created.id, outs, news)


@pytest.mark.parametrize("fault", [
    {"drop_rate": 1.0, "drop_mode": "after"},   # created, answer lost
    {"drop_rate": 1.0, "drop_mode": "before"},  # never arrived
    {"error_5xx_rate": 1.0, "error_status": 500},
])
def test_a_lost_create_answer_makes_no_duplicate(
    provider_env: EmulatorServer, sms: SmsClient, fault: dict[str, Any]
) -> None:
    provider_env.admin.add_fault("POST /v3/tasks", count=1, **fault)
    created = create(P(), props(sms))
    assert [t["id"] for t in tasks(provider_env)] == [created.id]


def test_a_task_left_by_a_failed_create_is_found_again(provider_env: EmulatorServer, sms: SmsClient) -> None:
    # The first `up` posts the task, then dies before Pulumi records it (SIGKILL, a lost answer).
    from sms_pulumi.resources.task import _create_body

    left = sms.create_task(CreateTaskRequest.model_validate(_create_body(props(sms), fill=True)))
    # The next `up` creates it again: the same task is used, not a second one (SMS.6005).
    again = create(P(), props(sms))
    assert again.id == left.id
    assert [t["id"] for t in tasks(provider_env)] == [again.id]
    # Another task on the same source (not ours) is a clear error.
    with pytest.raises(ValueError, match="source_server_id: source .* already has task 'web-01-task'"):
        create(P(), props(sms, name="someone-else"))


def test_create_returns_without_waiting(provider_env: EmulatorServer, sms: SmsClient) -> None:
    # Starting is the wave's: a create is a few requests, never a wait, whatever the clock.
    provider_env.admin.clock(speed=1)
    news = props(sms)
    provider_env.admin.clear_requests()
    started = time.monotonic()
    created = create(P(), news)
    assert time.monotonic() - started < 2
    calls = api_requests(provider_env)
    # The source's recommended disks, the tasks on the source (no duplicate), the POST, the answer.
    assert calls == {"GET /v3/sources/{source_id}": 1, "GET /v3/tasks": 1, "POST /v3/tasks": 1,
                     "GET /v3/tasks/{task_id}": 1}, calls
    assert state(sms, created.id) == "READY"


def test_a_missing_project_id_is_an_error_at_preview(
    provider_env: EmulatorServer, sms: SmsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sms_pulumi.resources.clients import reset_clients

    news = props(sms)
    monkeypatch.delenv("HW_PROJECT_ID")
    reset_clients()
    provider_env.admin.clear_requests()
    [failure] = P().check({}, engine(news)).failures
    assert failure.property == "project_id"
    assert "pulumi config set huaweicloud:projectId <id>` (or HW_PROJECT_ID)" in failure.reason
    assert api_requests(provider_env) == {}
    with pytest.raises(ValueError, match="project_id: not given"):
        create(P(), news)
    assert create(P(), {**news, "project_id": "p1"}).outs["project_id"] == "p1"


# -- update, drift, adoption, delete --------------------------------------------------------------


def test_update_in_place(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(P(), props(sms))
    sms.task_action(created.id, TaskAction.START)
    news = props(sms, name="web-01-renamed", speed_limit=50, priority=2,
                 migration_ip="192.168.0.10", target_server={"name": "web-01-new", "vm_id": VM_ID})
    outs = update(P(), created.id, created.outs, news)
    task = sms.show_task(created.id)
    assert (task.name, task.speed_limit, task.priority, task.migration_ip) == (
        "web-01-renamed", 50, 2, "192.168.0.10")
    assert task.target_server and task.target_server.name == "web-01-new"
    assert task.target_server.disks, "the disks survive a change of the target's name"
    assert task.state in ("RUNNING", "SYNCING"), "an update does not interrupt the migration"
    assert [t["id"] for t in tasks(provider_env)] == [created.id]
    assert_no_diff(P(), created.id, outs, news)


def test_drift_of_fields_is_read_back(provider_env: EmulatorServer, sms: SmsClient) -> None:
    from sms_pulumi.api.models.tasks import UpdateTaskRequest

    news = props(sms, speed_limit=100)
    created = create(P(), news)
    sms.update_task(created.id, UpdateTaskRequest(name="console-name", speed_limit=10))
    _, outs = read(P(), created.id, created.outs)
    assert (outs["name"], outs["speed_limit"]) == ("console-name", 10)
    assert diff(P(), created.id, outs, news).replaces == []
    outs = update(P(), created.id, outs, news)
    assert (sms.show_task(created.id).name, outs["speed_limit"]) == ("web-01-task", 100)


def test_adopt_an_existing_task_then_no_diff(provider_env: EmulatorServer, sms: SmsClient) -> None:
    news = props(sms, name="by-hand")
    body = P().check({}, engine(news))
    assert body.failures == []
    from sms_pulumi.resources.task import _create_body

    existing = sms.create_task(CreateTaskRequest.model_validate(_create_body(
        {**news, "name": "by-hand-original"}, fill=True)))
    assert existing.id
    adopted = create(P(), {**news, "adopt_id": existing.id})
    assert adopted.id == existing.id and sms.show_task(existing.id).name == "by-hand"
    assert [t["id"] for t in tasks(provider_env)] == [existing.id]
    assert_no_diff(P(), adopted.id, adopted.outs, {**news, "adopt_id": existing.id})
    _, outs = read(P(), adopted.id, adopted.outs)
    assert_no_diff(P(), adopted.id, outs, {**news, "adopt_id": existing.id})
    with pytest.raises(ValueError, match="adopt_id: task 'by-hand' .* migrates source"):
        create(P(), {**props(sms, "web-02"), "adopt_id": existing.id})
    with pytest.raises(ValueError, match="adopt_id: there is no task 'nope'"):
        create(P(), {**news, "adopt_id": "nope"})


def test_delete_stops_a_running_task_and_waits_until_it_is_gone(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    created = create(P(), props(sms))
    sms.task_action(created.id, TaskAction.START)
    provider_env.admin.clear_requests()
    P().delete(created.id, engine(created.outs))
    assert tasks(provider_env) == []
    calls = api_requests(provider_env)
    assert calls["POST /v3/tasks/{task_id}/action"] == 1
    assert calls["DELETE /v3/tasks/{task_id}"] == 1
    # A syncing task likewise; a deleted one is done.
    synced = create(P(), props(sms))
    sms.task_action(synced.id, TaskAction.START)
    wait_state(sms, synced.id, "SYNCING")
    P().delete(synced.id, synced.outs)
    assert tasks(provider_env) == []
    P().delete(synced.id, synced.outs)


def test_read_of_a_vanished_task_drops_it(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(P(), props(sms))
    sms.delete_task(created.id)
    assert read(P(), created.id, created.outs) == (None, {}), "a task being deleted is gone"
    wait_for(lambda: tasks(provider_env), lambda t: t == [], timeout=30)
    assert read(P(), created.id, created.outs) == (None, {})


def test_an_action_refused_because_the_task_moved_on_is_not_an_error(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    created = create(P(), props(sms, syncing=False))
    sms.task_action(created.id, TaskAction.START)
    # Delete reads RUNNING and sends "stop"; while the stop is on its way the task finishes
    # (MIGRATE_SUCCESS), so SMS refuses it (SMS.7714). The delete carries on.
    provider_env.admin.add_fault("POST /v3/tasks/*/action", latency_ms=1000, count=1)

    def finish_meanwhile() -> None:
        time.sleep(0.4)
        provider_env.admin.clock(advance_ms=10 * 3600 * 1000)

    jump = threading.Thread(target=finish_meanwhile)
    jump.start()
    P().delete(created.id, created.outs)
    jump.join()
    assert tasks(provider_env) == []
    requests = provider_env.admin.requests(with_list=True)["requests"]
    stop = [r for r in requests if r["route"] == "/v3/tasks/{task_id}/action"][-1]
    assert stop["status"] == 400
