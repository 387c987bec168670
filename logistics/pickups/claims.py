"""Claiming pickups: exactly one driver per donation, however many press at once.

The database picks the winner: a conditional UPDATE moves the donation from "announced" to
"claimed", which only one transaction can do, and the partial unique index on active claims
is the backstop. On SQLite a use case takes the write lock before reading (``BEGIN
IMMEDIATE``, waiting up to the busy timeout), so a loser hears "already claimed", never
"database is locked"; on PostgreSQL, READ COMMITTED and the conditional UPDATE are enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics import errors
from logistics.notify import (
    notify_member,
    notify_store_managers,
    refresh_card,
)
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as, is_coordinator
from logistics.pickups.claim_queries import (
    active_claim,
    cap_week,
    claiming_driver,
    held_claims,
    load_donation,
    load_slot,
    moved,
)
from logistics.pickups.claimable import claim_refusal
from logistics.transaction import transaction
from storage.models import AuditLog, Claim, Donation, RecurringSlot

TAKEN = ("claimed", "picked_up", "delivered", "received")


@dataclass(frozen=True)
class ClaimResult:
    donation_id: int
    driver_id: int
    on_behalf: bool


@transaction
async def claim_pickup(
    session: AsyncSession,
    *,
    donation_id: int,
    identity: Identity,
    now: datetime,
    driver_id: int | None = None,
) -> ClaimResult:
    """Claim a pickup for oneself, or, as a coordinator, for a driver of the antenna."""
    donation, antenna, cold = await load_donation(session, donation_id)
    driver = await claiming_driver(session, identity, antenna.id, driver_id, "not_driver")
    if donation.status in TAKEN:
        holder = (await session.exec(active_claim(donation_id))).first()
        if holder is not None and holder.driver_id == driver.id:
            raise errors.AlreadyDone()
        raise errors.AlreadyClaimed()
    week = cap_week(antenna, donation, now)
    held = await held_claims(session, [driver.id], *week) if week else {}
    refusal = claim_refusal(donation, antenna, cold, driver, now, held.get(driver.id, []))
    if refusal is not None:
        raise refusal

    if not await moved(session, donation_id, "announced", "claimed", now):
        raise errors.AlreadyClaimed()
    on_behalf = driver.id != identity.member_id
    session.add(
        Claim(
            donation_id=donation_id,
            driver_id=driver.id,
            claimed_at=now,
            on_behalf_of_id=identity.member_id if on_behalf else None,
        )
    )
    try:
        await session.flush()
    except IntegrityError as error:
        raise errors.AlreadyClaimed() from error
    refresh_card(session, antenna=antenna, donation_id=donation_id, now=now)
    await notify_store_managers(
        session,
        store_id=donation.store_id,
        kind="donation_claimed",
        now=now,
        donation_id=donation_id,
    )
    if donation.photo_file_id:  # what the store showed, for the driver who comes
        notify_member(session, member=driver, kind="pickup_photo", now=now, donation_id=donation_id)
    audit_claim(session, identity, now, "claim.created", donation, driver.id)
    return ClaimResult(donation_id=donation_id, driver_id=driver.id, on_behalf=on_behalf)


@transaction
async def set_standing_claim(
    session: AsyncSession,
    *,
    slot_id: int,
    identity: Identity,
    now: datetime,
    driver_id: int | None = None,
) -> None:
    """Hold a weekly slot: each day's pickup of it is claimed for this driver when it opens."""
    slot, antenna_id = await load_slot(session, slot_id)
    if not slot.active:
        raise errors.NotFound("slot")
    driver = await claiming_driver(session, identity, antenna_id, driver_id, "not_driver")
    if slot.standing_driver_id == driver.id:
        raise errors.AlreadyDone()
    held = await session.exec(
        update(RecurringSlot)
        .where(col(RecurringSlot.id) == slot_id, col(RecurringSlot.standing_driver_id).is_(None))
        .values(standing_driver_id=driver.id)
    )
    if held.rowcount == 0:
        raise errors.AlreadyClaimed()
    audit_claim(session, identity, now, "standing_claim.set", slot, driver.id)


@transaction
async def drop_standing_claim(
    session: AsyncSession, *, slot_id: int, identity: Identity, now: datetime
) -> None:
    """Give a weekly slot back (its holder, or a coordinator of the antenna)."""
    slot, antenna_id = await load_slot(session, slot_id)
    acting_as(identity, "driver", antenna_id, reason="not_driver")
    holder = slot.standing_driver_id
    if holder is None:
        raise errors.AlreadyDone()
    if holder != identity.member_id and not is_coordinator(identity, antenna_id):
        raise errors.NotAllowed("not_your_pickup")
    dropped = await session.exec(
        update(RecurringSlot)
        .where(col(RecurringSlot.id) == slot_id, col(RecurringSlot.standing_driver_id) == holder)
        .values(standing_driver_id=None)
    )
    if dropped.rowcount == 0:
        raise errors.AlreadyDone()
    audit_claim(session, identity, now, "standing_claim.dropped", slot, holder)


def audit_claim(
    session: AsyncSession,
    identity: Identity,
    now: datetime,
    action: str,
    target: Donation | RecurringSlot,
    driver_id: int,
    **detail: Any,
) -> None:
    """Who did it, and for which driver when that is someone else (a coordinator acting)."""
    on_behalf = driver_id != identity.member_id
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            on_behalf_of_id=driver_id if on_behalf else None,
            action=action,
            entity=target.__tablename__,
            entity_id=target.id,
            detail={"driver_id": driver_id, **detail},
        )
    )
