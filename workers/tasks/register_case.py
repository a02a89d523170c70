"""register-case: give a walk-in request or complaint its case number (the portal's come from intake)."""

from typing import Literal

from workers.errors import InvalidJobData
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services

SERIES_PREFIX = {"service-request": "ESR-W", "complaint": "CMP-W"}  # intake's are ESR-<year>-… and CMP-<year>-…


class WalkIn(ProcessVariables):
    service_code: str | None = None
    case_series: Literal["service-request", "complaint"] = "service-request"


class RegisteredCase(ProcessVariables):
    case_number: str
    channel: str = "service-centre"


@handles("register-case")
async def register_case(walk_in: WalkIn, context: TaskContext, services: Services) -> RegisteredCase:
    """Derived from the process instance, so a retry gives the same number; intake learns it (idempotently)."""
    case_number = f"{SERIES_PREFIX[walk_in.case_series]}{context.process_instance_id}"
    is_complaint = walk_in.case_series == "complaint"
    service_code = "complaint" if is_complaint else walk_in.service_code
    if service_code is None:
        raise InvalidJobData("a walk-in service request needs serviceCode")
    await services.intake.register_walk_in(case_number, service_code)
    return RegisteredCase(case_number=case_number)
