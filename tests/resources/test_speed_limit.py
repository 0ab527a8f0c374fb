"""SpeedLimit provider against the emulator: the bandwidth windows of a task."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources.speed_limit import SpeedLimitProvider
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

P = SpeedLimitProvider
OFFICE = [{"start": "8:00", "end": "18:00", "speed": 50, "over_speed_threshold": 20},
          {"start": "18:00", "end": "23:59", "speed": 500}]


@pytest.fixture
def task_id(sms: SmsClient) -> str:
    [source] = sms.find_sources_by_name("web-01")
    task = create(TaskProvider(), {
        "name": "web-01-task", "type": "MIGRATE_BLOCK", "os_type": "LINUX", "source_server_id": source.id,
        "target_server": {"name": "web-01-cloud", "vm_id": str(uuid.uuid4())}})
    return task.id


def rules_in_sms(sms: SmsClient, task_id: str) -> list[dict[str, Any]]:
    return [r.model_dump(exclude_none=True) for r in sms.show_speed_limits(task_id).speed_limit or []]


def test_check_names_each_bad_rule_and_calls_nothing(provider_env: EmulatorServer) -> None:
    def failures(rules: Any, task: Any = "t") -> dict[str, str]:
        news = {"task_id": task, "rules": rules, PROVIDER_KEY: "p"}
        return {f.property: f.reason for f in P().check({}, engine({k: v for k, v in news.items()
                                                                    if v is not None})).failures}

    assert failures(OFFICE) == {}
    assert failures([]) == {}
    bad_times = failures([{"start": "25:00", "end": "26:00", "speed": 5}])
    assert set(bad_times) == {"rules[0].start", "rules[0].end"}
    assert set(failures([{"start": "8:0", "end": "9:00", "speed": 5}])) == {"rules[0].start"}
    assert set(failures([{"start": "08:00", "end": "09:00", "speed": 20000}])) == {"rules[0].speed"}
    assert set(failures([{"start": "08:00", "end": "09:00", "speed": 5, "over_speed_threshold": 5}])) == {
        "rules[0].over_speed_threshold"}
    assert set(failures([{"start": "10:00", "end": "09:00", "speed": 5}])) == {"rules[0]"}
    overlap = failures([{"start": "08:00", "end": "12:00", "speed": 5}, {"start": "11:00", "end": "13:00",
                                                                         "speed": 5}])
    assert set(overlap) == {"rules"} and "overlap" in overlap["rules"]
    assert set(failures([{"start": "08:00", "end": "09:00", "speed": 5, "colour": "red"}])) == {
        "rules[0].colour"}
    assert set(failures(None)) == {"rules"}
    assert set(failures(OFFICE, task=None)) == {"task_id"}
    assert failures(COMPUTED, task=COMPUTED) == {}
    assert api_requests(provider_env) == {}


def test_create_read_and_no_diff_on_spelling(
    provider_env: EmulatorServer, sms: SmsClient, task_id: str
) -> None:
    news = {"task_id": task_id, "rules": OFFICE}
    created = create(P(), news)
    assert created.id == task_id
    assert rules_in_sms(sms, task_id) == OFFICE
    assert created.outs["rules"] == OFFICE
    assert_no_diff(P(), task_id, created.outs, news)
    _, outs = read(P(), task_id, created.outs)
    assert outs["rules"] == OFFICE
    # "8:00" and "08:00" are the same time; the order of the windows does not matter; 50.0 is 50.
    for same in ([{**OFFICE[0], "start": "08:00"}, OFFICE[1]], list(reversed(OFFICE)),
                 [{**OFFICE[0], "over_speed_threshold": 20.0}, OFFICE[1]]):
        assert_no_diff(P(), task_id, outs, {"task_id": task_id, "rules": same})
    # SMS answering "08:00" for a rule written "8:00" is no drift either.
    sms.set_speed_limits(task_id, SetSpeedLimitsRequest.model_validate(
        {"speed_limit": [{**OFFICE[0], "start": "08:00"}, OFFICE[1]]}))
    _, outs = read(P(), task_id, outs)
    assert_no_diff(P(), task_id, outs, news)


def test_update_in_place_and_drift(provider_env: EmulatorServer, sms: SmsClient, task_id: str) -> None:
    created = create(P(), {"task_id": task_id, "rules": OFFICE})
    night = [{"start": "0:00", "end": "6:00", "speed": 1000}]
    result = diff(P(), task_id, created.outs, {"task_id": task_id, "rules": night})
    assert result.changes is True and result.replaces == []
    outs = update(P(), task_id, created.outs, {"task_id": task_id, "rules": night})
    assert rules_in_sms(sms, task_id) == night and outs["rules"] == night
    # Someone lifts the limits in the console: refresh shows it, up puts them back.
    sms.set_speed_limits(task_id, SetSpeedLimitsRequest(speed_limit=[]))
    _, outs = read(P(), task_id, outs)
    assert outs["rules"] == []
    assert diff(P(), task_id, outs, {"task_id": task_id, "rules": night}).changes is True
    update(P(), task_id, outs, {"task_id": task_id, "rules": night})
    assert rules_in_sms(sms, task_id) == night
    # Another task: replaced (the old task's rules are cleared by the delete that comes first).
    result = diff(P(), task_id, outs, {"task_id": "other", "rules": night})
    assert result.replaces == ["task_id"] and result.delete_before_replace is True


def test_delete_clears_the_rules(provider_env: EmulatorServer, sms: SmsClient, task_id: str) -> None:
    created = create(P(), {"task_id": task_id, "rules": OFFICE})
    P().delete(task_id, created.outs)
    assert rules_in_sms(sms, task_id) == []


def test_a_vanished_task_takes_its_rules_with_it(
    provider_env: EmulatorServer, sms: SmsClient, task_id: str
) -> None:
    created = create(P(), {"task_id": task_id, "rules": OFFICE})
    sms.delete_task(task_id)
    wait_for(lambda: provider_env.admin.objects()["tasks"], lambda t: t == [], timeout=30)
    assert read(P(), task_id, created.outs) == (None, {})
    P().delete(task_id, created.outs)  # nothing left to clear
