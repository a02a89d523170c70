"""Browser tests of Operaton's Tasklist and Cockpit on the session's engine (tests/conftest.py), with the real
workers, intake and sandbox around it.

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser here. Screenshots go to
.cache/screenshots/ (ignored by git): the README's copies in docs/screenshots/ are chosen from them by hand.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from engine.settings import PROJECT_ROOT, EngineSettings

CHROMIUM = "/usr/bin/chromium"
# Tasklist and Cockpit boot a whole Angular app on each full load: under a loaded CI machine that takes longer
# than Playwright's 5 s default for an assertion, so every assertion waits as long as any page action does
expect.set_options(timeout=20_000)
LANGUAGE_CHOICE = "esra.webapps.language"  # the webapps' remembered language (engine/app .../esra/scripts)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / ".cache" / "screenshots"
MY_GROUPS_TASKS = "Миний бүлгийн даалгавар"  # our Tasklist filters: the tasks of the staff member's groups,
ASSIGNED_TO_ME = "Надад оноогдсон"  # and the tasks they claimed

NewPage = Callable[[], Awaitable[Page]]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        await chromium.close()


@pytest.fixture
async def new_page(browser: Browser) -> AsyncIterator[NewPage]:
    """Pages in fresh browser contexts (own cookies, so each its own login), closed after the test."""
    contexts = []

    async def open_page() -> Page:
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        # staff get Mongolian by default; these tests read Operaton's English labels, as chosen in the user menu
        await context.add_init_script(f"window.localStorage.setItem('{LANGUAGE_CHOICE}', 'en')")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return await context.new_page()

    yield open_page
    for context in contexts:
        await context.close()


@pytest.fixture
async def page(new_page: NewPage) -> Page:
    return await new_page()


async def log_in(page: Page, url: str, user: str, password: str) -> None:
    """Open `url` (a webapp address, with a #/ route if wanted); the webapp asks an anonymous visitor to log in
    first and then shows that route. Never call this with a wrong password: the engine throttles that user's
    next logins, which would slow down every other test logging in as them."""
    await page.goto(url)
    await page.get_by_placeholder("Username").fill(user)
    await page.get_by_placeholder("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_placeholder("Password")).to_have_count(0)


async def log_into_tasklist(page: Page, engine: EngineSettings, user: str, route: str = "") -> None:
    """A staff member (user id = group id, the shared staff password) logs into Tasklist; once our filter and
    its list of tasks have loaded (a task, or Tasklist's "no task" note), what is missing from it is missing."""
    await log_in(page, f"{engine.tasklist_url}{route}", user, engine.staff_password.get_secret_value())
    await expect(page.get_by_role("link", name=MY_GROUPS_TASKS)).to_be_visible()
    listed = page.locator("ol.tasks-list > li").or_(page.get_by_text("No task matching filters found."))
    await expect(listed.first).to_be_visible()


def task_route(task_id: str) -> str:
    return f"#/?task={task_id}"


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name
