"""The fault suite's systems, apart from the session's: faults here (a killed engine, a killed worker) must not
disturb the other tests. `system`: one engine on H2. `cluster_system`: two nodes on the project's own
PostgreSQL (skipped where its server programs are not installed)."""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench import stack
from bench.engines import PostgresCluster, RunningEngine
from engine import launcher
from engine.errors import EngineError
from engine.postgres import server_programs
from engine.settings import PROJECT_ROOT, EngineSettings
from engine_client import EngineClient
from tests.faults.system import QUICK, FaultSystem
from tests.servers import free_port

RESOURCES = (PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms")


@contextlib.asynccontextmanager
async def around(engine: RunningEngine, folder: Path, environment: dict[str, str] | None = None
                 ) -> AsyncIterator[FaultSystem]:
    """Sandbox, intake and workers as processes around a running engine, with the test's admin client."""
    processes = stack.start(engine, folder / "stack", QUICK | (environment or {}))
    try:
        password = engine.settings.admin_password.get_secret_value()
        async with EngineClient(",".join(engine.rest_urls), engine.settings.admin_user, password) as api:
            running = FaultSystem(engine.settings, processes, api)
            yield running
            await running.close()
    finally:
        processes.stop()


@pytest.fixture(scope="package")
async def system(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FaultSystem]:
    folder = tmp_path_factory.mktemp("faults")
    settings = EngineSettings(run_dir=folder / "engine", port=free_port(), resource_dirs=RESOURCES)
    result = await launcher.up(settings)
    assert result.pid is not None
    try:
        async with around(RunningEngine("H2, 1 node", settings, (settings.rest_url,), (result.pid,)), folder) as up:
            yield up
    finally:
        launcher.down(settings)


@pytest.fixture(scope="module")
async def cluster_system(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FaultSystem]:
    try:
        server_programs()
    except EngineError as missing:
        pytest.skip(str(missing))
    folder = tmp_path_factory.mktemp("cluster")
    mode = PostgresCluster(folder / "engine", free_port(), resource_dirs=RESOURCES)
    try:
        engine = await mode.start()
        async with around(engine, folder, {"INTAKE_DATABASE_URL": mode.server.uri()}) as up:
            yield up
    finally:
        mode.stop()


@pytest.fixture
async def faults(system: FaultSystem) -> AsyncIterator[FaultSystem]:
    """The system with no fault set; whatever a test set is cleared after it."""
    yield system
    await system.clear_faults()
