"""A van's evening through the bot, in French and in Dutch: the coordinator plans the tour of
four stores with /tours, moves a stop, confirms it with a driver; the driver gets the tour as
one sheet, records each stop with its buttons and unloads into the hub, whose stock it becomes;
the run sheet lists the tour. Zero refused calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.callbacks import ZeroCb
from logistics.stock.balance import stock_balances
from storage.engine import create_engine, create_session_factory
from storage.models import Member, StockLot, Tour
from tests.antenna_day import CLAIRE, GROUP, LUCAS, SOFIE
from tests.chat_steps import edited, press, shown
from tests.harness import buttons, running_bot
from tests.tours.tour_day import MANAGERS, everyone_speaks, open_the_evening, plan_and_confirm

WORDS = {
    "fr": {
        "tours": "Tournées",
        "proposed": "proposée, pas encore confirmée",
        "who": "Qui conduit cette tournée\u202f?",
        "confirmed": "(confirmée)",
        "sheet": "Vous conduisez cette tournée.",
        "ask_kg": "kg",
        "unloaded": "Déchargé au hub\u202f: 75 kg de 3 collectes.",
        "runsheet": "🚐 Tournées du jour\u202f:",
        "stores": ("Supermarché Exemple Flagey", "Épicerie Exemple Matongé"),
    },
    "nl": {
        "tours": "Rondes",
        "proposed": "voorgesteld, nog niet bevestigd",
        "who": "Wie rijdt deze ronde?",
        "confirmed": "(bevestigd)",
        "sheet": "Jij rijdt deze ronde.",
        "ask_kg": "kg",
        "unloaded": "Gelost in de hub: 75 kg van 3 ophalingen.",
        "runsheet": "🚐 Rondes van de dag:",
        "stores": ("Supermarché Exemple Flagey", "Épicerie Exemple Matongé"),
    },
}


def map_links(message: dict) -> list[str]:
    """The map links of a message (Telegram gives them as text_link entities)."""
    return [
        e["url"]
        for e in message.get("entities", [])
        if e["type"] == "text_link" and "openstreetmap.org/?mlat=" in e["url"]
    ]


async def member_id(database_url: str, telegram_id: int) -> int:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = await session.exec(select(Member.id).where(Member.telegram_id == telegram_id))
        found = found.one()
    await engine.dispose()
    return found


async def hub_state(database_url: str):
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        lots = (await session.exec(select(StockLot))).all()
        tours = (await session.exec(select(Tour))).all()
        balances = await stock_balances(session)
    await engine.dispose()
    return lots, tours, balances


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_van_collects_the_evening_into_the_hub(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await everyone_speaks(settings.database_url, lang)
    # Tuesday 10 March 2026, 10:00 in Brussels: the stores announce their evening
    pickups = await open_the_evening(settings.database_url, clock.now(), lang, "12/03")
    sofie_id = await member_id(settings.database_url, SOFIE)
    fake_api.group(GROUP)
    claire = fake_api.user(CLAIRE, language_code=lang)
    sofie = fake_api.user(SOFIE, language_code=lang)
    fake_api.user(LUCAS, language_code=lang)  # offered the pickups
    for manager in MANAGERS:
        fake_api.user(manager, language_code=lang)  # told who comes
    async with running_bot(settings, clock=clock):
        tour = await plan_and_confirm(fake_api, claire, CLAIRE, sofie_id, words)
        for store in words["stores"]:
            assert store in tour["text"]
        assert len(map_links(tour)) == 4

        # the driver's sheet: the four stops in order, each with its buttons
        sheet = await shown(fake_api, SOFIE, words["sheet"])
        data = [d for _, d in buttons(sheet)]
        for pickup in pickups:
            assert f"pu:{pickup}:total" in data and f"pu:{pickup}:zero" in data
        assert len(map_links(sheet)) == 4

        # the evening: three stores give, the fourth has nothing
        clock.set(datetime(2026, 3, 10, 19, 35, tzinfo=UTC))  # 20:35 in Brussels
        for pickup, kg in zip(pickups[:3], ("30", "20", "25"), strict=True):
            before = len(fake_api.sent(SOFIE))
            await press(fake_api, sofie, sheet, f"pu:{pickup}:total")
            await fake_api.wait_for(lambda b=before: len(fake_api.sent(SOFIE)) > b)
            fake_api.send_text(sofie, kg)
            await fake_api.wait_for(lambda b=before: len(fake_api.sent(SOFIE)) > b + 1)
        before = len(fake_api.sent(SOFIE))
        await press(fake_api, sofie, sheet, f"pu:{pickups[3]}:zero")
        await fake_api.wait_for(lambda: len(fake_api.sent(SOFIE)) > before)
        reasons = fake_api.last_message(SOFIE)
        await press(
            fake_api, sofie, reasons, ZeroCb(donation_id=pickups[3], reason="no_food").pack()
        )

        # shown again, the sheet offers the unloading; it brings 75 kg into the hub
        await fake_api.wait_idle(grace=0.2)
        again = next(d for d in data if d.endswith(":sheet"))
        unload = again.replace(":sheet", ":unload")
        assert unload not in data  # nothing collected yet when it was sent
        await press(fake_api, sofie, sheet, again)
        sheet = await edited(fake_api, sheet, unload)
        assert words["unloaded"] in await press(fake_api, sofie, sheet, unload)
        lots, tours, balances = await hub_state(settings.database_url)
        assert round(sum(lot.on_hand_kg for lot in lots), 1) == 75
        assert all(b.holds for b in balances)
        assert [t.status for t in tours] == ["done"]

        # the coordinator's run sheet lists the tour
        clock.set(clock.now() - timedelta(hours=1))
        fake_api.send_text(claire, "/runsheet")
        run_sheet = await shown(fake_api, CLAIRE, words["runsheet"])
        assert "Camionnette frigo 1" in run_sheet["text"]
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)
