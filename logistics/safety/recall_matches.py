"""Who received recalled food: the associations and hubs whose deliveries carried matching items.

A recall names a store, a product (found, whatever its case, in the items' labels) or a
category, the days the food was received (local days of the antenna) and optionally a lot.
Each delivery of a matching donation received on those days counts the matching items' share
of its kilograms, split pro rata of the items' weights (``logistics.pickups.weights.spread_kg``, the
rule that shares a total over items and stops everywhere else): an item weighs its collected
kg when recorded, else its estimate.

The query is bounded by the donations' store and pickup windows (indexed), then reaches the
items and deliveries of those donations by their donation id (indexed): never a scan of the
items of the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.pickups.weights import spread_kg
from storage.models import Association, Delivery, Donation, DonationItem, Hub

# a delivery is recorded on its pickup's day, or soon after: the pickups looked at start at
# most this long before the first day received
DELIVERED_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class RecallQuery:
    """What is recalled: from which store, which product or category, received when."""

    antenna_id: int
    store_id: int
    received_from: date
    received_to: date
    category_id: int | None = None
    product: str | None = None
    lot: str | None = None


@dataclass(frozen=True)
class RecallPlace:
    """One place that received matching food: an association or a hub."""

    association_id: int | None
    hub_id: int | None
    name: str
    kg: float
    first_received_at: datetime
    last_received_at: datetime


def day_bounds(query: RecallQuery, tz: str) -> tuple[datetime, datetime]:
    """The instants (aware) the recall's days begin and end, in the antenna's time zone."""
    zone = ZoneInfo(tz)
    start = datetime.combine(query.received_from, time(0), zone)
    end = datetime.combine(query.received_to + timedelta(days=1), time(0), zone)
    return start, end


def _item_kg() -> Any:
    return func.coalesce(DonationItem.collected_kg, DonationItem.estimated_kg)


def _item_matches(query: RecallQuery) -> Any:
    conditions = []
    if query.category_id is not None:
        conditions.append(DonationItem.category_id == query.category_id)
    if query.product:
        conditions.append(
            func.lower(DonationItem.label).contains(query.product.lower(), autoescape=True)
        )
    if query.lot:
        conditions.append(func.lower(DonationItem.lot) == query.lot.lower())
    return and_(*conditions)


def matching_statement(query: RecallQuery, tz: str) -> Any:
    """Per delivery received on the recall's days: its kg, the matching items' kg and all
    items' kg of its donation (one statement)."""
    start, end = day_bounds(query, tz)
    items = (
        select(
            DonationItem.donation_id.label("donation_id"),
            func.sum(case((_item_matches(query), _item_kg()), else_=0)).label("matched"),
            func.sum(_item_kg()).label("total"),
        )
        .join(Donation, col(Donation.id) == DonationItem.donation_id)
        .where(
            Donation.antenna_id == query.antenna_id,
            Donation.store_id == query.store_id,
            Donation.window_start >= start - DELIVERED_WITHIN,
            Donation.window_start < end,
        )
        .group_by(DonationItem.donation_id)
        .having(func.sum(case((_item_matches(query), 1), else_=0)) > 0)
        .subquery()
    )
    return (
        select(
            Delivery.association_id,
            Delivery.hub_id,
            Delivery.delivered_at,
            func.coalesce(Delivery.delivered_kg, Delivery.planned_kg, 0),
            items.c.matched,
            items.c.total,
        )
        .join(items, items.c.donation_id == Delivery.donation_id)
        .where(Delivery.delivered_at >= start, Delivery.delivered_at < end)
    )


async def matching_places(session: AsyncSession, query: RecallQuery, tz: str) -> list[RecallPlace]:
    """Every place that received matching food on those days, with its kg and the first and
    last time it received some, in name order."""
    rows = (await session.exec(matching_statement(query, tz))).all()
    found: dict[tuple[int | None, int | None], dict[str, Any]] = {}
    for association_id, hub_id, at, kg, matched, total in rows:
        share = spread_kg(kg, [matched or 0, max((total or 0) - (matched or 0), 0)])[0]
        place = found.setdefault((association_id, hub_id), {"kg": 0.0, "first": at, "last": at})
        place["kg"] += share
        place["first"], place["last"] = min(place["first"], at), max(place["last"], at)
    names = await _names(session, found)
    places = [
        RecallPlace(
            association_id=a,
            hub_id=h,
            name=names[(a, h)],
            kg=round(v["kg"], 1) + 0.0,
            first_received_at=v["first"],
            last_received_at=v["last"],
        )
        for (a, h), v in found.items()
    ]
    return sorted(places, key=lambda p: (p.hub_id is not None, p.name.lower()))


async def _names(
    session: AsyncSession, places: dict[tuple[int | None, int | None], Any]
) -> dict[tuple[int | None, int | None], str]:
    """The name of each place (two queries)."""
    associations = {a for a, _ in places if a is not None}
    hubs = {h for _, h in places if h is not None}
    names: dict[tuple[int | None, int | None], str] = {}
    if associations:
        for row in (
            await session.exec(select(Association).where(col(Association.id).in_(associations)))
        ).all():
            names[(row.id, None)] = row.name
    if hubs:
        for row in (await session.exec(select(Hub).where(col(Hub.id).in_(hubs)))).all():
            names[(None, row.id)] = row.name
    return names
