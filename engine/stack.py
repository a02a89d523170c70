"""The default run: engine, then sandbox, intake and workers (whichever exist), until Ctrl-C."""

import asyncio
import signal
import subprocess
import sys
import time

import structlog

from engine import launcher
from engine.settings import PROJECT_ROOT, EngineSettings

log = structlog.get_logger(__name__)
COMPONENTS = ("sandbox", "intake", "workers")  # start order: what others call comes first


def present_components() -> list[str]:
    return [name for name in COMPONENTS if (PROJECT_ROOT / name / "__main__.py").is_file()]


def start_component(name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", name])


def stop_components(children: list[subprocess.Popen[bytes]], grace_s: float = 30.0) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in reversed(children):
        try:
            child.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            child.kill()


def banner(settings: EngineSettings, components: list[str]) -> str:
    return "\n".join([
        "",
        "ESRA process automation is running:",
        f"  Zeebe REST API v2   {settings.rest_url}/v2/topology",
        f"  Zeebe gRPC          {settings.grpc_address}",
        f"  Engine health       {settings.management_url}/actuator/health/readiness",
        f"  Record stream       {settings.records_path}",
        "  Worker metrics      http://127.0.0.1:9464/metrics  (/health beside it)",
        f"  Components          {', '.join(['engine', *components])}",
        "  Operate / Tasklist  not available with this engine build (see README, 'Operate and Tasklist')",
        "Press Ctrl-C to stop everything.",
        "",
    ])


def run(settings: EngineSettings) -> int:
    result = asyncio.run(launcher.up(settings))
    components = present_components()
    children = [start_component(name) for name in components]
    print(banner(settings, components), flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, child in zip(components, children, strict=True):
                if child.poll() is not None:
                    log.error("stack.component_exited", component=name, code=child.returncode)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        print("stopping...", flush=True)
        stop_components(children)
        if result.started:
            launcher.down(settings)
