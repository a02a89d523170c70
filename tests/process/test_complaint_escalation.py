"""ComplaintEscalationProcess on the real engine: every path, with what the citizen and organisations received."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from catalog.loader import load_complaint_rules
from tests.process.complaints import PROCESS, Complaints, complaint_body
from tests.process.harness import BATBOLD, PORTAL_KEY, Harness
from workers.domain.deadlines import due_date
from workers.domain.working_days import ULAANBAATAR

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
    assert "Task_ForwardComplaint" not in h.records.path(instance)
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


async def forwarded_complaint(complaints: Complaints, **body: Any) -> tuple[str, int, dict[str, Any]]:
    """A staff-conduct complaint about the police (Rule_StaffConductOfAgency: no first level, 30 calendar days),
    forwarded and awaited; its variables once the answer is awaited."""
    case, instance = await complaints.submit(**body)
    await complaints.forwarded(case, 1)
    await complaints.timer_created(instance, "BoundaryEvent_AnswerOverdue")
    return case, instance, complaints.h.records.variables(instance)


async def test_a_complaint_forwarded_to_the_organisation_is_answered_in_time(complaints: Complaints) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(complaints)
    await complaints.answer("police", case, 1, "Ажилтанд сахилгын шийтгэл ногдуулж, хүсэлтийг хүлээн авлаа.")
    await h.reached(instance, "Task_NotifyAnswer")
    await complaints.rate(case, satisfied=True)
    variables = await complaints.closed(instance)

    path = h.records.path(instance)
    assert "UserTask_ResolveAtFirstLevel" not in path
    assert "EndEvent_OrganisationAnswered" in path
    assert "UserTask_ReviewOverdueComplaint" not in path
    assert before["deadlineKind"] == "calendar"
    received = datetime.fromisoformat(before["receivedAt"]).astimezone(ULAANBAATAR).date()
    assert before["dueDate"] == (received + timedelta(days=30)).isoformat()
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
    first, second, _third = before["reminderTimes"]

    await complaints.timer_created(instance, "Event_ReminderDue")
    await complaints.pin_after(first)
    await h.records.wait_for(lambda: h.records.path(instance).count("Task_RemindOrganisation") == 1, "reminder 1")
    await complaints.timer_created(instance, "Event_ReminderDue", count=2)
    await complaints.pin_after(second)
    await h.records.wait_for(lambda: h.records.path(instance).count("Task_RemindOrganisation") == 2, "reminder 2")
    await h.api.reset_clock()
    await complaints.answer("police", case, 1, "Хариуг хүргүүллээ, ажилтантай ярилцсан.")
    await h.reached(instance, "Task_NotifyAnswer")

    reminders = await complaints.reminders(case)
    assert [(r["stage"], r["kind"], r["dueAt"]) for r in reminders] == [(1, "warning", before["answerDueAt"])] * 2
    assert h.records.variables(instance)["slaStatus"] == "in-time"
    assert "Event_ReminderDue" in h.records.terminated(instance)  # the third point dies with the answer


async def breach(complaints: Complaints, instance: int, answer_due_at: str) -> None:
    await complaints.pin_after(answer_due_at)
    await complaints.h.user_task(instance, "UserTask_ReviewOverdueComplaint")


async def test_a_breach_extended_once_with_notice_is_then_answered(complaints: Complaints) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(complaints)
    await breach(complaints, instance, before["answerDueAt"])

    groups = await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "extend", "extensionDays": 30, "extensionReason": "Байгууллага нэмэлт шалгалт хийж байна"})
    await h.reached(instance, "Task_NotifyExtension")
    await complaints.timer_created(instance, "BoundaryEvent_AnswerOverdue", count=2)
    extended = h.records.variables(instance)
    await complaints.answer("police", case, 1, "Нэмэлт шалгалтын дүнд гомдлыг үндэслэлтэй гэж үзлээ.")
    await h.reached(instance, "Task_NotifyAnswer")
    await complaints.rate(case, satisfied=True)
    variables = await complaints.closed(instance)

    assert groups == ["quality-control"]
    new_due = (date.fromisoformat(before["dueDate"]) + timedelta(days=30)).isoformat()
    assert (extended["dueDate"], extended["extended"]) == (new_due, True)
    assert extended["answerDueAt"] > before["answerDueAt"]
    assert await h.cases_at_agencies(case) == [("police", 1)]  # waited for the same organisation, not re-sent
    notice = (await complaints.texts(case))[f"{case}-complaint-extended"]
    assert new_due in notice
    assert "нэмэлт шалгалт" in notice
    assert {k: variables[k] for k in ("slaStatus", "resolvedBy", "extended")} == {
        "slaStatus": "extended", "resolvedBy": "organisation", "extended": True}


async def test_a_deadline_is_extended_only_once_even_if_quality_control_asks_again(complaints: Complaints) -> None:
    h = complaints.h
    _case, instance, before = await forwarded_complaint(complaints)
    await breach(complaints, instance, before["answerDueAt"])
    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "extend", "extensionDays": 10, "extensionReason": "Байгууллага нэмэлт шалгалт хийж байна"})
    await complaints.timer_created(instance, "BoundaryEvent_AnswerOverdue", count=2)
    extended = h.records.variables(instance)

    await complaints.pin_after(extended["answerDueAt"])
    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "extend", "extensionDays": 10, "extensionReason": "Дахин сунгах хүсэлт гаргаж байна"})
    await h.records.wait_for(lambda: h.records.path(instance).count("Gateway_ExtendedBefore") == 2, "the check")
    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "resolve", "answerText": "Чанарын хяналтын хэлтэс гомдлыг шууд шийдвэрлэв."})
    await h.reached(instance, "Task_NotifyAnswer")

    path = h.records.path(instance)
    assert path.count("Task_ExtendDeadline") == 1
    assert path.count("UserTask_ReviewOverdueComplaint") == 3
    variables = h.records.variables(instance)
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
    await complaints.timer_created(instance, "BoundaryEvent_NoSatisfactionAnswer")
    await h.api.pin_clock(datetime.fromisoformat(before["answerDueAt"]) + timedelta(days=7, minutes=5))
    variables = await complaints.closed(instance)

    assert groups == ["leadership"]
    assert {k: variables[k] for k in ("resolvedBy", "slaStatus", "satisfaction", "outcome")} == {
        "resolvedBy": "leadership", "slaStatus": "breached", "satisfaction": "no-answer", "outcome": "resolved"}
    assert "албан шаардлага" in (await complaints.texts(case))[f"{case}-complaint-answered"]
    assert "Event_SatisfactionNotAnswered" in h.records.path(instance)


async def test_a_breach_re_forwarded_to_another_organisation_is_answered_by_it(complaints: Complaints) -> None:
    h = complaints.h
    case, instance, before = await forwarded_complaint(complaints)
    await breach(complaints, instance, before["answerDueAt"])
    await h.api.reset_clock()  # the new organisation's time runs from now

    await complaints.complete(instance, "UserTask_ReviewOverdueComplaint", {
        "qcDecision": "re-forward", "forwardTo": "capital-governor"})
    assert await complaints.forwarded(case, 2) == "capital-governor"
    await complaints.timer_created(instance, "BoundaryEvent_AnswerOverdue", count=2)
    reforwarded = h.records.variables(instance)
    await complaints.answer("capital-governor", case, 2, "Нийслэлийн Засаг даргын Тамгын газар хариу өглөө.")
    await h.reached(instance, "Task_NotifyAnswer")
    await complaints.rate(case, satisfied=True)
    variables = await complaints.closed(instance)

    assert await h.cases_at_agencies(case) == [("police", 1), ("capital-governor", 2)]
    assert reforwarded["dueDate"] == before["dueDate"]  # the legal date stays; the new organisation has its own
    assert reforwarded["answerDueAt"] > datetime.now(UTC).isoformat()
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
    await h.records.wait_for(lambda: h.records.path(instance).count("Task_NotifyAnswer") == 2, "the second answer")
    await complaints.rate(case, satisfied=False, reopen=True, round_=2)
    variables = await complaints.closed(instance)

    assert groups == ["quality-control"]
    assert h.records.path(instance).count("UserTask_ReviewAtSecondLevel") == 1
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
    assert before["dueDate"] == due_date(received, 10, "working", load_complaint_rules().calendar).isoformat()
    assert before["dueDate"] < due_date(received, 30, "calendar").isoformat()


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
    variables = h.records.variables(instance)
    assert (variables["firstLevelResolution"], variables["responsibleUnit"]) == (
        False, "System Integration and Training")
    assert "Task_ForwardComplaint" not in h.records.path(instance)
    assert await h.cases_at_agencies(case) == []


async def test_a_walk_in_complaint_from_the_start_form_is_numbered_and_forwarded_by_the_unit_routing_names(
    complaints: Complaints,
) -> None:
    h = complaints.h
    instance = await h.api.create_instance(PROCESS, {
        "channel": "service-centre", "kind": "complaint", "topic": "staff-conduct",
        "registerNumber": BATBOLD.register_number, "phone": BATBOLD.phone, "citizenName": "Батболд",
        "complaintText": "Үйлчилгээний төвийн ажилтан бүдүүлэг харьцсан."})
    await h.reached(instance, "Task_RegisterWalkInComplaint")

    groups = await complaints.complete(instance, "UserTask_ResolveAtFirstLevel", {
        "firstLevelOutcome": "forward", "forwardTo": "capital-governor"})
    case = h.records.variables(instance)["caseNumber"]
    assert await complaints.forwarded(case, 1) == "capital-governor"
    await complaints.timer_created(instance, "BoundaryEvent_AnswerOverdue")
    await complaints.answer("capital-governor", case, 1, "Ажилтанд сануулга өгсөн.")
    await h.reached(instance, "Task_NotifyAnswer")

    assert groups == ["capital-city-coordination"]  # ComplaintRouting: staff conduct at a service centre
    assert case == f"CMP-W{instance}"
    variables = h.records.variables(instance)
    assert (variables["channel"], variables["candidateGroup"]) == ("service-centre", "capital-city-coordination")
    assert f"{case}-complaint-received" in await complaints.texts(case)


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
    started = complaints.instances_started()
    published = len(h.records.published_messages("ComplaintSubmitted"))

    for field, body in REFUSALS:
        response = await h.intake.post("/v1/complaints", headers=PORTAL_KEY, json=body)
        assert response.status_code == 422, (field, response.text)
        detail = response.json()["detail"]
        assert any(field in map(str, problem["loc"]) for problem in detail), (field, detail)
        assert all(problem["msg"] for problem in detail)
    case, _ = await complaints.submit()  # a valid one after them: the record stream has caught up to here

    assert complaints.instances_started() == started + 1
    assert [r["value"]["correlationKey"] for r in h.records.published_messages("ComplaintSubmitted")][published:] == [
        case]


async def test_a_repeated_submission_is_one_complaint_and_a_wrong_key_is_refused(complaints: Complaints) -> None:
    h = complaints.h
    body = complaint_body()
    first = await h.intake.post("/v1/complaints", headers=PORTAL_KEY, json=body)
    again = await h.intake.post("/v1/complaints", headers=PORTAL_KEY, json=body)
    no_key = await h.intake.post("/v1/complaints", json=complaint_body())
    agency_key = await h.intake.post("/v1/complaints", headers={"X-Api-Key": "sandbox-intake-police-key"},
                                     json=complaint_body())

    assert (first.status_code, again.status_code, no_key.status_code, agency_key.status_code) == (202, 202, 401, 403)
    assert first.json() == {"caseNumber": again.json()["caseNumber"], "duplicate": False}
    assert again.json()["duplicate"] is True
    case = first.json()["caseNumber"]
    await h.records.wait_for(lambda: h.records.instance_with("caseNumber", case, PROCESS), f"the instance of {case}")
    assert len(h.records.published_messages("ComplaintSubmitted", case)) == 1
