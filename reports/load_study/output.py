"""The load study as figures per centre and per service, a terminal table, CSV files and a PNG chart."""

import csv
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure  # no pyplot: no display backend, no global state

from catalog.model import Channel, Service, ServiceCentre
from reports.load_study.calendar import DAY, StudyCalendar
from reports.load_study.simulation import CentreRun, percentile
from reports.load_study.staffing import worst_caused
from reports.load_study.study import CentreResult

ALL = "all"
CHANNEL_NAMES = {Channel.PORTAL: "Цахим портал", Channel.KIOSK: "Киоск", Channel.SERVICE_CENTRE: "Үйлчилгээний төв"}
CHANNEL_COLOURS = {Channel.PORTAL: "#1565c0", Channel.KIOSK: "#2e7d32", Channel.SERVICE_CENTRE: "#ef6c00"}


@dataclass(frozen=True)
class CentreFigures:
    centre: str
    name: str
    requests: int
    walk_ins: int
    staff_now: int
    staff_needed: int
    utilisation_now: float  # staff time worked / staff time at desks in opening hours
    hall_queue_mean: float  # citizens waiting in the hall, over opening hours
    hall_queue_max: int
    hall_wait_mean_min: float  # opening-hours minutes to reach a desk (registration, hand-over)
    hall_wait_p90_min: float
    check_wait_p90_h: float  # hours from an upload to the start of its check
    breach_share: float  # requests with an SLA that breached it
    breach_share_staff_served: float
    breaches_caused_share: float  # the worst service's staff-served requests breaching only for the queues
    breaches_caused_service: str  # that service
    breach_floor_share: float  # staff-served requests breaching even with unlimited staff
    hall_wait_p90_min_needed: float
    utilisation_needed: float
    breach_share_needed: float


@dataclass(frozen=True)
class ServiceFigures:
    centre: str  # "all" for every centre studied
    service: str
    requests: int
    with_sla: int
    breaches_now: int
    breach_probability_now: float
    breaches_needed: int
    breach_probability_needed: float


def short_name(centre: ServiceCentre) -> str:
    """`Баянзүрх дүүрэг`, `Орхон аймаг` (Сүхбаатар is both a district and an aimag)."""
    name = centre.name_mn.removeprefix("Нийслэлийн ")
    for suffix in (" дүүргийн нэгдсэн үйлчилгээний төв", " аймгийн нэгдсэн үйлчилгээний төв"):
        name = name.removesuffix(suffix)
    return f"{name} {'дүүрэг' if centre.area == 'capital' else 'аймаг'}"


def centre_figures(result: CentreResult) -> CentreFigures:
    now, needed, unlimited = result.now, result.staffing.run, result.staffing.unlimited
    worst = worst_caused(now, unlimited)
    return CentreFigures(
        centre=result.centre.id, name=short_name(result.centre), requests=len(now.outcomes),
        walk_ins=sum(o.script.walk_in for o in now.outcomes), staff_now=now.staff,
        staff_needed=result.staffing.needed, utilisation_now=round(now.utilisation, 3),
        hall_queue_mean=round(now.hall_queue_mean, 2), hall_queue_max=now.hall_queue_max,
        hall_wait_mean_min=round(sum(now.hall_waits) / len(now.hall_waits), 1) if now.hall_waits else 0.0,
        hall_wait_p90_min=round(percentile(now.hall_waits, 0.9), 1),
        check_wait_p90_h=round(percentile(now.check_waits, 0.9) / 60, 1),
        breach_share=round(now.breach_share(), 4), breach_share_staff_served=round(now.breach_share(True), 4),
        breaches_caused_share=round(worst[1], 4), breaches_caused_service=worst[0],
        breach_floor_share=round(result.staffing.floor, 4),
        hall_wait_p90_min_needed=round(percentile(needed.hall_waits, 0.9), 1),
        utilisation_needed=round(needed.utilisation, 3), breach_share_needed=round(needed.breach_share(), 4),
    )


