"""The dossier DocumentReductionProcess returns: one entry per required document (built in the model's FEEL).

Entry keys: code, name, source ("registry" | "citizen"), xypService, reference (XYP reference or
"sha256:<hex>"), requestedAt, receivedAt, uploadAttempts, rejections, status ("received" | "missing"),
fallback (null | "not-found" | "no-consent" | "no-registry-source").
"""

from collections.abc import Sequence
from typing import Any


def missing(dossier: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for entry in dossier if entry.get("status") != "received"]


def names_of(entries: Sequence[dict[str, Any]]) -> str:
    """The documents' Mongolian names as one phrase for a citizen's message, in catalogue order."""
    return ", ".join(str(entry.get("name") or entry.get("code")) for entry in entries)


def registry_reference(service_code: str, request_id: str) -> str:
    """What the registry journals the fetch under: enough to find the exact answer again."""
    return f"xyp:{service_code}:{request_id}"
