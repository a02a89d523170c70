"""What staff see in Tasklist: a service-centre task with its Mongolian form, and only their own group's tasks.

A citizen asks on the portal (through intake) to register a property purchase. The real workers verify the
person, resolve the service in the real catalogue and fetch the ID card and civil status from XYP; the purchase
agreement no registry holds, so the citizen uploads it through intake and DocumentReductionProcess opens
"Илгээсэн баримтыг шалгах" (check the uploaded document) for the staff of the citizen's service centre
(centre-capital-bayanzurkh). That centre's staff member logs into Tasklist, finds the task, reads its form, claims
it, accepts the file and completes it; the history then shows the documents process ended with the upload in the
dossier and the request moved on.
A staff member of another group (Customer Service) neither finds that task nor can open it by its address.
"""

import hashlib
import re
import uuid
from dataclasses import dataclass

import httpx
import pytest
from playwright.async_api import Page, expect

from engine.settings import EngineSettings
from engine_client import EngineClient
from sandbox.server import Sandbox
from tests.browser.conftest import ASSIGNED_TO_ME, NewPage, log_into_tasklist, screenshot_path, task_route
from tests.history import History
from tests.process.harness import BATBOLD, PORTAL_KEY, Harness
from tests.servers import AppServer
from workers.runtime import ExternalTaskRuntime

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("workers")]

SERVICE, UPLOADED = "property-ownership-registration", "purchase-agreement"
CHILD = "DocumentReductionProcess"
TASK, TASK_NAME, OWNER, OTHER = (
    "UserTask_CheckUploadedDocument", "Илгээсэн баримтыг шалгах", "centre-capital-bayanzurkh", "customer-service")
FORM_HEADING, DOCUMENT_NAME = "Иргэний илгээсэн баримтыг шалгах", "Худалдах, худалдан авах гэрээ"
ACCEPT = "Хүлээн авах"
FILE_NAME = "худалдах-гэрээ.pdf"


@dataclass(frozen=True)
class DocumentsCase:
    case: str
    instance: str  # PublicServiceRequestProcess
    child: str  # DocumentReductionProcess, called for the documents
    task_id: str
    content: bytes  # the uploaded file


async def upload(harness: Harness, case: str, code: str, content: bytes) -> httpx.Response:
    """The citizen's upload through intake, as the portal sends it."""
    return await harness.intake.post("/v1/uploads", headers=PORTAL_KEY, data={"caseNumber": case, "documentCode": code},
                                     files={"file": (FILE_NAME, content, "application/pdf")})


@pytest.fixture(scope="module")
async def documents_case(
    api: EngineClient, history: History, sandbox: Sandbox, intake: AppServer, workers: ExternalTaskRuntime
) -> DocumentsCase:
    """Submit on the portal, upload the agreement; wait until the workers have opened its check task."""
    harness = Harness(api, history, sandbox.http_url, intake.url)
    try:
        case, instance = await harness.submit(SERVICE, BATBOLD)
        child = await harness.instance_of(case, CHILD)
        content = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
        response = await upload(harness, case, UPLOADED, content)
        assert response.status_code == 202, response.text
        task = await harness.user_task(child, TASK)
    finally:
        await harness.close()
    assert (task.candidate_groups, task.form_ref, task.assignee) == ([OWNER], "document-check", None)
    return DocumentsCase(case, instance, child, task.id, content)


async def test_another_groups_staff_member_neither_finds_nor_opens_the_task_its_owner_sees(
    new_page: NewPage, engine_settings: EngineSettings, api: EngineClient, documents_case: DocumentsCase
) -> None:
    assert [t["id"] for t in await api.tasks(taskId=documents_case.task_id)] == [documents_case.task_id], (
        "the check task must still be open for this test to mean anything")
    other, owner = await new_page(), await new_page()

    await log_into_tasklist(other, engine_settings, OTHER)
    await expect(other.locator(f'a[href="{task_route(documents_case.task_id)}"]')).to_have_count(0)
    await expect(other.get_by_role("link", name=TASK_NAME)).to_have_count(0)
    await other.goto(f"{engine_settings.tasklist_url}{task_route(documents_case.task_id)}")
    await expect(other.get_by_text(f"No matching task with id {documents_case.task_id}")).to_be_visible()
    await expect(other.get_by_role("heading", name=FORM_HEADING)).to_have_count(0)
    await expect(other.get_by_role("button", name="Complete", exact=True)).to_have_count(0)
    await other.screenshot(path=screenshot_path("tasklist-other-group.png"))

    await log_into_tasklist(owner, engine_settings, OWNER, task_route(documents_case.task_id))
    await expect(owner.locator(f'a[href="{task_route(documents_case.task_id)}"]')).to_be_visible()
    await expect(owner.get_by_role("heading", name=FORM_HEADING)).to_be_visible()


