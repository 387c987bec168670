"""A year of history for one antenna, written straight to the tables with bulk inserts.

Every day of the year before today, each store of the antenna gives ``per_day`` pickups of
four items (dairy, bread, fruit and vegetables, tins), each delivered to two of the antenna's
associations: with 5 stores and 14 a day, 25,550 donations, 102,200 items and 51,100
deliveries. The same seed gives the same rows. The shape is that of the recall test's year
(``tests/safety/test_recall_scale.py``), for a whole antenna of the bench network.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Association, Category, Delivery, Donation, DonationItem, Store

DAYS = 365
LABELS = {
    "produits-laitiers": ("Yaourts nature", "Lait demi-écrémé", "Fromage râpé"),
    "pain": ("Pain gris", "Baguettes"),
    "fruits-legumes": ("Pommes", "Carottes"),
    "conserves": ("Haricots en boîte", "Thon"),
}
BRUSSELS = ZoneInfo("Europe/Brussels")
CHUNK = 10_000  # rows per INSERT, well under the drivers' parameter limits


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS).astimezone(UTC)


def per_day_for(items: int, stores: int) -> int:
    """Pickups a day at each store for about ``items`` items over the year."""
    return max(1, math.ceil(items / (stores * DAYS * len(LABELS))))


async def _insert(session: AsyncSession, model, rows: list[dict]) -> None:
    connection = await session.connection()
    for start in range(0, len(rows), CHUNK):
        await connection.execute(insert(model), rows[start : start + CHUNK])


async def build_year(
    session: AsyncSession, *, antenna_id: int, today: date, items: int = 100_000
) -> int:
    """The antenna's year up to yesterday; the number of items written (committed)."""
    rng = random.Random(15)
    stores = (await session.exec(select(Store).where(Store.antenna_id == antenna_id))).all()
    categories = dict((await session.exec(select(Category.key, Category.id))).all())
    places = (
        await session.exec(select(Association.id).where(col(Association.antenna_id) == antenna_id))
    ).all()
    per_day = per_day_for(items, len(stores))
    donations = []
    for store in stores:
        for back in range(1, DAYS + 1):
            day = today - timedelta(days=back)
            for pickup in range(per_day):
                start = local(day, 6) + timedelta(minutes=50 * pickup)
                donations.append(
                    {
                        "antenna_id": antenna_id,
                        "store_id": store.id,
                        "status": "delivered",
                        "window_start": start,
                        "window_end": start + timedelta(hours=1),
                        "estimated_kg": 40,
                        "collected_kg": 40,
                        "created_at": start,
                        "updated_at": start,
                    }
                )
    connection = await session.connection()
    returning = insert(Donation).returning(Donation.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(donations), CHUNK):
        chunk = donations[start : start + CHUNK]
        ids += (await connection.execute(returning, chunk)).scalars().all()
    item_rows, delivery_rows = [], []
    for donation_id, d in zip(ids, donations, strict=True):
        for category, labels in LABELS.items():
            kg = rng.choice((5.0, 10.0, 15.0))
            item_rows.append(
                {
                    "donation_id": donation_id,
                    "category_id": categories[category],
                    "label": rng.choice(labels),
                    "quantity": kg,
                    "unit": "kg",
                    "cold_chain": "chilled" if category == "produits-laitiers" else "ambient",
                    "estimated_kg": kg,
                    "collected_kg": kg,
                    "collected_estimated": False,
                    "lot": f"L{rng.randrange(100)}",
                }
            )
        for association_id in rng.sample(list(places), 2):
            delivery_rows.append(
                {
                    "donation_id": donation_id,
                    "association_id": association_id,
                    "hub_id": None,
                    "planned_kg": 20,
                    "delivered_kg": 20,
                    "delivered_at": d["window_end"] + timedelta(minutes=30),
                }
            )
    await _insert(session, DonationItem, item_rows)
    await _insert(session, Delivery, delivery_rows)
    await session.commit()
    return len(item_rows)
