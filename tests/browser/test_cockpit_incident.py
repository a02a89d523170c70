"""What an operator sees in Cockpit: a public service request stuck on an incident, and its retry.

The XYP registry is down when a citizen's request arrives: verify-identity fails, is retried with back-off and,
its five retries used, becomes an incident. The administrator opens the instance in Cockpit and sees the
Mongolian diagram with the red incident marker on "Хувийн мэдээллийг шалгах" and the worker's message in the
incidents tab. Once the registry is back, "Retry" in Cockpit lets the instance continue.
"""

import json
from urllib.parse import quote

import pytest
from playwright.async_api import Page, expect

from engine.settings import EngineSettings
from engine_client import EngineClient
from sandbox.server import Sandbox
from tests.browser.conftest import log_in, screenshot_path
from tests.history import History
from tests.process.harness import BATBOLD, Harness
from tests.servers import AppServer

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("workers")]

SERVICE, FAILING = "no-documents-single-stage", "Task_VerifyIdentity"
MESSAGE = "verify-identity: TransientError: XYP registry service WS100101 answered 503"
# Cockpit keeps the diagram's view box in the address: the start of the process up to the documents, readable
VIEW = {"Definitions_PublicServiceRequestProcess": {"x": 130, "y": 280, "width": 1260, "height": 500}}


async def test_cockpit_shows_the_instance_with_its_incident_and_retries_it_once_the_registry_is_back(
    page: Page, engine_settings: EngineSettings, api: EngineClient, history: History, sandbox: Sandbox,
    intake: AppServer,
) -> None:
    harness = Harness(api, history, sandbox.http_url, intake.url)
    try:
        await harness.fault("xyp", down=True)
        case, instance = await harness.submit(SERVICE, BATBOLD)
        incident = (await history.wait_for(lambda: history.open_incidents(instance), "an incident", 60))[0]
        await harness.clear_faults()
        assert (incident.element_id, incident.incident_type) == (FAILING, "failedExternalTask")
        assert incident.message.startswith(MESSAGE)

        await page.set_viewport_size({"width": 1600, "height": 1000})
        await log_in(page, f"{engine_settings.cockpit_url}#/process-instance/{instance}/runtime"
                           f"?viewbox={quote(json.dumps(VIEW, separators=(',', ':')))}",
                     engine_settings.admin_user, engine_settings.admin_password.get_secret_value())
        await expect(page.get_by_text(f"{instance} : Runtime")).to_be_visible()  # the breadcrumb
        # the process, in the breadcrumb (the variables tab, once loaded, has more links of that name)
        await expect(page.get_by_role("link", name="Төрийн үйлчилгээний хүсэлт").first).to_be_visible()
        diagram = page.locator(".djs-container")
        for element in (FAILING, "CallActivity_CollectDocuments", "SubProcess_AgencyStages"):  # some outside the view
            await expect(diagram.locator(f'g[data-element-id="{element}"]')).to_be_visible()
        marker = diagram.locator(f'.djs-overlays[data-container-id="{FAILING}"] .instance-incidents')
        await expect(marker).to_have_text("1")  # the red badge on the failed task
        await expect(marker).to_have_css("background-color", "rgb(185, 74, 72)")

        await page.get_by_role("link", name="Incidents", exact=True).click()
        row = page.locator("tr", has_text=MESSAGE)
        await expect(row).to_have_count(1)
        await expect(row.locator("td.activity")).to_contain_text("Хувийн мэдээллийг шалгах")
        await expect(row.locator("td.type")).to_have_text("failedExternalTask")
        await page.screenshot(path=screenshot_path("cockpit-incident.png"))

        await row.locator("a.action-button:visible").click()  # "Increment Number of Retries of Failed External Tasks"
        retry = page.locator(".modal-dialog")
        await expect(retry.get_by_role("heading", name="Increment Number of Retries")).to_be_visible()
        await retry.get_by_role("button", name="Retry").click()
        await expect(retry.get_by_text("has been incremented successfully")).to_be_visible()
        await retry.get_by_role("button", name="OK").click()

        assert await harness.wait_forwarded(case, 1) == "police"  # the request went on to its agency
    finally:
        await harness.clear_faults()
        await harness.close()
    # the agency has the case as soon as the worker sent it; the task completes in history just after
    path = await history.wait_for(
        lambda: _completed_with(history, instance, "Task_ForwardToAgency"), "Task_ForwardToAgency in history")
    assert path.index(FAILING) < path.index("Task_ResolveService") < path.index("Task_ForwardToAgency")
    assert await history.open_incidents(instance) == []
    await page.reload()
    await expect(diagram.locator(f'g[data-element-id="{FAILING}"]')).to_be_visible()
    await expect(diagram.locator(".instance-incidents:visible")).to_have_count(0)  # no red badge left


async def _completed_with(history: History, instance: str, element: str) -> list[str] | None:
    path = await history.path(instance)
    return path if element in path else None
