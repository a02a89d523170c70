"""verify-identity: register number format and birth date, then the state registry (XYP WS100101)."""

from datetime import date

from domain.register_number import InvalidRegisterNumber, parse_register_number
from workers.errors import BpmnError
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services

ID_CARD = "WS100101"
MISMATCH, NOT_FOUND = "IDENTITY_MISMATCH", "PERSON_NOT_FOUND"


class Applicant(ProcessVariables):
    case_number: str
    register_number: str
    birth_date: date


class VerifiedIdentity(ProcessVariables):
    identity_verified: bool
    applicant_name: str
    sex: str


def rejected(code: str, reason_mn: str, reason_en: str) -> BpmnError:
    return BpmnError(code, reason_en, {"rejectionReason": reason_mn})


@handles("verify-identity", errors=(MISMATCH, NOT_FOUND))
async def verify_identity(applicant: Applicant, _context: TaskContext, services: Services) -> VerifiedIdentity:
    try:
        number = parse_register_number(applicant.register_number)
    except InvalidRegisterNumber as error:
        raise rejected(MISMATCH, error.reason_mn, str(error)) from error
    if number.birth_date != applicant.birth_date:
        raise rejected(MISMATCH, "Төрсөн огноо регистрийн дугаартай тохирохгүй байна.",
                       "birth date does not match the register number")
    record = await services.xyp.fetch(ID_CARD, number.value, f"{applicant.case_number}-{ID_CARD}")
    if record is None:
        raise rejected(NOT_FOUND, "Улсын бүртгэлд энэ регистрийн дугаартай иргэн бүртгэлгүй байна.",
                       "the state registry holds no person with this register number")
    if record.get("birthDate") != applicant.birth_date.isoformat():
        raise rejected(MISMATCH, "Төрсөн огноо улсын бүртгэлийн мэдээлэлтэй тохирохгүй байна.",
                       "birth date differs from the state registry")
    name = " ".join(part for part in (record.get("surname"), record.get("givenName")) if part)
    return VerifiedIdentity(identity_verified=True, applicant_name=name, sex=number.sex)
