"""A hub's stock as its staff sees it: by temperature class, oldest date first (first expired,
first out), with what passes its date today or tomorrow marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotFound
from logistics.people.identity import Identity
from logistics.safety.food_dates import local_today
from logistics.stock.access import handled_hub
from storage.models import Antenna, Category, Hub, StockLot

COLD_ORDER = ("frozen", "chilled", "ambient")  # the most fragile first


@dataclass(frozen=True)
class LotLine:
    lot_id: int
    category_key: str
    category_fr: str
    category_nl: str
    label: str
    cold_chain: str
    on_hand_kg: float
    use_by: date | None
    best_before: date | None
    lot: str | None
    received_at: datetime
    due: str | None  # "past", "today", "tomorrow", or None

    @property
    def date(self) -> date | None:
        return self.use_by or self.best_before


@dataclass(frozen=True)
class HubStock:
    hub_id: int
    hub_name: str
    cold_storage: bool
    today: date
    lines: tuple[LotLine, ...]  # by cold class, then date (none last), then arrival

    @property
    def total_kg(self) -> float:
        return round(sum(line.on_hand_kg for line in self.lines), 1)

    def kg_of(self, cold_chain: str) -> float:
        return round(sum(x.on_hand_kg for x in self.lines if x.cold_chain == cold_chain), 1)


def due(day: date | None, today: date) -> str | None:
    if day is None:
        return None
    if day < today:
        return "past"
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return None


def fefo_key(line: LotLine) -> tuple:
    return (
        COLD_ORDER.index(line.cold_chain),
        line.date is None,
        line.date or date.max,
        line.received_at,
        line.lot_id,
    )


async def hub_stocks(session: AsyncSession, hubs: list[Hub], *, now: datetime) -> list[HubStock]:
    """The stock on hand of these hubs, each in its antenna's today (two indexed queries)."""
    if not hubs:
        return []
    zones = dict(
        (
            await session.exec(
                select(Antenna.id, Antenna.timezone).where(
                    col(Antenna.id).in_({hub.antenna_id for hub in hubs})
                )
            )
        ).all()
    )
    rows = await session.exec(
        select(StockLot, Category)
        .join(Category, col(Category.id) == StockLot.category_id)
        .where(col(StockLot.hub_id).in_([hub.id for hub in hubs]), col(StockLot.on_hand_kg) > 0)
        .execution_options(populate_existing=True)  # as it is now, after a move in this session
    )
    by_hub: dict[int, list[tuple[StockLot, Category]]] = {}
    for lot, category in rows.all():
        by_hub.setdefault(lot.hub_id, []).append((lot, category))
    stocks = []
    for hub in hubs:
        today = local_today(now, zones[hub.antenna_id])
        lines = [
            LotLine(
                lot_id=lot.id,
                category_key=category.key,
                category_fr=category.name_fr,
                category_nl=category.name_nl,
                label=lot.label,
                cold_chain=lot.cold_chain,
                on_hand_kg=round(lot.on_hand_kg, 1),
                use_by=lot.use_by,
                best_before=lot.best_before,
                lot=lot.lot,
                received_at=lot.received_at,
                due=due(lot.use_by or lot.best_before, today),
            )
            for lot, category in by_hub.get(hub.id, [])
        ]
        stocks.append(
            HubStock(hub.id, hub.name, hub.cold_storage, today, tuple(sorted(lines, key=fefo_key)))
        )
    return stocks


async def hub_stock(
    session: AsyncSession, identity: Identity, hub_id: int, *, now: datetime
) -> HubStock:
    """One hub's stock, for someone who may handle it (refused otherwise)."""
    hub = await handled_hub(session, identity, hub_id)
    return (await hub_stocks(session, [hub], now=now))[0]


async def lot_stock(
    session: AsyncSession, identity: Identity, lot_id: int, *, now: datetime
) -> tuple[HubStock, LotLine | None]:
    """The stock of the hub holding this lot, for someone who may handle it, and the lot's
    line in it (None once nothing of it is left)."""
    lot = await session.get(StockLot, lot_id)
    if lot is None:
        raise NotFound("stock_lot")
    stock = await hub_stock(session, identity, lot.hub_id, now=now)
    return stock, next((line for line in stock.lines if line.lot_id == lot_id), None)
