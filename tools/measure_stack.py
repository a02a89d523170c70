"""Print the stack's start-up figures for the README (a benchmark, not a test).

Usage: .venv/bin/python tools/measure_stack.py [--cold] [--port 18400]
- cold (with --cold): build the engine application with an empty Maven repository and start it on an
  empty database: what a fresh machine's first `make run` pays for the engine;
- warm start: the built application on an existing database, until readiness;
- resident memory of the whole stack (engine, sandbox, intake, workers) 10 s after all answer /health.
It uses its own port and run folder, so a running `make run` stack is not disturbed.
"""

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench import stack
from bench.engines import RunningEngine
from engine import launcher, process
from engine.settings import EngineSettings
from engine.version import operaton_version


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(cold: bool, port: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="measure-") as scratch:
        folder = Path(scratch)
        settings = EngineSettings(run_dir=folder / "engine", port=port, cache_dir=folder / "build")
        if cold:
            os.environ["MAVEN_OPTS"] = f"-Dmaven.repo.local={folder / 'm2'}"
            began = time.monotonic()
            asyncio.run(launcher.up(settings))
            rows.append(("cold: build (empty Maven repository) + first start + setup + deploy",
                         f"{time.monotonic() - began:.1f} s"))
            launcher.down(settings)
            os.environ.pop("MAVEN_OPTS")
        else:
            launcher.prepare(settings)  # a warm build cache
            asyncio.run(launcher.up(settings))
            launcher.down(settings)
        began = time.monotonic()
        result = asyncio.run(launcher.up(settings))
        rows.append(("warm engine start to readiness, setup and deploy (existing database)",
                     f"{result.seconds:.1f} s"))
        assert result.pid is not None
        engine = RunningEngine("H2, 1 node", settings, (settings.rest_url,), (result.pid,))
        running = stack.start(engine, folder / "stack")
        try:
            time.sleep(10)
            memory = {"engine": rss_mib(result.pid)} | {name: rss_mib(pid) for name, pid in running.pids.items()}
            for name, mib in memory.items():
                rows.append((f"resident memory: {name}", f"{mib:.0f} MiB"))
            rows.append(("resident memory: whole stack", f"{sum(memory.values()):.0f} MiB"))
        finally:
            running.stop()
            process.stop(settings)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="also build with an empty Maven repository")
    parser.add_argument("--port", type=int, default=18400)
    args = parser.parse_args()
    rows = measure(args.cold, args.port)
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, load {os.getloadavg()[0]:.2f}; "
          f"Operaton {operaton_version()}, H2")
    for what, figure in rows:
        print(f"  {what:<75} {figure:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
