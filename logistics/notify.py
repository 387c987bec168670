"""What the bot says on its own initiative is written to the outbox in the same transaction
as the change that caused it; the sender renders each entry in the recipient's language.

Rules decide who is told what (a ``kind`` and plain data); the bot decides the wording.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Antenna, Member, Membership, Outbox

CARD = "donation_card"  # the donation's message in the antenna group, posted then edited in place


def _entry(chat_id: int, kind: str, now: datetime, data: dict[str, Any]) -> Outbox:
    return Outbox(
        chat_id=chat_id,
        method="notify",
        payload={"kind": kind, **data},
        next_attempt_at=now,
        created_at=now,
    )


def notify_chat(
    session: AsyncSession, *, chat_id: int, kind: str, now: datetime, **data: Any
) -> None:
    session.add(_entry(chat_id, kind, now, data))


def reachable(member: Member | None) -> bool:
    """Whether the bot may write to the person: known by Telegram id (not erased), who has
    opened the bot once (Telegram lets no bot write first) and has not blocked it."""
    return (
        member is not None
        and member.telegram_id is not None
        and member.opened_at is not None
        and not member.unreachable
    )


REACHABLE = (
    col(Member.telegram_id).is_not(None)
    & col(Member.opened_at).is_not(None)
    & col(Member.unreachable).is_(False)
)  # the same, as a condition of a query


def notify_member(
    session: AsyncSession, *, member: Member, kind: str, now: datetime, **data: Any
) -> bool:
    """Queue a private message; False when the person cannot be reached (erased, blocked, or
    never opened the bot)."""
    if not reachable(member):
        return False
    session.add(_entry(member.telegram_id, kind, now, data))
    return True


def notify_group(
    session: AsyncSession, *, antenna: Antenna, kind: str, now: datetime, **data: Any
) -> bool:
    if antenna.group_chat_id is None:
        return False
    session.add(_entry(antenna.group_chat_id, kind, now, data))
    return True


async def notify_coordinators(
    session: AsyncSession, *, antenna_id: int, kind: str, now: datetime, **data: Any
) -> int:
    """Queue a private message to every active coordinator of the antenna (one query)."""
    members = await session.exec(
        select(Member)
        .join(Membership, Membership.member_id == Member.id)
        .where(
            Membership.antenna_id == antenna_id,
            Membership.role == "coordinator",
            Membership.status == "active",
        )
    )
    return sum(notify_member(session, member=m, kind=kind, now=now, **data) for m in members.all())


async def notify_store_managers(
    session: AsyncSession, *, store_id: int, kind: str, now: datetime, **data: Any
) -> int:
    """Queue a private message to every active manager of the store (one query)."""
    members = await session.exec(
        select(Member)
        .join(Membership, Membership.member_id == Member.id)
        .where(
            Membership.store_id == store_id,
            Membership.role == "store_manager",
            Membership.status == "active",
        )
    )
    return sum(notify_member(session, member=m, kind=kind, now=now, **data) for m in members.all())


def refresh_card(
    session: AsyncSession, *, antenna: Antenna, donation_id: int, now: datetime
) -> None:
    """Ask for the group's message of this donation to show its current state."""
    notify_group(session, antenna=antenna, kind=CARD, now=now, donation_id=donation_id)