def service_figures(results: Sequence[CentreResult], services: Mapping[str, Service]) -> list[ServiceFigures]:
    """Per centre and service, then per service over every centre (centre "all")."""
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for result in results:
        for now, needed in zip(result.now.outcomes, result.staffing.run.outcomes, strict=True):
            for centre in (result.centre.id, ALL):
                counts = tally[(centre, now.script.arrival.service)]
                counts[0] += 1
                counts[1] += now.sla_applies
                counts[2] += now.breached
                counts[3] += needed.breached
    order = {code: n for n, code in enumerate(services)}
    rows = [ServiceFigures(centre, service, n, sla, now, round(now / sla, 4) if sla else 0.0,
                           needed, round(needed / sla, 4) if sla else 0.0)
            for (centre, service), (n, sla, now, needed) in tally.items()]
    return sorted(rows, key=lambda r: (r.centre == ALL, r.centre, order.get(r.service, 0)))


def flow_counts(results: Sequence[CentreResult]) -> Counter[str]:
    return sum((r.now.flows for r in results), Counter())


def table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(columns)]
    lines = [columns, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def as_text(centres: Sequence[CentreFigures], services: Sequence[ServiceFigures], target: float) -> str:
    centre_rows = [(c.centre, str(c.requests), str(c.walk_ins), str(c.staff_now), str(c.staff_needed),
                    percent(c.utilisation_now), f"{c.hall_queue_mean:.1f}", str(c.hall_queue_max),
                    f"{c.hall_wait_mean_min:.0f}", f"{c.hall_wait_p90_min:.0f}", f"{c.check_wait_p90_h:.1f}",
                    percent(c.breach_share), f"{percent(c.breaches_caused_share)} {c.breaches_caused_service}",
                    percent(c.breach_floor_share))
                   for c in centres]
    service_rows = [(s.service, str(s.requests), str(s.with_sla), percent(s.breach_probability_now),
                     percent(s.breach_probability_needed)) for s in services if s.centre == ALL]
    return (
        "Per centre (now = the staff catalog/load.yaml gives it)\n\n"
        + table(("Centre", "Requests", "Walk-ins", "Staff now", f"Needed (caused ≤ {percent(target)})",
                 "Utilisation", "Queue mean", "Queue max", "Wait mean (min)", "Wait p90 (min)",
                 "Check wait p90 (h)", "Breaches", "Caused by queues (worst service)", "Agencies alone"),
                 centre_rows)
        + "\n\nPer service, every centre studied\n\n"
        + table(("Service", "Requests", "With SLA", "Breach now", "Breach with needed staff"), service_rows)
        + "\n"
    )


def write_rows(path: Path, rows: Sequence[object], kind: type) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([f.name for f in fields(kind)])
        writer.writerows(astuple(row) for row in rows)  # type: ignore[call-overload]
    return path


def write_csv(centres: Sequence[CentreFigures], services: Sequence[ServiceFigures], flows: Counter[str],
              folder: Path) -> tuple[Path, Path, Path]:
    """load-centres.csv, load-services.csv and load-flows.csv (model element id, times reached)."""
    folder.mkdir(parents=True, exist_ok=True)
    flows_file = folder / "load-flows.csv"
    with flows_file.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["element", "count"])
        writer.writerows(sorted(flows.items()))
    return (write_rows(folder / "load-centres.csv", centres, CentreFigures),
            write_rows(folder / "load-services.csv", services, ServiceFigures), flows_file)


