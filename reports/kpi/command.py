"""`python -m reports kpi`: the Quality Control KPI report (terminal table, CSV, PNG charts, one HTML page)."""

import argparse
from datetime import UTC, date, datetime, timedelta

from catalog.loader import load_agencies, load_catalog, load_complaint_rules, load_service_centres
from domain.working_days import ULAANBAATAR
from reports.cli import add_engine_options, reports_client
from reports.kpi.cases import Period
from reports.kpi.charts import render_charts, write_charts
from reports.kpi.figures import build_report
from reports.kpi.output import as_text, write_csv
from reports.kpi.page import write_page
from reports.kpi.report import Names
from reports.kpi.source import read_history

HELP = "KPIs per agency, service centre, staff member and service (SLA, handling time, complaints, satisfaction)"
PAGE = "kpi-report.html"


def since_moment(text: str) -> datetime:
    """A date is its first moment in Ulaanbaatar; a moment without a zone is Ulaanbaatar time."""
    return moment(text, end_of_day=False)


def until_moment(text: str) -> datetime:
    """A date includes the whole day (up to the next midnight in Ulaanbaatar)."""
    return moment(text, end_of_day=True)


def moment(text: str, end_of_day: bool) -> datetime:
    if len(text) == len("2026-11-01"):
        day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
        return datetime.combine(day, datetime.min.time(), tzinfo=ULAANBAATAR)
    found = datetime.fromisoformat(text)
    return found if found.tzinfo else found.replace(tzinfo=ULAANBAATAR)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=since_moment,
                        help="cases received on or after (YYYY-MM-DD in Ulaanbaatar, or an ISO moment); default: all")
    parser.add_argument("--until", type=until_moment,
                        help="cases received before this moment, or up to the end of this day; default: now")
    parser.add_argument("--case", action="append", dest="cases", metavar="CASE_NUMBER",
                        help="only this case (repeatable), e.g. to check a handful of cases")
    add_engine_options(parser, out="kpi-report")


def catalogue_names() -> Names:
    return Names(agencies={a.id: a.name_mn for a in load_agencies().values()},
                 centres={c.id: c.name_mn for c in load_service_centres().service_centres},
                 services={s.code: s.name_mn for s in load_catalog().services.values()})


async def run(args: argparse.Namespace) -> None:
    generated = datetime.now(UTC)
    period = Period(args.since, args.until or generated)
    async with reports_client(args) as engine:
        history = await read_history(engine, period, set(args.cases) if args.cases else None)
    report = build_report(history, load_complaint_rules().calendar, catalogue_names())
    print(as_text(report))
    charts = render_charts(report)
    paths = [*write_csv(report, args.out), *write_charts(charts, args.out),
             write_page(report, charts, generated, args.out / PAGE)]
    for path in paths:
        print(f"wrote {path}")
