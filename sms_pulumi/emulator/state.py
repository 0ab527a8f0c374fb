"""The emulator's shared state: store, clock, verifier, faults, request log (one per server)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from sms_pulumi.emulator.auth import Verifier
from sms_pulumi.emulator.clock import SimClock
from sms_pulumi.emulator.faults import FaultInjector, RequestLog
from sms_pulumi.emulator.store import Store, Tx


@dataclass
class Emulator:
    store: Store
    clock: SimClock
    verifier: Verifier
    faults: FaultInjector = field(default_factory=FaultInjector)
    log: RequestLog = field(default_factory=RequestLog)
    seed: str | None = "default"

    def now(self) -> int:
        return self.clock.now_ms()

    def save_clock(self) -> None:
        with self.store.transaction() as tx:
            tx.meta_set("clock", self.clock.state())

    def next_number(self, tx: Tx, name: str) -> int:
        """A persistent counter (sub-task and disk record IDs are Longs on the wire)."""
        value = int(tx.meta_get(f"seq:{name}") or 0) + 1
        tx.meta_set(f"seq:{name}", value)
        return value


def emulator(request: Request) -> Emulator:
    emu: Emulator = request.app.state.emulator
    return emu
