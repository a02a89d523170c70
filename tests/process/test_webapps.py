"""The webapps mode on the real stack: OpenSearch + bin/camunda, Operate and Tasklist with their data.

Its own engine (module scope) on ports apart from the session engine and a dev stack, run folder
under /tmp (the OpenSearch user must be able to reach it; pytest's own tmp folder is private).
"""

import asyncio
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from engine import launcher
from engine.api import CamundaApi, CamundaApiError
from engine.settings import PROJECT_ROOT, EngineSettings

pytestmark = pytest.mark.engine
T = TypeVar("T")
RESOURCES = PROJECT_ROOT / "tests" / "resources"
PROCESS, TASK = "WebappsCheckProcess", "UserTask_ReviewInTasklist"


@pytest.fixture(scope="module")
def webapps_settings() -> Iterator[EngineSettings]:
    run_dir = Path(tempfile.mkdtemp(prefix="engine-webapps-"))
    run_dir.chmod(0o755)
    models = run_dir / "models"
    models.mkdir()
    for name in (f"{PROCESS}.bpmn", "smoke-review.form"):
        shutil.copy(RESOURCES / name, models / name)
    settings = EngineSettings(
        run_dir=run_dir / "engine", webapps=True, resource_dirs=(models,),
        rest_port=28180, grpc_port=46600, management_port=29700, command_port=46601, internal_port=46602,
        search_http_port=9290, search_transport_port=9390,
    )
    try:
        result = asyncio.run(launcher.up(settings))
        print(f"\nwebapps engine (OpenSearch + Camunda) started in {result.seconds:.1f}s")
        yield settings
    finally:
        launcher.down(settings)
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(scope="module")
async def web_api(webapps_settings: EngineSettings) -> AsyncIterator[CamundaApi]:
    async with CamundaApi(webapps_settings.rest_url, webapps_settings.management_url) as client:
        await client.login("demo", "demo")
        yield client


async def eventually(check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 60.0) -> T:
    """Poll `check` until it returns something truthy (the importers run about once a second)."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        await asyncio.sleep(0.25)


async def test_operate_and_tasklist_login_pages_answer(webapps_settings: EngineSettings) -> None:
    async with httpx.AsyncClient(base_url=webapps_settings.rest_url) as client:
        for page in ("/operate/login", "/tasklist/login"):
            assert (await client.get(page)).status_code == 200, page


async def test_demo_login_opens_the_api_and_a_wrong_password_does_not(webapps_settings: EngineSettings) -> None:
    async with CamundaApi(webapps_settings.rest_url) as anonymous:
        with pytest.raises(CamundaApiError) as refused:
            await anonymous.topology()
        assert refused.value.status == 401
        with pytest.raises(CamundaApiError):
            await anonymous.login("demo", "wrong")
        await anonymous.login("demo", "demo")
        assert (await anonymous.topology())["brokers"]


async def test_user_task_found_in_search_completed_and_instance_completed_in_operate(web_api: CamundaApi) -> None:
    instance = await web_api.create_instance(PROCESS, {"name": "Болд"})

    async def open_task() -> dict[str, Any] | None:
        tasks = await web_api.search_user_tasks(instance)
        return next((t for t in tasks if t["elementId"] == TASK and t["state"] == "CREATED"), None)

    task = await eventually(open_task, "the user task in /v2/user-tasks/search")
    assert task["processInstanceKey"] == instance
    assert task["candidateGroup"] == ["smoke-testers"]  # 8.6's name for the list
    assert task["formKey"], "the user task carries its linked form"
    await web_api.complete_user_task(task["key"], {"approved": True})

    async def completed() -> dict[str, Any] | None:
        found = await web_api.search_process_instances(instance)
        return next((i for i in found if i["state"] == "COMPLETED"), None)

    operated = await eventually(completed, "Operate to show the instance completed")
    assert operated["bpmnProcessId"] == PROCESS
    assert await web_api.search_incidents(instance) == []
