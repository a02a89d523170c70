"""Tasklist and Cockpit in Mongolian: the `mn` locale our engine application serves in place of the webjar's defaults
(engine/app/src/main/resources/META-INF/resources/webjars/operaton/app/).

Mongolian is the default: a browser whose first language is anything but English gets the Mongolian webapps. English
stays selectable, by an English browser or by "Хэл / Language" in the user menu (remembered by the browser). A
service-centre staff member works a document check in Mongolian Tasklist (list, task view, Claim, Complete, the
start-process dialog, dates); the administrator finds Cockpit's navigation, dashboard and the process and instance
views, with an incident, in Mongolian.
"""

import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from engine.settings import EngineSettings
from engine_client import EngineClient
from sandbox.server import Sandbox
from tests.browser.conftest import MY_GROUPS_TASKS, screenshot_path, task_route
from tests.history import History
from tests.process.harness import BATBOLD, PORTAL_KEY, SARANTUYA, Harness
from tests.servers import AppServer

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("workers")]

MONGOLIAN_BROWSER, ENGLISH_BROWSER = "mn-MN", "en-GB"
CHECK_TASK, CHECK_TASK_NAME = "UserTask_CheckUploadedDocument", "Илгээсэн баримтыг шалгах"
FORM_HEADING, ACCEPT = "Иргэний илгээсэн баримтыг шалгах", "Хүлээн авах"
CLAIM, UNCLAIM, COMPLETE, SAVE = "Өөртөө авах", "Буцааж өгөх", "Дуусгах", "Хадгалах"
WEBAPPS = ("tasklist", "cockpit", "welcome")
# Cockpit's views left in English (mn.json carries Operaton's English text there): instance modification, migration,
# batch operations, CMMN cases, decisions and DRDs, deployments, history clean-up, reports and metrics
COCKPIT_ENGLISH = ("PLGN_MOD", "PLGN_MIG", "PLGN_BTCH", "PLGN_BATCH", "BATCHES_", "PLGN_NEW", "PLGN_CS", "DECISION_",
                   "PLUGIN_DECISION", "PLGN_DRD", "PLGN_SEDE", "PLGN_REDE", "PLGN_ADJ", "REPOSITORY_", "PLGN_DPLY",
                   "PLGN_CLUP", "PLGN_REP", "REPORTS_", "PLGN_MTRCS")
PRODUCT_NAMES = {"Operaton", "Operaton Cockpit", "Tasklist", "Cockpit", "Admin"}
PLACEHOLDER = re.compile(r"{{\s*([^}]*?)\s*}}")
OpenPage = Callable[[str], Awaitable[Page]]


@pytest.fixture
async def open_page(browser: Browser) -> AsyncIterator[OpenPage]:
    """Pages in fresh browser contexts whose language is `locale` (navigator.languages and Accept-Language)."""
    contexts = []

    async def open_with(locale: str) -> Page:
        context = await browser.new_context(viewport={"width": 1400, "height": 950}, locale=locale)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return await context.new_page()

    yield open_with
    for context in contexts:
        await context.close()


@dataclass(frozen=True)
class CheckTask:
    case: str
    task_id: str
    staff: str  # the user of the task's candidate group (user id = group id)


async def open_check_task(harness: Harness) -> CheckTask:
    """A portal request whose purchase agreement the citizen uploads: the workers open its check task."""
    case, _ = await harness.submit("property-ownership-registration", BATBOLD)
    child = await harness.instance_of(case, "DocumentReductionProcess")
    content = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    response = await harness.intake.post(
        "/v1/uploads", headers=PORTAL_KEY, data={"caseNumber": case, "documentCode": "purchase-agreement"},
        files={"file": ("гэрээ.pdf", content, "application/pdf")})
    assert response.status_code == 202, response.text
    task = await harness.user_task(child, CHECK_TASK)
    return CheckTask(case, task.id, task.candidate_groups[0])


