"""forward-complaint: hand a complaint to the authorised organisation, once per forwarding.

The service stages' forward-to-agency does not fit: it needs a service code and a catalogue stage, sends a
dossier, and sets the stage's SLA from the agency's working-day norm, while a complaint carries its text and
answers to the legal deadline compute-deadline set. The answer path is the same: intake is told where the
forwarding went, the organisation answers on /v1/agency-decisions, and the AgencyDecision message is
correlated by case number and forwarding number. A re-forward is a new forwarding (number + 1) and so a new
idempotency key; a retry of the same task keeps its number and is dropped by the organisation as a repeat.
"""

from workers.errors import InvalidJobData
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services


class ComplaintForwarding(ProcessVariables):
    case_number: str
    forward_to: str | None = None
    forwarding_count: int = 0
    kind: str
    topic: str
    complaint_text: str
    register_number: str
    citizen_name: str | None = None
    related_case_number: str | None = None
    due_date: str
    answer_due_at: str


class ComplaintForwarded(ProcessVariables):
    forwarding_count: int
    forwarded_to: str
    forwarded_to_name: str
    agency_case_id: str


@handles("forward-complaint")
async def forward_complaint(case: ComplaintForwarding, _context: TaskContext, services: Services) -> ComplaintForwarded:
    agencies = services.catalog.agencies
    if case.forward_to not in agencies:
        raise InvalidJobData(f"forwardTo {case.forward_to!r} is not a catalogue agency ({', '.join(agencies)})")
    number = case.forwarding_count + 1
    await services.intake.record_forwarding(case.case_number, number, case.forward_to)
    answer = await services.agencies.send(
        case.forward_to, "cases",
        {"caseNumber": case.case_number, "stage": number, "serviceCode": f"complaint:{case.kind}",
         "applicant": {"registerNumber": case.register_number, "name": case.citizen_name or ""},
         "complaint": {"kind": case.kind, "topic": case.topic, "text": case.complaint_text,
                       "relatedCaseNumber": case.related_case_number, "dueDate": case.due_date,
                       "answerDueAt": case.answer_due_at}},
        idempotency_key=f"{case.case_number}-{number}-forward",
    )
    return ComplaintForwarded(
        forwarding_count=number, forwarded_to=case.forward_to, forwarded_to_name=agencies[case.forward_to].name_mn,
        agency_case_id=str(answer.get("agencyCaseId", "")),
    )
