"""catalog/load.yaml, validated: demand, its profile over the week and the day, the centres, staff time per task
and how citizens and agencies behave. Cross-checked against the service catalogue and the centres list."""

import math
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator

from catalog.loader import CATALOG_DIR, CatalogError, read_yaml, validated
from catalog.model import XYP_SERVICES, Catalog, Channel, ServiceCentres, Strict
from reports.load_study.flows import STAFF_TASKS

LOAD_FILE = CATALOG_DIR / "load.yaml"
Share = Annotated[float, Field(ge=0, le=1)]
DayName = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "holiday"]
WEEKDAYS: tuple[DayName, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CENTRE_CHANNELS = (Channel.KIOSK, Channel.SERVICE_CENTRE)  # arrive at a centre, so only while it is open
DEFAULT_AGENCY = "default"


class Lognormal(Strict):
    """A duration with this mean and coefficient of variation (standard deviation / mean)."""

    mean: float = Field(gt=0)
    cv: float = Field(ge=0, le=5)

    @property
    def mu_sigma(self) -> tuple[float, float]:
        sigma = math.sqrt(math.log(1 + self.cv**2))
        return math.log(self.mean) - sigma**2 / 2, sigma


class OpeningHours(Strict):
    opens: int  # minute of the day
    closes: int

    @classmethod
    def parse(cls, text: str) -> Self:
        try:
            opens, closes = (int(h) * 60 + int(m) for h, m in (part.split(":") for part in text.split("-")))
        except ValueError as error:
            raise ValueError(f"opening_hours must read like 09:00-18:00, got {text!r}") from error
        if not 0 <= opens < closes <= 24 * 60:
            raise ValueError(f"opening_hours must open before it closes within one day, got {text!r}")
        return cls(opens=opens, closes=closes)

    @property
    def minutes(self) -> int:
        return self.closes - self.opens

    def hours(self) -> range:
        """The hours of the day in which the centre is open for at least part of the hour."""
        return range(self.opens // 60, math.ceil(self.closes / 60))


class CentreLoad(Strict):
    population_thousands: float = Field(gt=0)
    staff: int = Field(ge=1, le=500)


class ConsentAnswer(Strict):
    consent: Share
    refuse: Share
    after_hours: Lognormal

    @model_validator(mode="after")
    def shares_fit(self) -> Self:
        if self.consent + self.refuse > 1:
            raise ValueError("consent + refuse must not exceed 1 (the rest stay silent)")
        return self


class TimedChoice(Strict):
    probability: Share
    after_hours: Lognormal


class Citizens(Strict):
    identity_rejected: Share
    registry_consent: dict[Channel, Share]
    consent_answer: ConsentAnswer
    registry_records: dict[str, Share]
    upload: TimedChoice
    upload_accepted: Share
    information_reply: Lognormal
    in_person_delivery: dict[Channel, Share]
    collect_after: Lognormal
    satisfaction: TimedChoice

    @field_validator("registry_records")
    @classmethod
    def known_registries(cls, records: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(records) - set(XYP_SERVICES)) + sorted(set(XYP_SERVICES) - set(records))
        if unknown:
            raise ValueError(f"one share per XYP service {sorted(XYP_SERVICES)}; wrong or missing: {unknown}")
        return records

    @model_validator(mode="after")
    def every_channel(self) -> Self:
        if set(self.in_person_delivery) != set(Channel):
            raise ValueError(f"in_person_delivery needs every channel: {sorted(Channel)}")
        if Channel.SERVICE_CENTRE in self.registry_consent or set(self.registry_consent) != {Channel.PORTAL,
                                                                                               Channel.KIOSK}:
            raise ValueError("registry_consent is given at login on the portal and the kiosk; walk-ins are asked")
        return self


class AgencyBehaviour(Strict):
    decision_hours: Lognormal  # working hours from forwarding to the decision
    approve: Share
    reject: Share
    need_info: Share

    @model_validator(mode="after")
    def shares_add_up(self) -> Self:
        if not math.isclose(self.approve + self.reject + self.need_info, 1, abs_tol=1e-6):
            raise ValueError("approve + reject + need_info must add up to 1")
        if self.approve + self.reject == 0:
            raise ValueError("an agency must approve or reject sometimes")
        return self


class LoadModel(Strict):
    opening_hours: OpeningHours
    demand: dict[str, dict[Channel, Annotated[float, Field(ge=0)]]]
    weekday_factor: dict[Channel, dict[DayName, Annotated[float, Field(ge=0)]]]
    hour_profile: dict[Channel, dict[Annotated[int, Field(ge=0, le=23)], Share]]
    centres: dict[str, CentreLoad]
    handling_minutes: dict[str, Lognormal]
    citizens: Citizens
    agencies: dict[str, AgencyBehaviour]

    @field_validator("opening_hours", mode="before")
    @classmethod
    def parse_hours(cls, value: object) -> object:
        return OpeningHours.parse(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def consistent(self) -> Self:
        channels = {channel for per_service in self.demand.values() for channel in per_service}
        for channel in channels:
            if channel not in self.hour_profile:
                raise ValueError(f"hour_profile.{channel}: missing, yet demand names the channel")
            if channel not in self.weekday_factor:
                raise ValueError(f"weekday_factor.{channel}: missing, yet demand names the channel")
        if Channel.SERVICE_CENTRE not in self.hour_profile:
            raise ValueError("hour_profile.service-centre: missing (citizens coming back to collect follow it too)")
        for channel, profile in self.hour_profile.items():
            if not math.isclose(sum(profile.values()), 1, abs_tol=1e-3):
                raise ValueError(f"hour_profile.{channel}: shares add up to {sum(profile.values()):.3f}, not 1")
            if channel in CENTRE_CHANNELS:
                closed = sorted(h for h, share in profile.items() if share and h not in self.opening_hours.hours())
                if closed:
                    raise ValueError(f"hour_profile.{channel}: arrivals at hours {closed}, when centres are closed")
        for channel, factors in self.weekday_factor.items():
            needed = set(WEEKDAYS[:5]) if channel in CENTRE_CHANNELS else {*WEEKDAYS, "holiday"}
            if not needed <= set(factors):
                raise ValueError(f"weekday_factor.{channel}: needs {sorted(needed - set(factors))}")
        missing = sorted(set(STAFF_TASKS) - set(self.handling_minutes))
        if missing:
            raise ValueError(f"handling_minutes: missing {missing}")
        if DEFAULT_AGENCY not in self.agencies:
            raise ValueError(f"agencies: needs a {DEFAULT_AGENCY!r} entry")
        return self

    def agency(self, agency_id: str) -> AgencyBehaviour:
        return self.agencies.get(agency_id, self.agencies[DEFAULT_AGENCY])

    def centre_share(self, centre: str) -> float:
        total = sum(c.population_thousands for c in self.centres.values())
        return self.centres[centre].population_thousands / total

    def day_factor(self, channel: Channel, day_name: DayName) -> float:
        return self.weekday_factor[channel].get(day_name, 0.0)

    def with_handling(self, measured: dict[str, Lognormal]) -> Self:
        """The same model with some handling times replaced (e.g. measured from the engine's history)."""
        return self.model_copy(update={"handling_minutes": self.handling_minutes | measured})


def check_against(model: LoadModel, catalog: Catalog, centres: ServiceCentres, where: str) -> None:
    """Every service, channel, centre and agency named exists, and every centre has its figures."""
    for code, channels in model.demand.items():
        service = catalog.services.get(code)
        if service is None:
            raise CatalogError(f"{where}: field demand.{code}: not a service in catalog/services/")
        offered = set(service.channels)
        for channel in channels:
            if channel not in offered:
                raise CatalogError(f"{where}: field demand.{code}.{channel}: the service is not offered there "
                                   f"(channels: {', '.join(sorted(offered))})")
    known = {centre.id for centre in centres.service_centres}
    if set(model.centres) != known:
        wrong = sorted(set(model.centres) ^ known)
        raise CatalogError(f"{where}: field centres: must list exactly the centres of service_centres.yaml; "
                           f"differs in {', '.join(wrong)}")
    for agency in model.agencies:
        if agency != DEFAULT_AGENCY and agency not in catalog.agencies:
            raise CatalogError(f"{where}: field agencies.{agency}: not an agency in agencies.yaml")


def load_model(catalog: Catalog, centres: ServiceCentres, path: Path = LOAD_FILE) -> LoadModel:
    if not path.is_file():
        raise CatalogError(f"{path.name}: missing (looked at {path})")
    model = validated(LoadModel, read_yaml(path), path.name)
    check_against(model, catalog, centres, path.name)
    return model