@pytest.fixture
async def harness(api: EngineClient, history: History, sandbox: Sandbox, intake: AppServer) -> AsyncIterator[Harness]:
    running = Harness(api, history, sandbox.http_url, intake.url)
    yield running
    await running.clear_faults()
    await running.close()


async def log_in_mongolian(page: Page, url: str, user: str, password: str) -> None:
    """The login page in Mongolian; never a wrong password (the engine would throttle that user)."""
    await page.goto(url)
    await expect(page.get_by_role("button", name="Нэвтрэх")).to_be_visible()
    await page.get_by_placeholder("Хэрэглэгчийн нэр").fill(user)
    await page.get_by_placeholder("Нууц үг").fill(password)
    await page.get_by_role("button", name="Нэвтрэх").click()
    await expect(page.get_by_placeholder("Нууц үг")).to_have_count(0)


async def choose_language(page: Page, label: str) -> None:
    await page.locator("li.account > a.dropdown-toggle").click()
    menu = page.locator("li.account .dropdown-menu")
    await expect(menu.get_by_text("Хэл / Language")).to_be_visible()
    async with page.expect_navigation():  # the webapp loads again in the chosen language
        await menu.get_by_role("link", name=label, exact=True).click()


async def test_a_staff_member_works_a_task_in_mongolian_tasklist(
    open_page: OpenPage, engine_settings: EngineSettings, api: EngineClient, history: History, harness: Harness
) -> None:
    check = await open_check_task(harness)
    page = await open_page(MONGOLIAN_BROWSER)
    password = engine_settings.staff_password.get_secret_value()
    await log_in_mongolian(page, engine_settings.tasklist_url, check.staff, password)

    await page.get_by_role("link", name=MY_GROUPS_TASKS).click()
    card = page.locator("ol.tasks-list > li").filter(has=page.locator(f'a[href="{task_route(check.task_id)}"]'))
    await expect(card).to_contain_text(CHECK_TASK_NAME)
    await expect(card).to_contain_text(re.compile(r"Үүсгэсэн\s+(хэдхэн секундын|\d+ минутын) өмнө"))  # "Created … ago"
    await expect(page.get_by_placeholder("Даалгавар шүүх")).to_be_visible()  # the list's search
    await expect(page.locator("[cam-sorting-choices]").get_by_role("link", name="Үүсгэсэн")).to_be_visible()  # sort
    await card.locator(f'a[href="{task_route(check.task_id)}"]').click()

    await expect(page.get_by_role("heading", name=FORM_HEADING)).to_be_visible()
    for tab in ("Маягт", "Түүх", "Диаграм", "Тайлбар"):  # Form, History, Diagram, Description
        await expect(page.locator(".task-details .nav-tabs").get_by_text(tab, exact=True)).to_be_visible()
    for action in ("Хянах огноо тохируулах", "Дуусах хугацаа тохируулах", "Тэмдэглэл нэмэх"):
        await expect(page.get_by_text(action, exact=True)).to_be_visible()  # follow-up, due date, comment
    complete = page.get_by_role("button", name=COMPLETE, exact=True)
    await expect(page.get_by_role("button", name=SAVE, exact=True)).to_be_visible()
    await expect(complete).to_be_disabled()  # not claimed yet
    await page.screenshot(path=screenshot_path("tasklist-mn-task.png"))

    await page.get_by_text(CLAIM, exact=True).click()
    await expect(page.get_by_text(CLAIM, exact=True)).to_have_count(0)
    await expect(page.locator(f'[uib-tooltip="{UNCLAIM}"], [title="{UNCLAIM}"]').first).to_be_attached()
    assert [t["assignee"] for t in await api.tasks(taskId=check.task_id)] == [check.staff]
    await page.locator(".task-details .nav-tabs").get_by_text("Түүх", exact=True).click()
    await expect(page.get_by_text("Энэ даалгаврын түүх байхгүй.")).to_be_visible()  # staff may not read the log
    await page.locator(".task-details .nav-tabs").get_by_text("Маягт", exact=True).click()
    await page.get_by_text(ACCEPT, exact=True).click()
    await expect(complete).to_be_enabled()
    await page.screenshot(path=screenshot_path("tasklist-mn-claimed.png"))
    await complete.click()

    async def completed() -> str | None:
        done = await api.history_tasks(taskId=check.task_id)
        return str(done[0]["deleteReason"]) if done and done[0].get("endTime") else None

    assert await history.wait_for(completed, "the check task to be completed") == "completed"

    await page.get_by_text("Процесс эхлүүлэх", exact=True).click()
    dialog = page.locator(".modal-dialog")
    await expect(dialog.get_by_placeholder("Процессын нэрээр хайх.")).to_be_visible()
    await expect(dialog.get_by_text("Эхлүүлэх процесс дээрээ дарна уу.")).to_be_visible()
    await page.screenshot(path=screenshot_path("tasklist-mn-start-process.png"))
    await dialog.get_by_role("button", name="Хаах").click()

    await page.locator("li.account > a.dropdown-toggle").click()
    menu = page.locator("li.account .dropdown-menu")
    for item in ("Миний мэдээлэл", "Монгол", "English", "Гарах"):  # my profile, the languages, log out
        await expect(menu.get_by_text(item, exact=True)).to_be_visible()
    await expect(menu.locator("li.active")).to_have_text("Монгол")
    await page.screenshot(path=screenshot_path("tasklist-mn-user-menu.png"))


