"""Wire models: the manual's example bodies validate and round-trip, invalid input is rejected naming
the field, responses tolerate the unexpected, and our wire names match the official SDK's."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sms_pulumi.api.models import common, config, migprojects, oms, sources, speed_limits, tasks, templates

Body = dict[str, Any]


def without_none(value: Any) -> Any:
    """The body as ``to_wire()`` sends it: explicit nulls are simply not sent."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value]
    return value


def error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    """Dotted locations of every validation error, e.g. ``template.publicip.bandwidth_size``."""
    return [".".join(str(part) for part in err["loc"]) for err in exc.value.errors()]


# --- example request bodies (condensed from /work/shared/api-reference) ----------------------------

TEMPLATE_CREATE: Body = {
    "template": {
        "name": "xxxx",
        "is_template": True,
        "region": "region",
        "projectid": "xxxxxxxxxxxxxxxxxxxxxxxxx00000001",
        "target_server_name": "ggg-win16-t",
        "availability_zone": "availability_zone",
        "target_password": "*****",
        "flavor": "c3.medium.2",
        "vpc": {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
            "name": "Migrate-SSd-1",
            "cidr": "192.168.0.0/16",
        },
        "nics": [
            {
                "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
                "name": "Migrate-SSd-35",
                "cidr": "192.168.0.0/16",
                "ip": "",
            }
        ],
        "security_groups": [{"id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001", "name": "Migrate-dddd"}],
        "disk": [
            {"id": 0, "index": 0, "name": "Disk 0", "disktype": "SATA", "size": 40, "device_use": "BOOT"}
        ],
        "volumetype": "SATA",
        "publicip": {"type": "5_g-vm", "bandwidth_size": 10, "bandwidth_share_type": "PER"},
    }
}

TEMPLATE_CREATE_TASK_BOUND: Body = {
    "template": {
        "name": "",
        "is_template": False,
        "region": "region",
        "projectid": "xxxxxxxxxxxxxxxxxxxxxxxxx00000001",
        "volumetype": "",
        "image_id": "",
    }
}

TEMPLATE_UPDATE: Body = {
    "template": {
        "name": "test1025",
        "is_template": False,
        "region": "region",
        "projectid": "xxxxxxxxxxxxxxxxxxxxxxxxx00000001",
        "vpc": {"id": "autoCreate", "name": "autoCreate"},
        "nics": [{"id": "autoCreate", "name": "autoCreate", "cidr": "192.168.0.0/24"}],
        "security_groups": [{"id": "autoCreate", "name": "autoCreate"}],
        "publicip": {"type": "5_bgp", "bandwidth_size": 1},
        "disk": [{"index": 0, "name": "index1", "disktype": "type", "size": 111}],
    }
}

BATCH_DELETE: Body = {"ids": ["3db302e8-95de-478c-a892-8a083f2dxxxx", "708847ae-f013-4b1a-8ea8-6cfa1e94xxxx"]}

MIGPROJECT_CREATE: Body = {
    "name": "N121",
    "description": "",
    "region": "region",
    "start_target_server": True,
    "speed_limit": 0,
    "use_public_ip": True,
    "exist_server": True,
    "isdefault": True,
    "type": "MIGRATE_BLOCK",
    "syncing": False,
    "enterprise_project": "default",
}

# The manual sends "name": 225 (a number); the schema says String.
MIGPROJECT_UPDATE: Body = {
    "name": "225",
    "region": "region",
    "description": "hello",
    "start_target_server": True,
    "speed_limit": 100,
    "use_public_ip": True,
    "exist_server": True,
    "type": "MIGRATE_FILE",
    "syncing": False,
}

TASK_CREATE: Body = {
    "name": "MigrationTask",
    "type": "MIGRATE_FILE",
    "os_type": "LINUX",
    "start_target_server": True,
    "use_public_ip": True,
    "migration_ip": "192.168.0.1",
    "region_name": "region_name",
    "region_id": "region_id",
    "project_name": "project_name",
    "project_id": "xxxxxxxxxxxxxxxxxxxx00000001",
    "source_server": {"id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001"},
    "target_server": {
        "vm_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
        "name": "Auto-tar-name",
        "disks": [
            {
                "name": "/dev/vda",
                "disk_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
                "size": 42949672960,
                "used_size": 429496,
                "device_use": "BOOT",
                "physical_volumes": [
                    {
                        "uuid": None,
                        "index": 0,
                        "name": "/dev/vda1",
                        "device_use": "OS",
                        "file_system": "ext4",
                        "mount_point": "/",
                        "size": 42947575808,
                        "used_size": 5346484224,
                    }
                ],
            }
        ],
        "volume_groups": [],
    },
    "is_need_consistency_check": True,
}

# Manual 4.1: Windows, block level, existing VM, with the undocumented auto_install_pvdriver.
TASK_CREATE_WINDOWS: Body = {
    "name": "MigrationTask",
    "type": "MIGRATE_BLOCK",
    "os_type": "WINDOWS",
    "auto_install_pvdriver": True,
    "auto_start": True,
    "start_target_server": True,
    "syncing": False,
    "use_public_ip": False,
    "migration_ip": "192.168.0.2",
    "region_name": "cn-north-4",
    "region_id": "cn-north-4",
    "project_name": "cn-north-4",
    "project_id": "xxxxxxxxxxxxxxxxxxxx00000001",
    "source_server": {"id": "8abda8635e09d185015e09d188dd0001xx"},
    "target_server": {
        "vm_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0002",
        "name": "win-target",
        "btrfs_list": None,
        "disks": [
            {
                "name": "Disk 0",
                "size": 42949672960,
                "used_size": 42947575808,
                "device_use": "OS",
                "physical_volumes": [
                    {"uuid": "\\\\?\\Volume{1}\\", "index": 1, "name": "(Reserved)", "device_use": "BOOT"},
                    {"uuid": "\\\\?\\Volume{2}\\", "index": 2, "name": "C:\\", "device_use": "OS"},
                ],
            },
            {
                "name": "Disk 1",
                "size": 10737418240,
                "used_size": 1073741824,
                "device_use": "NORMAL",
                "physical_volumes": [
                    {"index": 0, "name": "D:\\", "device_use": "NORMAL", "file_system": "NTFS"}
                ],
            },
        ],
    },
}

TASK_ACTIONS: list[Body] = [
    {"operation": "clone_test", "template_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001"},
    {"operation": "test"},
    {"operation": "start"},
    {"operation": "stop"},
    {"operation": "restart"},
    {"operation": "clear"},
    {"operation": "skip"},
    {"operation": "migration_test"},
]

SPEED_LIMIT_ONE: Body = {
    "speed_limit": [{"start": "00:00", "end": "23:59", "speed": 1000, "over_speed_threshold": 50.0}]
}
SPEED_LIMIT_THREE: Body = {
    "speed_limit": [
        {"start": "0:00", "end": "8:00", "speed": 20},
        {"start": "8:00", "end": "15:00", "speed": 50},
        {"start": "15:00", "end": "23:59", "speed": 25},
    ]
}

CONFIG_SETTING: Body = {"configurations": [{"config_key": "LINUX_CPU_LIMIT", "config_value": "50"}]}

