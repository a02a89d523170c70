"""Text that enters intake from outside: one pydantic type per kind, used by every body intake accepts.

Free text (names, complaint texts, reasons, comments, information replies, file names) is normalised to NFC,
stripped of surrounding white space, and refused with a reason (never the value) when it holds
- a C0 or C1 control character (U+0000–U+001F, U+007F–U+009F); long texts keep the line feed and the tab, and
  their line breaks are made line feeds first (CR LF, CR, U+2028, U+2029);
- a bidirectional control (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, and the marks U+200E,
  U+200F, U+061C), which can make a text read differently from what it holds;
- a lone surrogate (valid JSON, but not text: it cannot be stored or sent on).
Personal numbers and identifiers accept only their own alphabet, in ASCII where it is theirs, and nothing around
it, not even a space: a register number two Cyrillic letters and eight digits (lower case is upper-cased, then
`domain.register_number` checks the birth date), a phone +976 and eight digits, an e-mail address plain ASCII.
These alphabets are the ones the log masking recognises (observability/masking.py), so every personal value
intake accepts is masked wherever it is logged.
"""

import re
import unicodedata
from functools import partial
from typing import Annotated

from pydantic import AfterValidator

from domain.register_number import InvalidRegisterNumber, parse_register_number

BIDI_CONTROLS = frozenset(chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")
KEPT_IN_LONG_TEXT = frozenset("\n\t")


def clean_text(value: str, *, multiline: bool, max_length: int, required: bool = True) -> str:
    """The text in NFC without surrounding white space; ValueError naming the first character refused."""
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = LINE_BREAKS.sub("\n", text)
    for position, char in enumerate(text, start=1):
        if refused := refusal(char, multiline):
            raise ValueError(f"contains {refused} at character {position}")
    text = text.strip()
    if required and not text:
        raise ValueError("is empty")
    if len(text) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return text


def refusal(char: str, multiline: bool) -> str | None:
    """What kind of character `char` is, if free text may not hold it."""
    if char in BIDI_CONTROLS:
        return "a bidirectional control character (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)"
    category = unicodedata.category(char)
    if category == "Cc" and not (multiline and char in KEPT_IN_LONG_TEXT):
        allowed = ", of which only the line feed and the tab are kept" if multiline else ""
        return f"a control character (U+0000–U+001F, U+007F–U+009F{allowed})"
    if category == "Cs":
        return "a lone surrogate"
    if category in ("Zl", "Zp"):
        return "a line break"
    return None


def free_text(max_length: int, *, multiline: bool, required: bool = True) -> AfterValidator:
    return AfterValidator(partial(clean_text, multiline=multiline, max_length=max_length, required=required))


def file_name(value: str) -> str:
    """A file's own name as the portal sends it: one line, no folder, no '.' or '..'."""
    name = clean_text(value, multiline=False, max_length=200)
    if "/" in name or "\\" in name or name in (".", ".."):
        raise ValueError("is a path; send the file's own name, without folders")
    return name


def register_number(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    if not REGISTER_NUMBER.fullmatch(text):
        raise ValueError("register number must be two Cyrillic letters followed by 8 digits, nothing else")
    try:
        return parse_register_number(text).value
    except InvalidRegisterNumber as error:
        raise ValueError(str(error)) from error


def matching(pattern: re.Pattern[str], what: str, max_length: int = 64) -> AfterValidator:
    """Only what the whole pattern matches (ASCII-only patterns: no Unicode digits, no trailing newline)."""
    def check(value: str) -> str:
        if len(value) > max_length or not pattern.fullmatch(value):
            raise ValueError(f"must be {what}")
        return value
    return AfterValidator(check)


REGISTER_NUMBER = re.compile(r"[А-ЯЁӨҮа-яёөү]{2}[0-9]{8}")
PHONE = re.compile(r"\+976[0-9]{8}")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}")
REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
MESSAGE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
CASE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,64}")
CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ORGANISATION = re.compile(r"(?:(?:capital|aimag):)?[a-z0-9]+(?:-[a-z0-9]+)*")
SERVICE_CENTRE = re.compile(r"(?:capital|aimag):[a-z0-9]+(?:-[a-z0-9]+)*")

# personal data
RegisterNumber = Annotated[str, AfterValidator(register_number)]
Phone = Annotated[str, matching(PHONE, "+976 followed by 8 digits")]
Email = Annotated[str, matching(EMAIL, "an e-mail address in ASCII (name@domain.tld)", max_length=254)]

# free text (lengths are counted once the text is clean)
Name = Annotated[str, free_text(200, multiline=False)]
ComplaintText = Annotated[str, free_text(4000, multiline=True)]
InformationText = Annotated[str, free_text(4000, multiline=True)]
Reason = Annotated[str, free_text(2000, multiline=True, required=False)]
Comment = Annotated[str, free_text(2000, multiline=True, required=False)]
FileName = Annotated[str, AfterValidator(file_name)]

# identifiers: the callers' idempotency keys, case numbers, catalogue codes
RequestId = Annotated[str, matching(REQUEST_ID, "8 to 64 letters, digits or dashes (ASCII)")]
MessageId = Annotated[str, matching(MESSAGE_ID, "1 to 128 letters, digits or . _ : - (ASCII)", max_length=128)]
CaseNumber = Annotated[str, matching(CASE_NUMBER, "a case number: up to 64 letters, digits and dashes (ASCII)")]
Code = Annotated[str, matching(CODE, "a catalogue code: lower-case letters and digits joined by dashes")]
Organisation = Annotated[str, matching(ORGANISATION, "a catalogue agency or a service centre (capital:… / aimag:…)")]
ServiceCentre = Annotated[str, matching(SERVICE_CENTRE, "a service centre: capital:<district> or aimag:<aimag>")]
