"""Intake settings (INTAKE_*). Each caller has its own API key; sandbox keys and the development engine
password are refused in production."""

from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

import local_stack
from catalog.loader import load_agencies
from intake.outbox import OutboxPolicy

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class CallerKind(StrEnum):
    PORTAL = "portal"
    AGENCY = "agency"
    WORKERS = "workers"
    OPERATIONS = "operations"  # people and tools watching intake: the outbox of undelivered messages


class Caller(BaseModel):
    name: str
    kind: CallerKind
    key: SecretStr


def sandbox_callers(settings: dict[str, Any]) -> list[Caller]:
    """The development callers: the portal, the workers, operations and one key per catalogue agency."""
    callers = [
        Caller(name="e-mongolia-portal", kind=CallerKind.PORTAL, key=SecretStr(local_stack.PORTAL_KEY)),
        Caller(name="workers", kind=CallerKind.WORKERS, key=SecretStr("sandbox-workers-key")),
        Caller(name="operations", kind=CallerKind.OPERATIONS, key=SecretStr("sandbox-operations-key")),
    ]
    agencies = load_agencies(settings.get("catalog_dir", PROJECT_ROOT / "catalog"))
    callers += [Caller(name=a, kind=CallerKind.AGENCY, key=SecretStr(f"sandbox-intake-{a}-key")) for a in agencies]
    return callers


class IntakeSettings(local_stack.ComponentSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", env_nested_delimiter="__")

    environment: Literal["development", "production"] = "development"
    host: str = local_stack.HOST
    port: int = local_stack.INTAKE_PORT
    # the engine, as intake's own service account (correlate messages, look up instances by business key)
    engine_rest_url: str = local_stack.ENGINE_REST_URL
    engine_user: str = local_stack.INTAKE_ACCOUNT.user
    engine_password: SecretStr = local_stack.INTAKE_ACCOUNT.password
    database_path: Path = PROJECT_ROOT / ".cache" / "intake" / "intake.sqlite"  # cases, forwardings, outbox
    # PostgreSQL instead (postgresql://user:password@host:port/database): replicas share their state there
    database_url: SecretStr = SecretStr("")
    # every accepted message waits here until the engine takes it (TTLs, backoff: INTAKE_OUTBOX__BACKOFF_MAX=PT30S)
    outbox: OutboxPolicy = Field(default_factory=OutboxPolicy)
    catalog_dir: Path = PROJECT_ROOT / "catalog"
    callers: list[Caller] = Field(default_factory=sandbox_callers)  # agency keys from catalog_dir's agencies
    upload_dir: Path = PROJECT_ROOT / ".cache" / "intake" / "uploads"  # <dir>/<sha256[:2]>/<sha256>
    upload_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1)
    json_body_max_bytes: int = Field(default=64 * 1024, ge=1024)  # every JSON body; uploads: the file's limit + 16 KiB
    upload_types: list[str] = Field(default_factory=lambda: ["application/pdf", "image/jpeg", "image/png"])
    # staff open an upload from its check task through a signed link (no API key in a browser)
    public_url: str | None = None  # how staff reach intake; default: its own host and port
    upload_link_secret: SecretStr = SecretStr("sandbox-upload-link-secret")
    upload_link_days: int = Field(default=30, ge=1, le=365)

    @property
    def link_base(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @model_validator(mode="after")
    def no_sandbox_keys_in_production(self) -> "IntakeSettings":
        sandbox = [c.name for c in self.callers if c.key.get_secret_value().startswith(local_stack.PLACEHOLDER_PREFIX)]
        if self.upload_link_secret.get_secret_value().startswith(local_stack.PLACEHOLDER_PREFIX):
            sandbox.append("upload_link_secret")
        if local_stack.is_placeholder(self.engine_password.get_secret_value()):
            sandbox.append("engine_password")
        if self.environment == "production" and sandbox:
            raise ValueError(f"sandbox secrets in production for: {', '.join(sandbox)}")
        return self
