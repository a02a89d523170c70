"""One helper for waiting on something the benchmark does not get an event for."""

import asyncio
import time
from collections.abc import Awaitable, Callable


async def wait_until(done: Callable[[], Awaitable[bool]], timeout_s: float, interval_s: float = 0.1) -> bool:
    """Poll `done` until it is true (True) or the time is up (False)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if await done():
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(interval_s)
