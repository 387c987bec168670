"""Food delivered to a hub becomes its stock: one lot per item of the pickup, with the item's
category, cold chain, dates and lot number, so that it is handed out first expired, first out
and can be traced one step back."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit
from logistics.pickups.weights import spread_kg
from storage.models import Delivery, Donation, DonationItem, StockLot, StockMove


async def receive_at_hub(
    session: AsyncSession,
    *,
    delivery: Delivery,
    donation: Donation,
    member_id: int | None,
    now: datetime,
) -> list[StockLot]:
    """The lots of a delivery to a hub: its kg shared over the pickup's items in proportion
    to what was collected of each (the whole pickup when the hub is its only stop)."""
    items = (
        await session.exec(
            select(DonationItem)
            .where(DonationItem.donation_id == donation.id)
            .order_by(col(DonationItem.id))
        )
    ).all()
    weights = [item.collected_kg or 0 for item in items]
    if not sum(weights):
        weights = [item.estimated_kg for item in items]
    lots: list[StockLot] = []
    for item, kg in zip(items, spread_kg(delivery.delivered_kg or 0, weights), strict=True):
        if kg <= 0:
            continue
        lot = StockLot(
            hub_id=delivery.hub_id,
            category_id=item.category_id,
            cold_chain=item.cold_chain,
            label=item.label,
            use_by=item.use_by,
            best_before=item.best_before,
            lot=item.lot,
            donation_id=donation.id,
            donation_item_id=item.id,
            delivery_id=delivery.id,
            received_at=now,
            received_kg=kg,
            on_hand_kg=kg,
        )
        session.add(lot)
        lots.append(lot)
    await session.flush()
    for lot in lots:
        move = StockMove(
            lot_id=lot.id,
            hub_id=lot.hub_id,
            category_id=lot.category_id,
            kind="in",
            kg=lot.received_kg,
            member_id=member_id,
            at=now,
        )
        session.add(move)
        audit(
            session, now, member_id, "stock.in", lot,
            kg=lot.received_kg, delivery_id=delivery.id, hub_id=lot.hub_id,
        )  # fmt: skip
    return lots
