"""The dates on food and what they allow a destination (AFSCA's rules, see the product's
food-safety part).

- A use-by date is never passed: a place may receive the food on that day at the latest.
- A best-before date may be passed by the category's grace days (the network sets them;
  0 by default).
- Food whose use-by date is within the ideal days (3 by default) of the pickup is
  *short-dated*: it goes first to the associations that hand food out soonest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

USE_BY_IDEAL_DAYS = 3
NO_DISTRIBUTION_WAIT = 7  # a place that declared no distribution day: after any that did


@dataclass(frozen=True)
class DatedItem:
    """One item as the rule sees it: its weight, whether it is chilled or frozen, its dates
    and its category's grace days."""

    kg: float
    cold: bool
    use_by: date | None = None
    best_before: date | None = None
    grace_days: int = 0

    @property
    def last_day(self) -> date | None:
        """The last local day a place may receive it; None when it carries no date."""
        days = []
        if self.use_by is not None:
            days.append(self.use_by)
        if self.best_before is not None:
            days.append(self.best_before + timedelta(days=max(self.grace_days, 0)))
        return min(days, default=None)


@dataclass(frozen=True)
class DateLimit:
    """What the dates of one part of a pickup (cold or ambient) allow."""

    last_day: date | None = None  # the last local day a place may receive the part
    short_dated: bool = False  # goes first to the associations that distribute soonest

    def allows(self, receiving: datetime) -> bool:
        return self.last_day is None or receiving.date() <= self.last_day


NO_LIMIT = DateLimit()


def part_limit(
    items: Iterable[DatedItem], *, pickup_day: date, ideal_days: int = USE_BY_IDEAL_DAYS
) -> DateLimit:
    """The strictest date of the items (a part travels together), and whether one of them
    is short-dated."""
    items = list(items)
    last = min((d for i in items if (d := i.last_day) is not None), default=None)
    short = any(i.use_by is not None and (i.use_by - pickup_day).days <= ideal_days for i in items)
    return DateLimit(last_day=last, short_dated=short)


def distribution_day(distribution_days: Iterable[int], receiving: date) -> date:
    """The first day, from the receiving day on, that the place hands food out."""
    days = set(distribution_days)
    for wait in range(7):
        day = receiving + timedelta(days=wait)
        if day.weekday() in days:
            return day
    return receiving + timedelta(days=NO_DISTRIBUTION_WAIT)


def to_distribute_today(use_by: date | None, receiving: date) -> bool:
    """Food received on its use-by day: to be handed out that very day."""
    return use_by is not None and use_by == receiving
