"""The KPI report as one self-contained HTML page for a Quality Control officer: Mongolian headings, a short
explanation of every figure, the charts inline (base64 PNG), no external file, style or script."""

import base64
from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from pathlib import Path

from domain.working_days import ULAANBAATAR
from reports.kpi import texts
from reports.kpi.cases import UNKNOWN_STAFF
from reports.kpi.report import (
    COMPLAINT_RATINGS,
    ComplaintRow,
    Dimension,
    KpiReport,
    RequestRow,
    Sla,
)

STYLE = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0; color: #212121; background: #fafafa; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
header { background: #0d47a1; color: #fff; padding: 22px 28px; }
header h1 { margin: 0 0 6px; font-size: 26px; }
header p { margin: 0; opacity: .9; }
h2 { border-bottom: 2px solid #0d47a1; padding-bottom: 4px; margin-top: 36px; color: #0d47a1; }
h3 { margin: 26px 0 6px; }
p.text, p.note { max-width: 960px; line-height: 1.5; }
p.note { color: #555; font-size: 14px; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; margin-top: 8px; }
.card { background: #fff; border: 1px solid #e0e0e0; border-radius: 8px; padding: 14px 16px; }
.card .value { font-size: 28px; font-weight: bold; color: #0d47a1; }
.card .label { font-size: 14px; color: #555; }
figure { margin: 12px 0; background: #fff; border: 1px solid #e0e0e0; border-radius: 8px; padding: 8px; }
figure img { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; background: #fff; font-size: 12.5px; margin: 6px 0 12px; width: 100%; }
th, td { border: 1px solid #e0e0e0; padding: 4px 5px; }
th { background: #e3f2fd; text-align: center; font-weight: 600; font-size: 11px; }
td.name { min-width: 140px; }
td.num { text-align: right; white-space: nowrap; }
td .share { color: #757575; font-size: 11px; }
tr.total td { font-weight: bold; background: #f5f5f5; }
td.on-time { color: #2e7d32; } td.after-warning { color: #9a6b00; } td.breached { color: #c62828; }
footer { color: #757575; font-size: 12px; margin-top: 40px; }
"""


def render_page(report: KpiReport, charts: Mapping[str, bytes], generated: datetime) -> str:
    body = "\n".join([
        summary(report),
        section(texts.HOW_TO_READ, paragraph(texts.HOW_TO_READ_TEXT)),
        section(texts.SECTION_REQUESTS, "\n".join([
            subsection(texts.SLA_TITLE, texts.SLA_TEXT, chart(charts, "kpi-sla", texts.SLA_TITLE)),
            subsection(texts.TIME_TITLE, texts.TIME_TEXT, chart(charts, "kpi-handling-time", texts.TIME_TITLE)),
            *(subsection(f"{texts.SECTION_REQUESTS}: {texts.DIMENSIONS[d].lower()}", texts.REQUEST_NOTES[d],
                         request_table(report, d)) for d in Dimension),
        ])),
        section(texts.SATISFACTION_TITLE, paragraph(texts.SATISFACTION_TEXT)
                + chart(charts, "kpi-satisfaction", texts.SATISFACTION_TITLE)),
        section(texts.SECTION_COMPLAINTS, "\n".join([
            subsection(texts.COMPLAINT_RATES_TITLE, texts.COMPLAINT_RATES_TEXT,
                       chart(charts, "kpi-complaints", texts.COMPLAINT_RATES_TITLE) + complaints_overall(report)),
            *(subsection(f"{texts.SECTION_COMPLAINTS}: {texts.DIMENSIONS[d].lower()}", texts.COMPLAINT_NOTES[d],
                         complaint_table(report, d)) for d in Dimension),
        ])),
        section(texts.SECTION_PER_SERVICE, paragraph(texts.PER_SERVICE_TEXT) + per_service_table(report)),
    ])
    return f"""<!DOCTYPE html>
<html lang="mn">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(texts.TITLE)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{escape(texts.TITLE)}</h1>
<p>{escape(texts.SUBTITLE)} · {escape(texts.PERIOD)}: {escape(period(report))} · {escape(texts.GENERATED)}: \
{escape(local(generated))}</p>
</header>
<main>
{body}
<footer>{escape(texts.FOOTER)}</footer>
</main>
</body>
</html>
"""


def write_page(report: KpiReport, charts: Mapping[str, bytes], generated: datetime, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(report, charts, generated), encoding="utf-8")
    return path


def local(moment: datetime) -> str:
    return f"{moment.astimezone(ULAANBAATAR):%Y-%m-%d %H:%M}"


def period(report: KpiReport) -> str:
    since = local(report.period.since) if report.period.since else texts.FROM_START
    return f"{since} – {local(report.period.until)} ({texts.UB_TIME})"


def section(title: str, content: str) -> str:
    return f"<section>\n<h2>{escape(title)}</h2>\n{content}\n</section>"


def subsection(title: str, note: str, content: str) -> str:
    return f'<h3>{escape(title)}</h3>\n<p class="note">{escape(note)}</p>\n{content}'


def paragraph(text: str) -> str:
    return f'<p class="text">{escape(text)}</p>'


def chart(charts: Mapping[str, bytes], name: str, title: str) -> str:
    encoded = base64.b64encode(charts[name]).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{encoded}" alt="{escape(title)}"></figure>'


def card(value: str, label: str) -> str:
    return f'<div class="card"><div class="value">{escape(value)}</div><div class="label">{escape(label)}</div></div>'


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def summary(report: KpiReport) -> str:
    requests, complaints = report.request_total, report.complaint_total
    satisfied = complaints.ratings["satisfied"]
    rated = sum(complaints.ratings[r] for r in COMPLAINT_RATINGS[:2])
    median = requests.time.median
    cards = [
        card(str(requests.volume), texts.SUMMARY["requests"]),
        card(percent(requests.sla.share(Sla.ON_TIME)), texts.SUMMARY["on_time"]),
        card(str(requests.sla.breached), texts.SUMMARY["breached"]),
        card(days(median), texts.SUMMARY["median"]),
        card(str(complaints.volume), texts.SUMMARY["complaints"]),
        card(percent(complaints.rate(complaints.within_deadline)), texts.SUMMARY["within_deadline"]),
        card(days(requests.mean_rating), texts.SUMMARY["mean_rating"]),
        card(percent(satisfied / rated if rated else None), texts.SUMMARY["satisfied"]),
    ]
    return f'<section class="cards">{"".join(cards)}</section>'


def cell(value: object, css: str = "num") -> str:
    return f'<td class="{css}">{escape(str(value))}</td>'


def share_cell(count: int, share: float | None, css: str = "num") -> str:
    return f'<td class="{css}">{count}<br><span class="share">{percent(share)}</span></td>'


def sla_cells(row: RequestRow | ComplaintRow) -> list[str]:
    return [share_cell(row.sla.count(outcome), row.sla.share(outcome), f"num {outcome}") for outcome in Sla]


Header = list[tuple[str, list[str]]]  # column groups: (group title, or "" for a column of its own; columns)


def table(header: Header, rows: Iterable[list[str]], total: list[str] | None = None) -> str:
    """A table with grouped column headings; the total row, if any, first."""
    top, below = [], []
    for group, columns in header:
        if group:
            top.append(f'<th colspan="{len(columns)}">{escape(group)}</th>')
            below += [f"<th>{escape(column)}</th>" for column in columns]
        else:
            top += [f'<th rowspan="2">{escape(column)}</th>' for column in columns]
    lines = ([f'<tr class="total">{"".join(total)}</tr>'] if total else []) + [
        f"<tr>{''.join(row)}</tr>" for row in rows]
    return (f"<table>\n<tr>{''.join(top)}</tr>\n<tr>{''.join(below)}</tr>\n" + "\n".join(lines)
            + "\n</table>")


def display_name(dimension: Dimension, row: RequestRow | ComplaintRow) -> str:
    if dimension == Dimension.STAFF and row.key == UNKNOWN_STAFF:
        return texts.UNKNOWN_STAFF
    return row.name if row.name == row.key else f"{row.name} ({row.key})"


def name_cell(dimension: Dimension, row: RequestRow | ComplaintRow) -> str:
    """The row's name; a staff member's with the number of tasks they completed."""
    tasks = f'<br><span class="share">{texts.TASKS.format(row.tasks)}</span>' if dimension == Dimension.STAFF else ""
    return f'<td class="name">{escape(display_name(dimension, row))}{tasks}</td>'


def request_table(report: KpiReport, dimension: Dimension) -> str:
    rows = report.requests[dimension]
    if not rows:
        return paragraph(texts.NO_DATA)
    header: Header = [
        ("", [texts.KEY_COLUMN[dimension], texts.REQUEST_VOLUME[dimension]]),
        (texts.GROUP_SLA, list(texts.SLA_LABELS.values())),
        (texts.GROUP_TIME, [texts.COLUMNS["median"], texts.COLUMNS["p90"]]),
        (texts.GROUP_RATINGS, [texts.COLUMNS["mean_rating"], *texts.REQUEST_RATING_SHORT.values()]),
    ]

    def line(name: str, row: RequestRow) -> list[str]:
        return [name, cell(row.volume), *sla_cells(row), cell(days(row.time.median)), cell(days(row.time.p90)),
                cell(days(row.mean_rating)), *(cell(row.ratings[r]) for r in texts.REQUEST_RATING_SHORT)]

    # each request has one service centre and one service, so those rows add up to the total
    partitions = dimension in (Dimension.CENTRE, Dimension.SERVICE)
    total = line(cell(texts.TOTAL, "name"), report.request_total) if partitions else None
    return table(header, [line(name_cell(dimension, r), r) for r in rows], total)


def complaint_header(dimension: Dimension | None) -> Header:
    key = [texts.KEY_COLUMN[dimension], texts.COMPLAINT_VOLUME[dimension]] if dimension else ["", texts.COLUMNS[
        "complaints"]]
    return [
        ("", [*key, texts.COLUMNS["answered"]]),
        (texts.GROUP_RATES, [texts.COLUMNS[c] for c in ("first_level", "extended", "reopened", "within_deadline")]),
        (texts.GROUP_SLA, list(texts.SLA_LABELS.values())),
        (texts.GROUP_TIME, [texts.COLUMNS["median_p90"]]),
        (texts.GROUP_RATINGS, list(texts.COMPLAINT_RATING_SHORT.values())),
    ]


def complaint_line(name: str, row: ComplaintRow) -> list[str]:
    rates = [share_cell(count, row.rate(count)) for count in
             (row.first_level, row.extended, row.reopened, row.within_deadline)]
    return [name, cell(row.volume), cell(row.answered), *rates, *sla_cells(row),
            cell(f"{days(row.time.median)} / {days(row.time.p90)}"),
            *(cell(row.ratings[r]) for r in COMPLAINT_RATINGS)]


def complaints_overall(report: KpiReport) -> str:
    return table(complaint_header(None), [], complaint_line(cell(texts.TOTAL, "name"), report.complaint_total))


def complaint_table(report: KpiReport, dimension: Dimension) -> str:
    """No total row: a complaint may name no agency, centre or service, so the rows need not add up."""
    rows = report.complaints[dimension]
    if not rows:
        return paragraph(texts.NO_DATA)
    return table(complaint_header(dimension),
                 [complaint_line(name_cell(dimension, r), r) for r in rows])


def per_service_table(report: KpiReport) -> str:
    if not report.complaints_per_service:
        return paragraph(texts.NO_DATA)
    header: Header = [("", [texts.KEY_COLUMN[Dimension.SERVICE], texts.COLUMNS["requests"],
                            texts.COLUMNS["complaints"], texts.COLUMNS["per_100"]])]
    rows = [[cell(s.name if s.name == s.service_code else f"{s.name} ({s.service_code})", "name"),
             cell(s.requests), cell(s.complaints), cell(days(s.per_100_requests))]
            for s in report.complaints_per_service]
    return table(header, rows)
