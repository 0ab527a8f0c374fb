"""Credentials, provider settings (stack config + environment) and redaction of secrets.

Credentials never enter Pulumi state: the dynamic provider builds them inside the provider process,
from stack config (``configure()``) or the environment. To make a mistake loud, ``Credentials`` and
``ProviderSettings`` refuse to be pickled (pickling is how Pulumi stores a dynamic provider), and their
``repr``/``str`` never show a secret.

Every secret value a ``Credentials`` holds (secret key, security token, IAM token) is registered with
:func:`~sms_pulumi.api.redaction.register_secret`, so that ``redact`` (used by the HTTP logger and by
every ``ApiError`` message) hides it; ``mask``, ``redact`` and ``register_secret`` live in
:mod:`sms_pulumi.api.redaction` and are re-exported here.

Settings precedence: stack config (``huaweicloud:*``) over environment (``HW_*``) over defaults.

================================  =====================  ============================================
stack config                      environment            meaning
================================  =====================  ============================================
``huaweicloud:region``            ``HW_REGION_NAME``     region, e.g. ``cn-north-4`` (the default)
``huaweicloud:accessKey``         ``HW_ACCESS_KEY``      AK
``huaweicloud:secretKey``         ``HW_SECRET_KEY``      SK
``huaweicloud:securityToken``     ``HW_SECURITY_TOKEN``  temporary-credential token (with AK/SK)
``huaweicloud:projectId``         ``HW_PROJECT_ID``      project id (OMS paths, ``X-Project-Id``)
``huaweicloud:authToken``         ``HW_AUTH_TOKEN``      IAM token instead of AK/SK (``X-Auth-Token``)
``huaweicloud:smsEndpoint``       ``HW_SMS_ENDPOINT``    SMS base URL override (the emulator)
``huaweicloud:omsEndpoint``       ``HW_OMS_ENDPOINT``    OMS base URL override (the emulator)
``huaweicloud:requestTimeout``    ``HW_REQUEST_TIMEOUT`` read/write timeout per request, seconds (60)
``huaweicloud:connectTimeout``    ``HW_CONNECT_TIMEOUT`` connect timeout, seconds (10)
``huaweicloud:maxRetries``        ``HW_MAX_RETRIES``     retries after the first attempt (4)
``huaweicloud:retryMaxElapsed``   ``HW_RETRY_MAX_ELAPSED`` total time budget of one call's retries (120)
``huaweicloud:waitTimeout``       ``HW_WAIT_TIMEOUT``    bound of state waits (start, stop, delete) (1800)
``huaweicloud:pollInterval``      ``HW_POLL_INTERVAL``   interval between polls during waits (5)
================================  =====================  ============================================

Keys are accepted with or without the namespace and in the engine's ``huaweicloud:config:key`` form.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn
from urllib.parse import urlsplit

from sms_pulumi.api.errors import ConfigurationError
from sms_pulumi.api.redaction import mask, redact, register_secret
from sms_pulumi.api.retry import RetryPolicy

__all__ = [
    "DEFAULT_REGION",
    "CONFIG_KEYS",
    "CONFIG_NAMESPACE",
    "Credentials",
    "ProviderSettings",
    "Timeouts",
    "mask",
    "redact",
    "register_secret",
]

DEFAULT_REGION = "cn-north-4"
CONFIG_NAMESPACE = "huaweicloud"
#: The stack config keys ``ProviderSettings.load`` reads (under ``huaweicloud:``), as in the table above.
CONFIG_KEYS = (
    "region", "accessKey", "secretKey", "securityToken", "projectId", "authToken", "smsEndpoint",
    "omsEndpoint", "requestTimeout", "connectTimeout", "maxRetries", "retryMaxElapsed", "waitTimeout",
    "pollInterval",
)


def _no_pickle(obj: object) -> NoReturn:
    raise TypeError(
        f"{type(obj).__name__} holds credentials and must not be pickled "
        "(a dynamic provider must read credentials in configure() or from the environment, never store them)"
    )


# --------------------------------------------------------------------------------------- credentials


@dataclass(frozen=True, repr=False)
class Credentials:
    """AK/SK (optionally temporary, with a security token), the project and the region."""

    access_key: str
    secret_key: str
    security_token: str | None = None
    project_id: str | None = None
    region: str = DEFAULT_REGION

    def __post_init__(self) -> None:
        if not self.access_key or not self.secret_key:
            raise ValueError("Credentials need both an access key and a secret key")
        register_secret(self.secret_key)
        register_secret(self.security_token)

    def __repr__(self) -> str:
        token = ", security_token=***" if self.security_token else ""
        return (
            f"Credentials(access_key={mask(self.access_key)!r}, secret_key=***{token}, "
            f"project_id={self.project_id!r}, region={self.region!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        _no_pickle(self)


@dataclass(frozen=True)
class Timeouts:
    """httpx timeouts in seconds (``read`` also bounds each write and the pool wait)."""

    connect: float = 10.0
    read: float = 60.0
    write: float = 60.0
    pool: float = 30.0


def _normalise_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (config or {}).items():
        name = str(key)
        if name.startswith(CONFIG_NAMESPACE + ":config:"):
            name = name[len(CONFIG_NAMESPACE) + len(":config:") :]
        elif name.startswith(CONFIG_NAMESPACE + ":"):
            name = name[len(CONFIG_NAMESPACE) + 1 :]
        elif ":" in name:
            continue  # another provider's key
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[name] = value.strip() if isinstance(value, str) else value
    return out


def _validate_endpoint(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"{name} must be an http(s) URL such as https://host:port, got {value!r}")
    return value


@dataclass(frozen=True, repr=False)
class ProviderSettings:
    """Everything a client needs: region, auth, endpoints, timeouts, retry policy and wait bounds."""

    region: str = DEFAULT_REGION
    credentials: Credentials | None = None
    auth_token: str | None = None
    project_id: str | None = None
    sms_endpoint: str | None = None
    oms_endpoint: str | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    wait_timeout: float = 1800.0
    poll_interval: float = 5.0
    #: Where each setting that was given came from: ``{"smsEndpoint": "HW_SMS_ENDPOINT", ...}``.
    origins: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        register_secret(self.auth_token)
        object.__setattr__(self, "sms_endpoint", _validate_endpoint("sms endpoint", self.sms_endpoint))
        object.__setattr__(self, "oms_endpoint", _validate_endpoint("oms endpoint", self.oms_endpoint))
        if self.project_id is None and self.credentials is not None:
            object.__setattr__(self, "project_id", self.credentials.project_id)

    @property
    def sms_base_url(self) -> str:
        return self.sms_endpoint or f"https://sms.{self.region}.myhuaweicloud.com"

    @property
    def oms_base_url(self) -> str:
        return self.oms_endpoint or f"https://oms.{self.region}.myhuaweicloud.com"

    def base_url(self, service: str) -> str:
        return self.sms_base_url if service.upper() == "SMS" else self.oms_base_url

    def endpoint_origin(self, service: str) -> str:
        """Which setting chose the endpoint of ``service`` (``"SMS"``/``"OMS"``), for error messages."""
        key = f"{service.lower()}Endpoint"
        if key in self.origins:
            return self.origins[key]
        region = self.origins.get("region", "the default region")
        return (f"the default endpoint of region {self.region} ({region}); another one is set with "
                f"{CONFIG_NAMESPACE}:{key} or HW_{service.upper()}_ENDPOINT")

    def __repr__(self) -> str:
        auth = repr(self.credentials) if self.credentials else ("token=***" if self.auth_token else "none")
        return (
            f"ProviderSettings(region={self.region!r}, auth={auth}, project_id={self.project_id!r}, "
            f"sms={self.sms_base_url!r}, oms={self.oms_base_url!r}, timeouts={self.timeouts!r}, "
            f"retry={self.retry!r}, wait_timeout={self.wait_timeout}, poll_interval={self.poll_interval})"
        )

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        _no_pickle(self)

    @classmethod
    def load(
        cls,
        config: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ProviderSettings:
        """Settings from stack config keys (``huaweicloud:*``), then env vars (``HW_*``), then defaults.

        Raises ConfigurationError when no usable authentication is configured, when only one of AK/SK
        is given, or when a value is malformed.
        """
        cfg = _normalise_config(config)
        env = os.environ if env is None else env

        origins: dict[str, str] = {}

        def get(key: str, env_name: str) -> str | None:
            value = cfg.get(key)
            if value is not None:
                origins[key] = f"{CONFIG_NAMESPACE}:{key}"
                return str(value)
            env_value = (env.get(env_name) or "").strip()
            if env_value:
                origins[key] = env_name
            return env_value or None

        def get_float(key: str, env_name: str, default: float, minimum: float = 0.0) -> float:
            raw = get(key, env_name)
            if raw is None:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise ConfigurationError(f"{CONFIG_NAMESPACE}:{key} ({env_name}) must be a number") from None
            if value < minimum:
                raise ConfigurationError(f"{CONFIG_NAMESPACE}:{key} ({env_name}) must be >= {minimum}")
            return value

        region = get("region", "HW_REGION_NAME") or DEFAULT_REGION
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", region):
            raise ConfigurationError(f"invalid region name {region!r} (expected e.g. cn-north-4)")
        ak = get("accessKey", "HW_ACCESS_KEY")
        sk = get("secretKey", "HW_SECRET_KEY")
        token = get("securityToken", "HW_SECURITY_TOKEN")
        project_id = get("projectId", "HW_PROJECT_ID")
        auth_token = get("authToken", "HW_AUTH_TOKEN")
        if bool(ak) != bool(sk):
            given, missing = ("accessKey", "secretKey") if ak else ("secretKey", "accessKey")
            raise ConfigurationError(
                f"{CONFIG_NAMESPACE}:{given} is set but {CONFIG_NAMESPACE}:{missing} is not "
                f"(env HW_{'SECRET' if ak else 'ACCESS'}_KEY)"
            )
        credentials = None
        if ak and sk:
            credentials = Credentials(ak, sk, token, project_id, region)
        if credentials is None and not auth_token:
            raise ConfigurationError(
                "no Huawei Cloud credentials: set huaweicloud:accessKey and huaweicloud:secretKey "
                "(pulumi config set --secret) or HW_ACCESS_KEY and HW_SECRET_KEY"
            )
        read_timeout = get_float("requestTimeout", "HW_REQUEST_TIMEOUT", 60.0, 0.1)
        timeouts = Timeouts(
            connect=get_float("connectTimeout", "HW_CONNECT_TIMEOUT", 10.0, 0.1),
            read=read_timeout,
            write=read_timeout,
        )
        max_retries = int(get_float("maxRetries", "HW_MAX_RETRIES", 4, 0))
        retry = RetryPolicy(
            max_attempts=max_retries + 1,
            max_elapsed=get_float("retryMaxElapsed", "HW_RETRY_MAX_ELAPSED", 120.0, 0.0),
        )
        return cls(
            region=region,
            credentials=credentials,
            auth_token=auth_token,
            project_id=project_id,
            sms_endpoint=get("smsEndpoint", "HW_SMS_ENDPOINT"),
            oms_endpoint=get("omsEndpoint", "HW_OMS_ENDPOINT"),
            timeouts=timeouts,
            retry=retry,
            wait_timeout=get_float("waitTimeout", "HW_WAIT_TIMEOUT", 1800.0, 0.0),
            poll_interval=get_float("pollInterval", "HW_POLL_INTERVAL", 5.0, 0.0),
            origins=origins,
        )


def endpoint_env(
    endpoint: str,
    access_key: str,
    secret_key: str,
    project_id: str,
    *,
    security_token: str | None = None,
    poll_interval: float | None = None,
    wait_timeout: float | None = None,
) -> dict[str, str]:
    """The ``HW_*`` variables that make ``ProviderSettings.load`` talk to one endpoint for both SMS and
    OMS (the emulator): for the environment of a pulumi process or of a client."""
    env = {
        "HW_ACCESS_KEY": access_key,
        "HW_SECRET_KEY": secret_key,
        "HW_PROJECT_ID": project_id,
        "HW_REGION_NAME": DEFAULT_REGION,
        "HW_SMS_ENDPOINT": endpoint,
        "HW_OMS_ENDPOINT": endpoint,
    }
    optional = {"HW_SECURITY_TOKEN": security_token, "HW_POLL_INTERVAL": poll_interval,
                "HW_WAIT_TIMEOUT": wait_timeout}
    env.update({name: str(value) for name, value in optional.items() if value is not None})
    return env
