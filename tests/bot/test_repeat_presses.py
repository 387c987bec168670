"""A button pressed twice, or a button put on another message: the bot never sends an edit
that leaves a message as it is (Telegram refuses those, "message is not modified"), and the
language buttons only ever turn their own question into the confirmation.
"""

from __future__ import annotations

from sqlmodel import select

from bot.callbacks import AntennaCb, LanguageCb
from storage.models import Antenna
from tests.harness import buttons, running_bot

CLAIRE, ANNE = 100001, 100006
NEWCOMER = 555123  # a person the bot does not know yet, language not chosen


async def press(fake, user: dict, message: dict, data: str) -> str:
    fake.press_button(user, message, data)
    answer = (await fake.wait_for(method="answerCallbackQuery"))[0]
    await fake.wait_idle()
    return answer.params.get("text", "")


async def test_the_same_group_language_chosen_twice_edits_once(
    settings, session_factory, fake_api, clock
):
    claire = fake_api.user(CLAIRE, first_name="Claire", language_code="fr")
    async with session_factory() as session:
        ixelles = (await session.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
    dutch = AntennaCb(antenna_id=ixelles.id, action="nl").pack()
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/antenna")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        board = fake_api.last_message(CLAIRE)
        assert dutch in [d for _, d in buttons(board)]
        for _ in range(2):  # the second press comes with the board as it is by then
            assert await press(fake_api, claire, board, dutch) == "Enregistré."
        after = fake_api.message(CLAIRE, board["message_id"])
        assert "✓ Nederlands" in [label for label, _ in buttons(after)]
    assert len(fake_api.calls("editMessageText", chat_id=CLAIRE)) == 1
    assert fake_api.refused == []


async def test_language_buttons_edit_only_their_own_question(settings, fake_api, clock):
    person = fake_api.user(NEWCOMER, first_name="Nina", language_code="de")
    french, dutch = LanguageCb(code="fr").pack(), LanguageCb(code="nl").pack()
    async with running_bot(settings, clock=clock):
        fake_api.send_text(person, "bonjour")
        await fake_api.wait_for(method="sendMessage", chat_id=NEWCOMER)
        question = fake_api.last_message(NEWCOMER)
        assert french in [d for _, d in buttons(question)]

        # The first choice answers the question, in place; the greeting follows.
        assert await press(fake_api, person, question, french) == "Langue enregistrée."
        confirmed = fake_api.message(NEWCOMER, question["message_id"])
        assert confirmed["text"] == "Je vous parlerai désormais en français."
        # Pressed again (a slow double tap): saved again, nothing to edit.
        assert await press(fake_api, person, question, french) == "Langue enregistrée."
        assert fake_api.message(NEWCOMER, question["message_id"]) == confirmed

        # A language button put on another message: the choice is saved, in the new
        # language, and that message stays as it was.
        other = fake_api.last_message(NEWCOMER)
        assert other["message_id"] != question["message_id"]
        assert await press(fake_api, person, other, dutch) == "Taal opgeslagen."
        assert fake_api.message(NEWCOMER, other["message_id"]) == other

        # /lang asks again, and that question becomes the confirmation.
        fake_api.send_text(person, "/lang")
        await fake_api.wait_for(method="sendMessage", chat_id=NEWCOMER)
        again = fake_api.last_message(NEWCOMER)
        assert await press(fake_api, person, again, french) == "Langue enregistrée."
        assert fake_api.message(NEWCOMER, again["message_id"])["text"] == (
            "Je vous parlerai désormais en français."
        )
    edits = fake_api.calls("editMessageText", chat_id=NEWCOMER)
    assert [c.params["message_id"] for c in edits] == [question["message_id"], again["message_id"]]
    assert fake_api.refused == []


async def test_a_double_tap_edits_once(settings, fake_api, clock):
    """Both presses carry the message as it was before either edit."""
    anne = fake_api.user(ANNE, first_name="Anne", language_code="fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(anne, "/lang")
        await fake_api.wait_for(method="sendMessage", chat_id=ANNE)
        question = fake_api.last_message(ANNE)
        fake_api.send_text(anne, "/forgetme")
        await fake_api.wait_for(method="sendMessage", chat_id=ANNE)
        forget = fake_api.last_message(ANNE)
        no = next(d for label, d in buttons(forget) if d.startswith("fg:no:"))
        for message, data in [(question, LanguageCb(code="fr").pack()), (forget, no)]:
            fake_api.press_button(anne, message, data)
            fake_api.press_button(anne, message, data)
        await fake_api.wait_for(method="answerCallbackQuery", count=4)
        await fake_api.wait_idle()
        assert fake_api.message(ANNE, forget["message_id"])["text"] == "Rien n'a été effacé."
    edits = fake_api.calls("editMessageText", chat_id=ANNE)
    assert sorted(c.params["message_id"] for c in edits) == sorted(
        [question["message_id"], forget["message_id"]]
    )
    assert fake_api.refused == []
