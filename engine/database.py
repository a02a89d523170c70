"""Which database the engine keeps its state in, read from the JDBC URL it is given: an H2 file (the default,
under the run folder) or PostgreSQL. Backup and restore work on what this says."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from engine.errors import EngineError
from engine.settings import EngineSettings

H2_SUFFIX = ".mv.db"  # H2's MVStore file; the JDBC URL names the database without it
LIBPQ_PARAMETERS = ("sslmode", "sslrootcert", "connect_timeout", "application_name")  # JDBC and libpq agree on these


@dataclass(frozen=True)
class H2File:
    name: Path  # as in the URL, made absolute: <folder>/<name>, the file being <folder>/<name>.mv.db

    @property
    def file(self) -> Path:
        return self.name.with_name(self.name.name + H2_SUFFIX)


@dataclass(frozen=True)
class PostgreSQL:
    uri: str  # libpq's form, postgresql://host:port/database, without credentials
    user: str
    password: str

    @property
    def environment(self) -> dict[str, str]:
        """For pg_dump and pg_restore: the password through the environment, never on a command line."""
        return {"PGPASSWORD": self.password, "PGCONNECT_TIMEOUT": "10"}


def database_of(settings: EngineSettings) -> H2File | PostgreSQL:
    url = settings.jdbc_url
    if url.startswith("jdbc:h2:"):
        return h2_file(url.removeprefix("jdbc:h2:"), settings.run_dir)
    if url.startswith("jdbc:postgresql:"):
        return postgresql(url.removeprefix("jdbc:"), settings.datasource_user,
                          settings.datasource_password.get_secret_value())
    raise EngineError(f"backup and restore know H2 and PostgreSQL, not {url.split(':')[1]!r} "
                      "(ENGINE_DATASOURCE_URL)")


def h2_file(location: str, run_dir: Path) -> H2File:
    """`file:<path>;OPTIONS` or `<path>`; a relative path is the engine's working folder's (the run folder)."""
    path = location.split(";", 1)[0].removeprefix("file:")
    if path.startswith(("mem:", "tcp:", "ssl:", "zip:")) or not path:
        raise EngineError(f"the H2 database {path!r} is not a local file; only a file database can be backed up")
    name = Path(path).expanduser()
    return H2File(name if name.is_absolute() else (run_dir / name).resolve())


def postgresql(url: str, user: str, password: str) -> PostgreSQL:
    """`postgresql://host[:port]/database[?options]` or `postgresql:database`; user and password in the URL win."""
    if not url.startswith("postgresql://"):
        url = "postgresql://localhost/" + url.removeprefix("postgresql:").lstrip("/")
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    kept = urlencode({key: value for key, value in options.items() if key in LIBPQ_PARAMETERS})
    uri = f"postgresql://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}" + (f"?{kept}" if kept else "")
    return PostgreSQL(uri, options.get("user", user), options.get("password", password))
