"""python -m bench.tune [--quick] [--group runtime|engine] [--only "NAME;NAME"] [--python NAME] [--e2e-rate 15]

The tuning experiments, each against a yardstick measured in the same minutes. Nothing here changes the product:
a runtime variant is our runtime with other settings (or, marked "proposed", a change measured in
bench/python_peer.py's ProposedRuntime before anyone makes it); an engine variant is the shipped engine started
with other JVM options or Spring properties, or (marked "proposed") a copy of engine/app with a change
(bench/patched_engine.py).

- runtime: one engine as shipped; each variant drained alternately with the Java client, whose rate in the same
  minutes is the yardstick (load from other programs and the growing history cancel out of the ratio);
- engine: a fresh engine per variant: both clients' throughput, engine CPU per task and memory, latency at
  50 starts/s, and one end-to-end step through intake (engine CPU per request).
Drains during which other programs used more than 0.15 cores are measured again (up to 3 times).
"""

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from bench import end_to_end, latency, model, stack, throughput
from bench.end_to_end import EndToEndPlan
from bench.engines import H2SingleNode, RunningEngine, Variant
from bench.figures import Figure, Report
from bench.latency import LatencyPlan
from bench.machine import load_average, this_machine
from bench.patched_engine import auth_cache_jar
from bench.ports import free_port
from bench.python_peer import SNIFFIO_DIR, PythonRuntimeSettings
from bench.throughput import JAVA, PYTHON, ThroughputPlan

SHIPPED = PythonRuntimeSettings(long_poll_ms=1000)  # the shipped settings; the bench's short long poll (see throughput)
RUNTIME_VARIANTS: dict[str, PythonRuntimeSettings] = {
    "as shipped (64/64)": SHIPPED,
    "32 concurrent, 32 per fetch (before)": replace(SHIPPED, max_concurrent_tasks=32, max_tasks_per_fetch=32),
    "log level WARNING": replace(SHIPPED, log_level="WARNING"),
    "2 processes": replace(SHIPPED, processes=2),
    "8 concurrent, 8 per fetch": replace(SHIPPED, max_concurrent_tasks=8, max_tasks_per_fetch=8),
    "16 concurrent, 16 per fetch": replace(SHIPPED, max_concurrent_tasks=16, max_tasks_per_fetch=16),
    "64/64, 16 connections": replace(SHIPPED, max_concurrent_tasks=64, max_tasks_per_fetch=64, connections=16),
    "64/64, sniffio": replace(SHIPPED, max_concurrent_tasks=64, max_tasks_per_fetch=64, sniffio=True),
    "64/64, 16 connections, sniffio": replace(SHIPPED, max_concurrent_tasks=64, max_tasks_per_fetch=64,
                                              connections=16, sniffio=True),
    "64/64, 2 fetch loops (proposed)": replace(SHIPPED, max_concurrent_tasks=64, max_tasks_per_fetch=64, pollers=2),
    "2 processes x 64/64, sniffio": replace(SHIPPED, processes=2, max_concurrent_tasks=64, max_tasks_per_fetch=64,
                                            sniffio=True),
    "128/64, 2 fetch loops, fetch at 48 free, sniffio (proposed)": replace(
        SHIPPED, max_concurrent_tasks=128, max_tasks_per_fetch=64, pollers=2, refill_at=48, sniffio=True),
    "128/64, fetch at 64 free, 16 connections, sniffio (proposed)": replace(
        SHIPPED, max_concurrent_tasks=128, max_tasks_per_fetch=64, refill_at=64, connections=16, sniffio=True),
}
ENGINE_VARIANTS: dict[str, Variant] = {
    "as shipped": Variant(),
    "C1 JIT only (TieredStopAtLevel=1, before)": Variant("C1 JIT only", jvm_options=("-XX:TieredStopAtLevel=1",)),
    "heap 768m": Variant("heap 768m", heap="768m"),
    "history level audit": Variant("history audit", environment={"OPERATON_BPM_HISTORYLEVEL": "audit"}),
    "pool 20": Variant("pool 20", environment={"ENGINE_DATASOURCE_POOL": "20"}),
    "pool 4": Variant("pool 4", environment={"ENGINE_DATASOURCE_POOL": "4"}),
    "job executor off": Variant("job executor off", environment={"OPERATON_BPM_JOBEXECUTION_ENABLED": "false"}),
    "authentication cache (proposed)": Variant("authentication cache", application=auth_cache_jar),
    "C2 JIT + authentication cache (proposed)": Variant("C2 JIT + authentication cache", application=auth_cache_jar,
                                                        jvm_options=("-XX:TieredStopAtLevel=4",)),
    "C2 JIT + history audit + authentication cache (proposed)": Variant(
        "C2 JIT + history audit + authentication cache", application=auth_cache_jar,
        jvm_options=("-XX:TieredStopAtLevel=4",), environment={"OPERATON_BPM_HISTORYLEVEL": "audit"}),
    "C2 JIT + ParallelGC": Variant("C2 JIT + ParallelGC",
                                   jvm_options=("-XX:TieredStopAtLevel=4", "-XX:+UseParallelGC")),
}


