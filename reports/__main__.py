"""python -m reports documents [--since DATE] [--out FOLDER]: the document reduction report."""

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx

from engine_client import EngineClient, EngineError
from reports.documents import build_report
from reports.output import as_text, write_chart, write_csv
from reports.settings import ReportSettings
from reports.source import ended_collections


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m reports")
    reports = parser.add_subparsers(dest="report", required=True)
    documents = reports.add_parser("documents", help="documents fetched from registries vs asked from citizens")
    documents.add_argument("--since", type=since_date, help="only instances started on or after (YYYY-MM-DD or ISO)")
    documents.add_argument("--out", type=Path, default=Path("reports"), help="folder for the CSV and PNG files")
    documents.add_argument("--engine-url", help="the engine's REST API (default: REPORTS_ENGINE_REST_URL or the "
                                                "local stack's)")
    return parser.parse_args()


def since_date(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def engine_url(args: argparse.Namespace) -> str:
    return str(args.engine_url or ReportSettings().engine_rest_url)


async def documents_report(args: argparse.Namespace) -> None:
    settings = ReportSettings()
    async with EngineClient(engine_url(args), settings.engine_user, settings.engine_password.get_secret_value(),
                            timeout_s=30) as engine:
        report = build_report(await ended_collections(engine, args.since))
    print(as_text(report))
    for path in (*write_csv(report, args.out), write_chart(report, args.out / "documents.png")):
        print(f"wrote {path}")


def main() -> None:
    args = arguments()
    try:
        if args.report == "documents":
            asyncio.run(documents_report(args))
    except (httpx.HTTPError, EngineError) as error:
        sys.exit(f"report: the engine did not answer at {engine_url(args)} ({type(error).__name__}: {error}); "
                 "is the system running (make run)?")


if __name__ == "__main__":
    main()
