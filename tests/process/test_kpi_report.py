"""The KPI report on the session's stack: the test drives a known set of service requests and complaints to known
outcomes (agencies decide, staff complete their tasks in their own names, SLA and deadline timers are fired once
their due dates are checked), then checks every figure of the report for exactly those cases, read through the
history API with the reports' own account, and runs the command as a subprocess.

Handling times are checked against the engine's own timestamps: cases driven in seconds take (close to) zero
working days, and none on a weekend or holiday; tests/unit/test_kpi.py checks the arithmetic on known days."""

import asyncio
import csv
import sys
from asyncio.subprocess import PIPE
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from catalog.loader import load_complaint_rules
from engine.settings import PROJECT_ROOT, EngineSettings
from engine_client import EngineClient
from local_stack import REPORTS_ACCOUNT
from reports.kpi.cases import Period
from reports.kpi.figures import build_report
from reports.kpi.report import ComplaintRow, Dimension, HandlingTime, KpiReport, RequestRow, SlaCounts
from reports.kpi.source import read_history
from reports.kpi.working_time import percentile, working_days_between
from tests.history import UserTask
from tests.process.complaints import Complaints, moment
from tests.process.harness import BATBOLD, SARANTUYA, Harness

pytestmark = pytest.mark.engine

SINGLE, THREE_STAGES, REFERENCE = "no-documents-single-stage", "no-documents-three-stage", "address-reference"
BAYANZURKH, ORKHON = BATBOLD.service_centre, SARANTUYA.service_centre
ANSWERS = ("Task_NotifyCompleted", "Task_NotifyRejection", "Task_NotifyStageRejection", "Task_NotifyDocumentsMissing")
CALENDAR = load_complaint_rules().calendar


@dataclass
class Seeded:
    """What the test did: the case numbers, instances and who completed which task."""

    requests: dict[str, str] = field(default_factory=dict)  # label -> case number
    complaints: dict[str, str] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # label -> instance
    staff: dict[str, str] = field(default_factory=dict)  # label -> who completed its task

    @property
    def cases(self) -> set[str]:
        return {*self.requests.values(), *self.complaints.values()}


class Staff:
    """Staff members completing their tasks as in Tasklist: claimed in their own name, then completed. In
    development a staff user is named after its group (engine/access.py)."""

    def __init__(self, settings: EngineSettings, harness: Harness) -> None:
        self.settings, self.h = settings, harness

    async def complete(self, instance: str, element: str, variables: dict[str, Any]) -> str:
        task: UserTask = await self.h.user_task(instance, element)
        user = task.candidate_groups[0]
        async with EngineClient(self.settings.rest_url, user, self.settings.staff_password.get_secret_value()) as me:
            await me.claim(task.id, user)
            await me.complete_task(task.id, variables)
        return user


async def fire_at(h: Harness, instance: str, element: str, variable: str) -> None:
    """Fire a timer once the engine has it due at the moment the process stored in `variable`."""
    await h.timer(instance, element)  # the wait has begun, so the variable is this stage's
    await h.fire_due(instance, element, moment((await h.variables(instance))[variable]))


async def fire_satisfaction_wait(h: Harness, instance: str) -> None:
    """Seven days of silence after the citizen was asked for a rating."""
    timer = await h.timer(instance, "BoundaryEvent_NoSatisfactionAnswer")
    asked = await h.started_at(instance, "ReceiveTask_AwaitSatisfaction")
    assert abs(moment(timer.due) - (asked + timedelta(days=7))) < timedelta(seconds=2)
    await h.api.execute_job(timer.id)


