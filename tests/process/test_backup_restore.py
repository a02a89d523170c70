"""`python -m engine backup` and `restore` on an engine of this module's own (never the session's): an instance
waiting at a user task is backed up while the engine runs, the database is wiped or changed, the backup restored,
and the instance completes; what happened after the backup is gone. H2 always; PostgreSQL when its server
programs are installed (a private server in a temporary folder, on a free port, stopped afterwards)."""

import asyncio
import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from engine import launcher
from engine.postgres import USER
from engine.settings import PROJECT_ROOT, EngineSettings
from engine_client import EngineClient
from tests.history import History
from tests.servers import free_port, private_postgresql

pytestmark = pytest.mark.engine
RESOURCES = (PROJECT_ROOT / "tests" / "resources",)  # AccessCheckProcess: one user task


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def cli(settings: EngineSettings, *arguments: str) -> str:
    """`python -m engine ...` as a user runs it, configured for this engine through the environment."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ENGINE_")}
    env.update(ENGINE_RUN_DIR=str(settings.run_dir), ENGINE_PORT=str(settings.port),
               ENGINE_RESOURCE_DIRS=json.dumps([str(folder) for folder in settings.resource_dirs]),
               ENGINE_DATASOURCE_URL=settings.datasource_url, ENGINE_DATASOURCE_USER=settings.datasource_user,
               ENGINE_DATASOURCE_PASSWORD=settings.datasource_password.get_secret_value())
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "engine", *arguments, cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await command.communicate()
    assert command.returncode == 0, f"engine {arguments[0]} failed:\n{err.decode()}"
    return out.decode()


@contextlib.asynccontextmanager
async def own_engine(settings: EngineSettings) -> AsyncIterator[tuple[EngineClient, History]]:
    await launcher.up(settings)
    try:
        async with launcher.admin_client(settings) as api:
            yield api, History(api)
    finally:
        await asyncio.to_thread(launcher.down, settings)


async def waiting_review(api: EngineClient, history: History) -> tuple[str, str]:
    """An AccessCheckProcess instance at its user task: (instance id, task id)."""
    instance = str((await api.start("AccessCheckProcess", {"staffGroup": "quality-control"}))["id"])
    tasks = await history.wait_for(lambda: history.open_user_tasks(instance, "UserTask_ReviewCase"), "the task")
    return instance, tasks[0].id


async def known(api: EngineClient, instance: str) -> bool:
    return bool(await api.request("GET", "/history/process-instance", params={"processInstanceId": instance}))


async def complete_after_restore(api: EngineClient, history: History, instance: str, task: str) -> None:
    assert [t.id for t in await history.open_user_tasks(instance, "UserTask_ReviewCase")] == [task]
    await api.complete_task(task, {"approved": True})
    assert await history.wait_for(lambda: history.ended(instance), "the instance to end") == "completed"


async def test_an_h2_backup_taken_while_running_brings_a_waiting_instance_back_after_a_wipe(tmp_path: Path) -> None:
    settings = EngineSettings(run_dir=tmp_path / "engine", port=free_port(), resource_dirs=RESOURCES)
    backup = tmp_path / "backups" / "engine.zip"
    async with own_engine(settings) as (api, history):
        run_dir = settings.run_dir
        assert {name: mode(run_dir / name) for name in (".", "h2", "h2/engine.mv.db", "engine.log")} == {
            ".": 0o700, "h2": 0o700, "h2/engine.mv.db": 0o600, "engine.log": 0o600}
        instance, task = await waiting_review(api, history)

        said = await cli(settings, "backup", "--to", str(backup))

        assert f"backup (online) written to {backup}" in said
        assert (mode(backup), mode(backup.parent)) == (0o600, 0o700)
        assert zipfile.ZipFile(backup).namelist() == ["engine.mv.db"]
        assert list((run_dir / "backups").iterdir()) == [], "the engine's own copy is deleted once sent"
        after_backup, _ = await waiting_review(api, history)

        await asyncio.to_thread(launcher.down, settings)  # the wipe
        shutil.rmtree(run_dir / "h2")
        said = await cli(settings, "restore", str(backup))

        assert "start the engine with `python -m engine up`" in said
        assert mode(run_dir / "h2" / "engine.mv.db") == 0o600
        assert (await launcher.up(settings)).started
        assert not await known(api, after_backup), "what happened after the backup is not in it"
        await complete_after_restore(api, history, instance, task)


# PostgreSQL


async def test_a_postgresql_backup_restored_over_the_running_engine_brings_a_waiting_instance_back(
    tmp_path: Path
) -> None:
    with private_postgresql() as server:
        settings = EngineSettings(run_dir=tmp_path / "engine", port=free_port(), resource_dirs=RESOURCES,
                                  datasource_url=server.jdbc_url, datasource_user=USER,
                                  datasource_password=server.password)
        backup = tmp_path / "engine.dump"
        async with own_engine(settings) as (api, history):
            instance, task = await waiting_review(api, history)

            said = await cli(settings, "backup", "--to", str(backup))

            assert f"backup (pg_dump) written to {backup}" in said
            assert mode(backup) == 0o600
            assert backup.read_bytes().startswith(b"PGDMP")
            after_backup, _ = await waiting_review(api, history)

            said = await cli(settings, "restore", str(backup))

            assert "the engine is running again" in said
            assert await launcher.is_ready(settings)
            assert not await known(api, after_backup), "what happened after the backup is not in it"
            await complete_after_restore(api, history, instance, task)
