"""Recurring pickups through the bot, over HTTP, in French and in Dutch.

At 16:05 on a Tuesday the day's slots are open and the stores are asked: Flagey has nothing
today (one tap), Jourdan gives its quantities in one message and confirms; the slot's day is
announced in the group, no second pickup is made, and nothing is refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.callbacks import AnnounceCb, SlotCb
from logistics.pickups.recurring import open_due_slots
from storage.engine import create_engine, create_session_factory
from storage.models import Donation, Member, Store
from tests.harness import add_store_manager, buttons, running_bot

GROUP = -1001000000001  # the Ixelles antenna's group in config.toml
MARC, NADIA = 100003, 100009  # Marc manages Flagey (config.toml); Nadia, Jourdan (added here)
OTHERS = {100001: "Claire", 100004: "Sofie", 100006: "Anne", 100007: "Lucas", 100008: "Pieter"}
TUESDAY = date(2026, 3, 10)

WORDS = {
    "fr": {
        "asked": "qu'avez-vous à donner\u202f?",
        "nothing": "Rien aujourd'hui\u202f: la collecte est annulée.",
        "write": "Écrivez les quantités",
        "quantities": "15 kg pain",
        "understood": "Voici ce que j'ai compris",
        "usual": "(votre créneau habituel)",
    },
    "nl": {
        "asked": "wat heb je?",
        "nothing": "Niets vandaag: de ophaling is geannuleerd.",
        "write": "Schrijf de hoeveelheden",
        "quantities": "15 kg brood",
        "understood": "Dit heb ik begrepen",
        "usual": "(je gewone ophaalmoment)",
    },
}


async def prepare(database_url: str, language: str) -> None:
    """Everyone speaks the language; Nadia manages the Jourdan supermarket."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(update(Member).values(language=language))
        await session.commit()
    await engine.dispose()
    await add_store_manager(
        database_url, telegram_id=NADIA, name="Nadia", store_key="super-jourdan", language=language
    )


async def tuesday_of(database_url: str, store_key: str) -> list[Donation]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = await session.exec(
            select(Donation)
            .join(Store, col(Store.id) == Donation.store_id)
            .where(Store.key == store_key)
            .order_by(col(Donation.id))
        )
        donations = [d for d in found.all() if d.window_start.date() == TUESDAY]
    await engine.dispose()
    return donations


def prompt_of(fake, chat_id: int) -> dict:
    [prompt] = [m for m in fake.sent(chat_id) if any(d.startswith("sl:") for _, d in buttons(m))]
    return prompt


def slot_button(message: dict, action: str) -> str:
    return next(
        d for _, d in buttons(message) if d.startswith("sl:") and SlotCb.unpack(d).action == action
    )


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_stores_answer_their_recurring_pickup(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await prepare(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    marc = fake_api.user(MARC, first_name="Marc", language_code=lang)
    nadia = fake_api.user(NADIA, first_name="Nadia", language_code=lang)
    for telegram_id, name in OTHERS.items():
        fake_api.user(telegram_id, first_name=name, language_code=lang)
    clock.set(datetime(2026, 3, 10, 15, 5, tzinfo=UTC))  # Tuesday 16:05 in Brussels

    async with running_bot(settings, clock=clock, schedule=True) as app:  # its job runs too
        engine = create_engine(settings.database_url)
        async with create_session_factory(engine)() as session:
            await open_due_slots(session, now=clock.now())
        await engine.dispose()
        app.dp["outbox"].wake()

        # Both stores are asked about today's pickup, in their language.
        await fake_api.wait_for(
            lambda: (
                any(words["asked"] in t for t in fake_api.texts(MARC))
                and any(words["asked"] in t for t in fake_api.texts(NADIA))
            )
        )
        flagey_prompt, jourdan_prompt = prompt_of(fake_api, MARC), prompt_of(fake_api, NADIA)
        assert "19:00–19:30" in jourdan_prompt["text"]

        # Flagey: nothing today, one tap; the question is edited to say so.
        fake_api.press_button(marc, flagey_prompt, slot_button(flagey_prompt, "none"), check=True)
        await fake_api.wait_for(
            lambda: words["nothing"] in fake_api.message(MARC, flagey_prompt["message_id"])["text"]
        )
        assert buttons(fake_api.message(MARC, flagey_prompt["message_id"])) == []

        # Jourdan: the quantities in one message, echoed in the slot's window, confirmed.
        fake_api.press_button(nadia, jourdan_prompt, slot_button(jourdan_prompt, "qty"), check=True)
        await fake_api.wait_for(lambda: words["write"] in fake_api.texts(NADIA)[-1])
        fake_api.send_text(nadia, words["quantities"])
        await fake_api.wait_for(lambda: words["understood"] in fake_api.texts(NADIA)[-1])
        echo = fake_api.last_message(NADIA)
        assert words["usual"] in echo["text"] and "19:00" in echo["text"]
        fake_api.press_button(nadia, echo, AnnounceCb(action="ok").pack(), check=True)
        await fake_api.wait_for(
            lambda: any("Jourdan" in t and "15 kg" in t for t in fake_api.texts(GROUP))
        )

    [flagey] = await tuesday_of(settings.database_url, "super-flagey")
    [jourdan] = await tuesday_of(settings.database_url, "super-jourdan")
    assert (flagey.status, flagey.recurring_slot_id is not None) == ("cancelled", True)
    assert (jourdan.status, jourdan.estimated_kg) == ("announced", 15)
    assert SlotCb.unpack(slot_button(jourdan_prompt, "qty")).donation_id == jourdan.id
    assert fake_api.refused == []
