"""Worker settings from the environment (WORKERS_*), or constructed directly in tests."""

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workers.systems import Systems


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WORKERS_", env_nested_delimiter="__")

    environment: Literal["development", "production"] = "development"
    name: str = "esra-workers"
    gateway_address: str = "127.0.0.1:26500"
    channel: Literal["plain", "tls", "oauth"] = "plain"
    tls_root_certificate: Path | None = None
    oauth_client_id: str = ""
    oauth_client_secret: SecretStr = SecretStr("")
    oauth_token_url: str = ""
    oauth_audience: str = "zeebe-api"

    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"

    # Clients' HTTP timeout; every job timeout must exceed it (checked below).
    http_timeout_s: float = 10.0
    job_timeout_ms: int = 60_000
    task_timeouts_ms: dict[str, int] = {}
    max_running_jobs: int = 16
    poll_retry_delay_s: int = 1
    long_poll_ms: int = 10_000

    backoff_base_ms: int = 1_000
    backoff_max_ms: int = 5 * 60_000

    liveness_interval_s: float = 5.0
    liveness_restart_after_s: float = 30.0
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9464

    systems: Systems = Systems()

    @model_validator(mode="after")
    def timeouts_cover_http_calls(self) -> "WorkerSettings":
        floor = int(self.http_timeout_s * 1000 * 2)
        timeouts = {"default": self.job_timeout_ms, **self.task_timeouts_ms}
        too_short = {task: ms for task, ms in timeouts.items() if ms < floor}
        if too_short:
            raise ValueError(f"job timeouts {too_short} must be at least twice the HTTP timeout ({floor} ms)")
        placeholders = self.systems.placeholder_secrets()
        if self.environment == "production" and placeholders:
            raise ValueError(f"sandbox placeholder secrets in production: {', '.join(placeholders)}")
        if self.channel == "oauth" and not (self.oauth_client_id and self.oauth_token_url):
            raise ValueError("channel=oauth needs WORKERS_OAUTH_CLIENT_ID and WORKERS_OAUTH_TOKEN_URL")
        return self

    def timeout_for(self, task_type: str) -> int:
        return self.task_timeouts_ms.get(task_type, self.job_timeout_ms)
