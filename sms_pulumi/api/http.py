"""The shared HTTP layer: one pooled ``httpx.Client`` per base URL, retries, error mapping, logging.

* One ``httpx.Client`` per (base URL, timeouts) per process, created lazily under a lock and closed at
  exit. httpx clients are safe to share between threads; the Pulumi provider calls from up to 4.
  Authentication is passed per request, so clients never hold credentials.
* Every call goes through :func:`sms_pulumi.api.retry.run_with_retries` and is logged once at the end:
  method, path, status, request id, attempts and duration (DEBUG on success, WARNING on failure). Log
  records and exception texts are passed through :func:`~sms_pulumi.api.credentials.redact`.
* Non-2xx responses become :class:`~sms_pulumi.api.errors.ApiError` subclasses; transport failures
  after the last retry become :class:`~sms_pulumi.api.errors.TransportError`.
* Query strings are sent in canonical form (sorted, ``quote(safe="~")``), i.e. exactly as signed.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import metadata as _metadata
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from sms_pulumi.api import signing
from sms_pulumi.api.auth import AkSkAuth, TokenAuth
from sms_pulumi.api.credentials import ProviderSettings, Timeouts
from sms_pulumi.api.errors import ApiError, ConfigurationError, TransportError, error_from_response
from sms_pulumi.api.models.common import RequestModel, describe_problems
from sms_pulumi.api.pagination import Page, iterate_pages
from sms_pulumi.api.redaction import redact
from sms_pulumi.api.retry import RetryPolicy, run_with_retries

__all__ = [
    "USER_AGENT",
    "ApiHttp",
    "ServiceClient",
    "auth_for",
    "parse_model",
    "path_param",
    "QueryParams",
    "RedactingFilter",
    "close_all_clients",
    "shared_client",
]



def _package_version() -> str:
    try:
        return _metadata.version("sms-pulumi")
    except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


USER_AGENT = f"sms-pulumi/{_package_version()}"
logger = logging.getLogger("sms_pulumi.api.http")

QueryParams = Mapping[str, Any] | Iterable[tuple[str, Any]]
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets redacted (attached to this package's loggers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover - a broken format string: leave it to logging
            return True
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        return True


for _name in ("sms_pulumi.api.http", "sms_pulumi.api.retry"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(f, RedactingFilter) for f in _logger.filters):
        _logger.addFilter(RedactingFilter())


# ------------------------------------------------------------------------------------- client pool

#: Seconds an idle pooled connection is kept (below the idle timeouts of the servers it talks to).
KEEPALIVE_EXPIRY = 4.0
_CLIENTS: dict[tuple[str, Timeouts], httpx.Client] = {}
_CLIENTS_LOCK = threading.Lock()


def shared_client(base_url: str, timeouts: Timeouts | None = None) -> httpx.Client:
    """The process-wide client for ``base_url`` (keep-alive pool, explicit timeouts)."""
    timeouts = timeouts or Timeouts()
    key = (base_url.rstrip("/"), timeouts)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None or client.is_closed:
            client = httpx.Client(
                timeout=httpx.Timeout(
                    connect=timeouts.connect, read=timeouts.read, write=timeouts.write, pool=timeouts.pool
                ),
                # An idle connection is dropped before servers usually drop theirs (uvicorn after 5 s,
                # gateways after 60 s): a request never goes out on a connection the server closed.
                limits=httpx.Limits(max_connections=40, max_keepalive_connections=20,
                                    keepalive_expiry=KEEPALIVE_EXPIRY),
                headers={"User-Agent": USER_AGENT},
                follow_redirects=False,
                trust_env=True,
            )
            _CLIENTS[key] = client
        return client


def close_all_clients() -> None:
    """Close every pooled client (registered with atexit; tests call it too)."""
    with _CLIENTS_LOCK:
        clients = list(_CLIENTS.values())
        _CLIENTS.clear()
    for client in clients:
        client.close()


atexit.register(close_all_clients)


# --------------------------------------------------------------------------------------- API calls


def _request_id(response: httpx.Response) -> str | None:
    value = response.headers.get("X-Request-Id") or response.headers.get("X-Openstack-Request-Id")
    return str(value) if value else None


def _decode_body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _params_pairs(params: QueryParams | None) -> list[tuple[str, Any]]:
    if params is None:
        return []
    items = params.items() if isinstance(params, Mapping) else params
    pairs: list[tuple[str, Any]] = []
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, v) for v in value if v is not None)
        else:
            pairs.append((key, value))
    return pairs


class ApiHttp:
    """Sends API calls for one service (``SMS`` / ``OMS``) to one base URL with one auth flow."""

    def __init__(
        self,
        service: str,
        base_url: str,
        auth: httpx.Auth | None,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
        origin: str | None = None,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        #: Which setting chose `base_url`: a connection error names it.
        self.origin = origin
        self._auth = auth
        self._timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self._client = client

    @property
    def client(self) -> httpx.Client:
        return self._client or shared_client(self.base_url, self._timeouts)

    def __repr__(self) -> str:
        return f"ApiHttp({self.service!r}, {self.base_url!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one API call (with retries); returns the 2xx response or raises an ``ApiError``.

        ``path`` is already percent-encoded where needed (use ``quote(id, safe="")`` for path
        parameters). ``idempotent`` defaults to True for GET/PUT/DELETE and False for POST; see
        :mod:`sms_pulumi.api.retry` for what that changes.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        policy = self.retry
        query = signing.encode_query(_params_pairs(params))
        url = self.base_url + path + (f"?{query}" if query else "")
        content = b""
        if json_body is not None:
            content = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json;charset=UTF-8", "Accept": "application/json"}
        client = self.client
        attempts = 0
        started = time.monotonic()

        def send() -> httpx.Response:
            nonlocal attempts
            attempts += 1
            # No attempt outlives the call's retry budget: a hung endpoint fails within it.
            left = max(policy.max_elapsed - (time.monotonic() - started), 0.5)
            bounds = self._timeouts
            timeout = httpx.Timeout(connect=min(bounds.connect, left), read=min(bounds.read, left),
                                    write=min(bounds.write, left), pool=min(bounds.pool, left))
            request = client.build_request(method, url, content=content, headers=headers, timeout=timeout)
            response = client.send(request, auth=self._auth)
            response.read()
            return response

        describe = f"{self.service} {method} {self.base_url}{path}"
        try:
            response = run_with_retries(send, policy=policy, idempotent=idempotent, describe=describe)
        except httpx.TransportError as exc:
            elapsed = (time.monotonic() - started) * 1000
            logger.debug("%s -> %s after %d attempt(s), %.0f ms", describe, type(exc).__name__, attempts,
                         elapsed)
            detail = str(exc) or "no detail"
            origin = f" (set by {self.origin})" if self.origin else ""
            raise TransportError(
                f"could not reach {self.service} at {self.base_url}{origin}: {type(exc).__name__} after "
                f"{attempts} attempt(s) in {elapsed / 1000:.1f}s: {detail}",
                method=method,
                path=path,
                service=self.service,
            ) from None
        elapsed = (time.monotonic() - started) * 1000
        request_id = _request_id(response)
        # An error answer is not logged as a fault here: it becomes an ApiError that says everything,
        # and the caller decides whether it is one (a not-found while waiting for a delete is not).
        logger.debug(
            "%s %s %s -> %d (request %s, %d attempt(s), %.0f ms)",
            self.service, method, path, response.status_code, request_id or "-", attempts, elapsed,
        )
        if response.is_success:
            return response
        raise error_from_response(
            status=response.status_code,
            body=_decode_body(response),
            request_id=request_id,
            method=method,
            path=path,
            service=self.service,
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Like :meth:`request`, returning the decoded JSON body (``None`` for an empty body)."""
        response = self.request(method, path, params=params, json_body=json_body, idempotent=idempotent)
        body = _decode_body(response)
        if isinstance(body, str):
            raise ApiError(
                "response is not JSON",
                status=response.status_code,
                request_id=_request_id(response),
                method=method.upper(),
                path=path,
                service=self.service,
            )
        return body


