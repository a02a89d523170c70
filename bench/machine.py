"""What a figure was measured on: the machine, its load, and a process's CPU time and memory from /proc."""

import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Machine:
    cores: int
    model: str
    memory_gib: float

    def describe(self) -> str:
        return f"{self.cores} cores, {self.model}, {self.memory_gib:.0f} GiB"


def this_machine() -> Machine:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    return Machine(os.cpu_count() or 1, model, memory_kib / 1024 / 1024)


def load_average() -> float:
    """The one-minute load average (runnable processes); above the core count, figures are shared."""
    return os.getloadavg()[0]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces: split after it
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_mib(pid: int, field: str = "VmRSS") -> float:
    """Resident memory now (VmRSS) or at its peak (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine_busy_seconds() -> float:
    """CPU time every process on the machine spent so far (the first line of /proc/stat, idle and iowait left
    out): what else ran beside the benchmark shows as the difference to our processes' own CPU."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass(frozen=True)
class CpuUse:
    elapsed_s: float
    seconds: dict[str, float]  # per named process, and "machine": every process on it

    def cores(self, name: str) -> float:
        return self.seconds[name] / self.elapsed_s

    def others_cores(self, ours: float = 0.0) -> float:
        """Cores busy with anything but the named processes (and `ours`, CPU seconds measured elsewhere)."""
        named = sum(v for k, v in self.seconds.items() if k != "machine")
        return max(0.0, self.seconds["machine"] - named - ours) / self.elapsed_s


Pids = int | tuple[int, ...]  # one process, or several counted as one (the nodes of an engine cluster)


def cpu_seconds_of(pids: Pids) -> float:
    return sum(cpu_seconds(pid) for pid in ((pids,) if isinstance(pids, int) else pids))


def memory_mib_of(pids: Pids, field: str = "VmRSS") -> float:
    return sum(memory_mib(pid, field) for pid in ((pids,) if isinstance(pids, int) else pids))


class CpuMeter:
    """CPU of named processes (and of the benchmark itself, "bench") over a stretch of time, beside the whole
    machine's ("machine")."""

    def __init__(self, pids: dict[str, Pids]) -> None:
        self.pids = pids
        self._began = self._sample()

    def _sample(self) -> tuple[float, dict[str, float]]:
        return time.monotonic(), {"machine": machine_busy_seconds(), "bench": time.process_time()} | {
            name: cpu_seconds_of(pids) for name, pids in self.pids.items()}

    def restart(self) -> None:
        self._began = self._sample()

    def used(self) -> CpuUse:
        began, before = self._began
        ended, after = self._sample()
        return CpuUse(max(ended - began, 1e-6), {name: after[name] - before[name] for name in before})
