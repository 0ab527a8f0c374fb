"""Request parsing and response rendering shared by every emulated service.

Bodies and query strings are validated with the shared wire models (``sms_pulumi.api.models``): the
emulator never declares a field of its own. Fields a model does not declare are dropped before
validation, at any depth, because the service ignores them (AMBIGUITIES.md, "Unknown fields"); the
models themselves stay strict for the client, where an unknown field is a typo.

Validation failures become the manual's codes (errors.md §2): empty body SMS.6012, not JSON
SMS.6010, a body that is not an object or a field of the wrong JSON type SMS.6011, missing field
SMS.6013, too long SMS.6014, invalid OS type SMS.6601, invalid task type SMS.7712, a time window
other than HH:MM SMS.6405, a source name SMS.6001/6002/6003, anything else SMS.9001 (OMS: OMS.0002
for a body that is not JSON, OMS.0001 otherwise). Responses go through the response models, so what
the emulator answers is exactly what the client parses (explicit ``null`` for unset fields, as the
real service does).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sms_pulumi.api import codes
from sms_pulumi.api.models.common import (
    BatchDeleteRequest,
    QueryModel,
    RequestModel,
    describe_problems,
    server_default_of,
)
from sms_pulumi.emulator.errors import EmulatorError, error
from sms_pulumi.emulator.state import emulator
from sms_pulumi.emulator.store import Tx

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# pydantic error types that mean "a JSON value of the wrong type" (SMS.6011).
_JSON_TYPE_ERRORS = frozenset({
    "string_type", "int_type", "int_parsing", "int_from_float", "float_type", "float_parsing",
    "bool_type", "bool_parsing", "dict_type", "list_type", "model_type", "model_attributes_type",
})
# Error types the wire models raise for a rule the manual gives its own code.
_CUSTOM_CODES = {
    "task_type": "SMS.7712",
    "source_name_required": "SMS.6001",
    "source_name_length": "SMS.6002",
    "source_name_chars": "SMS.6003",
}
# Enumerated fields whose invalid value has its own code.
_ENUM_FIELD_CODES = {"os_type": "SMS.6601", "type": "SMS.7712"}
_MAX_STRIP_ROUNDS = 50


def is_oms(path: str) -> bool:
    """OMS v2 routes (``/v2/{project_id}/...``); everything else is SMS v3 or the admin API."""
    return path.startswith("/v2/")


def _service(request: Request) -> str:
    return "oms" if is_oms(request.url.path) else "sms"


def _sms_code(err: ErrorDetails) -> str:
    kind = err.get("type", "")
    loc = err.get("loc", ())
    field = str(loc[-1]) if loc else ""
    if kind in _CUSTOM_CODES:
        return _CUSTOM_CODES[kind]
    if kind == "missing":
        return "SMS.6013"
    if kind in ("string_too_long", "too_long"):
        return "SMS.6014"
    if kind in _JSON_TYPE_ERRORS:
        return "SMS.6011"
    if kind == "enum" and field in _ENUM_FIELD_CODES:
        return _ENUM_FIELD_CODES[field]
    if kind == "string_pattern_mismatch" and field in ("start", "end"):
        return "SMS.6405"  # a time window written other than HH:MM
    return "SMS.9001"


def validation_error(exc: ValidationError, service: str) -> EmulatorError:
    errors = exc.errors(include_url=False, include_input=False)
    first: ErrorDetails = errors[0] if errors else {"type": "value_error", "loc": (), "msg": "invalid",
                                                     "input": None}
    detail = describe_problems(exc, limit=1) or "invalid"
    code = codes.OMS_INVALID_PARAMETERS if service == "oms" else _sms_code(first)
    return error(code, detail)


def _drop(data: Any, loc: Sequence[int | str]) -> bool:
    """Remove the value at ``loc`` from ``data``; False when the path does not lead anywhere."""
    node = data
    for part in loc[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(node, dict) and loc and loc[-1] in node:
        del node[loc[-1]]
        return True
    return False


def validate(model: type[M], data: Any, service: str = "sms") -> M:
    """``data`` as ``model``, after dropping every field the model does not declare."""
    if not isinstance(data, dict):
        if service == "oms":
            raise error(codes.OMS_INVALID_PARAMETERS, "the body must be a JSON object")
        raise error("SMS.6011", "the body must be a JSON object")
    for _ in range(_MAX_STRIP_ROUNDS):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            extra = [e["loc"] for e in exc.errors() if e["type"] == "extra_forbidden"]
            dropped = [loc for loc in extra if _drop(data, loc)]
            if not dropped:
                raise validation_error(exc, service) from None
    raise error("SMS.6011", "the body nests too many unknown fields")


async def parse_json(request: Request, *, allow_empty: bool = False) -> Any:
    service = _service(request)
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return None
        raise error(codes.OMS_INVALID_BODY, "empty body") if service == "oms" else error("SMS.6012")
    content_type = request.headers.get("content-type", "")
    if service == "sms" and not content_type.lower().startswith("application/json"):
        raise error("SMS.6016")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise (error(codes.OMS_INVALID_BODY) if service == "oms" else error("SMS.6010")) from None


async def parse_body(request: Request, model: type[M]) -> M:
    data = await parse_json(request)
    return validate(model, data, _service(request))


def stored(instance: RequestModel) -> dict[str, Any]:
    """A request as the emulator stores it: wire names, unset fields omitted, and each top-level
    field's documented ``server_default`` filled in (read from the model, not repeated here)."""
    return instance.with_server_defaults().to_wire()


def query_model(request: Request, model: type[M]) -> M:
    """Validate the query string with a QueryModel (repeated keys: the last one wins)."""
    return validate(model, dict(request.query_params), _service(request))


def page(items: list[T], query: QueryModel) -> list[T]:
    """One page of ``items``: ``offset`` records skipped, at most ``limit``; an absent or zero limit
    is the page size the query model records as the server's default."""
    limit = getattr(query, "limit", None) or server_default_of(type(query), "limit")
    offset = getattr(query, "offset", None) or 0
    return items[offset:offset + limit]


def render(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """The JSON body of ``data`` as the response model shapes it."""
    return model.model_validate(data).model_dump(mode="json", by_alias=True)


def respond(model: type[BaseModel], data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(render(model, data), status_code=status)


def empty() -> JSONResponse:
    return JSONResponse({})


async def delete_batch(request: Request, delete: Callable[[Tx, str, int], None]) -> JSONResponse:
    """``POST .../delete`` (5.3.4, 5.4.3, 5.6.3): every ID or none (an error rolls the batch back);
    ``delete(tx, id, now)`` answers a missing ID with 400, the ID being named in a body."""
    emu = emulator(request)
    body = await parse_body(request, BatchDeleteRequest)
    now = emu.now()
    with emu.store.transaction() as tx:
        for key in body.ids:
            delete(tx, key, now)
    return empty()
