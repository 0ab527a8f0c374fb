"""``GET /v3/config`` (manual 5.2.1): what the Agent reads when it starts. The task
configuration-setting endpoints (5.10) live with the tasks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sms_pulumi.api.models.config import AgentConfigResponse
from sms_pulumi.emulator.http import respond

router = APIRouter()

AGENT_CONFIG = {"mainRegion": "cn-north-4", "disktype": "SAS",
                "obs_domain": "obs.cn-north-4.myhuaweicloud.com"}
REGIONS = [{"region_name": r, "project_name": r} for r in ("cn-north-4", "cn-east-3", "ap-southeast-1")]


@router.get("/v3/config")
async def agent_config(_: Request) -> JSONResponse:
    return respond(AgentConfigResponse, {"config": AGENT_CONFIG, "regions": REGIONS})
