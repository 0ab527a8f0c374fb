"""SpeedLimit: the bandwidth windows of a task, `/v3/tasks/{id}/speed-limit` (manual 5.4.9-5.4.10).

Schema: the wire model `SetSpeedLimitsRequest` (rules of `start`, `end` as HH:MM, `speed` in Mbit/s,
optional `over_speed_threshold`; windows must not overlap). POST replaces the whole rule list, so
create and update are the same call and delete posts an empty list. The resource's ID is the task's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from sms_pulumi.api.errors import NotFoundError
from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest, normalize_hhmm
from sms_pulumi.resources._provider import BaseProvider, is_unknown, validation_failures
from sms_pulumi.resources.clients import sms_client
from sms_pulumi.resources.inputs import REPLACES, Normalise, SmsResource, plain
from sms_pulumi.resources.types import SPEED_LIMIT, module_and_name


def _canonical(rules: Any) -> Any:
    """Rules as compared: times as HH:MM ("8:00" and "08:00" are the same window), in time order."""
    if not isinstance(rules, list):
        return plain(rules)
    out = []
    for rule in plain(rules):
        rule = dict(rule)
        for key in ("start", "end"):
            if isinstance(rule.get(key), str):
                with contextlib.suppress(ValueError):  # invalid times are reported by check
                    rule[key] = normalize_hhmm(rule[key])
        out.append(rule)
    return sorted(out, key=lambda r: str(r.get("start")))


class SpeedLimitProvider(BaseProvider):
    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        failures = []
        task_id = news.get("task_id")
        if not is_unknown(task_id) and (not isinstance(task_id, str) or not task_id.strip()):
            failures.append(CheckFailure("task_id", "the ID (a string) of the task to limit is required"))
        rules = news.get("rules")
        if rules is None:
            reason = "a list of rules is required (an empty list clears them)"
            return [*failures, CheckFailure("rules", reason)]
        for failure in validation_failures(SetSpeedLimitsRequest, {"speed_limit": rules}):
            prop = failure.property.replace("speed_limit", "rules", 1)
            failures.append(CheckFailure(prop, failure.reason))
        return failures

    def create(self, props: dict[str, Any]) -> CreateResult:
        task_id = str(props["task_id"])
        _set(task_id, props["rules"])
        return CreateResult(task_id, _posted(task_id, props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            return ReadResult(id_, _outputs(id_, props))
        except NotFoundError:
            return ReadResult(None, {})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _set(id_, news["rules"])
        return UpdateResult(_posted(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            _set(id_, [])
        except NotFoundError:
            return  # the task is gone, and its rules with it


def _set(task_id: str, rules: list[dict[str, Any]]) -> None:
    request = SetSpeedLimitsRequest.model_validate({"speed_limit": plain(rules)})
    sms_client().set_speed_limits(task_id, request)


def _posted(task_id: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs after a POST, which replaces the whole list: the rules are the ones sent (no read)."""
    return {"task_id": task_id, "rules": plain(props["rules"])}


def _outputs(task_id: str, props: Mapping[str, Any]) -> dict[str, Any]:
    live = sms_client().show_speed_limits(task_id).speed_limit or []
    rules = [r.model_dump(mode="json", exclude_none=True, include={"start", "end", "speed",
                                                                    "over_speed_threshold"})
             for r in live]
    # Keep the user's spelling when the windows are the same, so the state reads like the plan.
    if _canonical(rules) == _canonical(props.get("rules")):
        rules = plain(props.get("rules"))
    return {"task_id": task_id, "rules": rules}


class SpeedLimit(SmsResource, provider=SpeedLimitProvider, **module_and_name(SPEED_LIMIT)):
    """Bandwidth windows of a migration task (e.g. 50 Mbit/s during office hours)."""

    def __init__(
        self,
        resource_name: str,
        *,
        task_id: Annotated[pulumi.Input[str], REPLACES],
        rules: Annotated[pulumi.Input[list[dict[str, Any]]], Normalise(_canonical)],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param task_id: ID of the task (``Task.id``).
        :param rules: ``[{"start": "08:00", "end": "18:00", "speed": 50, "over_speed_threshold": 20}]``:
            windows in HH:MM on the source server's clock, not overlapping; speed in Mbit/s (0-10000);
            over-speed threshold in percent (10-100). An empty list means no limit.
        """
        self._declare(resource_name, locals(), opts)
