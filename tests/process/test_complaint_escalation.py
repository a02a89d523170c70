"""ComplaintEscalationProcess on the real engine: every path, with what the citizen and organisations received.

The path is read from the history API. No clock is moved: each timer is fired with the job API once its due
date is the one the process computed (answerDueAt, the reminder points, the satisfaction wait)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from catalog.loader import load_complaint_rules
from domain.deadlines import due_date, ends_at
from domain.working_days import ULAANBAATAR
from tests.process.complaints import PROCESS, Complaints, complaint_body, moment
from tests.process.harness import BATBOLD, PORTAL_KEY, Harness

pytestmark = pytest.mark.engine


@pytest.fixture
def complaints(harness: Harness) -> Complaints:
    return Complaints(harness)


async def test_an_inquiry_resolved_at_first_level_is_answered_and_closed_satisfied(complaints: Complaints) -> None:
    h = complaints.h
    case, instance = await complaints.submit(kind="inquiry", topic="other")

    groups = await complaints.complete(instance, "UserTask_ResolveAtFirstLevel", {
        "firstLevelOutcome": "resolved", "answerText": "Лавлагааг e-mongolia.mn сайтаас авах боломжтой."})
    await h.reached(instance, "Task_NotifyAnswer")
    await complaints.rate(case, satisfied=True)
    variables = await complaints.closed(instance)

    assert groups == ["customer-service"]
    assert case.startswith("CMP-")
    path = await h.path(instance)
    assert path[:3] == ["StartEvent_ComplaintSubmitted", "Gateway_ComplaintReceived", "BusinessRuleTask_RouteComplaint"]
    assert "Task_ForwardComplaint" not in path
    assert await h.cases_at_agencies(case) == []
    assert {k: variables[k] for k in ("resolvedBy", "satisfaction", "outcome", "slaStatus", "reopened", "extended",
                                      "deadlineKind")} == {
        "resolvedBy": "first-level", "satisfaction": "satisfied", "outcome": "resolved", "slaStatus": "in-time",
        "reopened": False, "extended": False, "deadlineKind": "working"}
    answered, closed = datetime.fromisoformat(variables["answeredAt"]), datetime.fromisoformat(variables["closedAt"])
    assert datetime.fromisoformat(variables["receivedAt"]) <= answered <= closed
    assert answered.utcoffset() == timedelta(hours=8)  # reported in Ulaanbaatar time
    texts = await complaints.texts(case)
    assert list(texts) == [f"{case}-complaint-received", f"{case}-complaint-answered"]
    assert variables["dueDate"] in texts[f"{case}-complaint-received"]
    assert "e-mongolia.mn" in texts[f"{case}-complaint-answered"]


async def forwarded_complaint(complaints: Complaints, **body: Any) -> tuple[str, str, dict[str, Any]]:
    """A staff-conduct complaint about the police (Rule_StaffConductOfAgency: no first level, 30 calendar days),
    forwarded and awaited, its breach timer due when the organisation's time is up; its variables then."""
    case, instance = await complaints.submit(**body)
    await complaints.forwarded(case, 1)
    await complaints.h.timer(instance, "BoundaryEvent_AnswerOverdue")
    variables = await complaints.h.variables(instance)
    await complaints.timer_due(instance, "BoundaryEvent_AnswerOverdue", variables["answerDueAt"])
    return case, instance, variables


