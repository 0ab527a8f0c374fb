"""What a user sees when the endpoint is wrong, hangs or drops idle connections (issue 12).

* A connection error names the endpoint's URL and the setting that chose it.
* A request that hangs fails within the configured budget (`requestTimeout`, `retryMaxElapsed`), and
  each retry is logged as it happens, with its reason and the endpoint.
* A healthy server that closes idle keep-alive connections (uvicorn after 5 s) causes no retry and
  no warning: the pool drops idle connections before the server does.
"""

from __future__ import annotations

import logging
import socket
import time

import pytest

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.errors import TransportError
from sms_pulumi.api.http import KEEPALIVE_EXPIRY
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from tests.conftest import EmulatorCredentials


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


KEYS = {"HW_ACCESS_KEY": "AK" + "0" * 18, "HW_SECRET_KEY": "not-a-secret-key", "HW_MAX_RETRIES": "1",
        "HW_RETRY_MAX_ELAPSED": "2"}


@pytest.mark.parametrize(("where", "origin"), [
    ("env", "set by HW_SMS_ENDPOINT"), ("config", "set by huaweicloud:smsEndpoint"),
])
def test_a_connection_error_names_the_endpoint_and_its_setting(where: str, origin: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    if where == "env":
        settings = ProviderSettings.load(env={**KEYS, "HW_SMS_ENDPOINT": url})
    else:
        settings = ProviderSettings.load(config={"huaweicloud:smsEndpoint": url}, env=KEYS)
    with pytest.raises(TransportError) as info:
        SmsClient(settings).show_task("t-1")
    message = str(info.value)
    assert f"could not reach SMS at {url} ({origin}): ConnectError after 2 attempt(s)" in message
    assert message.endswith("[GET /v3/tasks/t-1]")


def test_the_default_endpoint_says_how_to_choose_another() -> None:
    settings = ProviderSettings.load(env={**KEYS, "HW_REGION_NAME": "cn-south-1"})
    assert settings.endpoint_origin("SMS") == (
        "the default endpoint of region cn-south-1 (HW_REGION_NAME); another one is set with "
        "huaweicloud:smsEndpoint or HW_SMS_ENDPOINT")


def test_a_hung_endpoint_fails_within_the_budget_and_says_so_as_it_retries(
    emulator: EmulatorServer, emulator_credentials: EmulatorCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.admin.add_fault("GET /v3/tasks/*", latency_ms=20_000)
    env = {**emulator_credentials.env(emulator.url), "HW_REQUEST_TIMEOUT": "1", "HW_MAX_RETRIES": "4",
           "HW_RETRY_MAX_ELAPSED": "3"}
    client = SmsClient(ProviderSettings.load(env=env))
    caplog.set_level(logging.INFO)
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        client.show_task("t-1")
    took = time.monotonic() - started
    assert took < 4.5, f"a 3 s budget took {took:.1f}s"
    assert "ReadTimeout" in str(info.value) and emulator.url in str(info.value)
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert retries and all(f"SMS GET {emulator.url}/v3/tasks/t-1 after ReadTimeout" in m for m in retries)


def test_a_healthy_server_closing_idle_connections_causes_no_retry(
    emulator: EmulatorServer, emulator_credentials: EmulatorCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    client = SmsClient(ProviderSettings.load(env=emulator_credentials.env(emulator.url)))
    caplog.set_level(logging.DEBUG)
    for pause in (0.0, 5.5, 0.1):  # uvicorn drops a connection idle for 5 s
        time.sleep(pause)
        assert client.list_tasks().count is not None
    assert KEEPALIVE_EXPIRY < 5
    noise = [r.getMessage() for r in caplog.records
             if r.levelno >= logging.INFO and r.name.startswith("sms_pulumi")]
    assert noise == []
    assert not [r for r in caplog.records if "again after" in r.getMessage()], "not even a quiet resend"
