"""DocumentReductionProcess on the real engine: registry first, the citizen only where it must be, one test per path.

Requests come through intake (portal) or as walk-ins; uploads go through intake's /v1/uploads; staff decide in
the check task. The path is read from the history API. No clock is moved: a timer is fired with the job API once
its due date is the one the catalogue's document_collection durations give.
"""

import hashlib
import uuid
from datetime import timedelta

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
    decide,
    dossier_by_code,
    pdf,
    sha_reference,
    sms_with,
    task_variables,
    upload,
    upload_and_decide,
)
from tests.process.harness import BATBOLD, PORTAL_KEY, Harness

pytestmark = pytest.mark.engine

WITHIN = timedelta(seconds=2)  # a duration timer's due date is set as its wait starts, which the history records


async def test_every_document_comes_from_the_registries_and_no_citizen_task_opens(harness: Harness) -> None:
    case, instance = await harness.submit(FROM_REGISTRY, BATBOLD)
    child = await child_of(harness, case)

    assert await harness.ended(child) == "completed"
    await harness.wait_forwarded(case, 1)

    path = await harness.path(child)
    assert path.count("Task_FetchRegistryDocument") == 3
    assert path.count("EndEvent_DocumentFetched") == 3
    assert path[-2:] == ["Task_ConfirmDossierComplete", "EndEvent_DossierReturned"]
    assert await harness.api.history_tasks(processInstanceId=child) == []
    assert "Task_AskRegistryConsent" not in path
    assert (await harness.api.history_process_instance(child))["businessKey"] == case
    dossier = await dossier_by_code(harness, child)
    assert {code: (e["source"], e["status"], e["fallback"]) for code, e in dossier.items()} == {
        code: ("registry", "received", None) for code in ("id-card", "address", "civil-status")}
    assert dossier["address"]["reference"] == f"xyp:WS100103:{case}-address-WS100103"
    assert dossier["address"]["xypService"] == "WS100103"
    assert at(dossier["address"]["requestedAt"]) <= at(dossier["address"]["receivedAt"])
    assert (dossier["address"]["uploadAttempts"], dossier["address"]["rejections"]) == (0, 0)
    child_variables = await harness.variables(child)
    assert child_variables["serviceCode"] == FROM_REGISTRY
    assert (await harness.variables(instance))["dossier"] == child_variables["dossier"]
    assert "CallActivity_CollectDocuments" in await harness.path(instance)
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
    path = await harness.path(child)
    assert path.count("BoundaryEvent_RegistryRecordNotFound") == 1
    assert path.count("Task_FetchRegistryDocument") == 1, "id-card; property's fetch was interrupted by the error"
    assert "Task_FetchRegistryDocument" in await harness.history.cancelled(child)
    assert path.count(CHECK) == 2
    dossier = await dossier_by_code(harness, child)
    assert (dossier["id-card"]["source"], dossier["id-card"]["fallback"]) == ("registry", None)
    assert dossier["property"] | {"requestedAt": None, "receivedAt": None} == {
        "code": "property", "name": "Үл хөдлөх хөрөнгийн гэрчилгээ", "source": "citizen", "xypService": "WS100201",
        "reference": sha_reference(property_upload), "requestedAt": None, "receivedAt": None, "uploadAttempts": 1,
        "rejections": 0, "status": "received", "fallback": "not-found"}
    # the engine's clock.utc() keeps whole seconds: an upload accepted within the second it was asked reads the same
    assert at(dossier["property"]["requestedAt"]) <= at(dossier["property"]["receivedAt"])
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
    dossier = await dossier_by_code(harness, child)
    assert {code: (e["source"], e["fallback"]) for code, e in dossier.items()} == {
        "id-card": ("citizen", "no-consent"), "property": ("citizen", "no-consent"),
        "purchase-agreement": ("citizen", "no-registry-source")}
    path = await harness.path(child)
    assert "Task_FetchRegistryDocument" not in path
    assert "Task_AskRegistryConsent" not in path
    assert path.count("EndEvent_DocumentReceived") == 3
    assert [e for e in await harness.received("xyp") if e["requestId"] != f"{case}-WS100101"
            and e["requestId"].startswith(case)] == []


