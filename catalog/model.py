"""What a service is, validated when the catalogue is loaded. Endpoints and keys live in settings, not here."""

import datetime as dt
import re
from enum import StrEnum
from typing import Literal, Self

import holidays
from pydantic import BaseModel, ConfigDict, Field, model_validator

XYP_SERVICES = {
    "WS100101": "ID card", "WS100102": "birth certificate", "WS100103": "address", "WS100104": "civil status",
    "WS100201": "property", "WS100401": "vehicle", "WS100501": "social insurance", "WS100601": "taxpayer",
}
CODE = r"^[a-z][a-z0-9-]*[a-z0-9]$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceKind(StrEnum):
    REFERENCE = "reference"  # answered automatically from a state registry
    SINGLE_STAGE = "single-stage"  # one agency decides
    MULTI_STAGE = "multi-stage"  # agencies decide in turn


class Channel(StrEnum):
    PORTAL = "portal"
    SERVICE_CENTRE = "service-centre"
    KIOSK = "kiosk"


class Agency(Strict):
    id: str = Field(pattern=CODE)
    name_mn: str
    name_en: str


class RequiredDocument(Strict):
    code: str = Field(pattern=CODE)
    name_mn: str
    name_en: str
    source: Literal["xyp", "citizen"]
    xyp_service: str | None = None
    max_upload_attempts: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def registry_source_is_known(self) -> Self:
        if self.source == "xyp" and self.xyp_service not in XYP_SERVICES:
            raise ValueError(f"xyp_service must be one of {sorted(XYP_SERVICES)}, got {self.xyp_service!r}")
        if self.source == "citizen" and self.xyp_service is not None:
            raise ValueError("a citizen-provided document has no xyp_service")
        return self


DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def duration_seconds(value: str) -> int:
    """Seconds of an ISO-8601 duration in days, hours, minutes and seconds (what the engine's timers take)."""
    match = DURATION.fullmatch(value)
    if match is None or value in ("P", "PT") or value.endswith("T"):
        raise ValueError(f"{value!r} is not an ISO-8601 duration like P3D or PT12H")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


class DocumentCollection(Strict):
    """How long DocumentReductionProcess waits for the citizen (ISO-8601 durations, used by its timers)."""

    consent_within: str = "P2D"  # answer to the registry-consent question
    reminder_after: str = "P3D"  # an upload asked for and not received: remind once
    expire_after: str = "P7D"  # then the document counts as missing

    @model_validator(mode="after")
    def reminder_comes_first(self) -> Self:
        consent, reminder, expiry = (duration_seconds(d) for d in
                                     (self.consent_within, self.reminder_after, self.expire_after))
        if min(consent, reminder, expiry) <= 0 or reminder >= expiry:
            raise ValueError("durations must be positive and reminder_after shorter than expire_after")
        return self


class Stage(Strict):
    agency: str = Field(pattern=CODE)
    task_mn: str
    task_en: str


class Sla(Strict):
    working_days: int = Field(ge=1, le=60)
    warning_at_working_days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def warning_comes_first(self) -> Self:
        warning = self.warning_at_working_days
        if warning is not None and warning >= self.working_days:
            raise ValueError("warning_at_working_days must be less than working_days")
        return self


class Service(Strict):
    code: str = Field(pattern=CODE)
    name_mn: str
    name_en: str
    kind: ServiceKind
    channels: list[Channel] = Field(min_length=1)
    reference_source: str | None = None
    documents: list[RequiredDocument] = []
    document_collection: DocumentCollection = DocumentCollection()
    stages: list[Stage] = []
    sla: Sla

    @model_validator(mode="after")
    def shape_matches_kind(self) -> Self:
        expected = {ServiceKind.REFERENCE: (0, 0), ServiceKind.SINGLE_STAGE: (1, 1), ServiceKind.MULTI_STAGE: (2, 3)}
        low, high = expected[self.kind]
        if not low <= len(self.stages) <= high:
            raise ValueError(f"a {self.kind} service has {low}-{high} stages, this one has {len(self.stages)}")
        if (self.kind == ServiceKind.REFERENCE) != (self.reference_source is not None):
            raise ValueError("reference_source (an XYP code) is required for references and only for them")
        if self.reference_source is not None and self.reference_source not in XYP_SERVICES:
            raise ValueError(f"reference_source must be one of {sorted(XYP_SERVICES)}")
        if self.kind != ServiceKind.REFERENCE and self.sla.warning_at_working_days is None:
            raise ValueError("a staged service needs sla.warning_at_working_days")
        codes = [d.code for d in self.documents]
        if len(codes) != len(set(codes)):
            raise ValueError(f"document codes repeat: {codes}")
        return self


class Catalog(Strict):
    agencies: dict[str, Agency]
    services: dict[str, Service]

    def service(self, code: str) -> Service:
        return self.services[code]


# Complaints, petitions, inquiries and suggestions (catalog/complaints.yaml)


class DeadlineKind(StrEnum):
    CALENDAR = "calendar"  # every day counts (the legal deadline of petitions and complaints)
    WORKING = "working"  # weekends, public holidays and declared days off do not count


class LegalDeadline(Strict):
    days: int = Field(ge=1, le=365)
    kind: DeadlineKind
    source: str = Field(min_length=1)


