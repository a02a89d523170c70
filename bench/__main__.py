"""python -m bench [--quick] [--mode h2] [--suites throughput,latency,end-to-end] [--quiet-cores 0.15] [--csv PATH]

Starts its own engine (free port, throw-away database), deploys the benchmark's process as the administrator,
runs the suites, prints every figure as it is measured and a Markdown table at the end, and writes a CSV. Each
figure carries the machine, the engine mode and the load average: figures taken while other programs ran are
shared, not ours alone.
"""

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench import end_to_end, latency, model, stack, throughput
from bench.engines import MODES, RunningEngine
from bench.figures import Report
from bench.machine import load_average, this_machine
from bench.plans import FULL, QUICK, Plans
from bench.ports import free_port
from engine.settings import PROJECT_ROOT
from engine.version import operaton_version

SUITES = ("throughput", "latency", "end-to-end")
RESULTS = PROJECT_ROOT / ".cache" / "bench"


async def run_suites(engine: RunningEngine, plans: Plans, suites: list[str], folder: Path, report: Report) -> None:
    async with engine.admin() as admin:
        await model.deploy(admin)
    if "throughput" in suites:
        print("worker throughput: python runtime vs java client", flush=True)
        await throughput.run(engine, plans.throughput, folder, report)
    if "latency" in suites:
        print("latency: task created -> completed at fixed start rates", flush=True)
        await latency.run(engine, plans.latency, folder, report)
    if "end-to-end" in suites:
        print("end to end: intake -> engine -> workers -> sandbox SMS, rising rates", flush=True)
        running = stack.start(engine, folder / "stack")
        try:
            await end_to_end.run(engine, running, plans.end_to_end, report)
        finally:
            running.stop()


async def main_async(args: argparse.Namespace) -> int:
    plans = QUICK if args.quick else FULL
    if args.quiet_cores is not None:
        plans = replace(plans, throughput=replace(plans.throughput, quiet_cores=args.quiet_cores))
    suites = [s.strip() for s in args.suites.split(",") if s.strip()]
    unknown = set(suites) - set(SUITES)
    if unknown:
        print(f"unknown suites {sorted(unknown)}; known: {', '.join(SUITES)}", file=sys.stderr)
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=RESULTS))
    report = Report(this_machine())
    began = time.monotonic()
    print(f"machine: {report.machine.describe()}, load {load_average():.2f}; Operaton {operaton_version()}; "
          f"{'quick' if args.quick else 'full'} run; working folder {folder}", flush=True)
    mode = MODES[args.mode](folder / "engine", free_port(), None)
    engine = await mode.start()
    print(f"engine: {engine.mode} at {', '.join(engine.rest_urls)} (PID {', '.join(map(str, engine.pids))})",
          flush=True)
    failed = True
    try:
        await run_suites(engine, plans, suites, folder, report)
        failed = False
    finally:
        mode.stop()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        csv_path = args.csv or RESULTS / f"bench-{stamp}.csv"
        report.write_csv(csv_path)
        print(f"\n{report.table()}\n\nCSV: {csv_path}; {time.monotonic() - began:.0f} s in all", flush=True)
        if failed:
            print(f"logs kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small steps, under two minutes (CI, reviewers)")
    parser.add_argument("--mode", choices=sorted(MODES), default="h2", help="the engine to measure")
    parser.add_argument("--suites", default=",".join(SUITES), help=f"comma-separated, of {', '.join(SUITES)}")
    parser.add_argument("--quiet-cores", type=float, default=None,
                        help="measure a drain again (up to 3 times) when other programs used more CPU than this")
    parser.add_argument("--csv", type=Path, default=None, help=f"default {RESULTS}/bench-<time>.csv")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
