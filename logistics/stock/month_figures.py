"""What went through each hub over a report's period: the stock's own flow, beside (never
added to) the tonnage.

The tonnage a funder reads is counted once, where the food was collected: a pickup delivered
to a hub is already in "kg collected" and its stop in "By destination" (as a hub). What the
hub then hands out to associations is the same food moving on, so these figures are shown
apart and are never summed with the tonnage or with the destinations.

One grouped query per time zone of the report, read through the moves' ``(hub_id, at)``
index: the period's sums, and every move up to the period's end for what was on hand then.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.stock.balance import TOLERANCE_KG
from storage.models import LOSS_REASONS, Antenna, Hub, StockMove


@dataclass(frozen=True)
class HubMonth:
    """One hub over the period, in kg."""

    antenna: str
    hub: str
    # food delivered to the hub and put in stock (moves "in"); already counted in the
    # tonnage collected and, as the hub's stop, in "By destination"
    received_kg: float
    # handed out of the stock to associations: the same kg moving on, not a new tonnage
    out_kg: float
    # discarded from the stock, by reason ("past_date", "damaged", "cold_chain")
    lost_kg: dict[str, float]
    # what counts found more (+) or missing (-) than the moves said
    count_kg: float
    # on hand at the end of the period (now, for the month in progress): every move up to
    # then, in + corrections - out - losses
    on_hand_kg: float
    moves: int  # how many moves in the period

    @property
    def lost_total_kg(self) -> float:
        return round(sum(self.lost_kg.values()), 3)


def _in_period(start: datetime):
    return col(StockMove.at) >= start


async def hub_months(
    session: AsyncSession, *, antenna_ids: list[int], start: datetime, end: datetime
) -> list[HubMonth]:
    """The hubs of these antennas that moved stock between ``start`` and ``end`` or held
    some at ``end``, by antenna and hub name."""
    rows = await session.exec(
        select(
            Antenna.name,
            Hub.id,
            Hub.name,
            StockMove.kind,
            StockMove.reason,
            func.coalesce(func.sum(case((_in_period(start), 1), else_=0)), 0),
            func.coalesce(func.sum(case((_in_period(start), StockMove.kg), else_=0)), 0),
            func.coalesce(func.sum(StockMove.kg), 0),
        )
        .select_from(Hub)
        .join(Antenna, col(Antenna.id) == Hub.antenna_id)
        .join(StockMove, col(StockMove.hub_id) == Hub.id)
        .where(col(Hub.antenna_id).in_(antenna_ids), col(StockMove.at) < end)
        .group_by(Antenna.name, Hub.id, Hub.name, StockMove.kind, StockMove.reason)
    )
    names: dict[int, tuple[str, str]] = {}
    period: dict[int, dict[tuple[str, str | None], float]] = defaultdict(dict)
    ever: dict[int, float] = defaultdict(float)
    moves: dict[int, int] = defaultdict(int)
    for antenna, hub_id, hub, kind, reason, count, kg, kg_to_end in rows.all():
        names[hub_id] = (antenna, hub)
        period[hub_id][(kind, reason)] = float(kg)
        moves[hub_id] += int(count)
        ever[hub_id] += float(kg_to_end) * (-1 if kind in ("out", "loss") else 1)
    lines = []
    for hub_id, (antenna, hub) in names.items():
        sums = period[hub_id]
        line = HubMonth(
            antenna=antenna,
            hub=hub,
            received_kg=round(sums.get(("in", None), 0.0), 3),
            out_kg=round(sums.get(("out", None), 0.0), 3),
            lost_kg={r: round(sums.get(("loss", r), 0.0), 3) for r in LOSS_REASONS},
            count_kg=round(sums.get(("count", None), 0.0), 3),
            on_hand_kg=round(ever[hub_id], 3) + 0.0,  # no "-0"
            moves=moves[hub_id],
        )
        if line.moves or line.on_hand_kg >= TOLERANCE_KG:
            lines.append(line)
    return sorted(lines, key=lambda h: (h.antenna, h.hub))
