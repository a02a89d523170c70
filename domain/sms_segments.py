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
    """Parts needed for text; an empty text is still one message.

    A concatenated message is cut between characters, never inside one: an extension character (escape +
    character) or a character outside the BMP (a surrogate pair) that does not fit a part moves whole to the next.
    """
    encoding: Literal["GSM-7", "UCS-2"]
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        encoding, widths = "GSM-7", [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    else:
        encoding, widths = "UCS-2", [len(ch.encode("utf-16-le")) // 2 for ch in text]
    single, part = LIMITS[encoding]
    units = sum(widths)
    return Segments(encoding, units, 1 if units <= single else parts_of(widths, part))


def parts_of(widths: list[int], part: int) -> int:
    count, used = 1, 0
    for width in widths:
        if used + width > part:
            count, used = count + 1, 0
        used += width
    return count
