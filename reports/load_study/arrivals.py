"""Who comes when: a Poisson process per centre, service and channel whose rate is constant within each local
hour: the service's daily demand × the centre's share × the day's factor × the hour's share × a scale.
Kiosks and counters get nothing while the centre is closed (weekends, public holidays, declared days off)."""

import random
from collections.abc import Mapping
from dataclasses import dataclass

from catalog.model import Channel
from reports.load_study.calendar import StudyCalendar
from reports.load_study.model import CENTRE_CHANNELS, LoadModel


@dataclass(frozen=True)
class Arrival:
    centre: str
    number: int  # order of arrival within the centre, from 1
    minute: float
    service: str
    channel: Channel

    @property
    def key(self) -> str:
        return f"{self.centre}#{self.number}"


def hourly_rate(model: LoadModel, calendar: StudyCalendar, centre: str, service: str, channel: Channel,
                hour_start: float) -> float:
    """Expected arrivals per hour in the hour beginning at `hour_start` (a whole local hour)."""
    day = calendar.day(hour_start)
    if channel in CENTRE_CHANNELS and not calendar.is_working_day(day):
        return 0.0
    hour = int(hour_start - calendar.minute_of_day(day)) // 60
    return (model.demand[service][channel] * model.centre_share(centre)
            * model.day_factor(channel, calendar.day_name(day)) * model.hour_profile[channel].get(hour, 0.0))


def minute_in_day(profile: Mapping[int, float], share: float) -> float:
    """The minute of the day below which `share` (0-1) of a day's arrivals come, by the hour profile."""
    total, passed = sum(profile.values()), 0.0
    for hour in sorted(profile):
        weight = profile[hour] / total
        if weight and passed + weight >= share:
            return hour * 60 + 60 * (share - passed) / weight
        passed += weight
    return float(max(profile) * 60 + 59)


def centre_arrivals(model: LoadModel, calendar: StudyCalendar, centre: str, first: float, last: float,
                    seed: int, scale: float = 1.0) -> list[Arrival]:
    """Arrivals at `centre` (its citizens, on every channel) in [first, last) minutes; the same seed gives the
    same arrivals, whichever other centres are studied."""
    rng = random.Random(f"{seed}/arrivals/{centre}")
    found: list[tuple[float, str, Channel]] = []
    streams = sorted((service, channel) for service, channels in model.demand.items() for channel in channels)
    hour_start = first - first % 60
    while hour_start < last:
        for service, channel in streams:
            rate = hourly_rate(model, calendar, centre, service, channel, hour_start) * scale / 60  # per minute
            if rate <= 0:
                continue
            moment = hour_start + rng.expovariate(rate)
            while moment < hour_start + 60:
                if first <= moment < last:
                    found.append((moment, service, channel))
                moment += rng.expovariate(rate)
        hour_start += 60
    found.sort()
    return [Arrival(centre, number, minute, service, channel)
            for number, (minute, service, channel) in enumerate(found, start=1)]
