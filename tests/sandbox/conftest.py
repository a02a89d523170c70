"""One real sandbox per session on free ports, spoken to over HTTP (httpx) and SMTP (smtplib).

Agencies answer intake at a tiny HTTP receiver started here; each test uses its own case numbers and
message ids, and faults and agency behaviours are reset after every test that touches the sandbox.
"""

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx
import pytest

from sandbox.server import Sandbox
from sandbox.settings import SandboxSettings

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout_s: float = 5.0) -> T:
    """Poll until probe returns something other than None, or fail at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await probe()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout_s}s")
        await asyncio.sleep(0.02)


class Receiver:
    """Stands in for intake's POST /v1/agency-decisions: records what arrives, answers 202 (or a set status)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status_for_case: dict[str, int] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.received.append({"path": self.path, "apiKey": self.headers["X-Api-Key"], "body": body,
                                          "monotonic": time.monotonic()})
                status = receiver.status_for_case.get(body.get("caseNumber"), 202)
                answer = json.dumps({"accepted": status == 202}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def for_case(self, case_number: str) -> list[dict[str, Any]]:
        return [r for r in list(self.received) if r["body"].get("caseNumber") == case_number]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def sandbox_settings(intake_url: str, **overrides: Any) -> SandboxSettings:
    defaults: dict[str, Any] = {
        "http_port": free_port(), "smtp_port": free_port(), "intake_url": intake_url,
        "agency_behaviour": "never", "agency_delay_seconds": 0.0,
        "callback_attempts": 3, "callback_backoff_seconds": 0.05, "callback_timeout_seconds": 2.0,
    }
    return SandboxSettings(**(defaults | overrides))


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(scope="session")
async def sandbox(receiver: Receiver) -> AsyncIterator[Sandbox]:
    running = Sandbox(sandbox_settings(receiver.url))
    await running.start()
    yield running
    await running.stop()


@pytest.fixture(scope="session")
async def session_client(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.http_url, timeout=10) as client:
        yield client


@pytest.fixture
async def client(session_client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    yield session_client
    (await session_client.delete("/control/faults")).raise_for_status()
    (await session_client.delete("/control/agencies")).raise_for_status()
