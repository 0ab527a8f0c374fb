"""Migration plans as data: a YAML file of waves -> servers, reviewed in Git.

    region: cn-north-4
    migration_project: {name: dc1-to-cloud, type: MIGRATE_BLOCK, syncing: true, exist_server: false}
    templates:
      linux-std: {flavor: s6.large.2, vpc: {...}, nics: [...], target_password_config: linuxPassword}
    bandwidth:
      office-hours: [{start: "08:00", end: "18:00", speed: 50}]
    waves:
      - name: wave-1
        run_state: running            # running | tested | stopped | cut_over | not_managed
        template: linux-std
        bandwidth: office-hours
        test_template: linux-test     # tested: clone each target from it (without: the migration drill)
        clear_snapshots: true         # once cut over, release the snapshots SMS keeps (also on destroy)
        configurations: {SYNC_EXCLUDE_PATH: [/tmp, /var/cache], LINUX_CPU_LIMIT: "50"}
        servers:
          - name: web-01              # the source server, by name ...
          - ip: 10.0.1.12             # ... or by IP
            type: MIGRATE_FILE
            configurations: {LINUX_IO_LIMIT: "100"}   # merged over the wave's, key by key
          - name: app-01
            task_name: app-01-task    # the SMS task's name (default: the server's)
            adopt_id: 9879f7aa-...    # an existing task to manage instead of creating one
          - name: web-02
            disks:                    # by the name the source reports; sizes in GB (GiB)
              /dev/vda: {size: 60, partitions: {/dev/vda2: {size: 59}}}
              /dev/vdb: {migrate: false}
          - name: db-01
            volume_groups:
              vg_data: {size: 260, logical_volumes: {/dev/vg_data/lv_pgdata: {size: 250}}}
            on_destroy: delete        # move_back (default) | leave | delete; also per wave
    object_storage:                   # OMS task groups
      - name: assets
        source: {cloud_type: ALIYUN, region: cn-hangzhou, bucket: old-assets,
                 ak_config: srcAk, sk_config: srcSk}
        destination: {region: cn-north-4, bucket: assets, ak_config: dstAk, sk_config: dstSk}

Secrets never sit in the plan: `*_config` names a Pulumi config value (`pulumi config set --secret`).

Every server of the plan is also a SourceServer: the plan's migration project holds it (moved there
on create), its disk settings shape the target layout its task gets, and `on_destroy` says what
destroy does with its record (sms_pulumi.resources.source_server). The plan says sizes in GB (GiB,
1024^3 bytes, rounded to the MiB) as people do; the resource takes bytes, as the wire does.

Loading checks in two passes, and reports every problem of both at once, each on its own line with
the file and the line of the offending key or value (`plan.yaml:14: waves[0].servers[2].type: ...`):
the shape of the plan (these models; a key given twice is refused), then each part against the wire
model the API client uses (templates, windows, task groups, the tasks' special settings: the
manual's constraints and enumerations, with the allowed values in the message) and the
cross-references (template and bandwidth names, a server planned twice). The program adds the
problems only SMS can tell (a server that is not registered: `Plan.problem` gives them the same form).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sms_pulumi.api.models.common import (
    MigrationType,
    field_path,
    nested_secret_fields,
    problems_of,
    secret_fields,
)
from sms_pulumi.api.models.migprojects import CreateMigProjectRequest
from sms_pulumi.api.models.oms import CreateTaskGroupRequest
from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest
from sms_pulumi.api.models.tasks import UploadLogRequest
from sms_pulumi.api.models.templates import TemplateSpec
from sms_pulumi.resources import task_configurations
from sms_pulumi.resources.source_server import ON_DESTROY
from sms_pulumi.resources.task_group import RUN_STATES as GROUP_RUN_STATES
from sms_pulumi.resources.task_lifecycle import RUN_STATES

#: What an OMS source or destination must not carry in a plan: its secrets come from Pulumi config.
_NODE_SECRETS = nested_secret_fields(CreateTaskGroupRequest)["src_node"] | nested_secret_fields(
    CreateTaskGroupRequest)["dst_node"]
#: Resource names are made from these (the wave's Pulumi resource; a server's, from its label).
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$"

Path_ = tuple[int | str, ...]


class Problem(NamedTuple):
    """One thing wrong with a plan: where (a path into the file) and what."""

    path: Path_
    message: str


class PlanError(ValueError):
    """A plan that cannot be used; one line per problem: `file:line: path: message`."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("invalid migration plan:\n  " + "\n  ".join(lines))


