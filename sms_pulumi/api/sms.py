"""SmsClient: typed methods for the SMS v3 endpoints the project uses.

Base URL ``https://sms.{region}.myhuaweicloud.com`` or the ``smsEndpoint`` override (the emulator).
SMS is a global service: no path carries a project id; ``X-Project-Id`` is sent when one is configured.

Methods take and return the pydantic models of :mod:`sms_pulumi.api.models`. Calls that answer with
the documented ``{}`` (update, delete, action) return ``None``. Errors are
:class:`~sms_pulumi.api.errors.ApiError` subclasses; use :func:`~sms_pulumi.api.errors.is_not_found`
with the kind of object addressed (``task``, ``template``, ``migproject``, ``source``).

Retries: GET/PUT/DELETE and the POSTs that replace state (speed limits, configuration settings,
actions, batch deletes) are retried on 429/5xx/transport errors. Creates (``POST /v3/tasks``,
``/v3/vm/templates``, ``/v3/migprojects``, ``/v3/sources``) are sent with ``idempotent=False``: they are
retried only when the server provably did not process them; otherwise the error surfaces and the
caller must look the object up (``find_*_by_name``) before creating it again.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.errors import ApiError
from sms_pulumi.api.http import ServiceClient, parse_model, path_param
from sms_pulumi.api.models.common import BatchDeleteRequest, IdResponse
from sms_pulumi.api.models.config import (
    AgentConfigResponse,
    ConfigSettingQuery,
    ConfigSettingResponse,
    SetConfigSettingRequest,
)
from sms_pulumi.api.models.migprojects import (
    CreateMigProjectRequest,
    ListMigProjectsQuery,
    ListMigProjectsResponse,
    MigProject,
    UpdateMigProjectRequest,
)
from sms_pulumi.api.models.sources import (
    ListErrorsQuery,
    ListErrorsResponse,
    ListSourceServersQuery,
    ListSourceServersResponse,
    MigrationError,
    RegisterSourceServerRequest,
    SourceOverviewResponse,
    SourceServerDetail,
    SourceServerSummary,
    UpdateSourceServerRequest,
)
from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest, SpeedLimitsResponse
from sms_pulumi.api.models.tasks import (
    ConsistencyResultResponse,
    CreateTaskRequest,
    ExportConsistencyResultsRequest,
    ListTasksQuery,
    ListTasksResponse,
    PassphraseResponse,
    TaskAction,
    TaskActionRequest,
    TaskDetail,
    TaskSummary,
    UpdateTaskRequest,
    UploadConsistencyResultRequest,
    UploadLogRequest,
)
from sms_pulumi.api.models.templates import (
    CreateTemplateRequest,
    ListTemplatesQuery,
    ListTemplatesResponse,
    ShowTemplateResponse,
    TargetPasswordResponse,
    Template,
    UpdateTemplateRequest,
)

__all__ = ["NO_SPEED_LIMIT", "PAGE_SIZES", "SmsClient"]

NO_SPEED_LIMIT = "SMS.6302"  # "No migration speed limit found."

# Largest page each list endpoint accepts (the manual's limit maxima).
PAGE_SIZES = {"sources": 200, "templates": 100, "migprojects": 100, "tasks": 200, "errors": 100}


class SmsClient(ServiceClient):
    """Client of the SMS v3 API. Cheap to create; shares the process-wide connection pool."""

    service = "SMS"

    def __init__(
        self,
        settings: ProviderSettings,
        *,
        auth: httpx.Auth | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        super().__init__(settings, settings.sms_base_url, auth=auth, client=client)

    # ----------------------------------------------------------------------------- source servers

    def register_source(self, body: RegisterSourceServerRequest) -> IdResponse:
        """``POST /v3/sources`` (what the Agent does; the emulator uses it to seed sources)."""
        return self._send(IdResponse, "POST", "/v3/sources", body, idempotent=False)

    def list_sources(self, query: ListSourceServersQuery | None = None) -> ListSourceServersResponse:
        """``GET /v3/sources``: one page."""
        return self._get(ListSourceServersResponse, "/v3/sources", self._params(query))

    def iter_sources(
        self,
        query: ListSourceServersQuery | None = None,
        *,
        page_size: int = PAGE_SIZES["sources"],
        max_items: int | None = None,
    ) -> Iterator[SourceServerSummary]:
        """Every source server matching ``query``, across all pages."""

        def fetch(q: ListSourceServersQuery) -> tuple[list[SourceServerSummary], int | None]:
            resp = self.list_sources(q)
            return resp.source_servers or [], resp.count

        return self._iterate(query, ListSourceServersQuery, fetch, page_size, max_items)

    def show_source(self, source_id: str) -> SourceServerDetail:
        """``GET /v3/sources/{source_id}``."""
        return self._get(SourceServerDetail, f"/v3/sources/{path_param(source_id)}")

    def source_overview(self) -> SourceOverviewResponse:
        """``GET /v3/sources/overview``: number of sources per state."""
        return self._get(SourceOverviewResponse, "/v3/sources/overview")

    def update_source(self, source_id: str, body: UpdateSourceServerRequest) -> None:
        """``PUT /v3/sources/{source_id}`` (name, project, disk layout)."""
        self._call("PUT", f"/v3/sources/{path_param(source_id)}", body=body)

    def delete_source(self, source_id: str) -> None:
        """``DELETE /v3/sources/{source_id}``."""
        self._call("DELETE", f"/v3/sources/{path_param(source_id)}")

    def delete_sources(self, ids: list[str]) -> None:
        """``POST /v3/sources/delete`` (batch)."""
        self._call("POST", "/v3/sources/delete", body=BatchDeleteRequest(ids=ids), idempotent=True)

    def list_errors(self, query: ListErrorsQuery | None = None) -> ListErrorsResponse:
        """``GET /v3/errors`` (5.3.1): one page of the sources whose migration reported an error."""
        return self._get(ListErrorsResponse, "/v3/errors", self._params(query))

    def iter_errors(
        self,
        query: ListErrorsQuery | None = None,
        *,
        page_size: int = PAGE_SIZES["errors"],
        max_items: int | None = None,
    ) -> Iterator[MigrationError]:
        """Every source with a migration error, across all pages."""

        def fetch(q: ListErrorsQuery) -> tuple[list[MigrationError], int | None]:
            resp = self.list_errors(q)
            return resp.migration_errors or [], resp.count

        return self._iterate(query, ListErrorsQuery, fetch, page_size, max_items)

    def find_sources_by_name(self, name: str) -> list[SourceServerSummary]:
        """Sources whose name is exactly ``name`` (the list filter may match more loosely)."""
        return [s for s in self.iter_sources(ListSourceServersQuery(name=name)) if s.name == name]

    # ---------------------------------------------------------------------------------- templates

    def create_template(self, body: CreateTemplateRequest) -> IdResponse:
        """``POST /v3/vm/templates`` (not blindly retried: see the module docstring)."""
        return self._send(IdResponse, "POST", "/v3/vm/templates", body, idempotent=False)

    def list_templates(self, query: ListTemplatesQuery | None = None) -> ListTemplatesResponse:
        """``GET /v3/vm/templates``: one page."""
        return self._get(ListTemplatesResponse, "/v3/vm/templates", self._params(query))

    def iter_templates(
        self,
        query: ListTemplatesQuery | None = None,
        *,
        page_size: int = PAGE_SIZES["templates"],
        max_items: int | None = None,
    ) -> Iterator[Template]:
        """Every template matching ``query``, across all pages."""

        def fetch(q: ListTemplatesQuery) -> tuple[list[Template], int | None]:
            resp = self.list_templates(q)
            return resp.templates or [], resp.count

        return self._iterate(query, ListTemplatesQuery, fetch, page_size, max_items)

    def show_template(self, template_id: str) -> Template:
        """``GET /v3/vm/templates/{id}`` (the ``template`` wrapper is removed)."""
        path = f"/v3/vm/templates/{path_param(template_id)}"
        wrapper = self._get(ShowTemplateResponse, path)
        if wrapper.template is not None:
            return wrapper.template
        # Tolerate a bare object (some gateways unwrap).
        return parse_model(Template, wrapper.model_extra or {}, method="GET", path=path, service=self.service)

    def update_template(self, template_id: str, body: UpdateTemplateRequest) -> None:
        """``PUT /v3/vm/templates/{id}``."""
        self._call("PUT", f"/v3/vm/templates/{path_param(template_id)}", body=body)

    def delete_template(self, template_id: str) -> None:
        """``DELETE /v3/vm/templates/{id}``."""
        self._call("DELETE", f"/v3/vm/templates/{path_param(template_id)}")

    def delete_templates(self, ids: list[str]) -> None:
        """``POST /v3/vm/templates/delete`` (batch)."""
        self._call("POST", "/v3/vm/templates/delete", body=BatchDeleteRequest(ids=ids), idempotent=True)

    def show_target_password(self, template_id: str) -> TargetPasswordResponse:
        """``GET /v3/vm/templates/{id}/target-password`` (the result holds a secret)."""
        path = f"/v3/vm/templates/{path_param(template_id)}/target-password"
        return self._get(TargetPasswordResponse, path)

    def find_templates_by_name(self, name: str) -> list[Template]:
        """Templates whose name is exactly ``name``."""
        return [t for t in self.iter_templates(ListTemplatesQuery(name=name)) if t.name == name]

    # ------------------------------------------------------------------------- migration projects

    def create_migproject(self, body: CreateMigProjectRequest) -> IdResponse:
        """``POST /v3/migprojects`` (not blindly retried)."""
        return self._send(IdResponse, "POST", "/v3/migprojects", body, idempotent=False)

    def list_migprojects(self, query: ListMigProjectsQuery | None = None) -> ListMigProjectsResponse:
        """``GET /v3/migprojects``: one page."""
        return self._get(ListMigProjectsResponse, "/v3/migprojects", self._params(query))

    def iter_migprojects(
        self,
        query: ListMigProjectsQuery | None = None,
        *,
        page_size: int = PAGE_SIZES["migprojects"],
        max_items: int | None = None,
    ) -> Iterator[MigProject]:
        """Every migration project, across all pages."""

        def fetch(q: ListMigProjectsQuery) -> tuple[list[MigProject], int | None]:
            resp = self.list_migprojects(q)
            return resp.migprojects or [], resp.count

        return self._iterate(query, ListMigProjectsQuery, fetch, page_size, max_items)

    def show_migproject(self, migproject_id: str) -> MigProject:
        """``GET /v3/migprojects/{id}`` (a bare object)."""
        return self._get(MigProject, f"/v3/migprojects/{path_param(migproject_id)}")

    def update_migproject(self, migproject_id: str, body: UpdateMigProjectRequest) -> None:
        """``PUT /v3/migprojects/{id}``."""
        self._call("PUT", f"/v3/migprojects/{path_param(migproject_id)}", body=body)

    def delete_migproject(self, migproject_id: str) -> None:
        """``DELETE /v3/migprojects/{id}``."""
        self._call("DELETE", f"/v3/migprojects/{path_param(migproject_id)}")

    def set_default_migproject(self, migproject_id: str) -> None:
        """``PUT /v3/migprojects/{id}/default`` (no body)."""
        self._call("PUT", f"/v3/migprojects/{path_param(migproject_id)}/default")

    def find_migprojects_by_name(self, name: str) -> list[MigProject]:
        """Migration projects whose name is exactly ``name`` (the list has no name filter)."""
        return [p for p in self.iter_migprojects() if p.name == name]

    # -------------------------------------------------------------------------------------- tasks

    def create_task(self, body: CreateTaskRequest) -> IdResponse:
        """``POST /v3/tasks`` (not blindly retried: look up by name / source before re-creating)."""
        return self._send(IdResponse, "POST", "/v3/tasks", body, idempotent=False)

    def list_tasks(self, query: ListTasksQuery | None = None) -> ListTasksResponse:
        """``GET /v3/tasks``: one page."""
        return self._get(ListTasksResponse, "/v3/tasks", self._params(query))

    def iter_tasks(
        self,
        query: ListTasksQuery | None = None,
        *,
        page_size: int = PAGE_SIZES["tasks"],
        max_items: int | None = None,
    ) -> Iterator[TaskSummary]:
        """Every task matching ``query``, across all pages."""

        def fetch(q: ListTasksQuery) -> tuple[list[TaskSummary], int | None]:
            resp = self.list_tasks(q)
            return resp.tasks or [], resp.count

        return self._iterate(query, ListTasksQuery, fetch, page_size, max_items)

    def show_task(self, task_id: str) -> TaskDetail:
        """``GET /v3/tasks/{task_id}``."""
        return self._get(TaskDetail, f"/v3/tasks/{path_param(task_id)}")

    def update_task(self, task_id: str, body: UpdateTaskRequest) -> IdResponse:
        """``PUT /v3/tasks/{task_id}`` (answers ``{"id": ...}`` or ``{}``)."""
        return self._send(IdResponse, "PUT", f"/v3/tasks/{path_param(task_id)}", body)

    def delete_task(self, task_id: str) -> None:
        """``DELETE /v3/tasks/{task_id}``: a 200 means the task is gone (manual 4.3)."""
        self._call("DELETE", f"/v3/tasks/{path_param(task_id)}")

    def delete_tasks(self, ids: list[str]) -> None:
        """``POST /v3/tasks/delete`` (batch)."""
        self._call("POST", "/v3/tasks/delete", body=BatchDeleteRequest(ids=ids), idempotent=True)

    def task_action(self, task_id: str, body: TaskActionRequest | TaskAction | str) -> None:
        """``POST /v3/tasks/{task_id}/action``: start, stop, test (cut-over), clone_test (give
        ``template_id``), restart, migration_test, clear, skip, network_check.

        Retried like an idempotent call: repeating an action the server already applied answers a
        state error (e.g. SMS.7713 / SMS.7714), which the caller reconciles by reading the task
        (``errors.is_state_refusal(err, "task.start")``). Which states each action needs and leads to:
        the emulator's AMBIGUITIES.md, "Task actions".
        """
        if not isinstance(body, TaskActionRequest):
            body = TaskActionRequest(operation=TaskAction(body))
        self._call("POST", f"/v3/tasks/{path_param(task_id)}/action", body=body, idempotent=True)

    def show_passphrase(self, task_id: str) -> PassphraseResponse:
        """``GET /v3/tasks/{task_id}/passphrase`` (5.4.11; the result holds a secret). Only while the
        task replicates or synchronises: SMS.9905 otherwise."""
        return self._get(PassphraseResponse, f"/v3/tasks/{path_param(task_id)}/passphrase")

    def upload_task_log(self, task_id: str, body: UploadLogRequest) -> None:
        """``POST /v3/tasks/{task_id}/log`` (5.4.12): the Agent uploads the task's logs to a bucket;
        ``log_collect_status`` in the task list follows it. Not retried blindly (a second upload
        while one runs is SMS.7716)."""
        self._call("POST", f"/v3/tasks/{path_param(task_id)}/log", body=body, idempotent=False)

    def show_consistency_result(self, task_id: str) -> ConsistencyResultResponse:
        """``GET /v3/tasks/{task_id}/consistency-result`` (5.4.13): the checks of a task created (or
        started) with ``is_need_consistency_check``."""
        return self._get(ConsistencyResultResponse, f"/v3/tasks/{path_param(task_id)}/consistency-result")

    def upload_consistency_result(self, task_id: str, body: UploadConsistencyResultRequest) -> None:
        """``POST /v3/tasks/{task_id}/consistency-result`` (5.4.14): what the Agent reports."""
        path = f"/v3/tasks/{path_param(task_id)}/consistency-result"
        self._call("POST", path, body=body, idempotent=False)

    def export_consistency_results(self, body: ExportConsistencyResultsRequest) -> None:
        """``POST /v3/tasks/consistency-results/export`` (5.4.15)."""
        self._call("POST", "/v3/tasks/consistency-results/export", body=body, idempotent=True)

    def find_tasks_by_name(self, name: str) -> list[TaskSummary]:
        """Tasks whose name is exactly ``name``."""
        return [t for t in self.iter_tasks(ListTasksQuery(name=name)) if t.name == name]

    def find_tasks_by_source(self, source_server_id: str) -> list[TaskSummary]:
        """Tasks migrating the given source server."""
        return list(self.iter_tasks(ListTasksQuery(source_server_id=source_server_id)))

    # ------------------------------------------------------------------------------- speed limits

    def show_speed_limits(self, task_id: str) -> SpeedLimitsResponse:
        """``GET /v3/tasks/{task_id}/speed-limit``: the task's bandwidth windows.

        ``SMS.6302`` ("No migration speed limit found") is read as an empty rule list.
        """
        try:
            return self._get(SpeedLimitsResponse, f"/v3/tasks/{path_param(task_id)}/speed-limit")
        except ApiError as exc:
            if exc.error_code == NO_SPEED_LIMIT:
                return SpeedLimitsResponse(speed_limit=[])
            raise

    def set_speed_limits(self, task_id: str, body: SetSpeedLimitsRequest) -> None:
        """``POST /v3/tasks/{task_id}/speed-limit``: replaces the whole rule list (safe to retry)."""
        path = f"/v3/tasks/{path_param(task_id)}/speed-limit"
        self._call("POST", path, body=body, idempotent=True)

    # ------------------------------------------------------------------- configuration settings

    def get_config_setting(
        self, task_id: str, query: ConfigSettingQuery | None = None
    ) -> ConfigSettingResponse:
        """``GET /v3/tasks/{task_id}/configuration-setting``."""
        path = f"/v3/tasks/{path_param(task_id)}/configuration-setting"
        return self._get(ConfigSettingResponse, path, self._params(query))

    def set_config_setting(self, task_id: str, body: SetConfigSettingRequest) -> None:
        """``POST /v3/tasks/{task_id}/configuration-setting`` (upsert by key: safe to retry)."""
        path = f"/v3/tasks/{path_param(task_id)}/configuration-setting"
        self._call("POST", path, body=body, idempotent=True)

    def show_agent_config(self) -> AgentConfigResponse:
        """``GET /v3/config`` (what the Agent reads at start)."""
        return self._get(AgentConfigResponse, "/v3/config")
