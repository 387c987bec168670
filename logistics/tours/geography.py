"""Where a tour goes and when, as the solver sees it: places as points of a travel matrix
(the hub first) and instants as real seconds from the local midnight starting the service
day, so that a day with a daylight-saving change still counts the hours that really pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from logistics.network.hours import parse_weekly
from logistics.tours.distances import Point
from storage.models import Hub

DAY_S = 24 * 3600


@dataclass(frozen=True)
class Clock:
    """Seconds of a service day, from its local midnight."""

    day: date
    tz: str

    @property
    def midnight(self) -> datetime:
        return datetime.combine(self.day, time(0), ZoneInfo(self.tz))

    def seconds(self, instant: datetime) -> int:
        return max(0, round((instant - self.midnight).total_seconds()))

    def instant(self, seconds: int) -> datetime:
        """Real seconds after midnight (added in UTC: local arithmetic would skip or repeat
        the hour the clocks change)."""
        return self.midnight.astimezone(ZoneInfo("UTC")) + timedelta(seconds=seconds)

    def local(self, hhmm: str, *, next_day: bool = False) -> int:
        """An HH:MM wall-clock time of the day (or of the next) in seconds."""
        day = self.day + timedelta(days=1) if next_day else self.day
        wall = datetime.combine(day, time.fromisoformat(hhmm), ZoneInfo(self.tz))
        return self.seconds(wall)


def point_of(place: object) -> Point | None:
    """The place's coordinates, or None when it has none (it cannot be put on a tour)."""
    lat, lon = getattr(place, "latitude", None), getattr(place, "longitude", None)
    return None if lat is None or lon is None else Point(lat, lon)


def reception_spans(hours: str, clock: Clock) -> list[tuple[int, int]]:
    """The place's reception windows on the service day, in seconds (empty hours: all day)."""
    if not hours.strip():
        return [(0, DAY_S)]
    weekday = clock.day.weekday()
    return sorted(
        (clock.local(w.start), clock.local(w.end))
        for w in parse_weekly(hours)
        if w.weekday == weekday
    )


def evening_shift(hub: Hub, clock: Clock) -> tuple[int, int]:
    """A collection tour's van may leave the hub from noon and must be back before the hub's
    last reception window of the day closes (midnight when it declared no hours)."""
    spans = reception_spans(hub.reception_hours, clock)
    back = max((end for _, end in spans), default=0)
    return (12 * 3600, back if back > 12 * 3600 else DAY_S)
