"""One exception handler for every task: BPMN error, fail fast, or retry with backoff."""

from collections import OrderedDict

import structlog
from pyzeebe import Job, JobController

from workers.errors import BpmnError, InvalidJobData
from workers.metrics import BPMN_ERRORS, JOBS_FAILED
from workers.settings import WorkerSettings

log = structlog.get_logger(__name__)


class AttemptCounter:
    """Failures per job key seen by this process (a job keeps its key across retries)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._counts: OrderedDict[int, int] = OrderedDict()
        self._capacity = capacity

    def next(self, job_key: int) -> int:
        count = self._counts.pop(job_key, 0) + 1
        self._counts[job_key] = count
        while len(self._counts) > self._capacity:
            self._counts.popitem(last=False)
        return count


def backoff_ms(attempt: int, base_ms: int, max_ms: int) -> int:
    return int(min(max_ms, base_ms * 2 ** (attempt - 1)))


class FailureHandler:
    def __init__(self, settings: WorkerSettings) -> None:
        self._settings = settings
        self._attempts = AttemptCounter()

    async def __call__(self, error: Exception, job: Job, controller: JobController) -> None:
        if isinstance(error, BpmnError):
            BPMN_ERRORS.labels(job.type, error.code).inc()
            log.info("job.bpmn_error", code=error.code, reason=error.message)
            await controller.set_error_status(error.message, error_code=error.code, variables=error.variables)
        elif isinstance(error, InvalidJobData):
            JOBS_FAILED.labels(job.type, "invalid").inc()
            message = f"{job.type}: {error} (will not be retried; fix the variables, then retry the incident)"
            log.error("job.invalid_data", reason=str(error))
            await fail_without_retries(controller, job, message)
        else:
            JOBS_FAILED.labels(job.type, "transient").inc()
            delay = backoff_ms(self._attempts.next(job.key), self._settings.backoff_base_ms,
                               self._settings.backoff_max_ms)
            message = f"{job.type}: {type(error).__name__}: {error}"
            log.warning("job.failed", reason=message, retries_left=job.retries - 1, backoff_ms=delay)
            await controller.set_failure_status(message, retry_back_off_ms=delay)


async def fail_without_retries(controller: JobController, job: Job, message: str) -> None:
    """Fail straight into an incident: pyzeebe only offers retries-1, so call its adapter directly."""
    adapter = controller._zeebe_adapter
    await adapter.fail_job(job_key=job.key, retries=0, message=message, retry_back_off_ms=0, variables={})
