"""fetch-registry-document: fetch one required document from the state registry (XYP) by its service code.

No record → BPMN error REGISTRY_RECORD_NOT_FOUND (the model asks the citizen instead). A registry fault is
never a fallback: it is retried with backoff and ends as an incident that says what to do.
"""

from domain.dossier import registry_reference
from workers.errors import BpmnError, InvalidJobData, TransientError
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services

NOT_FOUND = "REGISTRY_RECORD_NOT_FOUND"


class RequiredDocument(ProcessVariables):
    code: str
    name: str
    source: str
    xyp_service: str | None = None


class RegistryFetch(ProcessVariables):
    case_number: str
    register_number: str
    document: RequiredDocument  # one item of requiredDocuments, as the multi-instance hands it over


class RegistryDocument(ProcessVariables):
    registry_reference: str
    fetched_at: str  # the worker's clock, kept with the task's variables; the dossier's times use the engine's clock


@handles("fetch-registry-document", errors=(NOT_FOUND,))
async def fetch_registry_document(fetch: RegistryFetch, _context: TaskContext, services: Services) -> RegistryDocument:
    document, code = fetch.document, fetch.document.xyp_service
    if code is None:
        raise InvalidJobData(f"document {document.code!r} names no XYP service; the model must ask the citizen")
    request_id = f"{fetch.case_number}-{document.code}-{code}"  # the same on every retry: XYP journals it once
    try:
        record = await services.xyp.fetch(code, fetch.register_number, request_id)
    except TransientError as error:
        raise TransientError(
            f"{error}. Document {document.code!r} waits for the registry; once XYP answers again, "
            "retry this task's incident in Cockpit and the document is fetched (the citizen is not asked)"
        ) from error
    if record is None:
        raise BpmnError(NOT_FOUND, f"XYP {code} holds no record for this applicant ({document.code})")
    return RegistryDocument(registry_reference=registry_reference(code, request_id),
                            fetched_at=services.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"))
