"""Handlers as thin adapters: engine-shaped variables in, the domain's answer out, side effects through the
fakes they are given (no engine, no network)."""

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from engine_client import to_engine
from tests.unit.fakes import Fakes, context, fake_services, run
from workers.errors import BpmnError, InvalidJobData, TransientError
from workers.runtime import parse_input
from workers.tasks import HANDLERS
from workers.tasks.confirm_dossier_complete import confirm_dossier_complete
from workers.tasks.fetch_registry_document import fetch_registry_document
from workers.tasks.forward_to_agency import forward_to_agency
from workers.tasks.notify_citizen import notify_citizen
from workers.tasks.register_case import register_case
from workers.tasks.resolve_service import resolve_service
from workers.tasks.stage import Stage
from workers.tasks.verify_identity import verify_identity

BATBOLD = "УБ99051212"  # born 1999-05-12, male (the 9th digit is odd)
RECORD = {"regnum": BATBOLD, "surname": "Ганбаатар", "givenName": "Батболд", "birthDate": "1999-05-12"}
STAGE = {"number": 2, "agency": "capital-governor", "agencyName": "Нийслэлийн Засаг даргын Тамгын газар",
         "task": "Захирамж гаргах"}


@pytest.fixture
async def fakes() -> AsyncIterator[Fakes]:
    async with httpx.AsyncClient() as http:  # never used: every client is a fake
        yield fake_services(http)


def test_every_topic_has_one_handler_in_a_module_named_after_it() -> None:
    topics = [handler.topic for handler in HANDLERS]
    assert len(topics) == len(set(topics))
    for handler in HANDLERS:
        assert handler.function.__module__ == f"workers.tasks.{handler.topic.replace('-', '_')}"
        assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", code) for code in handler.errors)


# verify-identity


async def test_identity_that_matches_the_registry_is_verified(fakes: Fakes) -> None:
    fakes.xyp.records[("WS100101", BATBOLD)] = RECORD
    output = await run(verify_identity, {"caseNumber": "ESR-1", "registerNumber": BATBOLD,
                                         "birthDate": "1999-05-12"}, fakes.services)
    assert output == {"identityVerified": True, "applicantName": "Ганбаатар Батболд", "sex": "male"}
    assert fakes.xyp.calls == [("WS100101", BATBOLD, "ESR-1-WS100101")]


@pytest.mark.parametrize(("register_number", "birth_date", "registry_birth_date", "asks_registry"), [
    ("УБ99051212", "1999-05-13", "1999-05-12", False),  # the number encodes another birth date
    ("УБ9905121", "1999-05-12", "1999-05-12", False),  # not a register number at all
    ("УБ99051212", "1999-05-12", "1999-05-11", True),  # the registry knows another birth date
])
async def test_a_mismatch_rejects_the_request_with_a_reason_for_the_citizen(
        fakes: Fakes, register_number: str, birth_date: str, registry_birth_date: str, asks_registry: bool) -> None:
    fakes.xyp.records[("WS100101", BATBOLD)] = RECORD | {"birthDate": registry_birth_date}
    with pytest.raises(BpmnError) as raised:
        await run(verify_identity, {"caseNumber": "ESR-1", "registerNumber": register_number,
                                    "birthDate": birth_date}, fakes.services)
    assert raised.value.code == "IDENTITY_MISMATCH"
    assert raised.value.code in verify_identity.errors
    assert re.search("[А-Яа-яӨөҮү]", raised.value.variables["rejectionReason"]), "the reason is for the citizen"
    assert bool(fakes.xyp.calls) is asks_registry


async def test_a_person_the_registry_does_not_know_is_not_found(fakes: Fakes) -> None:
    with pytest.raises(BpmnError) as raised:
        await run(verify_identity, {"caseNumber": "ESR-1", "registerNumber": BATBOLD, "birthDate": "1999-05-12"},
                  fakes.services)
    assert (raised.value.code, raised.value.code in verify_identity.errors) == ("PERSON_NOT_FOUND", True)
    assert "бүртгэлгүй" in raised.value.variables["rejectionReason"]


# resolve-service


