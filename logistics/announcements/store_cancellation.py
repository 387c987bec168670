"""A store calls its pickup off before collection: the claiming driver and the group are
told (or, when nobody had claimed it yet, the drivers it was offered to), the card says so,
and the audit log keeps who did it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.announcements.store_announcements import audit_store_change, store_pickup_for
from logistics.errors import AlreadyDone, NotOpen
from logistics.notify import notify_group, notify_member, refresh_card
from logistics.people.identity import Identity
from logistics.pickups.claim_queries import active_claim
from logistics.pickups.driver_offers import eligible_drivers
from logistics.transaction import transaction
from storage.models import Antenna, Donation, Member

CANCELLABLE = ("announced", "claimed")


async def check_cancellable(session: AsyncSession, *, identity: Identity, donation_id: int) -> None:
    """Before asking "cancel it?"."""
    donation, _acting = await store_pickup_for(session, identity, donation_id)
    _check_cancellable(donation)


def _check_cancellable(donation: Donation) -> None:
    if donation.status == "cancelled":
        raise AlreadyDone()
    if donation.status not in CANCELLABLE:
        raise NotOpen(donation.status)


@transaction
async def cancel_pickup(
    session: AsyncSession, *, identity: Identity, donation_id: int, now: datetime
) -> int | None:
    """The store calls its pickup off before collection; the driver who had claimed it (whose
    id is returned) and the group are told, and the card says so."""
    donation, acting = await store_pickup_for(session, identity, donation_id)
    _check_cancellable(donation)
    before = donation.status
    offered = await eligible_drivers(session, donation_id=donation.id, now=now)
    written = await session.exec(
        update(Donation)
        .where(col(Donation.id) == donation.id, col(Donation.status).in_(CANCELLABLE))
        .values(status="cancelled", updated_at=now)
    )
    if written.rowcount != 1:
        donation = await session.get(Donation, donation.id, populate_existing=True)
        _check_cancellable(donation)
        raise NotOpen(donation.status)
    claim = (await session.exec(active_claim(donation.id))).first()
    driver_id = claim.driver_id if claim else None
    if claim is not None:
        claim.released_at = now  # nobody holds it any more; not the driver's release
        session.add(claim)
        driver = await session.get(Member, driver_id)
        notify_member(
            session, member=driver, kind="donation_cancelled", now=now, donation_id=donation.id
        )
    for other in offered if claim is None else ():  # their offer's button says it no more
        notify_member(
            session, member=other, kind="donation_cancelled", now=now, donation_id=donation.id
        )
    antenna = await session.get(Antenna, donation.antenna_id)
    notify_group(
        session, antenna=antenna, kind="donation_cancelled", now=now, donation_id=donation.id
    )
    refresh_card(session, antenna=antenna, donation_id=donation.id, now=now)
    audit_store_change(
        session,
        acting,
        donation,
        now,
        "donation.cancelled",
        status_before=before,
        driver_id=driver_id,
    )
    return driver_id
