"""OmsClient against a real local HTTP server: paths, signing, pagination, not found, secrets."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

import pytest

from sms_pulumi.api.credentials import Credentials, ProviderSettings
from sms_pulumi.api.errors import (
    OMS_TASK_NOT_RUNNING,
    ApiError,
    ConfigurationError,
    NotFoundError,
    is_not_found,
)
from sms_pulumi.api.models.oms import (
    BandwidthPolicySpec,
    CreateTaskGroupRequest,
    RetryTaskGroupRequest,
    StartTaskGroupRequest,
    TaskGroupDstNodeSpec,
    TaskGroupSrcNodeSpec,
    TaskGroupStatus,
    UpdateBandwidthPolicyRequest,
)
from sms_pulumi.api.oms import OmsClient
from tests.api.api_testserver import TEST_PROJECT, TEST_SK, Recorded, Reply, ScriptedServer, make_settings

SRC_SK = "source-bucket-secret-key-123"
DST_SK = "dest-bucket-secret-key-456"
ROOT = f"/v2/{TEST_PROJECT}/taskgroups"


def _create_request() -> CreateTaskGroupRequest:
    return CreateTaskGroupRequest(
        src_node=TaskGroupSrcNodeSpec(
            cloud_type="ALIYUN", region="cn-hangzhou", bucket="src", ak="SRCAK", sk=SRC_SK, object_key=[""]
        ),
        dst_node=TaskGroupDstNodeSpec(ak="DSTAK", sk=DST_SK, region="cn-north-4", bucket="dst"),
        description="wave-1 objects",
        bandwidth_policy=[BandwidthPolicySpec(start="08:00", end="18:00", max_bandwidth=10 * 1048576)],
    )


def test_paths_carry_the_project_and_requests_are_signed(server: ScriptedServer) -> None:
    group = {"group_id": "g-1", "status": 2, "description": "wave-1 objects"}
    server.enqueue(Reply(200, {"group_id": "g-1"}), Reply(200, group), *[Reply(200, {}) for _ in range(5)])
    oms = OmsClient(make_settings(server.url))
    assert oms.create_task_group(_create_request()).group_id == "g-1"
    shown = oms.show_task_group("g-1")
    assert shown.status_enum is TaskGroupStatus(2)
    oms.stop_task_group("g-1")
    oms.start_task_group(
        "g-1", StartTaskGroupRequest(dst_ak="DSTAK", dst_sk=DST_SK, src_ak="SRCAK", src_sk=SRC_SK)
    )
    oms.retry_task_group(
        "g-1", RetryTaskGroupRequest(dst_ak="DSTAK", dst_sk=DST_SK, migrate_failed_object=True)
    )
    oms.update_bandwidth_policy("g-1", UpdateBandwidthPolicyRequest(bandwidth_policy=[]))
    oms.delete_task_group("g-1")
    calls = [(r.method, r.path) for r in server.requests]
    assert calls == [
        ("POST", ROOT),
        ("GET", f"{ROOT}/g-1"),
        ("PUT", f"{ROOT}/g-1/stop"),
        ("PUT", f"{ROOT}/g-1/start"),
        ("PUT", f"{ROOT}/g-1/retry"),
        ("PUT", f"{ROOT}/g-1/update"),
        ("DELETE", f"{ROOT}/g-1"),
    ]
    assert all(r.signature_ok for r in server.requests)
    assert all(r.headers["X-Project-Id"] == TEST_PROJECT for r in server.requests)
    create = server.requests[0].json()
    assert create["src_node"]["sk"] == SRC_SK and create["dst_node"]["bucket"] == "dst"
    assert create["bandwidth_policy"] == [{"start": "08:00", "end": "18:00", "max_bandwidth": 10485760}]
    assert server.requests[5].json() == {"bandwidth_policy": []}
    assert server.requests[2].body == b""


def test_explicit_project_overrides_settings(server: ScriptedServer) -> None:
    server.enqueue(Reply(200, {"count": 0, "taskgroups": []}))
    OmsClient(make_settings(server.url), project_id="other-project").list_task_groups()
    assert server.requests[0].path == "/v2/other-project/taskgroups"
    assert server.requests[0].headers["X-Project-Id"] == "other-project"


def test_project_id_is_required() -> None:
    settings = ProviderSettings(credentials=Credentials("AK", "SK-secret"), oms_endpoint="http://127.0.0.1:1")
    with pytest.raises(ConfigurationError, match="project id"):
        OmsClient(settings)


def test_iter_task_groups_pages(server: ScriptedServer) -> None:
    groups = [{"group_id": f"g-{i}", "status": 6} for i in range(5)]

    def handler(req: Recorded) -> Reply:
        q = dict(parse_qsl(req.query))
        limit, offset = int(q["limit"]), int(q["offset"])
        return Reply(200, {"count": len(groups), "taskgroups": groups[offset : offset + limit]})

    server.route("GET", ROOT, handler)
    got = OmsClient(make_settings(server.url)).iter_task_groups(page_size=2)
    assert [g.group_id for g in got] == [g["group_id"] for g in groups]
    assert len(server.requests) == 3
    found = OmsClient(make_settings(server.url)).find_task_groups(lambda g: g.group_id == "g-3")
    assert [g.group_id for g in found] == ["g-3"]


def test_missing_group_is_not_found(server: ScriptedServer) -> None:
    server.enqueue(
        Reply(404, {"error_code": "OMS.0008", "error_msg": "task group not found"}, {"X-Request-Id": "rq-9"})
    )
    with pytest.raises(NotFoundError) as info:
        OmsClient(make_settings(server.url)).show_task_group("gone")
    assert is_not_found(info.value, "task_group")
    expected = f"OMS.0008 (HTTP 404, request rq-9): task group not found [GET {ROOT}/gone]"
    assert str(info.value) == expected


def test_stop_of_idle_group_code(server: ScriptedServer) -> None:
    server.enqueue(Reply(400, {"error_code": OMS_TASK_NOT_RUNNING, "error_msg": "The task is not running."}))
    with pytest.raises(ApiError) as info:
        OmsClient(make_settings(server.url)).stop_task_group("g-1")
    assert info.value.error_code == OMS_TASK_NOT_RUNNING
    assert len(server.requests) == 1


def test_create_secrets_stay_out_of_logs_and_errors(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sms_pulumi")
    server.route(
        "POST",
        ROOT,
        lambda r: Reply(
            400, {"error_code": "OMS.0064", "error_msg": f"Invalid request parameters: {r.body.decode()}"}
        ),
    )
    with pytest.raises(ApiError) as info:
        OmsClient(make_settings(server.url)).create_task_group(_create_request())
    assert len(server.requests) == 1  # a business error is not retried
    for text in (str(info.value), repr(info.value), caplog.text):
        for secret in (SRC_SK, DST_SK, TEST_SK):
            assert secret not in text
    assert "OMS.0064" in str(info.value)
    assert SRC_SK not in repr(_create_request())