async def test_an_unknown_service_is_a_business_error_with_a_reason(fakes: Fakes) -> None:
    with pytest.raises(BpmnError) as raised:
        await run(resolve_service, {"serviceCode": "no-such-service"}, fakes.services)
    assert (raised.value.code, raised.value.code in resolve_service.errors) == ("UNKNOWN_SERVICE", True)
    assert raised.value.variables == {"rejectionReason": "Ийм үйлчилгээ бүртгэлгүй байна."}


async def test_a_resolved_service_hands_its_stages_on_as_the_stage_loop_reads_them(fakes: Fakes) -> None:
    output = await run(resolve_service, {"serviceCode": "no-documents-three-stage"}, fakes.services)
    assert (output["serviceKind"], output["slaWorkingDays"], output["slaWarningWorkingDays"]) == ("multi-stage", 10, 5)
    assert [stage["number"] for stage in output["stages"]] == [1, 2, 3]
    assert output["requiredDocuments"] == []
    assert set(output["documentCollection"]) == {"consentWithin", "reminderAfter", "expireAfter"}
    stored = to_engine(output)["stages"]
    assert stored["type"] == "String", "a list travels as JSON text, never as a serialized object"
    second = json.loads(stored["value"])[1]  # what `json.list(stages)` gives one stage's instance, as text
    assert Stage.model_validate_json(json.dumps(second)) == Stage(
        number=2, agency="capital-governor", agency_name="Нийслэлийн Засаг даргын Тамгын газар",
        task="Захирамж гаргах")


# forward-to-agency


def forwarding(**changes: Any) -> dict[str, Any]:
    return {"caseNumber": "ESR-1", "serviceCode": "no-documents-three-stage", "registerNumber": BATBOLD,
            "applicantName": "Ганбаатар Батболд", "stage": STAGE,
            "dossier": [{"code": "id-card", "status": "received"}], "slaWorkingDays": 3,
            "slaWarningWorkingDays": 2} | changes


async def test_forwarding_is_keyed_by_case_and_stage_and_sets_the_stage_sla_points(fakes: Fakes) -> None:
    output = await run(forward_to_agency, forwarding(), fakes.services)
    assert output == {"agencyCaseId": "AG-7", "stageWarningAt": "2027-03-17T09:00:00+08:00",
                      "stageDueAt": "2027-03-18T09:00:00+08:00"}  # 2 and 3 working days after Monday 09:00
    assert fakes.intake.forwardings == [("ESR-1", 2, "capital-governor")]
    [sent] = fakes.agencies.sent
    assert (sent.agency, sent.path, sent.idempotency_key) == ("capital-governor", "cases", "ESR-1-2-forward")
    assert sent.payload["documents"] == [{"code": "id-card", "status": "received"}]  # parsed from JSON text
    assert sent.payload["applicant"] == {"registerNumber": BATBOLD, "name": "Ганбаатар Батболд"}


async def test_a_retried_forwarding_sends_the_same_key_again_for_the_agency_to_drop(fakes: Fakes) -> None:
    await run(forward_to_agency, forwarding(), fakes.services, context("forward-to-agency", activity_instance_id="a"))
    await run(forward_to_agency, forwarding(), fakes.services, context("forward-to-agency", activity_instance_id="b"))
    await run(forward_to_agency, forwarding(stage=STAGE | {"number": 3}), fakes.services)
    assert [s.idempotency_key for s in fakes.agencies.sent] == ["ESR-1-2-forward", "ESR-1-2-forward",
                                                                "ESR-1-3-forward"]


async def test_a_stage_that_is_not_json_text_of_a_stage_is_bad_data() -> None:
    typed = to_engine(forwarding()) | {"stage": {"value": "stage two", "type": "String"}}
    with pytest.raises(InvalidJobData, match=r"^invalid process variables: stage: "):
        parse_input(forward_to_agency, typed)


# notify-citizen


def status_change(**changes: Any) -> dict[str, Any]:
    return {"caseNumber": "ESR-1", "notificationStatus": "forwarded", "registerNumber": BATBOLD,
            "phone": "+97699112233", "serviceName": "Газар өмчлөх", "stage": STAGE} | changes


