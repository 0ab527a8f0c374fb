"""SDK-HMAC-SHA256 request signing (Huawei Cloud "APIG" AK/SK signature).

This module is the single implementation of the signature algorithm, shared by the client
(:class:`sms_pulumi.api.auth.AkSkAuth`) and the emulator's verifier. It reproduces, byte for byte,
``huaweicloudsdkcore.signer.signer.Signer`` (SDK 3.1.219)::

    CanonicalRequest =
        METHOD                      upper case
        CanonicalURI                path percent-decoded, split on "/", each segment re-encoded with
                                    quote(safe="~"), joined with "/", and a trailing "/" appended when
                                    missing ("/v3/tasks" -> "/v3/tasks/")
        CanonicalQueryString        (key, value) pairs percent-decoded, sorted (key, then value),
                                    each re-encoded with quote(safe="~"), "k=v" joined with "&"
        CanonicalHeaders            "name:value\\n" per signed header (lower-case name, stripped value)
        SignedHeaders               lower-case names joined with ";"
        HexEncode(SHA256(body))     SHA-256 of the empty string for an empty body; the value of a
                                    signed X-Sdk-Content-Sha256 header (e.g. UNSIGNED-PAYLOAD) if present
    StringToSign = "SDK-HMAC-SHA256\\n" + X-Sdk-Date + "\\n" + HexEncode(SHA256(CanonicalRequest))
    Signature    = HexEncode(HMAC-SHA256(secret_key, StringToSign))
    Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>

Query strings on the wire: the SDK sends exactly the canonical query string. When parsing a raw query
string we treat ``+`` as a space (form encoding, as httpx/requests produce); a literal plus sign must be
sent as ``%2B`` (which the SDK and our client always do).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import quote, unquote, unquote_plus

__all__ = [
    "ALGORITHM",
    "DATE_FORMAT",
    "EMPTY_BODY_SHA256",
    "HEADER_AUTHORIZATION",
    "HEADER_CONTENT_SHA256",
    "HEADER_DATE",
    "ParsedAuthorization",
    "authorization_header",
    "canonical_headers",
    "canonical_query_string",
    "canonical_request",
    "canonical_uri",
    "encode_query",
    "expected_signature",
    "hashed_payload",
    "parse_authorization_header",
    "parse_query",
    "parse_sdk_date",
    "sdk_date",
    "sign",
    "string_to_sign",
]

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
HEADER_DATE = "X-Sdk-Date"
HEADER_AUTHORIZATION = "Authorization"
HEADER_CONTENT_SHA256 = "X-Sdk-Content-Sha256"
EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


class ParsedAuthorization(NamedTuple):
    """The three fields of an ``SDK-HMAC-SHA256`` Authorization header."""

    access_key: str
    signed_headers: list[str]
    signature: str


def sdk_date(now: datetime | None = None) -> str:
    """Format ``now`` (default: the current time) as an ``X-Sdk-Date`` value, ``YYYYMMDDTHHMMSSZ`` UTC.

    A naive datetime is taken to be UTC already.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is not None:
        now = now.astimezone(UTC)
    return now.strftime(DATE_FORMAT)


def parse_sdk_date(value: str) -> datetime:
    """Parse an ``X-Sdk-Date`` value into an aware UTC datetime; ValueError when malformed."""
    return datetime.strptime(value.strip(), DATE_FORMAT).replace(tzinfo=UTC)


def _url_encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_uri(raw_path: str) -> str:
    """Canonical URI of a request path as sent on the wire (query string not included)."""
    path = raw_path.split("?", 1)[0]
    url_path = "/".join(_url_encode(segment) for segment in unquote(path).split("/"))
    if not url_path.endswith("/"):
        url_path += "/"
    return url_path


def parse_query(raw_query: str) -> list[tuple[str, str]]:
    """Split a raw query string into decoded (key, value) pairs, keeping repeated keys."""
    if raw_query.startswith("?"):
        raw_query = raw_query[1:]
    pairs: list[tuple[str, str]] = []
    for part in raw_query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote_plus(key), unquote_plus(value)))
    return pairs


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def encode_query(params: Iterable[tuple[str, object]]) -> str:
    """The canonical query string of (key, value) pairs: sorted, ``quote(safe="~")``-encoded.

    This is also what the client sends on the wire, so that the signed and the sent query strings are
    identical. Booleans are rendered ``true``/``false`` as the SDK does; ``None`` values are skipped.
    """
    pairs = sorted((str(key), _query_value(value)) for key, value in params if value is not None)
    return "&".join(f"{_url_encode(key)}={_url_encode(value)}" for key, value in pairs)


