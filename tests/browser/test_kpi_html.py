"""The KPI report's HTML page as a Quality Control officer opens it: from a file, in Chromium, with nothing
fetched from anywhere. The report is built from a fixed set of synthetic cases (no engine needed); the page must
show its Mongolian headings and explanations, and every chart must render."""

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, Request, expect

from catalog.loader import load_agencies, load_complaint_rules, load_service_centres
from domain.working_days import ULAANBAATAR
from reports.kpi import texts
from reports.kpi.cases import Complaint, History, Period, ServiceRequest, StaffTask, Stage
from reports.kpi.charts import render_charts
from reports.kpi.figures import build_report
from reports.kpi.page import write_page
from reports.kpi.report import Names
from tests.browser.conftest import screenshot_path

START = datetime(2026, 11, 2, 9, tzinfo=ULAANBAATAR)
SERVICES = {"criminal-record-certificate": ("Ял шийтгэлгүй тодорхойлолт", ("police",)),
            "land-possession-right": ("Газар эзэмших эрх олгох", ("land-agency", "capital-governor",
                                                                   "state-registration")),
            "address-reference": ("Оршин суугаа хаягийн лавлагаа", ())}
CENTRES = ("capital:bayanzurkh", "capital:sukhbaatar", "aimag:orkhon", "aimag:darkhan-uul")
RATINGS: list[int | str] = [5, 5, 4, 4, 3, 2, 1, "no-answer"]
STAFF = ("centre-capital-bayanzurkh", "centre-aimag-orkhon", "customer-service", "quality-control")


def synthetic_history(seed: int = 7) -> History:
    """Forty requests and fifteen complaints over November 2026, with every SLA outcome and rating."""
    pick = random.Random(seed)
    requests = []
    for number in range(40):
        code = pick.choice(list(SERVICES))
        name, agencies = SERVICES[code]
        received = START + timedelta(days=pick.randrange(25), hours=pick.randrange(8))
        moment, stages = received, []
        for index, agency in enumerate(agencies, 1):
            took = timedelta(days=pick.uniform(0.5, 6))
            stages.append(Stage(index, agency, "", moment, moment + took, warned=took > timedelta(days=3),
                                breached=took > timedelta(days=5)))
            moment += took
        answered = None if number % 9 == 0 else moment + timedelta(hours=1)
        rating = pick.choice(RATINGS) if answered else None
        staff = pick.choice(STAFF[:2])
        tasks = (StaffTask(staff, "UserTask_CheckUploadedDocument", received, received + timedelta(hours=5)),)
        requests.append(ServiceRequest(f"pi-r{number}", f"ESR-2026-{number:06d}", code, name, pick.choice(CENTRES),
                                       received, answered, tuple(stages), rating, tasks))
    complaints = []
    for number in range(15):
        related = requests[number * 2] if number % 3 else None
        received = START + timedelta(days=pick.randrange(25))
        answered = None if number == 4 else received + timedelta(days=pick.uniform(1, 20))
        status = pick.choice(["in-time", "in-time", "extended", "breached"])
        complaints.append(Complaint(
            f"pi-c{number}", f"CMP-2026-{number:06d}", "complaint", pick.choice(["police", "land-agency", CENTRES[0]]),
            related.case_number if related else None, related.service_code if related else None,
            related.service_centre if related else None, received, answered,
            pick.choice(["first-level", "organisation", "quality-control"]) if answered else None, status,
            status == "extended", number % 5 == 0, pick.random() < 0.4, status != "in-time",
            pick.choice(["satisfied", "dissatisfied", "no-answer"]) if answered else None,
            (StaffTask(pick.choice(STAFF[2:]), "UserTask_ResolveAtFirstLevel", received,
                       received + timedelta(hours=3)),)))
    return History(Period(START, START + timedelta(days=28)), tuple(requests), tuple(complaints))


@pytest.fixture
def report_page(tmp_path: Path) -> Path:
    names = Names(agencies={a.id: a.name_mn for a in load_agencies().values()},
                  centres={c.id: c.name_mn for c in load_service_centres().service_centres})
    report = build_report(synthetic_history(), load_complaint_rules().calendar, names)
    return write_page(report, render_charts(report), START + timedelta(days=28), tmp_path / "kpi-report.html")


async def test_the_kpi_page_shows_its_mongolian_headings_and_renders_every_chart(page: Page, report_page: Path) -> None:
    fetched: list[str] = []

    def remember(request: Request) -> None:
        fetched.append(request.url)

    page.on("request", remember)
    await page.goto(report_page.as_uri())

    await expect(page.locator("h1")).to_have_text(texts.TITLE)
    headings = [texts.HOW_TO_READ, texts.SECTION_REQUESTS, texts.SATISFACTION_TITLE, texts.SECTION_COMPLAINTS,
                texts.SECTION_PER_SERVICE]
    await expect(page.locator("h2")).to_have_text(headings)
    for title in (texts.SLA_TITLE, texts.TIME_TITLE, texts.COMPLAINT_RATES_TITLE):
        await expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    await expect(page.get_by_text(texts.SLA_TEXT)).to_be_visible()  # each figure is explained
    await expect(page.locator(".card")).to_have_count(8)
    await expect(page.locator("th", has_text="Хугацаа хэтэрсэн").first).to_be_visible()
    await expect(page.locator("td.name", has_text="Цагдаагийн ерөнхий газар (police)").first).to_be_visible()

    charts = page.locator("figure img")
    await expect(charts).to_have_count(4)
    for index in range(4):
        chart = charts.nth(index)
        await chart.scroll_into_view_if_needed()
        natural = await chart.evaluate("image => [image.complete, image.naturalWidth, image.naturalHeight]")
        assert natural[0] is True
        assert natural[1] > 600
        assert natural[2] > 200
        box = await chart.bounding_box()
        assert box is not None
        assert box["width"] > 600
        assert box["height"] > 150
    assert all(url.startswith(("file:", "data:")) for url in fetched), fetched  # nothing from the network

    await page.set_viewport_size({"width": 1280, "height": 1400})
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=screenshot_path("kpi-report.png"))
    await page.screenshot(path=screenshot_path("kpi-report-full.png"), full_page=True)