def _one_of(values: tuple[str, ...]) -> str:
    quoted = [repr(v) for v in values]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class TemplatePlan(BaseModel):
    """A VM template: the fields of the API's template object, plus where its password comes from."""

    model_config = ConfigDict(extra="allow")

    target_password_config: str | None = Field(
        None, description="Name of the Pulumi config secret holding the target server's password."
    )

    @model_validator(mode="after")
    def _own_fields(self) -> Self:
        fields = dict(self.model_extra or {})
        for secret in sorted(secret_fields(TemplateSpec) & set(fields)):
            raise ValueError(f"{secret}: put no password in a plan; use target_password_config")
        for reserved in ("name", "region", "projectid"):
            if reserved in fields:
                raise ValueError(f"{reserved}: set by the plan (the template's key, the plan's region)")
        return self

    def api_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def _run_state(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise ValueError(f"Input should be {_one_of(allowed)}")
    return value


#: The plan's names of the disk settings, by the resource's (wire) names.
PLAN_NAMES = {"adjust_size": "size", "need_migration": "migrate", "physical_volumes": "partitions"}
MIB = 1024**2


def plan_path(path: tuple[str, ...]) -> tuple[str, ...]:
    """A path into a SourceServer's disk settings, as the plan writes it (`disks./dev/vdb.size`)."""
    return tuple(PLAN_NAMES.get(part, part) for part in path)


class VolumePlan(_Strict):
    """A partition or logical volume: its size on the target, or that it stays behind."""

    size: float | None = Field(None, gt=0, description="Size on the target, GB (GiB); default: the source's.")
    migrate: bool | None = Field(None, description="False: not migrated (default: migrated).")

    def settings(self) -> dict[str, Any]:
        """As the SourceServer takes it: bytes, wire names."""
        out: dict[str, Any] = {}
        if self.size is not None:
            out["adjust_size"] = round(self.size * 1024) * MIB
        if self.migrate is not None:
            out["need_migration"] = self.migrate
        return out


class DiskPlan(VolumePlan):
    """A disk of the source, by the name it reports (`/dev/vdb`, `Disk 1`)."""

    partitions: dict[str, VolumePlan] = Field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        inner = {name: p.settings() for name, p in self.partitions.items()}
        return {**super().settings(), **({"physical_volumes": inner} if inner else {})}


class VolumeGroupPlan(VolumePlan):
    """An LVM volume group of the source, by name."""

    logical_volumes: dict[str, VolumePlan] = Field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        inner = {name: v.settings() for name, v in self.logical_volumes.items()}
        return {**super().settings(), **({"logical_volumes": inner} if inner else {})}


def _on_destroy(value: str | None) -> str | None:
    if value is not None and value not in ON_DESTROY:
        raise ValueError(f"Input should be {_one_of(ON_DESTROY)}")
    return value


class ServerPlan(_Strict):
    """One source server to migrate: found by name or IP; every other field overrides the wave's."""

    name: str | None = None
    ip: str | None = None
    target_name: str | None = Field(None, description="Name of the target server (default: the source's).")
    task_name: str | None = Field(None, min_length=1, max_length=255,
                                  description="Name of the SMS task (default: the server's name or IP).")
    adopt_id: str | None = Field(None, min_length=1, max_length=255,
                                 description="ID of an existing task to manage instead of creating one.")
    type: MigrationType | None = None
    template: str | None = None
    bandwidth: str | None = None
    run_state: str | None = None
    migration_ip: str | None = None
    consistency_check: bool | None = Field(
        None, description="The task checks data consistency after each copy (set at creation).")
    migration_drill: bool | None = Field(
        None, description="The task can run the migration drill of `tested` (set at creation).")
    configurations: dict[str, Any] | None = Field(
        None, description="Special settings of the task, laid over the wave's key by key (null drops one).")
    disks: dict[str, DiskPlan] = Field(default_factory=dict)
    volume_groups: dict[str, VolumeGroupPlan] = Field(default_factory=dict)
    on_destroy: str | None = Field(None, description="What destroy does with the source's record.")

    @field_validator("run_state")
    @classmethod
    def _known_run_state(cls, value: str | None) -> str | None:
        return _run_state(value, RUN_STATES)

    @field_validator("on_destroy")
    @classmethod
    def _known_on_destroy(cls, value: str | None) -> str | None:
        return _on_destroy(value)

    def source_settings(self) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The disk and volume-group settings of its SourceServer (None: none given)."""
        disks = {name: d.settings() for name, d in self.disks.items()}
        groups = {name: g.settings() for name, g in self.volume_groups.items()}
        return disks or None, groups or None

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if not self.name and not self.ip:
            raise ValueError("give the source server's name or ip")
        return self

    @property
    def label(self) -> str:
        """How the plan names the server: its name, or its IP."""
        return self.name or str(self.ip)

    @property
    def key(self) -> str:
        """The server's resource names start with this: stable whatever wave it is in."""
        return self.label.replace(".", "-")


class WavePlan(_Strict):
    name: str = Field(..., pattern=NAME_PATTERN)
    run_state: str = "not_managed"
    type: MigrationType | None = None
    template: str | None = None
    bandwidth: str | None = None
    #: Change it to restart tasks that failed again with the same error after a restart.
    retry: str | int | None = None
    #: Change it to run one more sync round on the wave's cut-over tasks, then cut them over again.
    resync: str | int | None = None
    test_template: str | None = Field(None, description="`tested` clones each target from this template.")
    clear_snapshots: bool = False
    network_check: bool = False
    consistency_check: bool | None = None
    migration_drill: bool | None = None
    upload_logs_to: str | None = Field(None, description="OBS bucket for the Agent logs of a failed task.")
    #: Special settings of every task of the wave (manual 5.10; sms_pulumi.resources.task_configurations).
    configurations: dict[str, Any] | None = None
    #: What destroy does with the records of its servers (a server may say otherwise).
    on_destroy: str | None = None
    servers: list[ServerPlan] = Field(..., min_length=1)

    @field_validator("run_state")
    @classmethod
    def _known_run_state(cls, value: str) -> str:
        return _run_state(value, RUN_STATES) or value

    @field_validator("on_destroy")
    @classmethod
    def _known_on_destroy(cls, value: str | None) -> str | None:
        return _on_destroy(value)


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
        for key in sorted(_NODE_SECRETS & set(self.model_extra or {})):
            raise ValueError(f"{key}: put no key in a plan; use ak_config / sk_config")
        return self

    def api_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ObjectStoragePlan(_Strict):
    """An OMS task group: one bucket (or prefix) moved into OBS."""

    name: str = Field(..., pattern=NAME_PATTERN)
    source: NodePlan
    destination: NodePlan
    task_type: str | None = None
    bandwidth: list[dict[str, Any]] | None = None
    run_state: str = "running"
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("run_state")
    @classmethod
    def _known_run_state(cls, value: str) -> str:
        return _run_state(value, GROUP_RUN_STATES) or value

    def request_body(self) -> dict[str, Any]:
        """The create body, with placeholders standing in for the config secrets (for its shape)."""
        keys = {"ak": "placeholder", "sk": "placeholder"}
        body = {"src_node": {**self.source.api_fields(), **keys},
                "dst_node": {**self.destination.api_fields(), **keys},
                "description": self.name, **self.options}
        if self.task_type:
            body["task_type"] = self.task_type
        if self.bandwidth:
            body["bandwidth_policy"] = self.bandwidth
        return body


class Plan(_Strict):
    region: str | None = None
    migration_project: MigrationProjectPlan | None = None
    templates: dict[str, TemplatePlan] = Field(default_factory=dict)
    bandwidth: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    waves: list[WavePlan] = Field(default_factory=list)
    object_storage: list[ObjectStoragePlan] = Field(default_factory=list)

    _source: PlanSource | None = PrivateAttr(default=None)

    def servers(self) -> Iterator[tuple[WavePlan, ServerPlan]]:
        for wave in self.waves:
            for server in wave.servers:
                yield wave, server

    def server_path(self, wave: WavePlan, server: ServerPlan) -> Path_:
        w = self.waves.index(wave)
        return ("waves", w, "servers", self.waves[w].servers.index(server))

    def where(self, path: Path_) -> str:
        """`plan.yaml:12 (waves[0].servers[1])`: a place in the plan, for messages."""
        line = self._source.line_of(path) if self._source else None
        file = self._source.path if self._source else "the plan"
        return f"{file}:{line} ({field_path(path)})" if line else f"{file} ({field_path(path)})"

    def locate(self, problems: list[Problem]) -> PlanError:
        """The error for `problems` found outside the loader (e.g. by the program, asking SMS)."""
        source = self._source or PlanSource(Path("plan"), None)
        return PlanError([source.line(p) for p in problems])


# -- the second pass: wire models and cross-references ------------------------------------------------


def _wire(model: type[BaseModel], data: Mapping[str, Any], at: Path_,
          rename: Mapping[str, str] | None = None) -> list[Problem]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        renamed = rename or {}
        return [Problem((*at, *((renamed.get(str(loc[0]), loc[0]), *loc[1:]) if loc else ())), msg)
                for loc, msg in problems_of(exc)]
    return []


def wire_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Each part of the plan against the wire model the API client sends it with.

    It reads the file's data as it is, part by part, so that it also runs when the plan's shape is
    wrong elsewhere: every problem is said at once.
    """
    problems: list[Problem] = []
    try:
        project = MigrationProjectPlan.model_validate(data["migration_project"])
    except (KeyError, ValidationError):
        pass  # absent, or its shape is reported by the first pass
    else:
        problems += _wire(CreateMigProjectRequest, {**project.model_dump(exclude_none=True), "region": "x"},
                          ("migration_project",))
    templates = data.get("templates")
    for key, fields in (templates.items() if isinstance(templates, Mapping) else ()):
        if not isinstance(fields, Mapping):
            continue
        fields = {k: v for k, v in fields.items() if k not in ("target_password_config", "target_password",
                                                                 "name", "region", "projectid")}
        problems += _wire(TemplateSpec, {**fields, "name": "x", "region": "x", "projectid": "x",
                                         "is_template": fields.get("is_template", True)}, ("templates", key))
    bandwidth = data.get("bandwidth")
    for name, rules in (bandwidth.items() if isinstance(bandwidth, Mapping) else ()):
        problems += _wire(SetSpeedLimitsRequest, {"speed_limit": rules}, ("bandwidth", name),
                          rename={"speed_limit": "windows"})
    waves = data.get("waves")
    for w, wave in enumerate(waves if isinstance(waves, list) else ()):
        servers = wave.get("servers") if isinstance(wave, Mapping) else None
        problems += _settings_problems(wave, ("waves", w))
        for s, server in enumerate(servers if isinstance(servers, list) else ()):
            problems += _settings_problems(server, ("waves", w, "servers", s))
        if isinstance(wave, Mapping) and isinstance(wave.get("upload_logs_to"), str):
            problems += _wire(UploadLogRequest, {"log_bucket": wave["upload_logs_to"]}, ("waves", w),
                              rename={"log_bucket": "upload_logs_to"})
    groups = data.get("object_storage")
    for g, raw in enumerate(groups if isinstance(groups, list) else ()):
        try:
            group = ObjectStoragePlan.model_validate(raw)
        except ValidationError:
            continue  # its shape is reported by the first pass
        problems += _wire(CreateTaskGroupRequest, group.request_body(), ("object_storage", g),
                          rename={"src_node": "source", "dst_node": "destination",
                                  "bandwidth_policy": "bandwidth"})
    return problems


def _settings_problems(entry: Any, at: Path_) -> list[Problem]:
    """The special settings of a wave or a server, as the Task's check will see them."""
    settings = entry.get("configurations") if isinstance(entry, Mapping) else None
    if not isinstance(settings, Mapping):
        return []  # absent, or not a mapping: the first pass says so
    return [Problem((*at, "configurations", *p), message)
            for p, message in task_configurations.problems(settings)]


def reference_problems(plan: Plan) -> list[Problem]:
    """Template and bandwidth names that do not exist; a server planned twice."""
    problems = []
    seen: dict[str, str] = {}
    for w, wave in enumerate(plan.waves):
        for name, at in ((wave.template, "template"), (wave.bandwidth, "bandwidth"),
                         (wave.test_template, "test_template")):
            known = plan.bandwidth if at == "bandwidth" else plan.templates
            if name and name not in known:
                problems.append(Problem(("waves", w, at), _no_such(at, name, known)))
        for s, server in enumerate(wave.servers):
            where: Path_ = ("waves", w, "servers", s)
            if (server.run_state or wave.run_state) == "tested" and not wave.test_template and not (
                    server.migration_drill if server.migration_drill is not None else wave.migration_drill):
                problems.append(Problem(where if server.run_state else ("waves", w, "run_state"),
                                        "tested needs a test_template on the wave (a clone of each target) "
                                        "or migration_drill: true (the migration drill, chosen when the "
                                        "tasks are created)"))
            for name, at in ((server.template, "template"), (server.bandwidth, "bandwidth")):
                known = plan.templates if at == "template" else plan.bandwidth
                if name and name not in known:
                    problems.append(Problem((*where, at), _no_such(at, name, known)))
            if server.key in seen:
                problems.append(Problem(where, f"{server.label} is already planned in {seen[server.key]}"))
            seen.setdefault(server.key, field_path(where))
    return problems


def _no_such(kind: str, name: str, known: Mapping[str, Any]) -> str:
    section = "bandwidth" if kind == "bandwidth" else "templates"
    noun = "template" if kind == "test_template" else kind
    return f"no {noun} named {name!r} in {section} (there are: {', '.join(map(repr, known)) or 'none'})"


# -- loading, with errors that point into the file ------------------------------------------------


class PlanSource:
    """The file a plan came from and its YAML nodes: where each path of the plan is written."""

    def __init__(self, path: Path, root: yaml.Node | None) -> None:
        self.path, self.root = path, root

    def line_of(self, path: Path_) -> int | None:
        """The 1-based line of the YAML node at `path` (or of its deepest existing parent)."""
        node = self.root
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

    def line(self, problem: Problem) -> str:
        number = self.line_of(problem.path)
        where = f"{self.path}:{number}" if number else str(self.path)
        return f"{where}: {field_path(problem.path) or '(plan)'}: {problem.message}"


def _duplicate_keys(node: yaml.Node | None, path: Path_ = ()) -> list[tuple[Problem, int]]:
    """Keys given twice in one mapping (YAML would silently keep the last)."""
    found: list[tuple[Problem, int]] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            name = str(getattr(key, "value", ""))
            if name in first:
                found.append((Problem((*path, name), f"given twice (first on line {first[name]}); YAML would "
                                      "keep only this one"), key.start_mark.line + 1))
            first.setdefault(name, key.start_mark.line + 1)
            found += _duplicate_keys(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, (*path, i))
    return found


def load_plan(path: str | Path) -> Plan:
    """Read and check a plan; PlanError lists every problem as `file:line: path: message`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError([f"{path}: cannot read the plan: {exc.strerror}"]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise PlanError([f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    source = PlanSource(path, root)
    duplicates = [f"{path}:{line}: {field_path(p.path)}: {p.message}" for p, line in _duplicate_keys(root)]
    if duplicates:
        raise PlanError(duplicates)
    problems: list[Problem] = []
    plan: Plan | None = None
    try:
        plan = Plan.model_validate(data or {})
    except ValidationError as exc:
        problems += [Problem(loc, msg) for loc, msg in problems_of(exc)]
    if isinstance(data, Mapping):
        problems += wire_problems(data)
    if plan is not None:
        problems += reference_problems(plan)
    if problems:
        unique = list(dict.fromkeys(problems))
        raise PlanError([source.line(p) for p in unique])
    assert plan is not None
    plan._source = source
    return plan