async def test_english_stays_selectable_in_the_user_menu_whatever_the_browser_language(
    open_page: OpenPage, engine_settings: EngineSettings, harness: Harness
) -> None:
    check = await open_check_task(harness)
    page = await open_page(MONGOLIAN_BROWSER)
    await log_in_mongolian(page, f"{engine_settings.tasklist_url}{task_route(check.task_id)}", check.staff,
                           engine_settings.staff_password.get_secret_value())
    await expect(page.get_by_text(CLAIM, exact=True)).to_be_visible()

    await choose_language(page, "English")  # the page loads again in English, and stays so in this browser
    await expect(page.get_by_text("Claim", exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="Complete", exact=True)).to_be_visible()
    await expect(page.get_by_text("Start process", exact=True)).to_be_visible()
    await page.goto(engine_settings.tasklist_url)
    await expect(page.get_by_text("Start process", exact=True)).to_be_visible()
    await choose_language(page, "Монгол")
    await expect(page.get_by_text("Процесс эхлүүлэх", exact=True)).to_be_visible()

    for language in (ENGLISH_BROWSER, "ru-RU"):  # no choice made: Mongolian, whatever the browser's language
        other = await open_page(language)
        await other.goto(engine_settings.cockpit_url)
        await expect(other.get_by_role("button", name="Нэвтрэх")).to_be_visible()


