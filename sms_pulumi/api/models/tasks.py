"""Migration tasks, ``/v3/tasks`` (manual 5.4.1-5.4.7, 5.4.11, 5.4.12).

One task migrates one source server. Create (``CreateTaskRequest``) answers ``IdResponse``; update
(``UpdateTaskRequest``) answers ``IdResponse`` too; run-state changes go through
``POST /v3/tasks/{id}/action`` (``TaskActionRequest``), answered by ``{}``. Batch delete uses
``common.BatchDeleteRequest``. Speed-limit windows are in ``speed_limits``.

Manual contradictions resolved here:

* Task ``state``: the English pages give a 12-value response enum, the list filter a different 10-value
  set, the Chinese manual a free string. ``TaskState`` is the union (14 values); the list filter only
  accepts ``LIST_FILTER_STATES``; responses keep ``state`` as a plain string.
* Action ``operation``: the Chinese manual lists 9 values, the English page 6, the SDK 11 (adds
  ``cutover`` and ``error_for_overspeed``). ``TaskAction`` is the union. There is no sync, rollback or
  log-collection operation: logs have their own endpoint (``UploadLogRequest``), and sync/rollback
  are not reachable through v3.
* ``priority``: create allows 0-65535 (5.4.1) while update, show and list define the enum 0/1/2:
  create accepts the documented range, update the enum (``TaskPriority``); only 0-2 carry a meaning.
* ``target_server.name`` and ``vm_id`` are required on create, but ``vm_id`` is "not needed for
  auto-created VMs" (the show example returns ``""``) and real clients (the Huawei Terraform
  provider's ``huaweicloud_sms_task``) send ``target_server: {"disks": [...]}`` alone when a template
  creates the target: both are optional; a task without a template needs a ``vm_id`` (the service
  answers SMS.6032, "the target server ID is missing").
* Target disks: ``used_size`` and ``physical_volumes`` are marked required (table 5-114), but the same
  provider copies the source's recommended layout without ``used_size``, and the Go SDK
  (``chnsz/golangsdk`` ``sms/v3/tasks.DiskRequest``) omits both when empty: optional; the service
  takes the used size of the source disk of the same name.
* A Windows server migrates block by block only (``MIGRATE_FILE`` is "file-level migration (Linux)"):
  a Windows ``MIGRATE_FILE`` task is refused (SMS.7712, "Invalid task type").
* ``speed_limit`` is 0-10000 Mbit/s in create/update but 0-65535 in show/list: requests enforce
  0-10000, responses check nothing. 0 means unlimited.
* ``start_target_server`` defaults to true (create, show, update) but the list table says false: the
  server default is true.
* Update (``PUT /v3/tasks/{id}``): the manual's table is the whole task document (state, dates,
  sub-tasks ...), its example a copy of a GET answer; the SDK's ``PutTaskReq`` keeps only settable
  fields and adds a few. ``UpdateTaskRequest`` accepts the settable fields of both and rejects the
  server-managed ones (state, dates, progress), which a client must not try to write.
* In ``target_server`` of an update, ``ip`` and ``os_type`` are marked required, but the example omits
  ``ip`` and the SDK describes both as "required when registering, optional when updating":
  optional. ``name`` and ``disks`` stay required.
* The rollback snapshot field is ``cutovered_snapshot_ids`` in the tables, ``rollback_snapshot_ids`` in
  the worked examples and ``covered_snapshot_ids`` in the update example: the table/SDK name is
  declared; responses keep the other spellings as extra fields.
* Show returns ``target_server.btrfs_list`` as an array of strings, requests send objects: responses
  accept either.
* Target-disk ``device_use`` has the enum NORMAL/OS/BOOT, but the SDK says it is only a hint and the
  source recommendation can say ``BOOT|OS``: any string is accepted.
* ``id``/``source_server_id`` list filters: 0-255 characters (Chinese manual) rather than 1-36 (English
  page), since task IDs are not always UUIDs (example 4.1 returns a 34-character ID).
"""

from __future__ import annotations

import enum
from typing import Self

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .common import Firmware, MigrationType, OsType, QueryModel, RequestModel, ResponseModel, server_default
from .config import ConfigItem
from .sources import (
    BootLoader,
    BtrfsFileSystem,
    BtrfsFileSystemSpec,
    CloneServer,
    NetworkInterfaceSpec,
    Partition,
    PhysicalVolume,
    PhysicalVolumeSpec,
    VolumeGroup,
    VolumeGroupSpec,
)

