"""python -m reports REPORT [options]: the reports, each a module with HELP, add_arguments(parser), run(args)."""

import argparse
import asyncio
import importlib
import sys
from types import ModuleType

import httpx

from engine_client import EngineError
from reports.cli import engine_url

COMMANDS = {  # report name -> its module
    "documents": "reports.documents_command",
    "load-study": "reports.load_study.command",
    "kpi": "reports.kpi.command",
}


def command(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m reports")
    reports = parser.add_subparsers(dest="report", required=True)
    for name in COMMANDS:
        module = command(name)
        module.add_arguments(reports.add_parser(name, help=module.HELP))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    try:
        asyncio.run(command(args.report).run(args))
    except (httpx.HTTPError, EngineError) as error:
        sys.exit(f"report: the engine did not answer at {engine_url(args)} ({type(error).__name__}: {error}); "
                 "is the system running (make run)?")


if __name__ == "__main__":
    main()
