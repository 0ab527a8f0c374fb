"""Request parsing and response rendering shared by every emulated service.

Bodies are validated with the shared wire models (``sms_pulumi.api.models``): the emulator never
declares a field of its own. Validation failures become the manual's codes: empty body SMS.6012,
not JSON SMS.6010, missing field SMS.6013, unknown field SMS.6011, anything else SMS.9001 (OMS:
OMS.0002 / OMS.0001). Responses go through the response models, so what the emulator answers is
exactly what the client parses (explicit ``null`` for unset fields, as the real service does).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from sms_pulumi.api.models.common import RequestModel
from sms_pulumi.emulator.errors import ApiError, oms_error, sms_error

M = TypeVar("M", bound=BaseModel)


def is_oms(path: str) -> bool:
    """OMS v2 routes (``/v2/{project_id}/...``); everything else is SMS v3 or the admin API."""
    return path.startswith("/v2/")


def _service(request: Request) -> str:
    return "oms" if is_oms(request.url.path) else "sms"


def validation_error(exc: ValidationError, service: str) -> ApiError:
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0] if errors else {"type": "value_error", "loc": (), "msg": "invalid"}
    where = ".".join(str(p) for p in first.get("loc", ()))
    detail = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    if service == "oms":
        return oms_error("OMS.0001", detail)
    kind = first.get("type")
    code = "SMS.6013" if kind == "missing" else "SMS.6011" if kind == "extra_forbidden" else "SMS.9001"
    loc = first.get("loc", ())
    if kind == "string_pattern_mismatch" and loc and loc[-1] in ("start", "end"):
        code = "SMS.6405"  # a time window written other than HH:MM
    return sms_error(code, detail)


async def parse_json(request: Request, *, allow_empty: bool = False) -> Any:
    service = _service(request)
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return None
        raise oms_error("OMS.0002", "empty body") if service == "oms" else sms_error("SMS.6012")
    content_type = request.headers.get("content-type", "")
    if service == "sms" and not content_type.lower().startswith("application/json"):
        raise sms_error("SMS.6016")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise (oms_error("OMS.0002") if service == "oms" else sms_error("SMS.6010")) from None


async def parse_body(request: Request, model: type[M]) -> M:
    data = await parse_json(request)
    return validate(model, data, _service(request))


def validate(model: type[M], data: Any, service: str = "sms") -> M:
    if not isinstance(data, dict):
        if service == "oms":
            raise oms_error("OMS.0001", "the body must be a JSON object")
        raise sms_error("SMS.6011", "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, service) from None


def stored(instance: RequestModel) -> dict[str, Any]:
    """A request as the emulator stores it: wire names, unset fields omitted, and each top-level
    field's documented ``server_default`` filled in (read from the model, not repeated here)."""
    return instance.with_server_defaults().to_wire()


def query_model(request: Request, model: type[M]) -> M:
    """Validate the query string with a QueryModel (repeated keys: the last one wins)."""
    return validate(model, dict(request.query_params), _service(request))


def render(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """The JSON body of ``data`` as the response model shapes it."""
    return model.model_validate(data).model_dump(mode="json", by_alias=True)


def respond(model: type[BaseModel], data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(render(model, data), status_code=status)


def empty() -> JSONResponse:
    return JSONResponse({})
