"""Many people writing at the same minute: every one is answered, nobody waits on the pool."""

from __future__ import annotations

import logging

import pytest

from tests.harness import running_bot

MEMBERS = (100001, 100002, 100003, 100004, 100005, 100006, 100007, 100008)
STRANGERS = tuple(700000 + n for n in range(32))


async def test_forty_people_at_once_are_all_answered(settings, fake_api, clock, caplog):
    people = MEMBERS + STRANGERS
    users = {tid: fake_api.user(tid, language_code="nl" if tid % 2 else "fr") for tid in people}
    for tid in people:  # all queued before the bot polls once
        fake_api.send_text(users[tid], "/cancel")  # reads the conversation state
    with caplog.at_level(logging.WARNING):
        async with running_bot(settings, clock=clock):
            await fake_api.wait_for(lambda: all(fake_api.sent(tid) for tid in people), timeout=60)
            await fake_api.wait_idle(timeout=30)
    assert all(fake_api.sent(tid) for tid in people)
    assert fake_api.refused == []
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert problems == [], [r.getMessage() for r in problems]


def test_the_limit_is_a_setting_kept_under_the_pool():
    from pydantic import ValidationError

    from bot.config import Settings

    assert Settings().max_concurrent_updates == 6
    assert Settings(max_concurrent_updates=3).max_concurrent_updates == 3
    for wrong in (0, 8):
        with pytest.raises(ValidationError):
            Settings(max_concurrent_updates=wrong)
