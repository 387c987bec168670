"""The antenna's group chat: linked by a coordinator from inside the group, unlinked when the
bot is removed from it, moved when Telegram turns the group into a supergroup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.audit import audit
from logistics.errors import AlreadyDone, NotAllowed, NotFound
from logistics.notify import notify_coordinators
from logistics.people.identity import Identity
from logistics.people.permissions import is_coordinator
from logistics.transaction import transaction
from storage.models import Antenna, Outbox


class GroupTaken(NotAllowed):
    """The group is the group of an antenna this person does not coordinate."""


@dataclass(frozen=True)
class LinkResult:
    antenna_id: int
    antenna_name: str
    previous_chat_id: int | None  # the group the antenna had before, now without the bot's posts


@dataclass(frozen=True)
class GroupAntenna:
    antenna_name: str
    languages: tuple[str, ...]  # the languages of the antenna's group messages


async def antenna_of_group(session: AsyncSession, *, chat_id: int) -> GroupAntenna | None:
    """The antenna whose group this chat is, if any (set in config.toml or by /linkgroup)."""
    antenna = (await session.exec(select(Antenna).where(Antenna.group_chat_id == chat_id))).first()
    if antenna is None:
        return None
    languages = tuple(lc for lc in antenna.group_languages.split(",") if lc)
    return GroupAntenna(antenna_name=antenna.name, languages=languages)


@transaction
async def link_group(
    session: AsyncSession, *, identity: Identity, antenna_id: int, chat_id: int, now: datetime
) -> LinkResult:
    """This group becomes the antenna's group (a coordinator of the antenna, in the group)."""
    if chat_id >= 0:
        raise NotAllowed("not_a_group")
    if not is_coordinator(identity, antenna_id):
        raise NotAllowed("not_coordinator")
    antenna = await session.get(Antenna, antenna_id, populate_existing=True)
    if antenna is None:
        raise NotFound("antenna")
    if antenna.group_chat_id == chat_id:
        raise AlreadyDone()
    holder = (await session.exec(select(Antenna).where(Antenna.group_chat_id == chat_id))).first()
    if holder is not None:
        if not is_coordinator(identity, holder.id):
            raise GroupTaken("group_taken")
        holder.group_chat_id = None
        session.add(holder)
        await session.flush()
    previous = antenna.group_chat_id
    antenna.group_chat_id = chat_id
    session.add(antenna)
    _audit(session, now, "group.linked", antenna, identity.member_id, chat_id, previous)
    return LinkResult(antenna_id=antenna.id, antenna_name=antenna.name, previous_chat_id=previous)


@transaction
async def group_lost(session: AsyncSession, *, chat_id: int, now: datetime) -> int | None:
    """The bot was removed from the group: its antenna (if any) is without a group now and
    its coordinators are told. Returns that antenna's id."""
    antenna = (await session.exec(select(Antenna).where(Antenna.group_chat_id == chat_id))).first()
    if antenna is None:
        return None
    antenna.group_chat_id = None
    session.add(antenna)
    await session.exec(
        update(Outbox)
        .where(col(Outbox.chat_id) == chat_id, col(Outbox.status) == "pending")
        .values(status="failed", last_error="the bot is no longer in the group")
    )
    await notify_coordinators(
        session, antenna_id=antenna.id, kind="group_lost", now=now, antenna=antenna.id
    )
    _audit(session, now, "group.lost", antenna, None, None, chat_id)
    return antenna.id


@transaction
async def group_migrated(
    session: AsyncSession, *, old_chat_id: int, new_chat_id: int, now: datetime
) -> int | None:
    """The group became a supergroup with a new id: the link and what waits to be sent move."""
    antenna = (
        await session.exec(select(Antenna).where(Antenna.group_chat_id == old_chat_id))
    ).first()
    if antenna is None:
        return None
    taken = (
        await session.exec(select(Antenna).where(Antenna.group_chat_id == new_chat_id))
    ).first()
    if taken is not None:
        return None  # the supergroup was linked meanwhile
    antenna.group_chat_id = new_chat_id
    session.add(antenna)
    await session.exec(
        update(Outbox)
        .where(col(Outbox.chat_id) == old_chat_id, col(Outbox.status) == "pending")
        .values(chat_id=new_chat_id)
    )
    _audit(session, now, "group.migrated", antenna, None, new_chat_id, old_chat_id)
    return antenna.id


def _audit(
    session: AsyncSession,
    now: datetime,
    action: str,
    antenna: Antenna,
    actor_id: int | None,
    chat_id: int | None,
    previous: int | None,
) -> None:
    audit(
        session, now, actor_id, action, antenna, group_chat_id=chat_id,
        previous_group_chat_id=previous,
    )  # fmt: skip
