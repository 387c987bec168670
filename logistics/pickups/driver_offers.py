"""Open pickups and the drivers who may take them: who is eligible, offers, weekly slots.

When a pickup opens (announced, or given back), the eligible drivers of the antenna (right
vehicle for the cold chain, reachable, under their caps) are offered it; a recurring day goes
straight to the driver holding its weekly slot, claimed by the system.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.notify import REACHABLE, notify_member
from logistics.pickups.claim_queries import cap_refusals, drivers_of, load_donation, moved
from storage.models import AuditLog, Claim, Member


async def claim_for_standing_driver(
    session: AsyncSession, *, donation_id: int, driver_id: int, now: datetime
) -> bool:
    """Give an announced recurring day to the driver holding its weekly slot, as the system.

    No cap applies (the slot is theirs), the cold chain does. The caller commits; False, and
    the pickup stays open, when this driver cannot take it.
    """
    donation, antenna, cold = await load_donation(session, donation_id)
    if donation.status != "announced" or now >= donation.window_end:
        return False
    driver = (await session.exec(drivers_of(antenna.id).where(col(Member.id) == driver_id))).first()
    if driver is None or (cold and not driver.vehicle_refrigerated):
        return False
    if not await moved(session, donation_id, "announced", "claimed", now):
        return False
    session.add(Claim(donation_id=donation_id, driver_id=driver.id, claimed_at=now))
    session.add(
        AuditLog(
            at=now,
            action="claim.standing",
            entity="donation",
            entity_id=donation_id,
            detail={"driver_id": driver.id},
        )
    )
    await session.flush()
    return True


async def eligible_drivers(
    session: AsyncSession, *, donation_id: int, now: datetime
) -> list[Member]:
    """Drivers who could claim this open pickup now and can be told so (three queries)."""
    donation, antenna, cold = await load_donation(session, donation_id)
    if donation.status != "announced" or now >= donation.window_end:
        return []
    query = drivers_of(antenna.id).where(REACHABLE).distinct().order_by(col(Member.id))
    if cold:
        query = query.where(col(Member.vehicle_refrigerated).is_(True))
    drivers = list((await session.exec(query)).all())
    refusals = await cap_refusals(session, antenna, donation, now, [d.id for d in drivers])
    return [d for d in drivers if d.id not in refusals]


async def offer_to_drivers(
    session: AsyncSession,
    *,
    donation_id: int,
    now: datetime,
    exclude: Collection[int] = (),
    changed: bool = False,
) -> int:
    """Queue a "donation_offer" to each eligible driver not excluded (``changed``: the store
    changed the pickup since it was first offered); the caller commits."""
    drivers = await eligible_drivers(session, donation_id=donation_id, now=now)
    extra = {"changed": True} if changed else {}
    return sum(
        notify_member(
            session, member=d, kind="donation_offer", now=now, donation_id=donation_id, **extra
        )
        for d in drivers
        if d.id not in exclude
    )
