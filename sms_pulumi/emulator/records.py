"""The shapes of what the emulator stores: one record class per kind of object.

A record holds the object's wire fields as a client set them (``settings``/``body``, in wire names,
validated by the request models on the way in) next to the emulator's own bookkeeping, every piece
of which is declared here: nothing undeclared can creep into a stored document, and a reader finds
in one place what the simulation keeps and why. Records forbid unknown fields and are stored as
JSON by :mod:`sms_pulumi.emulator.store`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from sms_pulumi.api.models.config import ConfigItem
from sms_pulumi.api.models.migprojects import MigProjectSpec
from sms_pulumi.api.models.sources import PutDisk, PutVolumeGroup
from sms_pulumi.api.models.speed_limits import SpeedLimitRule
from sms_pulumi.api.models.tasks import ConsistencyCheck
from sms_pulumi.api.models.templates import TemplateSpec

#: A JSON object as the API sends or stores it (a wire body, a view of a record).
Doc = dict[str, Any]

__all__ = [
    "CloneRun",
    "GroupMode",
    "GroupPhase",
    "GroupSim",
    "MigProjectRecord",
    "Process",
    "Record",
    "SourceRecord",
    "SubTaskRecord",
    "TaskGroupRecord",
    "TaskMode",
    "TaskRecord",
    "TaskSim",
    "TemplateRecord",
]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Record(_Shape):
    """A stored object; ``KIND`` names its table, ``KEY`` the field holding its ID."""

    KIND: ClassVar[str]
    KEY: ClassVar[str] = "id"

    @property
    def key(self) -> str:
        return str(getattr(self, self.KEY))


# --- SMS ---------------------------------------------------------------------------------------------


class SourceRecord(Record):
    """A registered source server."""

    KIND: ClassVar[str] = "sources"
    id: str
    body: dict[str, Any] = Field(description="Wire fields as registered, plus checks and dates SMS adds.")
    registered_state: Literal["waiting", "unavailable"] = Field(
        description="The state the environment checks gave, shown while the source has no task."
    )
    migproject_id: str | None = None
    task_id: str | None = None
    disks: list[PutDisk] = Field(default_factory=list, description="5.3.5 disk settings, by disk name.")
    volume_groups: list[PutVolumeGroup] = Field(
        default_factory=list, description="5.3.5 volume-group settings, by name."
    )



class TemplateRecord(Record):
    KIND: ClassVar[str] = "templates"
    id: str
    spec: TemplateSpec = Field(description="The template as created or last replaced (with its password).")



class MigProjectRecord(Record):
    KIND: ClassVar[str] = "migprojects"
    id: str
    isdefault: bool
    spec: MigProjectSpec = Field(description="The project's settings (isdefault lives beside them).")



#: ``mode`` of a task's simulation; the wire ``state`` follows from it (lifecycle.MODE_STATE).
TaskMode = Literal["ready", "run", "skipping", "syncing", "success", "aborting", "abort", "failed",
                   "sync_failed"]


class SubTaskRecord(_Shape):
    """A step of a task's run. ``hidden`` steps (the consistency check) are not API sub-tasks."""

    id: int
    name: str
    user_op: str
    work_ms: int = Field(description="Duration at the task's base rate.")
    done_ms: float = Field(0.0, description="Work done when the run was last planned or frozen.")
    copies: bool = Field(False, description="Copies data: runs at the rate the speed limits allow.")
    hidden: bool = False
    start_date: int | None = None
    end_date: int | None = None
    planned: tuple[int, int] | None = Field(None, description="Clock window while the run is planned.")
    skipped: bool = False

    def fraction(self) -> float:
        return min(1.0, self.done_ms / self.work_ms) if self.work_ms else 1.0

    @property
    def progress(self) -> int:
        return 100 if self.done_ms >= self.work_ms else min(99, int(100 * self.fraction()))


class TaskSim(_Shape):
    """Where a task's simulation stands."""

    mode: TaskMode = "ready"
    since: int = Field(description="Clock time the mode began.")
    on_done: TaskMode | None = Field(None, description="Mode a finished run leads to.")
    fail_at: int | None = None
    fail: str | None = Field(None, description="error_json of a scheduled failure.")
    cutovers: int = 0
    resyncs: int = 0
    subtask_seq: int = 0
    data_bytes: int = Field(0, description="Bytes the source holds (sets the copy duration).")
    id_base: int = Field(0, description="Makes sub-task IDs (Long on the wire) unique across tasks.")
    run_ms: int = Field(0, description="Time spent running before the current run (total_time).")
    auto_start_at: int | None = Field(None, description="auto_start: when the Agent starts the task.")


class Process(_Shape):
    """A side process of a task on its own timeline (drill, snapshot clean-up, network check, log upload)."""

    started: int
    failed_at: int | None = Field(None, description="When an injected failure ends it.")
    error_code: str | None = None
    error_msg: str | None = None
    detail: str | None = Field(None, description="What the process works on (a bucket name, ...).")


class CloneRun(Process):
    """clone_test: the clone of the target server."""

    template_id: str
    name: str
    vm_id: str


class TaskRecord(Record):
    KIND: ClassVar[str] = "tasks"
    id: str
    source_id: str
    settings: dict[str, Any] = Field(description="Wire fields as created and updated (target_server too).")
    create_date: int
    start_date: int | None = None
    finish_date: int | None = None
    error_json: str = ""
    sub_tasks: list[SubTaskRecord] = Field(default_factory=list)
    sim: TaskSim
    passphrase: str = Field(repr=False, description="Certificate passphrase of the secure channel.")
    speed_limits: list[SpeedLimitRule] = Field(default_factory=list)
    configurations: list[ConfigItem] = Field(default_factory=list)
    consistency: list[ConsistencyCheck] = Field(default_factory=list)
    check_dirs: list[str] = Field(
        default_factory=lambda: ["/"], description="What a consistency check covers: the source's mounts."
    )
    snapshot_ids: str | None = Field(None, description="Rollback snapshots made by the last cut-over.")
    clone: CloneRun | None = None
    drill: Process | None = None
    clear: Process | None = None
    network_check: Process | None = None
    log: Process | None = None



# --- OMS ---------------------------------------------------------------------------------------------

GroupMode = Literal["run", "pausing", "paused", "failed", "completed", "deleting"]


class GroupPhase(_Shape):
    status: int
    start: int
    end: int


class GroupSim(_Shape):
    mode: GroupMode = "run"
    since: int
    phases: list[GroupPhase] = Field(default_factory=list, description="The planned run (status per span).")
    done: int = Field(0, description="Bytes copied when the run was last planned or frozen.")
    created: bool = Field(False, description="The group's tasks exist (creation is over).")
    fail_at: int | None = None
    fail_msg: str | None = None
    failed_status: int = Field(5, description="4 when the group failed while creating its tasks, else 5.")
    total_time: int = Field(0, description="Run time before the current run, ms.")


class TaskGroupRecord(Record):
    KIND: ClassVar[str] = "taskgroups"
    KEY: ClassVar[str] = "group_id"
    group_id: str
    project_id: str
    body: dict[str, Any] = Field(description="Wire fields as created (keys removed) and as updated.")
    total_size: int
    total_num: int
    start_time: int
    error_reason: dict[str, Any] | None = None
    sim: GroupSim

