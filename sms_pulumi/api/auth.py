"""httpx authentication flows: AK/SK signing (SDK-HMAC-SHA256) and IAM token.

``AkSkAuth`` runs on every attempt (httpx calls the auth flow per ``send``), so a retried request gets
a fresh ``X-Sdk-Date`` and signature. Signed headers: ``host``, ``x-sdk-date`` and, when present,
``content-type``, ``x-project-id`` and ``x-security-token`` — the same set the official SDK signs minus
``user-agent`` (which proxies may rewrite).
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime

import httpx

from sms_pulumi.api import signing
from sms_pulumi.api.credentials import Credentials
from sms_pulumi.api.redaction import register_secret

__all__ = ["AkSkAuth", "TokenAuth", "sign_request"]

_OPTIONAL_SIGNED = ("content-type", "x-project-id", "x-security-token", "x-sdk-content-sha256")


def sign_request(
    request: httpx.Request,
    credentials: Credentials,
    *,
    project_id: str | None = None,
    now: datetime | None = None,
) -> None:
    """Add ``X-Sdk-Date``, ``X-Project-Id``, ``X-Security-Token`` and ``Authorization`` to ``request``.

    The body must already be read (``request.content``). ``Host`` is always signed.
    """
    if credentials.security_token:
        request.headers["X-Security-Token"] = credentials.security_token
    project = project_id or credentials.project_id
    if project:
        request.headers["X-Project-Id"] = project
    request.headers[signing.HEADER_DATE] = signing.sdk_date(now)
    if "host" not in request.headers:
        request.headers["Host"] = request.url.netloc.decode("ascii")
    signed = sorted(
        {"host", signing.HEADER_DATE.lower()} | {name for name in _OPTIONAL_SIGNED if name in request.headers}
    )
    headers = {name: request.headers[name] for name in signed}
    raw_path = request.url.raw_path.decode("ascii")
    path, _, query = raw_path.partition("?")
    signature = signing.expected_signature(
        request.method, path, query, headers, signed, request.content, credentials.secret_key
    )
    request.headers[signing.HEADER_AUTHORIZATION] = signing.authorization_header(
        credentials.access_key, signed, signature
    )


class AkSkAuth(httpx.Auth):
    """Signs each request with the credentials' AK/SK (SDK-HMAC-SHA256)."""

    requires_request_body = True

    def __init__(self, credentials: Credentials, project_id: str | None = None) -> None:
        self._credentials = credentials
        self._project_id = project_id

    def __repr__(self) -> str:
        return f"AkSkAuth({self._credentials!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sign_request(request, self._credentials, project_id=self._project_id)
        yield request


class TokenAuth(httpx.Auth):
    """Sends an IAM token as ``X-Auth-Token`` (and ``X-Project-Id`` when a project id is given)."""

    def __init__(self, token: str, project_id: str | None = None) -> None:
        if not token:
            raise ValueError("TokenAuth needs a non-empty token")
        register_secret(token)
        self._token = token
        self._project_id = project_id

    def __repr__(self) -> str:
        return "TokenAuth(token=***)"

    def __reduce__(self) -> tuple[()]:
        raise TypeError("TokenAuth holds a token and must not be pickled")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Auth-Token"] = self._token
        if self._project_id:
            request.headers["X-Project-Id"] = self._project_id
        yield request
