"""Print the engine's start-up figures for the README: cold (download + start), warm start, memory.

Usage: .venv/bin/python tools/measure_engine.py [--cold]
--cold deletes the download cache (and Maven's copy) first; it uses its own ports and run folder.
"""

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from engine import launcher, process
from engine.settings import EngineSettings
from engine.version import CAMUNDA_VERSION


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start(settings: EngineSettings) -> float:
    began = time.monotonic()
    result = asyncio.run(launcher.up(settings, deploy=False))
    if not result.started:
        raise SystemExit("an engine already answers on the measuring ports; stop it first")
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    run_dir = Path(tempfile.mkdtemp(prefix="engine-measure-"))
    cache = run_dir / "cache" if args.cold else EngineSettings().cache_dir
    if args.cold:
        shutil.rmtree(Path.home() / ".m2/repository/io/camunda/camunda-zeebe", ignore_errors=True)
    settings = EngineSettings(run_dir=run_dir, cache_dir=cache, rest_port=28080, grpc_port=46500,
                              management_port=29600, command_port=46501, internal_port=46502)
    first = start(settings)
    pid = process.started_pid(settings)
    if pid is None:
        raise SystemExit("the engine we started is gone")
    time.sleep(5)
    memory = rss_mib(pid)
    launcher.down(settings)
    warm = start(settings)
    launcher.down(settings)
    shutil.rmtree(run_dir, ignore_errors=True)
    label = "cold (download + unpack + start)" if args.cold else "first start (cache present)"
    print(f"Camunda {CAMUNDA_VERSION} engine")
    print(f"  {label}: {first:.1f} s")
    print(f"  warm start (data present):   {warm:.1f} s")
    print(f"  resident memory 5 s after start: {memory:.0f} MiB")


if __name__ == "__main__":
    main()
