"""Secrets never reach log records, exception texts, reprs or pickles; settings loading."""

from __future__ import annotations

import logging
import pickle
import re
import socket

import pytest

from sms_pulumi.api.auth import AkSkAuth, TokenAuth
from sms_pulumi.api.credentials import Credentials, ProviderSettings, redact
from sms_pulumi.api.errors import ApiError, ConfigurationError, TransportError
from sms_pulumi.api.models.templates import CreateTemplateRequest, TemplateSpec
from sms_pulumi.api.sms import SmsClient
from tests.api.api_testserver import TEST_AK, TEST_SK, TEST_TOKEN, Reply, ScriptedServer, make_settings

PASSWORD = "Target-P@ssw0rd-42!"


def _template() -> CreateTemplateRequest:
    fields = TemplateSpec.model_fields
    data: dict[str, object] = {"name": "tpl-1", "target_password": PASSWORD}
    # Fill the other required fields with plausible values, whatever the model declares.
    defaults = {
        "region": "cn-north-4",
        "projectid": "p1",
        "availability_zone": "cn-north-4a",
        "is_template": True,
    }
    for name, field in fields.items():
        if field.is_required() and name not in data:
            data[name] = defaults.get(name, "x")
    return CreateTemplateRequest(template=TemplateSpec.model_validate(data))


def _assert_clean(text: str) -> None:
    for secret in (TEST_SK, TEST_TOKEN, PASSWORD):
        assert secret not in text
    assert "Signature=" not in text or "Signature=***" in text


