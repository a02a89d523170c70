"""Sandbox settings from the environment (SANDBOX_*), or constructed directly in tests."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from local_stack import HOST, INTAKE_URL, SANDBOX_PORT, SANDBOX_SMTP_PORT, ComponentSettings, is_placeholder

Decision = Literal["approve", "reject", "need-info"]
Behaviour = Literal["approve", "reject", "need-info", "never"]

# The agencies whose systems the sandbox plays, with the name each signs its decisions with.
AGENCY_NAMES = {
    "state-registration": "Улсын бүртгэлийн ерөнхий газар",
    "land-agency": "Газар зохион байгуулалт, геодези, зураг зүйн газар",
    "tax-authority": "Татварын ерөнхий газар",
    "police": "Цагдаагийн ерөнхий газар",
    "social-insurance": "Нийгмийн даатгалын ерөнхий газар",
    "capital-governor": "Нийслэлийн Засаг даргын Тамгын газар",
    "specialized-inspection": "Мэргэжлийн хяналтын ерөнхий газар",
}


def keys(template: str) -> dict[str, SecretStr]:
    return {agency: SecretStr(template.format(agency=agency)) for agency in AGENCY_NAMES}


class SandboxSettings(ComponentSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOX_", env_nested_delimiter="__")

    environment: Literal["development", "production"] = "development"
    host: str = HOST
    http_port: int = SANDBOX_PORT
    smtp_port: int = SANDBOX_SMTP_PORT

    xyp_token: SecretStr = SecretStr("sandbox-xyp-token")
    # The key each agency's system expects from the workers (same defaults as workers.systems).
    agency_api_keys: dict[str, SecretStr] = keys("sandbox-{agency}-key")
    # Where agencies send their decisions, and the key each uses there (same defaults as intake.settings).
    intake_url: str = INTAKE_URL
    intake_api_keys: dict[str, SecretStr] = keys("sandbox-intake-{agency}-key")

    # How every agency answers until told otherwise (PUT /control/agencies/{id}).
    agency_behaviour: Behaviour = "approve"
    agency_delay_seconds: float = Field(default=5.0, ge=0)
    callback_attempts: int = Field(default=4, ge=1)
    callback_backoff_seconds: float = Field(default=1.0, ge=0)
    callback_timeout_seconds: float = Field(default=5.0, gt=0)

    random_seed: int = 1921
    citizens_path: Path = Path(__file__).resolve().parent / "data" / "citizens.yaml"
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"

    @model_validator(mode="after")
    def no_placeholder_secrets_outside_development(self) -> "SandboxSettings":
        """A stand-in run beside real systems (a training or staging environment) needs its own keys too."""
        secrets = {"xyp_token": self.xyp_token} | {f"agency_api_keys.{a}": k for a, k in self.agency_api_keys.items()}
        secrets |= {f"intake_api_keys.{a}": k for a, k in self.intake_api_keys.items()}
        placeholders = [name for name, secret in secrets.items() if is_placeholder(secret.get_secret_value())]
        if self.environment != "development" and placeholders:
            raise ValueError(f"sandbox placeholder secrets outside development: {', '.join(placeholders)}")
        return self
