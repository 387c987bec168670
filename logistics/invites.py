"""Invitations: single-use, expiring links created by coordinators, and joining through them.

Only the SHA-256 hash of a token is kept. Exactly one person joins through a token, however
many open it at once: a conditional UPDATE marks it used, which only one transaction can do.
Drivers join as ``pending`` until a coordinator of the antenna approves them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, DomainError, InvalidInput, NotAllowed, NotFound
from logistics.notify import notify_coordinators, notify_member
from logistics.people import Identity, Vehicle
from logistics.permissions import is_coordinator
from logistics.transaction import transaction
from storage.models import (
    ROLES,
    Antenna,
    Association,
    AuditLog,
    Invite,
    Member,
    Membership,
    Store,
)

MAX_PLACES = 50  # buttons offered for stores or associations
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


@dataclass(frozen=True)
class JoinResult:
    membership_id: int
    member_id: int
    status: str  # "active", or "pending" for a driver
    role: str
    antenna_name: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
) -> str:
    """A new invitation to the antenna; returns the token, which is never stored."""
    if not is_coordinator(identity, antenna_id):
        raise NotAllowed("not_coordinator")
    if role not in ROLES:
        raise InvalidInput("role")
    store_id = association_id = None
    if role == "store_manager":
        store = await session.get(Store, place_id or 0)
        if store is None or store.antenna_id != antenna_id or not store.active:
            raise NotFound("store")
        store_id = store.id
    elif role == "association":
        association = await session.get(Association, place_id or 0)
        if association is None or association.antenna_id != antenna_id or not association.active:
            raise NotFound("association")
        association_id = association.id
    token = secrets.token_urlsafe(24)
    invite = Invite(
        token_hash=hash_token(token),
        antenna_id=antenna_id,
        role=role,
        store_id=store_id,
        association_id=association_id,
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
    return token


async def invite_places(
    session: AsyncSession, *, antenna_id: int, role: str
) -> list[tuple[int, str]]:
    """The antenna's active stores (for a store manager) or associations, by name."""
    table = Store if role == "store_manager" else Association
    rows = await session.exec(
        select(table.id, table.name)
        .where(table.antenna_id == antenna_id, col(table.active).is_(True))
        .order_by(table.name)
        .limit(MAX_PLACES)
    )
    return [(i, n) for i, n in rows.all()]


async def check_invite(
    session: AsyncSession, *, token: str, telegram_id: int, now: datetime
) -> InviteView:
    """What the invitation is for, if it can still be used by this person (reads only)."""
    if not _TOKEN.fullmatch(token or ""):
        raise InviteInvalid()
    return await _usable(session, hash_token(token), telegram_id, now)


@transaction
async def join(
    session: AsyncSession,
    *,
    token_hash: str,
    telegram_id: int,
    name: str,
    username: str | None,
    language: str | None,
    now: datetime,
    vehicle: Vehicle | None = None,
) -> JoinResult:
    """Use the invitation: the person gets the role (a driver waits for approval)."""
    view = await _usable(session, token_hash, telegram_id, now)
    invite = (await session.exec(select(Invite).where(Invite.token_hash == token_hash))).one()
    if view.role == "driver" and vehicle is None:
        raise InvalidInput("vehicle_missing")
    member = (await session.exec(select(Member).where(Member.telegram_id == telegram_id))).first()
    if member is None:
        member = Member(telegram_id=telegram_id, created_at=now, language=language)
    member.name = member.name or name[:200]
    member.username = member.username or (username[:64] if username else None)
    member.language = member.language or language
    if vehicle is not None:
        member.vehicle_refrigerated = vehicle.refrigerated
        member.vehicle_capacity_kg = vehicle.capacity_kg
        member.phone = vehicle.phone or member.phone
    session.add(member)
    await session.flush()
    used = await session.exec(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=now, used_by_id=member.id)
    )
    if used.rowcount != 1:
        raise InviteUsed()
    status = "pending" if view.role == "driver" else "active"
    membership = (
        await session.exec(
            select(Membership).where(
                Membership.member_id == member.id,
                Membership.antenna_id == invite.antenna_id,
                Membership.role == invite.role,
                Membership.status == "rejected",
                _same_place(invite.store_id, invite.association_id),
            )
        )
    ).first() or Membership(
        member_id=member.id,
        antenna_id=invite.antenna_id,
        role=invite.role,
        store_id=invite.store_id,
        association_id=invite.association_id,
        created_at=now,
    )
    membership.status = status
    session.add(membership)
    await session.flush()
    if status == "pending":
        await notify_coordinators(
            session,
            antenna_id=invite.antenna_id,
            kind="driver_pending",
            now=now,
            membership_id=membership.id,
        )
    session.add(
        AuditLog(
            at=now,
            actor_id=member.id,
            action="membership.joined",
            entity="membership",
            entity_id=membership.id,
            detail={"invite_id": invite.id, "role": invite.role, "status": status},
        )
    )
    return JoinResult(
        membership_id=membership.id,
        member_id=member.id,
        status=status,
        role=invite.role,
        antenna_name=view.antenna_name,
    )


@transaction
async def decide_driver(
    session: AsyncSession, *, membership_id: int, approve: bool, identity: Identity, now: datetime
) -> Membership:
    """A coordinator of the antenna approves or rejects a driver waiting to join."""
    membership = await session.get(Membership, membership_id, populate_existing=True)
    if membership is None:
        raise NotFound("membership")
    if not is_coordinator(identity, membership.antenna_id):
        raise NotAllowed("not_coordinator")
    status = "active" if approve else "rejected"
    decided = await session.exec(
        update(Membership)
        .where(col(Membership.id) == membership_id, col(Membership.status) == "pending")
        .values(status=status)
    )
    if decided.rowcount != 1:
        raise AlreadyDone()
    await session.refresh(membership)
    member = await session.get(Member, membership.member_id)
    notify_member(
        session, member=member, kind="driver_decided", now=now, membership_id=membership_id
    )
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            on_behalf_of_id=membership.member_id,
            action="membership.approved" if approve else "membership.rejected",
            entity="membership",
            entity_id=membership_id,
            detail={"antenna_id": membership.antenna_id},
        )
    )
    return membership


async def _usable(
    session: AsyncSession, token_hash: str, telegram_id: int, now: datetime
) -> InviteView:
    row = (
        await session.exec(
            select(Invite, Antenna.name, Store.name, Association.name)
            .join(Antenna, col(Antenna.id) == Invite.antenna_id)
            .outerjoin(Store, col(Store.id) == Invite.store_id)
            .outerjoin(Association, col(Association.id) == Invite.association_id)
            .where(Invite.token_hash == token_hash)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise InviteInvalid()
    invite, antenna_name, store_name, association_name = row
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
            .where(_same_place(invite.store_id, invite.association_id))
        )
    ).first()
    if held is not None:
        raise AlreadyMember(held)
    return InviteView(
        token_hash=token_hash,
        antenna_id=invite.antenna_id,
        antenna_name=antenna_name,
        role=invite.role,
        place_name=store_name or association_name,
    )


def _same_place(store_id: int | None, association_id: int | None):
    store = col(Membership.store_id)
    association = col(Membership.association_id)
    return (store.is_(None) if store_id is None else store == store_id) & (
        association.is_(None) if association_id is None else association == association_id
    )
