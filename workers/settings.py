"""Worker settings from the environment (WORKERS_*), or constructed directly in tests."""

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from local_stack import ENGINE_REST_URL, WORKERS_ACCOUNT, WORKERS_METRICS_PORT, ComponentSettings, is_placeholder
from workers.systems import Systems


class WorkerSettings(ComponentSettings):
    model_config = SettingsConfigDict(env_prefix="WORKERS_", env_nested_delimiter="__")

    environment: Literal["development", "production"] = "development"
    name: str = "esra-workers"
    engine_rest_url: str = ENGINE_REST_URL
    engine_user: str = WORKERS_ACCOUNT.user
    engine_password: SecretStr = WORKERS_ACCOUNT.password

    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"

    # Clients' HTTP timeout; every lock must outlast it twice over (checked below).
    http_timeout_s: float = 10.0
    lock_duration_ms: int = 60_000
    lock_durations_ms: dict[str, int] = Field(default_factory=dict)  # per topic
    default_retries: int = Field(default=3, ge=0)  # when the model sets no `retries` extension property
    # 64/64: fuller fetches cost the engine less per task (bench.tune, issue 11: 0.73 -> 0.87 of the Java client)
    max_concurrent_tasks: int = Field(default=64, ge=1)
    max_tasks_per_fetch: int = Field(default=64, ge=1)
    long_poll_ms: int = Field(default=10_000, ge=0)
    poll_retry_base_ms: int = 500
    poll_retry_max_ms: int = 10_000
    report_attempts: int = Field(default=5, ge=1)

    backoff_base_ms: int = 1_000
    backoff_max_ms: int = 5 * 60_000

    metrics_host: str = "127.0.0.1"
    metrics_port: int = WORKERS_METRICS_PORT

    systems: Systems = Field(default_factory=Systems)

    @model_validator(mode="after")
    def locks_cover_http_calls(self) -> "WorkerSettings":
        floor = int(self.http_timeout_s * 1000 * 2)
        locks = {"default": self.lock_duration_ms, **self.lock_durations_ms}
        too_short = {topic: ms for topic, ms in locks.items() if ms < floor}
        if too_short:
            raise ValueError(f"lock durations {too_short} must be at least twice the HTTP timeout ({floor} ms)")
        placeholders = self.systems.placeholder_secrets()
        if is_placeholder(self.engine_password.get_secret_value()):
            placeholders.append("engine_password")
        if self.environment == "production" and placeholders:
            raise ValueError(f"sandbox placeholder secrets in production: {', '.join(placeholders)}")
        return self

    def lock_ms(self, topic: str) -> int:
        return self.lock_durations_ms.get(topic, self.lock_duration_ms)
