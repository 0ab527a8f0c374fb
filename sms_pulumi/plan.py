"""Migration plans as data: a YAML file of waves -> servers, reviewed in Git.

    region: cn-north-4
    migration_project: {name: dc1-to-cloud, type: MIGRATE_BLOCK, syncing: true, exist_server: false}
    templates:
      linux-std: {flavor: s6.large.2, vpc: {...}, nics: [...], target_password_config: linuxPassword}
    bandwidth:
      office-hours: [{start: "08:00", end: "18:00", speed: 50}]
    waves:
      - name: wave-1
        run_state: running            # running | stopped | cut_over | not_managed
        template: linux-std
        bandwidth: office-hours
        servers:
          - name: web-01              # the source server, by name ...
          - ip: 10.0.1.12             # ... or by IP
            type: MIGRATE_FILE
    object_storage:                   # OMS task groups
      - name: assets
        source: {cloud_type: ALIYUN, region: cn-hangzhou, bucket: old-assets,
                 ak_config: srcAk, sk_config: srcSk}
        destination: {region: cn-north-4, bucket: assets, ak_config: dstAk, sk_config: dstSk}

Secrets never sit in the plan: `*_config` names a Pulumi config value (`pulumi config set --secret`).
Each part is validated with the same wire models the API client uses, and an error names the file,
the line, the path inside the file and the field: `plan.yaml:14: waves[0].servers[2].type: ...`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sms_pulumi.api.models.common import MigrationType, field_path
from sms_pulumi.api.models.migprojects import CreateMigProjectRequest
from sms_pulumi.api.models.oms import CreateTaskGroupRequest
from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest
from sms_pulumi.api.models.templates import TemplateSpec

RunState = Literal["running", "stopped", "cut_over", "not_managed"]
GroupRunState = Literal["running", "paused", "not_managed"]


class PlanError(ValueError):
    """A plan that cannot be used; the message names the file, line, path and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _validate_with(model: type[BaseModel], data: dict[str, Any]) -> None:
    """Validate with a wire model, re-raising its errors as plain ValueErrors naming the fields."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        parts = []
        for error in exc.errors():
            loc = ".".join(str(p) for p in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            parts.append(f"{loc}: {message}" if loc else message)
        raise ValueError("; ".join(parts)) from None


class MigrationProjectPlan(_Strict):
    """The wave's migration project; its settings are also the defaults of every task."""

    name: str
    type: MigrationType = MigrationType.MIGRATE_BLOCK
    syncing: bool = True
    use_public_ip: bool = True
    exist_server: bool = False
    start_target_server: bool | None = None
    speed_limit: int | None = None
    description: str | None = None
    isdefault: bool | None = None

    @model_validator(mode="after")
    def _wire(self) -> Self:
        _validate_with(CreateMigProjectRequest, {**self.model_dump(exclude_none=True), "region": "x"})
        return self


class TemplatePlan(BaseModel):
    """A VM template: the fields of the API's template object, plus where its password comes from."""

    model_config = ConfigDict(extra="allow")

    target_password_config: str | None = Field(
        None, description="Name of the Pulumi config secret holding the target server's password."
    )

    @model_validator(mode="after")
    def _wire(self) -> Self:
        fields = dict(self.model_extra or {})
        if "target_password" in fields:
            raise ValueError("target_password: put no password in a plan; use target_password_config")
        for reserved in ("name", "region", "projectid"):
            if reserved in fields:
                raise ValueError(f"{reserved}: set by the plan (the template's key, the plan's region)")
        _validate_with(TemplateSpec, {**fields, "name": "x", "region": "x", "projectid": "x",
                                      "is_template": fields.get("is_template", True)})
        return self

    def api_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ServerPlan(_Strict):
    """One source server to migrate: found by name or IP; every other field overrides the wave's."""

    name: str | None = None
    ip: str | None = None
    target_name: str | None = Field(None, description="Name of the target server (default: the source's).")
    type: MigrationType | None = None
    template: str | None = None
    bandwidth: str | None = None
    run_state: RunState | None = None
    migration_ip: str | None = None

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if not self.name and not self.ip:
            raise ValueError("give the source server's name or ip")
        return self

    @property
    def label(self) -> str:
        return self.name or str(self.ip)


