"""The bot shell end to end: the real dispatcher and aiohttp session, HTTP to the fake server."""

from __future__ import annotations

import pytest

from bot.callbacks import LanguageCb
from tests.harness import buttons, running_bot, texts


def person(settings, role: str):
    return next(p for p in settings.network.people if p.role == role)


async def ask(fake, user, text: str) -> dict:
    """Send a text and return the bot's next message in that private chat."""
    fake.send_text(user, text)
    calls = await fake.wait_for(method="sendMessage", chat_id=user["id"])
    return calls[-1].params


async def test_start_speaks_the_language_of_telegram(settings, fake_api, clock):
    nl = fake_api.user(501, first_name="Sanne", language_code="nl")
    fr = fake_api.user(502, first_name="Amélie", language_code="fr-BE")
    async with running_bot(settings, clock=clock):
        answer_nl = await ask(fake_api, nl, "/start")
        answer_fr = await ask(fake_api, fr, "/start")
    assert "Hallo Sanne!" in answer_nl["text"]
    assert "uitnodigingslink" in answer_nl["text"]
    assert "Bonjour Amélie\u202f!" in answer_fr["text"]
    assert "lien d'invitation" in answer_fr["text"]
    assert fake_api.refused == []


async def test_unknown_language_is_asked_first_then_remembered(settings, fake_api, clock):
    de = fake_api.user(503, first_name="Jonas", language_code="de")
    async with running_bot(settings, clock=clock):
        prompt = await ask(fake_api, de, "/start")
        assert "Quelle langue préférez-vous\u202f?" in prompt["text"]
        assert "Welke taal verkies je?" in prompt["text"]
        choices = buttons(prompt)
        assert [data for _, data in choices] == ["lg:fr", "lg:nl"]
        message = fake_api.last_message(de["id"])
        fake_api.press_button(de, message, LanguageCb(code="nl").pack())
        await fake_api.wait_for(method="sendMessage", chat_id=de["id"])
        assert "Ik spreek je voortaan in het Nederlands aan." in texts(fake_api, de["id"])
        assert "Hallo Jonas!" in texts(fake_api, de["id"])[-1]
        answer = await ask(fake_api, de, "/help")
    assert "Wat je hier kunt doen:" in answer["text"]
    assert fake_api.refused == []


async def test_lang_switches_and_survives_a_restart(settings, fake_api, clock):
    coordinator = person(settings, "coordinator")
    user = fake_api.user(coordinator.telegram_id, first_name="X", language_code="fr")
    async with running_bot(settings, clock=clock):
        greeting = await ask(fake_api, user, "/start")
        assert greeting["text"].startswith("Bonjour")
        assert "coordinateur·rice" in greeting["text"]
        prompt = await ask(fake_api, user, "/lang")
        fake_api.press_button(user, fake_api.last_message(user["id"]), "lg:nl")
        await fake_api.wait_for(method="editMessageText", chat_id=user["id"])
    async with running_bot(settings, clock=clock):
        answer = await ask(fake_api, user, "/start")
    assert prompt["text"]
    assert answer["text"].startswith("Hallo")
    assert "coördinator" in answer["text"]
    personal = fake_api.commands.get(("chat", None))
    assert personal and personal[0]["description"].startswith("Starten")
    assert fake_api.refused == []


async def test_help_depends_on_who_asks(settings, fake_api, clock):
    driver = person(settings, "driver")  # saved language: Dutch, whatever Telegram says
    member = fake_api.user(driver.telegram_id, language_code="fr")
    stranger = fake_api.user(504, language_code="fr")
    async with running_bot(settings, clock=clock):
        for_member = await ask(fake_api, member, "/help")
        for_stranger = await ask(fake_api, stranger, "/help")
    assert for_member["text"].startswith("Wat je hier kunt doen:")
    assert "/lang" in for_member["text"]
    assert "uitnodigingslink" not in for_member["text"]
    assert for_stranger["text"].startswith("Ce que vous pouvez faire ici\u202f:")
    assert "lien d'invitation" in for_stranger["text"]
    assert fake_api.refused == []


