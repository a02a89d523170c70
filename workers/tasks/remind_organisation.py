"""remind-organisation: remind the organisation holding a complaint that its answer is due, once per point."""

from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services


class ComplaintReminder(ProcessVariables):
    case_number: str
    forwarded_to: str
    forwarding_count: int
    answer_due_at: str
    reminders_sent: int = 0


class OrganisationReminded(ProcessVariables):
    reminders_sent: int


@handles("remind-organisation")
async def remind_organisation(reminder: ComplaintReminder, _context: TaskContext,
                              services: Services) -> OrganisationReminded:
    number = reminder.reminders_sent + 1
    await services.agencies.send(
        reminder.forwarded_to, f"cases/{reminder.case_number}/reminders",
        {"caseNumber": reminder.case_number, "stage": reminder.forwarding_count, "kind": "warning",
         "dueAt": reminder.answer_due_at, "note": f"Гомдлын хариу өгөх хугацаа: {reminder.answer_due_at}"},
        idempotency_key=f"{reminder.case_number}-{reminder.forwarding_count}-reminder-{number}",
    )
    return OrganisationReminded(reminders_sent=number)
