"""Time-window speed limits of a task, ``GET``/``POST /v3/tasks/{task_id}/speed-limit``
(manual 5.4.9, 5.4.10). The setter is POST, not PUT.

POST replaces the task's whole rule list; ``{"speed_limit": []}`` clears it. Windows are evaluated on
the source server's clock (inferred from the Agent's ``agent_time``).

Manual contradictions and silences resolved here:

* ``speed`` is "an integer 0-1000" in the text (and the SDK) but 0-10000 in the table: the table wins,
  0-10000 Mbit/s. 0 is allowed (the manual does not say whether it means unlimited).
* Times are written "XX:XX", but the manual's own example mixes ``"0:00"`` and ``"00:00"``: both ``H:MM``
  and ``HH:MM`` (00:00-23:59) are accepted and kept as sent; ``24:00`` never appears and is rejected.
* Overlap, wrap-around and ``start >= end`` are undocumented. Windows may touch (the example has one
  end at 8:00 and the next start at 8:00) but must not overlap; a window must end after it starts, so
  a night window is written as two (22:00-23:59 and 0:00-06:00).
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, field_validator, model_validator

from .common import (
    HHMM_PATTERN,
    RequestModel,
    ResponseModel,
    check_window_order,
    check_windows_disjoint,
    hhmm_to_minutes,
)

__all__ = [
    "SPEED_MAX_MBITS",
    "SPEED_MIN_MBITS",
    "SetSpeedLimitsRequest",
    "SpeedLimitRule",
    "SpeedLimitRuleSpec",
    "SpeedLimitsResponse",
    "normalize_hhmm",
]

SPEED_MIN_MBITS = 0
SPEED_MAX_MBITS = 10000


def normalize_hhmm(value: str) -> str:
    """``"8:00"`` -> ``"08:00"``: the canonical spelling, for comparing a plan with what was read back."""
    minutes = hhmm_to_minutes(value)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class SpeedLimitRule(ResponseModel):
    """One time window and its limit (wire objects ``SpeedLimitJson`` / ``SpeedLimitlJson``)."""

    start: str | None = Field(None, description="Window start, HH:MM (24-hour clock, source server time).")
    end: str | None = Field(None, description="Window end, HH:MM; 23:59 for the end of the day.")
    speed: int | None = Field(None, description="Speed limit during the window, Mbit/s (0-10000).")
    over_speed_threshold: float | None = Field(
        None,
        description=(
            "Over-speed protection, percent (10-100): when the rate exceeds it the task is stopped, so one "
            "task cannot saturate the link."
        ),
    )


class SpeedLimitRuleSpec(SpeedLimitRule, RequestModel):
    start: str = Field(..., pattern=HHMM_PATTERN)
    end: str = Field(..., pattern=HHMM_PATTERN)
    speed: int = Field(..., ge=SPEED_MIN_MBITS, le=SPEED_MAX_MBITS)
    over_speed_threshold: float | None = Field(None, ge=10, le=100)

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        check_window_order(self.start, self.end)
        return self


class SetSpeedLimitsRequest(RequestModel):
    """Body of ``POST /v3/tasks/{task_id}/speed-limit`` (manual 5.4.10); answered by ``{}``."""

    speed_limit: list[SpeedLimitRuleSpec] = Field(
        ...,
        max_length=65535,
        description="The complete list of time windows (replaces the previous one; [] clears it).",
    )

    @field_validator("speed_limit")
    @classmethod
    def _no_overlap(cls, rules: list[SpeedLimitRuleSpec]) -> list[SpeedLimitRuleSpec]:
        check_windows_disjoint([(rule.start, rule.end) for rule in rules])
        return rules


class SpeedLimitsResponse(ResponseModel):
    """Body of ``GET /v3/tasks/{task_id}/speed-limit`` (manual 5.4.9).

    A task without rules may answer 400 ``SMS.6302`` ("no speed limit found") instead of an empty list;
    the client treats both as "no rules".
    """

    speed_limit: list[SpeedLimitRule] | None = Field(None, description="Rules, one per time window.")
