"""How many SMS parts a text takes: GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2."""

from dataclasses import dataclass
from typing import Literal

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Sent as escape + character, so each counts as two septets.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}  # (single message, per part of a concatenated one)


@dataclass(frozen=True)
class Segments:
    encoding: Literal["GSM-7", "UCS-2"]
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int


def count_segments(text: str) -> Segments:
    """Parts needed for text; an empty text is still one message."""
    encoding: Literal["GSM-7", "UCS-2"]
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        encoding, units = "GSM-7", sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    else:
        encoding, units = "UCS-2", len(text.encode("utf-16-le")) // 2
    single, part = LIMITS[encoding]
    count = 1 if units <= single else -(-units // part)
    return Segments(encoding, units, count)