async def seed_requests(h: Harness, staff: Staff, seeded: Seeded) -> None:
    # R1: decided at once, rated 5
    case, instance = await h.submit(SINGLE, BATBOLD)
    await h.decide(await h.wait_forwarded(case, 1), case, 1, "approve")
    await h.reached(instance, "Task_NotifyCompleted")
    await h.rate(case, 5)
    seeded.requests["R1"], seeded.instances["R1"] = case, instance

    # R2: at a service centre; decided after the SLA warning; handed over by the centre's staff; rated 3
    case, instance = await h.walk_in(SINGLE, SARANTUYA, "in-person")
    agency = await h.wait_forwarded(case, 1)
    await fire_at(h, instance, "BoundaryEvent_AgencySlaWarning", "stageWarningAt")
    await h.reached(instance, "Task_RemindAgency")
    await h.decide(agency, case, 1, "approve")
    seeded.staff["R2"] = await staff.complete(instance, "UserTask_HandOverResult", {"resultHandedOver": True})
    await h.reached(instance, "Task_NotifyCompleted")
    await h.rate(case, 3)
    seeded.requests["R2"], seeded.instances["R2"] = case, instance

    # R3: warning, then breach followed up by the coordination group; decided; never rated
    case, instance = await h.submit(SINGLE, BATBOLD)
    agency = await h.wait_forwarded(case, 1)
    await fire_at(h, instance, "BoundaryEvent_AgencySlaWarning", "stageWarningAt")
    await h.reached(instance, "Task_RemindAgency")
    await fire_at(h, instance, "BoundaryEvent_AgencySlaBreached", "stageDueAt")
    seeded.staff["R3"] = await staff.complete(instance, "UserTask_FollowUpSlaBreach",
                                              {"followUpNote": "Байгууллагатай утсаар холбогдож сануулав."})
    await h.reached(instance, "Task_SendBreachNotice")
    await h.decide(agency, case, 1, "approve")
    await h.reached(instance, "Task_NotifyCompleted")
    await fire_satisfaction_wait(h, instance)
    seeded.requests["R3"], seeded.instances["R3"] = case, instance

    # R4: three stages; the first in time, the second breached and then rejected (its follow-up never done)
    case, instance = await h.submit(THREE_STAGES, SARANTUYA)
    await h.decide(await h.wait_forwarded(case, 1), case, 1, "approve")
    agency = await h.wait_forwarded(case, 2)
    await fire_at(h, instance, "BoundaryEvent_AgencySlaWarning", "stageWarningAt")
    await h.reached(instance, "Task_RemindAgency")
    await fire_at(h, instance, "BoundaryEvent_AgencySlaBreached", "stageDueAt")
    await h.user_task(instance, "UserTask_FollowUpSlaBreach")
    await h.decide(agency, case, 2, "reject", "Газрын хил давхцаж байна")
    await h.reached(instance, "Task_NotifyStageRejection")
    seeded.requests["R4"], seeded.instances["R4"] = case, instance

    # R5: a reference, answered from the registry; rated 4
    case, instance = await h.submit(REFERENCE, SARANTUYA)
    await h.reached(instance, "Task_NotifyCompleted")
    await h.rate(case, 4)
    seeded.requests["R5"], seeded.instances["R5"] = case, instance

    # R6: still with the police
    case, instance = await h.submit(SINGLE, BATBOLD)
    await h.wait_forwarded(case, 1)
    await h.timer(instance, "BoundaryEvent_AgencySlaWarning")
    seeded.requests["R6"], seeded.instances["R6"] = case, instance

    for label in ("R1", "R2", "R3", "R4", "R5"):
        assert await h.ended(seeded.instances[label]) == "completed", label


