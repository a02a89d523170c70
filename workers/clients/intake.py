"""Tell intake what it must know: where a stage was forwarded (so it accepts that agency's answer and no
other's), and the cases numbered at service centres (so it accepts their uploads and complaint links)."""

import httpx
from pydantic import SecretStr

from workers.clients.http import call, refuse


class IntakeClient:
    def __init__(self, client: httpx.AsyncClient, base_url: str, key: SecretStr) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._key = key

    async def record_forwarding(self, case_number: str, stage: int, agency: str) -> None:
        response = await call(
            self._client, "intake API", "POST", f"{self._base_url}/internal/forwardings",
            headers={"X-Api-Key": self._key.get_secret_value()},
            json={"caseNumber": case_number, "stage": stage, "agency": agency},
        )
        if response.status_code != 204:
            raise refuse("intake API", response)

    async def register_walk_in(self, case_number: str, service_code: str) -> None:
        response = await call(
            self._client, "intake API", "POST", f"{self._base_url}/internal/cases",
            headers={"X-Api-Key": self._key.get_secret_value()},
            json={"caseNumber": case_number, "serviceCode": service_code},
        )
        if response.status_code != 204:
            raise refuse("intake API", response)
