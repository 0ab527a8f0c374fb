"""OMS v2 migration task groups, ``/v2/{project_id}/taskgroups`` (seed 004 for show; the SDK's models
for create, start, retry and the bandwidth update, which the seeds do not cover).

Endpoints: create ``POST .../taskgroups`` (``CreateTaskGroupRequest`` -> ``CreateTaskGroupResponse``),
list ``GET .../taskgroups`` (``ListTaskGroupsQuery`` -> ``ListTaskGroupsResponse``), show
``GET .../taskgroups/{group_id}`` (``TaskGroup``), delete ``DELETE .../{group_id}``, start (resume)
``PUT .../{group_id}/start`` (``StartTaskGroupRequest``), stop ``PUT .../{group_id}/stop`` (no body),
retry ``PUT .../{group_id}/retry`` (``RetryTaskGroupRequest``), bandwidth update
``PUT .../{group_id}/update`` (``UpdateBandwidthPolicyRequest``); those five answer ``{}``.

Secrets (source/destination keys, connection strings, CDN keys) travel in request bodies only and are
hidden from ``repr``; the service never returns them.

Contradictions resolved here:

* ``migrate_since`` is documented in **seconds** for create (SDK) and in **milliseconds** for show/list
  (seed 004 and SDK): each model keeps its wire unit and says so; convert when comparing.
* ``cloud_type`` is spelled ``Aliyun``/``HuaweiCloud``/``URLSource`` in the create description and
  upper case in responses: requests accept either case (kept as sent), ``CloudType`` holds the upper
  case spellings.
* ``error_reason`` is "an empty string" unless the group failed, but the example returns ``null``:
  both are read as "no error".
* Counters (``*_num``, ``*_size``, ``*_time``) may be ``null`` before OMS computes them: ``None`` means
  unknown, not 0.
* ``enable_kms`` (encrypt the destination objects with KMS) is in the show answer (seed 004, Table
  3) but not in the SDK's create model; the Huawei Terraform provider sends it on create and reads it
  back: both the create body and the group accept it.
* ``src_node.cloud_type`` defaults to ``ALIYUN`` (seed 004, Table 5); the SDK and the Terraform
  provider send ``Aliyun``/``HuaweiCloud`` spellings on create.
"""

from __future__ import annotations

import enum
from typing import Self

from pydantic import Field, field_validator, model_validator

from .common import (
    HHMM_PATTERN,
    QueryModel,
    RequestModel,
    ResponseModel,
    check_window_order,
    check_windows_disjoint,
    server_default,
)

__all__ = [
    "BANDWIDTH_MAX_BYTES",
    "BANDWIDTH_MIN_BYTES",
    "BandwidthPolicy",
    "BandwidthPolicySpec",
    "CdnAuthenticationType",
    "CloudType",
    "ConsistencyCheck",
    "CreateTaskGroupRequest",
    "CreateTaskGroupResponse",
    "CryptoType",
    "DstStoragePolicy",
    "ErrorReason",
    "FailedObjectRecord",
    "ListFile",
    "ListFileSpec",
    "ListTaskGroupsQuery",
    "ListTaskGroupsResponse",
    "ObjectOverwriteMode",
    "RetryTaskGroupRequest",
    "SmnConfigSpec",
    "SmnInfo",
    "SourceCdn",
    "SourceCdnSpec",
    "StartTaskGroupRequest",
    "TaskGroup",
    "TaskGroupDstNode",
    "TaskGroupDstNodeSpec",
    "TaskGroupSrcNode",
    "TaskGroupSrcNodeSpec",
    "TaskGroupStatus",
    "TaskGroupType",
    "UpdateBandwidthPolicyRequest",
]

BANDWIDTH_MIN_BYTES = 1048576  # 1 MB/s
BANDWIDTH_MAX_BYTES = 209715200  # 200 MB/s
MAX_BANDWIDTH_WINDOWS = 5
# Characters a task-group description must not contain.
DESCRIPTION_PATTERN = r"^[^\^<>&\"']*$"