def hourly_arrivals(runs: Sequence[CentreRun], hours: int) -> dict[Channel, list[int]]:
    counts = {channel: [0] * hours for channel in Channel}
    for run in runs:
        for outcome in run.outcomes:
            hour = int(outcome.script.arrival.minute // 60)
            if hour < hours:
                counts[outcome.script.arrival.channel][hour] += 1
    return counts


def arrivals_panel(axes: Axes, results: Sequence[CentreResult], calendar: StudyCalendar, period_end: float) -> None:
    hours = int(period_end // 60)
    counts, bottom = hourly_arrivals([r.now for r in results], hours), [0] * hours
    for channel in (Channel.PORTAL, Channel.KIOSK, Channel.SERVICE_CENTRE):
        axes.bar(range(hours), counts[channel], bottom=bottom, width=1.0, color=CHANNEL_COLOURS[channel],
                 label=CHANNEL_NAMES[channel], linewidth=0)
        bottom = [b + c for b, c in zip(bottom, counts[channel], strict=True)]
    labelled = False
    for day_number in range(hours // 24):
        day = calendar.day(day_number * DAY)
        if calendar.is_day_off(day):
            axes.axvspan(day_number * 24, day_number * 24 + 24, color="#c62828", alpha=0.12,
                         label=None if labelled else "Баярын өдөр (төв хаалттай)")
            labelled = True
    ticks = range(0, hours, 24)
    axes.set_xticks(list(ticks), [calendar.day(t * 60).strftime("%m-%d") for t in ticks], rotation=90, fontsize=7)
    axes.set_xlim(0, hours)
    axes.set_title("Цаг тутмын хүсэлт (бүх төв, сувгаар)")
    axes.set_ylabel("Хүсэлт / цаг")
    axes.legend(loc="upper right", fontsize=8)


def write_chart(results: Sequence[CentreResult], services: Sequence[ServiceFigures],
                catalogue: Mapping[str, Service], calendar: StudyCalendar, period_end: float, target: float,
                path: Path) -> Path:
    """Staff now and needed per centre, waiting times, arrivals over the period, SLA breaches per service."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = [centre_figures(r) for r in results]
    figure = Figure(figsize=(14, 0.28 * len(figures) + 9.5), layout="constrained")
    grid = figure.add_gridspec(3, 2, height_ratios=[max(1.5, 0.28 * len(figures)), 3.0, 3.0])
    staff, waits = figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1])
    arrivals, breaches = figure.add_subplot(grid[1, :]), figure.add_subplot(grid[2, :])
    rows = range(len(figures))
    names = [c.name for c in figures]
    staff.barh([r - 0.2 for r in rows], [c.staff_now for c in figures], height=0.4, color="#90a4ae", label="Одоо")
    staff.barh([r + 0.2 for r in rows], [c.staff_needed for c in figures], height=0.4, color="#1565c0",
               label=f"Шаардлагатай (дарааллаас үүдэх хэтрэлт ≤ {target * 100:.0f}%)")
    staff.set_yticks(list(rows), names, fontsize=8)
    staff.invert_yaxis()
    staff.set_title("Төв бүрийн ажилтны тоо")
    staff.set_xlabel("Ажилтан")
    staff.legend(loc="lower right", fontsize=8)
    waits.barh([r - 0.2 for r in rows], [c.hall_wait_p90_min for c in figures], height=0.4, color="#ef6c00",
               label="Одоогийн ажилтантай")
    waits.barh([r + 0.2 for r in rows], [c.hall_wait_p90_min_needed for c in figures], height=0.4,
               color="#2e7d32", label="Шаардлагатай ажилтантай")
    waits.set_yticks(list(rows), [""] * len(figures))
    waits.invert_yaxis()
    waits.set_title("Танхимд хүлээх хугацаа, 90-р хувь (минут)")
    waits.set_xlabel("Минут")
    waits.legend(loc="lower right", fontsize=8)
    arrivals_panel(arrivals, results, calendar, period_end)
    national = [s for s in services if s.centre == ALL and s.with_sla]
    labels = [catalogue[s.service].name_mn if s.service in catalogue else s.service for s in national]
    places = range(len(national))
    breaches.barh([p - 0.2 for p in places], [s.breach_probability_now * 100 for s in national], height=0.4,
                  color="#c62828", label="Одоогийн ажилтантай")
    breaches.barh([p + 0.2 for p in places], [s.breach_probability_needed * 100 for s in national], height=0.4,
                  color="#2e7d32", label="Шаардлагатай ажилтантай")
    breaches.set_yticks(list(places), labels, fontsize=8)
    breaches.invert_yaxis()
    breaches.set_title("Хугацаа хэтрэх магадлал, үйлчилгээ бүрээр (%)")
    breaches.set_xlabel("%")
    breaches.legend(loc="lower right", fontsize=8)
    figure.suptitle(f"Үйлчилгээний төвүүдийн ачааллын судалгаа: {calendar.origin:%Y-%m-%d}-аас "
                    f"{round(period_end / DAY)} хоног", fontsize=13)
    figure.savefig(path, dpi=100)
    return path