__all__ = [
    "LIST_FILTER_STATES",
    "CloneServerSpec",
    "ConsistencyCheck",
    "ConsistencyExportItem",
    "ConsistencyResult",
    "ConsistencyResultResponse",
    "ConsistencyResultSpec",
    "CreateTaskRequest",
    "ExportConsistencyResultsRequest",
    "ListTasksQuery",
    "ListTasksResponse",
    "LogCollectStatus",
    "NetworkCheckInfo",
    "PassphraseResponse",
    "SourceServerRefSpec",
    "SubTask",
    "SubtaskName",
    "TaskAction",
    "TaskActionRequest",
    "TaskDetail",
    "TaskPriority",
    "TaskSourceServer",
    "TaskState",
    "TaskSummary",
    "TaskTargetServer",
    "TargetDisk",
    "TargetDiskSpec",
    "TargetDiskUpdate",
    "TargetPhysicalVolume",
    "TargetPhysicalVolumeUpdate",
    "TargetServerSpec",
    "TargetServerUpdate",
    "UpdateTaskRequest",
    "UploadConsistencyResultRequest",
    "UploadLogRequest",
    "check_task_type",
]

LONG_MAX = 9223372036854775807


class TaskState(enum.StrEnum):
    """State of a migration task (union of the values the manual lists anywhere)."""

    READY = "READY"  # created (or replication done without continuous sync), not running
    RUNNING = "RUNNING"  # full replication in progress
    SYNCING = "SYNCING"  # incremental synchronisation
    MIGRATE_SUCCESS = "MIGRATE_SUCCESS"  # target launched, migration succeeded
    MIGRATE_FAIL = "MIGRATE_FAIL"
    SYNC_SUCCESS = "SYNC_SUCCESS"
    SYNC_FAIL = "SYNC_FAIL"
    ABORTING = "ABORTING"  # being stopped
    ABORT = "ABORT"  # stopped ("paused" in the console)
    SKIPPING = "SKIPPING"
    DELETING = "DELETING"
    RESETING = "RESETING"  # sic
    SYNC_F_ROLLBACKING = "SYNC_F_ROLLBACKING"  # sync failed, rolling back
    SYNC_F_ROLLBACK_SUCCESS = "SYNC_F_ROLLBACK_SUCCESS"


# The values the ``state`` filter of GET /v3/tasks accepts (manual 5.4.2).
LIST_FILTER_STATES = frozenset(
    {
        TaskState.READY,
        TaskState.RUNNING,
        TaskState.SYNCING,
        TaskState.MIGRATE_SUCCESS,
        TaskState.MIGRATE_FAIL,
        TaskState.ABORTING,
        TaskState.ABORT,
        TaskState.DELETING,
        TaskState.SYNC_F_ROLLBACKING,
        TaskState.SYNC_F_ROLLBACK_SUCCESS,
    }
)


class TaskAction(enum.StrEnum):
    """``operation`` of ``POST /v3/tasks/{id}/action``."""

    START = "start"  # from READY, ABORT or a failure -> RUNNING
    STOP = "stop"  # from RUNNING or SYNCING -> ABORTING -> ABORT
    TEST = "test"  # launch the target (cut-over), from SYNCING -> MIGRATE_SUCCESS
    CUTOVER = "cutover"  # SDK only: "start the target"
    CLONE_TEST = "clone_test"  # clone the target (needs template_id), from SYNCING
    RESTART = "restart"  # a resync round after the target was launched: MIGRATE_SUCCESS -> SYNCING
    NETWORK_CHECK = "network_check"  # network quality check: network_check_info
    CLEAR = "clear"  # clean up the cut-over's snapshots, from MIGRATE_SUCCESS
    SKIP = "skip"  # skip the consistency check that is running
    MIGRATION_TEST = "migration_test"  # a migration drill, from SYNCING (need_migration_test)
    ERROR_FOR_OVERSPEED = "error_for_overspeed"  # SDK only: over-speed, task pauses itself


class TaskPriority(enum.IntEnum):
    LOW = 0
    STANDARD = 1  # the default
    HIGH = 2