SOURCE_UPDATE: Body = {"name": "abcd"}

SOURCE_REGISTER: Body = {
    "ip": "192.168.0.10",
    "name": "web-01",
    "hostname": "web-01",
    "os_type": "LINUX",
    "os_version": "CENTOS_7_4_64BIT",
    "firmware": "BIOS",
    "cpu_quantity": 2,
    "memory": 4294967296,
    "boot_loader": "GRUB",
    "has_rsync": True,
    "paravirtualization": False,
    "raw_devices": "",
    "has_tc": True,
    "platform": "other",
    "disks": [
        {
            "name": "/dev/vda",
            "partition_style": "MBR",
            "device_use": "BOOT",
            "size": 42949672960,
            "used_size": 5346484224,
            "physical_volumes": [
                {
                    "index": 0,
                    "name": "/dev/vda1",
                    "device_use": "OS",
                    "file_system": "ext4",
                    "mount_point": "/",
                }
            ],
        }
    ],
    "volume_groups": [
        {
            "name": "vg0",
            "components": "/dev/vdb1",
            "size": 10737418240,
            "free_size": 0,
            "logical_volumes": [
                {
                    "name": "/dev/vg0/data",
                    "file_system": "xfs",
                    "inode_size": 256,
                    "mount_point": "/data",
                    "size": 10737418240,
                    "used_size": 1073741824,
                    "free_size": 9663676416,
                }
            ],
        }
    ],
    "btrfs_list": [],
    "networks": [
        {
            "name": "eth0",
            "ip": "192.168.0.10",
            "netmask": "255.255.255.0",
            "gateway": "192.168.0.1",
            "mtu": 1500,
            "mac": "fa:16:3e:00:00:01",
        }
    ],
}

OMS_CREATE: Body = {
    "src_node": {
        "ak": "SRC_AK_PLACEHOLDER",
        "sk": "SRC_SK_PLACEHOLDER",
        "region": "cn-north-7",
        "bucket": "src-bucket",
        "cloud_type": "HuaweiCloud",
        "object_key": [""],
    },
    "dst_node": {
        "ak": "DST_AK_PLACEHOLDER",
        "sk": "DST_SK_PLACEHOLDER",
        "region": "cn-north-7",
        "bucket": "dst-bucket",
        "save_prefix": "migrated/",
    },
    "description": "wave 1 buckets",
    "enable_metadata_migration": False,
    "enable_failed_object_recording": True,
    "enable_restore": False,
    "task_type": "PREFIX",
    "bandwidth_policy": [
        {"start": "08:00", "end": "18:00", "max_bandwidth": 10485760},
        {"start": "18:00", "end": "23:59", "max_bandwidth": 209715200},
    ],
    "smn_config": {
        "topic_urn": "urn:smn:cn-north-7:0000:topic",
        "trigger_conditions": ["FAILURE"],
        "language": "en-us",
    },
    "migrate_since": 0,
    "object_overwrite_mode": "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE",
    "dst_storage_policy": "STANDARD",
    "consistency_check": "size_last_modified",
    "enable_requester_pays": False,
}

OMS_START: Body = {
    "dst_ak": "DST_AK_PLACEHOLDER",
    "dst_sk": "DST_SK_PLACEHOLDER",
    "src_ak": "A",
    "src_sk": "B",
}
OMS_RETRY: Body = {
    "migrate_failed_object": True,
    "dst_ak": "DST_AK_PLACEHOLDER",
    "dst_sk": "DST_SK_PLACEHOLDER",
}
OMS_BANDWIDTH: Body = {"bandwidth_policy": [{"start": "00:00", "end": "06:00", "max_bandwidth": 1048576}]}

REQUEST_EXAMPLES: list[tuple[type[common.RequestModel], Body]] = [
    (templates.CreateTemplateRequest, TEMPLATE_CREATE),
    (templates.CreateTemplateRequest, TEMPLATE_CREATE_TASK_BOUND),
    (templates.UpdateTemplateRequest, TEMPLATE_UPDATE),
    (common.BatchDeleteRequest, BATCH_DELETE),
    (common.BatchDeleteRequest, {"ids": ["1", "2", "3"]}),
    (migprojects.CreateMigProjectRequest, MIGPROJECT_CREATE),
    (migprojects.UpdateMigProjectRequest, MIGPROJECT_UPDATE),
    (tasks.CreateTaskRequest, TASK_CREATE),
    (tasks.CreateTaskRequest, TASK_CREATE_WINDOWS),
    *[(tasks.TaskActionRequest, body) for body in TASK_ACTIONS],
    (tasks.UploadLogRequest, {"log_bucket": "sms-logs"}),
    (tasks.UpdateTaskRequest, {"name": "MigrationTask", "type": "MIGRATE_BLOCK", "speed_limit": 0}),
    (speed_limits.SetSpeedLimitsRequest, SPEED_LIMIT_ONE),
    (speed_limits.SetSpeedLimitsRequest, SPEED_LIMIT_THREE),
    (speed_limits.SetSpeedLimitsRequest, {"speed_limit": []}),
    (config.SetConfigSettingRequest, CONFIG_SETTING),
    (sources.UpdateSourceServerRequest, SOURCE_UPDATE),
    (sources.RegisterSourceServerRequest, SOURCE_REGISTER),
    (oms.CreateTaskGroupRequest, OMS_CREATE),
    (oms.StartTaskGroupRequest, OMS_START),
    (oms.RetryTaskGroupRequest, OMS_RETRY),
    (oms.UpdateBandwidthPolicyRequest, OMS_BANDWIDTH),
]


@pytest.mark.parametrize(("model", "body"), REQUEST_EXAMPLES, ids=lambda v: getattr(v, "__name__", ""))
def test_request_example_round_trips_to_the_same_wire_json(
    model: type[common.RequestModel], body: Body
) -> None:
    parsed = model.model_validate(copy.deepcopy(body))
    assert parsed.to_wire() == without_none(body)
    # What the emulator receives as JSON text parses to the same object.
    assert model.model_validate_json(parsed.model_dump_json(exclude_none=True)) == parsed


# --- invalid input is rejected, naming the field ---------------------------------------------------


def _with(body: Body, path: str, value: Any) -> Body:
    """A deep copy of ``body`` with the dotted ``path`` set to ``value`` (``...`` deletes it)."""
    result = copy.deepcopy(body)
    *parents, leaf = path.split(".")
    node: Any = result
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is ...:
        del node[leaf]
    else:
        node[int(leaf) if isinstance(node, list) else leaf] = value
    return result


