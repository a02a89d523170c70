"""Register a domain function as a pyzeebe task: validate input, bind log context, measure, dump output.

No postponed annotations (PEP 563) in this module: pyzeebe finds the Job parameter by its real annotation.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar, get_type_hints

import structlog
from pydantic import ValidationError
from pyzeebe import Job, ZeebeTaskRouter

from workers.errors import BpmnError, InvalidJobData
from workers.metrics import HANDLER_SECONDS, JOBS_ACTIVATED, JOBS_COMPLETED
from workers.models import ProcessVariables

In = TypeVar("In", bound=ProcessVariables)
Out = TypeVar("Out", bound=ProcessVariables)


@dataclass(frozen=True)
class JobContext:
    """Where the job comes from: keys stay the same across retries, so they make idempotency keys."""

    process_instance_key: int
    element_instance_key: int
    job_key: int


DomainFunction = Callable[[In, JobContext], Awaitable[Out]]

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class TaskContract:
    """What a task type reads, writes and may throw; the contract tests hold the models to it."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    errors: tuple[str, ...]


CONTRACTS: dict[str, TaskContract] = {}


def parse_input(model: type[In], job: Job) -> In:
    try:
        return model.model_validate(job.variables)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise InvalidJobData(f"invalid process variables: {problems}") from error


def job_task(
    router: ZeebeTaskRouter, task_type: str, input_model: type[In], errors: tuple[str, ...] = ()
) -> Callable[[DomainFunction[In, Out]], DomainFunction[In, Out]]:
    """Declare the task type once, next to the function that does the work (timeouts: WorkerSettings).

    `errors` lists the BPMN error codes the function may raise; any other code is a bug, not an outcome.
    """

    def register(function: DomainFunction[In, Out]) -> DomainFunction[In, Out]:
        output_model: type[ProcessVariables] = get_type_hints(function)["return"]
        CONTRACTS[task_type] = TaskContract(
            tuple(input_model.variable_names()), tuple(output_model.variable_names()), errors
        )

        async def handle(job: Job, **_: Any) -> dict[str, Any]:
            structlog.contextvars.bind_contextvars(
                job_key=job.key, process_instance_key=job.process_instance_key,
                element_id=job.element_id, task_type=job.type, retries=job.retries,
            )
            JOBS_ACTIVATED.labels(task_type).inc()
            started = time.perf_counter()
            try:
                context = JobContext(job.process_instance_key, job.element_instance_key, job.key)
                output = await function(parse_input(input_model, job), context)
            except BpmnError as error:
                if error.code not in errors:
                    raise RuntimeError(f"undeclared BPMN error code {error.code}: {error.message}") from error
                raise
            finally:
                HANDLER_SECONDS.labels(task_type).observe(time.perf_counter() - started)
            JOBS_COMPLETED.labels(task_type).inc()
            log.info("job.completed", seconds=round(time.perf_counter() - started, 3))
            return output.to_variables()

        handle.__name__ = function.__name__
        router.task(task_type, variables_to_fetch=input_model.variable_names())(handle)  # type: ignore[arg-type]
        return function

    return register