async def test_a_notification_is_keyed_by_case_status_stage_and_key(fakes: Fakes) -> None:
    first = await run(notify_citizen, status_change(), fakes.services)
    await run(notify_citizen, status_change(notificationStatus="document-requested", stage=None,
                                            notificationKey="id-card", notificationFields={"document": "Үнэмлэх"}),
              fakes.services)
    await run(notify_citizen, status_change(notificationStatus="complaint-forwarded", stage=None,
                                            notificationKey=2, notificationFields={"organisation": "Цагдаа"}),
              fakes.services)
    assert first == {"lastNotificationId": "ESR-1-forwarded-2", "lastNotificationChannel": "sms"}
    assert [m.message_id for m in fakes.notifier.messages] == [
        "ESR-1-forwarded-2", "ESR-1-document-requested-id-card", "ESR-1-complaint-forwarded-2"]
    assert "Нийслэлийн Засаг даргын Тамгын газар" in fakes.notifier.messages[0].text


async def test_a_retried_notification_is_sent_again_with_the_same_id_for_the_receiver_to_drop(fakes: Fakes) -> None:
    """The handler keeps no record of what it sent: the SMS gateway, the inbox and the e-mail outbox drop a
    repeated message id (the real Notifier's e-mail outbox is tested with the clients)."""
    await run(notify_citizen, status_change(), fakes.services)
    await run(notify_citizen, status_change(), fakes.services)
    assert [(m.channel, m.message_id) for m in fakes.notifier.messages] == [("sms", "ESR-1-forwarded-2")] * 2


@pytest.mark.parametrize(("contacts", "channel", "to"), [
    ({"phone": "+97699112233", "email": "bat@example.mn"}, "sms", "+97699112233"),
    ({"phone": None, "email": "bat@example.mn"}, "email", "bat@example.mn"),
    ({"phone": "", "email": None}, "inbox", BATBOLD),
])
async def test_the_channel_follows_the_contacts(fakes: Fakes, contacts: dict[str, Any], channel: str,
                                                to: str) -> None:
    output = await run(notify_citizen, status_change(**contacts), fakes.services)
    assert output["lastNotificationChannel"] == channel
    assert [(m.channel, m.to) for m in fakes.notifier.messages] == [(channel, to)]


async def test_a_status_without_a_text_is_bad_data_that_names_it() -> None:
    with pytest.raises(InvalidJobData, match="no text for status 'teleported'"):
        parse_input(notify_citizen, to_engine(status_change(notificationStatus="teleported")))


# fetch-registry-document


def registry_fetch(**document: Any) -> dict[str, Any]:
    return {"caseNumber": "ESR-1", "registerNumber": BATBOLD,
            "document": {"code": "id-card", "name": "Иргэний үнэмлэх", "source": "xyp", "xypService": "WS100101"}
            | document}


async def test_a_registry_document_is_fetched_once_per_case_and_document(fakes: Fakes) -> None:
    fakes.xyp.records[("WS100101", BATBOLD)] = RECORD
    output = await run(fetch_registry_document, registry_fetch(), fakes.services)
    assert output == {"registryReference": "xyp:WS100101:ESR-1-id-card-WS100101",
                      "fetchedAt": "2027-03-15T01:00:00.000Z"}
    assert fakes.xyp.calls == [("WS100101", BATBOLD, "ESR-1-id-card-WS100101")]


async def test_no_registry_record_is_the_business_error_that_asks_the_citizen(fakes: Fakes) -> None:
    with pytest.raises(BpmnError) as raised:
        await run(fetch_registry_document, registry_fetch(), fakes.services)
    assert raised.value.code == "REGISTRY_RECORD_NOT_FOUND"
    assert raised.value.code in fetch_registry_document.errors


async def test_a_registry_fault_is_retried_not_turned_into_a_fallback(fakes: Fakes) -> None:
    fakes.xyp.fault = TransientError("XYP registry service WS100101 answered 503: down")
    with pytest.raises(TransientError, match=r"answered 503.*waits for the registry.*Cockpit"):
        await run(fetch_registry_document, registry_fetch(), fakes.services)


