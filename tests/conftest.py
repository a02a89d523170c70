"""One real engine per test session (started here, or an already running one with ENGINE_EXTERNAL=1),
with the sandbox, intake and the workers around it. Each test isolates itself by the instances it starts.
"""

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from engine import launcher
from engine.settings import PROJECT_ROOT, EngineSettings
from engine_client import EngineClient
from local_stack import INTAKE_ACCOUNT, WORKERS_ACCOUNT
from observability.logs import configure_logging
from sandbox.server import Sandbox
from sandbox.settings import SandboxSettings
from tests.history import History
from tests.servers import AppServer, free_port, running_intake
from tests.smoke_tasks import SMOKE_HANDLERS
from workers.clients.agencies import AgencyEndpoint
from workers.runtime import ExternalTaskRuntime
from workers.services import Services
from workers.settings import WorkerSettings
from workers.systems import Systems
from workers.tasks import HANDLERS

TEST_RESOURCES = PROJECT_ROOT / "tests" / "resources"
TEST_CATALOG = TEST_RESOURCES / "catalog"  # doc-less services: document collection is tested on its own


@pytest.fixture(scope="session")
def session_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real catalogue's services plus the tests' own (theirs win on a shared code), one agency list."""
    folder = tmp_path_factory.mktemp("catalog")
    (folder / "services").mkdir()
    shutil.copyfile(PROJECT_ROOT / "catalog" / "agencies.yaml", folder / "agencies.yaml")
    for source in (PROJECT_ROOT / "catalog" / "services", TEST_CATALOG / "services"):
        for service in source.glob("*.yaml"):
            shutil.copyfile(service, folder / "services" / service.name)
    return folder


@pytest.fixture(scope="session", autouse=True)
def masked_logs() -> None:
    """Every test's log lines go through the masking processors, as in production, whichever fixtures it uses."""
    configure_logging("INFO", "json")


@pytest.fixture(scope="session")
def engine_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineSettings]:
    """A throw-away engine (H2 in a temporary folder) on a port apart from a running dev stack."""
    if os.environ.get("ENGINE_EXTERNAL") == "1":
        yield EngineSettings()
        return
    shift = int(os.environ.get("TEST_ENGINE_PORT_SHIFT", "0"))  # lets two test sessions run side by side
    settings = EngineSettings(
        run_dir=tmp_path_factory.mktemp("engine"), port=18080 + shift,
        resource_dirs=(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms", TEST_RESOURCES),
    )
    result = asyncio.run(launcher.up(settings))
    print(f"\nengine started in {result.seconds:.1f}s")
    yield settings
    launcher.down(settings)


@pytest.fixture(scope="session")
async def api(engine_settings: EngineSettings) -> AsyncIterator[EngineClient]:
    """The administrator's client: deploys, reads history, completes user tasks, fires timers."""
    async with launcher.admin_client(engine_settings) as client:
        if os.environ.get("ENGINE_EXTERNAL") == "1":
            await client.deploy(sorted(TEST_RESOURCES.glob("*.bpmn")) + sorted(TEST_RESOURCES.glob("*.form")))
        yield client


@pytest.fixture(scope="session")
def history(api: EngineClient) -> History:
    return History(api)


@pytest.fixture(scope="session")
def intake_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
async def sandbox(intake_port: int) -> AsyncIterator[Sandbox]:
    """The external systems, answering over real HTTP/SMTP; agencies decide only when a test says so."""
    running = Sandbox(SandboxSettings(
        http_port=free_port(), smtp_port=free_port(), intake_url=f"http://127.0.0.1:{intake_port}",
        agency_behaviour="never", agency_delay_seconds=0.0, callback_backoff_seconds=0.1,
    ))
    await running.start()
    yield running
    await running.stop()


@pytest.fixture(scope="session")
async def intake(
    engine_settings: EngineSettings, intake_port: int, session_catalog: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AppServer]:
    async with running_intake(intake_port, engine_settings.rest_url, session_catalog,
                              tmp_path_factory.mktemp("intake")) as server:
        yield server


def test_systems(sandbox: Sandbox, intake_url: str, catalog_dir: Path, folder: Path) -> Systems:
    """Every external system in the sandbox."""
    base = Systems()
    return Systems(
        xyp_url=sandbox.http_url, sms_url=sandbox.http_url, inbox_url=sandbox.http_url,
        smtp_port=sandbox.settings.smtp_port, intake_url=intake_url, catalog_dir=catalog_dir,
        agencies={a: AgencyEndpoint(url=f"{sandbox.http_url}/agencies/{a}", api_key=e.api_key)
                  for a, e in base.agencies.items()},
        outbox_path=folder / "outbox.sqlite",
    )


@pytest.fixture(scope="session")
def worker_settings(
    engine_settings: EngineSettings, sandbox: Sandbox, intake: AppServer, session_catalog: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> WorkerSettings:
    return WorkerSettings(
        engine_rest_url=engine_settings.rest_url, engine_user=WORKERS_ACCOUNT.user,
        engine_password=WORKERS_ACCOUNT.password, metrics_port=free_port(),
        backoff_base_ms=200, backoff_max_ms=2_000, long_poll_ms=2_000,
        systems=test_systems(sandbox, intake.url, session_catalog, tmp_path_factory.mktemp("workers")),
    )


@pytest.fixture(scope="session")
async def workers(worker_settings: WorkerSettings) -> AsyncIterator[ExternalTaskRuntime]:
    """The real worker runtime, in this event loop, with every production handler plus the smoke one."""
    services = Services.from_settings(worker_settings)
    async with EngineClient(worker_settings.engine_rest_url, worker_settings.engine_user,
                            worker_settings.engine_password.get_secret_value()) as engine:
        runtime = ExternalTaskRuntime(worker_settings, engine, [*HANDLERS, *SMOKE_HANDLERS], services)
        running = asyncio.create_task(runtime.run(handle_signals=False))
        yield runtime
        runtime.request_stop()
        await asyncio.wait_for(running, timeout=30)
    await services.http.aclose()


@pytest.fixture(scope="session")
def intake_account() -> tuple[str, str]:
    return INTAKE_ACCOUNT.user, INTAKE_ACCOUNT.password.get_secret_value()


@pytest.fixture(scope="session")
def resources_dir() -> Path:
    return TEST_RESOURCES
