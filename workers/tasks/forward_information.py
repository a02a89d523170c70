"""forward-information: pass the citizen's additional information to the agency that asked for it."""

import hashlib

from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services
from workers.tasks.stage import Stage


class Information(ProcessVariables):
    case_number: str
    stage: Stage
    additional_information: str
    sla_working_days: int
    sla_warning_working_days: int


class InformationForwarded(ProcessVariables):
    """The agency's SLA runs again from the moment it has the information it asked for."""

    stage_warning_at: str
    stage_due_at: str


@handles("forward-information")
async def forward_information(info: Information, _context: TaskContext, services: Services) -> InformationForwarded:
    digest = hashlib.sha256(info.additional_information.encode()).hexdigest()[:12]
    await services.agencies.send(
        info.stage.agency, f"cases/{info.case_number}/information",
        {"caseNumber": info.case_number, "stage": info.stage.number, "information": info.additional_information},
        idempotency_key=f"{info.case_number}-{info.stage.number}-information-{digest}",
    )
    now = services.now()
    return InformationForwarded(
        stage_warning_at=services.sla_due(now, info.sla_warning_working_days).isoformat(),
        stage_due_at=services.sla_due(now, info.sla_working_days).isoformat(),
    )
