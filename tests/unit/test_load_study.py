"""The load study without I/O but the catalogue files: catalog/load.yaml, the calendar, arrivals, the queue model
(against the Erlang C formula), the flows of one request, SLA breaches, the staff search, measured handling
times and the command's files."""

import math
import random
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog.loader import CatalogError, load_catalog, load_complaint_rules, load_service_centres
from catalog.model import CalendarOverride, CalendarOverrides, Channel
from domain.working_days import ULAANBAATAR, sla_due
from engine.settings import PROJECT_ROOT
from reports.load_study import flows as f
from reports.load_study.arrivals import Arrival, centre_arrivals
from reports.load_study.behaviour import SATISFACTION_WAIT, Citizen, RequestScript, StageScript, Upload, request_script
from reports.load_study.calendar import DAY, StudyCalendar
from reports.load_study.history import measure
from reports.load_study.model import LOAD_FILE, Lognormal, OpeningHours, load_model
from reports.load_study.simulation import CentreRun, simulate_centre
from reports.load_study.staffing import staff_needed, worst_caused
from reports.load_study.study import Study

CATALOG, CENTRES = load_catalog(), load_service_centres()
MODEL = load_model(CATALOG, CENTRES)
OVERRIDES = load_complaint_rules().calendar
MONDAY = date(2027, 3, 1)
CALENDAR = StudyCalendar.build(MONDAY, MODEL.opening_hours, OVERRIDES)
KNOWN = Citizen(True, frozenset({"WS100101", "WS100102", "WS100103", "WS100104"}))


def at(day: int, hour: float) -> float:
    """Minutes of the study calendar: `day` days after MONDAY, at `hour` o'clock."""
    return day * DAY + hour * 60


def script(service: str, channel: Channel = Channel.SERVICE_CENTRE, minute: float = at(0, 10), number: int = 1,
           **changes: Any) -> RequestScript:
    """A request's script drawn as the study draws it, then changed where a test needs it fixed."""
    arrival = Arrival("aimag:orkhon", number, minute, service, channel)
    drawn = request_script(arrival, CATALOG.services[service], MODEL, OneCitizen(KNOWN), seed=5)
    return replace(drawn, **changes)


class OneCitizen:
    """A citizen pool of one."""

    def __init__(self, citizen: Citizen) -> None:
        self.citizen = citizen

    def draw(self, rng: random.Random) -> Citizen:
        return self.citizen


def simulate(scripts: list[RequestScript], staff: int = 2, calendar: StudyCalendar = CALENDAR,
             period_end: float = 5 * DAY) -> CentreRun:
    return simulate_centre("aimag:orkhon", staff, scripts, CATALOG.services, calendar, period_end,
                           MODEL.hour_profile[Channel.SERVICE_CENTRE])


# catalog/load.yaml


def test_the_catalogue_has_figures_for_every_centre_and_only_offered_channels() -> None:
    assert set(MODEL.centres) == {c.id for c in CENTRES.service_centres}
    assert len(MODEL.centres) == 30
    for code, channels in MODEL.demand.items():
        assert set(channels) <= set(CATALOG.services[code].channels), code
    assert math.isclose(sum(MODEL.centre_share(c) for c in MODEL.centres), 1.0)


def rewritten(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(LOAD_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "load.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["demand"]["taxpayer-reference"].update(kiosk=10), "demand.taxpayer-reference.kiosk"),
    (lambda d: d["demand"].update({"no-such-service": {"portal": 1}}), "demand.no-such-service"),
    (lambda d: d["centres"].pop("aimag:uvs"), "centres"),
    (lambda d: d["hour_profile"]["service-centre"].update({9: 0.5}), "hour_profile.service-centre"),
    (lambda d: d["hour_profile"]["kiosk"].update({20: 0.0, 9: 0.0, 8: 0.08}), "hour_profile.kiosk"),
    (lambda d: d["handling_minutes"].pop(f.CHECK), "handling_minutes"),
    (lambda d: d["agencies"]["police"].update(approve=0.5), "agencies.police"),
    (lambda d: d["agencies"].update({"nobody": d["agencies"]["police"]}), "agencies.nobody"),
    (lambda d: d["citizens"]["registry_records"].pop("WS100201"), "citizens.registry_records"),
    (lambda d: d.update(opening_hours="18:00-09:00"), "opening_hours"),
])
def test_a_broken_load_file_is_refused_naming_the_field(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(message)):
        load_model(CATALOG, CENTRES, rewritten(tmp_path, change))


