"""PublicServiceRequestProcess when time passes, systems fail, and callers misbehave.

No clock is moved: each timer is fired with the job API once its due date is the one the process computed
(the stage's SLA points in working days on the Mongolian calendar, the satisfaction wait)."""

import asyncio
from datetime import datetime, timedelta

import pytest

from catalog.loader import load_complaint_rules
from domain.working_days import sla_due
from tests.process.harness import BATBOLD, PORTAL_KEY, PROCESS, Harness
from tests.process.test_public_service import REFERENCE, SINGLE, finish

pytestmark = pytest.mark.engine

SINGLE_SLA = (2, 3)  # no-documents-single-stage: warning after 2 working days, due after 3 (tests/resources/catalog)


async def failures(harness: Harness, instance: str, topic: str) -> list[dict[str, object]]:
    """The failures the worker reported for `topic`, oldest first (the engine's external-task log)."""
    logs: list[dict[str, object]] = await harness.api.request("GET", "/history/external-task-log", params={
        "processInstanceId": instance, "topicName": topic, "failureLog": "true", "sortBy": "timestamp",
        "sortOrder": "asc"})
    return logs


async def test_the_agency_is_reminded_at_the_warning_point_and_a_breach_opens_a_follow_up(harness: Harness) -> None:
    case, instance = await harness.submit(SINGLE, BATBOLD)
    await harness.wait_forwarded(case, 1)
    await harness.reached(instance, "Task_NotifyForwarded")
    sla = await harness.variables(instance)
    warning_at, due_at = datetime.fromisoformat(sla["stageWarningAt"]), datetime.fromisoformat(sla["stageDueAt"])
    # forward-to-agency set both points (whole seconds) from the moment it forwarded: working days on the Mongolian
    # calendar, weekends and public holidays skipped
    forwarded = next(a for a in await harness.history.activities(instance) if a["activityId"] == "Task_ForwardToAgency")
    calendar = load_complaint_rules().calendar
    for point, days in zip((warning_at, due_at), SINGLE_SLA, strict=True):
        earliest = sla_due(datetime.fromisoformat(forwarded["startTime"]).replace(microsecond=0), days, calendar)
        latest = sla_due(datetime.fromisoformat(forwarded["endTime"]), days, calendar)
        assert earliest <= point <= latest, (point, earliest, latest)
    assert warning_at < due_at

    await harness.fire_due(instance, "BoundaryEvent_AgencySlaWarning", warning_at)
    await harness.reached(instance, "Task_RemindAgency")
    await harness.fire_due(instance, "BoundaryEvent_AgencySlaBreached", due_at)
    follow_up = await harness.complete_task(instance, "UserTask_FollowUpSlaBreach",
                                            {"followUpNote": "Хариуцсан ажилтантай утсаар ярьсан"})
    # BATBOLD's own service centre, and the coordination division of the capital's centres
    assert sorted(follow_up.candidate_groups) == ["capital-city-coordination", "centre-capital-bayanzurkh"]
    assert follow_up.form_ref == "sla-breach-follow-up"
    await harness.reached(instance, "Task_SendBreachNotice")
    await harness.decide("police", case, 1, "approve")

    path = await finish(harness, case, instance)

    reminders = [e["body"] for e in await harness.received("agencies")
                 if e["kind"] == "reminder" and e["body"]["caseNumber"] == case]
    assert [r["kind"] for r in reminders] == ["warning", "breach"]
    assert reminders[1]["note"] == "Хариуцсан ажилтантай утсаар ярьсан"
    assert {"EndEvent_AgencyReminded", "EndEvent_SlaBreachFollowedUp", "EndEvent_StageApproved"} <= set(path)
    assert path.index("Task_RemindAgency") < path.index("UserTask_FollowUpSlaBreach") < path.index(
        "EndEvent_StageApproved")
    assert path.count("ReceiveTask_AwaitAgencyDecision") == 1, "the SLA timers did not interrupt the wait"


