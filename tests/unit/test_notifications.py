import pytest

from domain.notifications import TEMPLATES, compose


def test_message_id_names_case_status_stage_and_key() -> None:
    assert compose("forwarded", "SR-1", agency="ГЕГ", stage=2).message_id == "SR-1-forwarded-2"
    assert compose("received", "SR-1", key="again").message_id == "SR-1-received-again"


def test_texts_are_filled_in_mongolian() -> None:
    note = compose("rejected", "SR-7", reason="Бичиг баримт дутуу")
    assert note.text == "Таны SR-7 дугаартай хүсэлтийг шийдвэрлэх боломжгүй байна. Шалтгаан: Бичиг баримт дутуу"
    assert "тодорхойгүй" in compose("rejected", "SR-7").text


def test_a_placeholder_left_unfilled_is_an_error_not_a_blank() -> None:
    TEMPLATES["test-only"] = ("Гарчиг", "{case}: {documents}")
    try:
        with pytest.raises(KeyError, match="documents"):
            compose("test-only", "SR-1")
        assert compose("test-only", "SR-1", fields={"documents": "Иргэний үнэмлэх"}).text == "SR-1: Иргэний үнэмлэх"
    finally:
        del TEMPLATES["test-only"]
