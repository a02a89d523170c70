"""The smoke process's one service task, registered only in tests."""

from pyzeebe import ZeebeTaskRouter

from workers.handler import JobContext, job_task
from workers.models import ProcessVariables

router = ZeebeTaskRouter()


class GreetingRequest(ProcessVariables):
    name: str


class Greeting(ProcessVariables):
    greeting: str


@job_task(router, "smoke-prepare-greeting", GreetingRequest)
async def prepare_greeting(request: GreetingRequest, _: JobContext) -> Greeting:
    if request.name == "FAIL":
        raise RuntimeError("greeting service exploded")
    return Greeting(greeting=f"Сайн байна уу, {request.name}!")
