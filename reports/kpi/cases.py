"""What the KPI report reads from the engine's history: each service request and complaint received in the
period, with the facts its figures come from. Plain data: `source` fills it, `figures` reads it."""

from dataclasses import dataclass
from datetime import datetime

UNKNOWN_STAFF = "unknown"  # a task nobody is recorded to have completed


@dataclass(frozen=True)
class Period:
    since: datetime | None  # cases received at or after (None: from the first)
    until: datetime  # and before


@dataclass(frozen=True)
class StaffTask:
    """A user task someone completed (in the case's own instance or a process it called)."""

    staff: str  # the task's assignee, else the user who completed it (the engine's operation log)
    element_id: str
    created: datetime
    completed: datetime


@dataclass(frozen=True)
class Stage:
    """One agency stage of a request: an iteration of SubProcess_AgencyStages."""

    number: int
    agency: str
    agency_name: str
    started: datetime
    ended: datetime | None  # the agency decided (or the stage was ended by a rejection); None while it waits
    warned: bool  # BoundaryEvent_AgencySlaWarning fired
    breached: bool  # BoundaryEvent_AgencySlaBreached fired


@dataclass(frozen=True)
class ServiceRequest:
    """A PublicServiceRequestProcess instance."""

    instance_id: str
    case_number: str
    service_code: str
    service_name: str
    service_centre: str
    received: datetime  # the instance started
    answered: datetime | None  # the citizen was told the outcome: completed, rejected or documents missing
    stages: tuple[Stage, ...]
    satisfaction: int | str | None  # 1-5, "no-answer" after 7 days of silence, None while not asked
    tasks: tuple[StaffTask, ...] = ()


@dataclass(frozen=True)
class Complaint:
    """A ComplaintEscalationProcess instance (inquiry, complaint, petition or suggestion)."""

    instance_id: str
    case_number: str
    kind: str
    agency: str | None  # the organisation it concerns: a catalogue agency or a service centre (capital:…, aimag:…)
    related_case: str | None  # the service request it is about
    related_service: str | None  # that request's serviceCode
    related_centre: str | None  # and serviceCentre
    received: datetime  # receivedAt
    answered: datetime | None  # answeredAt (the last answer, when reopened)
    resolved_by: str | None  # first-level | organisation | quality-control | leadership
    sla_status: str | None  # in-time | extended | breached
    extended: bool
    reopened: bool
    reminded: bool  # a reminder timer (Event_ReminderDue) fired
    overdue: bool  # the answer deadline timer (BoundaryEvent_AnswerOverdue) fired
    satisfaction: str | None  # satisfied | dissatisfied | no-answer
    tasks: tuple[StaffTask, ...] = ()


@dataclass(frozen=True)
class History:
    period: Period
    requests: tuple[ServiceRequest, ...]
    complaints: tuple[Complaint, ...]
