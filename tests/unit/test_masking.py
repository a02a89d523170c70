"""Log lines never carry a full register number, phone or e-mail."""

import pytest

from observability.masking import mask_text, mask_value


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("register УБ99051212 checked", "register УБ99****** checked"),
        ("call 99112233 now", "call 99****33 now"),
        ("call +976 88112233", "call +976 88****33"),
        ("mail bat.erdene@example.mn", "mail b***@example.mn"),
    ],
)
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_nested_values_are_masked_and_other_values_kept() -> None:
    event = {"applicant": {"regnum": "УБ99051212", "phones": ["99112233"]}, "stage": 2}
    assert mask_value(event) == {"applicant": {"regnum": "УБ99******", "phones": ["99****33"]}, "stage": 2}


def test_engine_ids_are_not_taken_for_phone_numbers() -> None:
    task_id = "c4cf8d04-eb0b-11f1-b6cb-02fc00000001"
    assert mask_text(f"task {task_id} for +97699112233") == f"task {task_id} for +97699****33"
