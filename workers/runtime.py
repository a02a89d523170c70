"""The external-task runtime: long-polling fetch-and-lock over REST, bounded concurrency, lock extension,
and the three outcomes of a task (complete, BPMN error, failure with retries and backoff).

The traps of STYLE.md, each set on purpose: several tasks per fetch; one HTTP client for the process; every
handler exception reported (never a silent re-lock); a worker id unique per process; a lock longer than
the handler's own HTTP timeouts, extended while the handler still works; structured values as JSON text.
"""

import asyncio
import contextlib
import os
import signal
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
import structlog
from pydantic import ValidationError

from engine_client import EngineClient, EngineError, from_engine
from workers.errors import BpmnError, InvalidJobData
from workers.health import HealthState, serve
from workers.metrics import (
    BPMN_ERRORS,
    ENGINE_UP,
    HANDLER_SECONDS,
    LOCK_EXTENSIONS,
    TASKS_COMPLETED,
    TASKS_FAILED,
    TASKS_FETCHED,
)
from workers.registry import TaskContext, TaskHandler
from workers.settings import WorkerSettings

log = structlog.get_logger(__name__)
Json = dict[str, Any]


def unique_worker_id(name: str) -> str:
    """Replicas must never share an id: the engine lets a worker unlock or complete only its own tasks."""
    return f"{name}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def backoff_ms(attempt: int, base_ms: int, max_ms: int) -> int:
    return int(min(max_ms, base_ms * 2 ** max(0, attempt - 1)))


def parse_input(handler: TaskHandler[Any, Any], variables: Json) -> Any:
    try:
        return handler.input_model.model_validate(from_engine(variables))
    except (ValidationError, ValueError) as error:
        if isinstance(error, ValidationError):
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        else:
            problems = str(error)
        raise InvalidJobData(f"invalid process variables: {problems}") from error


