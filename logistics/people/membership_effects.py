"""What follows a change of membership made by a coordinator, in the same transaction.

Suspending or removing a driver, or giving them another role, releases their open claims and
standing weekly slots through the claims' own rules, and the group hears of the pickups open
again. Every change leaves an audit line (who, on behalf of whom, what) and the person
concerned is told, unless they made the change themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.notify import notify_group, notify_member
from logistics.people.identity import Identity
from logistics.pickups.claims import drop_standing_claim
from logistics.pickups.release import release_claim
from storage.models import (
    Antenna,
    AuditLog,
    Claim,
    Donation,
    Member,
    Membership,
    RecurringSlot,
    Store,
)


async def release_driver(
    session: AsyncSession, identity: Identity, membership: Membership, now: datetime
) -> list[int]:
    """A driver leaving the role gives back their open claims and standing weekly slots.

    The claims' own rules do it (without their separate commit: this is one transaction),
    so the group cards are refreshed and the other drivers are offered the pickups. It is
    not the driver's late release: the coordinator decided it.
    """
    if membership.role != "driver" or membership.status == "pending":
        return []
    claimed = await session.exec(
        select(Claim.donation_id)
        .join(Donation, col(Donation.id) == Claim.donation_id)
        .where(
            Claim.driver_id == membership.member_id,
            col(Claim.released_at).is_(None),
            Donation.antenna_id == membership.antenna_id,
            Donation.status == "claimed",
        )
        .order_by(col(Donation.window_start))
    )
    donation_ids = list(claimed.all())
    for donation_id in donation_ids:
        await release_claim.__wrapped__(
            session, donation_id=donation_id, identity=identity, now=now, drivers_choice=False
        )
    held = await session.exec(
        select(RecurringSlot.id)
        .join(Store, col(Store.id) == RecurringSlot.store_id)
        .where(
            RecurringSlot.standing_driver_id == membership.member_id,
            Store.antenna_id == membership.antenna_id,
        )
    )
    for slot_id in held.all():
        await drop_standing_claim.__wrapped__(session, slot_id=slot_id, identity=identity, now=now)
    return donation_ids


async def tell(
    session: AsyncSession,
    identity: Identity,
    membership: Membership,
    now: datetime,
    action: str,
    *,
    released: list[int] | None = None,
    old_role: str | None = None,
) -> None:
    """The audit line, the person told, and the group told of pickups open again."""
    detail: dict[str, Any] = {
        "antenna_id": membership.antenna_id,
        "role": membership.role,
        "store_id": membership.store_id,
        "association_id": membership.association_id,
        "released": released or [],
    }
    if old_role is not None:
        detail["old_role"] = old_role
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            on_behalf_of_id=membership.member_id,
            action=f"membership.{action}",
            entity="membership",
            entity_id=membership.id,
            detail=detail,
        )
    )
    member = await session.get(Member, membership.member_id)
    if member is not None and member.id != identity.member_id:
        notify_member(
            session, member=member, kind="membership_changed", now=now, action=action, **detail
        )
    if released:
        antenna = await session.get(Antenna, membership.antenna_id)
        notify_group(
            session,
            antenna=antenna,
            kind="pickups_reopened",
            now=now,
            member_id=membership.member_id,
            donation_ids=released,
        )
