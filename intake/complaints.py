"""Complaints, inquiries, petitions and suggestions from the portal, the call centre and letters
(ComplaintEscalationProcess), and the citizen's rating of the answer.

Anything missing or malformed is refused with a 422 naming the field and the reason, before anything is
numbered or sent. A complaint about a service decision may name the service request's case number: it
must be a service request intake knows, and the complaint is then linked to it (and, unless it names an
organisation itself, goes to the agency that last decided that request).
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Literal, Self

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import StrictBool, model_validator

from catalog.model import Catalog
from intake import messages
from intake.errors import refuse
from intake.idempotency import Accept
from intake.outbox import NewMessage
from intake.registry import Registry
from intake.schemas import Body
from intake.settings import Caller, CallerKind
from intake.text import (
    CaseNumber,
    Comment,
    ComplaintText,
    Email,
    MessageId,
    Name,
    Organisation,
    Phone,
    RegisterNumber,
    RequestId,
)

COMPLAINT_SERVICE = "complaint"  # what the registry records complaints under
COMPLAINT_PREFIX = "CMP"  # service requests are ESR-<year>-…, complaints CMP-<year>-…

Kind = Literal["inquiry", "complaint", "petition", "suggestion"]
Topic = Literal["system-access", "personal-data", "service-decision", "staff-conduct", "service-delay", "other"]
ComplaintChannel = Literal["portal", "call-centre", "letter"]
Authenticate = Callable[[CallerKind], Callable[[str], Caller]]


class ComplaintCitizen(Body):
    register_number: RegisterNumber
    name: Name | None = None
    phone: Phone | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def reachable(self) -> Self:
        if not self.phone and not self.email:
            raise ValueError("give a phone number or an e-mail address to send the answer to")
        return self


class Complaint(Body):
    request_id: RequestId
    kind: Kind
    topic: Topic
    channel: ComplaintChannel
    agency: Organisation | None = None
    citizen: ComplaintCitizen
    text: ComplaintText
    related_case_number: CaseNumber | None = None


class ComplaintRating(Body):
    case_number: CaseNumber
    satisfied: StrictBool
    reopen: StrictBool = False  # a dissatisfied citizen may ask once for a second-level review
    comment: Comment = ""
    message_id: MessageId


def complaints_router(registry: Registry, catalog: Catalog, centres: frozenset[str], caller_of: Authenticate,
                      accept: Accept) -> APIRouter:
    router = APIRouter(tags=["complaints"])
    portal = Depends(caller_of(CallerKind.PORTAL))  # the portal, the call centre's and the letters desk's tools

    def organisation(complaint: Complaint) -> str | None:
        agency = complaint.agency
        if agency is not None and agency not in catalog.agencies and agency not in centres:
            raise refuse("agency", f"not a known organisation: a catalogue agency ({', '.join(catalog.agencies)}) "
                                   "or one of the catalogue's service centres (capital:… / aimag:…)")
        related = complaint.related_case_number
        if related is None:
            return complaint.agency
        service = registry.service_of(related)
        if service is None or service == COMPLAINT_SERVICE:
            raise refuse("relatedCaseNumber", "not a service request intake knows")
        stages = registry.forwardings(related)
        return complaint.agency or (str(stages[-1]["agency"]) if stages else None)

    @router.post("/v1/complaints", status_code=202)
    async def submit_complaint(complaint: Complaint, _: Annotated[Caller, portal]) -> JSONResponse:
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
                                                 messages.STARTS_PROCESS[name], case_number, variables),
                                complaint, "requestId")
        return JSONResponse({"caseNumber": case_number, "duplicate": accepted.duplicate,
                             "delivery": accepted.delivery}, status_code=accepted.status_code)

    @router.post("/v1/complaint-replies/satisfaction", status_code=202)
    async def rate_answer(rating: ComplaintRating, _: Annotated[Caller, portal]) -> JSONResponse:
        variables = {"satisfaction": "satisfied" if rating.satisfied else "dissatisfied",
                     "reopenRequested": rating.reopen and not rating.satisfied, "satisfactionComment": rating.comment}
        accepted = await accept(NewMessage.reply(rating.message_id, messages.COMPLAINT_SATISFACTION_RATED,
                                                 rating.case_number, variables), rating)
        return JSONResponse(accepted.body(), status_code=accepted.status_code)

    return router