async def test_a_service_centre_staff_member_claims_and_completes_the_document_check_in_mongolian(
    page: Page, engine_settings: EngineSettings, api: EngineClient, history: History, sandbox: Sandbox,
    intake: AppServer, documents_case: DocumentsCase,
) -> None:
    await log_into_tasklist(page, engine_settings, OWNER)
    in_list = page.locator(f'a[href="{task_route(documents_case.task_id)}"]')
    await expect(in_list).to_have_text(TASK_NAME)
    await in_list.click()

    await expect(page.get_by_role("heading", name=FORM_HEADING)).to_be_visible()
    await expect(page.get_by_text(DOCUMENT_NAME, exact=True)).to_be_visible()  # the document's name, in bold
    await expect(page.get_by_text(f"{FILE_NAME} (application/pdf, {len(documents_case.content)} байт)")).to_be_visible()
    link = page.get_by_role("link", name="файлыг нээх")
    await expect(link).to_have_attribute("href", re.compile(
        r"/v1/uploads/[0-9a-f]{64}\?expires=\d+&signature=[0-9a-f]{64}$"))
    opened = await page.request.get(str(await link.get_attribute("href")))  # no API key: the signature is enough
    assert (opened.status, await opened.body()) == (200, documents_case.content)
    await expect(page.get_by_label("Хүсэлтийн дугаар")).to_have_value(documents_case.case)
    complete = page.get_by_role("button", name="Complete", exact=True)
    await expect(complete).to_be_disabled()  # not claimed yet

    await page.get_by_text("Claim", exact=True).click()
    await expect(page.get_by_text("Claim", exact=True)).to_have_count(0)
    assert [t["assignee"] for t in await api.tasks(taskId=documents_case.task_id)] == [OWNER]
    await page.get_by_role("link", name=ASSIGNED_TO_ME).click()  # the claimed task is in "assigned to me" too
    await expect(in_list).to_be_visible()
    await in_list.click()
    await expect(page.get_by_role("heading", name=FORM_HEADING)).to_be_visible()
    await page.get_by_text(ACCEPT, exact=True).click()
    await expect(page.get_by_role("radio", name=ACCEPT)).to_be_checked()
    await expect(page.get_by_label("Татгалзсан шалтгаан (иргэнд илгээнэ)")).to_have_count(0)  # shown on reject only
    await expect(complete).to_be_enabled()
    await page.screenshot(path=screenshot_path("tasklist-task.png"))

    await complete.click()
    await expect(in_list).to_have_count(0)  # done: gone from the list

    assert await history.wait_for(lambda: history.ended(documents_case.child), "the documents process to end") == (
        "completed")
    done = await api.history_tasks(taskId=documents_case.task_id)
    assert [(t["assignee"], t["deleteReason"]) for t in done] == [(OWNER, "completed")]
    assert TASK in await history.path(documents_case.child)
    dossier = {d["code"]: d for d in (await history.variables(documents_case.child))["dossier"]}
    agreement = dossier[UPLOADED]
    assert (agreement["source"], agreement["status"], agreement["uploadAttempts"], agreement["rejections"]) == (
        "citizen", "received", 1, 0)
    assert agreement["reference"] == f"sha256:{hashlib.sha256(documents_case.content).hexdigest()}"
    harness = Harness(api, history, sandbox.http_url, intake.url)
    try:
        path = await harness.reached(documents_case.instance, "Task_ForwardToAgency")
        assert await harness.wait_forwarded(documents_case.case, 1) == "land-agency"
    finally:
        await harness.close()
    assert "CallActivity_CollectDocuments" in path
    assert (await history.variables(documents_case.instance))["dossier"] == list(dossier.values())
