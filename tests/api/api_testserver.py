"""Helpers for tests/api: a real HTTP server on 127.0.0.1 (free port) whose answers each test scripts.

The server verifies every AK/SK signature with ``sms_pulumi.api.signing`` (the same code the emulator
uses) and records each request, so tests can check both what was sent and how it was signed.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from sms_pulumi.api import signing
from sms_pulumi.api.credentials import Credentials, ProviderSettings, Timeouts
from sms_pulumi.api.retry import RetryPolicy

TEST_AK = "AKTESTACCESSKEY0001"
TEST_SK = "sk-very-secret-value-0123456789"
TEST_TOKEN = "security-token-ABCDEF-0123456789"
TEST_PROJECT = "0123456789abcdef0123456789abcdef"


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool | None  # None: request was not AK/SK signed

    @property
    def params(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


Handler = Callable[[Recorded], Reply]


class ScriptedServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._queue: deque[Reply] = deque()
        self._routes: dict[tuple[str, str], Handler] = {}
        self._lock = threading.Lock()
        self.secret_key = TEST_SK
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                headers = {k: v for k, v in self.headers.items()}
                verified = outer._verify(self.command, path, query, headers, body)
                recorded = Recorded(self.command, path, query, headers, body, verified)
                reply = outer._reply_for(recorded)
                if reply.drop:
                    self.close_connection = True
                    return
                payload = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # scripting ---------------------------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> None:
        """Answer the next requests (any path) with these replies, in order."""
        with self._lock:
            self._queue.extend(replies)

    def route(self, method: str, path: str, handler: Handler) -> None:
        with self._lock:
            self._routes[(method.upper(), path)] = handler

    def _reply_for(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            if self._queue:
                return self._queue.popleft()
            handler = self._routes.get((recorded.method, recorded.path))
        if handler is not None:
            return handler(recorded)
        return Reply(404, {"error_code": "TEST.404", "error_msg": "no route"})

    def _verify(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> bool | None:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        if auth is None:
            return None
        try:
            parsed = signing.parse_authorization_header(auth)
            expected = signing.expected_signature(
                method, path, query, headers, parsed.signed_headers, body, self.secret_key
            )
        except (ValueError, KeyError):
            return False
        return expected == parsed.signature


def make_settings(
    url: str,
    *,
    max_attempts: int = 4,
    max_elapsed: float = 30.0,
    security_token: str | None = None,
    project_id: str | None = TEST_PROJECT,
) -> ProviderSettings:
    return ProviderSettings(
        region="cn-north-4",
        credentials=Credentials(TEST_AK, TEST_SK, security_token, project_id, "cn-north-4"),
        sms_endpoint=url,
        oms_endpoint=url,
        timeouts=Timeouts(connect=2.0, read=5.0, write=5.0, pool=5.0),
        retry=RetryPolicy(
            max_attempts=max_attempts, max_elapsed=max_elapsed, initial_backoff=0.01, max_backoff=0.05
        ),
    )
