"""Simulated time: minutes since local midnight of the study's first day (Asia/Ulaanbaatar, no daylight saving),
and when centres and agencies work: their opening hours on working days of the Mongolian calendar (the
`holidays` package's public holidays plus catalog/complaints.yaml's declared days off and working days, the
same rules as the engine's SLA timers, domain/working_days.py)."""

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from catalog.model import CalendarOverrides
from domain.working_days import ULAANBAATAR, add_working_days, days_off, is_working_day
from reports.load_study.model import WEEKDAYS, DayName, OpeningHours

DAY = 24 * 60


@functools.cache
def due_day(day: date, working_days: int, extra_off: frozenset[date], extra_working: frozenset[date]) -> date:
    """The day a norm of `working_days` ends when it starts on `day` (domain.working_days, cached)."""
    return add_working_days(datetime.combine(day, time()), working_days, extra_off, extra_working).date()


@dataclass(frozen=True)
class StudyCalendar:
    origin: date  # minute 0 is local midnight of this day
    opening: OpeningHours
    overrides: CalendarOverrides
    off: frozenset[date]  # public holidays and declared days off of the years the study touches
    working: frozenset[date]  # declared working days (catalog/complaints.yaml)
    declared_off: frozenset[date]  # declared days off (catalog/complaints.yaml)

    @classmethod
    def build(cls, origin: date, opening: OpeningHours, overrides: CalendarOverrides,
              years: int = 2) -> "StudyCalendar":
        off = days_off(range(origin.year, origin.year + years + 1), overrides.days_off)
        return cls(origin, opening, overrides, frozenset(off), overrides.working_days, overrides.days_off)

    # converting
    def day(self, minute: float) -> date:
        return self.origin + timedelta(days=int(minute // DAY))

    def minute_of_day(self, day: date) -> float:
        return float((day - self.origin).days * DAY)

    def moment(self, minute: float) -> datetime:
        return datetime.combine(self.origin, time(), tzinfo=ULAANBAATAR) + timedelta(minutes=minute)

    # the calendar
    def is_working_day(self, day: date) -> bool:
        return is_working_day(day, self.off, self.working)

    def is_day_off(self, day: date) -> bool:
        """A public holiday or declared day off (not an ordinary weekend) that is not declared a working day."""
        return day in self.off and day not in self.working

    def day_name(self, day: date) -> DayName:
        """How arrivals treat the day: `holiday` for a day off, a weekday's name otherwise (a declared working
        Saturday counts as a Friday: a working day with a working day's traffic)."""
        if self.is_day_off(day):
            return "holiday"
        if day in self.working and day.weekday() >= 5:
            return "friday"
        return WEEKDAYS[day.weekday()]

    def open_interval(self, day: date) -> tuple[float, float] | None:
        if not self.is_working_day(day):
            return None
        start = self.minute_of_day(day)
        return start + self.opening.opens, start + self.opening.closes

    def is_open(self, minute: float) -> bool:
        interval = self.open_interval(self.day(minute))
        return interval is not None and interval[0] <= minute < interval[1]

    def next_open(self, minute: float) -> float:
        """`minute` itself when open, else when the centre next opens."""
        day = self.day(minute)
        for _ in range(400):
            interval = self.open_interval(day)
            if interval and minute < interval[1]:
                return max(minute, interval[0])
            day += timedelta(days=1)
        raise ValueError(f"no working day within 400 days after {self.moment(minute):%Y-%m-%d}")

    def next_close(self, minute: float) -> float:
        """When the current opening period ends, or the next one if closed now."""
        opens = self.next_open(minute)
        interval = self.open_interval(self.day(opens))
        assert interval is not None
        return interval[1]

    def open_minutes_between(self, start: float, end: float) -> float:
        total, day = 0.0, self.day(start)
        while end > start and self.minute_of_day(day) < end:
            interval = self.open_interval(day)
            if interval:
                total += max(0.0, min(end, interval[1]) - max(start, interval[0]))
            day += timedelta(days=1)
        return total

    def add_open_minutes(self, start: float, duration: float) -> float:
        """The moment `duration` minutes of opening hours after `start` (work done only while open)."""
        moment, left = self.next_open(start), duration
        while True:
            close = self.next_close(moment)
            if moment + left <= close:
                return moment + left
            left -= close - moment
            moment = self.next_open(close)

    def sla_due(self, start: float, working_days: int) -> float:
        """The same time of day, `working_days` working days after `start`, as the engine's SLA points."""
        day = self.day(start)
        due = due_day(day, working_days, self.declared_off, self.working)
        return start + (due - day).days * DAY
