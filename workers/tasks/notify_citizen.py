"""notify-citizen: tell the citizen about a status change, on the channel their contacts allow, once.

"Once" is the receivers' part: the message id is derived from the case, the status, the stage and the
notification key, so a retried task sends the same id again and the SMS gateway, the inbox and the e-mail
outbox drop the repeat. This handler keeps no record of its own.
"""

from typing import Any

import structlog
from pydantic import Field, field_validator

from domain.notifications import TEMPLATES, compose
from domain.sms_segments import count_segments
from workers.metrics import NOTIFICATIONS, SMS_SEGMENTS
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services
from workers.tasks.stage import Stage

log = structlog.get_logger(__name__)


class StatusChange(ProcessVariables):
    case_number: str
    notification_status: str
    notification_key: str | None = None  # tells apart repeated messages of one status
    notification_fields: dict[str, str] = Field(default_factory=dict)  # a template's own placeholders
    register_number: str
    phone: str | None = None
    email: str | None = None
    service_name: str = ""
    stage: Stage | None = None
    rejection_reason: str | None = None
    decision_reason: str | None = None

    @field_validator("notification_status")
    @classmethod
    def status_has_text(cls, status: str) -> str:
        if status not in TEMPLATES:
            raise ValueError(f"no text for status {status!r}; add it to domain/*_texts.py")
        return status

    @field_validator("notification_key", mode="before")
    @classmethod
    def number_as_key(cls, key: Any) -> Any:
        """A model may pass a number (`${forwardingCount}`): it keys the message as its text."""
        return str(key) if isinstance(key, int) and not isinstance(key, bool) else key

    @field_validator("notification_fields", mode="before")
    @classmethod
    def numbers_as_text(cls, fields: Any) -> Any:
        """Template fields are text; a number among them (a count, a stage) is written as it reads."""
        if not isinstance(fields, dict):
            return fields
        return {name: str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
                for name, value in fields.items()}


class NotificationSent(ProcessVariables):
    last_notification_id: str
    last_notification_channel: str


@handles("notify-citizen")
async def notify_citizen(change: StatusChange, _context: TaskContext, services: Services) -> NotificationSent:
    stage = change.stage
    note = compose(
        change.notification_status, change.case_number, service=change.service_name,
        agency=stage.agency_name if stage else "", stage=stage.number if stage else None,
        reason=change.rejection_reason or change.decision_reason or "",
        key=change.notification_key, fields=change.notification_fields,
    )
    notifier = services.notifier
    if change.phone:
        channel = "sms"
        segments = count_segments(note.text)
        await notifier.sms(change.phone, note.text, note.message_id)
        SMS_SEGMENTS.labels(segments.encoding).inc(segments.count)
        log.info("notification.sms", segments=segments.count, encoding=segments.encoding)
    elif change.email:
        channel = "email"
        await notifier.email(change.email, note.title, note.text, note.message_id)
    else:
        channel = "inbox"
        await notifier.inbox(change.register_number, note.title, note.text, note.message_id)
    NOTIFICATIONS.labels(change.notification_status, channel).inc()
    return NotificationSent(last_notification_id=note.message_id, last_notification_channel=channel)
