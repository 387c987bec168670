"""The monthly report of one or more antennas: tonnage by antenna, store, destination and
category, reliability figures beside it, and the impact funders ask for.

Every figure is about the pickups whose window started in the month (local time of the
antenna): a pickup on the 31st delivered on the 1st counts in the month of the pickup, so the
breakdowns add up. Each breakdown is one grouped query bounded by the indexed
``(antenna_id, window_start)`` of the donations, whatever the number of rows.

A pickup is *done* when it was collected with a weight above zero (picked up, delivered or
received); *missed* when the driver did not go; *unclaimed* when its window passed untaken.

The hubs' stock (``hubs``) is counted apart, by when each move happened: food delivered to a
hub is in the tonnage once, as collected, and what the hub hands out later is not added again
(see ``logistics.stock.month_figures``). So are the vehicles' tours (``tours``): their kg are
the same food, carried; their km are the planner's estimates (``logistics.tours.figures``).
The tours of the month in progress are those up to today.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.reports.periods import Month, Period, month_period
from logistics.reports.queries import (
    AntennaLine,
    CategoryLine,
    DestinationLine,
    DisputeLine,
    StoreLine,
    antenna_lines,
    category_lines,
    destination_lines,
    dispute_lines,
    store_lines,
)
from logistics.reports.reliability import Reliability, Window, reliability
from logistics.stock.month_figures import HubMonth, hub_months
from logistics.tours.figures import TourFigures, VehicleMonth, tour_figures, vehicle_months
from storage.models import Antenna, Donation

__all__ = [
    "AntennaLine",
    "CategoryLine",
    "DestinationLine",
    "DisputeLine",
    "Factors",
    "HubMonth",
    "Reliability",
    "Report",
    "StoreLine",
    "VehicleMonth",
    "monthly_report",
]


@dataclass(frozen=True)
class Factors:
    """Conversion factors (see ``[impact]`` in config.toml for their sources)."""

    meals_per_kg: float
    co2e_kg_per_kg: float


@dataclass(frozen=True)
class Report:
    month: Month
    first_day: date
    last_day: date
    period: Period  # the days covered: the month, or up to today for the current month
    antennas: tuple[AntennaLine, ...]
    stores: tuple[StoreLine, ...]  # heaviest first
    destinations: tuple[DestinationLine, ...]
    categories: tuple[CategoryLine, ...]
    factors: Factors
    reliability: Reliability  # per driver and store, the month and the last 90 days
    disputes: tuple[DisputeLine, ...] = ()  # with their reasons; "lost" kg leave the tonnage
    hubs: tuple[HubMonth, ...] = ()  # the stock's flow through each hub, not more tonnage
    tours: tuple[VehicleMonth, ...] = ()  # each vehicle's tours: km estimated, kg carried

    def _sum(self, name: str) -> float:
        return sum(getattr(a, name) for a in self.antennas)

    @property
    def kg(self) -> float:
        return round(self._sum("kg"), 3)

    @property
    def meals(self) -> float:
        return self.kg * self.factors.meals_per_kg

    @property
    def co2e_kg(self) -> float:
        return self.kg * self.factors.co2e_kg_per_kg

    def total(self, name: str) -> int:
        """Sum of an integer figure of the antennas (``done``, ``missed``, ...)."""
        return int(self._sum(name))


async def _scope(session: AsyncSession, ids: list[int]) -> dict[str, list[Antenna]]:
    antennas = (
        await session.exec(select(Antenna).where(col(Antenna.id).in_(ids)).order_by(Antenna.name))
    ).all()
    by_zone: dict[str, list[Antenna]] = defaultdict(list)
    for antenna in antennas:
        by_zone[antenna.timezone].append(antenna)
    return by_zone


async def monthly_report(
    session: AsyncSession,
    *,
    antenna_ids: list[int],
    month: Month,
    factors: Factors,
    now: datetime,
) -> Report:
    """The report of ``month`` for these antennas (each counted in its own time zone); the
    period's last day and the 90 days of the reliability figures are taken from ``now``."""
    antennas, stores, destinations, categories, windows, disputes = [], [], [], {}, [], []
    hubs: list[HubMonth] = []
    tours: list[TourFigures] = []
    scope = await _scope(session, antenna_ids)
    for tz, group in scope.items():
        start, end = month.bounds(tz)
        ids = [a.id for a in group]
        windows.append(Window.of(month, tz, now, ids))
        inside = (
            col(Donation.antenna_id).in_(ids),
            Donation.window_start >= start,
            Donation.window_start < end,
        )
        antennas += await antenna_lines(session, group, inside)
        stores += await store_lines(session, inside)
        destinations += await destination_lines(session, inside)
        disputes += await dispute_lines(session, inside)
        hubs += await hub_months(session, antenna_ids=ids, start=start, end=end)
        today = now.astimezone(ZoneInfo(tz)).date()
        tours += await tour_figures(
            session, antenna_ids=ids, first=month.first, last=min(month.last, today)
        )
        for line in await category_lines(session, inside):
            known = categories.get(line.key)
            kg = line.kg + (known.kg if known else 0)
            categories[line.key] = CategoryLine(line.key, line.name_fr, line.name_nl, kg)
    first_zone = min((a for group in scope.values() for a in group), key=lambda a: a.id).timezone
    return Report(
        month=month,
        first_day=month.first,
        last_day=month.last,
        period=month_period(month, now.astimezone(ZoneInfo(first_zone)).date()),
        reliability=await reliability(session, windows),
        antennas=tuple(sorted(antennas, key=lambda a: a.name)),
        stores=tuple(sorted(stores, key=lambda s: (-s.kg, s.antenna, s.name))),
        destinations=tuple(
            sorted(destinations, key=lambda d: (-d.delivered_kg, d.antenna, d.name))
        ),
        categories=tuple(sorted(categories.values(), key=lambda c: (-c.kg, c.name_fr))),
        factors=factors,
        disputes=tuple(disputes),
        hubs=tuple(sorted(hubs, key=lambda h: (h.antenna, h.hub))),
        tours=tuple(vehicle_months(tours)),
    )
