"""Authentication: AK/SK signatures (the SDK's and ours), tokens, and every rejection case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from sms_pulumi.api import signing
from sms_pulumi.emulator.server import EmulatorServer

from .conftest import signed_request


def _get(emulator: EmulatorServer, headers: dict[str, str], path: str = "/v3/tasks") -> httpx.Response:
    return httpx.get(emulator.url + path, headers=headers)


def test_signed_request_is_accepted(emulator: EmulatorServer, emulator_credentials: Any) -> None:
    headers, _ = signed_request(
        "GET",
        emulator.url + "/v3/sources?limit=2&offset=0",
        emulator_credentials.access_key,
        emulator_credentials.secret_key,
    )
    response = httpx.get(emulator.url + "/v3/sources?limit=2&offset=0", headers=headers)
    assert response.status_code == 200 and len(response.json()["source_servers"]) == 2
    assert response.headers["x-request-id"]


def test_signed_body_is_checked(emulator: EmulatorServer, emulator_credentials: Any) -> None:
    body = (
        b'{"name": "wave-x", "region": "r", "use_public_ip": true, "exist_server": true, '
        b'"type": "MIGRATE_BLOCK", "syncing": false}'
    )
    headers, _ = signed_request(
        "POST",
        emulator.url + "/v3/migprojects",
        emulator_credentials.access_key,
        emulator_credentials.secret_key,
        body,
    )
    tampered = body.replace(b"wave-x", b"wave-y")
    rejected = httpx.post(emulator.url + "/v3/migprojects", headers=headers, content=tampered)
    assert rejected.status_code == 403 and rejected.json()["error_code"] == "SMS.0202"
    accepted = httpx.post(emulator.url + "/v3/migprojects", headers=headers, content=body)
    assert accepted.status_code == 200 and accepted.json()["id"]


def test_token_is_accepted(emulator: EmulatorServer, emulator_credentials: Any) -> None:
    assert _get(emulator, {"X-Auth-Token": emulator_credentials.token}).status_code == 200


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("nothing", "SMS.6522"),
        ("bad-token", "SMS.6521"),
        ("unknown-ak", "SMS.0202"),
        ("wrong-sk", "SMS.0202"),
        ("no-date", "SMS.0202"),
        ("old-date", "SMS.0205"),
        ("future-date", "SMS.0205"),
        ("garbage", "SMS.0202"),
    ],
)
def test_rejections(emulator: EmulatorServer, emulator_credentials: Any, case: str, code: str) -> None:
    ak, sk = emulator_credentials.access_key, emulator_credentials.secret_key
    url = emulator.url + "/v3/tasks"
    headers: dict[str, str]
    if case == "nothing":
        headers = {}
    elif case == "bad-token":
        headers = {"X-Auth-Token": "MIInot-a-token"}
    elif case == "unknown-ak":
        headers, _ = signed_request("GET", url, "AKUNKNOWN", sk)
    elif case == "wrong-sk":
        headers, _ = signed_request("GET", url, ak, sk + "x")
    elif case == "no-date":
        headers, _ = signed_request("GET", url, ak, sk, drop=("X-Sdk-Date",))
    elif case in ("old-date", "future-date"):
        skew = timedelta(minutes=16) * (-1 if case == "old-date" else 1)
        headers, _ = signed_request("GET", url, ak, sk, date=signing.sdk_date(datetime.now(UTC) + skew))
    else:
        headers = {"Authorization": "SDK-HMAC-SHA256 nonsense"}
    response = _get(emulator, headers)
    assert response.status_code == 403
    body = response.json()
    assert body["error_code"] == code and body["details"][0]["error_code"] == code
    assert sk not in response.text and emulator_credentials.token not in response.text


def test_date_within_fifteen_minutes_is_accepted(emulator: EmulatorServer, emulator_credentials: Any) -> None:
    date = signing.sdk_date(datetime.now(UTC) - timedelta(minutes=14))
    headers, _ = signed_request(
        "GET",
        emulator.url + "/v3/tasks",
        emulator_credentials.access_key,
        emulator_credentials.secret_key,
        date=date,
    )
    assert _get(emulator, headers).status_code == 200


def test_admin_api_needs_no_signature_and_log_holds_no_secret(
    emulator: EmulatorServer, emulator_credentials: Any
) -> None:
    _get(emulator, {"X-Auth-Token": emulator_credentials.token})
    headers, _ = signed_request(
        "GET", emulator.url + "/v3/tasks", emulator_credentials.access_key, emulator_credentials.secret_key
    )
    _get(emulator, headers)
    log = httpx.get(emulator.url + "/_emulator/requests", params={"list": "true"})
    assert log.status_code == 200
    text = log.text
    for secret in (emulator_credentials.secret_key, emulator_credentials.token, headers["Authorization"]):
        assert secret not in text
    assert {e["auth"] for e in log.json()["requests"]} >= {"token", "aksk"}


def test_server_refuses_to_start_without_credentials() -> None:
    with pytest.raises(ValueError):
        EmulatorServer()
    with pytest.raises(ValueError):
        EmulatorServer(host="0.0.0.0", auth=False)


def test_auth_can_be_switched_off_explicitly() -> None:
    with EmulatorServer(auth=False, seed="empty") as server:
        assert httpx.get(server.url + "/v3/tasks").status_code == 200
