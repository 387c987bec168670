"""An antenna's own settings, changed by its coordinators: the local times of the morning run
sheet and of the evening summary, and the languages of its group.

Each change is one transaction with its audit line; the scheduler's daily jobs follow the new
times (rebuilt at once by the bot, and reconciled periodically with the database).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import InvalidInput, NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import is_coordinator
from logistics.transaction import transaction
from storage.models import Antenna, AuditLog

TIMES = ("run_sheet_time", "summary_time")
GROUP_LANGUAGES = ("fr", "nl", "fr,nl")
_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hHuU.]\s*(\d{2})?)?\s*$")


@dataclass(frozen=True)
class AntennaSettings:
    antenna_id: int
    name: str
    timezone: str
    run_sheet_time: str
    summary_time: str
    group_languages: str


def parse_time(text: str) -> str:
    """A local time as people write it ("7:30", "07h30", "7u30", "19h", "19") as ``HH:MM``;
    ``InvalidInput("time_invalid")`` for anything else, or beyond 23:59."""
    found = _TIME.match(text or "")
    if found is None:
        raise InvalidInput("time_invalid")
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 23 or minute > 59:
        raise InvalidInput("time_invalid")
    return f"{hour:02d}:{minute:02d}"


def _view(antenna: Antenna) -> AntennaSettings:
    return AntennaSettings(
        antenna_id=antenna.id,
        name=antenna.name,
        timezone=antenna.timezone,
        run_sheet_time=antenna.run_sheet_time,
        summary_time=antenna.summary_time,
        group_languages=antenna.group_languages,
    )


def check_settings_editor(identity: Identity | None, antenna_id: int) -> int:
    """The acting member's id, when they coordinate this antenna; else ``NotAllowed``."""
    if identity is None or identity.member_id is None or not is_coordinator(identity, antenna_id):
        raise NotAllowed("not_coordinator")
    return identity.member_id


async def _antenna(session: AsyncSession, antenna_id: int, *, lock: bool) -> Antenna:
    statement = select(Antenna).where(Antenna.id == antenna_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    antenna = (await session.exec(statement)).first()
    if antenna is None:
        raise NotFound("antenna")
    return antenna


async def antenna_settings(
    session: AsyncSession, *, identity: Identity | None, antenna_id: int
) -> AntennaSettings:
    """The settings of an antenna, for one of its coordinators."""
    check_settings_editor(identity, antenna_id)
    return _view(await _antenna(session, antenna_id, lock=False))


def _audit(session: AsyncSession, antenna: Antenna, actor_id: int, now: datetime, **detail) -> None:
    session.add(
        AuditLog(
            at=now,
            actor_id=actor_id,
            action="antenna.settings",
            entity="antenna",
            entity_id=antenna.id,
            detail=detail,
        )
    )


@transaction
async def set_antenna_time(
    session: AsyncSession,
    *,
    identity: Identity | None,
    antenna_id: int,
    setting: str,
    text: str,
    now: datetime,
) -> AntennaSettings:
    """Set the run-sheet or summary time from what the coordinator typed."""
    actor_id = check_settings_editor(identity, antenna_id)
    if setting not in TIMES:
        raise InvalidInput("setting_unknown")
    value = parse_time(text)
    antenna = await _antenna(session, antenna_id, lock=True)
    before = getattr(antenna, setting)
    if value != before:
        setattr(antenna, setting, value)
        session.add(antenna)
        _audit(session, antenna, actor_id, now, setting=setting, before=before, after=value)
    return _view(antenna)


@transaction
async def set_group_languages(
    session: AsyncSession,
    *,
    identity: Identity | None,
    antenna_id: int,
    languages: str,
    now: datetime,
) -> AntennaSettings:
    """Set the languages the antenna's group is written in: ``fr``, ``nl`` or ``fr,nl``."""
    actor_id = check_settings_editor(identity, antenna_id)
    if languages not in GROUP_LANGUAGES:
        raise InvalidInput("languages_unknown")
    antenna = await _antenna(session, antenna_id, lock=True)
    before = antenna.group_languages
    if languages != before:
        antenna.group_languages = languages
        session.add(antenna)
        _audit(
            session,
            antenna,
            actor_id,
            now,
            setting="group_languages",
            before=before,
            after=languages,
        )
    return _view(antenna)
