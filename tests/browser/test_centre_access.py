"""Tasklist keeps each service centre to its own citizens' cases.

A citizen of Orkhon aimag is served in person at the Orkhon centre: the walk-in request is registered, the police
stand-in approves it, and "Үр дүнг үйлчилгээний төвд гардуулах" (hand over the result at the service centre) opens
for the Orkhon centre's staff group. A staff member of another centre (Bayanzurkh district of the capital) logs
into Tasklist: the task is not in their list, opening it by its address shows "No matching task", and there is
nothing to claim. The Orkhon staff member, logged in under the centre's Mongolian name, finds the task, claims it,
ticks the hand-over and completes it.
"""

from dataclasses import dataclass

import pytest
from playwright.async_api import expect

from engine.settings import EngineSettings
from engine_client import EngineClient
from sandbox.server import Sandbox
from tests.browser.conftest import MY_GROUPS_TASKS, NewPage, log_into_tasklist, screenshot_path, task_route
from tests.history import History
from tests.process.harness import SARANTUYA, Harness
from tests.servers import AppServer
from workers.runtime import ExternalTaskRuntime

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("workers")]

SERVICE = "no-documents-single-stage"  # tests/resources/catalog: one stage at the police, no documents
TASK, TASK_NAME, FORM_HEADING = (
    "UserTask_HandOverResult", "Үр дүнг үйлчилгээний төвд гардуулах", "Үр дүнг биечлэн хүлээлгэн өгөх")
OWN, OTHER = "centre-aimag-orkhon", "centre-capital-bayanzurkh"
OWN_NAME = "Орхон аймгийн нэгдсэн үйлчилгээний төв"
REQUEST_PROCESS_NAME = "Төрийн үйлчилгээний хүсэлт"


@dataclass(frozen=True)
class HandOver:
    case: str
    instance: str
    task_id: str


@pytest.fixture(scope="module")
async def hand_over(
    api: EngineClient, history: History, sandbox: Sandbox, intake: AppServer, workers: ExternalTaskRuntime
) -> HandOver:
    """A walk-in at the Orkhon centre, approved by the police stand-in, waiting for its hand-over."""
    harness = Harness(api, history, sandbox.http_url, intake.url)
    try:
        case, instance = await harness.walk_in(SERVICE, SARANTUYA, "in-person")
        await harness.decide(await harness.wait_forwarded(case, 1), case, 1, "approve")
        task = await harness.user_task(instance, TASK)
    finally:
        await harness.close()
    assert SARANTUYA.service_centre == "aimag:orkhon"
    assert (task.candidate_groups, task.assignee) == ([OWN], None)
    return HandOver(case, instance, task.id)


async def test_another_centres_staff_member_neither_finds_nor_opens_nor_claims_the_hand_over(
    new_page: NewPage, engine_settings: EngineSettings, api: EngineClient, hand_over: HandOver,
) -> None:
    assert [t["id"] for t in await api.tasks(taskId=hand_over.task_id)] == [hand_over.task_id], (
        "the hand-over must still be open for this test to mean anything")
    other, own = await new_page(), await new_page()

    await log_into_tasklist(other, engine_settings, OTHER)
    await expect(other.get_by_role("link", name=MY_GROUPS_TASKS)).to_be_visible()
    await expect(other.locator(f'a[href="{task_route(hand_over.task_id)}"]')).to_have_count(0)
    await expect(other.get_by_role("link", name=TASK_NAME)).to_have_count(0)
    await other.goto(f"{engine_settings.tasklist_url}{task_route(hand_over.task_id)}")
    await expect(other.get_by_text(f"No matching task with id {hand_over.task_id}")).to_be_visible()
    await expect(other.get_by_role("heading", name=FORM_HEADING)).to_have_count(0)
    await expect(other.get_by_text("Claim", exact=True)).to_have_count(0)
    await other.screenshot(path=screenshot_path("tasklist-other-centre.png"))

    await log_into_tasklist(own, engine_settings, OWN)  # the same moment: the task is there for its own centre
    await expect(own.locator(f'a[href="{task_route(hand_over.task_id)}"]')).to_have_text(TASK_NAME)


async def test_the_citizens_own_centre_claims_and_hands_over_the_result(
    new_page: NewPage, engine_settings: EngineSettings, api: EngineClient, history: History, hand_over: HandOver,
) -> None:
    page = await new_page()
    await log_into_tasklist(page, engine_settings, OWN)
    await expect(page.get_by_text(OWN_NAME).first).to_be_visible()  # the staff user is named after the centre
    await page.get_by_text("Start process", exact=True).click()  # the centre registers walk-ins, nothing else
    await expect(page.locator(".modal-dialog").get_by_role("link")).to_have_text([REQUEST_PROCESS_NAME])
    await page.keyboard.press("Escape")
    await expect(page.locator(".modal-dialog")).to_have_count(0)

    in_list = page.locator(f'a[href="{task_route(hand_over.task_id)}"]')
    await in_list.click()
    await expect(page.get_by_role("heading", name=FORM_HEADING)).to_be_visible()
    await expect(page.get_by_label("Хүсэлтийн дугаар")).to_have_value(hand_over.case)
    await page.get_by_text("Claim", exact=True).click()
    await expect(page.get_by_text("Claim", exact=True)).to_have_count(0)
    await page.get_by_label("Үр дүнг иргэнд хүлээлгэн өгсөн").check()
    complete = page.get_by_role("button", name="Complete", exact=True)
    await expect(complete).to_be_enabled()
    await page.screenshot(path=screenshot_path("tasklist-centre-hand-over.png"))
    await complete.click()
    await expect(in_list).to_have_count(0)

    done = await api.history_tasks(taskId=hand_over.task_id)
    assert [(t["assignee"], t["deleteReason"]) for t in done] == [(OWN, "completed")]
    assert (await history.variables(hand_over.instance))["resultHandedOver"] is True
    assert "UserTask_HandOverResult" in await history.path(hand_over.instance)
    await api.request("DELETE", f"/process-instance/{hand_over.instance}")  # it would wait days for a rating
