"""Delivery of outbox messages to the engine over its REST API (POST /message).

A start message (ServiceRequestSubmitted, ComplaintSubmitted) hits the process's message start event with the
case number as business key. Before a start is sent again (an earlier try may have landed with its answer
lost), the engine is asked for an instance of that process with that business key (running, then in the
history), so a retry never starts a second instance. A reply is correlated by the waiting element's local
`correlationKey` input parameter.

What is retried: nothing waits yet (MessageNotCorrelated), the engine unreachable, 5xx, and refusals an operator
fixes without touching the message (401/403 account or authorization, 404, 408, 429). Any other 4xx is the
engine refusing this message as it is (bad variables, ...): Refused, no more tries.
"""

from collections.abc import Mapping
from typing import Any, Protocol

from engine_client import EngineError, MessageNotCorrelated, VariableTooLong
from intake.outbox import Kind, OutboxMessage, Refused

RETRIED_STATUSES = frozenset({401, 403, 404, 408, 409, 425, 429})
CORRELATION_KEY = "correlationKey"  # the input parameter each waiting message element declares


class Engine(Protocol):
    """What delivery needs of `engine_client.EngineClient`."""

    async def correlate(
        self, message: str, *, business_key: str | None = None, local_keys: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None, process_instance_id: str | None = None,
    ) -> list[dict[str, Any]]: ...

    async def process_instances(self, **params: Any) -> list[dict[str, Any]]: ...

    async def history_process_instances(self, **params: Any) -> list[dict[str, Any]]: ...


class EngineDelivery:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def __call__(self, message: OutboxMessage) -> None:
        try:
            if message.kind is Kind.START:
                await self.start(message)
            else:
                await self.engine.correlate(message.name, local_keys={CORRELATION_KEY: message.correlation_key},
                                            variables=message.variables)
        except MessageNotCorrelated:
            raise
        except EngineError as error:
            if error.status < 500 and error.status not in RETRIED_STATUSES:
                raise Refused(str(error)) from error
            raise
        except VariableTooLong as error:
            raise Refused(str(error)) from error

    async def start(self, message: OutboxMessage) -> None:
        if message.attempts > 1 and await self.already_started(message):
            return  # an earlier try landed; its answer was lost
        await self.engine.correlate(message.name, business_key=message.business_key, variables=message.variables)

    async def already_started(self, message: OutboxMessage) -> bool:
        """An instance of the message's process with its business key: running (needs READ_INSTANCE on the
        process definition) or already ended (READ_HISTORY). The engine answers a query it may not read with an
        empty list, not a refusal: without READ_HISTORY an instance that ended between the tries goes unseen."""
        query = {"processDefinitionKey": message.process_key}
        if await self.engine.process_instances(businessKey=message.business_key, **query):
            return True
        return bool(await self.engine.history_process_instances(processInstanceBusinessKey=message.business_key,
                                                                **query))
