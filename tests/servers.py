"""Run an ASGI app (intake) in the test's event loop on a given port."""

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from engine.errors import EngineError
from engine.postgres import LocalPostgres, reachable_temp_folder, server_programs
from intake.app import create_app
from intake.outbox import OutboxPolicy
from intake.settings import IntakeSettings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # leave Ctrl-C to pytest


class AppServer:
    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        self.url = f"http://{host}:{port}"
        self._server = LoopServer(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False))
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout_s: float = 10.0) -> None:
        self._task = asyncio.create_task(self._server.serve())
        async with asyncio.timeout(timeout_s):
            while not self._server.started:
                if self._task.done():
                    raise RuntimeError(f"server on {self.url} did not start")
                await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task:
            await self._task


@contextlib.asynccontextmanager
async def running_intake(port: int, engine_rest_url: str, catalog_dir: Path, folder: Path,
                         database_url: str = "") -> AsyncIterator[AppServer]:
    """Intake in this event loop, its uploads (and its SQLite database, unless `database_url`) under `folder`."""
    settings = IntakeSettings(port=port, engine_rest_url=engine_rest_url, catalog_dir=catalog_dir,
                              database_path=folder / "intake.sqlite", database_url=SecretStr(database_url),
                              upload_dir=folder / "uploads",
                              outbox=OutboxPolicy(backoff_max=timedelta(seconds=2)))  # a missed wait is retried soon
    server = AppServer(create_app(settings), settings.host, settings.port)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.contextmanager
def private_postgresql() -> Iterator[LocalPostgres]:
    """The launcher's own PostgreSQL (engine/postgres.py) in a temporary folder, on a free port."""
    try:
        server_programs()
    except EngineError as missing:
        pytest.skip(str(missing))
    folder = reachable_temp_folder()
    server = LocalPostgres(folder / "postgres", free_port())
    try:
        server.start()
        yield server
    finally:
        server.remove()
        shutil.rmtree(folder, ignore_errors=True)