# ------------------------------------------------------------------------- helpers for the clients

M = TypeVar("M", bound=BaseModel)


def path_param(value: str) -> str:
    """A path parameter percent-encoded as one segment (an id can never add a path level)."""
    if not value:
        raise ValueError("an id used in a URL path must not be empty")
    return quote(str(value), safe="")


def parse_model(model: type[M], body: Any, *, method: str, path: str, service: str) -> M:
    """Validate a response body; a malformed body becomes an ApiError naming the fields (not values)."""
    try:
        return model.model_validate({} if body is None else body)
    except ValidationError as exc:
        raise ApiError(
            f"unexpected {model.__name__} response ({describe_problems(exc, limit=5)})",
            method=method.upper(),
            path=path,
            service=service,
        ) from None


def auth_for(settings: ProviderSettings, *, project_id: str | None = None) -> httpx.Auth:
    """AkSkAuth when AK/SK are configured, else TokenAuth; ConfigurationError when neither is."""
    project = project_id or settings.project_id
    if settings.credentials is not None:
        return AkSkAuth(settings.credentials, project_id=project)
    if settings.auth_token:
        return TokenAuth(settings.auth_token, project_id=project)
    raise ConfigurationError(
        "no Huawei Cloud credentials: set huaweicloud:accessKey/secretKey or HW_ACCESS_KEY/HW_SECRET_KEY"
    )


