"""The clients every handler may use, built once from the settings by the runtime."""

from dataclasses import dataclass

import httpx

from catalog import Catalog, load_catalog
from workers.clients.agencies import AgencyClient
from workers.clients.intake import IntakeClient
from workers.clients.notify import Notifier
from workers.clients.outbox import Outbox
from workers.clients.xyp import XypClient
from workers.settings import WorkerSettings


@dataclass(frozen=True)
class Services:
    http: httpx.AsyncClient
    catalog: Catalog
    xyp: XypClient
    agencies: AgencyClient
    notifier: Notifier
    intake: IntakeClient

    @classmethod
    def from_settings(cls, settings: WorkerSettings) -> "Services":
        systems = settings.systems
        http = httpx.AsyncClient(timeout=settings.http_timeout_s)
        return cls(
            http=http,
            catalog=load_catalog(systems.catalog_dir),
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
