from datetime import date

import pytest

from domain.register_number import InvalidRegisterNumber, parse_register_number


@pytest.mark.parametrize(
    ("text", "born", "sex"),
    [
        ("УБ99051212", date(1999, 5, 12), "male"),
        ("ТА05250861", date(2005, 5, 8), "female"),
        (" өү88123134 ", date(1988, 12, 31), "male"),
    ],
)
def test_valid_numbers_give_birth_date_and_sex(text: str, born: date, sex: str) -> None:
    parsed = parse_register_number(text, today=date(2026, 11, 25))
    assert (parsed.birth_date, parsed.sex) == (born, sex)
    assert parsed.value == text.strip().upper()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("UB99051212", "two Cyrillic letters"),
        ("УБ9905121", "two Cyrillic letters"),
        ("УБ99133112", "valid birth date"),
        ("УБ99023012", "valid birth date"),
        ("УБ30250101", "in the future"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidRegisterNumber, match=reason) as error:
        parse_register_number(text, today=date(2026, 11, 25))
    assert "Регистрийн дугаар" in error.value.reason_mn
