"""What staff and analysts see: a service-centre task in Tasklist, the instance in Operate.

A citizen asks on the portal (through intake) to register a property purchase. The real workers
verify the person, resolve the service in the real catalogue and fetch the ID card and civil status
from XYP; the purchase agreement no registry holds, so the citizen uploads it through intake and
DocumentReductionProcess opens "Илгээсэн баримтыг шалгах" (check uploaded document) for the group
service-centre-staff. That group's staff user logs into Tasklist, finds the task, reads its
Mongolian form and accepts the file.

That staff user claims it ("Assign to me") and completes it ("Complete Task") in Tasklist itself:
the launcher runs Tasklist standalone beside bin/broker, whose REST API v2 Tasklist calls for both
(in 8.6.0's single application it could not: camunda/camunda#21818, #24808). The record stream
and the REST API then show the documents process ended with the upload in the dossier and the
request moved on.
"""

import re
import time
from dataclasses import dataclass

import pytest
from playwright.async_api import Locator, Page, expect

from engine.api import CamundaApi
from engine.records import RecordLog
from engine.settings import EngineSettings
from sandbox.server import Sandbox
from tests.browser.conftest import log_in, screenshot_path
from tests.process.documents import child_of, pdf, upload
from tests.process.harness import BATBOLD, Harness
from tests.servers import AppServer
from tests.webapps_stack import eventually

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("stack_workers")]

SERVICE, UPLOADED = "property-ownership-registration", "purchase-agreement"
PARENT, CHILD = "PublicServiceRequestProcess", "DocumentReductionProcess"
TASK, STAFF = "UserTask_CheckUploadedDocument", "service-centre-staff"
FORM_HEADING = "Иргэний илгээсэн баримтыг шалгах"
ACCEPT = "Хүлээн авах"


@dataclass(frozen=True)
class DocumentsCase:
    case: str
    instance: int  # PublicServiceRequestProcess
    child: int  # DocumentReductionProcess, called for the documents
    task_key: int


async def request_with_documents(
    api: CamundaApi, records: RecordLog, sandbox: Sandbox, intake: AppServer
) -> DocumentsCase:
    """Submit on the portal, upload the agreement; wait until the workers have opened its check task."""
    harness = Harness(api, records, sandbox.http_url, intake.url)
    try:
        case, instance = await harness.submit(SERVICE, BATBOLD)
        child = await child_of(harness, case)
        assert (await upload(harness, case, UPLOADED, pdf(UPLOADED))).status_code == 202
    finally:
        await harness.close()
    tasks = await records.wait_for(lambda: records.open_user_tasks(child, TASK), f"{TASK} of {case}")
    assert tasks[0].candidate_groups == [STAFF]
    return DocumentsCase(case, instance, child, tasks[0].key)


@pytest.fixture(scope="module")
async def documents_case(
    stack_api: CamundaApi, stack_records: RecordLog, sandbox: Sandbox, stack_intake: AppServer
) -> DocumentsCase:
    return await request_with_documents(stack_api, stack_records, sandbox, stack_intake)