async def test_a_document_without_a_registry_service_is_bad_data(fakes: Fakes) -> None:
    with pytest.raises(InvalidJobData, match="names no XYP service"):
        await run(fetch_registry_document, registry_fetch(xypService=None), fakes.services)
    assert fakes.xyp.calls == []


# confirm-dossier-complete


REQUIRED = [
    {"code": "id-card", "name": "Иргэний үнэмлэх", "xypService": "WS100101"},
    {"code": "purchase-agreement", "name": "Худалдах, худалдан авах гэрээ", "xypService": None},
    {"code": "photo", "name": "Цээж зураг", "xypService": None},
]
ID_CARD_FETCHED = {"document": REQUIRED[0], "state": {
    "source": "registry", "reference": "xyp:WS100101:ESR-1-id-card", "requestedAt": "2026-11-02T09:00:00Z",
    "receivedAt": "2026-11-02T09:00:01Z", "fallback": None}}
AGREEMENT_EXPIRED = {"document": REQUIRED[1], "state": {
    "source": "citizen", "requestedAt": "2026-11-02T09:00:00Z", "receivedAt": None, "uploadAttempts": 2,
    "rejections": 2, "fallback": "no-registry-source"}}


async def test_a_complete_dossier_is_assembled_in_catalogue_order(fakes: Fakes) -> None:
    output = await run(confirm_dossier_complete, {
        "caseNumber": "ESR-1", "requiredDocuments": REQUIRED[:1], "documentResults": [ID_CARD_FETCHED]},
        fakes.services)
    assert output["documentsComplete"] is True
    assert output["dossier"] == [{
        "code": "id-card", "name": "Иргэний үнэмлэх", "source": "registry", "xypService": "WS100101",
        "reference": "xyp:WS100101:ESR-1-id-card", "requestedAt": "2026-11-02T09:00:00Z",
        "receivedAt": "2026-11-02T09:00:01Z", "uploadAttempts": 0, "rejections": 0, "status": "received",
        "fallback": None}]


async def test_missing_documents_are_named_and_the_dossier_travels_with_the_error(fakes: Fakes) -> None:
    with pytest.raises(BpmnError) as raised:  # results arrive in completion order; the photo never finished
        await run(confirm_dossier_complete, {"caseNumber": "ESR-1", "requiredDocuments": REQUIRED,
                                             "documentResults": [AGREEMENT_EXPIRED, ID_CARD_FETCHED]},
                  fakes.services)
    error = raised.value
    assert (error.code, error.code in confirm_dossier_complete.errors) == ("DOCUMENTS_MISSING", True)
    assert error.variables["missingDocuments"] == "Худалдах, худалдан авах гэрээ, Цээж зураг"
    dossier = error.variables["dossier"]
    assert [(d["code"], d["status"], d["rejections"]) for d in dossier] == [
        ("id-card", "received", 0), ("purchase-agreement", "missing", 2), ("photo", "missing", 0)]
    assert to_engine(error.variables)["dossier"]["type"] == "String"


# register-case


async def test_a_walk_in_case_number_comes_from_the_process_instance_and_survives_a_retry(fakes: Fakes) -> None:
    task = context("register-case", process_instance_id="0b9e6c1e-1f7a-11f0-9c1b-0242ac120002")
    first = await run(register_case, {"serviceCode": "no-documents-three-stage"}, fakes.services, task)
    again = await run(register_case, {"serviceCode": "no-documents-three-stage"}, fakes.services, task)
    complaint = await run(register_case, {"caseSeries": "complaint"}, fakes.services, task)
    assert first == again == {"caseNumber": "ESR-W0b9e6c1e-1f7a-11f0-9c1b-0242ac120002", "channel": "service-centre"}
    assert complaint["caseNumber"] == "CMP-W0b9e6c1e-1f7a-11f0-9c1b-0242ac120002"
    assert [service for _, service in fakes.intake.walk_ins] == ["no-documents-three-stage"] * 2 + ["complaint"]


async def test_a_walk_in_request_without_a_service_is_bad_data(fakes: Fakes) -> None:
    with pytest.raises(InvalidJobData, match="needs serviceCode"):
        await run(register_case, {}, fakes.services)
    assert fakes.intake.walk_ins == []
