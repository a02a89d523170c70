"""Intake's outbox on the real engine: a reply that comes before the process waits for it lands once the process
gets there; one that nothing ever waits for expires and shows on the operations endpoint; a start sent again
after a lost answer finds its instance and starts no second one."""

import dataclasses
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from engine_client import EngineClient
from intake.app import create_app
from intake.delivery import EngineDelivery
from intake.messages import SERVICE_REQUEST_SUBMITTED, STARTS_PROCESS
from intake.outbox import NewMessage, Outbox, OutboxPolicy
from intake.settings import IntakeSettings
from local_stack import INTAKE_ACCOUNT, PORTAL_KEY
from tests.history import History
from tests.polling import eventually
from tests.servers import AppServer

pytestmark = pytest.mark.engine

PORTAL = {"X-Api-Key": PORTAL_KEY}
WORKERS = {"X-Api-Key": "sandbox-workers-key"}
OPERATIONS = {"X-Api-Key": "sandbox-operations-key"}
AGENCY = "land-agency"
AGENCY_KEY = {"X-Api-Key": f"sandbox-intake-{AGENCY}-key"}

PROCESS = "IntakeOutboxRaceProcess"
START, FORWARD, AWAIT, END = ("StartEvent_RaceStarted", "UserTask_ForwardCase", "ReceiveTask_AwaitAgencyDecision",
                              "EndEvent_Decided")
# Test only: a step between the forwarding and the wait, held by a user task the test completes when it chooses,
# so the agency's decision surely arrives before anything waits for it. The wait is declared as in the models.
RACE_MODEL = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_{PROCESS}" targetNamespace="http://esra.gov.mn/bpmn">
  <bpmn:process id="{PROCESS}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="{START}"/>
    <bpmn:sequenceFlow id="Flow_ToForward" sourceRef="{START}" targetRef="{FORWARD}"/>
    <bpmn:userTask id="{FORWARD}" name="Forward the case"/>
    <bpmn:sequenceFlow id="Flow_ToAwait" sourceRef="{FORWARD}" targetRef="{AWAIT}"/>
    <bpmn:receiveTask id="{AWAIT}" messageRef="Message_AgencyDecision">
      <bpmn:extensionElements>
        <camunda:inputOutput>
          <camunda:inputParameter name="correlationKey">${{caseNumber}}-1</camunda:inputParameter>
        </camunda:inputOutput>
      </bpmn:extensionElements>
    </bpmn:receiveTask>
    <bpmn:sequenceFlow id="Flow_ToEnd" sourceRef="{AWAIT}" targetRef="{END}"/>
    <bpmn:endEvent id="{END}"/>
  </bpmn:process>
  <bpmn:message id="Message_AgencyDecision" name="AgencyDecision"/>
