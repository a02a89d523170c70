"""Complaints, inquiries, petitions and suggestions from the portal, the call centre and letters
(ComplaintEscalationProcess), and the citizen's rating of the answer.

Anything missing or malformed is refused with a 422 naming the field and the reason, before anything is
numbered or sent. A complaint about a service decision may name the service request's case number: it
must be a service request intake knows, and the complaint is then linked to it (and, unless it names an
organisation itself, goes to the agency that last decided that request).
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import Field, field_validator, model_validator

from catalog.model import Catalog
from intake import messages
from intake.outbox import Accept, NewMessage
from intake.registry import Registry
from intake.schemas import EMAIL, PHONE, Body, RegisterNumber
from intake.settings import Caller, CallerKind

COMPLAINT_SERVICE = "complaint"  # what the registry records complaints under
COMPLAINT_PREFIX = "CMP"  # service requests are ESR-<year>-…, complaints CMP-<year>-…
SERVICE_CENTRE = r"^(capital|aimag):[a-z-]+$"

Kind = Literal["inquiry", "complaint", "petition", "suggestion"]
Topic = Literal["system-access", "personal-data", "service-decision", "staff-conduct", "service-delay", "other"]
ComplaintChannel = Literal["portal", "call-centre", "letter"]
Authenticate = Callable[[CallerKind], Callable[[str], Caller]]


class ComplaintCitizen(Body):
    register_number: RegisterNumber
    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, pattern=PHONE)
    email: str | None = Field(default=None, pattern=EMAIL)

    @model_validator(mode="after")
    def reachable(self) -> Self:
        if not self.phone and not self.email:
            raise ValueError("give a phone number or an e-mail address to send the answer to")
        return self


class Complaint(Body):
    request_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    kind: Kind
    topic: Topic
    channel: ComplaintChannel
    agency: str | None = None
    citizen: ComplaintCitizen
    text: str = Field(min_length=1, max_length=4000)
    related_case_number: str | None = Field(default=None, min_length=1, max_length=64)

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the text of the complaint is empty")
        return value.strip()


class ComplaintRating(Body):
    case_number: str = Field(min_length=1, max_length=64)
    satisfied: bool
    reopen: bool = False  # a dissatisfied citizen may ask once for a second-level review
    comment: str = Field(default="", max_length=2000)
    message_id: str = Field(min_length=1, max_length=128)


def refuse(field: str, reason: str) -> HTTPException:
    """The same shape as pydantic's 422s, so callers read one format."""
    return HTTPException(422, [{"loc": ["body", field], "msg": reason, "type": "value_error"}])


def complaints_router(registry: Registry, catalog: Catalog, caller_of: Authenticate, accept: Accept) -> APIRouter:
    router = APIRouter(tags=["complaints"])
    portal = Depends(caller_of(CallerKind.PORTAL))  # the portal, the call centre's and the letters desk's tools

    def organisation(complaint: Complaint) -> str | None:
        agency = complaint.agency
        if agency is not None and agency not in catalog.agencies and not re.match(SERVICE_CENTRE, agency):
            raise refuse("agency", f"unknown organisation {agency!r}: a catalogue agency "
                                   f"({', '.join(catalog.agencies)}) or a service centre (capital:… / aimag:…)")
        related = complaint.related_case_number
        if related is None:
            return complaint.agency
        service = registry.service_of(related)
        if service is None or service == COMPLAINT_SERVICE:
            raise refuse("relatedCaseNumber", f"no service request {related} is known")
        stages = registry.forwardings(related)
        return complaint.agency or (str(stages[-1]["agency"]) if stages else None)

    @router.post("/v1/complaints", status_code=202)
    async def submit_complaint(complaint: Complaint, _: Annotated[Caller, portal]) -> dict[str, Any]:
        agency = organisation(complaint)
        case_number, _new = registry.open_case(f"complaint:{complaint.request_id}", COMPLAINT_SERVICE,
                                               prefix=COMPLAINT_PREFIX)
        citizen = complaint.citizen
        variables = {
            "caseNumber": case_number, "kind": complaint.kind, "topic": complaint.topic,
            "channel": complaint.channel, "agency": agency, "registerNumber": citizen.register_number,
            "citizenName": citizen.name, "phone": citizen.phone, "email": citizen.email,
            "complaintText": complaint.text, "relatedCaseNumber": complaint.related_case_number,
            "receivedAt": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
        name = messages.COMPLAINT_SUBMITTED
        accepted = await accept(NewMessage.start(f"complaint-{complaint.request_id}", name,
                                                 messages.STARTS_PROCESS[name], case_number, variables))
        return {"caseNumber": case_number, "duplicate": accepted.duplicate, "delivery": accepted.delivery}

    @router.post("/v1/complaint-replies/satisfaction", status_code=202)
    async def rate_answer(rating: ComplaintRating, _: Annotated[Caller, portal]) -> JSONResponse:
        variables = {"satisfaction": "satisfied" if rating.satisfied else "dissatisfied",
                     "reopenRequested": rating.reopen and not rating.satisfied, "satisfactionComment": rating.comment}
        accepted = await accept(NewMessage.reply(rating.message_id, messages.COMPLAINT_SATISFACTION_RATED,
                                                 rating.case_number, variables))
        return JSONResponse(accepted.body(), status_code=accepted.status_code)

    return router
