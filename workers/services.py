"""The clients every handler may use, built once from the settings by the runtime."""

from dataclasses import dataclass
from datetime import datetime

import httpx

from catalog import Catalog, load_catalog
from catalog.loader import load_complaint_rules
from catalog.model import ComplaintRules
from workers.clients.agencies import AgencyClient
from workers.clients.intake import IntakeClient
from workers.clients.notify import Notifier
from workers.clients.outbox import Outbox
from workers.clients.xyp import XypClient
from workers.domain.working_days import sla_due
from workers.settings import WorkerSettings


@dataclass(frozen=True)
class Services:
    http: httpx.AsyncClient
    catalog: Catalog
    complaint_rules: ComplaintRules
    xyp: XypClient
    agencies: AgencyClient
    notifier: Notifier
    intake: IntakeClient

    def sla_due(self, start: datetime, working_days: int) -> datetime:
        """`working_days` after `start` on the Mongolian calendar with the catalogue's declared transfers."""
        return sla_due(start, working_days, self.complaint_rules.calendar)

    @classmethod
    def from_settings(cls, settings: WorkerSettings) -> "Services":
        systems = settings.systems
        http = httpx.AsyncClient(timeout=settings.http_timeout_s)
        return cls(
            http=http,
            catalog=load_catalog(systems.catalog_dir),
            complaint_rules=load_complaint_rules(systems.complaint_rules_path),
            xyp=XypClient(http, systems.xyp_url, systems.xyp_token),
            agencies=AgencyClient(http, systems.agencies),
            notifier=Notifier(http, systems.sms_url, systems.inbox_url, systems.smtp_host, systems.smtp_port,
                              systems.mail_from, Outbox(systems.outbox_path)),
            intake=IntakeClient(http, systems.intake_url, systems.intake_key),
        )


_installed: list[Services] = []


def install(services: Services) -> None:
    _installed[:] = [services]


def current() -> Services:
    if not _installed:
        raise RuntimeError("worker services are not installed; the runtime installs them at start")
    return _installed[0]
