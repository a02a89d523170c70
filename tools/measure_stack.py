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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from engine import launcher, process
from engine.settings import PROJECT_ROOT, EngineSettings
from engine.version import operaton_version


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_health(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def start_components(settings: EngineSettings, folder: Path) -> dict[str, subprocess.Popen[bytes]]:
    """Sandbox, intake and workers on ports of their own, pointed at this engine."""
    sandbox, smtp, intake, metrics = free_port(), free_port(), free_port(), free_port()
    env = os.environ | {
        "SANDBOX_HTTP_PORT": str(sandbox), "SANDBOX_SMTP_PORT": str(smtp),
        "SANDBOX_INTAKE_URL": f"http://127.0.0.1:{intake}",
        "INTAKE_PORT": str(intake), "INTAKE_ENGINE_REST_URL": settings.rest_url,
        "INTAKE_DATABASE_PATH": str(folder / "intake.sqlite"), "INTAKE_UPLOAD_DIR": str(folder / "uploads"),
        "WORKERS_ENGINE_REST_URL": settings.rest_url, "WORKERS_METRICS_PORT": str(metrics),
        "WORKERS_SYSTEMS__INTAKE_URL": f"http://127.0.0.1:{intake}",
        "WORKERS_SYSTEMS__OUTBOX_PATH": str(folder / "outbox.sqlite"),
    }
    children = {}
    for name, health in (("sandbox", sandbox), ("intake", intake), ("workers", metrics)):
        children[name] = subprocess.Popen([sys.executable, "-m", name], env=env, cwd=PROJECT_ROOT,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_health(f"http://127.0.0.1:{health}/health")
    return children


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
        children = start_components(settings, folder)
        try:
            time.sleep(10)
            memory = {"engine": rss_mib(result.pid)} | {name: rss_mib(child.pid) for name, child in children.items()}
            for name, mib in memory.items():
                rows.append((f"resident memory: {name}", f"{mib:.0f} MiB"))
            rows.append(("resident memory: whole stack", f"{sum(memory.values()):.0f} MiB"))
        finally:
            for child in children.values():
                child.terminate()
                child.wait(timeout=30)
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
