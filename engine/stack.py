"""The default run: engine, then sandbox, intake and workers (whichever exist), until Ctrl-C."""

import asyncio
import os
import signal
import subprocess
import sys
import time

import httpx
import structlog

from engine import launcher
from engine.settings import PROJECT_ROOT, EngineSettings

log = structlog.get_logger(__name__)
COMPONENTS = ("sandbox", "intake", "workers")  # start order: what others call comes first
HEALTH_URLS = {  # default ports of each component's /health
    "sandbox": "http://127.0.0.1:8090/health",
    "intake": "http://127.0.0.1:8070/health",
    "workers": "http://127.0.0.1:9464/health",
}


def present_components() -> list[str]:
    return [name for name in COMPONENTS if (PROJECT_ROOT / name / "__main__.py").is_file()]


def start_component(name: str, settings: EngineSettings) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.setdefault("INTAKE_ENGINE_REST_URL", settings.rest_url)
    return subprocess.Popen([sys.executable, "-m", name], env=env)


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
    login = f"(login {settings.web_user}/{settings.web_password})"
    webapps = [
        f"  Operate             {settings.operate_url}/operate  {login}",
        f"  Tasklist            {settings.tasklist_url}/tasklist  (same login; staff: one user per group of "
        "catalog/roles.yaml)",
        f"  OpenSearch          {settings.search_url}",
    ] if settings.webapps else [
        "  Operate / Tasklist  off (broker-only mode, ENGINE_WEBAPPS=0)",
    ]
    return "\n".join([
        "",
        "ESRA process automation is running:",
        f"  Zeebe REST API v2   {settings.rest_url}/v2/topology",
        f"  Zeebe gRPC          {settings.grpc_address}",
        f"  Engine health       {settings.management_url}/actuator/health/readiness",
        *webapps,
        f"  Record stream       {settings.records_path}",
        "  Worker metrics      http://127.0.0.1:9464/metrics  (/health beside it)",
        "  Intake API          http://127.0.0.1:8070/docs  (portal key: sandbox-portal-key)",
        "  Sandbox             http://127.0.0.1:8090/docs  (registry, agencies, SMS, inbox; SMTP 8025)",
        "  Submit a request    bash tools/submit-demo-request.sh [service]  (then tools/submit-demo-upload.sh)",
        "  Submit a complaint  bash tools/submit-demo-complaint.sh [kind] [topic] [agency]",
        "  Document report     .venv/bin/python -m workers.reports documents",
        f"  Components          {', '.join(['engine', *components])}",
        "Press Ctrl-C to stop everything.",
        "",
    ])


def wait_healthy(components: list[str], children: list[subprocess.Popen[bytes]], timeout_s: float = 60.0) -> None:
    """Print the banner only once each component answers /health (a URL the user may open at once)."""
    deadline = time.monotonic() + timeout_s
    for name, child in zip(components, children, strict=True):
        while time.monotonic() < deadline and child.poll() is None:
            try:
                if httpx.get(HEALTH_URLS[name], timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            log.warning("stack.component_not_healthy", component=name)


def run(settings: EngineSettings) -> int:
    result = asyncio.run(launcher.up(settings))
    components = present_components()
    children = [start_component(name, settings) for name in components]
    wait_healthy(components, children)
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
