"""The XYP state registry: one record per service code and register number."""

from typing import Any

import httpx
from pydantic import SecretStr

from workers.clients.http import call, refuse
from workers.errors import TransientError


class XypClient:
    def __init__(self, client: httpx.AsyncClient, base_url: str, token: SecretStr) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._token = token

    async def fetch(self, service_code: str, register_number: str, request_id: str) -> dict[str, Any] | None:
        """The record's data, or None when the registry holds no such record."""
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
