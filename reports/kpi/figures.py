"""The KPI figures, computed from the cases alone (no I/O). Every definition lives here, once:

- Rows per agency, service centre, staff member and service, for service requests and for complaints, and a
  total row for each; each row counts *items*: for requests, a request (per agency: a stage the agency was
  forwarded); for complaints, a complaint; per staff member, a case in which they completed a user task.
- SLA outcome of an item: *breached* once its deadline timer fired (a request: in any stage; a complaint: the
  organisation's answer deadline), even while it is still open; otherwise *in progress* while it waits for
  its answer; otherwise *after the warning* if its warning (a request's stage) or reminder (a complaint) timer
  fired; otherwise *on time*. A request with no agency stage (a reference, or one rejected before forwarding)
  is on time once answered. The four add up to the volume.
- Handling time, in working days (working_time.py): a request from its start to the citizen being told the
  outcome; a stage from its forwarding to the agency's decision; a complaint from receivedAt to answeredAt; per
  staff member, each task from its creation to its completion. Median and 90th percentile over finished items.
- Satisfaction: the rating of each case, counted once per row (1-5 or no answer; complaints satisfied,
  dissatisfied or no answer); cases not asked yet are left out.
- Complaint rates, over the answered complaints of the row: first-level resolution (resolvedBy first-level),
  extension (extended), reopening (reopened), answered within the legal deadline (slaStatus in-time or
  extended, i.e. not breached).
- Complaints per service: complaints about a service request (relatedCaseNumber), by that request's service,
  beside the requests for the service received in the period, and per 100 of them.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from catalog.model import CalendarOverrides
from reports.kpi.cases import UNKNOWN_STAFF, Complaint, History, ServiceRequest, StaffTask, Stage
from reports.kpi.report import (
    COMPLAINT_RATINGS,
    REQUEST_RATINGS,
    ComplaintRow,
    Dimension,
    HandlingTime,
    KpiReport,
    Names,
    RequestRow,
    ServiceComplaints,
    Sla,
    SlaCounts,
)
from reports.kpi.working_time import percentile, working_days_between

SERVICE_CENTRE = re.compile(r"^(capital|aimag):")
WITHIN_DEADLINE = ("in-time", "extended")


@dataclass(frozen=True)
class Item:
    """One thing a row counts: a request, a stage, a complaint, or a case a staff member worked on."""

    case: str  # its instance, so a case's rating counts once per row
    sla: Sla
    durations: tuple[float, ...]  # working days
    rating: str | None
    complaint: Complaint | None = None
    tasks: int = 0


def build_report(history: History, calendar: CalendarOverrides, names: Names | None = None) -> KpiReport:
    names = with_case_names(names or Names(), history)
    days = WorkingDays(calendar)
    requests = {dimension: tuple(request_row(key, names.of(dimension, key), items) for key, items in
                                 ordered(request_items(history.requests, dimension, days)))
                for dimension in Dimension}
    complaints = {dimension: tuple(complaint_row(key, names.of(dimension, key), items) for key, items in
                                   ordered(complaint_items(history.complaints, dimension, days)))
                  for dimension in Dimension}
    return KpiReport(
        period=history.period,
        requests=requests,
        request_total=request_row("total", "", [request_item(r, days) for r in history.requests]),
        complaints=complaints,
        complaint_total=complaint_row("total", "", [complaint_item(c, days) for c in history.complaints]),
        complaints_per_service=per_service(history, names),
    )


class WorkingDays:
    def __init__(self, calendar: CalendarOverrides) -> None:
        self.calendar = calendar

    def between(self, start: datetime, end: datetime | None) -> tuple[float, ...]:
        return () if end is None else (working_days_between(start, end, self.calendar),)

    def of_tasks(self, tasks: Iterable[StaffTask]) -> tuple[float, ...]:
        return tuple(working_days_between(t.created, t.completed, self.calendar) for t in tasks)


def with_case_names(names: Names, history: History) -> Names:
    """The catalogue's names, completed by those the cases carry (a service's name, a stage's agency name)."""
    services = {r.service_code: r.service_name for r in history.requests if r.service_name}
    agencies = {s.agency: s.agency_name for r in history.requests for s in r.stages if s.agency_name}
    return Names(agencies={**agencies, **names.agencies}, centres=names.centres,
                 services={**services, **names.services})


def ordered(groups: Mapping[str, list[Item]]) -> list[tuple[str, list[Item]]]:
    """Largest first, then by key."""
    return sorted(groups.items(), key=lambda group: (-len(group[1]), group[0]))


# service requests

def stage_sla(stage: Stage) -> Sla:
    if stage.breached:
        return Sla.BREACHED
    if stage.ended is None:
        return Sla.IN_PROGRESS
    return Sla.AFTER_WARNING if stage.warned else Sla.ON_TIME


def request_sla(request: ServiceRequest) -> Sla:
    stages = [stage_sla(s) for s in request.stages]
    if Sla.BREACHED in stages:
        return Sla.BREACHED
    if request.answered is None:
        return Sla.IN_PROGRESS
    return Sla.AFTER_WARNING if Sla.AFTER_WARNING in stages else Sla.ON_TIME


def request_rating(request: ServiceRequest) -> str | None:
    return None if request.satisfaction is None else str(request.satisfaction)


