"""The worker runtime's parts that need no engine: backoff, worker ids, reading variables, settings."""

from typing import Any

import pytest
from pydantic import Field, ValidationError

from workers.errors import InvalidJobData
from workers.models import ProcessVariables
from workers.runtime import backoff_ms, parse_input, unique_worker_id
from workers.settings import WorkerSettings
from workers.tasks.forward_to_agency import forward_to_agency
from workers.tasks.verify_identity import verify_identity


def test_backoff_doubles_per_attempt_up_to_the_cap() -> None:
    assert [backoff_ms(n, base_ms=1000, max_ms=5000) for n in range(0, 6)] == [1000, 1000, 2000, 4000, 5000, 5000]


def test_every_worker_gets_its_own_id_so_replicas_never_unlock_each_others_tasks() -> None:
    ids = {unique_worker_id("esra-workers") for _ in range(100)}
    assert len(ids) == 100
    assert all(worker_id.startswith("esra-workers-") for worker_id in ids)


def test_bad_variables_become_invalid_data_with_a_message_a_person_can_act_on() -> None:
    variables = {"registerNumber": {"value": "УБ99051212", "type": "String"},
                 "birthDate": {"value": "12.05.1999", "type": "String"}}
    with pytest.raises(InvalidJobData) as raised:
        parse_input(verify_identity, variables)
    message = str(raised.value)
    assert message.startswith("invalid process variables: ")
    assert "caseNumber: Field required" in message
    assert "birthDate: Input should be a valid date" in message
    assert "УБ99051212" not in message, "the message names fields, not personal data"


def test_a_java_serialized_variable_is_invalid_data_naming_it() -> None:
    variables = {"caseNumber": {"value": "rO0ABXNy", "type": "Object"}}
    with pytest.raises(InvalidJobData, match="'caseNumber' is of type Object"):
        parse_input(verify_identity, variables)


def test_structured_values_arrive_as_json_text_and_are_parsed() -> None:
    variables = {
        "caseNumber": {"value": "ESR-1", "type": "String"}, "serviceCode": {"value": "s", "type": "String"},
        "registerNumber": {"value": "УБ99051212", "type": "String"},
        "stage": {"value": '{"number": 1, "agency": "police", "agencyName": "Цагдаа", "task": "Шийдэх"}',
                  "type": "String"},
        "dossier": {"value": '[{"code": "id-card"}]', "type": "String"},
        "slaWorkingDays": {"value": 3, "type": "Integer"}, "slaWarningWorkingDays": {"value": 2, "type": "Long"},
    }
    case = parse_input(forward_to_agency, variables)
    assert (case.stage.number, case.stage.agency_name, case.dossier) == (1, "Цагдаа", [{"code": "id-card"}])


class Mixed(ProcessVariables):
    note: str
    maybe_note: str | None = None
    anything: Any = None
    items: list[int] = Field(default_factory=list)
    payload: dict[str, str] | None = None


def test_json_text_is_parsed_only_for_fields_that_are_not_text() -> None:
    parsed = Mixed.model_validate({"note": "[1, 2]", "maybeNote": '{"a": "b"}', "anything": "[3]",
                                   "items": "[1, 2]", "payload": '{"a": "b"}'})
    assert (parsed.note, parsed.maybe_note, parsed.anything) == ("[1, 2]", '{"a": "b"}', "[3]")
    assert (parsed.items, parsed.payload) == ([1, 2], {"a": "b"})


def test_text_that_is_not_json_is_reported_on_its_field() -> None:
    with pytest.raises(ValidationError) as raised:
        Mixed.model_validate({"note": "x", "items": "[1, 2"})
    assert [error["loc"] for error in raised.value.errors()] == [("items",)]


def test_structured_outputs_stay_lists_and_dicts_for_the_engine_client_to_write_as_json_text() -> None:
    assert Mixed(note="n", items=[1], payload={"a": "b"}).to_variables() == {
        "note": "n", "maybeNote": None, "anything": None, "items": [1], "payload": {"a": "b"}}


def test_locks_must_outlast_the_http_timeout_twice_over() -> None:
    with pytest.raises(ValidationError, match="at least twice the HTTP timeout"):
        WorkerSettings(http_timeout_s=10, lock_durations_ms={"forward-to-agency": 15_000})
    with pytest.raises(ValidationError, match="at least twice the HTTP timeout"):
        WorkerSettings(http_timeout_s=10, lock_duration_ms=19_999)
    settings = WorkerSettings(http_timeout_s=10, lock_duration_ms=20_000, lock_durations_ms={"notify-citizen": 30_000})
    assert (settings.lock_ms("notify-citizen"), settings.lock_ms("forward-to-agency")) == (30_000, 20_000)
