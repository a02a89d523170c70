"""Bring the engine up (or find it already up), wait until it can take work, deploy, bring it down."""

import asyncio
import shutil
import time
from dataclasses import dataclass

import structlog

from engine import process
from engine.api import CamundaApi
from engine.config import write_config
from engine.deploy import deploy_all, summary
from engine.distribution import ensure_distribution
from engine.errors import EngineError
from engine.exporter import ensure_exporter_jar
from engine.java import find_java
from engine.settings import EngineSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class UpResult:
    started: bool
    pid: int | None
    seconds: float


def api_for(settings: EngineSettings) -> CamundaApi:
    return CamundaApi(settings.rest_url, settings.management_url)


async def already_running(settings: EngineSettings) -> bool:
    async with api_for(settings) as api:
        return await api.is_ready()


def prepare(settings: EngineSettings) -> None:
    """Everything `up` needs on disk, without starting anything: JDK check, download, exporter build."""
    java = find_java()
    distribution = ensure_distribution(settings.cache_dir)
    ensure_exporter_jar(java, distribution, settings.cache_dir)


async def up(settings: EngineSettings, deploy: bool = True) -> UpResult:
    began = time.monotonic()
    if await already_running(settings):
        log.info("engine.already_running", url=settings.rest_url)
        return UpResult(started=False, pid=process.started_pid(settings), seconds=0.0)
    process.ensure_not_running_elsewhere(settings)
    java = find_java()
    distribution = ensure_distribution(settings.cache_dir)
    jar = ensure_exporter_jar(java, distribution, settings.cache_dir)
    config = write_config(settings, jar)
    pid = process.start(settings, java, distribution, config)
    log.info("engine.starting", pid=pid, java=str(java.path), log=str(settings.log_path))
    await wait_ready(settings, pid)
    if deploy:
        await deploy_resources(settings)
    return UpResult(started=True, pid=pid, seconds=time.monotonic() - began)


async def wait_ready(settings: EngineSettings, pid: int) -> None:
    deadline = time.monotonic() + settings.start_timeout_s
    async with api_for(settings) as api:
        while time.monotonic() < deadline:
            if not process.is_alive(pid):
                process.reap(pid)
                raise EngineError(f"the engine exited while starting; last log lines:\n{process.log_tail(settings)}")
            if await api.is_ready():
                return
            await asyncio.sleep(0.5)
    raise EngineError(
        f"the engine was not ready within {settings.start_timeout_s:.0f}s; last log lines:\n"
        f"{process.log_tail(settings)}"
    )


async def deploy_resources(settings: EngineSettings) -> list[str]:
    async with api_for(settings) as api:
        deployment = await deploy_all(api, settings.resource_dirs)
    lines = summary(deployment) if deployment else ["nothing to deploy"]
    for line in lines:
        log.info("engine.deployed", resource=line)
    return lines


def down(settings: EngineSettings) -> bool:
    return process.stop(settings)


def reset(settings: EngineSettings) -> None:
    """Stop the engine we started and delete its data and record log (not the download cache)."""
    process.stop(settings)
    shutil.rmtree(settings.run_dir, ignore_errors=True)