class SubtaskName(enum.StrEnum):
    """Sub-task names (manual 5.4.8 enum)."""

    CREATE_CLOUD_SERVER = "CREATE_CLOUD_SERVER"
    SSL_CONFIG = "SSL_CONFIG"
    ATTACH_AGENT_IMAGE = "ATTACH_AGENT_IMAGE"
    # Enum spelling; the description text and some examples say DETACH_AGENT_IMAGE.
    DETTACH_AGENT_IMAGE = "DETTACH_AGENT_IMAGE"
    FORMAT_DISK_LINUX = "FORMAT_DISK_LINUX"
    FORMAT_DISK_LINUX_FILE = "FORMAT_DISK_LINUX_FILE"
    FORMAT_DISK_LINUX_BLOCK = "FORMAT_DISK_LINUX_BLOCK"
    FORMAT_DISK_WINDOWS = "FORMAT_DISK_WINDOWS"
    MIGRATE_LINUX_FILE = "MIGRATE_LINUX_FILE"
    MIGRATE_LINUX_BLOCK = "MIGRATE_LINUX_BLOCK"
    MIGRATE_WINDOWS_BLOCK = "MIGRATE_WINDOWS_BLOCK"
    CLONE_VM = "CLONE_VM"
    SYNC_LINUX_FILE = "SYNC_LINUX_FILE"
    SYNC_LINUX_BLOCK = "SYNC_LINUX_BLOCK"
    SYNC_WINDOWS_BLOCK = "SYNC_WINDOWS_BLOCK"
    CONFIGURE_LINUX = "CONFIGURE_LINUX"
    CONFIGURE_LINUX_BLOCK = "CONFIGURE_LINUX_BLOCK"
    CONFIGURE_LINUX_FILE = "CONFIGURE_LINUX_FILE"
    CONFIGURE_WINDOWS = "CONFIGURE_WINDOWS"


# --- target disk layout ----------------------------------------------------------------------------


class TargetPhysicalVolume(Partition):
    """A partition of a target disk as the server records it (``TargetPhysicalVolumes``)."""

    id: int | None = Field(None, description="Volume record ID.")
    relation_name: str | None = Field(None, description="Linux: name of the paired partition on the target.")
    free_size: int | None = Field(None, description="Free space in the partition, bytes.")


class TargetPhysicalVolumeUpdate(TargetPhysicalVolume, RequestModel):
    """A target partition in an update (every field optional)."""

    id: int | None = Field(None, ge=0, le=LONG_MAX)
    device_use: str | None = Field(None, max_length=255)
    file_system: str | None = Field(None, max_length=255)
    index: int | None = Field(None, ge=0, le=2147483647)
    mount_point: str | None = Field(None, max_length=255)
    name: str | None = Field(None, max_length=255)
    size: int | None = Field(None, ge=0, le=LONG_MAX)
    used_size: int | None = Field(None, ge=0, le=LONG_MAX)
    uuid: str | None = Field(None, max_length=255)
    relation_name: str | None = Field(None, max_length=255)
    free_size: int | None = Field(None, ge=0, le=LONG_MAX)


class _TargetDiskFields(ResponseModel):
    device_use: str | None = Field(
        None, description="Disk role: NORMAL (default), OS or BOOT; a hint, not validated by the service."
    )
    disk_id: str | None = Field(None, description="EVS disk ID; not needed when SMS creates the target.")
    name: str | None = Field(None, description="Disk name, set in disk order ('Disk 0', '/dev/vda').")
    physical_volumes: list[PhysicalVolume] | None = Field(None, description="Partitions.")
    size: int | None = Field(None, description="Size in bytes.")
    used_size: int | None = Field(None, description="Used size in bytes.")


class TargetDiskSpec(_TargetDiskFields, RequestModel):
    """A disk of the target in a create request (``TargetDisks``, manual table 5-114)."""

    device_use: str | None = Field(None, max_length=255, json_schema_extra=server_default("NORMAL"))
    disk_id: str | None = Field(None, max_length=255)
    name: str = Field(..., max_length=255)
    physical_volumes: list[PhysicalVolumeSpec] | None = Field(  # type: ignore[assignment]
        None, max_length=65535, json_schema_extra=server_default([])
    )
    size: int = Field(..., ge=0, le=LONG_MAX)
    used_size: int | None = Field(None, ge=0, le=LONG_MAX)


class TargetDisk(_TargetDiskFields):
    """A disk of the target as the server records it (``TargetDisk``)."""

    id: int | None = Field(None, description="Disk record ID.")
    physical_volumes: list[TargetPhysicalVolume] | None = None  # type: ignore[assignment]
    disk_index: str | None = Field(None, description="Disk index.")
    os_disk: bool | None = Field(None, description="Whether this is the system disk.")
    partition_style: str | None = Field(None, description="Partition style: MBR or GPT.")
    relation_name: str | None = Field(None, description="Linux: name of the paired disk on the target ECS.")


class TargetDiskUpdate(TargetDisk, RequestModel):
    """A target disk in an update (every field optional)."""

    id: int | None = Field(None, ge=0, le=LONG_MAX)
    device_use: str | None = Field(None, max_length=255)
    disk_id: str | None = Field(None, max_length=255)
    name: str | None = Field(None, max_length=255)
    physical_volumes: list[TargetPhysicalVolumeUpdate] | None = Field(None, max_length=65535)  # type: ignore[assignment]
    size: int | None = Field(None, ge=0, le=LONG_MAX)
    used_size: int | None = Field(None, ge=0, le=LONG_MAX)
    disk_index: str | None = Field(None, max_length=255)
    partition_style: str | None = Field(None, max_length=255)
    relation_name: str | None = Field(None, max_length=255)


