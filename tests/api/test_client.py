"""SmsClient / ApiHttp against a real local HTTP server: signing, retries, errors, pagination."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qsl

import pytest

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.errors import (
    ApiError,
    AuthenticationError,
    NotFoundError,
    ServerError,
    ThrottledError,
    TransportError,
    is_not_found,
)
from sms_pulumi.api.http import shared_client
from sms_pulumi.api.models.common import MigrationType
from sms_pulumi.api.models.migprojects import CreateMigProjectRequest
from sms_pulumi.api.models.tasks import ListTasksQuery, TaskAction, TaskState, UpdateTaskRequest
from sms_pulumi.api.models.templates import ListTemplatesQuery
from sms_pulumi.api.retry import parse_retry_after
from sms_pulumi.api.sms import SmsClient
from tests.api.api_testserver import (
    TEST_PROJECT,
    TEST_TOKEN,
    Handler,
    Recorded,
    Reply,
    ScriptedServer,
    make_settings,
)

TASK = {"id": "t-1", "name": "web-01", "state": "READY"}


def _migproject() -> CreateMigProjectRequest:
    return CreateMigProjectRequest(
        name="wave-1",
        region="cn-north-4",
        use_public_ip=True,
        exist_server=True,
        type=MigrationType.MIGRATE_BLOCK,
        syncing=False,
    )


# ------------------------------------------------------------------------------------ signing


def test_requests_are_signed_and_verifiable(server: ScriptedServer) -> None:
    settings = make_settings(server.url, security_token=TEST_TOKEN)
    server.enqueue(Reply(200, TASK))
    task = SmsClient(settings).show_task("t-1")
    assert task.id == "t-1" and task.state == TaskState.READY
    (req,) = server.requests
    assert req.signature_ok is True
    assert req.path == "/v3/tasks/t-1"
    headers = {k.lower(): v for k, v in req.headers.items()}
    assert headers["x-project-id"] == TEST_PROJECT
    assert headers["x-security-token"] == TEST_TOKEN
    assert headers["content-type"].startswith("application/json")
    signed = headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert {"host", "x-sdk-date", "x-project-id", "x-security-token", "content-type"} <= set(signed)


def test_query_and_body_are_signed(server: ScriptedServer) -> None:
    server.enqueue(Reply(200, {"count": 0, "templates": []}), Reply(200, {"id": "p-1"}))
    client = SmsClient(make_settings(server.url))
    client.list_templates(ListTemplatesQuery(name="web server ü+1", limit=5))
    created = client.create_migproject(_migproject())
    assert created.id == "p-1"
    list_req, create_req = server.requests
    assert list_req.signature_ok and create_req.signature_ok
    assert dict(parse_qsl(list_req.query)) == {"name": "web server ü+1", "limit": "5"}
    assert create_req.json()["name"] == "wave-1"


def test_path_ids_are_one_segment(server: ScriptedServer) -> None:
    server.enqueue(Reply(200, TASK))
    SmsClient(make_settings(server.url)).show_task("a/b c")
    assert server.requests[0].path == "/v3/tasks/a%2Fb%20c"
    assert server.requests[0].signature_ok


def test_token_auth(server: ScriptedServer) -> None:
    settings = ProviderSettings(auth_token="iam-token-123456", sms_endpoint=server.url, project_id="p1")
    server.enqueue(Reply(200, TASK))
    SmsClient(settings).show_task("t-1")
    req = server.requests[0]
    assert req.signature_ok is None
    assert req.headers["X-Auth-Token"] == "iam-token-123456"
    assert req.headers["X-Project-Id"] == "p1"


# ------------------------------------------------------------------------------------ retries


def test_429_retry_after_seconds_is_honoured(server: ScriptedServer) -> None:
    server.enqueue(Reply(429, {"error_code": "APIG.0308", "error_msg": "throttled"}, {"Retry-After": "1"}))
    server.enqueue(Reply(200, TASK))
    started = time.monotonic()
    SmsClient(make_settings(server.url)).show_task("t-1")
    assert time.monotonic() - started >= 0.95
    assert len(server.requests) == 2
    assert all(r.signature_ok for r in server.requests)
    # Each attempt is signed afresh.
    assert server.requests[0].headers["X-Sdk-Date"] <= server.requests[1].headers["X-Sdk-Date"]


def test_503_is_retried_then_succeeds(server: ScriptedServer) -> None:
    server.enqueue(Reply(503, {"error_code": "X", "error_msg": "busy"}), Reply(502, None), Reply(200, TASK))
    assert SmsClient(make_settings(server.url)).show_task("t-1").name == "web-01"
    assert len(server.requests) == 3


def test_dropped_connection_is_retried_for_get(server: ScriptedServer) -> None:
    server.enqueue(Reply(drop=True), Reply(200, TASK))
    assert SmsClient(make_settings(server.url)).show_task("t-1").id == "t-1"
    assert len(server.requests) == 2


def test_dropped_connection_is_not_retried_for_create(server: ScriptedServer) -> None:
    server.enqueue(Reply(drop=True), Reply(200, {"id": "p-dup"}))
    with pytest.raises(TransportError) as info:
        SmsClient(make_settings(server.url)).create_migproject(_migproject())
    assert len(server.requests) == 1
    assert "[POST /v3/migprojects]" in str(info.value)
    assert info.value.retryable


def test_create_is_retried_only_on_safe_statuses(server: ScriptedServer) -> None:
    client = SmsClient(make_settings(server.url))
    server.enqueue(Reply(503, None), Reply(429, None, {"Retry-After": "0"}), Reply(200, {"id": "p-1"}))
    assert client.create_migproject(_migproject()).id == "p-1"
    assert len(server.requests) == 3
    server.requests.clear()
    server.enqueue(
        Reply(500, {"error_code": "SMS.6000", "error_msg": "Service error."}), Reply(200, {"id": "x"})
    )
    with pytest.raises(ServerError):
        client.create_migproject(_migproject())
    assert len(server.requests) == 1


def test_business_400_is_not_retried(server: ScriptedServer) -> None:
    server.enqueue(Reply(400, {"error_code": "SMS.7713", "error_msg": "Only tasks ... can be started."}))
    server.enqueue(Reply(200, {}))
    with pytest.raises(ApiError) as info:
        SmsClient(make_settings(server.url)).task_action("t-1", TaskAction.START)
    assert type(info.value) is ApiError
    assert info.value.error_code == "SMS.7713"
    assert len(server.requests) == 1
    assert server.requests[0].json() == {"operation": "start"}


def test_attempts_are_bounded(server: ScriptedServer) -> None:
    server.route("GET", "/v3/tasks/t-1", lambda r: Reply(503, {"error_code": "X", "error_msg": "down"}))
    with pytest.raises(ServerError) as info:
        SmsClient(make_settings(server.url, max_attempts=3)).show_task("t-1")
    assert len(server.requests) == 3
    assert info.value.status == 503


def test_total_time_is_bounded(server: ScriptedServer) -> None:
    server.route("GET", "/v3/tasks/t-1", lambda r: Reply(429, None, {"Retry-After": "5"}))
    started = time.monotonic()
    with pytest.raises(ThrottledError):
        SmsClient(make_settings(server.url, max_attempts=10, max_elapsed=2.0)).show_task("t-1")
    assert time.monotonic() - started < 2.0  # never sleeps past the budget
    assert len(server.requests) == 1


def test_connection_refused_becomes_transport_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = make_settings(f"http://127.0.0.1:{port}", max_attempts=2)
    with pytest.raises(TransportError) as info:
        SmsClient(settings).show_task("t-1")
    assert "ConnectError after 2 attempt(s)" in str(info.value)
    assert str(info.value).endswith("[GET /v3/tasks/t-1]")


def test_retry_after_http_date() -> None:
    now = datetime(2024, 4, 16, 9, 0, 0, tzinfo=UTC)
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after("2.5") == 2.5
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# ------------------------------------------------------------------------------------- errors


def test_not_found_task_error_reads_well(server: ScriptedServer) -> None:
    server.enqueue(
        Reply(
            400, {"error_code": "SMS.7703", "error_msg": "Task does not exist."}, {"X-Request-Id": "7c1e0d5a"}
        )
    )
    with pytest.raises(NotFoundError) as info:
        SmsClient(make_settings(server.url)).show_task("x")
    err = info.value
    assert str(err) == "SMS.7703 (HTTP 400, request 7c1e0d5a): Task does not exist. [GET /v3/tasks/x]"
    assert (err.status, err.error_code, err.request_id, err.method, err.path) == (
        400,
        "SMS.7703",
        "7c1e0d5a",
        "GET",
        "/v3/tasks/x",
    )
    assert err.kind == "task" and is_not_found(err, "task") and not is_not_found(err, "template")


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "SMS.7101", "template"),
        (400, "SMS.7301", "migproject"),
        (400, "SMS.7602", "source"),
        (404, None, None),
        (404, "OMS.0000", None),
    ],
)
def test_not_found_recognition(
    server: ScriptedServer, status: int, code: str | None, kind: str | None
) -> None:
    body = {"error_code": code, "error_msg": "gone"} if code else None
    server.enqueue(Reply(status, body))
    with pytest.raises(NotFoundError) as info:
        SmsClient(make_settings(server.url)).show_template("tpl")
    assert info.value.kind == kind
    assert is_not_found(info.value, kind or "template")


def test_referenced_object_missing_is_not_the_task_missing(server: ScriptedServer) -> None:
    server.enqueue(
        Reply(400, {"error_code": "SMS.7602", "error_msg": "The specified source server does not exist."})
    )
    with pytest.raises(NotFoundError) as info:
        SmsClient(make_settings(server.url)).update_task("t-1", _update())
    assert not is_not_found(info.value, "task")
    assert is_not_found(info.value, "source")


def _update() -> UpdateTaskRequest:
    return UpdateTaskRequest(name="renamed")


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (403, "SMS.9004", AuthenticationError),
        (400, "SMS.6521", AuthenticationError),
        (401, "APIG.0301", AuthenticationError),
        (400, "SMS.9001", ApiError),
        (500, "SMS.6000", ServerError),
        (429, "APIG.0308", ThrottledError),
    ],
)
def test_error_classes(server: ScriptedServer, status: int, code: str, cls: type[ApiError]) -> None:
    server.route("GET", "/v3/config", lambda r: Reply(status, {"error_code": code, "error_msg": "m"}))
    with pytest.raises(cls) as info:
        SmsClient(make_settings(server.url, max_attempts=2)).show_agent_config()
    assert type(info.value) is cls
    assert info.value.error_code == code


def test_non_json_error_body(server: ScriptedServer) -> None:
    server.enqueue(Reply(400, b"<html>Bad gateway config</html>"))
    with pytest.raises(ApiError) as info:
        SmsClient(make_settings(server.url)).show_agent_config()
    assert "Bad gateway config" in str(info.value)


def test_malformed_success_body_names_fields(server: ScriptedServer) -> None:
    server.enqueue(Reply(200, {"count": "many", "tasks": []}))
    with pytest.raises(ApiError) as info:
        SmsClient(make_settings(server.url)).list_tasks()
    assert "count" in str(info.value) and "ListTasksResponse" in str(info.value)


def test_api_error_pickles() -> None:
    import pickle

    err = NotFoundError(
        status=400,
        error_code="SMS.7703",
        error_msg="Task does not exist.",
        request_id="r",
        method="GET",
        path="/v3/tasks/x",
    )
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) and copy.kind == "task"


# ---------------------------------------------------------------------------------- pagination


def _paged_tasks(total: int) -> tuple[list[dict[str, str]], Handler]:
    tasks = [{"id": f"t-{i}", "name": f"task-{i}", "state": "READY"} for i in range(total)]

    def handler(req: Recorded) -> Reply:
        params = dict(parse_qsl(req.query))
        limit, offset = int(params["limit"]), int(params.get("offset", 0))
        return Reply(200, {"count": total, "tasks": tasks[offset : offset + limit]})

    return tasks, handler


def test_iter_tasks_walks_every_page(server: ScriptedServer) -> None:
    tasks, handler = _paged_tasks(7)
    server.route("GET", "/v3/tasks", handler)
    got = list(SmsClient(make_settings(server.url)).iter_tasks(page_size=3))
    assert [t.id for t in got] == [t["id"] for t in tasks]
    offsets = [dict(parse_qsl(r.query))["offset"] for r in server.requests]
    assert offsets == ["0", "3", "6"]
    assert all(dict(parse_qsl(r.query))["limit"] == "3" for r in server.requests)


def test_iter_tasks_keeps_filters_and_stops_on_exact_multiple(server: ScriptedServer) -> None:
    _, handler = _paged_tasks(6)
    server.route("GET", "/v3/tasks", handler)
    got = list(
        SmsClient(make_settings(server.url)).iter_tasks(ListTasksQuery(state=TaskState.READY), page_size=3)
    )
    assert len(got) == 6
    assert len(server.requests) == 2
    assert all(dict(parse_qsl(r.query))["state"] == "READY" for r in server.requests)


def test_iteration_stops_on_a_server_that_lies_about_count(server: ScriptedServer) -> None:
    server.route("GET", "/v3/tasks", lambda r: Reply(200, {"count": 1000, "tasks": [TASK]}))
    got = list(SmsClient(make_settings(server.url)).iter_tasks(page_size=200))
    # count 1000 / 200 per page -> at most 6 pages, however many items each page holds.
    assert len(server.requests) == 6 and len(got) == 6


def test_empty_listing(server: ScriptedServer) -> None:
    server.route("GET", "/v3/tasks", lambda r: Reply(200, {"count": 0, "tasks": []}))
    assert list(SmsClient(make_settings(server.url)).iter_tasks()) == []
    assert len(server.requests) == 1


# ------------------------------------------------------------------------------------- threads


def test_one_shared_client_and_concurrent_calls(server: ScriptedServer) -> None:
    server.route("GET", "/v3/tasks/t-1", lambda r: Reply(200, TASK))
    settings = make_settings(server.url)
    clients = [SmsClient(settings) for _ in range(4)]
    assert len({id(c.http.client) for c in clients}) == 1
    assert clients[0].http.client is shared_client(settings.sms_base_url, settings.timeouts)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            for _ in range(10):
                assert clients[i % 4].show_task("t-1").id == "t-1"
        except BaseException as exc:  # pragma: no cover - reported below
            with lock:
                errors.append(exc)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(8)))
    assert not errors
    assert len(server.requests) == 80
    assert all(r.signature_ok for r in server.requests)
