"""Source servers, ``/v3/sources`` (manual 5.3): register 5.3.2, list 5.3.3, update 5.3.5, show 5.3.8,
overview 5.3.9; batch delete 5.3.4 uses ``common.BatchDeleteRequest``.

A source server is the machine being migrated; it appears when the SMS Agent on it registers
(``RegisterSourceServerRequest``), which in this project only the emulator's fixtures do.

Also declared here because tasks reuse them: the disk-layout objects (physical volumes, volume groups,
logical volumes, Btrfs) and ``CloneServer``.

Manual contradictions resolved here:

* ``memory`` is labelled MB in show/register but bytes in list, and every example is bytes: bytes.
* The source ``state`` enum differs per section (``testing`` vs ``cutovering``; ``skipping`` missing
  from one list; ``premigid`` is a typo of ``premiged``): ``SourceState`` is the union.
* Btrfs field names: the 5.3.2/5.4.1 tables print ``default_subvol_id`` and ``global_reserve_1``; the
  SDK (our wire-format oracle) and the 5.3.8 table use ``default_subvolid`` and ``global_reserve1``,
  which we send. Requests are accepted in either spelling (a client following the 5.3.2 table is
  not wrong), and the 5.3.2 example's ``subvolume`` is taken for the table's ``subvolumn``.
* Source names: the 5.3.5 table allows 0-255 characters, but the manual's errors SMS.6001/6002/6003
  describe the rule the service enforces (non-empty, 1-64 characters, letters, digits, ``_ . -`` and
  Chinese characters); each broken rule has its own error type (``source_name_required``,
  ``source_name_length``, ``source_name_chars``), which the emulator answers with its code.
* ``PUT /v3/sources/{id}`` addresses disks, partitions, volume groups and logical volumes by an
  ``id`` that no read of a source returns (``ServerDisk`` has no ID in the manual or the SDK): the ID
  is the object's ``name`` as registered (``/dev/vda``, ``Disk 0``, ``vg_data``, ``lv_home``).
"""

from __future__ import annotations

import enum
import re

from pydantic import AliasChoices, Field, field_validator
from pydantic_core import PydanticCustomError

from .common import (
    DeviceUse,
    Firmware,
    OsType,
    PartitionStyle,
    QueryModel,
    RequestModel,
    ResponseModel,
    server_default,
)

__all__ = [
    "BootLoader",
    "BtrfsFileSystem",
    "BtrfsFileSystemSpec",
    "BtrfsSubvolume",
    "BtrfsSubvolumeSpec",
    "CheckResult",
    "CloneServer",
    "EnvironmentCheck",
    "InitTargetDisk",
    "InitTargetServer",
    "ListErrorsQuery",
    "ListErrorsResponse",
    "ListSourceServersQuery",
    "ListSourceServersResponse",
    "LogicalVolume",
    "LogicalVolumeSpec",
    "MigrationCycle",
    "MigrationError",
    "NetworkInterface",
    "NetworkInterfaceSpec",
    "Partition",
    "PhysicalVolume",
    "PhysicalVolumeSpec",
    "Platform",
    "PutDisk",
    "PutLogicalVolume",
    "PutVolume",
    "PutVolumeGroup",
    "RegisterSourceServerRequest",
    "ServerDisk",
    "ServerDiskSpec",
    "SourceOverviewResponse",
    "SourceServerDetail",
    "SourceServerSummary",
    "SourceState",
    "SourceTask",
    "StartType",
    "TargetServerRef",
    "UpdateSourceServerRequest",
    "VolumeGroup",
    "VolumeGroupSpec",
    "check_source_name",
]

# Largest value of the manual's Long fields.
LONG_MAX = 9223372036854775807
INT_MAX = 2147483647


class SourceState(enum.StrEnum):
    """State of a source server (union of the values listed across the manual's sections)."""

    UNAVAILABLE = "unavailable"  # environment check failed
    WAITING = "waiting"
    INITIALIZE = "initialize"
    REPLICATE = "replicate"  # full replication
    SYNCING = "syncing"  # continuous synchronisation
    STOPPING = "stopping"
    STOPPED = "stopped"  # paused
    SKIPPING = "skipping"
    DELETING = "deleting"
    ERROR = "error"
    CLONING = "cloning"  # waiting for the clone to finish
    CUTOVERING = "cutovering"  # starting the target
    TESTING = "testing"
    FINISHED = "finished"  # target started (cut-over done)
    CLEARING = "clearing"  # cleaning up snapshots
    CLEARED = "cleared"
    CLEARFAILED = "clearfailed"
    PREMIGREADY = "premigready"  # migration drill ready
    PREMIGING = "premiging"
    PREMIGED = "premiged"
    PREMIGFAILED = "premigfailed"


