"""The foundation on the real engine: worker, user task with its form, timer, incident and its resolution."""

from datetime import UTC, datetime, timedelta

import pytest

from engine_client import EngineClient, to_engine
from tests.history import History
from workers.runtime import ExternalTaskRuntime

pytestmark = pytest.mark.engine

START, PREPARE, REVIEW = "StartEvent_SmokeRequested", "Task_PrepareGreeting", "UserTask_ReviewGreeting"
TOPIC = "smoke-prepare-greeting"


async def start(api: EngineClient, name: object) -> str:
    return str((await api.start("SmokeProcess", {"name": name}))["id"])


@pytest.mark.parametrize(
    ("approved", "end"), [(True, "EndEvent_GreetingApproved"), (False, "EndEvent_GreetingRejected")]
)
async def test_user_task_completed_through_rest_ends_with_worker_output(
    approved: bool, end: str, api: EngineClient, history: History, workers: ExternalTaskRuntime
) -> None:
    instance = await start(api, "Болд")

    task = (await history.wait_for(lambda: history.open_user_tasks(instance, REVIEW), "the review task"))[0]
    assert task.candidate_groups == ["smoke-testers"]
    assert task.form_ref == "smoke-review", "the user task carries its linked form"
    assert (await api.task_form(task.id))["operatonFormRef"]["key"] == "smoke-review"
    await api.complete_task(task.id, {"approved": approved})

    assert await history.wait_for(lambda: history.ended(instance), "the instance to end") == "completed"
    assert await history.path(instance) == [START, PREPARE, REVIEW, "Gateway_GreetingApproved", end]
    assert await history.variables(instance) == {"name": "Болд", "greeting": "Сайн байна уу, Болд!",
                                                 "approved": approved}


async def test_one_day_timer_is_due_a_day_later_and_ends_the_review_when_fired(
    api: EngineClient, history: History, workers: ExternalTaskRuntime
) -> None:
    instance = await start(api, "Сараа")
    await history.wait_for(lambda: history.open_user_tasks(instance, REVIEW), "the review task")
    timer = (await history.timers(instance, "BoundaryEvent_ReviewTimedOut"))[0]
    due = datetime.fromisoformat(timer.due)
    assert abs(due - (datetime.now(UTC) + timedelta(days=1))) < timedelta(minutes=1)

    await api.execute_job(timer.id)

    assert await history.wait_for(lambda: history.ended(instance), "the timer to end the instance") == "completed"
    assert (await history.path(instance))[-2:] == ["BoundaryEvent_ReviewTimedOut", "EndEvent_ReviewTimedOut"]
    assert REVIEW in await history.cancelled(instance)


async def failures(api: EngineClient, instance: str) -> list[dict[str, object]]:
    logs: list[dict[str, object]] = await api.request("GET", "/history/external-task-log", params={
        "processInstanceId": instance, "failureLog": "true", "sortBy": "timestamp", "sortOrder": "asc"})
    return logs


async def test_unexpected_error_is_retried_with_backoff_then_becomes_an_incident(
    api: EngineClient, history: History, workers: ExternalTaskRuntime
) -> None:
    instance = await start(api, "FAIL")

    incident = (await history.wait_for(lambda: history.open_incidents(instance), "an incident"))[0]
    assert incident.element_id == PREPARE
    assert incident.incident_type == "failedExternalTask"
    assert incident.message == f"{TOPIC}: RuntimeError: greeting service exploded"
    logged = await failures(api, instance)
    assert len(logged) == 2, "the model's two retries were used"
    assert [t["retries"] for t in await api.external_tasks(processInstanceId=instance)] == [0]
    first, second = (datetime.fromisoformat(str(log["timestamp"])) for log in logged)
    assert second - first >= timedelta(milliseconds=200), "the first failure waited before the retry"
    assert await history.ended(instance) is None


async def test_invalid_variables_fail_at_once_with_a_message_saying_what_to_fix(
    api: EngineClient, history: History, workers: ExternalTaskRuntime
) -> None:
    instance = await start(api, 42)

    incident = (await history.wait_for(lambda: history.open_incidents(instance), "an incident"))[0]
    assert "invalid process variables: name: Input should be a valid string" in incident.message
    assert "fix the variables" in incident.message
    assert len(await failures(api, instance)) == 1, "not retried"


async def test_incident_resolved_after_the_cause_is_fixed_lets_the_instance_continue(
    api: EngineClient, history: History, workers: ExternalTaskRuntime
) -> None:
    instance = await start(api, 42)
    incident = (await history.wait_for(lambda: history.open_incidents(instance), "an incident"))[0]

    await api.request("POST", f"/process-instance/{instance}/variables",
                      json={"modifications": to_engine({"name": "Тэмүүлэн"})})
    await api.set_external_task_retries(incident.configuration, 1)  # what Cockpit's "retry" does

    await history.wait_for(lambda: history.open_user_tasks(instance, REVIEW), "the review task after the fix")
    assert (await history.variables(instance))["greeting"] == "Сайн байна уу, Тэмүүлэн!"
    assert await history.open_incidents(instance) == []
    await api.request("DELETE", f"/process-instance/{instance}")
