"""The clients every handler may use, built once from the settings in `main()` and passed to each
handler call (no global look-up: tests build their own, with fakes where they like).

Handlers see each external system through a small protocol, so a fake that records its calls stands in
for the real client without any patching.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from catalog import Catalog, load_catalog
from catalog.loader import load_complaint_rules
from catalog.model import ComplaintRules
from domain.working_days import sla_due
from workers.clients.agencies import AgencyClient
from workers.clients.intake import IntakeClient
from workers.clients.notify import Notifier
from workers.clients.outbox import Outbox
from workers.clients.xyp import XypClient
from workers.settings import WorkerSettings


class Registry(Protocol):
    """The XYP state registry (`workers.clients.xyp.XypClient`)."""

    async def fetch(self, service_code: str, register_number: str, request_id: str) -> dict[str, Any] | None: ...


class Agencies(Protocol):
    """The agencies' systems (`workers.clients.agencies.AgencyClient`); each drops a repeated idempotency key."""

    async def send(self, agency: str, path: str, payload: dict[str, Any], idempotency_key: str) -> dict[str, Any]: ...


class Notifications(Protocol):
    """SMS, e-Mongolia inbox and e-mail (`workers.clients.notify.Notifier`); each drops a repeated message id."""

    async def sms(self, phone: str, text: str, message_id: str) -> None: ...

    async def inbox(self, register_number: str, title: str, body: str, message_id: str) -> None: ...

    async def email(self, to: str, subject: str, body: str, message_id: str) -> None: ...


class Intake(Protocol):
    """What intake must know (`workers.clients.intake.IntakeClient`); both calls are idempotent."""

    async def record_forwarding(self, case_number: str, stage: int, agency: str) -> None: ...

    async def register_walk_in(self, case_number: str, service_code: str) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Services:
    catalog: Catalog
    complaint_rules: ComplaintRules
    xyp: Registry
    agencies: Agencies
    notifier: Notifications
    intake: Intake
    http: httpx.AsyncClient  # the one HTTP client behind the real clients, closed at stop
    clock: Callable[[], datetime] = field(default=utc_now)  # the workers' own time, to the second, UTC

    def now(self) -> datetime:
        return self.clock()

    def sla_due(self, start: datetime, working_days: int) -> datetime:
        """`working_days` after `start` on the Mongolian calendar with the catalogue's declared transfers."""
        return sla_due(start, working_days, self.complaint_rules.calendar)

    @classmethod
    def from_settings(cls, settings: WorkerSettings) -> "Services":
        systems = settings.systems
        http = httpx.AsyncClient(timeout=settings.http_timeout_s)
        return cls(
            catalog=load_catalog(systems.catalog_dir),
            complaint_rules=load_complaint_rules(systems.complaint_rules_path),
            xyp=XypClient(http, systems.xyp_url, systems.xyp_token),
            agencies=AgencyClient(http, systems.agencies),
            notifier=Notifier(http, systems.sms_url, systems.inbox_url, systems.smtp_host, systems.smtp_port,
                              systems.mail_from, Outbox(systems.outbox_path)),
            intake=IntakeClient(http, systems.intake_url, systems.intake_key),
            http=http,
        )
