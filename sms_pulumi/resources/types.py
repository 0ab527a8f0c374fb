"""The type tokens of our resources: how reports and tests name them (`sms:Task`), and how Pulumi
writes them in state and previews (`pulumi-python:dynamic/sms:Task`, from the `module` and `name` a
dynamic resource class declares)."""

from __future__ import annotations

#: What Pulumi puts before the module and name of every dynamic resource's type.
DYNAMIC_PREFIX = "pulumi-python:dynamic/"

MIGRATION_PROJECT = "sms:MigrationProject"
TEMPLATE = "sms:Template"
TASK = "sms:Task"
SPEED_LIMIT = "sms:SpeedLimit"
SOURCE_SERVER = "sms:SourceServer"
WAVE = "sms:Wave"
TASK_GROUP = "oms:TaskGroup"


def module_and_name(short: str) -> dict[str, str]:
    """The class keywords of a dynamic resource: `class Task(Resource, **module_and_name(TASK))`."""
    module, name = short.split(":")
    return {"module": module, "name": name}


def full_type(short: str) -> str:
    """`sms:Task` as Pulumi writes it: `pulumi-python:dynamic/sms:Task`."""
    return DYNAMIC_PREFIX + short


def short_type(token: str) -> str:
    """`pulumi-python:dynamic/sms:Task` -> `sms:Task`; any other type stays as it is."""
    return token.removeprefix(DYNAMIC_PREFIX)
