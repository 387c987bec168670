"""The morning of a distribution tour, in the antenna's time zone: when the van may leave
(the hub's distribution time), how long the round may last, and each association's reception
window that morning.

The solver counts in whole seconds from a reference instant; the reference is the local
midnight of the service day taken as a UTC instant, and every conversion goes through UTC.
On the days the clocks change, 08:00 is then 7 or 9 hours after midnight, not 8, and the
arrivals read back in local time are the ones the driver's watch shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from logistics.network.hours import parse_weekly

MORNING = timedelta(hours=7)  # from the distribution time, e.g. 06:00 → 13:00: back for lunch


@dataclass(frozen=True)
class Morning:
    """The van's shift on the service day: from ``starts`` to ``ends`` (aware, UTC)."""

    day: date
    tz: str
    midnight: datetime  # local midnight of the day, as a UTC instant: second 0 of the solver
    starts: datetime
    ends: datetime

    def seconds(self, at: datetime) -> int:
        """Seconds from the local midnight to ``at`` (an aware instant)."""
        return round((at.astimezone(UTC) - self.midnight).total_seconds())

    def instant(self, seconds: int) -> datetime:
        """The UTC instant ``seconds`` after the local midnight."""
        return self.midnight + timedelta(seconds=seconds)

    @property
    def shift(self) -> tuple[int, int]:
        return self.seconds(self.starts), self.seconds(self.ends)


def local(day: date, clock: str, tz: str) -> datetime:
    """The UTC instant of a local wall-clock time (``"06:00"``) of ``day``."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def morning_of(day: date, distribution_time: str, tz: str) -> Morning:
    starts = local(day, distribution_time, tz)
    return Morning(day, tz, local(day, "00:00", tz), starts, starts + MORNING)


def reception_window(hours: str, morning: Morning) -> tuple[datetime, datetime] | None:
    """When the association receives that morning: its first window of the service day that
    is open at some moment of the van's shift, cut to the shift (aware, UTC). A place that
    declared no hours receives all morning; hours that do not parse receive nothing (the
    coordinators are told through the reason ``closed``)."""
    try:
        windows = parse_weekly(hours or "")
    except ValueError:
        return None
    if not windows:
        return morning.starts, morning.ends
    for window in windows:
        if window.weekday != morning.day.weekday():
            continue
        opens = local(morning.day, window.start, morning.tz)
        closes = local(morning.day, window.end, morning.tz)
        if opens < morning.ends and closes > morning.starts:
            return max(opens, morning.starts), min(closes, morning.ends)
    return None
