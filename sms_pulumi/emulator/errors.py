"""Error responses of the emulator.

SMS business errors are HTTP 400 with ``{"error_code", "error_msg"}``; authentication failures use the
extended 403 body of the manual (``calling.md`` §5.2). Messages are the manual's English texts
(``errors.md`` §6.1), so a client can show them verbatim. Choices are listed in AMBIGUITIES.md.
"""

from __future__ import annotations

from typing import Any

# The manual's English messages (api-reference/errors.md). Only the codes the emulator raises.
SMS_MESSAGES: dict[str, str] = {
    "SMS.0202": "AK/SK authentication failed. Ensure that the AK and SK are correct.",
    "SMS.0205": "AK/SK authentication failed. The time or time zone of the source server is incorrect.",
    "SMS.6000": "Service error.",
    "SMS.6001": "The source server name is a required field.",
    "SMS.6002": "Source server name must consist of 1 to 64 characters.",
    "SMS.6003": "Only letters, digits, underscores (_), dot (.), and hyphens (-) are allowed.",
    "SMS.6005": "The status of the sourceServer does not meet the requirements.",
    "SMS.6010": "The request body is not in the JSON format.",
    "SMS.6011": "The JSON request body does not meet the specifications.",
    "SMS.6012": "Empty request body.",
    "SMS.6013": "Incomplete request parameters.",
    "SMS.6015": "The request header is missing.",
    "SMS.6016": "The header type must be application/json.",
    "SMS.6032": "The target server ID is missing.",
    "SMS.6033": "The disk information is missing.",
    "SMS.6302": "No migration speed limit found.",
    "SMS.6405": "Invalid time format.",
    "SMS.6501": "You can add up to 1,000 source servers.",
    "SMS.6520": "The source server is not in the AVAILABLE state.",
    "SMS.6521": "Token-based authentication failed.",
    "SMS.6522": "The X-Auth-Token header field is missing.",
    "SMS.6601": "Invalid OS type.",
    "SMS.6610": "The OS in the task conflicts with the source server OS.",
    "SMS.7101": "Template does not exist.",
    "SMS.7111": "All tasks associated with this template must be deleted first.",
    "SMS.7112": "Duplicate template name.",
    "SMS.8115": "Maximum templates: 50",
    "SMS.7301": "The specified migration template does not exist.",
    "SMS.7303": "The default migration template cannot be deleted.",
    "SMS.7311": "All source servers associated with the migration project must be deleted first.",
    "SMS.7312": "Duplicate migration project name.",
    "SMS.7313": "The default migration project already exists.",
    "SMS.7601": "Failed to delete the source server because a migration task is running on it.",
    "SMS.7602": "The specified source server does not exist.",
    "SMS.7605": (
        "The server has been set as the target server of another migration task. "
        "Select another server or delete the task associated with the server."
    ),
    "SMS.7703": "Task does not exist.",
    "SMS.7711": "Invalid task name.",
    "SMS.7712": "Invalid task type.",
    "SMS.7713": "Only tasks in the Ready for next, Paused, or Error state can be started.",
    "SMS.7714": "Only running tasks can be paused.",
    "SMS.7719": "Tasks in current state cannot be deleted.",
    "SMS.7721": (
        "Only target servers in tasks in the Continuous synchronization state can be cloned or started."
    ),
    "SMS.7722": "Only tasks where the target servers have successfully started can be restarted.",
    "SMS.9001": "Invalid parameters.",
    "SMS.9004": "The current account does not have the permission to execute policy {0}.",
}

# OMS has no error list in the seeds: these codes are the emulator's own (AMBIGUITIES.md, "OMS errors").
OMS_MESSAGES: dict[str, str] = {
    "OMS.0001": "Invalid parameters.",
    "OMS.0002": "The request body is not in the JSON format.",
    "OMS.0003": "The task group does not exist.",
    "OMS.0004": "The operation is not allowed in the current task group state.",
    "OMS.0005": "Authentication failed.",
}

# Unknown routes look like the API gateway's answer, not like an SMS business error.
APIG_NOT_FOUND = ("APIG.0101", "The API does not exist or has not been published in the environment.")


class ApiError(Exception):
    """An error answered to the client; raised anywhere below a route handler."""

    def __init__(self, status: int, code: str, msg: str, *, extended: bool = False,
                 params: list[str] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {msg}")
        self.status = status
        self.code = code
        self.msg = msg
        self.extended = extended
        self.params = params or []
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error_code": self.code, "error_msg": self.msg}
        if self.extended:
            # The manual's 403 body (calling.md §5.2): same code repeated in details[].
            body["encoded_authorization_message"] = None
            body["error_param"] = self.params or [self.msg]
            body["details"] = [{"error_code": self.code, "error_msg": p} for p in (self.params or [self.msg])]
        return body


def sms_error(code: str, detail: str | None = None, *, status: int = 400) -> ApiError:
    """A business error with the manual's message; ``detail`` says what exactly was wrong."""
    msg = SMS_MESSAGES.get(code, "Invalid parameters.")
    if detail:
        msg = f"{msg} ({detail})"
    return ApiError(status, code, msg)


def oms_error(code: str, detail: str | None = None, *, status: int = 400) -> ApiError:
    msg = OMS_MESSAGES.get(code, "Invalid parameters.")
    if detail:
        msg = f"{msg} ({detail})"
    return ApiError(status, code, msg)


def auth_error(code: str, reason: str) -> ApiError:
    """Authentication failures: HTTP 403 with the extended body; ``reason`` never contains a secret."""
    msg = SMS_MESSAGES.get(code, OMS_MESSAGES["OMS.0005"])
    return ApiError(403, code, msg, extended=True, params=[reason])
