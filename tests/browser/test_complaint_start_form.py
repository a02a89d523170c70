"""Customer Service registers a phone complaint in Tasklist through the Mongolian start form.

The staff member of the customer-service group starts ComplaintEscalationProcess from Tasklist's "Start process"
dialog; the real workers number the case (register-case, which also tells intake), ComplaintRouting routes it
(a service delay at an organisation: first-level resolution by Customer Service itself) and the citizen gets the
acknowledgement SMS. The new first-level task then shows in that staff member's own list.
"""

import uuid

import pytest
from playwright.async_api import Locator, Page, expect

from engine.settings import EngineSettings
from engine_client import EngineClient
from sandbox.server import Sandbox
from tests.browser.conftest import log_into_tasklist, screenshot_path, task_route
from tests.history import History
from tests.process.harness import BATBOLD, Harness
from tests.servers import AppServer

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("workers")]

PROCESS, PROCESS_NAME, STAFF = "ComplaintEscalationProcess", "Өргөдөл, гомдол шийдвэрлэх", "customer-service"
FIRST_LEVEL, FIRST_LEVEL_NAME = "UserTask_ResolveAtFirstLevel", "Эхний шатанд шийдвэрлэх"


async def choose(form: Locator, label: str, option: str) -> None:
    """form-js draws its own select: open the field, click the option."""
    field = form.locator(".fjs-form-field").filter(has=form.page.locator("label", has_text=label))
    await field.locator(".fjs-input-group").click()
    await form.locator(".fjs-dropdownlist-item", has_text=option).first.click()


async def open_start_form(page: Page, engine: EngineSettings) -> Locator:
    await log_into_tasklist(page, engine, STAFF)
    await page.get_by_text("Start process", exact=True).click()
    dialog = page.locator(".modal-dialog")
    await expect(dialog.get_by_role("link")).to_have_text([PROCESS_NAME])  # the only process this group may start
    await dialog.get_by_role("link", name=PROCESS_NAME).click()
    await expect(dialog.get_by_role("heading", name=f"Start process: {PROCESS_NAME}")).to_be_visible()
    await expect(dialog.get_by_role("heading", name="Өргөдөл, гомдол бүртгэх")).to_be_visible()  # the form's own
    return dialog


async def test_customer_service_registers_a_phone_complaint_through_the_start_form(
    page: Page, engine_settings: EngineSettings, api: EngineClient, history: History, sandbox: Sandbox,
    intake: AppServer,
) -> None:
    text = f"Лавлагаа авахаар утасдсан боловч хариу өгсөнгүй ({uuid.uuid4().hex[:6]})."
    await page.set_viewport_size({"width": 1280, "height": 1500})  # the whole form in one picture
    dialog = await open_start_form(page, engine_settings)
    await dialog.get_by_text("Утсаар (лавлах төв)").click()
    await choose(dialog, "Төрөл", "Гомдол, мэдээлэл")
    await choose(dialog, "Сэдэв", "Үйлчилгээ удаашрах")
    await choose(dialog, "Холбогдох байгууллага", "Цагдаагийн ерөнхий газар")
    register_number = dialog.get_by_label("Регистрийн дугаар")
    start = dialog.get_by_role("button", name="Start", exact=True)
    await register_number.fill("UB99051212")  # Latin letters: the form says what is wrong, in Mongolian
    await dialog.get_by_label("Утасны дугаар").focus()
    await expect(dialog.get_by_text("Регистрийн дугаар 2 том кирилл үсэг, 8 цифрээс бүрдэнэ")).to_be_visible()
    await expect(start).to_be_disabled()
    await register_number.fill(BATBOLD.register_number)
    await dialog.get_by_label("Утасны дугаар").fill(BATBOLD.phone)
    await dialog.get_by_label("Агуулга").fill(text)
    await dialog.locator(".modal-content").screenshot(path=screenshot_path("tasklist-complaint-start-form.png"))
    await expect(dialog.locator(".fjs-form-field-error")).to_have_count(0)
    await start.click()
    await expect(page.get_by_text("The process has been started.")).to_be_visible()

    instance = await history.wait_for(lambda: history.instance_with("complaintText", text, PROCESS),
                                      "the complaint's instance")
    harness = Harness(api, history, sandbox.http_url, intake.url)
    try:
        task = await harness.user_task(instance, FIRST_LEVEL)
        case = str((await history.variables(instance))["caseNumber"])
        acknowledgement = await harness.poll(lambda: harness.sms_ids(case), f"the acknowledgement SMS of {case}")
    finally:
        await harness.close()

    assert case == f"CMP-W{instance}"
    assert acknowledgement == [f"{case}-complaint-received"]
    assert (await api.history_process_instance(instance))["startUserId"] == STAFF
    path = await history.path(instance)
    assert path[:4] == ["StartEvent_WalkInComplaintReceived", "Task_RegisterWalkInComplaint",
                        "Gateway_ComplaintReceived", "BusinessRuleTask_RouteComplaint"]
    variables = await history.variables(instance)
    assert {k: variables[k] for k in ("channel", "kind", "topic", "agency", "registerNumber", "phone")} == {
        "channel": "call-centre", "kind": "complaint", "topic": "service-delay", "agency": "police",
        "registerNumber": BATBOLD.register_number, "phone": BATBOLD.phone}
    assert (variables["responsibleUnit"], variables["candidateGroup"], variables["firstLevelResolution"]) == (
        "Administration", STAFF, True)
    assert task.candidate_groups == [STAFF]

    await page.reload()  # the complaint now waits in the staff member's own list
    await expect(page.locator(f'a[href="{task_route(task.id)}"]')).to_have_text(FIRST_LEVEL_NAME)
