"""confirm-dossier-complete: hand the dossier back, or raise DOCUMENTS_MISSING naming what is missing.

A worker throws this error rather than an error end event because Zeebe 8.6's error end event carries no
variables to the catching process: only a job's thrown error does, and the calling process needs the
missing documents' names (and the dossier) to tell the citizen.
"""

from typing import Any

from pyzeebe import ZeebeTaskRouter

from workers.domain.dossier import missing, names_of
from workers.errors import BpmnError
from workers.handler import JobContext, job_task
from workers.models import ProcessVariables

router = ZeebeTaskRouter()
DOCUMENTS_MISSING = "DOCUMENTS_MISSING"


class Dossier(ProcessVariables):
    case_number: str
    dossier: list[dict[str, Any]]


class CompleteDossier(ProcessVariables):
    documents_complete: bool


@job_task(router, "confirm-dossier-complete", Dossier, errors=(DOCUMENTS_MISSING,))
async def confirm_dossier_complete(dossier: Dossier, _: JobContext) -> CompleteDossier:
    absent = missing(dossier.dossier)
    if absent:
        raise BpmnError(DOCUMENTS_MISSING, f"{len(absent)} document(s) missing: "
                        + ", ".join(str(e.get("code")) for e in absent),
                        {"missingDocuments": names_of(absent), "dossier": dossier.dossier})
    return CompleteDossier(documents_complete=True)
