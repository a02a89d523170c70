from collections.abc import AsyncIterator

import pytest

from engine_client import EngineClient
from sandbox.server import Sandbox
from tests.history import History
from tests.process.harness import Harness
from tests.servers import AppServer
from workers.runtime import ExternalTaskRuntime


@pytest.fixture
async def harness(
    api: EngineClient, history: History, sandbox: Sandbox, intake: AppServer, workers: ExternalTaskRuntime
) -> AsyncIterator[Harness]:
    driver = Harness(api, history, sandbox.http_url, intake.url)
    yield driver
    await driver.clear_faults()
    await driver.close()
