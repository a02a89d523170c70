"""A PostgreSQL server of the project's own, from Debian's `postgresql` package: its data folder under
.cache/postgres, its own port, its own password (generated at first start, readable by this account only).
PostgreSQL's server programs refuse root: as root, the folder and the server belong to the `postgres` account.
"""

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.errors import EngineError
from observability.private_files import FILE_MODE

DATABASE, INTAKE_DATABASE, USER = "engine", "intake", "esra"  # the engine's tables, intake's (its replicas')
SERVER_ACCOUNT = "postgres"


def reachable_temp_folder(prefix: str = "esra-pg-") -> Path:
    """A temporary folder other accounts may pass through, for a server's data: as root, PostgreSQL runs as its own
    account, and most temporary folders (pytest's, the benchmark's) are closed to it. The caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


def server_programs() -> Path:
    """The newest installed version's bin folder (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise EngineError("PostgreSQL's server programs are not installed: run `make setup` (it installs Debian's "
                          "postgresql package) or `apt-get install postgresql`")
    return found[-1].parent


@dataclass(frozen=True)
class LocalPostgres:
    folder: Path
    port: int
    host: str = "127.0.0.1"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def password_file(self) -> Path:
        return self.folder / "password"

    @property
    def jdbc_url(self) -> str:
        return f"jdbc:postgresql://{self.host}:{self.port}/{DATABASE}"

    def uri(self, database: str = INTAKE_DATABASE, password: str | None = None) -> str:
        """libpq's form with the password (or what stands for it): intake's INTAKE_DATABASE_URL."""
        secret = self.password if password is None else password
        return f"postgresql://{USER}:{secret}@{self.host}:{self.port}/{database}"

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    def start(self) -> None:
        """Create the cluster and database at first start; start the server unless it runs."""
        bin_dir = server_programs()
        if not (self.data / "PG_VERSION").is_file():
            self._create(bin_dir)
        if not self.is_running():
            self._server(bin_dir / "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                         "start", "-o", f"-p {self.port} -k {self.folder} -c listen_addresses={self.host}")
        self._ensure_database(bin_dir)

    def stop(self) -> bool:
        if not self.is_running():
            return False
        self._server(server_programs() / "pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        return True

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").is_file() and subprocess.run(
            [str(server_programs() / "pg_isready"), "-h", self.host, "-p", str(self.port)],
            capture_output=True, timeout=10).returncode == 0

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _create(self, bin_dir: Path) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, mode=0o700)
        with open(os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "w") as file:
            file.write(secrets.token_urlsafe(24))
        if os.geteuid() == 0:  # the server account owns the cluster; the password file stays ours
            owner = pwd.getpwnam(SERVER_ACCOUNT)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            password = self.folder.parent / f".{self.folder.name}-password"
            shutil.copyfile(self.password_file, password)
            os.chown(password, owner.pw_uid, owner.pw_gid)
        else:
            password = self.password_file
        try:
            self._server(bin_dir / "initdb", "-D", str(self.data), "-U", USER, f"--pwfile={password}",
                         "-A", "scram-sha-256", "-E", "UTF8")
        finally:
            if password != self.password_file:
                password.unlink()

    def _ensure_database(self, bin_dir: Path) -> None:
        env = {**os.environ, "PGPASSWORD": self.password}
        address = ["-h", self.host, "-p", str(self.port), "-U", USER]
        listed = subprocess.run([str(bin_dir / "psql"), *address, "-d", "postgres", "-tAc",
                                 "SELECT datname FROM pg_database"], env=env, capture_output=True, text=True,
                                timeout=30)
        if listed.returncode != 0:
            raise EngineError(f"PostgreSQL on port {self.port} refused us: {listed.stderr.strip()[:300]}")
        for database in {DATABASE, INTAKE_DATABASE} - set(listed.stdout.split()):
            subprocess.run([str(bin_dir / "createdb"), *address, database], env=env, check=True,
                           capture_output=True, timeout=30)

    def _server(self, program: Path, *arguments: str) -> None:
        as_server = ["runuser", "-u", SERVER_ACCOUNT, "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*as_server, str(program), *arguments], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise EngineError(f"{program.name} failed ({done.returncode}): {(done.stderr or done.stdout)[-500:]}")
