"""What the KPI report holds: rows of figures per dimension, the totals and complaints per service (the
definitions of the figures are in figures.py)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from reports.kpi.cases import Period

REQUEST_RATINGS = ("1", "2", "3", "4", "5", "no-answer")
COMPLAINT_RATINGS = ("satisfied", "dissatisfied", "no-answer")


class Dimension(StrEnum):
    AGENCY = "agency"
    CENTRE = "service-centre"
    STAFF = "staff"
    SERVICE = "service"


class Sla(StrEnum):
    ON_TIME = "on-time"
    AFTER_WARNING = "after-warning"
    BREACHED = "breached"
    IN_PROGRESS = "in-progress"


@dataclass(frozen=True)
class SlaCounts:
    on_time: int = 0
    after_warning: int = 0
    breached: int = 0
    in_progress: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.after_warning + self.breached + self.in_progress

    def share(self, outcome: Sla) -> float | None:
        return self.count(outcome) / self.total if self.total else None

    def count(self, outcome: Sla) -> int:
        return {Sla.ON_TIME: self.on_time, Sla.AFTER_WARNING: self.after_warning, Sla.BREACHED: self.breached,
                Sla.IN_PROGRESS: self.in_progress}[outcome]


@dataclass(frozen=True)
class HandlingTime:
    finished: int  # items with a measured time
    median: float | None  # working days
    p90: float | None


@dataclass(frozen=True)
class RequestRow:
    key: str
    name: str
    volume: int  # requests (per agency: stages)
    sla: SlaCounts
    time: HandlingTime
    ratings: Mapping[str, int]  # REQUEST_RATINGS -> cases
    tasks: int = 0  # staff rows: user tasks completed

    @property
    def mean_rating(self) -> float | None:
        given = sum(self.ratings.get(r, 0) for r in REQUEST_RATINGS[:5])
        return sum(int(r) * self.ratings.get(r, 0) for r in REQUEST_RATINGS[:5]) / given if given else None


@dataclass(frozen=True)
class ComplaintRow:
    key: str
    name: str
    volume: int
    answered: int
    first_level: int
    extended: int
    reopened: int
    within_deadline: int
    sla: SlaCounts
    time: HandlingTime
    ratings: Mapping[str, int]  # COMPLAINT_RATINGS -> complaints
    tasks: int = 0

    def rate(self, count: int) -> float | None:
        """A share of the answered complaints."""
        return count / self.answered if self.answered else None


@dataclass(frozen=True)
class ServiceComplaints:
    service_code: str
    name: str
    requests: int  # received in the period
    complaints: int  # about requests for the service

    @property
    def per_100_requests(self) -> float | None:
        return 100 * self.complaints / self.requests if self.requests else None


@dataclass(frozen=True)
class KpiReport:
    period: Period
    requests: Mapping[Dimension, tuple[RequestRow, ...]]
    request_total: RequestRow
    complaints: Mapping[Dimension, tuple[ComplaintRow, ...]]
    complaint_total: ComplaintRow
    complaints_per_service: tuple[ServiceComplaints, ...]


@dataclass(frozen=True)
class Names:
    """Display names by dimension (the catalogue's Mongolian names); a key without one shows as itself."""

    agencies: Mapping[str, str] = field(default_factory=dict)
    centres: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, str] = field(default_factory=dict)

    def of(self, dimension: Dimension, key: str) -> str:
        found = {Dimension.AGENCY: self.agencies, Dimension.CENTRE: self.centres,
                 Dimension.SERVICE: self.services}.get(dimension, {})
        return found.get(key, key)
