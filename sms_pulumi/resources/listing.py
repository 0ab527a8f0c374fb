"""One listing of the account, shared by every resource of a provider process.

`pulumi up` and `pulumi refresh` call a provider once per resource, a few at a time; a read (or a
look-up) per resource would cost one request each, a hundred for a wave of a hundred servers. A
`SharedListing` answers them all from one listing, to two questions:

* `snapshot`: the account as it is now: a listing no older than `max_age` seconds, which a write of
  this process makes it forget, so a read never answers from before our own write (refresh);
* `before_this_run`: the account as it was at the first question of this process, listed once and
  kept: what an interrupted earlier run left behind, or where an object was before this run moved
  it (creates).

The lock is held while listing: the reads that arrive meanwhile wait for that listing instead of
making their own. `reset` (tests, which are many runs in one process) forgets both answers; it runs
whenever the process's clients are reset.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sms_pulumi.resources.clients import forget_with_clients

T = TypeVar("T")


class SharedListing(Generic[T]):
    """`list_all`'s answer, shared: recent for reads, the first one for creates."""

    def __init__(self, list_all: Callable[[], T], max_age: float) -> None:
        self.list_all, self.max_age = list_all, max_age
        self._lock = threading.Lock()
        self._snapshot: T | None = None
        self._taken = 0.0
        self._before: T | None = None
        forget_with_clients(self.reset)

    def snapshot(self) -> T:
        """The account from a listing no older than `max_age` seconds."""
        with self._lock:
            if self._snapshot is None or time.monotonic() - self._taken >= self.max_age:
                self._snapshot, self._taken = self.list_all(), time.monotonic()
            return self._snapshot

    def before_this_run(self) -> T:
        """The account as it was at the first call in this process (listed once)."""
        with self._lock:
            if self._before is None:
                self._before = self.list_all()
            return self._before

    def forget(self) -> None:
        """This process changed something: the next `snapshot` lists again."""
        with self._lock:
            self._snapshot = None

    def reset(self) -> None:
        """Forget everything, `before_this_run` included."""
        with self._lock:
            self._snapshot = self._before = None
