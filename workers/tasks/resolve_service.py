"""resolve-service: the service's kind, stages, required documents and SLA from the catalogue."""

from typing import Any

from workers.errors import BpmnError
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services

UNKNOWN = "UNKNOWN_SERVICE"


class ServiceRequest(ProcessVariables):
    service_code: str


class ResolvedService(ProcessVariables):
    service_kind: str
    service_name: str
    stages: list[dict[str, Any]]
    required_documents: list[dict[str, Any]]
    document_collection: dict[str, str]  # DocumentReductionProcess's timers: consentWithin, reminderAfter, expireAfter
    sla_working_days: int
    sla_warning_working_days: int | None


@handles("resolve-service", errors=(UNKNOWN,))
async def resolve_service(request: ServiceRequest, _context: TaskContext, services: Services) -> ResolvedService:
    catalog = services.catalog
    service = catalog.services.get(request.service_code)
    if service is None:
        raise BpmnError(UNKNOWN, f"no service {request.service_code!r} in the catalogue",
                        {"rejectionReason": "Ийм үйлчилгээ бүртгэлгүй байна."})
    return ResolvedService(
        service_kind=service.kind.value,
        service_name=service.name_mn,
        stages=[
            {"number": n, "agency": s.agency, "agencyName": catalog.agencies[s.agency].name_mn, "task": s.task_mn}
            for n, s in enumerate(service.stages, start=1)
        ],
        required_documents=[
            {"code": d.code, "name": d.name_mn, "source": d.source, "xypService": d.xyp_service,
             "maxUploadAttempts": d.max_upload_attempts}
            for d in service.documents
        ],
        document_collection={
            "consentWithin": service.document_collection.consent_within,
            "reminderAfter": service.document_collection.reminder_after,
            "expireAfter": service.document_collection.expire_after,
        },
        sla_working_days=service.sla.working_days,
        sla_warning_working_days=service.sla.warning_at_working_days,
    )