async def test_a_walk_in_citizen_is_asked_for_consent_and_the_registry_answers_once_given(harness: Harness) -> None:
    case, _ = await harness.walk_in(FROM_REGISTRY, BATBOLD)
    child = await child_of(harness, case)
    question = await sms_with(harness, f"{case}-consent-requested")
    await harness.reached(child, "Task_AskRegistryConsent")

    reply = {"caseNumber": case, "consent": True, "messageId": f"{case}-consent"}
    first = await harness.intake.post("/v1/citizen-replies/consent", headers=PORTAL_KEY, json=reply)
    again = await harness.intake.post("/v1/citizen-replies/consent", headers=PORTAL_KEY, json=reply)

    assert (first.status_code, again.status_code, again.json()["duplicate"]) == (202, 200, True)
    assert "зөвшөөрөх үү" in question
    assert await harness.ended(child) == "completed"
    path = await harness.path(child)
    assert "ReceiveTask_AwaitRegistryConsent" in path
    assert "Event_ConsentNotGiven" not in path
    assert path.count("Task_FetchRegistryDocument") == 3
    assert (await harness.variables(child))["registryConsent"] is True
    assert {e["source"] for e in (await dossier_by_code(harness, child)).values()} == {"registry"}
    assert [m["messageId"] for m in await harness.delivered("RegistryConsentGiven", case)] == [f"{case}-consent"]
    await harness.wait_forwarded(case, 1)


async def test_silence_about_consent_means_every_document_is_asked_from_the_citizen(harness: Harness) -> None:
    case, _ = await harness.walk_in(FROM_CITIZEN, BATBOLD)
    child = await child_of(harness, case)
    await sms_with(harness, f"{case}-consent-requested")
    await harness.timer(child, "BoundaryEvent_NoConsentAnswer")
    asked_at = await harness.started_at(child, "ReceiveTask_AwaitRegistryConsent")

    # documents-from-citizen: consent_within P1D from when the question was put
    await harness.fire_due(child, "BoundaryEvent_NoConsentAnswer", asked_at + timedelta(days=1), WITHIN)

    await sms_with(harness, f"{case}-document-requested-photo")
    await sms_with(harness, f"{case}-document-requested-employment-letter")
    path = await harness.path(child)
    assert "Event_ConsentNotGiven" in path
    assert "ReceiveTask_AwaitRegistryConsent" not in path
    assert "ReceiveTask_AwaitRegistryConsent" in await harness.history.cancelled(child)
    assert (await harness.variables(child))["registryConsent"] is False
    # each document is asked for from the moment its iteration began, after the wait ended (the engine's clock)
    activities = await harness.history.activities(child)
    not_given = at(next(a["endTime"] for a in activities if a["activityId"] == "Event_ConsentNotGiven"))
    iterations = [at(a["startTime"]) for a in activities if a["activityId"] == "SubProcess_CollectDocument"]
    asked = [at(v["value"]) for v in await harness.history.all_variables(processInstanceId=child,
                                                                          variableName="requestedAt")]
    assert len(iterations) == len(asked) == 2
    assert all(started >= not_given for started in iterations)
    assert all(min(abs(moment - started) for started in iterations) < timedelta(seconds=1) for moment in asked)
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
    dossier = await dossier_by_code(harness, child)
    agreement = dossier["purchase-agreement"]
    assert (agreement["uploadAttempts"], agreement["rejections"], agreement["status"]) == (2, 1, "received")
    assert agreement["reference"] == sha_reference(second) != sha_reference(first)
    assert {e["source"] for code, e in dossier.items() if code != "purchase-agreement"} == {"registry"}
    path = await harness.path(child)
    assert path.count(CHECK) == 2
    assert path.count("Task_RequestUploadAgain") == 1
    assert path.count("ReceiveTask_AwaitUpload") == 2


async def test_the_same_file_sent_again_after_a_refusal_needs_the_portals_new_message_id(harness: Harness) -> None:
    case, _ = await harness.submit(MIXED, BATBOLD)
    child = await child_of(harness, case)
    content = await upload_and_decide(harness, case, child, "purchase-agreement", "reject", "Буруу шийдвэр.")
    await sms_with(harness, f"{case}-document-rejected-purchase-agreement-1")

    repeat = await upload(harness, case, "purchase-agreement", content)  # no messageId: the same upload as before
    again = await upload(harness, case, "purchase-agreement", content, message_id=f"{case}-agreement-2")

    assert (repeat.status_code, repeat.json()["duplicate"]) == (200, True)
    assert again.status_code == 202
    await decide(harness, child, await check_task(harness, child, "purchase-agreement"))
    assert await harness.ended(child) == "completed"
    agreement = (await dossier_by_code(harness, child))["purchase-agreement"]
    assert (agreement["reference"], agreement["uploadAttempts"], agreement["rejections"]) == (
        sha_reference(content), 2, 1)
    assert len(await harness.outbox("DocumentUploaded", f"{case}:purchase-agreement")) == 2


