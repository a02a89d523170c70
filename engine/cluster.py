"""Cluster mode: N engine nodes sharing one PostgreSQL database (Operaton's nodes keep no state of their own:
jobs and external tasks are taken from the database with optimistic locking).

`ENGINE_DATABASE=postgres ENGINE_NODES=2 python -m engine up` starts the project's own PostgreSQL
(engine/postgres.py) unless ENGINE_DATASOURCE_URL names one, then node 1 (which sets up access and deploys),
then the other nodes side by side.
"""

import asyncio
from pathlib import Path

from pydantic import SecretStr

from engine import launcher
from engine.postgres import USER, LocalPostgres
from engine.settings import EngineSettings

NODE_PREFIX = "node-"


def local_postgres(settings: EngineSettings) -> LocalPostgres | None:
    """The project's own server, unless the settings name a database elsewhere."""
    if settings.datasource_url:
        return None
    return LocalPostgres(settings.postgres_dir, settings.postgres_port)


def node_run_dir(settings: EngineSettings, number: int) -> Path:
    return settings.run_dir / f"{NODE_PREFIX}{number}"


def nodes(settings: EngineSettings) -> list[EngineSettings]:
    """Node 1..N: the next port each, its own run folder, the shared database."""
    database: dict[str, object] = {}
    server = local_postgres(settings)
    if server is not None:
        database = {"datasource_url": server.jdbc_url, "datasource_user": USER,
                    "datasource_password": SecretStr(server.password if server.password_file.is_file() else "")}
    return [settings.model_copy(update={"port": settings.port + n - 1, "run_dir": node_run_dir(settings, n),
                                        **database})
            for n in range(1, settings.nodes + 1)]


async def up(settings: EngineSettings, deploy: bool = True) -> list[launcher.UpResult]:
    server = local_postgres(settings)
    if server is not None:
        await asyncio.to_thread(server.start)
    first, *others = nodes(settings)
    results = [await launcher.up(first, deploy=deploy)]  # creates the schema, sets up access, deploys
    results += await asyncio.gather(*(launcher.up(node, deploy=False, setup=False) for node in others))
    return results


def started_nodes(settings: EngineSettings) -> list[EngineSettings]:
    """Every node folder under the run folder, however many ENGINE_NODES says now."""
    found = sorted(settings.run_dir.glob(f"{NODE_PREFIX}*"), key=lambda p: int(p.name.removeprefix(NODE_PREFIX)))
    return [settings.model_copy(update={"run_dir": folder}) for folder in found
            if folder.name.removeprefix(NODE_PREFIX).isdigit()]


def down(settings: EngineSettings, hard: bool = False) -> list[str]:
    """Stop every node we started, then our PostgreSQL; what was stopped."""
    stopped = [node.run_dir.name for node in started_nodes(settings) if launcher.down(node, hard=hard)]
    server = local_postgres(settings)
    if server is not None and server.data.is_dir() and server.stop():
        stopped.append("postgresql")
    return stopped


def reset(settings: EngineSettings) -> None:
    """Stop everything and delete the nodes' folders and our PostgreSQL's data (not the built application)."""
    for node in started_nodes(settings):
        launcher.reset(node)
    server = local_postgres(settings)
    if server is not None:
        server.remove()
