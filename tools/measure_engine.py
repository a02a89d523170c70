"""Print the engine's start-up figures for the README: cold (download + start), warm start, memory.

Usage: .venv/bin/python tools/measure_engine.py [--cold] [--webapps]
--cold deletes the download cache (and Maven's copy) first; it uses its own ports and run folder.
--webapps measures the webapps mode (OpenSearch, bin/broker, standalone Operate and Tasklist)
instead of the broker alone, and reports the shares of the start and each process's memory.
"""

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from engine import launcher, process, search_node
from engine.config import WEBAPPS
from engine.settings import EngineSettings
from engine.version import CAMUNDA_VERSION

M2 = Path.home() / ".m2/repository"
MAVEN_COPIES = ("io/camunda/camunda-zeebe", "org/opensearch/distribution/integ-test-zip", "org/opensearch/plugin")


def rss_mib(pid: int) -> float:
    """Resident memory of the process and its children (bin/opensearch and setpriv exec into java)."""
    total = 0.0
    for proc in [pid, *children(pid)]:
        for line in Path(f"/proc/{proc}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *children(int(child))]
    return found


def start(settings: EngineSettings) -> launcher.UpResult:
    result = asyncio.run(launcher.up(settings, deploy=False))
    if not result.started:
        raise SystemExit("an engine already answers on the measuring ports; stop it first")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--webapps", action="store_true")
    args = parser.parse_args()
    run_dir = Path(tempfile.mkdtemp(prefix="engine-measure-"))
    run_dir.chmod(0o755)  # OpenSearch's own user must reach its folder in it
    cache = run_dir / "cache" if args.cold else EngineSettings().cache_dir
    if args.cold:
        for copy in MAVEN_COPIES:
            shutil.rmtree(M2 / copy, ignore_errors=True)
    settings = EngineSettings(run_dir=run_dir / "run", cache_dir=cache, webapps=args.webapps, rest_port=28080,
                              grpc_port=46500, management_port=29600, command_port=46501, internal_port=46502,
                              operate_port=28081, operate_management_port=29611, tasklist_port=28082,
                              tasklist_management_port=29612, search_http_port=9280, search_transport_port=9380)
    first = start(settings)
    pid, search_pid = process.started_pid(settings), search_node.started_pid(settings)
    if pid is None:
        raise SystemExit("the engine we started is gone")
    webapp_pids = {name: process.webapp_pid(settings, name) for name in WEBAPPS} if args.webapps else {}
    time.sleep(5)
    memory = rss_mib(pid)
    search_memory = rss_mib(search_pid) if search_pid else 0.0
    webapp_memory = {name: rss_mib(p) if p else 0.0 for name, p in webapp_pids.items()}
    launcher.down(settings)
    warm = start(settings)
    launcher.down(settings)
    shutil.rmtree(run_dir, ignore_errors=True)
    label = "cold (download + unpack + start)" if args.cold else "first start (cache present)"
    mode = "OpenSearch, broker, standalone Operate and Tasklist" if args.webapps else "broker"
    print(f"Camunda {CAMUNDA_VERSION} engine ({mode})")
    print(f"  {label}: {first.seconds:.1f} s")
    print(f"  warm start (data present):   {warm.seconds:.1f} s")
    if args.webapps:
        print(f"    of which until OpenSearch is healthy: {first.search_seconds:.1f} s first, "
              f"{warm.search_seconds:.1f} s warm")
        print(f"    of which until the broker is ready:   {first.broker_seconds:.1f} s first, "
              f"{warm.broker_seconds:.1f} s warm")
        print(f"  OpenSearch resident memory 5 s after start: {search_memory:.0f} MiB")
        for name, mib in webapp_memory.items():
            print(f"  {name.capitalize()} resident memory 5 s after start: {mib:.0f} MiB")
        total = memory + search_memory + sum(webapp_memory.values())
        print(f"  broker resident memory 5 s after start: {memory:.0f} MiB (all four: {total:.0f} MiB)")
    else:
        print(f"  engine resident memory 5 s after start: {memory:.0f} MiB")


if __name__ == "__main__":
    main()
