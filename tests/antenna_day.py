"""A whole day of the Ixelles antenna through the bot, over HTTP, as the end-to-end tests play
it: a store announces by free text, two drivers race for the claim, the winner collects
31,5 kg and delivers two stops, one association confirms and one reports 10 kg.

``play_the_day`` checks each step as it goes (exactly one driver wins, the store is told who
comes, the group's card follows); the tests that build on the day check what they are about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update

from bot.callbacks import AnnounceCb, DeliverCb, PickupCb, ReceiptCb
from storage.engine import create_engine, create_session_factory
from storage.models import Member
from tests.harness import buttons

GROUP = -1001000000001  # the Ixelles antenna's group in config.toml
MARC, SOFIE, LUCAS, CLAIRE, ANNE, PIETER = 100003, 100004, 100007, 100001, 100006, 100008
CAST = [
    (MARC, "Marc"),
    (SOFIE, "Sofie"),
    (LUCAS, "Lucas"),
    (CLAIRE, "Claire"),
    (ANNE, "Anne"),
    (PIETER, "Pieter"),
]

WORDS = {
    "fr": {
        "announce": "/surplus 20 kg pain, 12 kg légumes 18h-19h30",
        "understood": "Voici ce que j'ai compris",
        "won": "C'est pour vous",
        "lost": "Trop tard",
        "claimed": "Pris par",
        "collected": "Collecté",
        "difference": "a reçu 10 kg au lieu de",
        "delivered": "Livré",
        "coming": "viendra chercher vos invendus",
        "disputed": "réception contestée",
    },
    "nl": {
        "announce": "/surplus 20 kg brood, groenten 12 kg 18u-19u30",
        "understood": "Dit heb ik begrepen",
        "won": "Hij is voor jou",
        "lost": "Te laat",
        "claimed": "Opgenomen door",
        "collected": "Opgehaald",
        "difference": "ontving 10 kg in plaats van",
        "delivered": "Geleverd",
        "coming": "komt je overschotten ophalen",
        "disputed": "ontvangst betwist",
    },
}


async def set_everyone_language(database_url: str, language: str) -> None:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(update(Member).values(language=language))
        await session.commit()
    await engine.dispose()


def last_with_button(fake, chat_id: int, prefix: str) -> dict:
    for message in reversed(fake.sent(chat_id)):
        if any(data.startswith(prefix + ":") for _, data in buttons(message)):
            return message
    raise AssertionError(f"no message with a {prefix} button in chat {chat_id}")


def button_data(message: dict, prefix: str) -> list[str]:
    return [data for _, data in buttons(message) if data.startswith(prefix + ":")]


@dataclass(frozen=True)
class DayPlayed:
    claim: str  # the claim button's data on the group's card
    winner: int  # the driver who won the race


async def play_the_day(fake_api, clock, people: dict[int, dict], words: dict[str, str]):
    """The day, from the announcement at 10:00 to the coordinator told of the difference."""
    # The store announces by free text, and confirms the echo.
    fake_api.send_text(people[MARC], words["announce"])
    echo = (await fake_api.wait_for(method="sendMessage", chat_id=MARC))[-1].params
    assert words["understood"] in echo["text"]
    fake_api.press_button(people[MARC], fake_api.last_message(MARC), AnnounceCb(action="ok").pack())
    # The card reaches the group, offers reach both drivers.
    await fake_api.wait_for(
        lambda: fake_api.sent(GROUP) and fake_api.sent(SOFIE) and fake_api.sent(LUCAS),
        timeout=15,
    )
    card = fake_api.sent(GROUP)[0]
    claim = button_data(card, "cl")
    assert claim, card

    # Two drivers press the claim button at the same moment: exactly one wins.
    fake_api.press_button(people[SOFIE], card, claim[0])
    fake_api.press_button(people[LUCAS], card, claim[0])
    answers = await fake_api.wait_for(method="answerCallbackQuery", count=2)
    texts = [a.params.get("text", "") for a in answers]
    assert sum(words["won"] in t for t in texts) == 1, texts
    assert sum(words["lost"] in t for t in texts) == 1, texts
    await fake_api.wait_for(lambda: words["claimed"] in fake_api.sent(GROUP)[0]["text"])
    claimed_card = fake_api.sent(GROUP)[0]["text"]
    winner = SOFIE if "Sofie" in claimed_card else LUCAS
    assert ("Lucas" in claimed_card) == (winner == LUCAS)
    # The store is told who comes.
    await fake_api.wait_for(lambda: words["coming"] in fake_api.texts(MARC)[-1])
    assert ("Sofie" if winner == SOFIE else "Lucas") in fake_api.texts(MARC)[-1]

    # At 18:40 the winner has collected 31,5 kg.
    clock.set(datetime(2026, 3, 10, 17, 40, tzinfo=UTC))
    panel = last_with_button(fake_api, winner, "pu")
    total = PickupCb.unpack(button_data(panel, "pu")[1])
    assert total.action == "total"
    fake_api.press_button(people[winner], panel, total.pack())
    await fake_api.wait_for(method="sendMessage", chat_id=winner)
    fake_api.send_text(people[winner], "31,5")
    await fake_api.wait_for(method="sendMessage", chat_id=winner)
    await fake_api.wait_for(lambda: words["collected"] in fake_api.sent(GROUP)[0]["text"])

    # Next morning, two stops: one as planned, one with another weight.
    clock.set(datetime(2026, 3, 11, 8, 30, tzinfo=UTC))
    panel = last_with_button(fake_api, winner, "dl")
    stops = [DeliverCb.unpack(d) for d in button_data(panel, "dl")]
    planned = [s for s in stops if s.action == "planned"]
    other = [s for s in stops if s.action == "kg"]
    assert len(planned) == 2, stops
    fake_api.press_button(people[winner], panel, planned[0].pack())
    await fake_api.wait_for(method="answerCallbackQuery")
    panel = last_with_button(fake_api, winner, "dl")
    fake_api.press_button(people[winner], panel, other[1].pack())
    await fake_api.wait_for(method="sendMessage", chat_id=winner)
    fake_api.send_text(people[winner], "14")
    await fake_api.wait_for(method="sendMessage", chat_id=winner)

    # Each association is asked; one confirms, one reports 10 kg.
    await fake_api.wait_for(
        lambda: (
            any(button_data(m, "rc") for m in fake_api.sent(ANNE))
            and any(button_data(m, "rc") for m in fake_api.sent(PIETER))
        ),
        timeout=15,
    )
    anne = last_with_button(fake_api, ANNE, "rc")
    ok = next(d for d in button_data(anne, "rc") if ReceiptCb.unpack(d).action == "ok")
    fake_api.press_button(people[ANNE], anne, ok)
    pieter = last_with_button(fake_api, PIETER, "rc")
    diff = next(d for d in button_data(pieter, "rc") if ReceiptCb.unpack(d).action == "diff")
    fake_api.press_button(people[PIETER], pieter, diff)
    await fake_api.wait_for(method="sendMessage", chat_id=PIETER)
    fake_api.send_text(people[PIETER], "10")

    # The coordinator is told the whole story; the group card shows the end of it.
    await fake_api.wait_for(
        lambda: any(words["difference"] in m["text"] for m in fake_api.sent(CLAIRE)),
        timeout=15,
    )
    await fake_api.wait_for(lambda: words["disputed"] in fake_api.sent(GROUP)[0]["text"])
    return DayPlayed(claim=claim[0], winner=winner)
