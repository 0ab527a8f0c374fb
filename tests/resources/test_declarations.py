"""Each resource declares its inputs once, in the signature of its class (sms_pulumi.resources.inputs);
the copies that must stay beside it agree with it: every input has its `:param` line, and what is
sent to the API is a field of the wire model (or is named here as renamed or not exposed, with why),
or of the model of the request of its own it is sent with (`OwnRequest`).
"""

from __future__ import annotations

import inspect
import re

import pytest
from pydantic import BaseModel

from sms_pulumi.api.models.config import SetConfigSettingRequest
from sms_pulumi.api.models.migprojects import CreateMigProjectRequest
from sms_pulumi.api.models.oms import CreateTaskGroupRequest
from sms_pulumi.api.models.sources import UpdateSourceServerRequest
from sms_pulumi.api.models.speed_limits import SetSpeedLimitsRequest
from sms_pulumi.api.models.tasks import CreateTaskRequest
from sms_pulumi.api.models.templates import TemplateSpec
from sms_pulumi.resources import (
    MigrationProject,
    SourceServer,
    SpeedLimit,
    Task,
    TaskGroup,
    Template,
    Wave,
)
from sms_pulumi.resources.inputs import SmsResource

RESOURCES: list[type[SmsResource]] = [MigrationProject, SourceServer, Template, Task, SpeedLimit, Wave,
                                     TaskGroup]

#: Per resource: its wire model, inputs sent under another name (or in the path: None), and wire
#: fields it does not offer, with the reason.
WIRE: dict[type[SmsResource], tuple[type[BaseModel], dict[str, str | None], dict[str, str]]] = {
    Task: (CreateTaskRequest, {"source_server_id": "source_server"}, {
        "auto_start": "a task's wave starts it (Wave.run_state)",
        "clonevm_template_id": "the template of a test clone belongs to a drill, not to the task",
    }),
    Template: (TemplateSpec, {}, {}),
    MigrationProject: (CreateMigProjectRequest, {}, {"id": "SMS chooses the ID"}),
    SourceServer: (UpdateSourceServerRequest, {"source_id": None}, {}),
    SpeedLimit: (SetSpeedLimitsRequest, {"rules": "speed_limit", "task_id": None}, {}),
    TaskGroup: (CreateTaskGroupRequest, {}, {}),
}


def documented(cls: type[SmsResource]) -> list[str]:
    return re.findall(r":param (\w+):", inspect.getdoc(cls.__init__) or "")


@pytest.mark.parametrize("cls", RESOURCES, ids=lambda c: c.__name__)
def test_every_input_is_documented_once_in_its_order(cls: type[SmsResource]) -> None:
    inputs = [f.name for f in cls._provider_class.FIELDS]
    assert sorted(documented(cls)) == sorted(inputs)
    assert len(set(documented(cls))) == len(documented(cls)), "an input documented twice"


@pytest.mark.parametrize("cls", list(WIRE), ids=lambda c: c.__name__)
def test_what_is_sent_is_the_wire_model(cls: type[SmsResource]) -> None:
    model, renamed, not_offered = WIRE[cls]
    wire = {info.alias or name for name, info in model.model_fields.items()}
    sent = {f.name for f in cls._provider_class.FIELDS if f.sent and f.own_request is None}
    as_sent = {wire_name for name in sent if (wire_name := renamed.get(name, name)) is not None}
    assert as_sent <= wire, f"sent but not in {model.__name__}: {sorted(as_sent - wire)}"
    missing = sorted(wire - as_sent)
    assert wire - as_sent == set(not_offered), f"{model.__name__} fields not offered: {missing}"


@pytest.mark.parametrize("cls", RESOURCES, ids=lambda c: c.__name__)
def test_what_has_a_request_of_its_own_is_a_field_of_that_request(cls: type[SmsResource]) -> None:
    for f in cls._provider_class.FIELDS:
        if f.own_request is not None:
            assert f.sent, f"{f.name}: sent with its own request, yet marked NOT_SENT"
            assert issubclass(f.own_request, BaseModel) and f.name in f.own_request.model_fields, (
                f"{f.name} is not a field of {f.own_request.__name__}")


def test_task_settings_have_their_own_request() -> None:
    [f] = [f for f in Task._provider_class.FIELDS if f.own_request is not None]
    assert (f.name, f.own_request) == ("configurations", SetConfigSettingRequest)


@pytest.mark.parametrize("cls", RESOURCES, ids=lambda c: c.__name__)
def test_output_only_properties_are_no_inputs(cls: type[SmsResource]) -> None:
    provider = cls._provider_class
    assert not set(provider.OUTPUTS) & {f.name for f in provider.FIELDS}
