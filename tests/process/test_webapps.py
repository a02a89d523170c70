"""The webapps mode on the real stack: OpenSearch, bin/broker, standalone Operate and Tasklist with their data.

The stack is the session's one full stack (tests/webapps_stack.py), shared with tests/browser/.
"""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from engine import launcher
from engine.api import CamundaApi, CamundaApiError
from engine.roles import candidate_groups
from engine.settings import EngineSettings
from tests.webapps_stack import eventually, webapps_stack

pytestmark = pytest.mark.engine
PROCESS, TASK = "WebappsCheckProcess", "UserTask_ReviewInTasklist"


@pytest.fixture(scope="session")
def webapps_settings(request: pytest.FixtureRequest) -> EngineSettings:
    return webapps_stack(request)


@pytest.fixture(scope="module")
async def web_api(webapps_settings: EngineSettings) -> AsyncIterator[CamundaApi]:
    async with launcher.api_for(webapps_settings) as client:  # /v2 open; Operate and Tasklist as demo
        yield client


async def test_operate_and_tasklist_login_pages_answer_on_their_own_ports(webapps_settings: EngineSettings) -> None:
    for base, page in ((webapps_settings.operate_url, "/operate/login"),
                       (webapps_settings.tasklist_url, "/tasklist/login")):
        async with httpx.AsyncClient(base_url=base) as client:
            assert (await client.get(page)).status_code == 200, f"{base}{page}"


async def test_the_broker_api_needs_no_login_and_the_webapps_refuse_a_wrong_password(
    webapps_settings: EngineSettings,
) -> None:
    async with CamundaApi(webapps_settings.rest_url) as anonymous:
        assert (await anonymous.topology())["brokers"]
    for base in (webapps_settings.operate_url, webapps_settings.tasklist_url):
        async with httpx.AsyncClient(base_url=base) as client:
            refused = await client.post("/api/login", params={"username": "demo", "password": "wrong"})
            assert refused.status_code == 401, base
            anonymous_search = await client.post("/v1/process-instances/search"
                                                 if base == webapps_settings.operate_url else "/v1/tasks/search",
                                                 json={})
            assert anonymous_search.status_code in (401, 403), base
            login = await client.post("/api/login", params={"username": "demo", "password": "demo"})
            assert login.status_code == 204, base


async def test_every_candidate_group_has_a_staff_user_who_can_log_into_tasklist_and_operate(
    webapps_settings: EngineSettings,
) -> None:
    password = webapps_settings.staff_password.get_secret_value()
    for group, name in candidate_groups().items():
        for base in (webapps_settings.tasklist_url, webapps_settings.operate_url):
            async with httpx.AsyncClient(base_url=base) as browser:
                refused = await browser.post("/api/login", params={"username": group, "password": "wrong"})
                assert refused.status_code == 401, (group, base)
                login = await browser.post("/api/login", params={"username": group, "password": password})
                assert login.status_code == 204, (group, base)
                if base == webapps_settings.tasklist_url:
                    me = await browser.get("/v1/internal/users/current")  # what Tasklist's UI asks first
                    assert me.status_code == 200, me.text
                    assert (me.json()["userId"], me.json()["displayName"]) == (group, name)
                    assert "write" in me.json()["permissions"]  # may claim and complete tasks


async def test_user_task_found_assigned_and_completed_through_tasklist_and_instance_completed_in_operate(
    web_api: CamundaApi,
) -> None:
    instance = await web_api.create_instance(PROCESS, {"name": "Болд"})

    async def open_task() -> dict[str, Any] | None:
        tasks = await web_api.search_user_tasks(instance)
        return next((t for t in tasks if t["elementId"] == TASK and t["state"] == "CREATED"), None)

    task = await eventually(open_task, "the user task in /v2/user-tasks/search")
    assert task["processInstanceKey"] == instance
    assert task["candidateGroup"] == ["smoke-testers"]  # 8.6's name for the list
    assert task["formKey"], "the user task carries its linked form"

    async def in_tasklist() -> dict[str, Any] | None:
        return next((t for t in await web_api.search_tasks(instance) if t["id"] == str(task["key"])), None)

    listed = await eventually(in_tasklist, "the user task in Tasklist's /v1/tasks/search")
    assert listed["implementation"] == "ZEEBE_USER_TASK"
    assert (await web_api.tasklist_assign(task["key"]))["assignee"] == "demo"  # Tasklist -> broker /v2: no 401
    assert (await web_api.tasklist_complete(task["key"], {"approved": True}))["taskState"] == "COMPLETED"

    async def completed() -> dict[str, Any] | None:
        found = await web_api.search_process_instances(instance)
        return next((i for i in found if i["state"] == "COMPLETED"), None)

    operated = await eventually(completed, "Operate to show the instance completed")
    assert operated["bpmnProcessId"] == PROCESS
    assert await web_api.search_incidents(instance) == []


async def test_engine_complete_shortcut_completes_over_rest_v2(web_api: CamundaApi) -> None:
    instance = await web_api.create_instance(PROCESS, {"name": "Дорж"})

    async def open_task() -> dict[str, Any] | None:
        tasks = await web_api.search_user_tasks(instance, state="CREATED")
        return next((t for t in tasks if t["elementId"] == TASK), None)

    task = await eventually(open_task, "the user task in /v2/user-tasks/search")
    await web_api.complete_user_task(task["key"], {"approved": False})  # what `python -m engine complete` sends
    with pytest.raises(CamundaApiError):
        await web_api.complete_user_task(task["key"], {})  # gone: completed once


async def test_the_stack_restarts_on_its_own_data(webapps_settings: EngineSettings, web_api: CamundaApi) -> None:
    """A second `make run` starts on the first one's data (it once failed: Tasklist's ISM clean-up at start).

    Last in this module: the stack is restarted under the tests that share it, and left running.
    """
    instance = await web_api.create_instance(PROCESS, {"name": "Сараа"})

    async def open_in_tasklist() -> dict[str, Any] | None:
        return next((t for t in await web_api.search_tasks(instance) if t["taskState"] == "CREATED"), None)

    before = await eventually(open_in_tasklist, "the new task in Tasklist before the restart")
    assert launcher.down(webapps_settings)

    restarted = await launcher.up(webapps_settings)

    assert restarted.started  # not an engine that was still answering
    after = await eventually(open_in_tasklist, "the same task in Tasklist after the restart")
    assert after["id"] == before["id"]
    await web_api.tasklist_assign(int(after["id"]))
    assert (await web_api.tasklist_complete(int(after["id"]), {"approved": True}))["taskState"] == "COMPLETED"
