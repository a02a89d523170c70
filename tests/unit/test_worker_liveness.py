"""The liveness check restarts the worker loop when the gateway stays away, once per window."""

import asyncio
import socket

from pyzeebe import ZeebeTaskRouter

from workers.metrics import WORKER_RESTARTS
from workers.runtime import WorkerRuntime
from workers.settings import WorkerSettings


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_unreachable_gateway_restarts_the_loop_once_per_window_and_stops_cleanly() -> None:
    settings = WorkerSettings(
        gateway_address=f"127.0.0.1:{closed_port()}", metrics_port=closed_port(),
        liveness_interval_s=0.1, liveness_restart_after_s=0.5,
    )
    runtime = WorkerRuntime(settings, [ZeebeTaskRouter()])
    before = WORKER_RESTARTS._value.get()

    running = asyncio.create_task(runtime.run())
    await asyncio.sleep(2.0)
    snapshot = runtime.health.snapshot()
    runtime.request_stop()
    await asyncio.wait_for(running, timeout=10)

    restarts = WORKER_RESTARTS._value.get() - before
    assert 1 <= restarts <= 4, f"expected about one restart per 0.5 s window, got {restarts}"
    assert snapshot["status"] == "DOWN"
    assert snapshot["gatewayReachable"] is False
