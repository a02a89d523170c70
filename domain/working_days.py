"""Working-day arithmetic on the Mongolian calendar: weekends, public holidays (the `holidays` package,
country MN, with the lunar Tsagaan Sar), extra days off the government declares, and the days it declares
working days instead (a Saturday worked in exchange for a bridge day)."""

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

from catalog.model import CalendarOverrides

ULAANBAATAR = ZoneInfo("Asia/Ulaanbaatar")


def days_off(years: Iterable[int], extra: Iterable[date] = ()) -> set[date]:
    return set(holidays.country_holidays("MN", years=list(years))) | set(extra)


def is_working_day(day: date, off: Collection[date], extra_working_days: Collection[date] = ()) -> bool:
    """A declared working day always works; otherwise Monday to Friday, unless a day off."""
    return day in extra_working_days or (day.weekday() < 5 and day not in off)


def add_working_days(
    start: datetime, working_days: int, extra_days_off: Iterable[date] = (), extra_working_days: Iterable[date] = ()
) -> datetime:
    """The same time of day, `working_days` working days after `start`."""
    off = days_off(range(start.year, start.year + 2 + working_days // 200), extra_days_off)
    working = set(extra_working_days)
    moment, left = start, working_days
    while left > 0:
        moment += timedelta(days=1)
        if is_working_day(moment.date(), off, working):
            left -= 1
    return moment


def sla_due(start: datetime, working_days: int, calendar: CalendarOverrides) -> datetime:
    """A service norm's due moment: on Ulaanbaatar's dates, with the catalogue's declared transfers."""
    return add_working_days(start.astimezone(ULAANBAATAR), working_days, calendar.days_off, calendar.working_days)
