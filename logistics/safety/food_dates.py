"""Use-by and best-before dates at announcement (AFSCA / FAVV's rules, see config.toml's
``[food_safety]``): an item past its use-by date is never given; a best-before date may be
passed only by its category's ``grace_days``.

Dates are local calendar dates of the antenna: "today" is the antenna's day at ``now``, so the
last day itself is allowed until local midnight, whatever the daylight-saving time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from logistics.errors import DomainError
from logistics.safety.date_limits import USE_BY_IDEAL_DAYS


@dataclass(frozen=True)
class DateRules:
    """``[food_safety]`` of config.toml."""

    use_by_ideal_days: int = (
        USE_BY_IDEAL_DAYS  # ideally given at least this many days before the use-by date
    )
    past_date_days: int = 31  # how far back a date written without a year may be


@dataclass(frozen=True)
class OutOfDate:
    """An item that may not be given: its place in the announcement, its name and date."""

    index: int
    name_fr: str
    name_nl: str
    text: str  # as written
    kind: str  # "use_by" | "best_before"
    day: date
    grace_days: int = 0


class PastDate(DomainError):
    """Items of the announcement are past their use-by date (or their best-before date and
    its grace): they are refused; the rest of the announcement waits for them to be settled."""

    def __init__(self, items: Sequence[OutOfDate]) -> None:
        super().__init__(tuple(items))
        self.items = tuple(items)


def local_today(now: datetime, tz: str) -> date:
    """The antenna's calendar day at ``now``."""
    return now.astimezone(ZoneInfo(tz)).date()


def refused_date(
    *, use_by: date | None, best_before: date | None, grace_days: int, today: date
) -> tuple[str, date] | None:
    """(kind, date) when the item may not be given today, else None. The use-by day itself
    is allowed, never the day after; a best-before date until ``grace_days`` after it."""
    if use_by is not None and use_by < today:
        return "use_by", use_by
    if best_before is not None and best_before + timedelta(days=max(grace_days, 0)) < today:
        return "best_before", best_before
    return None


def out_of_date(items, grace: dict[int, int], today: date) -> list[OutOfDate]:
    """The items (with ``use_by``, ``best_before``, ``category_id``, names and text) that may
    not be given today; ``grace`` maps a category id to its grace days."""
    found = []
    for index, item in enumerate(items):
        days = grace.get(item.category_id, 0)
        refused = refused_date(
            use_by=item.use_by, best_before=item.best_before, grace_days=days, today=today
        )
        if refused is not None:
            kind, day = refused
            found.append(OutOfDate(index, item.name_fr, item.name_nl, item.text, kind, day, days))
    return found


def missing_use_by(items) -> list[int]:
    """Places of the items whose category needs a use-by date and that have none."""
    return [n for n, i in enumerate(items) if i.date_kind == "use_by" and i.use_by is None]
