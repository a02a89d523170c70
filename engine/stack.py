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
from local_stack import HOST, INTAKE_URL, PORTAL_KEY, SANDBOX_SMTP_PORT, SANDBOX_URL, WORKERS_METRICS_PORT

log = structlog.get_logger(__name__)
COMPONENTS = ("sandbox", "intake", "workers")  # start order: what others call comes first
WORKERS_URL = f"http://{HOST}:{WORKERS_METRICS_PORT}"
HEALTH_URLS = {"sandbox": f"{SANDBOX_URL}/health", "intake": f"{INTAKE_URL}/health", "workers": f"{WORKERS_URL}/health"}


def present_components() -> list[str]:
    return [name for name in COMPONENTS if (PROJECT_ROOT / name / "__main__.py").is_file()]


def start_component(name: str, settings: EngineSettings) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.setdefault("INTAKE_ENGINE_REST_URL", settings.rest_url)
    env.setdefault("WORKERS_ENGINE_REST_URL", settings.rest_url)
    env.setdefault("INTAKE_ENGINE_PASSWORD", settings.intake_password.get_secret_value())
    env.setdefault("WORKERS_ENGINE_PASSWORD", settings.workers_password.get_secret_value())
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


def banner(settings: EngineSettings, components: list[str], staff: tuple[str, ...]) -> str:
    staff_line = ", ".join(staff) or "see catalog/roles.yaml"
    return "\n".join([
        "",
        "ESRA process automation is running:",
        f"  Tasklist            {settings.tasklist_url}",
        f"  Cockpit             {settings.cockpit_url}",
        f"  Admin               {settings.url}/operaton/app/admin/default/",
        f"  Administrator       {settings.admin_user} / {settings.admin_password.get_secret_value()}"
        "  (development only)",
        f"  Staff logins        user = group, password {settings.staff_password.get_secret_value()}: {staff_line}",
        f"  Engine REST API     {settings.rest_url}  (HTTP Basic; each component has its own account)",
        f"  Engine metrics      {settings.url}/actuator/prometheus  (readiness: /actuator/health/readiness)",
        f"  Intake API          {INTAKE_URL}/docs  (portal key: {PORTAL_KEY})",
        f"  Worker metrics      {WORKERS_URL}/metrics  (/health beside it)",
        f"  Sandbox             {SANDBOX_URL}/docs  (registry, agencies, SMS, inbox; SMTP {SANDBOX_SMTP_PORT})",
        "  Submit a request    bash tools/submit-demo-request.sh [service]  (then tools/submit-demo-upload.sh)",
        "  Submit a complaint  bash tools/submit-demo-complaint.sh [kind] [topic] [agency]",
        "  Document report     .venv/bin/python -m reports documents",
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
    print(banner(settings, components, result.staff), flush=True)
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
