"""Personal data at rest: the folders and files of databases and uploads are readable only by the account that
runs the component (folders 0700, files 0600), whatever the umask, and what an earlier start left open is
tightened when the component starts again."""

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Create the folder 0700 when missing (its missing parents as the umask says); an existing one is left as
    it is, since it may be shared (a database file's folder can be /tmp or a volume's root)."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    return path


def private_file(path: Path) -> Path:
    """Create an empty file 0600 when missing (before SQLite opens it: SQLite gives its journals the database
    file's mode), or tighten an existing one."""
    private_folder(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    tighten(path, FILE_MODE)
    return path


@contextmanager
def private_output(target: Path) -> Iterator[Path]:
    """A new file beside `target`, 0600, to write; renamed to `target` once the block succeeds, removed if not
    (a reader never sees half a file)."""
    partial = target.with_name(f".{target.name}.part")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def private_tree(root: Path) -> Path:
    """A folder that holds only this component's data (uploads, the engine's run folder): created 0700 when
    missing, else every folder in it tightened to 0700 and every file to 0600."""
    private_folder(root)
    tighten(root, FOLDER_MODE)
    for folder, subfolders, files in os.walk(root):
        for name in subfolders:
            tighten(Path(folder, name), FOLDER_MODE)
        for name in files:
            tighten(Path(folder, name), FILE_MODE)
    return root


def tighten(path: Path, mode: int) -> None:
    """chmod to `mode` unless it has it; never through a symbolic link, never a shared sticky folder such as /tmp,
    never what another account owns."""
    try:
        found = path.lstat()
    except FileNotFoundError:
        return
    current = found.st_mode
    if stat.S_ISLNK(current) or current & stat.S_ISVTX or found.st_uid != os.geteuid():
        return
    if stat.S_IMODE(current) != mode:
        os.chmod(path, mode)
