"""Joining through an invitation, and the approval of drivers who joined.

Exactly one person joins through a token, however many open it at once: a conditional UPDATE
marks it used, which only one transaction can do. Drivers join as ``pending`` until a
coordinator of the antenna approves (or rejects) them, and the person is told of the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from logistics.notify import notify_coordinators, notify_member
from logistics.people.identity import Identity, Vehicle
from logistics.people.invites import InviteUsed, same_place, usable_invite
from logistics.people.permissions import is_coordinator
from logistics.transaction import transaction
from storage.models import AuditLog, Invite, Member, Membership


@dataclass(frozen=True)
class JoinResult:
    membership_id: int
    member_id: int
    status: str  # "active", or "pending" for a driver
    role: str
    antenna_name: str


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
    view = await usable_invite(session, token_hash, telegram_id, now)
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
                same_place(invite.store_id, invite.association_id, invite.hub_id),
            )
        )
    ).first() or Membership(
        member_id=member.id,
        antenna_id=invite.antenna_id,
        role=invite.role,
        store_id=invite.store_id,
        association_id=invite.association_id,
        hub_id=invite.hub_id,
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
    elif invite.created_by_id is not None and invite.created_by_id != member.id:
        inviter = await session.get(Member, invite.created_by_id)
        if inviter is not None:
            notify_member(
                session, member=inviter, kind="member_joined", now=now, membership_id=membership.id
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
