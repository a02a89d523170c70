"""Drive DocumentReductionProcess from outside: uploads through intake, staff decisions on the check task."""

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

import httpx

from engine.records import UserTask
from tests.process.harness import PORTAL_KEY, Citizen, Harness

CHILD = "DocumentReductionProcess"
FROM_REGISTRY, MIXED, FROM_CITIZEN = "documents-from-registry", "documents-mixed", "documents-from-citizen"
CHECK = "UserTask_CheckUploadedDocument"
OYUUNCHIMEG = Citizen("ЗУ93072028", "1993-07-20", "+97688224455", "capital:bayanzurkh")  # no property record
DOSSIER_KEYS = {"code", "name", "source", "xypService", "reference", "requestedAt", "receivedAt", "uploadAttempts",
                "rejections", "status", "fallback"}


def pdf(label: str) -> bytes:
    return b"%PDF-1.4\n% " + label.encode() + uuid.uuid4().hex.encode() + b"\n%%EOF\n"


def at(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


def sha_reference(content: bytes) -> str:
    return f"sha256:{hashlib.sha256(content).hexdigest()}"


async def child_of(h: Harness, case: str) -> int:
    return await h.records.wait_for(lambda: h.records.instance_with("caseNumber", case, CHILD),
                                    f"the documents process of {case}")


async def upload(h: Harness, case: str, code: str, content: bytes, name: str = "document.pdf",
                 content_type: str = "application/pdf", headers: dict[str, str] = PORTAL_KEY,
                 message_id: str | None = None) -> httpx.Response:
    fields = {"caseNumber": case, "documentCode": code} | ({"messageId": message_id} if message_id else {})
    return await h.intake.post("/v1/uploads", headers=headers, data=fields,
                               files={"file": (name, content, content_type)})


def document_of_task(h: Harness, task: UserTask) -> str | None:
    """The document a check task belongs to: the `document` variable of its multi-instance iteration."""
    element = next((r for r in h.records.events("PROCESS_INSTANCE", processInstanceKey=task.process_instance_key)
                    if r["value"]["elementId"] == CHECK and r["intent"] == "ELEMENT_ACTIVATED"
                    and r["key"] == element_instance_of(h, task)), None)
    if element is None:
        return None
    scope = element["value"]["flowScopeKey"]
    for r in h.records.events("VARIABLE", processInstanceKey=task.process_instance_key, scopeKey=scope,
                              name="document"):
        return str(json_value(r)["code"])
    return None


def element_instance_of(h: Harness, task: UserTask) -> int:
    created = h.records.events("USER_TASK", "CREATED", processInstanceKey=task.process_instance_key)
    return int(next(r["value"]["elementInstanceKey"] for r in created if r["key"] == task.key))


def json_value(record: dict[str, Any]) -> Any:
    return json.loads(record["value"]["value"])


async def check_task(h: Harness, child: int, code: str) -> UserTask:
    def find() -> UserTask | None:
        return next((t for t in h.records.open_user_tasks(child, CHECK) if document_of_task(h, t) == code), None)

    return await h.records.wait_for(find, f"the check task of {code}")


async def upload_and_decide(h: Harness, case: str, child: int, code: str, decision: str = "accept",
                            reason: str | None = None, content: bytes | None = None) -> bytes:
    content = content or pdf(code)
    response = await upload(h, case, code, content)
    assert response.status_code == 202, response.text
    task = await check_task(h, child, code)
    assert task.candidate_groups == ["service-centre-staff"]
    variables: dict[str, Any] = {"documentCheckDecision": decision}
    if reason:
        variables["documentRejectionReason"] = reason
    await h.api.complete_user_task(task.key, variables)
    await h.records.wait_for(lambda: not [t for t in h.records.open_user_tasks(child, CHECK) if t.key == task.key],
                             "the check task to close")
    return content


async def sms_with(h: Harness, message_id: str) -> str:
    async def sent() -> str | None:
        return next((str(e["text"]) for e in await h.received("sms") if e["messageId"] == message_id), None)

    return await h.poll(sent, f"SMS {message_id}")


def dossier_by_code(h: Harness, instance: int) -> dict[str, dict[str, Any]]:
    dossier = h.records.variables(instance)["dossier"]
    assert all(set(entry) == DOSSIER_KEYS for entry in dossier), dossier
    return {entry["code"]: entry for entry in dossier}
