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

from sms_pulumi.api.models.tasks import TaskSummary
from sms_pulumi.resources.clients import sms_client
from sms_pulumi.resources.listing import SharedListing

#: A snapshot this recent answers reads (seconds): long enough for one refresh of a large wave.
MAX_AGE = 10.0


def list_all() -> dict[str, TaskSummary]:
    """Every task of the account, by ID, read now (one list request per 200 tasks)."""
    return {str(t.id): t for t in sms_client().iter_tasks() if t.id}


_tasks = SharedListing(list_all, MAX_AGE)

#: Every task of the account, by ID, from a list no older than MAX_AGE seconds.
snapshot = _tasks.snapshot
#: Every task of the account as it was at the first call in this process (listed once).
before_this_run = _tasks.before_this_run
#: A task changed (our create, update, action or delete): the next read lists again.
forget = _tasks.forget
#: Forget everything, `before_this_run` included (tests, which are many runs in one process).
reset = _tasks.reset
