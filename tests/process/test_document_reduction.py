"""DocumentReductionProcess on the real engine: registry first, the citizen only where it must be, one test per path.

Requests come through intake (portal) or as walk-ins; uploads go through intake's /v1/uploads; staff decide in
the check task; timers move under the engine's controlled clock.
"""

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from intake.uploads import link_signature
from tests.process.documents import (
    CHECK,
    CHILD,
    FROM_CITIZEN,
    FROM_REGISTRY,
    MIXED,
    OYUUNCHIMEG,
    at,
    check_task,
    child_of,
    dossier_by_code,
    json_value,
    pdf,
    sha_reference,
    sms_with,
    upload,
    upload_and_decide,
)
from tests.process.harness import BATBOLD, PORTAL_KEY, Citizen, Harness

pytestmark = pytest.mark.engine


async def test_every_document_comes_from_the_registries_and_no_citizen_task_opens(harness: Harness) -> None:
    case, instance = await harness.submit(FROM_REGISTRY, BATBOLD)
    child = await child_of(harness, case)

    assert await harness.ended(child) == "completed"
    await harness.wait_forwarded(case, 1)

    path = harness.records.path(child)
    assert path.count("Task_FetchRegistryDocument") == 3
    assert path[-2:] == ["Task_ConfirmDossierComplete", "EndEvent_DossierReturned"]
    assert harness.records.events("USER_TASK", processInstanceKey=child) == []
    assert "Task_AskRegistryConsent" not in path
    dossier = dossier_by_code(harness, child)
    assert {code: (e["source"], e["status"], e["fallback"]) for code, e in dossier.items()} == {
        code: ("registry", "received", None) for code in ("id-card", "address", "civil-status")}
    assert dossier["address"]["reference"] == f"xyp:WS100103:{case}-address-WS100103"
    assert dossier["address"]["xypService"] == "WS100103"
    assert at(dossier["address"]["requestedAt"]) <= at(dossier["address"]["receivedAt"])
    assert (dossier["address"]["uploadAttempts"], dossier["address"]["rejections"]) == (0, 0)
    assert harness.records.variables(child)["serviceCode"] == FROM_REGISTRY
    assert harness.records.variables(instance)["dossier"] == harness.records.variables(child)["dossier"]
    identity_check = f"{case}-WS100101"  # verify-identity's own query
    asked = [e for e in await harness.received("xyp")
             if e["requestId"].startswith(f"{case}-") and e["requestId"] != identity_check]
    assert sorted(e["serviceCode"] for e in asked) == ["WS100101", "WS100103", "WS100104"]
    assert not [i for i in await harness.sms_ids(case) if "document" in i]


async def test_a_mix_where_the_registry_has_no_record_falls_back_to_the_citizen(harness: Harness) -> None:
    case, _ = await harness.submit(MIXED, OYUUNCHIMEG)
    child = await child_of(harness, case)
    await sms_with(harness, f"{case}-document-requested-property")
    agreement_text = await sms_with(harness, f"{case}-document-requested-purchase-agreement")

    property_upload = await upload_and_decide(harness, case, child, "property")
    agreement_upload = await upload_and_decide(harness, case, child, "purchase-agreement")

    assert await harness.ended(child) == "completed"
    await harness.wait_forwarded(case, 1)
    assert "Худалдах, худалдан авах гэрээ" in agreement_text
    assert harness.records.path(child).count("BoundaryEvent_RegistryRecordNotFound") == 1
    dossier = dossier_by_code(harness, child)
    assert (dossier["id-card"]["source"], dossier["id-card"]["fallback"]) == ("registry", None)
    assert dossier["property"] | {"requestedAt": None, "receivedAt": None} == {
        "code": "property", "name": "Үл хөдлөх хөрөнгийн гэрчилгээ", "source": "citizen", "xypService": "WS100201",
        "reference": sha_reference(property_upload), "requestedAt": None, "receivedAt": None, "uploadAttempts": 1,
        "rejections": 0, "status": "received", "fallback": "not-found"}
    assert at(dossier["property"]["requestedAt"]) < at(dossier["property"]["receivedAt"])
    assert dossier["purchase-agreement"]["reference"] == sha_reference(agreement_upload)
    assert (dossier["purchase-agreement"]["source"], dossier["purchase-agreement"]["fallback"],
            dossier["purchase-agreement"]["xypService"]) == ("citizen", "no-registry-source", None)
    no_record = [e for e in await harness.received("xyp") if e["requestId"] == f"{case}-property-WS100201"]
    assert [e["status"] for e in no_record] == [404]