Q = TypeVar("Q", bound=BaseModel)
T = TypeVar("T")


class ServiceClient:
    """Plumbing shared by SmsClient and OmsClient: one service, one base URL, one auth flow."""

    service = "API"

    def __init__(
        self,
        settings: ProviderSettings,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        client: httpx.Client | None = None,
        project_id: str | None = None,
    ) -> None:
        self.settings = settings
        self.http = ApiHttp(
            self.service,
            base_url,
            auth if auth is not None else auth_for(settings, project_id=project_id),
            timeouts=settings.timeouts,
            retry=settings.retry,
            client=client,
            origin=settings.endpoint_origin(self.service) if base_url == settings.base_url(self.service)
            else None,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.http.base_url!r})"

    # ---------------------------------------------------------------------------------- plumbing

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        body: RequestModel | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        json_body = body.to_wire() if body is not None else None
        return self.http.call(method, path, params=params, json_body=json_body, idempotent=idempotent)

    def _get(self, model: type[M], path: str, params: QueryParams | None = None) -> M:
        body = self._call("GET", path, params=params)
        return parse_model(model, body, method="GET", path=path, service=self.service)

    def _send(
        self,
        model: type[M],
        method: str,
        path: str,
        body: RequestModel | None = None,
        *,
        idempotent: bool | None = None,
    ) -> M:
        raw = self._call(method, path, body=body, idempotent=idempotent)
        return parse_model(model, raw, method=method, path=path, service=self.service)

    @staticmethod
    def _params(query: Any) -> dict[str, str]:
        return query.to_params() if query is not None else {}

    def _iterate(
        self,
        query: Q | None,
        query_cls: type[Q],
        fetch: Callable[[Q], tuple[list[T], int | None]],
        page_size: int,
        max_items: int | None,
    ) -> Iterator[T]:
        base = query if query is not None else query_cls()

        def page(limit: int, offset: int) -> Page[T]:
            items, count = fetch(base.model_copy(update={"limit": limit, "offset": offset}))
            return Page(items, count)

        start = getattr(base, "offset", None) or 0
        return iterate_pages(page, page_size=page_size, start_offset=start, max_items=max_items)
