"""Which migration project holds each source server: what no read of a source says.

Neither the show nor the list item of a source names its project (manual 5.3.3, 5.3.8); only the
list's ``migproject`` filter does. So the answer is one list of the projects, then the sources of
each (200 per page): a few calls for the whole account, shared by every resource of the process
(sms_pulumi.resources.listing), as the task list is (sms_pulumi.resources.task_index).

Two questions, two answers. A create asks where its source was before this run moved anything
(`before_this_run`: listed once per process, kept): a wave of a hundred servers costs one listing, and
the answer is not spoilt by the moves its own creates make. A refresh asks where each source is now
(`snapshot`: no older than MAX_AGE seconds, forgotten after every move this process makes).
"""

from __future__ import annotations

from dataclasses import dataclass

from sms_pulumi.api.models.migprojects import MigProject
from sms_pulumi.api.models.sources import ListSourceServersQuery
from sms_pulumi.resources.clients import sms_client
from sms_pulumi.resources.listing import SharedListing

#: A listing this recent answers reads (seconds): long enough for one refresh of a large wave.
MAX_AGE = 10.0


@dataclass(frozen=True)
class Memberships:
    """The account's projects, by ID, and the project of each source server, by source ID."""

    projects: dict[str, MigProject]
    project_of: dict[str, str]

    @property
    def default(self) -> str | None:
        """The default project: where sources that register land, and where a source goes back to
        when the project it came from is gone."""
        return next((pid for pid, p in self.projects.items() if p.isdefault), None)


def list_all() -> Memberships:
    """Every project and the sources it holds, read now."""
    client = sms_client()
    projects = {str(p.id): p for p in client.iter_migprojects() if p.id}
    project_of = {str(s.id): pid for pid in projects
                  for s in client.iter_sources(ListSourceServersQuery(migproject=pid)) if s.id}
    return Memberships(projects, project_of)


_memberships = SharedListing(list_all, MAX_AGE)

#: Where each source is, from a listing no older than MAX_AGE seconds (reads).
snapshot = _memberships.snapshot
#: Where each source was at the first question of this process (creates: where it came from).
before_this_run = _memberships.before_this_run
#: A source moved (our PUT or delete): the next read lists again.
forget = _memberships.forget