async def test_a_complaint_forwarded_to_the_organisation_is_answered_in_time(complaints: Complaints) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(complaints)
    await complaints.answer("police", case, 1, "Ажилтанд сахилгын шийтгэл ногдуулж, хүсэлтийг хүлээн авлаа.")
    await h.reached(instance, "Task_NotifyAnswer")
    await complaints.rate(case, satisfied=True)
    variables = await complaints.closed(instance)

    path = await h.path(instance)
    assert "UserTask_ResolveAtFirstLevel" not in path
    assert "EndEvent_OrganisationAnswered" in path
    assert "UserTask_ReviewOverdueComplaint" not in path
    assert before["deadlineKind"] == "calendar"
    received = datetime.fromisoformat(before["receivedAt"]).astimezone(ULAANBAATAR).date()
    assert before["dueDate"] == (received + timedelta(days=30)).isoformat()
    # the breach timer (checked in forwarded_complaint) is Ulaanbaatar midnight after the 30th day
    assert moment(before["answerDueAt"]) == datetime.combine(received + timedelta(days=31), datetime.min.time(),
                                                             tzinfo=ULAANBAATAR)
    forwarded = [e["body"] for e in await h.received("agencies")
                 if e["kind"] == "case" and e["body"]["caseNumber"] == case]
    assert len(forwarded) == 1
    assert forwarded[0]["complaint"]["text"].startswith("Цагдаагийн газрын ажилтан")
    assert await complaints.reminders(case) == []
    assert {k: variables[k] for k in ("resolvedBy", "slaStatus", "organisationDecision", "forwardedTo")} == {
        "resolvedBy": "organisation", "slaStatus": "in-time", "organisationDecision": "approve",
        "forwardedTo": "police"}
    texts = await complaints.texts(case)
    assert list(texts) == [f"{case}-complaint-received", f"{case}-complaint-forwarded-1", f"{case}-complaint-answered"]
    assert "Цагдаагийн ерөнхий газар" in texts[f"{case}-complaint-forwarded-1"]
    assert "сахилгын шийтгэл" in texts[f"{case}-complaint-answered"]


async def test_the_organisation_is_reminded_before_the_deadline_once_per_reminder_point(
    complaints: Complaints,
) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(complaints)
    first, second, third = before["reminderTimes"]
    due = date.fromisoformat(before["dueDate"])
    # 7, 3 and 1 calendar days before the due date (catalog/complaints.yaml), at 09:00 in Ulaanbaatar
    assert [moment(t) for t in (first, second, third)] == [
        datetime.combine(due - timedelta(days=days), datetime.min.time().replace(hour=9), tzinfo=ULAANBAATAR)
        for days in (7, 3, 1)]

    await complaints.fire(instance, "Event_ReminderDue", first)
    await complaints.count(instance, "Task_RemindOrganisation", 1)
    await complaints.fire(instance, "Event_ReminderDue", second)
    await complaints.count(instance, "Task_RemindOrganisation", 2)
    await complaints.timer_due(instance, "Event_ReminderDue", third)
    await complaints.answer("police", case, 1, "Хариуг хүргүүллээ, ажилтантай ярилцсан.")
    await h.reached(instance, "Task_NotifyAnswer")

    reminders = await complaints.reminders(case)
    assert [(r["stage"], r["kind"], r["dueAt"]) for r in reminders] == [(1, "warning", before["answerDueAt"])] * 2
    assert (await h.variables(instance))["slaStatus"] == "in-time"
    assert (await h.path(instance)).count("Task_RemindOrganisation") == 2
    assert "Event_ReminderDue" in await h.history.cancelled(instance)  # the third point dies with the answer
    assert await h.history.timers(instance) == [await h.timer(instance, "BoundaryEvent_NoSatisfactionAnswer")]


async def breach(complaints: Complaints, instance: str, answer_due_at: str) -> None:
    """The organisation's time runs out: the breach timer, due at answerDueAt, fires."""
    await complaints.fire(instance, "BoundaryEvent_AnswerOverdue", answer_due_at)
    await complaints.h.user_task(instance, "UserTask_ReviewOverdueComplaint")


