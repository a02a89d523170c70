"""Backup and restore without an engine: which database a JDBC URL names, an H2 file backed up and restored while
the engine is stopped, and each refusal (wrong kind of backup, a database another process holds, an engine this
launcher did not start). The online paths, H2 and PostgreSQL: tests/process/test_backup_restore.py."""

import asyncio
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from engine import backup
from engine.database import H2File, PostgreSQL, database_of
from engine.errors import EngineError
from engine.settings import EngineSettings
from tests.servers import free_port


def settings_for(tmp_path: Path, **overrides: object) -> EngineSettings:
    return EngineSettings(run_dir=tmp_path / "engine", port=free_port(), **overrides)  # type: ignore[arg-type]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("", H2File(Path("/srv/engine/h2/engine"))),
     ("jdbc:h2:file:./data/engine;DB_CLOSE_ON_EXIT=FALSE", H2File(Path("/srv/engine/data/engine"))),
     ("jdbc:h2:/var/lib/esra/engine", H2File(Path("/var/lib/esra/engine"))),
     ("jdbc:postgresql://db.example:5433/engine?sslmode=require&currentSchema=x",
      PostgreSQL("postgresql://db.example:5433/engine?sslmode=require", "sa", "secret")),
     ("jdbc:postgresql://db.example/engine?user=operaton&password=other",
      PostgreSQL("postgresql://db.example/engine", "operaton", "other")),
     ("jdbc:postgresql:engine", PostgreSQL("postgresql://localhost/engine", "sa", "secret"))],
)
def test_the_jdbc_url_names_the_database(url: str, expected: H2File | PostgreSQL) -> None:
    settings = EngineSettings(run_dir=Path("/srv/engine"), datasource_url=url, datasource_password="secret")
    assert database_of(settings) == expected


@pytest.mark.parametrize(("url", "reason"), [("jdbc:h2:mem:engine", "not a local file"),
                                             ("jdbc:mysql://db/engine", "know H2 and PostgreSQL, not 'mysql'")])
def test_a_database_that_cannot_be_backed_up_is_named(url: str, reason: str) -> None:
    with pytest.raises(EngineError, match=reason):
        database_of(EngineSettings(datasource_url=url))


async def test_a_stopped_h2_engine_is_backed_up_and_restored_from_its_file(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    database = settings.run_dir / "h2" / "engine.mv.db"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"H:2,block:2,state-before-backup")

    written, how = await backup.backup(settings, tmp_path / "backups" / "engine.zip")
    database.write_bytes(b"H:2,block:9,state-after-backup")
    restored = await backup.restore(settings, written)

    assert how == "offline"
    assert (mode(written), mode(written.parent)) == (0o600, 0o700)
    assert zipfile.ZipFile(written).namelist() == ["engine.mv.db"]
    assert database.read_bytes() == b"H:2,block:2,state-before-backup"
    assert restored.kept == database.with_name("engine.mv.db.before-restore")
    assert restored.kept.read_bytes() == b"H:2,block:9,state-after-backup"
    assert (mode(database), mode(restored.kept), restored.restarted) == (0o600, 0o600, False)
    assert sorted(p.name for p in database.parent.iterdir()) == ["engine.mv.db", "engine.mv.db.before-restore"]


@pytest.mark.parametrize(("content", "reason"), [(b"PGDMP\x01\x0e", "not a H2 \\(zip\\) backup"),
                                                 (b"PK\x03\x04broken", "File is not a zip file")])
async def test_a_backup_of_another_kind_is_refused_and_nothing_changes(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    settings = settings_for(tmp_path)
    database = settings.run_dir / "h2" / "engine.mv.db"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"current")
    wrong = tmp_path / "wrong.backup"
    wrong.write_bytes(content)

    with pytest.raises((EngineError, zipfile.BadZipFile), match=reason):
        await backup.restore(settings, wrong)
    assert database.read_bytes() == b"current"


def test_an_h2_file_another_process_holds_is_neither_copied_nor_replaced(tmp_path: Path) -> None:
    """As a running engine holds it (H2 locks its file): a process this launcher did not start."""
    settings = settings_for(tmp_path)
    database = settings.run_dir / "h2" / "engine.mv.db"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"in use")
    zipped = tmp_path / "engine.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("engine.mv.db", b"from the backup")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys; f = open(sys.argv[1], 'r+b'); fcntl.lockf(f, fcntl.LOCK_EX); "
         "print('locked', flush=True); sys.stdin.read()", str(database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(EngineError, match="is open in a running engine"):
            asyncio.run(backup.backup(settings, tmp_path / "copy.zip"))
        with pytest.raises(EngineError, match="is open in a running engine"):
            asyncio.run(backup.restore(settings, zipped))
    finally:
        holder.communicate("")
    assert database.read_bytes() == b"in use"
    assert not (tmp_path / "copy.zip").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


class Ready(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@contextmanager
def foreign_engine(port: int) -> Iterator[None]:
    """Something that answers the readiness probe, with no PID file of ours: an engine started elsewhere."""
    server = ThreadingHTTPServer(("127.0.0.1", port), Ready)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


async def test_restore_refuses_while_an_engine_this_launcher_did_not_start_answers(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    zipped = tmp_path / "engine.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("engine.mv.db", b"from the backup")

    with foreign_engine(settings.port), pytest.raises(EngineError, match="did not start answers"):
        await backup.restore(settings, zipped)
    assert not (settings.run_dir / "h2" / "engine.mv.db").exists()
