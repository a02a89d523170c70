"""The one thin client of the Orchestration Cluster REST API v2 (plus the management port).

Broker-only mode needs no login. In webapps mode (bin/camunda with the `auth` profile) every call
needs the session of `login`: its cookie, and the X-CSRF-TOKEN header it returns. Given
`credentials`, the client logs in by itself before its first call and when a session expires.
"""

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


class CamundaApi:
    def __init__(
        self, rest_url: str, management_url: str | None = None, timeout_s: float = 15.0,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=rest_url, timeout=timeout_s)
        self._management_url = management_url
        self._credentials = credentials

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._credentials and CSRF_HEADER not in self._http.headers:
            await self.login(*self._credentials)
        response = await self._http.request(method, path, **kwargs)
        if response.status_code == 401 and self._credentials:  # session expired: once more
            await self.login(*self._credentials)
            response = await self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise CamundaApiError(method, str(response.url), response.status_code, response.text)
        return response.json() if response.content else None

    # session (webapps mode)
    async def login(self, user: str, password: str) -> None:
        """Log in as a Camunda user (8.6: 204 + session cookie); later calls carry its CSRF token."""
        response = await self._http.post("/api/login", params={"username": user, "password": password})
        if response.status_code not in (200, 204):
            raise CamundaApiError("POST", str(response.url), response.status_code, response.text)
        self._http.headers[CSRF_HEADER] = response.headers.get(CSRF_HEADER, "")

    async def webapps_ready(self) -> bool:
        """Operate's and Tasklist's login pages answer 200."""
        try:
            pages = [await self._http.get(path) for path in ("/operate/login", "/tasklist/login")]
        except httpx.HTTPError:
            return False
        return all(page.status_code == 200 for page in pages)

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

    # Operate's public API (webapps mode)
    async def search_process_instances(self, key: int) -> list[dict[str, Any]]:
        """Operate's view of a process instance (fields: key, state ACTIVE/COMPLETED/CANCELED, ...)."""
        result = await self._request("POST", "/v1/process-instances/search", json={"filter": {"key": key}})
        return list(result.get("items", []))

    async def search_incidents(self, process_instance_key: int) -> list[dict[str, Any]]:
        body = {"filter": {"processInstanceKey": process_instance_key}}
        result = await self._request("POST", "/v1/incidents/search", json=body)
        return list(result.get("items", []))

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
