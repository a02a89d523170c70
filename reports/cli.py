"""What every report command shares: its engine client (the reports' own account) and common options."""

import argparse
from datetime import UTC, datetime
from pathlib import Path

from engine_client import EngineClient
from reports.settings import ReportSettings


def since_date(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def add_engine_options(parser: argparse.ArgumentParser, out: str) -> None:
    parser.add_argument("--out", type=Path, default=Path(out), help="folder for the files the report writes")
    parser.add_argument("--engine-url", help="the engine's REST API (default: REPORTS_ENGINE_REST_URL or the "
                                             "local stack's)")


def engine_url(args: argparse.Namespace) -> str:
    return str(args.engine_url or ReportSettings().engine_rest_url)


def reports_client(args: argparse.Namespace) -> EngineClient:
    settings = ReportSettings()
    return EngineClient(engine_url(args), settings.engine_user, settings.engine_password.get_secret_value(),
                        timeout_s=30)
