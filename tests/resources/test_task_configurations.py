"""A task's special settings (`configurations`, manual 5.10) against the emulator: check refuses a bad
key or value naming it, create sets them (ten per request), update changes and clears them in place,
refresh reads them from the task list and shows drift for the keys the user declared, only those.
"""

from __future__ import annotations

from typing import Any

import pytest

from sms_pulumi.api.models.config import ConfigItemSpec, ConfigKey, SetConfigSettingRequest
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
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
    update,
)
from tests.resources.test_task import props

P = TaskProvider
SETTINGS_ROUTE = "POST /v3/tasks/{task_id}/configuration-setting"


def settings_of(sms: SmsClient, task_id: str) -> dict[str, str]:
    """The task's settings as SMS holds them (asked outside Pulumi)."""
    answer = sms.get_config_setting(task_id)
    return {str(c.config_key): str(c.config_value) for c in answer.configurations or []}


def set_outside(sms: SmsClient, task_id: str, **values: str) -> None:
    sms.set_config_setting(task_id, SetConfigSettingRequest(configurations=[
        ConfigItemSpec(config_key=ConfigKey(k), config_value=v) for k, v in values.items()]))


def test_check_names_the_bad_setting_and_calls_nothing(provider_env: EmulatorServer, sms: SmsClient) -> None:
    good = props(sms)
    provider_env.admin.clear_requests()
    bad = {"CPU_LIMIT": "5", "LINUX_CPU_LIMIT": "150", "LINUX_IO_LIMIT": 100,
           "SYNC_EXCLUDE_PATH": ["/tmp", "var"], "MIGRATE_DST_IP": "10.0.0.300",
           "CONSISTENCY_MODE": "x" * 1025, "ONLY_SYNC_PATH": "/data"}
    result = P().check({}, {**engine({**good, "configurations": bad}), PROVIDER_KEY: "p"})
    named = {f.property: f.reason for f in result.failures}
    assert set(named) == {f"configurations.{k}" for k in bad if k != "ONLY_SYNC_PATH"}, named
    # An unknown key names the allowed ones; a bad value says the format SMS expects.
    assert "expected one of" in named["configurations.CPU_LIMIT"]
    assert "LINUX_CPU_LIMIT" in named["configurations.CPU_LIMIT"]
    assert named["configurations.LINUX_CPU_LIMIT"] == (
        "'150' is not an integer from 1 to 100 (expected percent of the source's CPU, 1-100)")
    assert "give a string" in named["configurations.LINUX_IO_LIMIT"], "a number is not turned into text"
    assert "'var' is not an absolute path" in named["configurations.SYNC_EXCLUDE_PATH"]
    assert "1024 characters" in named["configurations.CONSISTENCY_MODE"]
    [whole] = P().check({}, engine({**good, "configurations": ["LINUX_CPU_LIMIT=50"]})).failures
    assert whole.property == "configurations" and "mapping" in whole.reason
    # Good settings pass, in either spelling of a list; values not known yet are checked later.
    for ok in ({"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "50"},
               {"SYNC_EXCLUDE_PATH": "/tmp,/var/cache", "LINUX_CPU_LIMIT": ""},
               {"SYNC_EXCLUDE_PATH": ["/tmp", COMPUTED], "LINUX_CPU_LIMIT": COMPUTED}, COMPUTED):
        assert P().check({}, engine({**good, "configurations": ok})).failures == [], ok
    assert api_requests(provider_env) == {}


def test_diff_changes_in_place_and_a_list_equals_its_joined_form(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    base = props(sms, configurations={"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "50"})
    assert_no_diff(P(), "t", base, base)
    assert_no_diff(P(), "t", base, {**base, "configurations": {"SYNC_EXCLUDE_PATH": "/tmp,/var/cache",
                                                                "LINUX_CPU_LIMIT": "50"}})
    for settings in ({"SYNC_EXCLUDE_PATH": ["/tmp"], "LINUX_CPU_LIMIT": "50"},  # changed
                     {"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"]},  # a key taken out
                     None,  # all taken out
                     {"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": COMPUTED}):
        result = diff(P(), "t", base, {**props(sms), "configurations": settings})
        assert result.changes is True and result.replaces == [], settings
    assert_no_diff(P(), "t", props(sms), props(sms))  # none declared before, none now


def test_create_sets_them_ten_per_request(provider_env: EmulatorServer, sms: SmsClient) -> None:
    settings: dict[str, Any] = {
        "SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "EXCLUDE_MIGRATE_PATH": "/mnt/nfs",
        "ONLY_SYNC_PATH": "/data", "LINUX_CPU_LIMIT": "50", "LINUX_MEM_LIMIT": "2048",
        "LINUX_IO_LIMIT": "100",
        "NUM_PROCESS_MIGRATE": "4", "NUM_PROCESS_SYNC": "4", "LINUX_BLOCK_CACHE_SIZE": "512",
        "LINUX_BLOCK_COMPRESS_THREAD_NUM": "2", "DYNAMIC_PORT": "8899-8900", "CONSISTENCY_RECHECK": "true",
    }
    news = props(sms, configurations=settings)
    created = create(P(), news)
    assert api_requests(provider_env)[SETTINGS_ROUTE] == 2, "12 settings, at most 10 per POST"
    assert settings_of(sms, created.id) == {**settings, "SYNC_EXCLUDE_PATH": "/tmp,/var/cache"}
    assert created.outs["configurations"] == settings, "kept as written"
    _, outs = read(P(), created.id, created.outs)
    assert outs["configurations"] == settings
    assert_no_diff(P(), created.id, outs, news)


def test_no_settings_no_request(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(P(), props(sms))
    assert SETTINGS_ROUTE not in api_requests(provider_env)
    assert created.outs.get("configurations") is None
    _, outs = read(P(), created.id, created.outs)
    assert outs.get("configurations") is None


def test_update_changes_clears_and_leaves_other_keys_alone(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    news = props(sms, configurations={"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "50",
                                      "LINUX_IO_LIMIT": "100"})
    created = create(P(), news)
    set_outside(sms, created.id, ONLY_SYNC_PATH="/srv")  # someone else's, never declared
    provider_env.admin.clear_requests()
    changed = props(sms, configurations={"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"],
                                         "LINUX_CPU_LIMIT": "30"})
    result = diff(P(), created.id, created.outs, changed)
    assert result.changes is True and result.replaces == []
    outs = update(P(), created.id, created.outs, changed)
    calls = api_requests(provider_env)
    assert calls[SETTINGS_ROUTE] == 1 and "PUT /v3/tasks/{task_id}" not in calls, calls
    # The API upserts and has no delete: the key taken out is cleared with "".
    assert settings_of(sms, created.id) == {"SYNC_EXCLUDE_PATH": "/tmp,/var/cache", "LINUX_CPU_LIMIT": "30",
                                            "LINUX_IO_LIMIT": "", "ONLY_SYNC_PATH": "/srv"}
    _, outs = read(P(), created.id, outs)
    assert outs["configurations"] == changed["configurations"]
    assert_no_diff(P(), created.id, outs, changed)
    # All of them taken out: each declared one is cleared, the other one stays.
    update(P(), created.id, outs, props(sms))
    assert settings_of(sms, created.id) == {"SYNC_EXCLUDE_PATH": "", "LINUX_CPU_LIMIT": "",
                                            "LINUX_IO_LIMIT": "", "ONLY_SYNC_PATH": "/srv"}


def test_refresh_shows_drift_of_declared_keys_only(provider_env: EmulatorServer, sms: SmsClient) -> None:
    news = props(sms, configurations={"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "50"})
    created = create(P(), news)
    # SMS records illegal directories by itself; a colleague lowers the CPU limit in the console.
    set_outside(sms, created.id, CONSISTENCY_DIR_ILLEGAL="/proc", LINUX_CPU_LIMIT="20")
    provider_env.admin.clear_requests()
    _, outs = read(P(), created.id, created.outs)
    assert api_requests(provider_env) == {"GET /v3/tasks": 1}, "read from the task list, no GET per task"
    assert outs["configurations"] == {"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "20"}
    result = diff(P(), created.id, outs, news)
    assert result.changes is True and result.replaces == []
    outs = update(P(), created.id, outs, news)
    assert settings_of(sms, created.id)["LINUX_CPU_LIMIT"] == "50"
    assert settings_of(sms, created.id)["CONSISTENCY_DIR_ILLEGAL"] == "/proc", "not ours: left alone"
    # Cleared outside Pulumi: drift too.
    set_outside(sms, created.id, SYNC_EXCLUDE_PATH="")
    _, outs = read(P(), created.id, outs)
    assert outs["configurations"]["SYNC_EXCLUDE_PATH"] == ""
    assert diff(P(), created.id, outs, news).changes is True


@pytest.mark.parametrize("path", ["adopt", "found again"])
def test_a_task_taken_over_gets_the_settings(provider_env: EmulatorServer, sms: SmsClient, path: str) -> None:
    from sms_pulumi.api.models.tasks import CreateTaskRequest
    from sms_pulumi.resources.task import _create_body

    news = props(sms, configurations={"LINUX_CPU_LIMIT": "50"})
    existing = sms.create_task(CreateTaskRequest.model_validate(_create_body(props(sms), fill=True)))
    assert existing.id
    set_outside(sms, existing.id, LINUX_MEM_LIMIT="1024")
    created = create(P(), {**news, "adopt_id": existing.id} if path == "adopt" else news)
    assert created.id == existing.id
    assert settings_of(sms, existing.id) == {"LINUX_CPU_LIMIT": "50", "LINUX_MEM_LIMIT": "1024"}