async def test_command_menus_per_language(settings, fake_api, clock):
    async with running_bot(settings, clock=clock):
        await fake_api.wait_for(method="setMyCommands", count=3)
    fr = fake_api.commands[("default", "fr")]
    nl = fake_api.commands[("default", "nl")]
    both = fake_api.commands[("default", None)]
    assert (
        [c["command"] for c in fr]
        == [c["command"] for c in nl]
        == ["start", "help", "lang", "cancel", "mydata", "forgetme"]
    )
    assert fr[0]["description"] != nl[0]["description"]
    assert " · " in both[0]["description"]
    assert fake_api.refused == []


async def test_server_without_set_my_commands_is_tolerated(settings, clock):
    from bot.emulator import FakeTelegram
    from tests.harness import TOKEN, example_settings

    fake = FakeTelegram(token=TOKEN, missing_methods={"setMyCommands"})
    await fake.start()
    try:
        local = example_settings(database_url=settings.database_url, api_url=fake.base_url)
        user = fake.user(505, first_name="Lou", language_code="fr")
        async with running_bot(local, clock=clock):
            answer = await ask(fake, user, "/start")
        assert answer["text"].startswith("Bonjour Lou")
    finally:
        await fake.stop()


async def test_anything_else_gets_an_answer(settings, fake_api, clock):
    user = fake_api.user(506, language_code="nl")
    async with running_bot(settings, clock=clock):
        unknown = await ask(fake_api, user, "/nonsense")
        free = await ask(fake_api, user, "hallo?")
        cancel = await ask(fake_api, user, "/cancel")
        fake_api.press_button(user, fake_api.last_message(user["id"]), "zz:garbage")
        answered = await fake_api.wait_for(method="answerCallbackQuery")
    assert "commando ken ik niet" in unknown["text"]
    assert "Deze bot regelt de ophaling" in free["text"]  # a stranger: how the network works
    assert "niets te annuleren" in cancel["text"]
    assert "niet meer geldig" in answered[-1].params["text"]
    assert fake_api.refused == []


async def test_an_error_gets_an_apology_and_the_bot_goes_on(settings, fake_api, clock, monkeypatch):
    import bot.conversation.help as help_module

    def broken(roles):
        raise RuntimeError("boom")

    monkeypatch.setattr(help_module, "commands_for", broken)
    user = fake_api.user(507, language_code="nl")
    async with running_bot(settings, clock=clock):
        apology = await ask(fake_api, user, "/help")
        after = await ask(fake_api, user, "/start")
    assert apology["text"].startswith("Sorry, er ging bij ons iets mis")
    assert after["text"].startswith("Hallo")
    assert fake_api.refused == []


@pytest.mark.parametrize("language", ["fr", "nl"])
async def test_names_are_shown_literally(settings, fake_api, clock, language):
    user = fake_api.user(508, first_name="<b>Delhaize & Co</b>", language_code=language)
    async with running_bot(settings, clock=clock):
        answer = await ask(fake_api, user, "/start")
    assert "&lt;b&gt;Delhaize &amp; Co&lt;/b&gt;" in answer["text"]
    assert fake_api.refused == []


async def test_private_commands_in_a_group_get_a_bilingual_pointer(settings, fake_api, clock):
    group = fake_api.group(-100500, title="Antenne Ixelles")
    user = fake_api.user(509, language_code="de")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(user, "/help", chat=group)
        calls = await fake_api.wait_for(method="sendMessage", chat_id=group["id"])
        fake_api.send_text(user, "bonjour tout le monde", chat=group)
        fake_api.send_text(user, "/start", chat=group)
        await fake_api.wait_for(method="sendMessage", chat_id=group["id"])
    text = calls[-1].params["text"]
    assert "en privé" in text and "privébericht" in text
    assert len(fake_api.sent(group["id"])) == 2  # the chatter got no answer
    assert fake_api.refused == []
