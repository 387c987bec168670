"""No line is lost by one tap: each line of an announcement that was not understood gets its
buttons on the echo, and Confirm asks about the open ones once before announcing without them.
Over HTTP through the Bot API emulator, in French and in Dutch."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.callbacks import AnnounceCb, LineCb
from logistics.announcements.announce_lines import line_check
from storage.engine import create_engine, create_session_factory
from storage.models import Category, Donation, DonationItem
from tests.antenna_day import set_everyone_language
from tests.harness import buttons, running_bot

MARC, GROUP = 100003, -1001000000001
WORDS = {
    "fr": {
        "text": "15kg pian, 12 kg broot, 3 flubbergasts, 2 sacs de machins 18h-19h30",
        "odd": "2 sacs de machins",
        "asked": "Toujours pas compris",
        "category": "Épicerie sèche",
        "announced": "Annoncé",
        "left_out": "Laissé de côté\u202f: «\u202f2 sacs de machins\u202f»",
    },
    "nl": {
        "text": "15kg pian, 12 kg broot, 3 flubbergasts, 2 zakken dinges 18u-19u30",
        "odd": "2 zakken dinges",
        "asked": "Nog altijd niet begrepen",
        "category": "Droge voeding",
        "announced": "Gemeld",
        "left_out": "Weggelaten: “2 zakken dinges”",
    },
}


async def database_rows(url: str):
    engine = create_engine(url)
    async with create_session_factory(engine)() as s:
        donations = (await s.exec(select(Donation))).all()
        items = (await s.exec(select(DonationItem).order_by(DonationItem.id))).all()
        categories = {c.id: c.key for c in (await s.exec(select(Category))).all()}
    await engine.dispose()
    return donations, [(categories[i.category_id], i.quantity, i.unit, i.label) for i in items]


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_every_line_is_resolved_with_buttons_and_nothing_is_lost(
    settings, fake_api, clock, lang
):
    words = WORDS[lang]
    await set_everyone_language(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    marc = fake_api.user(MARC, first_name="Marc", language_code=lang)
    lines = {"3 flubbergasts": 0, words["odd"]: 1}  # their places among the parts not understood

    async def press(data: str) -> None:
        echo = fake_api.sent(MARC)[0]
        fake_api.press_button(marc, echo, data, check=True)
        await fake_api.wait_for(method="answerCallbackQuery")

    async with running_bot(settings, clock=clock):
        fake_api.send_text(marc, "/surplus " + words["text"])
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        offered = [data for _label, data in buttons(fake_api.sent(MARC)[0])]
        for text, place in lines.items():
            for step in (0, 2):  # choose its category, drop it
                assert LineCb(line=place, check=line_check(text), step=step).pack() in offered

        # Confirm with two lines open: asked once, nothing announced yet.
        await press(AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: words["asked"] in fake_api.texts(MARC)[-1])
        assert (await database_rows(settings.database_url))[0] == []

        # "3 flubbergasts": its categories, then the one chosen.
        flubber = LineCb(line=lines["3 flubbergasts"], check=line_check("3 flubbergasts"), step=0)
        await press(flubber.pack())
        await fake_api.wait_for(lambda: words["category"] in str(buttons(fake_api.sent(MARC)[0])))
        choices = dict(buttons(fake_api.sent(MARC)[0]))
        await press(choices[words["category"]])
        await fake_api.wait_for(lambda: "3 flubbergasts →" in fake_api.sent(MARC)[0]["text"])
        # The other line moved up one place once the first was filed: dropped by its new place.
        odd = LineCb(line=lines[words["odd"]] - 1, check=line_check(words["odd"]), step=2)
        await press(odd.pack())
        await fake_api.wait_for(lambda: words["left_out"] in fake_api.sent(MARC)[0]["text"])
        assert not [d for _l, d in buttons(fake_api.sent(MARC)[0]) if d.startswith("ln:")]

        await press(AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: words["announced"] in fake_api.texts(MARC)[-1])
        assert words["left_out"] in fake_api.texts(MARC)[-1]
        await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)

    donations, items = await database_rows(settings.database_url)
    assert len(donations) == 1 and donations[0].raw_text == words["text"]
    assert items == [
        ("pain", 15, "kg", "15kg pian"),
        ("pain", 12, "kg", "12 kg broot"),
        ("epicerie-seche", 3, "piece", "3 flubbergasts"),
    ]
    assert fake_api.refused == []