async def test_without_consent_every_document_is_asked_from_the_citizen(harness: Harness) -> None:
    case, _ = await harness.submit(MIXED, BATBOLD, registryConsent=False)
    child = await child_of(harness, case)
    for code in ("id-card", "property", "purchase-agreement"):
        await sms_with(harness, f"{case}-document-requested-{code}")
        await upload_and_decide(harness, case, child, code)

    assert await harness.ended(child) == "completed"
    dossier = dossier_by_code(harness, child)
    assert {code: (e["source"], e["fallback"]) for code, e in dossier.items()} == {
        "id-card": ("citizen", "no-consent"), "property": ("citizen", "no-consent"),
        "purchase-agreement": ("citizen", "no-registry-source")}
    assert "Task_FetchRegistryDocument" not in harness.records.path(child)
    assert [e for e in await harness.received("xyp") if e["requestId"] != f"{case}-WS100101"
            and e["requestId"].startswith(case)] == []


async def walk_in(h: Harness, service: str, citizen: Citizen) -> tuple[str, int]:
    """A request registered at a service centre: nobody has asked the citizen about registry consent yet."""
    instance = await h.api.create_instance("PublicServiceRequestProcess", {
        "serviceCode": service, "registerNumber": citizen.register_number, "birthDate": citizen.birth_date,
        "phone": citizen.phone, "serviceCentre": citizen.service_centre, "deliveryMethod": "electronic"})
    await h.reached(instance, "Task_RegisterWalkInCase")
    return str(h.records.variables(instance)["caseNumber"]), instance


async def test_a_walk_in_citizen_is_asked_for_consent_and_the_registry_answers_once_given(harness: Harness) -> None:
    case, _ = await walk_in(harness, FROM_REGISTRY, BATBOLD)
    child = await child_of(harness, case)
    question = await sms_with(harness, f"{case}-consent-requested")
    await harness.reached(child, "Task_AskRegistryConsent")

    reply = {"caseNumber": case, "consent": True, "messageId": f"{case}-consent"}
    first = await harness.intake.post("/v1/citizen-replies/consent", headers=PORTAL_KEY, json=reply)
    again = await harness.intake.post("/v1/citizen-replies/consent", headers=PORTAL_KEY, json=reply)

    assert (first.status_code, again.status_code, again.json()["duplicate"]) == (202, 200, True)
    assert "зөвшөөрөх үү" in question
    assert await harness.ended(child) == "completed"
    assert "ReceiveTask_AwaitRegistryConsent" in harness.records.path(child)
    assert {e["source"] for e in dossier_by_code(harness, child).values()} == {"registry"}
    await harness.wait_forwarded(case, 1)


async def test_silence_about_consent_means_every_document_is_asked_from_the_citizen(harness: Harness) -> None:
    case, _ = await walk_in(harness, FROM_CITIZEN, BATBOLD)
    child = await child_of(harness, case)
    await sms_with(harness, f"{case}-consent-requested")
    await harness.records.wait_for(
        lambda: harness.records.events("TIMER", "CREATED", processInstanceKey=child,
                                       targetElementId="BoundaryEvent_NoConsentAnswer"), "the consent timer")

    await harness.api.advance_clock(timedelta(days=1, minutes=1))  # documents-from-citizen: consent_within P1D

    await sms_with(harness, f"{case}-document-requested-photo")
    await sms_with(harness, f"{case}-document-requested-employment-letter")
    path = harness.records.path(child)
    assert "Event_ConsentNotGiven" in path
    assert "ReceiveTask_AwaitRegistryConsent" not in path
    assert harness.records.variables(child)["registryConsent"] is False
    asked_at = [at(json_value(r)) for r in harness.records.events(
        "VARIABLE", "CREATED", processInstanceKey=child, name="requestedAt")]
    assert len(asked_at) == 2
    assert all(at > datetime.now(UTC) + timedelta(hours=23) for at in asked_at), "timestamps follow the engine clock"
    # a walk-in's case number is known to intake (register-case told it), so the citizen can upload
    await upload_and_decide(harness, case, child, "photo")


