"""The benchmark's smallest step (200 tasks through our runtime and through Camunda's Java client) on the
session's engine: it completes and yields every figure. Nothing here is timed; the figures are `python -m bench`'s
business."""

from pathlib import Path

import pytest

from bench import model, throughput
from bench.engines import ExistingEngine
from bench.figures import CSV_COLUMNS, Report
from bench.machine import this_machine
from bench.throughput import JAVA, PYTHON
from engine.settings import EngineSettings

pytestmark = pytest.mark.engine

PER_CLIENT = ("tasks/s", "tasks not completed", "engine CPU", "engine CPU per task", "client CPU per task")
EXPECTED = {f"{client}: {figure}" for client in (PYTHON, JAVA) for figure in PER_CLIENT} | {
    "python / java", "engine resident memory", "instance starts over REST", f"{PYTHON}: tasks per fetch"}


async def test_smallest_step_drains_through_both_clients_and_yields_every_figure(
        engine_settings: EngineSettings, tmp_path: Path) -> None:
    engine = await ExistingEngine(engine_settings).start()
    async with engine.admin() as admin:
        await model.deploy(admin)
    report = Report(this_machine())

    result = await throughput.run(engine, throughput.ThroughputPlan(tasks=200, rounds=1, warmup_tasks=0),
                                  tmp_path, report)

    assert [(d.client, d.completed, d.failed) for d in result.drains] == [(PYTHON, 200, 0), (JAVA, 200, 0)]
    assert {f.name for f in report.figures} == EXPECTED
    assert [f.name for f in report.figures if f.value is None] == []
    assert all(f.engine_mode and f.load >= 0 for f in report.figures)
    report.write_csv(tmp_path / "bench.csv")
    rows = (tmp_path / "bench.csv").read_text().splitlines()
    assert rows[0] == ",".join(CSV_COLUMNS)
    assert len(rows) == 1 + len(EXPECTED)
