"""Open-loop load: start actions at a fixed rate whatever their answers take (bounded in flight), or as fast as
a fixed number of them in flight allows."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Paced(Generic[T]):
    results: list[T | BaseException]  # in the order started
    seconds: float  # from the first start to the last answer

    @property
    def rate(self) -> float:
        return len(self.results) / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors(self) -> list[BaseException]:
        return [r for r in self.results if isinstance(r, BaseException)]


async def at_rate(rate: float, count: int, action: Callable[[int], Awaitable[T]], max_in_flight: int = 256
                  ) -> Paced[T]:
    """Start action(i) at began + i/rate; when max_in_flight are still out, the next start waits (the load
    then falls behind the rate, which `Paced.rate` shows)."""
    slots = asyncio.Semaphore(max_in_flight)

    async def one(i: int) -> T:
        try:
            return await action(i)
        finally:
            slots.release()

    began = time.monotonic()
    running: list[asyncio.Task[T]] = []
    for i in range(count):
        delay = began + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await slots.acquire()
        running.append(asyncio.create_task(one(i)))
    results = await asyncio.gather(*running, return_exceptions=True)
    return Paced(list(results), time.monotonic() - began)


async def as_fast_as(count: int, action: Callable[[int], Awaitable[T]], in_flight: int = 16) -> Paced[T]:
    """count actions, in_flight at a time."""
    return await at_rate(float("inf"), count, action, max_in_flight=in_flight)
