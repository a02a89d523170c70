"""A worker process killed with SIGKILL in the middle of a task: another picks the task up once its lock has
expired, and the side effect (the forwarding to the agency) happens once."""

import asyncio
from datetime import UTC, datetime

import pytest

from bench.end_to_end import SINGLE_STAGE
from tests.faults.system import FaultSystem
from tests.polling import eventually

pytestmark = pytest.mark.engine


async def test_a_task_whose_worker_dies_is_done_again_by_another_and_forwarded_once(faults: FaultSystem) -> None:
    since = datetime.now(UTC)
    await faults.fault("agencies", slowSeconds=2.0)  # the agency takes 2 s to accept: time to kill mid-call
    request = await faults.submit(SINGLE_STAGE, 0)
    instance = await eventually(lambda: faults.instance_of(request.case, since), "the instance")

    async def locked_forwarding() -> str | None:
        tasks = await faults.api.external_tasks(processInstanceId=instance, activityId="Task_ForwardToAgency")
        return str(tasks[0]["workerId"]) if tasks and tasks[0].get("workerId") else None
    dead_worker = await eventually(locked_forwarding, "a worker to lock the forwarding", timeout_s=60)
    await asyncio.sleep(0.5)  # the call is at the agency now
    await faults.kill("workers")
    await faults.restart("workers")

    await faults.wait_notified([request], "completed", timeout_s=90)
    await faults.rate(request.case)
    await faults.wait_ended([request], since, timeout_s=60)

    assert await faults.forwarded([request]) == {(request.case, 1): 1}
    done_by = await faults.api.request("GET", "/history/external-task-log", params={
        "processInstanceId": instance, "activityIdIn": "Task_ForwardToAgency", "successLog": "true"})
    assert [log["workerId"] for log in done_by] != [dead_worker], "done by the new worker"
    assert len(done_by) == 1
    assert {status: n for status, n in (await faults.notified([request]))[request.case].items()} == {
        "received": 1, "forwarded-1": 1, "completed": 1}
    assert await faults.api.incidents() == []
    assert await faults.repeats([request]) == 1, "the dead worker's call reached the agency; the redone one was dropped"
