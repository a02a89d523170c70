"""A registry read that meets a 5xx is tried again within the task; only a fault that outlasts the attempts
reaches the engine as a task failure."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from workers.clients.xyp import ReadRetries, XypClient
from workers.errors import TransientError
from workers.metrics import REGISTRY

RECORD = {"found": True, "serviceCode": "WS100103", "data": {"regnum": "УБ99051212", "address": "Баянзүрх"}}


def registry(statuses: Iterator[int]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        status = next(statuses)
        return httpx.Response(status, json=RECORD if status == 200 else {"reason": "busy"})
    return httpx.MockTransport(answer)


def fetch(statuses: list[int]) -> dict[str, object] | None:
    async def run() -> dict[str, object] | None:
        async with httpx.AsyncClient(transport=registry(iter(statuses))) as http:
            client = XypClient(http, "http://xyp", SecretStr("t"), ReadRetries(attempts=4, first_delay_s=0))
            return await client.fetch("WS100103", "УБ99051212", "r-1")
    return asyncio.run(run())


def retries_counted() -> float:
    return REGISTRY.get_sample_value("worker_call_retries_total", {"system": "xyp"}) or 0.0


def test_three_503s_then_an_answer_give_the_record_and_three_counted_retries() -> None:
    before = retries_counted()
    assert fetch([503, 503, 503, 200]) == RECORD["data"]
    assert retries_counted() - before == 3


def test_a_fault_outlasting_the_attempts_is_a_transient_task_failure() -> None:
    with pytest.raises(TransientError, match="answered 503"):
        fetch([503, 503, 503, 503, 200])


def test_no_record_is_an_answer_not_a_fault() -> None:
    before = retries_counted()
    assert fetch([404]) is None
    assert retries_counted() == before