@dataclass(frozen=True)
class TuningPlan:
    tasks: int = 2000
    rounds: int = 2
    warmup_tasks: int = 500
    latency_seconds: float = 10.0
    e2e_rate: float = 15.0  # requests/s through intake, one step per engine variant (0: none)
    e2e_seconds: float = 30.0
    quiet_cores: float | None = 0.15  # drains disturbed by other programs are measured again
    python: PythonRuntimeSettings = SHIPPED  # our runtime in the engine experiments


async def engine_up(folder: Path, variant: Variant) -> tuple[H2SingleNode, RunningEngine]:
    mode = H2SingleNode(folder / "engine", free_port(), variant)
    engine = await mode.start()
    async with engine.admin() as admin:
        await model.deploy(admin)
    return mode, engine


def figure(report: Report, engine: RunningEngine, name: str, value: float | None, unit: str, detail: str = "") -> None:
    report.add(Figure("tuning", name, value, unit, detail, engine_mode=engine.mode))


def ensure_sniffio() -> None:
    """The one package the `sniffio` experiments add, in a folder of their own (the project's venv stays as is)."""
    if not (SNIFFIO_DIR / "sniffio").is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(SNIFFIO_DIR),
                        "sniffio==1.3.1"], check=True)


async def runtime_experiments(plan: TuningPlan, names: list[str], folder: Path, report: Report) -> None:
    if any(RUNTIME_VARIANTS[name].sniffio for name in names):
        ensure_sniffio()
    mode, engine = await engine_up(folder / "runtime", Variant())
    try:
        for index, name in enumerate(names):
            settings = RUNTIME_VARIANTS[name]
            shape = ThroughputPlan(tasks=plan.tasks, rounds=plan.rounds, quiet_cores=plan.quiet_cores,
                                   warmup_tasks=plan.warmup_tasks if index == 0 else 0, python=settings)
            print(f"  runtime: {name}", flush=True)
            result = await throughput.run(engine, shape, folder / f"runtime-{index}")
            python, java = result.median_rate(PYTHON), result.median_rate(JAVA)
            detail = (f"java {java:.0f} tasks/s in the same minutes; engine {result.engine_ms_per_task(PYTHON):.1f} "
                      f"ms CPU/task, client {result.client_ms_per_task(PYTHON):.1f}; "
                      f"{result.tasks_per_fetch(PYTHON) or 0:.1f} tasks/fetch; {settings.describe()}")
            figure(report, engine, f"runtime {name}: python tasks/s", python, "tasks/s", detail)
            figure(report, engine, f"runtime {name}: python / java", python / java, "ratio")
    finally:
        mode.stop()


async def end_to_end_step(engine: RunningEngine, plan: TuningPlan, folder: Path) -> end_to_end.Step:
    running = stack.start(engine, folder)
    try:
        steps = await end_to_end.run(engine, running, EndToEndPlan(rates=(plan.e2e_rate,), seconds=plan.e2e_seconds))
    finally:
        running.stop()
    return steps[0]


