"""PublicServiceRequestProcess on the real engine: every path (read from the history API), with what the citizen and
agencies received."""

import pytest

from tests.process.harness import BATBOLD, SARANTUYA, UNKNOWN_PERSON, Harness

pytestmark = pytest.mark.engine

SINGLE, THREE_STAGES, REFERENCE = "no-documents-single-stage", "no-documents-three-stage", "address-reference"


async def finish(h: Harness, case: str, instance: str) -> list[str]:
    """Rate the service and wait for the end; the path taken."""
    await h.reached(instance, "Task_NotifyCompleted")
    await h.rate(case, 5)
    assert await h.ended(instance) == "completed"
    path = await h.path(instance)
    assert path[-3:] == ["ReceiveTask_AwaitSatisfaction", "Gateway_SatisfactionSettled", "EndEvent_RequestCompleted"]
    return path


async def test_a_reference_is_answered_from_the_registry_with_no_agency(harness: Harness) -> None:
    case, instance = await harness.submit(REFERENCE, BATBOLD)

    path = await finish(harness, case, instance)

    assert "Task_PrepareReference" in path
    assert "Task_DeliverResult" in path
    assert "SubProcess_AgencyStages" not in path
    assert await harness.cases_at_agencies(case) == []
    result = [e for e in await harness.received("inbox") if e["messageId"] == f"{case}-result"]
    assert len(result) == 1
    assert "Баянзүрх дүүрэг" in result[0]["body"]
    assert await harness.sms_ids(case) == [f"{case}-received", f"{case}-completed"]
    assert (await harness.variables(instance))["satisfaction"] == 5


async def test_a_single_stage_service_approved_by_its_agency(harness: Harness) -> None:
    case, instance = await harness.submit(SINGLE, BATBOLD)
    agency = await harness.wait_forwarded(case, 1)
    await harness.decide(agency, case, 1, "approve")

    path = await finish(harness, case, instance)

    assert agency == "police"
    assert path.count("Task_ForwardToAgency") == 1
    assert "EndEvent_StageApproved" in path
    assert await harness.sms_ids(case) == [f"{case}-received", f"{case}-forwarded-1", f"{case}-completed"]


async def test_a_three_stage_service_goes_to_each_agency_in_order(harness: Harness) -> None:
    case, instance = await harness.submit(THREE_STAGES, BATBOLD)
    for stage in (1, 2, 3):
        agency = await harness.wait_forwarded(case, stage)
        await harness.decide(agency, case, stage, "approve")

    path = await finish(harness, case, instance)

    assert await harness.cases_at_agencies(case) == [("land-agency", 1), ("capital-governor", 2),
                                                     ("state-registration", 3)]
    assert path.count("EndEvent_StageApproved") == 3


async def test_a_rejection_at_stage_two_ends_the_loop_and_stage_three_is_never_contacted(harness: Harness) -> None:
    case, instance = await harness.submit(THREE_STAGES, BATBOLD)
    await harness.decide(await harness.wait_forwarded(case, 1), case, 1, "approve")
    await harness.decide(await harness.wait_forwarded(case, 2), case, 2, "reject", "Газрын хил давхцаж байна")

    assert await harness.ended(instance) == "completed"
    path = await harness.path(instance)
    assert path[-3:] == ["BoundaryEvent_StageRejected", "Task_NotifyStageRejection", "EndEvent_RequestRejectedAtStage"]
    assert [agency for agency, _ in await harness.cases_at_agencies(case)] == ["land-agency", "capital-governor"]
    assert "Газрын хил давхцаж байна" in await harness.sms_text(f"{case}-rejected")


async def test_an_identity_mismatch_is_rejected_and_the_citizen_told_why(harness: Harness) -> None:
    case, instance = await harness.submit(REFERENCE, BATBOLD, applicant={
        "registerNumber": BATBOLD.register_number, "birthDate": "1999-05-13", "phone": BATBOLD.phone})

    assert await harness.ended(instance) == "completed"
    assert (await harness.path(instance))[-4:] == [
        "BoundaryEvent_IdentityRejected", "Gateway_RequestRejected", "Task_NotifyRejection", "EndEvent_RequestRejected"]
    assert "Төрсөн огноо" in await harness.sms_text(f"{case}-rejected")


