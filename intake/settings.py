"""Intake settings (INTAKE_*). Each caller has its own API key; sandbox keys are refused in production."""

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workers.systems import PROJECT_ROOT, agency_ids


class CallerKind(StrEnum):
    PORTAL = "portal"
    AGENCY = "agency"
    WORKERS = "workers"


class Caller(BaseModel):
    name: str
    kind: CallerKind
    key: SecretStr


def sandbox_callers() -> list[Caller]:
    callers = [
        Caller(name="e-mongolia-portal", kind=CallerKind.PORTAL, key=SecretStr("sandbox-portal-key")),
        Caller(name="workers", kind=CallerKind.WORKERS, key=SecretStr("sandbox-workers-key")),
    ]
    callers += [Caller(name=a, kind=CallerKind.AGENCY, key=SecretStr(f"sandbox-intake-{a}-key")) for a in agency_ids()]
    return callers


class IntakeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", env_nested_delimiter="__")

    environment: Literal["development", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8070
    engine_rest_url: str = "http://127.0.0.1:8080"
    database_path: Path = PROJECT_ROOT / ".cache" / "intake" / "intake.sqlite"
    catalog_dir: Path = PROJECT_ROOT / "catalog"
    callers: list[Caller] = Field(default_factory=sandbox_callers)
    upload_dir: Path = PROJECT_ROOT / ".cache" / "intake" / "uploads"  # <dir>/<sha256[:2]>/<sha256>
    upload_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1)
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
        sandbox = [c.name for c in self.callers if c.key.get_secret_value().startswith("sandbox-")]
        if self.upload_link_secret.get_secret_value().startswith("sandbox-"):
            sandbox.append("upload_link_secret")
        if self.environment == "production" and sandbox:
            raise ValueError(f"sandbox secrets in production for: {', '.join(sandbox)}")
        return self
