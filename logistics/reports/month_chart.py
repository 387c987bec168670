"""The figures of a monthly report's chart: kg collected per local day of the period the
report covers (the whole month, or up to today for the current month), by category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.broadcasts.weekly import CategorySeries, heaviest_first, kg_per_day
from logistics.reports.periods import Period


@dataclass(frozen=True)
class MonthChart:
    period: Period
    categories: tuple[CategorySeries, ...]  # heaviest over the period first

    @property
    def days(self) -> tuple[date, ...]:
        count = (self.period.last - self.period.first).days + 1
        return tuple(self.period.first + timedelta(days=i) for i in range(count))

    @property
    def totals(self) -> tuple[float, ...]:
        return tuple(sum(c.kg[i] for c in self.categories) for i in range(len(self.days)))


async def month_chart(
    session: AsyncSession, *, antenna_ids: list[int], period: Period, tz: str
) -> MonthChart:
    """Each day of ``period`` (local days of ``tz``), for these antennas, in one query."""
    days = (period.last - period.first).days + 1
    series = await kg_per_day(
        session, antenna_ids=antenna_ids, first=period.first, days=days, tz=tz
    )
    return MonthChart(period=period, categories=heaviest_first(series))