# --- create ----------------------------------------------------------------------------------------


class SourceServerRefSpec(RequestModel):
    id: str = Field(..., max_length=255, description="ID of the source server to migrate.")


class TargetServerSpec(RequestModel):
    """The target of a new task (``TargetServerByTask``, manual table 5-111)."""

    btrfs_list: list[BtrfsFileSystemSpec] | None = Field(
        None, max_length=65535, description="Btrfs file systems, copied from the source."
    )
    disks: list[TargetDiskSpec] = Field(..., max_length=65535, description="Target disk layout.")
    name: str | None = Field(
        None,
        max_length=255,
        description="Name of the target VM (by default a template's target_server_name).",
    )
    vm_id: str | None = Field(
        None,
        max_length=255,
        description="ECS ID of an existing target; absent or \"\" when a template creates the target.",
    )
    volume_groups: list[VolumeGroupSpec] | None = Field(
        None, max_length=65535, description="LVM volume groups, copied from the source."
    )


class CreateTaskRequest(RequestModel):
    """Body of ``POST /v3/tasks`` (manual 5.4.1); answered by ``IdResponse``."""

    name: str = Field(..., max_length=255, description="Task name.")
    type: MigrationType = Field(..., description="MIGRATE_FILE (file level) or MIGRATE_BLOCK (block level).")
    start_target_server: bool | None = Field(
        None, description="Start the target VM after migration.", json_schema_extra=server_default(True)
    )
    auto_start: bool | None = Field(None, description="Start the task right after creating it.")
    os_type: OsType = Field(..., description="OS type of the source: WINDOWS or LINUX.")
    source_server: SourceServerRefSpec = Field(..., description="The source server to migrate.")
    target_server: TargetServerSpec = Field(..., description="The target server and its disk layout.")
    migration_ip: str | None = Field(
        None,
        max_length=255,
        description="IP of the target used for migration (EIP or private IP); not needed with a template.",
    )
    region_name: str = Field(..., max_length=255, description="Target region name.")
    region_id: str = Field(..., max_length=255, description="Target region ID.")
    project_name: str = Field(..., max_length=255, description="Target project name.")
    project_id: str = Field(..., max_length=255, description="Target project ID.")
    priority: int | None = Field(
        None,
        ge=0,
        le=65535,
        description="Priority: 0 low, 1 standard, 2 high (create accepts 0-65535).",
        json_schema_extra=server_default(1),
    )
    vm_template_id: str | None = Field(
        None, max_length=255, description="VM template used to create the target automatically."
    )
    # In the SDK's PostTask, not in the manual's table.
    clonevm_template_id: str | None = Field(None, max_length=255, description="Template of the clone server.")
    use_public_ip: bool | None = Field(
        None, description="Migrate over the public network.", json_schema_extra=server_default(True)
    )
    use_ipv6: bool | None = Field(None, description="Use IPv6 (migration_ip is then an IPv6 address).")
    syncing: bool | None = Field(
        None,
        description="Keep synchronising continuously after replication.",
        json_schema_extra=server_default(False),
    )
    exist_server: bool | None = Field(
        None, description="The target already exists (true) or SMS creates it (false)."
    )
    start_network_check: bool | None = Field(None, description="Run a network-quality check.")
    speed_limit: int | None = Field(None, ge=0, le=10000, description="Speed limit in Mbit/s, 0 = unlimited.")
    over_speed_threshold: float | None = Field(
        None, ge=10, le=100, description="Over-speed protection, percent: exceeding it stops the task."
    )
    is_need_consistency_check: bool | None = Field(None, description="Run a consistency check.")
    need_migration_test: bool | None = Field(None, description="Enable the migration drill.")
    # Undocumented, absent from the SDK, but sent by the manual's worked example 4.1: accepted.
    auto_install_pvdriver: bool | None = Field(
        None, description="Install paravirtual drivers on the target (undocumented; seen in the manual)."
    )

    @model_validator(mode="after")
    def _windows_is_block_level(self) -> Self:
        check_task_type(self.type, self.os_type)
        return self


def check_task_type(task_type: MigrationType | None, os_type: OsType | None) -> None:
    """A Windows server migrates block by block only: refuse a Windows ``MIGRATE_FILE`` task."""
    if task_type is MigrationType.MIGRATE_FILE and os_type is OsType.WINDOWS:
        raise PydanticCustomError(
            "task_type",
            "type MIGRATE_FILE is file-level migration of Linux servers; a WINDOWS task is MIGRATE_BLOCK",
        )


# --- update ----------------------------------------------------------------------------------------


