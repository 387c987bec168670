"""The same update delivered twice takes effect once; old update ids are forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.callbacks import AnnounceCb, ClaimCb
from bot.telegram.dedupe import KEEP, prune_updates, record_update
from storage.engine import create_engine, create_session_factory
from storage.models import Claim, Donation, ProcessedUpdate
from tests.harness import running_bot

GROUP = -1001000000001
MARC, SOFIE, LUCAS = 100003, 100004, 100007


async def count(database_url: str, model) -> int:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = len((await session.exec(select(model))).all())
    await engine.dispose()
    return found


async def test_a_redelivered_update_takes_effect_once(settings, fake_api, clock):
    fake_api.group(GROUP)
    marc = fake_api.user(MARC, language_code="fr")
    sofie = fake_api.user(SOFIE, language_code="nl")
    fake_api.user(LUCAS, language_code="fr")  # gets the offer
    async with running_bot(settings, clock=clock):
        text = fake_api.send_text(marc, "/surplus 20 kg pain 18h-19h")
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        fake_api.queue_update(text, ignore_offset=True)  # Telegram delivers it again
        await fake_api.wait_idle(grace=0.5)
        assert len(fake_api.sent(MARC)) == 1, fake_api.summary()

        confirm = fake_api.press_button(
            marc, fake_api.last_message(MARC), AnnounceCb(action="ok").pack()
        )
        await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
        fake_api.queue_update(confirm, ignore_offset=True)
        await fake_api.wait_idle(grace=0.5)
        assert await count(settings.database_url, Donation) == 1

        card = fake_api.sent(GROUP)[0]
        press = fake_api.press_button(sofie, card, ClaimCb(donation_id=1).pack())
        await fake_api.wait_for(method="answerCallbackQuery")
        fake_api.queue_update(press, ignore_offset=True)
        fake_api.queue_update(press, ignore_offset=True)
        await fake_api.wait_idle(grace=0.5)
    assert await count(settings.database_url, Claim) == 1
    answers = [c for c in fake_api.calls("answerCallbackQuery") if c.params["callback_query_id"]]
    assert len(answers) == 2  # the store's confirmation and the claim, once each
    assert fake_api.refused == []


async def test_update_ids_are_recorded_once_and_pruned(session_factory, now):
    async with session_factory() as session:
        assert await record_update(session, update_id=7, now=now - KEEP - timedelta(hours=1))
        assert not await record_update(session, update_id=7, now=now)
        assert await record_update(session, update_id=8, now=now - timedelta(hours=1))
        assert await record_update(session, update_id=9, now=now)
        assert await prune_updates(session, below_id=9, now=now) == 1
        kept = (await session.exec(select(ProcessedUpdate.update_id))).all()
    assert sorted(kept) == [8, 9]