async def test_a_registry_outage_retries_then_becomes_an_incident_and_continues_once_resolved(
    harness: Harness,
) -> None:
    await harness.fault("xyp", down=True)
    case, instance = await harness.submit(REFERENCE, BATBOLD)

    incident = (await harness.history.wait_for(lambda: harness.history.open_incidents(instance), "an incident"))[0]
    assert incident.element_id == "Task_VerifyIdentity"
    assert incident.incident_type == "failedExternalTask"
    assert incident.message.startswith(
        "verify-identity: TransientError: XYP registry service WS100101 answered 503")
    failed = await failures(harness, instance, "verify-identity")
    # five failures (retries="5"), reported with 4, 3, 2, 1, 0 retries left; the log keeps what the task had before
    assert [f["retries"] for f in failed] == [None, 4, 3, 2, 1]
    assert [t["retries"] for t in await harness.api.external_tasks(processInstanceId=instance)] == [0]
    moments = [datetime.fromisoformat(str(f["timestamp"])) for f in failed]
    for before, after, backoff_ms in zip(moments[:3], moments[1:4], (200, 400, 800), strict=True):
        assert after - before >= timedelta(milliseconds=backoff_ms), "each retry waited its exponential backoff"

    await harness.clear_faults()
    await harness.api.set_external_task_retries(incident.configuration, 1)  # what Cockpit's "retry" does

    path = await finish(harness, case, instance)
    assert "Task_PrepareReference" in path
    assert path.count("Task_VerifyIdentity") == 1
    assert await harness.history.open_incidents(instance) == []


async def test_twenty_identical_agency_callbacks_at_once_advance_the_case_once_and_all_get_a_success(
    harness: Harness,
) -> None:
    case, instance = await harness.submit(SINGLE, BATBOLD)
    await harness.wait_forwarded(case, 1)
    decision = {"caseNumber": case, "stage": 1, "agencyId": "police", "decision": "approve",
                "messageId": f"police-{case}-1-once"}
    police = {"X-Api-Key": "sandbox-intake-police-key"}

    answers = await asyncio.gather(*(harness.intake.post("/v1/agency-decisions", headers=police, json=decision)
                                      for _ in range(20)))

    assert sorted(a.status_code for a in answers) == [200] * 19 + [202], "one taken, 19 repeats, no error"
    assert all(a.json()["accepted"] for a in answers)
    assert sum(a.json()["duplicate"] for a in answers) == 19
    await finish(harness, case, instance)
    stored = await harness.delivered("AgencyDecision", f"{case}-1")
    assert [m["messageId"] for m in stored] == [f"police-{case}-1-once"]
    assert (await harness.path(instance)).count("ReceiveTask_AwaitAgencyDecision") == 1


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
    assert await harness.outbox("AgencyDecision", f"{case}-1") == []
    assert "ReceiveTask_AwaitAgencyDecision" not in await harness.path(instance), "still waiting"
    await harness.api.request("DELETE", f"/process-instance/{instance}")


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
    stored_before = len(await harness.outbox("ServiceRequestSubmitted"))
    started_before = len(await harness.api.history_process_instances(processDefinitionKey=PROCESS))

    response = await harness.intake.post("/v1/service-requests", headers=PORTAL_KEY, json=body)

    assert response.status_code == status
    assert reason in response.text
    assert len(await harness.outbox("ServiceRequestSubmitted")) == stored_before
    assert len(await harness.api.history_process_instances(processDefinitionKey=PROCESS)) == started_before


async def test_a_request_without_a_valid_key_is_refused(harness: Harness) -> None:
    body = harness.request_body(REFERENCE, BATBOLD)
    missing = await harness.intake.post("/v1/service-requests", json=body)
    agency_key = await harness.intake.post("/v1/service-requests", json=body,
                                           headers={"X-Api-Key": "sandbox-intake-police-key"})
    assert (missing.status_code, agency_key.status_code) == (401, 403)


async def test_silence_about_satisfaction_is_recorded_as_no_answer(harness: Harness) -> None:
    _, instance = await harness.submit(REFERENCE, BATBOLD)
    await harness.reached(instance, "Task_NotifyCompleted")
    await harness.timer(instance, "BoundaryEvent_NoSatisfactionAnswer")
    asked_at = await harness.started_at(instance, "ReceiveTask_AwaitSatisfaction")

    # P7D from when the wait began: the engine computes the due date as it enters the wait, within milliseconds of
    # the start time the history records for it
    await harness.fire_due(instance, "BoundaryEvent_NoSatisfactionAnswer", asked_at + timedelta(days=7),
                           within=timedelta(seconds=2))

    assert await harness.ended(instance) == "completed"
    path = await harness.path(instance)
    assert path[-3:] == ["Event_SatisfactionNotAnswered", "Gateway_SatisfactionSettled", "EndEvent_RequestCompleted"]
    assert "ReceiveTask_AwaitSatisfaction" in await harness.history.cancelled(instance)
    assert (await harness.variables(instance))["satisfaction"] == "no-answer"
