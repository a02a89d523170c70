"""compute-deadline: the answer deadline of a complaint, its reminder points, and the one extension.

Three moments in the case's life ask for it (`deadlineChange`):
- `initial`: the DMN's deadlineDays/deadlineKind from receipt (legal calendar days, or a working-day norm);
- `extension`: Quality Control extends once, in calendar days (catalog/complaints.yaml `extension`);
- `re-forward`: the new organisation's own time to answer (catalog/complaints.yaml `reforwarding`).
The legal due date (`dueDate`/`dueAt`) is what the SLA is measured against; `answerDueAt` is when the
organisation holding the case is overdue (the breach timer). Numbers come from the catalogue and the DMN only.
"""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from catalog.model import ComplaintRules, DeadlineKind
from domain.deadlines import ExtensionRefused, due_date, ends_at, extend_deadline, reminder_times
from workers.errors import InvalidJobData
from workers.models import ProcessVariables
from workers.registry import TaskContext, handles
from workers.services import Services


class DeadlineRequest(ProcessVariables):
    deadline_change: Literal["initial", "extension", "re-forward"] = "initial"
    received_at: datetime | None = None  # intake sets it; a walk-in case is received when it is registered
    deadline_days: int | None = Field(default=None, ge=0)
    deadline_kind: DeadlineKind | None = None
    due_date: date | None = None
    extended: bool = False
    extension_days: int | None = None


class Deadline(ProcessVariables):
    received_at: str
    deadline_kind: str
    due_date: str  # the last local day to answer (legal or norm, extended if it was)
    due_at: str  # the moment that day is over, Asia/Ulaanbaatar
    answer_due_at: str  # when the organisation holding the case is overdue (the breach timer)
    reminder_times: list[str]
    extended: bool
    satisfaction_wait: str  # ISO 8601 duration the citizen has to rate the answer


@handles("compute-deadline")
async def compute_deadline(request: DeadlineRequest, _context: TaskContext, services: Services) -> Deadline:
    return deadline_for(request, services.complaint_rules, services.now())


def deadline_for(request: DeadlineRequest, catalogue: ComplaintRules, now: datetime) -> Deadline:
    """The deadline, the holder's own answer time and the reminder points, from the catalogue's numbers."""
    received = request.received_at or now
    if request.deadline_change == "initial":
        if request.deadline_days is None or request.deadline_kind is None:
            raise InvalidJobData("deadlineDays and deadlineKind are missing: did the ComplaintRouting decision run?")
        kind = request.deadline_kind
        due = due_date(received, request.deadline_days, kind, catalogue.calendar)
        answer_due = ends_at(due)
        extended = False
        holder_due, holder_kind = due, kind
    else:
        if request.due_date is None:
            raise InvalidJobData(f"dueDate is missing for a {request.deadline_change}: compute the deadline first")
        kind = request.deadline_kind or catalogue.legal_deadline.kind
        due = request.due_date
        extended = request.extended
        if request.deadline_change == "extension":
            try:
                due = extend_deadline(due, request.extension_days or 0, int(request.extended),
                                      catalogue.extension, notice_given=True)  # the model sends it next
            except ExtensionRefused as refused:  # the model lets an extension through once, within the form's range
                raise InvalidJobData(f"extension refused: {refused}") from refused
            kind, extended = DeadlineKind.CALENDAR, True
            holder_due, holder_kind = due, kind
        else:
            reforwarding = catalogue.reforwarding
            holder_due = due_date(now, reforwarding.days, reforwarding.kind, catalogue.calendar)
            holder_kind = reforwarding.kind
        answer_due = ends_at(holder_due)
    reminders = reminder_times(holder_due, catalogue.reminders.days_before_deadline, holder_kind, now,
                               catalogue.calendar)
    return Deadline(
        received_at=received.isoformat(), deadline_kind=str(kind), due_date=due.isoformat(),
        due_at=ends_at(due).isoformat(), answer_due_at=answer_due.isoformat(),
        reminder_times=[moment.isoformat() for moment in reminders], extended=extended,
        satisfaction_wait=f"P{catalogue.satisfaction.answer_days}D",
    )
