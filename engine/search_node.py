"""Run one OpenSearch node for the webapps mode: its own config and data folder, its own user when root.

The assembled home (engine/opensearch.py) stays read-only; everything the node writes lives in
settings.search_dir, the only folder chowned to the run user. OpenSearch refuses to run as root,
so a root launcher creates a system user for it and starts it through setpriv.
"""

import asyncio
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import structlog
import yaml

from engine import process
from engine.config import SEARCH_CLUSTER
from engine.errors import EngineError
from engine.java import JavaHome
from engine.settings import EngineSettings

log = structlog.get_logger(__name__)


def pid_path(settings: EngineSettings) -> Path:
    return settings.run_dir / "opensearch.pid"


def log_path(settings: EngineSettings) -> Path:
    return settings.run_dir / "opensearch.log"


def node_config(settings: EngineSettings) -> dict[str, Any]:
    """opensearch.yml: one node on loopback (so no production bootstrap checks), our ports and folders."""
    return {
        "cluster.name": SEARCH_CLUSTER,
        "node.name": f"{SEARCH_CLUSTER}-1",
        "network.host": settings.host,
        "http.port": settings.search_http_port,
        "transport.port": settings.search_transport_port,
        "discovery.type": "single-node",
        "action.auto_create_index": True,
        "path.data": str(settings.search_dir / "data"),
        "path.logs": str(settings.search_dir / "logs"),
    }


def jvm_options(shipped: str, heap: str, folder: Path) -> str:
    """The shipped jvm.options with our heap cap, and its paths relative to the home (GC log, heap
    dumps, crash files; bin/opensearch runs from the read-only home) moved into the node's folder."""
    lines = []
    for line in shipped.splitlines():
        if line.startswith(("-Xms", "-Xmx")):
            line = f"{line[:4]}{heap}"
        line = line.replace("file=logs/", f"file={folder}/logs/").replace("=logs/hs_err", f"={folder}/logs/hs_err")
        line = line.replace("-XX:HeapDumpPath=data", f"-XX:HeapDumpPath={folder}/data")
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_node_config(settings: EngineSettings, home: Path) -> Path:
    conf = settings.search_dir / "config"
    (conf / "jvm.options.d").mkdir(parents=True, exist_ok=True)
    for folder in ("data", "logs", "tmp"):
        (settings.search_dir / folder).mkdir(exist_ok=True)
    (conf / "opensearch.yml").write_text(yaml.safe_dump(node_config(settings), sort_keys=False))
    shipped = (home / "config" / "jvm.options").read_text()
    (conf / "jvm.options").write_text(jvm_options(shipped, settings.search_heap, settings.search_dir))
    shutil.copy2(home / "config" / "log4j2.properties", conf / "log4j2.properties")
    return conf


def run_as(settings: EngineSettings) -> list[str]:
    """The command prefix that drops root for OpenSearch (its user created if missing); [] when not root."""
    if os.geteuid() != 0:
        return []
    user = settings.search_user
    if not user_exists(user):
        log.info("engine.create_user", user=user)
        result = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise EngineError(f"could not create the system user {user} for OpenSearch: {result.stderr.strip()}")
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--"]


def user_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def hand_over(settings: EngineSettings, prefix: list[str], home: Path) -> None:
    """Give the run user the node folder and check it can reach both that and the read-only home."""
    if not prefix:
        return
    user = settings.search_user
    shutil.chown(settings.search_dir, user, user)
    for path in settings.search_dir.rglob("*"):
        shutil.chown(path, user, user)
    check = [*prefix, "test", "-w", str(settings.search_dir), "-a", "-x", str(home / "bin" / "opensearch")]
    if subprocess.run(check, check=False).returncode != 0:
        raise EngineError(
            f"OpenSearch runs as user {user}, which cannot reach {settings.search_dir} or {home}; make their "
            f"parent folders traversable (chmod o+x) or choose ENGINE_RUN_DIR / ENGINE_CACHE_DIR elsewhere"
        )


def start(settings: EngineSettings, java: JavaHome, home: Path) -> int:
    conf = write_node_config(settings, home)
    prefix = run_as(settings)
    hand_over(settings, prefix, home)
    env = {
        **os.environ,
        "OPENSEARCH_JAVA_HOME": str(java.path),
        "OPENSEARCH_PATH_CONF": str(conf),
        "OPENSEARCH_TMPDIR": str(settings.search_dir / "tmp"),
        "HOME": str(settings.search_dir),
    }
    env.pop("JAVA_HOME", None)
    command = [*prefix, str(home / "bin" / "opensearch")]
    pid = process.spawn(command, settings.search_dir, env, log_path(settings), pid_path(settings))
    log.info("engine.opensearch_starting", pid=pid, java=str(java.path), user=settings.search_user if prefix else None)
    return pid


async def is_healthy(settings: EngineSettings) -> bool:
    """Cluster health yellow or green (one node: replicas stay unassigned, so yellow is the goal)."""
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(f"{settings.search_url}/_cluster/health",
                                        params={"wait_for_status": "yellow", "timeout": "1s"})
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and response.json().get("status") in ("yellow", "green")


async def wait_healthy(settings: EngineSettings, pid: int) -> None:
    deadline = time.monotonic() + settings.start_timeout_s
    while time.monotonic() < deadline:
        if not process.is_alive(pid):
            process.reap(pid)
            raise EngineError(f"OpenSearch exited while starting; last log lines:\n{log_tail(settings)}")
        if await is_healthy(settings):
            return
        await asyncio.sleep(0.5)
    raise EngineError(f"OpenSearch was not healthy within {settings.start_timeout_s:.0f}s; last log lines:\n"
                      f"{log_tail(settings)}")


def started_pid(settings: EngineSettings) -> int | None:
    return process.alive_pid(pid_path(settings))


def stop(settings: EngineSettings) -> bool:
    return process.stop_pid_file(pid_path(settings))


def log_tail(settings: EngineSettings, lines: int = 25) -> str:
    return process.tail(log_path(settings), lines)
