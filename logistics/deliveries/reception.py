"""When a place receives a delivery: its first reception window after a pickup.

A driver reads it on the card, the offer, their panel and the run sheet, per stop: food
collected in the evening goes out the next morning, when the association opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from logistics.network.hours import WeeklyWindow, parse_weekly


@dataclass(frozen=True)
class Reception:
    """A reception window, in the antenna's time zone ``tz``, and how many local days after
    the pickup's day it falls."""

    opens: datetime
    closes: datetime
    days_after: int
    tz: str

    @property
    def day(self) -> date:
        """The local day the place receives (the pickup's day when the window is open then)."""
        return self.opens.date()


# How long after the pickup window a delivery may still happen (evening → next morning).
DELIVERY_HORIZON = timedelta(hours=18)


def first_reception(
    reception: Sequence[WeeklyWindow],
    after: datetime,
    tz: str,
    horizon: timedelta = DELIVERY_HORIZON,
) -> Reception | None:
    """The first window still open at or after ``after`` (within ``horizon``), in the
    antenna's time zone; None when the place declared no hours or none comes in time."""
    zone = ZoneInfo(tz)
    at = after.astimezone(zone)
    last = at + horizon
    for offset in range(horizon.days + 2):
        day = (at + timedelta(days=offset)).date()
        for w in sorted(reception):
            if w.weekday != day.weekday():
                continue
            opens = datetime.combine(day, time.fromisoformat(w.start), tzinfo=zone)
            closes = datetime.combine(day, time.fromisoformat(w.end), tzinfo=zone)
            if closes > at and opens <= last:
                return Reception(opens, closes, (day - at.date()).days, tz)
    return None


def reception_after(hours: str, after: datetime, tz: str) -> Reception | None:
    """``first_reception`` from the hours as stored; hours that do not parse say nothing."""
    try:
        windows = parse_weekly(hours or "")
    except ValueError:
        return None
    return first_reception(windows, after, tz) if windows else None


def receiving_moment(
    reception: Sequence[WeeklyWindow],
    after: datetime,
    tz: str,
    horizon: timedelta = DELIVERY_HORIZON,
) -> datetime | None:
    """When a place would receive food collected at ``after`` (local time): at once when it
    declared no hours or is open then, else when its first window opens; None when no window
    comes within ``horizon``."""
    at = after.astimezone(ZoneInfo(tz))
    if not reception:
        return at
    window = first_reception(reception, at, tz, horizon)
    return None if window is None else max(window.opens, at)
