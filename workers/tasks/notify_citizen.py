"""notify-citizen: tell the citizen about a status change, on the channel their contacts allow, once."""

from pyzeebe import ZeebeTaskRouter

from workers import services
from workers.domain.notifications import Status, compose
from workers.handler import JobContext, job_task
from workers.models import ProcessVariables
from workers.tasks.stage import Stage

router = ZeebeTaskRouter()


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
        await notifier.sms(change.phone, note.text, note.message_id)
    elif change.email:
        channel = "email"
        await notifier.email(change.email, note.title, note.text, note.message_id)
    else:
        channel = "inbox"
        await notifier.inbox(change.register_number, note.title, note.text, note.message_id)
    return NotificationSent(last_notification_id=note.message_id, last_notification_channel=channel)