def request_item(request: ServiceRequest, days: WorkingDays) -> Item:
    return Item(request.instance_id, request_sla(request), days.between(request.received, request.answered),
                request_rating(request))


def request_items(requests: Iterable[ServiceRequest], dimension: Dimension,
                  days: WorkingDays) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for request in requests:
        if dimension == Dimension.AGENCY:
            for stage in request.stages:
                groups[stage.agency].append(Item(request.instance_id, stage_sla(stage),
                                                 days.between(stage.started, stage.ended), request_rating(request)))
        elif dimension == Dimension.STAFF:
            whole = request_item(request, days)
            for staff, tasks in by_staff(request.tasks).items():
                groups[staff].append(Item(whole.case, whole.sla, days.of_tasks(tasks), whole.rating,
                                          tasks=len(tasks)))
        else:
            key = request.service_centre if dimension == Dimension.CENTRE else request.service_code
            groups[key].append(request_item(request, days))
    return groups


def request_row(key: str, name: str, items: Sequence[Item]) -> RequestRow:
    return RequestRow(key, name, len(items), sla_counts(items), handling_time(items),
                      ratings(items, REQUEST_RATINGS), sum(i.tasks for i in items))


# complaints

def complaint_sla(complaint: Complaint) -> Sla:
    if complaint.overdue:
        return Sla.BREACHED
    if complaint.answered is None:
        return Sla.IN_PROGRESS
    return Sla.AFTER_WARNING if complaint.reminded else Sla.ON_TIME


def complaint_item(complaint: Complaint, days: WorkingDays) -> Item:
    return Item(complaint.instance_id, complaint_sla(complaint), days.between(complaint.received, complaint.answered),
                complaint.satisfaction, complaint)


def complaint_keys(complaint: Complaint, dimension: Dimension) -> list[str]:
    """The agency or service centre a complaint concerns (the centre of the request it is about, if it names
    none), and the service of that request."""
    named_centre = complaint.agency is not None and bool(SERVICE_CENTRE.match(complaint.agency))
    if dimension == Dimension.AGENCY:
        return [complaint.agency] if complaint.agency and not named_centre else []
    if dimension == Dimension.CENTRE:
        centre = complaint.agency if named_centre else complaint.related_centre
        return [centre] if centre else []
    if dimension == Dimension.SERVICE:
        return [complaint.related_service] if complaint.related_service else []
    return sorted(by_staff(complaint.tasks))


def complaint_items(complaints: Iterable[Complaint], dimension: Dimension,
                    days: WorkingDays) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for complaint in complaints:
        whole = complaint_item(complaint, days)
        for key in complaint_keys(complaint, dimension):
            if dimension == Dimension.STAFF:
                tasks = by_staff(complaint.tasks)[key]
                groups[key].append(Item(whole.case, whole.sla, days.of_tasks(tasks), whole.rating, complaint,
                                        len(tasks)))
            else:
                groups[key].append(whole)
    return groups


def complaint_row(key: str, name: str, items: Sequence[Item]) -> ComplaintRow:
    answered = [i.complaint for i in items if i.complaint and i.complaint.answered is not None]
    return ComplaintRow(
        key, name, len(items), len(answered),
        first_level=sum(1 for c in answered if c.resolved_by == "first-level"),
        extended=sum(1 for c in answered if c.extended),
        reopened=sum(1 for c in answered if c.reopened),
        within_deadline=sum(1 for c in answered if c.sla_status in WITHIN_DEADLINE),
        sla=sla_counts(items), time=handling_time(items), ratings=ratings(items, COMPLAINT_RATINGS),
        tasks=sum(i.tasks for i in items),
    )


def per_service(history: History, names: Names) -> tuple[ServiceComplaints, ...]:
    requests = Counter(r.service_code for r in history.requests)
    complaints = Counter(c.related_service for c in history.complaints if c.related_service)
    rows = [ServiceComplaints(code, names.of(Dimension.SERVICE, code), requests[code], complaints[code])
            for code in set(requests) | set(complaints)]
    return tuple(sorted(rows, key=lambda row: (-row.complaints, -row.requests, row.service_code)))


# shared

def by_staff(tasks: Iterable[StaffTask]) -> dict[str, list[StaffTask]]:
    found: dict[str, list[StaffTask]] = defaultdict(list)
    for task in tasks:
        found[task.staff or UNKNOWN_STAFF].append(task)
    return found


def sla_counts(items: Iterable[Item]) -> SlaCounts:
    counted = Counter(i.sla for i in items)
    return SlaCounts(counted[Sla.ON_TIME], counted[Sla.AFTER_WARNING], counted[Sla.BREACHED],
                     counted[Sla.IN_PROGRESS])


def handling_time(items: Iterable[Item]) -> HandlingTime:
    durations = [d for i in items for d in i.durations]
    return HandlingTime(len(durations), percentile(durations, 0.5), percentile(durations, 0.9))


def ratings(items: Iterable[Item], scale: Sequence[str]) -> dict[str, int]:
    """Each case once, whatever number of items it has in the row."""
    per_case: dict[str, str] = {i.case: i.rating for i in items if i.rating is not None}
    counted = Counter(per_case.values())
    return {rating: counted[rating] for rating in scale}

