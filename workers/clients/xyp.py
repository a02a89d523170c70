"""The XYP state registry: one record per service code and register number."""

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from pydantic import SecretStr

from workers.clients.http import call, refuse
from workers.errors import TransientError
from workers.metrics import CALL_RETRIES

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ReadRetries:
    """A registry read is safe to repeat: a 5xx or a dropped connection is tried again within the task, so a
    flapping registry costs a second, not a task retry; the task's own retries are left for a real outage."""

    attempts: int = 4
    first_delay_s: float = 0.1  # doubled after each failed attempt

    def delay_s(self, attempt: int) -> float:
        return float(self.first_delay_s * 2 ** (attempt - 1))


class XypClient:
    def __init__(self, client: httpx.AsyncClient, base_url: str, token: SecretStr,
                 retries: ReadRetries = ReadRetries()) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._retries = retries

    async def fetch(self, service_code: str, register_number: str, request_id: str) -> dict[str, Any] | None:
        """The record's data, or None when the registry holds no such record."""
        for attempt in range(1, self._retries.attempts):
            try:
                return await self._fetch_once(service_code, register_number, request_id)
            except TransientError as error:
                CALL_RETRIES.labels("xyp").inc()
                log.info("xyp.retry", attempt=attempt, error=str(error)[:200])
                await asyncio.sleep(self._retries.delay_s(attempt))
        return await self._fetch_once(service_code, register_number, request_id)

    async def _fetch_once(self, service_code: str, register_number: str, request_id: str) -> dict[str, Any] | None:
        system = f"XYP registry service {service_code}"
        response = await call(
            self._client, system, "POST", f"{self._base_url}/xyp/{service_code}",
            headers={"X-Xyp-Token": self._token.get_secret_value()},
            json={"regnum": register_number, "requestId": request_id},
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise refuse(system, response)
        try:
            data = response.json()["data"]
        except (ValueError, KeyError, TypeError) as error:
            raise TransientError(f"{system} answered 200 without a record: {response.text[:200]}") from error
        if not isinstance(data, dict):
            raise TransientError(f"{system} answered 200 with a record that is not an object: {response.text[:200]}")
        return data
