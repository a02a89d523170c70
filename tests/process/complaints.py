"""Drive a complaint from outside, as the portal, the organisations, staff in Tasklist and the citizen would."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from tests.process.harness import BATBOLD, PORTAL_KEY, Citizen, Harness

PROCESS = "ComplaintEscalationProcess"


def complaint_body(kind: str = "complaint", topic: str = "staff-conduct", citizen: Citizen = BATBOLD,
                   **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requestId": f"cmp-{uuid.uuid4().hex[:12]}", "kind": kind, "topic": topic, "channel": "portal",
        "agency": "police", "citizen": {"registerNumber": citizen.register_number, "phone": citizen.phone},
        "text": "Цагдаагийн газрын ажилтан хүсэлтийг минь хүлээж аваагүй.",
    }
    return body | changes


class Complaints:
    def __init__(self, harness: Harness) -> None:
        self.h = harness

    async def submit(self, **body: Any) -> tuple[str, int]:
        response = await self.h.intake.post("/v1/complaints", headers=PORTAL_KEY, json=complaint_body(**body))
        assert response.status_code == 202, response.text
        case = str(response.json()["caseNumber"])
        instance = await self.h.records.wait_for(
            lambda: self.h.records.instance_with("caseNumber", case, PROCESS), f"the instance of {case}")
        return case, instance

    async def complete(self, instance: int, element: str, variables: dict[str, Any]) -> list[str]:
        """Complete the open user task `element` as staff would in Tasklist; its candidate groups."""
        task = await self.h.user_task(instance, element)
        await self.h.api.complete_user_task(task.key, variables)
        await self.h.records.wait_for(
            lambda: all(t.key != task.key for t in self.h.records.open_user_tasks(instance, element)),
            f"{element} to complete")
        return task.candidate_groups

    async def forwarded(self, case: str, number: int) -> str:
        return await self.h.wait_forwarded(case, number)

    async def answer(self, agency: str, case: str, number: int, text: str) -> None:
        await self.h.decide(agency, case, number, "approve", text)

    async def rate(self, case: str, satisfied: bool, reopen: bool = False, round_: int = 1) -> None:
        response = await self.h.intake.post("/v1/complaint-replies/satisfaction", headers=PORTAL_KEY, json={
            "caseNumber": case, "satisfied": satisfied, "reopen": reopen, "comment": "Хариу тодорхой бус байна.",
            "messageId": f"{case}-rating-{round_}"})
        assert response.status_code == 202, response.text

    async def pin_after(self, iso_moment: str) -> None:
        await self.h.api.pin_clock(datetime.fromisoformat(iso_moment) + timedelta(minutes=1))

    async def timer_created(self, instance: int, element: str, count: int = 1) -> None:
        await self.h.records.wait_for(
            lambda: len([r for r in self.h.records.events("TIMER", "CREATED", processInstanceKey=instance)
                         if r["value"]["targetElementId"] == element]) >= count, f"timer {element} #{count}")

    async def reminders(self, case: str) -> list[dict[str, Any]]:
        return [e["body"] for e in await self.h.received("agencies")
                if e["kind"] == "reminder" and e["body"]["caseNumber"] == case]

    async def texts(self, case: str) -> dict[str, str]:
        """The SMS the citizen received about this case, by message id."""
        return {e["messageId"]: str(e["text"]) for e in await self.h.received("sms")
                if e["messageId"].startswith(f"{case}-")}

    async def closed(self, instance: int) -> dict[str, Any]:
        assert await self.h.ended(instance) == "completed"
        assert self.h.records.path(instance)[-1] == "EndEvent_ComplaintClosed"
        return self.h.records.variables(instance)

    def instances_started(self) -> int:
        return len([r for r in self.h.records.events("PROCESS_INSTANCE", "ELEMENT_ACTIVATED", bpmnProcessId=PROCESS)
                    if r["value"]["bpmnElementType"] == "PROCESS"])
