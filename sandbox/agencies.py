"""Agencies' systems: POST /agencies/{agency_id}/cases (and .../information, .../reminders), once per
Idempotency-Key."""

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from sandbox.desk import Answer
from sandbox.faults import Refusal
from sandbox.settings import AGENCY_NAMES
from sandbox.state import SandboxState

IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=200)]


class Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class ForwardedCase(Body):
    case_number: str = Field(min_length=1)
    stage: int = Field(ge=1)
    service_code: str
    applicant: dict[str, Any]
    documents: list[Any] = []
    callback_message_id: str | None = None


class Information(Body):
    case_number: str | None = None
    stage: int = Field(ge=1)
    information: str = Field(min_length=1)


class Reminder(Body):
    stage: int = Field(ge=1)
    kind: str = Field(pattern="^(warning|breach)$")
    due_at: str
    note: str = ""


def reply(answer: Answer) -> JSONResponse:
    return JSONResponse(answer.body, status_code=202 if answer.new else 200)


def agencies_router(state: SandboxState) -> APIRouter:
    async def check_key(agency_id: str, x_api_key: Annotated[str, Header()] = "") -> None:
        if agency_id not in AGENCY_NAMES:
            raise Refusal(404, f"no agency {agency_id!r}; known: {', '.join(AGENCY_NAMES)}")
        expected = state.settings.agency_api_keys.get(agency_id)
        if expected is None or not secrets.compare_digest(x_api_key.encode(), expected.get_secret_value().encode()):
            raise Refusal(401, f"missing or invalid X-Api-Key for {agency_id}")

    router = APIRouter(prefix="/agencies/{agency_id}", tags=["agencies"],
                       dependencies=[Depends(state.gate("agencies")), Depends(check_key)])

    @router.post("/cases", status_code=202)
    async def receive_case(agency_id: str, case: ForwardedCase, key: IdempotencyKey) -> JSONResponse:
        body = case.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return reply(state.desk.receive(agency_id, key, "case", case.case_number, case.stage, body))

    @router.post("/cases/{case_number}/information", status_code=202)
    async def receive_information(agency_id: str, case_number: str, info: Information,
                                  key: IdempotencyKey) -> JSONResponse:
        if info.case_number not in (None, case_number):
            raise Refusal(400, f"body caseNumber {info.case_number!r} differs from the path's {case_number!r}")
        if state.desk.case_id(agency_id, case_number) is None:
            raise Refusal(404, f"{agency_id} holds no case {case_number}")
        body = info.model_dump(mode="json", by_alias=True, exclude_unset=True) | {"caseNumber": case_number}
        return reply(state.desk.receive(agency_id, key, "information", case_number, info.stage, body))

    @router.post("/cases/{case_number}/reminders", status_code=202)
    async def receive_reminder(agency_id: str, case_number: str, reminder: Reminder,
                               key: IdempotencyKey) -> JSONResponse:
        if state.desk.case_id(agency_id, case_number) is None:
            raise Refusal(404, f"{agency_id} holds no case {case_number}")
        body = reminder.model_dump(mode="json", by_alias=True) | {"caseNumber": case_number}
        return reply(state.desk.remind(agency_id, key, case_number, body))

    return router
