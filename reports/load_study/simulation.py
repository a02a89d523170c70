"""One centre's traffic as a SimPy discrete-event simulation: its requests follow PublicServiceRequestProcess and
DocumentReductionProcess step by step (flows.py names the elements), and its staff are one pool that serves
the hall (walk-in registration, hand-over of results) before the back office (document checks, follow-up of
breached agency deadlines), first come first served within each, only in opening hours.

Agencies and citizens are not resources: they answer after the times their scripts say (agencies in working
hours, citizens in calendar time). The SLA clock of a request runs from its submission (a walk-in: from
entering the hall) to the result reaching the citizen (electronic delivery, the hand-over, or a rejection),
without the time spent waiting for the citizen; it is breached after the service's norm in working days
(the engine's rule: the same time of day N working days later). Requests closed for missing documents or an
unverified identity have no SLA.
"""

import functools
import statistics
from collections import Counter
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import simpy

from catalog.model import Service, ServiceKind, duration_seconds
from reports.load_study import flows as f
from reports.load_study.arrivals import minute_in_day
from reports.load_study.behaviour import RequestScript
from reports.load_study.calendar import StudyCalendar

CLOSED, HALL, BACK_OFFICE = 0, 1, 2  # staff priorities: lower first; CLOSED holds every desk overnight
Steps = Generator[simpy.Event, Any, Any]


@dataclass(frozen=True)
class RequestOutcome:
    script: RequestScript
    end: str  # the end event of PublicServiceRequestProcess it reached
    finished: float
    staff_served: bool  # registered at the counter, a document checked or a result handed over
    sla_applies: bool
    breached: bool


@dataclass
class CentreRun:
    centre: str
    staff: int
    outcomes: list[RequestOutcome]
    flows: Counter[str]  # model element id -> times reached, over every request
    hall_waits: list[float]  # opening-hours minutes from joining the hall queue to reaching a desk
    check_waits: list[float]  # calendar minutes from an upload to the start of its check
    hall_queue_mean: float  # citizens waiting in the hall, averaged over opening hours
    hall_queue_max: int
    busy_minutes: float  # staff work started within the studied period
    desk_minutes: float  # staff × opening minutes of the studied period

    @property
    def utilisation(self) -> float:
        return self.busy_minutes / self.desk_minutes if self.desk_minutes else 0.0

    def breach_share(self, staff_served_only: bool = False) -> float:
        counted = [o for o in self.outcomes if o.sla_applies and (o.staff_served or not staff_served_only)]
        return sum(o.breached for o in counted) / len(counted) if counted else 0.0


@functools.cache
def minutes(duration: str) -> float:
    """An ISO-8601 duration of the catalogue (a timer of the models) in minutes."""
    return duration_seconds(duration) / 60


