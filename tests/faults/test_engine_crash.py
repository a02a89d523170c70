"""The engine killed with SIGKILL while 200 service requests are in flight, then started again on its data."""

import asyncio
from datetime import UTC, datetime

import pytest

from tests.faults.system import FaultSystem, finish_and_check_once

pytestmark = pytest.mark.engine

REQUESTS = 200


async def test_every_request_in_flight_when_the_engine_dies_completes_with_each_side_effect_once(
    faults: FaultSystem,
) -> None:
    since = datetime.now(UTC)
    first_half = asyncio.create_task(faults.submit_at_rate(REQUESTS // 2, per_second=25))
    await asyncio.sleep(2.5)  # about 60 accepted, the first of them already at the workers and agencies
    await faults.kill_engine()
    requests = await first_half
    requests += await faults.submit_at_rate(REQUESTS // 2, per_second=25, first=REQUESTS // 2)  # to the outbox
    restart_s = await faults.restart_engine()

    repeats = await finish_and_check_once(faults, requests, since)
    print(f"\nengine restarted in {restart_s:.1f} s; {REQUESTS} requests completed; repeats dropped: {repeats}")