class ExternalTaskRuntime:
    def __init__(self, settings: WorkerSettings, engine: EngineClient, handlers: Sequence[TaskHandler[Any, Any]],
                 services: Any) -> None:
        self.settings = settings
        self.engine = engine
        self.handlers = {handler.topic: handler for handler in handlers}
        self.services = services
        self.worker_id = unique_worker_id(settings.name)
        self.health = HealthState()
        self._stop = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()

    def topics(self) -> list[Json]:
        return [{"topicName": topic, "lockDuration": self.settings.lock_ms(topic),
                 "variables": handler.input_model.variable_names(), "includeExtensionProperties": True}
                for topic, handler in self.handlers.items()]

    def request_stop(self) -> None:
        self.health.stopping = True
        self._stop.set()

    async def run(self, handle_signals: bool = True) -> None:
        """Fetch and work until asked to stop (SIGTERM, Ctrl-C); then let running tasks finish."""
        server = serve(self.health, self.settings.metrics_host, self.settings.metrics_port)
        if handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, self.request_stop)
        log.info("workers.started", worker_id=self.worker_id, topics=sorted(self.handlers),
                 engine=self.engine.rest_url, max_concurrent=self.settings.max_concurrent_tasks)
        try:
            await self._poll()
            if self._running:
                await asyncio.wait(self._running, timeout=max(self.settings.lock_ms(t) for t in self.handlers) / 1000)
        finally:
            server.shutdown()
            log.info("workers.stopped", worker_id=self.worker_id)

    async def _poll(self) -> None:
        failures = 0
        while not self._stop.is_set():
            free = self.settings.max_concurrent_tasks - len(self._running)
            if free <= 0:
                await asyncio.wait(self._running, return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                tasks = await self._fetch(min(free, self.settings.max_tasks_per_fetch))
            except (httpx.HTTPError, EngineError) as error:
                failures += 1
                self._engine_reachable(False)
                delay = backoff_ms(failures, self.settings.poll_retry_base_ms, self.settings.poll_retry_max_ms)
                log.warning("workers.fetch_failed", error=f"{type(error).__name__}: {error}", retry_in_ms=delay)
                await self._sleep(delay / 1000)
                continue
            failures = 0
            self._engine_reachable(True)
            for task in tasks:
                running = asyncio.create_task(self._execute(task), name=f"task-{task['id']}")
                self._running.add(running)
                running.add_done_callback(self._running.discard)

    async def _fetch(self, max_tasks: int) -> list[Json]:
        """Long poll; a stop request ends the wait without losing tasks already locked for us."""
        fetch = asyncio.ensure_future(self.engine.fetch_and_lock(
            self.worker_id, self.topics(), max_tasks, self.settings.long_poll_ms))
        stop = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({fetch, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if not fetch.done():
            # let the engine answer: it either hands us tasks (we work them) or nothing within the poll
            return await fetch
        return fetch.result()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    def _engine_reachable(self, reachable: bool) -> None:
        self.health.engine_reachable = reachable
        self.health.last_check = time.monotonic()
        if reachable:
            self.health.unreachable_since = None
        else:
            self.health.unreachable_since = self.health.unreachable_since or time.monotonic()
        ENGINE_UP.set(1 if reachable else 0)

    async def _execute(self, task: Json) -> None:
        topic = str(task["topicName"])
        handler = self.handlers[topic]
        context = TaskContext(
            task_id=task["id"], topic=topic, process_instance_id=task["processInstanceId"],
            activity_id=task["activityId"], activity_instance_id=task["activityInstanceId"],
            business_key=task.get("businessKey"), retries=task.get("retries"))
        structlog.contextvars.bind_contextvars(
            task_id=context.task_id, process_instance_id=context.process_instance_id,
            activity_id=context.activity_id, topic=topic, retries=context.retries)
        TASKS_FETCHED.labels(topic).inc()
        started = time.perf_counter()
        keep_locked = asyncio.create_task(self._extend_lock(context))
        try:
            output = await handler.function(parse_input(handler, task.get("variables") or {}), context,
                                            self.services)
            keep_locked.cancel()
            variables = output.to_variables()
            await self._report("complete", lambda: self.engine.complete(context.task_id, self.worker_id, variables))
            TASKS_COMPLETED.labels(topic).inc()
            log.info("task.completed", seconds=round(time.perf_counter() - started, 3))
        except BpmnError as error:
            keep_locked.cancel()
            if error.code in handler.errors:
                BPMN_ERRORS.labels(topic, error.code).inc()
                log.info("task.bpmn_error", code=error.code, reason=error.message)
                code, message, variables = error.code, error.message, error.variables
                await self._report("bpmn_error", lambda: self.engine.bpmn_error(
                    context.task_id, self.worker_id, code, message, variables))
            else:
                await self._fail_now(context, f"undeclared BPMN error code {error.code} (a bug in the handler: "
                                              f"declare it and catch it in the model)")
        except InvalidJobData as error:
            keep_locked.cancel()
            await self._fail_now(context, f"{error} (will not be retried; fix the variables, then retry)")
        except Exception as error:  # any other fault may pass: retried with backoff until retries run out
            keep_locked.cancel()
            await self._fail_later(context, task, error)
        finally:
            HANDLER_SECONDS.labels(topic).observe(time.perf_counter() - started)
            structlog.contextvars.clear_contextvars()

    async def _fail_now(self, context: TaskContext, message: str) -> None:
        TASKS_FAILED.labels(context.topic, "invalid").inc()
        log.error("task.invalid", reason=message)
        await self._report("failure", lambda: self.engine.failure(
            context.task_id, self.worker_id, f"{context.topic}: {message}", message, retries=0, retry_timeout_ms=0))

    async def _fail_later(self, context: TaskContext, task: Json, error: Exception) -> None:
        TASKS_FAILED.labels(context.topic, "transient").inc()
        allowed = int((task.get("extensionProperties") or {}).get("retries", self.settings.default_retries))
        left = (context.retries if context.retries is not None else allowed) - 1
        delay = backoff_ms(allowed - left, self.settings.backoff_base_ms, self.settings.backoff_max_ms)
        message = f"{context.topic}: {type(error).__name__}: {error}"
        log.warning("task.failed", reason=message, retries_left=max(left, 0), backoff_ms=delay)
        await self._report("failure", lambda: self.engine.failure(
            context.task_id, self.worker_id, message, message, retries=max(left, 0), retry_timeout_ms=delay))

    async def _extend_lock(self, context: TaskContext) -> None:
        """Long work keeps its lock: extend at half the lock duration until the handler returns."""
        lock_ms = self.settings.lock_ms(context.topic)
        while True:
            await asyncio.sleep(lock_ms / 2000)
            try:
                await self.engine.extend_lock(context.task_id, self.worker_id, lock_ms)
                LOCK_EXTENSIONS.labels(context.topic).inc()
            except (httpx.HTTPError, EngineError) as error:
                log.warning("task.extend_lock_failed", error=f"{type(error).__name__}: {error}")

    async def _report(self, outcome: str, call: Callable[[], Awaitable[None]]) -> None:
        """Tell the engine. A transport fault or a 5xx (e.g. an optimistic-locking conflict with a parallel
        branch: the engine rolled back) is tried again; a refusal (the lock was lost, the task is gone) is
        logged, since another worker owns the task now. The side effects behind it are idempotent."""
        attempt = 0
        while True:
            try:
                await call()
                return
            except (httpx.HTTPError, EngineError) as error:
                refused = isinstance(error, EngineError) and error.status < 500
                attempt += 1
                if refused or attempt >= self.settings.report_attempts:
                    log.error("task.report_failed", outcome=outcome, error=f"{type(error).__name__}: {error}"[:400],
                              note="the lock expires and the task is fetched again")
                    return
                await asyncio.sleep(backoff_ms(attempt, 100, 2_000) / 1000)
