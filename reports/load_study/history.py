"""Handling times measured from the engine's history (`--from-history`): per user task, the time from the staff
member's claim to the completion (the user operation log's Claim entry), or, when nobody of that task ever
claimed it, from its creation (which then includes the time it waited in the queue, and says so)."""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine_client import EngineClient, engine_date
from reports.load_study.model import Lognormal
from reports.source import all_pages

PAGE_SIZE = 500


@dataclass(frozen=True)
class Measured:
    element: str  # the user task's id in the model (taskDefinitionKey)
    samples: int
    mean_minutes: float
    cv: float
    from_claim: bool  # False: from creation, queue time included

    def lognormal(self) -> Lognormal:
        return Lognormal(mean=max(self.mean_minutes, 0.1), cv=min(self.cv, 5.0))


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


def measure(tasks: Iterable[Mapping[str, Any]], claims: Mapping[str, datetime],
            min_samples: int) -> dict[str, Measured]:
    """Mean and coefficient of variation of handling minutes per taskDefinitionKey with at least `min_samples`."""
    claimed: dict[str, list[float]] = defaultdict(list)
    created: dict[str, list[float]] = defaultdict(list)
    for task in tasks:
        if not task.get("endTime") or task.get("deleteReason") not in (None, "completed"):
            continue  # cancelled with its scope, not worked
        key, end = task["taskDefinitionKey"], parse(task["endTime"])
        created[key].append((end - parse(task["startTime"])).total_seconds() / 60)
        if task["id"] in claims:
            claimed[key].append((end - claims[task["id"]]).total_seconds() / 60)
    found: dict[str, Measured] = {}
    for key in sorted(created):
        minutes, from_claim = (claimed[key], True) if len(claimed[key]) >= min_samples else (created[key], False)
        if len(minutes) < min_samples:
            continue
        mean = statistics.fmean(minutes)
        cv = statistics.pstdev(minutes) / mean if mean > 0 else 0.0
        found[key] = Measured(key, len(minutes), mean, cv, from_claim)
    return found


async def finished_tasks(engine: EngineClient, keys: Sequence[str], since: datetime | None) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"taskDefinitionKeyIn": list(keys), "finished": True}
    if since:
        body["finishedAfter"] = engine_date(since)
    return await all_pages(engine, "/history/task", body)


async def claim_times(engine: EngineClient, since: datetime | None) -> dict[str, datetime]:
    """The latest claim of each task (GET only: the log has no POST query)."""
    params: dict[str, Any] = {"operationType": "Claim", "entityType": "Task", "maxResults": PAGE_SIZE}
    if since:
        params["afterTimestamp"] = engine_date(since)
    claims: dict[str, datetime] = {}
    offset = 0
    while True:
        page = await engine.request("GET", "/history/user-operation", params=params | {"firstResult": offset})
        for entry in page:
            if entry.get("taskId"):
                moment = parse(entry["timestamp"])
                claims[entry["taskId"]] = max(moment, claims.get(entry["taskId"], moment))
        offset += len(page)
        if len(page) < PAGE_SIZE:
            return claims


async def measured_handling(engine: EngineClient, keys: Sequence[str], since: datetime | None,
                            min_samples: int) -> dict[str, Measured]:
    return measure(await finished_tasks(engine, keys, since), await claim_times(engine, since), min_samples)
