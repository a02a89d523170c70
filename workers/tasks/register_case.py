"""register-case: give a walk-in request or complaint its case number (the portal's come from intake)."""

from typing import Literal

from pyzeebe import ZeebeTaskRouter

from workers import services
from workers.errors import InvalidJobData
from workers.handler import JobContext, job_task
from workers.models import ProcessVariables

router = ZeebeTaskRouter()


SERIES_PREFIX = {"service-request": "ESR-W", "complaint": "CMP-W"}  # intake's are ESR-<year>-… and CMP-<year>-…


class WalkIn(ProcessVariables):
    service_code: str | None = None
    case_series: Literal["service-request", "complaint"] = "service-request"


class RegisteredCase(ProcessVariables):
    case_number: str
    channel: str = "service-centre"


@job_task(router, "register-case", WalkIn)
async def register_case(walk_in: WalkIn, job: JobContext) -> RegisteredCase:
    """Derived from the process instance, so a retry gives the same number; intake learns it (idempotently)."""
    case_number = f"{SERIES_PREFIX[walk_in.case_series]}{job.process_instance_key}"
    is_complaint = walk_in.case_series == "complaint"
    service_code = "complaint" if is_complaint else walk_in.service_code
    if service_code is None:
        raise InvalidJobData("a walk-in service request needs serviceCode")
    await services.current().intake.register_walk_in(case_number, service_code)
    return RegisteredCase(case_number=case_number)
