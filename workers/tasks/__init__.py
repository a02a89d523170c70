"""Every topic the workers handle, one module per topic (named after it); this list is what runs."""

from typing import Any

from workers.registry import TaskHandler
from workers.tasks import (
    compute_deadline,
    confirm_dossier_complete,
    deliver_result,
    fetch_registry_document,
    forward_complaint,
    forward_information,
    forward_to_agency,
    notify_citizen,
    prepare_reference,
    register_case,
    remind_agency,
    remind_organisation,
    resolve_service,
    verify_identity,
)

HANDLERS: list[TaskHandler[Any, Any]] = [
    compute_deadline.compute_deadline,
    confirm_dossier_complete.confirm_dossier_complete,
    deliver_result.deliver_result,
    fetch_registry_document.fetch_registry_document,
    forward_complaint.forward_complaint,
    forward_information.forward_information,
    forward_to_agency.forward_to_agency,
    notify_citizen.notify_citizen,
    prepare_reference.prepare_reference,
    register_case.register_case,
    remind_agency.remind_agency,
    remind_organisation.remind_organisation,
    resolve_service.resolve_service,
    verify_identity.verify_identity,
]