def test_the_elements_the_study_names_are_in_the_models() -> None:
    ids = set()
    for model in ("PublicServiceRequestProcess", "DocumentReductionProcess"):
        ids |= set(re.findall(r' id="([A-Za-z_]+)"', (PROJECT_ROOT / "workflows" / f"{model}.bpmn").read_text()))
    named = {*f.COMPARED, *f.TIME_DRIVEN, *f.STAFF_TASKS, *MODEL.handling_minutes}
    assert named - ids == set()
    satisfaction = (PROJECT_ROOT / "workflows" / "PublicServiceRequestProcess.bpmn").read_text()
    timer = re.search(r'id="BoundaryEvent_NoSatisfactionAnswer".*?<bpmn:timeDuration[^>]*>([^<]+)<', satisfaction,
                      re.DOTALL)
    assert timer is not None
    assert timer.group(1) == SATISFACTION_WAIT


# the calendar and arrivals


def test_opening_hours_skip_nights_weekends_and_tsagaan_sar() -> None:
    assert MODEL.opening_hours == OpeningHours.parse("09:00-18:00") == OpeningHours(opens=540, closes=1080)
    assert CALENDAR.moment(at(2, 9)) == datetime.combine(MONDAY + timedelta(days=2), time(9), tzinfo=ULAANBAATAR)
    tsagaan_sar = StudyCalendar.build(date(2027, 2, 5), MODEL.opening_hours, OVERRIDES)  # Fri; 7-9 Feb off
    friday_five_pm = at(0, 17)
    assert tsagaan_sar.next_open(at(0, 19)) == at(5, 9)  # Sat, Sun, Mon-Tue holiday: Wednesday 10 Feb
    assert tsagaan_sar.open_minutes_between(friday_five_pm, at(5, 10)) == 120
    assert tsagaan_sar.add_open_minutes(friday_five_pm, 90) == at(5, 9.5)
    assert [tsagaan_sar.day_name(tsagaan_sar.day(at(n, 12))) for n in range(6)] == [
        "friday", "saturday", "holiday", "holiday", "holiday", "wednesday"]


def test_sla_points_are_the_engines_working_days() -> None:
    calendar = StudyCalendar.build(date(2027, 2, 1), MODEL.opening_hours, OVERRIDES)
    for minute in (at(0, 10), at(4, 17.5), at(5, 3), at(3, 23)):
        expected = sla_due(calendar.moment(minute), 3, OVERRIDES)
        assert calendar.moment(calendar.sla_due(minute, 3)) == expected


