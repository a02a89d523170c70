"""Where the external systems are. Defaults point at the project's sandbox; production overrides them all."""

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from catalog.loader import load_agencies
from workers.clients.agencies import AgencyEndpoint

SANDBOX = "http://127.0.0.1:8090"
SANDBOX_SECRET_PREFIX = "sandbox-"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def agency_ids() -> list[str]:
    """The agencies of the service catalogue (catalog/agencies.yaml): each needs an endpoint."""
    return list(load_agencies())


def sandbox_agencies() -> dict[str, AgencyEndpoint]:
    return {
        agency: AgencyEndpoint(url=f"{SANDBOX}/agencies/{agency}", api_key=SecretStr(f"sandbox-{agency}-key"))
        for agency in agency_ids()
    }


class Systems(BaseModel):
    xyp_url: str = SANDBOX
    xyp_token: SecretStr = SecretStr("sandbox-xyp-token")
    agencies: dict[str, AgencyEndpoint] = Field(default_factory=sandbox_agencies)
    sms_url: str = SANDBOX
    inbox_url: str = SANDBOX
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "no-reply@esra.local"
    intake_url: str = "http://127.0.0.1:8070"
    intake_key: SecretStr = SecretStr("sandbox-workers-key")
    outbox_path: Path = PROJECT_ROOT / ".cache" / "workers" / "outbox.sqlite"
    catalog_dir: Path = PROJECT_ROOT / "catalog"
    # complaint deadlines and the calendar overrides every working-day norm uses
    complaint_rules_path: Path = PROJECT_ROOT / "catalog" / "complaints.yaml"

    def placeholder_secrets(self) -> list[str]:
        secrets = {"xyp_token": self.xyp_token, "intake_key": self.intake_key}
        secrets |= {f"agencies.{agency}.api_key": e.api_key for agency, e in self.agencies.items()}
        return [name for name, s in secrets.items() if s.get_secret_value().startswith(SANDBOX_SECRET_PREFIX)]
