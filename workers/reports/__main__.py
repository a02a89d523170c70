"""python -m workers.reports documents [--since DATE] [--out FOLDER]: the document reduction report."""

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx

from engine.api import CamundaApiError, WebSession
from engine.settings import EngineSettings
from workers.reports.documents import build_report
from workers.reports.output import as_text, write_chart, write_csv
from workers.reports.source import ended_collections


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m workers.reports")
    reports = parser.add_subparsers(dest="report", required=True)
    documents = reports.add_parser("documents", help="documents fetched from registries vs asked from citizens")
    documents.add_argument("--since", type=since_date, help="only instances started on or after (YYYY-MM-DD or ISO)")
    documents.add_argument("--out", type=Path, default=Path("reports"), help="folder for the CSV and PNG files")
    documents.add_argument("--operate-url", help="Operate's address (default: the engine settings', port 8081)")
    return parser.parse_args()


def since_date(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def documents_report(args: argparse.Namespace) -> None:
    settings = EngineSettings()
    operate = WebSession(args.operate_url or settings.operate_url, (settings.web_user, settings.web_password), 30)
    try:
        report = build_report(await ended_collections(operate, args.since))
    finally:
        await operate.close()
    print(as_text(report))
    for path in (*write_csv(report, args.out), write_chart(report, args.out / "documents.png")):
        print(f"wrote {path}")


def main() -> None:
    args = arguments()
    try:
        if args.report == "documents":
            asyncio.run(documents_report(args))
    except (httpx.HTTPError, CamundaApiError) as error:
        url = args.operate_url or EngineSettings().operate_url
        sys.exit(f"report: Operate did not answer at {url} ({type(error).__name__}: {error}); "
                 "is the system running with its webapps (make run)?")


if __name__ == "__main__":
    main()