</bpmn:definitions>
"""


def case_number(kind: str) -> str:
    return f"ESR-{kind}-{uuid.uuid4().hex[:10]}"


async def test_an_agency_decision_sent_before_the_process_waits_is_delivered_once_it_does(
    api: EngineClient, history: History, intake: AppServer, tmp_path: Path
) -> None:
    model = tmp_path / f"{PROCESS}.bpmn"
    model.write_text(RACE_MODEL, encoding="utf-8")
    await api.deploy([model], name="intake-outbox-test")
    case = case_number("RACE")
    instance = str((await api.start(PROCESS, {"caseNumber": case}, business_key=case))["id"])
    decision = {"caseNumber": case, "stage": 1, "agencyId": AGENCY, "decision": "approve", "reason": "",
                "messageId": f"{AGENCY}-{case}-1"}

    async with httpx.AsyncClient(base_url=intake.url, timeout=20) as http:
        forwarded = {"caseNumber": case, "stage": 1, "agency": AGENCY}
        assert (await http.post("/internal/forwardings", headers=WORKERS, json=forwarded)).status_code == 204
        answer = await http.post("/v1/agency-decisions", headers=AGENCY_KEY, json=decision)
        assert (answer.status_code, answer.json()) == (202, {"accepted": True, "duplicate": False,
                                                             "delivery": "pending"}), "nothing waits for it yet"

        [task] = await history.open_user_tasks(instance, FORWARD)
        await api.complete_task(task.id, {})

        assert await history.wait_for(lambda: history.ended(instance), "the decision to reach its wait",
                                      timeout_s=60) == "completed"
        assert await history.path(instance) == [START, FORWARD, AWAIT, END]
        assert {k: v for k, v in (await history.variables(instance)).items() if k.startswith("decision")} == {
            "decision": "approve", "decisionReason": ""}
        pending = (await http.get("/internal/outbox", params={"status": "pending"}, headers=OPERATIONS)).json()
        assert decision["messageId"] not in [m["messageId"] for m in pending["messages"]]
        repeat = await http.post("/v1/agency-decisions", headers=AGENCY_KEY, json=decision)
        assert (repeat.status_code, repeat.json()["duplicate"], repeat.json()["delivery"]) == (200, True, "delivered")


async def test_a_reply_nothing_waits_for_expires_and_shows_on_the_operations_endpoint(
    api: EngineClient, tmp_path: Path
) -> None:
    """An intake of its own, whose replies live two seconds, on the session's engine as intake's account."""
    policy = OutboxPolicy(correlate_ttl=timedelta(seconds=2), backoff_base=timedelta(milliseconds=200),
                          backoff_max=timedelta(milliseconds=500), poll_interval=timedelta(milliseconds=100))
    settings = IntakeSettings(engine_rest_url=api.rest_url, database_path=tmp_path / "intake.sqlite",
                              upload_dir=tmp_path / "uploads", outbox=policy)
    app = create_app(settings)
    case = case_number("LOST")
    message_id = f"{case}-rating"
    async with (app.router.lifespan_context(app),
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as http):
        sent = await http.post("/v1/citizen-replies/satisfaction", headers=PORTAL,
                               json={"caseNumber": case, "rating": 4, "messageId": message_id})
        assert (sent.status_code, sent.json()["delivery"]) == (202, "pending")

        async def listed_as_expired() -> list[dict[str, object]]:
            listing = (await http.get("/internal/outbox", params={"status": "expired"}, headers=OPERATIONS)).json()
            return [m for m in listing["messages"] if m["messageId"] == message_id]

        [expired] = await eventually(listed_as_expired, "the reply to expire", timeout_s=20)
        assert (expired["messageName"], expired["correlationKey"], expired["variableNames"]) == (
            "SatisfactionRated", case, ["satisfaction"])
        assert int(str(expired["attempts"])) >= 2
        assert "MessageNotCorrelated" in str(expired["lastError"])  # the engine's "nothing waits": retried, not failed
        scraped = (await http.get("/metrics")).text
        assert 'intake_messages_expired_total{message="SatisfactionRated"} 1.0' in scraped
        assert "intake_outbox_pending 0.0" in scraped


async def test_a_start_sent_again_after_a_lost_answer_starts_no_second_instance(
    api: EngineClient, intake: AppServer, tmp_path: Path
) -> None:
    """Intake's own account must see the instance its first try started (READ_INSTANCE / READ_HISTORY): the engine
    answers a query it may not read with an empty list, which would start the case twice."""
    body = {"requestId": f"req-{uuid.uuid4().hex[:12]}", "serviceCode": "address-reference",
            "applicant": {"registerNumber": "УБ99051212", "birthDate": "1999-05-12", "phone": "+97699112233"},
            "serviceCentre": "capital:bayanzurkh", "deliveryMethod": "electronic", "registryConsent": True}
    async with httpx.AsyncClient(base_url=intake.url, timeout=20) as http:
        response = await http.post("/v1/service-requests", headers=PORTAL, json=body)
    assert (response.status_code, response.json()["delivery"]) == (202, "delivered"), response.text
    case = str(response.json()["caseNumber"])
    process = STARTS_PROCESS[SERVICE_REQUEST_SUBMITTED]
    query = {"processInstanceBusinessKey": case, "processDefinitionKey": process}
    [first] = await api.history_process_instances(**query)

    outbox = Outbox(tmp_path / "intake.sqlite")  # the same start as a second try, as after a lost answer
    outbox.store(NewMessage.start(f"submit-{body['requestId']}", SERVICE_REQUEST_SUBMITTED, process, case,
                                  {"caseNumber": case}))
    [claimed] = outbox.claim(1)
    outbox.close()
    async with EngineClient(api.rest_url, INTAKE_ACCOUNT.user, INTAKE_ACCOUNT.password.get_secret_value()) as engine:
        await EngineDelivery(engine)(dataclasses.replace(claimed, attempts=2))

    assert [i["id"] for i in await api.history_process_instances(**query)] == [first["id"]]