async def seed_complaints(c: Complaints, staff: Staff, seeded: Seeded) -> None:
    h = c.h
    # C1: an inquiry about R1, answered at first level by Customer Service; satisfied
    case, instance = await c.submit(kind="inquiry", topic="other", relatedCaseNumber=seeded.requests["R1"])
    seeded.staff["C1"] = await staff.complete(instance, "UserTask_ResolveAtFirstLevel", {
        "firstLevelOutcome": "resolved", "answerText": "Хүсэлт тань шийдвэрлэгдсэн байна."})
    await h.reached(instance, "Task_NotifyAnswer")
    await c.rate(case, satisfied=True)
    seeded.complaints["C1"], seeded.instances["C1"] = case, instance

    # C2: forwarded to the police, reminded, answered; reopened, reviewed by Quality Control; dissatisfied
    case, instance = await c.submit()
    await c.forwarded(case, 1)
    await h.timer(instance, "BoundaryEvent_AnswerOverdue")
    await c.fire(instance, "Event_ReminderDue", (await h.variables(instance))["reminderTimes"][0])
    await c.count(instance, "Task_RemindOrganisation", 1)
    await c.answer("police", case, 1, "Ажилтанд сануулга өгсөн.")
    await h.reached(instance, "Task_NotifyAnswer")
    await c.rate(case, satisfied=False, reopen=True)
    seeded.staff["C2"] = await staff.complete(instance, "UserTask_ReviewAtSecondLevel", {
        "answerText": "Дахин хянаж, ажилтны үйлдлийг буруу гэж үзлээ."})
    await c.count(instance, "Task_NotifyAnswer", 2)
    await c.rate(case, satisfied=False, round_=2)
    seeded.complaints["C2"], seeded.instances["C2"] = case, instance

    # C3: about R3; the police miss the deadline, Quality Control extends it once, the police answer; no rating
    case, instance = await c.submit(relatedCaseNumber=seeded.requests["R3"])
    await c.forwarded(case, 1)
    await h.timer(instance, "BoundaryEvent_AnswerOverdue")
    await c.fire(instance, "BoundaryEvent_AnswerOverdue", (await h.variables(instance))["answerDueAt"])
    seeded.staff["C3"] = await staff.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "extend", "extensionDays": 10, "extensionReason": "Байгууллага нэмэлт шалгалт хийж байна"})
    await h.reached(instance, "Task_NotifyExtension")
    await c.answer("police", case, 1, "Шалгалтын дүнд ажилтанд сахилгын шийтгэл ногдуулав.")
    await h.reached(instance, "Task_NotifyAnswer")
    await fire_satisfaction_wait(h, instance)
    seeded.complaints["C3"], seeded.instances["C3"] = case, instance

    # C4: about the conduct of staff at a service centre; its first-level task still open
    case, instance = await c.submit(agency=BAYANZURKH, text="Үйлчилгээний төвийн ажилтан бүдүүлэг харьцсан.")
    await h.user_task(instance, "UserTask_ResolveAtFirstLevel")
    seeded.complaints["C4"], seeded.instances["C4"] = case, instance

    # C5: about R2; overdue, resolved by Quality Control directly (the administrator completes it, unclaimed)
    case, instance = await c.submit(relatedCaseNumber=seeded.requests["R2"])
    await c.forwarded(case, 1)
    await h.timer(instance, "BoundaryEvent_AnswerOverdue")
    await c.fire(instance, "BoundaryEvent_AnswerOverdue", (await h.variables(instance))["answerDueAt"])
    await c.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "resolve", "answerText": "Чанарын хяналтын хэлтэс гомдлыг шууд шийдвэрлэв."})
    seeded.staff["C5"] = "demo"
    await h.reached(instance, "Task_NotifyAnswer")
    await c.rate(case, satisfied=True)
    seeded.complaints["C5"], seeded.instances["C5"] = case, instance

    for label in ("C1", "C2", "C3", "C5"):
        await c.closed(seeded.instances[label])


# what the engine recorded, for the handling times

async def request_days(h: Harness, instance: str) -> float:
    """From the instance's start to the citizen being told the outcome, in working days."""
    started = datetime.fromisoformat((await h.api.history_process_instance(instance))["startTime"])
    told = [a["endTime"] for a in await h.history.activities(instance) if a["activityId"] in ANSWERS]
    assert len(told) == 1, told
    return working_days_between(started, datetime.fromisoformat(told[0]), CALENDAR)


async def stage_days(h: Harness, instance: str) -> list[float]:
    """Each ended stage (iteration of SubProcess_AgencyStages), in the order they ran."""
    stages = sorted((a for a in await h.history.activities(instance) if a["activityId"] == "SubProcess_AgencyStages"
                     and a["endTime"]), key=lambda a: a["startTime"])
    return [working_days_between(datetime.fromisoformat(s["startTime"]), datetime.fromisoformat(s["endTime"]),
                                 CALENDAR) for s in stages]


async def complaint_days(h: Harness, instance: str) -> float:
    variables = await h.variables(instance)
    return working_days_between(moment(variables["receivedAt"]), moment(variables["answeredAt"]), CALENDAR)


