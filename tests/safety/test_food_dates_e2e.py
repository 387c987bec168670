"""Dates on announced food, end to end in French and in Dutch: read from the store's words and
shown on the echo and the group card; a chilled item without its use-by date is asked with
buttons; a date past is refused until the store corrects it or removes the line; nobody else
can press the date buttons. Read on Tuesday 10 March 2026 (the clock fixture)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.callbacks import AnnounceCb, DateCb
from storage.engine import create_engine, create_session_factory
from storage.models import Donation, DonationItem
from tests.announcements.test_guided_flow import alert_for, speak
from tests.harness import buttons, running_bot

GROUP = -1001000000001
MARC, CLAIRE, SOFIE, LUCAS, STRANGER = 100003, 100001, 100004, 100007, 100999

WORDS = {
    "fr": {
        "first": "/surplus 3 caisses yaourts DLC 14/03, 2 kg saumon, 20 kg pain 18h-19h30",
        "past": "/surplus 4 kg poulet DLC 08/03, 10 kg pain 18h-19h30",
        "gone": "/surplus 2 kg haché jusqu'au 01/03, 5 kg pain 18h-19h30",
        "dairy_dated": "DLC 14/03",
        "ask": "Quelle date limite de consommation (DLC) pour «\u202f2 kg saumon\u202f»",
        "ask_again": "Choisissez-la avec les boutons ci-dessus",
        "refused": "«\u202f4 kg poulet DLC 08/03\u202f»\u202f: sa date limite de consommation "
        "(DLC 08/03/2026) est dépassée\u202f: il ne peut pas être donné.",
        "fix": "Rien n'est encore annoncé\u202f: retirez cette ligne ou corrigez sa date",
        "write": "Écrivez la date de «\u202f4 kg poulet DLC 08/03\u202f»",
        "unreadable": "Je n'ai pas pu lire cette date.",
        "past_typed": "Cette date est déjà passée",
        "typed": "11 mars",
        "announced": "Annoncé",
        "closed": "Cette annonce a déjà été envoyée ou annulée.",
        "left_out": "2 kg haché jusqu'au 01/03",
    },
    "nl": {
        "first": "/surplus 3 bakken yoghurt tgt 14/03, 2 kg zalm, 20 kg brood 18u-19u30",
        "past": "/surplus 4 kg kip TGT 08/03, 10 kg brood 18u-19u30",
        "gone": "/surplus 2 kg gehakt te gebruiken tot 01/03, 5 kg brood 18u-19u30",
        "dairy_dated": "TGT 14/03",
        "ask": "Welke te gebruiken tot-datum (TGT) voor “2 kg zalm”",
        "ask_again": "Kies ze met de knoppen hierboven",
        "refused": "“4 kg kip TGT 08/03”: de te gebruiken tot-datum (TGT 08/03/2026) is "
        "voorbij: het mag niet gegeven worden.",
        "fix": "Er is nog niets aangekondigd: verwijder deze regel of verbeter de datum",
        "write": "Schrijf de datum van “4 kg kip TGT 08/03”",
        "unreadable": "Ik kon deze datum niet lezen.",
        "past_typed": "Deze datum is al voorbij",
        "typed": "11 maart",
        "announced": "Gemeld",
        "closed": "Deze melding werd al verstuurd of geannuleerd.",
        "left_out": "2 kg gehakt te gebruiken tot 01/03",
    },
}


async def items(database_url: str) -> list[list[tuple[str, date | None]]]:
    """Each announced donation's items: (label, use-by date)."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = []
        for donation in (await session.exec(select(Donation).order_by(Donation.id))).all():
            rows = await session.exec(
                select(DonationItem)
                .where(DonationItem.donation_id == donation.id)
                .order_by(DonationItem.id)
            )
            found.append([(i.label, i.use_by) for i in rows])
    await engine.dispose()
    return found


