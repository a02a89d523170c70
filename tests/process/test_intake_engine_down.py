"""Intake with the engine away: a clear 503, nothing lost, and the retry with the same ids goes through."""

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from engine.settings import EngineSettings
from tests.conftest import TEST_CATALOG
from tests.process.harness import BATBOLD, PORTAL_KEY, Harness
from tests.servers import AppServer, free_port, running_intake


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def lonely_intake(tmp_path: Path) -> AsyncIterator[AppServer]:
    async with running_intake(free_port(), f"http://127.0.0.1:{closed_port()}", TEST_CATALOG, tmp_path) as server:
        yield server


async def test_a_request_while_the_engine_is_away_is_refused_with_503_and_can_be_retried(
    lonely_intake: AppServer, harness: Harness, engine_settings: EngineSettings
) -> None:
    body = harness.request_body("address-reference", BATBOLD)
    async with httpx.AsyncClient(base_url=lonely_intake.url) as client:
        first = await client.post("/v1/service-requests", headers=PORTAL_KEY, json=body)
        second = await client.post("/v1/service-requests", headers=PORTAL_KEY, json=body)

    assert (first.status_code, second.status_code) == (503, 503)
    assert "retry with the same requestId" in first.json()["detail"]
    # The same request id reaches the real engine through the session's intake: accepted, not a duplicate.
    response = await harness.intake.post("/v1/service-requests", headers=PORTAL_KEY, json=body)
    assert response.status_code == 202
    assert response.json()["duplicate"] is False