async def task_days(h: Harness, instance: str) -> list[float]:
    tasks = await h.api.history_tasks(processInstanceId=instance, finished="true", taskDeleteReason="completed")
    return [working_days_between(datetime.fromisoformat(t["startTime"]), datetime.fromisoformat(t["endTime"]),
                                 CALENDAR) for t in tasks]


def timing(values: list[float]) -> tuple[int, float | None, float | None]:
    return len(values), percentile(values, 0.5), percentile(values, 0.9)


def measured(time: HandlingTime) -> tuple[int, float | None, float | None]:
    return time.finished, time.median, time.p90


def by_key(rows: tuple[RequestRow, ...] | tuple[ComplaintRow, ...]) -> dict[str, Any]:
    return {row.key: row for row in rows}


def ratings(given: dict[str, int] | None = None) -> dict[str, int]:
    """A request row's rating counts: these, and none of every other rating."""
    return {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "no-answer": 0} | (given or {})


async def test_every_figure_of_the_kpi_report_matches_the_cases_the_test_drove(
    harness: Harness, engine_settings: EngineSettings, tmp_path: Path
) -> None:
    h = harness
    started = datetime.now(UTC) - timedelta(seconds=1)
    seeded, staff = Seeded(), Staff(engine_settings, h)
    await seed_requests(h, staff, seeded)
    await seed_complaints(Complaints(h), staff, seeded)

    async with EngineClient(engine_settings.rest_url, REPORTS_ACCOUNT.user,
                            REPORTS_ACCOUNT.password.get_secret_value()) as reports_engine:
        history = await read_history(reports_engine, Period(started, datetime.now(UTC)), seeded.cases)
    assert sorted(r.case_number for r in history.requests) == sorted(seeded.requests.values())
    assert sorted(c.case_number for c in history.complaints) == sorted(seeded.complaints.values())
    report = build_report(history, CALENDAR)

    check_requests(report, seeded, await request_times(h, seeded))
    check_complaints(report, seeded, await complaint_times(h, seeded))
    assert [(s.service_code, s.requests, s.complaints, s.per_100_requests) for s in report.complaints_per_service] == [
        (SINGLE, 4, 3, 75.0), (REFERENCE, 1, 0, 0.0), (THREE_STAGES, 1, 0, 0.0)]

    await check_command(engine_settings, started, seeded, report, tmp_path)


@dataclass
class Times:
    """Working days measured from the engine's timestamps, by what they time."""

    cases: dict[str, float] = field(default_factory=dict)  # label -> request or complaint
    stages: dict[str, list[float]] = field(default_factory=dict)  # label -> its ended stages
    tasks: dict[str, list[float]] = field(default_factory=dict)  # label -> its completed tasks


async def request_times(h: Harness, seeded: Seeded) -> Times:
    times = Times()
    for label in ("R1", "R2", "R3", "R4", "R5"):
        times.cases[label] = await request_days(h, seeded.instances[label])
    for label in ("R1", "R2", "R3", "R4", "R6"):
        times.stages[label] = await stage_days(h, seeded.instances[label])
    for label in ("R2", "R3"):
        times.tasks[label] = await task_days(h, seeded.instances[label])
    return times


async def complaint_times(h: Harness, seeded: Seeded) -> Times:
    times = Times()
    for label in ("C1", "C2", "C3", "C5"):
        times.cases[label] = await complaint_days(h, seeded.instances[label])
    for label in ("C1", "C2", "C3", "C5"):
        times.tasks[label] = await task_days(h, seeded.instances[label])
    return times


