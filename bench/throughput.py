"""Worker throughput: N instances of the one-task process, drained by our Python runtime and by Camunda's Java
external-task client, one after the other on the same engine in the same run (alternating order by round).

Timed from `go` (all peers start fetching) to the last completion the engine accepted; engine CPU over the same
stretch from /proc/<pid>/stat, resident memory after each drain.
"""

import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import java_peer
from bench.engines import RunningEngine
from bench.figures import Figure, Report
from bench.java_peer import JavaClientSettings
from bench.machine import CpuMeter, Pids, memory_mib_of
from bench.model import PROCESS_KEY, TOPIC
from bench.pacing import as_fast_as
from bench.peers import Peer
from bench.polling import wait_until
from bench.python_peer import PythonRuntimeSettings
from engine.java import find_java
from engine.settings import PROJECT_ROOT
from engine_client import EngineClient

PYTHON, JAVA = "python runtime", "java client 7.24"


@dataclass(frozen=True)
class ThroughputPlan:
    tasks: int = 2000
    rounds: int = 3
    warmup_tasks: int = 300
    # a short long poll for both: once the queue is empty each stop waits for the poll to end, nothing else
    python: PythonRuntimeSettings = field(default_factory=lambda: PythonRuntimeSettings(long_poll_ms=1000))
    java: JavaClientSettings = field(default_factory=lambda: JavaClientSettings(long_poll_ms=1000))
    start_in_flight: int = 16
    # a drain during which other programs used more CPU than this is measured again (at most `attempts` times)
    quiet_cores: float | None = None
    attempts: int = 3


