"""`python -m bot run` killed with a full outbox: after a restart every message arrives once.

The fake server holds the first sendMessage, so the kill lands while that send is in flight
(never answered, hence never recorded as sent on either side); the restarted bot sends all.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

import pytest
from sqlmodel import col, select

from bot.emulator import FakeTelegram
from storage.engine import create_engine, create_session_factory
from storage.models import Member, Outbox
from tests.bot.test_process import bot_env, know_the_network, start_bot, stop_bot
from tests.harness import TOKEN, example_settings, prepare_database

pytestmark = pytest.mark.process

GROUP = -1001000000001  # the Ixelles antenna's group in config.toml
RECIPIENTS = (100001, 100002, 100003, 100004, GROUP)
SUBJECTS = (100005, 100006, 100008)  # people who blocked the bot, told to the recipients


class HoldingTelegram(FakeTelegram):
    """Leaves sendMessage unanswered while ``holding``; ``held`` is set when one arrives."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.holding = True
        self.held = asyncio.Event()

    async def _handle(self, request):
        if self.holding and request.match_info["method"].lower() == "sendmessage":
            self.held.set()
            await asyncio.Event().wait()  # until the client goes away or the server stops
        return await super()._handle(request)


async def fill_outbox(database_url: str, now) -> dict[int, str]:
    """One entry per recipient and subject; returns the subjects' names by member id."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            members = await session.exec(
                select(Member).where(col(Member.telegram_id).in_(SUBJECTS))
            )
            names = {}
            for member in members.all():
                member.unreachable = True
                session.add(member)
                names[member.id] = member.name
            for chat_id in RECIPIENTS:
                for member_id in names:
                    session.add(
                        Outbox(
                            chat_id=chat_id,
                            method="notify",
                            payload={"kind": "member_unreachable", "member_id": member_id},
                            next_attempt_at=now,
                            created_at=now,
                        )
                    )
            await session.commit()
        return names
    finally:
        await engine.dispose()


async def entry_statuses(database_url: str) -> Counter:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.exec(select(Outbox))
            return Counter(
                r.status for r in rows.all() if r.payload.get("kind") == "member_unreachable"
            )
    finally:
        await engine.dispose()


async def test_a_killed_bot_sends_its_whole_outbox_after_a_restart(database_url, clock, now):
    fake = HoldingTelegram(token=TOKEN)
    await fake.start()
    process = None
    try:
        settings = example_settings(database_url=database_url, api_url=fake.base_url)
        await prepare_database(settings, clock=clock)
        know_the_network(fake, settings)  # the periodic jobs may post there too
        names = await fill_outbox(database_url, now)
        assert len(names) == len(SUBJECTS)
        env = bot_env(database_url, fake.base_url)

        process = await start_bot(env)
        await asyncio.wait_for(fake.held.wait(), timeout=30)
        process.kill()
        await asyncio.wait_for(process.wait(), timeout=10)
        assert process.returncode == -9
        assert fake.calls("sendMessage") == []
        assert await entry_statuses(database_url) == {"pending": len(RECIPIENTS) * len(SUBJECTS)}

        fake.holding = False
        process = await start_bot(env)

        def delivered() -> Counter:
            """The notes about the subjects (a run sheet caught up at start may name them too,
            as drivers the bot cannot reach: it is not one of these)."""
            return Counter(
                (call.chat_id, member_id)
                for call in fake.calls("sendMessage", ok=True)
                for member_id, name in names.items()
                if call.params["text"].startswith("⚠️") and name in call.params["text"]
            )

        expected = {(chat_id, member_id) for chat_id in RECIPIENTS for member_id in names}
        await fake.wait_for(lambda: set(delivered()) >= expected, timeout=30)
        code, stderr = await stop_bot(process)
        process = None
        assert code == 0, stderr.decode()
        assert delivered() == Counter(expected), "each message exactly once"
        assert await entry_statuses(database_url) == {"sent": len(expected)}
        assert fake.refused == []
    finally:
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        with contextlib.suppress(Exception):
            await fake.stop()
