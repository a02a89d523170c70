"""Cluster mode: one of two engine nodes on PostgreSQL killed with SIGKILL while 200 service requests are in
flight. Intake (its state in the same PostgreSQL) and the workers move to the other node; nothing is lost or
done twice."""

import asyncio
from datetime import UTC, datetime

import pytest

from tests.faults.system import FaultSystem, finish_and_check_once

pytestmark = pytest.mark.engine

REQUESTS = 200


async def test_losing_a_node_under_load_loses_no_request_and_doubles_no_side_effect(
    cluster_system: FaultSystem,
) -> None:
    since = datetime.now(UTC)
    submitting = asyncio.create_task(cluster_system.submit_at_rate(REQUESTS, per_second=20))
    await asyncio.sleep(4)  # about 80 accepted, the first of them already at the workers and agencies
    await cluster_system.kill_engine()  # node 1: the node intake and the workers were using
    requests = await submitting

    repeats = await finish_and_check_once(cluster_system, requests, since)
    print(f"\nnode 1 killed; {REQUESTS} requests completed through node 2; repeats dropped: {repeats}")