def check_requests(report: KpiReport, seeded: Seeded, times: Times) -> None:
    assert [len(times.stages[label]) for label in ("R1", "R2", "R3", "R4", "R6")] == [1, 1, 1, 2, 0]
    assert [len(times.tasks[label]) for label in ("R2", "R3")] == [1, 1]  # R4's follow-up was never completed
    days = times.cases
    total = report.request_total
    assert total.volume == 6
    assert total.sla == SlaCounts(on_time=2, after_warning=1, breached=2, in_progress=1)  # R1 R5 / R2 / R3 R4 / R6
    assert measured(total.time) == pytest.approx(timing([days[r] for r in ("R1", "R2", "R3", "R4", "R5")]))
    assert total.ratings == ratings({"5": 1, "4": 1, "3": 1, "no-answer": 1})
    assert total.mean_rating == 4.0

    agencies = by_key(report.requests[Dimension.AGENCY])
    assert set(agencies) == {"police", "land-agency", "capital-governor"}
    police = agencies["police"]
    assert (police.volume, police.sla) == (4, SlaCounts(on_time=1, after_warning=1, breached=1, in_progress=1))
    assert measured(police.time) == pytest.approx(timing([times.stages[r][0] for r in ("R1", "R2", "R3")]))
    assert police.ratings == ratings({"5": 1, "3": 1, "no-answer": 1})
    land, governor = agencies["land-agency"], agencies["capital-governor"]
    assert (land.volume, land.sla, governor.volume, governor.sla) == (1, SlaCounts(on_time=1), 1,
                                                                       SlaCounts(breached=1))
    assert measured(land.time) == pytest.approx(timing([times.stages["R4"][0]]))
    assert measured(governor.time) == pytest.approx(timing([times.stages["R4"][1]]))
    assert (land.ratings, governor.ratings) == (ratings(), ratings())  # a rejected request is not rated

    centres = by_key(report.requests[Dimension.CENTRE])
    assert set(centres) == {BAYANZURKH, ORKHON}
    assert (centres[BAYANZURKH].volume, centres[BAYANZURKH].sla) == (3, SlaCounts(on_time=1, breached=1,
                                                                                  in_progress=1))
    assert measured(centres[BAYANZURKH].time) == pytest.approx(timing([days["R1"], days["R3"]]))
    assert (centres[ORKHON].volume, centres[ORKHON].sla) == (3, SlaCounts(on_time=1, after_warning=1, breached=1))
    assert measured(centres[ORKHON].time) == pytest.approx(timing([days["R2"], days["R4"], days["R5"]]))
    assert centres[ORKHON].ratings == ratings({"4": 1, "3": 1})

    services = by_key(report.requests[Dimension.SERVICE])
    assert {code: (row.volume, row.sla) for code, row in services.items()} == {
        SINGLE: (4, SlaCounts(on_time=1, after_warning=1, breached=1, in_progress=1)),
        THREE_STAGES: (1, SlaCounts(breached=1)), REFERENCE: (1, SlaCounts(on_time=1))}
    assert measured(services[SINGLE].time) == pytest.approx(timing([days["R1"], days["R2"], days["R3"]]))

    people = by_key(report.requests[Dimension.STAFF])
    assert set(people) == {seeded.staff["R2"], seeded.staff["R3"]}
    hand_over, follow_up = people[seeded.staff["R2"]], people[seeded.staff["R3"]]
    assert (hand_over.volume, hand_over.tasks, hand_over.sla, hand_over.ratings) == (
        1, 1, SlaCounts(after_warning=1), ratings({"3": 1}))
    assert (follow_up.volume, follow_up.tasks, follow_up.sla) == (1, 1, SlaCounts(breached=1))
    assert measured(hand_over.time) == pytest.approx(timing(times.tasks["R2"]))
    assert measured(follow_up.time) == pytest.approx(timing(times.tasks["R3"]))


