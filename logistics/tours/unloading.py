"""The end of a collection tour: what the van collected is unloaded into the hub and becomes
its stock, each pickup's delivery recorded on the driver's word; the tour is done once none
of its pickups is still to collect or to unload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit
from logistics.errors import NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import is_coordinator
from logistics.pickups.collection import record_delivery
from logistics.transaction import transaction
from storage.models import Delivery, Donation, Tour, TourStop

OVER = ("delivered", "received", "cancelled", "expired", "missed")


@dataclass(frozen=True)
class Unloaded:
    tour_id: int
    pickups: int  # unloaded now
    kg: float
    done: bool  # the whole tour is over


async def _tour_of_driver(session: AsyncSession, tour_id: int, identity: Identity) -> Tour:
    tour = await session.get(Tour, tour_id)
    if tour is None:
        raise NotFound("tour")
    mine = identity.member_id is not None and tour.driver_id == identity.member_id
    if not mine and not is_coordinator(identity, tour.antenna_id):
        raise NotAllowed("not_your_tour")
    return tour


async def unload_at_hub(
    session: AsyncSession, *, tour_id: int, identity: Identity, now: datetime
) -> Unloaded:
    """Record into the hub every pickup of the tour collected and not yet delivered, each in
    its own transaction (one refused leaves the others recorded)."""
    tour = await _tour_of_driver(session, tour_id, identity)
    pending = (
        await session.exec(
            select(Delivery.id)
            .join(TourStop, col(TourStop.donation_id) == Delivery.donation_id)
            .join(Donation, col(Donation.id) == Delivery.donation_id)
            .where(
                TourStop.tour_id == tour.id,
                Delivery.hub_id == tour.hub_id,
                col(Delivery.delivered_at).is_(None),
                Donation.status == "picked_up",
            )
            .order_by(col(TourStop.position))
        )
    ).all()
    await session.rollback()
    kg = 0.0
    for delivery_id in pending:
        result = await record_delivery(session, delivery_id=delivery_id, identity=identity, now=now)
        kg += result.delivered_kg
    done = await _close_if_over(session, tour_id=tour_id, identity=identity, now=now)
    return Unloaded(tour_id, len(pending), round(kg, 1), done)


@transaction
async def _close_if_over(
    session: AsyncSession, *, tour_id: int, identity: Identity, now: datetime
) -> bool:
    tour = await session.get(Tour, tour_id)
    statuses = (
        await session.exec(
            select(Donation.status)
            .join(TourStop, col(TourStop.donation_id) == Donation.id)
            .where(TourStop.tour_id == tour_id)
        )
    ).all()
    if tour.status != "confirmed" or not all(s in OVER for s in statuses):
        return tour.status == "done"
    tour.status = "done"
    session.add(tour)
    audit(session, now, identity.member_id, "tour.done", tour)
    return True
