"""Operaton's REST API (`/engine-rest`), as the calls our components make. Every call is HTTP Basic as one
service account; the engine checks that account's authorizations.

One `httpx.AsyncClient` per `EngineClient`, kept for its lifetime (connection reuse). Errors come back as
`EngineError` carrying the engine's own exception type and message (never the request body).
"""

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
import structlog

from engine_client.variables import to_engine

Json = dict[str, Any]
log = structlog.get_logger(__name__)


class EngineError(Exception):
    def __init__(self, method: str, path: str, status: int, kind: str, message: str) -> None:
        super().__init__(f"{method} {path} -> {status} {kind}: {message[:500]}")
        self.status, self.kind, self.message = status, kind, message


class MessageNotCorrelated(EngineError):
    """Nothing waits for this message (yet): the engine does not buffer it, the sender must retry."""


def never_arrived(method: str, error: httpx.TransportError) -> bool:
    """Safe to make on another node: the connection was never made, or the call only reads. A write whose
    connection broke may have been done by the node that died (a start made twice is two instances)."""
    return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout) or method == "GET"


class EngineClient:
    def __init__(self, rest_url: str, user: str, password: str, timeout_s: float = 15.0) -> None:
        """`rest_url` ends in /engine-rest, e.g. http://127.0.0.1:8080/engine-rest. Several, separated by commas,
        are the nodes of one cluster: a call that cannot reach the current node moves the client to the next, which
        then stays current. The call itself is made there at once when it surely never arrived (no connection, or a
        read); otherwise the transport error reaches the caller, whose retry is idempotent (intake looks a start up
        by business key before it starts again; replies and completions are refused when already done)."""
        self.rest_urls = tuple(url.strip().rstrip("/") for url in rest_url.split(",") if url.strip())
        if not self.rest_urls:
            raise ValueError("no engine REST URL given")
        self._current = 0
        self.user = user
        self._http = httpx.AsyncClient(auth=(user, password), timeout=timeout_s,
                                       limits=httpx.Limits(max_connections=50, max_keepalive_connections=20))

    @property
    def rest_url(self) -> str:
        """The node calls go to now."""
        return self.rest_urls[self._current]

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def request(self, method: str, path: str, *, timeout_s: float | None = None, **kwargs: Any) -> Any:
        if timeout_s is not None:
            kwargs["timeout"] = timeout_s
        response = await self._send(method, path, **kwargs)
        if response.status_code >= 400:
            raise error_of(method, path, response)
        return response.json() if response.content else None

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for tried in range(1, len(self.rest_urls) + 1):
            node = self._current
            try:
                return await self._http.request(method, self.rest_urls[node] + path, **kwargs)
            except httpx.TransportError as error:
                if self._current == node:  # not moved on already by a call failing beside this one
                    self._current = (node + 1) % len(self.rest_urls)
                log.warning("engine.node_unreachable", node=self.rest_urls[node], next=self.rest_url,
                            error=type(error).__name__)
                if tried == len(self.rest_urls) or not never_arrived(method, error):
                    raise  # the caller's own retry decides (a start is looked up first, a reply is idempotent)
        raise AssertionError("unreachable")

    # deployments, definitions, instances
    async def deploy(self, files: Sequence[Path], name: str = "esra") -> Json:
        """One deployment of all `files`; unchanged resources are not deployed again."""
        upload = [(f"resource-{i}", (path.name, path.read_bytes())) for i, path in enumerate(files)]
        data = {"deployment-name": name, "enable-duplicate-filtering": "true", "deploy-changed-only": "true",
                "deployment-source": "esra-launcher"}
        result: Json = await self.request("POST", "/deployment/create", data=data, files=upload)
        return result

    async def start(self, process_key: str, variables: Mapping[str, Any], business_key: str | None = None) -> Json:
        body: Json = {"variables": to_engine(dict(variables))}
        if business_key:
            body["businessKey"] = business_key
        result: Json = await self.request("POST", f"/process-definition/key/{process_key}/start", json=body)
        return result

    async def correlate(
        self, message: str, *, business_key: str | None = None, local_keys: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None, process_instance_id: str | None = None,
    ) -> list[Json]:
        """Correlate one message to the one execution (or message start event) that matches; raises
        MessageNotCorrelated when nothing waits for it."""
        body: Json = {"messageName": message, "resultEnabled": True}
        if business_key:
            body["businessKey"] = business_key
        if local_keys:
            body["localCorrelationKeys"] = to_engine(dict(local_keys))
        if variables:
            body["processVariables"] = to_engine(dict(variables))
        if process_instance_id:
            body["processInstanceId"] = process_instance_id
        result: list[Json] = await self.request("POST", "/message", json=body)
        return result

    async def process_instances(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("GET", "/process-instance", params=params)
        return result

    async def variables(self, process_instance_id: str) -> Json:
        result: Json = await self.request("GET", f"/process-instance/{process_instance_id}/variables",
                                          params={"deserializeValues": "false"})
        return result

    async def evaluate_decision(self, key: str, variables: Mapping[str, Any]) -> list[Json]:
        result: list[Json] = await self.request("POST", f"/decision-definition/key/{key}/evaluate",
                                                json={"variables": to_engine(dict(variables))})
        return result

    # external tasks
    async def fetch_and_lock(self, worker_id: str, topics: Sequence[Json], max_tasks: int,
                             long_poll_ms: int) -> list[Json]:
        body = {"workerId": worker_id, "maxTasks": max_tasks, "usePriority": True,
                "asyncResponseTimeout": long_poll_ms, "topics": list(topics)}
        result: list[Json] = await self.request("POST", "/external-task/fetchAndLock", json=body,
                                                timeout_s=long_poll_ms / 1000 + 10)
        return result

    async def complete(self, task_id: str, worker_id: str, variables: Mapping[str, Any]) -> None:
        await self.request("POST", f"/external-task/{task_id}/complete",
                           json={"workerId": worker_id, "variables": to_engine(dict(variables))})

    async def failure(self, task_id: str, worker_id: str, message: str, details: str, retries: int,
                      retry_timeout_ms: int) -> None:
        await self.request("POST", f"/external-task/{task_id}/failure", json={
            "workerId": worker_id, "errorMessage": message[:600], "errorDetails": details,
            "retries": retries, "retryTimeout": retry_timeout_ms})

    async def bpmn_error(self, task_id: str, worker_id: str, code: str, message: str,
                         variables: Mapping[str, Any]) -> None:
        await self.request("POST", f"/external-task/{task_id}/bpmnError", json={
            "workerId": worker_id, "errorCode": code, "errorMessage": message,
            "variables": to_engine(dict(variables))})

    async def extend_lock(self, task_id: str, worker_id: str, duration_ms: int) -> None:
        await self.request("POST", f"/external-task/{task_id}/extendLock",
                           json={"workerId": worker_id, "newDuration": duration_ms})

    async def external_tasks(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("GET", "/external-task", params=params)
        return result

    async def set_external_task_retries(self, task_id: str, retries: int) -> None:
        await self.request("PUT", f"/external-task/{task_id}/retries", json={"retries": retries})

    # user tasks
    async def tasks(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("GET", "/task", params=params)
        return result

    async def claim(self, task_id: str, user_id: str) -> None:
        await self.request("POST", f"/task/{task_id}/claim", json={"userId": user_id})

    async def complete_task(self, task_id: str, variables: Mapping[str, Any], attempts: int = 3) -> None:
        """Complete a user task; a conflict with a parallel branch (the engine rolled back) is tried again."""
        for attempt in range(1, attempts + 1):
            try:
                await self.request("POST", f"/task/{task_id}/complete",
                                   json={"variables": to_engine(dict(variables))})
                return
            except EngineError as error:
                if not conflicted(error) or attempt == attempts:
                    raise
                await asyncio.sleep(0.1 * attempt)

    async def task_form(self, task_id: str) -> Json:
        result: Json = await self.request("GET", f"/task/{task_id}/form")
        return result

    # jobs (timers) and incidents
    async def jobs(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("GET", "/job", params=params)
        return result

    async def execute_job(self, job_id: str) -> None:
        await self.request("POST", f"/job/{job_id}/execute")

    async def incidents(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("GET", "/incident", params=params)
        return result

    # history (same database: immediately consistent)
    async def history_process_instances(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("GET", "/history/process-instance", params=params)
        return result

    async def history_process_instance(self, process_instance_id: str) -> Json:
        result: Json = await self.request("GET", f"/history/process-instance/{process_instance_id}")
        return result

    async def activity_instances(self, process_instance_id: str) -> list[Json]:
        result: list[Json] = await self.request("GET", "/history/activity-instance", params={
            "processInstanceId": process_instance_id, "sortBy": "occurrence", "sortOrder": "asc"})
        return result

    async def history_variables(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("POST", "/history/variable-instance",
                                                params={"deserializeValues": "false"}, json=params)
        return result

    async def history_incidents(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("GET", "/history/incident", params=params)
        return result

    async def history_tasks(self, **params: Any) -> list[Json]:
        result: list[Json] = await self.request("GET", "/history/task", params=params)
        return result


def conflicted(error: EngineError) -> bool:
    """An optimistic-locking conflict: another transaction changed the same rows first; nothing was committed."""
    return "OptimisticLockingException" in error.kind or "ENGINE-03005" in error.message


def error_of(method: str, path: str, response: httpx.Response) -> EngineError:
    try:
        body = response.json()
        kind, message = str(body.get("type", "")), str(body.get("message", ""))
    except ValueError:
        kind, message = "", response.text[:300]
    if response.status_code == 400 and "MismatchingMessageCorrelationException" in message:
        return MessageNotCorrelated(method, path, response.status_code, kind, message)
    return EngineError(method, path, response.status_code, kind, message)
