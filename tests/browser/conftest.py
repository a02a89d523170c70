"""Browser tests of Tasklist and Operate on the session's full stack (tests/stack_fixtures.py).

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser here.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from engine.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh browser context (own cookies, so its own login) per test."""
    context = await browser.new_context(  # notifications granted: no "Don't miss new assignments" banner
        viewport={"width": 1280, "height": 800}, locale="en-GB", permissions=["notifications"])
    context.set_default_timeout(20_000)
    yield await context.new_page()
    await context.close()


async def log_in(page: Page, url: str, user: str, password: str) -> None:
    """Open `url`; Operate and Tasklist send an anonymous visitor to their login form first."""
    await page.goto(url)
    await page.get_by_role("textbox", name="Username").fill(user)
    await page.get_by_role("textbox", name="Password").fill(password)
    await page.get_by_role("button", name="Login").click()
    await page.wait_for_url(lambda address: "/login" not in address)


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name

