"""Dates on food through the bot, in French and in Dutch: a chilled item to be used by
tomorrow goes to the association receiving (and handing out) soonest, is flagged "to hand out
today" on its use-by day on the card and in the association's receipt request; a too-warm
receipt withholds the chilled food and tells the coordinators."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.callbacks import AnnounceCb, DeliverCb, PickupCb, ProblemCb, ReceiptCb, RouteCb
from bot.config import FoodSafety
from storage.engine import create_engine, create_session_factory
from storage.models import Association, Delivery, DonationItem
from tests.antenna_day import button_data, last_with_button, set_everyone_language
from tests.harness import running_bot

GROUP = -1001000000001  # the Ixelles antenna's group (French and Dutch)
MARC, SOFIE, CLAIRE, PIETER = 100003, 100004, 100001, 100008
EPICERIE, RESTO = "Épicerie sociale Exemple Ixelles", "Restaurant social Exemple Etterbeek"
WEDNESDAY = date(2026, 3, 11)

TODAY = {
    "fr": "⏰ Produits laitiers\u202f: à distribuer aujourd'hui",
    "nl": "⏰ Zuivel: vandaag verdelen",
}
WITHHELD = {
    "fr": "🚫 Produits laitiers\u202f: ne pas distribuer",
    "nl": "🚫 Zuivel: niet verdelen",
}
WORDS = {
    "fr": {
        "announce": "/surplus 10 kg yaourts DLC 28/12 18h-19h30",
        "told": "🚫 Ne distribuez pas les produits frais de cette livraison",
        "alert": "🚫 Ses produits frais sont retenus\u202f: à ne pas distribuer.",
        "too_warm": "trop chaud",
    },
    "nl": {
        "announce": "/surplus 10 kg yoghurt tgt 28/12 18u-19u30",
        "told": "🚫 Verdeel de gekoelde producten van deze levering niet",
        "alert": "🚫 De gekoelde producten worden tegengehouden: niet verdelen.",
        "too_warm": "te warm",
    },
}


async def use_by(database_url: str, day: date) -> None:
    """The item's use-by date, changed (as if the store had written another one)."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(update(DonationItem).values(use_by=day))
        await session.commit()
    await engine.dispose()


