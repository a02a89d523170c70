"""The document reduction report: per service, how many documents citizens no longer had to bring, and
which citizen-provided documents are the best candidates for registry retrieval.

Input is the `dossier` of each ended DocumentReductionProcess (see workflows/DocumentReductionProcess.bpmn):
one entry per required document with its source ("registry" or "citizen"), timestamps and upload counts.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any


@dataclass(frozen=True)
class EndedCollection:
    """One ended DocumentReductionProcess: its service and dossier."""

    process_instance_id: str
    service_code: str
    dossier: Sequence[dict[str, Any]]


@dataclass(frozen=True)
class ServiceFigures:
    service_code: str
    instances: int
    documents_required: int
    fetched_from_registries: int
    asked_from_citizens: int
    uploads_rejected: int
    median_upload_wait_hours: float | None  # from the ask to the accepted upload
    share_not_brought: float  # fetched from registries / required

    @property
    def share_percent(self) -> str:
        return f"{self.share_not_brought * 100:.0f}%"


@dataclass(frozen=True)
class Candidate:
    """A document citizens still had to provide: the more often asked, the better a registry would serve."""

    document_code: str
    document_name: str
    times_asked: int
    services: tuple[str, ...]
    has_registry_source: bool  # the catalogue names an XYP service, yet the citizen was asked
    uploads_rejected: int
    median_upload_wait_hours: float | None


@dataclass(frozen=True)
class DocumentReport:
    services: tuple[ServiceFigures, ...]
    candidates: tuple[Candidate, ...]


def build_report(collections: Iterable[EndedCollection]) -> DocumentReport:
    by_service: dict[str, list[EndedCollection]] = defaultdict(list)
    asked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    asked_in: dict[str, set[str]] = defaultdict(set)
    for collection in collections:
        by_service[collection.service_code].append(collection)
        for document in collection.dossier:
            if document["source"] == "citizen":
                asked[document["code"]].append(document)
                asked_in[document["code"]].add(collection.service_code)
    services = tuple(service_figures(code, by_service[code]) for code in sorted(by_service))
    candidates = sorted(
        (candidate(code, documents, asked_in[code]) for code, documents in asked.items()),
        key=lambda c: (-c.times_asked, -(c.median_upload_wait_hours or 0.0), c.document_code),
    )
    return DocumentReport(services, tuple(candidates))


def service_figures(service_code: str, collections: Sequence[EndedCollection]) -> ServiceFigures:
    documents = [d for c in collections for d in c.dossier]
    fetched = sum(1 for d in documents if d["source"] == "registry")
    return ServiceFigures(
        service_code=service_code,
        instances=len(collections),
        documents_required=len(documents),
        fetched_from_registries=fetched,
        asked_from_citizens=len(documents) - fetched,
        uploads_rejected=sum(int(d.get("rejections") or 0) for d in documents),
        median_upload_wait_hours=median_wait_hours(documents),
        share_not_brought=fetched / len(documents) if documents else 0.0,
    )


def candidate(code: str, documents: Sequence[dict[str, Any]], services: set[str]) -> Candidate:
    return Candidate(
        document_code=code,
        document_name=str(documents[0].get("name") or code),
        times_asked=len(documents),
        services=tuple(sorted(services)),
        has_registry_source=any(d.get("xypService") for d in documents),
        uploads_rejected=sum(int(d.get("rejections") or 0) for d in documents),
        median_upload_wait_hours=median_wait_hours(documents),
    )


def median_wait_hours(documents: Iterable[dict[str, Any]]) -> float | None:
    """Median time from asking the citizen to the accepted upload; documents never received don't count."""
    waits = [
        (parse_time(d["receivedAt"]) - parse_time(d["requestedAt"])).total_seconds() / 3600
        for d in documents
        if d["source"] == "citizen" and d.get("receivedAt") and d.get("requestedAt")
    ]
    return median(waits) if waits else None


def parse_time(value: str) -> datetime:
    """ISO-8601 as FEEL and Python write it ("Z" or an offset; FEEL may add a zone id in brackets)."""
    text = value.split("[", 1)[0].replace("Z", "+00:00")
    return datetime.fromisoformat(text)