class WavePlan(_Strict):
    name: str = Field(..., pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$")
    run_state: RunState = "not_managed"
    type: MigrationType | None = None
    template: str | None = None
    bandwidth: str | None = None
    servers: list[ServerPlan] = Field(..., min_length=1)


class NodePlan(BaseModel):
    """An OMS source or destination: the API's node fields; keys come from Pulumi config secrets."""

    model_config = ConfigDict(extra="allow")

    ak_config: str | None = None
    sk_config: str | None = None

    @field_validator("ak_config", "sk_config")
    @classmethod
    def _named(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("name a Pulumi config key")
        return value

    @model_validator(mode="after")
    def _no_keys(self) -> Self:
        for key in ("ak", "sk", "connection_string", "json_auth_file"):
            if key in (self.model_extra or {}):
                raise ValueError(f"{key}: put no key in a plan; use ak_config / sk_config")
        return self

    def api_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ObjectStoragePlan(_Strict):
    """An OMS task group: one bucket (or prefix) moved into OBS."""

    name: str = Field(..., pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$")
    source: NodePlan
    destination: NodePlan
    task_type: str | None = None
    bandwidth: list[dict[str, Any]] | None = None
    run_state: GroupRunState = "running"
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _wire(self) -> Self:
        # Placeholder keys stand in for the config secrets: only the shape is checked here.
        keys = {"ak": "placeholder", "sk": "placeholder"}
        body = {"src_node": {**self.source.api_fields(), **keys},
                "dst_node": {**self.destination.api_fields(), **keys},
                "description": self.name, **self.options}
        if self.task_type:
            body["task_type"] = self.task_type
        if self.bandwidth:
            body["bandwidth_policy"] = self.bandwidth
        _validate_with(CreateTaskGroupRequest, body)
        return self


class Plan(_Strict):
    region: str | None = None
    migration_project: MigrationProjectPlan | None = None
    templates: dict[str, TemplatePlan] = Field(default_factory=dict)
    bandwidth: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    waves: list[WavePlan] = Field(default_factory=list)
    object_storage: list[ObjectStoragePlan] = Field(default_factory=list)

    @field_validator("bandwidth")
    @classmethod
    def _windows(cls, value: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        for name, rules in value.items():
            try:
                _validate_with(SetSpeedLimitsRequest, {"speed_limit": rules})
            except ValueError as exc:
                raise ValueError(f"{name}: {str(exc).replace('speed_limit', 'windows')}") from None
        return value

    def servers(self) -> Iterator[tuple[WavePlan, ServerPlan]]:
        for wave in self.waves:
            for server in wave.servers:
                yield wave, server

    @model_validator(mode="after")
    def _references(self) -> Self:
        errors = []
        seen: dict[str, str] = {}
        for w, wave in enumerate(self.waves):
            for s, server in enumerate(wave.servers):
                where = f"waves[{w}].servers[{s}]"
                template = server.template or wave.template
                if template and template not in self.templates:
                    errors.append(f"{where}.template: no template named {template!r} in templates")
                bandwidth = server.bandwidth or wave.bandwidth
                if bandwidth and bandwidth not in self.bandwidth:
                    errors.append(f"{where}.bandwidth: no window set named {bandwidth!r} in bandwidth")
                key = server.label
                if key in seen:
                    errors.append(f"{where}: {key} is already planned in {seen[key]}")
                seen[key] = where
        if errors:
            raise ValueError("\n".join(errors))
        return self


# -- loading, with errors that point into the file ------------------------------------------------


def _line_of(root: yaml.Node | None, path: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at `path` (or of its deepest existing parent)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if getattr(k, "value", None) == part]
            if not match:
                break
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _path_text(loc: tuple[int | str, ...]) -> str:
    return field_path(loc) or "(plan)"


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan; PlanError lists every problem as `file:line: path: message`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the plan: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML: {exc}") from None
    try:
        return Plan.model_validate(data or {})
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            # Drop pydantic's internal steps (validator names) from the location.
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            msg = error["msg"].removeprefix("Value error, ")
            line = _line_of(root, loc)
            prefix = f"{path}:{line}" if line else str(path)
            lines.append(f"{prefix}: {_path_text(loc)}: {msg}")
        raise PlanError("invalid migration plan:\n  " + "\n  ".join(lines)) from None
