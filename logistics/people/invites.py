"""Invitations: single-use, expiring links created by coordinators, and checking them.

Only the SHA-256 hash of a token is kept. A coordinator creates an invitation to the antenna
for a role (and a store, association or hub where the role needs one); a person opening the link
learns what it is for, if it is still unused, unexpired, and for a role they do not hold yet.
Joining through it and the approval of drivers are in ``logistics.people.joining``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import DomainError, InvalidInput, NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import is_coordinator
from logistics.transaction import transaction
from storage.models import (
    ROLES,
    Antenna,
    Association,
    AuditLog,
    Hub,
    Invite,
    Member,
    Membership,
    Store,
)

MAX_PLACES = 50  # buttons offered for stores, associations or hubs
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class InviteInvalid(DomainError):
    """No invitation has this token (mistyped, forged or garbage)."""


class InviteUsed(DomainError):
    """The invitation was already used, by someone else or by this person."""


class InviteExpired(DomainError):
    """The invitation is past its expiry."""


class AlreadyMember(DomainError):
    """The person already holds (or waits for, or is suspended in) this role.

    ``status`` is that membership's status.
    """

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class InviteView:
    token_hash: str
    antenna_id: int
    antenna_name: str
    role: str
    place_name: str | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvite:
    token: str  # never stored: only its hash
    antenna_name: str
    place_name: str | None  # the store, association or hub, for those roles


@transaction
async def create_invite(
    session: AsyncSession,
    *,
    identity: Identity,
    antenna_id: int,
    role: str,
    place_id: int | None,
    now: datetime,
    valid_for: timedelta,
) -> NewInvite:
    """A new invitation to the antenna, with what it is for; the token is never stored."""
    if not is_coordinator(identity, antenna_id):
        raise NotAllowed("not_coordinator")
    if role not in ROLES:
        raise InvalidInput("role")
    antenna = await session.get(Antenna, antenna_id)
    if antenna is None:
        raise NotFound("antenna")
    store_id = association_id = hub_id = place_name = None
    if role == "store_manager":
        store = await session.get(Store, place_id or 0)
        if store is None or store.antenna_id != antenna_id or not store.active:
            raise NotFound("store")
        store_id, place_name = store.id, store.name
    elif role == "association":
        association = await session.get(Association, place_id or 0)
        if association is None or association.antenna_id != antenna_id or not association.active:
            raise NotFound("association")
        association_id, place_name = association.id, association.name
    elif role == "hub_staff":
        hub = await session.get(Hub, place_id or 0)
        if hub is None or hub.antenna_id != antenna_id:
            raise NotFound("hub")
        hub_id, place_name = hub.id, hub.name
    token = secrets.token_urlsafe(24)
    invite = Invite(
        token_hash=hash_token(token),
        antenna_id=antenna_id,
        role=role,
        store_id=store_id,
        association_id=association_id,
        hub_id=hub_id,
        created_by_id=identity.member_id,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    await session.flush()
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            action="invite.created",
            entity="invite",
            entity_id=invite.id,
            detail={"antenna_id": antenna_id, "role": role, "place_id": place_id},
        )
    )
    return NewInvite(token=token, antenna_name=antenna.name, place_name=place_name)


async def invite_places(
    session: AsyncSession, *, antenna_id: int, role: str
) -> list[tuple[int, str]]:
    """The antenna's active stores (for a store manager), active associations, or hubs (for
    hub staff), by name."""
    if role == "hub_staff":
        query = select(Hub.id, Hub.name).where(Hub.antenna_id == antenna_id).order_by(Hub.name)
    else:
        table = Store if role == "store_manager" else Association
        query = (
            select(table.id, table.name)
            .where(table.antenna_id == antenna_id, col(table.active).is_(True))
            .order_by(table.name)
        )
    rows = await session.exec(query.limit(MAX_PLACES))
    return [(i, n) for i, n in rows.all()]


async def check_invite(
    session: AsyncSession, *, token: str, telegram_id: int, now: datetime
) -> InviteView:
    """What the invitation is for, if it can still be used by this person (reads only)."""
    if not _TOKEN.fullmatch(token or ""):
        raise InviteInvalid()
    return await usable_invite(session, hash_token(token), telegram_id, now)


async def usable_invite(
    session: AsyncSession, token_hash: str, telegram_id: int, now: datetime
) -> InviteView:
    row = (
        await session.exec(
            select(Invite, Antenna.name, Store.name, Association.name, Hub.name)
            .join(Antenna, col(Antenna.id) == Invite.antenna_id)
            .outerjoin(Store, col(Store.id) == Invite.store_id)
            .outerjoin(Association, col(Association.id) == Invite.association_id)
            .outerjoin(Hub, col(Hub.id) == Invite.hub_id)
            .where(Invite.token_hash == token_hash)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise InviteInvalid()
    invite, antenna_name, store_name, association_name, hub_name = row
    if invite.used_at is not None:
        raise InviteUsed()
    if invite.expires_at <= now:
        raise InviteExpired()
    held = (
        await session.exec(
            select(Membership.status)
            .join(Member, col(Member.id) == Membership.member_id)
            .where(
                Member.telegram_id == telegram_id,
                Membership.antenna_id == invite.antenna_id,
                Membership.role == invite.role,
                col(Membership.status) != "rejected",
            )
            .where(same_place(invite.store_id, invite.association_id, invite.hub_id))
        )
    ).first()
    if held is not None:
        raise AlreadyMember(held)
    return InviteView(
        token_hash=token_hash,
        antenna_id=invite.antenna_id,
        antenna_name=antenna_name,
        role=invite.role,
        place_name=store_name or association_name or hub_name,
    )


def same_place(store_id: int | None, association_id: int | None, hub_id: int | None):
    """A membership for exactly this store, association or hub (or none of them)."""

    def same(column, value):
        return col(column).is_(None) if value is None else col(column) == value

    return (
        same(Membership.store_id, store_id)
        & same(Membership.association_id, association_id)
        & same(Membership.hub_id, hub_id)
    )
