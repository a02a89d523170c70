"""A worker peer in a process of its own, driven over stdin/stdout so both clients are timed the same way.

It prints READY once started (JVM or interpreter up, nothing fetched yet). Each `go` starts its clients; `count`
answers {"completed": n} so far; `stop` stops them and it prints one JSON line for that cycle: completed, failed,
lastCompletedAt (epoch seconds), cpuSeconds (its own, from `go`). The end of input ends it. The process stays
between cycles, so a warm-up cycle warms the peer as well as the engine."""

import asyncio
import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PeerResult:
    completed: int
    failed: int
    last_completed_at: float
    cpu_seconds: float
    fetches: int | None  # fetch-and-lock requests, where the peer counts them
    fetch_seconds: float | None = None  # summed time waiting for fetch-and-lock answers
    complete_seconds: float | None = None  # summed time waiting for complete answers


class Peer:
    def __init__(self, name: str, command: list[str], env: dict[str, str], log_path: Path, cwd: Path) -> None:
        self.name = name
        self.cwd = cwd
        self.command = command
        self.env = env
        self.log_path = log_path
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    async def start(self, timeout_s: float = 60.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                *self.command, env=self.env, cwd=self.cwd, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=log)
        line = await self._line(timeout_s)
        if line != "READY":
            raise RuntimeError(f"{self.name} did not start (said {line!r}); see {self.log_path}")

    async def _send(self, word: str) -> None:
        assert self._process is not None
        assert self._process.stdin is not None
        self._process.stdin.write(f"{word}\n".encode())
        await self._process.stdin.drain()

    async def _line(self, timeout_s: float) -> str:
        assert self._process is not None
        assert self._process.stdout is not None
        raw = await asyncio.wait_for(self._process.stdout.readline(), timeout=timeout_s)
        return raw.decode().strip()

    async def go(self) -> None:
        await self._send("go")

    async def completed(self, timeout_s: float = 30.0) -> int:
        """Tasks completed in this cycle so far (the peer counts; the engine is not asked)."""
        await self._send("count")
        return int(json.loads(await self._line(timeout_s))["completed"])

    async def stop(self, timeout_s: float = 60.0) -> PeerResult:
        await self._send("stop")
        try:
            line = await self._line(timeout_s)
            result: dict[str, Any] = json.loads(line)
        except (TimeoutError, ValueError) as error:
            await self.close()
            raise RuntimeError(f"{self.name} gave no result ({error}); see {self.log_path}") from error
        fetches = result.get("fetches")
        return PeerResult(int(result["completed"]), int(result["failed"]), float(result["lastCompletedAt"]),
                          float(result["cpuSeconds"]), None if fetches is None else int(fetches),
                          result.get("fetchSeconds"), result.get("completeSeconds"))

    async def close(self) -> None:
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError, TimeoutError):
            if self._process.returncode is None:
                if self._process.stdin is not None:
                    self._process.stdin.close()
                try:
                    await asyncio.wait_for(self._process.wait(), timeout=30)
                except TimeoutError:
                    self._process.kill()
                    await self._process.wait()
