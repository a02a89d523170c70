"""What each stand-in received, in order, for tests and people to inspect (GET /control/{system}/received)."""

from datetime import UTC, datetime
from typing import Any, Literal, get_args

System = Literal["xyp", "agencies", "sms", "inbox", "mail"]
SYSTEMS: tuple[System, ...] = get_args(System)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Journal:
    def __init__(self) -> None:
        self.received: dict[System, list[dict[str, Any]]] = {system: [] for system in SYSTEMS}
        # Calls a system dropped as repeats of one already received (same message id or Idempotency-Key): the
        # retries a crash or a lost answer caused, which the citizen or agency never saw twice.
        self.repeated: dict[System, list[dict[str, Any]]] = {system: [] for system in SYSTEMS}
        # Decisions the agencies sent to intake, each with its attempts and outcome (updated in place).
        self.callbacks: list[dict[str, Any]] = []

    def record(self, system: System, **entry: Any) -> dict[str, Any]:
        stamped = {"at": now(), **entry}
        self.received[system].append(stamped)
        return stamped

    def repeat(self, system: System, **entry: Any) -> None:
        self.repeated[system].append({"at": now(), **entry})

    def clear(self) -> None:
        for entries in (*self.received.values(), *self.repeated.values()):
            entries.clear()
        self.callbacks.clear()
