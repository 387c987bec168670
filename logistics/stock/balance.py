"""The stock balance, per hub and category, in kg: in + corrections = out + losses + on hand.

Read from the moves and from the lots separately, so that a lot changed without its move (or a
move without its lot) shows as a difference."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import StockLot, StockMove

TOLERANCE_KG = 0.05  # weights are kept to 0.1 kg


@dataclass(frozen=True)
class Balance:
    hub_id: int
    category_id: int
    in_kg: float
    out_kg: float
    loss_kg: float
    count_kg: float  # signed: what counts added (+) or found missing (-)
    on_hand_kg: float

    @property
    def difference_kg(self) -> float:
        """What the moves say should be on hand, minus what the lots hold: zero when whole."""
        expected = self.in_kg + self.count_kg - self.out_kg - self.loss_kg
        return round(expected - self.on_hand_kg, 2)

    @property
    def holds(self) -> bool:
        return abs(self.difference_kg) < TOLERANCE_KG


def _sum_of(kind: str):
    return func.coalesce(func.sum(case((col(StockMove.kind) == kind, StockMove.kg), else_=0)), 0)


async def stock_balances(session: AsyncSession, hub_ids: list[int] | None = None) -> list[Balance]:
    """Every hub and category that ever had stock (or only these hubs), in id order."""
    moves = select(
        StockMove.hub_id,
        StockMove.category_id,
        _sum_of("in"),
        _sum_of("out"),
        _sum_of("loss"),
        _sum_of("count"),
    ).group_by(col(StockMove.hub_id), col(StockMove.category_id))
    lots = select(
        StockLot.hub_id, StockLot.category_id, func.coalesce(func.sum(StockLot.on_hand_kg), 0)
    ).group_by(col(StockLot.hub_id), col(StockLot.category_id))
    if hub_ids is not None:
        moves = moves.where(col(StockMove.hub_id).in_(hub_ids))
        lots = lots.where(col(StockLot.hub_id).in_(hub_ids))
    sums = {(h, c): (i, o, lo, co) for h, c, i, o, lo, co in (await session.exec(moves)).all()}
    on_hand = {(h, c): kg for h, c, kg in (await session.exec(lots)).all()}
    return [
        Balance(
            h, c, *[float(x) for x in sums.get((h, c), (0, 0, 0, 0))], float(on_hand.get((h, c), 0))
        )
        for h, c in sorted(set(sums) | set(on_hand))
    ]


async def negative_lots(session: AsyncSession) -> list[int]:
    """Lots holding less than nothing (the table refuses them; a check all the same)."""
    rows = await session.exec(select(StockLot.id).where(col(StockLot.on_hand_kg) < 0))
    return list(rows.all())
