"""Agent configuration ``GET /v3/config`` (manual 5.2.1) and a task's special settings,
``POST``/``GET /v3/tasks/{task_id}/configuration-setting`` (manual 5.10.1, 5.10.2).

Manual contradictions resolved here:

* The 5.10.1 example sends ``"config_value": 50`` (a number) although the field is a String: values
  are strings, a number is rejected rather than silently converted.
* ``config_key`` is an enum on the English list page and a free string with different example names in
  the Chinese manual (``EXCLUDE_MIGRATE_PATH`` vs ``MIGRATE_EXCLUDE_DIR`` ...): it is a free string up
  to 255 characters; ``ConfigKey`` lists the names seen, for convenience only.
* POST accepts at most 10 settings per call while GET returns up to 1000: POST adds/updates the keys
  it carries (upsert by ``config_key``), it does not replace the whole set.
"""

from __future__ import annotations

import enum

from pydantic import Field

from .common import QueryModel, RequestModel, ResponseModel

__all__ = [
    "AgentConfigResponse",
    "ConfigItem",
    "ConfigItemSpec",
    "ConfigKey",
    "ConfigSettingQuery",
    "ConfigSettingResponse",
    "SetConfigSettingRequest",
]


class ConfigKey(enum.StrEnum):
    """Setting names seen in the manual (not a closed list; any string is accepted)."""

    EXCLUDE_MIGRATE_PATH = "EXCLUDE_MIGRATE_PATH"
    MIGRATE_EXCLUDE_PATH = "MIGRATE_EXCLUDE_PATH"
    SYNC_EXCLUDE_PATH = "SYNC_EXCLUDE_PATH"
    ONLY_SYNC_PATH = "ONLY_SYNC_PATH"
    MIGRATE_EXCLUDE_DIR = "MIGRATE_EXCLUDE_DIR"
    SYNC_EXCLUDE_DIR = "SYNC_EXCLUDE_DIR"
    ONLY_SYNC_DIR = "ONLY_SYNC_DIR"
    CONSISTENCY_DIR = "CONSISTENCY_DIR"
    LINUX_BLOCK_COMPRESS_THREAD_NUM = "LINUX_BLOCK_COMPRESS_THREAD_NUM"
    LINUX_CPU_LIMIT = "LINUX_CPU_LIMIT"
    LINUX_MEM_LIMIT = "LINUX_MEM_LIMIT"
    LINUX_IO_LIMIT = "LINUX_IO_LIMIT"


class ConfigItem(ResponseModel):
    """One special setting of a task (wire object ``ConfigBody``)."""

    config_key: str | None = Field(
        None, description="Setting type, e.g. MIGRATE_EXCLUDE_PATH, SYNC_EXCLUDE_PATH, LINUX_CPU_LIMIT."
    )
    config_value: str | None = Field(None, description="Value, stored by SMS and parsed by the Agent.")
    config_status: str | None = Field(None, description="Reserved: status of the setting.")


class ConfigItemSpec(ConfigItem, RequestModel):
    config_key: str = Field(..., max_length=255)
    config_value: str = Field(..., max_length=1024)
    config_status: str | None = Field(None, max_length=255)


class SetConfigSettingRequest(RequestModel):
    """Body of ``POST /v3/tasks/{task_id}/configuration-setting`` (manual 5.10.1); answered by ``{}``."""

    configurations: list[ConfigItemSpec] = Field(
        ..., max_length=10, description="Settings to store (at most 10 per call; upserted by key)."
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
