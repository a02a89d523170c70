"""How much each suite does: the full benchmark, and the quick one (under two minutes, for CI and reviewers)."""

from dataclasses import dataclass

from bench.end_to_end import EndToEndPlan
from bench.latency import LatencyPlan
from bench.throughput import ThroughputPlan


@dataclass(frozen=True)
class Plans:
    throughput: ThroughputPlan
    latency: LatencyPlan
    end_to_end: EndToEndPlan


FULL = Plans(ThroughputPlan(tasks=2000, rounds=3, warmup_tasks=500),
             LatencyPlan(rates=(50.0, 200.0), seconds=20.0),
             EndToEndPlan(rates=(5.0, 10.0, 20.0, 40.0), seconds=30.0))
QUICK = Plans(ThroughputPlan(tasks=200, rounds=1, warmup_tasks=100),
              LatencyPlan(rates=(50.0, 200.0), seconds=3.0),
              EndToEndPlan(rates=(5.0, 10.0), seconds=6.0, settle_s=20.0))
