"""The load study's simulation against the real stack: the same arrivals, played through intake, the engine, the
workers and the sandbox at accelerated time, reach the flows the simulation predicts.

What is compared (flows.COMPARED, plus requests per centre and per service): how many requests started at
each start event, how many times each user task was created (document checks, hand-overs), how many
requests reached each end event of PublicServiceRequestProcess, and the document-level flows of
DocumentReductionProcess (fetched, not found in the registry, received, not uploaded, attempts used up,
consent asked or not given), the stages forwarded, approved, rejected and sent back for information.
These counts are decided by who comes and what each person chooses, not by how long anything takes, so
both sides must agree on them to ±10%. Flows that follow only from time passing (SLA reminders and
follow-ups, upload reminders: flows.TIME_DRIVEN) are left out: an engine run compressed into seconds
never reaches those points. Queue lengths and waits are the simulation's own and not compared.

How the stack is driven: two centres, 09:00-12:00 of one working day, at 1 simulated hour = 1 real second.
Portal and kiosk requests are submitted through intake at their arrival times; walk-ins are started at
the none start event (the Tasklist start form); the simulated people then answer what the engine asks,
as each request's script says: the citizen (consent, uploads, information, rating, through intake), the
agencies (through the sandbox's control API) and the staff (document checks and hand-overs, completed over
REST). Silence (no consent answer, no upload, no rating) is the engine's timer, fired at once.
Afterwards `load-study --from-history` measures the handling times of those very tasks as the reports' account.
"""

import asyncio
import functools
import json
import random
import sys
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from catalog.loader import load_catalog, load_complaint_rules, load_service_centres
from engine.settings import PROJECT_ROOT, EngineSettings
from engine_client import EngineClient, EngineError
from local_stack import ADMIN_USER, REPORTS_ACCOUNT
from reports.load_study import flows as f
from reports.load_study.behaviour import Citizen, RequestScript
from reports.load_study.calendar import StudyCalendar
from reports.load_study.history import measured_handling
from reports.load_study.model import load_model
from reports.load_study.study import Study
from tests.polling import eventually
from tests.process.documents import pdf, upload
from tests.process.harness import PORTAL_KEY, UNKNOWN_PERSON, Harness
from tests.process.harness import Citizen as StackCitizen

pytestmark = pytest.mark.engine

CENTRES = ("capital:bayanzurkh", "aimag:orkhon")
DAY = date(2027, 3, 3)  # a Wednesday, an ordinary working day
FIRST, LAST = 9 * 60, 12 * 60  # minutes of the day
SCALE = 0.2  # of the catalogue's demand: 59 requests with this seed, five of them multi-stage
SEED = 167  # reaches every branch but "upload attempts used up" (tests/unit covers that one)
SECONDS_PER_SIMULATED_HOUR = 1.0
TOLERANCE = 0.10
POLL_S = 0.25
DRIVE_TIMEOUT_S = 150  # bounded; a run takes 25-50 s on this machine, depending on its load
PHONE = "+97699000001"  # the contact given in every request (a citizen without one would be told by inbox)
REJECTION = "Баримт уншигдахгүй байна, дахин илгээнэ үү."


@dataclass(frozen=True)
class SandboxCitizens:
    """The sandbox registry's citizens (what XYP answers for each), and an unknown person for a failed check."""

    citizens: tuple[Citizen, ...]
    identity_rejected: float

    def draw(self, rng: random.Random) -> Citizen:
        unknown, pick = rng.random() < self.identity_rejected, rng.choice(self.citizens)
        if unknown:
            return Citizen(False, frozenset(), UNKNOWN_PERSON.register_number, UNKNOWN_PERSON.birth_date)
        return pick


@dataclass
class Case:
    script: RequestScript
    number: str = ""
    root: str = ""


