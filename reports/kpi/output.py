"""The KPI report as terminal tables (English, for whoever runs the command) and CSV files (machine-friendly
columns, one row per group and dimension, the totals as dimension `total`)."""

import csv
from collections.abc import Iterable
from pathlib import Path

from reports.kpi.report import (
    COMPLAINT_RATINGS,
    REQUEST_RATINGS,
    ComplaintRow,
    Dimension,
    HandlingTime,
    KpiReport,
    RequestRow,
    Sla,
)
from reports.output import table

SLA_COLUMNS = ("On time", "After warning", "Breached", "In progress")
REQUEST_COLUMNS = ("Volume", *SLA_COLUMNS, "Median (wd)", "P90 (wd)", "Mean rating", "5", "4", "3", "2", "1",
                   "No answer")
COMPLAINT_COLUMNS = ("Volume", "Answered", "First level", "Extended", "Reopened", "Within deadline", *SLA_COLUMNS,
                     "Median (wd)", "P90 (wd)", "Satisfied", "Dissatisfied", "No answer")
VOLUME_UNITS = {Dimension.AGENCY: "stages", Dimension.CENTRE: "requests", Dimension.STAFF: "cases worked",
                Dimension.SERVICE: "requests"}


def number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def sla_cells(row: RequestRow | ComplaintRow) -> tuple[str, ...]:
    return tuple(str(row.sla.count(outcome)) for outcome in Sla)


def time_cells(time: HandlingTime) -> tuple[str, ...]:
    return number(time.median), number(time.p90)


def request_cells(row: RequestRow) -> tuple[str, ...]:
    ratings = tuple(str(row.ratings[r]) for r in ("5", "4", "3", "2", "1", "no-answer"))
    return (str(row.volume), *sla_cells(row), *time_cells(row.time), number(row.mean_rating), *ratings)


def complaint_cells(row: ComplaintRow) -> tuple[str, ...]:
    rates = tuple(percent(row.rate(count)) for count in (row.first_level, row.extended, row.reopened,
                                                         row.within_deadline))
    return (str(row.volume), str(row.answered), *rates, *sla_cells(row), *time_cells(row.time),
            *(str(row.ratings[r]) for r in COMPLAINT_RATINGS))


def dimension_table(dimension: Dimension, columns: tuple[str, ...], rows: list[tuple[str, ...]],
                    tasks: list[int]) -> str:
    """One dimension's table; a staff member's row also says how many tasks they completed."""
    if dimension == Dimension.STAFF:
        return table((dimension.capitalize(), *columns, "Tasks"),
                     [(*row, str(count)) for row, count in zip(rows, tasks, strict=True)])
    return table((dimension.capitalize(), *columns), rows)


def as_text(report: KpiReport) -> str:
    period = report.period
    since = period.since.isoformat() if period.since else "the first case"
    parts = [f"KPI report: cases received from {since} to {period.until.isoformat()} (wd = working days)"]
    if not report.request_total.volume and not report.complaint_total.volume:
        return parts[0] + "\n\nNo service requests or complaints in this period.\n"
    parts.append("SERVICE REQUESTS")
    parts.append(table(("", *REQUEST_COLUMNS), [("Total", *request_cells(report.request_total))]))
    for dimension in Dimension:
        found = report.requests[dimension]
        rows = [(r.key, *request_cells(r)) for r in found]
        parts.append(f"Per {dimension} (volume = {VOLUME_UNITS[dimension]})\n\n"
                     + dimension_table(dimension, REQUEST_COLUMNS, rows, [r.tasks for r in found]))
    parts.append("COMPLAINTS (rates are shares of the answered complaints)")
    parts.append(table(("", *COMPLAINT_COLUMNS), [("Total", *complaint_cells(report.complaint_total))]))
    for dimension in Dimension:
        complaints = report.complaints[dimension]
        rows = [(r.key, *complaint_cells(r)) for r in complaints]
        parts.append(f"Per {dimension}\n\n" + dimension_table(dimension, COMPLAINT_COLUMNS, rows,
                                                                 [r.tasks for r in complaints]))
    parts.append("Complaints per service (about a request for it)\n\n" + table(
        ("Service", "Requests", "Complaints", "Per 100 requests"),
        [(s.service_code, str(s.requests), str(s.complaints), number(s.per_100_requests))
         for s in report.complaints_per_service]))
    return "\n\n".join(parts) + "\n"


REQUEST_CSV = ("dimension", "key", "name", "volume", "on_time", "after_warning", "breached", "in_progress",
               "finished", "median_working_days", "p90_working_days", "mean_rating",
               *(f"rating_{r.replace('-', '_')}" for r in REQUEST_RATINGS), "tasks")
COMPLAINT_CSV = ("dimension", "key", "name", "volume", "answered", "first_level", "extended", "reopened",
                 "within_deadline", "first_level_rate", "extension_rate", "reopen_rate", "within_deadline_rate",
                 "on_time", "after_warning", "breached", "in_progress", "finished", "median_working_days",
                 "p90_working_days", *(r.replace("-", "_") for r in COMPLAINT_RATINGS), "tasks")
PER_SERVICE_CSV = ("service_code", "name", "requests", "complaints", "complaints_per_100_requests")


def rounded(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def request_record(dimension: str, row: RequestRow) -> list[object]:
    return [dimension, row.key, row.name, row.volume, *(row.sla.count(s) for s in Sla), row.time.finished,
            rounded(row.time.median), rounded(row.time.p90), rounded(row.mean_rating),
            *(row.ratings[r] for r in REQUEST_RATINGS), row.tasks]


def complaint_record(dimension: str, row: ComplaintRow) -> list[object]:
    counts = (row.first_level, row.extended, row.reopened, row.within_deadline)
    return [dimension, row.key, row.name, row.volume, row.answered, *counts,
            *(rounded(row.rate(c)) for c in counts), *(row.sla.count(s) for s in Sla), row.time.finished,
            rounded(row.time.median), rounded(row.time.p90), *(row.ratings[r] for r in COMPLAINT_RATINGS),
            row.tasks]


def write_csv(report: KpiReport, folder: Path) -> tuple[Path, Path, Path]:
    """kpi-requests.csv, kpi-complaints.csv, kpi-complaints-per-service.csv (UTF-8 with BOM: Excel reads the
    Cyrillic names right)."""
    folder.mkdir(parents=True, exist_ok=True)
    requests = [request_record("total", report.request_total)] + [
        request_record(d, row) for d in Dimension for row in report.requests[d]]
    complaints = [complaint_record("total", report.complaint_total)] + [
        complaint_record(d, row) for d in Dimension for row in report.complaints[d]]
    per_service = [[s.service_code, s.name, s.requests, s.complaints, rounded(s.per_100_requests)]
                   for s in report.complaints_per_service]
    return (write(folder / "kpi-requests.csv", REQUEST_CSV, requests),
            write(folder / "kpi-complaints.csv", COMPLAINT_CSV, complaints),
            write(folder / "kpi-complaints-per-service.csv", PER_SERVICE_CSV, per_service))


def write(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path