def check_complaints(report: KpiReport, seeded: Seeded, times: Times) -> None:
    days = times.cases
    total = report.complaint_total
    assert (total.volume, total.answered) == (5, 4)  # C4 waits
    # first level C1; extended C3; reopened C2; within the legal deadline C1, C2 (in time), C3 (extended)
    assert (total.first_level, total.extended, total.reopened, total.within_deadline) == (1, 1, 1, 3)
    assert total.sla == SlaCounts(on_time=1, after_warning=1, breached=2, in_progress=1)  # C1 / C2 / C3 C5 / C4
    assert measured(total.time) == pytest.approx(timing([days[c] for c in ("C1", "C2", "C3", "C5")]))
    assert total.ratings == {"satisfied": 2, "dissatisfied": 1, "no-answer": 1}  # C1 C5 / C2 / C3

    agencies = by_key(report.complaints[Dimension.AGENCY])
    assert set(agencies) == {"police"}  # C4 is about a service centre
    police = agencies["police"]
    assert (police.volume, police.answered, police.first_level, police.extended, police.reopened,
            police.within_deadline) == (4, 4, 1, 1, 1, 3)
    assert police.sla == SlaCounts(on_time=1, after_warning=1, breached=2)

    centres = by_key(report.complaints[Dimension.CENTRE])
    # C4 names Bayanzurkh; C1 and C3 are about requests made there (R1, R3), C5 about one made in Orkhon (R2)
    assert {key: row.volume for key, row in centres.items()} == {BAYANZURKH: 3, ORKHON: 1}
    bayanzurkh = centres[BAYANZURKH]
    assert (bayanzurkh.answered, bayanzurkh.sla) == (2, SlaCounts(on_time=1, breached=1, in_progress=1))
    assert measured(bayanzurkh.time) == pytest.approx(timing([days["C1"], days["C3"]]))

    services = by_key(report.complaints[Dimension.SERVICE])
    assert {key: (row.volume, row.answered, row.within_deadline) for key, row in services.items()} == {
        SINGLE: (3, 3, 2)}

    people = by_key(report.complaints[Dimension.STAFF])
    assert {name: (row.volume, row.tasks) for name, row in people.items()} == {
        seeded.staff["C1"]: (1, 1), seeded.staff["C2"]: (2, 2), "demo": (1, 1)}
    assert seeded.staff["C2"] == seeded.staff["C3"] == "quality-control"
    quality = people["quality-control"]
    assert (quality.reopened, quality.extended, quality.sla) == (1, 1, SlaCounts(after_warning=1, breached=1))
    assert measured(quality.time) == pytest.approx(timing(times.tasks["C2"] + times.tasks["C3"]))
    assert measured(people["demo"].time) == pytest.approx(timing(times.tasks["C5"]))


async def check_command(engine_settings: EngineSettings, started: datetime, seeded: Seeded, report: KpiReport,
                        out: Path) -> None:
    """`python -m reports kpi` writes the same figures: its terminal table, CSV files, charts and page."""
    command = [sys.executable, "-m", "reports", "kpi", "--engine-url", engine_settings.rest_url,
               "--since", started.isoformat(), "--out", str(out)]
    for case in sorted(seeded.cases):
        command += ["--case", case]
    process = await asyncio.create_subprocess_exec(*command, cwd=PROJECT_ROOT, stdout=PIPE, stderr=PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, stderr.decode()
    printed = stdout.decode()
    assert "SERVICE REQUESTS" in printed
    assert "COMPLAINTS" in printed
    total_line = next(line for line in printed.splitlines() if line.startswith("Total"))
    assert total_line.split()[1:6] == ["6", "2", "1", "2", "1"]

    with (out / "kpi-requests.csv").open(encoding="utf-8-sig") as source:
        rows = list(csv.DictReader(source))
    assert {(r["dimension"], r["key"]): (r["volume"], r["breached"]) for r in rows} == {
        ("total", "total"): ("6", "2"), ("agency", "police"): ("4", "1"), ("agency", "land-agency"): ("1", "0"),
        ("agency", "capital-governor"): ("1", "1"), ("service-centre", BAYANZURKH): ("3", "1"),
        ("service-centre", ORKHON): ("3", "1"), ("service", SINGLE): ("4", "1"), ("service", THREE_STAGES): ("1", "1"),
        ("service", REFERENCE): ("1", "0"), ("staff", seeded.staff["R2"]): ("1", "0"),
        ("staff", seeded.staff["R3"]): ("1", "1")}
    with (out / "kpi-complaints.csv").open(encoding="utf-8-sig") as source:
        total = next(csv.DictReader(source))
    assert (total["volume"], total["answered"], total["within_deadline_rate"], total["reopen_rate"]) == (
        "5", "4", "0.750", "0.250")
    per_service = (out / "kpi-complaints-per-service.csv").read_text(encoding="utf-8-sig").splitlines()
    assert per_service[1].split(",")[0] == SINGLE
    assert per_service[1].split(",")[-3:] == ["4", "3", "75.000"]
    for chart in ("kpi-sla", "kpi-handling-time", "kpi-satisfaction", "kpi-complaints"):
        assert (out / f"{chart}.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "kpi-report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 4
    assert f"{report.request_total.volume}</div>" in page
