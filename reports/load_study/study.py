"""A study: the model, the calendar and the period, and how to run one centre with a given number of staff."""

import functools
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from catalog.model import CalendarOverrides, Channel, Service, ServiceCentre
from reports.load_study.arrivals import centre_arrivals
from reports.load_study.behaviour import CitizenPool, RequestScript, SyntheticCitizens, scripts
from reports.load_study.calendar import DAY, StudyCalendar
from reports.load_study.model import LoadModel
from reports.load_study.simulation import CentreRun, simulate_centre
from reports.load_study.staffing import Staffing, staff_needed


@dataclass(frozen=True)
class Study:
    model: LoadModel
    services: Mapping[str, Service]
    centres: Sequence[ServiceCentre]  # the centres studied
    calendar: StudyCalendar
    first: float  # arrivals in [first, last) minutes of the calendar
    last: float
    seed: int
    scale: float = 1.0  # demand multiplier (1.2: what if 20% more citizens come)
    citizens: CitizenPool | None = None  # default: synthetic, by the catalogue's shares

    @classmethod
    def over_days(cls, model: LoadModel, services: Mapping[str, Service], centres: Sequence[ServiceCentre],
                  overrides: CalendarOverrides, start: date, days: int, seed: int, scale: float = 1.0) -> "Study":
        calendar = StudyCalendar.build(start, model.opening_hours, overrides, years=1 + days // 365)
        return cls(model, services, centres, calendar, 0.0, float(days * DAY), seed, scale)

    def pool(self) -> CitizenPool:
        return self.citizens or SyntheticCitizens(self.model.citizens.identity_rejected,
                                                  self.model.citizens.registry_records)

    def scripts(self, centre: str) -> list[RequestScript]:
        arrivals = centre_arrivals(self.model, self.calendar, centre, self.first, self.last, self.seed, self.scale)
        return scripts(arrivals, self.services, self.model, self.pool(), self.seed)

    def run(self, centre: str, staff: int, requests: Sequence[RequestScript]) -> CentreRun:
        return simulate_centre(centre, staff, requests, self.services, self.calendar, self.last,
                               self.model.hour_profile[Channel.SERVICE_CENTRE])


@dataclass(frozen=True)
class CentreResult:
    centre: ServiceCentre
    now: CentreRun  # with the staff it has (catalog/load.yaml)
    staffing: Staffing


def study_centre(study: Study, target: float, max_staff: int, centre: ServiceCentre) -> CentreResult:
    requests = study.scripts(centre.id)
    now = study.run(centre.id, study.model.centres[centre.id].staff, requests)
    staffing = staff_needed(lambda staff: study.run(centre.id, staff, requests), now, target, max_staff)
    return CentreResult(centre, now, staffing)


def run_study(study: Study, target: float, max_staff: int, jobs: int = 1) -> list[CentreResult]:
    """Every centre of the study, each on its own (centres share no staff), in `jobs` processes."""
    work = functools.partial(study_centre, study, target, max_staff)
    if jobs <= 1 or len(study.centres) <= 1:
        return [work(centre) for centre in study.centres]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(work, study.centres))
