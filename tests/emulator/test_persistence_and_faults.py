"""State survives a restart (file database); faults and the request log are driven at run time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksms.v3 import SmsClient
from huaweicloudsdksms.v3 import model as sm

from sms_pulumi.emulator.server import EmulatorServer

from .conftest import _http_config, source_id
from .test_sdk_conformance import _task_body, _template_body


def _client(server: EmulatorServer, creds: Any) -> SmsClient:
    basic = BasicCredentials(creds.access_key, creds.secret_key, creds.project_id)
    return (
        SmsClient.new_builder()
        .with_http_config(_http_config())
        .with_credentials(basic)
        .with_endpoints([server.url])
        .build()
    )


def test_restart_loses_nothing(tmp_path: Path, emulator_credentials: Any) -> None:
    db = str(tmp_path / "state.db")
    keys = [(emulator_credentials.access_key, emulator_credentials.secret_key)]
    with EmulatorServer(db_path=db, credentials=keys, clock_speed=1.0) as first:
        sms = _client(first, emulator_credentials)
        tpl = sms.create_template(
            sm.CreateTemplateRequest(body=sm.CreateTemplateReq(template=_template_body("persisted")))
        ).id
        web = source_id(sms, "web-01")
        tid = sms.create_task(sm.CreateTaskRequest(body=_task_body(sms, web, template_id=tpl))).id
        sms.update_task_status(
            sm.UpdateTaskStatusRequest(task_id=tid, body=sm.UpdateTaskStatusReq(operation="start"))
        )
        sms.update_speed(
            sm.UpdateSpeedRequest(
                task_id=tid,
                body=sm.SpeedLimit(speed_limit=[sm.SpeedLimitlJson(start="00:00", end="23:59", speed=42)]),
            )
        )
        before = sms.show_task(sm.ShowTaskRequest(task_id=tid))
        sources_before = sms.list_servers(sm.ListServersRequest()).count
    with EmulatorServer(db_path=db, credentials=keys) as second:
        sms = _client(second, emulator_credentials)
        after = sms.show_task(sm.ShowTaskRequest(task_id=tid))
        assert after.state == "RUNNING" and after.create_date == before.create_date
        assert after.sub_tasks[0].start_date == before.sub_tasks[0].start_date
        assert sms.shows_speed_limits(sm.ShowsSpeedLimitsRequest(task_id=tid)).speed_limit[0].speed == 42
        assert sms.show_template(sm.ShowTemplateRequest(id=tpl)).template.name == "persisted"
        assert sms.list_servers(sm.ListServersRequest()).count == sources_before  # not seeded twice
        assert second.emulator is not None and second.emulator.clock.speed == 1.0  # stored speed kept
        assert sms.show_server(sm.ShowServerRequest(source_id=web)).current_task.id == tid


def test_fault_injection(emulator: EmulatorServer, sms: SmsClient) -> None:
    rule = emulator.admin.add_fault("GET /v3/tasks", error_5xx_rate=1.0, error_status=503, count=2)
    assert emulator.admin.faults()[0]["id"] == rule["id"]
    for _ in range(2):
        with pytest.raises(Exception) as err:
            sms.list_tasks(sm.ListTasksRequest())
        assert getattr(err.value, "status_code", None) == 503
    assert sms.list_tasks(sm.ListTasksRequest()).count == 0  # the rule is used up
    assert emulator.admin.faults() == []

    emulator.admin.add_fault("/v3/sources/{source_id}", throttle_429_rate=1.0, retry_after=7, count=1)
    web = source_id(sms, "web-01")
    response = httpx.get(f"{emulator.url}/v3/sources/{web}")
    assert response.status_code == 429 and response.headers["retry-after"] == "7"

    emulator.admin.add_fault("*", latency_ms=300, count=1)
    began = time.monotonic()
    sms.list_migprojects(sm.ListMigprojectsRequest())
    assert time.monotonic() - began >= 0.3

    emulator.admin.add_fault("GET /v3/config", drop_rate=1.0, count=1)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{emulator.url}/v3/config")

    # drop "after": the create happens, only the response is lost (what idempotent retries must handle)
    emulator.admin.add_fault("POST /v3/vm/templates", drop_rate=1.0, drop_mode="after", count=1)
    with pytest.raises(Exception):  # noqa: B017 - the SDK wraps the transport error in its own type
        sms.create_template(
            sm.CreateTemplateRequest(body=sm.CreateTemplateReq(template=_template_body("lost")))
        )
    assert sms.list_templates(sm.ListTemplatesRequest(name="lost")).count == 1
    emulator.admin.clear_faults()
    assert emulator.admin.faults() == []


def test_request_log_and_objects(emulator: EmulatorServer, sms: SmsClient) -> None:
    emulator.admin.clear_requests()
    web = source_id(sms, "web-01")
    sms.show_server(sm.ShowServerRequest(source_id=web))
    sms.show_server(sm.ShowServerRequest(source_id=web))
    with pytest.raises(ClientRequestException):
        sms.show_task(sm.ShowTaskRequest(task_id="nope"))
    log = emulator.admin.requests(with_list=True)
    assert log["counts"]["GET /v3/sources/{source_id}"] == 2
    assert log["counts"]["GET /v3/tasks/{task_id}"] == 1
    assert log["counts"]["GET /v3/sources"] == 1
    statuses = [(e["route"], e["status"]) for e in log["requests"]]
    assert ("/v3/tasks/{task_id}", 404) in statuses
    objects = emulator.admin.objects()
    assert len(objects["sources"]) == 7 and objects["tasks"] == [] and objects["taskgroups"] == []
    assert [p["name"] for p in objects["migprojects"]] == ["SystemProject"]


def test_clock_admin(emulator: EmulatorServer) -> None:
    before = emulator.admin.clock()["now_ms"]
    after = emulator.admin.clock(advance_ms=3_600_000)
    assert after["now_ms"] - before >= 3_600_000
    assert emulator.admin.clock(speed=5)["speed"] == 5


def test_synthetic_sources(emulator: EmulatorServer, sms: SmsClient) -> None:
    ids = emulator.admin.add_sources(count=25)
    assert len(ids) == 25
    assert sms.list_servers(sm.ListServersRequest(limit=200)).count == 32
    overview = sms.show_overview(sm.ShowOverviewRequest())
    assert overview.unconfigured == 32
