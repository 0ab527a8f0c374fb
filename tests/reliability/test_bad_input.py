"""Issue #7, reliability 6: bad input never gets past `check`, never as a traceback, never to the API.

Property-based (hypothesis): each resource's provider `check` gets a valid set of inputs in which
exactly one input was made invalid (wrong type, out of range, too long, not in the enumeration,
malformed nested object, required and missing) or an unknown input was added. It must answer with
CheckFailures, every one of which names that input (the property path starts with the input's name:
`vpc.id`, `rules[0].start`, `source_server_id`), must not raise, and must not call the API: the
provider process's settings point at the emulator (HW_* env) and the emulator's request log must show
no SMS/OMS call at all.

Cases the providers once got wrong (found by these properties) are kept in FIXED_GAPS and asserted
one by one in `test_fixed_gap`, each with what used to go wrong.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import CheckFailure

from sms_pulumi.api.models.config import CONFIG_KEYS
from sms_pulumi.api.models.oms import CloudType
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources import clients
from sms_pulumi.resources.migration_project import MigrationProjectProvider
from sms_pulumi.resources.source_server import SourceServerProvider
from sms_pulumi.resources.speed_limit import SpeedLimitProvider
from sms_pulumi.resources.task import TaskProvider
from sms_pulumi.resources.task_lifecycle import RUN_STATES
from sms_pulumi.resources.template import TemplateProvider
from sms_pulumi.resources.wave import WaveProvider
from tests.conftest import EmulatorCredentials

try:  # TaskGroup (OMS) arrived after the SMS resources.
    from sms_pulumi.resources.task_group import TaskGroupProvider
except ImportError:  # pragma: no cover - depends on the other engineers' progress
    TaskGroupProvider = None  # type: ignore[assignment,misc]

ABSENT = object()  # "the input is not given" (the engine drops None values)
PROVIDER_BLOB = "serialized-provider"  # what the engine passes as __provider (check ignores it)

# -- invalid values ------------------------------------------------------------------------------

_BOOL_WORDS = {"0", "1", "true", "false", "t", "f", "yes", "no", "y", "n", "on", "off"}
_NUMERIC = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")

_small_text = st.text(max_size=4)
_containers = st.one_of(
    st.lists(st.integers(), min_size=0, max_size=2),
    st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=3), st.integers(), max_size=2),
)
_non_integral_floats = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())


def not_a_string() -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(), st.booleans(), _non_integral_floats, _containers)


def longer_than(limit: int) -> st.SearchStrategy[str]:
    return st.integers(min_value=limit + 1, max_value=limit + 40).map(lambda n: "x" * n)


def bad_string(limit: int | None = 255, min_length: int = 0) -> st.SearchStrategy[Any]:
    options = [not_a_string()]
    if limit is not None:
        options.append(longer_than(limit))
    if min_length > 0:
        options.append(st.text(max_size=min_length - 1))
    return st.one_of(*options)


def not_an_int() -> st.SearchStrategy[Any]:
    letters = st.text(string.ascii_letters, min_size=1, max_size=5)
    return st.one_of(_non_integral_floats, letters.filter(lambda s: not _NUMERIC.match(s)), _containers)


def bad_int(low: int | None = None, high: int | None = None) -> st.SearchStrategy[Any]:
    options = [not_an_int()]
    if low is not None:
        options.append(st.integers(max_value=low - 1))
    if high is not None:
        options.append(st.integers(min_value=high + 1))
    return st.one_of(*options)


def bad_number(low: float, high: float) -> st.SearchStrategy[Any]:
    words = st.text(string.ascii_letters, min_size=1, max_size=5).filter(lambda s: not _NUMERIC.match(s))
    return st.one_of(
        words, _containers,
        st.floats(max_value=low, exclude_max=True, allow_nan=False, allow_infinity=False),
        st.floats(min_value=high, exclude_min=True, allow_nan=False, allow_infinity=False),
    )


def bad_bool() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers().filter(lambda n: n not in (0, 1)),
        st.text(string.ascii_letters + string.digits, min_size=1, max_size=6).filter(
            lambda s: s.lower() not in _BOOL_WORDS),
        _non_integral_floats, _containers,
    )


def bad_enum(values: set[str]) -> st.SearchStrategy[Any]:
    return st.one_of(st.text(max_size=12).filter(lambda s: s not in values), st.integers(), _containers)


def bad_time() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(["24:00", "8", "08:60", "ab:cd", "", "8:5", "23:59:00", "-1:00", "12h30", " 8:00"]),
        st.text(max_size=6).filter(lambda s: not _HHMM.match(s)),
        st.integers(),
    )


def non_dict() -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2), st.booleans())


def non_list() -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(), st.text(min_size=1, max_size=5), st.booleans(),
                     st.dictionaries(st.just("a"), st.integers(), min_size=1, max_size=1))


def with_key(base: Mapping[str, Any], key: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`base` with `key` replaced by an invalid value (or removed, for ABSENT)."""
    def build(value: Any) -> dict[str, Any]:
        out = dict(base)
        if value is ABSENT:
            out.pop(key, None)
        else:
            out[key] = value
        return out

    return values.map(build)