async def test_a_breach_extended_once_with_notice_is_then_answered(complaints: Complaints) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(complaints)
    await breach(complaints, instance, before["answerDueAt"])

    groups = await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "extend", "extensionDays": 30, "extensionReason": "Байгууллага нэмэлт шалгалт хийж байна"})
    await h.reached(instance, "Task_NotifyExtension")
    extended = await h.variables(instance)
    await complaints.timer_due(instance, "BoundaryEvent_AnswerOverdue", extended["answerDueAt"])
    await complaints.answer("police", case, 1, "Нэмэлт шалгалтын дүнд гомдлыг үндэслэлтэй гэж үзлээ.")
    await h.reached(instance, "Task_NotifyAnswer")
    await complaints.rate(case, satisfied=True)
    variables = await complaints.closed(instance)

    assert groups == ["quality-control"]
    new_due = date.fromisoformat(before["dueDate"]) + timedelta(days=30)
    assert (extended["dueDate"], extended["extended"]) == (new_due.isoformat(), True)
    assert moment(extended["answerDueAt"]) == ends_at(new_due) > moment(before["answerDueAt"])
    assert await h.cases_at_agencies(case) == [("police", 1)]  # waited for the same organisation, not re-sent
    notice = (await complaints.texts(case))[f"{case}-complaint-extended"]
    assert new_due.isoformat() in notice
    assert "нэмэлт шалгалт" in notice
    path = await h.path(instance)
    assert path.count("Task_ExtendDeadline") == 1
    assert path.count("SubProcess_AwaitOrganisationAnswer") == 1  # the first wait was interrupted by the breach
    assert "SubProcess_AwaitOrganisationAnswer" in await h.history.cancelled(instance)
    assert {k: variables[k] for k in ("slaStatus", "resolvedBy", "extended")} == {
        "slaStatus": "extended", "resolvedBy": "organisation", "extended": True}


async def test_a_deadline_is_extended_only_once_even_if_quality_control_asks_again(complaints: Complaints) -> None:
    h = complaints.h
    _case, instance, before = await forwarded_complaint(complaints)
    await breach(complaints, instance, before["answerDueAt"])
    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "extend", "extensionDays": 10, "extensionReason": "Байгууллага нэмэлт шалгалт хийж байна"})
    await h.reached(instance, "Task_NotifyExtension")
    extended = await h.variables(instance)
    assert moment(extended["answerDueAt"]) == ends_at(date.fromisoformat(before["dueDate"]) + timedelta(days=10))

    await breach(complaints, instance, extended["answerDueAt"])
    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "extend", "extensionDays": 10, "extensionReason": "Дахин сунгах хүсэлт гаргаж байна"})
    await complaints.count(instance, "Gateway_ExtendedBefore", 2)
    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "resolve", "answerText": "Чанарын хяналтын хэлтэс гомдлыг шууд шийдвэрлэв."})
    await h.reached(instance, "Task_NotifyAnswer")

    path = await h.path(instance)
    assert path.count("Task_ExtendDeadline") == 1
    assert path.count("UserTask_ReviewOverdueComplaint") == 3
    assert await h.history.timers(instance, "BoundaryEvent_AnswerOverdue") == []  # no third wait
    variables = await h.variables(instance)
    assert variables["dueDate"] == extended["dueDate"]
    assert {k: variables[k] for k in ("slaStatus", "resolvedBy")} == {
        "slaStatus": "breached", "resolvedBy": "quality-control"}


async def test_a_breach_escalated_to_leadership_is_answered_by_it(complaints: Complaints) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(complaints)
    await breach(complaints, instance, before["answerDueAt"])

    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {"qcDecision": "escalate"})
    groups = await complaints.complete(instance, "UserTask_DecideAtLeadership", {
        "answerText": "Газрын дарга гомдлыг хянаж, цагдаагийн газарт албан шаардлага хүргүүлэв."})
    await h.reached(instance, "Task_NotifyAnswer")
    timer = await h.timer(instance, "BoundaryEvent_NoSatisfactionAnswer")
    waiting_since = await complaints.started_at(instance, "ReceiveTask_AwaitSatisfaction")
    # satisfactionWait (P7D, catalog/complaints.yaml) from when the citizen was asked: the engine computes the due
    # date while it enters the wait, within milliseconds of the start time the history records for it
    assert before["satisfactionWait"] == "P7D"
    assert abs(moment(timer.due) - (waiting_since + timedelta(days=7))) < timedelta(seconds=2)
    await h.api.execute_job(timer.id)
    variables = await complaints.closed(instance)

    assert groups == ["leadership"]
    assert {k: variables[k] for k in ("resolvedBy", "slaStatus", "satisfaction", "outcome")} == {
        "resolvedBy": "leadership", "slaStatus": "breached", "satisfaction": "no-answer", "outcome": "resolved"}
    assert "албан шаардлага" in (await complaints.texts(case))[f"{case}-complaint-answered"]
    path = await h.path(instance)
    assert "Event_SatisfactionNotAnswered" in path
    assert "ReceiveTask_AwaitSatisfaction" in await h.history.cancelled(instance)