@dataclass(frozen=True)
class Drain:
    client: str
    tasks: int
    completed: int
    failed: int
    seconds: float
    engine_cpu_s: float
    peer_cpu_s: float
    others_cores: float  # whatever else ran on the machine meanwhile
    fetches: int | None
    fetch_ms: float | None = None  # mean wait for one fetch-and-lock answer, where the peer measures it
    complete_ms: float | None = None  # mean wait for one complete answer

    @property
    def engine_cores(self) -> float:
        return self.engine_cpu_s / self.seconds

    @property
    def tasks_per_s(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0


@dataclass
class ThroughputResult:
    drains: list[Drain] = field(default_factory=list)
    starts_per_s: list[float] = field(default_factory=list)
    engine_rss_mib: float = 0.0
    engine_peak_rss_mib: float = 0.0

    def of(self, client: str) -> list[Drain]:
        return [d for d in self.drains if d.client == client]

    def median_rate(self, client: str) -> float:
        return statistics.median(d.tasks_per_s for d in self.of(client))

    def engine_ms_per_task(self, client: str) -> float:
        drains = self.of(client)
        return sum(d.engine_cpu_s for d in drains) / sum(d.tasks for d in drains) * 1000

    def client_ms_per_task(self, client: str) -> float:
        drains = self.of(client)
        return sum(d.peer_cpu_s for d in drains) / sum(d.tasks for d in drains) * 1000

    def tasks_per_fetch(self, client: str) -> float | None:
        drains = self.of(client)
        fetches = [d.fetches for d in drains]
        if not all(fetches):
            return None
        return sum(d.completed for d in drains) / sum(f or 0 for f in fetches)


async def start_instances(admin: EngineClient, count: int, in_flight: int) -> float:
    """Starts per second over REST (as the administrator)."""
    async def start(i: int) -> None:
        await admin.start(PROCESS_KEY, {}, business_key=f"bench-{i}")

    paced = await as_fast_as(count, start, in_flight)
    if paced.errors:
        raise RuntimeError(f"{len(paced.errors)} of {count} starts failed, first: {paced.errors[0]!r}")
    return paced.rate


async def no_open_tasks(admin: EngineClient) -> bool:
    answer = await admin.request("GET", "/external-task/count", params={"topicName": TOPIC})
    return int(answer["count"]) == 0


async def drain(engine_pids: Pids, client: str, peers: list[Peer], tasks: int, timeout_s: float) -> Drain:
    """All peers go; ask them (not the engine, whose CPU is measured) until they completed `tasks`; stop them."""
    meter = CpuMeter({"engine": engine_pids})
    began = time.time()
    await asyncio.gather(*(peer.go() for peer in peers))
    async def all_completed() -> bool:
        return sum([await peer.completed() for peer in peers]) >= tasks

    await wait_until(all_completed, timeout_s, interval_s=0.05)
    use = meter.used()
    results = [await peer.stop() for peer in peers]
    ended = max(r.last_completed_at for r in results)
    peers_cpu = sum(r.cpu_seconds for r in results)
    completed = sum(r.completed for r in results)
    fetches = None if any(r.fetches is None for r in results) else sum(r.fetches or 0 for r in results)
    fetch_s = [r.fetch_seconds for r in results if r.fetch_seconds is not None]
    complete_s = [r.complete_seconds for r in results if r.complete_seconds is not None]
    return Drain(client, tasks, completed, sum(r.failed for r in results), max(ended - began, 1e-3),
                 use.seconds["engine"], peers_cpu, use.others_cores(peers_cpu), fetches,
                 sum(fetch_s) / fetches * 1000 if fetches and fetch_s else None,
                 sum(complete_s) / completed * 1000 if completed and complete_s else None)


def python_peers(engine: RunningEngine, settings: PythonRuntimeSettings, folder: Path) -> list[Peer]:
    """`settings.processes` peers at each node of the engine."""
    env = java_peer.environment(engine.settings) | settings.environment()
    return [Peer(f"python-{n}-{i}", [sys.executable, "-m", "bench.python_peer", "--url", url, *settings.arguments()],
                 env, folder / f"python-peer-{n}-{i}.log", cwd=PROJECT_ROOT)
            for n, url in enumerate(engine.rest_urls, 1) for i in range(settings.processes)]


def java_peers(engine: RunningEngine, settings: JavaClientSettings, folder: Path) -> list[Peer]:
    """One Java client at each node of the engine."""
    java = find_java()
    built = java_peer.ensure_built(java)
    return [Peer(f"java-{n}", java_peer.command(java, built, url, TOPIC, settings),
                 java_peer.environment(engine.settings), folder / f"java-peer-{n}.log", cwd=PROJECT_ROOT)
            for n, url in enumerate(engine.rest_urls, 1)]


async def run(engine: RunningEngine, plan: ThroughputPlan, folder: Path, report: Report | None = None
              ) -> ThroughputResult:
    result = ThroughputResult()
    engine_pids = engine.pids
    peers = {PYTHON: python_peers(engine, plan.python, folder), JAVA: java_peers(engine, plan.java, folder)}
    for group in peers.values():
        for peer in group:
            await peer.start()
    try:
        async with engine.admin() as admin:
            timeout_s = 60 + plan.tasks / 20
            if plan.warmup_tasks:
                for client, group in peers.items():
                    await start_instances(admin, plan.warmup_tasks, plan.start_in_flight)
                    await drain(engine_pids, client, group, plan.warmup_tasks, timeout_s)
            for round_number in range(plan.rounds):
                order = [PYTHON, JAVA] if round_number % 2 == 0 else [JAVA, PYTHON]
                for client in order:
                    for attempt in range(1, plan.attempts + 1):
                        result.starts_per_s.append(await start_instances(admin, plan.tasks, plan.start_in_flight))
                        done = await drain(engine_pids, client, peers[client], plan.tasks, timeout_s)
                        if plan.quiet_cores is None or done.others_cores <= plan.quiet_cores:
                            break
                        print(f"    round {round_number + 1}: {client}: other programs used {done.others_cores:.2f} "
                              f"cores{', measured again' if attempt < plan.attempts else ''}", flush=True)
                    result.drains.append(done)
                    waits = (f"; waits: fetch {done.fetch_ms:.0f} ms, complete {done.complete_ms:.0f} ms"
                             if done.fetch_ms is not None and done.complete_ms is not None else "")
                    print(f"    round {round_number + 1}: {client:<18} {done.tasks_per_s:7.0f} tasks/s "
                          f"({done.completed}/{done.tasks} in {done.seconds:.2f} s; engine {done.engine_cores:.2f} "
                          f"cores, others {done.others_cores:.2f}{waits})", flush=True)
    finally:
        for group in peers.values():
            for peer in group:
                await peer.close()
    result.engine_rss_mib = memory_mib_of(engine_pids)
    result.engine_peak_rss_mib = memory_mib_of(engine_pids, "VmHWM")
    if report is not None:
        add_figures(report, engine.mode, plan, result)
    return result


def add_figures(report: Report, mode: str, plan: ThroughputPlan, result: ThroughputResult) -> None:
    def figure(name: str, value: float | None, unit: str, detail: str = "") -> None:
        report.add(Figure("throughput", name, value, unit, detail, engine_mode=mode))

    shape = f"{plan.tasks} instances, median of {plan.rounds}"
    for client, settings in ((PYTHON, plan.python.describe()), (JAVA, plan.java.describe())):
        drains = result.of(client)
        rates = ", ".join(f"{d.tasks_per_s:.0f}" for d in drains)
        figure(f"{client}: tasks/s", result.median_rate(client), "tasks/s", f"{shape} ({rates}); {settings}")
        missing = sum(d.tasks - d.completed for d in drains)
        figure(f"{client}: tasks not completed", missing, "count", "must be 0")
        others = max(d.others_cores for d in drains)
        figure(f"{client}: engine CPU", statistics.median(d.engine_cores for d in drains), "cores",
               f"while this client drained; other processes on the machine used up to {others:.2f} cores")
        figure(f"{client}: engine CPU per task", statistics.median(d.engine_cpu_s / d.tasks * 1000 for d in drains),
               "ms", "")
        figure(f"{client}: client CPU per task", statistics.median(d.peer_cpu_s / d.tasks * 1000 for d in drains),
               "ms", "the peer process's own CPU")
        if all(d.fetches for d in drains):
            waits = [(d.fetch_ms, d.complete_ms) for d in drains if d.fetch_ms is not None and d.complete_ms]
            detail = (f"mean wait for a fetch {statistics.median(f for f, _ in waits):.0f} ms, for a complete "
                      f"{statistics.median(c or 0 for _, c in waits):.0f} ms" if waits else "")
            figure(f"{client}: tasks per fetch", statistics.median(d.completed / (d.fetches or 1) for d in drains),
                   "count", detail)
    figure("python / java", result.median_rate(PYTHON) / result.median_rate(JAVA), "ratio", "aim >= 0.9")
    figure("engine resident memory", result.engine_rss_mib, "MiB",
           f"after the drains; peak {result.engine_peak_rss_mib:.0f} MiB")
    figure("instance starts over REST", statistics.median(result.starts_per_s), "starts/s",
           f"{plan.start_in_flight} in flight, as the administrator")