def one_of_items(item: Mapping[str, Any], invalid_item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A list holding one valid item and one invalid one, in either order."""
    return st.tuples(invalid_item, st.booleans()).map(
        lambda pair: [dict(item), pair[0]] if pair[1] else [pair[0], dict(item)])


def unknown_key(base: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """`base` plus a nested key the API does not know (request models forbid unknown fields)."""
    return st.text(string.ascii_lowercase, min_size=1, max_size=8).filter(lambda k: k not in base).map(
        lambda k: {**base, k: "x"})


# -- the resources: a valid set of inputs, and invalid values per input ---------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    provider: Callable[[], Any]
    valid: Mapping[str, Any]
    invalid: Mapping[str, st.SearchStrategy[Any]]

    @property
    def known_inputs(self) -> set[str]:
        provider = self.provider()
        return {f.name for f in provider.FIELDS} | set(provider.OUTPUTS) | {"__provider"}


PROJECT_VALID: dict[str, Any] = {
    "name": "dc1-wave1", "region": "cn-north-4", "type": "MIGRATE_BLOCK", "use_public_ip": True,
    "exist_server": False, "syncing": True, "description": "first wave", "speed_limit": 100,
    "start_target_server": True, "enterprise_project": "default", "start_network_check": False,
    "isdefault": False,
}
PROJECT = Case(
    "MigrationProject", MigrationProjectProvider, PROJECT_VALID,
    {
        "name": st.one_of(bad_string(19, min_length=2), st.just(ABSENT)),
        "region": st.one_of(bad_string(255), st.just(ABSENT)),
        "type": st.one_of(bad_enum({"MIGRATE_BLOCK", "MIGRATE_FILE"}), st.just(ABSENT)),
        "use_public_ip": st.one_of(bad_bool(), st.just(ABSENT)),
        "exist_server": st.one_of(bad_bool(), st.just(ABSENT)),
        "syncing": st.one_of(bad_bool(), st.just(ABSENT)),
        "description": bad_string(255),
        "speed_limit": bad_int(0, 10000),
        "start_target_server": bad_bool(),
        "enterprise_project": bad_string(255),
        "start_network_check": bad_bool(),
        "isdefault": bad_bool(),
    },
)

VPC = {"id": "autoCreate", "name": "autoCreate", "cidr": "192.168.0.0/16"}
NIC = {"id": "autoCreate", "name": "autoCreate", "cidr": "192.168.0.0/24"}
SG = {"id": "autoCreate", "name": "autoCreate"}
PUBLICIP = {"type": "5_bgp", "bandwidth_size": 10, "bandwidth_share_type": "PER"}
DISK = {"index": 0, "name": "system", "disktype": "SSD", "size": 40, "device_use": "BOOT"}
TEMPLATE_VALID: dict[str, Any] = {
    "name": "linux-std", "is_template": True, "region": "cn-north-4", "projectid": "0" * 32,
    "target_server_name": "web-01", "availability_zone": "cn-north-4a", "volumetype": "SSD",
    "flavor": "s6.large.2", "vpc": VPC, "nics": [NIC], "security_groups": [SG], "publicip": PUBLICIP,
    "disk": [DISK], "data_volume_type": "SSD", "target_password": "S3cret-Passw0rd", "image_id": "img-1",
}
TEMPLATE = Case(
    "Template", TemplateProvider, TEMPLATE_VALID,
    {
        "name": st.one_of(bad_string(255), st.just(ABSENT)),
        "is_template": st.one_of(bad_bool(), st.just(ABSENT)),
        "region": st.one_of(bad_string(255), st.just(ABSENT)),
        "projectid": st.one_of(bad_string(255), st.just(ABSENT)),
        "target_server_name": bad_string(255),
        "availability_zone": bad_string(255),
        "volumetype": bad_string(255),
        "flavor": bad_string(None),
        "data_volume_type": bad_string(255),
        "target_password": bad_string(1024),
        "image_id": bad_string(255),
        "vpc": st.one_of(
            non_dict(), unknown_key(VPC),
            with_key(VPC, "id", st.one_of(bad_string(255, min_length=1), st.just(ABSENT))),
            with_key(VPC, "name", st.one_of(bad_string(255, min_length=1), st.just(ABSENT))),
            with_key(VPC, "cidr", bad_string(255, min_length=1)),
        ),
        "nics": st.one_of(
            non_list(),
            one_of_items(NIC, st.one_of(
                non_dict(), unknown_key(NIC),
                with_key(NIC, "id", st.one_of(bad_string(255), st.just(ABSENT))),
                with_key(NIC, "cidr", bad_string(255)),  # absent: SMS creates the subnet
                with_key(NIC, "ip", bad_string(255)),
            )),
        ),
        "security_groups": st.one_of(
            non_list(),
            one_of_items(SG, st.one_of(
                non_dict(), unknown_key(SG),
                with_key(SG, "id", st.one_of(bad_string(255), st.just(ABSENT))),
                with_key(SG, "name", st.one_of(bad_string(255), st.just(ABSENT))),
            )),
        ),
        "publicip": st.one_of(
            non_dict(), unknown_key(PUBLICIP),
            with_key(PUBLICIP, "type", st.one_of(bad_string(255), st.just(ABSENT))),
            with_key(PUBLICIP, "bandwidth_size", st.one_of(bad_int(1, 2000), st.just(ABSENT))),
        ),
        "disk": st.one_of(
            non_list(),
            one_of_items(DISK, st.one_of(
                non_dict(), unknown_key(DISK),
                with_key(DISK, "index", st.one_of(bad_int(0, 2147483647), st.just(ABSENT))),
                with_key(DISK, "size", st.one_of(bad_int(0, None), st.just(ABSENT))),
                with_key(DISK, "name", st.one_of(bad_string(255), st.just(ABSENT))),
                with_key(DISK, "disktype", st.one_of(bad_string(255), st.just(ABSENT))),
            )),
        ),
    },
)

TARGET = {"name": "web-01-cloud"}
TASK_VALID: dict[str, Any] = {
    "name": "wave1-web-01", "type": "MIGRATE_BLOCK", "os_type": "LINUX", "source_server_id": "src-0001",
    "target_server": TARGET, "vm_template_id": "tpl-0001", "priority": 1,
    "speed_limit": 100, "over_speed_threshold": 50, "migration_ip": "10.0.0.5", "syncing": True,
    "exist_server": False, "use_public_ip": True, "start_target_server": True, "wait_timeout": 600,
    "region_name": "cn-north-4", "region_id": "cn-north-4", "project_name": "cn-north-4",
    "project_id": "0" * 32,
    "configurations": {"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "50"},
}
TASK = Case(
    "Task", TaskProvider, TASK_VALID,
    {
        "name": st.one_of(not_a_string(), longer_than(255), st.just(ABSENT)),
        "type": st.one_of(bad_enum({"MIGRATE_BLOCK", "MIGRATE_FILE"}), st.just(ABSENT)),
        "os_type": st.one_of(bad_enum({"LINUX", "WINDOWS"}), st.just(ABSENT)),
        "source_server_id": st.one_of(bad_string(255), st.just(ABSENT)),
        "target_server": st.one_of(
            non_dict(), unknown_key(TARGET),
            with_key(TARGET, "name", bad_string(255)),  # absent: the template's target_server_name
            with_key(TARGET, "vm_id", bad_string(255)),
            with_key(TARGET, "disks", non_list()),
            st.just(ABSENT),
        ),
        "priority": st.one_of(st.integers().filter(lambda n: n not in (0, 1, 2)), not_an_int()),
        "speed_limit": bad_int(0, 10000),
        "over_speed_threshold": bad_number(10, 100),
        "migration_ip": bad_string(255),
        "vm_template_id": bad_string(255),
        "region_name": bad_string(255),
        "region_id": bad_string(255),
        "project_name": bad_string(255),
        "project_id": bad_string(255),
        "syncing": bad_bool(),
        "exist_server": bad_bool(),
        "use_public_ip": bad_bool(),
        "start_target_server": bad_bool(),
        "use_ipv6": bad_bool(),
        "start_network_check": bad_bool(),
        "is_need_consistency_check": bad_bool(),
        "need_migration_test": bad_bool(),
        "auto_install_pvdriver": bad_bool(),
        "configurations": st.one_of(
            non_dict(),
            # An unknown setting, a value that is no text, one out of its format.
            st.text(string.ascii_uppercase + "_", min_size=1, max_size=12).filter(
                lambda k: k not in CONFIG_KEYS).map(lambda k: {"LINUX_CPU_LIMIT": "50", k: "1"}),
            with_key(TASK_VALID["configurations"], "LINUX_CPU_LIMIT",
                     # (an empty list is "": that clears the setting)
                     st.one_of(st.integers(), st.booleans(), _containers.filter(lambda v: v != []),
                               st.integers().filter(lambda n: not 1 <= n <= 100).map(str))),
            with_key(TASK_VALID["configurations"], "SYNC_EXCLUDE_PATH",
                     st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=5),
                              min_size=1, max_size=3)),
        ),
        "wait_timeout": st.one_of(st.integers(max_value=0), st.booleans(), st.text(min_size=1, max_size=4),
                                  _containers,
                                  st.floats(max_value=0, allow_nan=False, allow_infinity=False)),
    },
)

RULE = {"start": "08:00", "end": "18:00", "speed": 50, "over_speed_threshold": 20}
LATE_RULE = {"start": "18:00", "end": "23:59", "speed": 400}
SPEED_LIMIT = Case(
    "SpeedLimit", SpeedLimitProvider, {"task_id": "task-0001", "rules": [RULE, LATE_RULE]},
    {
        # non-string IDs are left out: see FIXED_GAPS
        "task_id": st.sampled_from([ABSENT, "", 0, False, [], {}]),
        "rules": st.one_of(
            st.just(ABSENT), non_list(),
            # Overlapping windows (the failure names the list).
            st.tuples(st.integers(0, 9), st.integers(11, 23)).map(lambda h: [
                {"start": f"{h[0]:02d}:00", "end": f"{h[1]:02d}:00", "speed": 10},
                {"start": "10:00", "end": "10:30", "speed": 20}]),
            one_of_items(LATE_RULE | {"start": "19:00"}, st.one_of(
                non_dict(), unknown_key(RULE),
                with_key(RULE, "start", st.one_of(bad_time(), st.just(ABSENT))),
                with_key(RULE, "end", st.one_of(bad_time(), st.just(ABSENT))),
                with_key(RULE, "speed", st.one_of(bad_int(0, 10000), st.just(ABSENT))),
                with_key(RULE, "over_speed_threshold", bad_number(10, 100)),
                # A window that ends before it starts (or is empty).
                st.tuples(st.integers(1, 17), st.integers(0, 59)).map(
                    lambda t: {"start": "18:00", "end": f"{t[0]:02d}:{t[1]:02d}", "speed": 5}),
            )),
        ),
    },
)

SRC = {"cloud_type": "ALIYUN", "region": "cn-hangzhou", "bucket": "old-assets", "ak": "src-ak",
       "sk": "src-sk", "object_key": ["static/"]}
DST = {"region": "cn-north-4", "bucket": "assets", "ak": "dst-ak", "sk": "dst-sk", "save_prefix": "moved/"}
WINDOW = {"start": "00:00", "end": "07:00", "max_bandwidth": 209715200}
GROUP_VALID: dict[str, Any] = {
    "src_node": SRC, "dst_node": DST, "task_type": "PREFIX", "description": "static-assets",
    "bandwidth_policy": [WINDOW], "run_state": "running", "enable_metadata_migration": True,
    "enable_restore": False, "enable_failed_object_recording": True, "enable_requester_pays": False,
    "object_overwrite_mode": "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE", "dst_storage_policy": "STANDARD",
    "consistency_check": "crc64", "migrate_since": 1700000000, "wait_timeout": 600,
}
TASK_GROUP = Case(
    "TaskGroup", lambda: TaskGroupProvider(), GROUP_VALID,
    {
        "src_node": st.one_of(
            st.just(ABSENT), non_dict(), unknown_key(SRC),
            with_key(SRC, "cloud_type", st.one_of(
                st.text(string.ascii_letters, min_size=1, max_size=8).filter(
                    lambda s: s.upper() not in CloudType.__members__),
                st.integers())),
            with_key(SRC, "ak", st.one_of(bad_string(100), st.just(ABSENT))),
            with_key(SRC, "bucket", bad_string(1024)),
            with_key(SRC, "object_key", st.one_of(non_list(), st.just([1]), st.just(["x" * 1025]))),
        ),
        "dst_node": st.one_of(
            st.just(ABSENT), non_dict(), unknown_key(DST),
            with_key(DST, "ak", st.one_of(bad_string(100), st.just(ABSENT))),
            with_key(DST, "sk", st.one_of(bad_string(100), st.just(ABSENT))),
            with_key(DST, "region", st.one_of(bad_string(100), st.just(ABSENT))),
            with_key(DST, "bucket", st.one_of(bad_string(1024), st.just(ABSENT))),
        ),
        "task_type": bad_enum({"LIST", "URL_LIST", "PREFIX"}),
        "description": st.one_of(not_a_string(), longer_than(255),
                                 st.text(max_size=8).map(lambda s: s + "<")),
        "bandwidth_policy": st.one_of(
            non_list(),
            st.lists(st.just(WINDOW), min_size=6, max_size=7).map(
                lambda ws: [{**w, "start": f"{i:02d}:00", "end": f"{i:02d}:30"} for i, w in enumerate(ws)]),
            st.lists(st.just(WINDOW), min_size=2, max_size=2),  # overlapping windows
            st.one_of(
                with_key(WINDOW, "start", st.one_of(bad_time(), st.just(ABSENT))),
                with_key(WINDOW, "max_bandwidth", st.one_of(bad_int(1048576, 209715200), st.just(ABSENT))),
                unknown_key(WINDOW),
            ).map(lambda w: [w]),
        ),
        "run_state": bad_enum({"not_managed", "running", "paused"}),
        "enable_metadata_migration": bad_bool(),
        "enable_restore": bad_bool(),
        "enable_failed_object_recording": bad_bool(),
        "enable_requester_pays": bad_bool(),
        "object_overwrite_mode": bad_enum({"NO_OVERWRITE", "SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE",
                                           "CRC64_COMPARISON_OVERWRITE", "FULL_OVERWRITE"}),
        "dst_storage_policy": bad_enum({"STANDARD", "IA", "ARCHIVE", "DEEP_ARCHIVE", "SRC_STORAGE_MAPPING"}),
        "consistency_check": bad_enum({"size_last_modified", "crc64", "no_check"}),
        "migrate_since": bad_int(0, None),
        "wait_timeout": st.one_of(st.integers(max_value=0), st.booleans(), st.text(min_size=1, max_size=4)),
        "adopt_id": st.one_of(st.just(""), st.integers(), _containers),
    },
)

WAVE_VALID: dict[str, Any] = {
    "name": "wave-1", "run_state": "running", "tasks": {"web-01": "task-0001", "web-02": "task-0002"},
    "run_states": {"web-02": "stopped"}, "wait_timeout": 600, "max_parallel": 20, "actions_per_second": 5,
    "retry": 1, "servers": {"web-01": {"source": "web-01 (10.0.1.11)"}},
}
WAVE = Case(
    "Wave", WaveProvider, WAVE_VALID,
    {
        "run_state": st.one_of(bad_enum(set(RUN_STATES)), st.just(ABSENT)),
        "tasks": st.one_of(non_dict(), st.dictionaries(st.text(min_size=1, max_size=5),
                                                        st.one_of(st.just(""), st.integers(), _containers),
                                                        min_size=1, max_size=3)),
        "run_states": st.one_of(non_dict(), st.dictionaries(
            st.text(min_size=1, max_size=5),
            bad_enum(set(RUN_STATES)), min_size=1, max_size=3)),
        "wait_timeout": st.one_of(st.integers(max_value=0), st.booleans(), st.text(min_size=1, max_size=4)),
        "max_parallel": st.one_of(st.integers(max_value=0), st.booleans(), st.text(min_size=1, max_size=4)),
        "actions_per_second": st.one_of(st.integers(max_value=0), st.booleans(),
                                        st.text(min_size=1, max_size=4)),
    },
)

SETTING = {"adjust_size": 150 * 1024**3, "need_migration": True}
BAD_SETTING = st.one_of(
    non_dict(), unknown_key(SETTING),
    with_key(SETTING, "adjust_size", bad_int(0, 9223372036854775807)),
    with_key(SETTING, "need_migration", bad_bool()),
)
# No disk settings in the valid inputs: checking them reads the source
# (tests/resources/test_source_server.py).
SOURCE = Case(
    "SourceServer", SourceServerProvider,
    {"source_id": "src-0001", "migprojectid": "mp-0001", "name": "web-01", "on_destroy": "move_back"},
    {
        "source_id": st.one_of(bad_string(255, min_length=1), st.just(ABSENT)),
        "migprojectid": bad_string(255),
        "name": st.one_of(not_a_string(), longer_than(64), st.just(""), st.just("web 01!")),
        "on_destroy": bad_enum({"move_back", "leave", "delete"}),
        "disks": st.one_of(
            non_dict(),
            st.dictionaries(st.sampled_from(["/dev/vda", "Disk 1"]), BAD_SETTING, min_size=1, max_size=2),
            BAD_SETTING.map(lambda bad: {"/dev/vdb": {"physical_volumes": {"/dev/vdb1": bad}}}),
            st.just({"/dev/vdb": {"physical_volumes": 5}}),
        ),
        "volume_groups": st.one_of(
            non_dict(),
            st.dictionaries(st.just("vg_data"), BAD_SETTING, min_size=1, max_size=1),
            BAD_SETTING.map(lambda bad: {"vg_data": {"logical_volumes": {"lv": bad}}}),
        ),
    },
)

CASES = [PROJECT, SOURCE, TEMPLATE, TASK, SPEED_LIMIT, WAVE]
if TaskGroupProvider is not None:
    CASES.append(TASK_GROUP)
CASE_IDS = [c.name for c in CASES]


# -- fixtures --------------------------------------------------------------------------------------


@dataclass
class ApiSpy:
    emulator: EmulatorServer
    seen: int = 0

    def api_calls(self) -> list[str]:
        """SMS/OMS calls the emulator received since the last look (admin calls are not API calls)."""
        entries = self.emulator.admin.requests(with_list=True, since=self.seen)["requests"]
        if entries:
            self.seen = max(e["seq"] for e in entries)
        return [f"{e['method']} {e['path']}" for e in entries if not e["path"].startswith("/_emulator")]


@pytest.fixture
def api_spy(monkeypatch: pytest.MonkeyPatch, emulator: EmulatorServer,
            emulator_credentials: EmulatorCredentials) -> Iterator[ApiSpy]:
    """The provider process's settings point at the emulator; no cached client survives the test."""
    for key, value in emulator_credentials.env(emulator.url).items():
        monkeypatch.setenv(key, value)
    clients.reset_clients()
    spy = ApiSpy(emulator)
    spy.api_calls()  # start after the reset's own log entries
    yield spy
    assert spy.api_calls() == []
    clients.reset_clients()  # clients built from this test's environment must not serve the next test


def run_check(case: Case, news: Mapping[str, Any]) -> list[CheckFailure]:
    """`check` as the engine calls it; any exception is a failure of the property."""
    inputs = {"__provider": PROVIDER_BLOB, **news}
    try:
        result = case.provider().check({}, inputs)
    except Exception as exc:  # noqa: BLE001 - the property is "never raises"
        pytest.fail(f"{case.name}.check raised {type(exc).__name__}: {exc}\ninputs: {inputs!r}")
    return list(result.failures or [])


def names_field(failure: CheckFailure, field: str) -> bool:
    prop = failure.property
    return prop == field or prop.startswith((f"{field}.", f"{field}["))


def assert_rejected(case: Case, field: str, news: Mapping[str, Any], spy: ApiSpy) -> None:
    failures = run_check(case, news)
    shown = [(f.property, f.reason) for f in failures]
    assert failures, f"{case.name}: invalid {field}={news.get(field, '<absent>')!r} passed check"
    assert all(names_field(f, field) for f in failures), (
        f"{case.name}: invalid {field}={news.get(field, '<absent>')!r}: failures do not name it: {shown}")
    assert all(f.reason and "Traceback" not in f.reason for f in failures), shown
    assert spy.api_calls() == [], f"{case.name}.check called the API"


# -- tests ---------------------------------------------------------------------------------------------

HYPOTHESIS = settings(max_examples=150, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_valid_inputs_pass_check(case: Case, api_spy: ApiSpy) -> None:
    """The baseline the properties start from is valid: any failure below is the invalid input's."""
    assert run_check(case, case.valid) == []
    assert api_spy.api_calls() == []


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@HYPOTHESIS
@given(data=st.data())
def test_one_invalid_input_is_named(case: Case, api_spy: ApiSpy, data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(sorted(case.invalid)), label="field")
    value = data.draw(case.invalid[field], label="value")
    news = dict(case.valid)
    if value is ABSENT:
        news.pop(field, None)
    else:
        news[field] = value
    assert_rejected(case, field, news, api_spy)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@HYPOTHESIS
@given(data=st.data())
def test_unknown_input_is_named(case: Case, api_spy: ApiSpy, data: st.DataObject) -> None:
    """A misspelt input (`nmae=`) is refused by name, not silently ignored."""
    known = case.known_inputs
    key = data.draw(st.text(string.ascii_letters + "_", min_size=1, max_size=12).filter(
        lambda k: k not in known), label="unknown input")
    value = data.draw(st.one_of(st.text(max_size=5), st.integers(), st.booleans()), label="value")
    assert_rejected(case, key, {**case.valid, key: value}, api_spy)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@HYPOTHESIS
@given(data=st.data())
def test_invalid_inputs_never_raise(case: Case, api_spy: ApiSpy, data: st.DataObject) -> None:
    """Several inputs wrong at once: still failures (each naming an input), never an exception."""
    fields = data.draw(st.lists(st.sampled_from(sorted(case.invalid)), min_size=2, max_size=4, unique=True),
                       label="fields")
    news = dict(case.valid)
    for field in fields:
        value = data.draw(case.invalid[field], label=field)
        if value is ABSENT:
            news.pop(field, None)
        else:
            news[field] = value
    failures = run_check(case, news)
    assert failures
    assert all(any(names_field(f, field) for field in fields) for f in failures), (
        [(f.property, f.reason) for f in failures], fields)
    assert api_spy.api_calls() == []


# -- what check gets wrong today -------------------------------------------------------------------------

FIXED_GAPS: list[tuple[Case, str, Any, str]] = [
    (PROJECT, "adopt_id", 12345,
     "MigrationProjectProvider.check does not validate adopt_id: a number (or list, dict, '') passes "
     "and create later calls GET /v3/migprojects/12345"),
    (TEMPLATE, "adopt_id", ["tpl-1"],
     "TemplateProvider.check does not validate adopt_id: a list passes check"),
    (TASK, "adopt_id", {"id": "t"},
     "TaskProvider.check does not validate adopt_id: a dict passes check"),
    (TASK, "name", "",
     "TaskProvider.check accepts name='' (CreateTaskRequest.name has no min_length) but SMS refuses an "
     "empty task name with SMS.7711 at create time"),
    (SPEED_LIMIT, "task_id", 12345,
     "SpeedLimitProvider.check only tests that task_id is truthy: 12345 or ['t'] passes and create sends "
     "POST /v3/tasks/12345/speed-limit"),
]


@pytest.mark.parametrize(
    ("case", "field", "value"),
    [pytest.param(c, f, v, id=f"{c.name}-{f}") for c, f, v, _why in FIXED_GAPS],
)
def test_fixed_gap(case: Case, field: str, value: Any, api_spy: ApiSpy) -> None:
    news = dict(case.valid)
    if value is ABSENT:
        news.pop(field, None)
    else:
        news[field] = value
    assert_rejected(case, field, news, api_spy)


@pytest.mark.parametrize(
    ("case", "field", "secret_value", "make"),
    [
        pytest.param(TEMPLATE, "target_password", "Pw!" + "s3cr3t" * 200,
                     lambda v: {**TEMPLATE_VALID, "target_password": v}, id="Template-target_password"),
        pytest.param(TASK_GROUP, "src_node", "SK" + "q" * 120,
                     lambda v: {**GROUP_VALID, "src_node": {**SRC, "sk": v}}, id="TaskGroup-src_node.sk"),
        pytest.param(TASK_GROUP, "dst_node", "AK" + "w" * 120,
                     lambda v: {**GROUP_VALID, "dst_node": {**DST, "ak": v}}, id="TaskGroup-dst_node.ak"),
    ],
)
def test_invalid_secret_is_not_echoed(case: Case, field: str, secret_value: str,
                                      make: Callable[[str], dict[str, Any]], api_spy: ApiSpy) -> None:
    """A secret that is refused (too long) is named, never repeated in the failure's text."""
    if case is TASK_GROUP and TaskGroupProvider is None:
        pytest.skip("no TaskGroup resource yet")
    news = make(secret_value)
    assert_rejected(case, field, news, api_spy)
    assert all(secret_value[:12] not in f.reason for f in run_check(case, news))