async def test_a_breach_re_forwarded_to_another_organisation_is_answered_by_it(complaints: Complaints) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(complaints)
    await breach(complaints, instance, before["answerDueAt"])

    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "re-forward", "forwardTo": "capital-governor"})
    assert await complaints.forwarded(case, 2) == "capital-governor"
    await h.timer(instance, "BoundaryEvent_AnswerOverdue")
    reforwarded = await h.variables(instance)
    await complaints.timer_due(instance, "BoundaryEvent_AnswerOverdue", reforwarded["answerDueAt"])
    await complaints.answer("capital-governor", case, 2, "Нийслэлийн Засаг даргын Тамгын газар хариу өглөө.")
    await h.reached(instance, "Task_NotifyAnswer")
    await complaints.rate(case, satisfied=True)
    variables = await complaints.closed(instance)

    assert await h.cases_at_agencies(case) == [("police", 1), ("capital-governor", 2)]
    assert reforwarded["dueDate"] == before["dueDate"]  # the legal date stays; the new organisation has its own
    assert moment(reforwarded["answerDueAt"]) > datetime.now(UTC)
    # the new organisation's own time: 10 working days (catalog/complaints.yaml) from the re-forwarding
    rules = load_complaint_rules()
    set_at = await complaints.started_at(instance, "Task_SetReforwardDeadline")
    assert moment(reforwarded["answerDueAt"]) in {
        ends_at(due_date(at, rules.reforwarding.days, rules.reforwarding.kind, rules.calendar))
        for at in (set_at, datetime.now(UTC))}
    path = await h.path(instance)
    assert path.count("Task_ForwardComplaint") == 2
    assert path.count("Task_SetReforwardDeadline") == 1
    assert {k: variables[k] for k in ("forwardingCount", "forwardedTo", "resolvedBy", "slaStatus")} == {
        "forwardingCount": 2, "forwardedTo": "capital-governor", "resolvedBy": "organisation", "slaStatus": "breached"}
    assert f"{case}-complaint-forwarded-2" in await complaints.texts(case)


async def test_a_dissatisfied_citizen_reopens_once_for_a_second_level_review(complaints: Complaints) -> None:
    h = complaints.h
    case, instance = await complaints.submit(kind="inquiry", topic="other")
    await complaints.complete(instance, "UserTask_ResolveAtFirstLevel", {
        "firstLevelOutcome": "resolved", "answerText": "Таны асуултын хариу: хүсэлтийг 3 хоногт шийднэ."})
    await h.reached(instance, "Task_NotifyAnswer")

    await complaints.rate(case, satisfied=False, reopen=True, round_=1)
    groups = await complaints.complete(instance, "UserTask_ReviewAtSecondLevel", {
        "answerText": "Дахин хянаад: хүсэлтийг 2 хоногийн дотор шийдвэрлэнэ."})
    await complaints.count(instance, "Task_NotifyAnswer", 2)
    await complaints.rate(case, satisfied=False, reopen=True, round_=2)
    variables = await complaints.closed(instance)

    assert groups == ["quality-control"]
    path = await h.path(instance)
    assert path.count("UserTask_ReviewAtSecondLevel") == 1
    assert path.count("Event_ComplaintReopened") == 1
    assert {k: variables[k] for k in ("reopened", "satisfaction", "outcome", "resolvedBy")} == {
        "reopened": True, "satisfaction": "dissatisfied", "outcome": "closed-dissatisfied",
        "resolvedBy": "quality-control"}
    texts = await complaints.texts(case)
    assert list(texts) == [f"{case}-complaint-received", f"{case}-complaint-answered", f"{case}-complaint-reopened",
                           f"{case}-complaint-answered-second-level"]
    assert "2 хоногийн дотор" in texts[f"{case}-complaint-answered-second-level"]


