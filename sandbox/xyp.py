"""XYP state registry: POST /xyp/{service_code} answers one record of one synthetic citizen."""

import secrets
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from sandbox.citizens import SERVICES
from sandbox.faults import Refusal
from sandbox.state import SandboxState

log = structlog.get_logger("sandbox.xyp")


class XypQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    regnum: str = Field(min_length=1, max_length=32)
    request_id: str = Field(alias="requestId", min_length=1, max_length=128)


def xyp_router(state: SandboxState) -> APIRouter:
    token = state.settings.xyp_token.get_secret_value().encode()
    citizens, journal = state.citizens, state.journal

    async def check_token(x_xyp_token: Annotated[str, Header()] = "") -> None:
        if not secrets.compare_digest(x_xyp_token.encode(), token):
            log.info("xyp.refused", reason="bad token")
            raise Refusal(401, "missing or invalid X-Xyp-Token")

    router = APIRouter(prefix="/xyp", tags=["xyp"], dependencies=[Depends(state.gate("xyp")), Depends(check_token)])

    @router.post("/{service_code}")
    async def query(service_code: str, body: XypQuery) -> JSONResponse:
        if service_code not in SERVICES:
            journal.record("xyp", serviceCode=service_code, regnum=body.regnum, requestId=body.request_id, status=400)
            raise Refusal(400, f"unknown service code {service_code!r}; known: {', '.join(SERVICES)}")
        citizen = citizens.get(body.regnum.strip().upper())
        record = citizen.record(service_code) if citizen else None
        status = 200 if record is not None else 404
        journal.record("xyp", serviceCode=service_code, regnum=body.regnum, requestId=body.request_id, status=status)
        log.info("xyp.query", service_code=service_code, regnum=body.regnum, found=record is not None)
        if record is None:
            return JSONResponse({"found": False, "reason": "not found"}, status_code=404)
        return JSONResponse({"found": True, "serviceCode": service_code, "data": record})

    return router