def percentile(values: Sequence[float], share: float) -> float:
    """Linear interpolation between order statistics (0 for no values)."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1])


@dataclass
class HallQueue:
    log: list[tuple[float, int]] = field(default_factory=lambda: [(0.0, 0)])

    def change(self, now: float, by: int) -> None:
        self.log.append((now, self.log[-1][1] + by))

    def mean_over_opening(self, calendar: StudyCalendar, end: float) -> float:
        total = weighted = 0.0
        for (start, length), (stop, _) in zip(self.log, [*self.log[1:], (end, 0)], strict=True):
            if start >= end:
                break
            minutes = calendar.open_minutes_between(start, min(stop, end))
            total, weighted = total + minutes, weighted + minutes * length
        return weighted / total if total else 0.0


class CentreSimulation:
    def __init__(self, centre: str, staff: int, scripts: Sequence[RequestScript], services: Mapping[str, Service],
                 calendar: StudyCalendar, period_end: float, visit_profile: Mapping[int, float]) -> None:
        self.centre, self.staff_count, self.scripts = centre, staff, scripts
        self.visit_profile = visit_profile  # walk-ins' hour profile: when returning citizens come too
        self.services, self.calendar, self.period_end = services, calendar, period_end
        self.env = simpy.Environment()
        self.staff = simpy.PriorityResource(self.env, capacity=staff)
        self.hall, self.hall_waits, self.check_waits = HallQueue(), list[float](), list[float]()
        self.busy = 0.0
        self.flows = Counter[str]()

    def run(self) -> CentreRun:
        self.env.process(self.opening_hours())
        requests = [self.env.process(self.request(script)) for script in self.scripts]
        self.env.run(until=self.env.all_of(requests))
        return CentreRun(
            centre=self.centre, staff=self.staff_count, outcomes=[cast(RequestOutcome, r.value) for r in requests],
            flows=self.flows, hall_waits=self.hall_waits, check_waits=self.check_waits,
            hall_queue_mean=self.hall.mean_over_opening(self.calendar, self.period_end),
            hall_queue_max=max(n for _, n in self.hall.log), busy_minutes=self.busy,
            desk_minutes=self.staff_count * self.calendar.open_minutes_between(0, self.period_end))

    def opening_hours(self) -> Steps:
        """Every desk is held from closing time (once its citizen is served) until the centre opens again."""
        while True:
            holds = [self.staff.request(priority=CLOSED) for _ in range(self.staff_count)]
            yield self.env.all_of(holds)
            yield self.env.timeout(self.calendar.next_open(self.env.now) - self.env.now)
            for hold in holds:
                self.staff.release(hold)
            yield self.env.timeout(self.calendar.next_close(self.env.now) - self.env.now)

    def serve(self, priority: int, minutes: float, waits: list[float]) -> Steps:
        joined = self.env.now
        if priority == HALL:
            self.hall.change(joined, +1)
        with self.staff.request(priority=priority) as desk:
            yield desk
            if priority == HALL:
                self.hall.change(self.env.now, -1)
                waits.append(self.calendar.open_minutes_between(joined, self.env.now))
            else:
                waits.append(self.env.now - joined)
            if self.env.now < self.period_end:
                self.busy += minutes
            yield self.env.timeout(minutes)

    def request(self, script: RequestScript) -> Steps:
        service, flows = self.services[script.arrival.service], self.flows
        yield self.env.timeout(script.arrival.minute - self.env.now)
        start, citizen_minutes, staff_served = self.env.now, 0.0, script.walk_in
        # a reference is ready at once: a walk-in who collects it in person gets it at the same desk
        served_at_desk = (script.walk_in and script.in_person and script.citizen.known
                          and service.kind == ServiceKind.REFERENCE)
        if script.walk_in:
            flows[f.WALK_IN_START] += 1
            desk_minutes = script.registration_minutes + (script.hand_over_minutes if served_at_desk else 0.0)
            yield from self.serve(HALL, desk_minutes, self.hall_waits)
        else:
            flows[f.PORTAL_START] += 1
        if not script.citizen.known:
            return self.ended(script, f.REQUEST_REJECTED, staff_served)
        if service.kind != ServiceKind.REFERENCE:
            complete, waited, checked = yield from self.collect_documents(script, service, flows)
            citizen_minutes += waited
            staff_served = staff_served or checked
            if not complete:
                return self.ended(script, f.REQUEST_CLOSED_DOCUMENTS_MISSING, staff_served)
            approved, waited = yield from self.agency_stages(script, service, flows)
            citizen_minutes += waited
            if not approved:
                return self.ended(script, f.REQUEST_REJECTED_AT_STAGE, staff_served, start, citizen_minutes)
        if script.in_person:
            flows[f.HAND_OVER] += 1
            staff_served = True
            if not served_at_desk:  # the citizen comes back for it
                back = self.return_visit(self.env.now + script.collect_after_minutes, script.collect_time_share)
                citizen_minutes += back - self.env.now
                yield self.env.timeout(back - self.env.now)
                yield from self.serve(HALL, script.hand_over_minutes, self.hall_waits)
        return self.ended(script, f.REQUEST_COMPLETED, staff_served, start, citizen_minutes)

    def return_visit(self, wanted: float, share: float) -> float:
        """`wanted` when the centre is open then; else on the next open day, at an hour drawn like walk-ins'."""
        if self.calendar.is_open(wanted):
            return wanted
        opens = self.calendar.next_open(wanted)
        day = self.calendar.minute_of_day(self.calendar.day(opens))
        return min(max(opens, day + minute_in_day(self.visit_profile, share)), self.calendar.next_close(opens) - 1)

    def ended(self, script: RequestScript, end: str, staff_served: bool, start: float | None = None,
              citizen_minutes: float = 0.0) -> RequestOutcome:
        self.flows[end] += 1
        breached = False
        if start is not None:
            norm = self.services[script.arrival.service].sla.working_days
            breached = self.env.now > self.calendar.sla_due(start + citizen_minutes, norm)
        return RequestOutcome(script, end, self.env.now, staff_served, start is not None, breached)

    def collect_documents(self, script: RequestScript, service: Service, flows: Counter[str]) -> Steps:
        """DocumentReductionProcess: (every document received, minutes spent waiting for the citizen, whether staff
        checked an upload)."""
        if not service.documents:
            flows[f.NO_DOCUMENTS] += 1
            return True, 0.0, False
        consent, waited = script.registry_consent, 0.0
        if consent is None:
            flows[f.ASK_CONSENT] += 1
            limit = minutes(service.document_collection.consent_within)
            waited = script.consent_after_minutes if script.consent_reply is not None else limit
            yield self.env.timeout(waited)
            if script.consent_reply is None:
                flows[f.CONSENT_NOT_GIVEN] += 1
            consent = script.consent_reply is True
        documents = [self.env.process(self.document(script, service, code, consent, flows))
                     for code in (d.code for d in service.documents)]
        yield self.env.all_of(documents)
        results = [cast(tuple[bool, float, bool], d.value) for d in documents]
        complete = all(received for received, _, _ in results)
        flows[f.DOSSIER_RETURNED if complete else f.DOCUMENTS_MISSING] += 1
        return complete, waited + max(wait for _, wait, _ in results), any(checked for _, _, checked in results)

    def document(self, script: RequestScript, service: Service, code: str, consent: bool,
                 flows: Counter[str]) -> Steps:
        """One document's iteration: (received, minutes spent waiting for the citizen's uploads, checked)."""
        document = next(d for d in service.documents if d.code == code)
        if document.source == "xyp" and consent:
            if document.xyp_service in script.citizen.records:
                flows[f.DOCUMENT_FETCHED] += 1
                return True, 0.0, False
            flows[f.RECORD_NOT_FOUND] += 1
        collection = service.document_collection
        reminder, expiry = minutes(collection.reminder_after), minutes(collection.expire_after)
        waited = 0.0
        for attempt, upload in enumerate(script.uploads[code], start=1):
            if upload.after_minutes >= reminder:
                flows[f.CITIZEN_REMINDED] += 1
            yield self.env.timeout(upload.after_minutes)
            waited += upload.after_minutes
            flows[f.CHECK] += 1
            yield from self.serve(BACK_OFFICE, upload.check_minutes, self.check_waits)
            if upload.accepted:
                flows[f.DOCUMENT_RECEIVED] += 1
                return True, waited, True
            if attempt >= document.max_upload_attempts:
                flows[f.ATTEMPTS_USED_UP] += 1
                return False, waited, True
        flows[f.CITIZEN_REMINDED] += 1  # no (further) upload: reminded, then the time limit passes
        yield self.env.timeout(expiry)
        flows[f.DOCUMENT_NOT_UPLOADED] += 1
        return False, waited + expiry, bool(script.uploads[code])

    def agency_stages(self, script: RequestScript, service: Service, flows: Counter[str]) -> Steps:
        """SubProcess_AgencyStages: (every stage approved, minutes spent waiting for the citizen's answers)."""
        waited = 0.0
        warning_days = service.sla.warning_at_working_days or service.sla.working_days
        for stage in script.stages:
            flows[f.FORWARD] += 1
            warning_at = self.calendar.sla_due(self.env.now, warning_days)
            due_at = self.calendar.sla_due(self.env.now, service.sla.working_days)
            follow_ups: list[simpy.Process] = []
            for decision, minutes in zip(stage.decisions, stage.decision_minutes, strict=True):
                entered = self.env.now  # the wait's timers are (re)armed on the stage's fixed points
                decided = self.calendar.add_open_minutes(entered, minutes)
                if warning_at < decided:
                    flows[f.AGENCY_REMINDED] += 1
                if due_at < decided:
                    follow_ups.append(self.env.process(self.follow_up(max(entered, due_at), script, flows)))
                yield self.env.timeout(decided - self.env.now)
                if decision == "need-info":
                    flows[f.INFORMATION_NEEDED] += 1
                    yield self.env.timeout(stage.reply_minutes)
                    waited += stage.reply_minutes
                    continue
                for open_task in follow_ups:  # the stage ends: a terminate or error end cancels its tasks
                    if open_task.is_alive:
                        open_task.interrupt()
                if decision == "reject":
                    flows[f.STAGE_REJECTED] += 1
                    return False, waited
                flows[f.STAGE_APPROVED] += 1
        return True, waited

    def follow_up(self, at: float, script: RequestScript, flows: Counter[str]) -> Steps:
        """UserTask_FollowUpSlaBreach, worked by the centre's staff in the back office unless the stage ends first."""
        yield self.env.timeout(at - self.env.now)
        flows[f.FOLLOW_UP] += 1
        try:
            yield from self.serve(BACK_OFFICE, script.follow_up_minutes, [])
        except simpy.Interrupt:
            return
        flows[f.FOLLOWED_UP] += 1


def simulate_centre(centre: str, staff: int, scripts: Sequence[RequestScript], services: Mapping[str, Service],
                    calendar: StudyCalendar, period_end: float, visit_profile: Mapping[int, float]) -> CentreRun:
    return CentreSimulation(centre, staff, scripts, services, calendar, period_end, visit_profile).run()
