"""The KPI report's figures from known cases (no engine): working days on the Mongolian calendar, medians and
90th percentiles, SLA outcomes, complaint rates, satisfaction and complaints per service; and its files."""

import csv
from datetime import date, datetime
from pathlib import Path

import pytest

from catalog.model import CalendarOverride, CalendarOverrides
from domain.working_days import ULAANBAATAR
from reports.kpi.cases import Complaint, History, Period, ServiceRequest, StaffTask, Stage
from reports.kpi.charts import render_charts
from reports.kpi.figures import build_report
from reports.kpi.output import as_text, write_csv
from reports.kpi.page import render_page
from reports.kpi.report import ComplaintRow, Dimension, HandlingTime, KpiReport, Names, RequestRow, SlaCounts
from reports.kpi.working_time import percentile, working_days_between

NO_OVERRIDES = CalendarOverrides()
CRIMINAL, LAND, ADDRESS = "criminal-record-certificate", "land-possession-right", "address-reference"
BAYANZURKH, ORKHON = "capital:bayanzurkh", "aimag:orkhon"


def ub(day: str, hour: int = 12) -> datetime:
    """Ulaanbaatar local time on `day` (2027: Tsagaan Sar is Mon 8 - Tue 9 February)."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time().replace(hour=hour), tzinfo=ULAANBAATAR)


# working days

def test_six_hours_of_one_working_day_are_a_quarter_of_a_working_day() -> None:
    assert working_days_between(ub("2026-11-30", 9), ub("2026-11-30", 15), NO_OVERRIDES) == 0.25


def test_a_weekend_does_not_count() -> None:
    assert working_days_between(ub("2026-11-27"), ub("2026-11-30"), NO_OVERRIDES) == 1.0  # Friday to Monday noon


def test_tsagaan_sar_does_not_count() -> None:
    # Friday 5 to Wednesday 10 February 2027: the weekend and the Lunar New Year holidays (8, 9) are cut out
    assert working_days_between(ub("2027-02-05"), ub("2027-02-10"), NO_OVERRIDES) == 1.0


def test_the_catalogues_declared_days_off_and_working_days_count_as_declared() -> None:
    calendar = CalendarOverrides(
        extra_days_off=[CalendarOverride(date=date(2027, 2, 5), reason="нөхөх амралт")],
        extra_working_days=[CalendarOverride(date=date(2027, 2, 6), reason="нөхөж ажиллах")])
    # Thursday 4 noon to Saturday 6 noon: Thursday's half, Friday declared off, Saturday declared a working day
    assert working_days_between(ub("2027-02-04"), ub("2027-02-06"), calendar) == 1.0
    assert working_days_between(ub("2027-02-04"), ub("2027-02-06"), NO_OVERRIDES) == 1.5


def test_moments_are_read_on_ulaanbaatar_dates_and_an_end_before_the_start_is_zero() -> None:
    saturday_utc = datetime.fromisoformat("2026-11-28T20:00:00+00:00")  # Sunday 04:00 in Ulaanbaatar
    assert working_days_between(saturday_utc, ub("2026-11-30", 6), NO_OVERRIDES) == 0.25
    assert working_days_between(ub("2026-11-30", 15), ub("2026-11-30", 9), NO_OVERRIDES) == 0.0


def test_percentiles_interpolate_between_the_closest_ranks() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.9) == pytest.approx(3.7)
    assert percentile([2.0], 0.9) == 2.0
    assert percentile([], 0.5) is None


# the figures of a known set of cases

def task(staff: str, start: datetime, end: datetime, element: str = "UserTask_HandOverResult") -> StaffTask:
    return StaffTask(staff, element, start, end)


def stage(number: int, agency: str, start: datetime, end: datetime | None, warned: bool = False,
          breached: bool = False) -> Stage:
    return Stage(number, agency, "", start, end, warned, breached)


def request(case: str, service: str, centre: str, received: datetime, answered: datetime | None,
            stages: tuple[Stage, ...], satisfaction: int | str | None, *tasks: StaffTask) -> ServiceRequest:
    return ServiceRequest(f"pi-{case}", case, service, "", centre, received, answered, stages, satisfaction, tasks)


REQUESTS = (
    # on time: two working days; rated 5; a staff member's task of one working day
    request("R1", CRIMINAL, BAYANZURKH, ub("2027-02-01"), ub("2027-02-03"),
            (stage(1, "police", ub("2027-02-01"), ub("2027-02-03")),), 5,
            task("bold", ub("2027-02-02"), ub("2027-02-03"))),
    # after the warning: five calendar days over a weekend and Tsagaan Sar, one working day; rated 3
    request("R2", CRIMINAL, BAYANZURKH, ub("2027-02-05"), ub("2027-02-10"),
            (stage(1, "police", ub("2027-02-05"), ub("2027-02-10"), warned=True),), 3),
    # two stages, the second breached: the request is breached; not rated within 7 days
    request("R3", LAND, ORKHON, ub("2027-02-01"), ub("2027-02-05"),
            (stage(1, "land-agency", ub("2027-02-01"), ub("2027-02-02")),
             stage(2, "capital-governor", ub("2027-02-02"), ub("2027-02-05"), warned=True, breached=True)),
            "no-answer",
            task("aimag-coordination", ub("2027-02-04"), ub("2027-02-04", 18), "UserTask_FollowUpSlaBreach")),
    # still waiting for the police, within its SLA
    request("R4", CRIMINAL, ORKHON, ub("2027-02-08"), None, (stage(1, "police", ub("2027-02-08"), None),), None),
    # a reference, answered in six hours: on time with no stage; rated 4
    request("R5", ADDRESS, BAYANZURKH, ub("2027-02-01"), ub("2027-02-01", 18), (), 4,
            task("bold", ub("2027-02-01"), ub("2027-02-01", 15))),
)


def complaint(case: str, agency: str | None, related: ServiceRequest | None, received: datetime,
              answered: datetime | None, resolved_by: str | None, sla_status: str, satisfaction: str | None,
              *tasks: StaffTask, extended: bool = False, reopened: bool = False, reminded: bool = False,
              overdue: bool = False) -> Complaint:
    return Complaint(
        f"pi-{case}", case, "complaint", agency, related.case_number if related else None,
        related.service_code if related else None, related.service_centre if related else None, received, answered,
        resolved_by, sla_status, extended, reopened, reminded, overdue, satisfaction, tasks)


R1, R2, R3 = REQUESTS[:3]
COMPLAINTS = (
    complaint("C1", "police", R1, ub("2027-02-01"), ub("2027-02-02"), "first-level", "in-time", "satisfied",
              task("customer-service", ub("2027-02-01"), ub("2027-02-02", 0), "UserTask_ResolveAtFirstLevel")),
    # breached, extended once and answered within the extension: seven working days over Tsagaan Sar
    complaint("C2", "police", None, ub("2027-02-01"), ub("2027-02-12"), "organisation", "extended", "dissatisfied",
              extended=True, reminded=True, overdue=True),
    # about a service centre; reminded, answered in time, reopened for a second-level review
    complaint("C3", BAYANZURKH, None, ub("2027-02-01"), ub("2027-02-03"), "quality-control", "in-time",
              "dissatisfied", task("quality-control", ub("2027-02-03", 6), ub("2027-02-03"),
                                   "UserTask_ReviewAtSecondLevel"), reopened=True, reminded=True),
    # overdue and not answered yet
    complaint("C4", "land-agency", R3, ub("2027-02-02"), None, None, "in-time", None, overdue=True),
    # breached, resolved by Quality Control, no rating
    complaint("C5", "police", R2, ub("2027-02-01"), ub("2027-02-05"), "quality-control", "breached", "no-answer",
              overdue=True),
)
PERIOD = Period(ub("2027-02-01", 0), ub("2027-03-01", 0))


@pytest.fixture(scope="module")
def report() -> KpiReport:
    return build_report(History(PERIOD, REQUESTS, COMPLAINTS), NO_OVERRIDES,
                        Names(agencies={"police": "Цагдаагийн ерөнхий газар"}, centres={ORKHON: "Орхон аймгийн төв"}))


def timed(time: HandlingTime) -> tuple[int, float | None, float | None]:
    return time.finished, time.median, time.p90


def rows(report: KpiReport, dimension: Dimension) -> dict[str, RequestRow]:
    return {row.key: row for row in report.requests[dimension]}


def complaint_rows(report: KpiReport, dimension: Dimension) -> dict[str, ComplaintRow]:
    return {row.key: row for row in report.complaints[dimension]}


def test_requests_in_total(report: KpiReport) -> None:
    total = report.request_total
    assert total.volume == 5
    assert total.sla == SlaCounts(on_time=2, after_warning=1, breached=1, in_progress=1)
    # R1 2.0, R2 1.0 (over Tsagaan Sar), R3 4.0, R5 0.25 working days
    assert total.time.finished == 4
    assert total.time.median == 1.5
    assert total.time.p90 == pytest.approx(3.4)
    assert total.ratings == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1, "no-answer": 1}
    assert total.mean_rating == 4.0


def test_requests_per_agency_count_stages(report: KpiReport) -> None:
    agencies = report.requests[Dimension.AGENCY]
    assert [(r.key, r.name, r.volume) for r in agencies] == [
        ("police", "Цагдаагийн ерөнхий газар", 3), ("capital-governor", "capital-governor", 1),
        ("land-agency", "land-agency", 1)]
    police, governor, land = agencies
    assert police.sla == SlaCounts(on_time=1, after_warning=1, in_progress=1)
    assert timed(police.time) == pytest.approx((2, 1.5, 1.9))
    assert police.mean_rating == 4.0
    assert (governor.sla, governor.time) == (SlaCounts(breached=1), HandlingTime(1, 3.0, 3.0))
    assert (land.sla, land.time) == (SlaCounts(on_time=1), HandlingTime(1, 1.0, 1.0))
    assert governor.ratings["no-answer"] == land.ratings["no-answer"] == 1


def test_requests_per_service_centre_and_service(report: KpiReport) -> None:
    centres = rows(report, Dimension.CENTRE)
    bayanzurkh, orkhon = centres[BAYANZURKH], centres[ORKHON]
    assert (bayanzurkh.volume, bayanzurkh.sla) == (3, SlaCounts(on_time=2, after_warning=1))
    assert timed(bayanzurkh.time) == pytest.approx((3, 1.0, 1.8))
    assert (orkhon.name, orkhon.volume, orkhon.sla) == ("Орхон аймгийн төв", 2, SlaCounts(breached=1, in_progress=1))
    assert orkhon.time == HandlingTime(1, 4.0, 4.0)
    services = rows(report, Dimension.SERVICE)
    assert {code: (row.volume, row.time.median) for code, row in services.items()} == {
        CRIMINAL: (3, 1.5), LAND: (1, 4.0), ADDRESS: (1, 0.25)}


def test_requests_per_staff_member_count_their_cases_and_time_their_tasks(report: KpiReport) -> None:
    staff = rows(report, Dimension.STAFF)
    assert set(staff) == {"bold", "aimag-coordination"}
    bold = staff["bold"]
    assert (bold.volume, bold.tasks, bold.sla) == (2, 2, SlaCounts(on_time=2))
    assert timed(bold.time) == pytest.approx((2, 0.5625, 0.9125))  # tasks of 1.0 and 0.125 working days
    assert bold.ratings["5"] == bold.ratings["4"] == 1
    coordination = staff["aimag-coordination"]
    assert (coordination.volume, coordination.sla, coordination.time) == (
        1, SlaCounts(breached=1), HandlingTime(1, 0.25, 0.25))


def test_complaints_in_total(report: KpiReport) -> None:
    total = report.complaint_total
    assert (total.volume, total.answered) == (5, 4)
    assert (total.first_level, total.extended, total.reopened, total.within_deadline) == (1, 1, 1, 3)
    assert [total.rate(c) for c in (total.first_level, total.extended, total.reopened, total.within_deadline)] == [
        0.25, 0.25, 0.25, 0.75]
    assert total.sla == SlaCounts(on_time=1, after_warning=1, breached=3)  # overdue counts even unanswered (C4)
    # C1 1.0, C2 7.0 (two weeks less Tsagaan Sar), C3 2.0, C5 4.0 working days
    assert timed(total.time) == pytest.approx((4, 3.0, 6.1))
    assert total.ratings == {"satisfied": 1, "dissatisfied": 2, "no-answer": 1}


def test_complaints_per_agency_centre_service_and_staff(report: KpiReport) -> None:
    agencies = complaint_rows(report, Dimension.AGENCY)
    assert set(agencies) == {"police", "land-agency"}  # C3 names a service centre, not an agency
    police = agencies["police"]
    assert (police.volume, police.answered, police.first_level, police.extended, police.within_deadline) == (
        3, 3, 1, 1, 2)
    assert police.sla == SlaCounts(on_time=1, breached=2)
    assert timed(police.time) == pytest.approx((3, 4.0, 6.4))
    land = agencies["land-agency"]
    assert (land.volume, land.answered, land.rate(land.first_level), land.sla) == (1, 0, None, SlaCounts(breached=1))
    centres = complaint_rows(report, Dimension.CENTRE)
    # the named centre (C3), else the centre of the request complained about (C1, C5 from Bayanzurkh; C4 Orkhon)
    assert {key: row.volume for key, row in centres.items()} == {BAYANZURKH: 3, ORKHON: 1}
    services = complaint_rows(report, Dimension.SERVICE)
    assert {key: row.volume for key, row in services.items()} == {CRIMINAL: 2, LAND: 1}
    staff = complaint_rows(report, Dimension.STAFF)
    assert {key: (row.volume, row.tasks, row.time.median) for key, row in staff.items()} == {
        "customer-service": (1, 1, 0.5), "quality-control": (1, 1, 0.25)}


def test_complaints_per_service_beside_its_requests(report: KpiReport) -> None:
    found = [(s.service_code, s.requests, s.complaints, s.per_100_requests) for s in report.complaints_per_service]
    assert found == [(CRIMINAL, 3, 2, pytest.approx(66.667, abs=1e-3)), (LAND, 1, 1, 100.0), (ADDRESS, 1, 0, 0.0)]


def test_an_empty_period_has_no_figures_but_a_report() -> None:
    report = build_report(History(PERIOD, (), ()), NO_OVERRIDES)
    assert report.request_total.volume == report.complaint_total.volume == 0
    assert report.request_total.time == HandlingTime(0, None, None)
    assert report.complaint_total.rate(0) is None
    assert all(not rows for rows in report.requests.values())
    assert "No service requests or complaints" in as_text(report)
    page = render_page(report, render_charts(report), PERIOD.until)
    assert "Энэ хугацаанд мэдээлэл алга." in page


# its files

def test_the_csv_files_hold_every_row_with_machine_friendly_columns(report: KpiReport, tmp_path: Path) -> None:
    requests, complaints, per_service = write_csv(report, tmp_path)

    with requests.open(encoding="utf-8-sig") as source:
        found = list(csv.DictReader(source))
    assert len(found) == 1 + sum(len(r) for r in report.requests.values())
    total = found[0]
    assert (total["dimension"], total["volume"], total["on_time"], total["median_working_days"],
            total["p90_working_days"], total["rating_no_answer"]) == ("total", "5", "2", "1.500", "3.400", "1")
    police = next(r for r in found if (r["dimension"], r["key"]) == ("agency", "police"))
    assert (police["name"], police["volume"], police["in_progress"]) == ("Цагдаагийн ерөнхий газар", "3", "1")
    with complaints.open(encoding="utf-8-sig") as source:
        total = next(csv.DictReader(source))
    assert (total["answered"], total["within_deadline_rate"], total["breached"]) == ("4", "0.750", "3")
    assert per_service.read_text(encoding="utf-8-sig").splitlines()[1] == f"{CRIMINAL},{CRIMINAL},3,2,66.667"


def test_the_terminal_table_lists_each_dimension(report: KpiReport) -> None:
    text = as_text(report)
    assert "SERVICE REQUESTS" in text
    assert "COMPLAINTS" in text
    for dimension in Dimension:
        assert f"Per {dimension}" in text
    assert "Total" in text


def test_the_page_is_self_contained_and_mongolian(report: KpiReport) -> None:
    charts = render_charts(report)
    assert all(content[:4] == b"\x89PNG" for content in charts.values())
    page = render_page(report, charts, PERIOD.until)

    assert page.count('src="data:image/png;base64,') == len(charts) == 4
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page
    assert '<html lang="mn">' in page
    for heading in ("Үйлчилгээний стандарт хугацааны (SLA) биелэлт", "Шийдвэрлэсэн хугацаа (ажлын өдрөөр)",
                    "Иргэдийн сэтгэл ханамж", "Гомдлын шийдвэрлэлтийн үзүүлэлт", "Үйлчилгээ тус бүрийн гомдол"):
        assert f"<h2>{heading}</h2>" in page or f"<h3>{heading}</h3>" in page
    assert "Цагдаагийн ерөнхий газар (police)" in page
