"""Handling time in working days on the Mongolian calendar, and the order statistics the report uses.

A duration in working days is the time between two moments with every non-working day cut out, in days of 24
hours, on Ulaanbaatar dates: weekends, public holidays (`holidays`, MN) and the catalogue's declared days off
do not count, its declared working days do (domain/working_days.py). Two moments on one working day 6 hours
apart are 0.25 working days; Friday 12:00 to Monday 12:00 is 1.0; a Tsagaan Sar holiday in between adds nothing.
A request forwarded with an SLA of N working days and decided at its due moment took N working days.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from catalog.model import CalendarOverrides
from domain.working_days import ULAANBAATAR, days_off, is_working_day

DAY = timedelta(days=1)


def working_days_between(start: datetime, end: datetime, calendar: CalendarOverrides) -> float:
    """Working days from `start` to `end` (aware moments); 0 if `end` is not after `start`."""
    start, end = start.astimezone(ULAANBAATAR), end.astimezone(ULAANBAATAR)
    if end <= start:
        return 0.0
    off = days_off(range(start.year, end.year + 1), calendar.days_off)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day, off, calendar.working_days):
            begins = max(start, midnight(day))
            total += min(end, midnight(day + DAY)) - begins
        day += DAY
    return total / DAY


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ULAANBAATAR)


def percentile(values: Sequence[float], share: float) -> float | None:
    """The `share` quantile (0.5 = median, 0.9 = 90th percentile) by linear interpolation between the closest
    ranks (the same as numpy's default and statistics.median); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * share
    below = int(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)