class MigrationCycle(enum.StrEnum):
    """Phase of a source server's migration."""

    CHECKING = "checking"  # a freshly registered server
    SETTING = "setting"
    REPLICATING = "replicating"
    SYNCING = "syncing"
    CUTOVERING = "cutovering"
    CUTOVERED = "cutovered"


class CheckResult(enum.StrEnum):
    OK = "OK"
    WARN = "WARN"
    ERROR = "ERROR"


class BootLoader(enum.StrEnum):
    GRUB = "GRUB"
    LILO = "LILO"


class StartType(enum.StrEnum):
    """How the Agent was started (the manual also allows an empty string)."""

    MANUAL = "MANUAL"
    MGC = "MGC"
    EMPTY = ""


class Platform(enum.StrEnum):
    """Platform the source server runs on."""

    HW = "hw"
    ALI = "ali"
    AWS = "aws"
    AZURE = "azure"
    GCP = "gcp"
    TENCENT = "tencent"
    VMWARE = "vmware"
    HYPERV = "hyperv"
    OTHER = "other"


# --- disk layout (reported by the Agent, recommended by SMS, sent back in task create) -------------


class Partition(ResponseModel):
    """Fields every partition object has (source, recommended and target partitions)."""

    device_use: str | None = Field(None, description="Partition role: NORMAL, BOOT or OS.")
    file_system: str | None = Field(None, description="File-system type, e.g. ext4, NTFS.")
    index: int | None = Field(None, description="Order of the partition on its disk.")
    mount_point: str | None = Field(None, description="Mount point (Linux).")
    name: str | None = Field(None, description="Drive letter (Windows) or device name (Linux).")
    size: int | None = Field(None, description="Size in bytes.")
    used_size: int | None = Field(None, description="Used space in bytes.")
    uuid: str | None = Field(None, description="GUID of the partition, as reported by the source.")


class PhysicalVolume(Partition):
    """A partition of a source disk (Windows volume or Linux device)."""

    inode_size: int | None = Field(None, description="Inode count.")
    inode_nums: int | None = Field(None, description="Number of inodes.")
    size_per_cluster: int | None = Field(None, description="Cluster size (Windows).")


class PhysicalVolumeSpec(PhysicalVolume, RequestModel):
    """A partition in a request; every field is optional (manual tables 5-115 and 5-83)."""

    device_use: str | None = Field(None, max_length=255)
    file_system: str | None = Field(None, max_length=255)
    index: int | None = Field(None, ge=0, le=INT_MAX)
    mount_point: str | None = Field(None, max_length=255)
    name: str | None = Field(None, max_length=255)
    size: int | None = Field(None, ge=0, le=LONG_MAX)
    used_size: int | None = Field(None, ge=0, le=LONG_MAX)
    inode_size: int | None = Field(None, ge=0, le=LONG_MAX)
    inode_nums: int | None = Field(None, ge=0, le=LONG_MAX)
    uuid: str | None = Field(None, max_length=255)
    size_per_cluster: int | None = Field(None, ge=0, le=INT_MAX)


class LogicalVolume(ResponseModel):
    """An LVM logical volume."""

    block_count: int | None = Field(None, description="Block count (server default 0).")
    block_size: int | None = Field(None, description="Block size in bytes (server default 0).")
    file_system: str | None = Field(None, description="File system.")
    inode_size: int | None = Field(None, description="Inode count.")
    inode_nums: int | None = Field(None, description="Number of inodes.")
    device_use: str | None = Field(
        None, description="Role; common values NORMAL, OS, BOOT, VOLUME_GROUP, BTRFS (not enforced)."
    )
    mount_point: str | None = Field(None, description="Mount point.")
    name: str | None = Field(None, description="Name.")
    size: int | None = Field(None, description="Size in bytes.")
    used_size: int | None = Field(None, description="Used space in bytes.")
    free_size: int | None = Field(None, description="Free space in bytes.")


