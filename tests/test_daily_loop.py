"""A whole day of an antenna through the bot, over HTTP, once in French and once in Dutch.

A store announces by free text, two drivers race for the claim (exactly one wins), the winner
collects and delivers to two associations, one confirms, one reports a difference, the
coordinator is told; the group's card shows each step; nothing is refused.
"""

from __future__ import annotations

import pytest

from bot.callbacks import ClaimCb
from tests.antenna_day import CAST, GROUP, WORDS, play_the_day, set_everyone_language
from tests.harness import running_bot


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_whole_day(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await set_everyone_language(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    people = {tid: fake_api.user(tid, first_name=name, language_code=lang) for tid, name in CAST}
    async with running_bot(settings, clock=clock):
        day = await play_the_day(fake_api, clock, people, words)
    group = fake_api.sent(GROUP)
    assert len(group) == 1, "the card is edited in place, never re-posted"
    edits = [c.params["text"] for c in fake_api.calls("editMessageText", chat_id=GROUP)]
    for step in ("claimed", "collected", "delivered", "disputed"):
        assert any(words[step] in text for text in edits), step
    assert ClaimCb.unpack(day.claim).donation_id == 1
    assert fake_api.refused == []
