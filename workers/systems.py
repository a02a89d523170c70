"""Where the external systems are. Defaults point at the project's sandbox; production overrides them all."""

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, model_validator

from catalog.loader import load_agencies
from local_stack import HOST, INTAKE_URL, SANDBOX_SMTP_PORT, SANDBOX_URL, is_placeholder
from workers.clients.agencies import AgencyEndpoint

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def agency_ids() -> list[str]:
    """The agencies of the service catalogue (catalog/agencies.yaml): each needs an endpoint."""
    return list(load_agencies())


def sandbox_agencies(sandbox_url: str = SANDBOX_URL) -> dict[str, AgencyEndpoint]:
    return {
        agency: AgencyEndpoint(url=f"{sandbox_url}/agencies/{agency}", api_key=SecretStr(f"sandbox-{agency}-key"))
        for agency in agency_ids()
    }


class Systems(BaseModel):
    # where the sandbox answers: the default of every system below that is not set on its own
    sandbox_url: str = SANDBOX_URL
    xyp_url: str = ""
    xyp_token: SecretStr = SecretStr("sandbox-xyp-token")
    agencies: dict[str, AgencyEndpoint] = Field(default_factory=dict)
    sms_url: str = ""
    inbox_url: str = ""
    smtp_host: str = HOST
    smtp_port: int = SANDBOX_SMTP_PORT
    mail_from: str = "no-reply@esra.local"
    intake_url: str = INTAKE_URL
    intake_key: SecretStr = SecretStr("sandbox-workers-key")
    outbox_path: Path = PROJECT_ROOT / ".cache" / "workers" / "outbox.sqlite"
    catalog_dir: Path = PROJECT_ROOT / "catalog"
    # complaint deadlines and the calendar overrides every working-day norm uses
    complaint_rules_path: Path = PROJECT_ROOT / "catalog" / "complaints.yaml"

    @model_validator(mode="after")
    def sandbox_by_default(self) -> "Systems":
        for name in ("xyp_url", "sms_url", "inbox_url"):
            if not getattr(self, name):
                setattr(self, name, self.sandbox_url)
        if not self.agencies:
            self.agencies = sandbox_agencies(self.sandbox_url)
        return self

    def placeholder_secrets(self) -> list[str]:
        secrets = {"xyp_token": self.xyp_token, "intake_key": self.intake_key}
        secrets |= {f"agencies.{agency}.api_key": e.api_key for agency, e in self.agencies.items()}
        return [name for name, s in secrets.items() if is_placeholder(s.get_secret_value())]
