"""Due dates of inquiries, complaints, petitions and suggestions, on Asia/Ulaanbaatar local dates.

The day a case is received does not count. A calendar-day deadline is the local date of receipt plus N days,
whatever holidays lie between or on it (the legal 30 days of petitions and complaints); a working-day
deadline is the N-th working day after it (weekends, the `holidays` package's Mongolian public holidays and
the catalogue's declared days off do not count; its declared working days do). How many days of which kind
comes from workflows/ComplaintRouting.dmn; the legal deadline, the one extension and the calendar overrides
from catalog/complaints.yaml. Nothing here knows a number.
"""

from datetime import date, datetime, time, timedelta

from catalog.model import CalendarOverrides, DeadlineKind, ExtensionRule
from domain.working_days import ULAANBAATAR, add_working_days, days_off, is_working_day

NO_OVERRIDES = CalendarOverrides()


class ExtensionRefused(Exception):
    """The deadline may not be extended (again, by that much, or without notice)."""


def local_date(received: datetime) -> date:
    """The Ulaanbaatar calendar date of a moment; a naive moment is refused (its zone would be a guess)."""
    if received.tzinfo is None or received.utcoffset() is None:
        raise ValueError(f"received must carry a time zone, got {received.isoformat()}")
    return received.astimezone(ULAANBAATAR).date()


def due_in_calendar_days(received: datetime, days: int) -> date:
    return local_date(received) + timedelta(days=_count(days))


def due_in_working_days(received: datetime, days: int, calendar: CalendarOverrides = NO_OVERRIDES) -> date:
    start = datetime.combine(local_date(received), time())
    return add_working_days(start, _count(days), calendar.days_off, calendar.working_days).date()


def due_date(
    received: datetime, days: int, kind: DeadlineKind | str, calendar: CalendarOverrides = NO_OVERRIDES
) -> date:
    """The last local day to answer a case received at `received`, for the DMN's deadlineDays/deadlineKind."""
    if DeadlineKind(kind) == DeadlineKind.CALENDAR:
        return due_in_calendar_days(received, days)
    return due_in_working_days(received, days, calendar)


def ends_at(due: date) -> datetime:
    """The moment a deadline has passed: Ulaanbaatar midnight after its last day."""
    return datetime.combine(due + timedelta(days=1), time(), tzinfo=ULAANBAATAR)


def extend_deadline(
    due: date, by_days: int, extensions_so_far: int, rule: ExtensionRule, notice_given: bool
) -> date:
    """The new due date of one extension, in calendar days (art. 16), or ExtensionRefused saying why."""
    if extensions_so_far >= rule.max_extensions:
        raise ExtensionRefused(
            f"the deadline was extended {extensions_so_far} time(s) already; at most {rule.max_extensions} allowed"
        )
    if not 1 <= by_days <= rule.max_days:
        raise ExtensionRefused(f"an extension is 1 to {rule.max_days} days, not {by_days}")
    if rule.notice_required and not notice_given:
        raise ExtensionRefused("the citizen must be notified of the extension")
    return due + timedelta(days=by_days)


def _count(days: int) -> int:
    if days < 0:
        raise ValueError(f"a deadline is a number of days >= 0, got {days}")
    return days


REMINDER_HOUR = time(9)  # reminders go out at the start of an Ulaanbaatar working day


def reminder_times(
    due: date, days_before: list[int], kind: DeadlineKind | str, after: datetime,
    calendar: CalendarOverrides = NO_OVERRIDES,
) -> list[datetime]:
    """When to remind whoever holds a case, earliest first: `days_before` the due date in the deadline's own
    kind of days, at 09:00 local time; points not after `after` (already past, or before receipt) are left out."""
    moments = []
    for days in days_before:
        if DeadlineKind(kind) == DeadlineKind.CALENDAR:
            day = due - timedelta(days=_count(days))
        else:
            day = subtract_working_days(due, days, calendar)
        moment = datetime.combine(day, REMINDER_HOUR, tzinfo=ULAANBAATAR)
        if moment > after and moment < ends_at(due):
            moments.append(moment)
    return sorted(moments)


def subtract_working_days(day: date, days: int, calendar: CalendarOverrides = NO_OVERRIDES) -> date:
    """The working day `days` working days before `day`."""
    off = days_off(range(day.year - 1 - days // 200, day.year + 1), calendar.days_off)
    left = _count(days)
    while left > 0:
        day -= timedelta(days=1)
        if is_working_day(day, off, calendar.working_days):
            left -= 1
    return day