class LogicalVolumeSpec(LogicalVolume, RequestModel):
    """A logical volume in a request (manual table 5-117: seven fields are mandatory)."""

    block_count: int | None = Field(None, ge=0, le=INT_MAX, json_schema_extra=server_default(0))
    block_size: int | None = Field(None, ge=0, le=1048576, json_schema_extra=server_default(0))
    file_system: str = Field(..., max_length=255)
    inode_size: int = Field(..., ge=0, le=INT_MAX)
    inode_nums: int | None = Field(None, ge=0, le=LONG_MAX)
    device_use: str | None = Field(None, max_length=255)
    mount_point: str = Field(..., max_length=256)
    name: str = Field(..., max_length=1024)
    size: int = Field(..., ge=0, le=LONG_MAX)
    used_size: int = Field(..., ge=0, le=LONG_MAX)
    free_size: int = Field(..., ge=0, le=LONG_MAX)


class VolumeGroup(ResponseModel):
    """An LVM volume group."""

    components: str | None = Field(
        None, description="Physical volumes of the group, e.g. /dev/vdb1;/dev/vdc."
    )
    free_size: int | None = Field(None, description="Free space in bytes.")
    logical_volumes: list[LogicalVolume] | None = Field(None, description="Logical volumes.")
    name: str | None = Field(None, description="Name.")
    size: int | None = Field(None, description="Size in bytes.")


class VolumeGroupSpec(VolumeGroup, RequestModel):
    """A volume group in a request (all fields optional)."""

    components: str | None = Field(None, max_length=255)
    free_size: int | None = Field(None, ge=0, le=LONG_MAX)
    # 0-255 items (CN); the English show page says 0-50. The wider CN limit is kept.
    logical_volumes: list[LogicalVolumeSpec] | None = Field(None, max_length=255)  # type: ignore[assignment]
    name: str | None = Field(None, max_length=255)
    size: int | None = Field(None, ge=0, le=LONG_MAX)


class BtrfsSubvolume(ResponseModel):
    """A Btrfs sub-volume (the manual titles it ``BtrfsSubvolumn``)."""

    uuid: str | None = Field(None, description="UUID of the parent volume.")
    is_snapshot: str | None = Field(
        None, description='Whether the sub-volume is a snapshot; a string on the wire, e.g. "true".'
    )
    subvol_id: str | None = Field(None, description="Sub-volume ID.")
    parent_id: str | None = Field(None, description="Parent volume ID.")
    subvol_name: str | None = Field(None, description="Sub-volume name.")
    subvol_mount_path: str | None = Field(None, description="Mount path of the sub-volume.")


class BtrfsSubvolumeSpec(BtrfsSubvolume, RequestModel):
    """A Btrfs sub-volume in a request (manual table 5-113: every field mandatory)."""

    uuid: str = Field(..., max_length=255)
    is_snapshot: str = Field(..., max_length=255)
    subvol_id: str = Field(..., max_length=255)
    parent_id: str = Field(..., max_length=255)
    subvol_name: str = Field(..., max_length=255)
    subvol_mount_path: str = Field(..., max_length=255)


class BtrfsFileSystem(ResponseModel):
    """A Btrfs file system of a Linux source."""

    name: str | None = Field(None, description="File-system name.")
    label: str | None = Field(None, description='Label ("" if none).')
    uuid: str | None = Field(None, description="File-system UUID.")
    device: str | None = Field(None, description="Devices the file system spans.")
    size: int | None = Field(None, description="Data size used by the file system, bytes.")
    nodesize: int | None = Field(None, description="Btrfs node size.")
    sectorsize: int | None = Field(None, description="Sector size.")
    data_profile: str | None = Field(None, description="Data profile (RAID level).")
    system_profile: str | None = Field(None, description="System profile (RAID level).")
    metadata_profile: str | None = Field(None, description="Metadata profile (RAID level).")
    global_reserve1: str | None = Field(None, description="Global-reserve information.")
    g_vol_used_size: int | None = Field(None, description="Used space of the Btrfs volume, bytes.")
    default_subvolid: str | None = Field(None, description="Default sub-volume ID.")
    default_subvol_name: str | None = Field(None, description="Default sub-volume name.")
    default_subvol_mountpath: str | None = Field(
        None, description="Mount path of the default sub-volume / of the file system."
    )
    subvolumn: list[BtrfsSubvolume] | None = Field(None, description="Sub-volumes (wire name sic).")


