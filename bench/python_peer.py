"""The Python peer: our external-task runtime (workers/runtime.py) with one handler that does nothing, as the
workers' account, driven like the Java peer (bench/peers.py). Run by the benchmark as
`python -m bench.python_peer --url ... [--max-concurrent 32 --per-fetch 32 --long-poll-ms 10000]`.

A completion counts once the engine accepted it: the runtime is given an engine client that counts (the
runtime itself is not changed)."""

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import httpx

from bench.model import TOPIC
from engine.settings import PROJECT_ROOT
from engine_client import EngineClient, EngineError
from local_stack import WORKERS_ACCOUNT
from observability.logs import configure_logging
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.runtime import ExternalTaskRuntime, Json, backoff_ms
from workers.settings import WorkerSettings

SNIFFIO_DIR = PROJECT_ROOT / ".cache" / "bench" / "sniffio"


@dataclass(frozen=True)
class PythonRuntimeSettings:
    """The runtime's own settings (WORKERS_* in production) and two the benchmark tries beside them."""

    max_concurrent_tasks: int = WorkerSettings.model_fields["max_concurrent_tasks"].default
    max_tasks_per_fetch: int = WorkerSettings.model_fields["max_tasks_per_fetch"].default
    long_poll_ms: int = 10_000
    log_level: str = "INFO"
    processes: int = 1  # runtimes side by side, each its own process (replicas)
    connections: int | None = None  # httpx connections, all kept alive; None: as engine_client sets them (20 of 50)
    sniffio: bool = False  # httpcore looks for sniffio on every request; not installed, each look is a failed import
    pollers: int = 1  # 1 and refill_at 1: as shipped; else the proposed changes (python_peer.ProposedRuntime)
    refill_at: int = 1

    def describe(self) -> str:
        text = (f"{self.processes} process{'es' if self.processes > 1 else ''} x {self.max_concurrent_tasks} "
                f"concurrent, {self.max_tasks_per_fetch} per fetch, long poll {self.long_poll_ms / 1000:g} s")
        if self.log_level != "INFO":
            text += f", log {self.log_level}"
        if self.connections is not None:
            text += f", {self.connections} connections kept alive"
        if self.sniffio:
            text += ", sniffio installed"
        if self.pollers > 1:
            text += f", {self.pollers} fetch loops (proposed)"
        if self.refill_at > 1:
            text += f", fetch at {self.refill_at} free (proposed)"
        return text

    def environment(self) -> dict[str, str]:
        """For the peer's process: with `sniffio`, the folder bench/tune.py installs it to comes first."""
        if not self.sniffio:
            return {}
        return {"PYTHONPATH": os.pathsep.join(p for p in (str(SNIFFIO_DIR), os.environ.get("PYTHONPATH")) if p)}

    def arguments(self) -> list[str]:
        args = ["--max-concurrent", str(self.max_concurrent_tasks), "--per-fetch", str(self.max_tasks_per_fetch),
                "--long-poll-ms", str(self.long_poll_ms), "--log-level", self.log_level]
        args += ["--connections", str(self.connections)] if self.connections is not None else []
        return [*args, "--pollers", str(self.pollers), "--refill-at", str(self.refill_at)]


class NoVariables(ProcessVariables):
    pass


@handles(TOPIC)
async def do_nothing(_variables: NoVariables, _context: TaskContext, _services: Any) -> NoVariables:
    return NoVariables()


class CountingEngineClient(EngineClient):
    """The engine client the runtime is given, counting completions as the engine accepts them."""

    def __init__(self, rest_url: str, user: str, password: str, connections: int | None) -> None:
        super().__init__(rest_url, user, password)
        if connections is not None:  # a tuning experiment: the same client with other connection limits
            self._http = httpx.AsyncClient(base_url=self.rest_url, auth=(user, password), timeout=15.0,
                                           limits=httpx.Limits(max_connections=connections,
                                                               max_keepalive_connections=connections))
        self.reset()

    def reset(self) -> None:
        self.completed = 0
        self.failed = 0
        self.fetches = 0
        self.fetch_seconds = 0.0  # waiting for fetch-and-lock answers (a long poll that waits counts too)
        self.complete_seconds = 0.0
        self.last_completed_at = 0.0

    async def fetch_and_lock(self, worker_id: str, topics: Sequence[Json], max_tasks: int,
                             long_poll_ms: int) -> list[Json]:
        self.fetches += 1
        began = time.perf_counter()
        try:
            return await super().fetch_and_lock(worker_id, topics, max_tasks, long_poll_ms)
        finally:
            self.fetch_seconds += time.perf_counter() - began

    async def complete(self, task_id: str, worker_id: str, variables: Mapping[str, Any]) -> None:
        began = time.perf_counter()
        await super().complete(task_id, worker_id, variables)
        self.complete_seconds += time.perf_counter() - began
        self.completed += 1
        self.last_completed_at = time.time()

    async def failure(self, task_id: str, worker_id: str, message: str, details: str, retries: int,
                      retry_timeout_ms: int) -> None:
        self.failed += 1
        await super().failure(task_id, worker_id, message, details, retries, retry_timeout_ms)