class ExtensionRule(Strict):
    max_extensions: int = Field(ge=0, le=3)
    max_days: int = Field(ge=1, le=365)
    notice_required: bool


class Reminders(Strict):
    days_before_deadline: list[int] = Field(min_length=1)

    @model_validator(mode="after")
    def earliest_first(self) -> Self:
        days = self.days_before_deadline
        if any(d < 1 for d in days) or days != sorted(set(days), reverse=True):
            raise ValueError(f"days_before_deadline must be distinct positive numbers, largest first, got {days}")
        return self


class ReforwardingDeadline(Strict):
    days: int = Field(ge=1, le=365)
    kind: DeadlineKind


class SatisfactionRule(Strict):
    answer_days: int = Field(ge=1, le=90)


class CalendarOverride(Strict):
    date: dt.date
    reason: str = Field(min_length=1)


class CalendarOverrides(Strict):
    """Government-declared transfers on top of the `holidays` package's Mongolian public holidays."""

    extra_days_off: list[CalendarOverride] = []
    extra_working_days: list[CalendarOverride] = []

    @model_validator(mode="after")
    def each_override_changes_something(self) -> Self:
        years = {o.date.year for o in self.extra_days_off + self.extra_working_days}
        public = holidays.country_holidays("MN", years=years)
        for name, entries in (("extra_days_off", self.extra_days_off), ("extra_working_days", self.extra_working_days)):
            dates = [o.date for o in entries]
            if len(dates) != len(set(dates)):
                raise ValueError(f"{name}: dates repeat: {sorted(str(d) for d in dates)}")
        for number, override in enumerate(self.extra_days_off):
            if override.date.weekday() >= 5 or override.date in public:
                raise ValueError(f"extra_days_off.{number}: {override.date} is not a working day anyway")
        for number, override in enumerate(self.extra_working_days):
            if override.date.weekday() < 5 and override.date not in public:
                raise ValueError(f"extra_working_days.{number}: {override.date} is a working day anyway")
        return self

    @property
    def days_off(self) -> frozenset[dt.date]:
        return frozenset(o.date for o in self.extra_days_off)

    @property
    def working_days(self) -> frozenset[dt.date]:
        return frozenset(o.date for o in self.extra_working_days)


class ComplaintRules(Strict):
    legal_deadline: LegalDeadline
    extension: ExtensionRule
    reminders: Reminders
    reforwarding: ReforwardingDeadline = ReforwardingDeadline(days=10, kind=DeadlineKind.WORKING)
    satisfaction: SatisfactionRule = SatisfactionRule(answer_days=7)
    calendar: CalendarOverrides = CalendarOverrides()

    @model_validator(mode="after")
    def reminders_fall_before_the_deadline(self) -> Self:
        first = self.reminders.days_before_deadline[0]
        if first >= self.legal_deadline.days:
            raise ValueError(
                f"reminders.days_before_deadline: {first} is not before a {self.legal_deadline.days}-day deadline"
            )
        return self


CENTRE_GROUP_PREFIX = "centre-"  # a service centre's staff group is this and its slug


class Role(Strict):
    """A candidate group of user tasks, tied to the Agency unit that does the work (catalog/roles.yaml)."""

    group: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name_mn: str
    unit: str
    does: str
    starts: list[str] = Field(default_factory=list)  # processes its staff may start from Tasklist


class CentreStaff(Strict):
    """What every service centre's own staff group does and may start (its group: ServiceCentre.staff_group)."""

    unit: str
    does: str
    starts: list[str] = Field(default_factory=list)


class Roles(Strict):
    roles: list[Role]
    centre_staff: CentreStaff
    units: list[str]

    @model_validator(mode="after")
    def units_known(self) -> Self:
        unknown = sorted({role.unit for role in self.roles} - set(self.units))
        if self.centre_staff.unit not in self.units:
            unknown.append(self.centre_staff.unit)
        if unknown:
            raise ValueError(f"roles name unknown units: {', '.join(unknown)}")
        if any(role.group.startswith(CENTRE_GROUP_PREFIX) for role in self.roles):
            raise ValueError(f"group ids starting {CENTRE_GROUP_PREFIX!r} belong to the service centres")
        return self


class ServiceCentre(Strict):
    """A unified service centre: one per district of the capital and per aimag (catalog/service_centres.yaml)."""

    id: str = Field(pattern=r"^(capital|aimag):[a-z][a-z-]*$")
    name_mn: str
    area: Literal["capital", "aimag"]

    @property
    def slug(self) -> str:
        """The id as engine ids allow it (letters, digits, dashes): `capital-bayanzurkh`."""
        return self.id.replace(":", "-")

    @property
    def staff_group(self) -> str:
        """The centre's own staff group, `centre-capital-bayanzurkh`; the models name it
        `centre-${serviceCentre.replace(':', '-')}`."""
        return f"{CENTRE_GROUP_PREFIX}{self.slug}"


class ServiceCentres(Strict):
    service_centres: list[ServiceCentre]

    @model_validator(mode="after")
    def one_per_area(self) -> Self:
        ids = [centre.id for centre in self.service_centres]
        if len(ids) != len(set(ids)):
            raise ValueError("a service centre is listed twice")
        return self
