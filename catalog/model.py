"""What a service is, validated when the catalogue is loaded. Endpoints and keys live in settings, not here."""

from enum import StrEnum
from typing import Literal, Self

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