class ProposedRuntime(ExternalTaskRuntime):
    """Changes to the runtime the benchmark measures before anyone makes them (tuning only):

    - `pollers`: fetch-and-lock loops side by side, sharing the concurrency budget (a fetch reserves its slots).
      As shipped, one loop fetches at a time, so a slow fetch (on H2 its cost grows with the open tasks) stalls
      every slot that frees meanwhile;
    - `refill_at`: fetch only once this many slots are free (or nothing runs). As shipped, a fetch goes out as soon
      as one slot frees, so under load most fetches lock a handful of tasks and the engine pays a query for each.
    """

    def __init__(self, *args: Any, pollers: int, refill_at: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pollers = max(1, pollers)
        self.refill_at = max(1, refill_at)
        self._reserved = 0  # slots promised to fetches in flight
        self._room = asyncio.Event()  # set whenever a task ends or a fetch returns

    async def _poll(self) -> None:
        await asyncio.gather(*(self._poll_one() for _ in range(self.pollers)))

    async def _poll_one(self) -> None:
        failures = 0
        while not self._stop.is_set():
            free = self.settings.max_concurrent_tasks - len(self._running) - self._reserved
            if free < self.refill_at and (self._running or self._reserved):
                self._room.clear()
                await self._room.wait()
                continue
            wanted = min(max(free, 1), self.settings.max_tasks_per_fetch)
            self._reserved += wanted
            try:
                tasks = await self._fetch(wanted)
            except (httpx.HTTPError, EngineError):
                failures += 1
                self._engine_reachable(False)
                await self._sleep(backoff_ms(failures, self.settings.poll_retry_base_ms,
                                             self.settings.poll_retry_max_ms) / 1000)
                continue
            finally:
                self._reserved -= wanted
                self._room.set()
            failures = 0
            self._engine_reachable(True)
            for task in tasks:
                running = asyncio.create_task(self._execute(task), name=f"task-{task['id']}")
                self._running.add(running)
                running.add_done_callback(self._ended)

    def _ended(self, task: "asyncio.Task[None]") -> None:
        self._running.discard(task)
        self._room.set()


async def read_line() -> str:
    line: str = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line.strip()


async def run(args: argparse.Namespace, answer: TextIO) -> None:
    password = os.environ.get("BENCH_ENGINE_PASSWORD", WORKERS_ACCOUNT.password.get_secret_value())
    settings = WorkerSettings(engine_rest_url=args.url, engine_user=WORKERS_ACCOUNT.user, engine_password=password,
                              name="bench-python", max_concurrent_tasks=args.max_concurrent,
                              max_tasks_per_fetch=args.per_fetch, long_poll_ms=args.long_poll_ms,
                              metrics_port=0, log_level=args.log_level)
    async with CountingEngineClient(args.url, WORKERS_ACCOUNT.user, password, args.connections) as engine:
        print("READY", file=answer, flush=True)
        while await read_line() == "go":  # one cycle per go ... stop: a fresh runtime, the same client
            engine.reset()
            proposed = args.pollers > 1 or args.refill_at > 1
            runtime = (ProposedRuntime(settings, engine, [do_nothing], None, pollers=args.pollers,
                                       refill_at=args.refill_at)
                       if proposed else ExternalTaskRuntime(settings, engine, [do_nothing], services=None))
            cpu_before = time.process_time()
            running = asyncio.create_task(runtime.run(handle_signals=False))
            while await read_line() == "count":  # the completions so far; "stop" (or the end of input) ends it
                print(json.dumps({"completed": engine.completed}), file=answer, flush=True)
            runtime.request_stop()
            await asyncio.wait_for(running, timeout=60)
            result = {"completed": engine.completed, "failed": engine.failed, "fetches": engine.fetches,
                      "fetchSeconds": engine.fetch_seconds, "completeSeconds": engine.complete_seconds,
                      "lastCompletedAt": engine.last_completed_at, "cpuSeconds": time.process_time() - cpu_before}
            print(json.dumps(result), file=answer, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--max-concurrent", type=int, default=32)
    parser.add_argument("--per-fetch", type=int, default=32)
    parser.add_argument("--long-poll-ms", type=int, default=10_000)
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--connections", type=int, default=None)
    parser.add_argument("--pollers", type=int, default=1, help="1: as shipped (see ProposedRuntime)")
    parser.add_argument("--refill-at", type=int, default=1, help="1: as shipped (see ProposedRuntime)")
    args = parser.parse_args()
    answer = sys.stdout
    sys.stdout = sys.stderr  # the runtime's log lines go to stderr; stdout carries READY and the result
    configure_logging(args.log_level, "json")
    asyncio.run(run(args, answer))


if __name__ == "__main__":
    main()
