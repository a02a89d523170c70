"""The one thin client of the Orchestration Cluster REST API v2 (plus the management port), and of
Operate's and Tasklist's own /v1 APIs.

The broker's REST API v2 needs no login (the launcher runs bin/broker, bound to loopback). Operate and
Tasklist run standalone, each on its own base URL behind its own login: a session cookie plus
the X-CSRF-TOKEN header `/api/login` returns. A `WebSession` logs in by itself before its first
call and again when the session expires.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

CSRF_HEADER = "X-CSRF-TOKEN"


class CamundaApiError(Exception):
    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        super().__init__(f"{method} {url} -> {status}: {body[:500]}")
        self.status = status
        self.body = body


class WebSession:
    """An HTTP client that logs in with `credentials` (if any) before its first call and after a 401."""

    def __init__(self, base_url: str, credentials: tuple[str, str] | None, timeout_s: float) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s)
        self.credentials = credentials

    async def close(self) -> None:
        await self.http.aclose()

    async def login(self, user: str, password: str) -> None:
        """Log in as a Camunda user (8.6: 204 + session cookie); later calls carry its CSRF token."""
        response = await self.http.post("/api/login", params={"username": user, "password": password})
        if response.status_code not in (200, 204):
            raise CamundaApiError("POST", str(response.url), response.status_code, response.text)
        self.http.headers[CSRF_HEADER] = response.headers.get(CSRF_HEADER, "")

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self.credentials and CSRF_HEADER not in self.http.headers:
            await self.login(*self.credentials)
        response = await self.http.request(method, path, **kwargs)
        if response.status_code == 401 and self.credentials:  # session expired: once more
            await self.login(*self.credentials)
            response = await self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise CamundaApiError(method, str(response.url), response.status_code, response.text)
        return response.json() if response.content else None

    async def page_answers(self, path: str) -> bool:
        try:
            return (await self.http.get(path)).status_code == 200
        except httpx.HTTPError:
            return False


class CamundaApi:
    """REST API v2 at `rest_url` (no login); Operate's and Tasklist's APIs at `operate_url` /
    `tasklist_url`, logged in with `web_credentials` (broker-only mode has neither)."""

    def __init__(
        self, rest_url: str, management_url: str | None = None, timeout_s: float = 15.0,
        operate_url: str | None = None, tasklist_url: str | None = None,
        web_credentials: tuple[str, str] | None = None,
    ) -> None:
        self._rest = WebSession(rest_url, None, timeout_s)
        self._http = self._rest.http
        self._management_url = management_url
        self.operate = WebSession(operate_url, web_credentials, timeout_s) if operate_url else self._rest
        self.tasklist = WebSession(tasklist_url, web_credentials, timeout_s) if tasklist_url else self._rest

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        for session in {id(s): s for s in (self._rest, self.operate, self.tasklist)}.values():
            await session.close()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self._rest.request(method, path, **kwargs)

    async def webapps_ready(self) -> bool:
        """Operate's and Tasklist's login pages answer 200."""
        return await self.operate.page_answers("/operate/login") and await self.tasklist.page_answers(
            "/tasklist/login")

    # cluster
    async def topology(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("GET", "/v2/topology")
        return result

    async def is_ready(self) -> bool:
        """Readiness on the management port, then a healthy partition leader in the topology."""
        if self._management_url:
            try:
                ready = await self._http.get(f"{self._management_url}/actuator/health/readiness")
            except httpx.HTTPError:
                return False
            if ready.status_code != 200:
                return False
        try:
            topology = await self.topology()
        except (httpx.HTTPError, CamundaApiError):
            return False
        return has_leader(topology)

    async def deploy(self, paths: Sequence[Path]) -> dict[str, Any]:
        files = [("resources", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
        result: dict[str, Any] = await self._request("POST", "/v2/deployments", files=files)
        return result

    # process instances and messages
    async def create_instance(self, process_id: str, variables: dict[str, Any] | None = None) -> int:
        body = {"processDefinitionId": process_id, "variables": variables or {}}
        result = await self._request("POST", "/v2/process-instances", json=body)
        return int(result["processInstanceKey"])

    async def set_variables(self, element_instance: int, variables: dict[str, Any]) -> None:
        await self._request("PUT", f"/v2/element-instances/{element_instance}/variables",
                            json={"variables": variables, "local": True})

    async def cancel_instance(self, key: int) -> None:
        await self._request("POST", f"/v2/process-instances/{key}/cancellation", json={})

    async def publish_message(
        self, name: str, correlation_key: str, variables: dict[str, Any] | None = None,
        message_id: str | None = None, ttl: timedelta = timedelta(0),
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": name, "correlationKey": correlation_key, "variables": variables or {},
            "timeToLive": int(ttl.total_seconds() * 1000),
        }
        if message_id:
            body["messageId"] = message_id
        result: dict[str, Any] = await self._request("POST", "/v2/messages/publication", json=body)
        return result

    # decisions
    async def evaluate_decision(self, decision_id: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Evaluate the latest deployed version of a DMN decision (8.6: `output` is a JSON string;
        `evaluatedDecisions[].matchedRules[]` carry ruleId and ruleIndex)."""
        body = {"decisionDefinitionId": decision_id, "variables": variables or {}}
        result: dict[str, Any] = await self._request("POST", "/v2/decision-definitions/evaluation", json=body)
        return result

    # user tasks
    async def complete_user_task(self, key: int, variables: dict[str, Any] | None = None) -> None:
        await self._request("POST", f"/v2/user-tasks/{key}/completion", json={"variables": variables or {}})

    async def assign_user_task(self, key: int, assignee: str) -> None:
        await self._request("POST", f"/v2/user-tasks/{key}/assignment", json={"assignee": assignee})

    async def search_user_tasks(self, process_instance_key: int | None = None, state: str | None = None
                                ) -> list[dict[str, Any]]:
        """User tasks from the search store (8.6: key, state, elementId, candidateGroup, formKey...)."""
        conditions = {"processInstanceKey": process_instance_key, "state": state}
        body = {"filter": {name: value for name, value in conditions.items() if value is not None}}
        result = await self._request("POST", "/v2/user-tasks/search", json=body)
        return list(result.get("items", []))

    # Operate's public API (webapps mode, at operate_url)
    async def search_process_instances(self, key: int) -> list[dict[str, Any]]:
        """Operate's view of a process instance (fields: key, state ACTIVE/COMPLETED/CANCELED, ...)."""
        result = await self.operate.request("POST", "/v1/process-instances/search", json={"filter": {"key": key}})
        return list(result.get("items", []))

    async def search_incidents(self, process_instance_key: int) -> list[dict[str, Any]]:
        body = {"filter": {"processInstanceKey": process_instance_key}}
        result = await self.operate.request("POST", "/v1/incidents/search", json=body)
        return list(result.get("items", []))

    # Tasklist's public API (webapps mode, at tasklist_url): what its UI's "Assign to me" and
    # "Complete Task" send; `id` is the user task key as a string
    async def search_tasks(self, process_instance_key: int | None = None, state: str | None = None
                           ) -> list[dict[str, Any]]:
        """Tasklist's tasks (fields: id, taskDefinitionId, taskState CREATED/COMPLETED, candidateGroups...)."""
        conditions = {"processInstanceKey": process_instance_key and str(process_instance_key), "state": state}
        body = {name: value for name, value in conditions.items() if value is not None}
        return list(await self.tasklist.request("POST", "/v1/tasks/search", json=body) or [])

    async def tasklist_assign(self, key: int) -> dict[str, Any]:
        """Assign to the logged-in user."""
        result: dict[str, Any] = await self.tasklist.request("PATCH", f"/v1/tasks/{key}/assign", json={})
        return result

    async def tasklist_complete(self, key: int, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = {"variables": [{"name": n, "value": json.dumps(v)} for n, v in (variables or {}).items()]}
        result: dict[str, Any] = await self.tasklist.request("PATCH", f"/v1/tasks/{key}/complete", json=body)
        return result

    # incidents and jobs
    async def update_job_retries(self, job_key: int, retries: int) -> None:
        await self._request("PATCH", f"/v2/jobs/{job_key}", json={"changeset": {"retries": retries}})

    async def resolve_incident(self, key: int) -> None:
        await self._request("POST", f"/v2/incidents/{key}/resolution", json={})

    # controlled clock (engine started with zeebe.clock.controlled)
    async def pin_clock(self, at: datetime) -> None:
        await self._request("PUT", "/v2/clock", json={"timestamp": int(at.timestamp() * 1000)})

    async def advance_clock(self, by: timedelta) -> datetime:
        """Pin the engine clock `by` ahead of real time; `reset_clock` returns to real time."""
        at = datetime.now(UTC) + by
        await self.pin_clock(at)
        return at

    async def reset_clock(self) -> None:
        await self._request("POST", "/v2/clock/reset", json={})


def has_leader(topology: dict[str, Any]) -> bool:
    return any(
        partition.get("role") == "leader" and partition.get("health") == "healthy"
        for broker in topology.get("brokers", [])
        for partition in broker.get("partitions", [])
    )
