"""The document reduction report as a terminal table, CSV files and a PNG chart."""

import csv
from dataclasses import astuple, fields
from pathlib import Path

from matplotlib.figure import Figure  # no pyplot: no display backend, no global state
from matplotlib.ticker import MaxNLocator

from reports.documents import Candidate, DocumentReport, ServiceFigures

SERVICE_COLUMNS = ("Service", "Instances", "Required", "From registries", "Asked citizens",
                   "Uploads rejected", "Median upload wait (h)", "Not brought")
CANDIDATE_COLUMNS = ("Rank", "Document", "Name", "Times asked", "Services", "Registry source",
                     "Uploads rejected", "Median upload wait (h)")


def service_row(s: ServiceFigures) -> tuple[str, ...]:
    return (s.service_code, str(s.instances), str(s.documents_required), str(s.fetched_from_registries),
            str(s.asked_from_citizens), str(s.uploads_rejected), hours(s.median_upload_wait_hours), s.share_percent)


def candidate_row(rank: int, c: Candidate) -> tuple[str, ...]:
    return (str(rank), c.document_code, c.document_name, str(c.times_asked), ", ".join(c.services),
            "yes" if c.has_registry_source else "no", str(c.uploads_rejected), hours(c.median_upload_wait_hours))


def hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(columns)]
    line = "  ".join("-" * w for w in widths)
    render = [("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))).rstrip()
              for row in [columns, *rows]]
    return "\n".join([render[0], line, *render[1:]])


def as_text(report: DocumentReport) -> str:
    if not report.services:
        return "No ended DocumentReductionProcess instances yet."
    services = table(SERVICE_COLUMNS, [service_row(s) for s in report.services])
    candidates = table(CANDIDATE_COLUMNS, [candidate_row(n, c) for n, c in enumerate(report.candidates, 1)])
    return (f"Documents per service\n\n{services}\n\n"
            f"Best candidates for registry retrieval (citizen-provided, most asked first)\n\n{candidates}\n")


def write_csv(report: DocumentReport, folder: Path) -> tuple[Path, Path]:
    """documents-by-service.csv and documents-candidates.csv, with machine-friendly column names."""
    folder.mkdir(parents=True, exist_ok=True)
    by_service, candidates = folder / "documents-by-service.csv", folder / "documents-candidates.csv"
    with by_service.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([f.name for f in fields(ServiceFigures)])
        writer.writerows(astuple(s) for s in report.services)
    with candidates.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["rank", *(f.name for f in fields(Candidate))])
        for rank, c in enumerate(report.candidates, 1):
            writer.writerow([rank, *astuple(c)[:3], "|".join(c.services), *astuple(c)[4:]])
    return by_service, candidates


def write_chart(report: DocumentReport, path: Path, top: int = 10) -> Path:
    """Left: documents per service by source. Right: the most-asked citizen-provided documents."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure = Figure(figsize=(13, max(3.5, 0.5 * len(report.services) + 2)))
    left, right = figure.subplots(1, 2)
    codes = [s.service_code for s in report.services]
    fetched = [s.fetched_from_registries for s in report.services]
    asked = [s.asked_from_citizens for s in report.services]
    left.barh(codes, fetched, color="#2e7d32", label="Улсын бүртгэлээс татсан")
    left.barh(codes, asked, left=fetched, color="#ef6c00", label="Иргэнээс авсан")
    for row, s in enumerate(report.services):
        left.text(s.documents_required, row, f" {s.share_percent}", va="center")
    left.set_title("Үйлчилгээ тус бүрийн бичиг баримт")
    left.set_xlabel("Бичиг баримтын тоо")
    left.invert_yaxis()
    left.legend(loc="lower right")
    shown = report.candidates[:top]
    right.barh([c.document_name for c in shown], [c.times_asked for c in shown], color="#1565c0")
    right.set_title("Бүртгэлээс татахад тэргүүлэх бичиг баримт")
    right.set_xlabel("Иргэнээс авсан удаа")
    right.invert_yaxis()
    for axes in (left, right):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return path
