"""One module per task type; each module exposes `router`. ROUTERS lists them all."""

from pyzeebe import ZeebeTaskRouter

from workers.tasks import (
    deliver_result,
    forward_information,
    forward_to_agency,
    notify_citizen,
    prepare_reference,
    register_case,
    remind_agency,
    resolve_service,
    verify_identity,
)

ROUTERS: list[ZeebeTaskRouter] = [
    module.router
    for module in (register_case, verify_identity, resolve_service, notify_citizen, prepare_reference,
                   forward_to_agency, forward_information, remind_agency, deliver_result)
]
