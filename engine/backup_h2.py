"""H2's side of backup and restore (engine/backup.py): a zip holding the database file `<name>.mv.db`, as H2's
`BACKUP TO` writes it.

Online, the running engine writes it (`POST /esra-admin/backup`, engine/app DatabaseBackup.java: consistent while
the engine keeps working; administrator only). Offline, the file is zipped here while holding the lock H2 takes
on it, so no engine opens it meanwhile and a database an engine holds is refused. Restore extracts beside the
database and swaps, keeping the file it replaces as `.before-restore`.
"""

import fcntl
import os
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import httpx

from engine.database import H2_SUFFIX, H2File
from engine.errors import EngineError
from engine.settings import EngineSettings
from observability.private_files import FILE_MODE, private_folder, private_output, tighten

BACKUP_PATH = "/esra-admin/backup"
CHUNK = 1024 * 1024


async def online(settings: EngineSettings, out: Path) -> None:
    auth = (settings.admin_user, settings.admin_password.get_secret_value())
    async with (httpx.AsyncClient(timeout=httpx.Timeout(30, read=600), auth=auth) as http,
                http.stream("POST", settings.url + BACKUP_PATH) as response):
        if response.status_code != 200:
            await response.aread()
            raise EngineError(refusal(response))
        with out.open("wb") as file:
            async for chunk in response.aiter_bytes(CHUNK):
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
    check(out)


def refusal(response: httpx.Response) -> str:
    if response.status_code == 404:
        return ("the running engine has no backup endpoint (it was built before it): restart it with "
                "`python -m engine down` and `up`, or back up while it is stopped")
    return f"the engine refused the backup ({response.status_code}): {response.text[:200]}"


def offline(database: H2File, out: Path) -> None:
    with unused(database) as handle:
        if handle is None:
            raise EngineError(f"no H2 database at {database.file} to back up")
        info = zipfile.ZipInfo.from_file(database.file, database.file.name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(out, "w") as archive, archive.open(info, "w", force_zip64=True) as entry:
            shutil.copyfileobj(handle, entry, CHUNK)


def restore(database: H2File, source: Path) -> Path | None:
    """Put the backup in place; returns where the file it replaced is kept (None when there was none)."""
    private_folder(database.file.parent)
    kept = database.file.with_name(database.file.name + ".before-restore")
    with private_output(database.file) as partial:
        with zipfile.ZipFile(source) as archive, archive.open(entry_of(archive)) as entry, \
                partial.open("wb") as file:
            shutil.copyfileobj(entry, file, CHUNK)
            file.flush()
            os.fsync(file.fileno())
        with unused(database) as current:
            if current is None:
                return None
            os.replace(database.file, kept)
    tighten(kept, FILE_MODE)
    return kept


def check(source: Path) -> None:
    """A readable zip with exactly one H2 database file in it."""
    with zipfile.ZipFile(source) as archive:
        broken = archive.testzip()
        if broken is not None:
            raise EngineError(f"{source} is damaged: {broken} does not match its checksum")
        entry_of(archive)


def entry_of(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    entries = [entry for entry in archive.infolist() if entry.filename.endswith(H2_SUFFIX)]
    if len(entries) != 1:
        raise EngineError(f"not an H2 backup: the zip holds {len(entries)} {H2_SUFFIX} files, not one")
    return entries[0]


@contextmanager
def unused(database: H2File) -> Iterator[BinaryIO | None]:
    """The database file, locked as H2 locks it (None when there is no file); refused while an engine has it."""
    if not database.file.is_file():
        yield None
        return
    with database.file.open("rb") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as busy:
            raise EngineError(f"{database.file} is open in a running engine (one this launcher did not start?); "
                              "stop it first") from busy
        yield handle  # read through this handle: closing another one of the file would drop the lock
