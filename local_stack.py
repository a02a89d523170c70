"""The local stack's facts, defined once: ports, URLs and the development accounts of each component.

Settings, the launcher, the demo scripts (through `python -m local_stack`) and compose's defaults read
them from here. The passwords are development placeholders (prefix `sandbox-`): every component refuses
them outside development. Secrets come from the environment, or from files (`<VARIABLE>_FILE`, SecretFiles).
"""

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

HOST = "127.0.0.1"
ENGINE_PORT = 8080
INTAKE_PORT = 8070
SANDBOX_PORT = 8090
SANDBOX_SMTP_PORT = 8025
WORKERS_METRICS_PORT = 9464

ENGINE_URL = f"http://{HOST}:{ENGINE_PORT}"
ENGINE_REST_URL = f"{ENGINE_URL}/engine-rest"
INTAKE_URL = f"http://{HOST}:{INTAKE_PORT}"
SANDBOX_URL = f"http://{HOST}:{SANDBOX_PORT}"

PLACEHOLDER_PREFIX = "sandbox-"
PORTAL_KEY = "sandbox-portal-key"  # the e-Mongolia portal's key at intake


@dataclass(frozen=True)
class Account:
    """An engine user: a component's service account, or a person."""

    user: str
    password: SecretStr


# Service accounts, each with only the permissions it needs (engine/access.py grants them).
WORKERS_ACCOUNT = Account("esra-workers", SecretStr("sandbox-workers-password"))
INTAKE_ACCOUNT = Account("esra-intake", SecretStr("sandbox-intake-password"))
REPORTS_ACCOUNT = Account("esra-reports", SecretStr("sandbox-reports-password"))
# The administrator (Cockpit, Admin, deployments); `demo` exists only in development.
ADMIN_USER = "demo"
STAFF_PASSWORD = "demo"  # development only: every staff user's password


def is_placeholder(secret: str) -> bool:
    return not secret.strip() or secret.startswith(PLACEHOLDER_PREFIX) or secret.strip().lower() in {"demo", "admin"}


class SecretFiles(EnvSettingsSource):
    """`<VARIABLE>_FILE=<path>` sets a setting from that file's content, trailing newline dropped: Docker and
    Kubernetes secrets, systemd's credentials. Nested settings too (`WORKERS_SYSTEMS__XYP_TOKEN_FILE`). The
    variable itself, when set as well, wins (as pydantic-settings ranks the environment above its secrets_dir)."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        prefix = self.env_prefix if self.case_sensitive else self.env_prefix.lower()
        values: dict[str, str | None] = {}
        for name, path in os.environ.items():
            variable = name.removesuffix("_FILE")
            key = variable if self.case_sensitive else variable.lower()
            if variable == name or not key.startswith(prefix):
                continue
            try:
                values[key] = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as error:
                raise ValueError(f"{name}: cannot read {path}: {error.strerror}") from error
        return values


class ComponentSettings(BaseSettings):
    """A component's settings: init arguments, then the environment, then `<VARIABLE>_FILE`, then defaults. A
    refusal never shows the values it was given (they hold secrets)."""

    model_config = SettingsConfigDict(hide_input_in_errors=True)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, SecretFiles(settings_cls), dotenv_settings, file_secret_settings


def refusal(error: ValueError) -> str:
    """Why settings were refused, in one line naming each field (the values are never shown)."""
    if not isinstance(error, ValidationError):
        return str(error)
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg'].removeprefix('Value error, ')}"
                     for e in error.errors(include_url=False))


def main(argv: list[str]) -> int:
    """`python -m local_stack NAME`: print one fact (for shell scripts)."""
    facts = {"intake-url": INTAKE_URL, "sandbox-url": SANDBOX_URL, "engine-url": ENGINE_URL, "portal-key": PORTAL_KEY}
    if len(argv) != 1 or argv[0] not in facts:
        print(f"usage: python -m local_stack {{{'|'.join(facts)}}}", file=sys.stderr)
        return 2
    print(facts[argv[0]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
