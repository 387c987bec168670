"""The month a report covers, as people write it: ``2026-03``, ``03/2026``, ``mars 2026``,
``maart 2026``, ``mrt 26``, or a month name alone (the latest such month not in the future).

With nothing written, a report covers the last complete month: what funders ask for. The
current month may be asked for by name or number; it then runs to date.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

from logistics.errors import InvalidInput

_NUMERIC = (
    re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$"),
    re.compile(r"^(?P<month>\d{1,2})[-/.](?P<year>\d{4}|\d{2})$"),
)
_WORDS = re.compile(r"^(?P<name>[a-z]+)\.?(?:\s+(?P<year>\d{4}|\d{2}))?$")


def _plain(text: str) -> str:
    """Lower case without accents: ``Février`` → ``fevrier``."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _month_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for locale in ("fr_BE", "nl_BE", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                words.setdefault(_plain(name).rstrip("."), number)
    for extra, number in (("fev", 2), ("avr", 4), ("juil", 7), ("aou", 8), ("mrt", 3)):
        words.setdefault(extra, number)
    return words


MONTH_WORDS = _month_words()


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def last(self) -> date:
        return self.next.first - timedelta(days=1)

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """The instants the month starts and ends in the time zone ``tz``."""
        zone = ZoneInfo(tz)
        start = datetime.combine(self.first, time(0), tzinfo=zone)
        return start, datetime.combine(self.next.first, time(0), tzinfo=zone)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Period:
    """The days a month's report covers: the whole month, or up to today for the current
    month (``current``)."""

    month: Month
    first: date
    last: date
    current: bool


def month_period(month: Month, today: date) -> Period:
    current = (month.year, month.month) == (today.year, today.month)
    return Period(month, month.first, today if current else month.last, current)


def this_month(now: datetime, tz: str) -> Month:
    today = now.astimezone(ZoneInfo(tz)).date()
    return Month(today.year, today.month)


def _year(text: str | None, month: int, current: Month) -> int:
    if text is None:  # the latest such month that has begun
        return current.year if month <= current.month else current.year - 1
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_month(text: str | None, *, now: datetime, tz: str) -> Month:
    """The month written in ``text``; the last complete month when it is empty.

    Raises ``InvalidInput("month")`` for what is not a month, and
    ``InvalidInput("future_month")`` for a month that has not begun.
    """
    current = this_month(now, tz)
    plain = _plain(text or "")
    if not plain:
        return current.previous
    found = None
    for pattern in _NUMERIC:
        if match := pattern.match(plain):
            found = (int(match["month"]), match["year"])
            break
    if found is None and (match := _WORDS.match(plain)):
        number = MONTH_WORDS.get(match["name"])
        if number is not None:
            found = (number, match["year"])
    if found is None or not 1 <= found[0] <= 12:
        raise InvalidInput("month")
    month = Month(_year(found[1], found[0], current), found[0])
    if not 2000 <= month.year <= 2100:
        raise InvalidInput("month")
    if (month.year, month.month) > (current.year, current.month):
        raise InvalidInput("future_month")
    return month


MAX_DAYS = 366


@dataclass(frozen=True)
class Days:
    """Whole local days, ``first`` to ``last`` included (the traceability register's period);
    ``month`` when they are one month (up to today for the current month)."""

    first: date
    last: date
    month: Month | None = None

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """The instants the first day starts and the day after the last starts in ``tz``."""
        zone = ZoneInfo(tz)
        start = datetime.combine(self.first, time(0), tzinfo=zone)
        return start, datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=zone)


def parse_days(text: str | None, *, now: datetime, tz: str) -> Days:
    """The period written in ``text``: nothing, this month to date; a number ``N`` (1 to 366),
    the last N days with today; else a month as :func:`parse_month` reads it, to date when it
    is the current one. Raises ``InvalidInput("days")`` for a number out of range, and what
    :func:`parse_month` raises."""
    today = now.astimezone(ZoneInfo(tz)).date()
    plain = _plain(text or "")
    if plain.isdigit():
        count = int(plain)
        if not 1 <= count <= MAX_DAYS:
            raise InvalidInput("days")
        return Days(today - timedelta(days=count - 1), today)
    month = this_month(now, tz) if not plain else parse_month(plain, now=now, tz=tz)
    period = month_period(month, today)
    return Days(period.first, period.last, month)
