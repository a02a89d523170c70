"""`python -m reports documents`: documents fetched from registries vs asked from citizens."""

import argparse

from reports.cli import add_engine_options, reports_client, since_date
from reports.documents import build_report
from reports.output import as_text, write_chart, write_csv
from reports.source import ended_collections

HELP = "documents fetched from registries vs asked from citizens"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=since_date, help="only instances started on or after (YYYY-MM-DD or ISO)")
    add_engine_options(parser, out="reports")


async def run(args: argparse.Namespace) -> None:
    async with reports_client(args) as engine:
        report = build_report(await ended_collections(engine, args.since))
    print(as_text(report))
    for path in (*write_csv(report, args.out), write_chart(report, args.out / "documents.png")):
        print(f"wrote {path}")
