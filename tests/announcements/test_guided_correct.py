""" "Correct" on the echo of the guided announcement goes back to its items, as entered:
an item can be removed, another added, and the announcement then goes out as corrected."""

from __future__ import annotations

import pytest

from bot.callbacks import AnnounceCb, ItemsDoneCb, QuantityCb, UnitCb, WindowCb
from tests.announcements.test_guided_flow import (
    GROUP,
    MARC,
    STRANGER,
    WORDS,
    Conversation,
    alert_for,
    announced,
    speak,
    use_by_in_two_days,
)
from tests.harness import buttons, running_bot

LIST = {"fr": "Touchez 🗑 pour retirer", "nl": "Tik op 🗑 om iets te schrappen"}
GONE = {"fr": "déjà été envoyée ou annulée", "nl": "werd al verstuurd of geannuleerd"}


async def add(marc: Conversation, kind: str, unit: str, amount: int) -> None:
    await marc.tap(marc.button(kind))
    await marc.tap(UnitCb(unit=unit).pack())
    await marc.tap(QuantityCb(amount=amount).pack())


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_correct_goes_back_to_the_guided_items(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await speak(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    user = fake_api.user(MARC, first_name="Marc", language_code=lang)
    marc = Conversation(fake_api, user)
    stranger = fake_api.user(STRANGER, first_name="Eve", language_code=lang)
    async with running_bot(settings, clock=clock):
        await marc.say("/surplus")
        await add(marc, words["bread"], "kg", 20)
        await add(marc, words["dairy"], "crate", 3)
        await marc.tap(ItemsDoneCb().pack())
        echo = await marc.tap(WindowCb(choice="usual").pack())
        assert words["understood"] in echo
        echo_message = marc.last
        back = AnnounceCb(action="back").pack()
        assert back in [d for _t, d in buttons(echo_message)]
        assert AnnounceCb(action="edit").pack() not in [d for _t, d in buttons(echo_message)]

        # someone else pressing Marc's "Correct": told it is not theirs to open, nothing moves
        assert GONE[lang] in await alert_for(fake_api, stranger, echo_message, back)

        listed = await marc.tap(back)
        assert LIST[lang] in listed  # the guided list, not "send the corrected message"
        assert "20 kg" in listed and ("3 caisses" in listed or "3 bakken" in listed)
        drops = [d for _t, d in buttons(marc.last) if d.startswith("an:drop")]
        assert drops == [AnnounceCb(action=f"drop{n}").pack() for n in range(2)]

        after_drop = await marc.tap(AnnounceCb(action="drop0").pack())  # the bread goes
        assert "20 kg" not in after_drop and LIST[lang] in after_drop
        await add(marc, words["bread"], "kg", 10)  # and comes back as 10 kg
        await marc.tap(ItemsDoneCb().pack())
        echo = await marc.tap(WindowCb(choice="usual").pack())
        assert "10 kg" in echo and "20 kg" not in echo
        await use_by_in_two_days(marc)

        assert words["announced"] in await marc.tap(AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
    assert await announced(settings.database_url) == [
        [("crate", 3.0, "chilled", 24.0), ("kg", 10.0, "ambient", 10.0)]
    ]
    assert fake_api.refused == []
