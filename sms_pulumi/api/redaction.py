"""Redaction of secrets in log records and error texts.

Kept apart from :mod:`sms_pulumi.api.credentials` (which registers the secrets it holds) and from
:mod:`sms_pulumi.api.errors` (whose messages pass through :func:`redact`), so that neither has to
import the other lazily.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

__all__ = ["REDACTED", "mask", "redact", "register_secret"]

REDACTED = "***"

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
_MIN_SECRET_LEN = 4  # never register tiny strings: they would blank out ordinary text

_SECRET_FIELD = (
    r"(?:[\w-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|credential|private_?key|"
    r"authentication_?key|access_?key|connection_string|json_auth_file|signature|authorization)[\w-]*"
    r"|(?:src_|dst_)?(?:ak|sk))"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Header lines "Authorization: value" (unquoted): the rest of the line is the value.
    (
        re.compile(
            r"(?i)(\b(?:authorization|x-auth-token|x-security-token|x-subject-token)\s*:\s*)(?!['\"])[^\r\n]+"
        ),
        r"\1" + REDACTED,
    ),
    # The signature inside an SDK-HMAC-SHA256 value anywhere else.
    (re.compile(r"(?i)(Signature=)[0-9a-f]+"), r"\1" + REDACTED),
    # Quoted fields whose name looks secret: "password": "x", 'sk': 'x', "Authorization": "..."
    (
        re.compile(r"(?i)([\"']" + _SECRET_FIELD + r"[\"']\s*:\s*)([\"'])((?:\\.|(?!\2).)*)\2"),
        r"\1\2" + REDACTED + r"\2",
    ),
    # key=value forms (query strings, reprs): password=x, secret_key='x', x-auth-token=x
    (
        re.compile(r"(?i)(\b" + _SECRET_FIELD + r"=)(['\"]?)([^&\s,'\")]+)\2"),
        r"\1\2" + REDACTED + r"\2",
    ),
]


def register_secret(value: str | None) -> None:
    """Remember a secret value so that :func:`redact` hides it wherever it appears."""
    if value and len(value) >= _MIN_SECRET_LEN:
        with _SECRETS_LOCK:
            _SECRETS.add(value)


def redact(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """``text`` with every registered secret and every credential-looking field replaced by ``***``."""
    if not text:
        return text
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS | {s for s in extra_secrets if s}, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def mask(value: str | None, keep: int = 4) -> str:
    """An identifier shortened for display: ``AKIA****`` (never use for secrets: use ``***``)."""
    if not value:
        return "<unset>"
    if len(value) <= keep * 2:
        return REDACTED
    return value[:keep] + "****"