INVALID: list[tuple[type[common.RequestModel], Body, str]] = [
    (templates.CreateTemplateRequest, _with(TEMPLATE_CREATE, "template.name", ...), "template.name"),
    (
        templates.CreateTemplateRequest,
        _with(TEMPLATE_CREATE, "template.publicip.bandwidth_size", 0),
        "template.publicip.bandwidth_size",
    ),
    (
        templates.CreateTemplateRequest,
        _with(TEMPLATE_CREATE, "template.publicip.bandwidth_size", 2001),
        "template.publicip.bandwidth_size",
    ),
    (templates.CreateTemplateRequest, _with(TEMPLATE_CREATE, "template.vpc.id", ""), "template.vpc.id"),
    (
        templates.CreateTemplateRequest,
        _with(TEMPLATE_CREATE, "template.target_password", "x" * 1025),
        "template.target_password",
    ),
    (templates.CreateTemplateRequest, _with(TEMPLATE_CREATE, "template.error_msg", ""), "template.error_msg"),
    (migprojects.CreateMigProjectRequest, _with(MIGPROJECT_CREATE, "name", "N"), "name"),
    (migprojects.CreateMigProjectRequest, _with(MIGPROJECT_CREATE, "name", "x" * 20), "name"),
    (migprojects.UpdateMigProjectRequest, _with(MIGPROJECT_UPDATE, "name", 225), "name"),
    (migprojects.CreateMigProjectRequest, _with(MIGPROJECT_CREATE, "type", "MIGRATE_DISK"), "type"),
    (migprojects.CreateMigProjectRequest, _with(MIGPROJECT_CREATE, "syncing", ...), "syncing"),
    (migprojects.CreateMigProjectRequest, _with(MIGPROJECT_CREATE, "speed_limit", 10001), "speed_limit"),
    (tasks.CreateTaskRequest, _with(TASK_CREATE, "type", "MIGRATE_ALL"), "type"),
    (tasks.CreateTaskRequest, _with(TASK_CREATE, "os_type", "MACOS"), "os_type"),
    (tasks.CreateTaskRequest, _with(TASK_CREATE, "project_id", ...), "project_id"),
    (tasks.CreateTaskRequest, _with(TASK_CREATE, "target_server.disks", ...), "target_server.disks"),
    (
        tasks.CreateTaskRequest,
        _with(TASK_CREATE, "target_server.disks.0.size", -1),
        "target_server.disks.0.size",
    ),
    (tasks.CreateTaskRequest, _with(TASK_CREATE, "priority", 65536), "priority"),
    (tasks.UpdateTaskRequest, {"priority": 3}, "priority"),
    (tasks.CreateTaskRequest, _with(_with(TASK_CREATE, "os_type", "WINDOWS"), "type", "MIGRATE_FILE"), ""),
    (tasks.UpdateTaskRequest, {"os_type": "WINDOWS", "type": "MIGRATE_FILE"}, ""),
    (templates.CreateTemplateRequest, _with(TEMPLATE_CREATE, "template.volumetype", "FAST"),
     "template.volumetype"),
    (templates.CreateTemplateRequest, _with(TEMPLATE_CREATE, "template.data_volume_type", "FAST"),
     "template.data_volume_type"),
    (config.SetConfigSettingRequest, {"configurations": [{"config_key": "NOT_A_KEY", "config_value": "1"}]},
     "configurations.0.config_key"),
    (config.SetConfigSettingRequest,
     {"configurations": [{"config_key": "LINUX_CPU_LIMIT", "config_value": "0"}]},
     "configurations.0.config_value"),
    (config.SetConfigSettingRequest,
     {"configurations": [{"config_key": "EXCLUDE_MIGRATE_PATH", "config_value": "/tmp,relative"}]},
     "configurations.0.config_value"),
    (config.SetConfigSettingRequest,
     {"configurations": [{"config_key": "MIGRATE_DST_IP", "config_value": "10.0.0.300"}]},
     "configurations.0.config_value"),
    (config.SetConfigSettingRequest,
     {"configurations": [{"config_key": "DYNAMIC_PORT", "config_value": "9000-8000"}]},
     "configurations.0.config_value"),
    (tasks.CreateTaskRequest, _with(TASK_CREATE, "over_speed_threshold", 5), "over_speed_threshold"),
    (tasks.UpdateTaskRequest, {"state": "RUNNING"}, "state"),
    (tasks.TaskActionRequest, {"operation": "sync"}, "operation"),
    (tasks.ListTasksQuery, {"state": "SYNC_SUCCESS"}, "state"),
    (
        speed_limits.SetSpeedLimitsRequest,
        {"speed_limit": [{"start": "24:00", "end": "23:59", "speed": 1}]},
        "speed_limit.0.start",
    ),
    (
        speed_limits.SetSpeedLimitsRequest,
        {"speed_limit": [{"start": "8:0", "end": "9:00", "speed": 1}]},
        "speed_limit.0.start",
    ),
    (
        speed_limits.SetSpeedLimitsRequest,
        {"speed_limit": [{"start": "00:00", "end": "01:00", "speed": 10001}]},
        "speed_limit.0.speed",
    ),
    (
        speed_limits.SetSpeedLimitsRequest,
        {"speed_limit": [{"start": "00:00", "end": "01:00", "speed": 1, "over_speed_threshold": 101}]},
        "speed_limit.0.over_speed_threshold",
    ),
    (
        speed_limits.SetSpeedLimitsRequest,
        {"speed_limit": [{"start": "22:00", "end": "06:00", "speed": 1}]},
        "speed_limit.0",
    ),
    (
        speed_limits.SetSpeedLimitsRequest,
        {
            "speed_limit": [
                {"start": "00:00", "end": "09:00", "speed": 1},
                {"start": "08:00", "end": "10:00", "speed": 2},
            ]
        },
        "speed_limit",
    ),
    (speed_limits.SetSpeedLimitsRequest, {}, "speed_limit"),
    (
        config.SetConfigSettingRequest,
        {"configurations": [{"config_key": "LINUX_CPU_LIMIT", "config_value": 50}]},
        "configurations.0.config_value",
    ),
    (
        config.SetConfigSettingRequest,
        {"configurations": [{"config_key": "LINUX_CPU_LIMIT", "config_value": "5"} for _ in range(11)]},
        "configurations",
    ),
    (sources.UpdateSourceServerRequest, {"name": "x" * 65}, "name"),
    (sources.UpdateSourceServerRequest, {"name": "bad name!"}, "name"),
    (
        sources.RegisterSourceServerRequest,
        _with(SOURCE_REGISTER, "volume_groups.0.logical_volumes.0.mount_point", ...),
        "volume_groups.0.logical_volumes.0.mount_point",
    ),
    (sources.RegisterSourceServerRequest, _with(SOURCE_REGISTER, "networks.0.mac", ...), "networks.0.mac"),
    (
        oms.CreateTaskGroupRequest,
        _with(OMS_CREATE, "bandwidth_policy.0.max_bandwidth", 1048575),
        "bandwidth_policy.0.max_bandwidth",
    ),
    (
        oms.CreateTaskGroupRequest,
        _with(
            OMS_CREATE,
            "bandwidth_policy",
            [{"start": f"0{i}:00", "end": f"0{i}:30", "max_bandwidth": 1048576} for i in range(6)],
        ),
        "bandwidth_policy",
    ),
    (oms.CreateTaskGroupRequest, _with(OMS_CREATE, "bandwidth_policy.1.start", "17:00"), "bandwidth_policy"),
    (oms.CreateTaskGroupRequest, _with(OMS_CREATE, "description", "<script>"), "description"),
    (oms.CreateTaskGroupRequest, _with(OMS_CREATE, "dst_node.sk", ...), "dst_node.sk"),
    (oms.CreateTaskGroupRequest, _with(OMS_CREATE, "src_node.cloud_type", "Dropbox"), "src_node.cloud_type"),
    (oms.CreateTaskGroupRequest, _with(OMS_CREATE, "task_type", "LIST"), ""),
    (oms.StartTaskGroupRequest, _with(OMS_START, "dst_ak", ...), "dst_ak"),
    (
        oms.UpdateBandwidthPolicyRequest,
        {"bandwidth_policy": [{"start": "6:00", "end": "5:00", "max_bandwidth": 1048576}]},
        "bandwidth_policy.0",
    ),
]


