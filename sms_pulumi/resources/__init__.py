"""The Pulumi resources of sms-pulumi, and what programs use beside them.

    from sms_pulumi.resources import (MigrationProject, SourceServer, Template, Task, SpeedLimit, Wave,
                                      TaskGroup)

| module            | what |
|---|---|
| migration_project | MigrationProject: `/v3/migprojects` |
| source_server     | SourceServer: a registered source: its project, disk settings, clean-up |
| template          | Template: `/v3/vm/templates` |
| task              | Task: `/v3/tasks`, one source server's migration |
| speed_limit       | SpeedLimit: a task's bandwidth windows |
| wave              | Wave: the run state of a set of tasks, carried out for all of them at once |
| task_group        | TaskGroup: an OMS v2 task group |
| clients           | this process's settings and API clients (stack config over the environment) |
| errors            | the errors providers raise (InputError, StateError, GoneError, WaitTimeout, ...) |
| types             | the resources' type tokens |

How a resource is made: inputs (`inputs`: the signature of its class declares them), check and diff
(`_provider`, private), the task lifecycle (`task_lifecycle`), waits (`waiters`), the shared task
list (`task_index`) and which project holds each source (`memberships`), both one listing shared by
a process (`listing`), the pace of actions (`pacing`), failures reported by the program (`failures`).
"""

from sms_pulumi.resources.errors import (
    GoneError,
    InputError,
    ProviderError,
    StateError,
    WaitFailed,
    WaitTimeout,
)
from sms_pulumi.resources.migration_project import MigrationProject
from sms_pulumi.resources.source_server import SourceServer
from sms_pulumi.resources.speed_limit import SpeedLimit
from sms_pulumi.resources.task import Task
from sms_pulumi.resources.task_group import TaskGroup
from sms_pulumi.resources.template import Template
from sms_pulumi.resources.wave import Wave

__all__ = [
    "GoneError", "InputError", "MigrationProject", "ProviderError", "SourceServer", "SpeedLimit",
    "StateError", "Task", "TaskGroup", "Template", "WaitFailed", "WaitTimeout", "Wave",
]