class TaskGroupStatus(enum.IntEnum):
    """``status`` of a task group. Stable: 0, 3, 4, 5, 6; transient: 1, 2, 7, 8, 9."""

    WAITING = 0
    EXECUTING = 1  # creating its tasks
    MONITORING = 2  # all tasks created, running
    PAUSED = 3
    CREATE_FAILED = 4
    MIGRATE_FAILED = 5  # error_reason says why
    COMPLETED = 6
    PAUSING = 7
    WAITING_DELETE = 8
    DELETING = 9  # then GET answers 404


class TaskGroupType(enum.StrEnum):
    LIST = "LIST"  # objects named in an object-list file
    URL_LIST = "URL_LIST"  # objects in a URL-list file
    PREFIX = "PREFIX"  # objects matching prefixes (the default)


class CloudType(enum.StrEnum):
    AWS = "AWS"
    AZURE = "AZURE"
    ALIYUN = "ALIYUN"
    TENCENT = "TENCENT"
    HUAWEICLOUD = "HUAWEICLOUD"
    QINGCLOUD = "QINGCLOUD"
    KINGSOFTCLOUD = "KINGSOFTCLOUD"
    BAIDU = "BAIDU"
    QINIU = "QINIU"
    URLSOURCE = "URLSOURCE"
    UCLOUD = "UCLOUD"
    GOOGLE = "GOOGLE"


class ObjectOverwriteMode(enum.StrEnum):
    NO_OVERWRITE = "NO_OVERWRITE"  # always skip, keep the destination object
    SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE = "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE"  # default
    CRC64_COMPARISON_OVERWRITE = "CRC64_COMPARISON_OVERWRITE"
    FULL_OVERWRITE = "FULL_OVERWRITE"


class DstStoragePolicy(enum.StrEnum):
    STANDARD = "STANDARD"  # default
    IA = "IA"
    ARCHIVE = "ARCHIVE"
    DEEP_ARCHIVE = "DEEP_ARCHIVE"
    SRC_STORAGE_MAPPING = "SRC_STORAGE_MAPPING"


class ConsistencyCheck(enum.StrEnum):
    SIZE_LAST_MODIFIED = "size_last_modified"  # default
    CRC64 = "crc64"
    NO_CHECK = "no_check"  # HTTP/HTTPS sources only


class CdnAuthenticationType(enum.StrEnum):
    NONE = "NONE"
    QINIU_PRIVATE_AUTHENTICATION = "QINIU_PRIVATE_AUTHENTICATION"
    ALIYUN_OSS_A = "ALIYUN_OSS_A"
    ALIYUN_OSS_B = "ALIYUN_OSS_B"
    ALIYUN_OSS_C = "ALIYUN_OSS_C"
    KSYUN_PRIVATE_AUTHENTICATION = "KSYUN_PRIVATE_AUTHENTICATION"
    AZURE_SAS_TOKEN = "AZURE_SAS_TOKEN"
    TENCENT_COS_A = "TENCENT_COS_A"
    TENCENT_COS_B = "TENCENT_COS_B"
    TENCENT_COS_C = "TENCENT_COS_C"
    TENCENT_COS_D = "TENCENT_COS_D"


class CryptoType(enum.StrEnum):
    """How a key in the request is protected."""

    DEFAULT = "DEFAULT"
    KMS = "KMS"


class CdnProtocol(enum.StrEnum):
    HTTP = "http"
    HTTPS = "https"


class SmnTrigger(enum.StrEnum):
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


class SmnLanguage(enum.StrEnum):
    """Console language of an SMN message ("zh-cn or en-us", the SDK's SmnConfig)."""

    ZH_CN = "zh-cn"
    EN_US = "en-us"


# --- bandwidth windows -----------------------------------------------------------------------------


class BandwidthPolicy(ResponseModel):
    """A traffic-limit window (``BandwidthPolicyDto``)."""

    start: str | None = Field(None, description="Window start, hh:mm, e.g. 12:03.")
    end: str | None = Field(None, description="Window end, hh:mm.")
    max_bandwidth: int | None = Field(
        None, description="Maximum bandwidth in the window, bytes/s (1048576-209715200, i.e. 1-200 MB/s)."
    )


class BandwidthPolicySpec(BandwidthPolicy, RequestModel):
    start: str = Field(..., pattern=HHMM_PATTERN)
    end: str = Field(..., pattern=HHMM_PATTERN)
    max_bandwidth: int = Field(..., ge=BANDWIDTH_MIN_BYTES, le=BANDWIDTH_MAX_BYTES)

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        check_window_order(self.start, self.end)
        return self