class CloneServerSpec(CloneServer, RequestModel):
    vm_id: str | None = Field(None, max_length=255)
    name: str | None = Field(None, max_length=255)
    clone_error: str | None = Field(None, max_length=255)
    clone_state: str | None = Field(None, max_length=255)
    error_msg: str | None = Field(None, max_length=1024)


class TargetServerUpdate(RequestModel):
    """``target_server`` of an update (manual table 5-163)."""

    id: str | None = Field(None, max_length=255, description="The target's ID in SMS.")
    ip: str | None = Field(None, max_length=255, description="Server IP.")
    name: str = Field(..., max_length=255, description="Target server name.")
    hostname: str | None = Field(None, max_length=255, description="Host name.")
    os_type: OsType | None = Field(None, description="OS type.")
    os_version: str | None = Field(None, max_length=255, description="OS version.")
    firmware: Firmware | None = Field(None, description="Boot firmware: BIOS or UEFI.")
    cpu_quantity: int | None = Field(None, ge=0, le=65535, description="Number of vCPUs.")
    memory: int | None = Field(None, ge=0, le=LONG_MAX, description="Memory in bytes.")
    btrfs_list: list[BtrfsFileSystemSpec] | None = Field(None, max_length=65535, description="Btrfs (Linux).")
    networks: list[NetworkInterfaceSpec] | None = Field(None, max_length=65535, description="NICs.")
    domain_id: str | None = Field(None, max_length=255, description="Tenant domain ID.")
    has_rsync: bool | None = Field(None, description="rsync installed (Linux).")
    paravirtualization: bool | None = Field(None, description="Paravirtualised (Linux).")
    raw_devices: str | None = Field(None, max_length=255, description="Raw devices (Linux).")
    driver_files: bool | None = Field(None, description="Driver files missing (Windows).")
    system_services: bool | None = Field(None, description="Abnormal services present (Windows).")
    account_rights: bool | None = Field(None, description="Account rights sufficient (Windows).")
    boot_loader: BootLoader | None = Field(None, description="Boot loader: GRUB or LILO (Linux).")
    system_dir: str | None = Field(None, max_length=255, description="System directory (Windows).")
    volume_groups: list[VolumeGroupSpec] | None = Field(
        None, max_length=65535, description="LVM volume groups."
    )
    vm_id: str | None = Field(
        None, max_length=255, description="ECS ID (not needed for auto-created targets)."
    )
    flavor: str | None = Field(None, max_length=255, description="Target flavor.")
    disks: list[TargetDiskUpdate] = Field(..., max_length=65535, description="Target disks.")
    image_disk_id: str | None = Field(None, max_length=255, description="ID of the Agent-image disk.")
    snapshot_ids: str | None = Field(None, max_length=255, description="Target snapshot IDs.")
    cutovered_snapshot_ids: str | None = Field(None, max_length=255, description="Rollback snapshot IDs.")


class UpdateTaskRequest(RequestModel):
    """Body of ``PUT /v3/tasks/{task_id}`` (manual 5.4.6): a partial update of the settable fields."""

    name: str | None = Field(None, max_length=255, description="Task name.")
    type: MigrationType | None = Field(None, description="Task type.")
    os_type: OsType | None = Field(None, description="OS type.")
    priority: TaskPriority | None = Field(None, description="Priority: 0 low, 1 standard, 2 high.")
    region_id: str | None = Field(None, max_length=255, description="Target region ID.")
    region_name: str | None = Field(None, max_length=255, description="Target region name.")
    project_id: str | None = Field(None, max_length=255, description="Target project ID.")
    project_name: str | None = Field(None, max_length=255, description="Target project name.")
    start_target_server: bool | None = Field(None, description="Start the target after migration.")
    exist_server: bool | None = Field(None, description="The target already exists (true) or is created.")
    migration_ip: str | None = Field(None, max_length=255, description="Target IP (EIP or private IP).")
    use_ipv6: bool | None = Field(None, description="migration_ip is an IPv6 address (SDK only).")
    use_public_ip: bool | None = Field(None, description="Migrate over the public network (SDK only).")
    speed_limit: int | None = Field(None, ge=0, le=10000, description="Speed limit in Mbit/s, 0 = unlimited.")
    vm_template_id: str | None = Field(None, max_length=255, description="VM template ID.")
    enterprise_project_id: str | None = Field(
        None, min_length=1, max_length=255, description="Enterprise project ID (manual's name)."
    )
    enterprise_project: str | None = Field(
        None, max_length=255, description="Enterprise project ID (the SDK's name for the same setting)."
    )
    image_disk_id: str | None = Field(None, max_length=255, description="Agent-image disk ID (SDK only).")
    target_disk_ids: str | None = Field(
        None, max_length=65535, description="Target disk IDs separated by spaces (SDK only)."
    )
    snapshot_ids: str | None = Field(None, max_length=255, description="Target snapshot IDs, ';'-separated.")
    cutovered_snapshot_ids: str | None = Field(None, max_length=255, description="Cut-over snapshot IDs.")
    target_server: TargetServerUpdate | None = Field(None, description="Target server.")
    clone_server: CloneServerSpec | None = Field(None, description="Clone server.")

    @model_validator(mode="after")
    def _windows_is_block_level(self) -> Self:
        check_task_type(self.type, self.os_type)
        return self


