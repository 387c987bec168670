"""Drivers know when and where: each stop says when the place receives and its address, and
/runs offers a claim button only on the pickups the driver may take."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.callbacks import AnnounceCb, ClaimCb
from storage.engine import create_engine, create_session_factory
from storage.models import Member
from tests.antenna_day import GROUP, LUCAS, MARC, SOFIE
from tests.harness import buttons, running_bot

WHEN_WHERE = {
    "fr": (
        "Épicerie sociale Exemple Ixelles\u202f: 21,3 kg — Rue du Modèle 8, 1050 Ixelles\n"
        "   🕘 reçoit le lendemain 09:00–12:00"
    ),
    "nl": (
        "Épicerie sociale Exemple Ixelles: 21,3 kg — Rue du Modèle 8, 1050 Ixelles\n"
        "   🕘 ontvangt de dag erna 09:00–12:00"
    ),
}


async def announce(fake, marc, text: str) -> dict:
    before, told = len(fake.sent(GROUP)), len(fake.sent(MARC))
    fake.send_text(marc, text)
    await fake.wait_for(lambda: len(fake.sent(MARC)) > told)
    fake.press_button(marc, fake.last_message(MARC), AnnounceCb(action="ok").pack())
    await fake.wait_for(lambda: len(fake.sent(GROUP)) > before, timeout=15)
    return fake.sent(GROUP)[-1]


async def test_the_card_offer_and_panel_say_when_and_where_to_deliver(settings, fake_api, clock):
    """An evening pickup: the association receives the next morning, at its address."""
    fake_api.group(GROUP)
    marc = fake_api.user(MARC, language_code="fr")
    sofie = fake_api.user(SOFIE, language_code="nl")
    fake_api.user(LUCAS, language_code="fr")  # offered the pickup too
    async with running_bot(settings, clock=clock):
        card = await announce(fake_api, marc, "/surplus 20 kg pain, 12 kg légumes 18h-19h30")
        assert WHEN_WHERE["fr"] in card["text"] and WHEN_WHERE["nl"] in card["text"]
        [offer] = await fake_api.wait_for(method="sendMessage", chat_id=SOFIE)
        assert WHEN_WHERE["nl"] in offer.params["text"]
        fake_api.press_button(sofie, fake_api.last_message(SOFIE), ClaimCb(donation_id=1).pack())
        await fake_api.wait_for(
            lambda: len(fake_api.calls("editMessageText", chat_id=SOFIE, ok=True)) > 0
        )
        panel = fake_api.last_message(SOFIE)
        assert WHEN_WHERE["nl"] in panel["text"]
    assert fake_api.refused == []


async def without_refrigerated_van(database_url: str, telegram_id: int) -> None:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(
            update(Member)
            .where(Member.telegram_id == telegram_id)
            .values(vehicle_refrigerated=False)
        )
        await session.commit()
    await engine.dispose()


WON = {"fr": "C'est pour vous", "nl": "voor jou"}
REASON = {
    "fr": "🚫 Pas pour vous\u202f: Cette collecte contient des produits frais ou surgelés",
    "nl": "🚫 Niet voor jou: Deze ophaling bevat gekoelde of diepgevroren voeding",
}


@pytest.mark.parametrize(("driver", "language"), [(LUCAS, "fr"), (SOFIE, "nl")])
async def test_runs_offers_a_button_only_on_what_the_driver_may_take(
    settings, fake_api, clock, driver, language
):
    """A chilled pickup and a van that is not refrigerated: listed with the reason, no button;
    the ambient one has its button, and pressing it claims it."""
    await without_refrigerated_van(settings.database_url, driver)
    fake_api.group(GROUP)
    marc = fake_api.user(MARC, language_code="fr")
    for other in {LUCAS, SOFIE} - {driver}:
        fake_api.user(other)  # offered the ambient pickup
    person = fake_api.user(driver, language_code=language)
    async with running_bot(settings, clock=clock):
        await announce(fake_api, marc, "/surplus 20 kg pain 18h-19h30")
        await announce(fake_api, marc, "/surplus 10 kg yaourts DLC 12/03 18h-19h30")
        told = len(fake_api.sent(driver))
        fake_api.send_text(person, "/runs")
        await fake_api.wait_for(lambda: len(fake_api.sent(driver)) > told)
        listing = fake_api.last_message(driver)
        ambient, chilled = listing["text"].split("\n\n")[1:]
        assert "#1" in ambient and REASON[language] not in ambient
        assert "#2" in chilled and REASON[language] in chilled
        assert [data for _, data in buttons(listing)] == [ClaimCb(donation_id=1).pack()]
        fake_api.press_button(person, listing, ClaimCb(donation_id=1).pack())
        answer = (await fake_api.wait_for(method="answerCallbackQuery"))[-1]
        assert WON[language] in answer.params.get("text", "")
    assert fake_api.refused == []