class StackPlayers:
    """The citizens, agencies and staff of the study's requests, answering the real stack from their scripts."""

    def __init__(self, h: Harness, scripts: list[RequestScript]) -> None:
        self.h, self.scripts = h, scripts
        self.cases: dict[str, Case] = {}
        self.actions: list[asyncio.Task[None]] = []
        # what the sandbox and the engine showed so far; an entry of a case not yet registered waits in `pending`
        self.seen_sms = self.seen_agency = 0
        self.pending_sms: list[str] = []
        self.pending_agency: list[dict[str, Any]] = []
        self.seen_tasks: set[str] = set()
        self.task_values: dict[str, dict[str, Any]] = {}
        self.ended: set[str] = set()  # root instances
        self.information: Counter[tuple[str, int]] = Counter()
        self.failures: list[str] = []

    # the run
    async def play(self) -> None:
        self.seen_sms = len(await self.h.received("sms"))  # earlier tests' entries are none of ours
        self.seen_agency = len(await self.h.received("agencies"))
        watcher = asyncio.create_task(self.watch())
        try:
            began = asyncio.get_running_loop().time()
            await asyncio.gather(*(self.submit_at(began, script) for script in self.scripts))
            await eventually(self.all_ended, "every request of the study to end", DRIVE_TIMEOUT_S, POLL_S)
        finally:
            watcher.cancel()
            for action in self.actions:
                action.cancel()
        assert not self.failures, "\n".join(self.failures)

    async def submit_at(self, began: float, script: RequestScript) -> None:
        delay = (script.arrival.minute - FIRST) / 60 * SECONDS_PER_SIMULATED_HOUR
        await asyncio.sleep(max(0.0, began + delay - asyncio.get_running_loop().time()))
        citizen = script.citizen
        assert citizen.register_number
        assert citizen.birth_date
        person = StackCitizen(citizen.register_number, citizen.birth_date, PHONE, script.arrival.centre)
        delivery = "in-person" if script.in_person else "electronic"
        if script.walk_in:
            number, root = await self.h.walk_in(script.arrival.service, person, delivery)
        else:
            number, root = await self.h.submit(script.arrival.service, person, deliveryMethod=delivery,
                                               registryConsent=script.registry_consent,
                                               requestId=f"load-{uuid.uuid4().hex[:16]}")
        self.cases[number] = Case(script, number, root)

    async def all_ended(self) -> bool:
        if len(self.cases) < len(self.scripts) or self.failures:
            return bool(self.failures)
        running = [c.root for c in self.cases.values() if c.root not in self.ended]
        for root, state in zip(running, await asyncio.gather(*map(self.h.history.ended, running)), strict=True):
            if state:
                self.ended.add(root)
        return len(self.ended) == len(self.cases)

    async def watch(self) -> None:
        while True:
            await self.read_sms()
            await self.read_agencies()
            await self.work_tasks(f.CHECK)
            await self.work_tasks(f.HAND_OVER)
            await asyncio.sleep(POLL_S)

    def act(self, action: Callable[[], Awaitable[None]]) -> None:
        async def guarded() -> None:
            try:
                await action()
            except Exception as error:  # reported by play(), never swallowed
                self.failures.append(f"{action}: {''.join(traceback.format_exception(error))}")

        self.actions.append(asyncio.create_task(guarded()))

    def case_of(self, message_id: str) -> tuple[Case, str] | None:
        for number, case in self.cases.items():
            if message_id.startswith(f"{number}-"):
                return case, message_id[len(number) + 1:]
        return None

    @property
    def all_submitted(self) -> bool:
        """Every case is known: an entry that matches none now is another test's."""
        return len(self.cases) == len(self.scripts)

    # citizens
    async def read_sms(self) -> None:
        received = await self.h.received("sms")
        self.pending_sms += [entry["messageId"] for entry in received[self.seen_sms:]]
        self.seen_sms = len(received)
        waiting = []
        for message_id in self.pending_sms:
            found = self.case_of(message_id)
            if found:
                self.on_sms(*found)
            elif not self.all_submitted:
                waiting.append(message_id)
        self.pending_sms = waiting

    def on_sms(self, case: Case, status: str) -> None:
        if status == "consent-requested":
            self.act(lambda: self.answer_consent(case))
        elif status.startswith("document-requested-"):
            code = status.removeprefix("document-requested-")
            self.act(lambda: self.answer_upload(case, code, 0))
        elif status.startswith("document-rejected-"):
            code, attempts = status.removeprefix("document-rejected-").rsplit("-", 1)
            self.act(lambda: self.answer_upload(case, code, int(attempts)))
        elif status.startswith("information-needed-"):
            stage = int(status.removeprefix("information-needed-"))
            self.act(lambda: self.h.reply_information(case.number, stage, "Нэмэлт мэдээллийг хавсаргав."))
        elif status == "completed":
            self.act(lambda: self.answer_satisfaction(case))

    async def answer_consent(self, case: Case) -> None:
        if case.script.consent_reply is None:
            await self.h.fire(await self.h.instance_of(case.number, f.CHILD_PROCESS), "BoundaryEvent_NoConsentAnswer")
            return
        response = await self.h.intake.post("/v1/citizen-replies/consent", headers=PORTAL_KEY, json={
            "caseNumber": case.number, "consent": case.script.consent_reply, "messageId": f"{case.number}-consent"})
        assert response.status_code == 202, response.text

    async def answer_upload(self, case: Case, code: str, attempt: int) -> None:
        if attempt < len(case.script.uploads[code]):
            response = await upload(self.h, case.number, code, pdf(f"{code}-{attempt}"))
            assert response.status_code == 202, response.text
            return
        child = await self.h.instance_of(case.number, f.CHILD_PROCESS)
        await self.h.api.execute_job(await self.upload_time_limit(child, f"{case.number}:{code}"))

    async def upload_time_limit(self, child: str, correlation_key: str) -> str:
        """The time-limit timer of the upload wait for one document: the wait's execution holds its key."""
        async def job() -> str | None:
            keys = await self.h.api.request("POST", "/variable-instance", params={"deserializeValues": "false"},
                                            json={"processInstanceIdIn": [child], "variableName": "correlationKey"})
            executions = {k["executionId"] for k in keys if k["value"] == correlation_key}
            timers = await self.h.api.jobs(processInstanceId=child, timers="true",
                                           activityId="BoundaryEvent_UploadTimeLimitPassed")
            return next((str(t["id"]) for t in timers if t["executionId"] in executions), None)

        return await eventually(job, f"the upload time limit of {correlation_key}", 30, POLL_S)

    async def answer_satisfaction(self, case: Case) -> None:
        if case.script.rated:
            await self.h.rate(case.number, 4)
        else:
            await self.h.fire(case.root, "BoundaryEvent_NoSatisfactionAnswer")

    # agencies
    async def read_agencies(self) -> None:
        received = await self.h.received("agencies")
        self.pending_agency += [e for e in received[self.seen_agency:] if e["kind"] in ("case", "information")]
        self.seen_agency = len(received)
        waiting = []
        for entry in self.pending_agency:
            body = entry["body"]
            case = self.cases.get(str(body.get("caseNumber")))
            if case is None:
                if not self.all_submitted:
                    waiting.append(entry)
            else:
                stage = int(body["stage"])
                if entry["kind"] == "information":  # the citizen's answer: the agency's next decision
                    self.information[(case.number, stage)] += 1
                index = self.information[(case.number, stage)] if entry["kind"] == "information" else 0
                decision = case.script.stages[stage - 1].decisions[index]
                reason = "" if decision == "approve" else "Шийдвэрийн тайлбар"
                self.act(functools.partial(self.h.decide, entry["agencyId"], case.number, stage, decision, reason))
        self.pending_agency = waiting

    # staff
    async def work_tasks(self, element: str) -> None:
        for task in await self.h.api.tasks(taskDefinitionKey=element):
            if task["id"] in self.seen_tasks:
                continue
            if task["id"] not in self.task_values:
                self.task_values[task["id"]] = await self.h.api.request(
                    "GET", f"/task/{task['id']}/variables", params={"deserializeValues": "false"})
            values = self.task_values[task["id"]]
            case = self.cases.get(str(values.get("caseNumber", {}).get("value")))
            if case is None and not self.all_submitted:
                continue  # perhaps a case whose submission has not returned yet: look again
            self.seen_tasks.add(task["id"])
            if case is not None:  # else another test's task
                self.act(functools.partial(self.complete, task["id"], element, case, values))

    async def complete(self, task_id: str, element: str, case: Case, values: dict[str, Any]) -> None:
        answer: dict[str, Any] = {"resultHandedOver": True}
        if element == f.HAND_OVER:  # claimed first, as in Tasklist; document checks are completed unclaimed
            await self.h.api.claim(task_id, ADMIN_USER)
        if element == f.CHECK:
            code = str(json.loads(values["document"]["value"])["code"])
            attempt = int(values["uploadAttempts"]["value"])
            accepted = case.script.uploads[code][attempt - 1].accepted
            answer = {"documentCheckDecision": "accept" if accepted else "reject"}
            answer |= {} if accepted else {"documentRejectionReason": REJECTION}
        for round_ in range(5):  # a parallel branch of the same instance may win the race: do it again
            try:
                await self.h.api.complete_task(task_id, answer)
                return
            except EngineError as error:
                if error.status < 500 or round_ == 4:
                    raise
                await asyncio.sleep(0.2 * (round_ + 1))

    # what happened
    async def observed(self) -> Counter[str]:
        """The same counts, read from the engine's history: each request's instance and its called instance."""
        async def of_case(case: Case) -> Counter[str]:
            variables = await self.h.variables(case.root)
            counts = Counter([f"centre {variables['serviceCentre']}", f"service {variables['serviceCode']}"])
            children = await self.h.api.history_process_instances(superProcessInstanceId=case.root)
            for instance in [case.root, *(c["id"] for c in children)]:
                counts.update(a["activityId"] for a in await self.h.api.activity_instances(instance)
                              if a["activityId"] in f.COMPARED)
            return counts

        return sum(await asyncio.gather(*map(of_case, self.cases.values())), Counter())