async def test_an_upload_rejected_with_a_reason_is_asked_again_then_accepted(harness: Harness) -> None:
    case, _ = await harness.submit(MIXED, BATBOLD)
    child = await child_of(harness, case)
    await sms_with(harness, f"{case}-document-requested-purchase-agreement")

    first = await upload_and_decide(harness, case, child, "purchase-agreement", "reject", "Гарын үсэг дутуу байна.")
    again = await sms_with(harness, f"{case}-document-rejected-purchase-agreement-1")
    second = await upload_and_decide(harness, case, child, "purchase-agreement")

    assert await harness.ended(child) == "completed"
    assert "Гарын үсэг дутуу байна." in again
    agreement = dossier_by_code(harness, child)["purchase-agreement"]
    assert (agreement["uploadAttempts"], agreement["rejections"], agreement["status"]) == (2, 1, "received")
    assert agreement["reference"] == sha_reference(second) != sha_reference(first)
    assert {e["source"] for code, e in dossier_by_code(harness, child).items() if code != "purchase-agreement"} == {
        "registry"}
    path = harness.records.path(child)
    assert path.count(CHECK) == 2
    assert path.count("Task_RequestUploadAgain") == 1


async def test_the_same_file_sent_again_after_a_refusal_needs_the_portals_new_message_id(harness: Harness) -> None:
    case, _ = await harness.submit(MIXED, BATBOLD)
    child = await child_of(harness, case)
    content = await upload_and_decide(harness, case, child, "purchase-agreement", "reject", "Буруу шийдвэр.")
    await sms_with(harness, f"{case}-document-rejected-purchase-agreement-1")

    repeat = await upload(harness, case, "purchase-agreement", content)  # no messageId: the same upload as before
    again = await upload(harness, case, "purchase-agreement", content, message_id=f"{case}-agreement-2")

    assert (repeat.status_code, repeat.json()["duplicate"]) == (200, True)
    assert again.status_code == 202
    task = await check_task(harness, child, "purchase-agreement")
    await harness.api.complete_user_task(task.key, {"documentCheckDecision": "accept"})
    assert await harness.ended(child) == "completed"
    agreement = dossier_by_code(harness, child)["purchase-agreement"]
    assert (agreement["reference"], agreement["uploadAttempts"], agreement["rejections"]) == (
        sha_reference(content), 2, 1)


async def test_an_upload_rejected_as_often_as_allowed_leaves_the_document_missing(harness: Harness) -> None:
    case, instance = await harness.submit(MIXED, BATBOLD)
    child = await child_of(harness, case)
    await upload_and_decide(harness, case, child, "purchase-agreement", "reject", "Уншигдахгүй байна.")
    await upload_and_decide(harness, case, child, "purchase-agreement", "reject", "Уншигдахгүй байна.")

    assert await harness.ended(instance) == "completed"
    assert harness.records.path(instance)[-1] == "EndEvent_RequestClosedDocumentsMissing"
    assert "EndEvent_UploadAttemptsUsedUp" in harness.records.path(child)
    agreement = dossier_by_code(harness, child)["purchase-agreement"]
    assert (agreement["uploadAttempts"], agreement["rejections"], agreement["status"]) == (2, 2, "missing")
    assert agreement["reference"] is None


