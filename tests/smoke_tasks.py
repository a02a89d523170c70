"""The smoke process's one service task, registered only in tests."""

from typing import Any

from workers.models import ProcessVariables
from workers.registry import TaskContext, TaskHandler, handles
from workers.services import Services


class GreetingRequest(ProcessVariables):
    name: str


class Greeting(ProcessVariables):
    greeting: str


@handles("smoke-prepare-greeting")
async def prepare_greeting(request: GreetingRequest, _context: TaskContext, _services: Services) -> Greeting:
    if request.name == "FAIL":
        raise RuntimeError("greeting service exploded")
    return Greeting(greeting=f"Сайн байна уу, {request.name}!")


SMOKE_HANDLERS: list[TaskHandler[Any, Any]] = [prepare_greeting]
