"""Writing a proposed tour: one short transaction that replaces the vehicle's earlier proposal
of that day and keeps only the pickups still open (a volunteer may have claimed one while the
solver ran)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit
from logistics.people.identity import Identity
from logistics.tours.plans import TourPlan
from logistics.transaction import transaction
from storage.models import Donation, Tour, TourLoad, TourStop


async def drop_proposal(session: AsyncSession, *, vehicle_id: int, kind: str, day: Any) -> None:
    """The vehicle's still-proposed tour of that kind and day, and its stops, deleted."""
    old = (
        await session.exec(
            select(Tour.id).where(
                Tour.vehicle_id == vehicle_id,
                Tour.kind == kind,
                Tour.service_day == day,
                Tour.status == "proposed",
            )
        )
    ).all()
    if not old:
        return
    stops = select(TourStop.id).where(col(TourStop.tour_id).in_(old))
    await session.exec(delete(TourLoad).where(col(TourLoad.stop_id).in_(stops)))
    await session.exec(delete(TourStop).where(col(TourStop.tour_id).in_(old)))
    await session.exec(delete(Tour).where(col(Tour.id).in_(old)))


@transaction
async def save_collection_proposal(
    session: AsyncSession,
    *,
    kind: str,
    inputs: Any,
    plan: TourPlan,
    left_out: list[list],
    still_open: Callable[[list[int]], TourPlan],
    identity: Identity,
    now: datetime,
) -> int:
    """Save a collection proposal; the tour's id."""
    await drop_proposal(session, vehicle_id=inputs.vehicle.id, kind=kind, day=inputs.clock.day)
    order = list(plan.order)
    if order:
        open_now = set(
            (
                await session.exec(
                    select(Donation.id).where(
                        col(Donation.id).in_(order), Donation.status == "announced"
                    )
                )
            ).all()
        )
        taken = [i for i in order if i not in open_now]
        if taken:
            left_out = left_out + [[i, "claimed"] for i in taken]
            plan = still_open([i for i in order if i in open_now])
    tour = Tour(
        antenna_id=inputs.antenna.id,
        hub_id=inputs.hub.id,
        vehicle_id=inputs.vehicle.id,
        kind=kind,
        service_day=inputs.clock.day,
        status="proposed",
        starts_at=inputs.clock.instant(plan.departure),
        planned_m=plan.metres,
        planned_s=plan.seconds,
        left_out=left_out,
        created_by_id=identity.member_id,
        created_at=now,
    )
    session.add(tour)
    await session.flush()
    for position, planned in enumerate(plan.stops, start=1):
        session.add(
            TourStop(
                tour_id=tour.id,
                position=position,
                donation_id=planned.stop.id,
                arrival_at=inputs.clock.instant(planned.start),
                kg=planned.stop.kg,
            )
        )
    audit(
        session, now, identity.member_id, f"tour.{kind}.proposed", tour,
        stops=list(plan.order), left_out=left_out, metres=plan.metres,
    )  # fmt: skip
    return tour.id