class BtrfsFileSystemSpec(BtrfsFileSystem, RequestModel):
    """A Btrfs file system in a request (manual table 5-112: every field mandatory)."""

    name: str = Field(..., max_length=255)
    label: str = Field(..., max_length=255)
    uuid: str = Field(..., max_length=255)
    device: str = Field(..., max_length=255)
    size: int = Field(..., ge=0, le=LONG_MAX)
    nodesize: int = Field(..., ge=0, le=LONG_MAX)
    sectorsize: int = Field(..., ge=0, le=INT_MAX)
    data_profile: str = Field(..., max_length=255)
    system_profile: str = Field(..., max_length=255)
    metadata_profile: str = Field(..., max_length=255)
    global_reserve1: str = Field(
        ..., max_length=255, validation_alias=AliasChoices("global_reserve1", "global_reserve_1")
    )
    g_vol_used_size: int = Field(..., ge=0, le=LONG_MAX)
    default_subvolid: str = Field(
        ..., max_length=255, validation_alias=AliasChoices("default_subvolid", "default_subvol_id")
    )
    default_subvol_name: str = Field(..., max_length=255)
    default_subvol_mountpath: str = Field(..., max_length=255)
    subvolumn: list[BtrfsSubvolumeSpec] = Field(  # type: ignore[assignment]
        ..., max_length=65535, validation_alias=AliasChoices("subvolumn", "subvolume")
    )


class ServerDisk(ResponseModel):
    """A disk of the source server, as the Agent reports it."""

    name: str | None = Field(None, description="Disk name, e.g. 'Disk 0' or '/dev/vda'.")
    partition_style: str | None = Field(None, description="Partition style: MBR or GPT.")
    device_use: str | None = Field(
        None,
        description="Disk role. The table lists BOOT and OS; examples also show NORMAL and VOLUME_GROUP.",
    )
    size: int | None = Field(None, description="Total size in bytes.")
    used_size: int | None = Field(None, description="Used size in bytes.")
    physical_volumes: list[PhysicalVolume] | None = Field(None, description="Partitions.")
    os_disk: bool | None = Field(None, description="Whether this is the system disk.")
    relation_name: str | None = Field(None, description="Linux: name of the paired disk on the target ECS.")
    inode_size: int | None = Field(None, description="Inode count.")


class ServerDiskSpec(ServerDisk, RequestModel):
    """A disk in a registration body (manual table 5-82)."""

    name: str = Field(..., max_length=255)
    partition_style: PartitionStyle | None = Field(None)
    # The table's enum is BOOT/OS only, but the manual's own examples and the SDK send NORMAL too.
    device_use: DeviceUse = Field(...)
    size: int = Field(..., ge=0, le=LONG_MAX)
    used_size: int = Field(..., ge=0, le=LONG_MAX)
    physical_volumes: list[PhysicalVolumeSpec] = Field(..., max_length=65535)  # type: ignore[assignment]
    relation_name: str | None = Field(None, max_length=255)
    inode_size: int | None = Field(None, ge=0, le=INT_MAX)


class NetworkInterface(ResponseModel):
    """A network interface of the source server (wire object ``NetWork``)."""

    name: str | None = Field(None, description="Interface name.")
    ip: str | None = Field(None, description="IPv4 address bound to the interface.")
    ipv6: str | None = Field(None, description="IPv6 address.")
    netmask: str | None = Field(None, description="Netmask.")
    gateway: str | None = Field(None, description="Gateway.")
    mtu: int | None = Field(None, description="MTU (mandatory on Linux).")
    mac: str | None = Field(None, description="MAC address (the first interface's must not be empty).")
    id: str | None = Field(None, description="Database ID.")


class NetworkInterfaceSpec(NetworkInterface, RequestModel):
    """An interface in a registration body (manual table 5-88: five fields mandatory)."""

    name: str = Field(..., max_length=255)
    ip: str = Field(..., max_length=255)
    ipv6: str | None = Field(None, max_length=255)
    netmask: str = Field(..., max_length=255)
    gateway: str = Field(..., max_length=255)
    mtu: int | None = Field(None, ge=0, le=INT_MAX)
    mac: str = Field(..., max_length=255)
    id: str | None = Field(None, max_length=255)


# --- register (Agent side; the emulator's way of creating source servers) -------------------------


