"""Intake killed with SIGKILL while requests wait in its outbox (the engine is down): after both are back,
each request became exactly one case, none lost, none started twice."""

from datetime import UTC, datetime

import pytest

from tests.faults.system import OPERATIONS, FaultSystem, finish_and_check_once

pytestmark = pytest.mark.engine

REQUESTS = 30


async def test_requests_waiting_in_intakes_outbox_survive_its_crash_and_start_once(faults: FaultSystem) -> None:
    since = datetime.now(UTC)
    await faults.kill_engine()
    requests = await faults.submit_at_rate(REQUESTS, per_second=20)
    waiting = (await faults.intake.get("/internal/outbox", params={"status": "pending", "limit": 1000},
                                       headers=OPERATIONS)).json()
    assert {m["businessKey"] for m in waiting["messages"]} >= {r.case for r in requests}

    await faults.kill("intake")
    await faults.restart("intake")
    await faults.restart_engine()

    await finish_and_check_once(faults, requests, since)