def study(citizens: SandboxCitizens) -> Study:
    catalog, centres = load_catalog(), load_service_centres()
    model = load_model(catalog, centres)
    calendar = StudyCalendar.build(DAY, model.opening_hours, load_complaint_rules().calendar)
    chosen = [c for c in centres.service_centres if c.id in CENTRES]
    return Study(model, catalog.services, chosen, calendar, FIRST, LAST, SEED, SCALE, citizens)


def predicted(plan: Study) -> tuple[list[RequestScript], Counter[str]]:
    """Every centre's scripts and the flows the simulation reaches with them (with the staff it has)."""
    scripts: list[RequestScript] = []
    counts: Counter[str] = Counter()
    for centre in plan.centres:
        requests = plan.scripts(centre.id)
        run = plan.run(centre.id, plan.model.centres[centre.id].staff, requests)
        scripts += requests
        counts.update({element: n for element, n in run.flows.items() if element in f.COMPARED})
        counts.update(f"centre {r.arrival.centre}" for r in requests)
        counts.update(f"service {r.arrival.service}" for r in requests)
    return scripts, counts


def outside_tolerance(expected: Counter[str], seen: Counter[str]) -> dict[str, tuple[int, int]]:
    return {key: (expected[key], seen[key]) for key in sorted(set(expected) | set(seen))
            if abs(seen[key] - expected[key]) > TOLERANCE * expected[key]}


