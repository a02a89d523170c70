"""forward-to-agency: hand the case to the stage's agency once, and set the stage's SLA points."""

from datetime import UTC, datetime
from typing import Any

from pydantic import Field
from pyzeebe import ZeebeTaskRouter

from workers import services
from workers.handler import JobContext, job_task
from workers.models import ProcessVariables
from workers.tasks.stage import Stage

router = ZeebeTaskRouter()


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


@job_task(router, "forward-to-agency", Forwarding)
async def forward_to_agency(case: Forwarding, _: JobContext) -> Forwarded:
    await services.current().intake.record_forwarding(case.case_number, case.stage.number, case.stage.agency)
    answer = await services.current().agencies.send(
        case.stage.agency, "cases",
        {"caseNumber": case.case_number, "stage": case.stage.number, "serviceCode": case.service_code,
         "applicant": {"registerNumber": case.register_number, "name": case.applicant_name},
         "documents": case.dossier},
        idempotency_key=f"{case.case_number}-{case.stage.number}-forward",
    )
    now = datetime.now(UTC).replace(microsecond=0)
    return Forwarded(
        agency_case_id=str(answer.get("agencyCaseId", "")),
        stage_warning_at=services.current().sla_due(now, case.sla_warning_working_days).isoformat(),
        stage_due_at=services.current().sla_due(now, case.sla_working_days).isoformat(),
    )
