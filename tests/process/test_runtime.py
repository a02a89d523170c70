"""The external-task runtime's traps, each set on purpose and shown on the real engine: several tasks per
fetch, a lock extended while a slow handler works (no second worker gets the task), a stop request that
lets a running task finish, and a unique worker id per runtime."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from engine.settings import EngineSettings
from engine_client import EngineClient
from local_stack import WORKERS_ACCOUNT
from tests.history import History
from tests.servers import free_port
from workers.models import ProcessVariables
from workers.registry import TaskContext, TaskHandler, handles
from workers.runtime import ExternalTaskRuntime
from workers.settings import WorkerSettings

pytestmark = pytest.mark.engine


class Item(ProcessVariables):
    item: int


class Done(ProcessVariables):
    handled_by: str


def model(process: str, topic: str) -> bytes:
    """One external task; built here because it exists only for these tests."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="Definitions_{process}" targetNamespace="http://esra.gov.mn/test">
  <process id="{process}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <startEvent id="StartEvent_Started"/>
    <sequenceFlow id="Flow_ToWork" sourceRef="StartEvent_Started" targetRef="Task_Work"/>
    <serviceTask id="Task_Work" camunda:type="external" camunda:topic="{topic}"/>
    <sequenceFlow id="Flow_ToEnd" sourceRef="Task_Work" targetRef="EndEvent_Done"/>
    <endEvent id="EndEvent_Done"/>
  </process>
</definitions>""".encode()


class CountingClient(EngineClient):
    """The workers' real client, counting its fetches."""

    fetches = 0

    async def fetch_and_lock(self, worker_id: str, topics: Any, max_tasks: int, long_poll_ms: int) -> list[Any]:
        self.fetches += 1
        return await super().fetch_and_lock(worker_id, topics, max_tasks, long_poll_ms)


def slow_handler(topic: str, seconds: float, calls: list[str]) -> TaskHandler[Item, Done]:
    @handles(topic)
    async def work(item: Item, context: TaskContext, _services: object) -> Done:
        calls.append(context.task_id)
        await asyncio.sleep(seconds)
        return Done(handled_by=context.topic)

    return work


@pytest.fixture
async def topic(api: EngineClient, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:8]
    process, name = f"RuntimeCheck{suffix}", f"runtime-check-{suffix}"
    path = tmp_path / f"{process}.bpmn"
    path.write_bytes(model(process, name))
    deployment = await api.deploy([path], name=process)
    yield process, name
    await api.request("DELETE", f"/deployment/{deployment['id']}", params={"cascade": "true"})


def settings_for(engine_settings: EngineSettings, **changes: Any) -> WorkerSettings:
    return WorkerSettings(engine_rest_url=engine_settings.rest_url, engine_user=WORKERS_ACCOUNT.user,
                          engine_password=WORKERS_ACCOUNT.password, metrics_port=free_port(), long_poll_ms=500,
                          **changes)


async def start_instances(api: EngineClient, process: str, count: int) -> list[str]:
    return [str((await api.start(process, {"item": n}))["id"]) for n in range(count)]


async def all_ended(history: History, instances: list[str], timeout_s: float = 60) -> None:
    async def ended() -> bool:
        return all([await history.ended(i) == "completed" for i in instances])

    await history.wait_for(ended, f"{len(instances)} instances to end", timeout_s)


async def test_several_tasks_come_in_one_fetch(
    api: EngineClient, history: History, engine_settings: EngineSettings, topic: tuple[str, str]
) -> None:
    process, name = topic
    instances = await start_instances(api, process, 20)
    calls: list[str] = []
    settings = settings_for(engine_settings, max_tasks_per_fetch=20, max_concurrent_tasks=20)
    async with CountingClient(settings.engine_rest_url, settings.engine_user,
                              settings.engine_password.get_secret_value()) as engine:
        runtime = ExternalTaskRuntime(settings, engine, [slow_handler(name, 0.0, calls)], services=None)
        running = asyncio.create_task(runtime.run(handle_signals=False))
        await all_ended(history, instances)
        runtime.request_stop()
        await running

    assert len(calls) == 20
    assert engine.fetches <= 4, f"{engine.fetches} fetches for 20 tasks"


async def test_a_slow_handler_keeps_its_lock_and_no_second_worker_gets_the_task(
    api: EngineClient, history: History, engine_settings: EngineSettings, topic: tuple[str, str]
) -> None:
    process, name = topic
    slow_calls: list[str] = []
    other_calls: list[str] = []
    # lock 1 s, the handler works 3.5 s: without extension the task would be fetched again by the other worker
    settings = settings_for(engine_settings, http_timeout_s=0.5, lock_duration_ms=1_000)
    async with EngineClient(settings.engine_rest_url, settings.engine_user,
                            settings.engine_password.get_secret_value()) as engine:
        slow = ExternalTaskRuntime(settings, engine, [slow_handler(name, 3.5, slow_calls)], services=None)
        other = ExternalTaskRuntime(settings_for(engine_settings), engine, [slow_handler(name, 0.0, other_calls)],
                                    services=None)
        assert slow.worker_id != other.worker_id
        slow_running = asyncio.create_task(slow.run(handle_signals=False))
        [instance] = await start_instances(api, process, 1)
        await history.wait_for(lambda: asyncio.sleep(0, result=slow_calls or None), "the slow worker to take it")
        other_running = asyncio.create_task(other.run(handle_signals=False))
        await all_ended(history, [instance])
        for runtime in (slow, other):
            runtime.request_stop()
        await asyncio.gather(slow_running, other_running)

    assert len(slow_calls) == 1
    assert other_calls == []
    assert (await history.variables(instance))["handledBy"] == name


async def test_a_stop_request_lets_the_running_task_finish(
    api: EngineClient, history: History, engine_settings: EngineSettings, topic: tuple[str, str]
) -> None:
    process, name = topic
    calls: list[str] = []
    settings = settings_for(engine_settings)
    async with EngineClient(settings.engine_rest_url, settings.engine_user,
                            settings.engine_password.get_secret_value()) as engine:
        runtime = ExternalTaskRuntime(settings, engine, [slow_handler(name, 1.5, calls)], services=None)
        running = asyncio.create_task(runtime.run(handle_signals=False))
        [instance] = await start_instances(api, process, 1)
        await history.wait_for(lambda: asyncio.sleep(0, result=calls or None), "the handler to start")
        runtime.request_stop()
        await asyncio.wait_for(running, timeout=30)

    assert await history.ended(instance) == "completed", "completed before the runtime stopped"