# --- action, logs, passphrase ----------------------------------------------------------------------


class TaskActionRequest(RequestModel):
    """Body of ``POST /v3/tasks/{task_id}/action`` (manual 5.4.7); answered by ``{}``."""

    operation: TaskAction = Field(..., description="Operation to perform on the task.")
    template_id: str | None = Field(None, max_length=2048, description="Template ID (needed by clone_test).")
    switch_hce: bool | None = Field(
        None,
        description="Switch the target OS to Huawei Cloud EulerOS (Linux tasks only).",
        json_schema_extra=server_default(False),
    )
    is_need_consistency_check: bool | None = Field(
        None, description="Run a consistency check.", json_schema_extra=server_default(False)
    )


class UploadLogRequest(RequestModel):
    """Body of ``POST /v3/tasks/{task_id}/log`` (manual 5.4.12); answered by ``{}``.

    The Agent collects the task's logs and uploads them; the task list shows the progress as
    ``log_collect_status`` and the source's ``current_task`` the bucket, upload time and share link.
    """

    log_bucket: str = Field(..., max_length=255, description="OBS bucket the task logs are uploaded to.")


class LogCollectStatus(enum.StrEnum):
    """``log_collect_status`` of a task (the English pages' enum; the Chinese one lists Agent steps)."""

    INIT = "INIT"  # no collection yet
    UPLOADING = "UPLOADING"
    UPLOAD_FAIL = "UPLOAD_FAIL"
    UPLOADED = "UPLOADED"


# --- consistency check (5.4.13-5.4.15) -------------------------------------------------------------


class ConsistencyResult(ResponseModel):
    """The check of one directory (``ConsistencyResult``)."""

    dir_check: str | None = Field(None, description="Directory checked.")
    num_total_files: int | None = Field(None, description="Files checked (0-1000000).")
    num_different_files: int | None = Field(None, description="Files that differ between source and target.")
    num_target_miss_files: int | None = Field(None, description="Files missing on the target.")
    num_target_more_files: int | None = Field(None, description="Files only the target has.")


class ConsistencyResultSpec(ConsistencyResult, RequestModel):
    """A directory's result as the Agent uploads it (5.4.14: every field mandatory)."""

    dir_check: str = Field(..., max_length=1024)
    num_total_files: int = Field(..., ge=0, le=1000000)
    num_different_files: int = Field(..., ge=0, le=1000000)
    num_target_miss_files: int = Field(..., ge=0, le=1000000)
    num_target_more_files: int = Field(..., ge=0, le=1000000)


class ConsistencyCheck(ResponseModel):
    """One finished check (an item of ``result_list``)."""

    finished_time: int | None = Field(None, description="When the check finished, epoch ms.")
    check_result: str | None = Field(None, description='Outcome, e.g. "success".')
    consistency_result: list[ConsistencyResult] | None = Field(None, description="Results per directory.")


class ConsistencyResultResponse(ResponseModel):
    """Body of ``GET /v3/tasks/{task_id}/consistency-result`` (manual 5.4.13).

    The SDK (3.1.219) types ``result_list`` as a list of strings; the manual's table and example give
    objects, which is what the service returns.
    """

    task_id: str | None = Field(None, description="Task ID.")
    result_list: list[ConsistencyCheck] | None = Field(None, description="Finished checks, oldest first.")


class UploadConsistencyResultRequest(RequestModel):
    """Body of ``POST /v3/tasks/{task_id}/consistency-result`` (manual 5.4.14): the Agent reports a
    check; answered by ``{}``."""

    consistency_result: list[ConsistencyResultSpec] | None = Field(
        None, max_length=30, description="Results per directory (at most 30)."
    )


class ConsistencyExportItem(RequestModel):
    """A task whose results are exported (``BatchConsistencyReq``)."""

    task_id: str = Field(..., max_length=255, description="Task ID.")
    source_id: str = Field(..., max_length=255, description="ID of the task's source server.")
    source_name: str = Field(..., max_length=255, description="Name of the task's source server.")


class ExportConsistencyResultsRequest(RequestModel):
    """Body of ``POST /v3/tasks/consistency-results/export`` (manual 5.4.15); answered by ``{}``."""

    task_info: list[ConsistencyExportItem] = Field(
        ..., max_length=200, description="The tasks to export (at most 200)."
    )


