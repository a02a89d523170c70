"""deliver-result: put the result into the citizen's e-Mongolia inbox, once per case."""

import json
from typing import Any

from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services


class Delivery(ProcessVariables):
    case_number: str
    register_number: str
    service_name: str
    result_document: dict[str, Any] | None = None


class Delivered(ProcessVariables):
    result_delivered_at: str


@handles("deliver-result")
async def deliver_result(delivery: Delivery, _context: TaskContext, services: Services) -> Delivered:
    body = f"{delivery.service_name}: {delivery.case_number}"
    if delivery.result_document:
        body += "\n" + json.dumps(delivery.result_document, ensure_ascii=False, indent=2)
    await services.notifier.inbox(
        delivery.register_number, "Үйлчилгээний үр дүн", body, message_id=f"{delivery.case_number}-result"
    )
    return Delivered(result_delivered_at=services.now().isoformat())