def test_no_citizen_comes_to_a_centre_on_a_holiday_and_a_declared_working_saturday_opens_it() -> None:
    first = date(2027, 2, 6)  # Sat; Tsagaan Sar Sun 7 - Tue 9
    saturday = CalendarOverride(date=first, reason="Засгийн газрын тогтоол (тест)")
    for overrides, open_saturday in ((OVERRIDES, False), (CalendarOverrides(extra_working_days=[saturday]), True)):
        calendar = StudyCalendar.build(first, MODEL.opening_hours, overrides)
        arrivals = centre_arrivals(MODEL, calendar, "capital:bayanzurkh", 0, 4 * DAY, seed=3)
        by_day: Counter[tuple[int, bool]] = Counter(
            (int(a.minute // DAY), a.channel == Channel.PORTAL) for a in arrivals)
        assert [by_day[(day, False)] > 0 for day in range(4)] == [open_saturday, False, False, False]
        assert all(by_day[(day, True)] > 0 for day in range(4))  # the portal never closes
        centre = [a for a in arrivals if a.channel != Channel.PORTAL]
        assert all(calendar.is_open(a.minute) for a in centre)


def test_arrivals_follow_the_hour_profile_and_repeat_with_the_seed() -> None:
    arrivals = centre_arrivals(MODEL, CALENDAR, "capital:bayanzurkh", 0, 5 * DAY, seed=8, scale=3.0)
    assert arrivals == centre_arrivals(MODEL, CALENDAR, "capital:bayanzurkh", 0, 5 * DAY, seed=8, scale=3.0)
    assert arrivals != centre_arrivals(MODEL, CALENDAR, "capital:bayanzurkh", 0, 5 * DAY, seed=9, scale=3.0)
    walk_ins = [a for a in arrivals if a.channel == Channel.SERVICE_CENTRE]
    daily = sum(per.get(Channel.SERVICE_CENTRE, 0) for per in MODEL.demand.values())
    factors = [MODEL.day_factor(Channel.SERVICE_CENTRE, d) for d in ("monday", "tuesday", "wednesday", "thursday",
                                                                       "friday")]
    expected = daily * MODEL.centre_share("capital:bayanzurkh") * 3.0 * sum(factors)
    assert abs(len(walk_ins) - expected) < 4 * math.sqrt(expected)  # a Poisson count: 4 standard deviations
    by_hour = Counter(int(a.minute % DAY // 60) for a in walk_ins)
    for hour, share in MODEL.hour_profile[Channel.SERVICE_CENTRE].items():
        assert abs(by_hour[hour] - share * len(walk_ins)) < 4 * math.sqrt(share * len(walk_ins)) + 1, hour


# the queue


def erlang_c_wait(arrival_rate: float, mean_service: float, servers: int) -> float:
    load = arrival_rate * mean_service
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    waiting = top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)
    return waiting / (servers / mean_service - arrival_rate)


def test_an_always_open_counter_waits_as_erlang_c_says() -> None:
    always = StudyCalendar.build(MONDAY, OpeningHours(opens=0, closes=24 * 60), OVERRIDES)
    rng, minute, scripts = random.Random(4), 0.0, list[RequestScript]()
    rate, mean_service, staff = 0.5, 4.0, 3  # 2 erlangs on 3 desks
    while minute < 5 * DAY - 60:  # Monday to Friday: open around the clock
        minute += rng.expovariate(rate)
        scripts.append(script("address-reference", minute=minute, number=len(scripts) + 1, in_person=False,
                              registration_minutes=rng.expovariate(1 / mean_service)))
    run = simulate(scripts, staff, always, 5 * DAY)
    simulated = sum(run.hall_waits) / len(run.hall_waits)
    assert len(run.hall_waits) == len(scripts) > 3000
    assert abs(simulated - erlang_c_wait(rate, mean_service, staff)) < 0.15 * erlang_c_wait(rate, mean_service, staff)
    assert abs(run.utilisation - rate * mean_service / staff) < 0.03


def test_citizens_waiting_at_closing_are_served_first_the_next_morning() -> None:
    late = [script("address-reference", minute=at(0, 17 + 50 / 60) + n / 10, number=n + 1, in_person=False,
                   registration_minutes=15.0) for n in range(3)]
    run = simulate(late, staff=1)
    # the second waits 9.9 minutes before closing, the third as long and then for the second's 15 minutes
    assert [round(w, 1) for w in run.hall_waits] == [0.0, 9.9, 24.8]  # opening-hours minutes only
    assert [o.finished for o in run.outcomes] == [at(0, 18 + 5 / 60), at(1, 9.25), at(1, 9.5)]
    assert run.hall_queue_max == 2


def test_the_hall_goes_before_the_back_office() -> None:
    checked = script("residence-registration-change", channel=Channel.PORTAL, minute=at(0, 9), registry_consent=False,
                     in_person=False,
                     uploads={"id-card": (Upload(60, True, 30.0),), "property-record": (Upload(60, True, 30.0),),
                              "rental-agreement": (Upload(60, True, 30.0),)})
    walk_in = script("address-reference", minute=at(0, 10 + 1 / 60), number=2, in_person=False,
                     registration_minutes=5.0)
    run = simulate([checked, walk_in], staff=1)
    assert run.hall_waits == [pytest.approx(29.0)]  # waits only for the check already at the desk
    assert sorted(run.check_waits) == [0.0, pytest.approx(35.0), pytest.approx(65.0)]


# one request's flows and its SLA


def test_a_two_stage_walk_in_reaches_the_elements_the_models_would() -> None:
    request = script("property-ownership-registration", consent_reply=True, consent_after_minutes=30.0,
                     uploads={"id-card": (), "civil-status": (),
                              "purchase-agreement": (Upload(120, False, 5.0), Upload(240, True, 5.0))},
                     stages=(StageScript(("need-info", "approve"), (300.0, 120.0), 600.0),
                             StageScript(("approve",), (240.0,), 0.0)), in_person=True)
    run = simulate([request])
    assert run.flows == Counter({
        f.WALK_IN_START: 1, f.ASK_CONSENT: 1, f.DOCUMENT_FETCHED: 2, f.CHECK: 2, f.DOCUMENT_RECEIVED: 1,
        f.DOSSIER_RETURNED: 1, f.FORWARD: 2, f.INFORMATION_NEEDED: 1, f.STAGE_APPROVED: 2, f.HAND_OVER: 1,
        f.REQUEST_COMPLETED: 1})
    outcome, = run.outcomes
    assert (outcome.end, outcome.staff_served, outcome.sla_applies, outcome.breached) == (
        f.REQUEST_COMPLETED, True, True, False)


def test_silence_and_used_up_attempts_close_the_request_for_missing_documents() -> None:
    silent = script("criminal-record-certificate", consent_reply=None, uploads={"id-card": ()})
    refused = script("id-card-replacement", number=2, consent_reply=False, uploads={
        "birth-certificate": (Upload(10, True, 5.0),), "address": (Upload(10, True, 5.0),),
        "photo": tuple(Upload(10, False, 5.0) for _ in range(3)), "loss-statement": (Upload(10, True, 5.0),)})
    run = simulate([silent, refused])
    assert run.flows[f.CONSENT_NOT_GIVEN] == 1
    assert (run.flows[f.DOCUMENT_NOT_UPLOADED], run.flows[f.ATTEMPTS_USED_UP], run.flows[f.CHECK]) == (1, 1, 6)
    assert run.flows[f.REQUEST_CLOSED_DOCUMENTS_MISSING] == run.flows[f.DOCUMENTS_MISSING] == 2
    assert [o.sla_applies for o in run.outcomes] == [False, False]


def test_an_agency_past_the_norm_breaches_and_the_citizens_own_time_does_not_count() -> None:
    slow_agency = script("criminal-record-certificate", channel=Channel.PORTAL, registry_consent=True,
                         stages=(StageScript(("approve",), (4 * 9 * 60.0,), 0.0),), in_person=False)
    slow_citizen = script("criminal-record-certificate", channel=Channel.PORTAL, number=2, registry_consent=False,
                          uploads={"id-card": (Upload(5 * DAY, True, 5.0),)},
                          stages=(StageScript(("approve",), (60.0,), 0.0),), in_person=False)
    run = simulate([slow_agency, slow_citizen])
    assert [o.breached for o in run.outcomes] == [True, False]
    assert run.flows[f.AGENCY_REMINDED] == run.flows[f.FOLLOW_UP] == 1  # the stage's own warning and due points


# the whole study and the staff search


def small_study(seed: int = 2) -> Study:
    centre = next(c for c in CENTRES.service_centres if c.id == "capital:khan-uul")
    return Study.over_days(MODEL, CATALOG.services, [centre], OVERRIDES, MONDAY, 3, seed)


def test_the_same_seed_gives_the_same_run_and_staff_change_only_the_queues() -> None:
    study = small_study()
    requests = study.scripts("capital:khan-uul")
    assert requests == small_study().scripts("capital:khan-uul")
    one, again, more = (study.run("capital:khan-uul", n, requests) for n in (3, 3, 6))
    assert [(o.end, o.finished) for o in one.outcomes] == [(o.end, o.finished) for o in again.outcomes]
    assert [o.end for o in one.outcomes] == [o.end for o in more.outcomes]
    assert {k: v for k, v in one.flows.items() if k not in f.TIME_DRIVEN} == {
        k: v for k, v in more.flows.items() if k not in f.TIME_DRIVEN}
    assert sum(more.hall_waits) < sum(one.hall_waits)


def test_the_staff_search_finds_the_fewest_that_meet_the_target() -> None:
    study = small_study()
    requests = study.scripts("capital:khan-uul")

    def run(staff: int) -> CentreRun:
        return study.run("capital:khan-uul", staff, requests)

    staffing = staff_needed(run, run(1), 0.05, 40)
    assert worst_caused(staffing.run, staffing.unlimited)[1] <= 0.05
    assert staffing.needed > 1
    assert worst_caused(run(staffing.needed - 1), staffing.unlimited)[1] > 0.05
    assert staff_needed(run, run(12), 0.05, 40).needed == staffing.needed  # from above or below alike


# handling times from history, the command


def task(key: str, number: int, minutes: float, deleted: str | None = "completed") -> dict[str, Any]:
    start = datetime(2026, 11, 2, 9, tzinfo=ULAANBAATAR) + timedelta(hours=number)
    return {"id": f"{key}-{number}", "taskDefinitionKey": key, "startTime": start.isoformat(),
            "endTime": (start + timedelta(minutes=minutes)).isoformat(), "deleteReason": deleted}


def test_handling_times_come_from_the_claim_when_staff_claimed() -> None:
    tasks = [task(f.CHECK, n, 60 + n) for n in range(5)] + [task(f.HAND_OVER, n, 10) for n in range(4)]
    tasks += [task(f.CHECK, 9, 500, deleted="deleted")]
    claims = {f"{f.CHECK}-{n}": datetime.fromisoformat(tasks[n]["endTime"]) - timedelta(minutes=4 + 2 * (n % 2))
              for n in range(5)}
    found = measure(tasks, claims, min_samples=5)
    assert set(found) == {f.CHECK}  # four hand-overs are too few
    check = found[f.CHECK]
    assert (check.samples, check.from_claim) == (5, True)
    assert check.mean_minutes == pytest.approx(4.8)
    assert measure(tasks, {}, min_samples=5)[f.CHECK].mean_minutes == pytest.approx(62)  # from creation
    assert MODEL.with_handling({f.CHECK: Lognormal(mean=2, cv=0.1)}).handling_minutes[f.CHECK].mean == 2


def test_the_command_writes_its_table_csv_and_chart(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reports", "load-study", "--centres", "aimag:govisumber,capital:nalaikh",
         "--days", "3", "--start", "2027-02-08", "--jobs", "1", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "aimag:govisumber" in result.stdout
    assert "criminal-record-certificate" in result.stdout
    centres = (tmp_path / "load-centres.csv").read_text(encoding="utf-8").splitlines()
    assert centres[0].startswith("centre,name,requests,walk_ins,staff_now,staff_needed")
    assert len(centres) == 3
    flows = dict(line.split(",") for line in (tmp_path / "load-flows.csv").read_text().splitlines()[1:])
    assert int(flows[f.PORTAL_START]) > 0
    assert (tmp_path / "load-study.png").read_bytes()[:4] == b"\x89PNG"
    services = (tmp_path / "load-services.csv").read_text(encoding="utf-8").splitlines()
    assert services[0] == ("centre,service,requests,with_sla,breaches_now,breach_probability_now,breaches_needed,"
                           "breach_probability_needed")
