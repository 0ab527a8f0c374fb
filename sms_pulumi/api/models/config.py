"""Agent configuration ``GET /v3/config`` (manual 5.2.1) and a task's special settings,
``POST``/``GET /v3/tasks/{task_id}/configuration-setting`` (manual 5.10.1, 5.10.2).

Manual contradictions resolved here:

* The 5.10.1 example sends ``"config_value": 50`` (a number) although the field is a String: values
  are strings, a number is rejected rather than silently converted.
* ``config_key``: the Chinese manual names ``EXCLUDE_MIGRATE_PATH``, ``SYNC_EXCLUDE_PATH``,
  ``ONLY_SYNC_PATH`` "etc." (5.10.1) and uses ``LINUX_CPU_LIMIT`` and ``MIGRATE_EXCLUDE_PATH`` in its
  examples; the English list page (``special_config``) gives a closed enum of 16 keys with ``_DIR``
  spellings. The keys accepted are the union (:data:`CONFIG_KEYS`); an unknown key is refused,
  naming the allowed ones.
* Value formats are not documented beyond "parsed by the Agent" (0-1024 characters). Each key gets
  the format its description implies (:data:`CONFIG_VALUE_FORMATS`): directory lists are absolute
  paths separated by commas, the Agent's CPU limit a percentage, its memory and I/O limits positive
  integers (MB, MB/s), process and thread counts small positive integers, ``MIGRATE_DST_IP`` an IP
  address, ``DYNAMIC_PORT`` a port or a ``low-high`` range. ``""`` is accepted for every key (the
  manual's minimum length is 0): it clears the setting.
* POST accepts at most 10 settings per call while GET returns up to 1000: POST adds/updates the keys
  it carries (upsert by ``config_key``), it does not replace the whole set.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Callable, Mapping

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .common import QueryModel, RequestModel, ResponseModel

__all__ = [
    "CONFIG_KEYS",
    "CONFIG_VALUE_FORMATS",
    "SETTINGS_PER_POST",
    "AgentConfigResponse",
    "ConfigItem",
    "ConfigItemSpec",
    "ConfigKey",
    "ConfigSettingQuery",
    "ConfigSettingResponse",
    "SetConfigSettingRequest",
    "check_config_value",
]


class ConfigKey(enum.StrEnum):
    """Setting names: the Chinese manual's (5.10.1, 5.10.2 examples) and the English page's enum."""

    # Chinese manual 5.10.1 / 5.10.2
    EXCLUDE_MIGRATE_PATH = "EXCLUDE_MIGRATE_PATH"  # paths not migrated
    SYNC_EXCLUDE_PATH = "SYNC_EXCLUDE_PATH"  # paths not synchronised
    ONLY_SYNC_PATH = "ONLY_SYNC_PATH"  # the only paths synchronised
    MIGRATE_EXCLUDE_PATH = "MIGRATE_EXCLUDE_PATH"  # 5.10.2 example: paths not migrated
    # English "Listing Migration Tasks", special_config.config_key
    MIGRATE_EXCLUDE_DIR = "MIGRATE_EXCLUDE_DIR"
    SYNC_EXCLUDE_DIR = "SYNC_EXCLUDE_DIR"
    ONLY_SYNC_DIR = "ONLY_SYNC_DIR"
    CONSISTENCY_DIR = "CONSISTENCY_DIR"  # directories the consistency check covers
    CONSISTENCY_DIR_ILLEGAL = "CONSISTENCY_DIR_ILLEGAL"  # illegal directories the check found
    LINUX_BLOCK_COMPRESS_THREAD_NUM = "LINUX_BLOCK_COMPRESS_THREAD_NUM"
    MIGRATE_DST_IP = "MIGRATE_DST_IP"
    LINUX_BLOCK_CACHE_SIZE = "LINUX_BLOCK_CACHE_SIZE"
    LINUX_CPU_LIMIT = "LINUX_CPU_LIMIT"  # the Agent's CPU limit
    LINUX_MEM_LIMIT = "LINUX_MEM_LIMIT"  # the Agent's memory limit
    LINUX_IO_LIMIT = "LINUX_IO_LIMIT"  # the Agent's disk I/O limit
    NUM_PROCESS_MIGRATE = "NUM_PROCESS_MIGRATE"
    NUM_PROCESS_SYNC = "NUM_PROCESS_SYNC"
    CONSISTENCY_RECHECK = "CONSISTENCY_RECHECK"
    CONSISTENCY_MODE = "CONSISTENCY_MODE"
    DYNAMIC_PORT = "DYNAMIC_PORT"


#: Every key ``POST .../configuration-setting`` accepts (for validating a plan before it is applied).
CONFIG_KEYS: frozenset[str] = frozenset(ConfigKey)

_PATH = re.compile(r"^(/[^,]*|[A-Za-z]:\\[^,]*)$")  # a Linux or Windows absolute path, no comma
_PORT_RANGE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")


def _paths(value: str) -> None:
    parts = [p.strip() for p in value.split(",")]
    bad = [p for p in parts if not _PATH.match(p)]
    if bad:
        raise ValueError(f"{bad[0]!r} is not an absolute path (/dir or C:\\dir); separate paths with commas")


def _integer(low: int, high: int) -> Callable[[str], None]:
    def check(value: str) -> None:
        if not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(f"{value!r} is not an integer from {low} to {high}")

    return check


def _ip(value: str) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 or IPv6 address") from None


def _ports(value: str) -> None:
    match = _PORT_RANGE.match(value)
    low, high = (int(match.group(1)), int(match.group(2) or match.group(1))) if match else (0, 0)
    if not match or not 1 <= low <= high <= 65535:
        raise ValueError(f"{value!r} is not a port (1-65535) or a range low-high")


def _boolean(value: str) -> None:
    if value not in ("true", "false"):
        raise ValueError(f"{value!r} is not true or false")


def _text(value: str) -> None:
    pass


_FORMATS: dict[ConfigKey, tuple[str, Callable[[str], None]]] = {
    **{key: ("absolute paths separated by commas", _paths) for key in (
        ConfigKey.EXCLUDE_MIGRATE_PATH, ConfigKey.SYNC_EXCLUDE_PATH, ConfigKey.ONLY_SYNC_PATH,
        ConfigKey.MIGRATE_EXCLUDE_PATH, ConfigKey.MIGRATE_EXCLUDE_DIR, ConfigKey.SYNC_EXCLUDE_DIR,
        ConfigKey.ONLY_SYNC_DIR, ConfigKey.CONSISTENCY_DIR, ConfigKey.CONSISTENCY_DIR_ILLEGAL)},
    ConfigKey.LINUX_CPU_LIMIT: ("percent of the source's CPU, 1-100", _integer(1, 100)),
    ConfigKey.LINUX_MEM_LIMIT: ("MB of memory, 1-1048576", _integer(1, 1048576)),
    ConfigKey.LINUX_IO_LIMIT: ("MB/s of disk I/O, 1-10000", _integer(1, 10000)),
    ConfigKey.LINUX_BLOCK_CACHE_SIZE: ("MB of cache, 1-1048576", _integer(1, 1048576)),
    ConfigKey.LINUX_BLOCK_COMPRESS_THREAD_NUM: ("number of threads, 1-128", _integer(1, 128)),
    ConfigKey.NUM_PROCESS_MIGRATE: ("number of processes, 1-128", _integer(1, 128)),
    ConfigKey.NUM_PROCESS_SYNC: ("number of processes, 1-128", _integer(1, 128)),
    ConfigKey.MIGRATE_DST_IP: ("an IPv4 or IPv6 address", _ip),
    ConfigKey.DYNAMIC_PORT: ("a port 1-65535 or a range low-high", _ports),
    ConfigKey.CONSISTENCY_RECHECK: ("true or false", _boolean),
    ConfigKey.CONSISTENCY_MODE: ("free text (parsed by the Agent)", _text),
}

#: The value format of each key, in words (the error message of a bad value repeats it).
CONFIG_VALUE_FORMATS: Mapping[str, str] = {key.value: text for key, (text, _) in _FORMATS.items()}


def check_config_value(key: str, value: str) -> str:
    """``value`` if it has the format of ``key`` (``""`` always does: it clears the setting).

    The error does not repeat the key: a plan or a resource input names it in the error's place
    (``configurations.LINUX_CPU_LIMIT``), the wire model beside its index.
    """
    if key not in CONFIG_KEYS:
        raise ValueError(f"unknown config_key {key!r}; expected one of {', '.join(sorted(CONFIG_KEYS))}")
    _, check = _FORMATS[ConfigKey(key)]
    if value:
        try:
            check(value)
        except ValueError as exc:
            raise ValueError(f"{exc} (expected {CONFIG_VALUE_FORMATS[key]})") from None
    return value


class ConfigItem(ResponseModel):
    """One special setting of a task (wire object ``ConfigBody``)."""

    config_key: str | None = Field(
        None, description="Setting type, e.g. MIGRATE_EXCLUDE_PATH, SYNC_EXCLUDE_PATH, LINUX_CPU_LIMIT."
    )
    config_value: str | None = Field(None, description="Value, stored by SMS and parsed by the Agent.")
    config_status: str | None = Field(None, description="Reserved: status of the setting.")


class ConfigItemSpec(ConfigItem, RequestModel):
    config_key: ConfigKey = Field(...)
    config_value: str = Field(..., max_length=1024)
    config_status: str | None = Field(None, max_length=255)

    @field_validator("config_value")
    @classmethod
    def _value_format(cls, value: str, info: ValidationInfo) -> str:
        key = info.data.get("config_key")
        if key is None:  # the key itself was refused: that error says it all
            return value
        try:
            return check_config_value(key, value)
        except ValueError as exc:  # at `configurations.N.config_value`: say which key it is
            raise PydanticCustomError("config_value", f"{key}: {exc}") from None


#: ``POST .../configuration-setting`` carries at most this many settings (manual 5.10.1: 0-10 items).
SETTINGS_PER_POST = 10


class SetConfigSettingRequest(RequestModel):
    """Body of ``POST /v3/tasks/{task_id}/configuration-setting`` (manual 5.10.1); answered by ``{}``."""

    configurations: list[ConfigItemSpec] = Field(
        ..., max_length=SETTINGS_PER_POST,
        description="Settings to store (at most 10 per call; upserted by key).",
    )


class ConfigSettingQuery(QueryModel):
    """Query of ``GET /v3/tasks/{task_id}/configuration-setting``."""

    config_key: str | None = Field(None, max_length=255, description="Setting type to return; absent: all.")


class ConfigSettingResponse(ResponseModel):
    """Body of ``GET /v3/tasks/{task_id}/configuration-setting`` (manual 5.10.2)."""

    task_id: str | None = Field(None, description="Task ID.")
    migrate_type: str | None = Field(None, description="Migration type, e.g. LINUX_FILE_MIGRATE.")
    configurations: list[ConfigItem] | None = Field(None, description="The task's settings.")


class AgentConfigResponse(ResponseModel):
    """Body of ``GET /v3/config`` (manual 5.2.1), which the Agent reads when it starts."""

    config: dict[str, str] | None = Field(
        None, description="Key/values such as mainRegion, obs_domain, disktype (keys are open-ended)."
    )
    regions: list[dict[str, object]] | None = Field(
        None, description="Regions, each with at least region_name and project_name."
    )
