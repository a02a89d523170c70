"""Drive a public service request from outside, as the portal, agencies and staff would, and look at
what the external systems received."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx

from engine_client import EngineClient
from tests.history import History, Timer, UserTask
from tests.polling import eventually

T = TypeVar("T")
PROCESS = "PublicServiceRequestProcess"
PORTAL_KEY = {"X-Api-Key": "sandbox-portal-key"}
OPERATIONS_KEY = {"X-Api-Key": "sandbox-operations-key"}
OUTBOX_STATES = ("pending", "delivered", "expired", "failed")


@dataclass(frozen=True)
class Citizen:
    register_number: str
    birth_date: str
    phone: str
    service_centre: str


BATBOLD = Citizen("УБ99051212", "1999-05-12", "+97699112233", "capital:bayanzurkh")
SARANTUYA = Citizen("ЧЕ75030442", "1975-03-04", "+97688551122", "aimag:orkhon")
UNKNOWN_PERSON = Citizen("ЖЖ90010150", "1990-01-01", "+97699000000", "capital:chingeltei")


class Harness:
    def __init__(self, api: EngineClient, history: History, sandbox_url: str, intake_url: str) -> None:
        self.api, self.history = api, history
        # uvicorn closes a connection idle for 5 s, httpx reuses one idle for up to 5 s: a request can meet the
        # close (ReadError). Dropping idle connections after 1 s leaves no such race.
        brief = httpx.Limits(keepalive_expiry=1.0)
        self.sandbox = httpx.AsyncClient(base_url=sandbox_url, timeout=10, limits=brief)
        self.intake = httpx.AsyncClient(base_url=intake_url, timeout=10, limits=brief)

    async def close(self) -> None:
        await self.sandbox.aclose()
        await self.intake.aclose()

    # portal and citizen, through intake
    def request_body(self, service_code: str, citizen: Citizen, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "requestId": f"req-{uuid.uuid4().hex[:12]}", "serviceCode": service_code,
            "applicant": {"registerNumber": citizen.register_number, "birthDate": citizen.birth_date,
                          "phone": citizen.phone},
            "serviceCentre": citizen.service_centre, "deliveryMethod": "electronic", "registryConsent": True,
        }
        return body | changes

    async def submit(self, service_code: str, citizen: Citizen, **changes: Any) -> tuple[str, str]:
        response = await self.intake.post("/v1/service-requests", headers=PORTAL_KEY,
                                          json=self.request_body(service_code, citizen, **changes))
        assert response.status_code == 202, response.text
        case = str(response.json()["caseNumber"])
        return case, await self.instance_of(case, PROCESS)

    async def instance_of(self, case: str, process: str) -> str:
        return await self.history.wait_for(lambda: self.history.instance_with("caseNumber", case, process),
                                           f"the {process} instance of {case}")

    async def rate(self, case: str, rating: int = 5) -> None:
        response = await self.intake.post("/v1/citizen-replies/satisfaction", headers=PORTAL_KEY,
                                          json={"caseNumber": case, "rating": rating, "messageId": f"{case}-rating"})
        assert response.status_code == 202, response.text

    async def reply_information(self, case: str, stage: int, information: str) -> None:
        response = await self.intake.post("/v1/citizen-replies/information", headers=PORTAL_KEY, json={
            "caseNumber": case, "stage": stage, "information": information, "messageId": f"{case}-info-{stage}"})
        assert response.status_code == 202, response.text

    # agencies, through the sandbox
    async def cases_at_agencies(self, case: str, kind: str = "case") -> list[tuple[str, int]]:
        received = (await self.sandbox.get("/control/agencies/received")).json()["received"]
        return [(e["agencyId"], e["body"]["stage"]) for e in received
                if e["kind"] == kind and e["body"]["caseNumber"] == case]

    async def wait_forwarded(self, case: str, stage: int) -> str:
        async def forwarded() -> str | None:
            found = [agency for agency, s in await self.cases_at_agencies(case) if s == stage]
            return found[0] if found else None

        return await self.poll(forwarded, f"stage {stage} of {case} at an agency")

    async def decide(self, agency: str, case: str, stage: int, decision: str, reason: str = "") -> None:
        response = await self.sandbox.post(f"/control/agencies/{agency}/cases/{case}/decide",
                                           json={"stage": stage, "decision": decision, "reason": reason})
        assert response.status_code == 202, response.text

    async def fault(self, system: str, **fault: Any) -> None:
        (await self.sandbox.put(f"/control/faults/{system}", json=fault)).raise_for_status()

    async def clear_faults(self) -> None:
        (await self.sandbox.delete("/control/faults")).raise_for_status()

    async def received(self, system: str) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = (await self.sandbox.get(f"/control/{system}/received")).json()["received"]
        return entries

    async def sms_ids(self, case: str) -> list[str]:
        return [e["messageId"] for e in await self.received("sms") if e["messageId"].startswith(f"{case}-")]

    async def sms_text(self, message_id: str) -> str:
        return next(str(e["text"]) for e in await self.received("sms") if e["messageId"] == message_id)

    # the engine
    async def start(self, process: str, variables: dict[str, Any]) -> str:
        """Start at the none start event, as staff do from Tasklist's start form."""
        return str((await self.api.start(process, variables))["id"])

    async def path(self, instance: str) -> list[str]:
        return await self.history.path(instance)

    async def variables(self, instance: str) -> dict[str, Any]:
        return await self.history.variables(instance)

    async def reached(self, instance: str, element: str) -> list[str]:
        """Wait until `element` has completed in the instance; the path so far."""
        async def done() -> list[str] | None:
            path = await self.history.path(instance)
            return path if element in path else None

        return await self.history.wait_for(done, f"{element} to complete")

    async def ended(self, instance: str) -> str:
        return await self.history.wait_for(lambda: self.history.ended(instance), "the instance to end")

    async def user_task(self, instance: str, element: str) -> UserTask:
        tasks = await self.history.wait_for(lambda: self.history.open_user_tasks(instance, element), element)
        return tasks[0]

    async def complete_task(self, instance: str, element: str, variables: dict[str, Any]) -> UserTask:
        """Complete the open user task `element` as staff would in Tasklist; the task."""
        task = await self.user_task(instance, element)
        await self.api.complete_task(task.id, variables)
        return task

    async def timer(self, instance: str, element: str) -> Timer:
        timers = await self.history.wait_for(lambda: self.history.timers(instance, element), f"timer {element}")
        return timers[0]

    async def fire(self, instance: str, element: str) -> Timer:
        """Fire the timer of `element` now (its due date is left for the caller to assert)."""
        timer = await self.timer(instance, element)
        await self.api.execute_job(timer.id)
        return timer

    async def poll(self, probe: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 30) -> T:
        return await eventually(probe, what, timeout_s)

    # added for the public service and document tests
    async def walk_in(self, service_code: str, citizen: Citizen,
                      delivery_method: str = "electronic") -> tuple[str, str]:
        """A request registered at a service centre (the none start event, as from Tasklist's start form): no
        business key; its case number (ESR-W<instance id>) and instance once register-case gave it."""
        instance = await self.start(PROCESS, {
            "serviceCode": service_code, "registerNumber": citizen.register_number, "birthDate": citizen.birth_date,
            "phone": citizen.phone, "serviceCentre": citizen.service_centre, "deliveryMethod": delivery_method})
        await self.reached(instance, "Task_RegisterWalkInCase")
        return str((await self.variables(instance))["caseNumber"]), instance

    async def outbox(self, message: str, correlation_key: str | None = None) -> list[dict[str, Any]]:
        """What intake accepted for the engine (any state), as operations see it: messages named `message`,
        with that correlation key (or business key, for a start) when given."""
        found: list[dict[str, Any]] = []
        for status in OUTBOX_STATES:
            listing = (await self.intake.get("/internal/outbox", params={"status": status, "limit": 1000},
                                             headers=OPERATIONS_KEY)).json()
            assert listing["count"] <= 1000, "the listing would leave messages out"
            found += [m for m in listing["messages"] if m["messageName"] == message and correlation_key in (
                None, m["correlationKey"] or m["businessKey"])]
        return found

    async def delivered(self, message: str, correlation_key: str) -> list[dict[str, Any]]:
        """Wait until intake has recorded every stored `message` with that key as delivered (it records it just
        after the engine took it); those messages."""
        async def all_delivered() -> list[dict[str, Any]] | None:
            found = await self.outbox(message, correlation_key)
            return found if found and all(m["status"] == "delivered" for m in found) else None

        return await self.poll(all_delivered, f"{message} {correlation_key} to be delivered")

    async def started_at(self, instance: str, element: str) -> datetime:
        """When the last instance of `element` started (engine time)."""
        started = [a["startTime"] for a in await self.history.activities(instance) if a["activityId"] == element]
        assert started, f"{element} never started"
        return datetime.fromisoformat(max(started))

    async def fire_due(self, instance: str, element: str, due: datetime,
                       within: timedelta = timedelta(0)) -> Timer:
        """Fire the timer of `element` once its due date is `due` (give or take `within`): the due date the
        engine computed is checked before the time is skipped."""
        timer = await self.timer(instance, element)
        assert abs(datetime.fromisoformat(timer.due) - due) <= within, (
            f"{element} is due {timer.due}, expected {due.isoformat()}")
        await self.api.execute_job(timer.id)
        return timer
