"""The fewest staff that keep the SLA breaches a centre causes under a target, for each of its services, found
by running the simulation again with the same requests (common random numbers, so runs differ only by staff).

A breach the centre causes is one that its queues make: the request breaches with this many staff but is on
time with `max_staff` (as good as unlimited). Breaches that happen even then come from agencies' decision
times; no staff count removes them, so they are reported beside (`floor`), not counted against the centre.
Only requests the centre's staff served count (registered at the counter, a document checked, a result
handed over): the others do not depend on its staff. The target holds for each service on its own, so a
busy service cannot hide behind many quick ones; services with fewer than `MIN_REQUESTS` such requests at
the centre are judged together, so that one late request out of three does not decide a staff count.
Fewer staff never shorten a queue, so the search walks down from the current count while the target
holds, or up until it does.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from reports.load_study.simulation import CentreRun


@dataclass(frozen=True)
class Staffing:
    needed: int
    run: CentreRun  # the simulation with `needed` staff
    unlimited: CentreRun  # the simulation with `max_staff`
    runs: int  # simulations this search took

    @property
    def floor(self) -> float:
        """Breaches among the staff-served requests that no staffing removes (agencies' decision times)."""
        return self.unlimited.breach_share(staff_served_only=True)


MIN_REQUESTS = 20
OTHER = "other services"


def caused_breaches(run: CentreRun, unlimited: CentreRun) -> dict[str, float]:
    """Per service (or OTHER): the share of its staff-served requests with an SLA that breach with this staffing
    but not without queues."""
    counted: Counter[str] = Counter()
    caused: Counter[str] = Counter()
    for outcome, base in zip(run.outcomes, unlimited.outcomes, strict=True):
        if outcome.sla_applies and outcome.staff_served:
            service = outcome.script.arrival.service
            counted[service] += 1
            caused[service] += outcome.breached and not base.breached
    groups: Counter[str] = Counter()
    grouped: Counter[str] = Counter()
    for service, n in counted.items():
        group = service if n >= MIN_REQUESTS else OTHER
        groups[group] += n
        grouped[group] += caused[service]
    return {group: grouped[group] / n for group, n in groups.items()}


def worst_caused(run: CentreRun, unlimited: CentreRun) -> tuple[str, float]:
    """The service (or OTHER) with the largest share of breaches the centre causes, and that share."""
    return max(caused_breaches(run, unlimited).items(), key=lambda item: (item[1], item[0]), default=("", 0.0))


def staff_needed(simulate: Callable[[int], CentreRun], now: CentreRun, target: float, max_staff: int) -> Staffing:
    runs: dict[int, CentreRun] = {now.staff: now}

    def at(staff: int) -> CentreRun:
        if staff not in runs:
            runs[staff] = simulate(staff)
        return runs[staff]

    unlimited = at(max(max_staff, now.staff))

    def meets(staff: int) -> bool:
        return worst_caused(at(staff), unlimited)[1] <= target

    staff = now.staff
    if meets(staff):
        while staff > 1 and meets(staff - 1):
            staff -= 1
    else:
        while not meets(staff):
            staff += 1
    return Staffing(staff, at(staff), unlimited, len(runs))
