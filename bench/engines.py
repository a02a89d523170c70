"""The engine a benchmark runs on, and how it was started: the mode shown beside every figure.

`h2` is one node on an H2 file database, started through the launcher as `make run` does; `postgres-2` two
nodes on the project's own PostgreSQL (the launcher's cluster mode). A mode returns every node's REST URL and
PID from `start`: the suites put a client at each node and count the CPU and memory of all of them as the
engine's. `existing` wraps an engine started elsewhere (the test session's).
"""

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bench.ports import free_port
from engine import cluster, launcher, process
from engine.postgres import LocalPostgres, reachable_temp_folder
from engine.settings import EngineSettings
from engine_client import EngineClient

# what engine/process.py starts the JVM with, so that a variant changes only what it names
LAUNCHER_JVM_OPTIONS = ("-Xms64m", "-XX:+UseSerialGC", "-Xss512k",
                        "-XX:MaxMetaspaceSize=192m")


@dataclass(frozen=True)
class RunningEngine:
    mode: str  # beside every figure, e.g. "H2, 1 node"
    settings: EngineSettings  # of the first node: the administrator's credentials
    rest_urls: tuple[str, ...]
    pids: tuple[int, ...]

    def admin(self) -> EngineClient:
        return launcher.admin_client(self.settings)


class EngineMode(Protocol):
    async def start(self) -> RunningEngine: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Variant:
    """A change to the engine for tuning: JVM options replacing the launcher's, Spring properties as environment
    variables (relaxed binding, e.g. OPERATON_BPM_HISTORYLEVEL=audit), a heap."""

    name: str = "as shipped"
    heap: str | None = None
    jvm_options: tuple[str, ...] = ()  # replaces an option of the same name (the part before '=' or the value)
    environment: dict[str, str] = field(default_factory=dict)
    application: Callable[[], Path] | None = None  # builds a changed engine application (bench/patched_engine.py)

    @property
    def is_default(self) -> bool:
        return not (self.heap or self.jvm_options or self.environment or self.application)


def option_name(option: str) -> str:
    """What an option sets: one garbage collector, one heap minimum, one flag."""
    if option.startswith("-XX:+Use") and option.endswith("GC"):
        return "garbage collector"
    if option.startswith("-XX:"):
        return option[4:].lstrip("+-").split("=")[0]
    return option[:4] if option[:4] in ("-Xms", "-Xmx", "-Xss") else option.split("=")[0]


def jvm_options(variant: Variant) -> list[str]:
    replaced = {option_name(o) for o in variant.jvm_options}
    kept = [o for o in LAUNCHER_JVM_OPTIONS if option_name(o) not in replaced]
    return [*kept, *variant.jvm_options]


def spawn(settings: EngineSettings, command: list[str], environment: dict[str, str]) -> int:
    """Start the JVM in a session of its own with its PID file, as engine/process.py does."""
    env = {**os.environ, **process.engine_environment(settings), **environment}
    with settings.log_path.open("ab") as log:
        child = subprocess.Popen(command, cwd=settings.run_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    settings.pid_path.write_text(str(child.pid))
    return child.pid


class H2SingleNode:
    def __init__(self, folder: Path, port: int, variant: Variant | None = None) -> None:
        self.variant = variant or Variant()
        heap = self.variant.heap or EngineSettings().heap
        self.settings = EngineSettings(run_dir=folder, port=port, resource_dirs=(), heap=heap)

    async def start(self) -> RunningEngine:
        if self.variant.is_default:
            result = await launcher.up(self.settings, deploy=False)
            assert result.pid is not None
            pid = result.pid
        else:
            pid = await self._start_variant()
        mode = "H2, 1 node" + ("" if self.variant.is_default else f" ({self.variant.name})")
        return RunningEngine(mode, self.settings, (self.settings.rest_url,), (pid,))

    async def _start_variant(self) -> int:
        """As the launcher starts it, with the variant's JVM options and environment (tuning only)."""
        settings = self.settings
        process.ensure_port_free(settings)
        ready = launcher.prepare(settings)
        jar = self.variant.application() if self.variant.application else ready.jar
        settings.run_dir.mkdir(parents=True, exist_ok=True)
        command = [str(ready.java.java), f"-Xmx{settings.heap}", *jvm_options(self.variant), "-jar", str(jar)]
        pid = spawn(settings, command, self.variant.environment)
        try:
            await launcher.wait_ready(settings, pid)
            await launcher.set_up(settings, deploy=False)
        except BaseException:
            launcher.down(settings)
            raise
        return pid

    def stop(self) -> None:
        launcher.down(self.settings)


class ExistingEngine:
    """An engine started elsewhere (the test session's): neither started nor stopped here."""

    def __init__(self, settings: EngineSettings, mode: str = "H2, 1 node") -> None:
        self.settings = settings
        self.mode = mode

    async def start(self) -> RunningEngine:
        pid = process.started_pid(self.settings)
        if pid is None:
            raise RuntimeError(f"no PID file of a running engine under {self.settings.run_dir}")
        return RunningEngine(self.mode, self.settings, (self.settings.rest_url,), (pid,))

    def stop(self) -> None:
        return None


class PostgresCluster:
    """`--mode postgres-2`: two nodes on the project's own PostgreSQL, as `ENGINE_DATABASE=postgres
    ENGINE_NODES=2 python -m engine up` starts them; every suite talks to both (a client at each node). The fault
    suite starts it with the project's models (`resource_dirs`)."""

    def __init__(self, folder: Path, port: int, variant: Variant | None = None, *,
                 resource_dirs: tuple[Path, ...] = ()) -> None:
        if variant is not None and not variant.is_default:
            raise ValueError("engine variants are measured on H2, one node")
        self.shared = reachable_temp_folder("esra-cluster-")
        self.settings = EngineSettings(database="postgres", nodes=2, run_dir=folder, port=port,
                                       postgres_port=free_port(), postgres_dir=self.shared / "postgres",
                                       resource_dirs=resource_dirs)

    @property
    def server(self) -> LocalPostgres:
        server = cluster.local_postgres(self.settings)
        assert server is not None, "the cluster's own PostgreSQL"
        return server

    async def start(self) -> RunningEngine:
        results = await cluster.up(self.settings, deploy=bool(self.settings.resource_dirs))
        nodes = cluster.nodes(self.settings)
        return RunningEngine("PostgreSQL, 2 nodes", nodes[0], tuple(n.rest_url for n in nodes),
                             tuple(r.pid or 0 for r in results))

    def stop(self) -> None:
        cluster.down(self.settings)
        shutil.rmtree(self.shared, ignore_errors=True)


# name -> how to make it (folder, port, variant)
MODES: dict[str, Callable[[Path, int, Variant | None], EngineMode]] = {
    "h2": H2SingleNode,
    "postgres-2": PostgresCluster,
}
