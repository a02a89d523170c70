"""The engine restarts on its own data: a task opened before the restart is completed after it."""

import asyncio

import pytest

from engine import launcher
from engine.settings import EngineSettings
from engine_client import EngineClient
from tests.history import History

pytestmark = pytest.mark.engine


async def test_a_task_opened_before_a_restart_is_completed_after_it(
    api: EngineClient, history: History, engine_settings: EngineSettings
) -> None:
    instance = str((await api.start("AccessCheckProcess", {"staffGroup": "quality-control"}))["id"])
    task = (await history.wait_for(lambda: history.open_user_tasks(instance, "UserTask_ReviewCase"), "the task"))[0]

    assert await asyncio.to_thread(launcher.down, engine_settings)
    assert not await launcher.is_ready(engine_settings)
    result = await launcher.up(engine_settings)

    assert result.started
    assert [t.id for t in await history.open_user_tasks(instance, "UserTask_ReviewCase")] == [task.id]
    await api.complete_task(task.id, {"approved": True})
    assert await history.wait_for(lambda: history.ended(instance), "the instance to end") == "completed"
