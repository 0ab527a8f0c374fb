"""Outermost ASGI layer: request ID, authentication, fault injection and the request log.

Written as plain ASGI (not a Starlette BaseHTTPMiddleware) because it has to read the body before
the route does (the signature covers it), replay it, and be able to drop a connection. Admin routes
(``/_emulator/...``) and version discovery (``GET /``, ``GET /v3``) skip authentication and faults.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.routing import BaseRoute

from sms_pulumi.api import codes
from sms_pulumi.emulator.errors import EmulatorError
from sms_pulumi.emulator.http import is_oms
from sms_pulumi.emulator.state import Emulator

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ADMIN_PREFIX = "/_emulator"
_UNAUTHENTICATED = re.compile(r"^/(v\d+/?)?$")  # GET / and GET /{version}


class RouteIndex:
    """Maps a request to its route template ("/v3/tasks/{task_id}") for the log and fault rules."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self._routes: list[tuple[re.Pattern[str], set[str], str]] = []
        self._add(routes)

    def _add(self, routes: list[Any]) -> None:
        for route in routes:
            # FastAPI keeps included routers wrapped (no prefixes are used here, paths are full).
            nested = getattr(route, "original_router", None)
            if nested is not None:
                self._add(list(nested.routes))
                continue
            regex = getattr(route, "path_regex", None)
            path = getattr(route, "path", None)
            methods = getattr(route, "methods", None) or set()
            if regex is not None and path is not None:
                self._routes.append((regex, set(methods), path))

    def template(self, method: str, path: str) -> str | None:
        fallback = None
        for regex, methods, template in self._routes:
            if regex.match(path):
                if method in methods:
                    return template
                fallback = fallback or template
        return fallback


class EmulatorMiddleware:
    def __init__(self, app: ASGIApp, emu: Emulator, routes: Callable[[], list[BaseRoute]]) -> None:
        self.app = app
        self.emu = emu
        self._routes_source = routes
        self._index: RouteIndex | None = None

    def _template(self, method: str, path: str) -> str | None:
        if self._index is None:
            self._index = RouteIndex(self._routes_source())
        return self._index.template(method, path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex
        method: str = scope["method"]
        path: str = scope["path"]
        admin = path.startswith(ADMIN_PREFIX)
        template = self._template(method, path)
        status_box = [0]

        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        auth_method = "admin" if admin else "none"
        fault: str | None = None
        try:
            if admin:
                await self.app(scope, replay, send_with_id)
                return
            decision = self.emu.faults.decide(method, path, template)
            if decision.latency_s:
                await asyncio.sleep(decision.latency_s)
            if decision.kind == "drop" and decision.drop_mode == "before":
                fault = "drop"
                await _drop(send)
                return
            if decision.kind in ("429", "5xx"):
                fault = decision.kind
                row = codes.CODES["APIG.0308" if decision.kind == "429" else "SMS.6000"]
                code = row.code
                msg = row.message if decision.kind == "429" else f"{row.message} (injected by the emulator)"
                extra = {"retry-after": str(decision.retry_after)} if decision.kind == "429" else {}
                await _send_json(send_with_id, decision.status, {"error_code": code, "error_msg": msg}, extra)
                return
            if not (method == "GET" and _UNAUTHENTICATED.match(path)):
                try:
                    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
                    raw_path = scope.get("raw_path") or path.encode()
                    result = self.emu.verifier.verify(
                        method, raw_path.decode("latin-1"), scope.get("query_string", b"").decode("latin-1"),
                        headers, body,
                    )
                    auth_method = result.method
                except EmulatorError as exc:
                    auth_method = "rejected"
                    if is_oms(path):
                        exc.code, exc.msg = "OMS.0005", codes.CODES["OMS.0005"].message
                    await _send_json(send_with_id, exc.status, exc.body(), {})
                    return
            if decision.kind == "drop":  # drop_mode "after": run the request, lose the response
                fault = "drop"

                async def discard(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        status_box[0] = message["status"]

                await self.app(scope, replay, discard)
                await _drop(send)
                return
            await self.app(scope, replay, send_with_id)
        finally:
            self.emu.log.record(method, path, template, status_box[0],
                                (time.perf_counter() - started) * 1000, request_id, auth_method, fault)


async def _send_json(send: Send, status: int, body: dict[str, Any], extra: dict[str, str]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _drop(send: Send) -> None:
    """Close the connection without a response (the client sees a connection reset / EOF)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.close()
        # Let uvicorn notice the disconnection before the app returns, so it stays quiet.
        for _ in range(3):
            await asyncio.sleep(0)
        return
    # Not under uvicorn: promise a body and never send it.
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
