"""All the account's tasks from list requests: how a refresh or a wave reads N tasks in N/200 calls.

`pulumi refresh` calls read once per resource, a few at a time; a read per task would cost one
`GET /v3/tasks/{id}` each. Instead the reads of one refresh share a snapshot: the first read lists
every task (`GET /v3/tasks`, 200 per page, manual 5.4.2), and reads within `MAX_AGE` seconds answer from
it. Any change this process makes to a task forgets the snapshot, so a read never answers from before
our own write.

Creates ask another question of the same list: which tasks existed before this run started (one
an interrupted earlier run made is found again, not made twice). `before_this_run` lists once per
process and keeps that answer: a hundred creates cost one list, not one each.

A list item (`TaskSummary`) lacks a few fields of the show answer (region, project and template IDs,
the target's disks): reads keep the stored values of those, and compare what the list carries.
"""

from __future__ import annotations

import threading
import time

from sms_pulumi.api.models.tasks import TaskSummary
from sms_pulumi.resources.clients import forget_with_clients, sms_client

#: A snapshot this recent answers reads (seconds): long enough for one refresh of a large wave.
MAX_AGE = 10.0

_lock = threading.Lock()
_snapshot: dict[str, TaskSummary] | None = None
_taken = 0.0
_before: dict[str, TaskSummary] | None = None


def list_all() -> dict[str, TaskSummary]:
    """Every task of the account, by ID, read now (one list request per 200 tasks)."""
    return {str(t.id): t for t in sms_client().iter_tasks() if t.id}


def snapshot() -> dict[str, TaskSummary]:
    """Every task of the account, by ID, from a list no older than MAX_AGE seconds."""
    global _snapshot, _taken
    # Held while listing: the reads that arrive meanwhile wait for this list instead of making theirs.
    with _lock:
        if _snapshot is None or time.monotonic() - _taken >= MAX_AGE:
            _snapshot, _taken = list_all(), time.monotonic()
        return _snapshot


def before_this_run() -> dict[str, TaskSummary]:
    """Every task of the account as it was at the first call in this process (listed once)."""
    global _before
    with _lock:
        if _before is None:
            _before = list_all()
        return _before


def forget() -> None:
    """A task changed (our create, update, action or delete): the next read lists again."""
    global _snapshot
    with _lock:
        _snapshot = None


def reset() -> None:
    """Forget everything, `before_this_run` included (tests, which are many runs in one process)."""
    global _snapshot, _before
    with _lock:
        _snapshot = _before = None


forget_with_clients(reset)
