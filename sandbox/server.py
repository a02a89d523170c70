"""Run the sandbox in the current event loop: uvicorn for HTTP, aiosmtpd for SMTP. Used by __main__ and tests."""

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator

import structlog
import uvicorn

from sandbox.app import create_app
from sandbox.mail import start_smtp
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState

log = structlog.get_logger("sandbox")


def bound_socket(host: str, port: int) -> socket.socket:
    """Bind here so a taken port is a clear OSError, not uvicorn's sys.exit inside a task. IPPROTO_TCP explicitly:
    asyncio sets TCP_NODELAY only on sockets that say so (else each keep-alive answer waits ~40 ms)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise OSError(f"sandbox: cannot listen on {host}:{port}: {error.strerror}") from error
    return sock


class HttpServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Signals are the owner's business: __main__ stops the whole sandbox, tests keep their Ctrl-C."""
        yield


class Sandbox:
    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self.state = SandboxState.create(settings)
        config = uvicorn.Config(create_app(self.state), log_config=None, access_log=False, lifespan="off")
        self._http = HttpServer(config)
        self._serving: asyncio.Task[None] | None = None
        self._smtp: asyncio.Server | None = None

    @property
    def http_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.http_port}"

    async def start(self, timeout_s: float = 10.0) -> None:
        sock = bound_socket(self.settings.host, self.settings.http_port)
        try:
            self._smtp = await start_smtp(self.state, self.settings.host, self.settings.smtp_port)
        except OSError as error:
            sock.close()
            where = f"{self.settings.host}:{self.settings.smtp_port}"
            raise OSError(f"sandbox: cannot listen for SMTP on {where}: {error.strerror or error}") from error
        self._serving = asyncio.create_task(self._http.serve(sockets=[sock]))
        deadline = time.monotonic() + timeout_s
        while not self._http.started:
            if self._serving.done() or time.monotonic() > deadline:
                await self.stop()
                raise RuntimeError(f"sandbox: HTTP server did not start on {self.http_url}")
            await asyncio.sleep(0.02)
        log.info("sandbox.started", http=self.http_url, smtp=f"{self.settings.host}:{self.settings.smtp_port}",
                 intake=self.settings.intake_url, citizens=len(self.state.citizens))

    async def wait(self, stop: asyncio.Event) -> None:
        """Until stop is set, or the HTTP server ends on its own."""
        if self._serving is None:
            return
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([stopping, self._serving], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()

    async def stop(self) -> None:
        self._http.should_exit = True
        if self._serving is not None:
            await asyncio.gather(self._serving, return_exceptions=True)
        if self._smtp is not None:
            self._smtp.close()
            await self._smtp.wait_closed()
        await self.state.desk.close()
        log.info("sandbox.stopped")