async def test_an_unknown_register_number_is_rejected_as_not_in_the_registry(harness: Harness) -> None:
    case, instance = await harness.submit(REFERENCE, UNKNOWN_PERSON)

    assert await harness.ended(instance) == "completed"
    assert "BoundaryEvent_PersonNotFound" in await harness.path(instance)
    assert "бүртгэлгүй" in await harness.sms_text(f"{case}-rejected")


async def test_an_agency_asks_for_more_information_and_gets_the_citizens_answer(harness: Harness) -> None:
    case, instance = await harness.submit(SINGLE, BATBOLD)
    await harness.decide(await harness.wait_forwarded(case, 1), case, 1, "need-info", "Ажлын газрын тодорхойлолт")
    await harness.reached(instance, "Task_NotifyInformationNeeded")
    await harness.reply_information(case, 1, "Тодорхойлолтыг хавсаргав")
    await harness.poll(lambda: harness.cases_at_agencies(case, kind="information"), "the information at police")
    await harness.decide("police", case, 1, "approve")

    path = await finish(harness, case, instance)

    assert "Ажлын газрын тодорхойлолт" in await harness.sms_text(f"{case}-information-needed-1")
    information_steps = ["ReceiveTask_AwaitCitizenInformation", "Task_ForwardInformation"]
    assert [element for element in path if element in information_steps] == information_steps


async def test_a_walk_in_request_is_registered_and_handed_over_at_the_service_centre(harness: Harness) -> None:
    case, instance = await harness.walk_in(SINGLE, SARANTUYA, "in-person")
    await harness.decide(await harness.wait_forwarded(case, 1), case, 1, "approve")
    hand_over = await harness.complete_task(instance, "UserTask_HandOverResult", {"resultHandedOver": True})
    assert hand_over.candidate_groups == ["centre-aimag-orkhon"]  # SARANTUYA's own service centre
    assert hand_over.form_ref == "result-hand-over"

    path = await finish(harness, case, instance)

    assert case == f"ESR-W{instance}"
    assert (await harness.api.history_process_instance(instance)).get("businessKey") is None
    assert path[:2] == ["StartEvent_WalkInRequestReceived", "Task_RegisterWalkInCase"]
    assert "Task_DeliverResult" not in path


async def test_an_unknown_service_is_rejected(harness: Harness) -> None:
    instance = await harness.start("PublicServiceRequestProcess", {
        "serviceCode": "no-such-service", "registerNumber": BATBOLD.register_number,
        "birthDate": BATBOLD.birth_date, "phone": BATBOLD.phone, "serviceCentre": BATBOLD.service_centre,
        "deliveryMethod": "electronic"})

    assert await harness.ended(instance) == "completed"
    path = await harness.path(instance)
    assert "BoundaryEvent_UnknownService" in path
    assert path[-1] == "EndEvent_RequestRejected"
    assert "Task_NotifyReceived" not in path


@pytest.mark.parametrize(
    ("contacts", "channel"),
    [({"email": "citizen@example.com"}, "email"), ({}, "inbox")],
)
async def test_a_citizen_without_a_phone_is_told_by_e_mail_or_in_the_inbox(
    harness: Harness, contacts: dict[str, str], channel: str
) -> None:
    applicant = {"registerNumber": BATBOLD.register_number, "birthDate": BATBOLD.birth_date} | contacts
    case, instance = await harness.submit(REFERENCE, BATBOLD, applicant=applicant)

    await finish(harness, case, instance)

    assert await harness.sms_ids(case) == []
    if channel == "email":
        mails = [m for m in await harness.received("mail") if m["messageId"].startswith(f"<{case}-")]
        assert [m["subject"] for m in mails] == ["Хүсэлт хүлээн авлаа", "Үйлчилгээ бэлэн боллоо"]
    else:
        titles = [m["title"] for m in await harness.received("inbox") if m["messageId"].startswith(f"{case}-")]
        assert titles == ["Хүсэлт хүлээн авлаа", "Үйлчилгээний үр дүн", "Үйлчилгээ бэлэн боллоо"]
