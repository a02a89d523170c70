"""Bring the engine up (or find it already up), wait until it can take work, deploy, bring it down.

Webapps mode starts OpenSearch first (health yellow), then bin/broker, then bin/operate and
bin/tasklist side by side (each its own JVM, port and login), and counts the engine ready once
their login pages answer too; broker-only mode starts bin/broker alone.

Three JVMs rather than 8.6's single application (bin/camunda): there Tasklist's login filter sits
in front of the broker's /v2 API, so Tasklist cannot assign or complete Zeebe user tasks (401;
camunda/camunda#21818, #24808). Standalone, the broker's /v2 is open on loopback and Tasklist
calls it at `camunda.tasklist.zeebe.restAddress`.
"""

import asyncio
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import structlog

from engine import process, roles, search_node
from engine.api import CamundaApi
from engine.config import WEBAPPS, write_config
from engine.deploy import deploy_all, summary
from engine.distribution import ensure_distribution
from engine.errors import EngineError
from engine.exporter import ensure_exporter_jar
from engine.java import JavaHome, find_java, find_search_java
from engine.opensearch import ensure_opensearch
from engine.settings import EngineSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class UpResult:
    started: bool
    pid: int | None
    seconds: float
    search_pid: int | None = None
    search_seconds: float = 0.0  # of `seconds`: until OpenSearch was healthy (webapps mode)
    broker_seconds: float = 0.0  # of `seconds`: until the broker was ready (webapps mode)


@dataclass(frozen=True)
class Prepared:
    java: JavaHome
    distribution: Path
    exporter_jar: Path
    search_java: JavaHome | None = None
    search_home: Path | None = None


def api_for(settings: EngineSettings) -> CamundaApi:
    """/v2 without login; in webapps mode Operate's and Tasklist's APIs as the demo user."""
    if not settings.webapps:
        return CamundaApi(settings.rest_url, settings.management_url)
    return CamundaApi(settings.rest_url, settings.management_url, operate_url=settings.operate_url,
                      tasklist_url=settings.tasklist_url, web_credentials=(settings.web_user, settings.web_password))


async def is_ready(api: CamundaApi, settings: EngineSettings) -> bool:
    """Management readiness and a partition leader; in webapps mode Operate and Tasklist answering too."""
    return await api.is_ready() and (not settings.webapps or await api.webapps_ready())


def started_pids(settings: EngineSettings) -> dict[str, int | None]:
    """The processes we started that are alive, by name (broker; in webapps mode also the others)."""
    pids = {"broker": process.started_pid(settings)}
    if settings.webapps:
        pids |= {name: process.webapp_pid(settings, name) for name in WEBAPPS}
        pids["opensearch"] = search_node.started_pid(settings)
    return pids


async def already_running(settings: EngineSettings) -> bool:
    async with api_for(settings) as api:
        return await is_ready(api, settings)


def prepare(settings: EngineSettings) -> Prepared:
    """Everything `up` needs on disk, without starting anything: JDKs, downloads, exporter and shim builds."""
    java = find_java()
    distribution = ensure_distribution(settings.cache_dir)
    jar = ensure_exporter_jar(java, distribution, settings.cache_dir)
    if not settings.webapps:
        return Prepared(java, distribution, jar)
    search_java = find_search_java()
    return Prepared(java, distribution, jar, search_java, ensure_opensearch(settings.cache_dir, search_java))


async def up(settings: EngineSettings, deploy: bool = True) -> UpResult:
    began = time.monotonic()
    if await already_running(settings):
        log.info("engine.already_running", url=settings.rest_url)
        return UpResult(False, process.started_pid(settings), 0.0, search_node.started_pid(settings))
    own_search = search_node.started_pid(settings) if settings.webapps else None
    search_ports = {settings.search_http_port, settings.search_transport_port} if own_search else set()
    process.ensure_not_running_elsewhere(settings, exclude=frozenset(search_ports))
    ready = prepare(settings)
    search_pid, search_seconds, broker_seconds = None, 0.0, 0.0
    try:
        if ready.search_java and ready.search_home:
            search_pid = own_search or search_node.start(settings, ready.search_java, ready.search_home)
            await search_node.wait_healthy(settings, search_pid)
            search_seconds = time.monotonic() - began
            log.info("engine.opensearch_ready", url=settings.search_url, seconds=round(search_seconds, 1))
        config = write_config(settings, ready.exporter_jar)
        pid = process.start(settings, ready.java, ready.distribution, config)
        log.info("engine.starting", pid=pid, java=str(ready.java.path), log=str(settings.log_path))
        await wait_ready(settings, {"broker": pid}, webapps=False)
        if settings.webapps:
            broker_seconds = time.monotonic() - began
            log.info("engine.broker_ready", url=settings.rest_url, seconds=round(broker_seconds, 1))
            webapps = {name: process.start_webapp(settings, name, ready.java, ready.distribution) for name in WEBAPPS}
            log.info("engine.webapps_starting", **webapps)
            await wait_ready(settings, {"broker": pid, **webapps}, webapps=True)
            log.info("engine.staff_users", users=await roles.ensure_staff_users(settings))
    except BaseException:
        down(settings)  # leave nothing half-started behind
        raise
    if deploy:
        await deploy_resources(settings)
    return UpResult(True, pid, time.monotonic() - began, search_pid, search_seconds,
                    broker_seconds if settings.webapps else 0.0)


async def wait_ready(settings: EngineSettings, pids: dict[str, int], webapps: bool) -> None:
    """Until the broker (and with `webapps` Operate and Tasklist) answer; fail when one of `pids` exits."""
    deadline = time.monotonic() + settings.start_timeout_s
    async with api_for(settings) as api:
        while time.monotonic() < deadline:
            for name, pid in pids.items():
                if not process.is_alive(pid):
                    process.reap(pid)
                    raise EngineError(f"{name} exited while starting; last log lines:\n"
                                      f"{process.tail(process.log_path(settings, name))}")
            if await api.is_ready() and (not webapps or await api.webapps_ready()):
                return
            await asyncio.sleep(0.5)
    tails = "\n".join(f"--- {name}:\n{process.tail(process.log_path(settings, name))}" for name in pids)
    raise EngineError(f"the engine was not ready within {settings.start_timeout_s:.0f}s; last log lines:\n{tails}")


async def deploy_resources(settings: EngineSettings) -> list[str]:
    async with api_for(settings) as api:
        deployment = await deploy_all(api, settings.resource_dirs)
    lines = summary(deployment) if deployment else ["nothing to deploy"]
    for line in lines:
        log.info("engine.deployed", resource=line)
    return lines


def down(settings: EngineSettings) -> bool:
    """Stop what we started (by PID files): Operate and Tasklist, then the broker they import from,
    then the OpenSearch it exports to (so no importer or exporter logs a lost connection)."""
    webapps = process.stop_webapps(settings)
    engine = process.stop(settings)
    search = search_node.stop(settings)
    return webapps or engine or search


def reset(settings: EngineSettings) -> None:
    """Stop what we started and delete its data, record log and OpenSearch data (not the download cache)."""
    down(settings)
    shutil.rmtree(settings.run_dir, ignore_errors=True)
