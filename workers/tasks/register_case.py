"""register-case: give a walk-in request its case number (the portal's come from intake)."""

from pyzeebe import ZeebeTaskRouter

from workers.handler import JobContext, job_task
from workers.models import ProcessVariables

router = ZeebeTaskRouter()


class WalkIn(ProcessVariables):
    service_code: str


class RegisteredCase(ProcessVariables):
    case_number: str
    channel: str = "service-centre"


@job_task(router, "register-case", WalkIn)
async def register_case(_: WalkIn, job: JobContext) -> RegisteredCase:
    """Derived from the process instance, so a retry gives the same number."""
    return RegisteredCase(case_number=f"ESR-W{job.process_instance_key}")
