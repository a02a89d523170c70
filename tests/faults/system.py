"""The fault suite's own system: an engine on H2, and the sandbox, intake and workers each in a process of its
own (bench/stack.py), so that a test can kill any of them with SIGKILL and start it again on the same data.

What a test reads back is what the outside world saw: the sandbox's journal (each SMS, inbox message and
forwarding it accepted, and each repeat it dropped by message id or Idempotency-Key), the engine's history, and
the workers' metrics."""

import asyncio
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from bench import stack
from bench.end_to_end import REFERENCE, SINGLE_STAGE, applicants
from engine import launcher
from engine.settings import EngineSettings
from engine_client import EngineClient
from local_stack import PORTAL_KEY
from tests.polling import eventually

PROCESS = "PublicServiceRequestProcess"
MESSAGE_ID = re.compile(r"^([A-Z]+-\d{4}-\d{6})-(.+)$")
PORTAL = {"X-Api-Key": PORTAL_KEY}
OPERATIONS = {"X-Api-Key": "sandbox-operations-key"}
# Which notifications each service sends its citizen, by the status part of their message id <case>-<status>.
NOTIFIED = {REFERENCE: {"received", "completed"},
            SINGLE_STAGE: {"received", "forwarded-1", "completed"}}

# Quick retries, so that a fault costs seconds: task backoff, engine polling, intake's outbox, and locks short
# enough (twice the HTTP timeout) that a task locked by a killed worker is fetched again within seconds.
QUICK = {
    "WORKERS_BACKOFF_BASE_MS": "200", "WORKERS_BACKOFF_MAX_MS": "2000", "WORKERS_LONG_POLL_MS": "2000",
    "WORKERS_POLL_RETRY_BASE_MS": "200", "WORKERS_POLL_RETRY_MAX_MS": "1000",
    "WORKERS_HTTP_TIMEOUT_S": "4", "WORKERS_LOCK_DURATION_MS": "8000",
    "INTAKE_OUTBOX__BACKOFF_MAX": "PT2S", "INTAKE_OUTBOX__LEASE": "PT20S",
    "SANDBOX_AGENCY_DELAY_SECONDS": "0.3", "SANDBOX_CALLBACK_BACKOFF_SECONDS": "0.5",
}


@dataclass(frozen=True)
class Request:
    case: str
    service: str


