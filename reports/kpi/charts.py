"""The KPI charts as PNG (Mongolian labels): SLA outcome, handling time, satisfaction, complaints. Each is
rendered once to bytes, written to a file and embedded in the HTML page."""

import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch  # no pyplot: no display backend, no global state
from matplotlib.ticker import MaxNLocator, PercentFormatter

from reports.kpi import texts
from reports.kpi.report import COMPLAINT_RATINGS, REQUEST_RATINGS, Dimension, KpiReport, RequestRow, Sla

LABEL_WIDTH = 34  # characters per line of a bar's name
TOP = 15  # bars per panel at most (the largest groups; the tables list all)
DPI = 110
MEDIAN, P90 = "#1565c0", "#90caf9"


def render_charts(report: KpiReport) -> dict[str, bytes]:
    """Chart name -> PNG bytes."""
    charts: dict[str, Callable[[KpiReport], Figure]] = {
        "kpi-sla": sla_chart, "kpi-handling-time": time_chart, "kpi-satisfaction": satisfaction_chart,
        "kpi-complaints": complaints_chart}
    return {name: png(draw(report)) for name, draw in charts.items()}


def write_charts(charts: Mapping[str, bytes], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in charts.items():
        path = folder / f"{name}.png"
        path.write_bytes(content)
        paths.append(path)
    return paths


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def label(name: str) -> str:
    return "\n".join(textwrap.wrap(name, LABEL_WIDTH)) or "—"


def panels(rows: int) -> tuple[Figure, Axes, Axes]:
    figure = Figure(figsize=(13, max(3.8, 0.55 * min(rows, TOP) + 1.8)))
    left, right = figure.subplots(1, 2)
    return figure, left, right


def no_data(axes: Axes, title: str) -> None:
    axes.set_title(title)
    axes.text(0.5, 0.5, texts.NO_DATA, ha="center", va="center", transform=axes.transAxes, color="#616161")
    axes.set_axis_off()


def sla_bars(axes: Axes, rows: Sequence[RequestRow], title: str) -> None:
    """Each group's items as one 100% bar: on time, after the warning, breached, in progress."""
    shown = [r for r in rows if r.volume][:TOP]
    if not shown:
        no_data(axes, title)
        return
    names = [label(r.name) for r in shown]
    left = [0.0] * len(shown)
    for outcome in Sla:
        shares = [r.sla.share(outcome) or 0.0 for r in shown]
        axes.barh(names, shares, left=left, color=texts.SLA_COLOURS[outcome], label=texts.SLA_LABELS[outcome])
        left = [a + b for a, b in zip(left, shares, strict=True)]
    for row, r in enumerate(shown):
        axes.text(1.01, row, str(r.volume), va="center", fontsize=9)
    axes.set_xlim(0, 1.08)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_title(title)
    axes.invert_yaxis()


def sla_chart(report: KpiReport) -> Figure:
    centres, agencies = report.requests[Dimension.CENTRE], report.requests[Dimension.AGENCY]
    figure, left, right = panels(max(len(centres), len(agencies)))
    sla_bars(left, centres, texts.CHART_SLA_CENTRES)
    sla_bars(right, agencies, texts.CHART_SLA_AGENCIES)
    return with_legend(figure, [(texts.SLA_LABELS[s], texts.SLA_COLOURS[s]) for s in Sla])


def with_legend(figure: Figure, entries: list[tuple[str, str]]) -> Figure:
    """One legend for both panels, below them."""
    handles = [Patch(color=colour, label=name) for name, colour in entries]
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    return figure


def time_bars(axes: Axes, rows: Sequence[RequestRow], title: str) -> None:
    shown = [r for r in rows if r.time.finished][:TOP]
    if not shown:
        no_data(axes, title)
        return
    positions = range(len(shown))
    axes.barh([p - 0.2 for p in positions], [r.time.median or 0.0 for r in shown], height=0.4, color=MEDIAN)
    axes.barh([p + 0.2 for p in positions], [r.time.p90 or 0.0 for r in shown], height=0.4, color=P90)
    axes.set_yticks(list(positions), [label(r.name) for r in shown])
    axes.set_xlabel(texts.WORKING_DAYS)
    axes.set_title(title)
    axes.invert_yaxis()


def time_chart(report: KpiReport) -> Figure:
    services, agencies = report.requests[Dimension.SERVICE], report.requests[Dimension.AGENCY]
    figure, left, right = panels(max(len(services), len(agencies)))
    time_bars(left, services, texts.CHART_TIME_SERVICES)
    time_bars(right, agencies, texts.CHART_TIME_AGENCIES)
    return with_legend(figure, [(texts.CHART_MEDIAN, MEDIAN), (texts.CHART_P90, P90)])


def count_bars(axes: Axes, labels: Mapping[str, str], counts: Mapping[str, int], colours: Sequence[str],
               title: str) -> None:
    if not sum(counts.values()):
        no_data(axes, title)
        return
    axes.bar([labels[k] for k in labels], [counts[k] for k in labels], color=colours)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(texts.CHART_COUNT)
    axes.set_title(title)
    axes.tick_params(axis="x", labelsize=8)


def satisfaction_chart(report: KpiReport) -> Figure:
    figure = Figure(figsize=(13, 4))
    left, right = figure.subplots(1, 2)
    order = [r for r in ("5", "4", "3", "2", "1", "no-answer") if r in REQUEST_RATINGS]
    count_bars(left, {r: texts.REQUEST_RATING_LABELS[r] for r in order}, report.request_total.ratings,
               ["#2e7d32", "#7cb342", "#fdd835", "#fb8c00", "#c62828", "#9e9e9e"], texts.CHART_RATINGS_REQUESTS)
    count_bars(right, {r: texts.COMPLAINT_RATING_LABELS[r] for r in COMPLAINT_RATINGS},
               report.complaint_total.ratings, ["#2e7d32", "#c62828", "#9e9e9e"], texts.CHART_RATINGS_COMPLAINTS)
    figure.tight_layout()
    return figure


def complaints_chart(report: KpiReport) -> Figure:
    per_service = [s for s in report.complaints_per_service if s.per_100_requests is not None][:TOP]
    figure, left, right = panels(len(per_service))
    total = report.complaint_total
    rates = {texts.COLUMNS["first_level"]: total.rate(total.first_level),
             texts.COLUMNS["extended"]: total.rate(total.extended),
             texts.COLUMNS["reopened"]: total.rate(total.reopened),
             texts.COLUMNS["within_deadline"]: total.rate(total.within_deadline)}
    if total.answered:
        names = [label(name) for name in rates]
        values = [value or 0.0 for value in rates.values()]
        left.barh(names, values, color=["#1565c0", "#f9a825", "#8e24aa", "#2e7d32"])
        for row, value in enumerate(values):
            left.text(value + 0.01, row, f"{value * 100:.0f}%", va="center", fontsize=9)
        left.set_xlim(0, 1.12)
        left.xaxis.set_major_formatter(PercentFormatter(1.0))
        left.set_title(texts.CHART_COMPLAINT_RATES)
        left.invert_yaxis()
    else:
        no_data(left, texts.CHART_COMPLAINT_RATES)
    if per_service:
        right.barh([label(s.name) for s in per_service], [s.per_100_requests or 0.0 for s in per_service],
                   color="#6d4c41")
        right.set_title(texts.CHART_PER_SERVICE)
        right.invert_yaxis()
    else:
        no_data(right, texts.CHART_PER_SERVICE)
    figure.tight_layout()
    return figure
