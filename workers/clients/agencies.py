"""Agencies' systems: receive forwarded cases, once per idempotency key."""

from typing import Any

import httpx
from pydantic import BaseModel, SecretStr

from workers.clients.http import call, refuse
from workers.errors import InvalidJobData


class AgencyEndpoint(BaseModel):
    url: str
    api_key: SecretStr


class AgencyClient:
    def __init__(self, client: httpx.AsyncClient, endpoints: dict[str, AgencyEndpoint]) -> None:
        self._client = client
        self._endpoints = endpoints

    async def send(self, agency: str, path: str, payload: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        endpoint = self._endpoints.get(agency)
        if endpoint is None:
            raise InvalidJobData(f"no endpoint configured for agency {agency!r} (WORKERS_SYSTEMS__AGENCIES)")
        system = f"agency {agency}"
        response = await call(
            self._client, system, "POST", f"{endpoint.url.rstrip('/')}/{path}",
            headers={"X-Api-Key": endpoint.api_key.get_secret_value(), "Idempotency-Key": idempotency_key},
            json=payload,
        )
        if response.status_code not in (200, 202):
            raise refuse(system, response)
        result: dict[str, Any] = response.json()
        return result