def test_secrets_absent_from_logs_and_errors(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sms_pulumi")
    # The server echoes secrets back in its error message (a badly behaved gateway).
    server.route(
        "POST",
        "/v3/vm/templates",
        lambda r: Reply(
            400,
            {
                "error_code": "SMS.9001",
                "error_msg": f"Invalid parameters: target_password={PASSWORD} "
                f'"sk": "{TEST_SK}" X-Security-Token: {TEST_TOKEN} body={r.body.decode()}',
            },
            {"X-Request-Id": "req-1"},
        ),
    )
    server.route("GET", "/v3/tasks/t-1", lambda r: Reply(503, {"error_code": "X", "error_msg": TEST_SK}))
    client = SmsClient(make_settings(server.url, security_token=TEST_TOKEN, max_attempts=2))
    with pytest.raises(ApiError) as create_err:
        client.create_template(_template())
    with pytest.raises(ApiError) as show_err:
        client.show_task("t-1")
    # The request really carried the secrets (so the test is meaningful).
    create_req = server.requests[0]
    assert PASSWORD in create_req.body.decode()
    assert create_req.headers["X-Security-Token"] == TEST_TOKEN

    for err in (create_err.value, show_err.value):
        _assert_clean(str(err))
        _assert_clean(repr(err))
        _assert_clean(str(err.args))
        _assert_clean(str(err.error_msg))
    assert "req-1" in str(create_err.value)
    assert caplog.records, "the HTTP layer logs every call"
    _assert_clean(caplog.text)
    for record in caplog.records:
        _assert_clean(record.getMessage())
    assert any("POST /v3/vm/templates -> 400 (request req-1" in r.getMessage() for r in caplog.records)
    retried = r"retrying SMS GET http://127\.0\.0\.1:\d+/v3/tasks/t-1 after HTTP 503"
    assert any(re.search(retried, r.getMessage()) for r in caplog.records)


def test_transport_error_text_is_clean(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="sms_pulumi")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = SmsClient(make_settings(f"http://127.0.0.1:{port}", security_token=TEST_TOKEN, max_attempts=2))
    with pytest.raises(TransportError) as info:
        client.show_task("t-1")
    _assert_clean(str(info.value))
    _assert_clean(caplog.text)


def test_credentials_repr_and_pickle() -> None:
    creds = Credentials(TEST_AK, TEST_SK, TEST_TOKEN, "p1", "cn-north-4")
    for text in (repr(creds), str(creds), f"{creds}"):
        assert TEST_SK not in text and TEST_TOKEN not in text and TEST_AK not in text
        assert "AKTE****" in text and "project_id='p1'" in text
    with pytest.raises(TypeError, match="must not be pickled"):
        pickle.dumps(creds)
    settings = ProviderSettings(credentials=creds)
    assert TEST_SK not in repr(settings)
    with pytest.raises(TypeError):
        pickle.dumps(settings)
    assert TEST_SK not in repr(AkSkAuth(creds))
    assert "tok-secret-1234" not in repr(TokenAuth("tok-secret-1234"))
    with pytest.raises(ValueError):
        Credentials("", "x")


def test_redact_patterns() -> None:
    text = (
        "Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abcdef0123\n"
        '{"password": "p1", "adminPass": "p2", "src_sk": "p3", "sk": "p4", "name": "keep-me"}\n'
        "x-auth-token=tok1 secret_key='p5' object_key=keep-too"
    )
    out = redact(text)
    for secret in ("abcdef0123", '"p1"', '"p2"', '"p3"', '"p4"', "tok1", "'p5'"):
        assert secret not in out
    assert "keep-me" in out and "object_key=keep-too" in out


def test_credentials_from_env() -> None:
    """The HW_* variables make the credentials (ProviderSettings.load is the one reader of them)."""
    env = {
        "HW_ACCESS_KEY": "AK1",
        "HW_SECRET_KEY": "SK1-secret",
        "HW_SECURITY_TOKEN": "tok-1234",
        "HW_PROJECT_ID": "proj",
        "HW_REGION_NAME": "ap-southeast-1",
    }
    creds = ProviderSettings.load({}, env).credentials
    assert creds is not None
    assert (creds.access_key, creds.secret_key, creds.security_token, creds.project_id, creds.region) == (
        "AK1",
        "SK1-secret",
        "tok-1234",
        "proj",
        "ap-southeast-1",
    )
    with pytest.raises(ConfigurationError, match="HW_SECRET_KEY"):
        ProviderSettings.load({}, {"HW_ACCESS_KEY": "AK1"})


def test_settings_precedence_and_endpoints() -> None:
    env = {
        "HW_ACCESS_KEY": "AK-env",
        "HW_SECRET_KEY": "SK-env-secret",
        "HW_REGION_NAME": "cn-north-1",
        "HW_SMS_ENDPOINT": "http://127.0.0.1:9999/",
        "HW_MAX_RETRIES": "2",
    }
    config = {
        "huaweicloud:region": "ap-southeast-1",
        "huaweicloud:config:projectId": "proj-cfg",
        "huaweicloud:omsEndpoint": "http://localhost:8081",
        "aws:region": "ignored",
        "huaweicloud:waitTimeout": 60.0,
    }
    s = ProviderSettings.load(config, env)
    assert s.region == "ap-southeast-1"
    assert s.credentials is not None and s.credentials.access_key == "AK-env"
    assert s.project_id == "proj-cfg" and s.credentials.project_id == "proj-cfg"
    assert s.sms_base_url == "http://127.0.0.1:9999"
    assert s.oms_base_url == "http://localhost:8081"
    assert s.retry.max_attempts == 3
    assert s.wait_timeout == 60.0
    default = ProviderSettings.load({"huaweicloud:accessKey": "A", "huaweicloud:secretKey": "S-secret"}, {})
    assert default.sms_base_url == "https://sms.cn-north-4.myhuaweicloud.com"
    assert default.oms_base_url == "https://oms.cn-north-4.myhuaweicloud.com"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "no Huawei Cloud credentials"),
        ({"huaweicloud:accessKey": "A"}, "secretKey"),
        (
            {
                "huaweicloud:accessKey": "A",
                "huaweicloud:secretKey": "S",
                "huaweicloud:smsEndpoint": "ftp://x",
            },
            "http",
        ),
        ({"huaweicloud:authToken": "t-12345", "huaweicloud:region": "Not A Region"}, "region"),
        ({"huaweicloud:authToken": "t-12345", "huaweicloud:requestTimeout": "soon"}, "number"),
    ],
)
def test_settings_errors(config: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ProviderSettings.load(config, {})
