"""deliver-result: put the result into the citizen's e-Mongolia inbox."""

import json
from datetime import UTC, datetime
from typing import Any

from pyzeebe import ZeebeTaskRouter

from workers import services
from workers.handler import JobContext, job_task
from workers.models import ProcessVariables

router = ZeebeTaskRouter()


class Delivery(ProcessVariables):
    case_number: str
    register_number: str
    service_name: str
    result_document: dict[str, Any] | None = None


class Delivered(ProcessVariables):
    result_delivered_at: str


@job_task(router, "deliver-result", Delivery)
async def deliver_result(delivery: Delivery, _: JobContext) -> Delivered:
    body = f"{delivery.service_name}: {delivery.case_number}"
    if delivery.result_document:
        body += "\n" + json.dumps(delivery.result_document, ensure_ascii=False, indent=2)
    await services.current().notifier.inbox(
        delivery.register_number, "Үйлчилгээний үр дүн", body, message_id=f"{delivery.case_number}-result"
    )
    return Delivered(result_delivered_at=datetime.now(UTC).replace(microsecond=0).isoformat())
