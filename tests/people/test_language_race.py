"""A new person pressing both language buttons at once becomes one member, not an error."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from logistics.people.identity import set_language
from storage.models import AuditLog, Member

NEWCOMER = 812345


async def test_two_language_presses_at_once_make_one_member(session_factory, now):
    async def press(language: str) -> Member:
        async with session_factory() as session:
            return await set_language(session, telegram_id=NEWCOMER, language=language, now=now)

    first, second = await asyncio.gather(press("fr"), press("nl"))
    assert first.id == second.id
    async with session_factory() as session:
        [member] = (await session.exec(select(Member).where(Member.telegram_id == NEWCOMER))).all()
        audits = (
            await session.exec(select(AuditLog).where(AuditLog.action == "language.set"))
        ).all()
    assert member.language in ("fr", "nl")
    assert {a.entity_id for a in audits} == {member.id}
    assert sorted(a.detail["language"] for a in audits) == ["fr", "nl"]


async def test_a_known_person_changes_language(session_factory, now):
    async with session_factory() as session:
        await set_language(session, telegram_id=NEWCOMER, language="fr", now=now)
    async with session_factory() as session:
        member = await set_language(session, telegram_id=NEWCOMER, language="nl", now=now)
    async with session_factory() as session:
        [stored] = (await session.exec(select(Member).where(Member.telegram_id == NEWCOMER))).all()
    assert stored.id == member.id and stored.language == "nl"
