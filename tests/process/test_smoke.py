"""The foundation on the real engine: worker, user task with form, timer by clock, incident."""

from datetime import timedelta

import pytest

from engine.api import CamundaApi
from engine.records import RecordLog
from workers.runtime import WorkerRuntime

pytestmark = pytest.mark.engine

START, PREPARE, REVIEW = "StartEvent_SmokeRequested", "Task_PrepareGreeting", "UserTask_ReviewGreeting"


@pytest.mark.parametrize(
    ("approved", "end"), [(True, "EndEvent_GreetingApproved"), (False, "EndEvent_GreetingRejected")]
)
async def test_user_task_completed_through_rest_ends_with_worker_output(
    approved: bool, end: str, api: CamundaApi, records: RecordLog, workers: WorkerRuntime
) -> None:
    instance = await api.create_instance("SmokeProcess", {"name": "Болд"})

    task = (await records.wait_for(lambda: records.open_user_tasks(instance, REVIEW), "the review task"))[0]
    assert task.candidate_groups == ["smoke-testers"]
    assert task.form_key, "the user task carries its linked form"
    await api.complete_user_task(task.key, {"approved": approved})

    assert await records.wait_for(lambda: records.ended(instance), "the instance to end") == "completed"
    assert records.path(instance) == [START, PREPARE, REVIEW, "Gateway_GreetingApproved", end]
    assert records.variables(instance) == {"name": "Болд", "greeting": "Сайн байна уу, Болд!", "approved": approved}


async def test_one_day_timer_fires_when_the_clock_moves(
    api: CamundaApi, records: RecordLog, workers: WorkerRuntime
) -> None:
    instance = await api.create_instance("SmokeProcess", {"name": "Сараа"})
    await records.wait_for(lambda: records.open_user_tasks(instance, REVIEW), "the review task")
    try:
        await api.advance_clock(timedelta(days=1, minutes=1))
        assert await records.wait_for(lambda: records.ended(instance), "the timer to end the instance") == "completed"
    finally:
        await api.reset_clock()

    assert records.path(instance)[-2:] == ["BoundaryEvent_ReviewTimedOut", "EndEvent_ReviewTimedOut"]
    assert REVIEW in records.terminated(instance)


async def test_unexpected_error_is_retried_with_backoff_then_becomes_an_incident(
    api: CamundaApi, records: RecordLog, workers: WorkerRuntime
) -> None:
    instance = await api.create_instance("SmokeProcess", {"name": "FAIL"})

    incident = (await records.wait_for(lambda: records.open_incidents(instance), "an incident"))[0]
    assert incident.element_id == PREPARE
    assert incident.error_type == "JOB_NO_RETRIES"
    assert incident.error_message == "smoke-prepare-greeting: RuntimeError: greeting service exploded"
    failures = records.job_failures(instance, "smoke-prepare-greeting")
    assert [f["value"]["retries"] for f in failures] == [1, 0], "the model's two retries were used"
    assert failures[0]["value"]["retryBackoff"] > 0, "the first failure waited before the retry"
    assert records.ended(instance) is None


async def test_invalid_variables_fail_at_once_with_a_message_saying_what_to_fix(
    api: CamundaApi, records: RecordLog, workers: WorkerRuntime
) -> None:
    instance = await api.create_instance("SmokeProcess", {"name": 42})

    incident = (await records.wait_for(lambda: records.open_incidents(instance), "an incident"))[0]
    assert "invalid process variables: name: Input should be a valid string" in incident.error_message
    assert "fix the variables" in incident.error_message
    assert len(records.job_failures(instance, "smoke-prepare-greeting")) == 1, "not retried"


async def test_incident_resolved_after_the_cause_is_fixed_lets_the_instance_continue(
    api: CamundaApi, records: RecordLog, workers: WorkerRuntime
) -> None:
    instance = await api.create_instance("SmokeProcess", {"name": 42})
    incident = (await records.wait_for(lambda: records.open_incidents(instance), "an incident"))[0]

    await api.set_variables(instance, {"name": "Тэмүүлэн"})
    await api.update_job_retries(incident.job_key, 1)
    await api.resolve_incident(incident.key)

    await records.wait_for(lambda: records.open_user_tasks(instance, REVIEW), "the review task after the fix")
    assert records.variables(instance)["greeting"] == "Сайн байна уу, Тэмүүлэн!"
    await api.cancel_instance(instance)
