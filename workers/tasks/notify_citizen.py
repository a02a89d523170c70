"""notify-citizen: tell the citizen about a status change, on the channel their contacts allow, once."""

import structlog
from pyzeebe import ZeebeTaskRouter

from workers import services
from workers.domain.notifications import Status, compose
from workers.domain.sms_segments import count_segments
from workers.handler import JobContext, job_task
from workers.metrics import NOTIFICATIONS, SMS_SEGMENTS
from workers.models import ProcessVariables
from workers.tasks.stage import Stage

router = ZeebeTaskRouter()
log = structlog.get_logger(__name__)


class StatusChange(ProcessVariables):
    case_number: str
    notification_status: Status
    register_number: str
    phone: str | None = None
    email: str | None = None
    service_name: str = ""
    stage: Stage | None = None
    rejection_reason: str | None = None
    decision_reason: str | None = None


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
