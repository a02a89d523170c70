"""Data at rest is readable only by the account that runs it: intake's database and uploads, the workers' outbox
and the engine's run folder are 0700 folders holding 0600 files, when created and after a start on what an
earlier version left open. (The engine's own H2 files after a real start: tests/process/test_backup_restore.py.)"""

import io
import os
import stat
from pathlib import Path

import httpx
from fastapi import UploadFile
from starlette.datastructures import Headers

from engine import process
from engine.java import JavaHome
from engine.settings import EngineSettings
from intake.app import create_app
from intake.settings import IntakeSettings
from intake.uploads import store, stored_path
from observability.private_files import private_tree
from tests.unit.test_outbox import TEST_CATALOG, FakeEngine
from workers.clients.outbox import Outbox

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(root: Path) -> dict[str, int]:
    """Every folder and file under root (root included, as "."), with its permission bits."""
    found = {".": mode(root)}
    found.update({str(path.relative_to(root)): mode(path) for path in root.rglob("*")})
    return found


def left_open(path: Path, content: bytes = b"") -> Path:
    """A file as an earlier version wrote it: readable by everyone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    path.chmod(0o644)
    path.parent.chmod(0o755)
    return path


async def test_intake_creates_its_database_and_upload_folder_private(tmp_path: Path) -> None:
    settings = IntakeSettings(catalog_dir=TEST_CATALOG, database_path=tmp_path / "data" / "intake.sqlite",
                              upload_dir=tmp_path / "uploads")
    app = create_app(settings, FakeEngine())
    async with (app.router.lifespan_context(app),
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client):
        assert (await client.get("/health")).status_code == 200
        stored = await store(UploadFile(io.BytesIO(PNG), headers=Headers({"content-type": "image/png"})),
                             settings.upload_dir, 1024, {"image/png"})

    assert modes(tmp_path / "data") == {".": 0o700, "intake.sqlite": 0o600}
    assert stored_path(settings.upload_dir, stored.sha256).read_bytes() == PNG
    assert modes(settings.upload_dir) == {".": 0o700, stored.sha256[:2]: 0o700,
                                          f"{stored.sha256[:2]}/{stored.sha256}": 0o600}


async def test_intake_tightens_what_an_earlier_start_left_open(tmp_path: Path) -> None:
    database = left_open(tmp_path / "data" / "intake.sqlite")
    upload = left_open(tmp_path / "uploads" / "ab" / ("ab" + "0" * 62), PNG)
    (tmp_path / "uploads").chmod(0o755)
    settings = IntakeSettings(catalog_dir=TEST_CATALOG, database_path=database, upload_dir=tmp_path / "uploads")

    app = create_app(settings, FakeEngine())
    async with app.router.lifespan_context(app):
        pass

    assert mode(database) == 0o600
    assert mode(tmp_path / "data") == 0o755, "a database's folder may be shared (/tmp, a volume): left as it is"
    assert modes(tmp_path / "uploads") == {".": 0o700, "ab": 0o700, f"ab/{upload.name}": 0o600}
    assert upload.read_bytes() == PNG


def test_the_workers_outbox_is_private_new_or_old(tmp_path: Path) -> None:
    Outbox(tmp_path / "new" / "outbox.sqlite").mark_sent("message-1")
    old = Outbox(left_open(tmp_path / "old" / "outbox.sqlite"))
    old.mark_sent("message-2")

    assert modes(tmp_path / "new") == {".": 0o700, "outbox.sqlite": 0o600}
    assert mode(tmp_path / "old" / "outbox.sqlite") == 0o600
    assert old.was_sent("message-2")


def test_the_engine_starts_with_a_private_run_folder_and_umask(tmp_path: Path) -> None:
    """A stand-in JVM writes a folder and a file in its working folder, as H2 does: both private."""
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text("#!/bin/sh\nmkdir h2 && echo data > h2/engine.mv.db\n")
    java.chmod(0o755)
    run_dir = tmp_path / "run"
    left_open(run_dir / "engine.log", b"an earlier start\n")
    left_open(run_dir / "h2-old" / "engine.mv.db")
    settings = EngineSettings(run_dir=run_dir, port=1)

    pid = process.start(settings, JavaHome(home, 25), tmp_path / "engine.jar")
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert (run_dir / "h2" / "engine.mv.db").read_text() == "data\n"
    assert modes(run_dir) == {".": 0o700, "engine.log": 0o600, "engine.pid": 0o600, "h2": 0o700,
                              "h2/engine.mv.db": 0o600, "h2-old": 0o700, "h2-old/engine.mv.db": 0o600}


def test_a_shared_sticky_folder_is_never_tightened(tmp_path: Path) -> None:
    """An upload folder set to /tmp by mistake: /tmp stays usable by everyone; what is ours in it is tightened."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    ours = left_open(shared / "ab" / "upload")

    private_tree(shared)

    assert modes(shared) == {".": 0o1777, "ab": 0o700, "ab/upload": 0o600}
    assert ours.exists()
