"""The synthetic citizens the XYP sandbox knows, and the record each service code answers with."""

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

ID_CARD = "WS100101"
SERVICES = {
    ID_CARD: "ID card",
    "WS100102": "birth certificate",
    "WS100103": "address",
    "WS100104": "civil status",
    "WS100201": "property",
    "WS100401": "vehicle",
    "WS100501": "social insurance",
    "WS100601": "taxpayer",
}
REGNUM = re.compile(r"^[А-ЯЁӨҮ]{2}(\d{2})(\d{2})(\d{2})(\d)\d$")


def encoded_in(regnum: str) -> tuple[date, Literal["male", "female"]]:
    """Birth date and sex a register number encodes (month + 20 for births from 2000)."""
    match = REGNUM.match(regnum)
    if not match:
        raise ValueError(f"{regnum!r} is not two Cyrillic capitals and 8 digits")
    yy, mm, dd, ninth = (int(group) for group in match.groups())
    born = date(2000 + yy, mm - 20, dd) if mm > 20 else date(1900 + yy, mm, dd)
    return born, "male" if ninth % 2 else "female"


def plain(value: Any) -> Any:
    """YAML dates as ISO strings, so every record is JSON as it stands."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Citizen(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)

    regnum: str
    civil_id: str = Field(pattern=r"^\d{12}$")
    family_name: str
    surname: str
    given_name: str
    birth_date: date
    sex: Literal["male", "female"]
    birth_place: str
    phone: str = Field(pattern=r"^\+976\d{8}$")
    email: str | None = None
    e_mongolia: bool
    service_centre: str = Field(pattern=r"^(capital|aimag):[a-z-]+$")
    records: dict[str, dict[str, Any]] = {}

    @field_validator("records", mode="before")
    @classmethod
    def json_records(cls, value: Any) -> Any:
        return plain(value)

    @model_validator(mode="after")
    def consistent(self) -> "Citizen":
        if encoded_in(self.regnum) != (self.birth_date, self.sex):
            raise ValueError(f"{self.regnum}: birth date or sex differs from what the register number encodes")
        unknown = set(self.records) - set(SERVICES) | ({ID_CARD} & set(self.records))
        if unknown:
            raise ValueError(f"{self.regnum}: records for unknown or derived services {sorted(unknown)}")
        return self

    def record(self, service_code: str) -> dict[str, Any] | None:
        """What the registry answers for this service, or None when it holds no such record."""
        identity = {"regnum": self.regnum, "surname": self.surname, "givenName": self.given_name}
        if service_code == ID_CARD:
            return {**identity, "civilId": self.civil_id, "familyName": self.family_name,
                    "birthDate": self.birth_date.isoformat(), "sex": self.sex, "birthPlace": self.birth_place}
        record = self.records.get(service_code)
        if record is None:
            return None
        if service_code == "WS100102":
            record = {**record, "birthDate": self.birth_date.isoformat(), "sex": self.sex,
                      "birthPlace": self.birth_place}
        return {**identity, **record}

    def summary(self) -> dict[str, Any]:
        """For GET /control/citizens: who to use in a test, and which registries hold records."""
        return {**self.model_dump(mode="json", by_alias=True, exclude={"records"}),
                "services": sorted(code for code in SERVICES if self.record(code) is not None)}


def load_citizens(path: Path) -> dict[str, Citizen]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    citizens = [Citizen.model_validate(entry) for entry in raw["citizens"]]
    by_regnum = {c.regnum: c for c in citizens}
    if len(by_regnum) != len(citizens):
        raise ValueError(f"{path}: a register number appears twice")
    return by_regnum
