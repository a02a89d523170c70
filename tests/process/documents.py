"""Drive DocumentReductionProcess from outside: uploads through intake, staff decisions on the check task."""

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

import httpx

from catalog.loader import load_service_centres
from tests.history import UserTask
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


async def child_of(h: Harness, case: str) -> str:
    return await h.instance_of(case, CHILD)


async def upload(h: Harness, case: str, code: str, content: bytes, name: str = "document.pdf",
                 content_type: str = "application/pdf", headers: dict[str, str] = PORTAL_KEY,
                 message_id: str | None = None) -> httpx.Response:
    fields = {"caseNumber": case, "documentCode": code} | ({"messageId": message_id} if message_id else {})
    return await h.intake.post("/v1/uploads", headers=headers, data=fields,
                               files={"file": (name, content, content_type)})


async def task_variables(h: Harness, task: UserTask) -> dict[str, Any]:
    """What the task sees: its own variables, then its document's iteration's, then the instance's (raw values:
    structured ones as JSON text)."""
    found: dict[str, dict[str, Any]] = await h.api.request("GET", f"/task/{task.id}/variables",
                                                            params={"deserializeValues": "false"})
    return {name: variable["value"] for name, variable in found.items()}


async def document_of_task(h: Harness, task: UserTask) -> str:
    """The document a check task belongs to: the `document` element variable of its multi-instance iteration."""
    return str(json.loads((await task_variables(h, task))["document"])["code"])


async def check_task(h: Harness, child: str, code: str) -> UserTask:
    async def find() -> UserTask | None:
        for task in await h.history.open_user_tasks(child, CHECK):
            if await document_of_task(h, task) == code:
                return task
        return None

    return await h.history.wait_for(find, f"the check task of {code}")


async def decide(h: Harness, child: str, task: UserTask, decision: str = "accept", reason: str | None = None) -> None:
    """Staff's decision on the check task, as the document-check form sends it; waits for the task to close."""
    variables: dict[str, Any] = {"documentCheckDecision": decision}
    if reason:
        variables["documentRejectionReason"] = reason
    await h.api.complete_task(task.id, variables)

    async def closed() -> bool:
        return all(t.id != task.id for t in await h.history.open_user_tasks(child, CHECK))

    await h.history.wait_for(closed, "the check task to close")


async def upload_and_decide(h: Harness, case: str, child: str, code: str, decision: str = "accept",
                            reason: str | None = None, content: bytes | None = None) -> bytes:
    content = content or pdf(code)
    response = await upload(h, case, code, content)
    assert response.status_code == 202, response.text
    task = await check_task(h, child, code)
    assert task.candidate_groups == [await centre_group(h, child)]
    assert task.form_ref == "document-check"
    await decide(h, child, task, decision, reason)
    return content


async def centre_group(h: Harness, child: str) -> str:
    """The staff group of the citizen's service centre (catalog/service_centres.yaml): its check tasks go there."""
    centre = (await h.variables(child))["serviceCentre"]
    return next(c.staff_group for c in load_service_centres().service_centres if c.id == centre)


async def sms_with(h: Harness, message_id: str) -> str:
    async def sent() -> str | None:
        return next((str(e["text"]) for e in await h.received("sms") if e["messageId"] == message_id), None)

    return await h.poll(sent, f"SMS {message_id}")


async def dossier_by_code(h: Harness, instance: str) -> dict[str, dict[str, Any]]:
    dossier = (await h.variables(instance))["dossier"]
    assert all(set(entry) == DOSSIER_KEYS for entry in dossier), dossier
    return {entry["code"]: entry for entry in dossier}
