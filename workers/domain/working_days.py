"""Working-day arithmetic on the Mongolian calendar: weekends, public holidays (the `holidays` package,
country MN, with the lunar Tsagaan Sar) and extra days off the government declares."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import holidays


def days_off(years: Iterable[int], extra: Iterable[date] = ()) -> set[date]:
    return set(holidays.country_holidays("MN", years=list(years))) | set(extra)


def add_working_days(start: datetime, working_days: int, extra_days_off: Iterable[date] = ()) -> datetime:
    """The same time of day, `working_days` working days after `start`."""
    off = days_off(range(start.year, start.year + 2 + working_days // 200), extra_days_off)
    moment, left = start, working_days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5 and moment.date() not in off:
            left -= 1
    return moment