class FaultSystem:
    def __init__(self, engine: EngineSettings, processes: stack.Stack, api: EngineClient) -> None:
        self.engine, self.processes, self.api = engine, processes, api
        limits = httpx.Limits(keepalive_expiry=1.0)  # see tests/process/harness.py
        self.sandbox = httpx.AsyncClient(base_url=processes.sandbox_url, timeout=15, limits=limits)
        self.intake = httpx.AsyncClient(base_url=processes.intake_url, timeout=30, limits=limits)
        self.citizens = applicants()

    async def close(self) -> None:
        await self.sandbox.aclose()
        await self.intake.aclose()

    # faults
    async def kill_engine(self) -> None:
        assert await asyncio.to_thread(launcher.down, self.engine, True), "no engine of ours was running"

    async def restart_engine(self) -> float:
        result = await launcher.up(self.engine)
        assert result.started
        return result.seconds

    async def kill(self, component: str) -> None:
        await asyncio.to_thread(self.processes.kill, component)

    async def restart(self, component: str) -> None:
        await asyncio.to_thread(self.processes.launch, component)

    async def fault(self, system: str, **fault: Any) -> None:
        (await self.sandbox.put(f"/control/faults/{system}", json=fault)).raise_for_status()

    async def clear_faults(self) -> None:
        (await self.sandbox.delete("/control/faults")).raise_for_status()
        (await self.sandbox.delete("/control/agencies")).raise_for_status()

    # the portal and the citizen, through intake
    async def submit(self, service: str, number: int) -> Request:
        body = {"requestId": f"fault-{uuid.uuid4().hex[:16]}", "serviceCode": service,
                "applicant": self.citizens[number % len(self.citizens)], "serviceCentre": "capital:bayanzurkh",
                "deliveryMethod": "electronic", "registryConsent": True}
        response = await self.intake.post("/v1/service-requests", headers=PORTAL, json=body)
        assert response.status_code == 202, response.text
        return Request(str(response.json()["caseNumber"]), service)

    async def submit_at_rate(self, count: int, per_second: float, first: int = 0) -> list[Request]:
        """`count` requests, references and single-stage services in turn, at a steady rate."""
        began = time.monotonic()
        pending = []
        for n in range(first, first + count):
            await asyncio.sleep(max(0.0, began + (n - first) / per_second - time.monotonic()))
            pending.append(asyncio.create_task(self.submit((REFERENCE, SINGLE_STAGE)[n % 2], n)))
        return list(await asyncio.gather(*pending))

    async def rate(self, case: str) -> None:
        response = await self.intake.post("/v1/citizen-replies/satisfaction", headers=PORTAL,
                                          json={"caseNumber": case, "rating": 5, "messageId": f"{case}-rating"})
        assert response.status_code in (200, 202), response.text

    # what the outside world saw
    async def journal(self, system: str) -> dict[str, Any]:
        answer: dict[str, Any] = (await self.sandbox.get(f"/control/{system}/received")).json()
        return answer

    async def notified(self, requests: Iterable[Request]) -> dict[str, Counter[str]]:
        """Per case: how many SMS of each status the citizen received."""
        cases = {r.case for r in requests}
        received: dict[str, Counter[str]] = {case: Counter() for case in cases}
        for sms in (await self.journal("sms"))["received"]:
            case, status = split_message_id(str(sms["messageId"]))
            if case in received:
                received[case][status] += 1
        return received

    async def forwarded(self, requests: Iterable[Request]) -> Counter[tuple[str, int]]:
        """How many times each (case, stage) reached an agency as a new case."""
        cases = {r.case for r in requests}
        return Counter((e["body"]["caseNumber"], e["body"]["stage"]) for e in (await self.journal("agencies"))[
            "received"] if e["kind"] == "case" and e["body"]["caseNumber"] in cases)

    async def repeats(self, requests: Iterable[Request]) -> int:
        """Calls the sandbox dropped as repeats (same message id or Idempotency-Key) for these cases."""
        cases = {r.case for r in requests}
        sms = [e for e in (await self.journal("sms"))["repeated"] if split_message_id(e["messageId"])[0] in cases]
        agencies = [e for e in (await self.journal("agencies"))["repeated"] if e["caseNumber"] in cases]
        return len(sms) + len(agencies)

    async def wait_notified(self, requests: list[Request], status: str, timeout_s: float) -> None:
        async def all_notified() -> bool:
            notified = await self.notified(requests)
            return all(notified[r.case][status] for r in requests)
        await eventually(all_notified, f"the {status!r} SMS of {len(requests)} cases", timeout_s, interval_s=1)

    async def instance_of(self, case: str, since: datetime) -> str | None:
        found = [i for i in await self.instances(since) if i["businessKey"] == case]
        return str(found[0]["id"]) if found else None

    async def instances(self, since: datetime) -> list[dict[str, Any]]:
        return await self.api.history_process_instances(
            processDefinitionKey=PROCESS, startedAfter=engine_time(since), maxResults=10_000)

    async def wait_ended(self, requests: list[Request], since: datetime, timeout_s: float) -> list[dict[str, Any]]:
        cases = {r.case for r in requests}

        async def all_ended() -> list[dict[str, Any]] | None:
            mine = [i for i in await self.instances(since) if i["businessKey"] in cases]
            return mine if len({i["businessKey"] for i in mine if i["endTime"]}) == len(cases) else None
        return await eventually(all_ended, f"{len(cases)} instances to end", timeout_s, interval_s=1)

    async def worker_metric(self, name: str, **labels: str) -> float:
        """The sum of a workers' counter over the series matching `labels`."""
        text = (await self.sandbox.get(self.processes.metrics_url)).text
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total


async def finish_and_check_once(system: FaultSystem, requests: list[Request], since: datetime) -> int:
    """Wait for every request's "completed" SMS, rate each, wait for every instance to end; then check that each
    case is one instance, each notification and forwarding happened exactly once and no incident is open. The
    number of repeats the receivers dropped (retries a fault caused)."""
    await system.wait_notified(requests, "completed", timeout_s=240)
    await asyncio.gather(*(system.rate(r.case) for r in requests))
    instances = await system.wait_ended(requests, since, timeout_s=120)

    assert sorted(i["businessKey"] for i in instances) == sorted(r.case for r in requests), "one instance a case"
    assert {i["state"] for i in instances} == {"COMPLETED"}
    notified = await system.notified(requests)
    assert {r.case: dict(notified[r.case]) for r in requests} == {
        r.case: dict.fromkeys(NOTIFIED[r.service], 1) for r in requests}, "each notification exactly once"
    assert await system.forwarded(requests) == {
        (r.case, 1): 1 for r in requests if "forwarded-1" in NOTIFIED[r.service]}, "each forwarding exactly once"
    assert await system.api.incidents() == []
    return await system.repeats(requests)


def split_message_id(message_id: str) -> tuple[str, str]:
    """<case>-<status>[-<stage>] → (case, status[-stage]), e.g. ESR-2026-000123-forwarded-1."""
    match = MESSAGE_ID.match(message_id)
    return (match[1], match[2]) if match else ("", message_id)


def engine_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
