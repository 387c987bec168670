"""The follow-up of recall notices, part of the periodic check, each message queued once.

- a notice still unanswered ``REMIND_AFTER`` its confirmation: ``recall_reminder`` to the
  place's people (once; ``reminded_at`` is set);
- still unanswered ``ESCALATE_AFTER`` the reminder: ``recall_overdue`` to the antenna's
  coordinators (once; ``escalated_at`` is set).

Both read the notices waiting through ``ix_recall_notice_waiting`` (answered_at, reminded_at,
escalated_at): only unanswered notices are ever looked at. Each flag is a conditional update
and each message has its ``dedupe_key``, so two passes at once still send each one once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.broadcasts.reminders import _coordinators, _Queue
from logistics.safety.recalls import notice_recipients
from logistics.transaction import take_write_lock
from storage.food_safety import Recall, RecallNotice

REMIND_AFTER = timedelta(hours=2)
ESCALATE_AFTER = timedelta(hours=2)  # after the reminder
BATCH = 500  # notices handled per pass and step; the next pass takes the rest


async def _waiting(session: AsyncSession, *, reminded: bool, before: datetime):
    """Unanswered, not escalated notices of open recalls: not reminded yet and sent before
    ``before``, or reminded before ``before``."""
    statement = (
        select(RecallNotice, Recall.antenna_id)
        .join(Recall, col(Recall.id) == RecallNotice.recall_id)
        .where(
            col(RecallNotice.answered_at).is_(None),
            col(Recall.closed_at).is_(None),
        )
        .order_by(col(RecallNotice.id))
        .limit(BATCH)
    )
    if reminded:
        statement = statement.where(
            col(RecallNotice.reminded_at) <= before, col(RecallNotice.escalated_at).is_(None)
        )
    else:
        statement = statement.where(
            col(RecallNotice.reminded_at).is_(None),
            col(RecallNotice.escalated_at).is_(None),
            col(RecallNotice.sent_at) <= before,
        )
    return (await session.exec(statement)).all()


async def _flag(session: AsyncSession, notice_id: int, column: str, now: datetime) -> bool:
    """Set the flag if nobody did meanwhile; True when this pass did."""
    field = getattr(RecallNotice, column)
    done = await session.exec(
        update(RecallNotice)
        .where(
            col(RecallNotice.id) == notice_id,
            col(RecallNotice.answered_at).is_(None),
            col(field).is_(None),
        )
        .values({column: now})
    )
    return done.rowcount == 1


async def due_recall_followups(session: AsyncSession, *, now: datetime) -> int:
    """One pass: queue the reminders and escalations due now; how many entries were new."""
    await take_write_lock(session)
    queue = _Queue(now)
    flagged: dict[int, list[RecallNotice]] = {}
    for notice, antenna_id in await _waiting(session, reminded=False, before=now - REMIND_AFTER):
        if await _flag(session, notice.id, "reminded_at", now):
            flagged.setdefault(antenna_id, []).append(notice)
    for antenna_id, notices in flagged.items():  # the recipients: two queries per antenna
        for notice_id, chats in (await notice_recipients(session, notices, antenna_id)).items():
            for chat_id in chats:
                key = f"recall_reminder:{notice_id}:{chat_id}"
                queue.add(chat_id, "recall_reminder", key, notice_id=notice_id)
    overdue = await _waiting(session, reminded=True, before=now - ESCALATE_AFTER)
    coordinators = await _coordinators(session, {a for _, a in overdue})
    for notice, antenna_id in overdue:
        if not await _flag(session, notice.id, "escalated_at", now):
            continue
        for chat_id in coordinators.get(antenna_id, []):
            key = f"recall_overdue:{notice.id}:{chat_id}"
            queue.add(chat_id, "recall_overdue", key, notice_id=notice.id)
    queued = await queue.write(session)
    await session.commit()
    return queued