class RegisterSourceServerRequest(RequestModel):
    """Body of ``POST /v3/sources`` (manual 5.3.2): the Agent reports its machine.

    Every field is optional in the table; ip, hostname, os_type and os_version are described as
    "required when registering" and the Linux/Windows readiness flags as required per OS. Those rules
    are left to the emulator (they depend on the OS), the model checks shapes and ranges.
    """

    id: str | None = Field(None, max_length=255, description="The source's ID in SMS (when re-reporting).")
    ip: str | None = Field(None, max_length=255, description="Source IP (required when registering).")
    ipv6: str | None = Field(None, max_length=255, description="Source IPv6 address.")
    name: str | None = Field(None, max_length=255, description="Display name of the source server.")
    hostname: str | None = Field(None, max_length=255, description="Host name (required when registering).")
    os_type: OsType | None = Field(None, description="OS type (required when registering).")
    os_version: str | None = Field(
        None, max_length=255, description="OS version, e.g. CENTOS_7_4_64BIT (required when registering)."
    )
    virtualization_type: str | None = Field(
        None, max_length=255, description="Virtualisation type, e.g. HVM."
    )
    linux_block_check: str | None = Field(
        None, max_length=255, description="Linux block-migration check info (a JSON string)."
    )
    firmware: Firmware | None = Field(None, description="Boot firmware: BIOS or UEFI.")
    cpu_quantity: int | None = Field(None, ge=0, le=65535, description="Number of vCPUs.")
    # Labelled MB in the table; every example (e.g. 2146553856) is bytes.
    memory: int | None = Field(None, ge=0, le=LONG_MAX, description="Physical memory in bytes.")
    disks: list[ServerDiskSpec] | None = Field(None, max_length=65535, description="Source disks.")
    btrfs_list: list[BtrfsFileSystemSpec] | None = Field(
        None, max_length=65535, description="Btrfs file systems (Linux: required, [] if none)."
    )
    networks: list[NetworkInterfaceSpec] | None = Field(None, max_length=65535, description="NICs.")
    domain_id: str | None = Field(None, max_length=255, description="Tenant domain ID.")
    has_rsync: bool | None = Field(None, description="rsync installed (Linux: required).")
    paravirtualization: bool | None = Field(None, description="Paravirtualised (Linux: required).")
    raw_devices: str | None = Field(None, max_length=255, description="Raw devices (Linux: required).")
    driver_files: bool | None = Field(None, description="Driver files missing (Windows: required).")
    system_services: bool | None = Field(None, description="Abnormal services present (Windows: required).")
    account_rights: bool | None = Field(None, description="Account rights sufficient (Windows: required).")
    boot_loader: BootLoader | None = Field(None, description="Boot loader (Linux: required).")
    system_dir: str | None = Field(None, max_length=255, description="System directory (Windows: required).")
    volume_groups: list[VolumeGroupSpec] | None = Field(
        None, max_length=65535, description="LVM volume groups (Linux: required, [] if none)."
    )
    agent_version: str | None = Field(None, max_length=255, description="Agent version.")
    kernel_version: str | None = Field(None, max_length=255, description="Kernel version.")
    migration_cycle: MigrationCycle | None = Field(None, description="Migration cycle.")
    state: SourceState | None = Field(None, description="Source state.")
    oem_system: bool | None = Field(None, description="Windows OEM operating system.")
    start_type: StartType | None = Field(None, description="How the Agent was started: MANUAL, MGC or empty.")
    io_read_wait: float | None = Field(None, ge=0, le=10000, description="Disk read latency in ms.")
    has_tc: bool | None = Field(None, description="tc installed (Linux: required).")
    platform: Platform | None = Field(None, description="Platform the source runs on.")


# --- update ----------------------------------------------------------------------------------------


class PutVolume(RequestModel):
    id: str | None = Field(None, max_length=255, description="Database ID of the partition.")
    need_migration: bool | None = Field(
        None, description="Migrate this partition.", json_schema_extra=server_default(True)
    )
    adjust_size: int | None = Field(
        None, ge=0, le=LONG_MAX, description="New size in bytes.", json_schema_extra=server_default(0)
    )


class PutDisk(RequestModel):
    # The manual describes need_migration as "disk name", an evident copy error.
    need_migration: bool | None = Field(
        None, description="Migrate this disk.", json_schema_extra=server_default(True)
    )
    id: str = Field(..., max_length=255, description="Disk ID.")
    adjust_size: int = Field(..., ge=0, le=LONG_MAX, description="New size in bytes (0: unchanged).")
    physical_volumes: list[PutVolume] | None = Field(None, max_length=65535, description="Partition changes.")


class PutLogicalVolume(RequestModel):
    id: str = Field(..., max_length=255, description="Logical-volume ID.")
    need_migration: bool | None = Field(
        None, description="Migrate this logical volume.", json_schema_extra=server_default(True)
    )
    adjust_size: int | None = Field(
        None, ge=0, le=LONG_MAX, description="New size in bytes.", json_schema_extra=server_default(0)
    )


