"""The topics our workers handle, known without any engine: a handler is a plain async function
`(input model, TaskContext, Services) -> output model`, declared once with `@handles`.

`workers.tasks.HANDLERS` lists them explicitly; the runtime turns that list into fetch-and-lock
subscriptions, and the contract tests read each handler's inputs, outputs and BPMN error codes.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, get_type_hints

from workers.models import ProcessVariables

In = TypeVar("In", bound=ProcessVariables)
Out = TypeVar("Out", bound=ProcessVariables)


@dataclass(frozen=True)
class TaskContext:
    """Where a task comes from. `activity_instance_id` stays the same across retries of one task, so it
    (or the case and step) makes an idempotency key."""

    task_id: str
    topic: str
    process_instance_id: str
    activity_id: str
    activity_instance_id: str
    business_key: str | None = None
    retries: int | None = None


@dataclass(frozen=True)
class TaskHandler(Generic[In, Out]):
    topic: str
    input_model: type[In]
    output_model: type[Out]
    errors: tuple[str, ...]  # BPMN error codes the function may raise; any other code is a bug
    function: Callable[[In, TaskContext, Any], Awaitable[Out]]

    @property
    def name(self) -> str:
        return self.function.__name__


def handles(topic: str, errors: tuple[str, ...] = ()) -> Callable[[Callable[[In, TaskContext, Any], Awaitable[Out]]],
                                                                    TaskHandler[In, Out]]:
    """Declare the topic next to the function that does the work; models come from its annotations."""

    def register(function: Callable[[In, TaskContext, Any], Awaitable[Out]]) -> TaskHandler[In, Out]:
        hints = get_type_hints(function)
        parameters = [hint for name, hint in hints.items() if name != "return"]
        return TaskHandler(topic, parameters[0], hints["return"], errors, function)

    return register
