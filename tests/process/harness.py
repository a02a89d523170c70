"""Drive a public service request from outside, as the portal, agencies and staff would, and look at
what the external systems received."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from engine.api import CamundaApi
from engine.records import RecordLog, UserTask
from tests.polling import eventually

T = TypeVar("T")
PROCESS = "PublicServiceRequestProcess"
PORTAL_KEY = {"X-Api-Key": "sandbox-portal-key"}


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
    def __init__(self, api: CamundaApi, records: RecordLog, sandbox_url: str, intake_url: str) -> None:
        self.api, self.records = api, records
        self.sandbox = httpx.AsyncClient(base_url=sandbox_url, timeout=10)
        self.intake = httpx.AsyncClient(base_url=intake_url, timeout=10)

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

    async def submit(self, service_code: str, citizen: Citizen, **changes: Any) -> tuple[str, int]:
        response = await self.intake.post("/v1/service-requests", headers=PORTAL_KEY,
                                          json=self.request_body(service_code, citizen, **changes))
        assert response.status_code == 202, response.text
        case = str(response.json()["caseNumber"])
        instance = await self.records.wait_for(lambda: self.records.instance_with("caseNumber", case, PROCESS),
                                               f"the instance of {case}")
        return case, instance

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
    async def reached(self, instance: int, element: str) -> None:
        await self.records.wait_for(lambda: element in self.records.path(instance), f"{element} to complete")

    async def ended(self, instance: int) -> str:
        return await self.records.wait_for(lambda: self.records.ended(instance), "the instance to end")

    async def user_task(self, instance: int, element: str) -> UserTask:
        tasks = await self.records.wait_for(lambda: self.records.open_user_tasks(instance, element), element)
        return tasks[0]

    async def poll(self, probe: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 30) -> T:
        return await eventually(probe, what, timeout_s)
