"""Whether the bot can write to a person. Telegram refusing a message for good (the person
blocked the bot) marks them unreachable and tells their coordinators; a person marked so who
writes to the bot again in private is reachable again. Both are audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.notify import notify_coordinators
from logistics.transaction import take_write_lock
from storage.models import AuditLog, Member, Membership


async def mark_reachable(session: AsyncSession, *, telegram_id: int, now: datetime) -> bool:
    """Clear the person's ``unreachable`` mark, audited; False when there was none.

    The usual case (not marked) costs one indexed read and takes no write lock."""
    marked = (
        await session.exec(
            select(Member.id).where(Member.telegram_id == telegram_id, col(Member.unreachable))
        )
    ).first()
    if marked is None:
        return False
    await session.rollback()  # end the read: the write takes the lock first
    await take_write_lock(session)
    cleared = await session.exec(
        update(Member)
        .where(col(Member.id) == marked, col(Member.unreachable))
        .values(unreachable=False)
        .returning(col(Member.id))
    )
    if cleared.first() is None:  # cleared meanwhile by another update
        await session.rollback()
        return False
    session.add(
        AuditLog(
            at=now,
            actor_id=marked,
            action="member.reachable",
            entity="member",
            entity_id=marked,
            detail={"reason": "wrote_again"},
        )
    )
    await session.commit()
    return True


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
    antennas = await session.exec(
        select(Membership.antenna_id)
        .where(Membership.member_id == member.id, Membership.status == "active")
        .distinct()
    )
    for antenna_id in antennas.all():
        await notify_coordinators(
            session, antenna_id=antenna_id, kind="member_unreachable", now=now, member_id=member.id
        )
    return True
