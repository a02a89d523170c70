"""Mongolian register numbers: two Cyrillic letters + 8 digits; digits 1-6 are YYMMDD (month + 20 for births
from 2000); the 9th character's parity gives sex. No public check digit is known: format and date only."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

PATTERN = re.compile(r"^([А-ЯЁӨҮ]{2})(\d{2})(\d{2})(\d{2})(\d)(\d)$", re.ASCII)  # ASCII digits only


class InvalidRegisterNumber(ValueError):
    def __init__(self, reason_en: str, reason_mn: str) -> None:
        super().__init__(reason_en)
        self.reason_mn = reason_mn


@dataclass(frozen=True)
class RegisterNumber:
    value: str
    birth_date: date
    sex: Literal["male", "female"]


def parse_register_number(text: str, today: date | None = None) -> RegisterNumber:
    value = text.strip().upper()
    match = PATTERN.match(value)
    if not match:
        raise InvalidRegisterNumber(
            "register number must be two Cyrillic letters followed by 8 digits",
            "Регистрийн дугаар 2 кирилл үсэг, 8 цифрээс бүрдэнэ.",
        )
    _, yy, mm, dd, ninth, _ = match.groups()
    month, century = (int(mm) - 20, 2000) if int(mm) > 20 else (int(mm), 1900)
    try:
        born = date(century + int(yy), month, int(dd))
    except ValueError as error:
        raise InvalidRegisterNumber(
            "register number does not encode a valid birth date", "Регистрийн дугаарт төрсөн огноо буруу байна."
        ) from error
    if born > (today or date.today()):
        raise InvalidRegisterNumber(
            "register number encodes a birth date in the future", "Регистрийн дугаарт төрсөн огноо буруу байна."
        )
    return RegisterNumber(value, born, "male" if int(ninth) % 2 else "female")