def date_button(message: dict, days: int) -> str:
    return next(
        data
        for _label, data in buttons(message)
        if data.startswith("dt:") and DateCb.unpack(data).days == days
    )


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_dates_are_read_asked_shown_and_refused_when_past(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await speak(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    marc = fake_api.user(MARC, first_name="Marc", language_code=lang)
    claire = fake_api.user(CLAIRE, first_name="Claire", language_code=lang)
    stranger = fake_api.user(STRANGER, first_name="Eve", language_code=lang)
    for driver in (SOFIE, LUCAS):  # the offers reach them
        fake_api.user(driver, language_code=lang)
    ok = AnnounceCb(action="ok").pack()

    async def say(text: str) -> str:
        fake_api.send_text(marc, text)
        await fake_api.wait_for(method="sendMessage", chat_id=MARC)
        return fake_api.last_message(MARC)["text"]

    async def press(message: dict, data: str, method: str = "editMessageText") -> None:
        fake_api.press_button(marc, message, data, check=True)
        await fake_api.wait_for(method=method, chat_id=MARC)

    async with running_bot(settings, clock=clock):
        # 1. Dates read from the words; the salmon has none: asked with buttons.
        echo_text = await say(words["first"])
        echo = fake_api.last_message(MARC)
        assert words["dairy_dated"] in echo_text and words["ask"] in echo_text, echo_text
        in_two_days = date_button(echo, 2)
        assert [DateCb.unpack(d).days for _t, d in buttons(echo) if d.startswith("dt:")] == [
            0,
            1,
            2,
            3,
            4,
            5,
        ]
        # Nobody else may press them: a stranger, a coordinator of the antenna.
        for other in (stranger, claire):
            assert words["closed"] in await alert_for(fake_api, other, echo, in_two_days)
        assert fake_api.last_message(MARC)["text"] == echo_text
        # Confirming asks for the date first; nothing is announced.
        await press(echo, ok, "sendMessage")
        assert words["ask_again"] in fake_api.last_message(MARC)["text"]
        assert fake_api.sent(GROUP) == []
        # "In 2 days": the salmon gets 12/03, and the echo may be confirmed.
        await press(echo, in_two_days)
        echo = fake_api.message(MARC, echo["message_id"])
        assert "12/03" in echo["text"] and words["ask"] not in echo["text"]
        assert not [d for _t, d in buttons(echo) if d.startswith("dt:")]
        await press(echo, ok, "sendMessage")
        await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
        card = fake_api.sent(GROUP)[0]["text"]
        for shown in ("DLC 14/03", "TGT 14/03", "DLC 12/03", "TGT 12/03"):
            assert shown in card, (shown, card)

        # 2. A use-by date past: refused, named, and nothing announced until it is settled.
        echo_text = await say(words["past"])
        echo = fake_api.last_message(MARC)
        assert words["refused"] in echo_text and words["fix"] in echo_text, echo_text
        await press(echo, ok, "sendMessage")
        assert words["refused"] in fake_api.last_message(MARC)["text"]
        assert len(fake_api.sent(GROUP)) == 1
        # "Another date": typed; unreadable or past, asked again clearly.
        await press(echo, date_button(echo, 4), "sendMessage")
        assert words["write"] in fake_api.last_message(MARC)["text"]
        for typed, answer in (("bientôt", "unreadable"), ("09/03", "past_typed")):
            reply = await say(typed)
            assert words[answer] in reply and words["write"] in reply, (typed, reply)
        echo_text = await say(words["typed"])
        assert "11/03" in echo_text and words["refused"].split("08/03/2026")[0] not in echo_text
        fake_api.press_button(marc, fake_api.last_message(MARC), ok, check=True)
        await fake_api.wait_for(lambda: len(fake_api.sent(GROUP)) == 2, timeout=15)

        # 3. Or the line removed: the rest is announced without it.
        await say(words["gone"])
        echo = fake_api.last_message(MARC)
        await press(echo, date_button(echo, 5))
        echo = fake_api.message(MARC, echo["message_id"])
        assert words["left_out"] in echo["text"]
        await press(echo, ok, "sendMessage")
        await fake_api.wait_for(lambda: len(fake_api.sent(GROUP)) == 3, timeout=15)

    found = await items(settings.database_url)
    assert [[day for _label, day in donation] for donation in found] == [
        [date(2026, 3, 14), date(2026, 3, 12), None],
        [date(2026, 3, 11), None],
        [None],
    ]
    assert fake_api.refused == []
