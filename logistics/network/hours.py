"""Wall-clock times as written in config.toml: ``07:00``, ``18:00-19:00``, weekly hours.

Weekly hours are entries separated by ``;``, each a set of days then one or more windows::

    mon-sat 19:00-19:30
    mon-fri 09:00-12:00, 14:00-16:00; sat 10:00-12:00
    mon,wed,fri 18:30-19:00

Times are kept as ``HH:MM`` strings, as the tables store them; they compare correctly as text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class Window:
    """A window within one day, start before end (no window runs past midnight)."""

    start: str
    end: str

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True, order=True)
class WeeklyWindow:
    """A window on one day of the week (0 = Monday)."""

    weekday: int
    start: str
    end: str

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start}-{self.end}"


def parse_time(text: str) -> str:
    """``"07:00"`` → ``"07:00"``; anything but a 24-hour ``HH:MM`` is refused."""
    value = text.strip()
    if not _TIME.fullmatch(value):
        raise ValueError(f"{text!r} is not a time: write it as HH:MM, e.g. 07:00 or 18:30")
    return value


def parse_window(text: str) -> Window:
    """``"18:00-19:30"`` → ``Window("18:00", "19:30")``."""
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not a window: write it as HH:MM-HH:MM, e.g. 18:00-19:00")
    window = Window(parse_time(parts[0]), parse_time(parts[1]))
    if window.end <= window.start:
        raise ValueError(f"window {text!r} must end after it starts (on the same day)")
    return window


def parse_days(text: str) -> list[int]:
    """``"mon-sat"`` → ``[0, 1, 2, 3, 4, 5]``; ``"mon,wed"`` → ``[0, 2]``."""
    days: list[int] = []
    for part in text.lower().split(","):
        first, _, last = part.strip().partition("-")
        start, end = _weekday(first), _weekday(last or first)
        if end < start:
            raise ValueError(f"day range {part.strip()!r} must go forward (mon … sun)")
        for day in range(start, end + 1):
            if day in days:
                raise ValueError(f"{WEEKDAYS[day]} appears twice in {text!r}")
            days.append(day)
    return days


def parse_weekly(text: str) -> list[WeeklyWindow]:
    """Weekly hours (see the module docstring) → windows sorted by day and start.

    An empty text gives no window. Two windows on the same day must not overlap.
    """
    windows: list[WeeklyWindow] = []
    for entry in filter(None, (e.strip() for e in text.split(";"))):
        days, _, times = entry.partition(" ")
        if not times.strip():
            raise ValueError(f"{entry!r} needs days and a window, e.g. 'mon-sat 19:00-19:30'")
        weekdays = parse_days(days)
        for part in times.split(","):
            window = parse_window(part.strip())
            windows.extend(WeeklyWindow(day, window.start, window.end) for day in weekdays)
    windows.sort()
    for before, after in itertools.pairwise(windows):
        if before == after:
            raise ValueError(f"{before} is listed twice")
        if before.weekday == after.weekday and after.start < before.end:
            raise ValueError(f"{before} overlaps {after}")
    return windows


def check_timezone(name: str) -> str:
    """An IANA time-zone name such as ``Europe/Brussels``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; use a name such as Europe/Brussels"
        ) from None
    return name


def _weekday(text: str) -> int:
    try:
        return WEEKDAYS.index(text.strip())
    except ValueError:
        raise ValueError(
            f"{text.strip()!r} is not a day: use {', '.join(WEEKDAYS)}, "
            "a range such as mon-sat, or a list such as mon,wed,fri"
        ) from None
