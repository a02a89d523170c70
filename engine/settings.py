"""Engine launcher settings: environment ENGINE_* (the engine application reads the same names), or
constructed directly in tests."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from local_stack import (
    ADMIN_USER,
    ENGINE_PORT,
    HOST,
    INTAKE_ACCOUNT,
    REPORTS_ACCOUNT,
    STAFF_PASSWORD,
    WORKERS_ACCOUNT,
    Account,
    ComponentSettings,
    is_placeholder,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# WRITE_DELAY=0: each commit is written to the file before the engine answers. H2's default (500 ms) lost the
# last committed instances when the engine was killed (tests/faults/test_engine_crash.py).
H2_OPTIONS = ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"


class EngineSettings(ComponentSettings):
    model_config = SettingsConfigDict(env_prefix="ENGINE_")

    environment: Literal["development", "production"] = "development"
    app_dir: Path = PROJECT_ROOT / "engine" / "app"
    cache_dir: Path = PROJECT_ROOT / ".cache" / "engine-build"  # the built application, reused while unchanged
    run_dir: Path = PROJECT_ROOT / ".cache" / "engine"  # database, log, PID file
    host: str = HOST
    port: int = ENGINE_PORT
    heap: str = "384m"
    # empty: an H2 file database under run_dir; else a JDBC URL (PostgreSQL) with user and password
    datasource_url: str = ""
    datasource_user: str = "sa"
    datasource_password: SecretStr = SecretStr("")
    admin_user: str = ADMIN_USER
    admin_password: SecretStr = SecretStr("demo")
    staff_password: SecretStr = SecretStr(STAFF_PASSWORD)  # every staff user: units and service centres
    # the service accounts' passwords (each component is configured with its own)
    workers_password: SecretStr = WORKERS_ACCOUNT.password
    intake_password: SecretStr = INTAKE_ACCOUNT.password
    reports_password: SecretStr = REPORTS_ACCOUNT.password
    start_timeout_s: float = 180.0
    # cluster mode: ENGINE_DATABASE=postgres ENGINE_NODES=2 starts a local PostgreSQL (unless datasource_url
    # names one) and that many nodes on it, on port, port + 1, …, each with its run folder <run_dir>/node-<n>
    database: Literal["h2", "postgres"] = "h2"
    nodes: int = Field(default=1, ge=1, le=8)
    postgres_port: int = 15432
    postgres_dir: Path = PROJECT_ROOT / ".cache" / "postgres"
    resource_dirs: tuple[Path, ...] = (PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms")
    catalog_dir: Path = PROJECT_ROOT / "catalog"

    @model_validator(mode="after")
    def no_default_passwords_outside_development(self) -> "EngineSettings":
        weak = [name for name in ("admin_password", "staff_password", "workers_password", "intake_password",
                                  "reports_password")
                if is_placeholder(getattr(self, name).get_secret_value())]
        if self.environment != "development" and weak:
            raise ValueError(f"default or empty password outside development: set ENGINE_{weak[0].upper()}")
        if self.nodes > 1 and self.database == "h2" and not self.datasource_url:
            raise ValueError("several engine nodes share one database: set ENGINE_DATABASE=postgres")
        return self

    @property
    def clustered(self) -> bool:
        """Nodes under <run_dir>/node-<n> on a shared database, rather than one engine on H2 in run_dir."""
        return self.database == "postgres" or self.nodes > 1

    @property
    def service_accounts(self) -> tuple[Account, ...]:
        return (Account(WORKERS_ACCOUNT.user, self.workers_password),
                Account(INTAKE_ACCOUNT.user, self.intake_password),
                Account(REPORTS_ACCOUNT.user, self.reports_password))

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def rest_url(self) -> str:
        return f"{self.url}/engine-rest"

    @property
    def readiness_url(self) -> str:
        return f"{self.url}/actuator/health/readiness"

    @property
    def tasklist_url(self) -> str:
        return f"{self.url}/operaton/app/tasklist/default/"

    @property
    def cockpit_url(self) -> str:
        return f"{self.url}/operaton/app/cockpit/default/"

    @property
    def jdbc_url(self) -> str:
        return self.datasource_url or f"jdbc:h2:file:{self.run_dir / 'h2' / 'engine'}{H2_OPTIONS}"

    @property
    def pid_path(self) -> Path:
        return self.run_dir / "engine.pid"

    @property
    def log_path(self) -> Path:
        return self.run_dir / "engine.log"
