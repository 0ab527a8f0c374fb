"""Migration projects, ``/v3/migprojects`` (manual 5.8.1-5.8.6).

A migration project groups source servers and carries the default settings of a migration wave.
Newly registered sources land in the *default* project; ``PUT /v3/migprojects/{id}/default`` (no body,
answered by ``{}``) moves that flag. Create and update are flat bodies (no wrapper).

Manual contradictions resolved here:

* ``use_public_ip``, ``exist_server`` and ``syncing`` are marked required yet have defaults: they are
  required (the client always sends them); their defaults are recorded as ``server_default``.
* The list table describes ``exist_server`` as "servers exist under the project" while create, update
  and show say "the target is an existing server": it is the stored setting, one field, one meaning.
* The manual's update example sends ``"name": 225`` (a number): names are strings, and a number is
  rejected rather than coerced.
* Update accepts the create fields plus an optional ``id`` (the path's ID is authoritative) and is a
  full replacement: five fields are required, the client sends every field.
"""

from __future__ import annotations

from pydantic import Field

from .common import MigrationType, QueryModel, RequestModel, ResponseModel, server_default

__all__ = [
    "CreateMigProjectRequest",
    "ListMigProjectsQuery",
    "ListMigProjectsResponse",
    "MigProject",
    "MigProjectSpec",
    "UpdateMigProjectRequest",
]


class MigProject(ResponseModel):
    """A migration project as list (``MigprojectsResponseBody``) and show return it."""

    id: str | None = Field(None, description="Migration project ID.")
    name: str | None = Field(None, description="Project name, 2-19 characters, unique.")
    description: str | None = Field(None, description="Description.")
    isdefault: bool | None = Field(
        None, description="Whether this is the default project, where newly registered sources land."
    )
    region: str | None = Field(None, description="Region of the targets.")
    start_target_server: bool | None = Field(None, description="Start the target VM after migration.")
    speed_limit: int | None = Field(None, description="Migration speed limit in Mbit/s; 0 means unlimited.")
    use_public_ip: bool | None = Field(None, description="Migrate over the public network (EIP).")
    exist_server: bool | None = Field(
        None, description="Migrate to an existing server (true) or have SMS create one (false)."
    )
    type: str | None = Field(None, description="Migration type: MIGRATE_BLOCK or MIGRATE_FILE.")
    enterprise_project: str | None = Field(None, description="Name of the enterprise project.")
    syncing: bool | None = Field(
        None, description="Keep synchronising continuously after the first full replication."
    )
    start_network_check: bool | None = Field(None, description="Run a network-quality check.")


class MigProjectSpec(MigProject, RequestModel):
    """The settings a client sends on create (manual table 5-329) and update (table 5-351)."""

    # Only the create/update requests carry no ID (update may, see UpdateMigProjectRequest).
    id: None = Field(None, exclude=True, description="Not sent on create.")
    # The SDK adds a character set (CJK, letters, digits, '_' and '-'); the manual gives none.
    name: str = Field(..., min_length=2, max_length=19)
    description: str | None = Field(None, max_length=255)
    # Recommended: leave unset and change the default only with PUT .../default.
    isdefault: bool | None = Field(None, json_schema_extra=server_default(False))
    region: str = Field(..., max_length=255)
    start_target_server: bool | None = Field(None, json_schema_extra=server_default(True))
    speed_limit: int | None = Field(None, ge=0, le=10000)
    use_public_ip: bool = Field(..., json_schema_extra=server_default(True))
    exist_server: bool = Field(..., json_schema_extra=server_default(True))
    type: MigrationType = Field(...)
    enterprise_project: str | None = Field(None, max_length=255, json_schema_extra=server_default("default"))
    syncing: bool = Field(..., json_schema_extra=server_default(False))
    start_network_check: bool | None = None


class CreateMigProjectRequest(MigProjectSpec):
    """Body of ``POST /v3/migprojects`` (manual 5.8.1); answered by ``IdResponse``."""


class UpdateMigProjectRequest(MigProjectSpec):
    """Body of ``PUT /v3/migprojects/{mig_project_id}`` (manual 5.8.5); answered by ``{}``."""

    id: str | None = Field(  # type: ignore[assignment]
        None, min_length=1, max_length=254, description="Project ID (the path's ID is authoritative)."
    )


class ListMigProjectsQuery(QueryModel):
    """Query of ``GET /v3/migprojects`` (manual 5.8.2). There is no name filter: page through."""

    limit: int | None = Field(
        None, ge=0, le=100, description="Page size, 0-100.", json_schema_extra=server_default(50)
    )
    offset: int | None = Field(
        None, ge=0, le=65535, description="Number of records to skip.", json_schema_extra=server_default(0)
    )


class ListMigProjectsResponse(ResponseModel):
    count: int | None = Field(None, description="Number of projects found.")
    migprojects: list[MigProject] | None = Field(None, description="The projects.")
