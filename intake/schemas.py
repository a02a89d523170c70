"""Bodies intake accepts; anything else is refused with a 422 naming the field and the reason."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from domain.register_number import InvalidRegisterNumber, parse_register_number

PHONE = r"^\+976\d{8}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


def valid_register_number(value: str) -> str:
    try:
        return parse_register_number(value).value
    except InvalidRegisterNumber as error:
        raise ValueError(str(error)) from error


RegisterNumber = Annotated[str, AfterValidator(valid_register_number)]


class Applicant(Body):
    register_number: RegisterNumber
    birth_date: date
    phone: str | None = Field(default=None, pattern=PHONE)
    email: str | None = Field(default=None, pattern=EMAIL)


class ServiceRequest(Body):
    request_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    service_code: str
    applicant: Applicant
    service_centre: str = Field(pattern=r"^(capital|aimag):[a-z-]+$")
    delivery_method: Literal["electronic", "in-person"] = "electronic"
    registry_consent: bool


class AgencyDecision(Body):
    case_number: str
    stage: int = Field(ge=1, le=10)
    agency_id: str
    decision: Literal["approve", "reject", "need-info"]
    reason: str = ""
    message_id: str = Field(min_length=1, max_length=128)


class InformationReply(Body):
    case_number: str
    stage: int = Field(ge=1, le=10)
    information: str = Field(min_length=1, max_length=4000)
    message_id: str = Field(min_length=1, max_length=128)


class SatisfactionReply(Body):
    case_number: str
    rating: int = Field(ge=1, le=5)
    message_id: str = Field(min_length=1, max_length=128)


class Forwarding(Body):
    case_number: str
    stage: int = Field(ge=1, le=10)
    agency: str


class WalkInCase(Body):
    case_number: str = Field(min_length=1, max_length=64)
    service_code: str = Field(min_length=1, max_length=64)  # "complaint" for complaints
