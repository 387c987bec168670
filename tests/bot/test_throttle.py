"""A flood from one person: one polite warning, then silence for a while; others go on."""

from __future__ import annotations

from bot.telegram.throttle import FLOOD_UPDATES, SILENCE
from tests.harness import running_bot

SOFIE, ANNE = 100004, 100006  # a Dutch-speaking driver, a French-speaking association member
WARNING_NL = "Te veel berichten tegelijk"


async def test_a_flood_gets_one_warning_then_silence(settings, fake_api, clock):
    sofie = fake_api.user(SOFIE, language_code="nl")
    anne = fake_api.user(ANNE, language_code="fr")
    async with running_bot(settings, clock=clock):
        for _ in range(FLOOD_UPDATES + 5):
            fake_api.send_text(sofie, "/help")
        await fake_api.wait_for(lambda: len(fake_api.texts(SOFIE)) > FLOOD_UPDATES, timeout=30)
        await fake_api.wait_idle(grace=0.5)
        replies = fake_api.texts(SOFIE)
        assert len(replies) == FLOOD_UPDATES + 1, fake_api.summary()
        assert sum(WARNING_NL in text for text in replies) == 1

        # the rest of the network is not slowed
        fake_api.send_text(anne, "/help")
        await fake_api.wait_for(method="sendMessage", chat_id=ANNE)

        # still silent: a message gets nothing, a button gets an empty answer, no effect
        fake_api.send_text(sofie, "/help")
        fake_api.press_button(sofie, fake_api.last_message(SOFIE), "cl:1")
        [answer] = await fake_api.wait_for(method="answerCallbackQuery")
        assert "text" not in answer.params
        await fake_api.wait_idle(grace=0.5)
        assert len(fake_api.texts(SOFIE)) == FLOOD_UPDATES + 1

        # after the silence, the person is heard again
        clock.advance(seconds=SILENCE.total_seconds() + 1)
        fake_api.send_text(sofie, "/help")
        await fake_api.wait_for(method="sendMessage", chat_id=SOFIE)
        assert WARNING_NL not in fake_api.texts(SOFIE)[-1]
    assert fake_api.refused == []


async def test_a_flood_of_buttons_is_warned_on_the_button(settings, fake_api, clock):
    anne = fake_api.user(ANNE, language_code="fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(anne, "/help")
        await fake_api.wait_for(method="sendMessage", chat_id=ANNE)
        message = fake_api.last_message(ANNE)
        for _ in range(FLOOD_UPDATES + 2):
            fake_api.press_button(anne, message, "cl:999999")
        await fake_api.wait_for(
            lambda: len(fake_api.calls("answerCallbackQuery")) >= FLOOD_UPDATES + 2, timeout=30
        )
        await fake_api.wait_idle(grace=0.5)
    answers = [c.params.get("text", "") for c in fake_api.calls("answerCallbackQuery")]
    assert len(answers) == FLOOD_UPDATES + 2
    warnings = [a for a in answers if "Trop de messages" in a]
    assert len(warnings) == 1
    assert fake_api.refused == []


async def test_slow_and_steady_is_never_throttled(settings, fake_api, clock):
    anne = fake_api.user(ANNE, language_code="fr")
    async with running_bot(settings, clock=clock):
        for _ in range(FLOOD_UPDATES * 2):
            clock.advance(seconds=1)
            fake_api.send_text(anne, "/help")
            await fake_api.wait_for(method="sendMessage", chat_id=ANNE)
    assert not any("Trop de messages" in t for t in fake_api.texts(ANNE))
    assert fake_api.refused == []