def _check_policy(policy: list[BandwidthPolicySpec] | None) -> list[BandwidthPolicySpec] | None:
    if policy is not None:
        check_windows_disjoint([(window.start, window.end) for window in policy])
    return policy


class UpdateBandwidthPolicyRequest(RequestModel):
    """Body of ``PUT /v2/{project_id}/taskgroups/{group_id}/update``: replaces the windows."""

    bandwidth_policy: list[BandwidthPolicySpec] = Field(
        ...,
        max_length=MAX_BANDWIDTH_WINDOWS,
        description="Up to 5 non-overlapping windows; [] removes limits.",
    )

    _disjoint = field_validator("bandwidth_policy")(_check_policy)


# --- create ----------------------------------------------------------------------------------------


class ListFile(ResponseModel):
    """Where the object-list or URL-list files are stored."""

    list_file_key: str | None = Field(None, description="Object name(s) of the list file(s).")
    obs_bucket: str | None = Field(
        None, description="OBS bucket holding the list files; must be in the destination bucket's region."
    )
    list_file_num: str | None = Field(None, description="Number of list files (a string on the wire).")


class ListFileSpec(ListFile, RequestModel):
    list_file_key: str = Field(..., min_length=1, max_length=1024)
    obs_bucket: str = Field(..., max_length=1024)
    list_file_num: str | None = Field(None, max_length=65535)


class TaskGroupSrcNode(ResponseModel):
    """Source of a task group as OMS returns it (``TaskGroupSrcNodeResp``)."""

    bucket: str | None = Field(None, description="Source bucket.")
    cloud_type: str | None = Field(None, description="Source cloud provider (see CloudType); default ALIYUN.")
    region: str | None = Field(None, description="Region of the source bucket.")
    app_id: str | None = Field(None, description="Tencent Cloud APPID (Tencent sources only).")
    object_key: list[str] | None = Field(
        None, description='Prefixes to migrate when task_type is PREFIX; [""] migrates the whole bucket.'
    )
    list_file: ListFile | None = Field(None, description="List-file settings (task_type LIST or URL_LIST).")