async def test_a_reminder_then_expiry_ends_the_request_and_tells_the_citizen_what_is_missing(
    harness: Harness,
) -> None:
    case, instance = await harness.submit(FROM_CITIZEN, BATBOLD)
    child = await child_of(harness, case)
    await sms_with(harness, f"{case}-document-requested-employment-letter")
    await upload_and_decide(harness, case, child, "photo")
    await harness.records.wait_for(
        lambda: harness.records.events("TIMER", "CREATED", processInstanceKey=child,
                                       targetElementId="BoundaryEvent_UploadTimeLimitPassed"), "the expiry timer")

    await harness.api.advance_clock(timedelta(days=2, minutes=1))  # documents-from-citizen: reminder_after P2D
    reminder = await sms_with(harness, f"{case}-document-reminder-employment-letter-1")
    await harness.api.advance_clock(timedelta(days=5, minutes=1))  # expire_after P5D

    assert await harness.ended(instance) == "completed"
    assert harness.records.path(instance)[-3:] == [
        "BoundaryEvent_DocumentsMissing", "Task_NotifyDocumentsMissing", "EndEvent_RequestClosedDocumentsMissing"]
    assert "SubProcess_AgencyStages" not in harness.records.path(instance)
    told = await sms_with(harness, f"{case}-documents-missing")
    assert "Ажлын газрын тодорхойлолт" in told
    assert "Цээж зураг" not in told
    assert "Ажлын газрын тодорхойлолт" in reminder
    assert await harness.ended(child) == "terminated"
    assert "EndEvent_DocumentNotUploaded" in harness.records.path(child)
    dossier = dossier_by_code(harness, child)
    assert (dossier["photo"]["status"], dossier["employment-letter"]["status"]) == ("received", "missing")
    assert dossier["employment-letter"] | {"requestedAt": None} == {
        "code": "employment-letter", "name": "Ажлын газрын тодорхойлолт", "source": "citizen", "xypService": None,
        "reference": None, "requestedAt": None, "receivedAt": None, "uploadAttempts": 0, "rejections": 0,
        "status": "missing", "fallback": "no-registry-source"}
    assert harness.records.variables(child)["serviceCode"] == FROM_CITIZEN
    assert harness.records.variables(instance)["dossier"] == harness.records.variables(child)["dossier"]
    reminders = [i for i in await harness.sms_ids(case) if "reminder" in i]
    assert reminders == [f"{case}-document-reminder-employment-letter-1"]


async def test_a_registry_fault_is_an_incident_never_a_fallback_and_continues_once_resolved(
    harness: Harness,
) -> None:
    case = f"ESR-DOC-{uuid.uuid4().hex[:8]}"
    await harness.fault("xyp", down=True)
    child = await harness.api.create_instance(CHILD, {
        "caseNumber": case, "serviceCode": FROM_REGISTRY, "registerNumber": BATBOLD.register_number,
        "phone": BATBOLD.phone, "registryConsent": True,
        "documentCollection": {"consentWithin": "P2D", "reminderAfter": "P3D", "expireAfter": "P7D"},
        "requiredDocuments": [{"code": "address", "name": "Оршин суугаа хаягийн тодорхойлолт", "source": "xyp",
                               "xypService": "WS100103", "maxUploadAttempts": 3}]})

    incident = (await harness.records.wait_for(lambda: harness.records.open_incidents(child), "an incident"))[0]
    assert incident.element_id == "Task_FetchRegistryDocument"
    assert incident.error_message.startswith(
        "fetch-registry-document: TransientError: XYP registry service WS100103 answered 503")
    assert "raise this job's retries in Operate" in incident.error_message
    failures = harness.records.job_failures(child, "fetch-registry-document")
    assert [f["value"]["retries"] for f in failures] == [4, 3, 2, 1, 0]
    assert [f["value"]["retryBackoff"] for f in failures[:3]] == [200, 400, 800]
    assert await harness.sms_ids(case) == []  # the citizen is not asked because the registry is down

    await harness.clear_faults()
    await harness.api.update_job_retries(incident.job_key, 1)
    await harness.api.resolve_incident(incident.key)

    assert await harness.ended(child) == "completed"
    address = dossier_by_code(harness, child)["address"]
    assert (address["source"], address["status"]) == ("registry", "received")


async def test_no_required_documents_return_an_empty_dossier(harness: Harness) -> None:
    child = await harness.api.create_instance(CHILD, {
        "caseNumber": f"ESR-DOC-{uuid.uuid4().hex[:8]}", "serviceCode": "no-documents-single-stage",
        "registerNumber": BATBOLD.register_number, "requiredDocuments": []})

    assert await harness.ended(child) == "completed"
    assert harness.records.path(child)[-1] == "EndEvent_NoDocumentsNeeded"
    assert harness.records.variables(child)["dossier"] == []


# Intake refuses what it must not store or forward, with a reason.