class PutVolumeGroup(RequestModel):
    id: str = Field(..., max_length=255, description="Volume-group ID.")
    need_migration: bool | None = Field(
        None, description="Migrate this volume group.", json_schema_extra=server_default(True)
    )
    adjust_size: int | None = Field(
        None, ge=0, le=LONG_MAX, description="New size in bytes.", json_schema_extra=server_default(0)
    )
    logical_volumes: list[PutLogicalVolume] | None = Field(None, description="Logical-volume changes.")


# 1-64 characters: letters, digits, "_", ".", "-" and CJK ideographs.
SOURCE_NAME_PATTERN = r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$"
_SOURCE_NAME_CHARS = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]*$")


def check_source_name(name: str) -> str:
    """The rule of SMS.6001/6002/6003, one error type per broken part of it."""
    if not name:
        raise PydanticCustomError("source_name_required", "the source server name must not be empty")
    if len(name) > 64:
        raise PydanticCustomError("source_name_length", "the source server name has 1 to 64 characters")
    if not _SOURCE_NAME_CHARS.match(name):
        raise PydanticCustomError(
            "source_name_chars",
            "the source server name may hold letters, digits, '_', '.', '-' and Chinese characters only",
        )
    return name


class UpdateSourceServerRequest(RequestModel):
    """Body of ``PUT /v3/sources/{source_id}`` (manual 5.3.5): a partial update, all fields optional."""

    # The table allows 0-255 characters, but the manual's errors SMS.6001/6002/6003 describe the rule
    # the service enforces (non-empty, 1-64 characters, restricted set): we validate that rule.
    name: str | None = Field(
        None, description="New name: 1-64 letters, digits, '_', '.', '-' or Chinese characters."
    )
    migprojectid: str | None = Field(
        None, max_length=255, description="ID of the migration project to move the source into."
    )
    disks: list[PutDisk] | None = Field(
        None, max_length=65535, description="Per-disk migration/resize settings."
    )
    volume_groups: list[PutVolumeGroup] | None = Field(
        None, max_length=65535, description="Per-volume-group settings."
    )

    @field_validator("name")
    @classmethod
    def _name_rule(cls, name: str | None) -> str | None:
        return None if name is None else check_source_name(name)


# --- list / show / overview ------------------------------------------------------------------------


class ListSourceServersQuery(QueryModel):
    """Query of ``GET /v3/sources`` (manual 5.3.3)."""

    state: SourceState | None = Field(None, description="Filter by source state.")
    name: str | None = Field(None, max_length=255, description="Filter by name.")
    id: str | None = Field(None, max_length=255, description="Filter by source ID.")
    ip: str | None = Field(None, max_length=255, description="Filter by IP.")
    migproject: str | None = Field(
        None, max_length=255, description="Only sources in this migration project."
    )
    limit: int | None = Field(
        None,
        ge=0,
        le=200,
        description="Page size, 0-200; 0 or absent means the default, 200.",
        json_schema_extra=server_default(200),
    )
    offset: int | None = Field(
        None, ge=0, le=65535, description="Number of records to skip.", json_schema_extra=server_default(0)
    )
    migration_cycle: MigrationCycle | None = Field(None, description="Filter by migration cycle.")
    connected: bool | None = Field(
        None, description="Filter by Agent connection (false: disconnected sources)."
    )
    enterprise_project_id: str | None = Field(
        None, max_length=255, description="Filter by enterprise project."
    )
    is_consistency_result_exist: bool | None = Field(
        None, description="Filter by whether a consistency-check result exists."
    )
    # In the SDK's ListServersRequest, not in the manual's table.
    ipv6: str | None = Field(None, max_length=255, description="Filter by IPv6 address.")
    vm_id: str | None = Field(
        None, max_length=255, description="Filter by the ECS ID of the target server of the source's task."
    )


class TargetServerRef(ResponseModel):
    vm_id: str | None = Field(None, description="ECS ID of the target server.")
    name: str | None = Field(None, description="Name of the target server.")


class CloneServer(ResponseModel):
    """The clone of a target server made by the ``clone_test`` action."""

    vm_id: str | None = Field(None, description="Clone server ID.")
    name: str | None = Field(None, description="Clone VM name.")
    clone_error: str | None = Field(None, description="Clone error code.")
    clone_state: str | None = Field(
        None, description="Clone state: NOT_READY, READY, PREPARING, CREATING, ERROR or FINISHED."
    )
    error_msg: str | None = Field(None, description="Clone error description.")


