"""Errors raised by the SMS / OMS clients, and recognition of "not found".

Every error carries what a user needs to act on it and nothing that could leak a secret: the HTTP
status, the service's ``error_code`` / ``error_msg``, the request id (``X-Request-Id`` response
header, what Huawei support asks for), the method and the path. Never headers, never bodies.

``str(error)`` reads like::

    SMS.7703 (HTTP 400, request 7c1e0d...): Task does not exist. [GET /v3/tasks/x]

Not found is HTTP 404, or HTTP 400 with the "does not exist" code of the object addressed (see
``NOT_FOUND_CODES``, derived from the error-code table :mod:`sms_pulumi.api.codes`).
``NotFoundError.kind`` says which kind of object the code denotes, because a create can fail with
the not-found code of an object it *refers to* (a task create answering SMS.7602 means the source
server is gone, not the task): compare ``kind`` with the kind you asked for, or use
:func:`is_not_found`.
"""

from __future__ import annotations

from typing import Any

from sms_pulumi.api import codes
from sms_pulumi.api.codes import OMS_TASK_GROUP_BUSY, OMS_TASK_NOT_RUNNING
from sms_pulumi.api.redaction import redact

__all__ = [
    "NOT_FOUND_CODES",
    "OMS_TASK_GROUP_BUSY",
    "OMS_TASK_NOT_RUNNING",
    "ApiError",
    "AuthenticationError",
    "ConfigurationError",
    "NotFoundError",
    "ServerError",
    "ThrottledError",
    "TransportError",
    "error_from_response",
    "is_not_found",
    "is_state_refusal",
]

#: ``{code: kind of object it says does not exist}`` (task, template, migproject, source, taskgroup, ...).
NOT_FOUND_CODES: dict[str, str] = codes.not_found_codes()
_AUTH_CODES = codes.auth_codes()


class ApiError(Exception):
    """An API call failed. Base class of every error the clients raise."""

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        error_code: str | None = None,
        error_msg: str | None = None,
        request_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        service: str | None = None,
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.error_msg = redact(error_msg) if error_msg else error_msg
        self.request_id = request_id
        self.method = method
        self.path = path
        self.service = service
        self._message = redact(message) if message else None
        super().__init__(str(self))

    def __str__(self) -> str:
        head_parts = []
        if self.status is not None:
            head_parts.append(f"HTTP {self.status}")
        if self.request_id:
            head_parts.append(f"request {self.request_id}")
        head = self.error_code or (self.service or "API") + " error"
        if head_parts:
            head += f" ({', '.join(head_parts)})"
        text = self._message or self.error_msg or "no error message"
        out = f"{head}: {text}"
        if self.method and self.path:
            out += f" [{self.method} {self.path}]"
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructor: make errors survive pickling (threads, multiprocessing, pytest-xdist).
        return (_rebuild, (type(self), self.__getstate__()))

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def info(self) -> codes.ErrorCode | None:
        """The row of :mod:`sms_pulumi.api.codes` for ``error_code`` (None for a code it does not hold)."""
        return codes.lookup(self.error_code)

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later without any change (e.g. OMS.0063: the group is
        still settling)."""
        info = self.info
        return info is not None and info.retryable


def _rebuild(cls: type[ApiError], state: dict[str, Any]) -> ApiError:
    err = cls.__new__(cls)
    err.__dict__.update(state)
    Exception.__init__(err, str(err))
    return err


class NotFoundError(ApiError):
    """The object addressed (or referred to) does not exist: HTTP 404 or a "does not exist" code."""

    @property
    def kind(self) -> str | None:
        """``task``, ``template``, ``migproject``, ``source`` from the code; ``None`` for a bare 404."""
        return NOT_FOUND_CODES.get(self.error_code or "")


class AuthenticationError(ApiError):
    """HTTP 401/403, or an SMS authentication / permission code: fix credentials or IAM policy."""


class ThrottledError(ApiError):
    """HTTP 429 after the retries were exhausted."""

    @property
    def retryable(self) -> bool:
        return True


class ServerError(ApiError):
    """HTTP 5xx (or 408) after the retries were exhausted."""

    @property
    def retryable(self) -> bool:
        return True


class TransportError(ApiError):
    """No HTTP response: connection refused/reset, timeout, TLS failure (after the retries)."""

    @property
    def retryable(self) -> bool:
        return True


class ConfigurationError(ValueError):
    """Missing or invalid provider settings (credentials, region, endpoint)."""


def is_not_found(error: BaseException, kind: str | None = None) -> bool:
    """True if ``error`` says the object of ``kind`` does not exist (any kind when ``kind`` is None).

    A bare HTTP 404 (no recognised code) counts for every kind.
    """
    if not isinstance(error, NotFoundError):
        return False
    return kind is None or error.kind is None or error.kind == kind


def is_state_refusal(error: BaseException, *actions: str) -> bool:
    """True if ``error`` refuses one of ``actions`` (``"task.start"``, ...) because of the object's
    current state: the object moved on, so read it again instead of failing."""
    return isinstance(error, ApiError) and error.error_code in codes.state_refusals(*actions)


def error_from_response(
    *,
    status: int,
    body: Any,
    request_id: str | None,
    method: str,
    path: str,
    service: str,
) -> ApiError:
    """Map an HTTP error response (status + decoded JSON body, or None) to the right ApiError class."""
    error_code: str | None = None
    error_msg: str | None = None
    if isinstance(body, dict):
        code = body.get("error_code")
        msg = body.get("error_msg")
        # Some gateways (APIG) nest the error, or use "code"/"message".
        if code is None and isinstance(body.get("error"), dict):
            code = body["error"].get("code")
            msg = body["error"].get("message", msg)
        if code is None:
            code = body.get("code")
        if msg is None:
            msg = body.get("message")
        error_code = str(code) if code is not None else None
        error_msg = str(msg) if msg is not None else None
    elif isinstance(body, str) and body.strip():
        error_msg = body.strip()[:300]

    cls: type[ApiError]
    if status == 404 or (error_code in NOT_FOUND_CODES and 400 <= status < 500):
        cls = NotFoundError
    elif status == 429:
        cls = ThrottledError
    elif status >= 500 or status == 408:
        cls = ServerError
    elif status in (401, 403) or error_code in _AUTH_CODES:
        cls = AuthenticationError
    else:
        cls = ApiError
    return cls(
        status=status,
        error_code=error_code,
        error_msg=error_msg,
        request_id=request_id,
        method=method,
        path=path,
        service=service,
    )