async def test_an_upload_rejected_as_often_as_allowed_leaves_the_document_missing(harness: Harness) -> None:
    case, instance = await harness.submit(MIXED, BATBOLD)
    child = await child_of(harness, case)
    await upload_and_decide(harness, case, child, "purchase-agreement", "reject", "Уншигдахгүй байна.")
    await upload_and_decide(harness, case, child, "purchase-agreement", "reject", "Уншигдахгүй байна.")

    assert await harness.ended(instance) == "completed"
    assert (await harness.path(instance))[-3:] == [
        "BoundaryEvent_DocumentsMissing", "Task_NotifyDocumentsMissing", "EndEvent_RequestClosedDocumentsMissing"]
    child_path = await harness.path(child)
    assert "EndEvent_UploadAttemptsUsedUp" in child_path
    assert "Task_RequestUploadAgain" in child_path  # after the first refusal only (max_upload_attempts: 2)
    # DOCUMENTS_MISSING, thrown by confirm-dossier-complete, leaves the child for the caller's boundary event: the
    # engine ends the child as internally terminated
    assert await harness.ended(child) == "terminated"
    agreement = (await dossier_by_code(harness, child))["purchase-agreement"]
    assert (agreement["uploadAttempts"], agreement["rejections"], agreement["status"]) == (2, 2, "missing")
    assert agreement["reference"] is None
    parent = await harness.variables(instance)
    assert parent["missingDocuments"] == "Худалдах, худалдан авах гэрээ"
    assert "Худалдах, худалдан авах гэрээ" in await sms_with(harness, f"{case}-documents-missing")


async def test_a_reminder_then_expiry_ends_the_request_and_tells_the_citizen_what_is_missing(
    harness: Harness,
) -> None:
    case, instance = await harness.submit(FROM_CITIZEN, BATBOLD)
    child = await child_of(harness, case)
    await sms_with(harness, f"{case}-document-requested-employment-letter")
    await upload_and_decide(harness, case, child, "photo")
    await harness.timer(child, "BoundaryEvent_UploadReminderDue")  # the photo's timers went with its upload
    waiting = [a for a in await harness.history.activities(child)
               if a["activityId"] == "ReceiveTask_AwaitUpload" and not a["endTime"]]
    assert len(waiting) == 1, "only the employment letter is still awaited"
    since = at(waiting[0]["startTime"])

    # documents-from-citizen: reminder_after P2D, expire_after P5D, both from when the wait for the upload began
    await harness.fire_due(child, "BoundaryEvent_UploadReminderDue", since + timedelta(days=2), WITHIN)
    reminder = await sms_with(harness, f"{case}-document-reminder-employment-letter-1")
    await harness.fire_due(child, "BoundaryEvent_UploadTimeLimitPassed", since + timedelta(days=5), WITHIN)

    assert await harness.ended(instance) == "completed"
    path = await harness.path(instance)
    assert path[-3:] == [
        "BoundaryEvent_DocumentsMissing", "Task_NotifyDocumentsMissing", "EndEvent_RequestClosedDocumentsMissing"]
    assert "SubProcess_AgencyStages" not in path
    assert "CallActivity_CollectDocuments" in await harness.history.cancelled(instance)
    told = await sms_with(harness, f"{case}-documents-missing")
    assert "Ажлын газрын тодорхойлолт" in told
    assert "Цээж зураг" not in told
    assert "Ажлын газрын тодорхойлолт" in reminder
    assert await harness.ended(child) == "terminated"
    child_path = await harness.path(child)
    assert "EndEvent_DocumentNotUploaded" in child_path
    assert child_path.count("EndEvent_CitizenReminded") == 1
    assert "ReceiveTask_AwaitUpload" in await harness.history.cancelled(child)
    dossier = await dossier_by_code(harness, child)
    assert (dossier["photo"]["status"], dossier["employment-letter"]["status"]) == ("received", "missing")
    assert dossier["employment-letter"] | {"requestedAt": None} == {
        "code": "employment-letter", "name": "Ажлын газрын тодорхойлолт", "source": "citizen", "xypService": None,
        "reference": None, "requestedAt": None, "receivedAt": None, "uploadAttempts": 0, "rejections": 0,
        "status": "missing", "fallback": "no-registry-source"}
    child_variables = await harness.variables(child)
    assert child_variables["serviceCode"] == FROM_CITIZEN
    assert (await harness.variables(instance))["dossier"] == child_variables["dossier"]
    reminders = [i for i in await harness.sms_ids(case) if "reminder" in i]
    assert reminders == [f"{case}-document-reminder-employment-letter-1"]


