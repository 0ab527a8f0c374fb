"""Official-SDK clients (huaweicloudsdk* 3.1.219) pointed at the emulator, plus small helpers."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkoms.v2 import OmsClient
from huaweicloudsdksms.v3 import SmsClient

from sms_pulumi.emulator.server import EmulatorServer

T = TypeVar("T")


def _http_config() -> HttpConfig:
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True  # the emulator speaks plain http anyway
    config.retry_times = 0
    return config


C = TypeVar("C", SmsClient, OmsClient)


def _sdk_client(client_class: type[C], emulator: EmulatorServer, emulator_credentials: Any) -> C:
    # The SDK clients (3.1.219) accept only BasicCredentials here; with a project ID they never call IAM.
    creds = BasicCredentials(
        emulator_credentials.access_key, emulator_credentials.secret_key, emulator_credentials.project_id
    )
    client: C = (
        client_class.new_builder()
        .with_http_config(_http_config())
        .with_credentials(creds)
        .with_endpoints([emulator.url])
        .build()
    )
    return client


@pytest.fixture
def sms(emulator: EmulatorServer, emulator_credentials: Any) -> SmsClient:
    return _sdk_client(SmsClient, emulator, emulator_credentials)


@pytest.fixture
def oms(emulator: EmulatorServer, emulator_credentials: Any) -> OmsClient:
    return _sdk_client(OmsClient, emulator, emulator_credentials)


def source_id(sms: SmsClient, name: str) -> str:
    from huaweicloudsdksms.v3.model import ListServersRequest

    servers = sms.list_servers(ListServersRequest(name=name)).source_servers
    assert servers, f"no seeded source named {name}"
    return str(servers[0].id)




def signed_request(
    method: str,
    url: str,
    access_key: str,
    secret_key: str,
    body: bytes = b"",
    *,
    date: str | None = None,
    drop: tuple[str, ...] = (),
    extra: dict[str, str] | None = None,
    signed: tuple[str, ...] | None = None,
) -> tuple[dict[str, str], bytes]:
    """Headers of a request signed with the project's signer (the SDK signs the conformance tests).

    ``signed`` names the headers to sign (lower case; default: every header sent, host included);
    ``extra`` adds headers; ``drop`` removes headers after signing.
    """
    from urllib.parse import urlsplit

    from sms_pulumi.api import signing

    parts = urlsplit(url)
    headers = {
        "Host": parts.netloc,
        "Content-Type": "application/json",
        "X-Sdk-Date": date or signing.sdk_date(),
        **(extra or {}),
    }
    names = sorted(signed) if signed is not None else sorted(h.lower() for h in headers)
    signature = signing.expected_signature(method, parts.path, parts.query, headers, names, body, secret_key)
    headers["Authorization"] = signing.authorization_header(access_key, names, signature)
    for name in drop:
        headers.pop(name, None)
    return headers, body


class SignedHttp:
    """Raw HTTP signed with the project's signer, for what no SDK model can send or read: bodies with
    fields the SDK does not know (the manual's own examples, what other real clients send), and the
    fields of an answer the SDK drops."""

    def __init__(self, emulator: EmulatorServer, credentials: Any) -> None:
        self.url = emulator.url
        self._ak, self._sk = credentials.access_key, credentials.secret_key
        self.project_id: str = credentials.project_id

    def request(self, method: str, path: str, body: Any = None) -> httpx.Response:
        content = b"" if body is None else json.dumps(body).encode()
        headers, _ = signed_request(method, self.url + path, self._ak, self._sk, content)
        return httpx.request(method, self.url + path, headers=headers, content=content)

    def json(self, method: str, path: str, body: Any = None, *, status: int = 200) -> Any:
        response = self.request(method, path, body)
        assert response.status_code == status, response.text
        return response.json()


@pytest.fixture
def raw(emulator: EmulatorServer, emulator_credentials: Any) -> SignedHttp:
    return SignedHttp(emulator, emulator_credentials)


class StoppedClock:
    """The emulator's clock stopped (speed 0): simulated time moves only when a test says so, so a
    duration is checked to the second whatever the machine's speed."""

    def __init__(self, emulator: EmulatorServer) -> None:
        self._admin = emulator.admin
        self._admin.clock(speed=0)

    def advance(self, seconds: float) -> None:
        self._admin.clock(advance_ms=int(seconds * 1000))

    @property
    def now_ms(self) -> int:
        return int(self._admin.clock()["now_ms"])


@pytest.fixture
def clock(emulator: EmulatorServer) -> StoppedClock:
    return StoppedClock(emulator)
