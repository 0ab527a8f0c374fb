"""The official SDK on a task's special settings (manual 5.10): what the Task provider relies on beyond
test_sdk_conformance.py's set-and-get. POST upserts by key (a later POST leaves the other keys alone),
`""` clears a setting, at most 10 settings go in one POST, the task list carries the settings
(`special_config`: a refresh reads them there), and a missing task is 404 SMS.7703 on both routes."""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksms.v3 import SmsClient
from huaweicloudsdksms.v3 import model as sm

from .conftest import source_id
from .test_sdk_conformance import _task_body


def _upload(sms: SmsClient, task_id: str, **values: str) -> None:
    sms.upload_special_configuration_setting(sm.UploadSpecialConfigurationSettingRequest(
        task_id=task_id, body=sm.ConfigurationRequestBody(configurations=[
            sm.ConfigBody(config_key=k, config_value=v) for k, v in values.items()])))


def _settings(sms: SmsClient, task_id: str) -> dict[str, str]:
    answer = sms.show_config_setting(sm.ShowConfigSettingRequest(task_id=task_id))
    assert answer.task_id == task_id
    return {c.config_key: c.config_value for c in answer.configurations}


def test_settings_are_upserted_cleared_and_listed(sms: SmsClient) -> None:
    web = source_id(sms, "web-01")
    tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web))).id
    _upload(sms, tid, SYNC_EXCLUDE_PATH="/tmp,/var/cache", LINUX_CPU_LIMIT="50", LINUX_IO_LIMIT="100")
    _upload(sms, tid, LINUX_CPU_LIMIT="30", LINUX_IO_LIMIT="")  # one changed, one cleared
    assert _settings(sms, tid) == {"SYNC_EXCLUDE_PATH": "/tmp,/var/cache", "LINUX_CPU_LIMIT": "30",
                                   "LINUX_IO_LIMIT": ""}

    [item] = sms.list_tasks(sm.ListTasksRequest(source_server_id=web)).tasks
    assert {c.config_key: c.config_value for c in item.special_config} == _settings(sms, tid)

    with pytest.raises(ClientRequestException) as err:  # 5.10.1: 0-10 items per POST
        _upload(sms, tid, **{k: "4" for k in ("NUM_PROCESS_MIGRATE", "NUM_PROCESS_SYNC",
                                              "LINUX_BLOCK_COMPRESS_THREAD_NUM")},
                **{k: "/a" for k in ("EXCLUDE_MIGRATE_PATH", "ONLY_SYNC_PATH", "MIGRATE_EXCLUDE_PATH",
                                     "MIGRATE_EXCLUDE_DIR", "SYNC_EXCLUDE_DIR", "ONLY_SYNC_DIR",
                                     "CONSISTENCY_DIR", "CONSISTENCY_DIR_ILLEGAL")})
    assert err.value.status_code == 400 and err.value.error_code == "SMS.6014"  # too long
    assert _settings(sms, tid)["LINUX_CPU_LIMIT"] == "30", "a refused POST stores nothing"


@pytest.mark.parametrize("route", ["upload", "show"])
def test_a_missing_task_is_404(sms: SmsClient, route: str) -> None:
    with pytest.raises(ClientRequestException) as err:
        if route == "upload":
            _upload(sms, "no-such-task", LINUX_CPU_LIMIT="50")
        else:
            _settings(sms, "no-such-task")
    assert err.value.status_code == 404 and err.value.error_code == "SMS.7703"