class SourceTask(ResponseModel):
    """The task attached to a source server (``current_task``; show returns a subset of the fields)."""

    id: str | None = Field(None, description="Task ID.")
    name: str | None = Field(None, description="Task name.")
    type: str | None = Field(None, description="Task type: MIGRATE_FILE or MIGRATE_BLOCK.")
    state: str | None = Field(None, description="Task state (see tasks.TaskState).")
    estimate_complete_time: int | None = Field(None, description="Estimated finish time, epoch ms.")
    start_date: int | None = Field(None, description="Start time, epoch ms.")
    speed_limit: int | None = Field(None, description="Speed limit, Mbit/s.")
    migrate_speed: float | None = Field(None, description="Migration speed.")
    compress_rate: float | None = Field(None, description="Compression ratio.")
    start_target_server: bool | None = Field(None, description="Start the target VM after migration.")
    vm_template_id: str | None = Field(None, description="VM template ID.")
    region_id: str | None = Field(None, description="Target region ID.")
    project_name: str | None = Field(None, description="Target project name.")
    project_id: str | None = Field(None, description="Target project ID.")
    target_server: TargetServerRef | None = Field(None, description="Target server.")
    log_collect_status: str | None = Field(None, description="Log collection status, e.g. INIT.")
    exist_server: bool | None = Field(None, description="The target is an existing server.")
    use_public_ip: bool | None = Field(None, description="Migrates over a public IP.")
    clone_server: CloneServer | None = Field(None, description="Clone server, if any.")
    remain_seconds: int | None = Field(None, description="Documented as 'time migrated so far', seconds.")
    log_bucket: str | None = Field(None, description="Bucket the logs were uploaded to.")
    log_expire: int | None = Field(None, description="Validity of the log share link, seconds (300-64800).")
    log_upload_time: int | None = Field(None, description="Log upload time, epoch ms.")
    log_share_url: str | None = Field(None, description="Share-link URL of the uploaded logs.")
    subtask_info: str | None = Field(None, description="Current sub-task and its progress.")


class EnvironmentCheck(ResponseModel):
    """One migratability check SMS ran on the source."""

    id: int | None = Field(None, description="Check item ID.")
    params: list[str] | None = Field(None, description="Parameters.")
    name: str | None = Field(None, description="Check name, e.g. OS_VERSION, FIRMWARE, FREE_SPACE.")
    result: str | None = Field(None, description="Result: OK, WARN or ERROR.")
    error_code: str | None = Field(None, description="Error code when the check failed.")
    error_or_warn: str | None = Field(None, description="Error or warning.")
    error_params: str | None = Field(None, description="Error parameters.")


class InitTargetDisk(ResponseModel):
    """A disk of the recommended target layout (wire object ``DiskInttargetServer``)."""

    name: str | None = Field(None, description="Disk name.")
    size: int | None = Field(None, description="Disk size in bytes.")
    device_use: str | None = Field(
        None, description="Disk role: BOOT, OS or NORMAL (examples also show 'BOOT|OS')."
    )
    used_size: int | None = Field(None, description="Used size in bytes.")
    physical_volumes: list[PhysicalVolume] | None = Field(None, description="Partitions.")


class InitTargetServer(ResponseModel):
    """Target configuration SMS recommends for the source; tasks default to its disk layout."""

    disks: list[InitTargetDisk] | None = Field(None, description="Recommended target disks.")
    volume_groups: list[VolumeGroup] | None = Field(None, description="Volume groups (Linux; [] if none).")


class _SourceServerBase(ResponseModel):
    """Fields common to the list item and the show body."""

    id: str | None = Field(None, description="Source server ID.")
    ip: str | None = Field(None, description="Source IP.")
    name: str | None = Field(None, description="Source name.")
    enterprise_project_id: str | None = Field(None, description="Enterprise project ID.")
    add_date: int | None = Field(None, description="Registration time, epoch ms.")
    os_type: str | None = Field(None, description="OS type: WINDOWS or LINUX.")
    os_version: str | None = Field(None, description="Detailed OS version, e.g. CENTOS_7_6_64BIT.")
    oem_system: bool | None = Field(None, description="Windows OEM operating system.")
    state: str | None = Field(None, description="Source state (see SourceState).")
    connected: bool | None = Field(None, description="The Agent is connected to SMS.")
    cpu_quantity: int | None = Field(None, description="CPU cores.")
    memory: int | None = Field(None, description="Physical memory in bytes.")
    current_task: SourceTask | None = Field(None, description="Task associated with the source, if any.")
    checks: list[EnvironmentCheck] | None = Field(None, description="Environment check results.")
    init_target_server: InitTargetServer | None = Field(None, description="Recommended target configuration.")
    replicatesize: int | None = Field(None, description="Bytes replicated so far.")
    totalsize: int | None = Field(None, description="Total bytes to migrate.")
    stage_action_time: int | None = Field(None, description="Last change of migration_cycle, epoch ms.")
    last_visit_time: int | None = Field(None, description="Last change of the Agent connection, epoch ms.")
    migration_cycle: str | None = Field(None, description="Migration cycle (see MigrationCycle).")
    state_action_time: int | None = Field(None, description="Last change of state, epoch ms.")
    has_tc: bool | None = Field(None, description="The tc component is installed (Linux).")
    start_type: str | None = Field(None, description="How the Agent was started: MANUAL, MGC or empty.")


