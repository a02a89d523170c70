"""`python -m engine backup [--to FILE]` and `restore FILE`: the engine's database, H2 (engine/backup_h2.py) or
PostgreSQL (engine/backup_postgresql.py), whichever its JDBC URL names (engine/database.py).

A backup is taken while the engine runs (H2 online through the engine; pg_dump), or, for H2, from the file while
it is stopped. It is written 0600 through a temporary file renamed once complete, by default beside the run folder
(.cache/backups/), not in it: `engine reset` deletes the run folder.

Restore stops the engine this launcher started (one it did not start must be stopped first; on PostgreSQL every
engine node on the database), puts the backup in place and starts the engine again if it was running, also
when the restore failed (then on the database as it was).
"""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from engine import backup_h2, backup_postgresql, launcher, process
from engine.database import H2File, PostgreSQL, database_of
from engine.errors import EngineError
from engine.settings import EngineSettings
from observability.private_files import private_folder, private_output

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Restored:
    database: str
    kept: Path | None  # H2: the database file the backup replaced
    restarted: bool


def default_target(database: H2File | PostgreSQL, run_dir: Path, now: datetime) -> Path:
    name = f"engine-h2-{now:%Y%m%dT%H%M%SZ}.zip" if isinstance(database, H2File) else \
        f"engine-postgresql-{now:%Y%m%dT%H%M%SZ}.dump"
    return run_dir.parent / "backups" / name


async def backup(settings: EngineSettings, target: Path | None = None) -> tuple[Path, str]:
    """Write the backup to `target` (0600); returns it and how it was taken: pg_dump, online or offline."""
    database = database_of(settings)
    target = (target or default_target(database, settings.run_dir, datetime.now(UTC))).absolute()
    private_folder(target.parent)
    with private_output(target) as out:
        if isinstance(database, PostgreSQL):
            backup_postgresql.dump(database, out)
            return target, "pg_dump"
        if await launcher.is_ready(settings):
            await backup_h2.online(settings, out)
            return target, "online"
        if process.started_pid(settings) is not None:
            raise EngineError("the engine is starting or stopping; back up once it is ready or stopped")
        backup_h2.offline(database, out)
        return target, "offline"


async def restore(settings: EngineSettings, source: Path) -> Restored:
    database = database_of(settings)
    check_kind(database, source)
    ours = process.started_pid(settings) is not None
    if not ours and await launcher.is_ready(settings):
        raise EngineError(f"an engine this launcher did not start answers at {settings.url}: stop it (and, on "
                          "PostgreSQL, every other engine node on the database) before restoring")
    if ours:
        await asyncio.to_thread(launcher.down, settings)
    try:
        if isinstance(database, PostgreSQL):
            backup_postgresql.restore(database, source)
            return Restored(database.uri, None, ours)
        return Restored(str(database.file), backup_h2.restore(database, source), ours)
    finally:
        if ours:
            await launcher.up(settings)


def check_kind(database: H2File | PostgreSQL, source: Path) -> None:
    """The file is a backup of the kind of database the engine uses, before anything is stopped."""
    if not source.is_file():
        raise EngineError(f"no backup file {source}")
    with source.open("rb") as handle:
        head = handle.read(len(backup_postgresql.MAGIC))
    postgresql = isinstance(database, PostgreSQL)
    if not head.startswith(backup_postgresql.MAGIC if postgresql else ZIP_MAGIC):
        kind = "PostgreSQL (pg_dump)" if postgresql else "H2 (zip)"
        raise EngineError(f"{source} is not a {kind} backup, the kind of database the engine uses")
    if not postgresql:
        backup_h2.check(source)
