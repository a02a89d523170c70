"""The XYP registry answering 503 to half of its calls while 100 requests pass: all complete, the retries show
in the workers' metrics, and no incident is left."""

from datetime import UTC, datetime

import pytest

from tests.faults.system import FaultSystem, finish_and_check_once

pytestmark = pytest.mark.engine

REQUESTS = 100


async def test_a_registry_failing_half_its_calls_delays_requests_but_loses_none(faults: FaultSystem) -> None:
    since = datetime.now(UTC)
    retried_before = await faults.worker_metric("worker_call_retries_total", system="xyp")
    await faults.fault("xyp", errorRate=0.5, errorStatus=503)

    requests = await faults.submit_at_rate(REQUESTS, per_second=20)
    await faults.wait_notified(requests, "completed", timeout_s=180)
    answered_503 = (await faults.sandbox.get("/control/faults/applied")).json().get("xyp", {}).get("error", 0)
    await faults.clear_faults()
    await finish_and_check_once(faults, requests, since)

    retried = await faults.worker_metric("worker_call_retries_total", system="xyp") - retried_before
    assert answered_503 >= REQUESTS // 2, "the registry did fail often"
    assert retried >= answered_503 / 2, "most 503s were tried again within their task"
    print(f"\nXYP answered 503 {answered_503} times; the workers retried {retried:.0f} calls within their tasks")
