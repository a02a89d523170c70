"""SMS segment counting: a pure function, no I/O; checked against the sandbox gateway's own splitting."""

import pytest

from domain.notifications import TEMPLATES, compose, placeholders
from domain.sms_segments import count_segments
from sandbox.sms_parts import split_parts


@pytest.mark.parametrize(("length", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_any_cyrillic_is_ucs2_with_70_single_and_67_per_part(length: int, segments: int) -> None:
    text = ("Сайн байна уу " * 20)[:length]
    parts = count_segments(text)
    assert (parts.encoding, parts.units, parts.count) == ("UCS-2", length, segments)


@pytest.mark.parametrize(("length", "segments"), [(160, 1), (161, 2), (306, 2), (307, 3)])
def test_latin_text_is_gsm7_with_160_single_and_153_per_part(length: int, segments: int) -> None:
    parts = count_segments("a" * length)
    assert (parts.encoding, parts.count) == ("GSM-7", segments)


def test_one_cyrillic_letter_turns_the_whole_text_into_ucs2() -> None:
    assert count_segments("Case 123 ready: " + "ө").encoding == "UCS-2"
    assert count_segments("a" * 100 + "ө").count == 2


@pytest.mark.parametrize(("text", "units", "segments"), [
    ("€" * 80, 160, 1),
    ("€" * 81, 162, 2),
    ("{" + "a" * 159, 161, 2),
    ("[]^~|\\" + "a" * 148, 160, 1),
])
def test_gsm7_extension_characters_count_double(text: str, units: int, segments: int) -> None:
    parts = count_segments(text)
    assert (parts.encoding, parts.units, parts.count) == ("GSM-7", units, segments)


def test_characters_outside_the_bmp_take_two_ucs2_units_and_empty_text_is_one_message() -> None:
    assert count_segments("😀" * 35).units == 70
    assert count_segments("😀" * 36).count == 2
    assert count_segments("").count == 1


@pytest.mark.parametrize(("text", "units", "segments"), [
    ("a" * 152 + "€" + "a" * 152, 306, 3),  # the escape pair at 153-154 moves whole to part 2: 152 + 153 + 1
    ("a" * 152 + "€" + "a" * 150, 304, 2),
    ("х" * 66 + "😀" + "х" * 66, 134, 3),  # the surrogate pair at 67-68 moves whole to part 2
])
def test_a_part_never_cuts_an_escape_or_a_surrogate_pair(text: str, units: int, segments: int) -> None:
    parts = count_segments(text)
    assert (parts.units, parts.count) == (units, segments)


BOUNDARY_TEXTS = [
    "", "a", "a" * 160, "a" * 161, "a" * 306, "a" * 307, "€" * 80, "€" * 81, "{" + "a" * 159,
    "a" * 152 + "€" + "a" * 152, "х" * 70, "х" * 71, "х" * 134, "х" * 135, "😀" * 35, "😀" * 36,
    "х" * 66 + "😀" + "х" * 66, "Case 123 ready: ө",
]
TEMPLATE_TEXTS = [
    compose(status, "ESR-2026-000123", service="Газар өмчлөх", agency="Нийслэлийн Засаг даргын Тамгын газар",
            stage=2, reason="Баримт дутуу", fields={name: "Иргэний үнэмлэх" for name in placeholders(status)}).text
    for status in sorted(TEMPLATES)
]


@pytest.mark.parametrize("text", BOUNDARY_TEXTS + TEMPLATE_TEXTS)
def test_the_sandbox_gateway_bills_what_the_workers_count(text: str) -> None:
    """The sandbox splits with code of its own (sandbox/sms_parts.py): agreement here is two readings of the
    standard, not one function called twice."""
    parts = count_segments(text)
    assert (parts.encoding, parts.count) == split_parts(text)