async def test_the_administrator_finds_cockpit_in_mongolian(
    open_page: OpenPage, engine_settings: EngineSettings, history: History, harness: Harness
) -> None:
    await harness.fault("xyp", down=True)
    _, instance = await harness.submit("no-documents-single-stage", SARANTUYA)
    await history.wait_for(lambda: history.open_incidents(instance), "an incident", 60)
    await harness.clear_faults()

    page = await open_page(MONGOLIAN_BROWSER)
    await page.set_viewport_size({"width": 1600, "height": 1000})
    await log_in_mongolian(page, f"{engine_settings.cockpit_url}#/dashboard", engine_settings.admin_user,
                           engine_settings.admin_password.get_secret_value())
    navigation = page.locator("[cam-widget-header] .sections-menu, .navbar .sections-menu").first
    for section in ("Процессууд", "Шийдвэрүүд", "Хүний даалгаврууд", "Бусад"):
        await expect(navigation.get_by_text(section, exact=True)).to_be_visible()
    for heading in ("Яг одоо", "Байршуулсан"):  # Right now, Deployed
        await expect(page.get_by_role("heading", name=heading)).to_be_visible()
    for label in ("Ажиллаж буй процессын тохиолдлууд", "Нээлттэй инцидентүүд", "Нээлттэй хүний даалгаврууд",
                  "Процессын тодорхойлолтууд"):
        await expect(page.get_by_text(label, exact=True)).to_be_visible()
    await page.screenshot(path=screenshot_path("cockpit-mn-dashboard.png"))

    await navigation.get_by_text("Процессууд", exact=True).click()
    await expect(page.get_by_text("Ажиллаж буй тохиолдлууд", exact=True).first).to_be_visible()
    await page.get_by_role("link", name="Төрийн үйлчилгээний хүсэлт").first.click()  # the definition view
    for tab in ("Процессын тохиолдлууд", "Инцидентүүд", "Дуудсан процессын тодорхойлолтууд",
                "Ажлын тодорхойлолтууд"):
        await expect(page.locator("ul.nav-tabs").get_by_text(tab, exact=True)).to_be_visible()
    await expect(page.get_by_text("Тодорхойлолтын түлхүүр:", exact=True)).to_be_visible()

    await page.goto(f"{engine_settings.cockpit_url}#/process-instance/{instance}/runtime")
    await expect(page.get_by_text("Тохиолдлын ID:", exact=True)).to_be_visible()
    tabs = page.locator("ul.nav-tabs")
    for tab in ("Хувьсагчид", "Инцидентүүд", "Дуудсан процессын тохиолдлууд", "Хүний даалгаврууд", "Ажлууд",
                "Гадаад даалгаврууд"):
        await expect(tabs.get_by_text(tab, exact=True)).to_be_visible()
    await tabs.get_by_text("Инцидентүүд", exact=True).click()
    incidents = page.locator("table", has=page.locator("td.activity"))
    for column in ("Мессеж", "Алхам", "Төрөл", "Үйлдэл"):
        await expect(incidents.locator("th").get_by_text(column, exact=True).first).to_be_visible()
    await expect(incidents.locator("td.activity")).to_contain_text("Хувийн мэдээллийг шалгах")
    await expect(page.locator('[uib-tooltip="Амжилтгүй гадаад даалгавруудын дахин оролдлогын тоог нэмэх"]')
                 .first).to_be_attached()  # the retry action
    await page.screenshot(path=screenshot_path("cockpit-mn-incident.png"))


async def test_every_english_key_of_the_webapps_has_a_mongolian_entry_with_the_same_placeholders(
    engine_settings: EngineSettings,
) -> None:
    """mn.json carries every key of Operaton's en.json (so no key ever shows raw, mn being the only locale loaded),
    keeps each {{placeholder}}, and is Mongolian everywhere except the Cockpit views we leave in English."""
    async with httpx.AsyncClient(base_url=f"{engine_settings.url}/operaton/app", timeout=15) as http:
        for app in WEBAPPS:
            english = await labels(http, f"/{app}/locales/en.json")  # the webjar's
            mongolian = await labels(http, f"/{app}/locales/mn.json")  # ours
            assert mongolian.keys() == english.keys(), f"{app}: keys differ from Operaton's en.json"
            wrong = [k for k in english if sorted(PLACEHOLDER.findall(english[k])) != sorted(
                PLACEHOLDER.findall(mongolian[k]))]
            assert wrong == [], f"{app}: placeholders changed in {wrong}"
            untranslated = [k for k in english if mongolian[k] == english[k] and re.search("[a-z]{3}", english[k])
                            and english[k] not in PRODUCT_NAMES]
            if app == "cockpit":
                untranslated = [k for k in untranslated if not k.startswith(COCKPIT_ENGLISH)]
            assert untranslated == [], f"{app}: still English: {untranslated}"


async def labels(http: httpx.AsyncClient, path: str) -> dict[str, str]:
    response = await http.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    document = json.loads(response.content.decode("utf-8-sig"))  # Operaton's en.json starts with a BOM
    return {key: str(value) for key, value in document["labels"].items()}
