"""The figures of the weekly chart: kg collected per local day and category, Monday to Sunday,
with the daily totals of the week before; and the queuing of the chart with the evening summary.

The days are cut at the antenna's local midnights (23 or 25 hours long on a DST change) by
one grouped query whose day index is a CASE over the fourteen day boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import and_, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.broadcasts.runsheet import day_bounds, queue_coordinators_once
from storage.models import Antenna, Category, Donation, DonationItem

SUMMARY_CHART = "summary_chart"
DONE_STATUSES = ("picked_up", "delivered", "received")


@dataclass(frozen=True)
class CategorySeries:
    key: str
    name_fr: str
    name_nl: str
    kg: tuple[float, ...]  # one per day charted

    def name(self, locale: str) -> str:
        return self.name_nl if locale == "nl" else self.name_fr


@dataclass(frozen=True)
class WeekChart:
    monday: date
    today: date  # days after it are still to come
    categories: tuple[CategorySeries, ...]  # heaviest over the week first
    last_week: tuple[float, ...]  # daily totals of the week before, Monday to Sunday

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.monday + timedelta(days=i) for i in range(7))

    @property
    def totals(self) -> tuple[float, ...]:
        return tuple(sum(c.kg[i] for c in self.categories) for i in range(7))


def _day_index(starts: list[datetime]):
    """0, 1, ... for the window start's local day, from the first day."""
    return case(
        *(
            (and_(Donation.window_start >= a, Donation.window_start < b), i)
            for i, (a, b) in enumerate(pairwise(starts))
        ),
        else_=-1,
    )


Series = dict[str, tuple[str, str, list[float]]]  # category key: (name fr, name nl, kg per day)


async def kg_per_day(
    session: AsyncSession, *, antenna_ids: list[int], first: date, days: int, tz: str
) -> Series:
    """The kg collected per category on each local day from ``first`` on, in one query."""
    starts = [day_bounds(first + timedelta(days=i), tz)[0] for i in range(days + 1)]
    index = _day_index(starts).label("day_index")
    rows = (
        await session.exec(
            select(
                index,
                Category.key,
                Category.name_fr,
                Category.name_nl,
                func.sum(DonationItem.collected_kg),
            )
            .select_from(DonationItem)
            .join(Donation, Donation.id == DonationItem.donation_id)
            .join(Category, Category.id == DonationItem.category_id)
            .where(
                col(Donation.antenna_id).in_(antenna_ids),
                Donation.window_start >= starts[0],
                Donation.window_start < starts[-1],
                col(Donation.status).in_(DONE_STATUSES),
                DonationItem.collected_kg > 0,
            )
            .group_by(index, Category.key, Category.name_fr, Category.name_nl)
        )
    ).all()
    series: Series = {}
    for i, key, fr, nl, kg in rows:
        if 0 <= i < days:
            series.setdefault(key, (fr, nl, [0.0] * days))[2][i] += float(kg)
    return series


def heaviest_first(series: Series) -> tuple[CategorySeries, ...]:
    return tuple(
        sorted(
            (CategorySeries(k, fr, nl, tuple(kg)) for k, (fr, nl, kg) in series.items()),
            key=lambda c: (-sum(c.kg), c.name_fr),
        )
    )


async def week_chart(
    session: AsyncSession, *, antenna_ids: list[int], day: date, tz: str
) -> WeekChart:
    """The week (Monday to Sunday) holding ``day``, for these antennas, and the week before."""
    monday = day - timedelta(days=day.weekday())
    series = await kg_per_day(
        session, antenna_ids=antenna_ids, first=monday - timedelta(days=7), days=14, tz=tz
    )
    last_week = [sum(kg[i] for _, _, kg in series.values()) for i in range(7)]
    this_week = {k: (fr, nl, kg[7:]) for k, (fr, nl, kg) in series.items() if any(kg[7:])}
    return WeekChart(
        monday=monday,
        today=day,
        categories=heaviest_first(this_week),
        last_week=tuple(last_week),
    )


async def antenna_week_chart(session: AsyncSession, *, antenna_id: int, day: date) -> WeekChart:
    antenna = await session.get(Antenna, antenna_id)
    if antenna is None:
        raise LookupError(f"no antenna {antenna_id}")
    return await week_chart(session, antenna_ids=[antenna_id], day=day, tz=antenna.timezone)


async def queue_summary_chart(session: AsyncSession, *, antenna_id: int, now: datetime) -> int:
    """Queue today's weekly chart for the antenna's coordinators, once (its own broadcast
    key, next to the summary's); how many were queued."""
    return await queue_coordinators_once(
        session, antenna_id=antenna_id, kind=SUMMARY_CHART, now=now
    )