async def test_a_registry_fault_is_an_incident_never_a_fallback_and_continues_once_resolved(
    harness: Harness,
) -> None:
    case = f"ESR-DOC-{uuid.uuid4().hex[:8]}"
    await harness.fault("xyp", down=True)
    child = await harness.start(CHILD, {
        "caseNumber": case, "serviceCode": FROM_REGISTRY, "registerNumber": BATBOLD.register_number,
        "phone": BATBOLD.phone, "registryConsent": True,
        "documentCollection": {"consentWithin": "P2D", "reminderAfter": "P3D", "expireAfter": "P7D"},
        "requiredDocuments": [{"code": "address", "name": "Оршин суугаа хаягийн тодорхойлолт", "source": "xyp",
                               "xypService": "WS100103", "maxUploadAttempts": 3}]})

    incident = (await harness.history.wait_for(lambda: harness.history.open_incidents(child), "an incident"))[0]
    assert incident.element_id == "Task_FetchRegistryDocument"
    assert incident.incident_type == "failedExternalTask"
    assert incident.message.startswith(
        "fetch-registry-document: TransientError: XYP registry service WS100103 answered 503")
    assert "retry this task's incident in Cockpit" in incident.message
    failed: list[dict[str, object]] = await harness.api.request("GET", "/history/external-task-log", params={
        "processInstanceId": child, "topicName": "fetch-registry-document", "failureLog": "true",
        "sortBy": "timestamp", "sortOrder": "asc"})
    # five failures (retries="5"), reported with 4, 3, 2, 1, 0 retries left; the log keeps what the task had before
    assert [f["retries"] for f in failed] == [None, 4, 3, 2, 1]
    assert [t["retries"] for t in await harness.api.external_tasks(processInstanceId=child)] == [0]
    moments = [at(str(f["timestamp"])) for f in failed]
    for before, after, backoff_ms in zip(moments[:3], moments[1:4], (200, 400, 800), strict=True):
        assert after - before >= timedelta(milliseconds=backoff_ms), "each retry waited its exponential backoff"
    assert await harness.sms_ids(case) == []  # the citizen is not asked because the registry is down

    await harness.clear_faults()
    await harness.api.set_external_task_retries(incident.configuration, 1)  # what Cockpit's "retry" does

    assert await harness.ended(child) == "completed"
    address = (await dossier_by_code(harness, child))["address"]
    assert (address["source"], address["status"]) == ("registry", "received")
    path = await harness.path(child)
    assert "BoundaryEvent_RegistryRecordNotFound" not in path
    assert path[-3:] == ["SubProcess_CollectDocument", "Task_ConfirmDossierComplete", "EndEvent_DossierReturned"]


async def test_no_required_documents_return_an_empty_dossier(harness: Harness) -> None:
    child = await harness.start(CHILD, {
        "caseNumber": f"ESR-DOC-{uuid.uuid4().hex[:8]}", "serviceCode": "no-documents-single-stage",
        "registerNumber": BATBOLD.register_number, "requiredDocuments": []})

    assert await harness.ended(child) == "completed"
    assert await harness.path(child) == [
        "StartEvent_DocumentsRequested", "Gateway_AnyDocumentsRequired", "EndEvent_NoDocumentsNeeded"]
    assert (await harness.variables(child))["dossier"] == []


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
    assert await harness.outbox("DocumentUploaded", f"{case}:photo") == []


async def test_the_same_upload_twice_is_stored_and_published_once(harness: Harness) -> None:
    case, _ = await harness.submit(FROM_CITIZEN, BATBOLD)
    child = await child_of(harness, case)
    content = pdf("twice")

    first = await upload(harness, case, "photo", content)
    second = await upload(harness, case, "photo", content)

    assert (first.status_code, second.status_code) == (202, 200)
    assert (first.json()["uploadReference"], first.json()["duplicate"]) == (sha_reference(content), False)
    assert second.json()["duplicate"] is True
    [stored] = await harness.outbox("DocumentUploaded", f"{case}:photo")
    assert stored["variableNames"] == sorted(
        ["uploadReference", "uploadUrl", "uploadedAt", "fileName", "contentType", "sizeBytes"])
    # what the message carried, where it landed: the photo's iteration, seen by its check task
    variables = await task_variables(harness, await check_task(harness, child, "photo"))
    assert (variables["contentType"], variables["sizeBytes"]) == ("application/pdf", len(content))
    assert variables["uploadReference"] == sha_reference(content)
    assert variables["documentName"] == "Цээж зураг"
    assert len(await harness.history.open_user_tasks(child, CHECK)) == 1, "one upload, one check"
    assert len(await harness.delivered("DocumentUploaded", f"{case}:photo")) == 1


async def test_staff_open_an_upload_through_its_signed_link_and_nobody_opens_it_with_a_forged_one(
    harness: Harness,
) -> None:
    case, _ = await harness.submit(FROM_CITIZEN, BATBOLD)
    child = await child_of(harness, case)
    content = pdf("linked")
    assert (await upload(harness, case, "photo", content)).status_code == 202
    link = str((await task_variables(harness, await check_task(harness, child, "photo")))["uploadUrl"])
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
