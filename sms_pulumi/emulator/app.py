"""Assembles the emulator: FastAPI routers of each emulated service, error handlers, and the
outer middleware (auth, faults, request log). ``build_app`` returns the ASGI app uvicorn serves."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sms_pulumi.api import codes
from sms_pulumi.api.models.common import field_path
from sms_pulumi.emulator import admin
from sms_pulumi.emulator.errors import APIG_NOT_FOUND, EmulatorError, error
from sms_pulumi.emulator.http import is_oms
from sms_pulumi.emulator.middleware import ASGIApp, EmulatorMiddleware
from sms_pulumi.emulator.oms import taskgroups
from sms_pulumi.emulator.sms import config, migprojects, sources, tasks, templates
from sms_pulumi.emulator.state import Emulator


def build_fastapi(emu: Emulator) -> FastAPI:
    app = FastAPI(title="sms-pulumi emulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.emulator = emu

    @app.exception_handler(EmulatorError)
    async def emulator_error(_: Request, exc: EmulatorError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        detail = f"{field_path(first.get('loc', ())) or '(request)'}: {first.get('msg', 'invalid')}"
        err = error(codes.OMS_INVALID_PARAMETERS if is_oms(request.url.path) else "SMS.9001", detail)
        return JSONResponse(err.body(), status_code=err.status)

    @app.exception_handler(StarletteHTTPException)
    async def unknown_route(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        row = codes.CODES[APIG_NOT_FOUND]
        return JSONResponse({"error_code": row.code, "error_msg": row.message}, status_code=exc.status_code)

    # Literal paths (".../delete", "/v3/sources/overview") are declared before "{id}" paths.
    for module in (sources, templates, migprojects, tasks, config, taskgroups, admin):
        app.include_router(module.router)
    return app


def build_app(emu: Emulator) -> ASGIApp:
    app = build_fastapi(emu)
    return EmulatorMiddleware(app, emu, lambda: list(app.routes))
