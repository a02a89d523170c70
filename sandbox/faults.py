"""Misbehaviour on purpose: a system can be down, slow, or fail at a seeded random rate."""

import asyncio
import random
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from sandbox.journal import SYSTEMS, System

Outcome = Literal["down", "error"] | None


class Fault(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    down: bool = False
    slow_seconds: float = Field(default=0.0, ge=0, le=600)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    error_status: int = Field(default=500, ge=500, le=599)  # what a rolled error answers, e.g. 503


class Faults:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._random = random.Random(seed)
        self.current: dict[System, Fault] = {system: Fault() for system in SYSTEMS}
        self.applied: Counter[tuple[System, str]] = Counter()  # (system, outcome) -> calls answered so

    def set(self, system: System, fault: Fault) -> None:
        self.current[system] = fault

    def reset(self) -> None:
        self.current = {system: Fault() for system in SYSTEMS}
        self.applied.clear()
        self._random = random.Random(self._seed)

    async def apply(self, system: System) -> Outcome:
        """Down answers at once; otherwise wait out the slowness, then roll for an error."""
        outcome = await self._roll(self.current[system])
        if outcome is not None:
            self.applied[(system, outcome)] += 1
        return outcome

    async def _roll(self, fault: Fault) -> Outcome:
        if fault.down:
            return "down"
        if fault.slow_seconds:
            await asyncio.sleep(fault.slow_seconds)
        if fault.error_rate and self._random.random() < fault.error_rate:
            return "error"
        return None


class Refusal(Exception):
    """Answered as JSON {"reason": ...} with the given status (see app.py)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