def canonical_query_string(raw_query: str) -> str:
    """Canonical query string of a raw (wire) query string."""
    return encode_query(parse_query(raw_query))


def _header_text(value: str) -> str:
    """Undo a latin-1 decoding of UTF-8 header bytes (what ASGI servers hand over), if that applies."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): _header_text(str(value)).strip() for key, value in headers.items()}


def canonical_headers(headers: Mapping[str, str], signed_headers: Sequence[str]) -> str:
    """``name:value\\n`` for every signed header; KeyError names a signed header that is missing."""
    lowered = _lower_headers(headers)
    lines = []
    for name in signed_headers:
        key = name.lower()
        if key not in lowered:
            raise KeyError(f"signed header {key!r} is not present in the request")
        lines.append(f"{key}:{lowered[key]}")
    return "\n".join(lines) + "\n"


def hashed_payload(body: bytes, headers: Mapping[str, str], signed_headers: Sequence[str]) -> str:
    """Hex SHA-256 of the body, as the SDK computes it (see the module docstring)."""
    if not body:
        return EMPTY_BODY_SHA256
    content_sha = HEADER_CONTENT_SHA256.lower()
    if content_sha in (h.lower() for h in signed_headers):
        value = _lower_headers(headers).get(content_sha)
        if value:
            return value
    return hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    body: bytes,
) -> str:
    """The canonical request (six lines) that the signature covers."""
    names = [h.lower() for h in signed_headers]
    return "\n".join(
        [
            method.upper(),
            canonical_uri(raw_path),
            canonical_query_string(raw_query),
            canonical_headers(headers, names),
            ";".join(names),
            hashed_payload(body, headers, names),
        ]
    )


def string_to_sign(canonical: str, date: str) -> str:
    """``ALGORITHM\\nX-Sdk-Date\\nhex(sha256(canonical request))``."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{date}\n{digest}"


def sign(string: str, secret_key: str) -> str:
    """Hex HMAC-SHA256 of ``string`` keyed with the secret key."""
    return hmac.new(secret_key.encode("utf-8"), string.encode("utf-8"), hashlib.sha256).hexdigest()


def expected_signature(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    body: bytes,
    secret_key: str,
) -> str:
    """The hex signature of a request.

    ``headers`` may use any case and must contain ``X-Sdk-Date`` and every signed header (KeyError
    otherwise). ``raw_path`` and ``raw_query`` are as sent on the wire (percent-encoded or not; they are
    decoded before being canonicalised). The date is used as given, after checking its format
    (ValueError when malformed); checking its freshness is the verifier's business.
    """
    lowered = _lower_headers(headers)
    date = lowered.get(HEADER_DATE.lower())
    if date is None:
        raise KeyError("X-Sdk-Date header is missing")
    parse_sdk_date(date)
    canonical = canonical_request(method, raw_path, raw_query, headers, signed_headers, body)
    return sign(string_to_sign(canonical, date), secret_key)


def authorization_header(access_key: str, signed_headers: Sequence[str], signature: str) -> str:
    """``SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<a;b>, Signature=<hex>``."""
    names = ";".join(h.lower() for h in signed_headers)
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={names}, Signature={signature}"


_AUTH_RE = re.compile(
    r"^\s*" + re.escape(ALGORITHM) + r"\s+"
    r"Access=(?P<access>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<headers>[^,\s]+)\s*,\s*"
    r"Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


def parse_authorization_header(value: str) -> ParsedAuthorization:
    """Parse an Authorization header produced by :func:`authorization_header` (or the SDK).

    Raises ValueError when the scheme is not ``SDK-HMAC-SHA256`` or a field is missing or empty.
    The signature is returned lower-case.
    """
    match = _AUTH_RE.match(value or "")
    if match is None:
        raise ValueError("malformed Authorization header: expected "
                         f"'{ALGORITHM} Access=..., SignedHeaders=..., Signature=...'")
    signed = [h.strip().lower() for h in match.group("headers").split(";")]
    if any(not h for h in signed):
        raise ValueError("malformed Authorization header: empty name in SignedHeaders")
    return ParsedAuthorization(match.group("access"), signed, match.group("signature").lower())
