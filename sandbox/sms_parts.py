"""How the SMS gateway splits a text into billed parts, written apart from the workers' own counter.

The sandbox shares no code with what it stands in for: this follows GSM 03.38 and 3GPP TS 23.040 directly
and splits as a gateway does, so a miscount on the workers' side shows as a difference, not a repeat.
A text is GSM-7 when every character is in the default alphabet or its extension table (two septets each:
escape + character), else UCS-2 (UTF-16 code units). One message holds 160 septets or 70 units; each
part of a concatenated message 153 or 67 (the rest is the user data header). A gateway never cuts an
escape pair or a surrogate pair in two: such a pair moves whole to the next part.
"""

from typing import Literal

# GSM 03.38 default alphabet, in table order 0x00-0x7F (0x1B, the escape, is not a character of its own).
DEFAULT_ALPHABET = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
EXTENSION_TABLE = "\f^{}\\[~]|€"

Encoding = Literal["GSM-7", "UCS-2"]
SINGLE = {"GSM-7": 160, "UCS-2": 70}
PER_PART = {"GSM-7": 153, "UCS-2": 67}


def _widths(text: str) -> tuple[Encoding, list[int]]:
    """The encoding and each character's width in septets or UTF-16 units."""
    if all((ch in DEFAULT_ALPHABET and ch != "\x1b") or ch in EXTENSION_TABLE for ch in text):
        return "GSM-7", [2 if ch in EXTENSION_TABLE else 1 for ch in text]
    return "UCS-2", [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def split_parts(text: str) -> tuple[Encoding, int]:
    """The encoding and the number of parts the gateway bills for the text (an empty text is one message)."""
    encoding, widths = _widths(text)
    if sum(widths) <= SINGLE[encoding]:
        return encoding, 1
    parts, used = 1, 0
    for width in widths:
        if used + width > PER_PART[encoding]:
            parts, used = parts + 1, 0
        used += width
    return encoding, parts
