"""Build the engine application if needed, start it, wait until it is ready, set up access, deploy; stop it.

One JVM: Operaton's engine, REST API (/engine-rest) and webapps (/operaton) on one port, H2 under the run
folder by default (ENGINE_DATASOURCE_URL for PostgreSQL).
"""

import asyncio
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import structlog

from engine import process
from engine.access import ensure_access
from engine.build import ensure_engine_jar
from engine.deploy import deploy_all, summary
from engine.errors import EngineError
from engine.java import JavaHome, find_java
from engine.settings import EngineSettings
from engine_client import EngineClient

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class UpResult:
    started: bool
    pid: int | None
    seconds: float
    staff: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepared:
    java: JavaHome
    jar: Path


def admin_client(settings: EngineSettings) -> EngineClient:
    return EngineClient(settings.rest_url, settings.admin_user, settings.admin_password.get_secret_value())


def prepare(settings: EngineSettings) -> Prepared:
    """Everything `up` needs on disk, without starting anything: a JDK and the built application."""
    java = find_java()
    return Prepared(java, ensure_engine_jar(settings.app_dir, settings.cache_dir, java))


async def is_ready(settings: EngineSettings) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            return (await http.get(settings.readiness_url)).status_code == 200
    except httpx.HTTPError:
        return False


async def up(settings: EngineSettings, deploy: bool = True, setup: bool = True) -> UpResult:
    """Start the engine unless it answers; then (`setup`) users, access and models. A second node of a cluster
    skips setup: the first did it in the shared database."""
    began = time.monotonic()
    if await is_ready(settings):
        log.info("engine.already_running", url=settings.url)
        return UpResult(False, process.started_pid(settings), 0.0)
    process.ensure_port_free(settings)
    ready = prepare(settings)
    pid = process.start(settings, ready.java, ready.jar)
    log.info("engine.starting", pid=pid, java=str(ready.java.path), log=str(settings.log_path))
    try:
        await wait_ready(settings, pid)
        staff = await set_up(settings, deploy) if setup else []
    except BaseException:
        down(settings)  # leave nothing half-started behind
        raise
    return UpResult(True, pid, time.monotonic() - began, tuple(staff))


async def set_up(settings: EngineSettings, deploy: bool = True) -> list[str]:
    """Users, groups, filters and authorizations, then the models: on every start (all idempotent)."""
    async with admin_client(settings) as engine:
        staff = await ensure_access(engine, settings)
    if deploy:
        await deploy_resources(settings)
    return staff


async def wait_ready(settings: EngineSettings, pid: int) -> None:
    """Until the readiness probe answers 200; fail with the log's last lines when the JVM exits."""
    deadline = time.monotonic() + settings.start_timeout_s
    while time.monotonic() < deadline:
        if not process.is_alive(pid):
            raise EngineError(f"the engine exited while starting; last log lines:\n{process.tail(settings.log_path)}")
        if await is_ready(settings):
            return
        await asyncio.sleep(0.3)
    raise EngineError(f"the engine was not ready within {settings.start_timeout_s:.0f}s; last log lines:\n"
                      f"{process.tail(settings.log_path)}")


async def deploy_resources(settings: EngineSettings) -> list[str]:
    async with admin_client(settings) as engine:
        deployment = await deploy_all(engine, settings.resource_dirs)
    lines = summary(deployment) if deployment else ["nothing to deploy"]
    for line in lines:
        log.info("engine.deployed", resource=line)
    return lines


def down(settings: EngineSettings, hard: bool = False) -> bool:
    return process.stop(settings, hard=hard)


def reset(settings: EngineSettings) -> None:
    """Stop what we started and delete its database and log (not the built application)."""
    down(settings)
    shutil.rmtree(settings.run_dir, ignore_errors=True)
