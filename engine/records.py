"""Read model over the engine's record stream (the JSON lines the record exporter appends).

It answers what tests and operators ask of a process instance: the path taken, open user tasks,
incidents, variables. Polls with a deadline instead of sleeping.
"""

import asyncio
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
Record = dict[str, Any]


@dataclass(frozen=True)
class UserTask:
    key: int
    element_id: str
    candidate_groups: list[str]
    form_key: int | None
    process_instance_key: int


@dataclass(frozen=True)
class Incident:
    key: int
    element_id: str
    error_type: str
    error_message: str
    job_key: int


GENERATIONS = 2  # the exporter keeps records.jsonl.1 and records.jsonl.2 when it rotates (engine/exporter)


def identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


class RecordLog:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._reading: tuple[int, int] | None = None  # the file being read, wherever rotation has moved it
        self._offset = 0
        self._pending = b""
        self.records: list[Record] = []

    def _on_disk(self) -> list[tuple[Path, tuple[int, int]]]:
        """The stream's files, oldest first: records.jsonl.2, records.jsonl.1, records.jsonl."""
        names = [f"{self._path.name}.{n}" for n in range(GENERATIONS, 0, -1)] + [self._path.name]
        files = [(self._path.with_name(name), identity(self._path.with_name(name))) for name in names]
        return [(path, found) for path, found in files if found is not None]

    def refresh(self) -> None:
        """Read whatever complete lines were appended since the last call, following the exporter's rotations."""
        while files := self._on_disk():
            identities = [found for _, found in files]
            if self._reading not in identities:  # first read, or rotated out of reach: the oldest file kept
                self._reading, self._offset, self._pending = identities[0], 0, b""
            index = identities.index(self._reading)
            try:
                with files[index][0].open("rb") as stream:
                    opened = os.fstat(stream.fileno())
                    if (opened.st_dev, opened.st_ino) != self._reading:
                        continue  # rotated between the listing and the open: list again
                    stream.seek(self._offset)
                    chunk = stream.read()
            except FileNotFoundError:
                continue
            self._offset += len(chunk)
            data = self._pending + chunk
            *lines, self._pending = data.split(b"\n")
            self.records.extend(json.loads(line) for line in lines if line.strip())
            if index == len(files) - 1:
                return  # the live file
            self._reading, self._offset, self._pending = identities[index + 1], 0, b""  # a rotated file is whole

    def events(self, value_type: str, intent: str | None = None, **value: Any) -> list[Record]:
        self.refresh()
        return [
            r for r in self.records
            if r["recordType"] == "EVENT" and r["valueType"] == value_type
            and (intent is None or r["intent"] == intent)
            and all(r["value"].get(k) == v for k, v in value.items())
        ]

    def path(self, instance: int) -> list[str]:
        """Ids of the elements completed in this instance, in order (the process itself excluded)."""
        return [
            r["value"]["elementId"]
            for r in self.events("PROCESS_INSTANCE", "ELEMENT_COMPLETED", processInstanceKey=instance)
            if r["value"]["bpmnElementType"] != "PROCESS"
        ]

    def terminated(self, instance: int) -> list[str]:
        return [
            r["value"]["elementId"]
            for r in self.events("PROCESS_INSTANCE", "ELEMENT_TERMINATED", processInstanceKey=instance)
            if r["value"]["bpmnElementType"] != "PROCESS"
        ]

    def ended(self, instance: int) -> str | None:
        """'completed' or 'terminated' once the process instance has ended, else None."""
        for r in self.events("PROCESS_INSTANCE", processInstanceKey=instance, bpmnElementType="PROCESS"):
            if r["key"] == instance and r["intent"] in ("ELEMENT_COMPLETED", "ELEMENT_TERMINATED"):
                return "completed" if r["intent"] == "ELEMENT_COMPLETED" else "terminated"
        return None

    def open_user_tasks(self, instance: int, element_id: str | None = None) -> list[UserTask]:
        created = self.events("USER_TASK", "CREATED", processInstanceKey=instance)
        closed = {
            r["key"] for r in self.events("USER_TASK", processInstanceKey=instance)
            if r["intent"] in ("COMPLETED", "CANCELED")
        }
        return [
            UserTask(
                key=r["key"], element_id=r["value"]["elementId"],
                candidate_groups=list(r["value"].get("candidateGroupsList") or []),
                form_key=r["value"].get("formKey"), process_instance_key=instance,
            )
            for r in created
            if r["key"] not in closed and (element_id is None or r["value"]["elementId"] == element_id)
        ]

    def open_incidents(self, instance: int) -> list[Incident]:
        created = self.events("INCIDENT", "CREATED", processInstanceKey=instance)
        resolved = {r["key"] for r in self.events("INCIDENT", "RESOLVED", processInstanceKey=instance)}
        return [
            Incident(
                key=r["key"], element_id=r["value"]["elementId"], error_type=r["value"]["errorType"],
                error_message=r["value"]["errorMessage"], job_key=r["value"]["jobKey"],
            )
            for r in created if r["key"] not in resolved
        ]

    def variables(self, instance: int) -> dict[str, Any]:
        """Process-level variables with their latest values."""
        values: dict[str, Any] = {}
        for r in self.events("VARIABLE", processInstanceKey=instance, scopeKey=instance):
            values[r["value"]["name"]] = json.loads(r["value"]["value"])
        return values

    def instance_with(self, name: str, value: Any, process_id: str | None = None) -> int | None:
        """The process instance whose root scope holds variable `name` = `value` (e.g. a case number)."""
        for r in self.events("VARIABLE", "CREATED", name=name):
            v = r["value"]
            if v["scopeKey"] == v["processInstanceKey"] and json.loads(v["value"]) == value and (
                process_id is None or v["bpmnProcessId"] == process_id
            ):
                return int(v["processInstanceKey"])
        return None

    def published_messages(self, name: str, correlation_key: str | None = None) -> list[Record]:
        found = self.events("MESSAGE", "PUBLISHED", name=name)
        return [r for r in found if correlation_key is None or r["value"]["correlationKey"] == correlation_key]

    def job_failures(self, instance: int, job_type: str) -> list[Record]:
        return self.events("JOB", "FAILED", processInstanceKey=instance, type=job_type)

    async def wait_for(self, check: Callable[[], T | None], what: str, timeout_s: float = 30.0) -> T:
        """Poll `check` until it returns something truthy; fail naming `what` at the deadline."""
        deadline = time.monotonic() + timeout_s
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout_s:.0f}s waiting for {what}")
            await asyncio.sleep(0.05)
