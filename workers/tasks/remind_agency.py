"""remind-agency: at the SLA warning point, or after a breach with the coordinator's note."""

from typing import Literal

from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services
from workers.tasks.stage import Stage


class Reminder(ProcessVariables):
    case_number: str
    stage: Stage
    reminder_kind: Literal["warning", "breach"]
    stage_due_at: str
    follow_up_note: str | None = None


class Reminded(ProcessVariables):
    last_reminder_kind: str


@handles("remind-agency")
async def remind_agency(reminder: Reminder, _context: TaskContext, services: Services) -> Reminded:
    await services.agencies.send(
        reminder.stage.agency, f"cases/{reminder.case_number}/reminders",
        {"caseNumber": reminder.case_number, "stage": reminder.stage.number, "kind": reminder.reminder_kind,
         "dueAt": reminder.stage_due_at, "note": reminder.follow_up_note or ""},
        idempotency_key=f"{reminder.case_number}-{reminder.stage.number}-{reminder.reminder_kind}",
    )
    return Reminded(last_reminder_kind=reminder.reminder_kind)
