"""The driver records the real weight item by item, and a receipt of the same weight is a
simple confirmation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.callbacks import ClaimCb, PickupCb
from storage.engine import create_engine, create_session_factory
from storage.models import DonationItem
from tests.chat_steps import press
from tests.harness import buttons, running_bot
from tests.people.test_permissions_e2e import GROUP, LUCAS, MARC, announce


async def item_kg(database_url: str) -> list[float | None]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        items = (await session.exec(select(DonationItem).order_by(DonationItem.id))).all()
    await engine.dispose()
    return [i.collected_kg for i in items]


async def test_weights_item_by_item(settings, fake_api, clock):
    fake_api.group(GROUP)
    marc = fake_api.user(MARC, language_code="fr")
    lucas = fake_api.user(LUCAS, language_code="fr")
    fake_api.user(100004, language_code="nl")  # Sofie, the other driver, gets the offer
    async with running_bot(settings, clock=clock):
        card = await announce(fake_api, marc)
        await press(fake_api, lucas, card, ClaimCb(donation_id=1).pack())
        await fake_api.wait_for(lambda: any(buttons(m) for m in fake_api.sent(LUCAS)))
        clock.set(datetime(2026, 3, 10, 17, 10, tzinfo=UTC))  # 18h10 in Brussels: at the store
        panel = fake_api.last_message(LUCAS)
        by_item = PickupCb(donation_id=1, action="items").pack()
        assert by_item in [data for _, data in buttons(panel)]
        await press(fake_api, lucas, panel, by_item)
        first = await fake_api.wait_for(method="sendMessage", chat_id=LUCAS)
        assert "Pain" in first[-1].params["text"]
        for typed, expected in (
            ("19", "Fruits et légumes"),
            ("beaucoup", "kilos"),
            ("11,5", "Enregistré"),
        ):
            fake_api.send_text(lucas, typed)
            answer = await fake_api.wait_for(method="sendMessage", chat_id=LUCAS)
            assert expected in answer[-1].params["text"], (typed, answer[-1].params["text"])
    assert await item_kg(settings.database_url) == [19.0, 11.5]
    assert fake_api.refused == []
