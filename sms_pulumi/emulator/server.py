"""``EmulatorServer``: the emulator in a background thread, for tests, benchmarks and the CLI.

    with EmulatorServer(credentials=[AccessKey(ak, sk)], clock_speed=600) as emu:
        client = SmsClient(endpoint=emu.url, ...)
        emu.admin.fail_task(task_id)

It binds a socket itself (``port=0``: a free port, known before uvicorn starts) on 127.0.0.1 only,
and always stops the thread on exit. State lives in SQLite: ``db_path=None`` keeps it in memory, a
file path survives a restart (the clock anchor is stored with it). Ambiguities: AMBIGUITIES.md.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from sms_pulumi.emulator.app import build_app
from sms_pulumi.emulator.auth import AccessKey, Verifier
from sms_pulumi.emulator.clock import SimClock
from sms_pulumi.emulator.seed import apply_seed
from sms_pulumi.emulator.state import Emulator
from sms_pulumi.emulator.store import Store

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class AdminClient:
    """Small helper over the ``/_emulator/`` admin API (see :mod:`sms_pulumi.emulator.admin`)."""

    def __init__(self, base_url: str) -> None:
        self._http = httpx.Client(base_url=base_url + "/_emulator", timeout=30.0)

    def _call(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        response = self._http.request(method, path, json=json, params=params)
        response.raise_for_status()
        return response.json()

    def add_fault(self, route: str = "*", **spec: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "/faults", {"route": route, **spec})
        return result

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def faults(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/faults")["faults"])

    def requests(self, with_list: bool = False, since: int = 0) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/requests", params={"list": with_list, "since": since})
        return result

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def reset(self, seed: str | None = None) -> None:
        self._call("POST", "/reset", {"seed": seed} if seed is not None else {})

    def clock(self, speed: float | None = None, advance_ms: int | None = None) -> dict[str, Any]:
        if speed is None and advance_ms is None:
            result: dict[str, Any] = self._call("GET", "/clock")
            return result
        body = {k: v for k, v in (("speed", speed), ("advance_ms", advance_ms)) if v is not None}
        result = self._call("POST", "/clock", body)
        return result

    def fail_task(self, task_id: str, after_ms: int = 0, **spec: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", f"/tasks/{task_id}/fail", {"after_ms": after_ms, **spec})
        return result

    def fail_taskgroup(self, group_id: str, after_ms: int = 0, **spec: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", f"/taskgroups/{group_id}/fail",
                                            {"after_ms": after_ms, **spec})
        return result

    def add_sources(self, count: int | None = None, fixture: str | None = None) -> list[str]:
        body = {k: v for k, v in (("count", count), ("fixture", fixture)) if v is not None}
        return list(self._call("POST", "/sources", body)["ids"])

    def objects(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/objects")
        return result

    def close(self) -> None:
        self._http.close()


class EmulatorServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        db_path: str | None = None,
        credentials: Iterable[AccessKey | tuple[str, str]] = (),
        tokens: Iterable[str] = (),
        clock_speed: float | None = None,
        seed: str | None = "default",
        auth: bool = True,
        log_level: str = "warning",
    ) -> None:
        if host not in LOOPBACK:
            raise ValueError("the emulator binds to loopback only (its admin API has no authentication)")
        keys = [c if isinstance(c, AccessKey) else AccessKey(*c) for c in credentials]
        tokens = list(tokens)
        if auth and not keys and not tokens:
            raise ValueError("give credentials (AK/SK) or tokens, or switch authentication off "
                             "with auth=False")
        self.host = host
        self._requested_port = port
        self.db_path = db_path
        self._verifier = Verifier(keys, tokens, enabled=auth)
        self._clock_speed = clock_speed
        self._seed = seed
        self._log_level = log_level
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._socket: socket.socket | None = None
        self._admin: AdminClient | None = None
        self.emulator: Emulator | None = None
        self.port = 0

    def __repr__(self) -> str:
        return f"EmulatorServer(url={self.url!r}, db_path={self.db_path!r}, verifier={self._verifier!r})"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def admin(self) -> AdminClient:
        if self._admin is None:
            raise RuntimeError("the emulator is not running")
        return self._admin

    def build(self) -> Emulator:
        """Open the store, restore or create the clock, seed a fresh store."""
        store = Store(self.db_path)
        with store.transaction() as tx:
            clock_state = tx.meta_get("clock")
            seeded = tx.meta_get("seeded")
        speed = self._clock_speed if self._clock_speed is not None else (
            float(clock_state["speed"]) if clock_state else 1.0)
        emu = Emulator(store=store, clock=SimClock(speed, state=clock_state), verifier=self._verifier,
                       seed=self._seed)
        emu.save_clock()
        if seeded is None:
            apply_seed(emu, self._seed)
        return emu

    def start(self) -> EmulatorServer:
        if self._thread is not None:
            raise RuntimeError("already running")
        self.emulator = self.build()
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says
        # TCP; with proto 0 every response waits ~40 ms for a delayed ACK (Nagle).
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(build_app(self.emulator), log_level=self._log_level, access_log=False,
                                lifespan="off", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"sms-emulator-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        self._admin = AdminClient(self.url)
        return self

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(timeout=5)
        self._thread = None
        self._server = None
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.close()
            self._socket = None
        if self.emulator is not None:
            self.emulator.store.close()
            self.emulator = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def quiet_uvicorn() -> None:
    """Dropped connections are injected on purpose: keep uvicorn from logging them as errors."""
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
