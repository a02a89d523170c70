"""notify-citizen: tell the citizen about a status change, on the channel their contacts allow, once."""

import structlog
from pydantic import Field, field_validator
from pyzeebe import ZeebeTaskRouter

from workers import services
from workers.domain.notifications import TEMPLATES, compose
from workers.domain.sms_segments import count_segments
from workers.handler import JobContext, job_task
from workers.metrics import NOTIFICATIONS, SMS_SEGMENTS
from workers.models import ProcessVariables
from workers.tasks.stage import Stage

router = ZeebeTaskRouter()
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
            raise ValueError(f"no text for status {status!r}; add it to workers/domain/*_texts.py")
        return status


class NotificationSent(ProcessVariables):
    last_notification_id: str
    last_notification_channel: str


@job_task(router, "notify-citizen", StatusChange)
async def notify_citizen(change: StatusChange, _: JobContext) -> NotificationSent:
    stage = change.stage
    note = compose(
        change.notification_status, change.case_number, service=change.service_name,
        agency=stage.agency_name if stage else "", stage=stage.number if stage else None,
        reason=change.rejection_reason or change.decision_reason or "",
        key=change.notification_key, fields=change.notification_fields,
    )
    notifier = services.current().notifier
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
