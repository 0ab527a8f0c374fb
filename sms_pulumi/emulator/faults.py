"""Fault injection and the request log (both driven through the admin API, both in memory).

A rule applies to requests whose ``"METHOD path"`` or route template matches its pattern
(shell-style glob: ``"GET /v3/tasks/*"``, ``"/v3/tasks/{task_id}"``, ``"*"``). A matching request
first waits ``latency_ms``; then, drawn in this order, it may be dropped (``drop_rate``), throttled
(429 with ``Retry-After``) or fail with a 5xx. ``count`` limits a rule to its next N matches, which
makes tests deterministic without relying on the random draws.

The request log keeps only method, path, route template, status and timing: never headers, query
strings or bodies, so no credential or password can end up in it.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DropMode = Literal["before", "after"]


@dataclass
class FaultRule:
    route: str = "*"
    latency_ms: int = 0
    error_5xx_rate: float = 0.0
    error_status: int = 503
    throttle_429_rate: float = 0.0
    retry_after: int = 1
    drop_rate: float = 0.0
    # "before": the request is not executed; "after": it is executed and the response is lost.
    drop_mode: DropMode = "before"
    count: int | None = None
    id: int = 0
    hits: int = 0

    def matches(self, method: str, path: str, template: str | None) -> bool:
        pattern = self.route.strip()
        if " " in pattern:
            want_method, pattern = pattern.split(None, 1)
            if not fnmatch.fnmatchcase(method, want_method.upper()):
                return False
        if fnmatch.fnmatchcase(path, pattern):
            return True
        return template is not None and (template == pattern or fnmatch.fnmatchcase(template, pattern))


@dataclass
class FaultDecision:
    latency_s: float = 0.0
    kind: Literal["none", "drop", "429", "5xx"] = "none"
    status: int = 200
    retry_after: int = 0
    drop_mode: DropMode = "before"
    rule_id: int | None = None


class FaultInjector:
    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        if rule.error_status < 500 or rule.error_status > 599:
            raise ValueError("error_status must be a 5xx status")
        for rate in (rule.error_5xx_rate, rule.throttle_429_rate, rule.drop_rate):
            if not 0.0 <= rate <= 1.0:
                raise ValueError("rates are between 0 and 1")
        with self._lock:
            rule.id = next(self._ids)
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self._rules]

    def decide(self, method: str, path: str, template: str | None) -> FaultDecision:
        decision = FaultDecision()
        if not self._rules:
            return decision
        with self._lock:
            for rule in self._rules:
                if rule.count is not None and rule.hits >= rule.count:
                    continue
                if not rule.matches(method, path, template):
                    continue
                rule.hits += 1
                decision.latency_s += rule.latency_ms / 1000.0
                if decision.kind != "none":
                    continue
                if rule.drop_rate and self._rng.random() < rule.drop_rate:
                    decision.kind, decision.drop_mode = "drop", rule.drop_mode
                elif rule.throttle_429_rate and self._rng.random() < rule.throttle_429_rate:
                    decision.kind, decision.status, decision.retry_after = "429", 429, rule.retry_after
                elif rule.error_5xx_rate and self._rng.random() < rule.error_5xx_rate:
                    decision.kind, decision.status = "5xx", rule.error_status
                if decision.kind != "none":
                    decision.rule_id = rule.id
            # Rules whose count is used up are dropped so GET /_emulator/faults shows what is live.
            self._rules = [r for r in self._rules if r.count is None or r.hits < r.count]
        return decision


@dataclass
class LoggedRequest:
    seq: int
    time_ms: int
    method: str
    path: str
    route: str | None
    status: int
    duration_ms: float
    request_id: str
    auth: str
    fault: str | None = None


@dataclass
class RequestLog:
    maxlen: int = 20000
    _entries: deque[LoggedRequest] = field(default_factory=deque)
    _counts: Counter[str] = field(default_factory=Counter)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, path: str, route: str | None, status: int, duration_ms: float,
               request_id: str, auth: str, fault: str | None) -> None:
        key = f"{method} {route or path}"
        with self._lock:
            entry = LoggedRequest(next(self._seq), int(time.time() * 1000), method, path, route, status,
                                  round(duration_ms, 3), request_id, auth, fault)
            self._entries.append(entry)
            if len(self._entries) > self.maxlen:
                self._entries.popleft()
            self._counts[key] += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()

    def snapshot(self, with_list: bool = False, since: int = 0) -> dict[str, Any]:
        with self._lock:
            out: dict[str, Any] = {"total": sum(self._counts.values()), "counts": dict(self._counts)}
            if with_list:
                out["requests"] = [asdict(e) for e in self._entries if e.seq > since]
        return out
