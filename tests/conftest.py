"""One real engine per test session (started here, or an already running one with ENGINE_EXTERNAL=1).

Each test isolates itself by the process instance it starts; nothing is shared but the engine.
"""

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from engine import launcher
from engine.api import CamundaApi
from engine.records import RecordLog
from engine.settings import PROJECT_ROOT, EngineSettings
from sandbox.server import Sandbox
from sandbox.settings import SandboxSettings
from tests.servers import AppServer, free_port, running_intake
from tests.smoke_tasks import router as smoke_router
from tests.stack_fixtures import stack, stack_api, stack_intake, stack_records, stack_workers  # noqa: F401
from workers.clients.agencies import AgencyEndpoint
from workers.logs import configure_logging
from workers.runtime import WorkerRuntime
from workers.settings import WorkerSettings
from workers.systems import Systems
from workers.tasks import ROUTERS

TEST_RESOURCES = PROJECT_ROOT / "tests" / "resources"
TEST_CATALOG = TEST_RESOURCES / "catalog"  # doc-less services: document collection is tested on its own


@pytest.fixture(scope="session", autouse=True)
def masked_logs() -> None:
    """Every test's log lines go through the masking processors, as in production, whichever fixtures it uses."""
    configure_logging("INFO", "json")


@pytest.fixture(scope="session")
def engine_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineSettings]:
    """A throw-away engine with the controllable clock, on ports apart from a running dev stack."""
    if os.environ.get("ENGINE_EXTERNAL") == "1":
        yield EngineSettings()
        return
    shift = int(os.environ.get("TEST_ENGINE_PORT_SHIFT", "0"))  # lets two test sessions run side by side
    settings = EngineSettings(
        run_dir=tmp_path_factory.mktemp("engine"), controlled_clock=True, webapps=False,
        rest_port=18080 + shift, grpc_port=36500 + shift, management_port=19600 + shift,
        command_port=36501 + shift, internal_port=36502 + shift,
        records_max_bytes=2 * 1024 * 1024,  # the suite's readers follow a dozen rotations of the record stream
        resource_dirs=(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms", TEST_RESOURCES),
    )
    result = asyncio.run(launcher.up(settings))
    print(f"\nengine started in {result.seconds:.1f}s")
    yield settings
    launcher.down(settings)


@pytest.fixture(scope="session")
async def api(engine_settings: EngineSettings) -> AsyncIterator[CamundaApi]:
    async with CamundaApi(engine_settings.rest_url, engine_settings.management_url) as client:
        if os.environ.get("ENGINE_EXTERNAL") == "1":
            await client.deploy(sorted(TEST_RESOURCES.glob("*.bpmn")) + sorted(TEST_RESOURCES.glob("*.form")))
        yield client


@pytest.fixture(scope="session")
def records(engine_settings: EngineSettings) -> RecordLog:
    return RecordLog(engine_settings.records_path)


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
    engine_settings: EngineSettings, intake_port: int, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AppServer]:
    async with running_intake(intake_port, engine_settings.rest_url, TEST_CATALOG,
                              tmp_path_factory.mktemp("intake")) as server:
        yield server


@pytest.fixture(scope="session")
async def workers(
    engine_settings: EngineSettings, sandbox: Sandbox, intake: AppServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[WorkerRuntime]:
    """The real worker runtime, in this event loop, with every production router plus the smoke one."""
    configure_logging("INFO", "json")
    base = Systems()
    systems = Systems(
        xyp_url=sandbox.http_url, sms_url=sandbox.http_url, inbox_url=sandbox.http_url,
        smtp_port=sandbox.settings.smtp_port, intake_url=intake.url, catalog_dir=TEST_CATALOG,
        agencies={a: AgencyEndpoint(url=f"{sandbox.http_url}/agencies/{a}", api_key=e.api_key)
                  for a, e in base.agencies.items()},
        outbox_path=tmp_path_factory.mktemp("workers") / "outbox.sqlite",
    )
    settings = WorkerSettings(
        gateway_address=engine_settings.grpc_address, metrics_port=free_port(),
        backoff_base_ms=200, backoff_max_ms=2_000, long_poll_ms=2_000, systems=systems,
    )
    runtime = WorkerRuntime(settings, [*ROUTERS, smoke_router])
    running = asyncio.create_task(runtime.run())
    yield runtime
    runtime.request_stop()
    await asyncio.wait_for(running, timeout=30)


@pytest.fixture(scope="session")
def resources_dir() -> Path:
    return TEST_RESOURCES
