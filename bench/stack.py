"""Sandbox, intake and workers, each in a process of its own on free ports, pointed at the benchmark's engine
(as tools/measure_stack.py starts them), so each one's CPU can be read from /proc."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.engines import RunningEngine
from bench.ports import free_port
from engine.settings import PROJECT_ROOT

COMPONENTS = ("sandbox", "intake", "workers")  # start order: what others call comes first


@dataclass
class Stack:
    sandbox_url: str
    intake_url: str
    metrics_url: str  # the workers' Prometheus metrics
    environment: dict[str, str]
    folder: Path
    health: dict[str, str]
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def pids(self) -> dict[str, int]:
        return {name: child.pid for name, child in self.children.items()}

    def launch(self, name: str) -> None:
        """Start one component (again), its output appended to <folder>/<name>.log; wait until it answers."""
        with (self.folder / f"{name}.log").open("ab") as log:
            self.children[name] = subprocess.Popen([sys.executable, "-m", name], env=self.environment,
                                                   cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
        wait_health(self.health[name], self.children[name])

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown hook, no goodbye to the engine, as when a machine loses power."""
        child = self.children[name]
        child.kill()
        child.wait()

    def stop(self) -> None:
        for child in reversed(self.children.values()):
            if child.poll() is None:
                child.terminate()
        for child in self.children.values():
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def wait_health(url: str, child: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and child.poll() is None:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f} s (exit code {child.poll()})")


def start(engine: RunningEngine, folder: Path, extra_env: dict[str, str] | None = None) -> Stack:
    """The sandbox's agencies approve after their default delay; logs go to `folder`."""
    sandbox, smtp, intake, metrics = free_port(), free_port(), free_port(), free_port()
    sandbox_url, intake_url = f"http://127.0.0.1:{sandbox}", f"http://127.0.0.1:{intake}"
    engine_urls = ",".join(engine.rest_urls)  # a cluster's every node: intake and workers move on when one dies
    env = os.environ | {
        "SANDBOX_HTTP_PORT": str(sandbox), "SANDBOX_SMTP_PORT": str(smtp), "SANDBOX_INTAKE_URL": intake_url,
        "SANDBOX_AGENCY_BEHAVIOUR": "approve", "SANDBOX_LOG_FORMAT": "json",
        "INTAKE_PORT": str(intake), "INTAKE_ENGINE_REST_URL": engine_urls,
        "INTAKE_ENGINE_PASSWORD": engine.settings.intake_password.get_secret_value(),
        "INTAKE_DATABASE_PATH": str(folder / "intake.sqlite"), "INTAKE_UPLOAD_DIR": str(folder / "uploads"),
        "WORKERS_ENGINE_REST_URL": engine_urls, "WORKERS_METRICS_PORT": str(metrics),
        "WORKERS_ENGINE_PASSWORD": engine.settings.workers_password.get_secret_value(),
        "WORKERS_LOG_FORMAT": "json", "WORKERS_SYSTEMS__SANDBOX_URL": sandbox_url,
        "WORKERS_SYSTEMS__SMTP_PORT": str(smtp), "WORKERS_SYSTEMS__INTAKE_URL": intake_url,
        "WORKERS_SYSTEMS__OUTBOX_PATH": str(folder / "outbox.sqlite"),
    } | (extra_env or {})
    health = {"sandbox": f"{sandbox_url}/health", "intake": f"{intake_url}/health",
              "workers": f"http://127.0.0.1:{metrics}/health"}
    folder.mkdir(parents=True, exist_ok=True)
    stack = Stack(sandbox_url, intake_url, f"http://127.0.0.1:{metrics}/metrics", env, folder, health)
    try:
        for name in COMPONENTS:
            stack.launch(name)
    except BaseException:
        stack.stop()
        raise
    return stack
