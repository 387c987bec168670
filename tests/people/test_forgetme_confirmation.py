"""/forgetme erases only on the answer to a question really asked to that person, lately:
a forged confirmation, someone else's, an old one after a newer /forgetme, or one left for
more than ten minutes erase nothing and are told why; "no" pressed twice edits once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.callbacks import ForgetCb
from logistics.people import erasure_request
from logistics.people.erasure_request import VALID, NotAsked, answers, check_answer
from storage.engine import create_engine, create_session_factory
from storage.models import Member
from tests.antenna_day import set_everyone_language
from tests.harness import buttons, running_bot

MARC, ANNE = 100003, 100006
REFUSED = "Cette confirmation n'est pas (ou plus) valable\u202f: rien n'a été effacé."
TOO_OLD = "Cette confirmation date de plus de 10 minutes\u202f: rien n'a été effacé."
ERASED = "vos données personnelles sont effacées"


def test_the_rule(now):
    asked = erasure_request.ask(now)
    assert len(asked["code"]) == 8 and asked != erasure_request.ask(now)
    check_answer(asked, asked["code"], now)
    check_answer(asked, asked["code"], now + VALID)
    for stored, code in [
        (None, asked["code"]),
        ({}, asked["code"]),
        ("garbage", asked["code"]),
        (asked, ""),
        (asked, asked["code"][:-1]),
        (asked, "é" * 8),
        ({"code": asked["code"], "at": "yesterday"}, asked["code"]),
    ]:
        with pytest.raises(NotAsked) as refused:
            check_answer(stored, code, now)
        assert refused.value.reason == "unknown", (stored, code)
    for at in (now + VALID + timedelta(seconds=1), now - timedelta(seconds=1)):
        with pytest.raises(NotAsked) as refused:
            check_answer(asked, asked["code"], at)
        assert refused.value.reason == "expired"
    assert answers(asked, asked["code"]) and not answers(asked, "x" * 8)


async def names(settings) -> dict[int, str | None]:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            found = await session.exec(select(Member).where(Member.name.is_not(None)))
            return {m.telegram_id: m.name for m in found.all()}
    finally:
        await engine.dispose()


async def ask(fake, user: dict) -> tuple[dict, str, str]:
    """/forgetme: the question, its "yes" and its "no"."""
    fake.send_text(user, "/forgetme")
    await fake.wait_for(method="sendMessage", chat_id=user["id"])
    question = fake.last_message(user["id"])
    data = {ForgetCb.unpack(d).action: d for _, d in buttons(question)}
    return question, data["yes"], data["no"]


async def press(fake, user: dict, message: dict, data: str) -> str:
    """Press a button; returns the text of the answer to the press."""
    fake.press_button(user, message, data)
    answer = (await fake.wait_for(method="answerCallbackQuery"))[0]
    await fake.wait_idle()
    return answer.params.get("text", "")


async def test_only_the_latest_recent_question_of_the_person_erases(settings, fake_api, clock):
    await set_everyone_language(settings.database_url, "fr")
    anne = fake_api.user(ANNE, first_name="Anne", language_code="fr")
    marc = fake_api.user(MARC, first_name="Marc", language_code="fr")
    async with running_bot(settings, clock=clock):
        # Forged presses, without any /forgetme: nothing erased, the message left alone.
        fake_api.send_text(anne, "/help")
        await fake_api.wait_for(method="sendMessage", chat_id=ANNE)
        help_message = fake_api.last_message(ANNE)
        for forged in ("fg:yes:", "fg:yes:AAAAAAAA", "fg:yes:é€", "fg:no:AAAAAAAA"):
            answer = await press(fake_api, anne, help_message, forged)
            assert "rien n'a été effacé" in answer.casefold(), forged
        assert (
            await press(fake_api, anne, help_message, "fg:yes") == "Ce bouton n'est plus valable."
        )
        assert fake_api.message(ANNE, help_message["message_id"]) == help_message
        assert ANNE in await names(settings)

        # Anne asks twice; Marc presses her latest "yes" as his own: not his question.
        old, old_yes, _ = await ask(fake_api, anne)
        new, new_yes, _ = await ask(fake_api, anne)
        assert old_yes != new_yes
        fake_api.send_text(marc, "/help")
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        assert REFUSED in await press(fake_api, marc, fake_api.last_message(MARC), new_yes)
        # Anne answers the older question: refused, and its buttons go.
        assert REFUSED in await press(fake_api, anne, old, old_yes)
        assert "reply_markup" not in fake_api.message(ANNE, old["message_id"])
        assert set(await names(settings)) >= {ANNE, MARC}
        # Her latest question erases her.
        assert await press(fake_api, anne, new, new_yes) == ""
        assert ERASED in fake_api.message(ANNE, new["message_id"])["text"]
        assert ANNE not in await names(settings)

        # Marc leaves his question eleven minutes: too old; asked again, he says no twice.
        question, yes, no = await ask(fake_api, marc)
        clock.advance(minutes=11)
        assert TOO_OLD in await press(fake_api, marc, question, yes)
        question, yes, no = await ask(fake_api, marc)
        for _ in range(2):
            assert await press(fake_api, marc, question, no) == "Rien n'a été effacé."
        assert fake_api.message(MARC, question["message_id"])["text"] == "Rien n'a été effacé."
        edits = fake_api.calls("editMessageText", chat_id=MARC)
        assert [c.params["message_id"] for c in edits] == [question["message_id"]]
        # "no" ended the question: its "yes" no longer erases.
        assert REFUSED in await press(fake_api, marc, question, yes)
        assert MARC in await names(settings)
    assert fake_api.refused == []
