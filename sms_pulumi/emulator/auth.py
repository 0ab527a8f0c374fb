"""Request authentication: AK/SK signatures (``SDK-HMAC-SHA256``) and configured IAM tokens.

The signature is recomputed with the project's own signer (:mod:`sms_pulumi.api.signing`), the same
code the client signs with; the conformance tests drive the emulator with the official SDK, whose
signer is independent, so a bug in ours shows up there. Nothing is accepted unsigned unless the
verifier is built with ``enabled=False``. Failure reasons never contain a secret or a signature.

What must be signed: ``x-sdk-date`` (the signature is only as fresh as the date it covers) and every
header ``SignedHeaders`` lists must be in the request. ``host`` need not be signed: manual 3.1 makes
the Host header mandatory for AK/SK, not its signature, and a real client (the Go SDK
``chnsz/golangsdk`` under the Huawei Terraform provider) signs
``accept;content-type;user-agent;x-sdk-date``, which the service accepts.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sms_pulumi.api import signing
from sms_pulumi.emulator.errors import auth_error

MAX_CLOCK_SKEW_S = 15 * 60


@dataclass(frozen=True)
class AccessKey:
    access_key: str
    secret_key: str = field(repr=False)
    # Temporary credentials: when set, requests must carry this X-Security-Token.
    security_token: str | None = field(default=None, repr=False)


@dataclass
class AuthResult:
    method: str  # "aksk" | "token" | "none"
    access_key: str | None = None


class Verifier:
    def __init__(self, keys: Iterable[AccessKey] = (), tokens: Iterable[str] = (), *,
                 enabled: bool = True) -> None:
        self._keys = {k.access_key: k for k in keys}
        self._tokens = frozenset(t for t in tokens if t)
        self.enabled = enabled

    def __repr__(self) -> str:  # never show secrets
        return f"Verifier(enabled={self.enabled}, keys={sorted(self._keys)}, tokens={len(self._tokens)})"

    def verify(self, method: str, raw_path: str, raw_query: str, headers: Mapping[str, str],
               body: bytes, *, now: datetime | None = None) -> AuthResult:
        """Check one request; ``headers`` has lower-case names. Raises :class:`ApiError` (403)."""
        if not self.enabled:
            return AuthResult("none")
        authorization = headers.get("authorization")
        token = headers.get("x-auth-token")
        if authorization:
            return self._verify_signature(method, raw_path, raw_query, headers, body, authorization, now)
        if token is not None:
            if any(hmac.compare_digest(token, t) for t in self._tokens):
                return AuthResult("token")
            raise auth_error("SMS.6521", "the X-Auth-Token is not valid")
        raise auth_error("SMS.6522", "neither an Authorization (AK/SK) nor an X-Auth-Token header was sent")

    def _verify_signature(self, method: str, raw_path: str, raw_query: str, headers: Mapping[str, str],
                          body: bytes, authorization: str, now: datetime | None) -> AuthResult:
        try:
            access_key, signed_headers, signature = signing.parse_authorization_header(authorization)
        except ValueError:
            raise auth_error("SMS.0202", "malformed Authorization header") from None
        key = self._keys.get(access_key)
        if key is None:
            raise auth_error("SMS.0202", "unknown access key")
        sdk_date = headers.get("x-sdk-date")
        if not sdk_date:
            raise auth_error("SMS.0202", "missing X-Sdk-Date header")
        try:
            signed_at = signing.parse_sdk_date(sdk_date)
        except ValueError:
            raise auth_error("SMS.0202", "X-Sdk-Date is not in the YYYYMMDDTHHMMSSZ format") from None
        current = now or datetime.now(UTC)
        if abs((current - signed_at).total_seconds()) > MAX_CLOCK_SKEW_S:
            raise auth_error("SMS.0205", "X-Sdk-Date is more than 15 minutes away from the server time")
        lowered = [h.lower() for h in signed_headers]
        if "x-sdk-date" not in lowered:
            raise auth_error("SMS.0202", "SignedHeaders must include x-sdk-date")
        missing = [h for h in lowered if h not in headers]
        if missing:
            raise auth_error("SMS.0202", f"signed header(s) missing from the request: {', '.join(missing)}")
        if key.security_token is not None and not hmac.compare_digest(
            headers.get("x-security-token", ""), key.security_token
        ):
            raise auth_error("SMS.0202", "missing or wrong X-Security-Token for temporary credentials")
        expected = signing.expected_signature(method, raw_path, raw_query, headers, lowered, body,
                                              key.secret_key)
        if not hmac.compare_digest(expected.lower(), signature.lower()):
            raise auth_error("SMS.0202", "signature mismatch")
        return AuthResult("aksk", access_key)
