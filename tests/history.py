"""What tests ask of a process instance, answered by the engine's history and runtime APIs (same database
as the engine, so immediately consistent): the path taken, open user tasks, incidents, variables, timers."""

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from engine_client import EngineClient
from tests.polling import eventually

T = TypeVar("T")
Json = dict[str, Any]
SKIPPED_TYPES = {"multiInstanceBody"}  # the loop's own scope; its iterations show as the activity itself


@dataclass(frozen=True)
class UserTask:
    id: str
    element_id: str
    candidate_groups: list[str]
    form_ref: str | None
    process_instance_id: str
    assignee: str | None = None


@dataclass(frozen=True)
class Incident:
    id: str
    element_id: str
    incident_type: str
    message: str
    configuration: str  # the external task's or job's id


@dataclass(frozen=True)
class Timer:
    id: str
    element_id: str
    due: str


def completion_order(activities: list[Json]) -> list[Json]:
    """Finished activities in the order they completed: by end time; within one millisecond a scope
    completes after what ran inside it, and otherwise the one started first completed first."""
    position = {a["id"]: index for index, a in enumerate(activities)}
    parents = {a["id"]: a.get("parentActivityInstanceId") for a in activities}

    def inside(inner: str, outer: str) -> bool:
        parent = parents.get(inner)
        while parent:
            if parent == outer:
                return True
            parent = parents.get(parent)
        return False

    def compare(a: Json, b: Json) -> int:
        if a["endTime"] != b["endTime"]:
            return -1 if a["endTime"] < b["endTime"] else 1
        if inside(a["id"], b["id"]):
            return -1
        if inside(b["id"], a["id"]):
            return 1
        return position[a["id"]] - position[b["id"]]

    return sorted(activities, key=functools.cmp_to_key(compare))


def plain(value: Any) -> Any:
    """JSON text (how structured values are stored) read back as lists and dicts."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class History:
    def __init__(self, api: EngineClient) -> None:
        self.api = api

    async def activities(self, instance: str) -> list[Json]:
        return [a for a in await self.api.activity_instances(instance) if a["activityType"] not in SKIPPED_TYPES]

    async def path(self, instance: str) -> list[str]:
        """Ids of the elements completed in this instance, in order (cancelled ones left out)."""
        finished = [a for a in await self.activities(instance) if a["endTime"] and not a.get("canceled")]
        return [a["activityId"] for a in completion_order(finished)]

    async def cancelled(self, instance: str) -> list[str]:
        return [a["activityId"] for a in await self.activities(instance) if a.get("canceled")]

    async def ended(self, instance: str) -> str | None:
        """'completed' or 'terminated' once the process instance has ended, else None."""
        state = (await self.api.history_process_instance(instance))["state"]
        return {"COMPLETED": "completed", "EXTERNALLY_TERMINATED": "terminated",
                "INTERNALLY_TERMINATED": "terminated"}.get(state)

    async def variables(self, instance: str) -> dict[str, Any]:
        """The instance's own (root scope) variables, JSON text parsed."""
        found = await self.api.history_variables(processInstanceId=instance)
        return {v["name"]: plain(v["value"]) for v in found if v["activityInstanceId"] == instance}

    async def all_variables(self, **query: Any) -> list[Json]:
        return await self.api.history_variables(**query)

    async def instance_with(self, name: str, value: Any, process: str | None = None) -> str | None:
        """The process instance whose variable `name` equals `value` (e.g. a case number)."""
        query: Json = {"variables": f"{name}_eq_{value}"}
        if process:
            query["processDefinitionKey"] = process
        found = await self.api.history_process_instances(**query)
        return str(found[0]["id"]) if found else None

    async def open_user_tasks(self, instance: str, element_id: str | None = None) -> list[UserTask]:
        query: Json = {"processInstanceId": instance}
        if element_id:
            query["taskDefinitionKey"] = element_id
        tasks = []
        for task in await self.api.tasks(**query):
            links = await self.api.request("GET", f"/task/{task['id']}/identity-links")
            groups = [link["groupId"] for link in links if link["type"] == "candidate" and link.get("groupId")]
            form = task.get("operatonFormRef") or task.get("camundaFormRef") or {}
            tasks.append(UserTask(task["id"], task["taskDefinitionKey"], groups, form.get("key"), instance,
                                  task.get("assignee")))
        return tasks

    async def open_incidents(self, instance: str) -> list[Incident]:
        return [Incident(i["id"], i["activityId"], i["incidentType"], i.get("incidentMessage") or "",
                         i.get("configuration") or "")
                for i in await self.api.incidents(processInstanceId=instance)]

    async def timers(self, instance: str, element_id: str | None = None) -> list[Timer]:
        jobs = await self.api.jobs(processInstanceId=instance, timers="true")
        found = []
        for job in jobs:
            definition = await self.api.request("GET", f"/job-definition/{job['jobDefinitionId']}")
            if element_id is None or definition["activityId"] == element_id:
                found.append(Timer(job["id"], definition["activityId"], job["dueDate"]))
        return found

    async def wait_for(self, check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 30.0) -> T:
        return await eventually(check, what, timeout_s, interval_s=0.1)
