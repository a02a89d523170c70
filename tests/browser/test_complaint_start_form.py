"""Customer Service registers a phone complaint in Tasklist through the Mongolian start form.

The staff user of the customer-service group starts ComplaintEscalationProcess from Tasklist's
Processes page; the real workers number the case (register-case, which also tells intake), route it
(ComplaintRouting), compute its legal deadline and acknowledge it to the citizen by SMS.
"""

import uuid

import pytest
from playwright.async_api import Locator, Page, expect

from engine.api import CamundaApi
from engine.records import RecordLog
from engine.settings import EngineSettings
from sandbox.server import Sandbox
from tests.browser.conftest import log_in, screenshot_path
from tests.process.harness import BATBOLD, Harness
from tests.servers import AppServer
from tests.webapps_stack import eventually

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("stack_workers")]

PROCESS, STAFF = "ComplaintEscalationProcess", "customer-service"


async def choose(dialog: Locator, label: str, option: str) -> None:
    """form-js draws its own select: open the field, click the option."""
    field = dialog.locator(".fjs-form-field").filter(has=dialog.page.locator("label", has_text=label))
    await field.locator(".fjs-input-group").click()
    await dialog.locator(".fjs-dropdownlist-item", has_text=option).first.click()


async def open_start_form(page: Page, stack: EngineSettings) -> Locator:
    await log_in(page, f"{stack.tasklist_url}/tasklist/processes", STAFF, stack.staff_password.get_secret_value())
    await page.goto(f"{stack.tasklist_url}/tasklist/processes")
    introduction = page.get_by_role("button", name="Continue")  # "Start your process on demand", first visit only
    card = page.locator("div").filter(has_text=PROCESS).filter(has=page.get_by_role("button", name="Start process"))
    await expect(introduction.or_(card.last)).to_be_visible(timeout=60_000)
    if await introduction.is_visible():
        await introduction.click()
    await card.last.get_by_role("button", name="Start process").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_text("Өргөдөл, гомдол бүртгэх")).to_be_visible()
    return dialog


async def test_customer_service_registers_a_phone_complaint_through_the_start_form(
    page: Page, stack: EngineSettings, stack_api: CamundaApi, stack_records: RecordLog, sandbox: Sandbox,
    stack_intake: AppServer,
) -> None:
    text = f"Лавлагаа авахаар утасдсан боловч хариу өгсөнгүй ({uuid.uuid4().hex[:6]})."
    dialog = await open_start_form(page, stack)
    await dialog.get_by_text("Утсаар (лавлах төв)").click()
    await choose(dialog, "Төрөл", "Гомдол, мэдээлэл")
    await choose(dialog, "Сэдэв", "Үйлчилгээ удаашрах")
    await choose(dialog, "Холбогдох байгууллага", "Цагдаагийн ерөнхий газар")
    await dialog.get_by_label("Регистрийн дугаар").fill(BATBOLD.register_number)
    await dialog.get_by_label("Утасны дугаар").fill(BATBOLD.phone)
    await dialog.get_by_label("Агуулга").fill(text)
    await page.screenshot(path=screenshot_path("tasklist-complaint-start-form.png"))
    await dialog.get_by_role("button", name="Start process").click()
    await expect(page.get_by_text("Process has started")).to_be_visible(timeout=30_000)

    records = stack_records
    instance = await records.wait_for(lambda: records.instance_with("complaintText", text, PROCESS),
                                      "the complaint's instance")
    await records.wait_for(lambda: "Task_RegisterWalkInComplaint" in records.path(instance), "register-case")
    variables = records.variables(instance)
    case = str(variables["caseNumber"])
    assert case == f"CMP-W{instance}"
    assert (variables["channel"], variables["kind"], variables["topic"], variables["agency"]) == (
        "call-centre", "complaint", "service-delay", "police")
    assert "StartEvent_WalkInComplaintReceived" in records.path(instance)
    harness = Harness(stack_api, records, sandbox.http_url, stack_intake.url)
    try:
        acknowledgement = await eventually(lambda: harness.sms_ids(case), f"the acknowledgement SMS of {case}")
    finally:
        await harness.close()
    assert acknowledgement == [f"{case}-complaint-received"]
