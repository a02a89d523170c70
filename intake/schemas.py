"""Bodies intake accepts; anything else is refused with a 422 naming the field and the reason (never the value).
Every text field has one of the types of intake/text.py; unknown fields are refused."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt
from pydantic.alias_generators import to_camel

from intake.text import (
    CaseNumber,
    Code,
    Email,
    InformationText,
    MessageId,
    Organisation,
    Phone,
    Reason,
    RegisterNumber,
    RequestId,
    ServiceCentre,
)


class Body(BaseModel):
    """Numbers and yes/no answers are JSON numbers and booleans, not text ("1", "true" are refused)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class Applicant(Body):
    register_number: RegisterNumber
    birth_date: date
    phone: Phone | None = None
    email: Email | None = None


class ServiceRequest(Body):
    request_id: RequestId
    service_code: Code
    applicant: Applicant
    service_centre: ServiceCentre
    delivery_method: Literal["electronic", "in-person"] = "electronic"
    registry_consent: StrictBool


class AgencyDecision(Body):
    case_number: CaseNumber
    stage: StrictInt = Field(ge=1, le=10)
    agency_id: Organisation
    decision: Literal["approve", "reject", "need-info"]
    reason: Reason = ""
    message_id: MessageId


class InformationReply(Body):
    case_number: CaseNumber
    stage: StrictInt = Field(ge=1, le=10)
    information: InformationText
    message_id: MessageId


class SatisfactionReply(Body):
    case_number: CaseNumber
    rating: StrictInt = Field(ge=1, le=5)
    message_id: MessageId


class Forwarding(Body):
    case_number: CaseNumber
    stage: StrictInt = Field(ge=1, le=10)
    agency: Organisation


class WalkInCase(Body):
    case_number: CaseNumber
    service_code: Code  # "complaint" for complaints
