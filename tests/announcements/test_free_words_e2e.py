"""Store managers write as they talk; everyone else gets help fit for them, never a bare
"not understood". Over HTTP through the Bot API emulator, in French and in Dutch."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.callbacks import AnnounceCb
from storage.engine import create_engine, create_session_factory
from storage.models import Donation
from tests.antenna_day import set_everyone_language
from tests.bot.test_hostile_input import NON_TEXT, send_content
from tests.harness import buttons, running_bot

MARC, SOFIE, LUCAS, STRANGER, GROUP = 100003, 100004, 100007, 999001, -1001000000001
PHOTO = [{"file_id": "shelf-photo", "file_unique_id": "shelf", "width": 90, "height": 90}]
WORDS = {
    "fr": {
        "plain": "20 kg pain 18h",
        "caption": "invendus du jour : 12 kg pain, 3 caisses yaourt DLC 12/03 19h",
        "understood": "Voici ce que j'ai compris",
        "announced": "Annoncé",
        "not_words": "écrivez-les en toutes lettres",
        "chat": "merci beaucoup",
        "store_help": "Pour annoncer des invendus, écrivez-les simplement",
        "help": "Ce que vous pouvez faire ici",
        "stranger": "j'ai du pain à donner",
        "network": "Demandez un lien d'invitation",
    },
    "nl": {
        "plain": "20 kg brood 18u",
        "caption": "onverkochte producten: 12 kg brood, 3 bakken yoghurt tgt 12/03 19u",
        "understood": "Dit heb ik begrepen",
        "announced": "Gemeld",
        "not_words": "schrijf ze gewoon uit",
        "chat": "dank je wel",
        "store_help": "Om overschotten aan te kondigen, schrijf ze gewoon",
        "help": "Wat je hier kunt doen",
        "stranger": "ik heb brood te geven",
        "network": "Vraag een uitnodigingslink",
    },
}


async def donations(url: str) -> list[Donation]:
    engine = create_engine(url)
    async with create_session_factory(engine)() as s:
        found = (await s.exec(select(Donation).order_by(Donation.id))).all()
    await engine.dispose()
    return list(found)


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_store_manager_announces_in_plain_words_or_with_a_photo(
    settings, fake_api, clock, lang
):
    words = WORDS[lang]
    await set_everyone_language(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    marc = fake_api.user(MARC, first_name="Marc", language_code=lang)
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code=lang)  # refrigerated
    fake_api.user(LUCAS, first_name="Lucas", language_code=lang)  # the offers reach them

    async def confirm_echo() -> None:
        echo = fake_api.last_message(MARC)
        assert words["understood"] in echo["text"]
        fake_api.press_button(marc, echo, AnnounceCb(action="ok").pack(), check=True)
        await fake_api.wait_for(lambda: words["announced"] in fake_api.texts(MARC)[-1])

    async with running_bot(settings, clock=clock):
        fake_api.send_text(marc, words["plain"])
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        await confirm_echo()

        send_content(fake_api, marc, {"photo": PHOTO, "caption": words["caption"]})
        await fake_api.wait_for(lambda: words["understood"] in fake_api.texts(MARC)[-1])
        await confirm_echo()
        await fake_api.wait_for(lambda: len(fake_api.sent(GROUP)) == 2, timeout=15)

        # The driver who claims the pickup announced with a photo gets the photo.
        card = fake_api.sent(GROUP)[1]
        claim = next(data for _label, data in buttons(card) if data.startswith("cl:"))
        fake_api.press_button(sofie, card, claim)
        photos = await fake_api.wait_for(method="sendPhoto", chat_id=SOFIE, timeout=15)
        assert photos[0].params["photo"] == "shelf-photo"
        assert "Supermarché Exemple Flagey" in photos[0].params["caption"]
        assert fake_api.calls("sendPhoto", chat_id=LUCAS) == []  # another driver: not his

        # A photo without caption, a voice note, a location, a sticker: how to say it instead.
        for content in [c for c in NON_TEXT if "caption" not in c]:
            before = len(fake_api.sent(MARC))
            send_content(fake_api, marc, content)
            await fake_api.wait_for(lambda: len(fake_api.sent(MARC)) > before)  # noqa: B023
            answer = fake_api.texts(MARC)[-1]
            assert words["not_words"] in answer and "/surplus" in answer, (content, answer)

        # Words that announce nothing: help fit for a store manager, nothing announced.
        fake_api.send_text(marc, words["chat"])
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        assert words["store_help"] in fake_api.texts(MARC)[-1]
        assert "/surplus" in fake_api.texts(MARC)[-1]

    found = await donations(settings.database_url)
    assert [(d.status, d.raw_text, d.photo_file_id) for d in found] == [
        ("announced", words["plain"], None),
        ("claimed", words["caption"], "shelf-photo"),
    ]
    assert fake_api.refused == []


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_others_get_help_fit_for_them(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await set_everyone_language(settings.database_url, lang)
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code=lang)
    stranger = fake_api.user(STRANGER, first_name="Nadia", language_code=lang)
    async with running_bot(settings, clock=clock):
        # A driver writing what reads like an announcement announces nothing: her commands.
        fake_api.send_text(sofie, words["plain"])
        await fake_api.wait_for(method="sendMessage", chat_id=SOFIE)
        answer = fake_api.texts(SOFIE)[-1]
        assert words["help"] in answer and "/runs" in answer and "/surplus" not in answer

        # Someone the bot does not know, with food to give: how the network works, whom to ask.
        fake_api.send_text(stranger, words["stranger"])
        await fake_api.wait_for(method="sendMessage", chat_id=STRANGER)
        assert words["network"] in fake_api.texts(STRANGER)[-1]
    assert await donations(settings.database_url) == []
    assert fake_api.refused == []
