"""OmsClient: OMS v2 migration task groups, ``/v2/{project_id}/taskgroups``.

Base URL ``https://oms.{region}.myhuaweicloud.com`` or the ``omsEndpoint`` override. OMS is a
project-scoped service: the project id is in every path (and sent as ``X-Project-Id``), so a project id
must be configured (``huaweicloud:projectId`` / ``HW_PROJECT_ID``).

A missing group answers HTTP 404 (``NotFoundError``, kind ``taskgroup``): ``is_not_found(err)``.
Useful codes (:mod:`sms_pulumi.api.codes`): ``OMS_TASK_NOT_RUNNING`` (stop of a group that is not
running) and ``OMS_TASK_GROUP_BUSY`` (delete refused while the group settles: wait and retry; such an
error is ``retryable``).

Create is sent with ``idempotent=False`` (see :mod:`sms_pulumi.api.retry`): after an ambiguous failure,
list the groups (``find_task_groups``) before creating again. Start, stop, retry and the bandwidth
update are PUTs and are retried normally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.errors import ConfigurationError
from sms_pulumi.api.http import ServiceClient, path_param
from sms_pulumi.api.models.oms import (
    CreateTaskGroupRequest,
    CreateTaskGroupResponse,
    ListTaskGroupsQuery,
    ListTaskGroupsResponse,
    RetryTaskGroupRequest,
    StartTaskGroupRequest,
    TaskGroup,
    UpdateBandwidthPolicyRequest,
)

__all__ = ["OmsClient", "TASK_GROUP_PAGE_SIZE"]

TASK_GROUP_PAGE_SIZE = 100


class OmsClient(ServiceClient):
    """Client of the OMS v2 task-group API. Cheap to create; shares the connection pool."""

    service = "OMS"

    def __init__(
        self,
        settings: ProviderSettings,
        *,
        project_id: str | None = None,
        auth: httpx.Auth | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        project = project_id or settings.project_id
        if not project:
            raise ConfigurationError("OMS needs a project id: set huaweicloud:projectId (or HW_PROJECT_ID)")
        self.project_id = project
        super().__init__(settings, settings.oms_base_url, auth=auth, client=client, project_id=project)
        self._root = f"/v2/{path_param(project)}/taskgroups"

    def _group(self, group_id: str, action: str = "") -> str:
        return f"{self._root}/{path_param(group_id)}" + (f"/{action}" if action else "")

    def create_task_group(self, body: CreateTaskGroupRequest) -> CreateTaskGroupResponse:
        """``POST /v2/{project_id}/taskgroups`` (not blindly retried)."""
        return self._send(CreateTaskGroupResponse, "POST", self._root, body, idempotent=False)

    def list_task_groups(self, query: ListTaskGroupsQuery | None = None) -> ListTaskGroupsResponse:
        """``GET /v2/{project_id}/taskgroups``: one page."""
        return self._get(ListTaskGroupsResponse, self._root, self._params(query))

    def iter_task_groups(
        self,
        query: ListTaskGroupsQuery | None = None,
        *,
        page_size: int = TASK_GROUP_PAGE_SIZE,
        max_items: int | None = None,
    ) -> Iterator[TaskGroup]:
        """Every task group matching ``query``, across all pages."""

        def fetch(q: ListTaskGroupsQuery) -> tuple[list[TaskGroup], int | None]:
            resp = self.list_task_groups(q)
            return resp.taskgroups or [], resp.count

        return self._iterate(query, ListTaskGroupsQuery, fetch, page_size, max_items)

    def find_task_groups(self, predicate: Callable[[TaskGroup], bool]) -> list[TaskGroup]:
        """Task groups for which ``predicate`` holds (groups have no name: match on description,
        source/destination bucket, ...)."""
        return [g for g in self.iter_task_groups() if predicate(g)]

    def show_task_group(self, group_id: str) -> TaskGroup:
        """``GET /v2/{project_id}/taskgroups/{group_id}``."""
        return self._get(TaskGroup, self._group(group_id))

    def delete_task_group(self, group_id: str) -> None:
        """``DELETE /v2/{project_id}/taskgroups/{group_id}`` (asynchronous: status 8 -> 9 -> 404)."""
        self._call("DELETE", self._group(group_id))

    def start_task_group(self, group_id: str, body: StartTaskGroupRequest) -> None:
        """``PUT .../taskgroups/{group_id}/start``: resume a paused group (keys are sent again)."""
        self._call("PUT", self._group(group_id, "start"), body=body)

    def stop_task_group(self, group_id: str) -> None:
        """``PUT .../taskgroups/{group_id}/stop``: pause (asynchronous: status 7 -> 3)."""
        self._call("PUT", self._group(group_id, "stop"))

    def retry_task_group(self, group_id: str, body: RetryTaskGroupRequest) -> None:
        """``PUT .../taskgroups/{group_id}/retry``: re-run a failed group."""
        self._call("PUT", self._group(group_id, "retry"), body=body)

    def update_bandwidth_policy(self, group_id: str, body: UpdateBandwidthPolicyRequest) -> None:
        """``PUT .../taskgroups/{group_id}/update``: replace the bandwidth windows ([] removes them)."""
        self._call("PUT", self._group(group_id, "update"), body=body)
