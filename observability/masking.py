"""Mask personal data before it reaches a log line: register numbers, phones, e-mails."""

import re
from typing import Any

REGISTER_NUMBER = re.compile(r"\b([А-ЯЁӨҮ]{2})(\d{2})\d{6}\b")
# not inside a longer token: a UUID or hex id ("02fc00000001") is not a phone number
PHONE = re.compile(r"(?<![0-9A-Za-z-])(\+?976[ -]?)?(\d{2})\d{4}(\d{2})(?![0-9A-Za-z-])")
EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def mask_text(text: str) -> str:
    text = REGISTER_NUMBER.sub(r"\1\2******", text)
    text = EMAIL.sub(r"\1***@\2", text)
    return PHONE.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}****{m.group(3)}", text)


def mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value