class TaskGroupSrcNodeSpec(TaskGroupSrcNode, RequestModel):
    """Source of a new task group (``TaskGroupSrcNode``)."""

    ak: str | None = Field(
        None, max_length=100, repr=False, description="Access key of the source bucket (secret)."
    )
    sk: str | None = Field(
        None, max_length=100, repr=False, description="Secret key of the source bucket (secret)."
    )
    connection_string: str | None = Field(
        None, repr=False, description="Connection string for Azure Blob authentication (secret)."
    )
    json_auth_file: str | None = Field(
        None, repr=False, description="Credentials file for Google Cloud Storage authentication (secret)."
    )
    crypto_type: CryptoType | None = Field(None, description="How the keys are protected: DEFAULT or KMS.")
    kms_key_id: str | None = Field(None, max_length=36, description="KMS key ID (36 characters).")
    bucket: str | None = Field(None, max_length=1024)
    cloud_type: str | None = Field(None, max_length=255, json_schema_extra=server_default(CloudType.ALIYUN))
    region: str | None = Field(None, max_length=100)
    app_id: str | None = Field(None, max_length=255)
    object_key: list[str] | None = Field(None, max_length=500)
    list_file: ListFileSpec | None = None

    @field_validator("cloud_type")
    @classmethod
    def _known_cloud(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in CloudType.__members__:
            raise ValueError(f"unknown cloud_type {value!r}; expected one of {', '.join(CloudType)}")
        return value

    @field_validator("object_key")
    @classmethod
    def _prefix_length(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(len(prefix) > 1024 for prefix in value):
            raise ValueError("each prefix must be at most 1024 characters")
        return value


class TaskGroupDstNode(ResponseModel):
    """Destination of a task group as OMS returns it (``TaskGroupDstNodeResp``)."""

    bucket: str | None = Field(None, description="Destination OBS bucket.")
    region: str | None = Field(None, description="Region of the destination bucket (that of the endpoint).")
    save_prefix: str | None = Field(
        None, description="Prefix put in front of each object key (the result must fit in 1024 characters)."
    )


class TaskGroupDstNodeSpec(TaskGroupDstNode, RequestModel):
    """Destination of a new task group (``TaskGroupDstNode``)."""

    ak: str = Field(..., max_length=100, repr=False, description="Access key of the destination (secret).")
    sk: str = Field(..., max_length=100, repr=False, description="Secret key of the destination (secret).")
    crypto_type: CryptoType | None = Field(None, description="How the keys are protected: DEFAULT or KMS.")
    kms_key_id: str | None = Field(None, max_length=36, description="KMS key ID (36 characters).")
    region: str = Field(..., max_length=100)
    bucket: str = Field(..., max_length=1024)
    cloud_type: str | None = Field(None, max_length=255, description="Destination cloud; default HEC.")
    save_prefix: str | None = Field(None, max_length=1024)


class SmnConfigSpec(RequestModel):
    """SMN notification of a new task group (``SmnConfig``)."""

    language: SmnLanguage | None = Field(None, description="Console language of the message: zh-cn or en-us.")
    topic_urn: str = Field(..., description="URN of the SMN topic to notify.")
    trigger_conditions: list[SmnTrigger] = Field(
        ..., description="When to notify: SUCCESS and/or FAILURE of the migration."
    )
    message_template_name: str | None = Field(None, description="Send with this SMN message template.")


class SmnInfo(ResponseModel):
    """Outcome of the SMN notification, as OMS returns it."""

    notify_result: bool | None = Field(None, description="The message was sent after completion.")
    notify_error_message: str | None = Field(None, description="Why sending failed (empty on success).")
    topic_name: str | None = Field(None, description="SMN topic name.")


class SourceCdn(ResponseModel):
    """CDN through which source objects are fetched (``SourceCdnResp``)."""

    domain: str | None = Field(None, description="CDN domain to fetch objects from.")
    protocol: str | None = Field(None, description="http or https.")
    authentication_type: str | None = Field(
        None, description="CDN authentication (see CdnAuthenticationType)."
    )


class SourceCdnSpec(SourceCdn, RequestModel):
    domain: str = Field(..., max_length=1024)
    protocol: CdnProtocol = Field(...)
    authentication_type: CdnAuthenticationType = Field(...)
    authentication_key: str | None = Field(
        None, repr=False, description="CDN authentication key (secret), when the CDN requires one."
    )
    crypto_type: CryptoType | None = Field(None, description="How the key is protected: DEFAULT or KMS.")
    kms_key_id: str | None = Field(None, max_length=36, description="KMS key ID (36 characters).")


class _TaskGroupSettings(ResponseModel):
    """Settings shared by the create body and the group OMS returns."""

    description: str | None = Field(
        None, description="Description, at most 255 characters, without ^ < > & \" '."
    )
    enable_metadata_migration: bool | None = Field(
        None, description="Migrate object metadata (Content-Type is always migrated). Default false."
    )
    enable_failed_object_recording: bool | None = Field(None, description="Record the objects that failed.")
    enable_restore: bool | None = Field(
        None, description="Restore archived source objects before migrating them (slow); otherwise they fail."
    )
    enable_kms: bool | None = Field(
        None, description="Encrypt the objects in the destination OBS bucket with KMS. Default false."
    )
    task_type: str | None = Field(None, description="LIST, URL_LIST or PREFIX (the default).")
    bandwidth_policy: list[BandwidthPolicy] | None = Field(
        None, description="Traffic-limit windows: up to 5, non-overlapping."
    )
    object_overwrite_mode: str | None = Field(
        None,
        description=(
            "What to do when the destination already has the object: NO_OVERWRITE, "
            "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE (default), CRC64_COMPARISON_OVERWRITE, FULL_OVERWRITE."
        ),
    )
    dst_storage_policy: str | None = Field(
        None,
        description="OBS storage class: STANDARD (default), IA, ARCHIVE, DEEP_ARCHIVE, SRC_STORAGE_MAPPING.",
    )
    consistency_check: str | None = Field(
        None, description="Consistency check: size_last_modified (default), crc64, no_check."
    )
    enable_requester_pays: bool | None = Field(
        None, description="Requester Pays: the requester pays for requests and traffic."
    )


class CreateTaskGroupRequest(_TaskGroupSettings, RequestModel):
    """Body of ``POST /v2/{project_id}/taskgroups`` (SDK ``CreateTaskGroupReq``)."""

    src_node: TaskGroupSrcNodeSpec = Field(..., description="Source of the migration.")
    dst_node: TaskGroupDstNodeSpec = Field(..., description="Destination of the migration.")
    description: str | None = Field(None, max_length=255, pattern=DESCRIPTION_PATTERN)
    task_type: TaskGroupType | None = Field(None)
    bandwidth_policy: list[BandwidthPolicySpec] | None = Field(  # type: ignore[assignment]
        None, max_length=MAX_BANDWIDTH_WINDOWS
    )
    smn_config: SmnConfigSpec | None = Field(None, description="SMN notification settings.")
    source_cdn: SourceCdnSpec | None = Field(None, description="Fetch source objects through this CDN.")
    migrate_since: int | None = Field(
        None,
        ge=0,
        description=(
            "Only migrate objects modified after this time, epoch SECONDS (the create call's unit; "
            "show returns milliseconds). Unset: no time filter."
        ),
    )
    object_overwrite_mode: ObjectOverwriteMode | None = Field(None)
    dst_storage_policy: DstStoragePolicy | None = Field(None)
    consistency_check: ConsistencyCheck | None = Field(None)

    _disjoint = field_validator("bandwidth_policy")(_check_policy)

    @model_validator(mode="after")
    def _source_matches_type(self) -> Self:
        task_type = self.task_type or TaskGroupType.PREFIX
        if task_type in (TaskGroupType.LIST, TaskGroupType.URL_LIST) and self.src_node.list_file is None:
            raise ValueError(f"src_node.list_file is required when task_type is {task_type.value}")
        if task_type is not TaskGroupType.URL_LIST:
            node = self.src_node
            has_keys = node.ak is not None and node.sk is not None
            if not (has_keys or node.connection_string or node.json_auth_file):
                raise ValueError(
                    "src_node needs ak and sk (or connection_string / json_auth_file) "
                    f"when task_type is {task_type.value}"
                )
        return self


class CreateTaskGroupResponse(ResponseModel):
    group_id: str | None = Field(None, description="ID of the new task group.")


class _KeysForRun(RequestModel):
    """Keys OMS needs again to (re)start a group: it does not keep them."""

    src_ak: str | None = Field(None, max_length=100, repr=False, description="Source access key (secret).")
    src_sk: str | None = Field(None, max_length=100, repr=False, description="Source secret key (secret).")
    src_crypto_type: CryptoType | None = Field(None, description="How the source keys are protected.")
    src_kms_key_id: str | None = Field(None, max_length=36, description="KMS key ID of the source keys.")
    connection_string: str | None = Field(
        None, repr=False, description="Azure Blob connection string (secret)."
    )
    json_auth_file: str | None = Field(
        None, repr=False, description="Google Cloud Storage credentials (secret)."
    )
    dst_ak: str | None = Field(
        None, max_length=100, repr=False, description="Destination access key (secret)."
    )
    dst_sk: str | None = Field(
        None, max_length=100, repr=False, description="Destination secret key (secret)."
    )
    dst_crypto_type: CryptoType | None = Field(None, description="How the destination keys are protected.")
    dst_kms_key_id: str | None = Field(None, max_length=36, description="KMS key ID of the destination keys.")
    source_cdn_authentication_key: str | None = Field(
        None, repr=False, description="CDN authentication key (secret)."
    )
    source_cdn_crypto_type: CryptoType | None = Field(None, description="How the CDN key is protected.")
    source_cdn_kms_key_id: str | None = Field(None, max_length=36, description="KMS key ID of the CDN key.")


class StartTaskGroupRequest(_KeysForRun):
    """Body of ``PUT /v2/{project_id}/taskgroups/{group_id}/start`` (resume a paused group)."""

    # Source keys are not needed for URL-list groups; destination keys always are.
    dst_ak: str = Field(..., max_length=100, repr=False)
    dst_sk: str = Field(..., max_length=100, repr=False)


class RetryTaskGroupRequest(_KeysForRun):
    """Body of ``PUT /v2/{project_id}/taskgroups/{group_id}/retry`` (a failed group)."""

    migrate_failed_object: bool | None = Field(
        None,
        description="true: retransmit only the failed objects; false/unset: migrate everything again "
        "(objects already at the destination are skipped).",
    )


class ListTaskGroupsQuery(QueryModel):
    """Query of ``GET /v2/{project_id}/taskgroups``."""

    limit: int | None = Field(
        None, ge=1, le=100, description="Page size, at most 100 (default 10).",
        json_schema_extra=server_default(10),
    )
    offset: int | None = Field(
        None, ge=0, description="Index of the first group returned (default 0).",
        json_schema_extra=server_default(0),
    )
    status: TaskGroupStatus | None = Field(None, description="Only groups in this status.")


# --- read ------------------------------------------------------------------------------------------


class ErrorReason(ResponseModel):
    error_code: str | None = Field(None, description="Error code of the failure.")
    error_msg: str | None = Field(None, description="Cause of the failure.")


class FailedObjectRecord(ResponseModel):
    result: bool | None = Field(None, description="Whether failed objects can be retransmitted.")
    list_file_key: str | None = Field(None, description="Path of the failed-object list.")
    error_code: str | None = Field(None, description="Error code if uploading that list failed.")


class TaskGroup(_TaskGroupSettings):
    """A task group as show (``ShowTaskGroupResponse``) and list (``TaskGroupResp``) return it."""

    group_id: str | None = Field(None, description="Task-group ID.")
    status: int | None = Field(None, description="Status 0-9 (see TaskGroupStatus).")
    error_reason: ErrorReason | str | None = Field(
        None, description="Why the group failed (status 5); null or empty otherwise."
    )
    src_node: TaskGroupSrcNode | None = Field(None, description="Source.")
    dst_node: TaskGroupDstNode | None = Field(None, description="Destination.")
    smn_config: SmnInfo | None = Field(None, description="Outcome of the SMN notification.")
    source_cdn: SourceCdn | None = Field(None, description="CDN used to fetch objects, if enabled.")
    migrate_since: int | None = Field(
        None, description="Only objects modified after this time are migrated, epoch ms (0: no filter)."
    )
    migrate_speed: int | None = Field(None, description="Migration speed, bytes/s.")
    total_time: int | None = Field(None, description="Total elapsed time, ms.")
    start_time: int | None = Field(None, description="Start time, epoch ms.")
    total_task_num: int | None = Field(None, description="Tasks in the group.")
    create_task_num: int | None = Field(None, description="Tasks created so far.")
    failed_task_num: int | None = Field(None, description="Failed tasks.")
    complete_task_num: int | None = Field(None, description="Completed tasks.")
    paused_task_num: int | None = Field(None, description="Paused tasks.")
    executing_task_num: int | None = Field(None, description="Running tasks.")
    waiting_task_num: int | None = Field(None, description="Waiting tasks.")
    total_num: int | None = Field(None, description="Objects to migrate.")
    create_complete_num: int | None = Field(None, description="Objects covered by the tasks created so far.")
    success_num: int | None = Field(None, description="Objects migrated.")
    fail_num: int | None = Field(None, description="Objects that failed.")
    skip_num: int | None = Field(None, description="Objects skipped.")
    total_size: int | None = Field(None, description="Total bytes to migrate.")
    create_complete_size: int | None = Field(None, description="Bytes covered by the tasks created so far.")
    complete_size: int | None = Field(None, description="Bytes migrated.")
    failed_object_record: FailedObjectRecord | None = Field(None, description="Failed-object list record.")
    obs_system: str | None = Field(None, description="Destination OBS type: BUCKET or PFS.")

    @property
    def status_enum(self) -> TaskGroupStatus | None:
        """``status`` as a ``TaskGroupStatus`` (``None`` if absent or unknown)."""
        try:
            return None if self.status is None else TaskGroupStatus(self.status)
        except ValueError:
            return None


class ListTaskGroupsResponse(ResponseModel):
    count: int | None = Field(None, description="Number of groups matching the query.")
    taskgroups: list[TaskGroup] | None = Field(None, description="The page of task groups.")
