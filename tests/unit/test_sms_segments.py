"""SMS segment counting: a pure function, no I/O."""

import pytest

from workers.domain.sms_segments import count_segments


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
