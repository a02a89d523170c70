"""The session's full stack (tests/webapps_stack.py) with what runs around it, for tests that need Operate,
Tasklist or the search store: browser tests, and reports read from Operate.

Around the stack: an intake of its own (the real catalogue; the broker's REST API needs no login) and
the real workers as `python -m workers` in a subprocess, pointed at the session's sandbox. A
subprocess because the worker runtime installs its services process-wide: a second runtime in
the test process would swap the catalogue under the session engine's workers.
"""

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import pytest

from engine import launcher
from engine.api import CamundaApi
from engine.records import RecordLog
from engine.settings import PROJECT_ROOT, EngineSettings
from sandbox.server import Sandbox
from tests.servers import AppServer, free_port, running_intake
from tests.webapps_stack import webapps_stack
from workers.systems import agency_ids


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> EngineSettings:
    return webapps_stack(request)


@pytest.fixture(scope="session")
def stack_records(stack: EngineSettings) -> RecordLog:
    return RecordLog(stack.records_path)


@pytest.fixture(scope="session")
async def stack_api(stack: EngineSettings) -> AsyncIterator[CamundaApi]:
    async with launcher.api_for(stack) as client:  # /v2 open; Operate and Tasklist as demo
        yield client


@pytest.fixture(scope="session")
async def stack_intake(stack: EngineSettings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AppServer]:
    async with running_intake(free_port(), stack.rest_url, PROJECT_ROOT / "catalog",
                              tmp_path_factory.mktemp("stack-intake")) as server:
        yield server


@pytest.fixture(scope="session")
def stack_workers(
    stack: EngineSettings, sandbox: Sandbox, stack_intake: AppServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m workers` against the stack, every external system in the sandbox, the real catalogue."""
    folder = tmp_path_factory.mktemp("stack-workers")
    agencies = {a: {"url": f"{sandbox.http_url}/agencies/{a}", "api_key": f"sandbox-{a}-key"} for a in agency_ids()}
    env = os.environ | {
        "WORKERS_GATEWAY_ADDRESS": stack.grpc_address, "WORKERS_METRICS_PORT": str(free_port()),
        "WORKERS_LOG_FORMAT": "json", "WORKERS_BACKOFF_BASE_MS": "200", "WORKERS_BACKOFF_MAX_MS": "2000",
        "WORKERS_LONG_POLL_MS": "2000",
        "WORKERS_SYSTEMS__XYP_URL": sandbox.http_url, "WORKERS_SYSTEMS__SMS_URL": sandbox.http_url,
        "WORKERS_SYSTEMS__INBOX_URL": sandbox.http_url, "WORKERS_SYSTEMS__SMTP_PORT": str(sandbox.settings.smtp_port),
        "WORKERS_SYSTEMS__INTAKE_URL": stack_intake.url, "WORKERS_SYSTEMS__AGENCIES": json.dumps(agencies),
        "WORKERS_SYSTEMS__OUTBOX_PATH": str(folder / "outbox.sqlite"),
        "WORKERS_SYSTEMS__CATALOG_DIR": str(PROJECT_ROOT / "catalog"),
    }
    with (folder / "workers.log").open("wb") as log:
        workers = subprocess.Popen([sys.executable, "-m", "workers"], cwd=PROJECT_ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    yield workers
    workers.terminate()
    try:
        workers.wait(timeout=15)
    except subprocess.TimeoutExpired:
        workers.kill()
        workers.wait()
