"""A task's special settings (manual 5.10): the Task input `configurations`, setting -> value.

    Task(..., configurations={"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "50"})

Values are strings, as the API takes them. A list is joined with commas, the form the path settings
have on the wire, and equals the joined string (no diff between the two spellings). A number is
refused, not converted: YAML's `50` and `true` would otherwise become "50" and "True", and the
second is not what CONSISTENCY_RECHECK takes. The keys and the format of each value are the wire
model's (sms_pulumi.api.models.config: CONFIG_KEYS, check_config_value), so `pulumi preview`, and a
plan when it is loaded, refuse what SMS would, naming the key (`configurations.LINUX_CPU_LIMIT`).

`POST /v3/tasks/{id}/configuration-setting` takes at most SETTINGS_PER_POST settings a call and
upserts them by key; there is no delete, and `""` clears a setting. So a key taken out of the input
is sent as `""`. Only the keys the user declared are managed and compared: what SMS or a colleague
set beside them (CONSISTENCY_DIR_ILLEGAL, which SMS fills after a consistency check) is left alone
and is not drift.

Read back from the list of tasks, whose items carry the settings (`special_config`, manual 5.4.2): a
refresh costs no request per task (sms_pulumi.resources.task_index). A declared key SMS no longer
shows reads as `""`, cleared outside Pulumi: that is drift, and `pulumi up` sets it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from sms_pulumi.api.models.common import problems_of
from sms_pulumi.api.models.config import (
    SETTINGS_PER_POST,
    ConfigItem,
    ConfigItemSpec,
    SetConfigSettingRequest,
    check_config_value,
)
from sms_pulumi.resources._provider import is_unknown
from sms_pulumi.resources.clients import sms_client
from sms_pulumi.resources.inputs import plain

Problems = list[tuple[tuple[str, ...], str]]

_NOT_A_MAPPING = 'give a mapping of setting to value, e.g. {LINUX_CPU_LIMIT: "50"}'
_NOT_TEXT = ('give a string (e.g. "50"), or a list of strings (paths), which is joined with commas: '
             "the API takes text only")


def _text(value: Any) -> str | None:
    """A value as the API takes it: a string, or strings joined with commas; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    return None


def joined(value: Any) -> Any:
    """The settings as the API holds them, each list joined with commas (what diff compares)."""
    value = plain(value)
    if not isinstance(value, Mapping):
        return value
    return {k: v if (text := _text(v)) is None else text for k, v in value.items()}


def problems(value: Any) -> Problems:
    """What is wrong with the settings, each at its key (a path below `configurations`).

    Values not known yet (preview) are checked once known; a None value is no setting (the engine
    drops it, and a plan's server says `null` to drop a key of its wave).
    """
    if value is None or (is_unknown(value) and not isinstance(value, Mapping)):
        return []
    if not isinstance(value, Mapping):
        return [((), _NOT_A_MAPPING)]
    found: Problems = []
    for key, item in value.items():
        if item is None or is_unknown(item):
            continue
        text = _text(plain(item))
        if text is None:
            found.append(((str(key),), _NOT_TEXT))
            continue
        try:
            check_config_value(str(key), text)  # the key, and the value's format
            ConfigItemSpec.model_validate({"config_key": key, "config_value": text})  # the wire's limits
        except ValidationError as exc:
            found.append(((str(key),), "; ".join(message for _, message in problems_of(exc))))
        except ValueError as exc:
            found.append(((str(key),), str(exc)))
    return found


def apply(task_id: str, wanted: Any, before: Any = None) -> None:
    """Send every setting of `wanted`, and `""` for each key of `before` that `wanted` lacks.

    All the declared keys are sent, not only those that changed: a setting changed in the console
    since the last refresh is put back too, and ten settings cost one request either way.
    """
    want = joined(wanted) or {}
    cleared = {key: "" for key in joined(before) or {} if key not in want}
    items = [{"config_key": k, "config_value": v} for k, v in sorted({**cleared, **want}.items())]
    client = sms_client()
    for start in range(0, len(items), SETTINGS_PER_POST):
        batch = items[start:start + SETTINGS_PER_POST]
        client.set_config_setting(task_id, SetConfigSettingRequest.model_validate({"configurations": batch}))


def read_back(declared: Any, live: list[ConfigItem] | None) -> Any:
    """The declared settings as SMS has them: as written where SMS agrees, SMS's value where not.

    `live` is None when the answer carries no settings (the show answer): nothing to compare, the
    declared value stays.
    """
    declared = plain(declared)
    if live is None or not isinstance(declared, Mapping):
        return declared
    have = {c.config_key: c.config_value or "" for c in live if c.config_key}
    return {k: v if _text(v) == have.get(k, "") else have.get(k, "") for k, v in declared.items()}
