"""A hub's day for the evening summary: what came into its stock, went out to associations or
was lost (and why), and what it holds now, with the food that passes its date today or
tomorrow, so that the coordinator planning tomorrow hands out first what expires first.

Two grouped queries whatever the number of lots or moves: the day's moves through their
``(hub_id, at)`` index, and the stock on hand by category and how soon its date comes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.broadcasts.runsheet import day_bounds
from storage.models import LOSS_REASONS, Category, Hub, StockLot, StockMove

DUE_ORDER = ("past", "today", "tomorrow")  # what to hand out (or discard) first


@dataclass(frozen=True)
class DueKg:
    """Food on hand of one category whose date is already past, today or tomorrow."""

    due: str  # "past" | "today" | "tomorrow"
    name_fr: str
    name_nl: str
    kg: float

    def name(self, locale: str) -> str:
        return self.name_nl if locale == "nl" else self.name_fr


@dataclass(frozen=True)
class HubDay:
    hub_id: int
    hub: str
    in_kg: float  # put in stock that day (deliveries to the hub)
    out_kg: float  # handed out to associations that day
    lost_kg: dict[str, float]  # by reason
    count_kg: float  # signed
    on_hand_kg: float  # now
    due: tuple[DueKg, ...]  # past first, then today, tomorrow; heaviest first within each

    @property
    def lost_total_kg(self) -> float:
        return round(sum(self.lost_kg.values()), 1)

    def due_on(self, due: str) -> tuple[DueKg, ...]:
        return tuple(d for d in self.due if d.due == due)


def _due(day: date):
    limit = func.coalesce(StockLot.use_by, StockLot.best_before)
    return case(
        (limit < day, "past"),
        (limit == day, "today"),
        (limit == day + timedelta(days=1), "tomorrow"),
        else_="",
    )


async def hub_days(
    session: AsyncSession, *, antenna_id: int, day: date, tz: str
) -> tuple[HubDay, ...]:
    """The antenna's hubs that hold stock now or moved some on ``day`` (local), by name."""
    start, end = day_bounds(day, tz)
    moved = await session.exec(
        select(Hub.id, Hub.name, StockMove.kind, StockMove.reason, func.sum(StockMove.kg))
        .select_from(Hub)
        .join(StockMove, col(StockMove.hub_id) == Hub.id)
        .where(Hub.antenna_id == antenna_id, StockMove.at >= start, StockMove.at < end)
        .group_by(Hub.id, Hub.name, StockMove.kind, StockMove.reason)
    )
    due = _due(day)
    held_kg = func.sum(StockLot.on_hand_kg)
    held = await session.exec(
        select(Hub.id, Hub.name, due, Category.name_fr, Category.name_nl, held_kg)
        .select_from(Hub)
        .join(StockLot, col(StockLot.hub_id) == Hub.id)
        .join(Category, col(Category.id) == StockLot.category_id)
        .where(Hub.antenna_id == antenna_id, StockLot.on_hand_kg > 0)
        .group_by(Hub.id, Hub.name, due, Category.id, Category.name_fr, Category.name_nl)
    )
    names: dict[int, str] = {}
    sums: dict[int, dict[tuple[str, str | None], float]] = defaultdict(dict)
    for hub_id, hub, kind, reason, kg in moved.all():
        names[hub_id] = hub
        sums[hub_id][(kind, reason)] = float(kg)
    on_hand: dict[int, float] = defaultdict(float)
    soon: dict[int, list[DueKg]] = defaultdict(list)
    for hub_id, hub, when, name_fr, name_nl, kg in held.all():
        names[hub_id] = hub
        on_hand[hub_id] += float(kg)
        if when:
            soon[hub_id].append(DueKg(when, name_fr, name_nl, round(float(kg), 1)))
    days = [
        HubDay(
            hub_id=hub_id,
            hub=hub,
            in_kg=round(sums[hub_id].get(("in", None), 0.0), 1),
            out_kg=round(sums[hub_id].get(("out", None), 0.0), 1),
            lost_kg={r: round(sums[hub_id].get(("loss", r), 0.0), 1) for r in LOSS_REASONS},
            count_kg=round(sums[hub_id].get(("count", None), 0.0), 1),
            on_hand_kg=round(on_hand[hub_id], 1),
            due=tuple(sorted(soon[hub_id], key=_fefo)),
        )
        for hub_id, hub in names.items()
    ]
    return tuple(sorted(days, key=lambda h: (h.hub, h.hub_id)))


def _fefo(due: DueKg) -> tuple:
    return DUE_ORDER.index(due.due), -due.kg, due.name_fr
