"""Figures: each measured value with what it was measured on (machine, engine mode, load average), printed as a
table and written as CSV."""

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.machine import Machine, load_average

CSV_COLUMNS = ("measured_at", "machine_cores", "machine_model", "engine_mode", "load_avg_1m", "suite", "figure",
               "value", "unit", "detail")


@dataclass(frozen=True)
class Figure:
    suite: str  # throughput | latency | end-to-end | tuning
    name: str
    value: float | None  # None: not measured (the detail says why)
    unit: str
    detail: str = ""
    engine_mode: str = ""
    load: float = field(default_factory=load_average)
    measured_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "count":
            return f"{self.value:,.0f}"
        if self.unit in ("tasks/s", "requests/s", "starts/s", "ms", "MiB", "s", "count"):
            return f"{self.value:,.0f}" if abs(self.value) >= 100 else f"{self.value:,.1f}"
        return f"{self.value:.2f}"


@dataclass
class Report:
    machine: Machine
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(f"  {figure.suite:<11} {figure.name:<44} {figure.shown():>9} {figure.unit:<10} "
              f"load {figure.load:4.2f}  {figure.detail}", flush=True)
        return figure

    def find(self, suite: str, name: str) -> Figure | None:
        return next((f for f in reversed(self.figures) if f.suite == suite and f.name == name), None)

    def table(self) -> str:
        """Markdown, ready for the README."""
        modes = sorted({f.engine_mode for f in self.figures if f.engine_mode})
        lines = [f"Machine: {self.machine.describe()}; engine: {', '.join(modes) or '-'}", "",
                 "| suite | figure | value | unit | load | engine | detail |",
                 "| --- | --- | ---: | --- | ---: | --- | --- |"]
        lines += [f"| {f.suite} | {f.name} | {f.shown()} | {f.unit} | {f.load:.2f} | {f.engine_mode} | {f.detail} |"
                  for f in self.figures]
        return "\n".join(lines)

    def write_csv(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            for f in self.figures:
                writer.writerow([f.measured_at, self.machine.cores, self.machine.model, f.engine_mode,
                                 f"{f.load:.2f}", f.suite, f.name, "" if f.value is None else f"{f.value:.4g}",
                                 f.unit, f.detail])
