"""The webapps mode on the real stack: OpenSearch + bin/camunda, Operate and Tasklist with their data.

The stack is the session's one full stack (tests/webapps_stack.py), shared with tests/browser/.
"""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

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
    async with CamundaApi(webapps_settings.rest_url, webapps_settings.management_url) as client:
        await client.login("demo", "demo")
        yield client


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


async def test_every_candidate_group_has_a_staff_user_who_can_log_into_tasklist(
    webapps_settings: EngineSettings,
) -> None:
    password = webapps_settings.staff_password.get_secret_value()
    for group, name in candidate_groups().items():
        async with httpx.AsyncClient(base_url=webapps_settings.rest_url) as browser:
            refused = await browser.post("/api/login", params={"username": group, "password": "wrong"})
            assert refused.status_code == 401, group
            login = await browser.post("/api/login", params={"username": group, "password": password})
            assert login.status_code == 204, group
            me = await browser.get("/v1/internal/users/current")  # what Tasklist's UI asks first
            assert me.status_code == 200, me.text
            assert (me.json()["userId"], me.json()["displayName"]) == (group, name)
            assert "write" in me.json()["permissions"]  # may claim and complete tasks


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
