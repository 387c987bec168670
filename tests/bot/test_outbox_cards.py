"""A group card refreshed twice in a row: the second refresh renders the same card, and the
sender skips the edit Telegram would refuse ("message is not modified"); after a restart,
when the sender no longer knows what the card shows, such a refusal counts as delivered.
"""

from __future__ import annotations

from sqlmodel import select

from bot.app import create_bot
from bot.callbacks import AnnounceCb
from bot.i18n import create_i18n
from bot.telegram.outbox import OutboxSender
from logistics.notify import CARD, refresh_card
from storage.engine import create_engine, create_session_factory
from storage.models import Antenna, Outbox
from tests.antenna_day import button_data, set_everyone_language
from tests.harness import running_bot

GROUP = -1001000000001
MARC, SOFIE, LUCAS = 100003, 100004, 100007


async def queue_refreshes(sessions, clock, donation_id: int, count: int) -> None:
    async with sessions() as session:
        antenna = (await session.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        for _ in range(count):
            refresh_card(session, antenna=antenna, donation_id=donation_id, now=clock.now())
        await session.commit()


async def card_entries(sessions) -> list[Outbox]:
    async with sessions() as session:
        found = await session.exec(select(Outbox).order_by(Outbox.id))
        return [e for e in found.all() if e.payload.get("kind") == CARD]


async def test_two_refreshes_in_a_row_send_no_refused_edit(settings, fake_api, clock):
    await set_everyone_language(settings.database_url, "fr")
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    marc = fake_api.user(MARC, first_name="Marc", language_code="fr")
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="fr")
    fake_api.user(LUCAS, first_name="Lucas", language_code="fr")  # offered the pickup too
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    try:
        async with running_bot(settings, clock=clock) as app:
            fake_api.send_text(marc, "/surplus 20 kg pain 18h-19h")
            await fake_api.wait_for(method="sendMessage", chat_id=MARC)
            fake_api.press_button(marc, fake_api.last_message(MARC), AnnounceCb(action="ok").pack())
            await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
            card = fake_api.sent(GROUP)[0]
            donation_id = 1

            # Nothing changed since the card was posted: both refreshes leave it alone.
            await queue_refreshes(sessions, clock, donation_id, 2)
            app.dp["outbox"].wake()
            await fake_api.wait_idle(grace=0.2)
            assert fake_api.calls("editMessageText", chat_id=GROUP) == []

            # A claim refreshes the card, and another refresh follows right behind it.
            fake_api.press_button(sofie, card, button_data(card, "cl")[0])
            await fake_api.wait_for(method="answerCallbackQuery")
            await queue_refreshes(sessions, clock, donation_id, 2)
            app.dp["outbox"].wake()
            await fake_api.wait_for(lambda: "Pris par" in fake_api.sent(GROUP)[0]["text"])
            await fake_api.wait_idle(grace=0.2)
            assert len(fake_api.calls("editMessageText", chat_id=GROUP)) == 1
        assert fake_api.refused == []
        assert len(fake_api.sent(GROUP)) == 1, "the card is edited in place"
        entries = await card_entries(sessions)
        assert len(entries) >= 6
        assert {e.status for e in entries} == {"sent"}

        # A new sender (after a restart) does not know what the card shows: Telegram refuses
        # the edit that changes nothing, and the entry is delivered all the same.
        await queue_refreshes(sessions, clock, donation_id, 1)
        bot = create_bot(settings)
        try:
            sender = OutboxSender(
                bot=bot, session_factory=sessions, i18n=create_i18n(), clock=clock
            )
            await sender.step()
            refused = fake_api.refused
            assert [c.method for c in refused] == ["editMessageText"]
            assert "message is not modified" in refused[0].error
            last = (await card_entries(sessions))[-1]
            assert (last.status, last.last_error) == ("sent", None)
            # and it now knows: the same refresh again sends nothing
            await queue_refreshes(sessions, clock, donation_id, 1)
            calls = len(fake_api.requests)
            await sender.step()
            assert len(fake_api.requests) == calls
            assert (await card_entries(sessions))[-1].status == "sent"
        finally:
            await bot.session.close()
    finally:
        await engine.dispose()