async def engine_experiments(plan: TuningPlan, names: list[str], folder: Path, report: Report) -> None:
    for index, name in enumerate(names):
        print(f"  engine: {name}", flush=True)
        mode, engine = await engine_up(folder / f"engine-{index}", ENGINE_VARIANTS[name])
        try:
            shape = ThroughputPlan(tasks=plan.tasks, rounds=plan.rounds, warmup_tasks=plan.warmup_tasks,
                                   quiet_cores=plan.quiet_cores, python=plan.python)
            result = await throughput.run(engine, shape, folder / f"engine-{index}")
            steps = await latency.run(engine, LatencyPlan(rates=(50.0,), seconds=plan.latency_seconds),
                                      folder / f"engine-{index}")
            e2e = await end_to_end_step(engine, plan, folder / f"engine-{index}" / "stack") if plan.e2e_rate else None
        finally:
            mode.stop()
        python, java = result.median_rate(PYTHON), result.median_rate(JAVA)
        cpu = {c: result.engine_ms_per_task(c) for c in (PYTHON, JAVA)}
        figure(report, engine, f"engine {name}: python tasks/s", python, "tasks/s",
               f"engine {cpu[PYTHON]:.1f} ms CPU/task; python/java {python / java:.2f}; {plan.python.describe()}")
        figure(report, engine, f"engine {name}: java tasks/s", java, "tasks/s", f"engine {cpu[JAVA]:.1f} ms CPU/task")
        figure(report, engine, f"engine {name}: p95 at 50 starts/s", steps[0].percentile(95), "ms",
               f"p50 {steps[0].percentile(50):.0f} ms, p99 {steps[0].percentile(99):.0f} ms")
        figure(report, engine, f"engine {name}: resident memory", result.engine_rss_mib, "MiB",
               f"peak {result.engine_peak_rss_mib:.0f} MiB")
        if e2e is not None:
            per_request = e2e.cores["engine"] / max(e2e.achieved_rate, 1e-6) * 1000
            figure(report, engine, f"engine {name}: end to end at {plan.e2e_rate:g}/s, p95", e2e.p(95), "s",
                   f"engine {e2e.cores['engine']:.2f} cores = {per_request:.0f} ms CPU per request; workers "
                   f"{e2e.cores['workers']:.2f}, intake {e2e.cores['intake']:.2f}, sandbox {e2e.cores['sandbox']:.2f}, "
                   f"other programs {e2e.cores['others']:.2f}; {e2e.missing} SMS missing")


async def main_async(args: argparse.Namespace) -> int:
    plan = (TuningPlan(tasks=300, rounds=1, warmup_tasks=100, latency_seconds=3.0, e2e_rate=5.0, e2e_seconds=5.0)
            if args.quick else TuningPlan())
    plan = replace(plan, tasks=args.tasks or plan.tasks, rounds=args.rounds or plan.rounds,
                   e2e_rate=plan.e2e_rate if args.e2e_rate is None else args.e2e_rate,
                   python=RUNTIME_VARIANTS[args.python])
    only = {n.strip() for n in args.only.split(";") if n.strip()} if args.only else None
    runtime_names = [n for n in RUNTIME_VARIANTS if only is None or n in only]
    engine_names = [n for n in ENGINE_VARIANTS if only is None or n in only]
    report = Report(this_machine())
    folder = Path(tempfile.mkdtemp(prefix="tune-", dir=args.out))
    print(f"machine: {report.machine.describe()}, load {load_average():.2f}; working folder {folder}", flush=True)
    try:
        if runtime_names and args.group in ("all", "runtime"):
            await runtime_experiments(plan, runtime_names, folder, report)
        if engine_names and args.group in ("all", "engine"):
            await engine_experiments(plan, engine_names, folder, report)
    finally:
        csv_path = args.out / f"{folder.name}.csv"
        report.write_csv(csv_path)
        print(f"\n{report.table()}\n\nCSV: {csv_path}", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    return 0


def main() -> int:
    from bench.__main__ import RESULTS

    parser = argparse.ArgumentParser(prog="python -m bench.tune", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--group", choices=("all", "runtime", "engine"), default="all")
    parser.add_argument("--only", default="", help="experiment names separated by ';' (default: all)")
    parser.add_argument("--tasks", type=int, default=0, help="instances per drain (default 2000, quick 300)")
    parser.add_argument("--rounds", type=int, default=0, help="drains per client (default 2, quick 1)")
    parser.add_argument("--e2e-rate", type=float, default=None, help="engine variants: requests/s (0: none)")
    parser.add_argument("--python", choices=sorted(RUNTIME_VARIANTS), default="as shipped (64/64)",
                        help="our runtime's settings in the engine experiments")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
