"""Everything the stand-ins share: settings, citizens, journal, faults, the agencies' desk, seen message ids."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog

from sandbox.citizens import Citizen, load_citizens
from sandbox.desk import AgencyDesk
from sandbox.faults import Faults, Refusal
from sandbox.journal import Journal, System
from sandbox.settings import SandboxSettings

Gate = Callable[[], Awaitable[None]]
log = structlog.get_logger("sandbox.faults")


@dataclass
class SandboxState:
    settings: SandboxSettings
    citizens: dict[str, Citizen]
    journal: Journal
    faults: Faults
    desk: AgencyDesk
    seen: dict[System, set[str]] = field(default_factory=lambda: {"sms": set(), "inbox": set()})

    @classmethod
    def create(cls, settings: SandboxSettings) -> "SandboxState":
        journal = Journal()
        return cls(settings, load_citizens(settings.citizens_path), journal, Faults(settings.random_seed),
                   AgencyDesk(settings, journal))

    def gate(self, system: System) -> Gate:
        """A FastAPI dependency applying the system's faults before its handler runs."""
        async def check() -> None:
            outcome = await self.faults.apply(system)
            if outcome is not None:
                log.info("fault.applied", system=system, outcome=outcome)
            if outcome == "down":
                raise Refusal(503, f"{system} is down (sandbox fault)")
            if outcome == "error":
                fault = self.faults.current[system]
                raise Refusal(fault.error_status, f"{system} failed (sandbox fault, error rate {fault.error_rate})")
        return check