async def until_visible(page: Page, target: Locator, what: str, timeout_s: float = 60.0) -> None:
    """Tasklist and Operate import from OpenSearch with a few seconds' lag: reload until `target` shows."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            await expect(target).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not show within {timeout_s:.0f}s") from None
            await page.reload()


async def open_in_tasklist(page: Page, stack: EngineSettings, task_key: int) -> None:
    """Log in as the service-centre staff user, find the task in the list of open tasks, open it."""
    await log_in(page, f"{stack.tasklist_url}/tasklist", STAFF, stack.staff_password.get_secret_value())
    in_list = page.locator(f'a[href^="/tasklist/{task_key}"]')
    await until_visible(page, in_list, f"task {task_key} in Tasklist's list")
    await expect(in_list).to_contain_text("Илгээсэн баримтыг шалгах")  # "Check uploaded document"
    await in_list.click()
    await page.wait_for_url(f"**/tasklist/{task_key}*")


async def test_staff_member_claims_and_completes_the_documents_task_in_tasklist(
    page: Page, stack: EngineSettings, documents_case: DocumentsCase, stack_api: CamundaApi, stack_records: RecordLog
) -> None:
    await open_in_tasklist(page, stack, documents_case.task_key)
    await expect(page.get_by_role("heading", name=FORM_HEADING)).to_be_visible()
    await expect(page.get_by_text("Худалдах, худалдан авах гэрээ").first).to_be_visible()  # the document's name
    await expect(page.get_by_role("link", name="файлыг нээх")).to_have_attribute("href", re.compile(
        r"/v1/uploads/[0-9a-f]{64}\?expires=\d+&signature=[0-9a-f]{64}$"))
    accept = page.get_by_role("radio", name=ACCEPT)  # form-js draws its own radio over a hidden input
    await expect(page.get_by_text(ACCEPT, exact=True)).to_be_visible()
    await expect(page.get_by_text("service-centre-staff", exact=True)).to_be_visible()  # the candidate group
    await expect(page.get_by_role("button", name="Complete Task")).to_be_disabled()  # not claimed yet

    await page.get_by_role("button", name="Assign to me").click()  # Tasklist -> broker /v2 assignment
    await expect(page.get_by_role("button", name="Unassign")).to_be_visible(timeout=30_000)
    await expect(page.get_by_text("Assigned to me")).to_be_visible()
    await page.get_by_text(ACCEPT, exact=True).click()
    await expect(accept).to_be_checked()
    complete = page.get_by_role("button", name="Complete Task")
    await expect(complete).to_be_enabled()
    await page.screenshot(path=screenshot_path("tasklist-task.png"))

    await complete.click()  # Tasklist -> broker /v2 completion, with the form's documentCheckDecision
    await expect(page.get_by_text("Task completed").first).to_be_visible(timeout=30_000)
    records = stack_records
    assert await records.wait_for(lambda: records.ended(documents_case.child), "the documents process to end") == (
        "completed")
    assert TASK in records.path(documents_case.child)
    dossier = {d["code"]: d for d in records.variables(documents_case.child)["dossier"]}
    assert (dossier[UPLOADED]["source"], dossier[UPLOADED]["status"]) == ("citizen", "received")
    assert dossier[UPLOADED]["reference"].startswith("sha256:")
    await records.wait_for(lambda: "Task_ForwardToAgency" in records.path(documents_case.instance),
                           "the request to move on to the land agency after the documents")
    assert "CallActivity_CollectDocuments" in records.path(documents_case.instance)

    async def completed_in_search() -> bool:
        tasks = await stack_api.search_user_tasks(documents_case.child)
        return any(t["key"] == documents_case.task_key and t["state"] == "COMPLETED" for t in tasks)

    assert await eventually(completed_in_search, "the task COMPLETED in /v2/user-tasks/search")
    tasks = await eventually(lambda: stack_api.search_tasks(documents_case.child, state="COMPLETED"),
                             "the task COMPLETED in Tasklist's /v1/tasks/search")
    assert [(t["id"], t["assignee"]) for t in tasks] == [(str(documents_case.task_key), STAFF)]


async def test_operate_shows_the_instance_with_its_diagram(
    page: Page, stack: EngineSettings, documents_case: DocumentsCase
) -> None:
    await log_in(page, f"{stack.operate_url}/operate/processes/{documents_case.instance}", stack.web_user,
                 stack.web_password)
    key_cell = page.get_by_role("cell", name=str(documents_case.instance), exact=True)
    await until_visible(page, key_cell, f"instance {documents_case.instance} in Operate")
    await expect(page.get_by_role("cell", name="Төрийн үйлчилгээний хүсэлт", exact=False).first).to_be_visible()
    diagram = page.locator(".djs-container")
    await expect(diagram.locator('[data-element-id="CallActivity_CollectDocuments"]')).to_be_visible()
    await expect(diagram.locator('[data-element-id="SubProcess_AgencyStages"]')).to_be_visible()
    await expect(page.get_by_role("tree", name=f"{PARENT} instance history")).to_be_visible()
    await page.screenshot(path=screenshot_path("operate-instance.png"))
