"""Error responses of the emulator.

Codes, statuses and messages come from the project's error-code table (:mod:`sms_pulumi.api.codes`),
the same one the client reads, so what the emulator answers and what the client concludes cannot
drift apart. SMS business errors carry ``{"error_code", "error_msg"}``; authentication failures use
the extended 403 body of the manual (``calling.md`` §5.2). Messages are the manual's English texts
(``errors.md`` §6.1) plus a parenthesised detail, so a client can show them verbatim. Choices are
listed in AMBIGUITIES.md.
"""

from __future__ import annotations

from typing import Any

from sms_pulumi.api import codes

# Unknown routes look like the API gateway's answer, not like an SMS business error.
APIG_NOT_FOUND = "APIG.0101"


class EmulatorError(Exception):
    """An error answered to the client; raised anywhere below a route handler.

    Named apart from the client's :class:`sms_pulumi.api.errors.ApiError`: this one is what the
    emulator *sends*, that one what a client *receives*."""

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


def error(code: str, detail: str | None = None, *, status: int | None = None) -> EmulatorError:
    """The table's answer for ``code``; ``detail`` says what exactly was wrong, ``status`` overrides
    the table's (a missing object only *referred to* in a body is 400, see :mod:`~sms_pulumi.api.codes`)."""
    row = codes.CODES[code]
    msg = f"{row.message} ({detail})" if detail else row.message
    return EmulatorError(status if status is not None else row.status, code, msg)


def referenced(code: str, detail: str) -> EmulatorError:
    """A missing object named in a request body, not in its path: 400 (manual 6.1)."""
    return error(code, detail, status=400)


def auth_error(code: str, reason: str) -> EmulatorError:
    """Authentication failures: HTTP 403 with the extended body; ``reason`` never contains a secret."""
    row = codes.CODES[code]
    return EmulatorError(403, code, row.message, extended=True, params=[reason])