class PassphraseResponse(ResponseModel):
    """Body of ``GET /v3/tasks/{task_id}/passphrase`` (manual 5.4.11)."""

    task_id: str | None = Field(None, description="Task ID.")
    passphrase: str | None = Field(
        None, repr=False, description="Certificate passphrase of the secure channel (secret)."
    )


# --- list / show -----------------------------------------------------------------------------------


class ListTasksQuery(QueryModel):
    """Query of ``GET /v3/tasks`` (manual 5.4.2)."""

    state: TaskState | None = Field(None, description="Filter by task state (see LIST_FILTER_STATES).")
    name: str | None = Field(None, max_length=255, description="Filter by task name.")
    id: str | None = Field(None, max_length=255, description="Filter by task ID.")
    source_server_id: str | None = Field(None, max_length=255, description="Filter by source server ID.")
    limit: int | None = Field(
        None, ge=0, le=200, description="Page size, 0-200.", json_schema_extra=server_default(100)
    )
    offset: int | None = Field(
        None, ge=0, le=65535, description="Number of records to skip.", json_schema_extra=server_default(0)
    )
    enterprise_project_id: str | None = Field(
        None, max_length=255, description="Filter by enterprise project."
    )

    @field_validator("state")
    @classmethod
    def _filterable_state(cls, value: TaskState | None) -> TaskState | None:
        if value is not None and value not in LIST_FILTER_STATES:
            allowed = ", ".join(sorted(LIST_FILTER_STATES))
            raise ValueError(f"the list filter accepts only: {allowed}")
        return value


class SubTask(ResponseModel):
    """A step of the migration (see ``SubtaskName``)."""

    id: int | None = Field(None, description="Sub-task ID.")
    name: str | None = Field(None, description="Sub-task name, e.g. MIGRATE_WINDOWS_BLOCK.")
    progress: int | None = Field(None, description="Progress, percent 0-100.")
    start_date: int | None = Field(None, description="Start time, epoch ms (null if not started).")
    end_date: int | None = Field(None, description="End time, epoch ms (null while unfinished).")
    migrate_speed: float | None = Field(None, description="Speed of the sub-task, Mbit/s.")
    user_op: str | None = Field(
        None, description="User operation that triggered it: REPLICATE, CUTOVER0, RESYNC0, CUTOVER1 ..."
    )
    process_trace: str | None = Field(None, description="Detailed migration/sync progress.")


class TaskSourceServer(ResponseModel):
    """The source server as a task shows it."""

    id: str | None = Field(None, description="Source server ID.")
    ip: str | None = Field(None, description="Source IP.")
    name: str | None = Field(None, description="Source name.")
    os_type: str | None = Field(None, description="OS type: WINDOWS or LINUX.")
    os_version: str | None = Field(None, description="OS version.")
    oem_system: bool | None = Field(None, description="Windows OEM operating system.")
    state: str | None = Field(None, description="Source state (see sources.SourceState).")
    migration_cycle: str | None = Field(None, description="Migration cycle (show only).")


class TaskTargetServer(ResponseModel):
    """The target server as a task shows it (list returns only the first six fields)."""

    id: str | None = Field(None, description="The target's ID in SMS.")
    vm_id: str | None = Field(None, description="ECS ID; empty for a target not created yet.")
    name: str | None = Field(None, description="Target server name.")
    ip: str | None = Field(None, description="Target IP.")
    os_type: str | None = Field(None, description="OS type.")
    os_version: str | None = Field(None, description="OS version.")
    system_dir: str | None = Field(None, description="System directory (Windows).")
    disks: list[TargetDisk] | None = Field(None, description="Target disks.")
    volume_groups: list[VolumeGroup] | None = Field(None, description="LVM volume groups.")
    btrfs_list: list[BtrfsFileSystem | str] | None = Field(
        None, description="Btrfs information (strings in show answers, objects in requests)."
    )
    image_disk_id: str | None = Field(None, description="ID of the Agent-image disk on the target.")
    cutovered_snapshot_ids: str | None = Field(None, description="Rollback snapshot IDs.")


class NetworkCheckInfo(ResponseModel):
    """Results of the network-quality check (wire object ``NetworkCheckInfoRequestBody``)."""

    domain_connectivity: bool | None = Field(None, description="Domain-name connectivity.")
    destination_connectivity: bool | None = Field(None, description="Connectivity to the target.")
    network_delay: float | None = Field(None, description="Latency, ms.")
    network_jitter: float | None = Field(None, description="Jitter, ms.")
    migration_speed: float | None = Field(None, description="Bandwidth, Mbit/s.")
    loss_percentage: float | None = Field(None, description="Packet loss, percent.")
    cpu_usage: float | None = Field(None, description="CPU usage, percent.")
    mem_usage: float | None = Field(None, description="Memory usage, percent.")
    evaluation_result: str | None = Field(
        None, description="Evaluation result, 6-8 characters (CN; 5-9 in EN), e.g. NORMAL or ABNORMAL."
    )