@pytest.mark.parametrize(
    ("model", "body", "field"), INVALID, ids=[f"{m.__name__}:{f or 'body'}" for m, _, f in INVALID]
)
def test_invalid_request_is_rejected_naming_the_field(
    model: type[common.RequestModel], body: Body, field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        model.model_validate(body)
    assert field in error_fields(exc)


def test_oms_list_task_type_needs_a_list_file() -> None:
    with pytest.raises(ValidationError, match="list_file is required"):
        oms.CreateTaskGroupRequest.model_validate(_with(OMS_CREATE, "task_type", "LIST"))
    url_list = _with(
        _with(_with(OMS_CREATE, "task_type", "URL_LIST"), "src_node.ak", ...), "src_node.sk", ...
    )
    url_list["src_node"]["list_file"] = {"list_file_key": "urls.txt", "obs_bucket": "lists"}
    oms.CreateTaskGroupRequest.model_validate(url_list)  # no source keys needed for URL lists


# --- behaviour of the bases ------------------------------------------------------------------------


def test_server_defaults_fill_only_unset_fields() -> None:
    body = {k: v for k, v in MIGPROJECT_UPDATE.items() if k not in ("start_target_server", "description")}
    filled = migprojects.CreateMigProjectRequest.model_validate(body).with_server_defaults().to_wire()
    assert filled["start_target_server"] is True
    assert filled["isdefault"] is False
    assert filled["enterprise_project"] == "default"
    assert filled["use_public_ip"] is True  # sent, kept
    assert "description" not in filled  # no documented default


def test_query_params_are_strings_with_lowercase_booleans() -> None:
    query = sources.ListSourceServersQuery(
        limit=10, offset=0, connected=False, state=sources.SourceState.WAITING
    )
    assert query.to_params() == {"limit": "10", "offset": "0", "connected": "false", "state": "waiting"}
    assert tasks.ListTasksQuery(state=tasks.TaskState.ABORT).to_params() == {"state": "ABORT"}


def test_secrets_are_not_in_repr() -> None:
    spec = templates.CreateTemplateRequest.model_validate(
        _with(TEMPLATE_CREATE, "template.target_password", "Pa55-not-real")
    )
    assert "Pa55-not-real" not in repr(spec)
    assert spec.to_wire()["template"]["target_password"] == "Pa55-not-real"
    group = oms.CreateTaskGroupRequest.model_validate(OMS_CREATE)
    assert "SRC_SK_PLACEHOLDER" not in repr(group)
    assert "DST_AK_PLACEHOLDER" not in repr(oms.StartTaskGroupRequest.model_validate(OMS_START))


def test_spec_classes_inherit_field_descriptions() -> None:
    required = tasks.TargetDiskSpec.model_fields["name"]
    assert required.is_required()
    assert required.description and "disk order" in required.description
    schema = sources.LogicalVolumeSpec.model_json_schema()
    assert all(prop.get("description") for prop in schema["properties"].values())


def test_every_request_field_has_a_description() -> None:
    missing = [
        f"{model.__name__}.{name}"
        for module in (common, sources, templates, migprojects, tasks, speed_limits, config, oms)
        for model in vars(module).values()
        if isinstance(model, type) and issubclass(model, BaseModel) and model.__module__ == module.__name__
        for name, field in model.model_fields.items()
        if not field.description
    ]
    assert missing == []


# --- responses -------------------------------------------------------------------------------------

SOURCES_LIST: Body = {
    "count": 10,
    "source_servers": [
        {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
            "ip": "192.168.0.1",
            "name": "sms-test",
            "enterprise_project_id": "0",
            "add_date": 1598417717000,
            "os_type": "WINDOWS",
            "os_version": "WINDOWS2008_R2_64BIT",
            "oem_system": False,
            "state": "finished",
            "connected": True,
            "cpu_quantity": 1,
            "memory": 2146557952,
            "current_task": {
                "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
                "name": "MigrationTask",
                "type": "MIGRATE_BLOCK",
                "state": "MIGRATE_SUCCESS",
                "estimate_complete_time": None,
                "start_date": 1598417771000,
                "speed_limit": 0,
                "migrate_speed": 0.0,
                "start_target_server": True,
                "vm_template_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
                "region_id": "region_id",
                "project_name": "project_name",
                "project_id": "xxxxxxxxxxxxxxxxxxxxxxxxx00000001",
                "target_server": {"vm_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001", "name": "sms-test"},
                "log_collect_status": "INIT",
                "exist_server": False,
                "use_public_ip": True,
                "clone_server": None,
                "remain_seconds": None,
            },
            "checks": [
                {
                    "id": 524062,
                    "params": [""],
                    "name": "OS_VERSION",
                    "result": "OK",
                    "error_code": None,
                    "error_params": "",
                }
            ],
            "init_target_server": {"disks": [{"name": "Disk 0", "size": 42949672960, "device_use": "OS"}]},
            "replicatesize": 0,
            "stage_action_time": 1598419352959,
            "totalsize": 0,
            "last_visit_time": 1598434312002,
            "migration_cycle": "cutovered",
            "state_action_time": 1598419352959,
        },
        {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0002",
            "ip": "192.168.0.235",
            "name": "sms-ubuntu",
            "add_date": 1598417522000,
            "os_type": "LINUX",
            "os_version": "UBUNTU_18_4_64BIT",
            "oem_system": False,
            "state": "unavailable",
            "connected": False,
            "cpu_quantity": 1,
            "memory": 1032556544,
            "current_task": None,
            "checks": [],
            "init_target_server": {
                "disks": [
                    {"name": "/dev/vda", "size": 42949672960, "device_use": "BOOT"},
                    {"name": "/dev/vdb", "size": 21474836480, "device_use": "NORMAL"},
                ]
            },
            "replicatesize": 0,
            "stage_action_time": 1598417521797,
            "totalsize": 0,
            "last_visit_time": 1598417521795,
            "migration_cycle": "checking",
            "state_action_time": None,
        },
    ],
}

SOURCE_SHOW: Body = {
    "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
    "ip": "192.168.0.154",
    "name": "sms-win16",
    "hostname": "sms-win16",
    "add_date": 1598435769000,
    "os_type": "WINDOWS",
    "os_version": "WINDOWS2016_64BIT",
    "oem_system": False,
    "state": "initialize",
    "connected": True,
    "firmware": "BIOS",
    "cpu_quantity": 1,
    "memory": 2146553856,
    "current_task": {
        "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
        "name": "MigrationTask",
        "type": "MIGRATE_BLOCK",
        "state": "RUNNING",
        "speed_limit": 0,
        "start_target_server": True,
        "target_server": {"vm_id": "", "name": ""},
        "log_collect_status": "INIT",
        "exist_server": False,
        "use_public_ip": True,
        "clone_server": None,
    },
    "disks": [
        {
            "name": "Disk 0",
            "relation_name": None,
            "partition_style": "MBR",
            "size": 42949672960,
            "used_size": 42947575808,
            "device_use": "BOOT",
            "os_disk": False,
            "physical_volumes": [
                {
                    "uuid": "\\\\?\\Volume{586b7157}\\",
                    "index": 2,
                    "name": "C:\\",
                    "device_use": "OS",
                    "file_system": "NTFS",
                    "mount_point": None,
                    "size": 42423287808,
                    "used_size": 23170301952,
                }
            ],
        }
    ],
    "volume_groups": [],
    "networks": [{"name": None, "ip": None, "netmask": None, "gateway": None, "mtu": 0, "mac": "dac20cd4"}],
    "checks": [
        {
            "id": 524146,
            "params": [""],
            "name": "OS_VERSION",
            "result": "OK",
            "error_code": None,
            "error_or_warn": None,
            "error_params": "",
        }
    ],
    "init_target_server": {
        "disks": [
            {
                "name": "Disk 0",
                "size": 42949672960,
                "used_size": 42947575808,
                "device_use": "OS",
                "physical_volumes": [],
            }
        ],
        "volume_groups": [],
    },
    "replicatesize": 0,
    "stage_action_time": 1598435768945,
    "totalsize": 0,
    "last_visit_time": 1598435801422,
    "agent_version": "6.1.8",
    "migration_cycle": "replicating",
    "state_action_time": 1598435783569,
}

TASK_SHOW: Body = {
    "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
    "name": "MigrationTask",
    "type": "MIGRATE_BLOCK",
    "os_type": "WINDOWS",
    "state": "RUNNING",
    "estimate_complete_time": None,
    "create_date": 1598435778000,
    "start_date": 1598435784000,
    "finish_date": None,
    "priority": 1,
    "speed_limit": 0,
    "migrate_speed": 0.0,
    "start_target_server": True,
    "error_json": "",
    "total_time": 115,
    "float_ip": None,
    "migration_ip": None,
    "vm_template_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
    "region_name": "region name",
    "region_id": "region id",
    "project_name": "project name",
    "project_id": "xxxxxxxxxxxxxxxxxxxxxxxx00000001",
    "sub_tasks": [
        {
            "id": 7278,
            "name": "CREATE_CLOUD_SERVER",
            "progress": 0,
            "start_date": 1598435802000,
            "end_date": None,
            "user_op": "REPLICATE",
            "process_trace": None,
        },
        {
            "id": 7279,
            "name": "SSL_CONFIG",
            "progress": 0,
            "start_date": None,
            "end_date": None,
            "user_op": "REPLICATE",
            "process_trace": None,
        },
    ],
    "source_server": {
        "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
        "ip": "192.168.0.154",
        "name": "name-win16",
        "os_type": "WINDOWS",
        "os_version": "WINDOWS2016_64BIT",
        "oem_system": False,
        "state": "initialize",
        "migration_cycle": "replicating",
    },
    "target_server": {
        "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
        "vm_id": "",
        "name": "",
        "ip": None,
        "os_type": "WINDOWS",
        "os_version": "WINDOWS2016_64BIT",
        "system_dir": "Y:\\Windows\\System32",
        "disks": [
            {
                "id": 88008,
                "name": "Disk 1",
                "relation_name": None,
                "disk_id": "0",
                "partition_style": "MBR",
                "size": 42949672960,
                "used_size": 42947575808,
                "device_use": "OS",
                "os_disk": True,
                "disk_index": "0",
                "physical_volumes": [
                    {
                        "id": 135055,
                        "uuid": "\\\\?\\Volume{586b7157}\\",
                        "index": 1,
                        "name": "Z:",
                        "relation_name": None,
                        "device_use": "BOOT",
                        "file_system": "NTFS",
                        "mount_point": None,
                        "size": 524288000,
                        "used_size": 410275840,
                        "free_size": 114012160,
                        "volume_type": "Physical",
                    }
                ],
            }
        ],
        "volume_groups": [],
        "image_disk_id": None,
        "cutovered_snapshot_ids": None,
        "rollback_snapshot_ids": None,
        "btrfs_list": [],
    },
    "clone_server": None,
}

TASK_LIST: Body = {
    "count": 3,
    "tasks": [
        {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
            "name": "sms_task_lxxxx11",
            "type": "MIGRATE_FILE",
            "os_type": "LINUX",
            "state": "MIGRATE_SUCCESS",
            "estimate_complete_time": None,
            "create_date": 1585139506000,
            "priority": 1,
            "speed_limit": 0,
            "migrate_speed": 0.0,
            "start_target_server": True,
            "error_json": "",
            "total_time": 3878000,
            "migration_ip": "",
            "source_server": {
                "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
                "ip": "192.168.*.107",
                "name": "xxx-linux-1",
                "os_type": "LINUX",
                "os_version": "CENTOS_7_6_64BIT",
                "oem_system": False,
                "state": "AVAILABLE",
            },
            "target_server": {
                "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
                "vm_id": "",
                "name": "",
                "ip": None,
                "os_type": "LINUX",
                "os_version": None,
            },
            "log_collect_status": "INIT",
        },
        {"id": "3", "source_server": None, "speed_limit": 200},
    ],
}

TEMPLATES_LIST: Body = {
    "count": 2,
    "templates": [
        {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
            "name": "test",
            "region": "region",
            "availability_zone": "availability_zone",
            "projectid": "xxxxxxxxxxxxxxxxxxxxxxxxx00000001",
            "flavor": "s2.large.2",
            "volumetype": "",
            "image_id": "",
            "is_template": "true",
            "vpc": {"id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001", "name": "vpc-dfdb"},
            "nics": [
                {
                    "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
                    "name": "subnet-dfdb(192.168.1.0/24)",
                    "cidr": "192.168.1.0/24",
                    "ip": "",
                }
            ],
            "security_groups": [
                {
                    "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
                    "name": "default(Inbound:tcp/8900,8899,3389,22; Outbound:--)",
                }
            ],
        },
        {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0002",
            "name": "test3",
            "region": "region",
            "availability_zone": "availability_zone",
            "projectid": "xxxxxxxxxxxxxxxxxxxxxxxxx00000001",
            "flavor": "s2.medium.2",
            "volumetype": "",
            "image_id": "",
            "vpc": {},
            "nics": [],
            "security_groups": [],
        },
    ],
}

TEMPLATE_SHOW: Body = {
    "template": {
        "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
        "name": "test1025",
        "region": "region",
        "target_server_name": "",
        "availability_zone": "availability_zone",
        "projectid": "xxxxxxxxxxxxxxxxxxxxxxxxx00000001",
        "flavor": "s2.large.2",
        "volumetype": "",
        "image_id": "",
        "vpc": {"id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001", "name": "vpc-testcloud(192.168.0.0/16)"},
        "nics": [
            {
                "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001",
                "name": "subnet-testcloud(192.168.0.0/24)",
                "cidr": "192.168.0.0/24",
                "ip": "",
            }
        ],
        "security_groups": [],
        "publicip": {"type": "5_bgp", "bandwidth_size": 5, "bandwidth_share_type": "PER"},
        "disk": [{"index": 0, "name": "system", "disktype": "", "size": 40}],
    }
}

MIGPROJECTS_LIST: Body = {
    "count": 2,
    "migprojects": [
        {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
            "name": "sms_test",
            "use_public_ip": True,
            "isdefault": True,
            "start_target_server": True,
            "region": "06334e957c80d2642f39c0030856abdb",
            "speed_limit": 0,
            "exist_server": True,
            "description": "",
            "type": "MIGRATE_BLOCK",
            "enterprise_project": "default",
        },
        {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0002",
            "name": "SystemProject",
            "use_public_ip": True,
            "isdefault": False,
            "start_target_server": True,
            "region": "region",
            "speed_limit": 0,
            "exist_server": True,
            "description": "",
            "type": "MIGRATE_BLOCK",
            "enterprise_project": "default",
        },
    ],
}

OMS_SHOW: Body = {
    "group_id": "9522a7e5-b4fc-44b9-93e1-4dbadbd86e67",
    "status": 3,
    "error_reason": None,
    "src_node": {
        "bucket": "dst-test-001",
        "cloud_type": "HUAWEICLOUD",
        "region": "cn-north-7",
        "app_id": "",
        "object_key": [""],
        "list_file": None,
    },
    "description": "",
    "dst_node": {"bucket": "assess-bucket-1", "region": "cn-north-7", "save_prefix": ""},
    "enable_metadata_migration": False,
    "enable_failed_object_recording": True,
    "enable_restore": False,
    "enable_kms": False,
    "task_type": "PREFIX",
    "bandwidth_policy": [],
    "smn_config": None,
    "source_cdn": None,
    "migrate_since": 0,
    "migrate_speed": 0,
    "total_time": 7907369,
    "start_time": 1659937788779,
    "total_task_num": None,
    "create_task_num": None,
    "failed_task_num": None,
    "complete_task_num": None,
    "paused_task_num": None,
    "executing_task_num": None,
    "waiting_task_num": None,
    "total_num": 4128588,
    "create_complete_num": None,
    "success_num": 0,
    "fail_num": 0,
    "skip_num": 0,
    "total_size": 27814708666,
    "create_complete_size": None,
    "complete_size": 0,
    "failed_object_record": {"result": None, "list_file_key": None, "error_code": None},
    "object_overwrite_mode": "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE",
    "consistency_check": "size_last_modified",
    "enable_requester_pays": False,
}

ERROR_403: Body = {
    "error_code": "SMS.9004",
    "error_msg": "The current account does not have the permission to execute policy.",
    "encoded_authorization_message": "XXXXXX",
    "error_param": ["You do not have permission to perform action XXX on resource XXX."],
    "details": [
        {
            "error_code": "SMS.9004",
            "error_msg": "You do not have permission to perform action XXX on resource XXX.",
        }
    ],
}

RESPONSE_EXAMPLES: list[tuple[type[common.ResponseModel], Body]] = [
    (sources.ListSourceServersResponse, SOURCES_LIST),
    (sources.SourceServerDetail, SOURCE_SHOW),
    (
        sources.SourceOverviewResponse,
        {
            "replicate": 0,
            "stopped": 0,
            "unconfigured": 13,
            "waiting": 0,
            "syncing": 0,
            "unavailable": 0,
            "cutovering": 0,
            "finished": 6,
            "error": 3,
            "deleting": 1,
            "stopping": 1,
            "initialize": 0,
            "cloning": 0,
        },
    ),
    (templates.ListTemplatesResponse, TEMPLATES_LIST),
    (templates.ShowTemplateResponse, TEMPLATE_SHOW),
    (
        templates.TargetPasswordResponse,
        {"template_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx0001", "target_password": "*****"},
    ),
    (migprojects.ListMigProjectsResponse, MIGPROJECTS_LIST),
    (
        migprojects.MigProject,
        {
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxx0001",
            "name": "456",
            "isdefault": True,
            "region": None,
            "start_target_server": False,
            "speed_limit": 0,
            "use_public_ip": True,
        },
    ),
    (tasks.TaskDetail, TASK_SHOW),
    (tasks.ListTasksResponse, TASK_LIST),
    (speed_limits.SpeedLimitsResponse, SPEED_LIMIT_ONE),
    (
        config.AgentConfigResponse,
        {
            "config": {"mainRegion": "ap-southeast-1", "disktype": "SATA"},
            "regions": [
                {"region_name": "cn-north-1", "project_name": "cn-north-1"},
                {"region_name": "cn-north-4", "project_name": "cn-north-4"},
            ],
        },
    ),
    (
        config.ConfigSettingResponse,
        {
            "task_id": "0867ef5f3xxxxxxxxxxxxxx",
            "migrate_type": "LINUX_FILE_MIGRATE",
            "configurations": [
                {"config_key": "MIGRATE_EXCLUDE_PATH", "config_value": "/test", "config_status": ""}
            ],
        },
    ),
    (oms.TaskGroup, OMS_SHOW),
    (oms.ListTaskGroupsResponse, {"count": 1, "taskgroups": [OMS_SHOW]}),
    (oms.CreateTaskGroupResponse, {"group_id": "157ece42-3270-4824-a3d2-f0187a03ca01"}),
    (common.IdResponse, {"id": "8abda8635e09d185015e09d188dd0001xx"}),
    (common.EmptyResponse, {}),
    (common.ErrorBody, ERROR_403),
    (common.ErrorBody, {"error_code": "SMS.7703", "error_msg": "Task does not exist."}),
]


@pytest.mark.parametrize(("model", "body"), RESPONSE_EXAMPLES, ids=lambda v: getattr(v, "__name__", ""))
def test_response_example_parses_and_round_trips(model: type[common.ResponseModel], body: Body) -> None:
    parsed = model.model_validate(copy.deepcopy(body))
    assert parsed.to_wire() == without_none(body)


def test_responses_tolerate_unknown_and_missing_fields() -> None:
    task = tasks.TaskDetail.model_validate(TASK_SHOW)
    assert task.state == tasks.TaskState.RUNNING
    assert task.target_server is not None and task.target_server.disks
    volume = task.target_server.disks[0].physical_volumes
    assert volume and volume[0].model_extra == {"volume_type": "Physical"}
    summary = tasks.ListTasksResponse.model_validate(TASK_LIST).tasks
    assert summary and summary[0].source_server and summary[0].source_server.state == "AVAILABLE"
    assert summary[1].name is None and summary[1].source_server is None
    assert tasks.TaskDetail.model_validate({"state": "SOME_NEW_STATE"}).state == "SOME_NEW_STATE"


def test_template_is_template_reads_string_or_bool() -> None:
    listed = templates.ListTemplatesResponse.model_validate(TEMPLATES_LIST).templates
    assert listed and listed[0].is_general is True and listed[1].is_general is None
    assert templates.Template(is_template=False).is_general is False
    assert templates.Template.model_validate({"is_template": "false"}).is_general is False


def test_oms_show_status_and_null_counters() -> None:
    group = oms.TaskGroup.model_validate(OMS_SHOW)
    assert group.status_enum is oms.TaskGroupStatus.PAUSED
    assert group.total_task_num is None and group.total_num == 4128588
    assert oms.TaskGroup(status=42).status_enum is None


def test_speed_limit_helpers() -> None:
    assert speed_limits.normalize_hhmm("8:05") == "08:05"
    assert common.hhmm_to_minutes("23:59") == 23 * 60 + 59
    with pytest.raises(ValueError):
        common.hhmm_to_minutes("24:00")


# --- wire names agree with the official SDK --------------------------------------------------------

sms_sdk = pytest.importorskip("huaweicloudsdksms.v3.model")
oms_sdk = pytest.importorskip("huaweicloudsdkoms.v2.model")

# (our model, SDK model, our wire names the SDK lacks -- each a documented, deliberate choice)
SDK_PAIRS: list[tuple[type[BaseModel], Any, set[str]]] = [
    (common.BatchDeleteRequest, sms_sdk.DeleteIds, set()),
    (common.BatchDeleteRequest, sms_sdk.DeleteTasksReq, set()),
    (common.BatchDeleteRequest, sms_sdk.DeletetemplatesReq, set()),
    (templates.CreateTemplateRequest, sms_sdk.CreateTemplateReq, set()),
    (templates.UpdateTemplateRequest, sms_sdk.UpdateTemplateReq, set()),
    (templates.TemplateSpec, sms_sdk.TemplateRequest, set()),
    (templates.VpcSpec, sms_sdk.VpcObject, set()),
    (templates.NicSpec, sms_sdk.Nics, set()),
    (templates.SecurityGroupSpec, sms_sdk.SgObject, set()),
    (templates.PublicIpSpec, sms_sdk.PublicIp, set()),
    (templates.TemplateDiskSpec, sms_sdk.TemplateDisk, set()),
    (templates.Template, sms_sdk.TemplateResponseBody, set()),
    (templates.TargetPasswordResponse, sms_sdk.ShowTargetPasswordResponse, set()),
    (templates.ListTemplatesQuery, sms_sdk.ListTemplatesRequest, set()),
    (migprojects.CreateMigProjectRequest, sms_sdk.PostMigProjectBody, {"id"}),  # declared only to be refused
    (migprojects.UpdateMigProjectRequest, sms_sdk.MigProject, {"id"}),  # manual table 5-351 has it
    (migprojects.MigProject, sms_sdk.MigprojectsResponseBody, set()),
    (migprojects.ListMigProjectsQuery, sms_sdk.ListMigprojectsRequest, set()),
    (tasks.CreateTaskRequest, sms_sdk.PostTask, {"auto_install_pvdriver"}),  # manual example 4.1
    (tasks.SourceServerRefSpec, sms_sdk.SourceServerByTask, set()),
    (tasks.TargetServerSpec, sms_sdk.TargetServerByTask, set()),
    (tasks.TargetDiskSpec, sms_sdk.TargetDisks, set()),
    # Manual 5.4.6 names; the SDK's PutTaskReq dropped them.
    (
        tasks.UpdateTaskRequest,
        sms_sdk.PutTaskReq,
        {"os_type", "priority", "start_target_server", "enterprise_project_id"},
    ),
    (tasks.TargetServerUpdate, sms_sdk.TargetServer, set()),
    (tasks.TargetDiskUpdate, sms_sdk.TargetDisk, set()),
    (tasks.TargetPhysicalVolumeUpdate, sms_sdk.TargetPhysicalVolumes, set()),
    (tasks.CloneServerSpec, sms_sdk.CloneServer, set()),
    (tasks.TaskActionRequest, sms_sdk.UpdateTaskStatusReq, set()),
    (tasks.UploadLogRequest, sms_sdk.UploadLogRequestBody, set()),
    (tasks.PassphraseResponse, sms_sdk.ShowPassphraseResponse, set()),
    (tasks.ConsistencyResultResponse, sms_sdk.ShowConsistencyResultResponse, set()),
    (tasks.ConsistencyResultSpec, sms_sdk.ConsistencyResult, set()),
    (tasks.UploadConsistencyResultRequest, sms_sdk.SetConsistencyResultRequestBody, set()),
    (tasks.ExportConsistencyResultsRequest, sms_sdk.BatchGetConsistencyResultReq, set()),
    (tasks.ConsistencyExportItem, sms_sdk.BatchConsistencyReq, set()),
    (sources.ListErrorsQuery, sms_sdk.ListErrorServersRequest, {"migproject"}),  # manual 5.3.1
    (sources.ListErrorsResponse, sms_sdk.ListErrorServersResponse, set()),
    (sources.MigrationError, sms_sdk.MigrationErrors, set()),
    (tasks.ListTasksQuery, sms_sdk.ListTasksRequest, set()),
    (tasks.TaskSummary, sms_sdk.TasksResponseBody, set()),
    # Not in the manual's show table; real clients read them back (tasks.TaskDetail's note).
    (tasks.TaskDetail, sms_sdk.ShowTaskResponse, {"syncing", "use_public_ip", "use_ipv6"}),
    (tasks.TaskTargetServer, sms_sdk.TaskTargetServer, set()),
    (tasks.TaskSourceServer, sms_sdk.SourceServerResponse, set()),
    (tasks.SubTask, sms_sdk.SubTask, set()),
    (tasks.NetworkCheckInfo, sms_sdk.NetworkCheckInfoRequestBody, set()),
    (speed_limits.SetSpeedLimitsRequest, sms_sdk.SpeedLimit, set()),
    (speed_limits.SpeedLimitRuleSpec, sms_sdk.SpeedLimitlJson, set()),
    (speed_limits.SpeedLimitsResponse, sms_sdk.ShowsSpeedLimitsResponse, set()),
    (config.SetConfigSettingRequest, sms_sdk.ConfigurationRequestBody, set()),
    (config.ConfigItemSpec, sms_sdk.ConfigBody, set()),
    (config.ConfigSettingResponse, sms_sdk.ShowConfigSettingResponse, set()),
    (config.AgentConfigResponse, sms_sdk.ShowConfigResponse, set()),
    (
        sources.RegisterSourceServerRequest,
        sms_sdk.PostSourceServerBody,
        {"virtualization_type"},
    ),  # manual 5.3.2
    (sources.ServerDiskSpec, sms_sdk.ServerDisk, set()),
    (sources.PhysicalVolumeSpec, sms_sdk.PhysicalVolume, set()),
    (sources.VolumeGroupSpec, sms_sdk.VolumeGroups, set()),
    (sources.LogicalVolumeSpec, sms_sdk.LogicalVolumes, set()),
    (sources.BtrfsFileSystemSpec, sms_sdk.BtrfsFileSystem, set()),
    (sources.BtrfsSubvolumeSpec, sms_sdk.BtrfsSubvolumn, set()),
    (sources.NetworkInterfaceSpec, sms_sdk.NetWork, set()),
    (sources.UpdateSourceServerRequest, sms_sdk.PutSourceServerBody, set()),
    (sources.PutDisk, sms_sdk.PutDisk, set()),
    (sources.PutVolume, sms_sdk.PutVolume, set()),
    (sources.PutVolumeGroup, sms_sdk.PutVolumeGroups, set()),
    (sources.PutLogicalVolume, sms_sdk.PutLogicalVolume, set()),
    (sources.ListSourceServersQuery, sms_sdk.ListServersRequest, set()),
    (sources.SourceServerSummary, sms_sdk.SourceServersResponseBody, set()),
    (sources.SourceServerDetail, sms_sdk.ShowServerResponse, set()),
    (sources.SourceOverviewResponse, sms_sdk.ShowOverviewResponse, set()),
    (sources.SourceTask, sms_sdk.TaskByServerSources, set()),
    (sources.EnvironmentCheck, sms_sdk.EnvironmentCheck, set()),
    (sources.InitTargetServer, sms_sdk.InitTargetServer, set()),
    (sources.InitTargetDisk, sms_sdk.DiskIntargetServer, set()),
    # seed 004 Table 3; the SDK does not know it (oms module notes).
    (oms.CreateTaskGroupRequest, oms_sdk.CreateTaskGroupReq, {"enable_kms"}),
    (oms.TaskGroupSrcNodeSpec, oms_sdk.TaskGroupSrcNode, set()),
    (oms.TaskGroupDstNodeSpec, oms_sdk.TaskGroupDstNode, set()),
    (oms.ListFileSpec, oms_sdk.ListFile, set()),
    (oms.SmnConfigSpec, oms_sdk.SmnConfig, set()),
    (oms.SourceCdnSpec, oms_sdk.SourceCdnReq, set()),
    (oms.BandwidthPolicySpec, oms_sdk.BandwidthPolicyDto, set()),
    (oms.UpdateBandwidthPolicyRequest, oms_sdk.UpdateBandwidthPolicyReq, set()),
    (oms.StartTaskGroupRequest, oms_sdk.StartTaskGroupReq, set()),
    (oms.RetryTaskGroupRequest, oms_sdk.RetryTaskGroupReq, set()),
    (oms.ListTaskGroupsQuery, oms_sdk.ListTaskGroupRequest, set()),
    (oms.TaskGroup, oms_sdk.ShowTaskGroupResponse, {"enable_kms"}),
    (oms.TaskGroup, oms_sdk.TaskGroupResp, {"enable_kms"}),
    (oms.ListTaskGroupsResponse, oms_sdk.ListTaskGroupResponse, set()),
    (oms.CreateTaskGroupResponse, oms_sdk.CreateTaskGroupResponse, set()),
]


def wire_names(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


@pytest.mark.parametrize(
    ("ours", "sdk", "ours_only"), SDK_PAIRS, ids=[f"{o.__name__}~{s.__name__}" for o, s, _ in SDK_PAIRS]
)
def test_wire_names_match_the_official_sdk(ours: type[BaseModel], sdk: Any, ours_only: set[str]) -> None:
    sdk_names = set(sdk.attribute_map.values())
    assert wire_names(ours) - ours_only <= sdk_names, "names the SDK does not know"
    assert ours_only <= wire_names(ours) and not ours_only & sdk_names, "stale exception list"


SDK_BODY_EXAMPLES: list[tuple[Body, Any]] = [
    (TEMPLATE_CREATE, sms_sdk.CreateTemplateReq),
    (TEMPLATE_CREATE["template"], sms_sdk.TemplateRequest),
    (MIGPROJECT_CREATE, sms_sdk.PostMigProjectBody),
    (MIGPROJECT_UPDATE, sms_sdk.MigProject),
    (TASK_CREATE, sms_sdk.PostTask),
    (TASK_CREATE["target_server"], sms_sdk.TargetServerByTask),
    (TASK_CREATE["target_server"]["disks"][0], sms_sdk.TargetDisks),
    (TASK_CREATE["target_server"]["disks"][0]["physical_volumes"][0], sms_sdk.PhysicalVolumes),
    (TASK_ACTIONS[0], sms_sdk.UpdateTaskStatusReq),
    (SPEED_LIMIT_ONE["speed_limit"][0], sms_sdk.SpeedLimitlJson),
    (CONFIG_SETTING["configurations"][0], sms_sdk.ConfigBody),
    (SOURCE_REGISTER, sms_sdk.PostSourceServerBody),
    (OMS_CREATE, oms_sdk.CreateTaskGroupReq),
    (OMS_CREATE["src_node"], oms_sdk.TaskGroupSrcNode),
    (OMS_CREATE["smn_config"], oms_sdk.SmnConfig),
    (OMS_START, oms_sdk.StartTaskGroupReq),
    (OMS_RETRY, oms_sdk.RetryTaskGroupReq),
]


@pytest.mark.parametrize(("body", "sdk"), SDK_BODY_EXAMPLES, ids=[s.__name__ for _, s in SDK_BODY_EXAMPLES])
def test_example_bodies_are_accepted_by_the_sdk_models(body: Body, sdk: Any) -> None:
    """Every key of a valid example is a wire name of the SDK model, which builds from it."""
    attribute_for = {wire: attr for attr, wire in sdk.attribute_map.items()}
    assert set(body) <= set(attribute_for)
    sdk(**{attribute_for[key]: value for key, value in body.items()})


# --- configuration settings (5.10) -----------------------------------------------------------------

CONFIG_EXAMPLES = {
    "EXCLUDE_MIGRATE_PATH": "/tmp,/var/cache", "SYNC_EXCLUDE_PATH": "/var/log", "ONLY_SYNC_PATH": "/data",
    "MIGRATE_EXCLUDE_PATH": "/test", "MIGRATE_EXCLUDE_DIR": "C:\\temp", "SYNC_EXCLUDE_DIR": "/a",
    "ONLY_SYNC_DIR": "/b", "CONSISTENCY_DIR": "/srv", "CONSISTENCY_DIR_ILLEGAL": "/proc",
    "LINUX_BLOCK_COMPRESS_THREAD_NUM": "4", "MIGRATE_DST_IP": "192.168.0.10", "LINUX_BLOCK_CACHE_SIZE": "512",
    "LINUX_CPU_LIMIT": "50", "LINUX_MEM_LIMIT": "2048", "LINUX_IO_LIMIT": "100", "NUM_PROCESS_MIGRATE": "8",
    "NUM_PROCESS_SYNC": "8", "CONSISTENCY_RECHECK": "true", "CONSISTENCY_MODE": "md5",
    "DYNAMIC_PORT": "8899-8900",
}


def test_every_config_key_has_a_format_and_an_example() -> None:
    assert set(CONFIG_EXAMPLES) == config.CONFIG_KEYS == set(config.CONFIG_VALUE_FORMATS)
    for key, value in CONFIG_EXAMPLES.items():
        assert config.check_config_value(key, value) == value
        assert config.check_config_value(key, "") == ""  # clears the setting
    items = [{"config_key": k, "config_value": v} for k, v in CONFIG_EXAMPLES.items()]
    request = config.SetConfigSettingRequest.model_validate({"configurations": items[:10]})
    assert request.to_wire()["configurations"][0] == {"config_key": "EXCLUDE_MIGRATE_PATH",
                                                      "config_value": "/tmp,/var/cache"}
    with pytest.raises(ValueError, match="expected percent"):
        config.check_config_value("LINUX_CPU_LIMIT", "101")
    with pytest.raises(ValueError, match="unknown config_key 'CPU'.*LINUX_CPU_LIMIT"):
        config.check_config_value("CPU", "1")
