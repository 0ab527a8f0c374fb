"""Every SmsClient method sends the documented method + path (+ body) and parses the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sms_pulumi.api.errors import ApiError
from sms_pulumi.api.models.common import MigrationType
from sms_pulumi.api.models.config import ConfigItemSpec, ConfigSettingQuery, SetConfigSettingRequest
from sms_pulumi.api.models.migprojects import UpdateMigProjectRequest
from sms_pulumi.api.models.sources import (
    ListErrorsQuery,
    RegisterSourceServerRequest,
    UpdateSourceServerRequest,
)
from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest, SpeedLimitRuleSpec
from sms_pulumi.api.models.tasks import (
    ConsistencyExportItem,
    ConsistencyResultSpec,
    ExportConsistencyResultsRequest,
    TaskAction,
    TaskActionRequest,
    UploadConsistencyResultRequest,
    UploadLogRequest,
)
from sms_pulumi.api.models.templates import UpdateTemplateRequest
from sms_pulumi.api.sms import SmsClient
from tests.api.api_testserver import Reply, ScriptedServer, make_settings

Call = Callable[[SmsClient], Any]

_MIGPROJECT = UpdateMigProjectRequest(
    name="wave-1",
    region="cn-north-4",
    use_public_ip=True,
    exist_server=True,
    type=MigrationType.MIGRATE_FILE,
    syncing=False,
)

CASES: list[tuple[str, Call, dict[str, Any], str, str, Any]] = [
    # name, call, reply body, method, path, expected request body (None: empty)
    (
        "register_source",
        lambda c: c.register_source(RegisterSourceServerRequest()),
        {"id": "s1"},
        "POST",
        "/v3/sources",
        {},
    ),
    (
        "list_sources",
        lambda c: c.list_sources(),
        {"count": 0, "source_servers": []},
        "GET",
        "/v3/sources",
        None,
    ),
    ("show_source", lambda c: c.show_source("s1"), {"id": "s1"}, "GET", "/v3/sources/s1", None),
    ("source_overview", lambda c: c.source_overview(), {"waiting": 1}, "GET", "/v3/sources/overview", None),
    (
        "update_source",
        lambda c: c.update_source("s1", UpdateSourceServerRequest()),
        {},
        "PUT",
        "/v3/sources/s1",
        {},
    ),
    ("delete_source", lambda c: c.delete_source("s1"), {}, "DELETE", "/v3/sources/s1", None),
    (
        "delete_sources",
        lambda c: c.delete_sources(["s1", "s2"]),
        {},
        "POST",
        "/v3/sources/delete",
        {"ids": ["s1", "s2"]},
    ),
    (
        "list_templates",
        lambda c: c.list_templates(),
        {"count": 0, "templates": []},
        "GET",
        "/v3/vm/templates",
        None,
    ),
    (
        "show_template",
        lambda c: c.show_template("t1"),
        {"template": {"id": "t1", "name": "n"}},
        "GET",
        "/v3/vm/templates/t1",
        None,
    ),
    (
        "update_template",
        lambda c: c.update_template("t1", UpdateTemplateRequest()),
        {},
        "PUT",
        "/v3/vm/templates/t1",
        {},
    ),
    ("delete_template", lambda c: c.delete_template("t1"), {}, "DELETE", "/v3/vm/templates/t1", None),
    (
        "delete_templates",
        lambda c: c.delete_templates(["t1"]),
        {},
        "POST",
        "/v3/vm/templates/delete",
        {"ids": ["t1"]},
    ),
    (
        "show_target_password",
        lambda c: c.show_target_password("t1"),
        {"template_id": "t1", "target_password": "p"},
        "GET",
        "/v3/vm/templates/t1/target-password",
        None,
    ),
    (
        "list_migprojects",
        lambda c: c.list_migprojects(),
        {"count": 0, "migprojects": []},
        "GET",
        "/v3/migprojects",
        None,
    ),
    ("show_migproject", lambda c: c.show_migproject("m1"), {"id": "m1"}, "GET", "/v3/migprojects/m1", None),
    (
        "update_migproject",
        lambda c: c.update_migproject("m1", _MIGPROJECT),
        {},
        "PUT",
        "/v3/migprojects/m1",
        _MIGPROJECT.to_wire(),
    ),
    ("delete_migproject", lambda c: c.delete_migproject("m1"), {}, "DELETE", "/v3/migprojects/m1", None),
    (
        "set_default_migproject",
        lambda c: c.set_default_migproject("m1"),
        {},
        "PUT",
        "/v3/migprojects/m1/default",
        None,
    ),
    ("list_tasks", lambda c: c.list_tasks(), {"count": 0, "tasks": []}, "GET", "/v3/tasks", None),
    ("delete_task", lambda c: c.delete_task("k1"), {}, "DELETE", "/v3/tasks/k1", None),
    ("delete_tasks", lambda c: c.delete_tasks(["k1"]), {}, "POST", "/v3/tasks/delete", {"ids": ["k1"]}),
    (
        "task_action",
        lambda c: c.task_action("k1", TaskActionRequest(operation=TaskAction.STOP)),
        {},
        "POST",
        "/v3/tasks/k1/action",
        {"operation": "stop"},
    ),
    (
        "show_passphrase",
        lambda c: c.show_passphrase("k1"),
        {"task_id": "k1", "passphrase": "x"},
        "GET",
        "/v3/tasks/k1/passphrase",
        None,
    ),
    (
        "show_speed_limits",
        lambda c: c.show_speed_limits("k1"),
        {"speed_limit": [{"start": "08:00", "end": "18:00", "speed": 100}]},
        "GET",
        "/v3/tasks/k1/speed-limit",
        None,
    ),
    (
        "set_speed_limits",
        lambda c: c.set_speed_limits(
            "k1",
            SetSpeedLimitsRequest(speed_limit=[SpeedLimitRuleSpec(start="08:00", end="18:00", speed=100)]),
        ),
        {},
        "POST",
        "/v3/tasks/k1/speed-limit",
        {"speed_limit": [{"start": "08:00", "end": "18:00", "speed": 100}]},
    ),
    (
        "clear_speed_limits",
        lambda c: c.set_speed_limits("k1", SetSpeedLimitsRequest(speed_limit=[])),
        {},
        "POST",
        "/v3/tasks/k1/speed-limit",
        {"speed_limit": []},
    ),
    (
        "get_config_setting",
        lambda c: c.get_config_setting("k1", ConfigSettingQuery(config_key="LINUX_CPU_LIMIT")),
        {"task_id": "k1", "configurations": []},
        "GET",
        "/v3/tasks/k1/configuration-setting",
        None,
    ),
    (
        "set_config_setting",
        lambda c: c.set_config_setting(
            "k1",
            SetConfigSettingRequest(
                configurations=[ConfigItemSpec(config_key="LINUX_CPU_LIMIT", config_value="50")]
            ),
        ),
        {},
        "POST",
        "/v3/tasks/k1/configuration-setting",
        {"configurations": [{"config_key": "LINUX_CPU_LIMIT", "config_value": "50"}]},
    ),
    (
        "list_errors",
        lambda c: c.list_errors(ListErrorsQuery(limit=10, offset=0)),
        {"count": 1, "migration_errors": [{"source_id": "s1", "error_json": "{}"}]},
        "GET",
        "/v3/errors",
        None,
    ),
    (
        "upload_task_log",
        lambda c: c.upload_task_log("k1", UploadLogRequest(log_bucket="logs")),
        {},
        "POST",
        "/v3/tasks/k1/log",
        {"log_bucket": "logs"},
    ),
    (
        "show_consistency_result",
        lambda c: c.show_consistency_result("k1"),
        {"task_id": "k1", "result_list": [{"finished_time": 1, "check_result": "success"}]},
        "GET",
        "/v3/tasks/k1/consistency-result",
        None,
    ),
    (
        "upload_consistency_result",
        lambda c: c.upload_consistency_result("k1", UploadConsistencyResultRequest(consistency_result=[
            ConsistencyResultSpec(dir_check="/", num_total_files=1, num_different_files=0,
                                  num_target_miss_files=0, num_target_more_files=0)])),
        {},
        "POST",
        "/v3/tasks/k1/consistency-result",
        {"consistency_result": [{"dir_check": "/", "num_total_files": 1, "num_different_files": 0,
                                 "num_target_miss_files": 0, "num_target_more_files": 0}]},
    ),
    (
        "export_consistency_results",
        lambda c: c.export_consistency_results(ExportConsistencyResultsRequest(task_info=[
            ConsistencyExportItem(task_id="k1", source_id="s1", source_name="web")])),
        {},
        "POST",
        "/v3/tasks/consistency-results/export",
        {"task_info": [{"task_id": "k1", "source_id": "s1", "source_name": "web"}]},
    ),
    (
        "show_agent_config",
        lambda c: c.show_agent_config(),
        {"config": {"mainRegion": "cn-north-4"}},
        "GET",
        "/v3/config",
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "call", "reply", "method", "path", "body"), CASES, ids=[c[0] for c in CASES]
)
def test_endpoint(
    server: ScriptedServer, name: str, call: Call, reply: dict[str, Any], method: str, path: str, body: Any
) -> None:
    server.enqueue(Reply(200, reply))
    result = call(SmsClient(make_settings(server.url)))
    (req,) = server.requests
    assert (req.method, req.path) == (method, path)
    assert req.signature_ok
    assert req.json() == body
    if name == "get_config_setting":
        assert req.query == "config_key=LINUX_CPU_LIMIT"
    if name == "show_template":
        assert result.id == "t1"
    if name == "list_errors":
        assert req.query == "limit=10&offset=0" and result.migration_errors[0].source_id == "s1"
    if name == "show_consistency_result":
        assert result.result_list[0].check_result == "success"


def test_no_speed_limit_code_reads_as_empty(server: ScriptedServer) -> None:
    server.enqueue(Reply(400, {"error_code": "SMS.6302", "error_msg": "No migration speed limit found."}))
    assert SmsClient(make_settings(server.url)).show_speed_limits("k1").speed_limit == []
    server.enqueue(Reply(400, {"error_code": "SMS.6405", "error_msg": "Invalid time format."}))
    with pytest.raises(ApiError):
        SmsClient(make_settings(server.url)).show_speed_limits("k1")


def test_find_by_name_is_exact(server: ScriptedServer) -> None:
    server.enqueue(
        Reply(200, {"count": 2, "tasks": [{"id": "1", "name": "web"}, {"id": "2", "name": "web-01"}]}),
        Reply(
            200, {"count": 2, "migprojects": [{"id": "m1", "name": "wave"}, {"id": "m2", "name": "wave-2"}]}
        ),
    )
    client = SmsClient(make_settings(server.url))
    assert [t.id for t in client.find_tasks_by_name("web")] == ["1"]
    assert [p.id for p in client.find_migprojects_by_name("wave-2")] == ["m2"]
    assert ("name", "web") in server.requests[0].params
