"""confirm-dossier-complete: assemble the dossier from each document's result and hand it back, or raise
DOCUMENTS_MISSING naming what is missing.

A worker throws this error (rather than the model ending in an error end event) because a task's BPMN error
carries variables: `missingDocuments` (the names, as one text for the citizen's message) and `dossier` (JSON
text). The engine sets them in DocumentReductionProcess and, as the error leaves it, passes the call
activity's `camunda:out` variables to the calling process.
"""

from typing import Any

from domain.dossier import assemble, missing, names_of
from workers.errors import BpmnError
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services

DOCUMENTS_MISSING = "DOCUMENTS_MISSING"


class DocumentResults(ProcessVariables):
    case_number: str
    required_documents: list[dict[str, Any]]
    document_results: list[dict[str, Any]]  # per finished iteration: {"document": item, "state": its variables}


class CompleteDossier(ProcessVariables):
    dossier: list[dict[str, Any]]
    documents_complete: bool


@handles("confirm-dossier-complete", errors=(DOCUMENTS_MISSING,))
async def confirm_dossier_complete(collected: DocumentResults, _context: TaskContext,
                                   _services: Services) -> CompleteDossier:
    dossier = assemble(collected.required_documents, collected.document_results)
    absent = missing(dossier)
    if absent:
        raise BpmnError(DOCUMENTS_MISSING, f"{len(absent)} document(s) missing: "
                        + ", ".join(str(e.get("code")) for e in absent),
                        {"missingDocuments": names_of(absent), "dossier": dossier})
    return CompleteDossier(dossier=dossier, documents_complete=True)
