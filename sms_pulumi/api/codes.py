"""The error codes of the SMS v3 and OMS v2 APIs in one table, and what each one means to a client.

Every row names the code, the HTTP status it comes with, the manual's English message, where it is
documented (a section of the Chinese SMS manual, seed 003, or the evidence for a code the manual does
not list) and what a client may conclude from it:

* ``kind``: what went wrong (:class:`Kind`); ``NOT_FOUND`` rows say which ``object`` is missing;
* ``refuses``: the actions the code refuses as "not allowed in the current state" (``"task.start"``,
  ``"taskgroup.delete"``, ...; see :data:`ACTIONS`): the state changed or must change first;
* ``retryable``: the same request may succeed later, unchanged, once the object settles.

The client (:mod:`sms_pulumi.api.errors`) derives "not found", authentication and retryability from
this table, the emulator answers with its rows, and the provider asks it which refusals of an action
mean "the object moved on meanwhile" (:func:`state_refusals`).

Statuses: the appendix (manual 6.1) lists every SMS code as HTTP 400. The service answers a request
whose *path* names a missing object with 404 (what real clients test for; see the emulator's
AMBIGUITIES.md), so a ``NOT_FOUND`` code comes with 404 there and with 400 when the missing object is
only referred to in a body (a task create naming an unknown source). Authentication failures come
from the API gateway with 403.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "ACTIONS",
    "CODES",
    "OMS_INVALID_BODY",
    "OMS_INVALID_PARAMETERS",
    "OMS_NOT_ALLOWED",
    "OMS_TASK_GROUP_BUSY",
    "OMS_TASK_GROUP_NOT_FOUND",
    "OMS_TASK_NOT_RUNNING",
    "ErrorCode",
    "Kind",
    "auth_codes",
    "codes_of",
    "lookup",
    "not_found_codes",
    "retryable_codes",
    "state_refusals",
]


class Kind(enum.StrEnum):
    """What an error code says went wrong."""

    NOT_FOUND = "not_found"  # the object addressed (or referred to) does not exist
    STATE = "state"  # the operation is not allowed in the object's current state
    CONFLICT = "conflict"  # a duplicate name, a default that exists, an object still in use
    QUOTA = "quota"  # a quota is used up
    VALIDATION = "validation"  # the request itself is wrong: fix it, do not resend it unchanged
    AUTH = "auth"  # credentials, token or permissions
    THROTTLED = "throttled"  # too many requests: wait and send again
    SERVER = "server"  # the service failed


#: Actions a state refusal can name, ``<object>.<operation>``.
ACTIONS = frozenset({
    "task.create", "task.start", "task.stop", "task.test", "task.clone_test", "task.restart",
    "task.migration_test", "task.clear", "task.skip", "task.network_check", "task.update",
    "task.delete", "task.log", "task.passphrase", "source.delete", "template.delete",
    "migproject.delete", "taskgroup.start", "taskgroup.stop", "taskgroup.retry", "taskgroup.update",
    "taskgroup.delete",
})


@dataclass(frozen=True)
class ErrorCode:
    """One row of the table."""

    code: str
    status: int
    message: str
    section: str
    kind: Kind
    object: str | None = None
    refuses: frozenset[str] = field(default_factory=frozenset)
    retryable: bool = False

    def __post_init__(self) -> None:
        unknown = self.refuses - ACTIONS
        if unknown:
            raise ValueError(f"{self.code}: unknown action(s) {sorted(unknown)}")
        if (self.kind is Kind.NOT_FOUND) != (self.object is not None):
            raise ValueError(f"{self.code}: a NOT_FOUND row names its object, and only such a row does")


def _row(code: str, status: int, message: str, section: str, kind: Kind, *, object: str | None = None,
         refuses: Iterable[str] = (), retryable: bool = False) -> ErrorCode:
    return ErrorCode(code, status, message, section, kind, object, frozenset(refuses), retryable)


K = Kind
_APPENDIX = "6.1"

_ROWS = (
    # --- authentication (3.2, 6.1; the gateway answers 403) -------------------------------------------
    _row("SMS.0202", 403, "AK/SK authentication failed. Ensure that the AK and SK are correct.",
         "3.2; 6.1", K.AUTH),
    _row("SMS.0205", 403,
         "AK/SK authentication failed. The time or time zone of the source server is incorrect.",
         "3.2; 6.1", K.AUTH),
    _row("SMS.6521", 403, "Token-based authentication failed.", "3.2; 6.1", K.AUTH),
    _row("SMS.6522", 403, "The X-Auth-Token header field is missing.", "3.2; 6.1", K.AUTH),
    _row("SMS.6523", 400, "Apply for the permission required to operate SMS.", _APPENDIX, K.AUTH),
    _row("SMS.9003", 400, "Insufficient permissions.", _APPENDIX, K.AUTH),
    _row("SMS.9004", 403, "The current account does not have the permission to execute policy {0}.",
         "every endpoint's 403 response; 6.1", K.AUTH),
    # --- the request itself ------------------------------------------------------------------------
    _row("SMS.6010", 400, "The request body is not in the JSON format.", _APPENDIX, K.VALIDATION),
    _row("SMS.6011", 400, "The JSON request body does not meet the specifications.", _APPENDIX,
         K.VALIDATION),
    _row("SMS.6012", 400, "Empty request body.", _APPENDIX, K.VALIDATION),
    _row("SMS.6013", 400, "Incomplete request parameters.", _APPENDIX, K.VALIDATION),
    _row("SMS.6014", 400, "The parameter part in the request body is too long.", _APPENDIX, K.VALIDATION),
    _row("SMS.6015", 400, "The request header is missing.", _APPENDIX, K.VALIDATION),
    _row("SMS.6016", 400, "The header type must be application/json.", _APPENDIX, K.VALIDATION),
    _row("SMS.9001", 400, "Invalid parameters.", _APPENDIX, K.VALIDATION),
    _row("SMS.6001", 400, "The source server name is a required field.", "5.3.5; 6.1", K.VALIDATION),
    _row("SMS.6002", 400, "Source server name must consist of 1 to 64 characters.", "5.3.5; 6.1",
         K.VALIDATION),
    _row("SMS.6003", 400, "Only letters, digits, underscores (_), dot (.), and hyphens (-) are allowed.",
         "5.3.5; 6.1", K.VALIDATION),
    _row("SMS.6031", 400, "The target server information is missing.", "5.4.1; 6.1", K.VALIDATION),
    _row("SMS.6032", 400, "The target server ID is missing.", "5.4.1; 6.1", K.VALIDATION),
    _row("SMS.6033", 400, "The disk information is missing.", "5.4.1; 6.1", K.VALIDATION),
    _row("SMS.6405", 400, "Invalid time format.", "5.4.10; 6.1", K.VALIDATION),
    _row("SMS.6538", 400,
         "The new partition or logical volume size is less than the used space size.", "5.3.5; 6.1",
         K.VALIDATION),
    _row("SMS.6539", 400, "The disk space is less than the total size of all partitions.", "5.3.5; 6.1",
         K.VALIDATION),
    _row("SMS.6540", 400, "Partitions on target servers running Windows cannot be reduced.",
         "5.3.5; 6.1", K.VALIDATION),
    _row("SMS.6541", 400, "The VG size is smaller than the combined size of all LVs.", "5.3.5; 6.1",
         K.VALIDATION),
    _row("SMS.6601", 400, "Invalid OS type.", "5.4.1; 6.1", K.VALIDATION),
    _row("SMS.6610", 400, "The OS in the task conflicts with the source server OS.", "5.4.1; 6.1",
         K.VALIDATION),
    _row("SMS.7711", 400, "Invalid task name.", "5.4.1; 6.1", K.VALIDATION),
    _row("SMS.7712", 400, "Invalid task type.", "5.4.1; 6.1", K.VALIDATION),
    # --- missing objects -----------------------------------------------------------------------------
    _row("SMS.7703", 404, "Task does not exist.", "5.4; 6.1", K.NOT_FOUND, object="task"),
    _row("SMS.0505", 400, "Task %s not found. Check whether the task has been deleted.", _APPENDIX,
         K.NOT_FOUND, object="task"),
    _row("SMS.7101", 404, "Template does not exist.", "5.6; 6.1", K.NOT_FOUND, object="template"),
    _row("SMS.7301", 404, "The specified migration template does not exist.", "5.8; 6.1", K.NOT_FOUND,
         object="migproject"),
    _row("SMS.7602", 404, "The specified source server does not exist.", "5.3; 6.1", K.NOT_FOUND,
         object="source"),
    _row("SMS.8109", 400, "No source server found.", _APPENDIX, K.NOT_FOUND, object="source"),
    _row("SMS.8111", 400, "No disk information found.", "5.3.5; 6.1", K.NOT_FOUND, object="disk"),
    # --- not allowed in the current state ------------------------------------------------------------
    _row("SMS.6005", 400, "The status of the sourceServer does not meet the requirements.",
         "5.4.1; 5.4.7; 6.1", K.STATE,
         refuses=("task.create", "task.clone_test", "task.migration_test", "task.clear", "task.skip",
                  "task.network_check")),
    _row("SMS.6520", 400, "The source server is not in the AVAILABLE state.", "5.4.1; 6.1", K.STATE,
         refuses=("task.create", "task.start")),
    _row("SMS.7601", 400,
         "Failed to delete the source server because a migration task is running on it.",
         "5.3.4; 5.3.7; 6.1", K.STATE, refuses=("source.delete",)),
    _row("SMS.7111", 400, "All tasks associated with this template must be deleted first.",
         "5.6.3; 5.6.4; 6.1", K.STATE, refuses=("template.delete",)),
    _row("SMS.7303", 400, "The default migration template cannot be deleted.", "5.8.4; 6.1", K.STATE,
         refuses=("migproject.delete",)),
    _row("SMS.7311", 400,
         "All source servers associated with the migration project must be deleted first.",
         "5.8.4; 6.1", K.STATE, refuses=("migproject.delete",)),
    _row("SMS.7706", 400, "Task update failed.", "5.4.6; 6.1", K.STATE, refuses=("task.update",)),
    _row("SMS.7707", 400, "The current Agent version does not support log upload.", "5.4.12; 6.1",
         K.STATE, refuses=("task.log",)),
    _row("SMS.7713", 400, "Only tasks in the Ready for next, Paused, or Error state can be started.",
         "5.4.7; 6.1", K.STATE, refuses=("task.start",)),
    _row("SMS.7714", 400, "Only running tasks can be paused.", "5.4.7; 6.1", K.STATE,
         refuses=("task.stop",)),
    _row("SMS.7716", 400, "Logs can be collected only after the current log collection is completed.",
         "5.4.12; 6.1", K.STATE, refuses=("task.log",), retryable=True),
    _row("SMS.7717", 400, "Logs can be collected after the migration task is started.", "5.4.12; 6.1",
         K.STATE, refuses=("task.log",)),
    _row("SMS.7719", 400, "Tasks in current state cannot be deleted.", "5.4.3; 5.4.4; 6.1", K.STATE,
         refuses=("task.delete",)),
    _row("SMS.7721", 400,
         "Only target servers in tasks in the Continuous synchronization state can be cloned or started.",
         "5.4.7; 6.1", K.STATE, refuses=("task.test", "task.clone_test")),
    _row("SMS.7722", 400, "Only tasks where the target servers have successfully started can be restarted.",
         "5.4.7; 6.1", K.STATE, refuses=("task.restart",)),
    _row("SMS.9905", 400, "Password query is not allowed on tasks in the current state.", "5.4.11; 6.1",
         K.STATE, refuses=("task.passphrase",)),
    # --- conflicts and quotas ------------------------------------------------------------------------
    # A task without rules: the client reads it as an empty rule list.
    _row("SMS.6302", 400, "No migration speed limit found.", "5.4.9; 6.1", K.NOT_FOUND,
         object="speed_limit"),
    _row("SMS.7112", 400, "Duplicate template name.", "5.6.1; 6.1", K.CONFLICT),
    _row("SMS.7312", 400, "Duplicate migration project name.", "5.8.1; 6.1", K.CONFLICT),
    _row("SMS.7313", 400, "The default migration project already exists.", "5.8.1; 6.1", K.CONFLICT),
    _row("SMS.7605", 400,
         "The server has been set as the target server of another migration task. "
         "Select another server or delete the task associated with the server.", "5.4.1; 6.1",
         K.CONFLICT),
    _row("SMS.6501", 400, "You can add up to 1,000 source servers.", "5.3.2; 6.1", K.QUOTA),
    _row("SMS.8115", 400, "Maximum templates: 50", "5.6.1; 6.1", K.QUOTA),
    # --- the service -----------------------------------------------------------------------------------
    _row("SMS.6000", 500, "Service error.", _APPENDIX, K.SERVER, retryable=True),
    _row("SMS.6301", 400, "Database read or write error.", _APPENDIX, K.SERVER),
    # --- the API gateway (codes not in the seeds; the emulator answers unknown routes and injected
    # throttling with them) -----------------------------------------------------------------------------
    _row("APIG.0101", 404, "The API does not exist or has not been published in the environment.",
         "API gateway (6.1 intro: APIG codes come from the gateway)", K.VALIDATION),
    _row("APIG.0308", 429, "The request is throttled.", "API gateway (6.2: 429)", K.THROTTLED,
         retryable=True),
    # --- OMS v2: the seeds list no OMS codes. OMS.0063 and OMS.0066 are the real codes the Huawei
    # Terraform provider's OMS task-group resource handles; OMS.0001-0005 are the emulator's own ------
    _row("OMS.0063", 400, "The task group is in progress and cannot be deleted now.",
         "Terraform provider, OMS task group delete: retried while the group settles", K.STATE,
         refuses=("taskgroup.delete",), retryable=True),
    _row("OMS.0066", 400, "The task group is not running.",
         "Terraform provider, OMS task group stop: ignored before a delete", K.STATE,
         refuses=("taskgroup.stop",)),
    _row("OMS.0001", 400, "Invalid parameters.", "emulator (no OMS code list in the seeds)", K.VALIDATION),
    _row("OMS.0002", 400, "The request body is not in the JSON format.",
         "emulator (no OMS code list in the seeds)", K.VALIDATION),
    _row("OMS.0003", 404, "The task group does not exist.", "seed 004 (404 for a missing group)",
         K.NOT_FOUND, object="taskgroup"),
    _row("OMS.0004", 400, "The operation is not allowed in the current task group state.",
         "emulator (no OMS code list in the seeds)", K.STATE,
         refuses=("taskgroup.start", "taskgroup.retry", "taskgroup.update")),
    _row("OMS.0005", 403, "Authentication failed.", "emulator (no OMS code list in the seeds)", K.AUTH),
)

#: Every code the project knows, by code.
CODES: Mapping[str, ErrorCode] = {row.code: row for row in _ROWS}
if len(CODES) != len(_ROWS):  # pragma: no cover - a duplicate row is a bug in this table
    raise RuntimeError("duplicate rows in the error-code table")

OMS_TASK_GROUP_BUSY = "OMS.0063"
OMS_TASK_NOT_RUNNING = "OMS.0066"
OMS_TASK_GROUP_NOT_FOUND = "OMS.0003"
OMS_INVALID_PARAMETERS = "OMS.0001"
OMS_INVALID_BODY = "OMS.0002"
OMS_NOT_ALLOWED = "OMS.0004"


def lookup(code: str | None) -> ErrorCode | None:
    """The row of ``code``, or None for a code the table does not hold."""
    return CODES.get(code or "")


def codes_of(kind: Kind) -> frozenset[str]:
    """Every code of one kind."""
    return frozenset(row.code for row in _ROWS if row.kind is kind)


def not_found_codes() -> dict[str, str]:
    """``{code: kind of object it says does not exist}``."""
    return {row.code: row.object for row in _ROWS if row.object is not None}


def auth_codes() -> frozenset[str]:
    return codes_of(Kind.AUTH)


def retryable_codes() -> frozenset[str]:
    return frozenset(row.code for row in _ROWS if row.retryable)


def state_refusals(*actions: str) -> frozenset[str]:
    """The codes that refuse any of ``actions`` because of the object's current state."""
    unknown = set(actions) - ACTIONS
    if unknown:
        raise ValueError(f"unknown action(s) {sorted(unknown)}; known: {', '.join(sorted(ACTIONS))}")
    return frozenset(row.code for row in _ROWS if row.refuses & set(actions))