class _TaskBase(ResponseModel):
    """Fields common to a list item and the show body."""

    id: str | None = Field(None, description="Task ID.")
    name: str | None = Field(None, description="Task name.")
    type: str | None = Field(None, description="Task type: MIGRATE_FILE or MIGRATE_BLOCK.")
    os_type: str | None = Field(None, description="OS type: WINDOWS or LINUX.")
    state: str | None = Field(None, description="Task state (see TaskState).")
    estimate_complete_time: int | None = Field(None, description="Estimated completion, epoch ms.")
    create_date: int | None = Field(None, description="Creation time, epoch ms.")
    priority: int | None = Field(None, description="Priority: 0 low, 1 standard, 2 high.")
    speed_limit: int | None = Field(None, description="Speed limit, Mbit/s (0 = unlimited).")
    migrate_speed: float | None = Field(None, description="Current speed (MB/s per the Chinese manual).")
    compress_rate: float | None = Field(None, description="Compression ratio.")
    start_target_server: bool | None = Field(None, description="Start the target after migration.")
    error_json: str | None = Field(None, description="Error information.")
    total_time: int | None = Field(None, description="Total duration (unit not stated; looks like ms).")
    migration_ip: str | None = Field(None, description="Target IP (EIP or private IP).")
    sub_tasks: list[SubTask] | None = Field(None, description="Sub-tasks.")
    source_server: TaskSourceServer | None = Field(None, description="Source server (may be null).")
    enterprise_project_id: str | None = Field(None, description="Enterprise project ID.")
    target_server: TaskTargetServer | None = Field(None, description="Target server.")
    clone_server: CloneServer | None = Field(None, description="Clone server.")
    network_check_info: NetworkCheckInfo | None = Field(None, description="Network check results.")
    total_cpu_usage: float | None = Field(None, description="Host CPU usage, percent.")
    agent_cpu_usage: float | None = Field(None, description="Agent CPU usage, percent.")
    total_mem_usage: float | None = Field(None, description="Host memory used, MB.")
    agent_mem_usage: float | None = Field(None, description="Agent memory used, MB.")
    total_disk_io: float | None = Field(None, description="Host disk I/O.")
    agent_disk_io: float | None = Field(None, description="Agent disk I/O.")
    need_migration_test: bool | None = Field(None, description="Migration drill enabled.")
    subtask_info: str | None = Field(None, description="Current sub-task and its progress.")


class TaskSummary(_TaskBase):
    """An item of ``GET /v3/tasks`` (``TasksResponseBody``)."""

    log_collect_status: str | None = Field(None, description="Log collection status, e.g. INIT.")
    syncing: bool | None = Field(None, description="Continuous synchronisation enabled.")
    special_config: list[ConfigItem] | None = Field(None, description="Advanced migration settings.")


class ListTasksResponse(ResponseModel):
    count: int | None = Field(None, description="Number of matching tasks, independent of pagination.")
    tasks: list[TaskSummary] | None = Field(None, description="The page of tasks.")


class TaskDetail(_TaskBase):
    """Body of ``GET /v3/tasks/{task_id}`` (manual 5.4.5).

    ``syncing``, ``use_public_ip`` and ``use_ipv6`` are not in the manual's show table, but real
    clients read them back after a create (the Huawei Terraform provider's ``huaweicloud_sms_task``
    sets them from this answer): the service returns them.
    """

    syncing: bool | None = Field(None, description="Continuous synchronisation enabled.")
    use_public_ip: bool | None = Field(None, description="Migrates over the public network.")
    use_ipv6: bool | None = Field(None, description="Migrates over IPv6.")

    region_id: str | None = Field(None, description="Target region ID.")
    region_name: str | None = Field(None, description="Target region name.")
    project_id: str | None = Field(None, description="Target project ID.")
    project_name: str | None = Field(None, description="Target project name.")
    vm_template_id: str | None = Field(None, description="VM template ID.")
    connected: bool | None = Field(None, description="The Agent is connected to SMS.")
    start_date: int | None = Field(None, description="Start time, epoch ms.")
    finish_date: int | None = Field(None, description="End time, epoch ms.")
    float_ip: str | None = Field(None, description="Kept for old Agent versions only.")
    remain_seconds: int | None = Field(None, description="Remaining migration time, seconds.")
    target_snapshot_id: str | None = Field(None, description="Snapshot ID of the target.")