async def test_the_engine_reaches_the_flows_the_simulation_predicts(harness: Harness, engine_settings: EngineSettings,
                                                                  tmp_path: Path) -> None:
    began = datetime.now(UTC) - timedelta(seconds=1)
    citizens = [Citizen(True, frozenset(c["services"]), c["regnum"], c["birthDate"])
                for c in (await harness.sandbox.get("/control/citizens")).json()]
    plan = study(SandboxCitizens(tuple(citizens), load_model(load_catalog(), load_service_centres())
                                 .citizens.identity_rejected))
    scripts, expected = predicted(plan)
    assert 40 <= len(scripts) <= 120, f"{len(scripts)} requests: the scenario no longer has the intended size"
    assert all(expected[element] for element in (f.CHECK, f.HAND_OVER, f.FORWARD)), expected  # flows exercised

    players = StackPlayers(harness, scripts)
    started = time.monotonic()
    await players.play()
    played = time.monotonic()
    seen = await players.observed()
    print(f"\n{len(scripts)} requests played in {played - started:.1f} s, history read in "
          f"{time.monotonic() - played:.1f} s")

    print("\nflow: simulated / engine")
    for key in sorted(set(expected) | set(seen)):
        print(f"  {key}: {expected[key]} / {seen[key]}")
    assert outside_tolerance(expected, seen) == {}

    # --from-history reads the handling times of what the staff just did, as the reports' own account
    async with EngineClient(engine_settings.rest_url, REPORTS_ACCOUNT.user,
                            REPORTS_ACCOUNT.password.get_secret_value()) as reports:
        measured = await measured_handling(reports, [f.CHECK, f.HAND_OVER], began, min_samples=1)
    assert (measured[f.CHECK].samples, measured[f.CHECK].from_claim) == (seen[f.CHECK], False)
    assert (measured[f.HAND_OVER].samples, measured[f.HAND_OVER].from_claim) == (seen[f.HAND_OVER], True)
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reports", "load-study", "--from-history", "--since", began.isoformat(),
        "--min-samples", "1", "--engine-url", engine_settings.rest_url, "--centres", "aimag:govisumber",
        "--days", "1", "--jobs", "1", "--out", str(tmp_path), cwd=PROJECT_ROOT, stdout=asyncio.subprocess.PIPE)
    output = (await asyncio.wait_for(command.communicate(), 120))[0].decode()
    assert command.returncode == 0
    assert f"{f.CHECK}: " in output
    assert f"{seen[f.CHECK]} tasks, from creation, queue time included" in output
    assert f"{seen[f.HAND_OVER]} tasks, from the claim" in output
