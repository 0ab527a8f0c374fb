"""Wire models of the SMS v3 and OMS v2 APIs: the one place where each API field is declared.

One module per API area (``common``, ``sources``, ``templates``, ``migprojects``, ``tasks``,
``speed_limits``, ``config``, ``oms``). ``RequestModel`` subclasses validate what is sent (and what the
emulator accepts); ``ResponseModel`` subclasses read what comes back and tolerate the unexpected. The
main names are re-exported here; import the rest from their module.
"""

from .common import (
    BatchDeleteRequest,
    DeviceUse,
    EmptyResponse,
    ErrorBody,
    ErrorDetail,
    Firmware,
    IdResponse,
    MigrationType,
    OsType,
    PartitionStyle,
    QueryModel,
    RequestModel,
    ResponseModel,
)
from .migprojects import (
    CreateMigProjectRequest,
    ListMigProjectsQuery,
    ListMigProjectsResponse,
    MigProject,
    UpdateMigProjectRequest,
)
from .sources import (
    InitTargetServer,
    ListSourceServersQuery,
    ListSourceServersResponse,
    MigrationCycle,
    RegisterSourceServerRequest,
    SourceOverviewResponse,
    SourceServerDetail,
    SourceServerSummary,
    SourceState,
    UpdateSourceServerRequest,
)
from .templates import (
    CreateTemplateRequest,
    ListTemplatesQuery,
    ListTemplatesResponse,
    ShowTemplateResponse,
    TargetPasswordResponse,
    Template,
    TemplateSpec,
    UpdateTemplateRequest,
)

__all__ = [
    "BatchDeleteRequest",
    "CreateMigProjectRequest",
    "CreateTemplateRequest",
    "DeviceUse",
    "EmptyResponse",
    "ErrorBody",
    "ErrorDetail",
    "Firmware",
    "IdResponse",
    "InitTargetServer",
    "ListMigProjectsQuery",
    "ListMigProjectsResponse",
    "ListSourceServersQuery",
    "ListSourceServersResponse",
    "ListTemplatesQuery",
    "ListTemplatesResponse",
    "MigProject",
    "MigrationCycle",
    "MigrationType",
    "OsType",
    "PartitionStyle",
    "QueryModel",
    "RegisterSourceServerRequest",
    "RequestModel",
    "ResponseModel",
    "ShowTemplateResponse",
    "SourceOverviewResponse",
    "SourceServerDetail",
    "SourceServerSummary",
    "SourceState",
    "TargetPasswordResponse",
    "Template",
    "TemplateSpec",
    "UpdateMigProjectRequest",
    "UpdateSourceServerRequest",
    "UpdateTemplateRequest",
]
