"""When a place receives a delivery: its first reception window after a pickup.

A driver reads it on the card, the offer, their panel and the run sheet, per stop: food
collected in the evening goes out the next morning, when the association opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from logistics.allocation import DELIVERY_HORIZON
from logistics.network_hours import WeeklyWindow, parse_weekly


@dataclass(frozen=True)
class Reception:
    """A reception window, in the antenna's time zone ``tz``, and how many local days after
    the pickup's day it falls."""

    opens: datetime
    closes: datetime
    days_after: int
    tz: str


def first_reception(
    reception: Sequence[WeeklyWindow], after: datetime, tz: str
) -> Reception | None:
    """The first window still open at or after ``after`` (within the delivery horizon), in
    the antenna's time zone; None when the place declared no hours or none comes in time."""
    zone = ZoneInfo(tz)
    at = after.astimezone(zone)
    last = at + DELIVERY_HORIZON
    for offset in range(DELIVERY_HORIZON.days + 2):
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
