"""Fakes of the external systems, handed to handlers through `Services` as the real clients are.

Each records its calls; none does I/O. Receivers' own duplicate dropping is not faked: a test sees every call
a handler makes, repeats included.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from catalog import load_catalog, load_complaint_rules
from engine_client import to_engine
from workers.registry import TaskContext, TaskHandler
from workers.runtime import parse_input
from workers.services import Services

TEST_CATALOG = Path(__file__).resolve().parents[1] / "resources" / "catalog"
NOW = datetime(2027, 3, 15, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Ulaanbaatar, in a week without holidays


@dataclass
class FakeRegistry:
    """XYP: records by (service code, register number); `fault` is raised instead of answering."""

    records: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    fault: Exception | None = None
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    async def fetch(self, service_code: str, register_number: str, request_id: str) -> dict[str, Any] | None:
        self.calls.append((service_code, register_number, request_id))
        if self.fault is not None:
            raise self.fault
        return self.records.get((service_code, register_number))


@dataclass(frozen=True)
class Sent:
    agency: str
    path: str
    payload: dict[str, Any]
    idempotency_key: str


@dataclass
class FakeAgencies:
    answer: dict[str, Any] = field(default_factory=lambda: {"accepted": True, "agencyCaseId": "AG-7"})
    sent: list[Sent] = field(default_factory=list)

    async def send(self, agency: str, path: str, payload: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        self.sent.append(Sent(agency, path, payload, idempotency_key))
        return self.answer


@dataclass(frozen=True)
class Message:
    channel: str
    to: str
    title: str
    text: str
    message_id: str


@dataclass
class FakeNotifier:
    messages: list[Message] = field(default_factory=list)

    async def sms(self, phone: str, text: str, message_id: str) -> None:
        self.messages.append(Message("sms", phone, "", text, message_id))

    async def inbox(self, register_number: str, title: str, body: str, message_id: str) -> None:
        self.messages.append(Message("inbox", register_number, title, body, message_id))

    async def email(self, to: str, subject: str, body: str, message_id: str) -> None:
        self.messages.append(Message("email", to, subject, body, message_id))


@dataclass
class FakeIntake:
    forwardings: list[tuple[str, int, str]] = field(default_factory=list)
    walk_ins: list[tuple[str, str]] = field(default_factory=list)

    async def record_forwarding(self, case_number: str, stage: int, agency: str) -> None:
        self.forwardings.append((case_number, stage, agency))

    async def register_walk_in(self, case_number: str, service_code: str) -> None:
        self.walk_ins.append((case_number, service_code))


@dataclass
class Fakes:
    """The fakes behind one `Services`, kept at hand for assertions."""

    xyp: FakeRegistry
    agencies: FakeAgencies
    notifier: FakeNotifier
    intake: FakeIntake
    services: Services


def fake_services(http: httpx.AsyncClient, clock: Callable[[], datetime] = lambda: NOW) -> Fakes:
    xyp, agencies, notifier, intake = FakeRegistry(), FakeAgencies(), FakeNotifier(), FakeIntake()
    services = Services(
        catalog=load_catalog(TEST_CATALOG), complaint_rules=load_complaint_rules(), xyp=xyp, agencies=agencies,
        notifier=notifier, intake=intake, http=http, clock=clock,
    )
    return Fakes(xyp, agencies, notifier, intake, services)


def context(topic: str, process_instance_id: str = "pi-1", activity_instance_id: str = "ai-1") -> TaskContext:
    return TaskContext(task_id="task-1", topic=topic, process_instance_id=process_instance_id,
                       activity_id="Task_Under_Test", activity_instance_id=activity_instance_id, retries=None)


async def run(handler: TaskHandler[Any, Any], variables: dict[str, Any], services: Services,
              task: TaskContext | None = None) -> dict[str, Any]:
    """Run a handler as the runtime does: the variables as the engine hands them over (lists and objects as
    JSON text in String variables), and the output as the engine would store it (checked to be primitives)."""
    typed = to_engine(variables)
    output = await handler.function(parse_input(handler, typed), task or context(handler.topic), services)
    written = to_engine(output.to_variables())
    assert {v["type"] for v in written.values()} <= {"String", "Boolean", "Integer", "Long", "Double", "Null"}
    result: dict[str, Any] = output.to_variables()
    return result