async def test_a_suggestion_has_its_own_working_day_deadline(complaints: Complaints) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(
        complaints, kind="suggestion", topic="service-delay", agency="tax-authority",
        text="Татварын тодорхойлолтыг цахимаар шууд олгох санал.")
    await complaints.answer("tax-authority", case, 1, "Саналыг хүлээн авч, 2027 оны төлөвлөгөөнд тусгалаа.")
    await h.reached(instance, "Task_NotifyAnswer")
    await complaints.rate(case, satisfied=True)
    await complaints.closed(instance)

    received = datetime.fromisoformat(before["receivedAt"])
    assert (before["deadlineDays"], before["deadlineKind"], before["responsibleUnit"]) == (
        10, "working", "Quality Control")
    due = due_date(received, 10, "working", load_complaint_rules().calendar)  # weekends and MN holidays skipped
    assert before["dueDate"] == due.isoformat()
    assert before["dueDate"] < due_date(received, 30, "calendar").isoformat()
    assert moment(before["answerDueAt"]) == ends_at(due)  # the breach timer's due date, checked when it was set


async def test_a_complaint_about_a_service_decision_is_linked_to_the_request(complaints: Complaints) -> None:
    h = complaints.h
    request_case, request_instance = await h.submit("no-documents-single-stage", BATBOLD)
    await h.decide(await h.wait_forwarded(request_case, 1), request_case, 1, "reject", "Баримт дутуу")
    await h.reached(request_instance, "Task_NotifyStageRejection")

    case, instance, before = await forwarded_complaint(
        complaints, topic="service-decision", agency=None, relatedCaseNumber=request_case,
        text="Миний хүсэлтийг үндэслэлгүй татгалзсан.")
    await complaints.answer("police", case, 1, "Шийдвэрийг хянаад хүсэлтийг дахин хүлээн авлаа.")
    await h.reached(instance, "Task_NotifyAnswer")

    assert before["relatedCaseNumber"] == request_case
    assert (before["agency"], before["forwardTo"], before["responsibleUnit"]) == ("police", "police", "Quality Control")
    forwarded = [e["body"] for e in await h.received("agencies")
                 if e["kind"] == "case" and e["body"]["caseNumber"] == case]
    assert forwarded[0]["complaint"]["relatedCaseNumber"] == request_case
    assert "UserTask_ResolveAtFirstLevel" not in await h.path(instance)


async def test_a_complaint_about_e_mongolia_with_no_organisation_goes_to_system_integration(
    complaints: Complaints,
) -> None:
    h = complaints.h
    case, instance = await complaints.submit(topic="system-access", agency=None,
                                             text="e-Mongolia-д нэвтрэх үед алдаа гарч байна.")

    groups = await complaints.complete(instance, "UserTask_ResolveAtFirstLevel", {
        "firstLevelOutcome": "resolved", "answerText": "Нэвтрэх алдааг засварласан, дахин оролдоно уу."})
    await h.reached(instance, "Task_NotifyAnswer")

    assert groups == ["system-integration"]  # ComplaintRouting: no first-level by Customer Service, no organisation
    variables = await h.variables(instance)
    assert (variables["firstLevelResolution"], variables["responsibleUnit"]) == (
        False, "System Integration and Training")
    assert "Task_ForwardComplaint" not in await h.path(instance)
    assert await h.cases_at_agencies(case) == []


