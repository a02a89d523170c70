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
        # Decisions the agencies sent to intake, each with its attempts and outcome (updated in place).
        self.callbacks: list[dict[str, Any]] = []

    def record(self, system: System, **entry: Any) -> dict[str, Any]:
        stamped = {"at": now(), **entry}
        self.received[system].append(stamped)
        return stamped

    def clear(self) -> None:
        for entries in self.received.values():
            entries.clear()
        self.callbacks.clear()
