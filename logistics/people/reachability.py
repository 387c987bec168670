"""Whether the bot can write to a person. Telegram lets a bot write only to people who opened
it (sent /start once): the first private message records it and the coordinators are told.
Telegram refusing a message for good (the person blocked the bot) marks them unreachable and
tells their coordinators; a person marked so who writes again is reachable again. All three
are audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.notify import notify_coordinators
from logistics.transaction import take_write_lock
from storage.models import AuditLog, Member, Membership


async def mark_reachable(session: AsyncSession, *, telegram_id: int, now: datetime) -> bool:
    """The person wrote to the bot in private: they can be written to. Clears an
    ``unreachable`` mark and records the first time they opened the bot, both audited; the
    first time, the coordinators of their antennas are told. True on that first time.

    The usual case (neither) costs one indexed read and takes no write lock."""
    found = (
        await session.exec(
            select(Member.id).where(
                Member.telegram_id == telegram_id,
                or_(col(Member.unreachable), col(Member.opened_at).is_(None)),
            )
        )
    ).first()
    if found is None:
        return False
    member_id = found
    await session.rollback()  # end the read: the write takes the lock first
    await take_write_lock(session)
    member = await session.get(Member, member_id, populate_existing=True, with_for_update=True)
    if member is None or (member.opened_at is not None and not member.unreachable):
        await session.rollback()  # done meanwhile by another update
        return False
    first = member.opened_at is None
    reason = "first_message" if first else "wrote_again"
    if member.unreachable or first:
        session.add(
            AuditLog(
                at=now,
                actor_id=member_id,
                action="member.reachable",
                entity="member",
                entity_id=member_id,
                detail={"reason": reason},
            )
        )
    member.unreachable = False
    member.opened_at = member.opened_at or now
    session.add(member)
    if first:
        for antenna_id in await _active_antennas(session, member_id):
            await notify_coordinators(
                session, antenna_id=antenna_id, kind="member_opened", now=now, member_id=member_id
            )
    await session.commit()
    return first


async def mark_unreachable(session: AsyncSession, *, telegram_id: int, now: datetime) -> bool:
    """Mark the person with this chat unreachable and queue a note to the coordinators of each
    antenna where they are active, in the caller's transaction; False when there is nobody to
    mark (not a person, or marked already)."""
    member = (await session.exec(select(Member).where(Member.telegram_id == telegram_id))).first()
    if member is None or member.unreachable:
        return False
    member.unreachable = True
    session.add(member)
    session.add(
        AuditLog(
            at=now,
            action="member.unreachable",
            entity="member",
            entity_id=member.id,
            detail={"reason": "telegram_refused"},
        )
    )
    for antenna_id in await _active_antennas(session, member.id):
        await notify_coordinators(
            session, antenna_id=antenna_id, kind="member_unreachable", now=now, member_id=member.id
        )
    return True


async def _active_antennas(session: AsyncSession, member_id: int) -> list[int]:
    antennas = await session.exec(
        select(Membership.antenna_id)
        .where(Membership.member_id == member_id, Membership.status == "active")
        .distinct()
    )
    return list(antennas.all())


async def everyone_opened(session: AsyncSession, *, now: datetime) -> None:
    """Record that every person known by Telegram id has opened the bot: a network whose
    people already use it (the demo's day, the tests' example network). Not committed."""
    await session.exec(
        update(Member)
        .where(col(Member.telegram_id).is_not(None), col(Member.opened_at).is_(None))
        .values(opened_at=now)
    )