async def destinations(database_url: str) -> list[tuple[str, datetime | None]]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        rows = (
            await session.exec(
                select(Association.name, Delivery.chilled_withheld_at).join(
                    Delivery, col(Delivery.association_id) == Association.id
                )
            )
        ).all()
    await engine.dispose()
    return list(rows)


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_short_dated_chilled_food_goes_soonest_and_is_flagged(
    settings, fake_api, clock, lang
):
    words = WORDS[lang]
    await set_everyone_language(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    people = {tid: fake_api.user(tid, language_code=lang) for tid in (MARC, SOFIE, CLAIRE, PIETER)}
    for other in (100006, 100007):  # Anne (the épicerie) and Lucas (a driver) are told too
        fake_api.user(other, language_code=lang)

    async def press(tid: int, message: dict, data: str) -> str:
        answers = len(fake_api.calls("answerCallbackQuery"))
        fake_api.press_button(people[tid], message, data)
        await fake_api.wait_for(lambda: len(fake_api.calls("answerCallbackQuery")) > answers)
        return fake_api.calls("answerCallbackQuery")[answers].params.get("text", "")

    async def say(tid: int, text: str) -> None:
        before = len(fake_api.sent(tid))
        fake_api.send_text(people[tid], text)
        await fake_api.wait_for(lambda: len(fake_api.sent(tid)) > before)

    async with running_bot(settings, clock=clock):
        # Tuesday 10:00: Marc gives 10 kg of yoghurt, collected 18:00–19:30.
        await say(MARC, words["announce"])
        await press(MARC, fake_api.last_message(MARC), AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: fake_api.sent(GROUP))
        # With a use-by date far ahead, need decides: the épicerie serves twice as many people.
        assert await destinations(settings.database_url) == [(EPICERIE, None)]

        # Its use-by date is tomorrow: the coordinator puts it back to the antenna's rule,
        # which sends it to the restaurant, open from 08:00 and handing out on Wednesdays
        # (the épicerie opens at 09:00 and hands out on Thursday).
        await use_by(settings.database_url, WEDNESDAY)
        await say(CLAIRE, "/pickups")
        listing = last_with_button(fake_api, CLAIRE, "ro")
        await press(CLAIRE, listing, RouteCb(donation_id=1, kind="m").pack())
        await fake_api.wait_for(
            lambda: any("r" == RouteCb.unpack(d).kind for d in button_data(
                fake_api.message(CLAIRE, listing["message_id"]), "ro"))
        )  # fmt: skip
        await press(CLAIRE, listing, RouteCb(donation_id=1, kind="r").pack())
        assert await destinations(settings.database_url) == [(RESTO, None)]

        # The group's card (French and Dutch) flags it for the day it is received.
        await fake_api.wait_for(
            lambda: TODAY["fr"] in fake_api.message(GROUP, fake_api.sent(GROUP)[0]["message_id"])
            .get("text", "")
        )  # fmt: skip
        card = fake_api.message(GROUP, fake_api.sent(GROUP)[0]["message_id"])["text"]
        assert TODAY["fr"] in card and TODAY["nl"] in card
        resto_at = card.index(RESTO)
        assert resto_at < card.index(TODAY["fr"]) < card.index("〰️")

        # Sofie takes it, collects it at 18:40 and delivers it on Wednesday at 08:30.
        await press(SOFIE, fake_api.sent(GROUP)[0], button_data(fake_api.sent(GROUP)[0], "cl")[0])
        await fake_api.wait_for(lambda: any(button_data(m, "pu") for m in fake_api.sent(SOFIE)))
        clock.set(datetime(2026, 3, 10, 17, 40, tzinfo=UTC))
        panel = last_with_button(fake_api, SOFIE, "pu")
        await press(SOFIE, panel, PickupCb(donation_id=1, action="as_announced").pack())
        await fake_api.wait_for(lambda: any(button_data(m, "dl") for m in fake_api.sent(SOFIE)))
        panel = last_with_button(fake_api, SOFIE, "dl")
        assert TODAY[lang] in panel["text"]  # the driver's panel says it too
        clock.set(datetime(2026, 3, 11, 7, 30, tzinfo=UTC))
        stop = DeliverCb.unpack(button_data(panel, "dl")[0]).delivery_id
        await press(SOFIE, panel, DeliverCb(delivery_id=stop, action="planned").pack())

        # Pieter, at the restaurant, is asked to confirm: to hand out today.
        await fake_api.wait_for(lambda: any(button_data(m, "rc") for m in fake_api.sent(PIETER)))
        request = last_with_button(fake_api, PIETER, "rc")
        assert TODAY[lang] in request["text"]

        # It came too warm: the chilled food is withheld, Pieter is told not to hand it out,
        # the coordinator is told, the card says it.
        problem = ReceiptCb(delivery_id=stop, action="problem").pack()
        before = len(fake_api.sent(PIETER))
        await press(PIETER, request, problem)
        await fake_api.wait_for(lambda: len(fake_api.sent(PIETER)) > before)
        choice = last_with_button(fake_api, PIETER, "rp")
        told = len(fake_api.sent(CLAIRE))
        await press(PIETER, choice, ProblemCb(delivery_id=stop, problem="too_warm").pack())
        await fake_api.wait_for(lambda: any(words["told"] in t for t in fake_api.texts(PIETER)))
        [(place, withheld)] = await destinations(settings.database_url)
        assert place == RESTO and withheld is not None
        await fake_api.wait_for(lambda: len(fake_api.sent(CLAIRE)) > told)
        alert = fake_api.sent(CLAIRE)[-1]["text"]
        assert words["alert"] in alert and words["too_warm"] in alert
        assert WITHHELD[lang] in alert
        await fake_api.wait_for(
            lambda: WITHHELD["nl"] in fake_api.message(GROUP, fake_api.sent(GROUP)[0]["message_id"])
            .get("text", "")
        )  # fmt: skip
        card = fake_api.message(GROUP, fake_api.sent(GROUP)[0]["message_id"])["text"]
        assert WITHHELD["fr"] in card and WITHHELD["nl"] in card
        assert TODAY["fr"] not in card  # withheld: not to be handed out at all
        await fake_api.wait_idle(grace=0.2)
    assert fake_api.refused == []


async def test_the_networks_ideal_days_decide_what_is_short_dated(settings, fake_api, clock):
    """With `use_by_ideal_days = 0` in [food_safety], food to be used by tomorrow is not
    short-dated: need decides, as for food dated far ahead."""
    settings = settings.model_copy(update={"food_safety": FoodSafety(use_by_ideal_days=0)})
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    people = {tid: fake_api.user(tid) for tid in (MARC, SOFIE, CLAIRE, PIETER, 100006, 100007)}
    async with running_bot(settings, clock=clock):
        fake_api.send_text(people[MARC], WORDS["fr"]["announce"])
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        fake_api.press_button(
            people[MARC], fake_api.last_message(MARC), AnnounceCb(action="ok").pack()
        )
        await fake_api.wait_for(lambda: fake_api.sent(GROUP))
        await use_by(settings.database_url, WEDNESDAY)
        answers = len(fake_api.calls("answerCallbackQuery"))
        told = len(fake_api.sent(CLAIRE))
        fake_api.send_text(people[CLAIRE], "/pickups")
        await fake_api.wait_for(lambda: len(fake_api.sent(CLAIRE)) > told)
        await fake_api.wait_idle()
        listing = last_with_button(fake_api, CLAIRE, "ro")
        fake_api.press_button(people[CLAIRE], listing, RouteCb(donation_id=1, kind="r").pack())
        await fake_api.wait_for(lambda: len(fake_api.calls("answerCallbackQuery")) > answers)
        assert await destinations(settings.database_url) == [(EPICERIE, None)]
    assert fake_api.refused == []