async def test_intake_refuses_an_oversized_or_wrong_type_upload_with_a_reason(harness: Harness) -> None:
    case, _ = await harness.submit(FROM_CITIZEN, BATBOLD)
    too_big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)
    gif = b"GIF89a" + b"\x00" * 64
    disguised = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    oversized = await upload(harness, case, "photo", too_big)
    wrong_type = await upload(harness, case, "photo", gif, "photo.pdf")
    mislabelled = await upload(harness, case, "photo", disguised, "photo.pdf", "application/pdf")
    empty = await upload(harness, case, "photo", b"")
    unknown_document = await upload(harness, case, "passport", pdf("x"))
    unknown_case = await upload(harness, "ESR-1999-999999", "photo", pdf("x"))
    no_key = await upload(harness, case, "photo", pdf("x"), headers={})

    assert (oversized.status_code, wrong_type.status_code, mislabelled.status_code) == (413, 415, 415)
    assert "5242880 bytes" in oversized.json()["detail"]
    assert "checked by its bytes" in wrong_type.json()["detail"]
    assert mislabelled.json()["detail"] == "declared as application/pdf but the content is image/png"
    assert (empty.status_code, unknown_document.status_code, unknown_case.status_code) == (422, 422, 422)
    assert "photo, employment-letter" in unknown_document.json()["detail"]
    assert no_key.status_code == 401
    assert harness.records.published_messages("DocumentUploaded", f"{case}:photo") == []


async def test_the_same_upload_twice_is_stored_and_published_once(harness: Harness) -> None:
    case, _ = await harness.submit(FROM_CITIZEN, BATBOLD)
    content = pdf("twice")

    first = await upload(harness, case, "photo", content)
    second = await upload(harness, case, "photo", content)

    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json() == {"uploadReference": sha_reference(content), "duplicate": False}
    assert second.json()["duplicate"] is True
    published = await harness.records.wait_for(
        lambda: harness.records.published_messages("DocumentUploaded", f"{case}:photo"), "the upload's message")
    assert len(published) == 1
    variables = published[0]["value"]["variables"]
    assert set(variables) == {"uploadReference", "uploadUrl", "uploadedAt", "fileName", "contentType", "sizeBytes"}
    assert (variables["contentType"], variables["sizeBytes"]) == ("application/pdf", len(content))


async def test_staff_open_an_upload_through_its_signed_link_and_nobody_opens_it_with_a_forged_one(
    harness: Harness,
) -> None:
    case, _ = await harness.submit(FROM_CITIZEN, BATBOLD)
    content = pdf("linked")
    assert (await upload(harness, case, "photo", content)).status_code == 202
    published = await harness.records.wait_for(
        lambda: harness.records.published_messages("DocumentUploaded", f"{case}:photo"), "the upload's message")
    link = published[0]["value"]["variables"]["uploadUrl"]
    sha256 = sha_reference(content).removeprefix("sha256:")
    expires = int(link.split("expires=")[1].split("&")[0])

    opened = await harness.intake.get(link)
    forged = await harness.intake.get(link[:-4] + "0000")
    stretched = await harness.intake.get(link.replace(f"expires={expires}", f"expires={expires + 1}"))
    expired_signature = link_signature("sandbox-upload-link-secret", sha256, 1_000)
    expired = await harness.intake.get(f"/v1/uploads/{sha256}?expires=1000&signature={expired_signature}")

    assert link.startswith(f"{str(harness.intake.base_url).rstrip('/')}/v1/uploads/{sha256}?expires=")
    assert (opened.status_code, opened.content, opened.headers["content-type"]) == (200, content, "application/pdf")
    assert (forged.status_code, stretched.status_code) == (403, 403)
    assert (expired.status_code, expired.json()["detail"]) == (403, "the link has expired; open it again from the task")
    stored = await harness.intake.get(f"/internal/uploads/{hashlib.sha256(content).hexdigest()}",
                                      headers={"X-Api-Key": "sandbox-workers-key"})
    assert (stored.status_code, stored.content, stored.headers["content-type"]) == (200, content, "application/pdf")
    assert (await harness.intake.get(f"/internal/uploads/{hashlib.sha256(content).hexdigest()}",
                                     headers=PORTAL_KEY)).status_code == 403
