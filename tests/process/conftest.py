from collections.abc import AsyncIterator

import pytest

from engine.api import CamundaApi
from engine.records import RecordLog
from sandbox.server import Sandbox
from tests.process.harness import Harness
from tests.servers import AppServer
from workers.runtime import WorkerRuntime


@pytest.fixture
async def harness(
    api: CamundaApi, records: RecordLog, sandbox: Sandbox, intake: AppServer, workers: WorkerRuntime
) -> AsyncIterator[Harness]:
    driver = Harness(api, records, sandbox.http_url, intake.url)
    yield driver
    await driver.clear_faults()
    await api.reset_clock()
    await driver.close()
