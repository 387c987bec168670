"""Runs the real bot in-process against the fake Bot API server, over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from sqlmodel import select

from bot.app import Application, create_application
from bot.config import Settings, load_settings
from bot.emulator import FakeTelegram
from logistics.clock import Clock
from logistics.network.seed import seed_network
from logistics.people.reachability import everyone_opened
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Member, Membership, Store

ROOT = Path(__file__).resolve().parents[1]


def now() -> datetime:
    """When a row is made for a test's setup (never what a rule reads as the time)."""
    return datetime.now(UTC)


TOKEN = "123456:TEST"


def example_settings(*, database_url: str, api_url: str) -> Settings:
    """The shipped example network, pointed at the test database and the fake server."""
    settings = load_settings(ROOT / "config.toml")
    return settings.model_copy(
        update={
            "database_url": database_url,
            "telegram_api_url": api_url,
            "bot_token": SecretStr(TOKEN),
            "redis_url": None,
        }
    )


async def prepare_database(settings: Settings, *, clock: Clock, opened: bool = True) -> None:
    """Migrate and seed the example network, as `make run` does; its people have opened the
    bot already, unless ``opened`` is False (as right after `make run`)."""
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            await seed_network(session, settings.network, now=clock.now())
            if opened:
                await everyone_opened(session, now=clock.now())
            await session.commit()
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, *, clock: Clock, schedule: bool = False
) -> AsyncIterator[Application]:
    """The application serving by long polling until the block ends; its periodic jobs only
    with ``schedule`` (tests run the rules themselves, at the fixed clock's time)."""
    app = await create_application(settings, clock=clock, schedule=schedule)
    task = asyncio.create_task(app.serve(handle_signals=False, polling_timeout=1))
    try:
        yield app
    finally:
        await app.stop()
        await asyncio.wait_for(task, timeout=10)


async def add_store_manager(
    database_url: str, *, telegram_id: int, name: str, store_key: str, language: str
) -> None:
    """A new member managing the store of that key, in its antenna."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        store = (await session.exec(select(Store).where(Store.key == store_key))).one()
        member = Member(
            telegram_id=telegram_id, name=name, language=language, created_at=now(), opened_at=now()
        )
        session.add(member)
        await session.flush()
        session.add(
            Membership(
                member_id=member.id,
                antenna_id=store.antenna_id,
                role="store_manager",
                store_id=store.id,
                created_at=now(),
            )
        )
        await session.commit()
    await engine.dispose()


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat_id)]


def buttons(message: dict) -> list[tuple[str, str]]:
    """(label, callback data) of an inline keyboard, row by row."""
    markup = message.get("reply_markup") or {}
    return [
        (b["text"], b.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for b in row
    ]
