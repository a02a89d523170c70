"""Drive a complaint from outside, as the portal, the organisations, staff in Tasklist and the citizen would;
its timers are fired with the job API once their due date is checked."""

import uuid
from datetime import datetime
from typing import Any

from tests.history import Timer
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


def moment(text: str) -> datetime:
    """An ISO moment from a variable or the REST API (`2026-12-29T00:00:00.000+0800`), zone kept."""
    return datetime.fromisoformat(text)


class Complaints:
    def __init__(self, harness: Harness) -> None:
        self.h = harness

    async def submit(self, **body: Any) -> tuple[str, str]:
        response = await self.h.intake.post("/v1/complaints", headers=PORTAL_KEY, json=complaint_body(**body))
        assert response.status_code == 202, response.text
        case = str(response.json()["caseNumber"])
        return case, await self.h.instance_of(case, PROCESS)

    async def complete(self, instance: str, element: str, variables: dict[str, Any]) -> list[str]:
        """Complete the open user task `element` as staff would in Tasklist; its candidate groups."""
        return (await self.h.complete_task(instance, element, variables)).candidate_groups

    async def forwarded(self, case: str, number: int) -> str:
        return await self.h.wait_forwarded(case, number)

    async def answer(self, agency: str, case: str, number: int, text: str) -> None:
        await self.h.decide(agency, case, number, "approve", text)

    async def rate(self, case: str, satisfied: bool, reopen: bool = False, round_: int = 1) -> None:
        response = await self.h.intake.post("/v1/complaint-replies/satisfaction", headers=PORTAL_KEY, json={
            "caseNumber": case, "satisfied": satisfied, "reopen": reopen, "comment": "Хариу тодорхой бус байна.",
            "messageId": f"{case}-rating-{round_}"})
        assert response.status_code == 202, response.text

    async def timer_due(self, instance: str, element: str, due: str | datetime) -> Timer:
        """Wait for the timer of `element` and check the engine computed the due date the process set."""
        timer = await self.h.timer(instance, element)
        expected = moment(due) if isinstance(due, str) else due
        assert moment(timer.due) == expected, f"{element} is due {timer.due}, expected {expected.isoformat()}"
        return timer

    async def fire(self, instance: str, element: str, due: str | datetime) -> None:
        """Fire the timer of `element` now, once its due date is what the process computed."""
        timer = await self.timer_due(instance, element, due)
        await self.h.api.execute_job(timer.id)

    async def count(self, instance: str, element: str, times: int) -> list[str]:
        """Wait until `element` has completed `times` times; the path so far."""
        async def done() -> list[str] | None:
            path = await self.h.path(instance)
            return path if path.count(element) >= times else None

        return await self.h.history.wait_for(done, f"{element} to complete {times} time(s)")

    async def started_at(self, instance: str, element: str) -> datetime:
        """When the last instance of `element` started (engine time)."""
        started = [a["startTime"] for a in await self.h.history.activities(instance) if a["activityId"] == element]
        assert started, f"{element} never started"
        return moment(max(started))

    async def reminders(self, case: str) -> list[dict[str, Any]]:
        return [e["body"] for e in await self.h.received("agencies")
                if e["kind"] == "reminder" and e["body"]["caseNumber"] == case]

    async def texts(self, case: str) -> dict[str, str]:
        """The SMS the citizen received about this case, by message id."""
        return {e["messageId"]: str(e["text"]) for e in await self.h.received("sms")
                if e["messageId"].startswith(f"{case}-")}

    async def closed(self, instance: str) -> dict[str, Any]:
        assert await self.h.ended(instance) == "completed"
        assert (await self.h.path(instance))[-1] == "EndEvent_ComplaintClosed"
        return await self.h.variables(instance)

    async def instances(self) -> dict[str, str | None]:
        """Every instance of the process the engine ever started: id -> business key."""
        found = await self.h.api.history_process_instances(processDefinitionKey=PROCESS)
        return {str(i["id"]): i.get("businessKey") for i in found}
