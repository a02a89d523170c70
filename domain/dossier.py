"""The dossier DocumentReductionProcess returns: one entry per required document, assembled by
confirm-dossier-complete from what each document's iteration recorded (`documentResults`).

Entry keys: code, name, source ("registry" | "citizen"), xypService, reference (XYP reference or
"sha256:<hex>"), requestedAt, receivedAt, uploadAttempts, rejections, status ("received" | "missing"),
fallback (null | "not-found" | "no-consent" | "no-registry-source").
"""

from collections.abc import Sequence
from typing import Any


def assemble(required: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dossier in catalogue order. `results` holds, per finished iteration, `{"document": item, "state":
    its variables}`; a document without a received time is missing."""
    states = {str(result["document"]["code"]): result.get("state") or {} for result in results}
    dossier = []
    for document in required:
        state = states.get(str(document["code"]), {})
        dossier.append({
            "code": document["code"], "name": document.get("name"), "source": state.get("source") or "citizen",
            "xypService": document.get("xypService"), "reference": state.get("reference"),
            "requestedAt": state.get("requestedAt"), "receivedAt": state.get("receivedAt"),
            "uploadAttempts": state.get("uploadAttempts") or 0, "rejections": state.get("rejections") or 0,
            "status": "missing" if state.get("receivedAt") is None else "received",
            "fallback": state.get("fallback"),
        })
    return dossier


def missing(dossier: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for entry in dossier if entry.get("status") != "received"]


def names_of(entries: Sequence[dict[str, Any]]) -> str:
    """The documents' Mongolian names as one phrase for a citizen's message, in catalogue order."""
    return ", ".join(str(entry.get("name") or entry.get("code")) for entry in entries)


def registry_reference(service_code: str, request_id: str) -> str:
    """What the registry journals the fetch under: enough to find the exact answer again."""
    return f"xyp:{service_code}:{request_id}"
