"""Access on the real engine: the REST API answers nothing without credentials, each service account holds only
what it needs, each staff member sees and works only their own group's tasks (a service centre's: also
tests/process/test_centre_access.py), and an organisation answers only what was forwarded to it."""

import httpx
import pytest

from engine.settings import EngineSettings
from engine_client import EngineClient, EngineError
from local_stack import INTAKE_ACCOUNT, REPORTS_ACCOUNT, WORKERS_ACCOUNT, Account
from tests.history import History
from tests.process.complaints import Complaints
from tests.process.harness import Harness

pytestmark = pytest.mark.engine
PROCESS, TASK = "AccessCheckProcess", "UserTask_ReviewCase"
OWN, OTHER = "centre-capital-bayanzurkh", "customer-service"  # a service centre's staff, another unit's


def client_of(settings: EngineSettings, account: Account) -> EngineClient:
    return EngineClient(settings.rest_url, account.user, account.password.get_secret_value())


def staff(settings: EngineSettings, group: str) -> EngineClient:
    return EngineClient(settings.rest_url, group, settings.staff_password.get_secret_value())


async def open_task(api: EngineClient, history: History, group: str) -> tuple[str, str]:
    instance = str((await api.start(PROCESS, {"staffGroup": group}))["id"])
    task = (await history.wait_for(lambda: history.open_user_tasks(instance, TASK), "the review task"))[0]
    assert task.candidate_groups == [group]
    return instance, task.id


async def test_the_rest_api_answers_nothing_without_valid_credentials(engine_settings: EngineSettings) -> None:
    async with httpx.AsyncClient(base_url=engine_settings.rest_url) as anonymous:
        for path in ("/process-definition", "/task", "/history/process-instance", "/external-task"):
            assert (await anonymous.get(path)).status_code == 401, path
        # (a wrong password also delays that user's next login: the engine's throttling, so use a user no
        # other test logs in as)
        wrong = await anonymous.get("/task", auth=("leadership", "not-the-password"))
        assert wrong.status_code == 401


async def test_a_staff_member_sees_and_completes_only_their_own_groups_task(
    api: EngineClient, history: History, engine_settings: EngineSettings
) -> None:
    instance, task_id = await open_task(api, history, OWN)

    async with staff(engine_settings, OWN) as own, staff(engine_settings, OTHER) as other:
        assert task_id in [t["id"] for t in await own.tasks(processInstanceId=instance)]
        assert await other.tasks(processInstanceId=instance) == []
        with pytest.raises(EngineError) as refused:
            await other.claim(task_id, OTHER)
        assert refused.value.status == 403
        with pytest.raises(EngineError) as refused:
            await other.complete_task(task_id, {"approved": True})
        assert refused.value.status == 403

        await own.claim(task_id, OWN)
        await own.complete_task(task_id, {"approved": True})

    assert await history.wait_for(lambda: history.ended(instance), "the instance to end") == "completed"


async def test_the_workers_account_cannot_deploy_or_read_user_tasks(
    api: EngineClient, history: History, engine_settings: EngineSettings, resources_dir: object
) -> None:
    instance, _ = await open_task(api, history, OWN)
    async with client_of(engine_settings, WORKERS_ACCOUNT) as workers:
        assert await workers.tasks(processInstanceId=instance) == [], "user tasks are staff's, not the workers'"
        with pytest.raises(EngineError) as refused:
            await workers.request("POST", "/deployment/create", data={"deployment-name": "intruder"},
                                  files=[("x", ("x.bpmn", b"<definitions/>"))])
        assert refused.value.status == 403
        assert "'CREATE' permission on resource 'Deployment'" in refused.value.message
        with pytest.raises(EngineError) as refused:
            await workers.start(PROCESS, {"staffGroup": OWN})
        assert refused.value.status == 403
    await api.request("DELETE", f"/process-instance/{instance}")


async def test_intake_and_reports_accounts_hold_only_their_own_permissions(
    api: EngineClient, history: History, engine_settings: EngineSettings
) -> None:
    instance, _ = await open_task(api, history, OWN)
    async with client_of(engine_settings, INTAKE_ACCOUNT) as intake, \
            client_of(engine_settings, REPORTS_ACCOUNT) as reports:
        assert await intake.tasks(processInstanceId=instance) == []
        with pytest.raises(EngineError) as refused:
            await intake.request("POST", "/deployment/create", data={"deployment-name": "intruder"},
                                 files=[("x", ("x.bpmn", b"<definitions/>"))])
        assert refused.value.status == 403
        assert [i["id"] for i in await reports.history_process_instances(processInstanceId=instance)] == [instance]
        with pytest.raises(EngineError) as refused:
            await reports.start(PROCESS, {"staffGroup": OWN})
        assert refused.value.status == 403
    await api.request("DELETE", f"/process-instance/{instance}")


async def test_tasklist_cockpit_and_the_engine_metrics_answer_on_the_engine_port(
    engine_settings: EngineSettings,
) -> None:
    async with httpx.AsyncClient(base_url=engine_settings.url, follow_redirects=True) as http:
        for page in (engine_settings.tasklist_url, engine_settings.cockpit_url):
            response = await http.get(page)
            assert response.status_code == 200, page
        metrics = (await http.get("/actuator/prometheus")).text
        assert "jvm_memory_used_bytes" in metrics
        assert "hikaricp_connections" in metrics
        assert "operaton_incidents_open" in metrics
        assert "operaton_external_tasks_open" in metrics
        assert (await http.get("/actuator/health/readiness")).json()["status"] == "UP"


async def test_an_organisation_may_not_answer_a_complaint_forwarded_to_another(harness: Harness) -> None:
    """Complaints use the agencies' decision endpoint with the forwarding number as the stage: only the
    organisation the complaint went to may answer it."""
    case, instance = await Complaints(harness).submit()  # staff conduct at the police: forwarded there
    assert await harness.wait_forwarded(case, 1) == "police"
    body = {"caseNumber": case, "stage": 1, "decision": "approve", "reason": "Шийдвэрлэсэн.",
            "messageId": f"{case}-intruder"}

    as_itself = await harness.intake.post("/v1/agency-decisions", json=body | {"agencyId": "tax-authority"},
                                          headers={"X-Api-Key": "sandbox-intake-tax-authority-key"})
    posing_as_police = await harness.intake.post("/v1/agency-decisions", json=body | {"agencyId": "police"},
                                                 headers={"X-Api-Key": "sandbox-intake-tax-authority-key"})

    assert (as_itself.status_code, posing_as_police.status_code) == (403, 403)
    assert await harness.outbox("AgencyDecision", f"{case}-1") == []
    assert "ReceiveTask_AwaitOrganisationAnswer" not in await harness.path(instance), "still waiting"
