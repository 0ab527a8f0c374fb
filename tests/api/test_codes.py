"""The error-code table (sms_pulumi.api.codes): complete for what the emulator answers, read the same
way by the client, and free of the credentials/errors import cycle it replaced."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sms_pulumi.api import codes
from sms_pulumi.api.errors import (
    NOT_FOUND_CODES,
    OMS_TASK_GROUP_BUSY,
    OMS_TASK_NOT_RUNNING,
    ApiError,
    AuthenticationError,
    NotFoundError,
    error_from_response,
    is_not_found,
    is_state_refusal,
)

PACKAGE = Path(__file__).resolve().parents[2] / "sms_pulumi"
_SENT = re.compile(
    r"""(?:error|auth_error|referenced|_refuse|_missing)\(\s*["']((?:SMS|OMS|APIG)\.\d{4})["']"""
)
_NAMED = re.compile(r"""CODES\[\s*["']((?:SMS|OMS|APIG)\.\d{4})["']""")
#: The refusals of a source's disk settings, which the emulator answers from the shared rules.
_LAYOUT = PACKAGE / "api" / "models" / "source_layout.py"
_ANY = re.compile(r"""["']((?:SMS|OMS|APIG)\.\d{4})["']""")


def _emulator_codes() -> set[str]:
    found = set(_ANY.findall(_LAYOUT.read_text("utf-8")))
    for path in (PACKAGE / "emulator").rglob("*.py"):
        text = path.read_text("utf-8")
        found |= set(_SENT.findall(text)) | set(_NAMED.findall(text))
    return found


def test_every_code_the_emulator_answers_is_in_the_table() -> None:
    sent = _emulator_codes()
    assert len(sent) > 40
    assert sent <= set(codes.CODES), sorted(sent - set(codes.CODES))


def test_every_row_names_its_source_and_message() -> None:
    for row in codes.CODES.values():
        assert row.section and row.message and 200 < row.status < 600, row
        assert row.code.split(".")[0] in ("SMS", "OMS", "APIG")


def test_not_found_codes_come_from_the_table() -> None:
    assert codes.not_found_codes() == NOT_FOUND_CODES
    kinds = {NOT_FOUND_CODES[c] for c in ("SMS.7703", "SMS.7101", "SMS.7301", "SMS.7602", "OMS.0003")}
    assert kinds == {"task", "template", "migproject", "source", "taskgroup"}


def test_state_refusals_per_action() -> None:
    assert codes.state_refusals("task.start") == {"SMS.7713", "SMS.6520"}
    assert codes.state_refusals("task.stop") == {"SMS.7714"}
    assert codes.state_refusals("task.test", "task.clone_test") >= {"SMS.7721"}
    assert codes.state_refusals("taskgroup.delete") == {OMS_TASK_GROUP_BUSY}
    assert codes.state_refusals("taskgroup.stop") == {OMS_TASK_NOT_RUNNING}
    with pytest.raises(ValueError, match="unknown action"):
        codes.state_refusals("task.fly")


def _error(status: int, code: str) -> ApiError:
    return error_from_response(status=status, body={"error_code": code, "error_msg": "m"}, request_id=None,
                               method="DELETE", path="/v2/p/taskgroups/g", service="OMS")


def test_the_client_reads_the_table() -> None:
    busy = _error(400, OMS_TASK_GROUP_BUSY)
    assert type(busy) is ApiError and busy.retryable and busy.info is codes.CODES[OMS_TASK_GROUP_BUSY]
    assert is_state_refusal(busy, "taskgroup.delete") and not is_state_refusal(busy, "taskgroup.stop")
    assert not _error(400, OMS_TASK_NOT_RUNNING).retryable
    assert isinstance(_error(403, "OMS.0005"), AuthenticationError)
    gone = _error(404, "OMS.0003")
    assert isinstance(gone, NotFoundError) and is_not_found(gone, "taskgroup")
    assert _error(400, "SMS.1908").info is None  # a code the table does not hold: no conclusion drawn


def test_a_row_must_be_consistent() -> None:
    with pytest.raises(ValueError, match="names its object"):
        codes.ErrorCode("SMS.0000", 400, "m", "6.1", codes.Kind.NOT_FOUND)
    with pytest.raises(ValueError, match="unknown action"):
        codes.ErrorCode("SMS.0000", 400, "m", "6.1", codes.Kind.STATE, refuses=frozenset({"task.fly"}))


@pytest.mark.parametrize("module", ["credentials.py", "errors.py", "redaction.py", "codes.py"])
def test_no_lazy_imports_between_credentials_and_errors(module: str) -> None:
    """The cycle credentials <-> errors was hidden by imports inside functions; none is left."""
    tree = ast.parse((PACKAGE / "api" / module).read_text("utf-8"))
    lazy = [node.lineno for func in ast.walk(tree) if isinstance(func, ast.FunctionDef)
            for node in ast.walk(func) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert lazy == []
