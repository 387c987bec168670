"""The people of an antenna as its coordinators manage them: suspend, reactivate, remove,
change role.

Only ``active`` memberships give rights (``people.identify``). Each change is checked here
(a coordinator of the antenna, a membership in the right state, no duplicate role) and its
consequences (claims released, audit line, notices) follow in the same transaction, through
``logistics.people.membership_effects``. Removing deletes the membership row: the audit log keeps
what it was, and the person can be invited again. An antenna always keeps at least one
active coordinator.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.invites import AlreadyMember
from logistics.people.membership_effects import release_driver, tell
from logistics.people.permissions import is_coordinator
from logistics.transaction import transaction
from storage.models import (
    ROLES,
    Antenna,
    Association,
    Hub,
    Membership,
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
    released = await release_driver(session, identity, membership, now)
    await tell(session, identity, membership, now, "suspended", released=released)
    return released


@transaction
async def reactivate(
    session: AsyncSession, *, identity: Identity, membership_id: int, now: datetime
) -> None:
    membership = await _managed(session, identity, membership_id)
    if not await _moved(session, membership_id, "suspended", "active"):
        raise AlreadyDone()
    await tell(session, identity, membership, now, "reactivated")


@transaction
async def remove(
    session: AsyncSession, *, identity: Identity, membership_id: int, now: datetime
) -> list[int]:
    """The role is taken away for good (the person may be invited again)."""
    membership = await _managed(session, identity, membership_id)
    await _keep_a_coordinator(session, membership)
    released = await release_driver(session, identity, membership, now)
    gone = await session.exec(delete(Membership).where(col(Membership.id) == membership_id))
    if gone.rowcount != 1:
        raise AlreadyDone()
    await tell(session, identity, membership, now, "removed", released=released)
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
    """Give the person another role in the same antenna (a store, association or hub where
    needed)."""
    membership = await _managed(session, identity, membership_id)
    if role not in ROLES:
        raise InvalidInput("role")
    if membership.status not in ("active", "suspended"):
        raise AlreadyDone()
    place = await _place(session, membership, role, place_id)
    if (role, *place) == (
        membership.role,
        membership.store_id,
        membership.association_id,
        membership.hub_id,
    ):
        raise AlreadyDone()
    if await _holds(session, membership, role, *place):
        raise AlreadyMember("active")
    if role != "coordinator":
        await _keep_a_coordinator(session, membership)
    released = await release_driver(session, identity, membership, now) if role != "driver" else []
    old = membership.role
    membership.role = role
    membership.store_id, membership.association_id, membership.hub_id = place
    session.add(membership)
    await session.flush()
    await tell(session, identity, membership, now, "role_changed", released=released, old_role=old)
    return membership


async def _place(
    session: AsyncSession, membership: Membership, role: str, place_id: int | None
) -> tuple[int | None, int | None, int | None]:
    """(store, association, hub) of the new role: the one it needs, of the same antenna."""
    tables = {"store_manager": Store, "association": Association, "hub_staff": Hub}
    if role not in tables:
        return None, None, None
    place = await session.get(tables[role], place_id or 0)
    if place is None or place.antenna_id != membership.antenna_id:
        raise NotFound(tables[role].__tablename__)
    return (
        place.id if role == "store_manager" else None,
        place.id if role == "association" else None,
        place.id if role == "hub_staff" else None,
    )


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
    hub_id: int | None,
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
    if hub_id is not None:
        query = query.where(Membership.hub_id == hub_id)
    return (await session.exec(query)).first() is not None
