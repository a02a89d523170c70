"""PostgreSQL's side of backup and restore (engine/backup.py): `pg_dump --format=custom`, a consistent snapshot
while the engine runs, and `pg_restore --clean --single-transaction`, all or nothing. The password reaches them
through the environment, never a command line; what they write is private (umask 077)."""

import os
import shutil
import subprocess
from pathlib import Path

from engine.database import PostgreSQL
from engine.errors import EngineError
from engine.process import PRIVATE_UMASK

MAGIC = b"PGDMP"  # the custom format's first bytes


def dump(database: PostgreSQL, out: Path) -> None:
    run(database, "pg_dump", "--format=custom", f"--file={out}")


def restore(database: PostgreSQL, source: Path) -> None:
    """Every object of the dump dropped and created again from it, in one transaction."""
    run(database, "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
        "--exit-on-error", str(source))


def run(database: PostgreSQL, program: str, *arguments: str) -> None:
    result = subprocess.run(
        [tool(program), *arguments, f"--dbname={database.uri}", f"--username={database.user}"],
        env={**os.environ, **database.environment}, capture_output=True, text=True, check=False,
        umask=PRIVATE_UMASK)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()[-6:]
        raise EngineError(f"{program} failed:\n" + "\n".join(lines))


def tool(name: str) -> str:
    """On PATH, else Debian's newest /usr/lib/postgresql/<version>/bin."""
    debian = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: p.parts[-3].zfill(4))
    found = shutil.which(name) or (str(debian[-1]) if debian else None)
    if found is None:
        raise EngineError(f"{name} not found: install PostgreSQL's client programs (apt-get install postgresql-client)")
    return found
