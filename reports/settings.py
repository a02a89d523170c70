"""Report settings (REPORTS_*): where the engine is and the reports' own account (read history only)."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from local_stack import ENGINE_REST_URL, REPORTS_ACCOUNT


class ReportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTS_")

    engine_rest_url: str = ENGINE_REST_URL
    engine_user: str = REPORTS_ACCOUNT.user
    engine_password: SecretStr = REPORTS_ACCOUNT.password
