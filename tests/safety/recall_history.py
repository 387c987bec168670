"""Food received in the past, written straight to the tables, for the recall tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Association, Category, Delivery, Donation, DonationItem, Hub, Store


async def ids(session: AsyncSession, model, key: str) -> int:
    return (await session.exec(select(model.id).where(model.key == key))).one()


async def received(
    session: AsyncSession,
    *,
    store: str,
    at: datetime,
    stops: list[tuple[str, float]],
    items: list[tuple[str, str, float, str | None]],
) -> int:
    """A pickup at ``store`` whose ``items`` (category key, label, kg, lot) were delivered at
    ``at`` to each of ``stops`` (association or hub key, kg); its donation id."""
    store_row = (await session.exec(select(Store).where(Store.key == store))).one()
    start = at - timedelta(hours=2)
    donation = Donation(
        antenna_id=store_row.antenna_id,
        store_id=store_row.id,
        status="delivered",
        window_start=start,
        window_end=start + timedelta(hours=1),
        estimated_kg=sum(kg for _, _, kg, _ in items),
        collected_kg=sum(kg for _, _, kg, _ in items),
        created_at=start,
        updated_at=at,
    )
    session.add(donation)
    await session.flush()
    for category, label, kg, lot in items:
        session.add(
            DonationItem(
                donation_id=donation.id,
                category_id=await ids(session, Category, category),
                label=label,
                quantity=kg,
                unit="kg",
                cold_chain="chilled" if category == "produits-laitiers" else "ambient",
                estimated_kg=kg,
                collected_kg=kg,
                lot=lot,
            )
        )
    for key, kg in stops:
        association = (
            await session.exec(select(Association.id).where(Association.key == key))
        ).first()
        hub = None if association else await ids(session, Hub, key)
        session.add(
            Delivery(
                donation_id=donation.id,
                association_id=association,
                hub_id=hub,
                planned_kg=kg,
                delivered_kg=kg,
                delivered_at=at,
            )
        )
    await session.commit()
    return donation.id
