"""The synthetic citizens are consistent with the register-number rule the workers apply."""

import re
from datetime import date

from domain.register_number import parse_register_number
from sandbox.citizens import ID_CARD, SERVICES, load_citizens
from sandbox.settings import SandboxSettings

CITIZENS = load_citizens(SandboxSettings().citizens_path)


def test_every_register_number_encodes_the_birth_date_and_sex_on_file() -> None:
    assert 10 <= len(CITIZENS) <= 15
    for citizen in CITIZENS.values():
        parsed = parse_register_number(citizen.regnum, today=date(2026, 1, 1))
        card = citizen.record(ID_CARD)
        assert card is not None
        assert (parsed.birth_date.isoformat(), parsed.sex) == (card["birthDate"], card["sex"]), citizen.regnum


def test_the_set_covers_births_from_2000_both_sexes_and_missing_records() -> None:
    citizens = list(CITIZENS.values())
    assert any(c.birth_date.year >= 2000 for c in citizens)
    assert {c.sex for c in citizens} == {"male", "female"}
    assert all(c.record(ID_CARD) and c.record("WS100103") for c in citizens)  # everyone has a card and an address
    for code in set(SERVICES) - {ID_CARD, "WS100103"}:
        holders = [c for c in citizens if c.record(code) is not None]
        assert 0 < len(holders) < len(citizens), f"{code} should be held for some citizens, not all"


def test_every_citizen_has_contacts_and_a_service_centre() -> None:
    for citizen in CITIZENS.values():
        assert re.fullmatch(r"\+976\d{8}", citizen.phone)
        assert citizen.email is None or citizen.email.endswith("@example.com")
        assert citizen.service_centre.split(":")[0] in {"capital", "aimag"}
