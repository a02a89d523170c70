"""PublicServiceRequestProcess when time passes, systems fail, and callers misbehave."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.process.harness import BATBOLD, PORTAL_KEY, Harness
from tests.process.test_public_service import REFERENCE, SINGLE, finish

pytestmark = pytest.mark.engine


async def pin_after(harness: Harness, iso_moment: str) -> None:
    await harness.api.pin_clock(datetime.fromisoformat(iso_moment) + timedelta(minutes=1))


async def test_the_agency_is_reminded_at_the_warning_point_and_a_breach_opens_a_follow_up(harness: Harness) -> None:
    case, instance = await harness.submit(SINGLE, BATBOLD)
    await harness.wait_forwarded(case, 1)
    await harness.reached(instance, "Task_NotifyForwarded")
    sla = harness.records.variables(instance)

    await pin_after(harness, sla["stageWarningAt"])
    await harness.reached(instance, "Task_RemindAgency")
    await pin_after(harness, sla["stageDueAt"])
    follow_up = await harness.user_task(instance, "UserTask_FollowUpSlaBreach")
    assert follow_up.candidate_groups == ["capital-city-coordination"]
    await harness.api.complete_user_task(follow_up.key, {"followUpNote": "Хариуцсан ажилтантай утсаар ярьсан"})
    await harness.reached(instance, "Task_SendBreachNotice")
    await harness.api.reset_clock()
    await harness.decide("police", case, 1, "approve")

    path = await finish(harness, case, instance)

    reminders = [e["body"] for e in await harness.received("agencies")
                 if e["kind"] == "reminder" and e["body"]["caseNumber"] == case]
    assert [r["kind"] for r in reminders] == ["warning", "breach"]
    assert reminders[1]["note"] == "Хариуцсан ажилтантай утсаар ярьсан"
    assert {"EndEvent_AgencyReminded", "EndEvent_SlaBreachFollowedUp", "EndEvent_StageApproved"} <= set(path)


async def test_a_registry_outage_retries_then_becomes_an_incident_and_continues_once_resolved(
    harness: Harness,
) -> None:
    await harness.fault("xyp", down=True)
    case, instance = await harness.submit(REFERENCE, BATBOLD)

    incident = (await harness.records.wait_for(lambda: harness.records.open_incidents(instance), "an incident"))[0]
    assert incident.element_id == "Task_VerifyIdentity"
    assert incident.error_message.startswith(
        "verify-identity: TransientError: XYP registry service WS100101 answered 503")
    failures = harness.records.job_failures(instance, "verify-identity")
    assert [f["value"]["retries"] for f in failures] == [4, 3, 2, 1, 0]
    assert [f["value"]["retryBackoff"] for f in failures[:3]] == [200, 400, 800]

    await harness.clear_faults()
    await harness.api.update_job_retries(incident.job_key, 1)
    await harness.api.resolve_incident(incident.key)

    path = await finish(harness, case, instance)
    assert "Task_PrepareReference" in path


async def test_a_repeated_agency_callback_advances_nothing(harness: Harness) -> None:
    case, instance = await harness.submit(SINGLE, BATBOLD)
    await harness.wait_forwarded(case, 1)
    decision = {"caseNumber": case, "stage": 1, "agencyId": "police", "decision": "approve",
                "messageId": f"police-{case}-1-once"}
    police = {"X-Api-Key": "sandbox-intake-police-key"}

    first = await harness.intake.post("/v1/agency-decisions", headers=police, json=decision)
    second = await harness.intake.post("/v1/agency-decisions", headers=police, json=decision)

    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json() == {"accepted": True, "duplicate": True}
    await finish(harness, case, instance)
    assert len(harness.records.published_messages("AgencyDecision", f"{case}-1")) == 1
    assert harness.records.path(instance).count("ReceiveTask_AwaitAgencyDecision") == 1


async def test_an_agency_may_not_answer_a_case_forwarded_to_another(harness: Harness) -> None:
    case, instance = await harness.submit(SINGLE, BATBOLD)
    await harness.wait_forwarded(case, 1)
    body = {"caseNumber": case, "stage": 1, "decision": "reject", "messageId": f"{case}-intruder"}

    as_land_agency = await harness.intake.post("/v1/agency-decisions", json=body | {"agencyId": "land-agency"},
                                               headers={"X-Api-Key": "sandbox-intake-land-agency-key"})
    posing_as_police = await harness.intake.post("/v1/agency-decisions", json=body | {"agencyId": "police"},
                                                 headers={"X-Api-Key": "sandbox-intake-land-agency-key"})

    assert (as_land_agency.status_code, posing_as_police.status_code) == (403, 403)
    assert "was not forwarded to land-agency" in as_land_agency.json()["detail"]
    assert harness.records.published_messages("AgencyDecision", f"{case}-1") == []
    await harness.api.cancel_instance(instance)


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"applicant": {"registerNumber": "AB123", "birthDate": "1999-05-12"}}, 422, "two Cyrillic letters"),
        ({"serviceCode": "no-such-service"}, 422, "not offered on the portal"),
        ({"serviceCentre": "moon:base"}, 422, "serviceCentre"),
        ({"registryConsent": None}, 422, "registryConsent"),
        ({"unexpected": 1}, 422, "unexpected"),
    ],
)
async def test_a_malformed_request_is_refused_with_a_reason_and_starts_nothing(
    harness: Harness, change: dict[str, object], status: int, reason: str
) -> None:
    body = harness.request_body(REFERENCE, BATBOLD) | change
    published_before = len(harness.records.published_messages("ServiceRequestSubmitted"))

    response = await harness.intake.post("/v1/service-requests", headers=PORTAL_KEY, json=body)

    assert response.status_code == status
    assert reason in response.text
    assert len(harness.records.published_messages("ServiceRequestSubmitted")) == published_before


async def test_a_request_without_a_valid_key_is_refused(harness: Harness) -> None:
    body = harness.request_body(REFERENCE, BATBOLD)
    missing = await harness.intake.post("/v1/service-requests", json=body)
    agency_key = await harness.intake.post("/v1/service-requests", json=body,
                                           headers={"X-Api-Key": "sandbox-intake-police-key"})
    assert (missing.status_code, agency_key.status_code) == (401, 403)


async def test_silence_about_satisfaction_is_recorded_as_no_answer(harness: Harness) -> None:
    _, instance = await harness.submit(REFERENCE, BATBOLD)
    await harness.reached(instance, "Task_NotifyCompleted")
    await harness.records.wait_for(
        lambda: any(r["value"]["targetElementId"] == "BoundaryEvent_NoSatisfactionAnswer"
                    for r in harness.records.events("TIMER", "CREATED", processInstanceKey=instance)),
        "the satisfaction timer")

    await harness.api.pin_clock(datetime.now(UTC) + timedelta(days=7, minutes=1))

    assert await harness.ended(instance) == "completed"
    assert "Event_SatisfactionNotAnswered" in harness.records.path(instance)
    assert harness.records.variables(instance)["satisfaction"] == "no-answer"
