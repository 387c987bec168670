"""The days a recall covers, as people type them: ``5/3``, ``05/03/2026``, ``2026-03-05``, or
two of them joined by a dash or a word: ``1/3-5/3``, ``01/03 – 05/03``, ``du 1/3 au 5/3``,
``van 1/3 tot 5/3``. A day without its year is the latest such day not after today."""

from __future__ import annotations

import re
from datetime import date, timedelta

from logistics.errors import InvalidInput

_DAY = r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?)"
_RANGE = re.compile(
    rf"^(?:du|van)?\s*{_DAY}\s*(?:[-–—]|au|à|a|tot|t/m|tem)\s*{_DAY}$", re.IGNORECASE
)
_ONE = re.compile(rf"^{_DAY}$")


def _day(text: str, today: date) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            year, month, day = (int(x) for x in text.split("-"))
            return date(year, month, day)
        parts = [int(x) for x in re.split(r"[/.-]", text)]
        day, month = parts[0], parts[1]
        if len(parts) == 3:
            year = parts[2] + 2000 if parts[2] < 100 else parts[2]
            return date(year, month, day)
        found = date(today.year, month, day)
        return found if found <= today else date(today.year - 1, month, day)
    except ValueError:
        raise InvalidInput("recall_days") from None


def parse_days(text: str, *, today: date) -> tuple[date, date]:
    """The first and last day typed; InvalidInput("recall_days") when unreadable, reversed
    or in the future."""
    text = " ".join(text.strip().split())
    matched = _RANGE.match(text)
    if matched:
        first, last = _day(matched.group(1), today), _day(matched.group(2), today)
    elif _ONE.match(text):
        first = last = _day(text, today)
    else:
        raise InvalidInput("recall_days")
    if first > last or last > today:
        raise InvalidInput("recall_days")
    return first, last


def last_days(count: int, *, today: date) -> tuple[date, date]:
    """Today (1), or the last ``count`` days, today included."""
    return today - timedelta(days=max(count, 1) - 1), today
