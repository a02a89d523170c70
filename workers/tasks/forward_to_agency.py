"""forward-to-agency: hand the case to the stage's agency once, and set the stage's SLA points."""

from typing import Any

from pydantic import Field

from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services
from workers.tasks.stage import Stage


class Forwarding(ProcessVariables):
    case_number: str
    service_code: str
    register_number: str
    applicant_name: str = ""
    stage: Stage
    dossier: list[dict[str, Any]] = Field(default_factory=list)
    sla_working_days: int
    sla_warning_working_days: int


class Forwarded(ProcessVariables):
    agency_case_id: str
    stage_warning_at: str
    stage_due_at: str


@handles("forward-to-agency")
async def forward_to_agency(case: Forwarding, _context: TaskContext, services: Services) -> Forwarded:
    await services.intake.record_forwarding(case.case_number, case.stage.number, case.stage.agency)
    answer = await services.agencies.send(
        case.stage.agency, "cases",
        {"caseNumber": case.case_number, "stage": case.stage.number, "serviceCode": case.service_code,
         "applicant": {"registerNumber": case.register_number, "name": case.applicant_name},
         "documents": case.dossier},
        idempotency_key=f"{case.case_number}-{case.stage.number}-forward",
    )
    now = services.now()
    return Forwarded(
        agency_case_id=str(answer.get("agencyCaseId", "")),
        stage_warning_at=services.sla_due(now, case.sla_warning_working_days).isoformat(),
        stage_due_at=services.sla_due(now, case.sla_working_days).isoformat(),
    )
