"""The people of an antenna as its coordinators manage them: list, suspend, reactivate, remove,
change role.

Only ``active`` memberships give rights (``people.identify``). Suspending or removing a
driver, or giving them another role, releases their open claims and standing slots through
the claims' own rules, in the same transaction, and the group hears of the pickups open again.
Removing deletes the membership row: the audit log keeps what it was, and the person can be
invited again. An antenna always keeps at least one active coordinator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.claims import drop_standing_claim, release_claim
from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from logistics.invites import AlreadyMember
from logistics.notify import notify_group, notify_member
from logistics.people import Identity
from logistics.permissions import is_coordinator
from logistics.transaction import transaction
from storage.models import (
    ROLES,
    Antenna,
    Association,
    AuditLog,
    Claim,
    Donation,
    Member,
    Membership,
    RecurringSlot,
    Store,
)


class LastCoordinator(NotAllowed):
    """The antenna would be left without an active coordinator."""


@transaction
async def suspend(
    session: AsyncSession, *, identity: Identity, membership_id: int, now: datetime
) -> list[int]:
    """The person loses this role's rights until reactivated; returns the pickups released."""
    membership = await _managed(session, identity, membership_id)
    await _keep_a_coordinator(session, membership)
    if not await _moved(session, membership_id, "active", "suspended"):
        raise AlreadyDone()
    released = await _release_driver(session, identity, membership, now)
    await _tell(session, identity, membership, now, "suspended", released=released)
    return released


@transaction
async def reactivate(
    session: AsyncSession, *, identity: Identity, membership_id: int, now: datetime
) -> None:
    membership = await _managed(session, identity, membership_id)
    if not await _moved(session, membership_id, "suspended", "active"):
        raise AlreadyDone()
    await _tell(session, identity, membership, now, "reactivated")


@transaction
async def remove(
    session: AsyncSession, *, identity: Identity, membership_id: int, now: datetime
) -> list[int]:
    """The role is taken away for good (the person may be invited again)."""
    membership = await _managed(session, identity, membership_id)
    await _keep_a_coordinator(session, membership)
    released = await _release_driver(session, identity, membership, now)
    gone = await session.exec(delete(Membership).where(col(Membership.id) == membership_id))
    if gone.rowcount != 1:
        raise AlreadyDone()
    await _tell(session, identity, membership, now, "removed", released=released)
    return released


@transaction
async def change_role(
    session: AsyncSession,
    *,
    identity: Identity,
    membership_id: int,
    role: str,
    place_id: int | None,
    now: datetime,
) -> Membership:
    """Give the person another role in the same antenna (a store or association where needed)."""
    membership = await _managed(session, identity, membership_id)
    if role not in ROLES:
        raise InvalidInput("role")
    if membership.status not in ("active", "suspended"):
        raise AlreadyDone()
    store_id = association_id = None
    if role == "store_manager":
        store = await session.get(Store, place_id or 0)
        if store is None or store.antenna_id != membership.antenna_id:
            raise NotFound("store")
        store_id = store.id
    elif role == "association":
        association = await session.get(Association, place_id or 0)
        if association is None or association.antenna_id != membership.antenna_id:
            raise NotFound("association")
        association_id = association.id
    if (role, store_id, association_id) == (
        membership.role,
        membership.store_id,
        membership.association_id,
    ):
        raise AlreadyDone()
    if await _holds(session, membership, role, store_id, association_id):
        raise AlreadyMember("active")
    if role != "coordinator":
        await _keep_a_coordinator(session, membership)
    released = await _release_driver(session, identity, membership, now) if role != "driver" else []
    old = membership.role
    membership.role, membership.store_id, membership.association_id = (
        role,
        store_id,
        association_id,
    )
    session.add(membership)
    await session.flush()
    await _tell(session, identity, membership, now, "role_changed", released=released, old_role=old)
    return membership


async def _managed(session: AsyncSession, identity: Identity, membership_id: int) -> Membership:
    """The membership, for a coordinator of its antenna; the antenna row is locked meanwhile
    so that two coordinators cannot both step down at once (PostgreSQL; SQLite locks all)."""
    membership = await session.get(Membership, membership_id, populate_existing=True)
    if membership is None or membership.status == "rejected":
        raise NotFound("membership")
    if not is_coordinator(identity, membership.antenna_id):
        raise NotAllowed("not_coordinator")
    await session.exec(
        select(Antenna.id).where(col(Antenna.id) == membership.antenna_id).with_for_update()
    )
    return membership


async def _keep_a_coordinator(session: AsyncSession, membership: Membership) -> None:
    if membership.role != "coordinator" or membership.status != "active":
        return
    others = await session.exec(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.antenna_id == membership.antenna_id,
            Membership.role == "coordinator",
            Membership.status == "active",
            col(Membership.id) != membership.id,
        )
    )
    if not others.one():
        raise LastCoordinator("last_coordinator")


async def _moved(session: AsyncSession, membership_id: int, old: str, new: str) -> bool:
    result = await session.exec(
        update(Membership)
        .where(col(Membership.id) == membership_id, col(Membership.status) == old)
        .values(status=new)
    )
    return result.rowcount == 1


async def _holds(
    session: AsyncSession,
    membership: Membership,
    role: str,
    store_id: int | None,
    association_id: int | None,
) -> bool:
    query = select(Membership.id).where(
        Membership.member_id == membership.member_id,
        Membership.antenna_id == membership.antenna_id,
        Membership.role == role,
        col(Membership.status) != "rejected",
        col(Membership.id) != membership.id,
    )
    if store_id is not None:
        query = query.where(Membership.store_id == store_id)
    if association_id is not None:
        query = query.where(Membership.association_id == association_id)
    return (await session.exec(query)).first() is not None


async def _release_driver(
    session: AsyncSession, identity: Identity, membership: Membership, now: datetime
) -> list[int]:
    """A driver leaving the role gives back their open claims and standing weekly slots.

    The claims' own rules do it (without their separate commit: this is one transaction),
    so the group cards are refreshed and the other drivers are offered the pickups.
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
            session, donation_id=donation_id, identity=identity, now=now
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


async def _tell(
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