class SourceServerSummary(_SourceServerBase):
    """An item of ``GET /v3/sources`` (manual table 5-34)."""

    is_consistency_result_exist: bool | None = Field(None, description="A consistency-check result exists.")


class ListSourceServersResponse(ResponseModel):
    count: int | None = Field(None, description="Total number of matches, independent of limit/offset.")
    source_servers: list[SourceServerSummary] | None = Field(None, description="The page of source servers.")


class SourceServerDetail(_SourceServerBase):
    """Body of ``GET /v3/sources/{source_id}`` (manual 5.3.8), a bare object."""

    hostname: str | None = Field(None, description="Host name.")
    firmware: str | None = Field(None, description="Boot firmware: BIOS or UEFI.")
    disks: list[ServerDisk] | None = Field(None, description="Source disks.")
    volume_groups: list[VolumeGroup] | None = Field(None, description="LVM volume groups.")
    btrfs_list: list[BtrfsFileSystem] | None = Field(None, description="Btrfs file systems.")
    networks: list[NetworkInterface] | None = Field(None, description="Network interfaces.")
    agent_version: str | None = Field(None, description="Agent version.")


class SourceOverviewResponse(ResponseModel):
    """Body of ``GET /v3/sources/overview`` (manual 5.3.9): number of sources per state."""

    waiting: int | None = Field(None, description="Waiting.")
    replicate: int | None = Field(None, description="Replicating.")
    syncing: int | None = Field(None, description="Synchronising.")
    stopped: int | None = Field(None, description="Paused.")
    deleting: int | None = Field(None, description="Deleting.")
    cutovering: int | None = Field(None, description="Starting the target.")
    unavailable: int | None = Field(None, description="Environment check failed.")
    stopping: int | None = Field(None, description="Pausing.")
    skipping: int | None = Field(None, description="Skipping.")
    finished: int | None = Field(None, description="Target started.")
    initialize: int | None = Field(None, description="Initialising.")
    error: int | None = Field(None, description="Error.")
    cloning: int | None = Field(None, description="Waiting for the clone.")
    unconfigured: int | None = Field(None, description="Target not configured (sources without a task).")


# --- migration errors (5.3.1) ----------------------------------------------------------------------


class ListErrorsQuery(QueryModel):
    """Query of ``GET /v3/errors`` (manual 5.3.1): sources whose migration reported an error."""

    limit: int | None = Field(
        None, ge=0, le=100, description="Page size, 0-100.", json_schema_extra=server_default(50)
    )
    # Marked required in the table although it has a default: optional.
    offset: int | None = Field(
        None, ge=0, le=65535, description="Number of records to skip.", json_schema_extra=server_default(0)
    )
    migproject: str | None = Field(
        None, max_length=255, description="Only sources of this migration project."
    )
    enterprise_project_id: str | None = Field(
        None, max_length=255, description="Filter by enterprise project."
    )


class MigrationError(ResponseModel):
    """A source server and the error its migration reported (``MigrationErrors``)."""

    error_json: str | None = Field(
        None, description="The error as a JSON string with error_code and error_param (or error_msg)."
    )
    host_name: str | None = Field(None, description="Host name reported by the source (may be null).")
    name: str | None = Field(None, description="The source's name in SMS.")
    source_id: str | None = Field(None, description="Source server ID.")
    source_ip: str | None = Field(None, description="Source IP.")
    target_ip: str | None = Field(None, description="Target IP (null while the target has none).")


class ListErrorsResponse(ResponseModel):
    """Body of ``GET /v3/errors``."""

    count: int | None = Field(None, description="Number of sources with an error, independent of paging.")
    migration_errors: list[MigrationError] | None = Field(None, description="The page of errors.")