async def test_a_walk_in_complaint_from_the_start_form_is_numbered_and_forwarded_by_the_unit_routing_names(
    complaints: Complaints,
) -> None:
    h = complaints.h
    instance = await h.start(PROCESS, {
        "channel": "service-centre", "kind": "complaint", "topic": "staff-conduct",
        "registerNumber": BATBOLD.register_number, "phone": BATBOLD.phone, "citizenName": "Батболд",
        "complaintText": "Үйлчилгээний төвийн ажилтан бүдүүлэг харьцсан."})
    await h.reached(instance, "Task_RegisterWalkInComplaint")

    groups = await complaints.complete(instance, "UserTask_ResolveAtFirstLevel", {
        "firstLevelOutcome": "forward", "forwardTo": "capital-governor"})
    case = (await h.variables(instance))["caseNumber"]
    assert await complaints.forwarded(case, 1) == "capital-governor"
    await h.timer(instance, "BoundaryEvent_AnswerOverdue")
    await complaints.timer_due(instance, "BoundaryEvent_AnswerOverdue", (await h.variables(instance))["answerDueAt"])
    await complaints.answer("capital-governor", case, 1, "Ажилтанд сануулга өгсөн.")
    await h.reached(instance, "Task_NotifyAnswer")

    assert groups == ["capital-city-coordination"]  # ComplaintRouting: staff conduct at a service centre
    assert case == f"CMP-W{instance}"
    variables = await h.variables(instance)
    assert (variables["channel"], variables["candidateGroup"]) == ("service-centre", "capital-city-coordination")
    assert f"{case}-complaint-received" in await complaints.texts(case)
    path = await h.path(instance)
    assert path[:3] == ["StartEvent_WalkInComplaintReceived", "Task_RegisterWalkInComplaint",
                        "Gateway_ComplaintReceived"]
    assert "StartEvent_ComplaintSubmitted" not in path


# Intake: what is refused starts nothing.

VALID = complaint_body()
REFUSALS = [
    ("kind", {k: v for k, v in VALID.items() if k != "kind"}),
    ("kind", VALID | {"kind": "praise"}),
    ("channel", VALID | {"channel": "fax"}),
    ("registerNumber", VALID | {"citizen": {"registerNumber": "УБ9905121", "phone": "+97699112233"}}),
    ("citizen", VALID | {"citizen": {"registerNumber": "УБ99051212"}}),
    ("phone", VALID | {"citizen": {"registerNumber": "УБ99051212", "phone": "99112233"}}),
    ("text", VALID | {"text": "   "}),
    ("text", VALID | {"text": "а" * 4001}),
    ("agency", VALID | {"agency": "ministry-of-magic"}),
    ("relatedCaseNumber", VALID | {"relatedCaseNumber": "ESR-2026-999999"}),
    ("requestId", VALID | {"requestId": "x"}),
]


async def test_a_complaint_with_missing_or_malformed_fields_is_refused_and_starts_nothing(
    complaints: Complaints,
) -> None:
    h = complaints.h
    before = await complaints.instances()

    for field, body in REFUSALS:
        response = await h.intake.post("/v1/complaints", headers=PORTAL_KEY, json=body)
        assert response.status_code == 422, (field, response.text)
        detail = response.json()["detail"]
        assert any(field in map(str, problem["loc"]) for problem in detail), (field, detail)
        assert all(problem["msg"] for problem in detail)
    case, instance = await complaints.submit()  # a valid one after them: it is the only instance started since

    after = await complaints.instances()
    assert {i: key for i, key in after.items() if i not in before} == {instance: case}


async def test_a_repeated_submission_is_one_complaint_and_a_wrong_key_is_refused(complaints: Complaints) -> None:
    h = complaints.h
    body = complaint_body()
    first = await h.intake.post("/v1/complaints", headers=PORTAL_KEY, json=body)
    again = await h.intake.post("/v1/complaints", headers=PORTAL_KEY, json=body)
    no_key = await h.intake.post("/v1/complaints", json=complaint_body())
    agency_key = await h.intake.post("/v1/complaints", headers={"X-Api-Key": "sandbox-intake-police-key"},
                                     json=complaint_body())

    assert (first.status_code, again.status_code, no_key.status_code, agency_key.status_code) == (202, 200, 401, 403)
    case = first.json()["caseNumber"]
    assert (first.json()["caseNumber"], first.json()["duplicate"]) == (again.json()["caseNumber"], False)
    assert again.json()["duplicate"] is True
    instance = await h.instance_of(case, PROCESS)
    assert [i for i, key in (await complaints.instances()).items() if key == case] == [instance]
