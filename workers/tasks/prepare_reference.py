"""prepare-reference: answer a reference service straight from the registry it names."""

from typing import Any

from workers.errors import InvalidJobData
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services


class ReferenceRequest(ProcessVariables):
    case_number: str
    service_code: str
    register_number: str


class Reference(ProcessVariables):
    result_document: dict[str, Any]


@handles("prepare-reference")
async def prepare_reference(request: ReferenceRequest, _context: TaskContext, services: Services) -> Reference:
    service = services.catalog.services.get(request.service_code)
    if service is None or service.reference_source is None:
        raise InvalidJobData(f"{request.service_code!r} is not a reference service in the catalogue")
    code = service.reference_source
    record = await services.xyp.fetch(code, request.register_number, f"{request.case_number}-{code}")
    # "No record" is a valid answer for a reference (e.g. no vehicle registered), not an error.
    return Reference(result_document={"source": "xyp", "serviceCode": code, "found": record is not None,
                                      "data": record or {}})
