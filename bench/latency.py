"""Latency from a task's creation to its completion, at fixed start rates: instances started over REST at the
rate, our Python runtime (its shipped settings) working the tasks, each task's times read back from history
(the external task activity's start = created, end = completed)."""

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.engines import RunningEngine
from bench.figures import Figure, Report
from bench.java_peer import environment
from bench.machine import CpuMeter, Pids
from bench.model import PROCESS_KEY, TASK_ID
from bench.pacing import at_rate
from bench.peers import Peer
from bench.polling import wait_until
from bench.python_peer import PythonRuntimeSettings
from bench.throughput import no_open_tasks
from engine.settings import PROJECT_ROOT
from engine_client import EngineClient

PAGE = 1000


@dataclass(frozen=True)
class LatencyPlan:
    rates: tuple[float, ...] = (50.0, 200.0)
    seconds: float = 20.0  # at each rate
    runtime: PythonRuntimeSettings = field(default_factory=PythonRuntimeSettings)


@dataclass(frozen=True)
class LatencyStep:
    rate: float
    achieved_rate: float
    tasks: int
    durations_ms: list[int]
    start_errors: int
    engine_cores: float
    others_cores: float

    def percentile(self, p: float) -> float:
        return percentile(self.durations_ms, p)


def percentile(values: list[int], p: float) -> float:
    """Nearest rank: the smallest value with at least p percent of the values at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return float(ordered[int(rank) - 1])


def engine_time(moment: datetime) -> str:
    """The REST API's date format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


async def task_durations(admin: EngineClient, started_after: datetime, started_before: datetime) -> list[int]:
    """durationInMillis of every finished bench task that started in the window (history, paged)."""
    durations: list[int] = []
    params: dict[str, Any] = {"activityId": TASK_ID, "processDefinitionKey": PROCESS_KEY, "finished": "true",
                              "startedAfter": engine_time(started_after),
                              "startedBefore": engine_time(started_before),
                              "sortBy": "startTime", "sortOrder": "asc", "maxResults": PAGE}
    for first in range(0, 1_000_000, PAGE):
        page = await admin.request("GET", "/history/activity-instance", params=params | {"firstResult": first})
        durations += [int(entry["durationInMillis"]) for entry in page]
        if len(page) < PAGE:
            break
    return durations


async def measure_rate(admin: EngineClient, engine_pids: Pids, rate: float, seconds: float) -> LatencyStep:
    count = max(1, round(rate * seconds))
    meter = CpuMeter({"engine": engine_pids})
    window_start = datetime.now(UTC)

    async def start(i: int) -> None:
        await admin.start(PROCESS_KEY, {}, business_key=f"latency-{rate:g}-{i}")

    paced = await at_rate(rate, count, start, max_in_flight=64)
    await wait_until(lambda: no_open_tasks(admin), 60, interval_s=0.2)
    use = meter.used()
    durations = await task_durations(admin, window_start, datetime.now(UTC))
    return LatencyStep(rate, paced.rate, count, durations, len(paced.errors), use.cores("engine"),
                       use.others_cores())


async def run(engine: RunningEngine, plan: LatencyPlan, folder: Path, report: Report | None = None
              ) -> list[LatencyStep]:
    command = [sys.executable, "-m", "bench.python_peer", "--url", engine.rest_urls[0], *plan.runtime.arguments()]
    peer = Peer("python-latency", command, environment(engine.settings), folder / "python-latency.log",
                cwd=PROJECT_ROOT)
    steps = []
    await peer.start()
    try:
        await peer.go()
        async with engine.admin() as admin:
            for rate in plan.rates:
                step = await measure_rate(admin, engine.pids, rate, plan.seconds)
                steps.append(step)
                print(f"    {rate:g} starts/s: p50 {step.percentile(50):.0f} ms, p95 {step.percentile(95):.0f} ms, "
                      f"p99 {step.percentile(99):.0f} ms ({len(step.durations_ms)} tasks)", flush=True)
        await peer.stop()
    finally:
        await peer.close()
    if report is not None:
        add_figures(report, engine.mode, plan, steps)
    return steps


def add_figures(report: Report, mode: str, plan: LatencyPlan, steps: list[LatencyStep]) -> None:
    for step in steps:
        detail = (f"{len(step.durations_ms)} of {step.tasks} tasks in {plan.seconds:g} s, started at "
                  f"{step.achieved_rate:.0f}/s; engine {step.engine_cores:.2f} cores, other processes "
                  f"{step.others_cores:.2f}; {plan.runtime.describe()}")
        for p in (50, 95, 99):
            aim = " (aim <= 20 ms)" if p == 95 and step.rate == 50 else ""
            value = step.percentile(p) if step.durations_ms else None
            report.add(Figure("latency", f"{step.rate:g} starts/s: p{p} created -> completed{aim}", value, "ms",
                              detail if p == 50 else "", engine_mode=mode))
        report.add(Figure("latency", f"{step.rate:g} starts/s: tasks measured", len(step.durations_ms), "count",
                          f"of {step.tasks} started ({step.start_errors} starts failed)", engine_mode=mode))
