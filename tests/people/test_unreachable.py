"""A person marked unreachable (they had blocked the bot) is reachable again as soon as they
write to it in private, by a message or a button; the change is audited."""

from __future__ import annotations

from sqlmodel import select

from bot.callbacks import LanguageCb
from storage.models import AuditLog, Member
from tests.harness import running_bot

GROUP = -1001000000001
CLAIRE, SOFIE, LUCAS = 100001, 100004, 100007


async def mark(session_factory, *telegram_ids: int) -> None:
    async with session_factory() as s:
        for telegram_id in telegram_ids:
            member = (await s.exec(select(Member).where(Member.telegram_id == telegram_id))).one()
            member.unreachable = True
            s.add(member)
        await s.commit()


async def state(session_factory) -> tuple[dict[int, bool], list[AuditLog]]:
    async with session_factory() as s:
        members = (await s.exec(select(Member).where(Member.telegram_id.is_not(None)))).all()
        audits = (await s.exec(select(AuditLog).where(AuditLog.action == "member.reachable"))).all()
    return {m.telegram_id: m.unreachable for m in members}, list(audits)


async def test_writing_again_in_private_makes_a_person_reachable(
    settings, session_factory, fake_api, clock
):
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="nl")
    lucas = fake_api.user(LUCAS, first_name="Lucas", language_code="fr")
    claire = fake_api.user(CLAIRE, first_name="Claire", language_code="fr")
    group = fake_api.group(GROUP)
    await mark(session_factory, SOFIE, LUCAS)

    async with running_bot(settings, clock=clock):
        # a word in the group says nothing about the private chat: still unreachable
        fake_api.send_text(sofie, "hallo", chat=group)
        await fake_api.wait_idle()
        reachable, audits = await state(session_factory)
        assert reachable[SOFIE] is True and audits == []

        fake_api.send_text(sofie, "/help")
        await fake_api.wait_for(chat_id=SOFIE)
        fake_api.send_text(claire, "/help")  # never marked: nothing to do
        await fake_api.wait_for(chat_id=CLAIRE)
        fake_api.send_text(lucas, "/lang")
        await fake_api.wait_for(chat_id=LUCAS)
        await mark(session_factory, LUCAS)  # blocked again, then a button in the private chat
        fake_api.press_button(lucas, fake_api.last_message(LUCAS), LanguageCb(code="fr").pack())
        await fake_api.wait_for(method="answerCallbackQuery")

    reachable, audits = await state(session_factory)
    assert (reachable[SOFIE], reachable[LUCAS], reachable[CLAIRE]) == (False, False, False)
    async with session_factory() as s:
        ids = {
            m.telegram_id: m.id
            for m in (await s.exec(select(Member).where(Member.telegram_id.is_not(None)))).all()
        }
    assert sorted((a.actor_id, a.entity_id) for a in audits) == sorted(
        [(ids[SOFIE], ids[SOFIE]), (ids[LUCAS], ids[LUCAS]), (ids[LUCAS], ids[LUCAS])]
    )
    assert fake_api.refused == []
